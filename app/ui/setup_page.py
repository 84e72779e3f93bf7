"""Station setup: what this station is, which camera it uses, and how it reaches the Products API.

Every field is checked before anything is kept; a problem is shown in plain words under its field and
nothing changes. Saving writes the settings file (and the API key to app.secrets) and emits `applied`,
which the window uses at once — no restart.
"""
from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)
from pydantic import ValidationError
from sqlalchemy import Engine

from app.config import Settings, save_settings
from app.domain.rules import Preset
from app.secrets import load_api_key, mask, store_api_key
from app.services.reports import ProductCount, product_counts
from app.ui.background import Background
from app.ui.camera_preview import CameraPreview

SYNTHETIC_CAMERA = "synthetic"
CAMERA_KINDS = {"synthetic": "Demo camera (synthetic)", "index": "Camera number", "path": "Device, video file or folder"}
PRESET_BUTTONS = {Preset.DOOR: "Door", Preset.BAR: "Bar", Preset.ANY: "Any"}
ID_EXAMPLE = "IDs look like 3f2b6c1e-8a4b-4c1e-9a57-0d3e5b7a2c10"
NAME_MAX = 60
VERDICT_SECONDS_CHOICES = (2.0, 3.0, 4.0, 5.0, 8.0, 10.0, 15.0, 30.0)


class KeyStore(Protocol):
    """Where the API key is kept; the page only ever shows it masked."""

    def load(self) -> str: ...

    def store(self, key: str) -> None: ...


class SecretsKeyStore:
    """The key in the OS keyring or the user-only token file (app.secrets)."""

    def load(self) -> str:
        return load_api_key()

    def store(self, key: str) -> None:
        store_api_key(key)


def camera_choice(setting: str) -> tuple[str, str]:
    """The settings' camera string as (kind, value) for the form."""
    if setting == SYNTHETIC_CAMERA:
        return "synthetic", ""
    if setting.isdigit():
        return "index", setting
    return "path", setting


