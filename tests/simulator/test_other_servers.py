"""The behaviour switches that make the simulator answer as another server might where the documents are silent."""
from __future__ import annotations

import time
from collections.abc import Callable

import httpx
import pytest
from sim_http import Document, eventually, expect, raw_client

from app import demo_data as shared
from app.simulator.demo_data import DEMO_WRITE_KEY, DRINKS_PRODUCT_ID, GA_PRODUCT_ID, VIP_PRODUCT_ID
from app.simulator.faults import FaultController, FaultSettings
from app.simulator.server import SimulatorServer

GA = f"/v1/products/{GA_PRODUCT_ID}"


def redeem(http: httpx.Client, product_id: object, item: str) -> httpx.Response:
    return http.post(f"/v1/products/{product_id}/items/redeem", json={"product_item_id": item})


def count_of(http: httpx.Client, product_id: object, item: str) -> int:
    return int(expect(http.get(f"/v1/products/{product_id}/items/{item}"), 200)["redemption_count"])  # type: ignore[call-overload]


async def _stays_lit(dark: bool) -> None:
    pass  # the controllers below only draw: they never switch a server dark


def delays(settings: FaultSettings, count: int) -> list[float]:
    """The delays a simulator with `settings` gives its next `count` requests."""
    controller = FaultController(settings, _stays_lit)
    return [controller.draw_delay_s() for _ in range(count)]


def rolls(settings: FaultSettings, count: int) -> list[float]:
    """The numbers that decide the answers to the next `count` requests (each request draws its delay first)."""
    controller = FaultController(settings, _stays_lit)
    return [(controller.draw_delay_s(), controller.draw())[1] for _ in range(count)]


def test_an_error_after_commit_answers_5xx_although_the_redemption_was_applied(
        simulator: SimulatorServer, http: httpx.Client) -> None:
    voucher = shared.item_uuid(shared.DRINKS, 20)
    simulator.faults = FaultSettings(error_after_commit_rate=1.0, error_after_commit_status=503)
    assert expect(redeem(http, DRINKS_PRODUCT_ID, voucher), 503) == {"message": "Simulated failure after commit"}
    assert count_of(http, DRINKS_PRODUCT_ID, voucher) == 1  # reads are answered as usual


def test_a_stalled_write_applies_after_the_client_gave_up(simulator: SimulatorServer) -> None:
    voucher = shared.item_uuid(shared.DRINKS, 21)
    simulator.faults = FaultSettings(stall_rate=1.0, stall_ms=300)
    with raw_client(simulator.url, DEMO_WRITE_KEY) as impatient:
        with pytest.raises(httpx.ReadTimeout):
            impatient.post(f"/v1/products/{DRINKS_PRODUCT_ID}/items/redeem", json={"product_item_id": voucher},
                           timeout=0.2)
    simulator.faults = FaultSettings()
    with raw_client(simulator.url, DEMO_WRITE_KEY) as http:
        assert eventually(lambda: count_of(http, DRINKS_PRODUCT_ID, voucher) == 1)


def test_jitter_delays_each_request_by_its_own_seeded_draw(simulator: SimulatorServer, http: httpx.Client) -> None:
    settings = FaultSettings(latency_ms=50, latency_jitter_ms=200, seed=4)
    expected = delays(settings, 4)
    assert expected == delays(settings, 4) and len(set(expected)) == 4
    assert all(0.05 <= delay <= 0.25 for delay in expected)
    simulator.faults = settings
    for delay in expected:
        started = time.perf_counter()
        expect(http.get(GA), 200)
        assert time.perf_counter() - started >= delay


def test_stalls_hit_the_seeded_share_of_requests_and_leave_the_failures_as_they_were() -> None:
    stalled = [delay == 1.0 for delay in delays(FaultSettings(stall_rate=0.5, stall_ms=1000, seed=2), 40)]
    assert stalled == [delay == 1.0 for delay in delays(FaultSettings(stall_rate=0.5, stall_ms=1000, seed=2), 40)]
    assert 10 <= sum(stalled) <= 30
    assert rolls(FaultSettings(seed=5), 20) == rolls(FaultSettings(stall_rate=0.5, stall_ms=10, latency_jitter_ms=9,
                                                                   seed=5), 20)


