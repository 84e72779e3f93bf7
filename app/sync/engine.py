"""The SyncEngine: upload the outbox, then download, on its own thread with its own HTTP client.

Exactly once without an idempotency key (docs/sync.md has the argument in full):
- one uploader per replica: only the holder of the "upload" lease (app/store/lease.py) sends;
- durable before the send: an operation is IN_FLIGHT on disk, with the count it should produce and its
  settle window, before its request leaves (app/store/outbox.py);
- what became of a send, and what a read-back says, are decided by pure tables (app/sync/outcomes.py):
  a lost answer is UNKNOWN and is read back; a read-back may deny a use only after its settle window;
- for a multi-use item the count a use should produce is the server's count read just before sending,
  so another door's use is never taken for ours;
- whatever the kiosk cannot settle is listed for the manager (DOUBTFUL), never resolved silently.
"""
from __future__ import annotations

import logging
import random
import threading
import time
from dataclasses import dataclass, field
from collections.abc import Sequence
from typing import Callable, Protocol, TypeVar

from sqlalchemy import Engine, select

from app.api.client import ProductsClient
from app.api.errors import ApiError, AuthError, CapabilityMissing, NotFound, NotSent, RateLimited
from app.api.models import MAX_COUNT, ProductItem
from app.api.settings import ApiSettings, Capability
from app.domain.rules import ADMISSION_TYPES
from app.store import lease
from app.store import outbox as ob
from app.store import provisional
from app.store.db import read_transaction, write_transaction
from app.store.replica import items, products
from app.sync.backoff import Backoff
from app.sync.connectivity import ConnectivityMonitor
from app.sync.download import apply_items, download_product, items_rows
from app.sync.issued import assign, recipients_of, theirs
from app.sync.outcomes import Exchange, Fate, Judgement, ReadBack, SentUse, exchange_of, fate_of_write, judge_readback
from app.sync.status import Connectivity, Override, SyncStatus
from app.sync.wording import status_message

log = logging.getLogger(__name__)
T = TypeVar("T")

BATCH = 20  # operations looked at per query
BACKOFF_BASE_S, BACKOFF_CAP_S = 1.0, 60.0
RECHECK_UNKNOWN_S = 5.0
AUTH_RETRY_S = 60.0
IDLE_WAKE_S = 5.0
LIST_PAGE = 1000  # items per page when an issue is read back
LEASE_WAIT_S = 1.0  # how often a standby uploader asks for the lease
# A request the client gave up on can still be applied by a slow server, until the server itself gives up.
# Gateways and app servers end requests within 30-100 s (nginx's and AWS ALB's default 60 s, Heroku 30 s,
# Cloudflare 100 s, gunicorn's worker timeout 30 s), so five minutes — 15 times the client's own 20 s
# deadline — is past any request's lifetime. Until then a read-back may confirm a use, never deny it.
SETTLE_WINDOW_S = 300.0
# The kiosk's clock and the server's `redeemed_at` may disagree by this much.
CLOCK_SKEW_S = 120.0
PRODUCT_ENDPOINT = "GET /v1/products/{id}"  # a 404 there: the product itself is unknown to the server


class SideUploader(Protocol):
    """Another service fed from the replica through the same outbox (app/voucherify/push.py)."""

    def after_download(self, product_ids: list[str]) -> None:
        """These products were just refreshed: queue what the service should hear about them."""

    def upload(self) -> object:
        """Send what is queued for the service."""


@dataclass
class SyncReport:
    sent: int = 0
    confirmed: int = 0
    rejected: int = 0
    unknown: int = 0
    reconciled: int = 0
    doubtful: int = 0
    downloaded: int = 0
    other_uploader: bool = False  # another process holds the upload lease: this one sent nothing
    failed_products: list[str] = field(default_factory=list)
    unknown_products: list[str] = field(default_factory=list)  # configured, but not on the server
    errors: list[str] = field(default_factory=list)


