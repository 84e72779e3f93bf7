"""The outbox: every operation for the API, and every change of its state, in one place.

    PENDING ──mark_sending──▶ IN_FLIGHT ──▶ DONE | REJECTED | DOUBTFUL     (the answer settles it)
       ▲  │ └─cancel─▶ CANCELLED │
       │  └─reject (used up on the server before sending)
       │                         └──────▶ UNKNOWN ──read back──▶ DONE | REJECTED | DOUBTFUL | PENDING
       └────────────────── hand back (never sent) / denied after the settle window ◀──┘

Every transition names the states it starts from, in its UPDATE's WHERE clause, so a late or duplicate
answer can never overwrite a final state, and two writers can never both move one row. An operation is
IN_FLIGHT on disk, with its owner, the count it should produce and its settle window, *before* its
request leaves (`mark_sending` commits first); a restart or another uploader therefore finds it and
reconciles it instead of resending blindly.

On a venue's shared PostgreSQL replica the same guards hold without row locks or `SKIP LOCKED`: an
UPDATE that waits for another transaction's lock on its row re-checks its WHERE clause against the row
as committed (READ COMMITTED, app/store/db.py), so a claim whose row was meanwhile claimed or undone
changes nothing, and its row count of 0 means it is not sent. Only the lease holder claims at all.
"""
from __future__ import annotations

import enum
import json
import uuid
from dataclasses import dataclass

from sqlalchemy import Connection, and_, case, func, insert, or_, select, update

from app.store.models import Conflict, ConflictKind, OutboxOp, ProvisionalItem
from app.store.replica import items, larger_of

outbox = OutboxOp.__table__
conflicts = Conflict.__table__
provisional = ProvisionalItem.__table__


class OpState(str, enum.Enum):
    PENDING = "PENDING"  # waiting to be sent
    IN_FLIGHT = "IN_FLIGHT"  # its request may be on its way: only its owner may settle it
    UNKNOWN = "UNKNOWN"  # sent, answer lost: read back before anything is resent
    DONE = "DONE"  # the server applied it
    REJECTED = "REJECTED"  # the server refused a use this kiosk accepted: a conflict for the manager
    DOUBTFUL = "DOUBTFUL"  # the kiosk cannot settle it alone: listed for the manager, the use stays counted
    CANCELLED = "CANCELLED"  # undone by staff before it was sent

    @property
    def final(self) -> bool:
        return self in FINAL


FINAL = frozenset({OpState.DONE, OpState.REJECTED, OpState.DOUBTFUL, OpState.CANCELLED})
WAITING = (OpState.PENDING, OpState.IN_FLIGHT, OpState.UNKNOWN)


class Kind(str, enum.Enum):
    REDEEM = "redeem"  # one use of an item: not idempotent on the server
    CHECKIN = "checkin"  # the attendee's real scan time: an upsert, safe to repeat
    ISSUE = "issue"  # new items for a batch of recipients: not idempotent on the server
    CATALOG = "catalog"  # a product upserted into Voucherify by source_id: safe to repeat (app/voucherify)

    @property
    def repeatable(self) -> bool:
        """Safe to send again after a lost answer, without reading back first."""
        return self in (Kind.CHECKIN, Kind.CATALOG)


# Kinds whose lost answer must be read back before anything is resent.
NOT_REPEATABLE = tuple(k.value for k in Kind if not k.repeatable)
# What the Products API's uploader sends (app/sync/engine.py); Voucherify's sends CATALOG on its own.
PRODUCTS_API = (Kind.REDEEM, Kind.CHECKIN, Kind.ISSUE)


@dataclass(frozen=True, slots=True)
class Operation:
    id: int
    op_uuid: str
    kind: str
    item_uuid: str
    product_id: str
    state: OpState
    attempts: int
    expected_count: int | None
    server_count_before: int | None
    scanned_at: float
    station: str
    owner: str | None
    sent_at: float | None
    settle_after: float | None
    answer_status: int | None
    payload: dict[str, object]
    quantity: int | None = None  # the item's redemption_quantity, as the replica knows it


