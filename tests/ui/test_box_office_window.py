"""Where the box office sits in the kiosk window: two taps from the manager view, behind the PIN; on a
box-office station, its own button; a scan while staff sell shows its verdict over the desk and leaves the sale
as it was; and the desk closes with the PIN at a door."""
from __future__ import annotations

from ui_helpers import PIN, FakeClock, door_settings, enter_pin, scan

from app.config import StationSettings
from app.demo_data import GA, item_uuid
from app.ui.manager_session import UNLOCKED_FOR_S, ManagerSession


def box_office_station(**changes):  # type: ignore[no-untyped-def]
    """A station set up as a box office."""
    settings = door_settings(**changes)
    return settings.model_copy(update={"station": StationSettings(name="Box 1", preset="box_office")})


def test_the_box_office_is_two_taps_from_the_manager_view_behind_the_pin(qtbot, pinned_window) -> None:
    pinned_window.open_manager()
    enter_pin(pinned_window, PIN)
    assert pinned_window.pages.currentWidget() is pinned_window.manager_page
    pinned_window.manager_page.box_office_button.click()
    assert pinned_window.pages.currentWidget() is pinned_window.box_office_page
    assert not pinned_window.box_office_button.isVisible() and pinned_window.search_button.isVisible()


def test_station_setup_makes_a_station_a_box_office_with_its_own_top_bar_button(qtbot, pinned_window) -> None:
    pinned_window.open_setup()
    enter_pin(pinned_window, PIN)
    next(b for b in pinned_window.setup_page.preset_group.buttons() if b.text() == "Box office").click()
    assert pinned_window.setup_page.apply()
    assert pinned_window.settings.station.preset == "box_office"
    assert pinned_window.box_office_button.isVisible() and not pinned_window.search_button.isVisible()


def test_a_box_office_station_opens_its_desk_from_the_top_bar_without_the_pin(qtbot, make_window, pinned_settings) -> None:
    window = make_window(box_office_station(pin_hash=pinned_settings.pin_hash))
    assert window.box_office_button.isVisible() and not window.search_button.isVisible()
    window.box_office_button.click()
    assert window.pages.currentWidget() is window.box_office_page
    assert window.box_office_page.title.text() == "Box office — Box 1"


def test_a_scan_while_selling_shows_its_verdict_over_the_desk_and_leaves_the_sale_as_it_was(qtbot, make_window) -> None:
    window = make_window(box_office_station())
    window.open_box_office()
    page = window.box_office_page
    qtbot.waitUntil(lambda: page.product_buttons.buttons() != [])
    page.product_button("VIP").click()
    page.customer.field.setText("half typed")
    verdict = scan(qtbot, window, item_uuid(GA, 7))
    assert verdict.accepted and window.overlay.isVisible()
    assert window.pages.currentWidget() is page and page.customer.field.text() == "half typed"
    assert page.chosen_offer().name == "VIP"


def test_an_email_code_scanned_at_the_desk_names_the_customer_and_is_not_redeemed(qtbot, make_window) -> None:
    window = make_window(box_office_station())
    window.open_box_office()
    shown = []
    window.verdict_shown.connect(lambda verdict, _latency: shown.append(verdict))
    window.on_payload("mailto:walk.up@example.net")
    assert window.box_office_page.customer.field.text() == "walk.up@example.net" and shown == []


def test_at_a_door_the_desk_closes_once_the_pin_lapses(qtbot, make_window, pinned_settings) -> None:
    clock = FakeClock()
    window = make_window(pinned_settings, manager_session=ManagerSession(clock))
    window.open_box_office()
    enter_pin(window, PIN)
    assert window.pages.currentWidget() is window.box_office_page
    clock.now += UNLOCKED_FOR_S + 1
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.panel, timeout=3000)  # the 1 s timer
