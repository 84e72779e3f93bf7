"""The box office screen, walked as staff walk it, over a replica synced from the simulator on real HTTP and
the kiosk's real sync engine: walk-up sales online and offline, the guest list, the limits said before they
bite, bad input, and transfers at the desk with each refusal in words (said before anything is sent)."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app import demo_data as demo
from app.domain.rules import Preset, StationRules
from app.domain.verdict import VerdictKind
from app.services.box_office import BoxOffice
from app.services.transfer_desk import TransferDesk
from app.simulator.faults import FaultSettings
from app.store import outbox as ob
from app.store.db import read_transaction
from app.sync.status import Override
from app.ui.background import Background
from app.ui.box_office_page import BoxOfficePage
from box_office_world import world  # noqa: F401  (a pytest fixture)

BOX = StationRules("Box 1", Preset.BOX_OFFICE)
USERS = demo.demo_users()
ADA, GRACE = USERS[0], USERS[1]  # Ada holds General Admission No. 1 and 21


@pytest.fixture
def engine(world):
    """The kiosk's sync engine (not started unless a test starts it)."""
    engine = world.engine()
    yield engine
    engine.stop()


@pytest.fixture
def page(qtbot, world, engine):
    writer, reader = Background(), Background()
    page = BoxOfficePage(writer, reader)
    for queue in (writer, reader):
        queue.setParent(page)  # gone with the page: no answer lands in the next test
    qtbot.addWidget(page)
    page.configure(BoxOffice(world.replica, BOX.name), BOX, lambda: engine, TransferDesk(world.replica, world.api))
    page.resize(1280, 740)
    page.show()
    page.open()
    qtbot.waitUntil(lambda: page.product_buttons.buttons() != [])
    yield page
    page.shutdown()
    writer.shutdown()
    reader.shutdown()


def choose_customer(qtbot, page, email: str) -> None:  # type: ignore[no-untyped-def]
    page.customer.set_text(email)
    qtbot.waitUntil(lambda: page.customer.chosen is not None)


def sell(qtbot, page, product: str, email: str, quantity: int = 1, admit: bool = False):  # type: ignore[no-untyped-def]
    """Product, customer, quantity, Issue (or Issue and admit), Confirm: the tickets handed over."""
    page.product_button(product).click()
    choose_customer(qtbot, page, email)
    page.quantity.setText(str(quantity))
    (page.admit_button if admit else page.issue_button).click()
    assert page.confirm_bar.isVisible(), page.message.text()
    with qtbot.waitSignal(page.tickets_shown, timeout=15000) as shown:
        page.confirm_button.click()
    return shown.args[0]


def waiting_issues(world) -> list[str]:  # type: ignore[no-untyped-def]
    with read_transaction(world.replica) as conn:
        return conn.execute(select(ob.outbox.c.state).where(ob.outbox.c.kind == "issue")).scalars().all()


def test_each_product_button_shows_its_price_and_what_is_left(page) -> None:
    assert page.product_button("VIP").text() == "VIP\n80.00 · 30 left"
    assert page.product_button("General Admission").text() == "General Admission\n25.00 · no stock limit"
    assert "Early Bird (closed)" not in [b.text().split("\n")[0] for b in page.product_buttons.buttons()]


def test_a_walk_up_sale_offline_hands_over_a_provisional_ticket_and_says_so(qtbot, page, engine, world) -> None:
    engine.set_override(Override.FORCE_OFFLINE)
    page.show_connection()
    assert page.connection.isVisible() and page.connection.text().startswith("Offline")
    tickets = sell(qtbot, page, "VIP", GRACE.email, quantity=2)
    assert [(t.product, t.holder, t.provisional) for t in tickets] == [("VIP", "Grace Hopper", True)] * 2
    view = page.ticket_view
    assert view.headline.text() == "SOLD — 2 × VIP" and view.offline_note.isVisible()
    assert waiting_issues(world) == ["PENDING"]
    view.done_button.click()
    qtbot.waitUntil(lambda: page.product_button("VIP").text() == "VIP\n80.00 · 28 left")


def test_a_walk_up_sale_online_is_confirmed_by_the_server_before_the_ticket_is_handed_over(
        qtbot, page, engine, world) -> None:
    engine.start()
    tickets = sell(qtbot, page, "VIP", GRACE.email)
    assert [(t.provisional, t.item_number) for t in tickets] == [(False, 11)]
    assert not page.ticket_view.offline_note.isVisible() and page.ticket_view.headline.text() == "SOLD — VIP"
    with world.client() as client:
        assert client.get_item(demo.VIP.id, tickets[0].code).user.email == GRACE.email


