"""Station setup: checked field by field in plain words, kept, and used at once — no restart."""
from __future__ import annotations

import json
import logging

import pytest
from PySide6.QtCore import Qt
from canned_http import CannedServer
from ui_helpers import PIN, door_settings, enter_pin, scan, widget_texts

from app.config import ApiConfig, load_settings
from app.scan.camera_setting import NO_CAMERA
from app.demo_data import DRINKS, GA, VIP, item_uuid
from app.domain.verdict import VerdictKind
from app.secrets import load_api_key, mask, store_api_key
from app.simulator.demo_data import DEMO_READ_KEY, DEMO_WRITE_KEY
from app.simulator.server import SimulatorServer
from app.ui.setup_page import OTHER_CAMERA

SECRET_KEY = "sk_live_7fQm2b9XoPz4T1cVw8Ld"
API = "https://api.example.com"


def open_setup(window) -> None:  # type: ignore[no-untyped-def]
    window.open_setup()
    if window.pages.currentWidget() is window.pin_page:  # not when the PIN was entered a moment ago
        enter_pin(window, PIN)
    assert window.pages.currentWidget() is window.setup_page


@pytest.fixture
def setup_window(make_window, pinned_settings, qtbot):  # type: ignore[no-untyped-def]
    window = make_window(pinned_settings)
    open_setup(window)
    qtbot.waitUntil(lambda: window.setup_page.products_list.count() == 4, timeout=3000)
    return window


def test_the_first_run_opens_station_setup_without_a_pin(make_window):
    window = make_window(first_run=True)

    assert window.pages.currentWidget() is window.setup_page
    assert window.setup_page.title.text() == "Set up this station"


def test_a_fresh_install_started_locked_at_login_still_opens_setup(make_window):
    window = make_window(first_run=True, kiosk=True)

    assert window.kiosk_locked
    assert window.pages.currentWidget() is window.setup_page


def test_setup_needs_the_pin(make_window, pinned_settings):
    window = make_window(pinned_settings)

    window.open_setup()

    assert window.pages.currentWidget() is window.pin_page


def test_a_wrong_pin_is_refused(make_window, pinned_settings):
    window = make_window(pinned_settings)

    window.open_setup()
    enter_pin(window, "0000")

    assert window.pages.currentWidget() is window.pin_page
    assert window.pin_page.message.text() == "Wrong PIN — try again"


def test_a_new_station_name_shows_at_once_in_the_strip_and_the_next_verdict(qtbot, setup_window, settings_file):
    window = setup_window
    window.setup_page.name_field.setText("Door 7")

    with qtbot.waitSignal(window.settings_changed) as changed:
        window.setup_page.save_button.click()

    assert changed.args[0].station.name == "Door 7"
    assert window.pages.currentWidget() is window.panel
    assert window.strip.station.text() == "Door 7"
    verdict = scan(qtbot, window, item_uuid(GA, 1))
    assert verdict.station == "Door 7"
    assert "Door 7" in window.panel.footer.text()
    assert load_settings(settings_file).station.name == "Door 7"


def test_switching_the_station_to_the_bar_applies_to_the_next_scan(qtbot, setup_window):
    window = setup_window
    assert scan(qtbot, window, item_uuid(DRINKS, 1)).kind is VerdictKind.WRONG_STATION
    open_setup(window)

    next(b for b in window.setup_page.preset_group.buttons() if b.text() == "Bar").click()
    window.setup_page.save_button.click()

    assert scan(qtbot, window, item_uuid(DRINKS, 1)).kind is VerdictKind.ACCEPTED
    assert window.panel.detail.text() == "Serve it — 2 of 3 drinks left"
    assert window.panel.headline.text() == "VALID"


def test_ticking_products_limits_what_the_station_accepts(qtbot, setup_window):
    window = setup_window
    products = window.setup_page.products_list
    for row in range(products.count()):
        item = products.item(row)
        if item.data(Qt.ItemDataRole.UserRole) == VIP.id:
            item.setCheckState(Qt.CheckState.Checked)

    window.setup_page.save_button.click()

    assert window.settings.station.product_ids == [VIP.id]
    assert scan(qtbot, window, item_uuid(GA, 1)).kind is VerdictKind.WRONG_STATION
    assert scan(qtbot, window, item_uuid(VIP, 1)).kind is VerdictKind.ACCEPTED


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("name_field", "   ", "name"),
        ("name_field", "D" * 61, "name"),
        ("url_field", "api.example.com", "url"),
        ("url_field", "https://", "url"),
        ("event_field", "event-42", "event"),
        ("key_field", "two words", "key"),
    ],
)
def test_a_bad_field_gets_a_plain_message_and_nothing_changes(setup_window, settings_file, field, value, error):
    window = setup_window
    before = window.settings
    getattr(window.setup_page, field).setText(value)

    assert window.setup_page.apply() is False

    label = window.setup_page.errors[error]
    assert label.isVisible() and label.text()
    assert "nothing was changed" in window.setup_page.message.text()
    assert window.settings == before
    assert window.pages.currentWidget() is window.setup_page
    assert not settings_file.exists()
    assert load_api_key(API) == ""


