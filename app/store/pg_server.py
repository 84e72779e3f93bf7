"""A throwaway PostgreSQL server in a temporary directory, for the tests and the benchmark (kiosks never
start one: a venue runs its own server, docs/venue.md).

It uses the server binaries of the machine's PostgreSQL package (Debian's `postgresql`, which
scripts/ensure-system-packages.sh installs), listens on a free port of 127.0.0.1 and on a socket in its
directory, trusts local connections, and is removed with its directory on `stop`. PostgreSQL refuses to
run as root, so under root it runs as the unprivileged user `nobody`.
"""
from __future__ import annotations

import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg

SUPERUSER = "postgres"
UNPRIVILEGED_USER = "nobody"
START_TIMEOUT_S = 30.0


def server_bin_dir() -> Path:
    """The newest installed server's bin directory (Debian keeps it off PATH), else initdb on PATH."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    initdb = found[-1] if found else shutil.which("initdb")
    if initdb is None:
        raise RuntimeError("No PostgreSQL server is installed (initdb not found). On Debian or Ubuntu: "
                           "apt-get install postgresql (scripts/ensure-system-packages.sh does)")
    return Path(initdb).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ThrowawayPostgres:
    """`with ThrowawayPostgres() as pg: pg.create_database("x"); pg.url("x")`.

    `durable=False` (the tests) turns fsync off: nothing here must survive a power cut, and a test suite
    that waits for the disk on every commit is slow. The benchmark keeps it on, as a venue would."""

    def __init__(self, durable: bool = False, max_connections: int = 200) -> None:
        self.durable = durable
        self.max_connections = max_connections
        self.port = 0
        self.dir: Path | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._bin = Path()
        self._run_as: dict[str, object] = {}

    def __enter__(self) -> ThrowawayPostgres:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def start(self) -> ThrowawayPostgres:
        self._bin = server_bin_dir()
        self.dir = Path(tempfile.mkdtemp(prefix="usher-pg-"))
        if os.geteuid() == 0:
            user = pwd.getpwnam(UNPRIVILEGED_USER)
            os.chown(self.dir, user.pw_uid, user.pw_gid)
            self._run_as = {"user": user.pw_uid, "group": user.pw_gid, "extra_groups": []}
        subprocess.run([str(self._bin / "initdb"), "-D", str(self.dir / "data"), "-U", SUPERUSER, "--auth=trust",
                        "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"], check=True, capture_output=True, cwd=self.dir,
                       **self._run_as)  # type: ignore[arg-type]
        self.port = _free_port()
        return self.boot()

    def boot(self) -> ThrowawayPostgres:
        """Starts the server on its data (again, after `halt`: same port, same databases)."""
        assert self.dir is not None
        settings = {"listen_addresses": "127.0.0.1", "port": self.port, "unix_socket_directories": str(self.dir),
                    "max_connections": self.max_connections, "fsync": "on" if self.durable else "off",
                    "synchronous_commit": "on" if self.durable else "off",
                    "full_page_writes": "on" if self.durable else "off"}
        command = [str(self._bin / "postgres"), "-D", str(self.dir / "data")]
        for name, value in settings.items():
            command += ["-c", f"{name}={value}"]
        log = open(self.dir / "server.log", "ab")  # noqa: SIM115 - the server writes to it until it stops
        self._process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, cwd=self.dir,
                                         **self._run_as)  # type: ignore[arg-type]
        log.close()
        self._wait_until_ready()
        return self

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            try:
                psycopg.connect(self.conninfo("postgres"), connect_timeout=2).close()
                return
            except psycopg.OperationalError:
                assert self._process is not None and self.dir is not None
                if self._process.poll() is not None or time.monotonic() > deadline:
                    log = (self.dir / "server.log").read_text(errors="replace")
                    self.stop()
                    raise RuntimeError(f"The throwaway PostgreSQL server did not start:\n{log}") from None
                time.sleep(0.05)

    def halt(self) -> None:
        """Stops the server ("fast" shutdown: connections are ended), keeping its data for `boot`."""
        if self._process is not None:
            self._process.send_signal(signal.SIGINT)  # SIGTERM would wait for the clients to leave
            try:
                self._process.wait(15)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            self._process = None

    def stop(self) -> None:
        """Stops the server and removes its directory."""
        self.halt()
        if self.dir is not None:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None

    def conninfo(self, database: str) -> str:
        return f"host=127.0.0.1 port={self.port} user={SUPERUSER} dbname={database}"

    def url(self, database: str) -> str:
        """The SQLAlchemy URL of `database` on this server (as its superuser)."""
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def execute(self, sql: str, database: str = "postgres") -> None:
        """Runs a statement outside a transaction (CREATE/DROP DATABASE cannot run inside one)."""
        with psycopg.connect(self.conninfo(database), autocommit=True) as conn:
            conn.execute(sql)  # type: ignore[arg-type]

    def create_database(self, name: str, template: str = "template0") -> str:
        """A new database (a copy of `template`); returns its URL."""
        self.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        return self.url(name)

    def drop_database(self, name: str) -> None:
        """Drops `name`, ending any connection still open to it (a killed process's, say)."""
        self.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
