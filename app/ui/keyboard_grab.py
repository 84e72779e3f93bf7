"""A locked kiosk's hold on the keyboard: where the platform allows (X11), no key reaches another window —
no Alt+Tab, no desktop shortcut the window manager does not keep for itself.

While a window grabs the keyboard, Qt delivers every key to that window, not to the field that has focus;
this filter passes each key on to that field. A key the field ignores travels back up to the window, and is
then the window's own (Escape).
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QWidget

KEY_EVENTS = (QEvent.Type.KeyPress, QEvent.Type.KeyRelease)


class KeyboardGrab(QObject):
    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self._window = window
        self._passing = False
        self.active = False

    def start(self) -> None:
        if not self.active:
            self.active = True
            self._window.installEventFilter(self)
            self._window.grabKeyboard()

    def stop(self) -> None:
        if self.active:
            self.active = False
            self._window.releaseKeyboard()
            self._window.removeEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() not in KEY_EVENTS or self._passing:
            return False
        focus = self._window.focusWidget()
        if focus is None or focus is self._window:
            return False
        self._passing = True
        try:
            QApplication.sendEvent(focus, event)
        finally:
            self._passing = False
        return True
