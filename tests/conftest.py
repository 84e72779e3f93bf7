"""Test-wide setup: Qt renders offscreen, and replicas are real SQLite files built the way production builds them."""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("USHER_NO_KEYRING", "1")

import pytest  # noqa: E402

from app.cli.demo import DEMO_REPLICA  # noqa: E402
from app.services.importer import import_file  # noqa: E402
from app.store.db import open_replica  # noqa: E402


@pytest.fixture(autouse=True)
def _private_config_dir(tmp_path, monkeypatch):
    """Settings and token files go to the test's own folder, never the developer's."""
    monkeypatch.setenv("USHER_CONFIG_DIR", str(tmp_path / "config"))


@pytest.fixture
def db_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'replica.db'}"


@pytest.fixture
def replica(db_url):
    """An empty, migrated replica on a real SQLite file."""
    engine = open_replica(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def demo_replica(replica):
    """The demo event imported through `usher import`'s code path."""
    import_file(replica, DEMO_REPLICA)
    return replica