def _operation(row) -> Operation:  # type: ignore[no-untyped-def]
    return Operation(row.id, row.op_uuid, row.kind, row.item_uuid, row.product_id, OpState(row.state), row.attempts,
                     row.expected_count, row.server_count_before, row.scanned_at, row.station, row.owner,
                     row.sent_at, row.settle_after, row.answer_status, json.loads(row.payload or "{}"),
                     row._mapping.get("quantity"))


def _from(op: Operation, *states: OpState, owner: str | None = None):  # type: ignore[no-untyped-def]
    """The guard of a transition: this row, still in one of `states` (and still `owner`'s, if given)."""
    guard = and_(outbox.c.id == op.id, outbox.c.state.in_([s.value for s in states]))
    return and_(guard, outbox.c.owner == owner) if owner is not None else guard


# ---- enqueue and cancel (the station) ----

def new_op_uuid() -> str:
    return str(uuid.uuid4())


def enqueue(conn: Connection, kind: Kind, *, item_uuid: str, product_id: str, at: float, station: str,
            scan_id: int | None = None, send_after: float | None = None, payload: dict[str, object] | None = None,
            op_uuid: str | None = None) -> str:
    """Queues an operation; returns its client UUID (made here unless given: a use merged from a kiosk's
    snapshot keeps the one it has there). It is not sent before `send_after` (the undo hold)."""
    op_uuid = op_uuid or new_op_uuid()
    conn.execute(insert(outbox).values(
        op_uuid=op_uuid, kind=kind.value, item_uuid=item_uuid, product_id=product_id,
        payload=json.dumps(payload or {}), state=OpState.PENDING.value, attempts=0, scanned_at=at, station=station,
        scan_id=scan_id, next_attempt_at=at if send_after is None else send_after, created_at=at, updated_at=at,
    ))
    return op_uuid


def cancel_unsent(conn: Connection, scan_id: int, at: float) -> bool:
    """Undo: cancels the scan's redemption if it has not been sent. False once an uploader has it."""
    return conn.execute(
        update(outbox).where(outbox.c.scan_id == scan_id, outbox.c.kind == Kind.REDEEM.value,
                             outbox.c.state == OpState.PENDING.value)
        .values(state=OpState.CANCELLED.value, updated_at=at)
    ).rowcount == 1


# ---- choosing what to send (the uploader, under its lease) ----

def _sendable(kinds: tuple[Kind, ...] = PRODUCTS_API):  # type: ignore[no-untyped-def]
    """PENDING operations, except uses of items with an operation in doubt (sending another use would move
    the count that the doubtful one is reconciled against), and uses of provisional items the server has not
    confirmed yet (their ISSUE goes first; the use then names the server's item)."""
    in_doubt = select(outbox.c.item_uuid).where(outbox.c.state.in_([OpState.UNKNOWN.value, OpState.IN_FLIGHT.value]),
                                                outbox.c.kind == Kind.REDEEM.value)
    unconfirmed = select(provisional.c.local_id).where(provisional.c.server_item_id.is_(None))
    return and_(outbox.c.state == OpState.PENDING.value, outbox.c.kind.in_([k.value for k in kinds]),
                or_(outbox.c.kind != Kind.REDEEM.value,
                    and_(outbox.c.item_uuid.not_in(in_doubt), outbox.c.item_uuid.not_in(unconfirmed))))


_WITH_QUANTITY = select(outbox, items.c.redemption_quantity.label("quantity")).join_from(
    outbox, items, outbox.c.item_uuid == items.c.id, isouter=True)


