"""The status strip: online/offline in plain words, a manual override, what waits, when it last synced."""
from __future__ import annotations

import time

from ui_helpers import RecordingSync, scan

from app.demo_data import GA, item_uuid
from app.sync.local_only import NOT_CONFIGURED_MESSAGE
from app.sync.status import Connectivity, Override, SyncStatus
from app.ui.status_strip import synced_ago_text


def offline(waiting: int) -> SyncStatus:
    return SyncStatus(Connectivity.OFFLINE, Override.AUTO, waiting, 0, time.time() - 130,
                      "Offline — scans are saved here and will sync")


def test_a_station_without_api_says_so_and_counts_what_waits(qtbot, window):
    assert window.strip.badge.text().startswith("NO API")
    assert window.strip.message.text() == NOT_CONFIGURED_MESSAGE
    assert window.strip.waiting.text() == "nothing waiting to sync"

    scan(qtbot, window, item_uuid(GA, 1))
    window.poll_sync()

    assert window.strip.waiting.text() == "1 waiting to sync"


def test_going_offline_is_announced_in_plain_words(qtbot, make_window):
    sync = RecordingSync()
    window = make_window(sync=sync)
    assert window.strip.badge.text().startswith("ONLINE")

    sync.shown = offline(12)
    qtbot.waitUntil(lambda: window.strip.badge.text().startswith("OFFLINE"), timeout=3000)  # polled each second

    assert window.strip.message.text() == "Offline — scans are saved here and will sync"
    assert window.strip.waiting.text() == "12 waiting to sync"
    assert window.strip.last_sync.text() == "synced 2 min ago"


def test_the_badge_menu_forces_offline_online_or_back_to_automatic(make_window):
    sync = RecordingSync()
    window = make_window(sync=sync)
    actions = window.strip.override_actions

    actions[Override.FORCE_OFFLINE].trigger()
    assert window.strip.badge.text().startswith("OFFLINE (forced)")
    assert actions[Override.FORCE_OFFLINE].isChecked()
    actions[Override.FORCE_ONLINE].trigger()
    actions[Override.AUTO].trigger()

    assert sync.overrides == [Override.FORCE_OFFLINE, Override.FORCE_ONLINE, Override.AUTO]
    assert window.strip.badge.text().startswith("ONLINE  ")


def test_the_override_is_not_offered_when_there_is_no_api(window):
    assert not any(action.isEnabled() for action in window.strip.override_actions.values())
    assert "Station setup" in window.strip.badge.toolTip()


def test_a_paused_queue_says_what_to_do(make_window):
    sync = RecordingSync(SyncStatus(Connectivity.PAUSED, Override.AUTO, 3, 0, None,
                                    "Paused — the server refused the API key; fix it in Station setup"))
    window = make_window(sync=sync)

    assert window.strip.badge.text().startswith("PAUSED")
    assert "fix it in Station setup" in window.strip.message.text()
    assert window.strip.last_sync.text() == "never synced"


def test_last_sync_reads_the_way_people_say_it():
    now = 1_000_000.0
    assert synced_ago_text(None, now) == "never synced"
    assert synced_ago_text(now - 3, now) == "synced just now"
    assert synced_ago_text(now - 42, now) == "synced 42 s ago"
    assert synced_ago_text(now - 150, now) == "synced 2 min ago"
    assert synced_ago_text(now - 3 * 3600 - 5, now) == "synced 3 h ago"
    assert synced_ago_text(now - 2 * 86400, now) == "synced 2 days ago"


def test_the_strip_names_the_station(window):
    assert window.strip.station.text() == "Door 1"
