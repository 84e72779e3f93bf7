"""UI tests drive the real window over a real replica (the demo event, imported in tmp_path)."""
from __future__ import annotations

from pathlib import Path

import pytest
from ui_helpers import PIN, QUICK_COST, door_settings

from app.config import Settings
from app.secrets import hash_pin
from app.services.station import UNDO_HOLD_S, Station
from app.sync.local_only import LocalOnlySync
from app.ui.main_window import MainWindow


@pytest.fixture(autouse=True)
def _no_api_key_from_the_environment(monkeypatch):
    monkeypatch.delenv("USHER_API_KEY", raising=False)


@pytest.fixture
def settings_file(tmp_path) -> Path:
    return tmp_path / "config" / "settings.json"


@pytest.fixture
def make_window(qtbot, demo_replica, settings_file):
    """Builds a MainWindow from parts, shown at the kiosk's size; cleans up even when locked."""
    windows: list[MainWindow] = []

    def build(settings: Settings | None = None, sync=None, **options) -> MainWindow:  # type: ignore[no-untyped-def]
        settings = settings or door_settings()
        station = Station(demo_replica, settings.station.rules(), hold_for_undo_s=UNDO_HOLD_S)  # as the kiosk does
        window = MainWindow(demo_replica, settings, station, sync or LocalOnlySync(demo_replica),
                            settings_file=settings_file, **options)
        qtbot.addWidget(window)
        if not window.kiosk_locked:  # a locked kiosk is already full screen
            window.resize(1280, 800)
        window.show()
        windows.append(window)
        return window

    yield build
    for window in windows:
        window.kiosk_locked = False
        window.shutdown()


@pytest.fixture
def window(make_window) -> MainWindow:
    return make_window()


@pytest.fixture
def pinned_settings() -> Settings:
    return door_settings(pin_hash=hash_pin(PIN, QUICK_COST))


@pytest.fixture
def pinned_window(make_window, pinned_settings) -> MainWindow:
    return make_window(pinned_settings)
