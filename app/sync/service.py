"""Putting sync together from the settings: the engine, the online lookup, and the shared monitor."""
from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import Engine

from app.api.settings import ApiSettings, Capability, Timeouts
from app.config import Settings
from app.secrets import load_voucherify_token
from app.sync.connectivity import ConnectivityMonitor
from app.sync.engine import SyncEngine
from app.sync.online import OnlineLookup
from app.voucherify.push import CatalogUploader
from app.voucherify.settings import voucherify_settings

log = logging.getLogger(__name__)


class NotConfigured(Exception):
    """No API base URL or key: the station works from its local list alone."""


def api_settings(settings: Settings, api_key: str) -> ApiSettings:
    """The runtime API settings; raises NotConfigured, or ValueError with a plain reason."""
    if not settings.api.base_url or not api_key:
        raise NotConfigured("No Products API set up")
    wanted = {Capability.LIST_ITEMS: settings.api.list_items, Capability.GET_ITEM: settings.api.get_item,
              Capability.SALES: settings.api.sales}
    deadline = settings.api.timeout_s
    timeouts = Timeouts(connect=min(5.0, deadline), read=min(15.0, deadline), write=min(15.0, deadline),
                        pool=min(5.0, deadline), total=deadline)
    return ApiSettings(settings.api.base_url, api_key, timeouts=timeouts,
                       capabilities=frozenset(c for c, on in wanted.items() if on),
                       register_checkins=settings.api.register_checkins)


@dataclass
class OnlineSync:
    engine: SyncEngine
    lookup: OnlineLookup


def build_online_sync(replica: Engine, settings: Settings, api_key: str) -> OnlineSync:
    api = api_settings(settings, api_key)
    # While offline, probe every 10 s — or sooner when calls are allowed less time than 5 s.
    monitor = ConnectivityMonitor(probe_every_s=min(10.0, 2 * api.timeouts.total))
    engine = SyncEngine(replica, api, settings.product_ids, monitor=monitor,
                        settle_window_s=settings.api.settle_window_s, side_uploaders=_side_uploaders(replica, settings))
    lookup = OnlineLookup(replica, api, lambda: engine.product_ids, monitor, on_found=engine.sync_now)
    return OnlineSync(engine, lookup)


def _side_uploaders(replica: Engine, settings: Settings) -> list[CatalogUploader]:
    """Voucherify's catalog, when it is set up (a token that cannot be used is said once, in the log)."""
    try:
        target = voucherify_settings(settings, load_voucherify_token())
    except ValueError as exc:
        log.warning("Voucherify settings cannot be used: %s", exc)
        return []
    return [] if target is None else [CatalogUploader(replica, target)]
