"""What became of a write, and what a read-back says about it: the sync engine's two decision tables, pure.

The API has no idempotency key, so a redemption is "not applied" only when its request provably never
reached the server (no connection, or a refusal that comes before any processing: 401/403/429). Every
other failure after sending — a timeout, a dropped connection, any 5xx, 409, 404 or another unexpected
status, an answer that cannot be read or is about another item — leaves it UNKNOWN, to be read back
before anything is resent.

A read-back may confirm a use at once, but may deny it only once the settle window of its send has
closed (the request can no longer land). For an item whose use was to be its last, the server's
`redeemed_at` tells whether the use it counts landed while ours could have.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass

from app.api.errors import ApiError, NotSent, StatusError


class Fate(enum.Enum):
    APPLIED = "applied"  # the server did it: DONE
    REFUSED = "refused"  # the server will not do it (422, 400): a conflict for the manager
    NOT_APPLIED = "not applied"  # the request never reached the server: send it again later
    UNKNOWN = "unknown"  # maybe applied: read it back before anything is resent
    PAUSE = "pause"  # the key was refused before anything happened: stop until it is fixed


@dataclass(frozen=True, slots=True)
class Exchange:
    """What happened to one request, as far as the client can tell."""

    sent: bool  # any byte of the request may have left
    status: int | None = None  # the answer's status, None when no answer arrived
    usable: bool = True  # a 2xx answer that parses and is about the item asked about


def fate_of_write(exchange: Exchange) -> Fate:
    if not exchange.sent:
        return Fate.NOT_APPLIED
    status = exchange.status
    if status is None:
        return Fate.UNKNOWN
    if 200 <= status < 300:
        return Fate.APPLIED if exchange.usable else Fate.UNKNOWN
    if status in (401, 403):
        return Fate.PAUSE
    if status in (400, 422):
        return Fate.REFUSED
    if status == 429:
        return Fate.NOT_APPLIED
    return Fate.UNKNOWN  # 3xx, 404, 409, other 4xx, every 5xx


def exchange_of(error: ApiError) -> Exchange:
    """The exchange behind a client error: not sent, answered with a status, or no (usable) answer."""
    if isinstance(error, NotSent):
        return Exchange(sent=False)
    status = error.status if isinstance(error, StatusError) else getattr(error, "status", None)
    return Exchange(sent=True, status=status, usable=False)


class Judgement(enum.Enum):
    CONFIRMED = "confirmed"  # the server counts our use
    DENIED = "denied"  # it does not, and the request can no longer land: send again
    WAIT = "wait"  # it does not yet, but the request may still land: read again later
    USED_ELSEWHERE = "used elsewhere"  # the last use the server counts is not ours: a conflict
    DOUBT = "doubt"  # the counts cannot tell: a manager decides


@dataclass(frozen=True, slots=True)
class SentUse:
    """What the outbox knows about one sent use."""

    expected_count: int | None  # the count our use should produce
    server_count_before: int | None  # the server's count read just before sending, when it was read
    sent_at: float | None
    settle_after: float | None  # until then the request may still land
    answer_status: int | None = None  # the status of an answer that left it unknown (409, 500, ...), if one came


@dataclass(frozen=True, slots=True)
class ReadBack:
    count: int
    quantity: int
    redeemed_at: int | None  # server time (Unix seconds) of the last use, once fully redeemed


def judge_readback(use: SentUse, read: ReadBack, now: float, clock_skew_s: float) -> tuple[Judgement, str]:
    expected = use.expected_count
    if expected is None or use.sent_at is None or use.settle_after is None:
        return Judgement.DOUBT, f"The server counts {read.count} of {read.quantity}; this kiosk did not record what its use should make it"
    if read.count >= expected:
        if expected >= read.quantity and read.redeemed_at is not None and not (
                use.sent_at - clock_skew_s <= read.redeemed_at <= use.settle_after + clock_skew_s):
            return Judgement.USED_ELSEWHERE, "Fully used elsewhere, at a time this kiosk's upload could not have landed"
        if use.server_count_before is not None and read.count > expected:
            return Judgement.DOUBT, (f"The server's count went from {use.server_count_before} to {read.count} while ours "
                                     f"should have made it {expected}: another door used it too — check this item")
        if use.answer_status is not None and 400 <= use.answer_status < 500:
            return Judgement.DOUBT, (f"The server answered {use.answer_status}, as if it refused this use, yet counts "
                                     f"{read.count} of {read.quantity}: another door may have used it — check this item")
        return Judgement.CONFIRMED, ""
    if use.server_count_before is not None and read.count < use.server_count_before:
        return Judgement.DOUBT, (f"The server's count went down from {use.server_count_before} to {read.count} — "
                                 "check this item")
    if now < use.settle_after:
        return Judgement.WAIT, f"Not counted by the server yet ({read.count} of {read.quantity}); it may still land"
    return Judgement.DENIED, f"Not applied by the server ({read.count} of {read.quantity}); sending it again"