def test_a_product_id_that_is_not_an_id_is_named_in_the_message(setup_window):
    page = setup_window.setup_page
    page.add_id_field.setText("beer-tokens")
    page.add_id_button.click()

    assert "“beer-tokens”" in page.errors["download"].text()
    assert page.apply() is False  # the text is still in the field: not silently dropped


def test_products_to_download_are_listed_by_name_and_an_added_id_is_kept(setup_window):
    page = setup_window.setup_page
    names = [page.download_list.item(row).text() for row in range(page.download_list.count())]
    assert names[0].startswith(DRINKS.name) or any(n.startswith(GA.name) for n in names)
    assert not [n for n in names if "-" in n.split()[0] and len(n.split()[0]) == 36]  # no bare IDs for known products
    new_id = "0f8fad5b-d9cb-469f-a165-70867728950e"
    page.add_id_field.setText(new_id.upper())
    page.add_id_button.click()

    assert page.apply() is True
    assert setup_window.settings.product_ids == [new_id]


def test_a_camera_that_is_not_there_is_refused(setup_window, tmp_path):
    page = setup_window.setup_page
    page.camera_choice.setCurrentIndex(page.camera_choice.findData(OTHER_CAMERA))
    page.camera_value.setText(str(tmp_path / "no-such-video.mp4"))
    assert page.apply() is False
    assert "Nothing found at" in page.errors["camera"].text()

    page.camera_value.setText("1")
    assert page.apply() is True
    assert setup_window.settings.camera == "1"


def test_the_camera_list_names_each_camera_and_says_when_there_is_none(make_window, pinned_settings, tmp_path):
    window = make_window(pinned_settings)
    open_setup(window)
    page = window.setup_page
    assert page.camera_hint.isVisible() and "No camera found" in page.camera_hint.text()  # this test machine
    sysfs = tmp_path / "v4l"
    (sysfs / "video0").mkdir(parents=True)
    (sysfs / "video0" / "name").write_text("HD Pro Webcam C920\n")
    page._sysfs = sysfs

    page.camera_refresh.click()

    choices = [page.camera_choice.itemText(i) for i in range(page.camera_choice.count())]
    assert "HD Pro Webcam C920 (/dev/video0)" in choices
    assert choices[0] == "The first camera found — now HD Pro Webcam C920 (/dev/video0)"
    assert not page.camera_hint.isVisible()


def test_choosing_a_camera_previews_it_at_once_and_cancel_switches_back(qtbot, setup_window, tmp_path):
    page = setup_window.setup_page
    requested: list[str] = []
    setup_window.camera_requested.connect(requested.append)
    page.camera_choice.setCurrentIndex(page.camera_choice.findData(NO_CAMERA))
    page.camera_choice.setCurrentIndex(page.camera_choice.findData(OTHER_CAMERA))
    page.camera_value.setText(str(tmp_path))
    page.camera_value.editingFinished.emit()

    page.cancel_button.click()

    assert requested == [NO_CAMERA, str(tmp_path), setup_window.settings.camera]


def test_an_api_address_needs_a_key(setup_window):
    page = setup_window.setup_page
    page.url_field.setText("https://api.example.com")

    assert page.apply() is False
    assert page.errors["key"].text() == "Type the API key for this server"


def test_the_api_key_is_kept_in_secrets_and_only_ever_shown_masked(qtbot, setup_window, settings_file, caplog):
    caplog.set_level(logging.DEBUG)
    page = setup_window.setup_page
    page.url_field.setText("https://api.example.com")
    page.key_field.setText(SECRET_KEY)

    assert page.apply() is True

    assert load_api_key(API) == SECRET_KEY
    assert SECRET_KEY not in settings_file.read_text()
    open_setup(setup_window)
    texts = widget_texts(setup_window)
    assert not [t for t in texts if SECRET_KEY in t]
    assert page.key_field.text() == ""
    assert mask(SECRET_KEY) in page.key_field.placeholderText()
    assert SECRET_KEY not in caplog.text


def test_a_stored_key_is_kept_when_the_field_is_left_empty(make_window, pinned_settings):
    store_api_key(SECRET_KEY, API)
    window = make_window(pinned_settings.model_copy(update={"api": ApiConfig(base_url=API)}))
    open_setup(window)
    window.setup_page.name_field.setText("Door 3")

    assert window.setup_page.apply() is True
    assert load_api_key(API) == SECRET_KEY


def test_changing_the_api_address_asks_for_the_key_again_and_never_sends_it_there(make_window, pinned_settings):
    store_api_key(SECRET_KEY, API)
    window = make_window(pinned_settings.model_copy(update={"api": ApiConfig(base_url=API)}))
    open_setup(window)
    page = window.setup_page
    elsewhere = CannedServer()  # a real server on this computer, which would record any key sent to it
    try:
        page.url_field.setText(elsewhere.url)
        page.test_connection()
        assert page.probe_result.text() == "Type the server's address and its API key first"

        assert page.apply() is False
        assert page.errors["key"].text().startswith("The address changed: type the API key for this server")
        assert load_api_key(elsewhere.url) == ""  # whatever reads the key for that address gets none
        assert elsewhere.requests == []
    finally:
        elsewhere.close()