def next_to_send(conn: Connection, now: float, limit: int, kinds: tuple[Kind, ...] = PRODUCTS_API) -> list[Operation]:
    """Sendable operations of these kinds that are due, oldest first."""
    rows = conn.execute(_WITH_QUANTITY.where(_sendable(kinds), outbox.c.next_attempt_at <= now)
                        .order_by(outbox.c.id).limit(limit))
    return [_operation(r) for r in rows]


def uses_of(conn: Connection, item_uuid: str) -> list[Operation]:
    """The unsent uses of an item (e.g. of a provisional item whose issue the server refused)."""
    rows = conn.execute(_WITH_QUANTITY.where(outbox.c.item_uuid == item_uuid, outbox.c.kind == Kind.REDEEM.value,
                                             outbox.c.state == OpState.PENDING.value).order_by(outbox.c.id))
    return [_operation(r) for r in rows]


def due_unknown(conn: Connection, now: float, limit: int) -> list[Operation]:
    rows = conn.execute(_WITH_QUANTITY.where(outbox.c.state == OpState.UNKNOWN.value, outbox.c.next_attempt_at <= now)
                        .order_by(outbox.c.id).limit(limit))
    return [_operation(r) for r in rows]


def local_expected_count(conn: Connection, op: Operation) -> int:
    """The count a use should produce when the server's count cannot be read first: the last confirmed
    count, plus this replica's unconfirmed uses of the item queued before it, plus one."""
    confirmed = conn.execute(select(items.c.confirmed_count).where(items.c.id == op.item_uuid)).scalar() or 0
    ahead = conn.execute(select(func.count()).select_from(outbox).where(
        outbox.c.item_uuid == op.item_uuid, outbox.c.kind == Kind.REDEEM.value, outbox.c.id < op.id,
        outbox.c.state.in_([s.value for s in WAITING]))).scalar() or 0
    return confirmed + ahead + 1


def mark_sending(conn: Connection, op: Operation, owner: str, now: float, settle_window_s: float, *,
                 expected_count: int | None, server_count_before: int | None = None) -> Operation | None:
    """PENDING → IN_FLIGHT, committed by the caller before the request leaves. None when the row is no
    longer PENDING (undone, or taken by another uploader): then it must not be sent."""
    settle_after = now + settle_window_s
    changed = conn.execute(update(outbox).where(_from(op, OpState.PENDING)).values(
        state=OpState.IN_FLIGHT.value, owner=owner, sent_at=now, settle_after=settle_after,
        expected_count=expected_count, server_count_before=server_count_before, answer_status=None,
        attempts=outbox.c.attempts + 1, updated_at=now,
    )).rowcount
    if changed != 1:
        return None
    return Operation(op.id, op.op_uuid, op.kind, op.item_uuid, op.product_id, OpState.IN_FLIGHT, op.attempts + 1,
                     expected_count, server_count_before, op.scanned_at, op.station, owner, now, settle_after,
                     None, op.payload, op.quantity)


def take_over_interrupted(conn: Connection, owner: str, now: float, settle_window_s: float,
                          kinds: tuple[Kind, ...] = PRODUCTS_API) -> int:
    """IN_FLIGHT rows of other owners: a redemption or an issue becomes UNKNOWN (read back before anything
    else, within the settle window of its own send); an idempotent operation is simply PENDING again. Only the
    lease holder calls this, once it holds the lease: any other owner's lease has expired."""
    others = and_(outbox.c.state == OpState.IN_FLIGHT.value, outbox.c.kind.in_([k.value for k in kinds]),
                  or_(outbox.c.owner.is_(None), outbox.c.owner != owner))
    redeems = conn.execute(
        update(outbox).where(others, outbox.c.kind.in_(NOT_REPEATABLE))
        .values(state=OpState.UNKNOWN.value, next_attempt_at=0.0, updated_at=now,
                # Rows of the first schema lack these: claimed at their last update, settled from now.
                sent_at=func.coalesce(outbox.c.sent_at, outbox.c.updated_at),
                settle_after=func.coalesce(outbox.c.settle_after, now + settle_window_s),
                last_error="The uploader stopped while this was being sent; it is read back before anything else")
    ).rowcount
    repeatable = conn.execute(update(outbox).where(others).values(
        state=OpState.PENDING.value, next_attempt_at=now, updated_at=now)).rowcount
    return redeems + repeatable


