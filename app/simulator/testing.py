"""Pytest fixtures for suites that talk to a simulator over HTTP; import them into a conftest.

    from app.simulator.testing import calm_faults, simulator  # noqa: F401  (pytest fixtures)

`simulator` is one demo-seeded server per test module (tests share its state, so each test makes the
users and products it changes); `calm_faults` switches every fault off after each test that used it.
"""
from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.simulator.faults import FaultSettings
from app.simulator.server import SimulatorServer


@pytest.fixture(scope="module")
def simulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimulatorServer]:
    with SimulatorServer(tmp_path_factory.mktemp("simulator") / "simulator.db", seed="demo") as server:
        yield server


@pytest.fixture(autouse=True)
def calm_faults(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if "simulator" in request.fixturenames:
        server: SimulatorServer = request.getfixturevalue("simulator")
        if server.faults != FaultSettings():
            server.faults = FaultSettings()
