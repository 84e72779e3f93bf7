"""One HTTP exchange with the Products API, turned into a parsed value or a typed `ApiError`.

The line between `NotSent` and `OutcomeUnknown` is whether any byte of the request may have left: a
failure to connect (or to get a pooled connection) is `NotSent`; anything after that — a write or read
timeout, a dropped connection, a truncated body, the call's overall deadline — is `OutcomeUnknown`.
Bodies are streamed and capped, so a huge or endless answer cannot exhaust memory, and every call ends
by its overall deadline (`Timeouts.total`), so a server that trickles its answer cannot hold it for ever.

Which optional endpoints a server has is learnt by an explicit probe (app/sync/probe.py), never from the
shape of an error body: a 404 is a `NotFound`, whatever it says.
"""
from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from difflib import SequenceMatcher
from email.utils import parsedate_to_datetime
from typing import Any, Protocol, TypeVar

import httpx
import pydantic

from app.api.errors import (
    ApiError,
    BadRequest,
    Forbidden,
    NotFound,
    NotSent,
    OutcomeUnknown,
    ProtocolError,
    RateLimited,
    Rejected,
    ServerError,
    Unauthorized,
)
from app.api.settings import Capability, Timeouts

logger = logging.getLogger(__name__)
# httpcore's debug trace repeats every response header as received, and a server may put anything there (a
# cookie, a token, the key it was sent): that trace is never recorded, whatever level `usher -v` asks for.
logging.getLogger("httpcore").setLevel(logging.INFO)

T = TypeVar("T")

# Reports every call: (endpoint, ok, seconds). `ok` is False when the service looked unreachable or
# unhealthy (no answer, 5xx, 429, malformed answer); a 4xx answer still shows a working service.
CallObserver = Callable[[str, bool, float], None]

_BEFORE_SENDING = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.ProxyError,
                   httpx.UnsupportedProtocol, httpx.LocalProtocolError)
_SERVER_TEXT_LIMIT = 300
REDACTED = "***"
# A value after a word that introduces a credential ("Bearer x", "api_key=x", "token: x"), and JWTs.
_CREDENTIAL = re.compile(r"(?i)\b(bearer|basic|token|api[_-]?key|x-api-key|authorization|secret|password)"
                         r"(\W{1,3})([^\s\"',;}]+)")
_JWT = re.compile(r"\beyJ[\w-]+\.[\w-]+\.[\w-]+")
_WORD = re.compile(r"[^\s\"',;:=(){}\[\]<>]{6,}")
_MIN_SECRET = 6  # a secret shorter than this is not looked for in disguise (it would match ordinary words)


def looks_like(word: str, secret: str) -> bool:
    """Whether `word` is `secret` in disguise: any case, reversed, a part of it (6 characters or more), or
    nearly it (a character or two added, dropped or changed)."""
    word, secret = word.lower(), secret.lower()
    for candidate in (secret, secret[::-1]):
        if word in candidate or candidate in word:
            return True
        if SequenceMatcher(None, word, candidate, autojunk=False).ratio() >= 0.8:
            return True
    return False


def redact(text: str, secrets: tuple[str, ...]) -> str:
    """`text` with credentials, and anything resembling one of `secrets`, replaced by ***."""
    text = _JWT.sub(REDACTED, _CREDENTIAL.sub(lambda m: m[1] + m[2] + REDACTED, text))
    for secret in secrets:
        if secret:  # the exact secret, whatever its length
            text = text.replace(secret, REDACTED)
    disguised = [s for s in secrets if len(s) >= _MIN_SECRET]
    return _WORD.sub(lambda m: REDACTED if any(looks_like(m[0], s) for s in disguised) else m[0], text)


@dataclass(frozen=True, slots=True)
class Call:
    method: str
    path: str  # with real ids, relative to the base URL
    endpoint: str  # the path template, for logs and errors: "POST /v1/products/{id}/items/redeem"
    write: bool  # the call may change server state
    json: Any = None
    params: Mapping[str, str | int] | None = None
    capability: Capability | None = None


class Endpoint(Protocol):
    """Where a transport talks to and how it authenticates: the Products API's settings, or another
    service's (app/voucherify)."""

    base_url: str
    timeouts: Timeouts
    max_response_bytes: int

    def auth_headers(self) -> dict[str, str]: ...

    def secrets(self) -> tuple[str, ...]:
        """Values that must never appear in an error or a log line."""
        ...


