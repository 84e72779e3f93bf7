"""The manager's numbers: per product, per station, over time, conflicts, the sync queue, the scan log
and its export.

Scopes, as the manager view names them: product counts are per item, so they include uses at every door
that this replica has heard of (its own scans, and the server's counts as of the last download); scan
counts, entries over time and the scan log are the scans recorded in this replica (this station, or
every station sharing its database). Undone scans are not counted as entries.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import Engine, and_, case, func, select
from sqlalchemy.exc import SQLAlchemyError

from app.domain.rules import ADMISSION_TYPES
from app.domain.verdict import VerdictKind
from app.store import outbox as ob
from app.store.db import read_transaction
from app.store.models import Conflict, ConflictKind
from app.store.outbox import Kind, OpState
from app.store.replica import items, outbox, products, scans

conflicts_table = Conflict.__table__
ACCEPTED, UNDONE = VerdictKind.ACCEPTED.value, VerdictKind.UNDONE.value

BUCKET_S = 300  # entries over time, per 5 minutes
SCAN_LOG_ROWS = 100


@dataclass(frozen=True, slots=True)
class ProductCount:
    product_id: str
    name: str
    type: str
    issued: int  # items in the replica
    checked_in: int  # items used at least once
    fully_used: int  # items with no use left
    uses_left: int  # uses left over all items


@dataclass(frozen=True, slots=True)
class StationCount:
    station: str
    accepted: int
    refused: int  # every other verdict


@dataclass(frozen=True, slots=True)
class QueueSummary:
    """The Products API's operations by state (Voucherify's upserts are not in it; its refusals are listed by
    `refused_operations`)."""

    waiting: int  # the status strip's count (app.store.outbox.waiting_count): pending + in_flight + unknown
    pending: int
    in_flight: int
    unknown: int
    rejected: int
    done: int
    oldest_waiting_at: float | None  # scan time of the oldest operation waiting to sync
    doubtful: int = 0  # uses the kiosk cannot settle alone: a manager checks each item


@dataclass(frozen=True, slots=True)
class ConflictRow:
    item_uuid: str
    item_number: int | None
    product_name: str | None
    holder_name: str
    station: str  # where this replica accepted it
    scanned_at: float
    other_station: str | None  # where it was used first, when known
    other_used_at: float | None
    refused_at: float
    server_message: str
    kind: ConflictKind = ConflictKind.REFUSED
    expected_count: int | None = None  # the count our use should have made
    server_count: int | None = None  # the count the server gave


@dataclass(frozen=True, slots=True)
class ScanRow:
    """One line of the scan log."""

    scan_id: int
    scanned_at: float
    station: str
    verdict: str
    item_number: int | None
    product_name: str | None
    holder_name: str
    undoable: bool  # an accepted use not yet sent to the server (Station.undo can still give it back)


def _holder(first: str | None, last: str | None) -> str:
    return " ".join(part for part in (first, last) if part)


def _entry():  # type: ignore[no-untyped-def]
    """An accepted scan that no UNDONE row points at: an entry (or a drink) in every count."""
    undone = select(scans.c.undoes_scan_id).where(scans.c.undoes_scan_id.is_not(None))
    return and_(scans.c.verdict == ACCEPTED, scans.c.id.notin_(undone))


def product_counts(replica: Engine) -> list[ProductCount]:
    used = items.c.confirmed_count + items.c.pending_count
    query = (
        select(
            products.c.id,
            products.c.name,
            products.c.type,
            func.count(items.c.id),
            func.coalesce(func.sum(case((used > 0, 1), else_=0)), 0),
            func.coalesce(func.sum(case((used >= items.c.redemption_quantity, 1), else_=0)), 0),
            func.coalesce(func.sum(case((used < items.c.redemption_quantity, items.c.redemption_quantity - used), else_=0)), 0),
        )
        .join_from(products, items, items.c.product_id == products.c.id, isouter=True)
        .group_by(products.c.id, products.c.name, products.c.type)
        .order_by(products.c.name)
    )
    with read_transaction(replica) as conn:
        return [ProductCount(*row) for row in conn.execute(query)]


def station_counts(replica: Engine) -> list[StationCount]:
    """Per station that scanned: its entries and its refusals. An undo is not a scan: the UNDONE row counts
    nowhere, not even as a station (a manager may undo another door's scan)."""
    accepted = func.sum(case((_entry(), 1), else_=0))
    refused = func.sum(case((scans.c.verdict != ACCEPTED, 1), else_=0))
    query = (select(scans.c.station, accepted, refused).where(scans.c.verdict != UNDONE)
             .group_by(scans.c.station).order_by(scans.c.station))
    with read_transaction(replica) as conn:
        return [StationCount(station, int(a or 0), int(r or 0)) for station, a, r in conn.execute(query)]


def entries_over_time(replica: Engine, bucket_s: int = 300) -> list[tuple[float, int]]:
    """Accepted scans (not undone) per time bucket: [(bucket start as Unix seconds, count)], oldest first."""
    bucket = func.floor(scans.c.scanned_at / bucket_s) * bucket_s
    query = select(bucket, func.count()).where(_entry()).group_by(bucket).order_by(bucket)
    with read_transaction(replica) as conn:
        return [(float(start), int(count)) for start, count in conn.execute(query)]


def sync_queue(replica: Engine) -> QueueSummary:
    with read_transaction(replica) as conn:
        waiting, by_state, oldest = ob.waiting_count(conn), ob.count_by_state(conn), ob.oldest_waiting_at(conn)
    return QueueSummary(
        waiting=waiting,
        pending=by_state.get(OpState.PENDING, 0),
        in_flight=by_state.get(OpState.IN_FLIGHT, 0),
        unknown=by_state.get(OpState.UNKNOWN, 0),
        rejected=by_state.get(OpState.REJECTED, 0),
        done=by_state.get(OpState.DONE, 0),
        oldest_waiting_at=oldest,
        doubtful=by_state.get(OpState.DOUBTFUL, 0),
    )


@dataclass(frozen=True, slots=True)
class RefusedOperation:
    """An operation other than a use that a service refused (a Voucherify upsert): kept with its message."""

    kind: str
    subject: str  # what it was about, in words (the product's name)
    message: str
    refused_at: float


def refused_operations(replica: Engine) -> list[RefusedOperation]:
    query = (select(outbox.c.kind, func.coalesce(products.c.name, outbox.c.product_id), outbox.c.last_error,
                    outbox.c.updated_at)
             .join_from(outbox, products, products.c.id == outbox.c.product_id, isouter=True)
             .where(outbox.c.state == OpState.REJECTED.value, outbox.c.kind == Kind.CATALOG.value)
             .order_by(outbox.c.id))
    with read_transaction(replica) as conn:
        return [RefusedOperation(kind, subject, message or "", at) for kind, subject, message, at in conn.execute(query)]


def conflicts(replica: Engine) -> list[ConflictRow]:
    """Uses the server refused after this replica accepted them, with what is known of the other use."""
    c = conflicts_table.c
    query = (
        select(c.item_uuid, items.c.item_id, products.c.name, items.c.owner_first_name, items.c.owner_last_name,
               c.station, c.scanned_at, items.c.first_used_station, items.c.first_used_at, c.server_redeemed_at,
               c.refused_at, c.server_message, c.kind, c.expected_count, c.server_count)
        .join_from(conflicts_table, items, items.c.id == c.item_uuid, isouter=True)
        .join(products, products.c.id == c.product_id, isouter=True)
        .order_by(c.id)
    )
    rows = []
    with read_transaction(replica) as conn:
        for (item_uuid, number, product, first, last, station, scanned_at, first_station, first_at, server_at,
             refused_at, message, kind, expected, counted) in conn.execute(query):
            # The other door is the first use, unless that was this very scan; then only the server's time is known.
            elsewhere = first_station is not None and (first_station != station or abs(first_at - scanned_at) > 1)
            other_at = first_at if elsewhere else (float(server_at) if server_at is not None else None)
            rows.append(ConflictRow(item_uuid, number, product, _holder(first, last), station, scanned_at,
                                    first_station if elsewhere else None, other_at, refused_at, message or "",
                                    ConflictKind(kind), expected, counted))
    return rows


def _scan_log_query():  # type: ignore[no-untyped-def]
    unsent = (select(outbox.c.scan_id)
              .where(outbox.c.scan_id == scans.c.id, outbox.c.state == OpState.PENDING.value).exists())
    undoable = and_(scans.c.verdict == ACCEPTED, unsent)
    return (
        select(scans.c.id, scans.c.scanned_at, scans.c.station, scans.c.verdict, items.c.item_id, products.c.name,
               items.c.owner_first_name, items.c.owner_last_name, undoable, scans.c.reason, scans.c.item_uuid,
               scans.c.uses_left)
        .join_from(scans, items, items.c.id == scans.c.item_uuid, isouter=True)
        .join(products, products.c.id == scans.c.product_id, isouter=True)
    )


def recent_scans(replica: Engine, limit: int = 100) -> list[ScanRow]:
    """The newest scans first."""
    query = _scan_log_query().order_by(scans.c.id.desc()).limit(limit)
    with read_transaction(replica) as conn:
        return [ScanRow(scan_id, at, station, verdict, number, product, _holder(first, last), bool(undoable))
                for scan_id, at, station, verdict, number, product, first, last, undoable, *_ in conn.execute(query)]


SCAN_EXPORT_COLUMNS = ("scan_id", "local_time", "station", "verdict", "reason", "ticket_number", "product",
                       "holder", "item_uuid", "uses_left")


def local_time_text(ts: float) -> str:
    """'2026-12-01 21:05:12 +0100': the venue's clock, with its offset so the file stays unambiguous."""
    return datetime.fromtimestamp(ts, tz=timezone.utc).astimezone().strftime("%Y-%m-%d %H:%M:%S %z")


def export_scans_csv(replica: Engine, path: Path, hide_names: bool = False) -> int:
    """Writes the scan log to CSV in local time (no secrets are in it; no names with `hide_names`);
    returns the number of rows."""
    count = 0
    with read_transaction(replica) as conn, path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(SCAN_EXPORT_COLUMNS)
        for (scan_id, at, station, verdict, number, product, first, last, _undoable, reason, item_uuid,
             uses_left) in conn.execute(_scan_log_query().order_by(scans.c.id)):
            holder = "" if hide_names else _holder(first, last)
            writer.writerow([scan_id, local_time_text(at), station, verdict, reason, number, product, holder,
                             item_uuid, uses_left])
            count += 1
    return count


@dataclass(frozen=True, slots=True)
class ManagerReport:
    """Every number of the manager view, read in one go."""

    products: list[ProductCount]
    stations: list[StationCount]
    entries: list[tuple[float, int]]
    conflicts: list[ConflictRow]
    queue: QueueSummary
    scans: list[ScanRow]
    from_copy: bool = False  # read from a venue door's own copy: the venue database did not answer

    @property
    def people_inside(self) -> tuple[int, int]:
        """(checked in, issued) over the admission products, at all doors as last synced."""
        admissions = [p for p in self.products if p.type in ADMISSION_TYPES]
        return sum(p.checked_in for p in admissions), sum(p.issued for p in admissions)


def load_report(replica: Engine, copy: Engine | None = None) -> ManagerReport:
    """The manager's numbers from `replica`; at a venue door whose venue database does not answer, from the
    door's own `copy` of it (app/services/door.py), marked `from_copy`."""
    try:
        return _read_report(replica)
    except SQLAlchemyError:
        if copy is None:
            raise
    return replace(_read_report(copy), from_copy=True)


def _read_report(replica: Engine) -> ManagerReport:
    return ManagerReport(product_counts(replica), station_counts(replica), entries_over_time(replica, BUCKET_S),
                         conflicts(replica), sync_queue(replica), recent_scans(replica, SCAN_LOG_ROWS))
