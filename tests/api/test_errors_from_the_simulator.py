"""Typed errors for every kind of failure the simulator produces, including injected faults."""
from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from app import demo_data as shared
from app.api import (
    BadRequest,
    Forbidden,
    IssueIncomplete,
    NotFound,
    NotSent,
    OutcomeUnknown,
    ProductsClient,
    RateLimited,
    Rejected,
    ServerError,
    Timeouts,
    Unauthorized,
)
from app.api.models import Product, User
from app.simulator.demo_data import DEMO_EXPIRED_KEY, DRINKS_PRODUCT_ID, GA_PRODUCT_ID, INACTIVE_PRODUCT_ID
from app.simulator.faults import FaultSettings
from app.simulator.server import SimulatorServer

UNKNOWN = "00000000-0000-4000-8000-000000000000"


def test_a_malformed_request_is_a_bad_request_with_the_servers_reasons(client: ProductsClient) -> None:
    with pytest.raises(BadRequest) as caught:
        client.list_items(GA_PRODUCT_ID, limit=5000)
    assert caught.value.errors == ["limit must be in the range 1..1000"]
    assert not caught.value.transient


def test_an_expired_key_is_unauthorized(simulator: SimulatorServer, make_client: Callable[..., ProductsClient]) -> None:
    with pytest.raises(Unauthorized, match="expired"):
        make_client(simulator.url, DEMO_EXPIRED_KEY).probe()


def test_an_unknown_key_is_forbidden(simulator: SimulatorServer, make_client: Callable[..., ProductsClient]) -> None:
    with pytest.raises(Forbidden, match="not valid"):
        make_client(simulator.url, "no-such-key").get_product(GA_PRODUCT_ID)


def test_a_write_with_a_read_key_is_forbidden(read_client: ProductsClient) -> None:
    with pytest.raises(Forbidden, match="not allowed to do this"):
        read_client.redeem(GA_PRODUCT_ID, shared.item_uuid(shared.GA, 30))


@pytest.mark.parametrize("call", [
    lambda c: c.get_product(UNKNOWN),
    lambda c: c.redeem(GA_PRODUCT_ID, UNKNOWN),
    lambda c: c.redeem(DRINKS_PRODUCT_ID, shared.item_uuid(shared.GA, 31)),  # another product's item
    lambda c: c.get_event("no-such-event"),
    lambda c: c.get_item(GA_PRODUCT_ID, UNKNOWN),
    lambda c: c.get_user_profile(email="nobody@example.com"),
], ids=["product", "item on redeem", "item of another product", "event", "item", "user"])
def test_an_unknown_resource_is_not_found(client: ProductsClient, call: Callable[[ProductsClient], object]) -> None:
    with pytest.raises(NotFound):
        call(client)


def test_redeeming_a_fully_redeemed_item_is_rejected_with_the_reason(client: ProductsClient) -> None:
    ticket = shared.item_uuid(shared.GA, 32)
    client.redeem(GA_PRODUCT_ID, ticket)
    with pytest.raises(Rejected) as caught:
        client.redeem(GA_PRODUCT_ID, ticket)
    assert caught.value.reason == "The product item is already fully redeemed"
    assert not caught.value.may_have_applied and not caught.value.transient


def test_issuing_an_inactive_product_is_rejected(
        client: ProductsClient, new_users: Callable[[int], list[User]]) -> None:
    with pytest.raises(Rejected, match="not active"):
        client.issue_items(INACTIVE_PRODUCT_ID, users=[u.id for u in new_users(1)])


def test_a_transfer_the_server_refuses_is_rejected_with_its_reason_and_the_item_stays_with_its_owner(
        client: ProductsClient, new_product: Callable[..., Product], new_users: Callable[[int], list[User]]) -> None:
    product = new_product(is_transferable=False)
    owner, friend = new_users(2)
    [item] = client.issue_items(product.id, users=[owner.id])
    with pytest.raises(Rejected) as caught:
        client.transfer(product.id, item.id, sender_user_id=owner.id, recipient_user_id=friend.id)
    assert caught.value.reason == "Items of this product are not transferable"
    assert not caught.value.may_have_applied
    assert client.get_item(product.id, item.id).user.id == owner.id


def test_a_server_error_is_transient_and_did_not_apply(simulator: SimulatorServer, client: ProductsClient) -> None:
    simulator.faults = FaultSettings(server_error_rate=1.0, server_error_status=503)
    with pytest.raises(ServerError) as caught:
        client.redeem(GA_PRODUCT_ID, shared.item_uuid(shared.GA, 33))
    assert (caught.value.status, caught.value.transient, caught.value.may_have_applied) == (503, True, False)
    simulator.faults = FaultSettings()
    assert client.get_item(GA_PRODUCT_ID, shared.item_uuid(shared.GA, 33)).redemption_count == 0