@pytest.mark.parametrize("url", ["http://api.example.com", "http://10.0.0.7:8000", "http://api.mufi.app.evil.test"])
def test_plain_http_is_refused_with_a_clear_message_unless_it_stays_on_this_computer(setup_window, url):
    page = setup_window.setup_page
    page.url_field.setText(url)
    page.key_field.setText(SECRET_KEY)

    assert page.apply() is False
    assert page.errors["url"].text().startswith("Plain http:// would send the API key unencrypted: use https://")
    assert load_api_key(url) == ""


def test_setup_keeps_what_the_form_does_not_show(setup_window, settings_file):
    page = setup_window.setup_page
    page.hide_names.setChecked(True)
    page.verdict_seconds.setCurrentIndex(page.verdict_seconds.findData(8.0))

    assert page.apply() is True

    saved = json.loads(settings_file.read_text())
    assert saved["pin_hash"] == setup_window.settings.pin_hash != ""
    assert saved["cooldown_s"] == door_settings().cooldown_s
    assert saved["hide_names"] is True
    assert saved["verdict_seconds"] == 8.0


def test_cancel_goes_back_to_the_manager_view_and_changes_nothing(setup_window):
    before = setup_window.settings
    setup_window.setup_page.name_field.setText("Somewhere else")

    setup_window.setup_page.cancel_button.click()

    assert setup_window.settings == before
    assert setup_window.pages.currentWidget() is setup_window.manager_page


UNKNOWN_PRODUCT = "00000000-0000-4000-8000-0000000000aa"


@pytest.fixture
def simulator(tmp_path):  # type: ignore[no-untyped-def]
    with SimulatorServer(tmp_path / "sim.db", seed="demo") as sim:
        yield sim


def test_the_connection_test_names_the_products_and_keeps_what_the_server_offers(qtbot, setup_window, simulator):
    page = setup_window.setup_page
    page.url_field.setText(simulator.url)
    page.key_field.setText(DEMO_WRITE_KEY)
    page.add_id_field.setText(UNKNOWN_PRODUCT)
    page.add_id_button.click()

    page.test_button.click()
    qtbot.waitUntil(lambda: page.test_button.isEnabled() and page.probe_result.text().startswith("Server reached"),
                    timeout=15_000)

    lines = page.probe_result.text().splitlines()
    assert lines[:3] == ["Server reached: yes", "API key accepted: yes", "May upload scans: yes"]
    assert lines[3] == "Optional endpoints: list items yes, read one item yes, sales yes"
    names = {page.download_list.item(r).data(Qt.ItemDataRole.UserRole): page.download_list.item(r).text()
             for r in range(page.download_list.count())}
    assert names[GA.id] == GA.name
    assert names[UNKNOWN_PRODUCT] == f"{UNKNOWN_PRODUCT}  (not found on the server)"
    assert page.apply() is True
    assert setup_window.settings.api.sales is True  # off by default; the server was found to offer it
    assert DEMO_WRITE_KEY not in " ".join(widget_texts(setup_window))


def test_the_connection_test_says_when_a_key_may_only_read(qtbot, setup_window, simulator):
    page = setup_window.setup_page
    page.url_field.setText(simulator.url)
    page.key_field.setText(DEMO_READ_KEY)

    page.test_button.click()
    qtbot.waitUntil(lambda: page.test_button.isEnabled() and "May upload scans" in page.probe_result.text(),
                    timeout=15_000)

    assert "May upload scans: no" in page.probe_result.text()
    assert "read but not write" in page.probe_result.text()


def test_the_connection_test_needs_an_address_and_a_key_first(setup_window):
    page = setup_window.setup_page
    page.test_button.click()
    assert page.probe_result.text() == "Type the server's address and its API key first"


def test_setup_takes_the_venue_database_tests_it_in_words_and_keeps_it_without_a_password(setup_window, qtbot,
                                                                                           venue_url):
    page = setup_window.setup_page
    page.venue_field.setText("postgresql+psycopg://usher_kiosk:hunter2@db.venue.lan/usher")
    assert page.apply() is False
    assert "~/.pgpass" in page.errors["venue"].text()

    page.venue_field.setText(venue_url.replace("/test_", "/no_such_"))
    page.venue_test_button.click()
    qtbot.waitUntil(lambda: page.venue_test_button.isEnabled() and page.venue_result.text().startswith("✗"),
                    timeout=15_000)
    assert "does not exist" in page.venue_result.text()

    page.venue_field.setText(venue_url)
    page.venue_test_button.click()
    qtbot.waitUntil(lambda: page.venue_result.text().startswith("✓"), timeout=15_000)
    assert "the schema matches this kiosk" in page.venue_result.text()
    assert "next start" in page.venue_result.text()
    assert page.apply() is True
    assert load_settings(page._settings_file).venue_db_url == venue_url
