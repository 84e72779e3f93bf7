"""Downloads against servers that differ from ours where the documents are silent, over real HTTP."""
from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from app import demo_data as demo
from app.api import ApiSettings, Capability, ProductsClient
from app.api.models import NewProduct
from app.domain.rules import Preset, ProductType, StationRules
from app.domain.verdict import VerdictKind
from app.services.station import Station
from app.simulator.demo_data import DEMO_EVENT_ID
from app.store.models import Event
from app.store.replica import items, products
from app.sync.download import SLACK_ITEMS, DownloadIncomplete, download_product
from canned_http import Canned, CannedServer
from sync_helpers import FAST, FaultSettings, make_engine

GA = demo.GA.id
OWNER = demo.demo_users()[0].id


class ListCalls(list[str]):
    """An observer for ProductsClient(on_call=...) that keeps the list-items calls."""

    def __call__(self, endpoint: str, ok: bool, seconds: float) -> None:
        if endpoint == Capability.LIST_ITEMS.endpoint:
            self.append(endpoint)


@pytest.fixture
def list_calls() -> ListCalls:
    return ListCalls()


@pytest.fixture
def client(api: ApiSettings, list_calls: ListCalls) -> Iterator[ProductsClient]:
    with ProductsClient(api, on_call=list_calls) as kiosk:
        yield kiosk


def item_numbers(replica, product_id: str) -> list[int]:
    with replica.connect() as conn:
        return list(conn.execute(select(items.c.item_id).where(items.c.product_id == product_id)
                                 .order_by(items.c.item_id)).scalars())


def test_a_server_that_caps_pages_at_ten_still_yields_every_item(replica, sim, client, list_calls):
    sim.faults = FaultSettings(page_size_cap=10)
    assert download_product(replica, client, GA) == 40
    assert item_numbers(replica, GA) == list(range(1, 41))
    assert len(list_calls) == 4  # it stops once the items read reach the total


def test_a_download_short_of_its_total_is_reported_by_name_and_starts_over_next_time(replica, sim, api, client):
    sim.faults = FaultSettings(total_lies_by=5)
    report = make_engine(replica, api, products=[GA]).run_once()
    assert any("General Admission" in error and "incomplete" in error for error in report.errors)
    assert len(item_numbers(replica, GA)) == 40  # what was read is kept
    sim.faults = FaultSettings()
    assert download_product(replica, client, GA) == 40  # every item again: it was never recorded complete
    assert download_product(replica, client, GA) == 0  # now only the changes since the complete one


def test_a_server_whose_total_never_matches_cannot_fill_the_disk(replica, sim, client, list_calls):
    sim.faults = FaultSettings(total_lies_by=10**9, page_size_cap=10)
    with pytest.raises(DownloadIncomplete) as caught:
        download_product(replica, client, GA)
    assert (caught.value.read, caught.value.total, caught.value.product_name) == (40, 10**9 + 40, "General Admission")
    assert len(list_calls) == 5  # four pages, then the empty one that ends it
    assert len(item_numbers(replica, GA)) == 40


def test_a_product_whose_pages_never_end_stops_near_the_total_it_first_announced(
        replica, sim, api, list_calls, server_client):
    product = server_client.create_product(NewProduct(type=ProductType.ADMISSION, name="Endless Sale",
                                                      event_id=DEMO_EVENT_ID))
    server_client.issue_items(product.id, users=[OWNER] * 40)
    sim.faults = FaultSettings(page_size_cap=10)

    def sell_faster_than_the_kiosk_reads(endpoint: str, ok: bool, seconds: float) -> None:
        list_calls(endpoint, ok, seconds)
        if endpoint == Capability.LIST_ITEMS.endpoint:
            server_client.issue_items(product.id, users=[OWNER] * 30)

    with ProductsClient(api, on_call=sell_faster_than_the_kiosk_reads) as kiosk:
        with pytest.raises(DownloadIncomplete) as caught:
            download_product(replica, kiosk, str(product.id))
    budget = 40 + SLACK_ITEMS  # the first total, and the slack for items issued while downloading
    assert budget <= caught.value.read < budget + 10
    assert len(list_calls) == budget // 10
    assert len(item_numbers(replica, str(product.id))) == caught.value.read


