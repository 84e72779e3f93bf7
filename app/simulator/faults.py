"""Fault injection: the failures the sync engine must survive, and the ways another server may answer where
the documents are silent — switchable while the simulator runs.

Each API request (paths under /v1/) draws its fate when it arrives, from seeded RNGs:
- how late it is handled: `latency_ms`, plus up to `latency_jitter_ms`, plus `stall_ms` for a share
  `stall_rate` of requests. The request is received at once and handled late, so a write still applies
  after the client has given up waiting;
- one number that decides, in this order: a 5xx answer, a 429 with `Retry-After`, or — for writes (POST)
  — an answer lost after the server handled (and committed) the request, cut off mid-body
  (`drop_after_commit_rate`) or replaced by a 5xx (`error_after_commit_rate`).
With `trickle_bytes_per_s`, the answer's headers come at once and its body that many bytes a second.
Delays have their own random sequence, so switching them on never changes which requests fail.
Setting the faults restarts both sequences from `seed`, so a test sees the same faults on every run.
`dark` closes the API's listening socket (connections are refused) and is carried out by the server,
which owns the sockets.

The behaviour switches are applied by the handlers (app.simulator.app): `conflict_status` for redeeming a
fully redeemed item, `page_size_cap` and `total_lies_by` for list pages, `missing_optional_routes`,
`reject_updated_since`, and `sparse_records` (product and item records with only the fields the kiosk
requires, see app.simulator.records).
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

from app.simulator.items import MAX_PAGE_SIZE

DarkSwitch = Callable[[bool], Awaitable[None]]

_MAX_DELAY_MS = 600_000
_TRICKLES_PER_S = 10  # pieces a trickled body is sent in, per second (at least one byte each)


@dataclass(frozen=True, slots=True)
class FaultSettings:
    latency_ms: int = 0
    latency_jitter_ms: int = 0  # plus a uniform draw from 0..jitter, per request
    stall_rate: float = 0.0  # the share of requests handled only after a further stall_ms
    stall_ms: int = 0
    server_error_rate: float = 0.0
    server_error_status: int = 500
    rate_limit_rate: float = 0.0
    retry_after_seconds: int = 1
    retry_after_as_date: bool = False  # send Retry-After as an HTTP-date instead of delta-seconds
    drop_after_commit_rate: float = 0.0
    error_after_commit_rate: float = 0.0
    error_after_commit_status: int = 500
    trickle_bytes_per_s: int = 0  # 0: answers are sent at once
    dark: bool = False
    conflict_status: int = 422  # for redeeming a fully redeemed item: 422 (as documented) or 409
    page_size_cap: int = 0  # 0: pages are as long as `limit` asks; else at most this long
    missing_optional_routes: bool = False  # the assumed endpoints answer 404 {"message": "Cannot GET <path>"}
    reject_updated_since: bool = False  # list items with updated_since answers 400
    sparse_records: bool = False  # product and item records carry only what the kiosk requires
    total_lies_by: int = 0  # list pages announce a total this much above the truth
    seed: int = 0

    def __post_init__(self) -> None:
        rates = ("server_error_rate", "rate_limit_rate", "drop_after_commit_rate", "error_after_commit_rate")
        for name in (*rates, "stall_rate"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1")
        if sum(getattr(self, name) for name in rates) > 1.0:
            raise ValueError(f"{', '.join(rates)} must add up to at most 1: one draw decides between them")
        for name in ("latency_ms", "latency_jitter_ms", "stall_ms"):
            if not 0 <= getattr(self, name) <= _MAX_DELAY_MS:
                raise ValueError(f"{name} must be between 0 and {_MAX_DELAY_MS}")
        for name in ("server_error_status", "error_after_commit_status"):
            if not 500 <= getattr(self, name) <= 599:
                raise ValueError(f"{name} must be a 5xx status")
        if not 0 <= self.retry_after_seconds <= 86_400:
            raise ValueError("retry_after_seconds must be between 0 and 86400")
        if not 0 <= self.trickle_bytes_per_s <= 10**9:
            raise ValueError("trickle_bytes_per_s must be between 0 (off) and 1000000000")
        if self.conflict_status not in (409, 422):
            raise ValueError("conflict_status must be 409 or 422")
        if not 0 <= self.page_size_cap <= MAX_PAGE_SIZE:
            raise ValueError(f"page_size_cap must be between 0 (off) and {MAX_PAGE_SIZE}")
        if not 0 <= self.total_lies_by <= 10**15:
            raise ValueError("total_lies_by must be between 0 and 10**15")

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
        self._rng, self._timing = _random_sequences(settings.seed)
        self._dark_switch = dark_switch
        self._switching: set[asyncio.Task[None]] = set()  # keeps running switch tasks referenced

    @property
    def settings(self) -> FaultSettings:
        return self._settings

    def apply(self, settings: FaultSettings) -> asyncio.Task[None] | None:
        """Use `settings` from now on; returns the task that turns the API dark or back on, if that changes."""
        previous, self._settings = self._settings, settings
        self._rng, self._timing = _random_sequences(settings.seed)
        if settings.dark == previous.dark:
            return None
        task = asyncio.get_running_loop().create_task(self._dark_switch(settings.dark))
        self._switching.add(task)
        task.add_done_callback(self._switching.discard)
        return task

    def draw(self) -> float:
        """The number that decides a request's answer (see the module's docstring)."""
        return self._rng.random()

    def draw_delay_s(self) -> float:
        """How late the next request is handled: latency, jitter and, now and then, a stall."""
        faults = self._settings
        delay_ms: float = faults.latency_ms
        if faults.latency_jitter_ms:
            delay_ms += self._timing.uniform(0, faults.latency_jitter_ms)
        if faults.stall_rate and self._timing.random() < faults.stall_rate:
            delay_ms += faults.stall_ms
        return delay_ms / 1000


def _random_sequences(seed: int) -> tuple[random.Random, random.Random]:
    return random.Random(seed), random.Random(f"timing:{seed}")


class FaultInjector:
    """ASGI middleware applying the controller's delays, 5xx, 429, lost answers and trickling."""

    def __init__(self, app: ASGIApp, controller: FaultController) -> None:
        self._app = app
        self._controller = controller

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(("/v1/", "/voucherify/v1/")):
            await self._app(scope, receive, send)
            return
        faults = self._controller.settings
        delay_s, roll = self._controller.draw_delay_s(), self._controller.draw()
        if delay_s:
            # A slow server, not a slow network: the request is received at once and handled late, so a
            # write still applies after the client has given up waiting.
            receive = await _received_in_full(receive)
            await asyncio.sleep(delay_s)
        if faults.trickle_bytes_per_s:
            answer = await _answer_of(lambda keep: self._answer(scope, receive, keep, faults, roll))
            await _trickle(answer, send, receive, faults.trickle_bytes_per_s)
        else:
            await self._answer(scope, receive, send, faults, roll)

    async def _answer(self, scope: Scope, receive: Receive, send: Send, faults: FaultSettings, roll: float) -> None:
        error_below = faults.server_error_rate
        throttle_below = error_below + faults.rate_limit_rate
        drop_below = throttle_below + faults.drop_after_commit_rate
        fail_below = drop_below + faults.error_after_commit_rate
        write = scope["method"] == "POST"
        if roll < error_below:
            await JSONResponse({"message": "Simulated server error"},
                               status_code=faults.server_error_status)(scope, receive, send)
        elif roll < throttle_below:
            await JSONResponse({"message": "Too many requests (simulated)"}, status_code=429,
                               headers={"Retry-After": _retry_after(faults)})(scope, receive, send)
        elif write and roll < drop_below:
            await self._drop_after_commit(scope, receive, send)
        elif write and roll < fail_below:
            await _answer_of(lambda keep: self._app(scope, receive, keep))  # handled and committed, then lost
            await JSONResponse({"message": "Simulated failure after commit"},
                               status_code=faults.error_after_commit_status)(scope, receive, send)
        else:
            await self._app(scope, receive, send)

    async def _drop_after_commit(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Let the app handle the request fully, then send the headers and half the body, and stop.

        Returning with the body unfinished makes uvicorn close the connection, so the client sees the
        answer cut off after its declared Content-Length — exactly a response lost after the commit.
        """
        messages = await _answer_of(lambda keep: self._app(scope, receive, keep))
        start = next(m for m in messages if m["type"] == "http.response.start")
        body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.response.body")
        await send(start)
        await send({"type": "http.response.body", "body": body[: len(body) // 2], "more_body": True})


async def _answer_of(respond: Callable[[Send], Awaitable[None]]) -> list[Message]:
    """The messages `respond` sends, kept instead of sent."""
    messages: list[Message] = []

    async def keep(message: Message) -> None:
        messages.append(message)

    await respond(keep)
    return messages


async def _trickle(messages: list[Message], send: Send, receive: Receive, bytes_per_s: int) -> None:
    """Send an answer with its headers at once and its body `bytes_per_s` bytes a second.

    Stops when the client hangs up, so an abandoned answer does not trickle on for minutes.
    """
    piece = max(1, bytes_per_s // _TRICKLES_PER_S)
    hung_up = asyncio.ensure_future(_disconnected(receive))
    try:
        for message in messages:
            if message["type"] != "http.response.body":
                await send(message)
                continue
            body = message.get("body", b"")
            for start in range(0, len(body), piece):
                if hung_up.done():
                    return
                await send({"type": "http.response.body", "body": body[start:start + piece], "more_body": True})
                await asyncio.sleep(piece / bytes_per_s)
            if not message.get("more_body", False):
                await send({"type": "http.response.body", "body": b"", "more_body": False})
    finally:
        hung_up.cancel()


async def _disconnected(receive: Receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass


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
