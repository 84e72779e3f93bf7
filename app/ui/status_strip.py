"""The strip along the top: station, online/offline badge (with a manual override), what waits to
sync, when it last synced, and the camera — each in plain words."""
from __future__ import annotations

import time

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QMenu, QToolButton, QVBoxLayout, QWidget

from app.sync.status import Connectivity, Override, SyncStatus
from app.ui.theme import BADGE_COLOURS

BADGE_TEXT = {
    Connectivity.ONLINE: "ONLINE",
    Connectivity.OFFLINE: "OFFLINE",
    Connectivity.PAUSED: "PAUSED",
    Connectivity.NOT_CONFIGURED: "NO API",
}
OVERRIDE_TEXT = {
    Override.AUTO: "Automatic (recommended)",
    Override.FORCE_ONLINE: "Force online",
    Override.FORCE_OFFLINE: "Force offline",
}


def synced_ago_text(last_success_at: float | None, now: float) -> str:
    if last_success_at is None:
        return "never synced"
    seconds = max(0.0, now - last_success_at)
    if seconds < 10:
        return "synced just now"
    if seconds < 60:
        return f"synced {int(seconds)} s ago"
    if seconds < 3600:
        return f"synced {int(seconds // 60)} min ago"
    if seconds < 86400:
        return f"synced {int(seconds // 3600)} h ago"
    days = int(seconds // 86400)
    return f"synced {days} day{'s' if days > 1 else ''} ago"


def waiting_text(waiting: int) -> str:
    return "nothing waiting to sync" if waiting == 0 else f"{waiting} waiting to sync"


def _label(object_name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(object_name)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


class StatusStrip(QFrame):
    override_requested = Signal(object)  # an Override

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statusStrip")
        self.station = _label("stripStation")
        self.badge = QToolButton()
        self.badge.setObjectName("syncBadge")
        self.badge.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.badge.setCursor(Qt.CursorShape.PointingHandCursor)
        self.message = _label("stripMessage")
        self.waiting = _label("stripWaiting")
        self.last_sync = _label("stripLastSync")
        self.camera = _label("stripCamera")
        self.notice = _label("stripNotice")
        self.notice.hide()
        # Long texts wrap onto a second line rather than push the window wider than the screen.
        for label in (self.message, self.notice, self.camera):
            label.setWordWrap(True)
        self.camera.setFixedWidth(170)

        menu = QMenu(self.badge)
        group = QActionGroup(menu)
        self.override_actions: dict[Override, QAction] = {}
        for override, text in OVERRIDE_TEXT.items():
            action = QAction(text, menu, checkable=True)
            action.triggered.connect(lambda _checked=False, o=override: self.override_requested.emit(o))
            group.addAction(action)
            menu.addAction(action)
            self.override_actions[override] = action
        self.badge.setMenu(menu)

        row = QHBoxLayout(self)
        row.setContentsMargins(16, 6, 8, 6)
        row.setSpacing(14)
        row.addWidget(self.station)
        row.addWidget(self.badge)
        row.addWidget(self.message, 1)
        row.addWidget(self.notice, 1)
        sync_facts = QVBoxLayout()
        sync_facts.setSpacing(0)
        sync_facts.addWidget(self.waiting)
        sync_facts.addWidget(self.last_sync)
        row.addLayout(sync_facts)
        row.addWidget(self.camera)

        self._notice_timer = QTimer(self, singleShot=True)
        self._notice_timer.timeout.connect(self._end_notice)
        self.connectivity: Connectivity | None = None

    def update_status(self, status: SyncStatus, now: float | None = None) -> None:
        now = time.time() if now is None else now
        self.connectivity = status.connectivity
        forced = status.override is not Override.AUTO
        self.badge.setText(BADGE_TEXT[status.connectivity] + (" (forced)" if forced else "") + "  ▾")
        colour, ink = BADGE_COLOURS[status.connectivity.value]
        self.badge.setStyleSheet(f"QToolButton#syncBadge {{ background-color: {colour}; color: {ink}; }}")
        configured = status.connectivity is not Connectivity.NOT_CONFIGURED
        for override, action in self.override_actions.items():
            action.setChecked(override is status.override)
            action.setEnabled(configured)
        self.badge.setToolTip("Choose online, offline or automatic" if configured
                              else "Set up the Products API in Station setup to go online")
        self.message.setText(status.message)
        self.waiting.setText(waiting_text(status.waiting))
        self.last_sync.setText(synced_ago_text(status.last_success_at, now) if configured else "")
        self.last_sync.setVisible(configured)

    def set_camera_state(self, text: str) -> None:
        self.camera.setText(text)

    def set_station(self, name: str) -> None:
        self.station.setText(name)

    def flash(self, text: str, seconds: float = 6.0) -> None:
        """A short notice in place of the sync message, e.g. why the window cannot be closed."""
        self.notice.setText(text)
        self.notice.show()
        self.message.hide()
        self._notice_timer.start(int(seconds * 1000))

    def _end_notice(self) -> None:
        self.notice.hide()
        self.message.show()
