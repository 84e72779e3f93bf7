"""The manager's numbers: per product, per station, over time, conflicts, the sync queue, the scan export."""
from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import Engine, case, func, select

from app.store.db import read_transaction
from app.store.models import Conflict
from app.store.replica import items, outbox, products, scans

conflicts_table = Conflict.__table__


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
    pending: int
    in_flight: int
    unknown: int
    rejected: int
    done: int
    oldest_waiting_at: float | None  # scan time of the oldest operation not yet settled

    @property
    def waiting(self) -> int:
        return self.pending + self.in_flight + self.unknown


@dataclass(frozen=True, slots=True)
class ConflictRow:
    item_uuid: str
    product_id: str
    station: str
    scanned_at: float
    refused_at: float
    server_message: str


def product_counts(engine: Engine) -> list[ProductCount]:
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
    with read_transaction(engine) as conn:
        return [ProductCount(*row) for row in conn.execute(query)]


def station_counts(engine: Engine) -> list[StationCount]:
    accepted = func.sum(case((scans.c.verdict == "ACCEPTED", 1), else_=0))
    refused = func.sum(case((scans.c.verdict.notin_(["ACCEPTED", "UNDONE"]), 1), else_=0))
    query = select(scans.c.station, accepted, refused).group_by(scans.c.station).order_by(scans.c.station)
    with read_transaction(engine) as conn:
        return [StationCount(station, int(a or 0), int(r or 0)) for station, a, r in conn.execute(query)]


def entries_over_time(engine: Engine, bucket_s: int = 300) -> list[tuple[float, int]]:
    """Accepted scans per time bucket: [(bucket start as Unix seconds, count)], oldest first."""
    bucket = func.floor(scans.c.scanned_at / bucket_s) * bucket_s
    query = select(bucket, func.count()).where(scans.c.verdict == "ACCEPTED").group_by(bucket).order_by(bucket)
    with read_transaction(engine) as conn:
        return [(float(start), int(count)) for start, count in conn.execute(query)]


def sync_queue(engine: Engine) -> QueueSummary:
    with read_transaction(engine) as conn:
        by_state = dict(conn.execute(select(outbox.c.state, func.count()).group_by(outbox.c.state)).all())
        oldest = conn.execute(
            select(func.min(outbox.c.scanned_at)).where(outbox.c.state.in_(["PENDING", "IN_FLIGHT", "UNKNOWN"]))
        ).scalar()
    return QueueSummary(
        pending=by_state.get("PENDING", 0),
        in_flight=by_state.get("IN_FLIGHT", 0),
        unknown=by_state.get("UNKNOWN", 0),
        rejected=by_state.get("REJECTED", 0),
        done=by_state.get("DONE", 0),
        oldest_waiting_at=oldest,
    )


def conflicts(engine: Engine) -> list[ConflictRow]:
    c = conflicts_table.c
    query = select(c.item_uuid, c.product_id, c.station, c.scanned_at, c.refused_at, c.server_message).order_by(c.id)
    with read_transaction(engine) as conn:
        return [ConflictRow(*row) for row in conn.execute(query)]


SCAN_EXPORT_COLUMNS = ("scan_id", "scanned_at_utc", "station", "verdict", "reason", "item_uuid", "product_id", "uses_left")


def export_scans_csv(engine: Engine, path: Path) -> int:
    """Writes the scan log to CSV (no secrets are in it); returns the number of rows."""
    query = select(
        scans.c.id, scans.c.scanned_at, scans.c.station, scans.c.verdict, scans.c.reason,
        scans.c.item_uuid, scans.c.product_id, scans.c.uses_left,
    ).order_by(scans.c.id)
    count = 0
    with read_transaction(engine) as conn, path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(SCAN_EXPORT_COLUMNS)
        for scan_id, at, *rest in conn.execute(query):
            writer.writerow([scan_id, datetime.fromtimestamp(at, tz=timezone.utc).isoformat(timespec="seconds"), *rest])
            count += 1
    return count
