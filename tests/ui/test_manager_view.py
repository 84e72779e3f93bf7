"""The manager view: behind the PIN; counts, chart, conflicts, sync queue, CSV export, setup."""
from __future__ import annotations

import csv

import pytest
from PySide6.QtCore import Qt
from ui_helpers import open_search, PIN, FakeClock, RecordingSync, door_settings, enter_pin, scan

from app.config import load_settings
from app.demo_data import DRINKS, GA, item_uuid
from app.secrets import check_pin
from app.services.reports import SCAN_EXPORT_COLUMNS
from app.ui.entries_chart import count_ticks
from app.ui.manager_session import UNLOCKED_FOR_S, ManagerSession
from app.secrets import FIRST_REST_S, FREE_TRIES, PinAttempts


def open_manager(qtbot, window, pin: str = PIN) -> None:  # type: ignore[no-untyped-def]
    window.open_manager()
    if window.pages.currentWidget() is window.pin_page:
        enter_pin(window, pin)
    assert window.pages.currentWidget() is window.manager_page
    qtbot.waitUntil(lambda: window.manager_page.report is not None and window.idle(), timeout=3000)


def table_rows(table) -> list[list[str]]:  # type: ignore[no-untyped-def]
    return [[table.item(r, c).text() for c in range(table.columnCount()) if table.item(r, c) is not None]
            for r in range(table.rowCount())]


def test_the_manager_view_needs_the_right_pin(make_window, pinned_settings):
    window = make_window(pinned_settings)

    window.open_manager()
    assert window.pages.currentWidget() is window.pin_page
    enter_pin(window, "1111")

    assert window.pages.currentWidget() is window.pin_page
    assert window.pin_page.message.text() == "Wrong PIN — try again"
    enter_pin(window, PIN)
    assert window.pages.currentWidget() is window.manager_page


def test_the_on_screen_keypad_enters_the_pin(qtbot, make_window, pinned_settings):
    window = make_window(pinned_settings)
    window.open_manager()

    for key in (*PIN, "OK"):
        window.pin_page.keys[key].click()

    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.manager_page, timeout=3000)


def test_too_many_wrong_pins_rest_the_keypad_longer_each_time_and_a_restart_forgives_nothing(
        make_window, pinned_settings, settings_file):
    clock = FakeClock()
    attempts = settings_file.parent / "pin-attempts.json"
    window = make_window(pinned_settings, pin_attempts=PinAttempts(attempts, clock))
    window.open_manager()
    for _ in range(FREE_TRIES):
        enter_pin(window, "000000")

    assert not window.pin_page.field.isEnabled()
    assert not window.pin_page.keys["OK"].isEnabled()
    assert window.pin_page.message.text() == f"Too many wrong PINs — try again in {FIRST_REST_S:.0f} s"

    window.close()  # the service restarts the kiosk: the count is on disk, not in the window
    clock.now += FIRST_REST_S - 1
    restarted = make_window(pinned_settings, pin_attempts=PinAttempts(attempts, clock))
    restarted.open_manager()
    assert not restarted.pin_page.field.isEnabled()
    assert restarted.pin_page.message.text() == "Too many wrong PINs — try again in 1 s"

    clock.now += 1
    restarted.open_manager()
    enter_pin(restarted, "111111")
    assert restarted.pin_page.message.text() == "Too many wrong PINs — try again in 1 minute"
    clock.now += 2 * FIRST_REST_S
    restarted.open_manager()
    enter_pin(restarted, PIN)
    assert restarted.pages.currentWidget() is restarted.manager_page
    assert not attempts.exists()  # the right PIN starts the count again


def test_the_first_manager_access_asks_to_choose_a_pin(qtbot, window, settings_file):
    window.open_manager()
    assert window.pin_page.choosing
    prompt = window.pin_page.prompt
    assert "choose one" in prompt.text()
    assert prompt.height() >= prompt.heightForWidth(prompt.width())  # every line of it shows, none clipped

    enter_pin(window, "135790")
    assert window.pin_page.prompt.text() == "Enter the same PIN again"
    enter_pin(window, "135790")

    assert window.pages.currentWidget() is window.manager_page
    assert check_pin("135790", load_settings(settings_file).pin_hash)
    assert check_pin("135790", window.settings.pin_hash)


def test_two_different_new_pins_are_not_kept(window, settings_file):
    window.open_manager()
    enter_pin(window, "135790")
    enter_pin(window, "097531")

    assert window.pin_page.message.text() == "The two PINs differ — choose again"
    assert window.pages.currentWidget() is window.pin_page
    assert window.settings.pin_hash == ""
    assert not settings_file.exists()