class Transport:
    def __init__(self, settings: Endpoint, on_call: CallObserver | None = None,
                 http_transport: httpx.BaseTransport | None = None) -> None:
        self._settings = settings
        self._on_call = on_call
        t = settings.timeouts
        self._http = httpx.Client(  # TLS certificates are always verified: there is no switch to turn it off
            base_url=settings.base_url,
            headers={**settings.auth_headers(), "Accept": "application/json", "User-Agent": "usher-kiosk"},
            timeout=httpx.Timeout(connect=t.connect, read=t.read, write=t.write, pool=t.pool),
            follow_redirects=False,
            transport=http_transport,  # None: the network; tests may pass httpx.MockTransport
        )

    def close(self) -> None:
        self._http.close()

    def call(self, call: Call, parse: Callable[[bytes], T]) -> T:
        """Send `call`, check its status, and parse a 2xx body with `parse` (a pydantic validator)."""
        started = time.perf_counter()
        healthy = False
        try:
            status, headers, body = self._exchange(call)
            healthy = status < 500 and status != 429
            if not 200 <= status < 300:
                raise self._status_error(call, status, headers, body)
            try:
                return parse(body)
            except pydantic.ValidationError as exc:
                healthy = False
                raise ProtocolError(f"The server's answer does not match the contract: {_summary(exc)}",
                                    endpoint=call.endpoint, write=call.write, status=status) from None
        finally:
            self._observe(call.endpoint, healthy, time.perf_counter() - started)

    def _redact(self, text: str) -> str:
        """Server-provided text, trimmed, on one line, without credentials or a secret in any disguise."""
        return redact(" ".join(text.split())[:_SERVER_TEXT_LIMIT], self._settings.secrets())

    def _exchange(self, call: Call) -> tuple[int, httpx.Headers, bytes]:
        t = self._settings.timeouts
        deadline = time.monotonic() + t.total
        # Each phase gets its own limit, none longer than the whole call; the body is read against the deadline.
        timeout = httpx.Timeout(connect=min(t.connect, t.total), read=min(t.read, t.total),
                                write=min(t.write, t.total), pool=min(t.pool, t.total))
        request = self._http.build_request(call.method, call.path, json=call.json, params=call.params,
                                           timeout=timeout)
        try:
            response = self._http.send(request, stream=True)
        except _BEFORE_SENDING as exc:
            raise NotSent(f"Could not reach the server: {self._describe(exc)}", endpoint=call.endpoint,
                          write=call.write) from None
        except httpx.TransportError as exc:
            raise OutcomeUnknown(f"The connection failed after the request was sent: {self._describe(exc)}",
                                 endpoint=call.endpoint, write=call.write) from None
        try:
            body = self._read_capped(response, call, deadline)
        except httpx.TransportError as exc:
            raise OutcomeUnknown(f"The server's answer was cut off: {self._describe(exc)}",
                                 endpoint=call.endpoint, write=call.write) from None
        except httpx.DecodingError as exc:
            raise ProtocolError(f"The server's answer could not be decoded: {self._describe(exc)}",
                                endpoint=call.endpoint, write=call.write) from None
        finally:
            response.close()
        logger.debug("%s -> %d (%d bytes)", call.endpoint, response.status_code, len(body))
        return response.status_code, response.headers, body

    def _read_capped(self, response: httpx.Response, call: Call, deadline: float) -> bytes:
        limit = self._settings.max_response_bytes
        where = {"endpoint": call.endpoint, "write": call.write, "status": response.status_code}
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise ProtocolError(f"The server's answer is too large ({declared} bytes, limit {limit})", **where)
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > limit:
                raise ProtocolError(f"The server's answer is larger than the limit of {limit} bytes", **where)
            if time.monotonic() > deadline:
                raise OutcomeUnknown(f"The server's answer took longer than {self._settings.timeouts.total:g} s",
                                     endpoint=call.endpoint, write=call.write)
            chunks.append(chunk)
        return b"".join(chunks)

    def _status_error(self, call: Call, status: int, headers: httpx.Headers, body: bytes) -> ApiError:
        where = {"endpoint": call.endpoint, "write": call.write}
        message = _json_field(body, "message")
        said = self._redact(message) if isinstance(message, str) else None
        if status == 400:
            errors = _json_field(body, "errors")
            listed = [self._redact(e) for e in errors if isinstance(e, str)] if isinstance(errors, list) else []
            return BadRequest(listed or ([said] if said else []), **where)
        # A refused key's answer is never repeated: a server (or an impostor) may quote the key in it.
        if status == 401:
            return Unauthorized("The API key is missing or expired (the server answered 401)", status=401, **where)
        if status == 403:
            return Forbidden("The API key is not valid or not allowed to do this (the server answered 403)",
                             status=403, **where)
        if status == 404:
            return NotFound(f"Not found: {said or 'the server knows no such resource'}", status=404, **where)
        if status == 422:
            return Rejected(said or "no reason given", **where)
        if status == 429:
            return RateLimited(parse_retry_after(headers.get("retry-after")), **where)
        if 500 <= status < 600:
            return ServerError(f"The server failed ({status}){': ' + said if said else ''}", status=status,
                               **where)
        return ProtocolError(f"The server answered with an unexpected status {status}", status=status, **where)

    def _describe(self, exc: Exception) -> str:
        return self._redact(str(exc) or type(exc).__name__)

    def _observe(self, endpoint: str, ok: bool, seconds: float) -> None:
        if self._on_call is None:
            return
        try:
            self._on_call(endpoint, ok, seconds)
        except Exception:  # a broken observer must not turn a good call into a failure
            logger.warning("The call observer failed", exc_info=True)


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a `Retry-After` header: delta-seconds or an HTTP-date; None if absent or invalid."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:  # an HTTP-date is always GMT
        when = when.replace(tzinfo=UTC)
    return max((when - (now or datetime.now(UTC))).total_seconds(), 0.0)


def _json_field(body: bytes, name: str) -> object:
    try:
        document = json.loads(body)
    except ValueError:
        return None
    return document.get(name) if isinstance(document, dict) else None


def _summary(exc: pydantic.ValidationError, shown: int = 3) -> str:
    problems = [f"{'.'.join(str(part) for part in e['loc']) or 'body'}: {e['msg']}" for e in exc.errors()[:shown]]
    more = exc.error_count() - shown
    return "; ".join(problems) + (f" (and {more} more)" if more > 0 else "")
