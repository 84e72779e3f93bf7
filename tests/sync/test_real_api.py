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
from app.config import Settings
from app.simulator.demo_data import DEMO_WRITE_KEY
from canned_http import Canned, CannedServer
from sync_helpers import ALL_PRODUCTS, FAST, FaultSettings, make_engine, stations_that_accepted, sync_until_settled

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


def test_an_unknown_ticket_on_a_server_that_cannot_read_items_is_not_turned_away(demo_replica, sim):
    from app.sync.service import build_online_sync

    with ProductsClient(ApiSettings(sim.url, DEMO_WRITE_KEY, timeouts=FAST)) as client:
        fresh = client.issue_items(demo.GA.id, emails=[demo.demo_users()[6].email])[0]
    sim.faults = FaultSettings(missing_optional_routes=True)  # 404 {"message": "Cannot GET ..."} for get-item
    settings = Settings.model_validate({"api": {"base_url": sim.url}, "product_ids": ALL_PRODUCTS})
    sync = build_online_sync(demo_replica, settings, DEMO_WRITE_KEY)
    verdict = Station(demo_replica, DOOR, unknown_item=sync.lookup).redeem(str(fresh.id))
    sim.faults = FaultSettings()
    assert verdict.kind is VerdictKind.UNKNOWN_OFFLINE and "check the ticket by hand" in verdict.reason


def test_an_impossible_count_in_a_200_answer_changes_nothing_and_crashes_nothing(demo_replica):
    ticket = demo.item_uuid(demo.GA, 35)
    assert Station(demo_replica, DOOR).redeem(ticket).accepted
    server = CannedServer()
    try:
        server.answer = Canned(body=json.dumps({"id": ticket, "product_id": demo.GA.id, "redemption_count": 2**63,
                                                "redemption_quantity": 1}).encode())
        report = make_engine(demo_replica, ApiSettings(server.url, "k", timeouts=FAST), products=[]).run_once()
    finally:
        server.close()
    assert report.confirmed == 0 and states(demo_replica) == ["UNKNOWN"]  # read back later, never taken as done


def test_a_server_without_get_item_that_applied_a_use_whose_answer_was_lost_never_admits_the_ticket_again(
        demo_replica, sim, server_client):
    ticket = demo.item_uuid(demo.GA, 32)
    door = Station(demo_replica, DOOR)
    assert door.redeem(ticket).accepted
    api = ApiSettings(sim.url, DEMO_WRITE_KEY, timeouts=FAST)
    sim.faults = FaultSettings(missing_optional_routes=True, drop_after_commit_rate=1.0)
    sync_until_settled(make_engine(demo_replica, api))
    sim.faults = FaultSettings()
    assert states(demo_replica) == ["DOUBTFUL"]  # listed for the manager, never a conflict that gives the use back
    [listed] = conflicts(demo_replica)
    assert "check this item" in listed.server_message
    assert door.redeem(ticket).kind is VerdictKind.ALREADY_USED
    assert server_client.get_item(demo.GA.id, ticket).redemption_count == 1


def test_a_server_that_fails_after_committing_is_read_back_not_sent_again(demo_replica, api, sim, server_client):
    voucher = demo.item_uuid(demo.DRINKS, 26)
    assert Station(demo_replica, StationRules("Bar", Preset.BAR)).redeem(voucher).accepted
    engine = make_engine(demo_replica, api)
    sim.faults = FaultSettings(error_after_commit_rate=1.0)
    with ProductsClient(api, on_call=engine._observe) as client:
        engine.upload(client)
    sim.faults = FaultSettings()
    sync_until_settled(engine)
    assert states(demo_replica) == ["DONE"]
    assert server_client.get_item(demo.DRINKS.id, voucher).redemption_count == 1


def test_a_409_for_a_ticket_another_door_used_a_moment_before_is_never_settled_as_done(tmp_path, api, sim,
                                                                                       server_client):
    ticket = demo.item_uuid(demo.VIP, 6)
    first, second = stations_that_accepted(tmp_path, ticket, ["Door 1", "Door 2"], Preset.DOOR)
    sync_until_settled(make_engine(first, api))
    sim.faults = FaultSettings(conflict_status=409)
    # Door 1's use is within what clock skew allows for ours: only the 409 says it was not.
    engine = make_engine(second, api, clock_skew_s=60.0)
    assert engine.run_once().unknown == 1  # 409: unknown, read back before anything else
    sync_until_settled(engine)
    assert states(second) == ["DOUBTFUL"]
    [listed] = conflicts(second)
    assert "answered 409" in listed.server_message
    assert server_client.get_item(demo.VIP.id, ticket).redemption_count == 1


def test_a_trickling_server_never_keeps_the_next_guests_waiting(demo_replica, sim):
    from app.sync.service import build_online_sync

    settings = Settings.model_validate({"api": {"base_url": sim.url}, "product_ids": ALL_PRODUCTS})
    door = Station(demo_replica, DOOR, unknown_item=build_online_sync(demo_replica, settings, DEMO_WRITE_KEY).lookup)
    sim.faults = FaultSettings(trickle_bytes_per_s=1)
    started = time.monotonic()
    verdicts = [door.redeem(code) for code in (demo.UNKNOWN_ITEM, demo.item_uuid(demo.GA, 33),
                                               demo.item_uuid(demo.GA, 34))]
    took = time.monotonic() - started
    sim.faults = FaultSettings()
    assert [v.kind for v in verdicts] == [VerdictKind.UNKNOWN_OFFLINE, VerdictKind.ACCEPTED, VerdictKind.ACCEPTED]
    assert "did not answer in time" in verdicts[0].reason
    assert took < 5, f"three guests waited {took:.1f} s behind a server that trickles its answers"


def test_a_missing_items_route_is_not_taken_for_an_unknown_product(replica, api, sim):
    sim.faults = FaultSettings(missing_optional_routes=True)  # the product answers, its item list does not
    report = make_engine(replica, api, products=[demo.GA.id]).run_once()
    sim.faults = FaultSettings()
    assert report.failed_products == [demo.GA.id] and report.unknown_products == []
