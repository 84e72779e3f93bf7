"""Kiosk lock: full screen, no way out without the PIN, and scanning goes on."""
from __future__ import annotations

from PySide6.QtCore import Qt
from ui_helpers import open_search, PIN, enter_pin, scan

from app.demo_data import GA, item_uuid
from app.domain.verdict import VerdictKind


def test_a_locked_kiosk_is_full_screen_and_refuses_to_close(make_window, pinned_settings):
    window = make_window(pinned_settings, kiosk=True)

    assert window.isFullScreen()
    assert window.close() is False
    assert window.isVisible()
    assert "leave kiosk mode" in window.strip.notice.text()


def test_escape_does_not_leave_a_locked_kiosk(qtbot, make_window, pinned_settings):
    window = make_window(pinned_settings, kiosk=True)

    qtbot.keyClick(window, Qt.Key.Key_Escape)

    assert window.isFullScreen() and window.isVisible()


def test_escape_goes_back_to_scanning_from_another_page(qtbot, pinned_window):
    window = pinned_window
    open_search(window)

    qtbot.keyClick(window, Qt.Key.Key_Escape)

    assert window.pages.currentWidget() is window.panel


def test_leaving_kiosk_mode_needs_the_pin(make_window, pinned_settings):
    window = make_window(pinned_settings, kiosk=True)
    window.open_manager()
    enter_pin(window, "9999")
    assert window.pages.currentWidget() is window.pin_page
    enter_pin(window, PIN)

    assert window.manager_page.kiosk_button.text() == "Leave kiosk mode"
    window.manager_page.kiosk_button.click()

    assert not window.kiosk_locked
    assert not window.isFullScreen()
    assert window.close() is True


def test_the_manager_can_lock_the_kiosk(qtbot, make_window, pinned_settings):
    window = make_window(pinned_settings)
    window.open_manager()
    enter_pin(window, PIN)

    window.manager_page.kiosk_button.click()

    assert window.kiosk_locked and window.isFullScreen()
    assert window.pages.currentWidget() is window.panel


def test_scanning_goes_on_while_locked(qtbot, make_window, pinned_settings):
    window = make_window(pinned_settings, kiosk=True)

    assert scan(qtbot, window, item_uuid(GA, 1)).kind is VerdictKind.ACCEPTED
    assert window.isFullScreen()


def test_a_locked_kiosk_with_no_pin_never_offers_to_choose_one(make_window):
    window = make_window(kiosk=True)  # no PIN set (the command line refuses this; the window holds anyway)

    for open_page in (window.open_manager, window.open_search, window.open_setup):
        open_page()
        assert window.pages.currentWidget() is window.pin_page
        assert not window.pin_page.choosing
        assert "usher pin set" in window.pin_page.prompt.text()
        for pin in ("000000", "000000"):
            enter_pin(window, pin)
        assert window.pages.currentWidget() is window.pin_page
    assert window.settings.pin_hash == "" and window.kiosk_locked


def test_a_locked_kiosk_stays_on_top_and_grabs_the_keyboard_yet_fields_still_get_typing(qtbot, make_window,
                                                                                         pinned_settings):
    window = make_window(pinned_settings, kiosk=True)

    assert window.windowFlags() & Qt.WindowType.WindowStaysOnTopHint
    assert window.keyboardGrabber() is window
    window.open_manager()
    window.pin_page.field.setFocus()
    qtbot.keyClicks(window, PIN)  # typed at the window, which holds the keyboard: passed on to the PIN field
    qtbot.keyClick(window, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.manager_page, timeout=3000)

    window.manager_page.kiosk_button.click()
    assert window.keyboardGrabber() is None
    assert not window.windowFlags() & Qt.WindowType.WindowStaysOnTopHint