@pytest.mark.parametrize("pin", ["12", "0000", "12345"])
def test_a_new_manager_pin_must_have_six_to_eight_digits(window, pin):
    window.open_manager()
    enter_pin(window, pin)

    assert window.pin_page.message.text() == "Use 6 to 8 digits"
    assert window.pin_page.prompt.text() != "Enter the same PIN again"


def test_the_manager_view_counts_products_stations_and_entries(qtbot, make_window, pinned_settings):
    window = make_window(pinned_settings)
    for payload in (item_uuid(GA, 1), item_uuid(GA, 2), item_uuid(GA, 2), item_uuid(DRINKS, 1)):
        scan(qtbot, window, payload)

    open_manager(qtbot, window)

    page = window.manager_page
    products = {row[0]: row[1:] for row in table_rows(page.products)}
    assert products["General Admission"] == ["40", "2 tickets", "2", "38 entries"]
    assert table_rows(page.stations) == [["Door 1", "2", "2"]]  # the used ticket and the voucher refused
    assert page.people_card.value.text() == "2 of 55"  # GA 40, VIP 10, Early Bird 5
    assert page.entries_card.value.text() == "2"
    assert page.waiting_card.value.text() == "2"
    assert page.conflict_card.value.text() == "0"
    assert "2 pending" in page.queue.text()
    assert sum(count for _, count in page.chart.entries) == 2


def test_export_writes_the_scan_log_as_csv(qtbot, make_window, pinned_settings, tmp_path):
    window = make_window(pinned_settings)
    scan(qtbot, window, item_uuid(GA, 1))
    scan(qtbot, window, "junk")
    open_manager(qtbot, window)
    target = tmp_path / "scans.csv"

    window.manager_page.export_csv(target)
    qtbot.waitUntil(lambda: window.manager_page.message.text().startswith("Exported"), timeout=3000)

    rows = list(csv.reader(target.open(encoding="utf-8")))
    assert tuple(rows[0]) == SCAN_EXPORT_COLUMNS
    assert [row[3] for row in rows[1:]] == ["ACCEPTED", "INVALID_CODE"]
    assert window.manager_page.message.text() == f"Exported 2 scans to {target}"


def test_an_export_that_cannot_be_written_says_so(qtbot, make_window, pinned_settings, tmp_path):
    window = make_window(pinned_settings)
    open_manager(qtbot, window)

    window.manager_page.export_csv(tmp_path / "missing-folder" / "scans.csv")
    qtbot.waitUntil(lambda: window.manager_page.message.text().startswith("Could not export"), timeout=3000)


def test_sync_now_asks_the_sync_engine(qtbot, make_window, pinned_settings):
    sync = RecordingSync()
    window = make_window(pinned_settings, sync=sync)
    open_manager(qtbot, window)

    window.manager_page.sync_button.click()

    assert sync.sync_requests == 1


def test_station_setup_opens_from_the_manager_view_without_asking_again(qtbot, make_window, pinned_settings):
    window = make_window(pinned_settings)
    open_manager(qtbot, window)

    window.manager_page.setup_button.click()

    assert window.pages.currentWidget() is window.setup_page


def test_the_pin_stays_good_for_a_few_minutes_after_the_managers_last_action(qtbot, make_window, pinned_settings):
    clock = FakeClock()
    window = make_window(pinned_settings, manager_session=ManagerSession(clock))
    open_manager(qtbot, window)
    window.show_scanning()

    clock.now += UNLOCKED_FOR_S - 1
    window.open_setup()
    assert window.pages.currentWidget() is window.setup_page  # no PIN again: it was a minute ago

    window.show_scanning()
    clock.now += UNLOCKED_FOR_S + 1
    window.open_manager()
    assert window.pages.currentWidget() is window.pin_page  # untouched for longer: locked by itself


