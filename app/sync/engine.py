"""The SyncEngine: upload the outbox, then download, on its own thread with its own HTTP client.

Exactly once without an idempotency key: an operation is marked IN_FLIGHT with the server count it
should produce before it is sent (app/store/outbox.py). A lost answer makes it UNKNOWN, and an UNKNOWN
operation is settled by reading the item back — count reached: it was applied (DONE); not reached: it
was not, and it goes back to PENDING. Nothing is ever resent blindly.
"""
from __future__ import annotations

import logging
import random
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable

from sqlalchemy import Engine, func, select

from app.api.client import ProductsClient
from app.api.errors import ApiError, AuthError, BadRequest, CapabilityMissing, NotFound, RateLimited, Rejected
from app.api.settings import ApiSettings, Capability
from app.store import outbox as ob
from app.store.db import read_transaction, write_transaction
from app.store.models import Conflict
from app.sync.connectivity import ConnectivityMonitor
from app.sync.download import download_product
from app.sync.status import Connectivity, Override, SyncStatus

log = logging.getLogger(__name__)

BATCH = 20  # operations claimed per durable IN_FLIGHT commit (and reconciled after a crash)
BACKOFF_BASE_S, BACKOFF_CAP_S = 1.0, 60.0
RECHECK_UNKNOWN_S = 5.0
AUTH_RETRY_S = 60.0
IDLE_WAKE_S = 5.0


@dataclass
class SyncReport:
    sent: int = 0
    confirmed: int = 0
    rejected: int = 0
    unknown: int = 0
    reconciled: int = 0
    downloaded: int = 0
    errors: list[str] = field(default_factory=list)


