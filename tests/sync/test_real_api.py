"""Against a server that differs from our simulator where the documents are silent, no ticket is admitted
twice and no drink spent twice: each failure measured in the first round, over real HTTP."""
from __future__ import annotations

import json
import time

from sqlalchemy import select

from app import demo_data as demo
from app.api import ApiSettings, ProductsClient
from app.domain.rules import Preset, StationRules
from app.domain.verdict import VerdictKind
from app.services.reports import conflicts
from app.services.station import Station
from app.store.db import write_transaction
from app.store.replica import outbox
from canned_http import Canned, CannedServer
from sync_helpers import ALL_PRODUCTS, FAST, make_engine, stations_that_accepted, sync_until_settled

DOOR = StationRules("Door 1", Preset.DOOR)
UNKNOWN_PRODUCT = "00000000-0000-4000-8000-0000000000aa"


def states(replica) -> list[str]:
    with replica.connect() as conn:
        return list(conn.execute(select(outbox.c.state).order_by(outbox.c.id)).scalars())


def test_one_unknown_product_in_the_settings_does_not_block_the_others(replica, api):
    engine = make_engine(replica, api, products=[UNKNOWN_PRODUCT, *ALL_PRODUCTS])
    reports = [engine.run_once() for _ in range(2)]
    assert [r.unknown_products for r in reports] == [[UNKNOWN_PRODUCT]] * 2  # reported by id on every pass
    assert all(UNKNOWN_PRODUCT in r.errors[0] for r in reports)
    assert reports[0].downloaded == sum(p.items for p in demo.PRODUCTS)  # the others were not blocked


def test_a_kiosk_that_died_mid_send_while_another_door_used_the_ticket_records_a_conflict(tmp_path, api, server_client):
    ticket = demo.item_uuid(demo.VIP, 3)
    died, other = stations_that_accepted(tmp_path, ticket, ["Door 1", "Door 2"], Preset.DOOR)
    sent_at = time.time() - 60  # it died a minute ago, its request never left: the window closed long since
    with write_transaction(died) as conn:
        conn.execute(outbox.update().values(state="IN_FLIGHT", owner="gone:1:x", expected_count=1,
                                            sent_at=sent_at, settle_after=sent_at + 2.0))
    sync_until_settled(make_engine(other, api))  # the other door's use reaches the server meanwhile
    sync_until_settled(make_engine(died, api))  # the restart reads it back
    assert states(died) == ["REJECTED"]
    [conflict] = conflicts(died)
    assert conflict.item_uuid == ticket
    assert server_client.get_item(demo.VIP.id, ticket).redemption_count == 1


def test_a_200_answer_about_another_item_never_confirms_a_use(demo_replica):
    ticket = demo.item_uuid(demo.GA, 30)
    assert Station(demo_replica, DOOR).redeem(ticket).accepted
    someone_else = {"id": demo.item_uuid(demo.GA, 31), "product_id": demo.GA.id, "item_id": 31,
                    "redemption_count": 1, "redemption_quantity": 1, "is_fully_redeemed": True,
                    "redeemed_at": 1795370000, "created_at": "2026-11-01T18:00:00Z",
                    "updated_at": "2026-11-01T18:00:00Z",
                    "user": {"id": demo.demo_uuid("user:1"), "email": "b@example.com", "first_name": "B",
                             "last_name": "C"},
                    "product": {"id": demo.GA.id, "name": "General Admission", "type": "admission",
                                "redemption_quantity": 1}}
    server = CannedServer()
    try:
        server.answer = Canned(body=json.dumps(someone_else).encode())
        report = make_engine(demo_replica, ApiSettings(server.url, "k", timeouts=FAST), products=[]).run_once()
    finally:
        server.close()
    assert report.confirmed == 0 and states(demo_replica) == ["UNKNOWN"]


def test_an_unknown_ticket_on_a_server_that_cannot_read_items_is_not_turned_away(demo_replica, tmp_path):
    from app.config import Settings
    from app.simulator.demo_data import DEMO_WRITE_KEY
    from app.simulator.server import SimulatorServer
    from app.sync.service import build_online_sync

    with SimulatorServer(tmp_path / "bare.db", optional_endpoints=False) as bare:
        with ProductsClient(ApiSettings(bare.url, DEMO_WRITE_KEY, timeouts=FAST)) as client:
            fresh = client.issue_items(demo.GA.id, emails=[demo.demo_users()[6].email])[0]
        settings = Settings.model_validate({"api": {"base_url": bare.url}, "product_ids": ALL_PRODUCTS})
        sync = build_online_sync(demo_replica, settings, DEMO_WRITE_KEY)
        verdict = Station(demo_replica, DOOR, unknown_item=sync.lookup).redeem(str(fresh.id))
    assert verdict.kind is VerdictKind.UNKNOWN_OFFLINE and "check the ticket by hand" in verdict.reason
