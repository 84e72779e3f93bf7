"""The connection test learns the server's optional endpoints by asking about things that exist."""
from __future__ import annotations

from app import demo_data as demo
from app.api import ApiSettings, Capability
from app.simulator.demo_data import DEMO_READ_KEY, DEMO_WRITE_KEY
from app.simulator.server import SimulatorServer
from app.sync.probe import apply_probe, probe_api
from sync_helpers import FAST, FaultSettings

UNKNOWN_PRODUCT = "00000000-0000-4000-8000-0000000000aa"


def test_a_full_server_offers_every_endpoint_and_names_the_products(sim):
    report = probe_api(ApiSettings(sim.url, DEMO_WRITE_KEY, timeouts=FAST), [demo.GA.id, UNKNOWN_PRODUCT])
    assert (report.reachable, report.key_accepted, report.write_allowed) == (True, True, True)
    assert report.capabilities == dict.fromkeys(Capability, True)
    assert report.products[demo.GA.id] == demo.GA.name
    assert "not found" in report.products[UNKNOWN_PRODUCT]
    assert report.known_products == [demo.GA.id]


def test_a_server_with_only_the_documented_endpoints_is_told_apart_by_the_probe(tmp_path):
    with SimulatorServer(tmp_path / "bare.db", optional_endpoints=False) as bare:
        report = probe_api(ApiSettings(bare.url, DEMO_WRITE_KEY, timeouts=FAST), [demo.GA.id],
                           item_id=demo.item_uuid(demo.GA, 1))
    assert report.capabilities == dict.fromkeys(Capability, False)
    assert any("does not offer GET /v1/products/{id}/items/{item_id}" in m for m in report.messages)
    assert apply_probe({"list_items": True, "get_item": True, "sales": True}, report) == {
        "list_items": False, "get_item": False, "sales": False}


def test_a_missing_route_answering_a_json_404_is_still_a_missing_route(sim):
    sim.faults = FaultSettings(missing_optional_routes=True)
    report = probe_api(ApiSettings(sim.url, DEMO_WRITE_KEY, timeouts=FAST), [demo.GA.id],
                       item_id=demo.item_uuid(demo.GA, 1))
    assert report.capabilities[Capability.GET_ITEM] is False
    assert report.capabilities[Capability.LIST_ITEMS] is False


def test_a_read_only_key_is_reported_as_unable_to_upload(sim):
    report = probe_api(ApiSettings(sim.url, DEMO_READ_KEY, timeouts=FAST), [demo.GA.id])
    assert report.key_accepted and report.write_allowed is False
    assert any("read but not write" in m for m in report.messages)


def test_an_unreachable_server_is_said_in_words(sim):
    sim.faults = FaultSettings(dark=True)
    report = probe_api(ApiSettings(sim.url, DEMO_WRITE_KEY, timeouts=FAST), [demo.GA.id])
    assert not report.reachable and report.messages[0].startswith("The server cannot be reached")
    assert report.capabilities == dict.fromkeys(Capability)
