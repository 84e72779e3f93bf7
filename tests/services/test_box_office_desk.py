"""The box office desk over a replica synced from the simulator: what is on sale, the limits said before they
bite, sales written whole or not at all, and the tickets handed over — online or offline alike, since the
desk only writes (the sync engine sends)."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app import demo_data as demo
from app.domain.box_office import limit_notice
from app.domain.issuance import Refused, Rule
from app.domain.rules import Preset, StationRules
from app.services.box_office import BoxOffice, Sale
from app.store import outbox as ob
from app.store.db import read_transaction
from box_office_world import world  # noqa: F401  (a pytest fixture)

BOX = StationRules("Box 1", Preset.BOX_OFFICE)
ANNA = demo.demo_users()[0]  # holds GA item 1


@pytest.fixture
def desk(world) -> BoxOffice:
    return BoxOffice(world.replica, "Box 1")


def offer(desk: BoxOffice, product: demo.DemoProduct):  # type: ignore[no-untyped-def]
    return next(o for o in desk.offers() if o.product_id == product.id)


def operations(desk: BoxOffice) -> int:
    with read_transaction(desk.replica) as conn:
        return conn.execute(select(func.count()).select_from(ob.outbox)).scalar()


def test_each_product_is_offered_with_its_price_and_what_is_left(desk) -> None:
    vip, ga, closed = offer(desk, demo.VIP), offer(desk, demo.GA), offer(desk, demo.INACTIVE)
    assert (vip.price, vip.left) == ("80.00", 30)  # stock 40, 10 issued
    assert (ga.price, ga.left, ga.sellable) == ("25.00", None, True)
    assert not closed.sellable
    assert [o.limits.active for o in desk.offers()] == sorted((o.limits.active for o in desk.offers()), reverse=True)


def test_a_walk_up_sale_offline_writes_provisional_tickets_that_say_so(world, desk) -> None:
    sale = desk.sell(demo.VIP.id, ANNA.email, quantity=2)
    assert isinstance(sale, Sale) and len(sale.local_ids) == 2 and not sale.pending_customer
    tickets = desk.tickets(sale.local_ids)
    assert [(t.product, t.holder, t.event, t.provisional, t.item_number) for t in tickets] == \
        [("VIP", "Ada Lovelace", "Usher Demo Night", True, None)] * 2
    assert "Issued offline, not yet confirmed" in tickets[0].lines
    assert offer(desk, demo.VIP).left == 28


def test_issue_and_admit_takes_one_use_of_each_ticket_in_the_sale(desk) -> None:
    sale = desk.sell(demo.GA.id, ANNA.id, quantity=2, admit=BOX)  # she holds 2 of at most 4
    assert isinstance(sale, Sale) and [v.accepted for v in sale.verdicts] == [True] * 2
    assert {v.product_name for v in sale.verdicts} == {"General Admission"}


def test_a_voucher_is_never_admitted_at_the_box_office_so_its_sale_is_refused_whole(desk) -> None:
    before = operations(desk)
    refused = desk.sell(demo.DRINKS.id, ANNA.email, admit=BOX)
    assert isinstance(refused, Refused) and "press Issue instead" in refused.reason
    assert operations(desk) == before


def test_a_sale_past_the_per_customer_maximum_is_refused_and_writes_nothing(desk) -> None:
    assert desk.holds(demo.VIP.id, ANNA.email) == 0
    assert isinstance(desk.sell(demo.VIP.id, ANNA.email, quantity=2), Sale)
    before = operations(desk)
    refused = desk.sell(demo.VIP.id, ANNA.email)
    assert isinstance(refused, Refused) and refused.rule is Rule.MAX_PER_ACCOUNT
    assert operations(desk) == before
    assert limit_notice(offer(desk, demo.VIP), 1, desk.holds(demo.VIP.id, ANNA.email)) == \
        "this customer already holds the maximum of 2"


def test_a_sale_past_the_stock_is_refused_and_the_desk_said_so_before(desk) -> None:
    vip = offer(desk, demo.VIP)
    assert limit_notice(vip, 1, None) == ""  # plenty left, no customer chosen yet: nothing to say
    assert limit_notice(vip, 3, 0) == "at most 2 each, so 2 more"
    for n in range(14):  # two each, within max_per_account: 28 of the 30 left
        assert isinstance(desk.sell(demo.VIP.id, f"walk-up-{n}@example.net", quantity=2), Sale)
    assert limit_notice(offer(desk, demo.VIP), 3, None) == "Only 2 left, 3 asked for"
    refused = desk.sell(demo.VIP.id, ANNA.email, quantity=3)
    assert isinstance(refused, Refused) and refused.rule is Rule.STOCK


def test_a_guest_list_entry_for_an_email_the_replica_does_not_know_is_a_pending_customer_named_on_the_ticket(desk) -> None:
    sale = desk.sell(demo.GA.id, "plus.one@example.net")
    assert isinstance(sale, Sale) and sale.pending_customer
    assert desk.tickets(sale.local_ids, holder="Sam Plus-One")[0].holder == "Sam Plus-One"


def test_a_mistyped_email_changes_nothing(desk) -> None:
    before = operations(desk)
    refused = desk.sell(demo.GA.id, "anna.example.org")
    assert isinstance(refused, Refused) and refused.rule is Rule.RECIPIENT
    assert operations(desk) == before


def test_once_synced_the_ticket_carries_the_server_item_and_its_number(world, desk) -> None:
    sale = desk.sell(demo.VIP.id, ANNA.email)
    assert isinstance(sale, Sale)
    world.engine().run_once()
    assert [o.state for o in desk.outcomes(sale.op_uuids)] == [ob.OpState.DONE]
    ticket = desk.tickets(sale.local_ids)[0]
    assert (ticket.provisional, ticket.item_number, ticket.code != sale.local_ids[0]) == (False, 11, True)
    with world.client() as client:
        assert client.get_item(demo.VIP.id, ticket.code).user.email == ANNA.email
