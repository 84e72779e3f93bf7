"""The outbox's state machine on disk: claim operations to send, and settle each one.

PENDING → IN_FLIGHT → DONE | REJECTED | UNKNOWN; UNKNOWN → (reconciled) DONE | PENDING; CANCELLED (undo).
An operation is marked IN_FLIGHT, with the server count it should produce, durably *before* it is sent:
whatever happens after that, a restart finds it IN_FLIGHT and reconciles instead of resending blindly.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import Connection, case, func, insert, select, update

from app.store.models import Conflict
from app.store.replica import items, larger_of, outbox

conflicts = Conflict.__table__

PENDING, IN_FLIGHT, DONE, REJECTED, UNKNOWN, CANCELLED = "PENDING", "IN_FLIGHT", "DONE", "REJECTED", "UNKNOWN", "CANCELLED"
SETTLED = (DONE, REJECTED, CANCELLED)


@dataclass(frozen=True, slots=True)
class Operation:
    id: int
    op_uuid: str
    kind: str
    item_uuid: str
    product_id: str
    state: str
    attempts: int
    expected_count: int | None
    scanned_at: float
    station: str


def _operation(row) -> Operation:  # type: ignore[no-untyped-def]
    return Operation(row.id, row.op_uuid, row.kind, row.item_uuid, row.product_id, row.state, row.attempts,
                     row.expected_count, row.scanned_at, row.station)


def interrupted_to_unknown(conn: Connection) -> int:
    """At start: an operation left IN_FLIGHT was maybe sent, maybe not — it must be reconciled."""
    return conn.execute(update(outbox).where(outbox.c.state == IN_FLIGHT).values(state=UNKNOWN)).rowcount


def due(conn: Connection, state: str, now: float, limit: int) -> list[Operation]:
    rows = conn.execute(
        select(outbox).where(outbox.c.state == state, outbox.c.next_attempt_at <= now).order_by(outbox.c.id).limit(limit)
    )
    return [_operation(r) for r in rows]


def claim_for_sending(conn: Connection, ops: list[Operation], now: float) -> list[Operation]:
    """Marks PENDING operations IN_FLIGHT with the server count each should produce: the item's last
    confirmed count plus this operation's place among the item's unconfirmed operations sent before it."""
    confirmed = dict(conn.execute(
        select(items.c.id, items.c.confirmed_count).where(items.c.id.in_({op.item_uuid for op in ops}))
    ).all())
    claimed = []
    ahead: dict[str, int] = {}
    for op in ops:
        base = confirmed.get(op.item_uuid, 0) + ahead.get(op.item_uuid, 0)
        ahead[op.item_uuid] = ahead.get(op.item_uuid, 0) + 1
        expected = base + 1
        conn.execute(
            update(outbox).where(outbox.c.id == op.id, outbox.c.state == PENDING)
            .values(state=IN_FLIGHT, expected_count=expected, attempts=outbox.c.attempts + 1, updated_at=now)
        )
        claimed.append(Operation(op.id, op.op_uuid, op.kind, op.item_uuid, op.product_id, IN_FLIGHT,
                                 op.attempts + 1, expected, op.scanned_at, op.station))
    return claimed


def confirm(conn: Connection, op: Operation, server_count: int, redeemed_at: int | None, now: float) -> None:
    """The server applied the operation: it is DONE, and its use moves from pending to confirmed."""
    conn.execute(update(outbox).where(outbox.c.id == op.id).values(state=DONE, last_error=None, updated_at=now))
    conn.execute(
        update(items).where(items.c.id == op.item_uuid).values(
            pending_count=case((items.c.pending_count > 0, items.c.pending_count - 1), else_=0),
            confirmed_count=larger_of(conn, items.c.confirmed_count, server_count),
            redeemed_at=func.coalesce(redeemed_at, items.c.redeemed_at),
        )
    )


def reject(conn: Connection, op: Operation, message: str, now: float, server_redeemed_at: int | None = None) -> None:
    """The server refused a use the kiosk already accepted: keep it as a conflict for the manager."""
    conn.execute(update(outbox).where(outbox.c.id == op.id).values(state=REJECTED, last_error=message, updated_at=now))
    conn.execute(
        update(items).where(items.c.id == op.item_uuid)
        .values(pending_count=case((items.c.pending_count > 0, items.c.pending_count - 1), else_=0))
    )
    conn.execute(insert(conflicts).values(
        op_uuid=op.op_uuid, item_uuid=op.item_uuid, product_id=op.product_id, station=op.station,
        scanned_at=op.scanned_at, refused_at=now, server_message=message, server_redeemed_at=server_redeemed_at,
    ))


def retry_later(conn: Connection, op: Operation, message: str, at: float) -> None:
    """Not applied (or known not to be): back to PENDING, to be sent again from `at`."""
    conn.execute(update(outbox).where(outbox.c.id == op.id).values(
        state=PENDING, last_error=message, next_attempt_at=at, updated_at=time.time()))


def mark_unknown(conn: Connection, op: Operation, message: str, next_check_at: float) -> None:
    """Maybe applied: never resend before reading the item back (see the sync engine)."""
    conn.execute(update(outbox).where(outbox.c.id == op.id).values(
        state=UNKNOWN, last_error=message, next_attempt_at=next_check_at, updated_at=time.time()))


def waiting_count(conn: Connection) -> int:
    return conn.execute(select(func.count()).select_from(outbox).where(outbox.c.state.in_((PENDING, IN_FLIGHT, UNKNOWN)))).scalar() or 0


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of one operation, to be written by `settle`."""

    op: Operation
    state: str  # DONE, REJECTED, UNKNOWN or PENDING
    at: float
    message: str = ""
    server_count: int = 0
    redeemed_at: int | None = None
    next_attempt_at: float = 0.0


def settle(conn: Connection, outcome: Outcome) -> None:
    o = outcome
    if o.state == DONE:
        confirm(conn, o.op, o.server_count, o.redeemed_at, o.at)
    elif o.state == REJECTED:
        reject(conn, o.op, o.message, o.at)
    elif o.state == UNKNOWN:
        mark_unknown(conn, o.op, o.message, o.next_attempt_at)
    else:
        retry_later(conn, o.op, o.message, o.next_attempt_at)
