"""A door on a venue's shared replica that keeps deciding when the venue database is unreachable
(docs/venue.md): from its own SQLite snapshot of the venue replica, merged back once the venue is reachable.

The kiosk calls `redeem` for each scan and `tick` every few seconds (off the UI thread): `tick` refreshes the
snapshot while the venue is reachable, and while it is not, tries it and, once it answers, merges what the
door accepted meanwhile (app/store/snapshot.py) and goes back to it.
"""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import replace
from datetime import datetime, timezone
from typing import Callable

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from app.domain.payload import ItemReference
from app.domain.rules import StationRules
from app.domain.verdict import Verdict, VerdictKind
from app.services.station import Station, UnknownItemResolver
from app.store.snapshot import merge, refresh, unmerged
from app.sync.status import Connectivity, Override, SyncControl, SyncStatus

log = logging.getLogger(__name__)

REFRESH_EVERY_S = 60.0  # the copy is at most this much older than the venue when the venue goes away
TICK_EVERY_S = 3.0  # how soon a door finds the venue database again
NOT_IN_THE_COPY = "Not in this door's copy — it cannot be checked until the venue database is back"


def _not_in_the_copy(ref: ItemReference, rules: StationRules, scanned_at: float) -> Verdict:
    """An item the copy does not hold may be in the venue replica: unknown, not "not found"."""
    return Verdict(VerdictKind.UNKNOWN_OFFLINE, NOT_IN_THE_COPY, rules.name,
                   datetime.fromtimestamp(scanned_at, tz=timezone.utc), item_id=ref.item_id)


class VenueDoor:
    def __init__(self, venue: Engine, snapshot: Engine, rules: StationRules,
                 unknown_item: UnknownItemResolver | None = None, clock: Callable[[], float] = time.time,
                 hold_for_undo_s: float = 0.0, refresh_every_s: float = REFRESH_EVERY_S) -> None:
        self.venue, self.snapshot = venue, snapshot
        self.clock = clock
        self.refresh_every_s = refresh_every_s
        self._on_venue = Station(venue, rules, unknown_item, clock, hold_for_undo_s)
        self._on_snapshot = Station(snapshot, rules, _not_in_the_copy, clock, hold_for_undo_s)
        self._lock = threading.Lock()  # guards the two fields below: scans and ticks come from two threads
        self._unreachable_since: float | None = None
        self._refreshed_at = float("-inf")

    # The kiosk's window uses a door as it uses a Station: its rules, its unknown-item resolver, undo.

    @property
    def rules(self) -> StationRules:
        return self._on_venue.rules

    @rules.setter
    def rules(self, rules: StationRules) -> None:
        self._on_venue.rules = self._on_snapshot.rules = rules

    @property
    def unknown_item(self) -> UnknownItemResolver | None:
        return self._on_venue.unknown_item

    @unknown_item.setter
    def unknown_item(self, resolver: UnknownItemResolver | None) -> None:
        self._on_venue.unknown_item = resolver  # the copy answers for itself: "cannot be checked until back"

    @property
    def hold_for_undo_s(self) -> float:
        return self._on_venue.hold_for_undo_s

    @property
    def snapshot_refreshed(self) -> bool:
        """Whether the copy has been refreshed from the venue since this door started."""
        return self._refreshed_at > float("-inf")

    @property
    def unreachable_since(self) -> float | None:
        with self._lock:
            return self._unreachable_since

    def redeem(self, raw: str | bytes) -> Verdict:
        """Decides on the venue replica; if that fails, and until `tick` finds the venue again, on the copy.
        A verdict decided on the copy carries its scan id negated, so that `undo` finds the replica that holds it."""
        if self.unreachable_since is None:
            verdict = self._on_venue.redeem(raw)
            if verdict.kind is not VerdictKind.ERROR:
                return verdict
            with self._lock:
                self._unreachable_since = self._unreachable_since or self.clock()
            log.warning("The venue database did not answer: this door decides from its own copy until it does")
        verdict = self._on_snapshot.redeem(raw)
        return replace(verdict, scan_id=-verdict.scan_id) if verdict.scan_id else verdict

    def undo(self, scan_id: int) -> bool:
        if scan_id < 0:
            return self._on_snapshot.undo(-scan_id)
        return self._on_venue.undo(scan_id)

    def tick(self) -> None:
        """Refreshes the copy when due; while the venue is unreachable, tries it, merges, and goes back to it."""
        away = self.unreachable_since is not None
        if not away and self.clock() - self._refreshed_at < self.refresh_every_s and not unmerged(self.snapshot):
            return
        try:
            if unmerged(self.snapshot):
                report = merge(self.snapshot, self.venue, self.clock())
                log.warning("Merged %d uses accepted while the venue database was unreachable; %d were used at "
                            "another door meanwhile (conflicts for the manager)", report.merged, report.conflicts)
            if refresh(self.venue, self.snapshot):
                self._refreshed_at = self.clock()
        except SQLAlchemyError:
            log.info("The venue database is still unreachable")
            return
        with self._lock:
            self._unreachable_since = None

    def status(self) -> str:
        """For the status strip: empty while the door decides on the venue replica."""
        since = self.unreachable_since
        if since is None:
            return ""
        waiting = unmerged(self.snapshot)
        return (f"Venue database unreachable since {datetime.fromtimestamp(since).strftime('%H:%M')} — this door "
                f"decides from its own copy; {waiting} scan{'s' if waiting != 1 else ''} to merge when it is back.")


class DoorStatus:
    """The SyncControl the window sees at a venue door: the sync engine's, with what the door says first
    while the venue database is unreachable."""

    def __init__(self, sync: SyncControl, door: VenueDoor) -> None:
        self.sync, self.door = sync, door

    def status(self) -> SyncStatus:
        said = self.door.status()
        try:
            status = self.sync.status()  # reads the venue database: it may be the one that is gone
        except SQLAlchemyError:
            return SyncStatus(Connectivity.OFFLINE, Override.AUTO, unmerged(self.door.snapshot), 0, None,
                              said or "The venue database does not answer.")
        return replace(status, message=f"{said} {status.message}") if said else status

    def set_override(self, override: Override) -> None:
        self.sync.set_override(override)

    def sync_now(self) -> None:
        self.sync.sync_now()


class DoorTicker:
    """Calls `door.tick()` every few seconds on a thread of its own (it may wait on an unreachable server)."""

    def __init__(self, door: VenueDoor, every_s: float = TICK_EVERY_S) -> None:
        self._door, self._every_s = door, every_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="usher-venue-door", daemon=True)

    def start(self) -> DoorTicker:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        while not self._stop.wait(self._every_s):
            try:
                self._door.tick()
            except Exception:  # the thread must survive anything; the cause is logged
                log.exception("venue door tick failed")
