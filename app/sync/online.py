"""Unknown items (design.md step 4): online, fetch the item from the server into the replica so the
station decides on the server's current count; offline, say plainly that it cannot be verified.

The use itself then goes through the outbox like every other (and is sent at once), so there is one
exactly-once path for every redemption, whichever way the item reached the replica.

A guest is waiting, and the guests behind them too: the whole lookup ends within about a second
(`LOOKUP_BUDGET_S`), whatever the server does. "Not on the server's list" is said only once the server
has shown that it can read single items (by answering for an item the replica knows): a server without
that route answers 404 for every item, which must not turn a valid ticket away.
"""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import replace
from datetime import datetime, timezone
from typing import Callable

from sqlalchemy import Engine

from app.api.client import ProductsClient
from app.api.errors import ApiError, CapabilityMissing, NotFound, ProtocolError
from app.api.settings import ApiSettings, Timeouts
from app.domain.payload import ItemReference
from app.domain.rules import StationRules
from app.domain.verdict import Verdict, VerdictKind
from app.sync.connectivity import ConnectivityMonitor
from app.store.db import read_transaction
from app.store.replica import some_item_of
from app.sync.download import cache_item, cache_product, known_product

log = logging.getLogger(__name__)

# A guest is waiting at the door: the interactive path gives the server little time.
INTERACTIVE_TIMEOUTS = Timeouts(connect=0.5, read=1.0, write=0.5, pool=0.5, total=1.0)
LOOKUP_BUDGET_S = 1.2
CANNOT_LOOK_UP = "Not in the local list, and the server cannot look up single items — check the ticket by hand"
TOO_SLOW = "Not in the local list, and the server did not answer in time"


class OnlineLookup:
    """The station's UnknownItemResolver when an API is configured."""

    def __init__(self, replica: Engine, api: ApiSettings, product_ids: Callable[[], list[str]],
                 monitor: ConnectivityMonitor, on_found: Callable[[], None]) -> None:
        self.replica = replica
        self.api = replace(api, timeouts=INTERACTIVE_TIMEOUTS)
        self.product_ids = product_ids
        self.monitor = monitor
        self.on_found = on_found  # e.g. wake the sync engine so the new use is uploaded at once
        self._local = threading.local()
        self._reads_items: bool | None = None  # learnt once: does the server answer for an item it has?

    def _client(self) -> ProductsClient:
        client = getattr(self._local, "client", None)
        if client is None:
            client = self._local.client = ProductsClient(self.api, on_call=self._observe)
        return client

    def _observe(self, endpoint: str, ok: bool, seconds: float) -> None:
        self.monitor.record(ok, seconds, time.time())

    def __call__(self, ref: ItemReference, rules: StationRules, scanned_at: float) -> Verdict | None:
        at = datetime.fromtimestamp(scanned_at, tz=timezone.utc)

        def verdict(kind: VerdictKind, reason: str = "") -> Verdict:
            return Verdict(kind, reason, rules.name, at, item_id=ref.item_id)

        if not self.monitor.online:
            return verdict(VerdictKind.UNKNOWN_OFFLINE)
        candidates = [ref.product_id] if ref.product_id else self.product_ids()
        client = self._client()
        give_up_at = time.monotonic() + LOOKUP_BUDGET_S
        for product_id in candidates:
            if time.monotonic() > give_up_at:
                return verdict(VerdictKind.UNKNOWN_OFFLINE, TOO_SLOW)
            try:
                item = client.get_item(product_id, ref.item_id)
                if str(item.id).lower() != ref.item_id.lower():
                    raise ProtocolError("The server answered about another item", endpoint="lookup", write=False)
                if not known_product(self.replica, str(item.product_id)):
                    cache_product(self.replica, client.get_product(item.product_id))
            except NotFound:
                continue
            except CapabilityMissing:
                return verdict(VerdictKind.UNKNOWN_OFFLINE, CANNOT_LOOK_UP)
            except ApiError as exc:
                log.info("online lookup failed: %s", exc)
                return verdict(VerdictKind.UNKNOWN_OFFLINE, TOO_SLOW)
            cache_item(self.replica, item)
            self.on_found()
            return None
        if not self._server_reads_items(client, candidates, give_up_at):
            return verdict(VerdictKind.UNKNOWN_OFFLINE, CANNOT_LOOK_UP)
        return verdict(VerdictKind.NOT_FOUND, "Not on the server's list either")

    def _server_reads_items(self, client: ProductsClient, product_ids: list[str], give_up_at: float) -> bool:
        """Whether a 404 means "no such item": asks once for an item the replica knows to exist."""
        if self._reads_items is None:
            with read_transaction(self.replica) as conn:
                known = some_item_of(conn, product_ids)
            if known is None or time.monotonic() > give_up_at:
                return False  # cannot tell yet: do not turn the guest away on a guess
            try:
                client.get_item(*known)
            except NotFound:
                self._reads_items = False
            except ApiError:
                return False
            else:
                self._reads_items = True
        return self._reads_items
