"""Test-wide setup: Qt renders offscreen, and replicas are real databases built the way production builds them.

The suites about the replica (store, station, sync) run every test that takes `db_url` (or a replica made
from it) twice: on a real SQLite file and on a real PostgreSQL server, started once per session in a
temporary directory (app/store/pg_server.py). Each PostgreSQL test gets a database of its own. The venue
suite (tests/venue) is about PostgreSQL alone and takes `venue_url` or the server itself.
"""
from __future__ import annotations

import itertools
import os
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("USHER_NO_KEYRING", "1")

import pytest  # noqa: E402

from app.demo_data import DEMO_REPLICA  # noqa: E402
from app.services.importer import import_file  # noqa: E402
from app.store.db import open_replica  # noqa: E402
from app.store.pg_server import ThrowawayPostgres  # noqa: E402

TESTS = Path(__file__).parent
# Where every test that opens a replica runs on both databases (paths under tests/).
ON_BOTH_DATABASES = ("store/", "sync/", "services/test_station")
MIGRATED_TEMPLATE = "usher_migrated"


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """`database` is "sqlite" everywhere, and also "postgresql" in the suites about the replica — except
    for a test marked `sqlite_only` (one about SQLite's own settings)."""
    where = metafunc.definition.path.relative_to(TESTS).as_posix()
    if ("database" in metafunc.fixturenames and where.startswith(ON_BOTH_DATABASES)
            and metafunc.definition.get_closest_marker("sqlite_only") is None):
        metafunc.parametrize("database", ["sqlite", "postgresql"], indirect=True)


@pytest.fixture(scope="session")
def postgres():
    """One throwaway PostgreSQL server for the session, with a migrated database to copy replicas from."""
    with ThrowawayPostgres() as server:
        open_replica(server.create_database(MIGRATED_TEMPLATE)).dispose()
        yield server


_database_names = (f"test_{n}" for n in itertools.count(1))


@pytest.fixture(autouse=True)
def _private_config_dir(tmp_path, monkeypatch):
    """Settings, token files and data (a venue door's own copy, the default replica) go to the test's own
    folder, never the developer's."""
    monkeypatch.setenv("USHER_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))


@pytest.fixture
def database(request) -> str:
    return getattr(request, "param", "sqlite")


@pytest.fixture
def db_url(database, tmp_path, request):
    """The URL of an empty database of the test's own: a SQLite file, or a database on the session's server."""
    if database == "sqlite":
        yield f"sqlite:///{tmp_path / 'replica.db'}"
        return
    server: ThrowawayPostgres = request.getfixturevalue("postgres")
    name = next(_database_names)
    yield server.create_database(name)
    server.drop_database(name)


@pytest.fixture
def replica(db_url, database, request):
    """An empty, migrated replica: on PostgreSQL a copy of the session's migrated database (faster than
    migrating each time; `open_replica` then finds it up to date, as a kiosk joining a venue does)."""
    if database == "postgresql":
        server: ThrowawayPostgres = request.getfixturevalue("postgres")
        name = db_url.rsplit("/", 1)[1]
        server.drop_database(name)
        server.create_database(name, template=MIGRATED_TEMPLATE)
    engine = open_replica(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def venue_url(postgres):
    """A venue's shared replica: a new, migrated database on the session's PostgreSQL server."""
    name = next(_database_names)
    yield postgres.create_database(name, template=MIGRATED_TEMPLATE)
    postgres.drop_database(name)


@pytest.fixture
def demo_replica(replica):
    """The demo event imported through `usher import`'s code path."""
    import_file(replica, DEMO_REPLICA)
    return replica


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    """Ends the test process once pytest has reported, without the interpreter's final teardown: PySide 6
    (on Python 3.11, where True and False are not immortal) can abort there with "bool_dealloc" after a long
    run of Qt tests, turning a green run red (exit status 134) after every test has passed."""
    import sys

    status = getattr(config, "_usher_exit_status", None)
    if status is not None:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(int(status))


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    session.config._usher_exit_status = exitstatus  # type: ignore[attr-defined]
