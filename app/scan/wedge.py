"""Keyboard-wedge scanners: a USB scanner that "types" the code, usually followed by Enter.

An application-wide event filter tells a scanner from a person by speed. Printable key presses are held
back for a moment: if they come in a fast burst (each within `max_key_interval_ms` of the previous one) of
at least `min_length` characters, the burst is a scan, submitted on Enter/Return or after
`end_silence_ms` without a key (for scanners that send no Enter). Otherwise the held keys are replayed,
untouched, to the widget that was to receive them: a person's typing reaches it ~`max_key_interval_ms`
late, but whole. A scan never reaches the focused widget, so its Enter cannot click a default button.

This is the one module of app/scan that imports Qt, and it belongs here because it is input, like a camera:
a USB scanner types its code as key presses, and the only place that sees every key press, whatever widget has
focus, is the Qt application's event filter. It shows nothing; it emits the scanned text, as the pipeline
emits payloads.
"""
from __future__ import annotations

import time
from collections.abc import Iterable

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent

_COMMAND_MODIFIERS = (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
                      | Qt.KeyboardModifier.MetaModifier)


class KeyboardWedge(QObject):
    scanned = Signal(str)

    def __init__(self, parent: QObject | None = None, *, max_key_interval_ms: float = 50,
                 end_silence_ms: float = 80, min_length: int = 4,
                 terminators: Iterable[Qt.Key] = (Qt.Key.Key_Return, Qt.Key.Key_Enter)) -> None:
        super().__init__(parent)
        if not 0 < max_key_interval_ms <= end_silence_ms or min_length < 1:
            raise ValueError("need 0 < max_key_interval_ms <= end_silence_ms and min_length >= 1")
        self.max_key_interval_ms = max_key_interval_ms
        self.end_silence_ms = end_silence_ms
        self.min_length = min_length
        self.terminators = frozenset(terminators)
        self._held: list[tuple[QObject, QKeyEvent]] = []  # (receiver, a copy of its key press)
        self._last_key_at = 0.0
        self._replaying = False
        self._silence = QTimer(self)
        self._silence.setSingleShot(True)
        self._silence.timeout.connect(self._settle)

    def install(self, app: QCoreApplication | None = None) -> None:
        (app or QCoreApplication.instance()).installEventFilter(self)

    def uninstall(self, app: QCoreApplication | None = None) -> None:
        (app or QCoreApplication.instance()).removeEventFilter(self)
        self._settle()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Widgets only: a key press reaches the application filter once at its window and once at the
        # focused widget (tests send it straight to the widget); deciding at the widget sees each key once.
        if self._replaying or event.type() != QEvent.Type.KeyPress or not watched.isWidgetType():
            return False
        now = time.monotonic()
        if self._held and (now - self._last_key_at) * 1000 > self.max_key_interval_ms:
            self._settle()  # the previous keys ended with a pause
        if event.key() in self.terminators and self._held:
            if len(self._held) >= self.min_length:
                self._submit()
                return True
            self._replay()
            return False
        if self._is_typed_character(event):
            self._held.append((watched, _copy(event)))
            self._last_key_at = now
            burst = len(self._held) >= self.min_length
            self._silence.start(round(self.end_silence_ms if burst else self.max_key_interval_ms))
            return True
        self._settle()  # any other key (arrows, shortcuts, held-down repeats) ends what was held
        return False

    @staticmethod
    def _is_typed_character(event: QKeyEvent) -> bool:
        text = event.text()
        return (len(text) == 1 and text.isprintable() and not event.isAutoRepeat()
                and not event.modifiers() & _COMMAND_MODIFIERS)

    def _settle(self) -> None:
        """Decides what the held keys were: a scan without Enter (a long enough burst), or typing."""
        if len(self._held) >= self.min_length:
            self._submit()
        else:
            self._replay()

    def _submit(self) -> None:
        self._silence.stop()
        text = "".join(event.text() for _, event in self._held)
        self._held.clear()
        self.scanned.emit(text)

    def _replay(self) -> None:
        self._silence.stop()
        held, self._held = self._held, []
        self._replaying = True
        try:
            for receiver, event in held:
                if shiboken6.isValid(receiver):  # the widget may have been closed meanwhile
                    QCoreApplication.sendEvent(receiver, event)
        finally:
            self._replaying = False


def _copy(event: QKeyEvent) -> QKeyEvent:
    """Qt reuses the event object after delivery, so a held key press is kept as a copy."""
    return QKeyEvent(event.type(), event.key(), event.modifiers(), event.nativeScanCode(),
                     event.nativeVirtualKey(), event.nativeModifiers(), event.text(), event.isAutoRepeat(),
                     event.count())
