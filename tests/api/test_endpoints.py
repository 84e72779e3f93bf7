"""Every endpoint through `ProductsClient`, over real HTTP to the simulator: the happy paths."""
from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal

from app import demo_data as shared
from app.api import ProductsClient
from app.api.models import NewUser, Product, User
from app.domain.rules import ProductType
from app.simulator.demo_data import (
    DEMO_EVENT_ID,
    DEMO_EVENT_REFERENCE_ID,
    DRINKS_PRODUCT_ID,
    GA_PRODUCT_ID,
    INACTIVE_PRODUCT_ID,
)
from app.simulator.server import SimulatorServer


def test_the_version_probe_answers_with_the_server_version(client: ProductsClient) -> None:
    assert client.probe() == "2.72.0-usher-simulator"


def test_a_product_is_read_with_its_event(client: ProductsClient) -> None:
    product = client.get_product(GA_PRODUCT_ID)
    assert (product.name, product.type, product.redemption_quantity, product.active) == \
        ("General Admission", ProductType.ADMISSION, 1, True)
    assert product.event is not None and product.event.id == DEMO_EVENT_ID
    assert product.event.start_date == 1795370400
    assert client.get_product(INACTIVE_PRODUCT_ID).active is False


def test_a_created_product_takes_the_documented_defaults(new_product: Callable[..., Product]) -> None:
    product = new_product(type=ProductType.PERKS, price=Decimal("4.50"))
    assert (product.price, product.active, product.is_transferable, product.redemption_quantity) == \
        (Decimal("4.50"), True, False, 1)
    assert (product.stock, product.max_per_account, product.max_items) == (None, None, None)


def test_items_are_issued_by_user_id_and_by_email_with_sequential_item_ids(
        client: ProductsClient, new_product: Callable[..., Product], new_users: Callable[[int], list[User]]) -> None:
    product = new_product()
    alice, bob = new_users(2)
    items = client.issue_items(product.id, users=[alice.id], emails=[str(bob.email)])
    assert [item.item_id for item in items] == [1, 2]
    assert [item.user.id for item in items] == [alice.id, bob.id]
    assert all(item.redemption_count == 0 and item.redeemed_at is None for item in items)


def test_a_large_issue_is_split_into_calls_of_550_and_the_items_concatenated(
        simulator: SimulatorServer, make_client: Callable[..., ProductsClient], new_product: Callable[..., Product],
        new_users: Callable[[int], list[User]]) -> None:
    product = new_product()
    users = new_users(1000) + new_users(200)
    calls: list[str] = []
    client = make_client(simulator.url, on_call=lambda endpoint, ok, seconds: calls.append(endpoint))
    items = client.issue_items(product.id, users=[u.id for u in users])
    assert calls == ["POST /v1/products/{id}/items"] * 3
    assert [item.item_id for item in items] == list(range(1, 1201))
    assert [item.user.id for item in items] == [u.id for u in users]


def test_redeeming_a_single_use_ticket_fully_redeems_it(client: ProductsClient) -> None:
    ticket = shared.item_uuid(shared.GA, 2)
    before = int(time.time())
    item = client.redeem(GA_PRODUCT_ID, ticket)
    assert (item.redemption_count, item.is_fully_redeemed, item.uses_left) == (1, True, 0)
    assert item.redeemed_at is not None and item.redeemed_at >= before


def test_a_three_drink_voucher_counts_down_and_is_fully_redeemed_at_the_third(client: ProductsClient) -> None:
    voucher = shared.item_uuid(shared.DRINKS, 2)
    first, second, third = (client.redeem(DRINKS_PRODUCT_ID, voucher) for _ in range(3))
    assert [i.redemption_count for i in (first, second, third)] == [1, 2, 3]
    assert [i.is_fully_redeemed for i in (first, second, third)] == [False, False, True]
    assert first.redeemed_at is None and third.redeemed_at is not None


def test_an_item_is_transferred_to_another_user(
        client: ProductsClient, new_product: Callable[..., Product], new_users: Callable[[int], list[User]]) -> None:
    product = new_product(is_transferable=True)
    sender, recipient = new_users(2)
    [item] = client.issue_items(product.id, users=[sender.id])
    moved = client.transfer(product.id, item.id, sender_user_id=sender.id, recipient_email=recipient.email)
    assert (moved.previous_owner.id, moved.new_owner.id, moved.product_item.id) == (sender.id, recipient.id, item.id)
    assert moved.transferred_at >= int(time.time()) - 5
    assert client.get_item(product.id, item.id).user.id == recipient.id


