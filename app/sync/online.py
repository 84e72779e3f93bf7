"""Unknown items (design.md step 4): online, fetch the item from the server into the replica so the
station decides on the server's current count; offline, say plainly that it cannot be verified.

The use itself then goes through the outbox like every other (and is sent at once), so there is one
exactly-once path for every redemption, whichever way the item reached the replica.
"""
from __future__ import annotations

import logging
import threading
import time
from datetime import datetime, timezone
from typing import Callable

from sqlalchemy import Engine

from app.api.client import ProductsClient
from app.api.errors import ApiError, CapabilityMissing, NotFound
from app.api.settings import ApiSettings, Timeouts
from app.domain.payload import ItemReference
from app.domain.rules import StationRules
from app.domain.verdict import Verdict, VerdictKind
from app.sync.connectivity import ConnectivityMonitor
from app.sync.download import cache_item, cache_product, known_product

log = logging.getLogger(__name__)

# A guest is waiting at the door: the interactive path gives the server little time.
INTERACTIVE_TIMEOUTS = Timeouts(connect=1.0, read=1.5, write=1.0, pool=0.5)


class OnlineLookup:
    """The station's UnknownItemResolver when an API is configured."""

    def __init__(self, engine: Engine, api: ApiSettings, product_ids: Callable[[], list[str]],
                 monitor: ConnectivityMonitor, on_found: Callable[[], None]) -> None:
        self.engine = engine
        self.api = ApiSettings(api.base_url, api.api_key, INTERACTIVE_TIMEOUTS, api.capabilities,
                               api.max_response_bytes, api.issue_batch_size)
        self.product_ids = product_ids
        self.monitor = monitor
        self.on_found = on_found  # e.g. wake the sync engine so the new use is uploaded at once
        self._local = threading.local()

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
        for product_id in candidates:
            try:
                item = client.get_item(product_id, ref.item_id)
                if not known_product(self.engine, str(item.product_id)):
                    cache_product(self.engine, client.get_product(item.product_id))
            except NotFound:
                continue
            except CapabilityMissing:
                return verdict(VerdictKind.UNKNOWN_OFFLINE, "Not in the local list, and the server cannot look up single items")
            except ApiError as exc:
                log.info("online lookup failed: %s", exc)
                return verdict(VerdictKind.UNKNOWN_OFFLINE, "Not in the local list, and the server did not answer in time")
            cache_item(self.engine, item)
            self.on_found()
            return None
        return verdict(VerdictKind.NOT_FOUND, "Not on the server's list either")