def test_a_trickled_answer_sends_its_headers_at_once_and_keeps_a_per_read_timeout_waiting(
        simulator: SimulatorServer) -> None:
    simulator.faults = FaultSettings(trickle_bytes_per_s=10)
    with httpx.Client(base_url=simulator.url, headers={"Authorization": f"Bearer {DEMO_WRITE_KEY}"},
                      timeout=httpx.Timeout(1.0)) as client, client.stream("GET", GA) as response:
        assert response.status_code == 200
        declared = int(response.headers["content-length"])
        received = 0
        started = time.monotonic()
        for chunk in response.iter_raw():  # a byte every 0.1 s: no read waits long, yet the body takes minutes
            received += len(chunk)
            if time.monotonic() - started > 1.2:
                break
    assert 0 < received < declared


def test_a_quickly_trickled_answer_arrives_whole(simulator: SimulatorServer, http: httpx.Client) -> None:
    plain = expect(http.get(GA), 200)
    simulator.faults = FaultSettings(trickle_bytes_per_s=50_000)
    assert expect(http.get(GA), 200) == plain


def test_a_fully_redeemed_item_can_be_refused_with_409(simulator: SimulatorServer, http: httpx.Client) -> None:
    ticket = shared.item_uuid(shared.GA, 30)
    simulator.faults = FaultSettings(conflict_status=409)
    expect(redeem(http, GA_PRODUCT_ID, ticket), 200)
    assert expect(redeem(http, GA_PRODUCT_ID, ticket), 409) == {"message": "The product item is already fully redeemed"}


def test_a_page_size_cap_shortens_pages_whatever_the_limit_asks(simulator: SimulatorServer, http: httpx.Client) -> None:
    simulator.faults = FaultSettings(page_size_cap=10)
    first, second = (expect(http.get(f"{GA}/items?page={n}&limit=1000"), 200) for n in (1, 2))
    assert (len(first["items"]), first["total"]) == (10, 40)  # type: ignore[arg-type]
    assert [item["item_id"] for item in second["items"]] == list(range(11, 21))  # type: ignore[attr-defined]
    assert len(expect(http.get(f"{GA}/sales?limit=100"), 200)["sales"]) == 10  # type: ignore[arg-type]


@pytest.mark.parametrize("path", [f"{GA}/items", f"{GA}/items/{shared.item_uuid(shared.GA, 1)}", f"{GA}/sales"])
def test_missing_optional_routes_answer_404_in_the_common_json_shape(
        simulator: SimulatorServer, http: httpx.Client, path: str) -> None:
    simulator.faults = FaultSettings(missing_optional_routes=True)
    assert expect(http.get(path), 404) == {"message": f"Cannot GET {path}"}
    assert expect(http.get(GA), 200)["id"] == str(GA_PRODUCT_ID)  # the documented routes stay


def test_updated_since_can_be_rejected_while_plain_pages_are_served(
        simulator: SimulatorServer, http: httpx.Client) -> None:
    simulator.faults = FaultSettings(reject_updated_since=True)
    assert expect(http.get(f"{GA}/items?updated_since=0"), 400) == {"errors": ["updated_since is not allowed"]}
    assert expect(http.get(f"{GA}/items"), 200)["total"] == 40


def test_a_lying_total_never_matches_the_pages(simulator: SimulatorServer, http: httpx.Client) -> None:
    simulator.faults = FaultSettings(total_lies_by=1000)
    first, second = (expect(http.get(f"/v1/products/{VIP_PRODUCT_ID}/items?page={n}"), 200) for n in (1, 2))
    assert (len(first["items"]), first["total"]) == (10, 1010)  # type: ignore[arg-type]
    assert (second["items"], second["total"]) == ([], 1010)


def test_sparse_records_carry_only_what_the_kiosk_requires(
        simulator: SimulatorServer, http: httpx.Client, new_product: Callable[..., Document]) -> None:
    general = new_product(event_id=None, redemption_quantity=2)
    simulator.faults = FaultSettings(sparse_records=True)
    essentials = {"id", "type", "name", "redemption_quantity", "active"}
    assert set(product := expect(http.get(GA), 200)) == essentials | {"event"}
    assert product["event"] == {"id": shared.EVENT_ID, "name": shared.EVENT_NAME}
    assert expect(http.get(f"/v1/products/{general['id']}"), 200) == {
        "id": general["id"], "type": "admission", "name": general["name"], "redemption_quantity": 2, "active": True,
        "event_id": ""}
    item_fields = {"id", "product_id", "redemption_count", "redemption_quantity"}
    ticket = shared.item_uuid(shared.GA, 31)
    assert set(expect(redeem(http, GA_PRODUCT_ID, ticket), 200)) == item_fields
    assert set(expect(http.get(f"{GA}/items/{ticket}"), 200)) == item_fields
    assert all(set(item) == item_fields for item in expect(http.get(f"{GA}/items"), 200)["items"])  # type: ignore[attr-defined]