def test_a_server_that_rejects_updated_since_gets_full_downloads_without_being_asked_again(
        replica, sim, client, list_calls):
    sim.faults = FaultSettings(page_size_cap=10)
    assert download_product(replica, client, GA) == 40
    sim.faults = FaultSettings(page_size_cap=10, reject_updated_since=True)
    list_calls.clear()
    assert download_product(replica, client, GA) == 40  # refused once, then every item
    assert len(list_calls) == 1 + 4
    list_calls.clear()
    assert download_product(replica, client, GA) == 40
    assert len(list_calls) == 4  # remembered: no refused call first


def test_a_product_without_an_event_is_stored(replica, sim, client, server_client):
    general = server_client.create_product(NewProduct(type=ProductType.PERKS, name="Cloakroom", redemption_quantity=2))
    server_client.issue_items(general.id, users=[OWNER] * 3)
    sim.faults = FaultSettings(sparse_records=True)  # event_id "" and no event
    assert download_product(replica, client, str(general.id)) == 3
    with replica.connect() as conn:
        stored = conn.execute(select(products).where(products.c.id == str(general.id))).one()
        owners = conn.execute(select(items.c.owner_id).where(items.c.product_id == str(general.id))).scalars()
        assert (stored.name, stored.event_id, stored.redemption_quantity) == ("Cloakroom", None, 2)
        assert list(owners) == [None] * 3


def test_sparse_records_keep_what_the_replica_knew_and_the_door_still_decides(demo_replica, sim, client):
    sim.faults = FaultSettings(sparse_records=True)
    assert download_product(demo_replica, client, GA) == 40
    with demo_replica.connect() as conn:
        event = conn.execute(select(Event.__table__).where(Event.__table__.c.id == demo.EVENT_ID)).one()
        assert (event.name, event.location) == (demo.EVENT_NAME, "The Usher Hall")
    verdict = Station(demo_replica, StationRules("Door 1", Preset.DOOR)).redeem(demo.item_uuid(demo.GA, 2))
    owner = demo.item_owner(demo.GA, 2)
    assert verdict.kind is VerdictKind.ACCEPTED
    assert verdict.holder_name == f"{owner.first_name} {owner.last_name}"


@pytest.fixture
def canned() -> Iterator[CannedServer]:
    server = CannedServer()
    yield server
    server.close()


def test_a_record_the_kiosk_cannot_use_is_left_out_and_named_while_the_rest_is_stored(demo_replica, canned, caplog):
    good = {"id": demo.item_uuid(demo.GA, 1), "product_id": GA, "redemption_count": 1, "redemption_quantity": 1}
    broken = {"id": demo.item_uuid(demo.GA, 2), "product_id": GA, "redemption_quantity": 1}
    # The canned server answers every call alike: this document reads as the product and as its one page.
    canned.answer = Canned(body=json.dumps({"id": GA, "type": "admission", "name": "General Admission",
                                            "redemption_quantity": 1, "active": True,
                                            "items": [good, broken], "total": 2}).encode())
    with caplog.at_level(logging.WARNING), ProductsClient(ApiSettings(canned.url, "k", timeouts=FAST)) as client:
        assert download_product(demo_replica, client, GA) == 1
    assert f"Left out 1 records of “General Admission”" in caplog.text
    assert f"item {broken['id']}: redemption_count: Field required" in caplog.text
    with demo_replica.connect() as conn:
        confirmed = dict(conn.execute(select(items.c.id, items.c.confirmed_count)
                                      .where(items.c.id.in_([good["id"], broken["id"]]))).all())
    assert confirmed == {good["id"]: 1, broken["id"]: 0}


def test_a_product_naming_an_event_the_replica_never_saw_is_stored_without_the_link(replica, canned):
    canned.answer = Canned(body=json.dumps({"id": GA, "type": "admission", "name": "General Admission",
                                            "redemption_quantity": 1, "active": True,
                                            "event_id": str(uuid.uuid4())}).encode())
    with ProductsClient(ApiSettings(canned.url, "k", timeouts=FAST)) as client:
        assert download_product(replica, client, GA, use_list=False) == 0
    with replica.connect() as conn:
        assert conn.execute(select(products.c.event_id).where(products.c.id == GA)).one() == (None,)
