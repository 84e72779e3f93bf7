"""Manual search by name, email or ticket number, and checking in from the results: the manager's, behind
the PIN, and with "hide names" on it shows no guest's name or e-mail."""
from __future__ import annotations

import pytest
from ui_helpers import FakeClock, act_and_show, enter_pin, open_search, widget_texts

from app.demo_data import DRINKS, GA, demo_users, item_owner, item_uuid
from app.domain.verdict import VerdictKind
from app.services.search import MAX_QUERY_CHARS


def search(qtbot, window, text: str) -> None:  # type: ignore[no-untyped-def]
    open_search(window)
    page = window.search_page
    qtbot.keyClicks(page.field, text)
    page.search()
    qtbot.waitUntil(lambda: page.message.text() != "Searching…", timeout=3000)


ADA = item_owner(GA, 1)
EVERY_GUEST = demo_users()


@pytest.fixture
def window(pinned_window):  # type: ignore[no-untyped-def]
    return pinned_window


def table_texts(table) -> list[str]:  # type: ignore[no-untyped-def]
    return [table.item(r, c).text() for r in range(table.rowCount()) for c in range(table.columnCount())
            if table.item(r, c) is not None]


def test_a_locked_kiosk_with_hidden_names_shows_no_guest_without_the_manager_pin(qtbot, make_window, pinned_settings):
    window = make_window(pinned_settings.model_copy(update={"hide_names": True}), kiosk=True)

    window.open_search()
    assert window.pages.currentWidget() is window.pin_page
    enter_pin(window, "000000")
    assert window.pages.currentWidget() is window.pin_page
    window.search_page.check_in_requested.emit(item_uuid(GA, 1))  # a check-in without the PIN does nothing
    qtbot.wait(200)

    assert window.idle() and window.pages.currentWidget() is window.pin_page
    shown = " ".join(widget_texts(window)).lower()
    assert not [g for g in EVERY_GUEST if g.email.lower() in shown or g.last_name.lower() in shown]


def test_with_hidden_names_a_search_shows_initials_and_no_email(qtbot, make_window, pinned_settings):
    window = make_window(pinned_settings.model_copy(update={"hide_names": True}))

    search(qtbot, window, "@")

    assert window.search_page.table.rowCount() == 50
    shown = " ".join(table_texts(window.search_page.table) + widget_texts(window)).lower()
    assert not [g for g in EVERY_GUEST if g.email.lower() in shown or g.last_name.lower() in shown]
    search(qtbot, window, "Lovelace")
    assert window.search_page.table.item(0, 0).text() == "A. L."


def test_search_closes_and_forgets_its_results_once_the_pin_lapses(qtbot, make_window, pinned_settings):
    from app.ui.manager_session import UNLOCKED_FOR_S, ManagerSession

    clock = FakeClock()
    window = make_window(pinned_settings, manager_session=ManagerSession(clock))
    search(qtbot, window, "Lovelace")
    assert window.search_page.hits

    clock.now += UNLOCKED_FOR_S + 1
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.panel, timeout=3000)  # the 1 s timer

    assert window.search_page.hits == [] and window.search_page.table.rowCount() == 0
    window.search_page.check_in_requested.emit(item_uuid(GA, 1))
    qtbot.wait(200)
    assert window.idle() and window.station.redeem(item_uuid(GA, 1)).kind is VerdictKind.ACCEPTED  # still unused


@pytest.mark.parametrize("text", ["Lovelace", "ada love", ADA.email.upper()])
def test_search_finds_a_holder_by_name_or_email(qtbot, window, text):
    search(qtbot, window, text)

    hits = window.search_page.hits
    assert hits and all(hit.holder_name == "Ada Lovelace" for hit in hits)
    assert window.search_page.table.rowCount() == len(hits)
    assert window.search_page.message.text() == f"{len(hits)} found"


def test_search_finds_a_ticket_by_its_number(qtbot, window):
    search(qtbot, window, "17")

    numbers = {(hit.product_name, hit.item_number) for hit in window.search_page.hits}
    assert ("General Admission", 17) in numbers


def test_each_result_shows_the_uses_left(qtbot, window):
    search(qtbot, window, "Lovelace")

    table = window.search_page.table
    drinks_row = next(r for r in range(table.rowCount()) if table.item(r, 2).text() == DRINKS.name)
    assert table.item(drinks_row, 4).text() == "3 of 3"


def test_check_in_from_a_result_redeems_it_like_a_scan(qtbot, window):
    search(qtbot, window, "Lovelace")
    row = next(r for r, hit in enumerate(window.search_page.hits) if hit.item_uuid == item_uuid(GA, 1))

    verdict = act_and_show(qtbot, window, window.search_page.check_in_button(row).click)

    assert verdict.kind is VerdictKind.ACCEPTED
    assert verdict.item_id == item_uuid(GA, 1)
    assert window.pages.currentWidget() is window.panel
    assert window.panel.headline.text() == "VALID"
    search(qtbot, window, "Lovelace")
    used = next(hit for hit in window.search_page.hits if hit.item_uuid == item_uuid(GA, 1))
    assert used.uses_left == 0


def test_nothing_found_says_so(qtbot, window):
    search(qtbot, window, "Nobody McNoname")

    assert window.search_page.hits == []
    assert window.search_page.message.text() == "Nothing matches “Nobody McNoname”"


def test_search_text_that_is_too_long_gets_a_message_and_searches_nothing(qtbot, window):
    search(qtbot, window, "Lovelace")
    before = window.search_page.hits

    window.search_page.field.setText("x" * (MAX_QUERY_CHARS + 1))
    window.search_page.search()

    assert window.search_page.message.text() == f"Too long — type at most {MAX_QUERY_CHARS} characters"
    assert window.search_page.hits == before


def test_wildcards_typed_in_the_search_are_just_text(qtbot, window):
    search(qtbot, window, "%")

    assert window.search_page.hits == []


def test_typing_searches_by_itself_after_a_pause(qtbot, window):
    open_search(window)
    qtbot.keyClicks(window.search_page.field, "Hopper")

    qtbot.waitUntil(lambda: bool(window.search_page.hits), timeout=3000)
    assert all("Hopper" in hit.holder_name for hit in window.search_page.hits)


def test_back_returns_to_scanning(qtbot, window):
    open_search(window)
    window.search_page.back_button.click()

    assert window.pages.currentWidget() is window.panel
