"""`SimulatorServer`: the simulated API on uvicorn, in a background thread, for tests, the demo and the CLI.

Two listening sockets share one app: the API port, and an admin port for `/_sim/faults` that stays up
while the API port is dark (a dark API port is closed, so clients get "connection refused").

    with SimulatorServer(tmp_path / "sim.db", seed="demo") as sim:
        client = ProductsClient(ApiSettings(sim.url, DEMO_WRITE_KEY))
        sim.faults = FaultSettings(server_error_rate=0.5, seed=7)
"""
from __future__ import annotations

import asyncio
import logging
import os
import socket
import sqlite3
import threading
from collections.abc import Coroutine, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import uvicorn

from app.simulator import db
from app.simulator.app import create_app
from app.simulator.auth import KeyAccess
from app.simulator.demo_data import DEMO_KEYS, seed_database
from app.simulator.faults import FaultController, FaultSettings

T = TypeVar("T")
_TIMEOUT = 15.0  # seconds to start, stop or switch; generous for slow CI machines
NO_FAULTS = FaultSettings()


class _DroppedOnPurpose(logging.Filter):
    """Hides uvicorn's complaint about the responses the fault injector cuts off deliberately."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != "ASGI callable returned without completing response."


logging.getLogger("uvicorn.error").addFilter(_DroppedOnPurpose())


@dataclass(slots=True)
class _Listener:
    server: uvicorn.Server
    task: asyncio.Task[None]


class SimulatorServer:
    def __init__(self, db_path: Path | str, *, seed: str = "demo", host: str = "127.0.0.1", port: int = 0,
                 admin_port: int = 0, keys: Mapping[str, KeyAccess] = DEMO_KEYS, optional_endpoints: bool = True,
                 faults: FaultSettings = NO_FAULTS) -> None:
        self._db_path = Path(db_path)
        self._seed = seed
        self._host = host
        self._requested_ports = (port, admin_port)
        self._keys = dict(keys)
        self._optional_endpoints = optional_endpoints
        self._initial_faults = faults
        self._ports: tuple[int, int] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._controller: FaultController | None = None
        self._config: uvicorn.Config | None = None
        self._api: _Listener | None = None
        self._admin: _Listener | None = None
        self._switch_lock: asyncio.Lock | None = None
        self._conn: sqlite3.Connection | None = None

    def __enter__(self) -> SimulatorServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        return self._running_ports()[0]

    @property
    def admin_port(self) -> int:
        return self._running_ports()[1]

    @property
    def url(self) -> str:
        """The API base URL, e.g. http://127.0.0.1:53127"""
        return self._url(self.port)

    @property
    def admin_url(self) -> str:
        """Where `/_sim/faults` stays reachable while the API is dark."""
        return self._url(self.admin_port)

    @property
    def faults(self) -> FaultSettings:
        return self._controller.settings if self._controller else self._initial_faults

    @faults.setter
    def faults(self, settings: FaultSettings) -> None:
        """Switch faults now; returns once a change of `dark` has taken effect."""
        self._run(self._apply_faults(settings))

    def start(self) -> SimulatorServer:
        if self._loop is not None:
            raise RuntimeError("The simulator is already running")
        seed_database(self._db_path, self._seed)
        api_socket = _bind(self._host, self._requested_ports[0])
        try:
            admin_socket = _bind(self._host, self._requested_ports[1])
        except OSError:
            api_socket.close()
            raise
        self._ports = (api_socket.getsockname()[1], admin_socket.getsockname()[1])
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="usher-simulator", daemon=True)
        self._thread.start()
        try:
            self._run(self._open(api_socket, admin_socket))
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        if self._loop is None or self._thread is None:
            return
        try:
            self._run(self._close())
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(_TIMEOUT)
            self._loop.close()
            self._loop = self._thread = None
            self._ports = None

    # --- on the simulator's event loop ---

    async def _open(self, api_socket: socket.socket, admin_socket: socket.socket) -> None:
        self._switch_lock = asyncio.Lock()
        self._controller = FaultController(self._initial_faults, self._switch_dark)
        self._conn = db.connect(self._db_path)
        app = create_app(self._conn, keys=self._keys, controller=self._controller,
                         optional_endpoints=self._optional_endpoints)
        # lifespan off and no log_config: the app has no startup work, and uvicorn must not reconfigure logging.
        self._config = uvicorn.Config(app, http="h11", ws="none", lifespan="off", log_config=None,
                                      log_level="warning", access_log=False, proxy_headers=False,
                                      server_header=False, timeout_graceful_shutdown=2)
        self._admin = await self._listen(admin_socket)
        if self._initial_faults.dark:
            api_socket.close()
        else:
            self._api = await self._listen(api_socket)

    async def _close(self) -> None:
        for listener in (self._api, self._admin):
            if listener is not None:
                listener.server.should_exit = True
        await asyncio.gather(*(listener.task for listener in (self._api, self._admin) if listener is not None))
        self._api = self._admin = None
        if self._conn is not None:
            self._conn.close()

    async def _apply_faults(self, settings: FaultSettings) -> None:
        assert self._controller is not None
        switching = self._controller.apply(settings)
        if switching is not None:
            await switching

    async def _switch_dark(self, dark: bool) -> None:
        assert self._switch_lock is not None
        async with self._switch_lock:
            if dark and self._api is not None:
                self._api.server.should_exit = True  # uvicorn closes the socket and lets connections finish
                await self._api.task
                self._api = None
            elif not dark and self._api is None:
                self._api = await self._listen(_bind(self._host, self.port))

    async def _listen(self, sock: socket.socket) -> _Listener:
        assert self._config is not None
        server = uvicorn.Server(self._config)
        task = asyncio.get_running_loop().create_task(server.serve(sockets=[sock]))
        while not server.started:
            if task.done():
                task.result()  # raises the startup failure
                raise RuntimeError("The simulator stopped while starting")
            await asyncio.sleep(0.005)
        return _Listener(server, task)

    # --- helpers ---

    def _run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        if self._loop is None:
            coroutine.close()
            raise RuntimeError("The simulator is not running")
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(_TIMEOUT)

    def _running_ports(self) -> tuple[int, int]:
        if self._ports is None:
            raise RuntimeError("The simulator is not running")
        return self._ports

    def _url(self, port: int) -> str:
        host = f"[{self._host}]" if ":" in self._host else self._host
        return f"http://{host}:{port}"


def _bind(host: str, port: int) -> socket.socket:
    # proto=IPPROTO_TCP matters: asyncio sets TCP_NODELAY on accepted connections only when the listening
    # socket says TCP; without it every keep-alive request stalls ~40 ms on delayed ACKs.
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    if os.name != "nt":  # lets a dark port be bound again at once; on Windows it would allow port stealing
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    return sock
