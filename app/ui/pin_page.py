"""PIN entry for the manager view, station setup and leaving kiosk mode: a big field and an
on-screen keypad. With no PIN set yet, it asks to choose one (twice) instead."""
from __future__ import annotations

from PySide6.QtCore import QRegularExpression, Qt, QTimer, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from app.secrets import check_pin, hash_pin

PIN_MIN, PIN_MAX = 4, 8
MAX_WRONG = 5  # then the keypad rests, so a PIN cannot be guessed by trying them all
LOCKOUT_S = 30


class PinPage(QWidget):
    granted = Signal()  # the right PIN was entered, or a new one chosen
    pin_chosen = Signal(str)  # the hash of a newly chosen PIN, to keep in the settings
    cancelled = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pinPage")
        self._pin_hash = ""
        self._first_choice: str | None = None
        self._wrong = 0

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
        return not self._pin_hash

    def ask(self, pin_hash: str, purpose: str) -> None:
        """Prepares the page: verify against `pin_hash`, or choose a PIN when there is none."""
        self._pin_hash = pin_hash
        self._first_choice = None
        self.title.setText(purpose)
        self.message.clear()
        self.field.clear()
        if self.choosing:
            self._prompt(f"No manager PIN yet — choose one ({PIN_MIN} to {PIN_MAX} digits). "
                         "It guards settings, the manager view and leaving kiosk mode.")
        else:
            self._prompt("Enter the manager PIN")
        self.field.setFocus()

    def _prompt(self, text: str) -> None:
        # A centred label in a column does not get the height its wrapped lines need: give it that height.
        self.prompt.setText(text)
        self.prompt.setFixedHeight(self.prompt.heightForWidth(self.prompt.width()))

    def submit(self) -> None:
        pin = self.field.text()
        self.field.clear()
        if self.choosing:
            self._choose(pin)
        elif check_pin(pin, self._pin_hash):
            self._wrong = 0
            self.message.clear()
            self.granted.emit()
        else:
            self._wrong += 1
            if self._wrong >= MAX_WRONG:
                self._start_rest()
            else:
                self.message.setText("Wrong PIN — try again")

    def _choose(self, pin: str) -> None:
        if not PIN_MIN <= len(pin) <= PIN_MAX:
            self.message.setText(f"Use {PIN_MIN} to {PIN_MAX} digits")
            return
        if self._first_choice is None:
            self._first_choice = pin
            self.message.clear()
            self._prompt("Enter the same PIN again")
            return
        if pin != self._first_choice:
            self._first_choice = None
            self._prompt(f"Choose a manager PIN ({PIN_MIN} to {PIN_MAX} digits)")
            self.message.setText("The two PINs differ — choose again")
            return
        self.pin_chosen.emit(hash_pin(pin))
        self.granted.emit()

    def _press(self, key: str) -> None:
        if key == "OK":
            self.submit()
        elif key == "⌫":
            self.field.backspace()
        else:
            self.field.insert(key)

    def _start_rest(self) -> None:
        self.field.setEnabled(False)
        for button in self.keys.values():
            button.setEnabled(False)
        self.message.setText(f"Too many wrong PINs — try again in {LOCKOUT_S} s")
        self._rest.start(LOCKOUT_S * 1000)

    def _end_rest(self) -> None:
        self._wrong = 0
        self.field.setEnabled(True)
        for button in self.keys.values():
            button.setEnabled(True)
        self.message.clear()
