"""Helpers the UI tests share: a recording SyncControl, settings, and driving a scan."""
from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from typing import Callable

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QAbstractButton, QLabel, QLineEdit, QPlainTextEdit, QTableWidget, QWidget

from app.config import Settings, StationSettings
from app.domain.verdict import Verdict
from app.secrets import ScryptCost
from app.sync.status import Connectivity, Override, SyncStatus
from app.ui.main_window import MainWindow

PIN = "246813"
# A PIN hash as cheap as scrypt allows, so that the tests do not spend a second on each PIN typed.
QUICK_COST = ScryptCost(n=2**4, r=1, p=1)
SCAN_TIMEOUT_MS = 5000


@dataclass
class RecordingSync:
    """A SyncControl standing in for the sync engine (written elsewhere): shows a given status and
    records what the UI asked of it."""

    shown: SyncStatus = field(default_factory=lambda: SyncStatus(
        Connectivity.ONLINE, Override.AUTO, 0, 0, None, "Online — every scan is synced"))
    overrides: list[Override] = field(default_factory=list)
    sync_requests: int = 0

    def status(self) -> SyncStatus:
        return self.shown

    def set_override(self, override: Override) -> None:
        self.overrides.append(override)
        connectivity = {Override.FORCE_OFFLINE: Connectivity.OFFLINE,
                        Override.FORCE_ONLINE: Connectivity.ONLINE}.get(override, self.shown.connectivity)
        self.shown = replace(self.shown, connectivity=connectivity, override=override)

    def sync_now(self) -> None:
        self.sync_requests += 1


@dataclass
class FakeClock:
    """A clock the test moves by hand."""

    now: float = 1_000.0

    def __call__(self) -> float:
        return self.now


def door_settings(**changes) -> Settings:  # type: ignore[no-untyped-def]
    station = StationSettings(name=changes.pop("name", "Door 1"), preset=changes.pop("preset", "door"),
                              refuse_inactive=changes.pop("refuse_inactive", False))
    return Settings(station=station, **changes)


def scan(qtbot, window: MainWindow, payload: str, captured_at: float | None = None) -> Verdict:  # type: ignore[no-untyped-def]
    """Feeds one scanned code to the window and returns the verdict it showed."""
    with qtbot.waitSignal(window.verdict_shown, timeout=SCAN_TIMEOUT_MS) as shown:
        window.on_payload(payload, captured_at)
    return shown.args[0]


def act_and_show(qtbot, window: MainWindow, action: Callable[[], None]) -> Verdict:  # type: ignore[no-untyped-def]
    """Runs a UI action that leads to a scan and returns the verdict shown."""
    with qtbot.waitSignal(window.verdict_shown, timeout=SCAN_TIMEOUT_MS) as shown:
        action()
    return shown.args[0]


def enter_pin(window: MainWindow, pin: str) -> None:
    """Types `pin` and waits for its check (scrypt, off the UI thread) to land."""
    window.pin_page.field.setText(pin)
    window.pin_page.submit()
    deadline = time.monotonic() + SCAN_TIMEOUT_MS / 1000
    while window.pin_page.checking and time.monotonic() < deadline:
        QCoreApplication.processEvents()
        time.sleep(0.005)


def open_search(window: MainWindow, pin: str = PIN) -> None:
    """Search is the manager's: opens it, typing the PIN when asked."""
    window.open_search()
    if window.pages.currentWidget() is window.pin_page:
        enter_pin(window, pin)
    assert window.pages.currentWidget() is window.search_page


def widget_texts(root: QWidget) -> list[str]:
    """Every text a person could see or a screen reader could read in `root` and its children."""
    texts = []
    for widget in [root, *root.findChildren(QLabel), *root.findChildren(QLineEdit),
                   *root.findChildren(QAbstractButton), *root.findChildren(QPlainTextEdit)]:
        texts += [widget.toolTip(), widget.accessibleName(), widget.windowTitle()]
        if isinstance(widget, QLineEdit):
            texts += [widget.text(), widget.placeholderText(), widget.displayText()]
        elif isinstance(widget, QPlainTextEdit):
            texts.append(widget.toPlainText())
        elif isinstance(widget, (QLabel, QAbstractButton)):
            texts.append(widget.text())
    for table in root.findChildren(QTableWidget):
        texts += [table.item(r, c).text() for r in range(table.rowCount()) for c in range(table.columnCount())
                  if table.item(r, c) is not None]
    return texts