def test_items_are_listed_page_by_page_in_item_id_order(client: ProductsClient) -> None:
    pages = [client.list_items(shared.GA.id, page=n, limit=15) for n in (1, 2, 3, 4)]
    assert [p.total for p in pages] == [40] * 4
    assert [item.item_id for p in pages for item in p.items] == list(range(1, 41))
    assert [str(item.id) for item in pages[0].items[:2]] == [shared.item_uuid(shared.GA, 1),
                                                              shared.item_uuid(shared.GA, 2)]


def test_listing_with_updated_since_returns_only_items_changed_since_then(
        client: ProductsClient, new_product: Callable[..., Product], new_users: Callable[[int], list[User]]) -> None:
    product = new_product()
    items = client.issue_items(product.id, users=[u.id for u in new_users(3)])
    time.sleep(1.1)  # updated_since has a resolution of one second
    since = int(time.time())
    client.redeem(product.id, items[1].id)
    changed = client.list_items(product.id, updated_since=since)
    assert (changed.total, [i.id for i in changed.items]) == (1, [items[1].id])


def test_one_item_is_read_back(client: ProductsClient) -> None:
    item = client.get_item(GA_PRODUCT_ID, shared.item_uuid(shared.GA, 3))
    assert (item.item_id, str(item.user.id)) == (3, shared.item_owner(shared.GA, 3).id)


def test_a_products_sales_are_listed(client: ProductsClient) -> None:
    page = client.list_sales(GA_PRODUCT_ID, page=1, limit=4)
    assert page.total == 10 and len(page.sales) == 4
    assert page.sales[0].unit_price == Decimal("25.00")


def test_a_products_sales_come_page_by_page_each_order_once(client: ProductsClient) -> None:
    pages = [client.list_sales(GA_PRODUCT_ID, page=n, limit=4) for n in (1, 2, 3, 4)]
    assert [len(p.sales) for p in pages] == [4, 4, 2, 0]
    orders = [sale.order_number for p in pages for sale in p.sales]
    assert len(set(orders)) == len(orders) == pages[0].total


def test_an_event_is_found_by_id_and_by_reference_id(client: ProductsClient) -> None:
    by_id = client.get_event(DEMO_EVENT_ID)
    assert by_id.name == "Usher Demo Night"
    assert client.get_event(DEMO_EVENT_REFERENCE_ID) == by_id


def test_an_attendee_is_registered_with_the_real_scan_time_and_updated_on_repeat(
        client: ProductsClient, new_users: Callable[[int], list[User]]) -> None:
    [guest] = new_users(1)
    scanned = datetime(2026, 11, 1, 21, 4, 5, tzinfo=UTC)
    first = client.register_attendee(DEMO_EVENT_ID, email=guest.email, checked_in_at=scanned)
    assert first.checked_in_at == int(scanned.timestamp())
    again = client.register_attendee(DEMO_EVENT_ID, user_id=guest.id, checked_in_at=int(scanned.timestamp()) + 60)
    assert again.id == first.id and again.checked_in_at == int(scanned.timestamp()) + 60
    assert again.registered_at == first.registered_at
    assert again.user is not None and again.user.id == guest.id


def test_a_user_profile_is_found_by_id_email_or_reference_id(
        client: ProductsClient, new_users: Callable[[int], list[User]]) -> None:
    [user] = new_users(1)
    assert client.get_user_profile(user_id=user.id) == user
    assert client.get_user_profile(email=user.email) == user
    assert client.get_user_profile(reference_id=user.reference_id) == user


def test_users_are_fetched_page_by_page_or_narrowed_to_one(
        client: ProductsClient, new_users: Callable[[int], list[User]]) -> None:
    [user] = new_users(1)
    page = client.fetch_users(limit=5, offset=0)
    assert len(page.users) == 5 and page.total >= 21
    narrowed = client.fetch_users(email=user.email)
    assert (narrowed.total, narrowed.users) == (1, [user])


def test_created_users_come_back_with_their_ids(client: ProductsClient) -> None:
    [user] = client.create_users([NewUser(email="grace.new@example.com", first_name="Grace", last_name="New")])
    assert (user.email, user.first_name, user.is_activated) == ("grace.new@example.com", "Grace", True)


def test_a_read_key_may_query(read_client: ProductsClient) -> None:
    assert read_client.get_product(GA_PRODUCT_ID).name == "General Admission"
    assert read_client.fetch_users(limit=1).total > 0


def test_every_call_is_reported_with_its_endpoint_outcome_and_duration(
        simulator: SimulatorServer, make_client: Callable[..., ProductsClient]) -> None:
    seen: list[tuple[str, bool, float]] = []
    make_client(simulator.url, on_call=lambda *call: seen.append(call)).get_product(GA_PRODUCT_ID)
    [(endpoint, ok, seconds)] = seen
    assert (endpoint, ok) == ("GET /v1/products/{id}", True)
    assert 0 < seconds < 2
