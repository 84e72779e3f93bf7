"""Two roles on one kiosk: a steward scans and undoes their own last scan with the steward PIN; everything
with guests' data or the station's settings, and leaving the lock, needs the manager PIN."""
from __future__ import annotations

import pytest
from sqlalchemy import text
from ui_helpers import PIN, QUICK_COST, FakeClock, enter_pin, scan

from app.demo_data import GA, item_uuid
from app.domain.verdict import VerdictKind
from app.secrets import hash_pin
from app.ui.main_window import SIGNED_OUT, STEWARD_IDLE_S
from app.ui.manager_session import ManagerSession

STEWARD_PIN = "1357"


@pytest.fixture
def two_pins(pinned_settings):  # type: ignore[no-untyped-def]
    return pinned_settings.model_copy(update={"steward_pin_hash": hash_pin(STEWARD_PIN, QUICK_COST)})


def scans_recorded(replica) -> int:  # type: ignore[no-untyped-def]
    with replica.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM scans")).scalar()


def test_with_a_steward_pin_nothing_is_scanned_until_a_steward_signs_in(qtbot, make_window, two_pins, demo_replica):
    window = make_window(two_pins, kiosk=True)

    assert window.pages.currentWidget() is window.pin_page
    assert "steward PIN" in window.pin_page.prompt.text() and not window.pin_page.cancel_button.isVisible()
    assert not window.sign_out_button.isVisible()
    window.on_payload(item_uuid(GA, 1))
    qtbot.wait(200)
    assert window.idle() and scans_recorded(demo_replica) == 0
    assert window.strip.notice.text() == SIGNED_OUT

    enter_pin(window, STEWARD_PIN)

    assert window.pages.currentWidget() is window.panel
    assert scan(qtbot, window, item_uuid(GA, 1)).kind is VerdictKind.ACCEPTED


def test_a_steward_undoes_their_own_last_scan(qtbot, make_window, two_pins):
    window = make_window(two_pins, kiosk=True)
    enter_pin(window, STEWARD_PIN)
    scan(qtbot, window, item_uuid(GA, 1))

    window.panel.undo_button.click()
    qtbot.waitUntil(lambda: window.panel.state == "undo", timeout=5000)

    assert scan(qtbot, window, item_uuid(GA, 1)).kind is VerdictKind.ACCEPTED


def test_the_steward_pin_opens_no_page_of_the_managers(make_window, two_pins):
    window = make_window(two_pins, kiosk=True)
    enter_pin(window, STEWARD_PIN)

    for open_page in (window.open_search, window.open_manager, window.open_setup):
        open_page()
        assert window.pages.currentWidget() is window.pin_page
        assert window.pin_page.prompt.text() == "Enter the manager PIN"
        enter_pin(window, STEWARD_PIN)
        assert window.pages.currentWidget() is window.pin_page
        assert window.pin_page.message.text() == "Wrong PIN — try again" or "Too many" in window.pin_page.message.text()
    assert window.kiosk_locked and not window.manager_session.unlocked


def test_the_manager_pin_starts_scanning_too_and_opens_the_managers_pages(make_window, two_pins):
    window = make_window(two_pins, kiosk=True)
    enter_pin(window, PIN)

    assert window.pages.currentWidget() is window.panel
    window.open_manager()
    assert window.pages.currentWidget() is window.manager_page


def test_a_steward_is_signed_out_after_a_long_pause_or_by_sign_out(qtbot, make_window, two_pins):
    clock = FakeClock()
    window = make_window(two_pins, kiosk=True, steward_session=ManagerSession(clock, STEWARD_IDLE_S))
    enter_pin(window, STEWARD_PIN)
    scan(qtbot, window, item_uuid(GA, 1))
    clock.now += STEWARD_IDLE_S - 1
    scan(qtbot, window, item_uuid(GA, 2))  # a scan keeps the steward signed in
    clock.now += STEWARD_IDLE_S - 1
    qtbot.wait(1100)
    assert window.pages.currentWidget() is window.panel

    clock.now += 2
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.pin_page, timeout=3000)  # the 1 s timer

    enter_pin(window, STEWARD_PIN)
    assert window.sign_out_button.isVisible()
    window.sign_out_button.click()
    assert window.pages.currentWidget() is window.pin_page


