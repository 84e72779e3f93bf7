"""PIN entry: a big field and an on-screen keypad, for the manager's pages (search, the manager view,
station setup, leaving kiosk mode) and for a steward signing in to scan. With no PIN set at all, the
manager's pages ask to choose one (twice) instead — except on a locked kiosk, where whoever stands in front
of it would choose it.

The page asks a PinGate (app.pins) which role a PIN opens: 1.4 s of scrypt or more, so off the UI thread.
The gate counts wrong PINs on disk: after a few, the keypad rests, longer after each, across restarts.
"""
from __future__ import annotations

import math
import threading
from typing import Any, Callable

from PySide6.QtCore import QRegularExpression, Qt, QTimer, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from app.pins import PinAnswer, PinGate, Role, pin_problem
from app.secrets import MANAGER_PIN_MIN, PIN_MAX, hash_pin

NO_PIN_ON_A_LOCKED_KIOSK = ("No manager PIN is set. On this computer, run “usher pin set”, "
                            "then restart the kiosk.")


def rest_text(seconds: float) -> str:
    minutes = math.ceil(seconds / 60)
    wait = f"{math.ceil(seconds)} s" if seconds < 60 else f"{minutes} minute{'s' if minutes > 1 else ''}"
    return f"Too many wrong PINs — try again in {wait}"