class SyncEngine:
    """Implements app.sync.status.SyncControl for the UI; `run_once` for the CLI and the tests."""

    def __init__(
        self,
        replica: Engine,
        api: ApiSettings,
        product_ids: list[str],
        *,
        monitor: ConnectivityMonitor | None = None,
        clock: Callable[[], float] = time.time,
        rng: random.Random | None = None,
        backoff_base_s: float = BACKOFF_BASE_S,
        backoff_cap_s: float = BACKOFF_CAP_S,
        recheck_unknown_s: float = RECHECK_UNKNOWN_S,
        settle_window_s: float = SETTLE_WINDOW_S,
        clock_skew_s: float = CLOCK_SKEW_S,
        lease_ttl_s: float | None = None,
        side_uploaders: Sequence[SideUploader] = (),
    ) -> None:
        if settle_window_s <= api.timeouts.total:
            raise ValueError("The settle window must be longer than a call's overall deadline")
        self.replica = replica
        self.api = api
        self.product_ids = list(product_ids)
        self.monitor = monitor or ConnectivityMonitor()
        self.clock = clock
        self.recheck_unknown_s = recheck_unknown_s
        self.settle_window_s = settle_window_s
        self.clock_skew_s = clock_skew_s
        # The lease outlives the longest call by a margin: a holder renews it before every send.
        self.lease_ttl_s = lease_ttl_s if lease_ttl_s is not None else 2 * api.timeouts.total + 10.0
        self.side_uploaders = list(side_uploaders)
        self.owner = lease.new_owner()
        self.backoff = Backoff(backoff_base_s, backoff_cap_s, clock, rng or random.Random())
        self._lock = threading.Lock()  # guards the fields below: the UI thread reads them
        self._paused_reason = ""
        self._last_success_at: float | None = None
        self._other_uploader = False
        self._holds_lease = False
        self._lease_until = 0.0
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # ---- SyncControl ----

    def status(self) -> SyncStatus:
        with read_transaction(self.replica) as conn:
            waiting = ob.waiting_count(conn)
            doubtful = ob.doubtful_count(conn)
            conflicts = ob.refused_count(conn)
        with self._lock:
            connectivity = Connectivity.PAUSED if self._paused_reason else self.monitor.connectivity
            message = status_message(connectivity, waiting, paused_reason=self._paused_reason,
                                     offline_since=self.monitor.offline_since, override=self.monitor.override,
                                     doubtful=doubtful, other_uploader=self._other_uploader)
            return SyncStatus(connectivity, self.monitor.override, waiting, conflicts, self._last_success_at,
                              message, doubtful)

    def set_override(self, override: Override) -> None:
        self.monitor.override = override
        if override is Override.FORCE_ONLINE:
            self.backoff.clear()
        self._wake.set()

    def sync_now(self) -> None:
        self.backoff.clear()
        with self._lock:
            self._paused_reason = ""
        self.monitor.probe_soon()
        self._wake.set()

    # ---- the thread ----

    def start(self) -> None:
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self._loop, name="usher-sync", daemon=True)
            self._thread.start()

    def stop(self, wait: bool = True) -> None:
        """Stops after the request in progress, if any: the thread settles it, hands back nothing else
        (operations are marked IN_FLIGHT one at a time) and gives the lease up. `wait=False` returns at
        once — the UI thread never waits for a slow server; the next engine takes the lease when it is free."""
        self._stop.set()
        self._wake.set()
        thread, self._thread = self._thread, None
        if thread is not None and wait:
            thread.join(self.api.timeouts.total + 5.0)

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def _loop(self) -> None:
        try:
            with ProductsClient(self.api, on_call=self._observe) as client:
                next_download = 0.0
                while not self._stop.is_set():
                    try:
                        self.probe_if_due(client)
                        self.upload(client)
                        if not self._stop.is_set() and self.clock() >= next_download and self._can_talk():
                            self.download(client)
                            next_download = self.clock() + 60.0
                        self._side_uploads()
                    except Exception:  # the thread must survive anything; the cause is logged
                        log.exception("sync pass failed")
                    self._wake.wait(self._idle_wait())
                    self._wake.clear()
        finally:
            self.release_lease()

    # ---- one pass ----

    def run_once(self, client: ProductsClient | None = None) -> SyncReport:
        """Upload, then download, once, and give the upload lease up. Uses its own client unless one is given."""
        if client is None:
            with ProductsClient(self.api, on_call=self._observe) as own:
                return self.run_once(own)
        try:
            self.probe_if_due(client)
            report = self.upload(client)
            if self._can_talk():
                report.downloaded = self.download(client, report)
            self._side_uploads()
            return report
        finally:
            self.release_lease()

    def _side_uploads(self) -> None:
        """Other services' operations in the same outbox (Voucherify's catalog): each sends its own, on
        its own connection, and a failure there never holds the Products API's queue."""
        for side in self.side_uploaders:
            try:
                side.upload()
            except Exception:  # logged; the uploader keeps its operations queued
                log.exception("%s failed", type(side).__name__)

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
        """Sleep until the next thing due: the end of a back-off, an operation (after the undo hold, or a
        read-back), a probe, the lease, or the idle wake-up."""
        now = self.clock()
        with read_transaction(self.replica) as conn:
            due = ob.next_due_at(conn)
        # Nothing can be sent before a back-off ends, however due it is.
        ready_in = max(IDLE_WAKE_S if due is None else due - now, self.backoff.resume_at - now)
        wait = min(IDLE_WAKE_S, ready_in)
        if not self.monitor.online:
            wait = min(wait, self.monitor.probe_every_s)
        if self._other_uploader:
            wait = min(wait, LEASE_WAIT_S)
        return max(0.05, wait)

    def _observe(self, endpoint: str, ok: bool, seconds: float) -> None:
        self.monitor.record(ok, seconds, self.clock())

    def _can_talk(self) -> bool:
        if self.backoff.waiting():  # backing off, or paused until the key is retried
            return False
        return self.monitor.online or self.monitor.probe_due(self.clock())

    def _succeeded(self) -> None:
        self.backoff.succeeded()
        with self._lock:
            self._paused_reason = ""
            self._last_success_at = self.clock()

    def _failed(self, exc: ApiError, report: SyncReport) -> None:
        report.errors.append(str(exc))
        self.backoff.failed(exc.retry_after if isinstance(exc, RateLimited) else None)

    def _pause(self, exc: AuthError) -> None:
        reason = "the API key was refused (it is wrong, revoked, or a read-only key) — check it in station setup."
        with self._lock:
            self._paused_reason = reason
        self.backoff.wait_until(self.clock() + AUTH_RETRY_S)
        log.warning("sync paused: the server refused the API key (%s)", exc.endpoint)

    # ---- the upload lease ----

    def _take_lease(self, conn, now: float) -> bool:  # type: ignore[no-untyped-def]
        """Takes or renews the upload lease inside the caller's transaction; on first taking it, reads
        back whatever a previous uploader left IN_FLIGHT. A lease that outlasts the next call by a margin
        is ours without asking: nobody may take it before it expires."""
        if self._holds_lease and now + self.api.timeouts.total + 5.0 < self._lease_until:
            return True
        held = lease.acquire(conn, lease.UPLOAD, self.owner, now, self.lease_ttl_s)
        self._lease_until = now + self.lease_ttl_s if held else 0.0
        if held and not self._holds_lease:
            interrupted = ob.take_over_interrupted(conn, self.owner, now, self.settle_window_s)
            if interrupted:
                log.warning("%d operations were being sent when their uploader stopped; they are read back first",
                            interrupted)
        with self._lock:
            self._holds_lease, self._other_uploader = held, not held
        return held

    def release_lease(self) -> None:
        if not self._holds_lease:
            return
        with write_transaction(self.replica) as conn:
            lease.release(conn, lease.UPLOAD, self.owner)
        self._holds_lease = False

    # ---- upload ----

    def upload(self, client: ProductsClient, report: SyncReport | None = None,
               after_each: Callable[[], None] = lambda: None) -> SyncReport:
        """Sends what is due, reading back what is in doubt first; `after_each` is called once each operation
        is settled or put back (the Issuer's progress)."""
        report = report or SyncReport()
        with write_transaction(self.replica) as conn:
            if not self._take_lease(conn, self.clock()):
                report.other_uploader = True
                return report
        while self._can_talk() and not self._stop.is_set():
            now = self.clock()
            with read_transaction(self.replica) as conn:
                unknown = ob.due_unknown(conn, now, BATCH)
                ready = [] if unknown else ob.next_to_send(conn, now, BATCH)
            if unknown:
                if not self._reconcile(client, unknown, report):
                    break
                after_each()
                continue
            if not ready:
                break
            if not self._send_all(client, ready, report, after_each):
                break
        return report

    def _send_all(self, client: ProductsClient, ops: list[ob.Operation], report: SyncReport,
                  after_each: Callable[[], None]) -> bool:
        for op in ops:
            if not self._send(client, op, report):
                return False
            after_each()
        return True

    def _send(self, client: ProductsClient, op: ob.Operation, report: SyncReport) -> bool:
        """Sends one operation and settles it. False: stop this pass (stopping, lease lost, or a failure)."""
        if self._stop.is_set() or not self._can_talk():
            return False
        expected, before = None, None
        if op.kind in ob.NOT_REPEATABLE:
            read = (self._count_before_sending(client, op, report) if op.kind == ob.Kind.REDEEM.value
                    else self._issued_before_sending(client, op, report))
            if read is False:
                return False
            added = 1 if op.kind == ob.Kind.REDEEM.value else len(recipients_of(op.payload))
            expected, before = (None, None) if read is None else (read + added, read)
        now = self.clock()
        with write_transaction(self.replica) as conn:
            if not self._take_lease(conn, now):
                return False
            if op.kind == ob.Kind.REDEEM.value:
                if before is not None and op.quantity is not None and before >= op.quantity:
                    ob.reject(conn, op, f"Already fully used on the server ({before} of {op.quantity}) before this "
                              "kiosk's use was sent", now, server_count=before)
                    report.rejected += 1
                    return True
                expected = expected or ob.local_expected_count(conn, op)
            sending = ob.mark_sending(conn, op, self.owner, now, self.settle_window_s,
                                      expected_count=expected, server_count_before=before)
        if sending is None:
            return True  # undone meanwhile, or no longer ours to send
        report.sent += 1
        answer: ProductItem | list[ProductItem] | None = None
        try:
            answer = self._perform(client, sending)
        except ApiError as exc:
            fate, error = fate_of_write(exchange_of(exc)), exc
        else:
            if sending.kind == ob.Kind.ISSUE.value:
                answer = _issued_to(answer, sending)  # type: ignore[arg-type]
                usable = answer is not None
            else:
                usable = sending.kind != ob.Kind.REDEEM.value or _about(answer, sending)  # type: ignore[arg-type]
            fate, error = fate_of_write(Exchange(sent=True, status=200, usable=usable)), None
        return self._settle_send(sending, fate, error, answer, report)

    def _count_before_sending(self, client: ProductsClient, op: ob.Operation, report: SyncReport) -> int | None | bool:
        """The server's count of a multi-use item just before a use is sent, so that another door's use is
        never taken for ours (None: not read, use the local count; False: the read failed, stop this pass).
        A single use needs no read: the server refuses it once used, and a lost answer is judged by the
        time the server says the item was used up."""
        if op.quantity is None or op.quantity <= 1 or Capability.GET_ITEM not in self.api.capabilities:
            return None
        # A 404: the redemption's own answer will say what the server makes of it.
        item = self._read_before_sending(lambda: client.get_item(op.product_id, op.item_uuid), NotFound, report)
        if item is None or item is False:
            return item
        if not _about(item, op):
            report.errors.append(f"The server answered about another item when asked for {op.item_uuid}")
            self.backoff.failed()
            return False
        return item.redemption_count

    def _issued_before_sending(self, client: ProductsClient, op: ob.Operation, report: SyncReport) -> int | None | bool:
        """How many items the product has just before an issue is sent: a read-back then looks only at the
        items after these (None: the list capability is missing, a lost answer will be the manager's;
        False: the read failed, stop this pass)."""
        page = self._read_before_sending(lambda: client.list_items(op.product_id, page=1, limit=1),
                                         CapabilityMissing, report)
        return page if page is None or page is False else page.total

    def _read_before_sending(self, read: Callable[[], T], unanswerable: type[ApiError],
                             report: SyncReport) -> T | None | bool:
        """A read that fixes what a send should produce: its answer; None when the server cannot tell
        (`unanswerable`); False when the read failed, and this pass stops (paused or backing off)."""
        try:
            return read()
        except unanswerable:
            return None
        except AuthError as exc:
            self._pause(exc)
            return False
        except ApiError as exc:
            self._failed(exc, report)
            return False

    def _perform(self, client: ProductsClient, op: ob.Operation) -> ProductItem | list[ProductItem] | None:
        if op.kind == ob.Kind.REDEEM.value:
            return client.redeem(op.product_id, op.item_uuid)
        if op.kind == ob.Kind.ISSUE.value:
            recipients = recipients_of(op.payload)
            return client.issue_items(op.product_id, users=[r["user_id"] for r in recipients if r.get("user_id")],
                                      emails=[r["email"] for r in recipients  # type: ignore[misc]
                                              if not r.get("user_id") and r.get("email")])
        p = op.payload
        client.register_attendee(str(p["event_id"]), user_id=p.get("user_id"), email=p.get("email"),  # type: ignore[arg-type]
                                 checked_in_at=op.scanned_at)
        return None

    def _settle_send(self, op: ob.Operation, fate: Fate, error: ApiError | None,
                     answer: ProductItem | list[ProductItem] | None, report: SyncReport) -> bool:
        now = self.clock()
        message = error.message if error is not None else ""
        idempotent = ob.Kind(op.kind).repeatable
        # A settle need not wait for the disk: lost in a power cut, the row is IN_FLIGHT again and is read
        # back. (The mark before the send must be durable: lost, it would be sent twice.)
        with write_transaction(self.replica, replaceable=True) as conn:
            if fate is Fate.APPLIED and isinstance(answer, list):
                _confirm_issue(conn, op, answer, now)
                report.confirmed += 1
            elif fate is Fate.APPLIED:
                count = answer.redemption_count if answer is not None else None
                if ob.confirm(conn, op, count, answer.redeemed_at if answer is not None else None, now):
                    self._queue_checkin(conn, op, now)
                report.confirmed += 1
            elif fate is Fate.REFUSED and op.kind == ob.Kind.ISSUE.value:
                _refuse_issue(conn, op, message, now)
                report.rejected += 1
            elif fate is Fate.REFUSED:
                ob.reject(conn, op, message, now)
                report.rejected += 1
            elif fate is Fate.UNKNOWN and not idempotent:
                status = exchange_of(error).status if error is not None else None
                ob.mark_unknown(conn, op, self.owner, message or "The server's answer could not be used",
                                now + self.recheck_unknown_s, now, answer_status=status)
                report.unknown += 1
            else:  # not applied, paused, or an idempotent operation that is simply sent again
                ob.hand_back(conn, op, self.owner, message, now, now)
        if fate in (Fate.APPLIED, Fate.REFUSED):  # a refusal, too, is a working server's answer
            self._succeeded()
        elif isinstance(error, AuthError):
            self._pause(error)
        elif error is not None:
            self._failed(error, report)
        else:
            report.errors.append(f"The server's answer was about another item than {op.item_uuid}, or impossible")
            self.backoff.failed()
        return fate in (Fate.APPLIED, Fate.REFUSED)

    def _queue_checkin(self, conn, op: ob.Operation, now: float) -> None:  # type: ignore[no-untyped-def]
        """After a confirmed admission: the attendee's real scan time goes to the server too, once."""
        if not self.api.register_checkins or op.kind != ob.Kind.REDEEM.value:
            return
        row = conn.execute(select(items.c.owner_id, items.c.owner_email, products.c.event_id, products.c.type)
                           .join_from(items, products, items.c.product_id == products.c.id)
                           .where(items.c.id == op.item_uuid)).first()
        if row is None or not row.event_id or row.type not in ADMISSION_TYPES or not (row.owner_id or row.owner_email):
            return
        who = {"user_id": row.owner_id} if row.owner_id else {"email": row.owner_email}
        ob.enqueue(conn, ob.Kind.CHECKIN, item_uuid=op.item_uuid, product_id=op.product_id, at=op.scanned_at,
                   station=op.station, send_after=now, payload={"event_id": row.event_id, **who})

    # ---- reconciliation ----

    def _reconcile(self, client: ProductsClient, unknown: list[ob.Operation], report: SyncReport) -> bool:
        """Reads each UNKNOWN operation's item back and settles it. False: stop this pass."""
        for op in unknown:
            if self._stop.is_set():
                return False
            now = self.clock()
            try:
                if op.kind == ob.Kind.ISSUE.value:
                    self._reconcile_issue(client, op, now, report)
                    continue
                item = client.get_item(op.product_id, op.item_uuid)
            except (CapabilityMissing, NotFound) as exc:
                with write_transaction(self.replica) as conn:
                    ob.doubt(conn, op, f"Cannot be confirmed — check this item: {exc.message}", now)
                report.doubtful += 1
                continue
            except AuthError as exc:
                self._pause(exc)
                return False
            except ApiError as exc:
                self._failed(exc, report)
                with write_transaction(self.replica) as conn:
                    ob.recheck_later(conn, op, exc.message, now + self.recheck_unknown_s, now)
                return False
            if not _about(item, op):
                report.errors.append(f"The server answered about another item when asked for {op.item_uuid}")
                self.backoff.failed()
                return False
            self._succeeded()
            report.reconciled += 1
            self._settle_readback(op, item, now, report)
        return True

    def _reconcile_issue(self, client: ProductsClient, op: ob.Operation, now: float, report: SyncReport) -> None:
        """Reads back the product's items after the `before` count read when the issue was sent, and counts those
        that went to its recipients: all of them → confirmed; none → not applied (once the settle window has
        closed); anything else → for the manager. Without a `before` count nothing can be told apart."""
        if op.server_count_before is None:
            raise CapabilityMissing(Capability.LIST_ITEMS, status=None)
        recipients = recipients_of(op.payload)
        found = theirs(recipients, self._items_after(client, op.product_id, op.server_count_before))
        read = ReadBack(op.server_count_before + len(found), MAX_COUNT, None)
        use = SentUse(op.expected_count, op.server_count_before, op.sent_at, op.settle_after, op.answer_status)
        judgement, why = judge_readback(use, read, now, self.clock_skew_s)
        if judgement is Judgement.CONFIRMED and (read.count != op.expected_count or assign(recipients, found) is None):
            judgement, why = Judgement.DOUBT, (f"{len(found)} items went to these {len(recipients)} recipients while "
                                               "this issue was unanswered — check them")
        elif judgement in (Judgement.WAIT, Judgement.DENIED) and found:
            judgement, why = Judgement.DOUBT, (f"Only {len(found)} of {len(recipients)} recipients got an item — "
                                               "check them")
        self._succeeded()
        report.reconciled += 1
        with write_transaction(self.replica, replaceable=True) as conn:
            if judgement is Judgement.CONFIRMED:
                _confirm_issue(conn, op, found, now)
                report.confirmed += 1
            else:
                self._settle_judgement(conn, op, judgement, why, now, read, report)

    def _items_after(self, client: ProductsClient, product_id: str, before: int) -> list[ProductItem]:
        """The product's items after the first `before` of the list (ordered by item_id)."""
        page, skip, found = before // LIST_PAGE + 1, before % LIST_PAGE, []
        while True:
            listed = client.list_items(product_id, page=page, limit=LIST_PAGE)
            found += listed.items[skip:]
            if not listed.items or before + len(found) >= listed.total:
                return found
            page, skip = page + 1, 0

    def _settle_readback(self, op: ob.Operation, item: ProductItem, now: float, report: SyncReport) -> None:
        use = SentUse(op.expected_count, op.server_count_before, op.sent_at, op.settle_after, op.answer_status)
        read = ReadBack(item.redemption_count, item.redemption_quantity, item.redeemed_at)
        judgement, why = judge_readback(use, read, now, self.clock_skew_s)
        with write_transaction(self.replica, replaceable=True) as conn:  # learnt again by reading back
            if judgement is Judgement.CONFIRMED:
                if ob.confirm(conn, op, item.redemption_count, item.redeemed_at, now):
                    self._queue_checkin(conn, op, now)
                report.confirmed += 1
            else:
                self._settle_judgement(conn, op, judgement, why, now, read, report)

    def _settle_judgement(self, conn, op: ob.Operation, judgement: Judgement, why: str, now: float,  # type: ignore[no-untyped-def]
                          read: ReadBack, report: SyncReport) -> None:
        """A read-back that did not confirm the operation."""
        if judgement is Judgement.USED_ELSEWHERE:
            ob.reject(conn, op, why, now, server_count=read.count, server_redeemed_at=read.redeemed_at)
            report.rejected += 1
        elif judgement is Judgement.DOUBT:
            ob.doubt(conn, op, why, now, server_count=read.count, server_redeemed_at=read.redeemed_at)
            report.doubtful += 1
        elif judgement is Judgement.WAIT:
            ob.recheck_later(conn, op, why, min(op.settle_after or now, now + self.recheck_unknown_s), now)
        else:
            ob.deny(conn, op, why, now)

    # ---- download ----

    def download(self, client: ProductsClient, report: SyncReport | None = None) -> int:
        """Refreshes each configured product on its own: one that fails is reported by id and the others
        go on; only an unreachable server or a refused key ends the pass."""
        report = report if report is not None else SyncReport()
        applied = 0
        use_list = Capability.LIST_ITEMS in self.api.capabilities
        for product_id in self.product_ids:
            if self._stop.is_set():
                break
            try:
                applied += download_product(self.replica, client, product_id, use_list=use_list)
            except AuthError as exc:
                self._pause(exc)
                break
            except ApiError as exc:
                report.failed_products.append(product_id)
                if isinstance(exc, NotFound) and exc.endpoint == PRODUCT_ENDPOINT:  # not a missing items route
                    report.unknown_products.append(product_id)
                report.errors.append(f"Product {product_id}: {exc}")
                if isinstance(exc, NotSent) or exc.transient and not self.monitor.online:
                    self._failed(exc, report)
                    break
            else:
                self._succeeded()
                for side in self.side_uploaders:
                    side.after_download([product_id])
        return applied


