"""The manager view: behind the PIN; counts, chart, conflicts, sync queue, CSV export, setup."""
from __future__ import annotations

import csv

from ui_helpers import PIN, RecordingSync, enter_pin, scan

from app.config import load_settings
from app.demo_data import DRINKS, GA, item_uuid
from app.secrets import check_pin
from app.services.reports import SCAN_EXPORT_COLUMNS
from app.ui.pin_page import LOCKOUT_S, MAX_WRONG


def open_manager(qtbot, window, pin: str = PIN) -> None:  # type: ignore[no-untyped-def]
    window.open_manager()
    enter_pin(window, pin)
    assert window.pages.currentWidget() is window.manager_page
    qtbot.waitUntil(lambda: window.manager_page.report is not None and window.idle(), timeout=3000)


def table_rows(table) -> list[list[str]]:  # type: ignore[no-untyped-def]
    return [[table.item(r, c).text() for c in range(table.columnCount())] for r in range(table.rowCount())]


def test_the_manager_view_needs_the_right_pin(make_window, pinned_settings):
    window = make_window(pinned_settings)

    window.open_manager()
    assert window.pages.currentWidget() is window.pin_page
    enter_pin(window, "1111")

    assert window.pages.currentWidget() is window.pin_page
    assert window.pin_page.message.text() == "Wrong PIN — try again"
    enter_pin(window, PIN)
    assert window.pages.currentWidget() is window.manager_page


def test_the_on_screen_keypad_enters_the_pin(make_window, pinned_settings):
    window = make_window(pinned_settings)
    window.open_manager()

    for key in (*PIN, "OK"):
        window.pin_page.keys[key].click()

    assert window.pages.currentWidget() is window.manager_page


def test_too_many_wrong_pins_rest_the_keypad(make_window, pinned_settings):
    window = make_window(pinned_settings)
    window.open_manager()

    for _ in range(MAX_WRONG):
        enter_pin(window, "0000")

    assert not window.pin_page.field.isEnabled()
    assert not window.pin_page.keys["OK"].isEnabled()
    assert window.pin_page.message.text() == f"Too many wrong PINs — try again in {LOCKOUT_S} s"


def test_the_first_manager_access_asks_to_choose_a_pin(qtbot, window, settings_file):
    window.open_manager()
    assert window.pin_page.choosing

    enter_pin(window, "1357")
    assert window.pin_page.prompt.text() == "Enter the same PIN again"
    enter_pin(window, "1357")

    assert window.pages.currentWidget() is window.manager_page
    assert check_pin("1357", load_settings(settings_file).pin_hash)
    assert check_pin("1357", window.settings.pin_hash)


def test_two_different_new_pins_are_not_kept(window, settings_file):
    window.open_manager()
    enter_pin(window, "1357")
    enter_pin(window, "7531")

    assert window.pin_page.message.text() == "The two PINs differ — choose again"
    assert window.pages.currentWidget() is window.pin_page
    assert window.settings.pin_hash == ""
    assert not settings_file.exists()


def test_a_new_pin_must_have_four_to_eight_digits(window):
    window.open_manager()
    enter_pin(window, "12")

    assert window.pin_page.message.text() == "Use 4 to 8 digits"


def test_the_manager_view_counts_products_stations_and_entries(qtbot, make_window, pinned_settings):
    window = make_window(pinned_settings)
    for payload in (item_uuid(GA, 1), item_uuid(GA, 2), item_uuid(GA, 2), item_uuid(DRINKS, 1)):
        scan(qtbot, window, payload)

    open_manager(qtbot, window)

    page = window.manager_page
    products = {row[0]: row[1:] for row in table_rows(page.products)}
    assert products["General Admission"] == ["40", "2", "2", "38"]  # issued, checked in, fully used, uses left
    assert table_rows(page.stations) == [["Door 1", "2", "2"]]  # the used ticket and the voucher refused
    assert page.people_card.value.text() == "2 of 55"  # GA 40, VIP 10, Early Bird 5
    assert page.waiting_card.value.text() == "2"
    assert page.conflict_card.value.text() == "0"
    assert "2 pending" in page.queue.text()
    assert page.chart.bars is not None
    assert sum(page.chart.bars.opts["height"]) == 2


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


def test_leaving_the_manager_view_locks_it_again(qtbot, make_window, pinned_settings):
    window = make_window(pinned_settings)
    open_manager(qtbot, window)
    window.show_scanning()

    window.open_setup()

    assert window.pages.currentWidget() is window.pin_page


def test_a_scan_while_the_manager_view_is_open_is_shown_at_once(qtbot, make_window, pinned_settings):
    window = make_window(pinned_settings)
    open_manager(qtbot, window)

    scan(qtbot, window, item_uuid(GA, 1))

    assert window.pages.currentWidget() is window.panel
    window.open_setup()
    assert window.pages.currentWidget() is window.pin_page  # the scan closed the manager view


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
    assert rows[0][0].startswith("General Admission · ")
    assert rows[0][1].endswith(" at Door 1")
    assert rows[0][2].endswith(": Item already fully redeemed")
    assert window.manager_page.conflict_card.value.text() == "1"
