"""Fault injection: the failures the sync engine must survive, switchable while the simulator runs.

Each API request (paths under /v1/) first waits `latency_ms`, then draws one number from a seeded RNG
that decides, in this order: a 5xx answer, a 429 with `Retry-After`, or — for writes (POST) — a lost
answer after the server handled (and committed) the request. Setting the faults restarts the random
sequence from `seed`, so a test sees the same failures on every run. `dark` closes the API's listening
socket (connections are refused) and is carried out by the server, which owns the sockets.
"""
from __future__ import annotations

import asyncio
import dataclasses
import email.utils
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

DarkSwitch = Callable[[bool], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class FaultSettings:
    latency_ms: int = 0
    server_error_rate: float = 0.0
    server_error_status: int = 500
    rate_limit_rate: float = 0.0
    retry_after_seconds: int = 1
    retry_after_as_date: bool = False  # send Retry-After as an HTTP-date instead of delta-seconds
    drop_after_commit_rate: float = 0.0
    dark: bool = False
    seed: int = 0

    def __post_init__(self) -> None:
        for name in ("server_error_rate", "rate_limit_rate", "drop_after_commit_rate"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1")
        if not 0 <= self.latency_ms <= 600_000:
            raise ValueError("latency_ms must be between 0 and 600000")
        if not 500 <= self.server_error_status <= 599:
            raise ValueError("server_error_status must be a 5xx status")
        if not 0 <= self.retry_after_seconds <= 86_400:
            raise ValueError("retry_after_seconds must be between 0 and 86400")

    def to_json(self) -> dict[str, object]:
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, document: object) -> FaultSettings:
        """Settings from a JSON object; fields left out take their defaults (PUT replaces everything)."""
        if not isinstance(document, dict):
            raise ValueError("The fault settings must be a JSON object")
        fields = {f.name: f for f in dataclasses.fields(cls)}
        if unknown := sorted(set(document) - set(fields)):
            raise ValueError(f"Unknown fault settings: {', '.join(unknown)}")
        for name, value in document.items():
            expected = type(fields[name].default)
            accepted = (int, float) if expected is float else (expected,)
            if not isinstance(value, accepted) or (expected is not bool and isinstance(value, bool)):
                raise ValueError(f"{name} must be of type {expected.__name__}")
        return cls(**document)


class FaultController:
    """The current settings and their seeded draws. Used on the server's event loop only."""

    def __init__(self, settings: FaultSettings, dark_switch: DarkSwitch) -> None:
        self._settings = settings
        self._rng = random.Random(settings.seed)
        self._dark_switch = dark_switch
        self._switching: set[asyncio.Task[None]] = set()  # keeps running switch tasks referenced

    @property
    def settings(self) -> FaultSettings:
        return self._settings

    def apply(self, settings: FaultSettings) -> asyncio.Task[None] | None:
        """Use `settings` from now on; returns the task that turns the API dark or back on, if that changes."""
        previous, self._settings = self._settings, settings
        self._rng = random.Random(settings.seed)
        if settings.dark == previous.dark:
            return None
        task = asyncio.get_running_loop().create_task(self._dark_switch(settings.dark))
        self._switching.add(task)
        task.add_done_callback(self._switching.discard)
        return task

    def draw(self) -> float:
        return self._rng.random()


class FaultInjector:
    """ASGI middleware applying the controller's latency, 5xx, 429 and drop-after-commit faults."""

    def __init__(self, app: ASGIApp, controller: FaultController) -> None:
        self._app = app
        self._controller = controller

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/v1/"):
            await self._app(scope, receive, send)
            return
        faults = self._controller.settings
        if faults.latency_ms:
            # A slow server, not a slow network: the request is received at once and handled late, so a
            # write still applies after the client has given up waiting.
            receive = await _received_in_full(receive)
            await asyncio.sleep(faults.latency_ms / 1000)
        roll = self._controller.draw()
        error_below = faults.server_error_rate
        throttle_below = error_below + faults.rate_limit_rate
        drop_below = throttle_below + faults.drop_after_commit_rate
        if roll < error_below:
            response = JSONResponse({"message": "Simulated server error"}, status_code=faults.server_error_status)
        elif roll < throttle_below:
            response = JSONResponse({"message": "Too many requests (simulated)"}, status_code=429,
                                    headers={"Retry-After": _retry_after(faults)})
        elif scope["method"] == "POST" and roll < drop_below:
            await self._drop_after_commit(scope, receive, send)
            return
        else:
            await self._app(scope, receive, send)
            return
        await response(scope, receive, send)

    async def _drop_after_commit(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Let the app handle the request fully, then send the headers and half the body, and stop.

        Returning with the body unfinished makes uvicorn close the connection, so the client sees the
        answer cut off after its declared Content-Length — exactly a response lost after the commit.
        """
        messages: list[Message] = []

        async def keep(message: Message) -> None:
            messages.append(message)

        await self._app(scope, receive, keep)
        start = next(m for m in messages if m["type"] == "http.response.start")
        body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.response.body")
        await send(start)
        await send({"type": "http.response.body", "body": body[: len(body) // 2], "more_body": True})


async def _received_in_full(receive: Receive) -> Receive:
    """Read the request body now; the returned `receive` replays it, then carries on with the original."""
    received: list[Message] = []
    while not received or received[-1].get("more_body", False):
        message = await receive()
        received.append(message)
        if message["type"] != "http.request":
            break

    async def replay() -> Message:
        return received.pop(0) if received else await receive()

    return replay


def _retry_after(faults: FaultSettings) -> str:
    if faults.retry_after_as_date:
        return email.utils.formatdate(time.time() + faults.retry_after_seconds, usegmt=True)
    return str(faults.retry_after_seconds)
