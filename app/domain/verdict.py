"""The outcome of one scan: every kind the kiosk can show, and the facts shown with it.

UNDONE is the one kind no scan comes to: it is staff giving back the use an ACCEPTED scan took, recorded in
the scan log as a row of its own that points at that scan. Neither row counts as an entry.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime


class VerdictKind(enum.Enum):
    ACCEPTED = "ACCEPTED"
    ALREADY_USED = "ALREADY_USED"
    NOT_FOUND = "NOT_FOUND"
    WRONG_STATION = "WRONG_STATION"
    PRODUCT_INACTIVE = "PRODUCT_INACTIVE"
    INVALID_CODE = "INVALID_CODE"
    UNKNOWN_OFFLINE = "UNKNOWN_OFFLINE"
    ERROR = "ERROR"
    UNDONE = "UNDONE"  # staff gave an accepted scan's use back (app/services/station.py, Station.undo)


@dataclass(frozen=True, slots=True)
class Use:
    """One past use of an item: when and at which station."""

    at: datetime
    station: str


@dataclass(frozen=True, slots=True)
class Verdict:
    kind: VerdictKind
    reason: str = ""
    station: str = ""
    scanned_at: datetime | None = None
    item_id: str | None = None
    item_number: int | None = None
    product_id: str | None = None
    product_name: str | None = None
    product_type: str | None = None
    holder_name: str | None = None
    uses_total: int | None = None
    uses_left: int | None = None  # after this scan
    first_use: Use | None = None
    last_use: Use | None = None
    scan_id: int | None = None  # the audit row, for undo
    sales_closed: bool = False  # the product no longer sells (inactive); its items stay valid

    @property
    def accepted(self) -> bool:
        return self.kind is VerdictKind.ACCEPTED