class PinPage(QWidget):
    granted = Signal(object)  # the Role the PIN opened (a newly chosen PIN is the manager's)
    pin_chosen = Signal(str)  # the hash of a newly chosen PIN, to keep in the settings
    cancelled = Signal()
    _worked = Signal(object, object)  # what to call on the UI thread, and the result to call it with

    def __init__(self, gate: PinGate, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pinPage")
        self._roles: tuple[Role, ...] = (Role.MANAGER,)
        self._may_choose = True
        self._first_choice: str | None = None
        self._gate = gate
        self.checking = False
        self._worked.connect(lambda then, result: then(result))

        self.title = QLabel()
        self.title.setObjectName("pageTitle")
        self.prompt = QLabel()
        self.prompt.setObjectName("pinPrompt")
        self.prompt.setWordWrap(True)
        self.prompt.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.prompt.setFixedWidth(640)
        self.field = QLineEdit()
        self.field.setObjectName("pinField")
        self.field.setEchoMode(QLineEdit.EchoMode.Password)
        self.field.setMaxLength(PIN_MAX)
        self.field.setValidator(QRegularExpressionValidator(QRegularExpression(rf"\d{{0,{PIN_MAX}}}"), self.field))
        self.field.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.field.setFixedWidth(420)
        self.field.returnPressed.connect(self.submit)
        self.message = QLabel()
        self.message.setObjectName("errorText")
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setMinimumWidth(640)
        self.message.setWordWrap(True)

        keypad = QGridLayout()
        keypad.setSpacing(10)
        self.keys: dict[str, QPushButton] = {}
        for index, key in enumerate(("1", "2", "3", "4", "5", "6", "7", "8", "9", "⌫", "0", "OK")):
            button = QPushButton(key)
            button.setObjectName("okKey" if key == "OK" else "pinKey")
            button.setFixedSize(120, 64)  # the keypad and the prompt fit a 1024×600 screen
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # typing keeps going to the field
            button.clicked.connect(lambda _c=False, k=key: self._press(k))
            keypad.addWidget(button, index // 3, index % 3)
            self.keys[key] = button
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancelled.emit)

        column = QVBoxLayout(self)
        column.addStretch(1)
        for widget in (self.title, self.prompt, self.field, self.message):
            column.addWidget(widget, 0, Qt.AlignmentFlag.AlignHCenter)
        centred = QHBoxLayout()
        centred.addStretch(1)
        centred.addLayout(keypad)
        centred.addStretch(1)
        column.addLayout(centred)
        column.addWidget(self.cancel_button, 0, Qt.AlignmentFlag.AlignHCenter)
        column.addStretch(1)

        self._rest = QTimer(self, singleShot=True)
        self._rest.timeout.connect(self._end_rest)

    @property
    def choosing(self) -> bool:
        """Choosing the first manager PIN: only while no PIN at all is set, and where it was allowed."""
        return (self._may_choose and self._gate.may_choose_on_screen and Role.MANAGER in self._roles
                and not any(self._gate.has(role) for role in Role))

    def _can_check(self) -> bool:
        return any(self._gate.has(role) for role in self._roles)

    def ask(self, purpose: str, roles: tuple[Role, ...] = (Role.MANAGER,), may_choose: bool = True,
            cancellable: bool = True) -> None:
        """Prepares the page: a PIN of one of `roles` opens it; with no PIN set, one is chosen if `may_choose`."""
        self._roles = roles
        self._may_choose = may_choose
        self._first_choice = None
        self.title.setText(purpose)
        self.message.clear()
        self.field.clear()
        self.cancel_button.setVisible(cancellable)
        can_check = self._can_check()
        if self.choosing:
            self._prompt(f"No manager PIN yet — choose one ({MANAGER_PIN_MIN} to {PIN_MAX} digits). It guards "
                         "guests' names, search, settings, the manager view and leaving kiosk mode.")
        elif not can_check:
            self._prompt(NO_PIN_ON_A_LOCKED_KIOSK)
        elif Role.STEWARD in roles:
            self._prompt("Enter the steward PIN — or the manager PIN")
        else:
            self._prompt("Enter the manager PIN")
        usable = can_check or self.choosing  # else there is nothing to type: no keypad to tempt anyone
        self._set_keypad(usable)
        for widget in (self.field, *self.keys.values()):
            widget.setVisible(usable)
        if rest := self._gate.rest_s() if can_check else 0.0:
            self._start_rest(rest)
        self.field.setFocus()

    def _prompt(self, text: str) -> None:
        # A centred label in a column does not get the height its wrapped lines need: give it that height.
        self.prompt.setText(text)
        self.prompt.setFixedHeight(self.prompt.heightForWidth(self.prompt.width()))

    def submit(self) -> None:
        pin = self.field.text()
        self.field.clear()
        if self.checking:
            return
        if self.choosing:
            self._choose(pin)
        elif self._can_check():
            if rest := self._gate.rest_s():  # the count on disk may say so although this page does not know yet
                self._start_rest(rest)
                return
            self._busy("Checking…")
            gate, roles = self._gate, self._roles
            self._off_the_ui_thread(lambda: gate.check(pin, roles), self._checked)

    def _checked(self, answer: PinAnswer) -> None:
        self._done()
        if answer.role is not None:
            self.granted.emit(answer.role)
        elif answer.rest_s:
            self._start_rest(answer.rest_s)
        elif answer.problem:
            self.message.setText(answer.problem)
        else:
            self.message.setText("Wrong PIN — try again")

    def _choose(self, pin: str) -> None:
        if problem := pin_problem(pin):
            self.message.setText(problem)
            return
        if self._first_choice is None:
            self._first_choice = pin
            self.message.clear()
            self._prompt("Enter the same PIN again")
            return
        if pin != self._first_choice:
            self._first_choice = None
            self._prompt(f"Choose a manager PIN ({MANAGER_PIN_MIN} to {PIN_MAX} digits)")
            self.message.setText("The two PINs differ — choose again")
            return
        self._busy("Keeping the new PIN…")
        self._off_the_ui_thread(lambda: hash_pin(pin), self._chosen)

    def _chosen(self, pin_hash: str) -> None:
        self._done()
        self.pin_chosen.emit(pin_hash)
        self.granted.emit(Role.MANAGER)

    def _off_the_ui_thread(self, work: Callable[[], Any], then: Callable[[Any], None]) -> None:
        """Runs `work` (a second of scrypt) on a thread of its own; `then(result)` runs on the UI thread.
        A plain thread, not a Background queue: the check never waits behind, or holds up, a scan."""
        def run() -> None:
            result = work()
            try:
                self._worked.emit(then, result)
            except RuntimeError:  # the page was closed meanwhile: nobody is waiting for the answer
                pass

        threading.Thread(target=run, name="pin-check", daemon=True).start()

    def _busy(self, text: str) -> None:
        self.checking = True
        self._set_keypad(False)
        self.message.setText(text)

    def _done(self) -> None:
        self.checking = False
        self._set_keypad(True)
        self.message.clear()

    def _press(self, key: str) -> None:
        if key == "OK":
            self.submit()
        elif key == "⌫":
            self.field.backspace()
        else:
            self.field.insert(key)

    def _set_keypad(self, enabled: bool) -> None:
        self.field.setEnabled(enabled)
        for button in self.keys.values():
            button.setEnabled(enabled)

    def _start_rest(self, seconds: float) -> None:
        self._set_keypad(False)
        self.message.setText(rest_text(seconds))
        self._rest.start(math.ceil(seconds * 1000))

    def _end_rest(self) -> None:
        self._set_keypad(True)
        self.message.clear()
