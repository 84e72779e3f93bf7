"""The redeem flow (design.md): parse, look up, check the station's rules, and take one use
atomically — the use, the outbox row and the audit row commit together or not at all."""
from __future__ import annotations

import logging
import time
from dataclasses import replace
from datetime import datetime, timezone
from typing import Callable, Protocol

from sqlalchemy import Connection, Engine, select
from sqlalchemy.exc import SQLAlchemyError

from app.domain.payload import InvalidPayload, ItemReference, clean, parse_payload
from app.domain.signing import ProvisionalCode, verify
from app.domain.rules import StationRules, check
from app.domain.scan_audit import audit_text
from app.domain.verdict import Use, Verdict, VerdictKind
from app.store import outbox, provisional, venue_keys
from app.store.db import write_transaction
from app.store.replica import ItemRecord, append_scan, give_back_use, load_item, scans, take_one_use

log = logging.getLogger(__name__)

# The kiosk holds an accepted scan back from upload this long, so that its Undo button keeps its promise
# (undo works while the use is unsent). Tests and the command line use no hold.
UNDO_HOLD_S = 8.0


class UnknownItemResolver(Protocol):
    """Called for an item the replica does not hold. Returns None once it has fetched the item from the
    server into the replica (the station then decides locally, as for any item), or a verdict when it
    cannot (offline, not on the server)."""

    def __call__(self, ref: ItemReference, rules: StationRules, scanned_at: float) -> Verdict | None: ...


def _utc(ts: float | None) -> datetime | None:
    return None if ts is None else datetime.fromtimestamp(ts, tz=timezone.utc)


def _use(at: float | None, station: str | None) -> Use | None:
    return None if at is None else Use(_utc(at), station or "")  # type: ignore[arg-type]


def verdict_for_item(kind: VerdictKind, record: ItemRecord, rules: StationRules, at: float, reason: str = "") -> Verdict:
    """A verdict about a known item, carrying what staff are shown."""
    first = _use(record.first_used_at, record.first_used_station)
    last = _use(record.last_used_at, record.last_used_station)
    if first is None and record.redeemed_at is not None:  # used up before this replica saw it
        first = last = _use(float(record.redeemed_at), None)
    if kind is VerdictKind.WRONG_STATION and not reason:
        reason = f"{record.product_name} is not valid at {rules.name}"
    return Verdict(
        kind=kind,
        reason=reason,
        station=rules.name,
        scanned_at=_utc(at),
        item_id=record.item_uuid,
        item_number=record.item_number,
        product_id=record.facts.product_id,
        product_name=record.product_name,
        product_type=record.facts.product_type,
        holder_name=record.holder_name,
        uses_total=record.facts.redemption_quantity,
        uses_left=record.facts.uses_left,
        first_use=first,
        last_use=last,
        sales_closed=not record.facts.product_active,
    )


