"""Station setup: what this station is, which camera it uses, and how it reaches the Products API.

Every field is checked before anything is kept; a problem is shown in plain words under its field and
nothing changes. Saving writes the settings file (and the API key to app.secrets) and emits `applied`,
which the window uses at once — no restart. Choosing a camera in the list switches the kiosk to it at
once (`camera_preview_requested`), so the preview shows what that camera sees; Cancel switches back.
Products are listed by name: those in the replica, and those added by ID, named by "Test connection".
"""
from __future__ import annotations

import uuid
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)
from pydantic import ValidationError
from sqlalchemy import Engine

from app.api.settings import ApiSettings, Capability
from app.config import Settings, save_settings
from app.domain.rules import Preset
from app.scan.camera_setting import FIRST_CAMERA, NO_CAMERA, typed_camera_problem
from app.secrets import load_api_key, mask, store_api_key
from app.services.reports import ProductCount, product_counts
from app.setup_form import (
    ID_EXAMPLE,
    NAME_MAX,
    SetupForm,
    VenueCheck,
    check_venue,
    clean_url,
    is_id,
    setup_problems,
    url_problem,
)
from app.sync.probe import ProbeReport, apply_probe, probe_api
from app.ui.background import Background
from app.ui.camera_preview import CameraPreview
from app.ui.cameras import SYSFS_VIDEO, Camera, find_cameras
from app.ui.staff_pins_box import WORKING, StaffPinsBox

OTHER_CAMERA = "other"  # the choice that takes a number, device, video file or folder typed in
PRESET_BUTTONS = {Preset.DOOR: "Door", Preset.BAR: "Bar", Preset.BOX_OFFICE: "Box office", Preset.ANY: "Any"}
VERDICT_SECONDS_CHOICES = (2.0, 3.0, 4.0, 5.0, 8.0, 10.0, 15.0, 30.0)
ONE_COLUMN_BELOW_PX = 1100
CAPABILITY_NAMES = {Capability.LIST_ITEMS: "list items", Capability.GET_ITEM: "read one item", Capability.SALES: "sales"}


def yes_no(value: bool | None) -> str:
    return "could not tell" if value is None else ("yes" if value else "no")


def probe_text(report: ProbeReport) -> str:
    """The connection test's answer, one fact a line, then what staff should know."""
    lines = [f"Server reached: {yes_no(report.reachable)}", f"API key accepted: {yes_no(report.key_accepted if report.reachable else None)}",
             f"May upload scans: {yes_no(report.write_allowed)}"]
    if report.key_accepted:
        lines.append("Optional endpoints: " + ", ".join(f"{CAPABILITY_NAMES[c]} {yes_no(offered)}"
                                                        for c, offered in report.capabilities.items()))
    return "\n".join(lines + report.messages)


def capabilities_text(settings: Settings) -> str:
    """What the station uses now, before any test."""
    flags = {Capability.LIST_ITEMS: settings.api.list_items, Capability.GET_ITEM: settings.api.get_item,
             Capability.SALES: settings.api.sales}
    used = [CAPABILITY_NAMES[c] for c, on in flags.items() if on]
    return f"Optional endpoints in use: {', '.join(used) or 'none'} — “Test connection” checks what the server offers"


class KeyStore(Protocol):
    """Where the API key is kept, bound to the address it is for; the page only ever shows it masked."""

    def load(self, base_url: str) -> str: ...

    def store(self, key: str, base_url: str) -> None: ...


class SecretsKeyStore:
    """The key in the OS keyring or the user-only token file (app.secrets)."""

    def load(self, base_url: str) -> str:
        return load_api_key(base_url)

    def store(self, key: str, base_url: str) -> None:
        store_api_key(key, base_url)


def camera_label(camera: Camera) -> str:
    return f"{camera.name} ({camera.device})"


def _form(box: QGroupBox) -> QFormLayout:
    form = QFormLayout(box)
    form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    form.setVerticalSpacing(8)
    return form