@pytest.mark.parametrize("page", ["manager", "pin", "search", "setup"])
def test_a_scan_on_another_page_shows_an_overlay_and_keeps_the_page_and_the_pin(qtbot, make_window, pinned_settings, page):
    window = make_window(pinned_settings)
    open_manager(qtbot, window)
    window.show_scanning()
    open_page = {"manager": window.open_manager, "pin": lambda: (window.manager_session.lock(), window.open_manager()),
                 "search": window.open_search, "setup": window.open_setup}[page]
    open_page()
    before = window.pages.currentWidget()

    verdict = scan(qtbot, window, item_uuid(GA, 1))

    assert verdict.accepted
    assert window.pages.currentWidget() is before
    assert window.overlay.isVisible() and window.overlay.headline.text() == "VALID"
    assert window.overlay.geometry() == window.pages.rect()
    qtbot.mouseClick(window.overlay, Qt.MouseButton.LeftButton)  # a tap closes it
    assert not window.overlay.isVisible()
    assert window.pages.currentWidget() is before
    if page != "pin":
        window.show_scanning()
        window.open_manager()
        assert window.pages.currentWidget() is window.manager_page  # still unlocked


def test_the_overlay_closes_by_itself_when_its_time_is_up(qtbot, make_window, pinned_settings):
    window = make_window(door_settings(pin_hash=pinned_settings.pin_hash, verdict_seconds=1))
    open_search(window)
    scan(qtbot, window, "junk")
    assert window.overlay.isVisible()
    qtbot.waitUntil(lambda: not window.overlay.isVisible(), timeout=3000)
    assert window.pages.currentWidget() is window.search_page


def test_an_unsent_use_can_be_undone_from_the_scan_log(qtbot, make_window, pinned_settings):
    window = make_window(pinned_settings)
    scan(qtbot, window, item_uuid(GA, 1))
    scan(qtbot, window, "junk")
    open_manager(qtbot, window)

    page = window.manager_page
    log = table_rows(page.scan_log)
    assert [row[2] for row in log] == ["Not a ticket", "Valid"]  # newest first
    assert page.undo_button(0) is None and page.undo_button(1) is not None
    page.undo_button(1).click()
    qtbot.waitUntil(lambda: page.message.text() == "The use was given back", timeout=3000)
    qtbot.waitUntil(lambda: table_rows(page.scan_log)[0][2] == "Undone", timeout=3000)
    assert page.entries_card.value.text() == "0"
    assert scan(qtbot, window, item_uuid(GA, 1)).accepted  # the ticket is good again

def test_a_redemption_the_server_refused_is_listed_as_a_conflict(qtbot, make_window, pinned_settings, demo_replica):
    from sqlalchemy import insert

    from app.services.reports import conflicts_table
    from app.store.db import write_transaction

    window = make_window(pinned_settings)
    verdict = scan(qtbot, window, item_uuid(GA, 1))
    with write_transaction(demo_replica) as conn:  # what the sync engine records on a 422
        conn.execute(insert(conflicts_table).values(
            op_uuid="op-1", item_uuid=verdict.item_id, product_id=GA.id, station="Door 1",
            scanned_at=verdict.scanned_at.timestamp(), refused_at=verdict.scanned_at.timestamp() + 60,
            server_message="Item already fully redeemed"))

    open_manager(qtbot, window)

    rows = table_rows(window.manager_page.conflicts)
    assert len(rows) == 1
    ticket, holder, here, first, server = rows[0]
    assert (ticket, holder) == ("#1 · General Admission", "Ada Lovelace")
    assert here == f"{verdict.scanned_at.astimezone():%H:%M} at Door 1"
    assert first == "another door (time not known)"
    assert server.endswith(": Item already fully redeemed")
    assert window.manager_page.conflict_card.value.text() == "1"


def test_every_number_names_its_scope_and_the_chart_counts_in_whole_people(qtbot, make_window, pinned_settings):
    window = make_window(pinned_settings)
    scan(qtbot, window, item_uuid(GA, 1))
    open_manager(qtbot, window)

    page = window.manager_page
    assert "all doors" in page.people_card.caption.text()
    assert "Door 1" in page.entries_card.caption.text() and "here" in page.waiting_card.caption.text()
    assert page.chart.title == "Accepted scans here, per 5 minutes"
    assert page.chart.ticks == [0, 1]
    assert count_ticks(13) == [0, 3, 6, 9, 12, 15]  # whole people, never 0.5
    assert page.conflicts_title.text() == "Conflicts — none so far; 1 scans are not sent yet"


def test_vouchers_are_counted_as_vouchers_and_their_uses_as_drinks(qtbot, make_window, pinned_settings):
    window = make_window(door_settings(name="Bar 1", preset="bar", pin_hash=pinned_settings.pin_hash))
    scan(qtbot, window, item_uuid(DRINKS, 1))
    open_manager(qtbot, window)

    drinks = next(row for row in table_rows(window.manager_page.products) if row[0] == DRINKS.name)
    assert drinks[1:] == ["30", "1 voucher", "0", "89 drinks"]
