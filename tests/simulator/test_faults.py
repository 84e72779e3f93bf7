"""Fault injection, switched while the server runs: by the admin endpoint and by the Python API."""
from __future__ import annotations

import email.utils
import time

import httpx
import pytest
from sim_http import eventually, expect

from app import demo_data as shared
from app.simulator.demo_data import DRINKS_PRODUCT_ID, GA_PRODUCT_ID
from app.simulator.faults import FaultSettings
from app.simulator.server import SimulatorServer

PRODUCT = f"/v1/products/{GA_PRODUCT_ID}"


def test_the_fault_settings_are_read_and_replaced_by_the_admin_endpoint(anon_http: httpx.Client) -> None:
    assert expect(anon_http.get("/_sim/faults"), 200) == FaultSettings().to_json()
    wanted = {"latency_ms": 5, "server_error_rate": 0.25, "seed": 9, "error_after_commit_rate": 0.5,
              "error_after_commit_status": 502, "latency_jitter_ms": 7, "stall_rate": 0.1, "stall_ms": 300,
              "trickle_bytes_per_s": 64, "conflict_status": 409, "page_size_cap": 10, "missing_optional_routes": True,
              "reject_updated_since": True, "sparse_records": True, "total_lies_by": 5}
    assert expect(anon_http.put("/_sim/faults", json=wanted), 200) == {**FaultSettings().to_json(), **wanted}
    assert expect(anon_http.put("/_sim/faults", json={}), 200) == FaultSettings().to_json()


@pytest.mark.parametrize(("body", "reason"), [
    ({"server_error_rate": 2}, "server_error_rate must be between 0 and 1"),
    ({"dark": "yes"}, "dark must be of type bool"),
    ({"latency_ms": True}, "latency_ms must be of type int"),
    ({"server_error_status": 404}, "server_error_status must be a 5xx status"),
    ({"error_after_commit_status": 200}, "error_after_commit_status must be a 5xx status"),
    ({"stall_rate": -0.1}, "stall_rate must be between 0 and 1"),
    ({"server_error_rate": 0.6, "error_after_commit_rate": 0.6},
     "server_error_rate, rate_limit_rate, drop_after_commit_rate, error_after_commit_rate must add up to at most 1: "
     "one draw decides between them"),
    ({"latency_jitter_ms": -1}, "latency_jitter_ms must be between 0 and 600000"),
    ({"trickle_bytes_per_s": -5}, "trickle_bytes_per_s must be between 0 (off) and 1000000000"),
    ({"conflict_status": 404}, "conflict_status must be 409 or 422"),
    ({"page_size_cap": 1001}, "page_size_cap must be between 0 (off) and 1000"),
    ({"total_lies_by": -1}, "total_lies_by must be between 0 and 10**15"),
    ({"sparse_records": 1}, "sparse_records must be of type bool"),
    ({"explode": True}, "Unknown fault settings: explode"),
    ([], "The fault settings must be a JSON object"),
])
def test_invalid_fault_settings_are_refused_and_change_nothing(
        simulator: SimulatorServer, anon_http: httpx.Client, body: object, reason: str) -> None:
    assert expect(anon_http.put("/_sim/faults", json=body), 400) == {"errors": [reason]}
    assert simulator.faults == FaultSettings()


def test_server_errors_hit_api_requests_but_never_the_admin_endpoint(
        simulator: SimulatorServer, http: httpx.Client) -> None:
    simulator.faults = FaultSettings(server_error_rate=1.0, server_error_status=502)
    assert expect(http.get(PRODUCT), 502) == {"message": "Simulated server error"}
    assert http.get("/_sim/faults").status_code == 200


@pytest.mark.parametrize("as_date", [False, True])
def test_throttling_answers_429_with_retry_after(simulator: SimulatorServer, http: httpx.Client, as_date: bool) -> None:
    simulator.faults = FaultSettings(rate_limit_rate=1.0, retry_after_seconds=7, retry_after_as_date=as_date)
    response = http.get(PRODUCT)
    assert response.status_code == 429
    header = response.headers["Retry-After"]
    if as_date:
        assert 5 <= email.utils.parsedate_to_datetime(header).timestamp() - time.time() <= 8
    else:
        assert header == "7"


def test_the_same_seed_fails_the_same_requests(simulator: SimulatorServer, http: httpx.Client) -> None:
    def statuses(seed: int) -> list[int]:
        simulator.faults = FaultSettings(server_error_rate=0.3, rate_limit_rate=0.3, seed=seed)
        return [http.get(PRODUCT).status_code for _ in range(30)]

    first = statuses(seed=11)
    assert statuses(seed=11) == first
    assert set(first) == {200, 429, 500}
    assert statuses(seed=12) != first


def test_a_write_dropped_after_commit_is_cut_off_but_applied(simulator: SimulatorServer, http: httpx.Client) -> None:
    voucher = shared.item_uuid(shared.DRINKS, 11)
    simulator.faults = FaultSettings(drop_after_commit_rate=1.0)
    with pytest.raises(httpx.RemoteProtocolError):
        http.post(f"/v1/products/{DRINKS_PRODUCT_ID}/items/redeem", json={"product_item_id": voucher})
    assert http.get(PRODUCT).status_code == 200  # reads are never dropped
    simulator.faults = FaultSettings()
    assert expect(http.get(f"/v1/products/{DRINKS_PRODUCT_ID}/items/{voucher}"), 200)["redemption_count"] == 1


def test_latency_delays_every_api_request(simulator: SimulatorServer, http: httpx.Client) -> None:
    simulator.faults = FaultSettings(latency_ms=300)
    started = time.perf_counter()
    assert http.get(PRODUCT).status_code == 200
    assert time.perf_counter() - started >= 0.3


def test_a_dark_api_refuses_connections_while_the_admin_port_stays_up(
        simulator: SimulatorServer, http: httpx.Client) -> None:
    assert http.get(PRODUCT).status_code == 200  # leaves a keep-alive connection in the pool
    simulator.faults = FaultSettings(dark=True)
    with pytest.raises(httpx.ConnectError):
        http.get(PRODUCT)
    with httpx.Client(base_url=simulator.admin_url) as admin:
        assert expect(admin.get("/_sim/faults"), 200)["dark"] is True
        expect(admin.put("/_sim/faults", json={"dark": False}), 200)
    assert eventually(lambda: http.get(PRODUCT).status_code == 200)


def test_going_dark_through_the_api_port_answers_first_then_refuses(
        simulator: SimulatorServer, anon_http: httpx.Client) -> None:
    assert expect(anon_http.put("/_sim/faults", json={"dark": True}), 200)["dark"] is True
    assert eventually(lambda: _refused(simulator.url))


def _refused(url: str) -> bool:
    try:
        httpx.get(f"{url}/_sim/faults")
    except httpx.ConnectError:
        return True
    return False