def _result_label() -> QLabel:
    """A connection test's answer: plain text (never markup from a server), wrapped."""
    label = QLabel()
    label.setObjectName("hintText")
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


def _error_label() -> QLabel:
    label = QLabel()
    label.setObjectName("errorText")
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.hide()
    return label


class SetupPage(QWidget):
    applied = Signal(object)  # the new Settings, already saved
    cancelled = Signal()
    camera_preview_requested = Signal(str)  # a camera setting to show in the preview now

    def __init__(
        self,
        replica: Engine,
        reader: Background,
        key_store: KeyStore,
        settings_file: Path | None = None,
        parent: QWidget | None = None,
        sysfs: Path = SYSFS_VIDEO,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("setupPage")
        self._replica = replica
        self._reader = reader
        self._keys = key_store
        self._settings_file = settings_file
        self._sysfs = sysfs
        self._settings = Settings()
        self._previewing: str | None = None  # the camera switched to for a preview, not yet saved

        self.title = QLabel("Station setup")
        self.title.setObjectName("pageTitle")
        # This station
        self.name_field = QLineEdit()
        self.name_field.setMaxLength(NAME_MAX + 20)  # longer input gets a message, not silent cutting
        self.preset_group = QButtonGroup(self)
        presets = QGridLayout()  # two by two: four in a row would squeeze the camera column on a 1280 screen
        presets.setSpacing(0)
        for n, (preset, text) in enumerate(PRESET_BUTTONS.items()):
            button = QPushButton(text)
            button.setObjectName("segment")
            button.setCheckable(True)
            self.preset_group.addButton(button)
            button.setProperty("preset", preset.value)
            presets.addWidget(button, n // 2, n % 2)
        self.products_list = _checklist()
        self.hide_names = QCheckBox("Hide holders' names on the verdict")
        self.sounds = QCheckBox("Play sounds")
        self.verdict_seconds = QComboBox()
        # Camera
        self.camera_choice = QComboBox()
        self.camera_choice.currentIndexChanged.connect(self._camera_chosen)
        self.camera_refresh = QPushButton("Look again")
        self.camera_refresh.clicked.connect(lambda: self._list_cameras())
        self.camera_value = QLineEdit()
        self.camera_value.setPlaceholderText("0, /dev/video2, a video file or a folder of images")
        self.camera_value.editingFinished.connect(self._camera_chosen)
        self.camera_hint = QLabel()
        self.camera_hint.setObjectName("hintText")
        self.camera_hint.setWordWrap(True)
        self.preview = CameraPreview()
        self.preview.setFixedHeight(150)
        # Products API
        self.url_field = QLineEdit()
        self.url_field.setPlaceholderText("https://api.example.com — empty: no API, imports only")
        self.key_field = QLineEdit()
        self.key_field.setEchoMode(QLineEdit.EchoMode.Password)
        self.event_field = QLineEdit()
        self.event_field.setPlaceholderText("optional")
        self.download_list = _checklist()
        self.add_id_field = QLineEdit()
        self.add_id_field.setPlaceholderText("paste a product ID to add it")
        self.add_id_field.returnPressed.connect(self._add_product_id)
        self.add_id_button = QPushButton("Add")
        self.add_id_button.clicked.connect(self._add_product_id)
        self.test_button = QPushButton("Test connection")
        self.test_button.clicked.connect(self.test_connection)
        self.probe_result = _result_label()
        self._network = Background(self)  # the connection test: seconds of network, never in the scans' way
        self._probed: tuple[str, ProbeReport] | None = None  # (address, report) of the last test

        # Several doors: the venue's shared replica (docs/venue.md)
        self.venue_field = QLineEdit()
        self.venue_field.setPlaceholderText("postgresql+psycopg://usher_kiosk@db.venue.lan/usher — empty: this kiosk's own")
        self.venue_test_button = QPushButton("Test venue database")
        self.venue_test_button.clicked.connect(self.test_venue)
        self.venue_result = _result_label()

        # Staff PINs: the steward's, chosen here by the manager (app/ui/staff_pins_box.py)
        self.staff_pins = StaffPinsBox()
        self.staff_pins.ready.connect(self.apply)  # its new PIN's hash is made: keep the form now

        self.errors = {name: _error_label() for name in ("name", "camera", "url", "key", "event", "download", "venue")}
        self.message = _error_label()

        station_box = QGroupBox("This station")
        station_form = _form(station_box)
        station_form.addRow("Name", self.name_field)
        station_form.addRow("", self.errors["name"])
        station_form.addRow("Used at", presets)
        hint = QLabel("Accepts (none ticked: every product of its kind)")
        hint.setWordWrap(True)
        station_form.addRow(hint)
        station_form.addRow(self.products_list)
        station_form.addRow("Verdict shows for", self.verdict_seconds)
        station_form.addRow(self.hide_names)
        station_form.addRow(self.sounds)

        camera_box = QGroupBox("Camera")
        camera_form = _form(camera_box)
        choice_row = QHBoxLayout()
        choice_row.addWidget(self.camera_choice, 1)
        choice_row.addWidget(self.camera_refresh)
        camera_form.addRow("Camera", choice_row)
        camera_form.addRow("Number or path", self.camera_value)
        camera_form.addRow("", self.errors["camera"])
        camera_form.addRow(self.camera_hint)
        camera_form.addRow("It sees", self.preview)

        api_box = QGroupBox("Products API")
        api_form = _form(api_box)
        api_form.addRow("Address", self.url_field)
        api_form.addRow("", self.errors["url"])
        api_form.addRow("API key", self.key_field)
        api_form.addRow("", self.errors["key"])
        api_form.addRow("Event ID", self.event_field)
        api_form.addRow("", self.errors["event"])
        api_form.addRow(QLabel("Products this station downloads"))
        api_form.addRow(self.download_list)
        add_row = QHBoxLayout()
        add_row.addWidget(self.add_id_field, 1)
        add_row.addWidget(self.add_id_button)
        api_form.addRow(add_row)
        api_form.addRow("", self.errors["download"])
        api_form.addRow(self.test_button)
        api_form.addRow(self.probe_result)

        venue_box = QGroupBox("Several doors — the venue database")
        venue_form = _form(venue_box)
        venue_form.addRow("Database", self.venue_field)
        venue_form.addRow("", self.errors["venue"])
        venue_form.addRow(self.venue_test_button)
        venue_form.addRow(self.venue_result)

        self.save_button = QPushButton("Save and apply")
        self.save_button.setObjectName("primaryButton")
        self.save_button.clicked.connect(self.apply)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self._cancel)

        # Two columns on a wide screen, one under the other on a narrow one (see resizeEvent).
        self.columns = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        left = QVBoxLayout()
        left.addWidget(station_box)
        left.addWidget(self.staff_pins)
        left.addStretch(1)
        self.columns.addLayout(left, 1)
        right = QVBoxLayout()
        right.addWidget(camera_box)
        right.addWidget(api_box)
        right.addWidget(venue_box)
        right.addStretch(1)
        self.columns.addLayout(right, 1)
        body = QWidget()
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(0, 0, 0, 0)
        body_layout.addLayout(self.columns)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(body)
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.save_button)
        page = QVBoxLayout(self)
        page.setContentsMargins(24, 12, 24, 12)
        page.addWidget(self.title)
        page.addWidget(scroll, 1)
        page.addLayout(buttons)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        narrow = event.size().width() < ONE_COLUMN_BELOW_PX
        self.columns.setDirection(QBoxLayout.Direction.TopToBottom if narrow else QBoxLayout.Direction.LeftToRight)

    # ---- filling the form ----

    def load(self, settings: Settings, first_run: bool = False) -> None:
        self._settings = settings
        self._previewing = None
        self.title.setText("Set up this station" if first_run else "Station setup")
        self.cancel_button.setText("Skip — use the defaults" if first_run else "Cancel")
        self.name_field.setText(settings.station.name)
        for button in self.preset_group.buttons():
            button.setChecked(button.property("preset") == settings.station.preset)
        self.hide_names.setChecked(settings.hide_names)
        self.sounds.setChecked(settings.sounds)
        self._show_verdict_seconds(settings.verdict_seconds)
        self._list_cameras(settings.camera)
        self.url_field.setText(settings.api.base_url)
        self.key_field.clear()
        self._show_stored_key()
        self.event_field.setText(settings.event_id)
        self.add_id_field.clear()
        self.venue_field.setText(settings.venue_db_url)
        self.venue_result.setText("")
        self.staff_pins.load(settings)
        self._probed = None
        self.probe_result.setText(capabilities_text(settings) if settings.api.base_url else "")
        self._show_errors({})
        self.message.hide()
        self._show_products([])
        self._reader.submit(lambda: product_counts(self._replica), self._show_products)

    def _key_for(self, url: str) -> str:
        """The key typed, else the stored one — only for the address it was saved with: a key never
        follows a changed address to another server."""
        typed = self.key_field.text().strip()
        return typed or (self._keys.load(url) if url == self._settings.api.base_url else "")

    def _show_stored_key(self) -> None:
        stored = self._keys.load(self._settings.api.base_url)
        self.key_field.setPlaceholderText(f"stored: {mask(stored)} — type to replace" if stored else "not set")

    def _show_products(self, products: list[ProductCount]) -> None:
        """Both lists by name: the products in the replica, and those named only by ID in the settings."""
        names = {p.product_id: f"{p.name}  ({p.type})" for p in products}
        _fill_checklist(self.products_list, names, set(self._settings.station.product_ids))
        _fill_checklist(self.download_list, names, set(self._settings.product_ids))

    def _show_verdict_seconds(self, current: float) -> None:
        self.verdict_seconds.clear()
        for seconds in sorted({*VERDICT_SECONDS_CHOICES, current}):
            self.verdict_seconds.addItem(f"{seconds:g} seconds", float(seconds))
        self.verdict_seconds.setCurrentIndex(self.verdict_seconds.findData(float(current)))

    def _list_cameras(self, current: str | None = None) -> None:
        """Fills the camera list with what this machine has now, keeping `current` (default: the choice)."""
        current = self.camera_setting_chosen() if current is None else current
        cameras = find_cameras(self._sysfs)
        self.camera_choice.blockSignals(True)
        self.camera_choice.clear()
        first = f"The first camera found — now {camera_label(cameras[0])}" if cameras else "The first camera found — none now"
        self.camera_choice.addItem(first, FIRST_CAMERA)
        for camera in cameras:
            self.camera_choice.addItem(camera_label(camera), camera.device)
        self.camera_choice.addItem("No camera — a hand scanner only", NO_CAMERA)
        self.camera_choice.addItem("Another: a number, a device, a video file or a folder", OTHER_CAMERA)
        index = self.camera_choice.findData(current)
        self.camera_choice.setCurrentIndex(index if index >= 0 else self.camera_choice.findData(OTHER_CAMERA))
        self.camera_value.setText(current if index < 0 else "")
        self.camera_choice.blockSignals(False)
        self.camera_hint.setText("" if cameras else "No camera found. Plug one in and press “Look again”, "
                                                    "or scan with a USB hand scanner.")
        self.camera_hint.setVisible(not cameras)
        self.camera_value.setEnabled(self.camera_choice.currentData() == OTHER_CAMERA)

    def _camera_chosen(self) -> None:
        other = self.camera_choice.currentData() == OTHER_CAMERA
        self.camera_value.setEnabled(other)
        setting = self.camera_setting_chosen()
        if other and typed_camera_problem(setting):
            return  # not a camera yet: Save says why
        if setting != (self._previewing or self._settings.camera):
            self._previewing = setting
            self.camera_preview_requested.emit(setting)

    def _add_product_id(self) -> None:
        text = self.add_id_field.text().strip()
        if not is_id(text):
            self._show_error("download", f"Not a product ID: “{text}” — {ID_EXAMPLE}")
            return
        product_id = str(uuid.UUID(text))
        self.errors["download"].hide()
        self.add_id_field.clear()
        if product_id not in _checklist_ids(self.download_list):
            _add_check(self.download_list, product_id, _unnamed(product_id), checked=True)

    # ---- the connection test ----

    def test_connection(self) -> None:
        """Asks the server (off the UI thread) whether it answers, takes the key, lets it write, which
        optional endpoints it has, and what the listed products are called."""
        url = clean_url(self.url_field.text())
        key = self._key_for(url)
        if not url or not key:
            self.probe_result.setText("Type the server's address and its API key first")
            return
        if problem := url_problem(url):
            self.probe_result.setText(problem)
            return
        try:
            api = ApiSettings(url, key)
        except ValueError as exc:
            self.probe_result.setText(f"This address cannot be used: {exc}")
            return
        product_ids = _checklist_ids(self.download_list)
        self.test_button.setEnabled(False)
        self.probe_result.setText("Testing the connection…")
        self._network.submit(lambda: probe_api(api, product_ids), lambda report: self._show_probe(url, report),
                             self._probe_failed)

    def _show_probe(self, url: str, report: ProbeReport) -> None:
        self.test_button.setEnabled(True)
        self._probed = (url, report)
        self.probe_result.setText(probe_text(report))
        named = set(report.known_products)
        for row in range(self.download_list.count()):
            item = self.download_list.item(row)
            product_id = item.data(Qt.ItemDataRole.UserRole)
            if product_id in report.products:  # the server's name, or the ID with what went wrong
                item.setText(report.products[product_id] if product_id in named
                             else f"{product_id}  {report.products[product_id]}")

    def _probe_failed(self, error: str) -> None:
        self.test_button.setEnabled(True)
        self.probe_result.setText(f"The test could not run: {error}")

    def test_venue(self) -> None:
        """Whether this kiosk reaches the venue database, logs in, and finds its schema (off the UI thread)."""
        url = self.venue_field.text().strip()
        if not url:
            self.venue_result.setText("Type the venue database's URL first (the password goes in ~/.pgpass)")
            return
        self.venue_test_button.setEnabled(False)
        self.venue_result.setText("Testing the venue database…")
        self._network.submit(lambda: check_venue(url), self._show_venue_check, self._venue_check_failed)

    def _show_venue_check(self, check: VenueCheck) -> None:
        self.venue_test_button.setEnabled(True)
        restart = " It is used from the kiosk's next start." if check.ok and self.venue_field.text().strip() != self._settings.venue_db_url else ""
        self.venue_result.setText(("✓ " if check.ok else "✗ ") + check.message + restart)

    def _venue_check_failed(self, error: str) -> None:
        self.venue_test_button.setEnabled(True)
        self.venue_result.setText(f"The test could not run: {error}")

    # ---- checking and keeping ----

    def _preset(self) -> Preset:
        checked = self.preset_group.checkedButton()
        return Preset(checked.property("preset")) if checked else Preset(self._settings.station.preset)

    def camera_setting_chosen(self) -> str:
        chosen = self.camera_choice.currentData()
        return self.camera_value.text().strip() if chosen == OTHER_CAMERA else (chosen or FIRST_CAMERA)

    def apply(self) -> bool:
        """Checks the form; when it is good, keeps it and emits `applied`. Returns whether it did."""
        url = clean_url(self.url_field.text())
        key = self.key_field.text().strip()
        errors = setup_problems(SetupForm(
            name=self.name_field.text(), camera=self.camera_setting_chosen(),
            camera_typed=self.camera_choice.currentData() == OTHER_CAMERA, api_url=url, api_key=key,
            key_stored_for_url=bool(self._key_for(url)), stored_api_url=self._settings.api.base_url,
            event_id=self.event_field.text(), product_id_not_added=self.add_id_field.text(),
            venue_db_url=self.venue_field.text()))
        self._show_errors(errors)
        if errors:
            return False
        steward_pin_hash = self.staff_pins.steward_hash()
        if steward_pin_hash is None:  # being made (this runs again when it is), or refused: the box says why
            self._say(WORKING if not self.staff_pins.idle() else "Please correct the steward PIN — nothing was changed")
            return False

        current = self._settings.model_dump()
        current["station"].update(name=self.name_field.text().strip(), preset=self._preset().value,
                                  product_ids=_checked_ids(self.products_list))
        current["api"]["base_url"] = url
        if self._probed is not None and self._probed[0] == url:  # what the server was found to offer
            current["api"].update(apply_probe({k: current["api"][k] for k in ("list_items", "get_item", "sales")},
                                              self._probed[1]))
        current.update(
            event_id=self.event_field.text().strip(),
            product_ids=_checked_ids(self.download_list),
            camera=self.camera_setting_chosen(),
            venue_db_url=self.venue_field.text().strip(),
            hide_names=self.hide_names.isChecked(),
            sounds=self.sounds.isChecked(),
            verdict_seconds=self.verdict_seconds.currentData(),
            steward_pin_hash=steward_pin_hash,
        )
        try:
            settings = Settings.model_validate(current)
        except ValidationError as exc:
            first = exc.errors()[0]
            self._say(f"Cannot use these settings: {'.'.join(map(str, first['loc']))}: {first['msg']}")
            return False
        try:
            if key:
                self._keys.store(key, url)
            save_settings(settings, self._settings_file)
        except OSError as exc:
            self._say(f"Could not save the settings: {exc.strerror or exc}")
            return False
        self._settings = settings
        self._previewing = None
        self.key_field.clear()
        self._show_stored_key()
        self.message.hide()
        self.applied.emit(settings)
        return True

    def _cancel(self) -> None:
        self.staff_pins.discard()  # a steward PIN still being hashed is not kept afterwards
        if self._previewing is not None:  # back to the camera that was in use
            self._previewing = None
            self.camera_preview_requested.emit(self._settings.camera)
        self.cancelled.emit()

    def _show_errors(self, errors: dict[str, str]) -> None:
        for name, label in self.errors.items():
            label.setText(errors.get(name, ""))
            label.setVisible(name in errors)
        if errors:
            self._say("Please correct the fields marked in red — nothing was changed")
        else:
            self.message.hide()

    def _show_error(self, field: str, text: str) -> None:
        self.errors[field].setText(text)
        self.errors[field].show()

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()