# ---- settling (the answer, or the read-back) ----

def confirm(conn: Connection, op: Operation, server_count: int | None, redeemed_at: int | None, now: float) -> bool:
    """The server applied it: DONE, and (for a redemption) its use moves from pending to confirmed. A definite
    answer may settle a row someone else turned UNKNOWN meanwhile, never a final one."""
    if conn.execute(update(outbox).where(_from(op, OpState.IN_FLIGHT, OpState.UNKNOWN)).values(
            state=OpState.DONE.value, last_error=None, updated_at=now)).rowcount != 1:
        return False
    if op.kind == Kind.REDEEM.value:
        values: dict[str, object] = {"pending_count": _one_less_pending()}
        if server_count is not None:
            values["confirmed_count"] = larger_of(conn, items.c.confirmed_count, min(server_count, 2**31 - 1))
            values["redeemed_at"] = func.coalesce(redeemed_at, items.c.redeemed_at)
        conn.execute(update(items).where(items.c.id == op.item_uuid).values(**values))
    return True


def reject(conn: Connection, op: Operation, message: str, now: float, *, server_count: int | None = None,
           server_redeemed_at: int | None = None) -> bool:
    """The server refused a use this kiosk accepted — or, read before sending, already counts the item as
    fully used: REJECTED, kept as a conflict for the manager."""
    if conn.execute(update(outbox).where(_from(op, OpState.PENDING, OpState.IN_FLIGHT, OpState.UNKNOWN)).values(
            state=OpState.REJECTED.value, last_error=message, updated_at=now)).rowcount != 1:
        return False
    if op.kind == Kind.REDEEM.value:
        conn.execute(update(items).where(items.c.id == op.item_uuid).values(pending_count=_one_less_pending()))
    if op.kind in NOT_REPEATABLE:
        _record_conflict(conn, op, ConflictKind.REFUSED, message, now, server_count, server_redeemed_at)
    return True


def doubt(conn: Connection, op: Operation, message: str, now: float, *, server_count: int | None = None,
          server_redeemed_at: int | None = None) -> bool:
    """Neither confirmed nor denied, and nothing more to learn by itself: DOUBTFUL, listed for the manager
    with what is known. The use stays counted here (pending), so the item is not admitted again."""
    if conn.execute(update(outbox).where(_from(op, OpState.IN_FLIGHT, OpState.UNKNOWN)).values(
            state=OpState.DOUBTFUL.value, last_error=message, updated_at=now)).rowcount != 1:
        return False
    if op.kind in NOT_REPEATABLE:
        _record_conflict(conn, op, ConflictKind.DOUBTFUL, message, now, server_count, server_redeemed_at)
    return True


def mark_unknown(conn: Connection, op: Operation, owner: str, message: str, check_at: float, now: float,
                 answer_status: int | None = None) -> bool:
    """Maybe applied: read it back from `check_at`, and never resend before that says it was not. The
    status of the answer, when one came, is kept for the read-back to weigh."""
    return conn.execute(update(outbox).where(_from(op, OpState.IN_FLIGHT, owner=owner)).values(
        state=OpState.UNKNOWN.value, last_error=message, next_attempt_at=check_at, updated_at=now,
        answer_status=answer_status)).rowcount == 1


def recheck_later(conn: Connection, op: Operation, message: str, check_at: float, now: float) -> bool:
    """Still UNKNOWN: the read-back could not deny it yet (the settle window is open) or did not answer."""
    return conn.execute(update(outbox).where(_from(op, OpState.UNKNOWN)).values(
        last_error=message, next_attempt_at=check_at, updated_at=now)).rowcount == 1


