"""SimulatorServer's life cycle, the demo seed, and bulk items for benchmarks."""
from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from sim_http import expect, raw_client

from app import demo_data as shared
from app.simulator import demo_data as demo
from app.simulator.demo_data import DEMO_WRITE_KEY, add_bulk_items
from app.simulator.faults import FaultSettings
from app.simulator.server import SimulatorServer

REPLICA = Path(__file__).resolve().parents[2] / "resources" / "demo" / "replica.json"


def test_port_zero_gives_each_server_a_free_port(tmp_path: Path) -> None:
    with SimulatorServer(tmp_path / "a.db") as first, SimulatorServer(tmp_path / "b.db") as second:
        assert len({first.port, first.admin_port, second.port, second.admin_port}) == 4
        assert first.url == f"http://127.0.0.1:{first.port}"
        assert httpx.get(f"{second.url}/_sim/faults").status_code == 200


def test_state_survives_a_restart_on_the_same_file_and_the_seed_is_not_applied_twice(tmp_path: Path) -> None:
    ticket = shared.item_uuid(shared.GA, 1)
    with SimulatorServer(tmp_path / "sim.db") as server, raw_client(server.url, DEMO_WRITE_KEY) as http:
        expect(http.post(f"/v1/products/{shared.GA.id}/items/redeem", json={"product_item_id": ticket}), 200)
    with SimulatorServer(tmp_path / "sim.db") as server, raw_client(server.url, DEMO_WRITE_KEY) as http:
        assert expect(http.get(f"/v1/products/{shared.GA.id}/items/{ticket}"), 200)["redemption_count"] == 1
        assert expect(http.get(f"/v1/products/{shared.GA.id}/items"), 200)["total"] == 40


def test_a_server_can_start_dark_and_light_up_later(tmp_path: Path) -> None:
    with SimulatorServer(tmp_path / "sim.db", faults=FaultSettings(dark=True)) as server:
        with pytest.raises(httpx.ConnectError):
            httpx.get(f"{server.url}/_sim/faults")
        server.faults = FaultSettings()
        assert httpx.get(f"{server.url}/_sim/faults").status_code == 200


def test_a_stopped_server_has_no_url_and_stopping_again_is_harmless(tmp_path: Path) -> None:
    server = SimulatorServer(tmp_path / "sim.db").start()
    server.stop()
    server.stop()
    with pytest.raises(RuntimeError):
        _ = server.url


def test_the_empty_seed_has_no_demo_event_and_an_unknown_seed_is_refused(tmp_path: Path) -> None:
    with SimulatorServer(tmp_path / "sim.db", seed="empty") as server, raw_client(server.url, DEMO_WRITE_KEY) as http:
        expect(http.get(f"/v1/events/{demo.DEMO_EVENT_ID}"), 404)
    with pytest.raises(ValueError):
        SimulatorServer(tmp_path / "other.db", seed="festival").start()


def test_the_demo_ids_are_fixed() -> None:
    assert {name: str(getattr(demo, name)) for name in ("DEMO_EVENT_ID", "GA_PRODUCT_ID", "VIP_PRODUCT_ID",
                                                        "DRINKS_PRODUCT_ID", "INACTIVE_PRODUCT_ID")} == {
        "DEMO_EVENT_ID": "123040b8-90c0-5033-9bc3-7d8f3143614a",
        "GA_PRODUCT_ID": "abd24df5-9e2f-5941-a795-591b805735df",
        "VIP_PRODUCT_ID": "7323b77c-bb30-5a13-a9ed-d531c110461f",
        "DRINKS_PRODUCT_ID": "bb9ec88d-1e5c-543c-9b59-a659e52c6f67",
        "INACTIVE_PRODUCT_ID": "20c1994d-cb39-5b8e-b4ea-dc86e6c1148b",
    }


def test_the_demo_products_are_served_with_their_terms(http: httpx.Client) -> None:
    expected = {demo.GA_PRODUCT_ID: ("General Admission", "admission", 1, True, 40),
                demo.VIP_PRODUCT_ID: ("VIP", "admission", 1, True, 10),
                demo.DRINKS_PRODUCT_ID: ("Drinks ×3", "perks", 3, True, 30),
                demo.INACTIVE_PRODUCT_ID: ("Early Bird (closed)", "presale", 1, False, 5)}
    for product_id, (name, kind, uses, active, count) in expected.items():
        product = expect(http.get(f"/v1/products/{product_id}"), 200)
        assert (product["name"], product["type"], product["redemption_quantity"], product["active"]) == \
            (name, kind, uses, active)
        assert product["event_id"] == str(demo.DEMO_EVENT_ID)
        assert expect(http.get(f"/v1/products/{product_id}/items?updated_since=0"), 200)["total"] == count


@pytest.mark.skipif(not REPLICA.exists(), reason="the demo replica file is not in this checkout")
def test_the_demo_items_are_those_of_the_demo_replica(http: httpx.Client) -> None:
    replica = json.loads(REPLICA.read_text(encoding="utf-8"))
    served = {}
    for product in shared.PRODUCTS:
        page = expect(http.get(f"/v1/products/{product.id}/items?limit=100"), 200)
        served.update({item["id"]: (item["item_id"], item["product_id"], item["user"]["id"])
                       for item in page["items"]})  # type: ignore[union-attr]
    assert served == {item["id"]: (item["item_id"], item["product_id"], item["user"]["id"])
                      for item in replica["items"]}


def test_bulk_items_are_added_straight_into_the_file_and_served(tmp_path: Path) -> None:
    made = add_bulk_items(tmp_path / "sim.db", 2500)
    more = add_bulk_items(tmp_path / "sim.db", 10)
    assert len(set(made + more)) == 2510
    with SimulatorServer(tmp_path / "sim.db") as server, raw_client(server.url, DEMO_WRITE_KEY) as http:
        last_page = expect(http.get(f"/v1/products/{demo.BENCH_PRODUCT_ID}/items?page=3&limit=1000"), 200)
        assert last_page["total"] == 2510
        assert [i["item_id"] for i in last_page["items"]] == list(range(2001, 2511))  # type: ignore[union-attr]
        assert last_page["items"][-1]["id"] == str(more[-1])  # type: ignore[index]
        redeemed = expect(http.post(f"/v1/products/{demo.BENCH_PRODUCT_ID}/items/redeem",
                                    json={"product_item_id": str(made[0])}), 200)
        assert redeemed["is_fully_redeemed"] is True