class Station:
    """One check-in point: its rules, the replica, and what to do about unknown items."""

    def __init__(
        self,
        replica: Engine,
        rules: StationRules,
        unknown_item: UnknownItemResolver | None = None,
        clock: Callable[[], float] = time.time,
        hold_for_undo_s: float = 0.0,
    ) -> None:
        self.replica = replica
        self.rules = rules
        self.unknown_item = unknown_item
        self.clock = clock
        self.hold_for_undo_s = hold_for_undo_s

    def redeem(self, raw: str | bytes) -> Verdict:
        """Decides one scan. Never raises: a failure is an ERROR verdict and changes nothing."""
        at = self.clock()
        parsed = parse_payload(raw)
        audit_payload = audit_text(clean(raw), parsed)  # never the content of a code that is not a ticket
        try:
            if isinstance(parsed, InvalidPayload):
                verdict = Verdict(VerdictKind.INVALID_CODE, parsed.reason, self.rules.name, _utc(at))
                return self._record(verdict, at, audit_payload)
            if isinstance(parsed, ProvisionalCode):
                return self._redeem_provisional(parsed, at, audit_payload)
            return self._redeem_reference(parsed, at, audit_payload, self.unknown_item)
        except SQLAlchemyError as exc:
            log.error("redeem failed: %s", exc.__class__.__name__, exc_info=True)
            return Verdict(VerdictKind.ERROR, "The local database did not answer — scan again", self.rules.name, _utc(at))

    def _redeem_reference(
        self, ref: ItemReference, at: float, audit_payload: str, resolver: UnknownItemResolver | None
    ) -> Verdict:
        with write_transaction(self.replica) as conn:
            # Locked (on PostgreSQL), so another door's use cannot slip in between this read and the use.
            record = load_item(conn, ref.item_id, for_update=True)
            if record is not None:
                return self._decide(conn, ref, record, at, audit_payload)
        # Unknown here: the resolver (sync layer) may ask the server; it must not run under our lock.
        verdict = resolver(ref, self.rules, at) if resolver is not None else None
        if verdict is None and resolver is not None:
            return self._redeem_reference(ref, at, audit_payload, resolver=None)  # fetched: decide locally
        if verdict is None:
            verdict = Verdict(VerdictKind.NOT_FOUND, "Not in this station's list", self.rules.name, _utc(at), item_id=ref.item_id)
        return self._record(verdict, at, audit_payload)

    def _redeem_provisional(self, code: ProvisionalCode, at: float, audit_payload: str) -> Verdict:
        """An item issued offline, maybe at another kiosk: its signature is checked against the venue's keys;
        once its issue is confirmed (and the mapping has reached this replica) the server's item is used."""
        with write_transaction(self.replica) as conn:
            public = venue_keys.public_key(conn, code.key_id)
            if public is None or not verify(code, public):
                reason = ("Forged or altered code: its signature does not match" if public is not None
                          else "Signed with a key this kiosk does not trust")
                verdict = Verdict(VerdictKind.INVALID_CODE, reason, self.rules.name, _utc(at))
                return _with_scan_id(verdict, self._append(conn, verdict, at, audit_payload))
            if refusal := provisional.refusal_of(conn, code.local_id):
                verdict = Verdict(VerdictKind.NOT_FOUND, f"Issued offline and refused by the server: {refusal}",
                                  self.rules.name, _utc(at), item_id=code.local_id)
                return _with_scan_id(verdict, self._append(conn, verdict, at, audit_payload))
            item_uuid = provisional.server_item_of(conn, code.local_id) or code.local_id
            record = load_item(conn, item_uuid, for_update=True)
            if record is None and item_uuid == code.local_id and provisional.adopt(conn, code):
                record = load_item(conn, item_uuid, for_update=True)
            if record is None:
                verdict = Verdict(VerdictKind.NOT_FOUND, "Its product is not in this station's list", self.rules.name,
                                  _utc(at), item_id=code.local_id)
                return _with_scan_id(verdict, self._append(conn, verdict, at, audit_payload))
            note = "" if item_uuid != code.local_id else f"Issued offline at {code.station}, not yet confirmed"
            return self._decide(conn, ItemReference(item_uuid, code.product_id), record, at, audit_payload, note)

    def redeem_in(self, conn: Connection, item_uuid: str, at: float) -> Verdict:
        """Decides a use of an item the replica holds, inside the caller's transaction (a walk-up sale
        issues and admits in one)."""
        record = load_item(conn, item_uuid, for_update=True)
        if record is None:
            raise LookupError(f"Item {item_uuid} is not in the replica")
        return self._decide(conn, ItemReference(item_uuid), record, at, item_uuid)

    def _decide(self, conn: Connection, ref: ItemReference, record: ItemRecord, at: float, audit_payload: str,
                note: str = "") -> Verdict:
        """The rules, the use, the audit row and the outbox row for a known item, in the caller's transaction.
        `note` is the reason shown with any verdict but NOT_FOUND."""
        kind = check(record.facts, self.rules, ref.product_id)
        reason = "The code names another product" if kind is VerdictKind.NOT_FOUND else note
        if kind is VerdictKind.ACCEPTED and not take_one_use(conn, ref.item_id, at, self.rules.name):
            kind = VerdictKind.ALREADY_USED  # unreachable under the lock; the UPDATE stays the guard
        if kind is VerdictKind.ACCEPTED:
            record = record.after_use(at, self.rules.name)
        verdict = verdict_for_item(kind, record, self.rules, at, reason)
        scan_id = self._append(conn, verdict, at, audit_payload)
        if verdict.accepted:
            outbox.enqueue(conn, outbox.Kind.REDEEM, item_uuid=ref.item_id, product_id=record.facts.product_id,
                           at=at, station=self.rules.name, scan_id=scan_id, send_after=at + self.hold_for_undo_s)
        return _with_scan_id(verdict, scan_id)

    def _record(self, verdict: Verdict, at: float, audit_payload: str) -> Verdict:
        with write_transaction(self.replica) as conn:
            return _with_scan_id(verdict, self._append(conn, verdict, at, audit_payload))

    def _append(self, conn: Connection, verdict: Verdict, at: float, audit_payload: str) -> int:
        return append_scan(
            conn,
            at=at,
            station=self.rules.name,
            verdict=verdict.kind.value,
            reason=verdict.reason,
            payload=audit_payload,
            item_uuid=verdict.item_id,
            product_id=verdict.product_id,
            uses_left=verdict.uses_left,
        )

    def undo(self, scan_id: int) -> bool:
        """Gives back the use an accepted scan took, if it has not been sent to the server yet.
        The audit keeps both rows: the scan and an UNDONE row pointing at it."""
        at = self.clock()
        with write_transaction(self.replica) as conn:
            scan = conn.execute(select(scans).where(scans.c.id == scan_id)).first()
            if scan is None or scan.verdict != VerdictKind.ACCEPTED.value:
                return False
            if not outbox.cancel_unsent(conn, scan_id, at):
                return False
            give_back_use(conn, scan.item_uuid)
            append_scan(
                conn,
                at=at,
                station=self.rules.name,
                verdict=VerdictKind.UNDONE.value,
                reason="Undone by staff",
                item_uuid=scan.item_uuid,
                product_id=scan.product_id,
                undoes_scan_id=scan_id,
            )
            return True


def _with_scan_id(verdict: Verdict, scan_id: int) -> Verdict:
    return replace(verdict, scan_id=scan_id)
