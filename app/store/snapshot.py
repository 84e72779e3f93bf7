"""A door's local SQLite snapshot of the venue replica: what it decides from while the venue database is
unreachable, and how what it accepted meanwhile gets back into the venue replica.

- `refresh` copies the venue's events, products and items into the snapshot, every use the venue knows
  counted as taken. It does so only when the snapshot holds nothing left to merge (`unmerged`).
- The door redeems on the snapshot as on any replica (app/services/station.py): its accepted uses wait in
  the snapshot's own outbox, which is never uploaded from here.
- `merge` moves each of those uses into the venue replica, one transaction per use: the use, its audit row
  and its outbox row (same client UUID) — or, when another door used the item meanwhile, a conflict for the
  manager. The client UUID makes a merge interrupted between the two databases safe to repeat.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, Engine, delete, func, insert, select

from app.domain.verdict import VerdictKind
from app.store import outbox as ob
from app.store.db import read_transaction, write_transaction
from app.store.models import ConflictKind, Event
from app.store.replica import append_scan, items, products, take_one_use, upsert

events = Event.__table__
MERGED = "Accepted from this door's own copy while the venue database was unreachable"
DOUBLE_USE = ("Accepted at {station} from its own copy while the venue database was unreachable, but another door "
              "had used it meanwhile")
# What a door's copy keeps of each item: the venue's uses, all counted as taken.
_ITEM_COLUMNS = [c for c in items.c if c.name not in ("confirmed_count", "pending_count")]


@dataclass
class MergeReport:
    merged: int = 0
    conflicts: int = 0


def _unmerged(conn: Connection) -> int:
    """Uses accepted on the snapshot that are not in the venue replica yet (an undone one is not: it is
    CANCELLED, and `merge` drops it)."""
    return conn.execute(select(func.count()).select_from(ob.outbox)
                        .where(ob.outbox.c.state == ob.OpState.PENDING.value)).scalar() or 0


def unmerged(snapshot: Engine) -> int:
    with read_transaction(snapshot) as conn:
        return _unmerged(conn)


def refresh(venue: Engine, snapshot: Engine) -> bool:
    """Brings the snapshot up to the venue replica; False (and nothing changed) while it has uses to merge."""
    with read_transaction(venue) as conn:
        event_rows = [dict(r._mapping) for r in conn.execute(select(events))]
        product_rows = [dict(r._mapping) for r in conn.execute(select(products))]
        item_rows = [dict(r._mapping) | {"confirmed_count": r.confirmed_count + r.pending_count, "pending_count": 0}
                     for r in conn.execute(select(*_ITEM_COLUMNS, items.c.confirmed_count, items.c.pending_count))]
    with write_transaction(snapshot, replaceable=True) as conn:
        if _unmerged(conn):
            return False
        upsert(conn, events, event_rows)
        upsert(conn, products, product_rows)
        upsert(conn, items, item_rows)
    return True


def merge(snapshot: Engine, venue: Engine, now: float) -> MergeReport:
    """Moves the snapshot's accepted uses into the venue replica (see the module's docstring); the snapshot's
    outbox is empty afterwards, undone uses dropped. Raises if the venue database fails: call again later."""
    report = MergeReport()
    with read_transaction(snapshot) as conn:
        waiting = list(conn.execute(select(ob.outbox).order_by(ob.outbox.c.id)))
    for op in waiting:
        if op.state == ob.OpState.PENDING.value:
            with write_transaction(venue) as conn:
                known = conn.execute(select(ob.outbox.c.id).where(ob.outbox.c.op_uuid == op.op_uuid)).first() or \
                    conn.execute(select(ob.conflicts.c.id).where(ob.conflicts.c.op_uuid == op.op_uuid)).first()
                if known is None and _merge_use(conn, op, now):
                    report.merged += 1
                elif known is None:
                    report.conflicts += 1
        with write_transaction(snapshot) as conn:
            conn.execute(delete(ob.outbox).where(ob.outbox.c.id == op.id))
    return report


def _merge_use(conn, op, now: float) -> bool:  # type: ignore[no-untyped-def]
    """One use into the venue replica: True if it was still free there, else a conflict for the manager."""
    taken = take_one_use(conn, op.item_uuid, op.scanned_at, op.station)
    scan_id = append_scan(conn, at=op.scanned_at, station=op.station, verdict=VerdictKind.ACCEPTED.value, reason=MERGED,
                          item_uuid=op.item_uuid, product_id=op.product_id)
    if taken:
        ob.enqueue(conn, ob.Kind.REDEEM, item_uuid=op.item_uuid, product_id=op.product_id, at=op.scanned_at,
                   station=op.station, scan_id=scan_id, send_after=now, op_uuid=op.op_uuid)
    else:
        conn.execute(insert(ob.conflicts).values(
            op_uuid=op.op_uuid, item_uuid=op.item_uuid, product_id=op.product_id, station=op.station,
            scanned_at=op.scanned_at, refused_at=now, server_message=DOUBLE_USE.format(station=op.station),
            kind=ConflictKind.REFUSED.value))
    return taken