def _unnamed(product_id: str) -> str:
    return f"{product_id}  (name not known yet — press “Test connection”)"


def _checklist() -> QListWidget:
    checklist = QListWidget()
    checklist.setObjectName("productChoices")
    checklist.setMinimumHeight(110)
    checklist.setMaximumHeight(180)
    return checklist


def _add_check(checklist: QListWidget, product_id: str, text: str, checked: bool) -> None:
    item = QListWidgetItem(text)
    item.setData(Qt.ItemDataRole.UserRole, product_id)
    item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
    item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
    checklist.addItem(item)


def _fill_checklist(checklist: QListWidget, names: dict[str, str], checked: set[str]) -> None:
    """Every named product, then the checked ones known only by ID, ticked as `checked` says."""
    checklist.clear()
    for product_id, text in names.items():
        _add_check(checklist, product_id, text, product_id in checked)
    for product_id in sorted(checked - names.keys()):
        _add_check(checklist, product_id, _unnamed(product_id), True)


def _checklist_ids(checklist: QListWidget) -> list[str]:
    return [checklist.item(row).data(Qt.ItemDataRole.UserRole) for row in range(checklist.count())]


def _checked_ids(checklist: QListWidget) -> list[str]:
    items = (checklist.item(row) for row in range(checklist.count()))
    return [i.data(Qt.ItemDataRole.UserRole) for i in items if i.checkState() == Qt.CheckState.Checked]