def test_a_gateway_timeout_on_a_write_may_have_applied(simulator: SimulatorServer, client: ProductsClient) -> None:
    simulator.faults = FaultSettings(server_error_rate=1.0, server_error_status=504)
    with pytest.raises(ServerError) as caught:
        client.redeem(GA_PRODUCT_ID, shared.item_uuid(shared.GA, 33))
    assert caught.value.may_have_applied


@pytest.mark.parametrize("as_date", [False, True], ids=["delta-seconds", "HTTP-date"])
def test_throttling_is_rate_limited_with_the_servers_retry_after(
        simulator: SimulatorServer, client: ProductsClient, as_date: bool) -> None:
    simulator.faults = FaultSettings(rate_limit_rate=1.0, retry_after_seconds=30, retry_after_as_date=as_date)
    with pytest.raises(RateLimited) as caught:
        client.get_product(GA_PRODUCT_ID)
    assert caught.value.retry_after == pytest.approx(30, abs=2)
    assert caught.value.transient


def test_a_response_lost_after_the_commit_is_outcome_unknown_and_the_server_did_apply_it(
        simulator: SimulatorServer, client: ProductsClient) -> None:
    voucher = shared.item_uuid(shared.DRINKS, 5)
    simulator.faults = FaultSettings(drop_after_commit_rate=1.0)
    with pytest.raises(OutcomeUnknown) as caught:
        client.redeem(DRINKS_PRODUCT_ID, voucher)
    assert caught.value.may_have_applied and caught.value.transient
    simulator.faults = FaultSettings()
    assert client.get_item(DRINKS_PRODUCT_ID, voucher).redemption_count == 1


def test_a_dark_server_is_not_sent_and_the_client_recovers_when_it_is_back(
        simulator: SimulatorServer, client: ProductsClient) -> None:
    assert client.probe()  # a pooled keep-alive connection exists before the lights go out
    simulator.faults = FaultSettings(dark=True)
    with pytest.raises(NotSent) as caught:
        client.redeem(GA_PRODUCT_ID, shared.item_uuid(shared.GA, 34))
    assert not caught.value.may_have_applied and caught.value.transient
    simulator.faults = FaultSettings()
    assert client.redeem(GA_PRODUCT_ID, shared.item_uuid(shared.GA, 34)).redemption_count == 1


def test_a_read_timeout_is_outcome_unknown_and_the_server_may_still_apply_the_write(
        simulator: SimulatorServer, make_client: Callable[..., ProductsClient]) -> None:
    impatient = make_client(simulator.url, timeouts=Timeouts(connect=1, read=0.2, write=1, pool=1))
    voucher = shared.item_uuid(shared.DRINKS, 6)
    simulator.faults = FaultSettings(latency_ms=600)
    with pytest.raises(OutcomeUnknown, match="after the request was sent"):
        impatient.redeem(DRINKS_PRODUCT_ID, voucher)
    time.sleep(0.8)
    simulator.faults = FaultSettings()
    assert impatient.get_item(DRINKS_PRODUCT_ID, voucher).redemption_count == 1


def test_a_failure_after_some_issue_calls_succeeded_reports_the_items_already_issued(
        simulator: SimulatorServer, make_client: Callable[..., ProductsClient], new_product: Callable[..., Product],
        new_users: Callable[[int], list[User]]) -> None:
    product = new_product(stock=7)
    users = new_users(10)
    client = make_client(simulator.url, issue_batch_size=5)
    with pytest.raises(IssueIncomplete) as caught:
        client.issue_items(product.id, users=[u.id for u in users])
    assert [item.user.id for item in caught.value.issued] == [u.id for u in users[:5]]
    assert caught.value.pending_users == [str(u.id) for u in users[5:]]
    assert isinstance(caught.value.__cause__, Rejected) and "stock" in str(caught.value)
    assert not caught.value.may_have_applied


def test_a_failure_of_the_first_issue_call_is_raised_as_it_is(
        client: ProductsClient, new_product: Callable[..., Product], new_users: Callable[[int], list[User]]) -> None:
    product = new_product(stock=1)
    with pytest.raises(Rejected, match="Insufficient stock"):
        client.issue_items(product.id, users=[u.id for u in new_users(2)])


def test_unhealthy_answers_are_reported_as_not_ok_to_the_observer(
        simulator: SimulatorServer, make_client: Callable[..., ProductsClient]) -> None:
    seen: list[bool] = []
    client = make_client(simulator.url, on_call=lambda endpoint, ok, seconds: seen.append(ok))
    with pytest.raises(NotFound):
        client.get_product(UNKNOWN)
    simulator.faults = FaultSettings(server_error_rate=1.0)
    with pytest.raises(ServerError):
        client.get_product(GA_PRODUCT_ID)
    simulator.faults = FaultSettings(dark=True)
    with pytest.raises(NotSent):
        client.get_product(GA_PRODUCT_ID)
    assert seen == [True, False, False]