def _issued_to(answer: list[ProductItem], op: ob.Operation) -> list[ProductItem] | None:
    """The answer's items in the order of the operation's recipients, or None when it is not about this
    request (another product, a recipient without an item, more or fewer items)."""
    recipients = recipients_of(op.payload)
    if len(answer) != len(recipients) or any(str(i.product_id).lower() != op.product_id.lower() for i in answer):
        return None
    return assign(recipients, answer)


def _confirm_issue(conn, op: ob.Operation, found: list[ProductItem], now: float) -> None:  # type: ignore[no-untyped-def]
    """The server created the items: they join the replica, and the provisional items they stand for are mapped."""
    if not ob.confirm(conn, op, None, None, now):
        return
    created = assign(recipients_of(op.payload), found) or []
    apply_items(conn, items_rows(created))
    provisional.map_to_server(conn, [(local_id, str(item.id)) for local_id, item  # type: ignore[call-overload]
                                     in zip(op.payload.get("local_ids") or [], created)])


def _refuse_issue(conn, op: ob.Operation, message: str, now: float) -> None:  # type: ignore[no-untyped-def]
    """The server refused the issue: a conflict for the manager; its provisional items stay, marked refused,
    and the uses taken of them are refused too (each listed, the scans kept)."""
    local_ids: list[str] = list(op.payload.get("local_ids") or [])  # type: ignore[call-overload]
    why = f"Issued offline, refused by the server: {message}" if local_ids else f"Refused by the server: {message}"
    if not ob.reject(conn, op, why, now):
        return
    provisional.mark_refused(conn, local_ids, message)
    for local_id in local_ids:
        for use in ob.uses_of(conn, local_id):
            ob.reject(conn, use, f"Its item was issued offline and refused by the server: {message}", now)


def _about(item: ProductItem | None, op: ob.Operation) -> bool:
    """An answer may settle an operation only if it is about the item asked for, with possible counts."""
    return (item is not None and str(item.id).lower() == op.item_uuid.lower()
            and 0 <= item.redemption_count <= item.redemption_quantity)