def test_issue_and_admit_shows_the_verdict_as_for_a_scan(qtbot, page) -> None:
    verdicts = []
    page.verdict_ready.connect(verdicts.append)
    tickets = sell(qtbot, page, "General Admission", GRACE.email, admit=True)
    assert [v.kind for v in verdicts] == [VerdictKind.ACCEPTED]
    assert verdicts[0].product_name == "General Admission" and verdicts[0].station == "Box 1"
    assert page.ticket_view.headline.text().startswith("ADMITTED — General Admission") and len(tickets) == 1


def test_a_drink_voucher_can_be_sold_but_not_admitted_at_the_box_office(page) -> None:
    page.product_button("Drinks ×3").click()
    assert not page.admit_button.isEnabled() and page.issue_button.isEnabled()
    page.product_button("VIP").click()
    assert page.admit_button.isEnabled()


def test_the_guest_list_adds_a_named_guest_to_admit_later(qtbot, page, world) -> None:
    verdicts = []
    page.verdict_ready.connect(verdicts.append)
    page.tabs.setCurrentIndex(1)
    page.guest_product.setCurrentIndex(page.guest_product.findText("General Admission"))
    page.guest_name.setText("Sam Plus-One")
    page.guest.set_text("sam.plus.one@example.net")  # not a customer yet: the server decides
    page.guest_later.click()
    assert page.confirm_text.text().startswith("Put on the guest list: 1 × General Admission to Sam Plus-One?")
    with qtbot.waitSignal(page.tickets_shown, timeout=15000) as shown:
        page.confirm_button.click()
    assert [t.holder for t in shown.args[0]] == ["Sam Plus-One"] and verdicts == []
    assert page.ticket_view.headline.text().startswith("ON THE GUEST LIST — General Admission")


def test_limits_are_said_before_they_bite(qtbot, page) -> None:
    page.product_button("VIP").click()
    choose_customer(qtbot, page, GRACE.email)
    page.quantity.setText("3")
    page.quantity.textEdited.emit("3")
    qtbot.waitUntil(lambda: page.notice.text() == "at most 2 each, so 2 more")
    sell(qtbot, page, "VIP", GRACE.email, quantity=2)
    page.ticket_view.done_button.click()
    page.product_button("VIP").click()
    choose_customer(qtbot, page, GRACE.email)
    qtbot.waitUntil(lambda: page.notice.text() == "Grace Hopper already holds the maximum of 2")
    page.issue_button.click()
    page.confirm_button.click()
    qtbot.waitUntil(lambda: page.message.text() == "Not issued: At most 2 per customer, and Grace Hopper already holds 2. Nothing was sold.")


@pytest.mark.parametrize("email, quantity, said", [
    ("grace.example.com", "1", "“grace.example.com” is not an email address; choose a customer from the list or "
                               "type their email"),
    ("grace.hopper@example.com", "two", "Type how many, as a number from 1 to 10"),
    ("grace.hopper@example.com", "40", "Sell from 1 to 10 at a time (more: usher issue --csv)"),
    ("", "1", "Choose the customer: type a name or an email, or scan the email code on their phone"),
])
def test_a_mistyped_email_or_quantity_gets_a_clear_message_and_changes_nothing(
        qtbot, page, world, email, quantity, said) -> None:
    page.product_button("General Admission").click()
    page.customer.set_text(email)
    page.quantity.setText(quantity)
    page.issue_button.click()
    assert page.message.text() == said and not page.confirm_bar.isVisible()
    assert waiting_issues(world) == []


def test_a_scanned_email_code_fills_the_customer_instead_of_being_redeemed(qtbot, page) -> None:
    assert page.take_scanned_text(f"mailto:{GRACE.email}")
    qtbot.waitUntil(lambda: page.customer.chosen is not None and page.customer.chosen.name == "Grace Hopper")
    assert not page.take_scanned_text(demo.item_uuid(demo.GA, 5))  # a ticket is still a scan


def open_transfer(qtbot, page, holder: str) -> None:  # type: ignore[no-untyped-def]
    page.tabs.setCurrentIndex(2)
    page.sender.set_text(holder)
    qtbot.waitUntil(lambda: page.sender_items.count() > 0)