def test_without_a_steward_pin_scanning_needs_none(qtbot, make_window, pinned_settings):
    window = make_window(pinned_settings, kiosk=True)

    assert window.pages.currentWidget() is window.panel and not window.sign_out_button.isVisible()
    assert scan(qtbot, window, item_uuid(GA, 1)).kind is VerdictKind.ACCEPTED


def test_with_the_pin_guard_the_kiosk_asks_it_and_holds_no_hash(qtbot, make_window, pinned_settings):
    from guard_helpers import MANAGER_PIN, running_guard

    with running_guard() as (pins, _folder):
        settings = pinned_settings.model_copy(update={"pin_hash": ""})  # the guard keeps the PINs, not the settings
        window = make_window(settings, kiosk=True, pins=pins)
        assert window.pages.currentWidget() is window.pin_page  # the guard has a steward PIN
        enter_pin(window, STEWARD_PIN)
        assert window.pages.currentWidget() is window.panel
        window.open_manager()
        enter_pin(window, STEWARD_PIN)
        assert window.pages.currentWidget() is window.pin_page
        enter_pin(window, MANAGER_PIN)
        assert window.pages.currentWidget() is window.manager_page
    window.sign_out()
    window.open_manager()
    enter_pin(window, MANAGER_PIN)  # the guard has stopped: nothing opens, and the page says why
    assert window.pages.currentWidget() is window.pin_page and "PIN guard" in window.pin_page.message.text()


def test_with_only_a_steward_pin_nobody_chooses_the_managers_on_screen(make_window, two_pins):
    window = make_window(two_pins.model_copy(update={"pin_hash": ""}))  # `usher pin reset` after both were set
    enter_pin(window, STEWARD_PIN)

    window.open_manager()

    assert window.pages.currentWidget() is window.pin_page and not window.pin_page.choosing
    assert "usher pin set" in window.pin_page.prompt.text() and not window.pin_page.field.isVisible()


def test_the_sign_out_button_keeps_the_top_bar_within_a_1024_pixel_screen(qtbot, make_window, two_pins):
    window = make_window(two_pins)  # no API and no camera: the strip's longest texts
    enter_pin(window, STEWARD_PIN)
    window.resize(1024, 600)
    qtbot.wait(50)

    assert window.sign_out_button.isVisible() and window.minimumSizeHint().width() <= 1024
    assert window.width() == 1024
    corner = window.sign_out_button.mapTo(window, window.sign_out_button.rect().bottomRight())
    assert window.rect().contains(corner)


def test_the_manager_chooses_the_steward_pin_in_setup_and_stewards_then_sign_in_with_it(qtbot, make_window,
                                                                                         pinned_settings, settings_file):
    from app.config import load_settings
    from app.secrets import check_pin
    from ui_helpers import PIN

    window = make_window(pinned_settings)
    window.open_setup()
    enter_pin(window, PIN)
    box = window.setup_page.staff_pins
    box.pin_field.setText("2468")
    box.again_field.setText("2468")

    with qtbot.waitSignal(window.setup_page.applied, timeout=10_000):
        assert window.setup_page.apply() is False  # the hash is made off the UI thread, then kept
    saved = load_settings(settings_file)

    assert check_pin("2468", saved.steward_pin_hash) and window.settings.steward_pin_hash == saved.steward_pin_hash
    window.sign_out()
    assert window.pages.currentWidget() is window.pin_page
    enter_pin(window, "2468")
    assert window.pages.currentWidget() is window.panel
