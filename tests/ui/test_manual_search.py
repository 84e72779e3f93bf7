"""Manual search by name, email or ticket number, and checking in from the results."""
from __future__ import annotations

import pytest
from ui_helpers import act_and_show

from app.demo_data import DRINKS, GA, item_owner, item_uuid
from app.domain.verdict import VerdictKind
from app.services.search import MAX_QUERY_CHARS


def search(qtbot, window, text: str) -> None:  # type: ignore[no-untyped-def]
    window.open_search()
    page = window.search_page
    qtbot.keyClicks(page.field, text)
    page.search()
    qtbot.waitUntil(lambda: page.message.text() != "Searching…", timeout=3000)


ADA = item_owner(GA, 1)


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
    window.open_search()
    qtbot.keyClicks(window.search_page.field, "Hopper")

    qtbot.waitUntil(lambda: bool(window.search_page.hits), timeout=3000)
    assert all("Hopper" in hit.holder_name for hit in window.search_page.hits)


def test_back_returns_to_scanning(qtbot, window):
    window.open_search()
    window.search_page.back_button.click()

    assert window.pages.currentWidget() is window.panel