def transfer(qtbot, page, ticket: str, recipient: str) -> str:  # type: ignore[no-untyped-def]
    items = [page.sender_items.item(n) for n in range(page.sender_items.count())]
    page.sender_items.setCurrentItem(next(i for i in items if i.text().startswith(ticket)))
    page.recipient.setText(recipient)
    page.transfer_button.click()
    assert page.confirm_bar.isVisible(), page.message.text()
    page.confirm_button.click()
    qtbot.waitUntil(lambda: page.message.text() not in ("", "Asking the server…"), timeout=10000)
    return page.message.text()


@pytest.mark.parametrize("holder, ticket, recipient, said", [
    (USERS[7].email, "VIP No. 1", GRACE.email, "VIP tickets cannot be passed on to someone else"),
    (ADA.email, "General Admission No. 1", "nobody@example.net",
     "nobody@example.net is not a customer yet: they must sign up first"),
    (ADA.email, "General Admission No. 1", ADA.email, "Ada Lovelace already holds this ticket"),
])
def test_each_transfer_refusal_is_said_in_plain_words_before_anything_is_sent(
        qtbot, page, world, holder, ticket, recipient, said) -> None:
    world.simulator.faults = FaultSettings(dark=True)  # any call would fail: the words come from the rules
    open_transfer(qtbot, page, holder)
    assert transfer(qtbot, page, ticket, recipient) == said


def test_a_recipient_at_the_per_customer_maximum_is_refused_at_the_desk(qtbot, page, world) -> None:
    bob = USERS[2]  # Alan Turing holds General Admission No. 3 and 23; at most 4 each
    for _ in range(2):
        sell(qtbot, page, "General Admission", bob.email)
        page.ticket_view.done_button.click()
    world.simulator.faults = FaultSettings(dark=True)
    open_transfer(qtbot, page, ADA.email)
    assert transfer(qtbot, page, "General Admission No. 1", bob.email) == \
        "Alan Turing already holds the maximum of 4 General Admission tickets"


def test_a_transfer_at_the_desk_moves_the_ticket_on_the_server_and_in_the_list(qtbot, page, world) -> None:
    open_transfer(qtbot, page, ADA.email)
    assert transfer(qtbot, page, "General Admission No. 1", GRACE.email) == \
        "General Admission No. 1 now belongs to Grace Hopper"
    with world.client() as client:
        assert client.get_item(demo.GA.id, demo.item_uuid(demo.GA, 1)).user.email == GRACE.email
    qtbot.waitUntil(lambda: not any(page.sender_items.item(n).text().startswith("General Admission No. 1 ")
                                    for n in range(page.sender_items.count())))


def test_transfers_wait_for_the_network(page, engine) -> None:
    engine.set_override(Override.FORCE_OFFLINE)
    page.show_connection()
    assert not page.transfer_button.isEnabled()
    assert page.transfer_note.text().startswith("Transfers need the network")


def test_a_guest_on_the_list_admitted_now_goes_straight_in(qtbot, page) -> None:
    verdicts = []
    page.verdict_ready.connect(verdicts.append)
    page.tabs.setCurrentIndex(1)
    page.guest_product.setCurrentIndex(page.guest_product.findText("VIP"))
    page.guest.set_text(GRACE.email)  # no name typed: the customer's own is used
    qtbot.waitUntil(lambda: page.guest.chosen is not None)
    page.guest_now.click()
    assert page.confirm_text.text().startswith("Put on the guest list: 1 × VIP to Grace Hopper")
    with qtbot.waitSignal(page.tickets_shown, timeout=15000) as shown:
        page.confirm_button.click()
    assert [v.kind for v in verdicts] == [VerdictKind.ACCEPTED] and shown.args[0][0].holder == "Grace Hopper"


def test_with_holders_names_hidden_the_desk_shows_initials_and_no_email(qtbot, page) -> None:
    page.set_hide_names(True)
    page.customer.set_text("grace")
    qtbot.waitUntil(lambda: page.customer.results.count() == 1)
    assert page.customer.results.item(0).text() == "G. H.  ·  …@example.com"
    page.customer.results.itemClicked.emit(page.customer.results.item(0))
    assert page.customer.line.text() == "For G. H." and page.customer.field.text() == "G. H."
    tickets = sell(qtbot, page, "VIP", GRACE.email)
    assert "Grace" not in page.ticket_view.details.text() and "G. H." in page.ticket_view.details.text()
    assert tickets[0].holder == "Grace Hopper"  # printed for the guest to carry
