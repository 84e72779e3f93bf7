"""Station setup's "Staff PINs": whether stewards sign in with a PIN to scan, and choosing that PIN.

The manager PIN is chosen on the kiosk's computer (`usher pin set`), or on screen the first time; the
steward PIN here, by the manager, who is already in setup. A new PIN is typed twice, and its hash made off
the UI thread (a second or two of scrypt, and a check that it is not the manager's): `steward_hash` says
"not yet" meanwhile, and `ready` asks setup to save again once it is there. With the PIN guard, the PINs
are root's to choose: the box says so and changes nothing.
"""
from __future__ import annotations

from PySide6.QtCore import QRegularExpression, Qt, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import QCheckBox, QFormLayout, QGroupBox, QLabel, QLineEdit, QWidget

from app.config import Settings
from app.pins import STEWARD_PIN_MIN, Role, pin_problem, steward_pin_hash
from app.secrets import PIN_COST, PIN_MAX, ScryptCost
from app.ui.background import Background

NONE_SET = "No steward PIN: anyone at the kiosk may scan."
SET = "Stewards sign in with the steward PIN to scan (the manager PIN works too)."
GUARDED = "The PIN guard keeps the PINs: as root, run “usher pin-guard set --steward”."
WORKING = "Keeping the new steward PIN…"


class StaffPinsBox(QGroupBox):
    ready = Signal()  # the new PIN's hash is made: save again

    def __init__(self, cost: ScryptCost = PIN_COST, parent: QWidget | None = None) -> None:
        super().__init__("Staff PINs", parent)
        self._cost = cost
        self._settings = Settings()
        self._made: tuple[str, str, str] | None = None  # (PIN typed, its hash or '', why not), once made
        self._form = 0  # which filling of the form a hash being made belongs to (load and discard start anew)
        self._work = Background(self)
        self.state = QLabel()
        self.state.setObjectName("hintText")
        self.state.setWordWrap(True)
        digits = QRegularExpressionValidator(QRegularExpression(rf"\d{{0,{PIN_MAX}}}"), self)
        self.pin_field, self.again_field = QLineEdit(), QLineEdit()
        for field in (self.pin_field, self.again_field):
            field.setEchoMode(QLineEdit.EchoMode.Password)
            field.setMaxLength(PIN_MAX)
            field.setValidator(digits)
        self.pin_field.setPlaceholderText(f"{STEWARD_PIN_MIN} to {PIN_MAX} digits — empty: keep as it is")
        self.remove = QCheckBox("No steward PIN — anyone may scan")
        self.error = QLabel()
        self.error.setObjectName("errorText")
        self.error.setWordWrap(True)
        self.error.hide()
        form = QFormLayout(self)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        form.addRow(self.state)
        form.addRow("New steward PIN", self.pin_field)
        form.addRow("The same again", self.again_field)
        form.addRow(self.remove)
        form.addRow(self.error)

    def load(self, settings: Settings) -> None:
        self._settings = settings
        self.discard()
        guarded = bool(settings.pin_guard)
        self.state.setText(GUARDED if guarded else SET if settings.steward_pin_hash else NONE_SET)
        for widget in (self.pin_field, self.again_field, self.remove):
            widget.setEnabled(not guarded)
        self.remove.setVisible(bool(settings.steward_pin_hash) and not guarded)

    def discard(self) -> None:
        """Forgets what was typed, and a hash still being made for it (setup was cancelled)."""
        self._form += 1
        self._made = None
        self.pin_field.clear()
        self.again_field.clear()
        self.remove.setChecked(False)
        self._show_error("")

    def steward_hash(self) -> str | None:
        """The steward PIN hash to save; None while it is being made or when what was typed cannot be used
        (the box says why)."""
        pin = self.pin_field.text()
        if self._settings.pin_guard or (not pin and not self.again_field.text()):
            return "" if self.remove.isChecked() and not self._settings.pin_guard else self._settings.steward_pin_hash
        if pin != self.again_field.text():
            self._show_error("The two PINs differ — type the same PIN twice")
            return None
        if problem := pin_problem(pin, Role.STEWARD):
            self._show_error(problem)
            return None
        if self._made is not None and self._made[0] == pin:
            self._show_error(self._made[2])
            return self._made[1] or None
        if not self._work.idle():
            return None
        self._show_error("")
        self.state.setText(WORKING)
        manager_hash, cost, form = self._settings.pin_hash, self._cost, self._form
        self._work.submit(lambda: steward_pin_hash(pin, manager_hash, cost),
                          lambda made: self._made_hash(form, pin, made))
        return None

    def _made_hash(self, form: int, pin: str, made: tuple[str, str]) -> None:
        if form != self._form:  # for a form cancelled or filled again meanwhile: nothing to keep
            return
        pin_hash, problem = made
        self.state.setText(SET if self._settings.steward_pin_hash else NONE_SET)
        self._made = (pin, pin_hash, problem)
        self._show_error(problem)
        if not problem:
            self.ready.emit()

    def _show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))

    def idle(self) -> bool:
        return self._work.idle()
