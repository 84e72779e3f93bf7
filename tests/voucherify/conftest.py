"""A demo simulator per test (its Voucherify endpoint included) and a replica with the demo event."""
from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.simulator.server import SimulatorServer


@pytest.fixture
def sim(tmp_path) -> Iterator[SimulatorServer]:
    with SimulatorServer(tmp_path / "simulator.db", seed="demo") as server:
        yield server
