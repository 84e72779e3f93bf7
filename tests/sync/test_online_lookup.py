"""Items the replica does not know: looked up on the server when online, refused plainly when offline."""
from __future__ import annotations

from sqlalchemy import select

from app import demo_data as demo
from app.api import ProductsClient
from app.config import Settings
from app.domain.rules import Preset, StationRules
from app.domain.verdict import VerdictKind
from app.services.station import Station
from app.simulator.demo_data import DEMO_WRITE_KEY
from app.store.replica import items
from app.sync.service import build_online_sync
from app.sync.status import Override
from sync_helpers import FaultSettings, sync_until_settled


def online_station(replica, sim, preset=Preset.DOOR):
    settings = Settings()
    settings.api.base_url = sim.url
    settings.product_ids = [p.id for p in demo.PRODUCTS]
    sync = build_online_sync(replica, settings, DEMO_WRITE_KEY)
    return Station(replica, StationRules("Door 1", preset), unknown_item=sync.lookup), sync


def test_a_ticket_issued_after_the_last_download_is_accepted_online_and_uploaded(replica, sim, api):
    with ProductsClient(api) as client:
        fresh = client.issue_items(demo.GA.id, emails=[demo.demo_users()[5].email])[0]
    station, sync = online_station(replica, sim)
    verdict = station.redeem(str(fresh.id))
    assert verdict.kind is VerdictKind.ACCEPTED and verdict.product_name == "General Admission"
    sync_until_settled(sync.engine)
    with ProductsClient(api) as client:
        assert client.get_item(demo.GA.id, fresh.id).redemption_count == 1
    assert station.redeem(str(fresh.id)).kind is VerdictKind.ALREADY_USED  # now known locally


def test_an_unknown_item_offline_cannot_be_verified(replica, sim):
    station, sync = online_station(replica, sim)
    sync.engine.set_override(Override.FORCE_OFFLINE)
    verdict = station.redeem(demo.item_uuid(demo.GA, 7))
    assert verdict.kind is VerdictKind.UNKNOWN_OFFLINE


def test_an_unknown_item_when_the_server_goes_dark_is_unknown_offline_not_an_error(replica, sim):
    station, _ = online_station(replica, sim)
    sim.faults = FaultSettings(dark=True)
    verdict = station.redeem(demo.item_uuid(demo.GA, 8))
    assert verdict.kind is VerdictKind.UNKNOWN_OFFLINE and "did not answer" in verdict.reason


def test_a_code_on_no_configured_product_is_not_found_on_the_server_either(demo_replica, sim):
    station, _ = online_station(demo_replica, sim)
    verdict = station.redeem(demo.UNKNOWN_ITEM)
    assert verdict.kind is VerdictKind.NOT_FOUND and "server" in verdict.reason
    with demo_replica.connect() as conn:
        assert conn.execute(select(items.c.id).where(items.c.id == demo.UNKNOWN_ITEM)).first() is None


def test_with_nothing_known_yet_a_404_does_not_turn_the_guest_away(replica, sim):
    station, _ = online_station(replica, sim)  # nothing downloaded: the server has shown nothing it can read
    verdict = station.redeem(demo.UNKNOWN_ITEM)
    assert verdict.kind is VerdictKind.UNKNOWN_OFFLINE and "check the ticket by hand" in verdict.reason


def test_a_voucher_fetched_online_at_the_door_is_still_the_wrong_station(replica, sim):
    station, _ = online_station(replica, sim)
    assert station.redeem(demo.item_uuid(demo.DRINKS, 9)).kind is VerdictKind.WRONG_STATION
