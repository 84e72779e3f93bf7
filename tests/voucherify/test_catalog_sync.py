"""The catalog follows the product refresh: changed products are queued in the outbox and upserted into
Voucherify by the sync engine's side uploader; offline they wait; a refusal is kept with Voucherify's message."""
from __future__ import annotations

import json

import httpx
from sqlalchemy import select

from app import demo_data as demo
from app.api import ApiSettings, Timeouts
from app.services.reports import refused_operations
from app.simulator.demo_data import DEMO_WRITE_KEY
from app.simulator.faults import FaultSettings
from app.simulator.voucherify import DEMO_APP_ID, DEMO_APP_TOKEN, PREFIX
from app.store import outbox as ob
from app.sync.engine import SyncEngine
from app.voucherify.push import CatalogUploader
from app.voucherify.settings import VoucherifySettings
from canned_http import Canned, CannedServer

FAST = Timeouts(connect=1.0, read=1.0, write=1.0, pool=1.0, total=1.5)
PRODUCTS = [p.id for p in demo.PRODUCTS]


def catalog_states(replica) -> list[str]:
    with replica.connect() as conn:
        return list(conn.execute(select(ob.outbox.c.state).where(ob.outbox.c.kind == ob.Kind.CATALOG.value)
                                 .order_by(ob.outbox.c.id)).scalars())


def engine_with_catalog(replica, sim, address: str) -> SyncEngine:
    target = VoucherifySettings(DEMO_APP_ID, DEMO_APP_TOKEN, address=address, timeouts=FAST)
    return SyncEngine(replica, ApiSettings(sim.url, DEMO_WRITE_KEY, timeouts=FAST), PRODUCTS, settle_window_s=2.0,
                      side_uploaders=[CatalogUploader(replica, target, retry_s=0.0)])


def test_each_refreshed_product_is_upserted_once_and_again_only_when_it_changes(replica, sim):
    engine = engine_with_catalog(replica, sim, sim.url + PREFIX)
    engine.run_once()
    assert catalog_states(replica) == ["DONE"] * len(PRODUCTS)
    engine.run_once()
    assert catalog_states(replica) == ["DONE"] * len(PRODUCTS)  # nothing changed: nothing queued
    headers = {"X-App-Id": DEMO_APP_ID, "X-App-Token": DEMO_APP_TOKEN}
    stored = httpx.get(f"{sim.url}{PREFIX}/v1/products/{demo.DRINKS.id}", headers=headers, timeout=5).json()
    assert stored["metadata"]["redemption_quantity"] == demo.DRINKS.redemption_quantity


def test_while_voucherify_cannot_be_reached_the_upserts_wait_and_go_when_it_is_back(replica, sim):
    sim.faults = FaultSettings(dark=True)
    try:
        engine_with_catalog(replica, sim, sim.url + PREFIX).run_once()
    finally:
        sim.faults = FaultSettings()
    assert catalog_states(replica) == []  # the products could not be refreshed either: nothing to say yet
    dark = CannedServer()
    dark.close()  # a port where nobody listens
    engine_with_catalog(replica, sim, dark.url).run_once()
    assert catalog_states(replica) == ["PENDING"] * len(PRODUCTS)
    engine_with_catalog(replica, sim, sim.url + PREFIX).run_once()
    assert catalog_states(replica) == ["DONE"] * len(PRODUCTS)


def test_a_refusal_is_kept_with_voucherifys_message_for_the_manager(replica, sim):
    refusing = CannedServer()
    try:
        refusing.answer = Canned(status=400, body=json.dumps({
            "code": 400, "key": "invalid_product", "message": "Product name is already taken",
            "details": "", "request_id": "v-1"}).encode())
        engine_with_catalog(replica, sim, refusing.url).run_once()
    finally:
        refusing.close()
    assert catalog_states(replica) == ["REJECTED"] * len(PRODUCTS)
    refused = refused_operations(replica)
    assert len(refused) == len(PRODUCTS) and all("Product name is already taken" in r.message for r in refused)
    assert {r.subject for r in refused} == {p.name for p in demo.PRODUCTS}