class SyncEngine:
    """Implements app.sync.status.SyncControl for the UI; `run_once` for the CLI and the tests."""

    def __init__(
        self,
        engine: Engine,
        api: ApiSettings,
        product_ids: list[str],
        *,
        monitor: ConnectivityMonitor | None = None,
        clock: Callable[[], float] = time.time,
        rng: random.Random | None = None,
        backoff_base_s: float = BACKOFF_BASE_S,
        backoff_cap_s: float = BACKOFF_CAP_S,
        recheck_unknown_s: float = RECHECK_UNKNOWN_S,
    ) -> None:
        self.engine = engine
        self.api = api
        self.product_ids = list(product_ids)
        self.monitor = monitor or ConnectivityMonitor()
        self.clock = clock
        self.rng = rng or random.Random()
        self.backoff_base_s, self.backoff_cap_s = backoff_base_s, backoff_cap_s
        self.recheck_unknown_s = recheck_unknown_s
        self._lock = threading.Lock()  # guards the fields below: the UI thread reads them
        self._failures = 0
        self._resume_at = 0.0
        self._paused_reason = ""
        self._last_success_at: float | None = None
        self._last_error = ""
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        with write_transaction(engine) as conn:
            interrupted = ob.interrupted_to_unknown(conn)
        if interrupted:
            log.warning("%d operations were in flight when the kiosk stopped; they will be reconciled", interrupted)

    # ---- SyncControl ----

    def status(self) -> SyncStatus:
        with read_transaction(self.engine) as conn:
            waiting = ob.waiting_count(conn)
            conflicts = conn.execute(select(func.count()).select_from(Conflict.__table__)).scalar() or 0
        with self._lock:
            connectivity = Connectivity.PAUSED if self._paused_reason else self.monitor.connectivity
            override = self.monitor.override
            return SyncStatus(connectivity, override, waiting, conflicts, self._last_success_at,
                              self._message(connectivity, waiting))

    def set_override(self, override: Override) -> None:
        self.monitor.override = override
        if override is Override.FORCE_ONLINE:
            with self._lock:
                self._resume_at = 0.0
        self._wake.set()

    def sync_now(self) -> None:
        with self._lock:
            self._resume_at = 0.0
            self._paused_reason = ""
        self.monitor.probe_soon()
        self._wake.set()

    def _message(self, connectivity: Connectivity, waiting: int) -> str:
        queued = f"{waiting} scan{'s' if waiting != 1 else ''} waiting to sync" if waiting else "all scans synced"
        if connectivity is Connectivity.PAUSED:
            return f"Sync paused: {self._paused_reason} Scans are saved here ({queued})."
        if connectivity is Connectivity.OFFLINE:
            since = self.monitor.offline_since
            when = f" since {datetime.fromtimestamp(since).strftime('%H:%M')}" if since else ""
            forced = " (switched off by staff)" if self.monitor.override is Override.FORCE_OFFLINE else ""
            return f"Offline{when}{forced} — scans are checked here and saved; {queued}."
        return f"Online — {queued}."

    # ---- the thread ----

    def start(self) -> None:
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self._loop, name="usher-sync", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _loop(self) -> None:
        with ProductsClient(self.api, on_call=self._observe) as client:
            next_download = 0.0
            while not self._stop.is_set():
                try:
                    self.probe_if_due(client)
                    self.upload(client)
                    if self.clock() >= next_download and self._can_talk():
                        self.download(client)
                        next_download = self.clock() + 60.0
                except Exception:  # the thread must survive anything; the cause is logged
                    log.exception("sync pass failed")
                self._wake.wait(self._idle_wait())
                self._wake.clear()

    # ---- one pass ----

    def run_once(self, client: ProductsClient | None = None) -> SyncReport:
        """Upload, then download, once. Uses its own client unless one is given."""
        if client is None:
            with ProductsClient(self.api, on_call=self._observe) as own:
                return self.run_once(own)
        self.probe_if_due(client)
        report = self.upload(client)
        if self._can_talk():
            report.downloaded = self.download(client, report)
        return report

    def probe_if_due(self, client: ProductsClient) -> None:
        """While offline, ask the server now and then whether it is back (the monitor hears the answers);
        once one answers, a few more probes in a row bring the station back at once."""
        if not self.monitor.probe_due(self.clock()):
            return
        for _ in range(self.monitor.clean_to_return):
            try:
                client.probe()
            except ApiError:
                return  # recorded by the monitor through on_call
            if self.monitor.online:
                return

    def _idle_wait(self) -> float:
        """Sleep until the next thing due: the end of a back-off, a probe, or the idle wake-up."""
        with self._lock:
            until_resume = self._resume_at - self.clock()
        wait = IDLE_WAKE_S if until_resume <= 0 else min(IDLE_WAKE_S, until_resume)
        if not self.monitor.online:
            wait = min(wait, self.monitor.probe_every_s)
        return max(0.05, wait)

    def _observe(self, endpoint: str, ok: bool, seconds: float) -> None:
        self.monitor.record(ok, seconds, self.clock())

    def _can_talk(self) -> bool:
        now = self.clock()
        with self._lock:
            if now < self._resume_at:  # backing off, or paused until the key is retried
                return False
        return self.monitor.online or self.monitor.probe_due(now)

    def _back_off(self, retry_after: float | None = None) -> None:
        with self._lock:
            self._failures += 1
            delay = min(self.backoff_cap_s, self.backoff_base_s * 2 ** (self._failures - 1)) * self.rng.uniform(0.5, 1.5)
            self._resume_at = self.clock() + max(delay, retry_after or 0.0)

    def _succeeded(self) -> None:
        with self._lock:
            self._failures = 0
            self._paused_reason = ""
            self._last_success_at = self.clock()

    def upload(self, client: ProductsClient, report: SyncReport | None = None) -> SyncReport:
        report = report or SyncReport()
        while self._can_talk():
            now = self.clock()
            with write_transaction(self.engine) as conn:
                unknown = ob.due(conn, ob.UNKNOWN, now, BATCH)
            if unknown:
                if not self._reconcile(client, unknown, report):
                    break
                continue
            with write_transaction(self.engine) as conn:
                blocked = {op.item_uuid for op in ob.due(conn, ob.UNKNOWN, float("inf"), 10_000)}
                ready = [op for op in ob.due(conn, ob.PENDING, now, BATCH) if op.item_uuid not in blocked]
                claimed = ob.claim_for_sending(conn, ready, now)
            if not claimed:
                break
            if not self._send(client, claimed, report):
                break
        return report

    def _send(self, client: ProductsClient, claimed: list[ob.Operation], report: SyncReport) -> bool:
        """Sends claimed operations in order and settles them in one commit. False: stop this pass."""
        outcomes: list[ob.Outcome] = []
        for op in claimed:
            outcome = self._redeem(client, op, report)
            outcomes.append(outcome)
            if outcome.state not in (ob.DONE, ob.REJECTED):
                break
        report.sent += len(outcomes)
        with write_transaction(self.engine) as conn:
            for outcome in outcomes:
                ob.settle(conn, outcome)
            for op in claimed[len(outcomes):]:  # claimed but never sent: certainly not applied
                ob.retry_later(conn, op, "not sent yet", 0.0)
        return all(o.state in (ob.DONE, ob.REJECTED) for o in outcomes)

    def _redeem(self, client: ProductsClient, op: ob.Operation, report: SyncReport) -> ob.Outcome:
        now = self.clock()
        try:
            item = client.redeem(op.product_id, op.item_uuid)
        except (Rejected, NotFound, BadRequest) as exc:  # final: the server refused a use we accepted
            report.rejected += 1
            return ob.Outcome(op, ob.REJECTED, now, exc.message)
        except AuthError as exc:  # refused before anything was applied
            self._pause(exc)
            return ob.Outcome(op, ob.PENDING, now, exc.message)
        except ApiError as exc:
            report.errors.append(str(exc))
            self._back_off(exc.retry_after if isinstance(exc, RateLimited) else None)
            if exc.may_have_applied:
                report.unknown += 1
                return ob.Outcome(op, ob.UNKNOWN, now, exc.message, next_attempt_at=now + self.recheck_unknown_s)
            return ob.Outcome(op, ob.PENDING, now, exc.message)
        self._succeeded()
        report.confirmed += 1
        return ob.Outcome(op, ob.DONE, now, server_count=item.redemption_count, redeemed_at=item.redeemed_at)

    def _reconcile(self, client: ProductsClient, unknown: list[ob.Operation], report: SyncReport) -> bool:
        """Reads each UNKNOWN operation's item back and settles it. False: stop this pass."""
        for op in unknown:
            now = self.clock()
            try:
                item = client.get_item(op.product_id, op.item_uuid)
            except CapabilityMissing as exc:
                outcome = ob.Outcome(op, ob.UNKNOWN, now, f"Cannot be settled automatically: {exc.message}",
                                     next_attempt_at=now + AUTH_RETRY_S)
            except NotFound as exc:
                outcome = ob.Outcome(op, ob.REJECTED, now, exc.message)
                report.rejected += 1
            except AuthError as exc:
                self._pause(exc)
                return False
            except ApiError as exc:
                report.errors.append(str(exc))
                self._back_off(exc.retry_after if isinstance(exc, RateLimited) else None)
                return False
            else:
                self._succeeded()
                report.reconciled += 1
                applied = op.expected_count is not None and item.redemption_count >= op.expected_count
                outcome = (ob.Outcome(op, ob.DONE, now, server_count=item.redemption_count, redeemed_at=item.redeemed_at)
                           if applied else ob.Outcome(op, ob.PENDING, now, "was not applied; sending again"))
            with write_transaction(self.engine) as conn:
                ob.settle(conn, outcome)
        return True

    def _pause(self, exc: AuthError) -> None:
        reason = "the API key was refused (it is wrong, revoked, or a read-only key) — check it in station setup."
        with self._lock:
            self._paused_reason = reason
            self._resume_at = self.clock() + AUTH_RETRY_S
        log.warning("sync paused: %s", exc.message)

    def download(self, client: ProductsClient, report: SyncReport | None = None) -> int:
        applied = 0
        for product_id in self.product_ids:
            try:
                applied += download_product(self.engine, client, product_id,
                                            use_list=Capability.LIST_ITEMS in self.api.capabilities)
            except CapabilityMissing as exc:
                if report is not None:
                    report.errors.append(str(exc))
            except AuthError as exc:
                self._pause(exc)
                break
            except ApiError as exc:
                if report is not None:
                    report.errors.append(str(exc))
                self._back_off(exc.retry_after if isinstance(exc, RateLimited) else None)
                break
            else:
                self._succeeded()
        return applied