def hand_back(conn: Connection, op: Operation, owner: str, message: str, at: float, now: float) -> bool:
    """IN_FLIGHT → PENDING for a request that certainly did not reach the server (never sent, refused to
    connect, throttled): it is sent again from `at`."""
    return conn.execute(update(outbox).where(_from(op, OpState.IN_FLIGHT, owner=owner)).values(
        state=OpState.PENDING.value, last_error=message, next_attempt_at=at, updated_at=now)).rowcount == 1


def deny(conn: Connection, op: Operation, message: str, now: float) -> bool:
    """UNKNOWN → PENDING: the read-back shows it was not applied, and its settle window has closed, so
    the request can no longer land. It is sent again (with a fresh read of the server's count)."""
    if op.settle_after is None or now < op.settle_after:
        raise ValueError("An operation may only be denied once its settle window has closed")
    return conn.execute(update(outbox).where(_from(op, OpState.UNKNOWN)).values(
        state=OpState.PENDING.value, last_error=message, next_attempt_at=now, updated_at=now)).rowcount == 1


# ---- what the manager and the status strip see ----

def _of_products_api():  # type: ignore[no-untyped-def]
    return outbox.c.kind.in_([k.value for k in PRODUCTS_API])


def _waiting_to_sync():  # type: ignore[no-untyped-def]
    return and_(_of_products_api(), outbox.c.state.in_([s.value for s in WAITING]))


def waiting_count(conn: Connection) -> int:
    """The one count of what is "waiting to sync", wherever it is shown (the status strip, the manager's sync
    queue, `usher sync`'s exit status): the Products API's operations not settled yet. Voucherify's upserts
    are not scans and are not counted."""
    return conn.execute(select(func.count()).select_from(outbox).where(_waiting_to_sync())).scalar() or 0


def oldest_waiting_at(conn: Connection) -> float | None:
    """The scan time of the oldest operation waiting to sync."""
    return conn.execute(select(func.min(outbox.c.scanned_at)).where(_waiting_to_sync())).scalar()


def count_by_state(conn: Connection) -> dict[OpState, int]:
    """The Products API's operations per state (the manager's sync queue): its waiting states add up to
    `waiting_count`."""
    rows = conn.execute(select(outbox.c.state, func.count()).where(_of_products_api()).group_by(outbox.c.state))
    return {OpState(state): count for state, count in rows}


def next_due_at(conn: Connection) -> float | None:
    """When the next operation becomes due, to send or to read back; None when nothing waits for time."""
    return conn.execute(select(func.min(outbox.c.next_attempt_at)).where(
        or_(_sendable(), outbox.c.state == OpState.UNKNOWN.value))).scalar()


def doubtful_count(conn: Connection) -> int:
    return conn.execute(select(func.count()).select_from(outbox)
                        .where(outbox.c.state == OpState.DOUBTFUL.value)).scalar() or 0


def refused_count(conn: Connection) -> int:
    """Conflicts the server refused outright (the doubtful ones are counted by `doubtful_count`)."""
    return conn.execute(select(func.count()).select_from(conflicts)
                        .where(conflicts.c.kind == ConflictKind.REFUSED.value)).scalar() or 0


def _one_less_pending():  # type: ignore[no-untyped-def]
    return case((items.c.pending_count > 0, items.c.pending_count - 1), else_=0)


def _record_conflict(conn: Connection, op: Operation, kind: ConflictKind, message: str, now: float,
                     server_count: int | None, server_redeemed_at: int | None) -> None:
    conn.execute(insert(conflicts).values(
        op_uuid=op.op_uuid, item_uuid=op.item_uuid, product_id=op.product_id, station=op.station,
        scanned_at=op.scanned_at, refused_at=now, server_message=message, server_redeemed_at=server_redeemed_at,
        kind=kind.value, expected_count=op.expected_count, server_count=server_count,
    ))