def is_id(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


def split_ids(text: str) -> list[str]:
    return [part for part in re.split(r"[\s,;]+", text.strip()) if part]


def _form(box: QGroupBox) -> QFormLayout:
    form = QFormLayout(box)
    form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    form.setVerticalSpacing(8)
    return form


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

    def __init__(
        self,
        engine: Engine,
        reader: Background,
        key_store: KeyStore,
        settings_file: Path | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("setupPage")
        self._engine = engine
        self._reader = reader
        self._keys = key_store
        self._settings_file = settings_file
        self._settings = Settings()

        self.title = QLabel("Station setup")
        self.title.setObjectName("pageTitle")
        # This station
        self.name_field = QLineEdit()
        self.name_field.setMaxLength(NAME_MAX + 20)  # longer input gets a message, not silent cutting
        self.preset_group = QButtonGroup(self)
        presets = QHBoxLayout()
        for preset, text in PRESET_BUTTONS.items():
            button = QPushButton(text)
            button.setObjectName("segment")
            button.setCheckable(True)
            self.preset_group.addButton(button)
            button.setProperty("preset", preset.value)
            presets.addWidget(button)
        self.products_list = QListWidget()
        self.products_list.setObjectName("productChoices")
        self.products_list.setFixedHeight(150)
        self.hide_names = QCheckBox("Hide holders' names on the verdict")
        self.sounds = QCheckBox("Play sounds")
        self.verdict_seconds = QComboBox()
        # Camera
        self.camera_kind = QComboBox()
        for kind, text in CAMERA_KINDS.items():
            self.camera_kind.addItem(text, kind)
        self.camera_value = QLineEdit()
        self.camera_kind.currentIndexChanged.connect(self._camera_kind_changed)
        self.preview = CameraPreview()
        self.preview.setFixedHeight(140)
        # Products API
        self.url_field = QLineEdit()
        self.url_field.setPlaceholderText("https://api.example.com — empty: no API, imports only")
        self.key_field = QLineEdit()
        self.key_field.setEchoMode(QLineEdit.EchoMode.Password)
        self.event_field = QLineEdit()
        self.download_field = QPlainTextEdit()
        self.download_field.setPlaceholderText("product IDs, one per line")
        self.download_field.setFixedHeight(86)

        self.errors = {name: _error_label() for name in ("name", "camera", "url", "key", "event", "download")}
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
        camera_form.addRow("Source", self.camera_kind)
        camera_form.addRow("Number or path", self.camera_value)
        camera_form.addRow("", self.errors["camera"])
        camera_form.addRow("Now in use", self.preview)

        api_box = QGroupBox("Products API")
        api_form = _form(api_box)
        api_form.addRow("Address", self.url_field)
        api_form.addRow("", self.errors["url"])
        api_form.addRow("API key", self.key_field)
        api_form.addRow("", self.errors["key"])
        api_form.addRow("Event ID", self.event_field)
        api_form.addRow("", self.errors["event"])
        api_form.addRow("Download products", self.download_field)
        api_form.addRow("", self.errors["download"])

        self.save_button = QPushButton("Save and apply")
        self.save_button.setObjectName("primaryButton")
        self.save_button.clicked.connect(self.apply)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancelled.emit)

        columns = QHBoxLayout()
        columns.addWidget(station_box, 1, Qt.AlignmentFlag.AlignTop)
        right = QVBoxLayout()
        right.addWidget(camera_box)
        right.addWidget(api_box)
        right.addStretch(1)
        columns.addLayout(right, 1)
        body = QWidget()
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(0, 0, 0, 0)
        body_layout.addLayout(columns)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(body)
        buttons = QHBoxLayout()
        buttons.addWidget(self.message)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.save_button)
        page = QVBoxLayout(self)
        page.setContentsMargins(28, 16, 28, 16)
        page.addWidget(self.title)
        page.addWidget(scroll, 1)
        page.addLayout(buttons)

    # ---- filling the form ----

    def load(self, settings: Settings, first_run: bool = False) -> None:
        self._settings = settings
        self.title.setText("Set up this station" if first_run else "Station setup")
        self.cancel_button.setText("Skip — use the defaults" if first_run else "Cancel")
        self.name_field.setText(settings.station.name)
        for button in self.preset_group.buttons():
            button.setChecked(button.property("preset") == settings.station.preset)
        self.hide_names.setChecked(settings.hide_names)
        self.sounds.setChecked(settings.sounds)
        self._show_verdict_seconds(settings.verdict_seconds)
        kind, value = camera_choice(settings.camera)
        self.camera_kind.setCurrentIndex(self.camera_kind.findData(kind))
        self.camera_value.setText(value)
        self._camera_kind_changed()
        self.url_field.setText(settings.api.base_url)
        self.key_field.clear()
        self._show_stored_key()
        self.event_field.setText(settings.event_id)
        self.download_field.setPlainText("\n".join(settings.product_ids))
        self._show_errors({})
        self.message.hide()
        self._show_product_choices([])
        self._reader.submit(lambda: product_counts(self._engine), self._show_product_choices)

    def _show_stored_key(self) -> None:
        stored = self._keys.load()
        self.key_field.setPlaceholderText(f"stored: {mask(stored)} — type to replace" if stored else "not set")

    def _show_product_choices(self, products: list[ProductCount]) -> None:
        accepted = set(self._settings.station.product_ids)
        self.products_list.clear()
        known = {p.product_id for p in products}
        rows = [(p.product_id, f"{p.name}  ({p.type})") for p in products]
        rows += [(pid, f"{pid}  (not in the local list yet)") for pid in sorted(accepted - known)]
        for product_id, text in rows:
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, product_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if product_id in accepted else Qt.CheckState.Unchecked)
            self.products_list.addItem(item)

    def _show_verdict_seconds(self, current: float) -> None:
        self.verdict_seconds.clear()
        for seconds in sorted({*VERDICT_SECONDS_CHOICES, current}):
            self.verdict_seconds.addItem(f"{seconds:g} seconds", float(seconds))
        self.verdict_seconds.setCurrentIndex(self.verdict_seconds.findData(float(current)))

    def _camera_kind_changed(self) -> None:
        kind = self.camera_kind.currentData()
        self.camera_value.setEnabled(kind != "synthetic")
        self.camera_value.setPlaceholderText({"synthetic": "", "index": "0 for the first camera",
                                              "path": "/dev/video0, a video file or a folder of images"}[kind])

    # ---- checking and keeping ----

    def _preset(self) -> Preset:
        checked = self.preset_group.checkedButton()
        return Preset(checked.property("preset")) if checked else Preset(self._settings.station.preset)

    def _accepted_products(self) -> list[str]:
        items = (self.products_list.item(row) for row in range(self.products_list.count()))
        return [i.data(Qt.ItemDataRole.UserRole) for i in items if i.checkState() == Qt.CheckState.Checked]

    def _camera_setting(self, errors: dict[str, str]) -> str:
        kind, value = self.camera_kind.currentData(), self.camera_value.text().strip()
        if kind == "synthetic":
            return SYNTHETIC_CAMERA
        if kind == "index":
            if not value.isdigit():
                errors["camera"] = "Type the camera's number: 0 for the first camera, 1 for the next"
            return value
        if not value:
            errors["camera"] = "Type the path of the camera device, video file or folder"
        elif not Path(value).exists():
            errors["camera"] = f"Nothing found at {value}"
        return value

    def apply(self) -> bool:
        """Checks the form; when it is good, keeps it and emits `applied`. Returns whether it did."""
        errors: dict[str, str] = {}
        name = self.name_field.text().strip()
        if not name:
            errors["name"] = "Give the station a name, e.g. “Door 2”"
        elif len(name) > NAME_MAX:
            errors["name"] = f"Use at most {NAME_MAX} characters"
        camera = self._camera_setting(errors)
        url = self.url_field.text().strip()
        if url and (not url.startswith(("http://", "https://")) or not urlsplit(url).netloc):
            errors["url"] = "Type the full address, starting with https://"
        key = self.key_field.text().strip()
        if any(ch.isspace() for ch in key):
            errors["key"] = "An API key has no spaces — paste it again"
        elif url and not key and not self._keys.load():
            errors["key"] = "Type the API key for this server"
        event_id = self.event_field.text().strip()
        if event_id and not is_id(event_id):
            errors["event"] = f"Not an event ID — {ID_EXAMPLE}"
        download = split_ids(self.download_field.toPlainText())
        bad = [text for text in download if not is_id(text)]
        if bad:
            errors["download"] = f"Not a product ID: “{bad[0]}” — {ID_EXAMPLE}"
        self._show_errors(errors)
        if errors:
            return False

        current = self._settings.model_dump()
        current["station"].update(name=name, preset=self._preset().value, product_ids=self._accepted_products())
        current["api"]["base_url"] = url
        current.update(
            event_id=event_id,
            product_ids=[str(uuid.UUID(text)) for text in download],
            camera=camera,
            hide_names=self.hide_names.isChecked(),
            sounds=self.sounds.isChecked(),
            verdict_seconds=self.verdict_seconds.currentData(),
        )
        try:
            settings = Settings.model_validate(current)
        except ValidationError as exc:
            first = exc.errors()[0]
            self._say(f"Cannot use these settings: {'.'.join(map(str, first['loc']))}: {first['msg']}")
            return False
        try:
            if key:
                self._keys.store(key)
            save_settings(settings, self._settings_file)
        except OSError as exc:
            self._say(f"Could not save the settings: {exc.strerror or exc}")
            return False
        self._settings = settings
        self.key_field.clear()
        self._show_stored_key()
        self.message.hide()
        self.applied.emit(settings)
        return True

    def _show_errors(self, errors: dict[str, str]) -> None:
        for name, label in self.errors.items():
            label.setText(errors.get(name, ""))
            label.setVisible(name in errors)
        if errors:
            self._say("Please correct the fields marked in red — nothing was changed")
        else:
            self.message.hide()

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()
