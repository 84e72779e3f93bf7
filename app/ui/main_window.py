"""The kiosk window, assembled from its parts: the scan screen, the status strip, search, the PIN
gate, the manager view, station setup and the box office.

Scans go through `on_payload(text, captured_at)`, whatever their source (camera pipeline, keyboard
wedge, search). The redeem runs on a worker thread, never on the UI thread: it is ~2 ms on a quiet
replica, but it commits durably (fsync), can wait up to the busy timeout while the sync engine writes,
and an unknown item may be asked of the server. Scans are decided one at a time, in arrival order.

A scan never takes staff off the page they are on: on the scan screen the verdict fills it; over any
other page (manager, PIN, search, setup, box office) it shows as an overlay that closes by itself (or on a tap) and
leaves the page as it was.

Two roles share the kiosk (app.pins). A steward scans and may undo their own last scan: that is the scan
screen. With a steward PIN set, a steward signs in with it (or the manager's) before scanning, and is signed
out after STEWARD_IDLE_S without a scan, or by "Sign out"; without one, scanning needs no PIN. Everything that
shows guests' personal data or changes the station — search and manual check-in, the manager view, setup, the
box office (except at a box-office station, whose own desk it is), leaving the kiosk lock — is the manager's,
behind the manager PIN, which stays good for a few minutes (app.ui.manager_session); when it lapses, those
pages close by themselves.
"""
from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Callable

import numpy as np
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QFont, QKeyEvent, QResizeEvent
from PySide6.QtWidgets import QHBoxLayout, QMainWindow, QPushButton, QStackedWidget, QVBoxLayout, QWidget
from sqlalchemy import Engine

from app.api.settings import ApiSettings
from app.config import Settings, config_dir, save_settings
from app.domain.presentation import UNDO_REFUSED_DETAIL, UNDONE_DETAIL, look
from app.domain.rules import Preset
from app.domain.verdict import Verdict
from app.scan.pipeline import ScanEvent
from app.scan.sources import Frame, SourceState
from app.scan.wedge import KeyboardWedge
from app.pin_guard import pin_gate
from app.pins import PinGate, Role, settings_hashes
from app.secrets import PIN_ATTEMPTS_FILE, PinAttempts
from app.services.box_office import BoxOffice
from app.services.door import VenueDoor
from app.services.station import Station
from app.services.transfer_desk import TransferDesk
from app.sync.service import NotConfigured, api_settings
from app.sync.status import Override, SyncControl
from app.ui.background import Background
from app.ui.box_office_page import BoxOfficePage
from app.ui.camera_preview import NO_CAMERA, CameraPreview, camera_problem, camera_state_text
from app.ui.gui_thread_gc import GuiThreadGarbageCollector
from app.ui.keyboard_grab import KeyboardGrab
from app.ui.manager_page import ManagerPage
from app.ui.manager_session import ManagerSession
from app.ui.pin_page import PinPage
from app.ui.scan_pipeline import QtScanPipeline
from app.ui.search_page import SearchPage
from app.ui.setup_page import KeyStore, SecretsKeyStore, SetupPage
from app.ui.sounds import READ_BEEP, SoundPlayer
from app.ui.status_strip import StatusStrip
from app.ui.theme import stylesheet
from app.ui.verdict_panel import VerdictOverlay, VerdictPanel

log = logging.getLogger(__name__)

SYNC_POLL_MS = 1000
BASE_FONT_PT = 13
STEWARD_IDLE_S = 30 * 60  # a steward signed in stays so this long after their last scan
SIGNED_OUT = "Signed out — a steward enters the steward PIN to scan"


class PagesWithOverlay(QStackedWidget):
    """The window's pages, and over them the overlay a scan shows its verdict in (always their size)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.overlay = VerdictOverlay(self)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self.overlay.setGeometry(self.rect())


class MainWindow(QMainWindow):
    verdict_shown = Signal(object, object)  # the Verdict; seconds from capture to screen, or None
    settings_changed = Signal(object)  # the new Settings, already saved and applied here
    camera_requested = Signal(str)  # a camera setting to scan with from now on (setup's preview, or saved)

    def __init__(
        self,
        replica: Engine,
        settings: Settings,
        station: Station,
        sync: SyncControl,
        *,
        wedge: KeyboardWedge | None = None,
        settings_file: Path | None = None,
        first_run: bool = False,
        kiosk: bool = False,
        key_store: KeyStore | None = None,
        manager_session: ManagerSession | None = None,
        pin_attempts: PinAttempts | None = None,
        pins: PinGate | None = None,
        steward_session: ManagerSession | None = None,
    ) -> None:
        super().__init__()
        self.replica, self.settings, self.station, self.sync = replica, settings, station, sync
        self._settings_file = settings_file
        self._gc = GuiThreadGarbageCollector(self)  # before any worker thread starts
        self._writer = Background(self)  # scans and undos, in order
        self._reader = Background(self)  # searches and reports, never ahead of a scan
        self._after_pin: Callable[[], None] | None = None
        self.manager_session = manager_session or ManagerSession()
        self.steward_session = steward_session or ManagerSession(unlocked_for_s=STEWARD_IDLE_S)
        self.kiosk_locked = False
        self._keyboard = KeyboardGrab(self)

        self.sounds = SoundPlayer(enabled=settings.sounds, parent=self)
        self.preview = CameraPreview()
        self.panel = VerdictPanel(self.preview)
        self.strip = StatusStrip()
        self.search_page = SearchPage(replica, self._reader)
        attempts_folder = settings_file.parent if settings_file is not None else config_dir()
        self.pins = pins or pin_gate(settings.pin_guard,
                                     lambda: settings_hashes(self.settings.pin_hash, self.settings.steward_pin_hash),
                                     pin_attempts or PinAttempts(attempts_folder / PIN_ATTEMPTS_FILE))
        self.pin_page = PinPage(self.pins)
        door_copy = station.snapshot if isinstance(station, VenueDoor) else None
        self.manager_page = ManagerPage(replica, self._reader, door_copy=door_copy)
        self._key_store = key_store or SecretsKeyStore()
        self.setup_page = SetupPage(replica, self._reader, self._key_store, settings_file)
        self.box_office_page = BoxOfficePage(self._writer, self._reader)
        self.pages = PagesWithOverlay()
        for page in (self.panel, self.search_page, self.pin_page, self.manager_page, self.setup_page,
                     self.box_office_page):
            self.pages.addWidget(page)
        self.overlay = self.pages.overlay

        self.box_office_button = QPushButton("Box office")
        self.search_button = QPushButton("Search")
        self.manager_button = QPushButton("Manager")
        self.sign_out_button = QPushButton("Sign\nout")  # on two lines: the bar still fits a 1024-pixel screen
        self.sign_out_button.setAccessibleName("Sign out")
        for button in (self.box_office_button, self.search_button, self.manager_button, self.sign_out_button):
            button.setObjectName("navButton")
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.sign_out_button.setStyleSheet("padding: 4px 10px;")
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 12, 0)
        top.setSpacing(8)
        top.addWidget(self.strip, 1)
        top.addWidget(self.box_office_button)
        top.addWidget(self.search_button)
        top.addWidget(self.manager_button)
        top.addWidget(self.sign_out_button)
        top_bar = QWidget()
        top_bar.setObjectName("topBar")
        top_bar.setLayout(top)
        central = QWidget()
        central.setObjectName("central")
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(top_bar)
        column.addWidget(self.pages, 1)
        self.setCentralWidget(central)
        font = QFont(self.font())
        font.setPointSize(BASE_FONT_PT)
        self.setFont(font)
        self.setStyleSheet(stylesheet())

        self.box_office_button.clicked.connect(self.open_box_office)
        self.search_button.clicked.connect(self.open_search)
        self.manager_button.clicked.connect(self.open_manager)
        self.sign_out_button.clicked.connect(self.sign_out)
        for verdicts in (self.panel, self.overlay):
            verdicts.undo_requested.connect(lambda scan_id, shown=verdicts: self._undo(shown, scan_id))
        self.strip.override_requested.connect(self._set_override)
        self.search_page.check_in_requested.connect(self._check_in_from_search)
        self.search_page.back_requested.connect(self.show_scanning)
        self.search_page.activity.connect(self.manager_session.touch)
        self.pin_page.granted.connect(self._pin_granted)
        self.pin_page.pin_chosen.connect(self._keep_pin)
        self.pin_page.cancelled.connect(self.show_scanning)
        self.manager_page.back_requested.connect(self.show_scanning)
        self.manager_page.setup_requested.connect(self.open_setup)
        self.manager_page.box_office_requested.connect(self.open_box_office)
        self.manager_page.kiosk_requested.connect(self._toggle_kiosk)
        self.manager_page.sync_now_requested.connect(self._sync_now)
        self.manager_page.undo_requested.connect(self._undo_from_log)
        self.manager_page.activity.connect(self.manager_session.touch)
        self.box_office_page.back_requested.connect(self.show_scanning)
        self.box_office_page.activity.connect(self.manager_session.touch)
        self.box_office_page.verdict_ready.connect(self.show_verdict)  # an admission at the desk, as for a scan
        self.setup_page.applied.connect(self._setup_applied)
        self.setup_page.camera_preview_requested.connect(self.camera_requested.emit)
        self.setup_page.cancelled.connect(self._setup_cancelled)

        self._sync_timer = QTimer(self, interval=SYNC_POLL_MS)
        self._sync_timer.timeout.connect(self.poll_sync)
        self._sync_timer.timeout.connect(self._close_lapsed_pages)
        self._sync_timer.start()
        self.on_camera_state(NO_CAMERA)
        self.apply_settings(settings)
        self.poll_sync()
        if wedge is not None:
            self.attach_keyboard_wedge(wedge)
        self.show_scanning()  # or the steward's sign-in
        if kiosk:
            self.lock_kiosk()
        if first_run:  # after locking: a fresh install started locked at login must still be set up
            self.setup_page.load(settings, first_run=True)
            self.pages.setCurrentWidget(self.setup_page)

    # ---- scanning ----

    def attach_scan_source(self, source: QtScanPipeline) -> None:
        """Connects the scan pipeline's Qt adapter: payload(ScanEvent), frame(Frame), state(str)."""
        source.payload.connect(self._on_scan_event)
        source.frame.connect(self._on_source_frame)
        source.state.connect(self.on_camera_state)
        self.on_camera_state(SourceState.STARTING.value)

    def detach_scan_source(self) -> None:
        """The station scans with a hand scanner only."""
        self.on_camera_state(NO_CAMERA)

    def attach_keyboard_wedge(self, wedge: KeyboardWedge) -> None:
        """Scans typed by a USB scanner; the wedge must also be installed on the application."""
        wedge.scanned.connect(self.on_payload)

    def _on_scan_event(self, event: ScanEvent) -> None:
        self.on_payload(event.text, event.captured_at)

    def _on_source_frame(self, frame: Frame) -> None:
        self.show_frame(frame.image)

    def on_payload(self, text: str, captured_at: float | None = None) -> None:
        """One scanned code (camera, keyboard wedge or search): beep at once, decide off the UI thread,
        then show the verdict. `captured_at` is the perf_counter time of the frame, when known. Refused, with
        a word in the strip, while no steward is signed in (where stewards have a PIN)."""
        if self._steward_needed():
            self.strip.flash(SIGNED_OUT)
            return
        self.steward_session.touch()
        self.sounds.play(READ_BEEP)
        if self.pages.currentWidget() is self.box_office_page and self.box_office_page.take_scanned_text(text):
            return  # a guest's email code, scanned at the desk: it names the customer, it is not a ticket
        self._writer.submit(lambda: self.station.redeem(text), lambda verdict: self.show_verdict(verdict, captured_at))

    def _check_in_from_search(self, item_uuid: str) -> None:
        """The manager chose this guest: the verdict shows full screen, as for a scan at the door."""
        if not self._manager_present():
            return
        self.show_scanning()
        self.on_payload(item_uuid)

    def show_verdict(self, verdict: Verdict, captured_at: float | None = None) -> None:
        """On the scan screen, or as an overlay over whatever page staff are on."""
        shown = self.panel if self.pages.currentWidget() is self.panel else self.overlay
        shown.show_verdict(verdict, self.station.rules.preset, self.settings.hide_names,
                           self.settings.verdict_seconds, self._undo_seconds_left(verdict))
        if shown is self.overlay:
            self.overlay.show()
            self.overlay.raise_()
        self.sounds.play(look(verdict.kind).sound)
        latency = None if captured_at is None else time.perf_counter() - captured_at
        self.verdict_shown.emit(verdict, latency)

    def _undo_seconds_left(self, verdict: Verdict) -> float:
        """How long undoing this verdict's scan can still work: its upload waits that long (it was decided
        just now). 0 when the station sends at once: then Undo is not offered, as it could not work."""
        return self.station.hold_for_undo_s if verdict.accepted and verdict.scan_id is not None else 0.0

    def _undo(self, shown: VerdictPanel, scan_id: int) -> None:
        seconds = self.settings.verdict_seconds
        self._writer.submit(
            lambda: self.station.undo(scan_id),
            lambda undone: shown.show_undo_result(undone, UNDONE_DETAIL if undone else UNDO_REFUSED_DETAIL, seconds),
            lambda error: shown.show_undo_result(False, error, seconds),
        )

    def _undo_from_log(self, scan_id: int) -> None:
        self._writer.submit(lambda: self.station.undo(scan_id), self.manager_page.show_undo_result,
                            lambda error: self.manager_page.show_undo_result(False))

    def show_frame(self, frame: np.ndarray) -> None:
        self.preview.show_frame(frame)
        if self.pages.currentWidget() is self.setup_page:
            self.setup_page.preview.show_frame(frame)

    def on_camera_state(self, state: str) -> None:
        self.preview.show_state(state)
        self.setup_page.preview.show_state(state)
        self.strip.set_camera_state(camera_state_text(state))
        self.panel.set_camera(state != NO_CAMERA, camera_problem(state))

    # ---- sync ----

    def poll_sync(self) -> None:
        status = self.sync.status()
        self.strip.update_status(status)
        self.manager_page.show_sync_status(status)

    def _set_override(self, override: Override) -> None:
        self.sync.set_override(override)
        self.poll_sync()

    def _sync_now(self) -> None:
        self.sync.sync_now()
        self.poll_sync()
        self.manager_page.refresh()

    # ---- settings ----

    def apply_settings(self, settings: Settings) -> None:
        """Uses `settings` from now on: the next scan is decided by the new rules. No restart."""
        self.settings = settings
        self.station.rules = settings.station.rules()
        self.sounds.enabled = settings.sounds
        self.strip.set_station(self.station.rules.name)
        self.panel.set_ready_preset(self.station.rules.preset)
        # A box-office station's own desk takes Search's place in the top bar (the desk finds customers itself;
        # two buttons keep the strip readable at 1024 pixels); elsewhere the desk is Manager → Box office.
        at_the_desk = self.station.rules.preset is Preset.BOX_OFFICE
        self.box_office_button.setVisible(at_the_desk)
        self.search_button.setVisible(not at_the_desk)
        self.manager_page.hide_names = settings.hide_names
        self.search_page.hide_names = settings.hide_names
        self.box_office_page.set_hide_names(settings.hide_names)
        self.manager_page.api_flags = ({"list_items": settings.api.list_items, "get_item": settings.api.get_item,
                                        "sales": settings.api.sales} if settings.api.base_url else {})
        self.setWindowTitle(f"Usher — {self.station.rules.name}")
        self._offer_sign_out()

    def _setup_applied(self, settings: Settings) -> None:
        self.apply_settings(settings)
        self.camera_requested.emit(settings.camera)
        self.settings_changed.emit(settings)
        self.strip.flash("Settings saved — in use from the next scan")
        self.show_scanning()

    def _setup_cancelled(self) -> None:
        if self.manager_session.unlocked:
            self.pages.setCurrentWidget(self.manager_page)
        else:
            self.show_scanning()

    def _keep_pin(self, pin_hash: str) -> None:
        settings = self.settings.model_copy(update={"pin_hash": pin_hash})
        try:
            save_settings(settings, self._settings_file)
        except OSError as exc:
            self.strip.flash(f"Could not save the PIN: {exc.strerror or exc}")
        self.settings = settings
        self.settings_changed.emit(settings)

    # ---- pages ----

    def show_scanning(self) -> None:
        """The scan screen — or, where stewards have a PIN and none is signed in, the steward's sign-in."""
        self._after_pin = None
        self._offer_sign_out()
        if self._steward_needed():
            self._after_pin = lambda: self.pages.setCurrentWidget(self.panel)
            self.pin_page.ask("Start scanning", (Role.STEWARD, Role.MANAGER), may_choose=False, cancellable=False)
            self.pages.setCurrentWidget(self.pin_page)
            return
        self.pages.setCurrentWidget(self.panel)

    def sign_out(self) -> None:
        """The steward (or manager) leaves the kiosk: nothing more is scanned, shown or opened without a PIN."""
        self.steward_session.lock()
        self.manager_session.lock()
        self.search_page.reset()
        self.show_scanning()

    def _steward_needed(self) -> bool:
        return self.pins.has(Role.STEWARD) and not (self.steward_session.unlocked or self.manager_session.unlocked)

    def _offer_sign_out(self) -> None:
        self.sign_out_button.setVisible(self.pins.has(Role.STEWARD) and not self._steward_needed())

    def open_search(self) -> None:
        self._behind_pin("Search", self._show_search)

    def _show_search(self) -> None:
        self.search_page.reset()
        self.pages.setCurrentWidget(self.search_page)

    def open_manager(self) -> None:
        self._behind_pin("Manager view", self._show_manager)

    def open_setup(self) -> None:
        self._behind_pin("Station setup", self._show_setup)

    def open_box_office(self) -> None:
        """A box-office station's own desk opens at once; elsewhere (a door that also sells) the desk shows
        customers' names and emails, so it is the manager's, behind the PIN."""
        if self.station.rules.preset is Preset.BOX_OFFICE:
            self._show_box_office()
        else:
            self._behind_pin("Box office", self._show_box_office)

    def _show_box_office(self) -> None:
        rules = self.station.rules
        self.box_office_page.configure(BoxOffice(self.replica, rules.name), rules, lambda: self.sync,
                                       TransferDesk(self.replica, self._api()))
        self.box_office_page.open()
        self.pages.setCurrentWidget(self.box_office_page)

    def _api(self) -> ApiSettings | None:
        """The Products API for the desk's transfers and the order history; None when none is set up."""
        if not self.settings.api.base_url:
            return None
        try:
            return api_settings(self.settings, self._key_store.load(self.settings.api.base_url))
        except (NotConfigured, ValueError):
            return None

    def _behind_pin(self, purpose: str, then: Callable[[], None]) -> None:
        if self.manager_session.unlocked:
            self.manager_session.touch()
            then()
            return
        self._after_pin = then
        # On a locked kiosk a PIN is never chosen on screen: whoever stands in front of it would own it.
        self.pin_page.ask(purpose, (Role.MANAGER,), may_choose=not self.kiosk_locked)
        self.pages.setCurrentWidget(self.pin_page)

    def _manager_present(self) -> bool:
        """Whether the manager's pages may show: the PIN was entered lately, or none is set yet (a fresh
        station being set up, which is never a locked one)."""
        return self.manager_session.unlocked or not (self.pins.has(Role.MANAGER) or self.kiosk_locked)

    def _close_lapsed_pages(self) -> None:
        """Once the manager's PIN has lapsed, guests' data and settings leave the screen; once the steward's
        has, the scan screen too."""
        page = self.pages.currentWidget()
        guarded = [self.search_page, self.manager_page, self.setup_page]
        if self.station.rules.preset is not Preset.BOX_OFFICE:
            guarded.append(self.box_office_page)
        if (page in guarded and not self._manager_present()) or (page is self.panel and self._steward_needed()):
            self.search_page.reset()
            self.show_scanning()

    def _pin_granted(self, role: Role) -> None:
        then, self._after_pin = self._after_pin, None
        self.steward_session.unlock()  # a manager may scan too
        if role is Role.MANAGER:
            self.manager_session.unlock()
        self._offer_sign_out()
        if then is not None:
            then()

    def _show_manager(self) -> None:
        self.manager_page.sales.api = self._api()
        self.manager_page.set_kiosk_locked(self.kiosk_locked)
        self.manager_page.refresh()
        self.pages.setCurrentWidget(self.manager_page)

    def _show_setup(self) -> None:
        self.setup_page.load(self.settings)
        if (frame := self.preview.frame()) is not None:
            self.setup_page.preview.show_frame(frame)
        self.pages.setCurrentWidget(self.setup_page)

    # ---- kiosk lock ----

    def lock_kiosk(self) -> None:
        """Full screen, on top of other windows, with the keyboard grabbed where the platform allows (no
        Alt+Tab to another window); closing is refused until kiosk mode is left from the manager view (PIN).
        The standard lock is a kiosk compositor with no other window at all (packaging/usher-kiosk.service)."""
        self.kiosk_locked = True
        self.manager_session.lock()
        self.manager_page.set_kiosk_locked(True)
        self.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint, True)
        self.showFullScreen()
        self._keyboard.start()
        self.show_scanning()

    def _toggle_kiosk(self) -> None:
        if not self.manager_session.unlocked:
            return
        if self.kiosk_locked:
            self.kiosk_locked = False
            self.manager_page.set_kiosk_locked(False)
            self._keyboard.stop()
            self.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint, False)
            self.showNormal()
        else:
            self.lock_kiosk()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() == Qt.Key.Key_Escape:
            # Escape leads back to scanning, never out of full screen or out of the app.
            if self.pages.currentWidget() is not self.panel:
                self.show_scanning()
            event.accept()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        if self.kiosk_locked:
            event.ignore()
            self.strip.flash("Locked — to close, open Manager (PIN) and leave kiosk mode")
            return
        self.shutdown()
        event.accept()

    def shutdown(self) -> None:
        """Stops polling and lets scans already read finish recording."""
        self._keyboard.stop()
        self._sync_timer.stop()
        self.box_office_page.shutdown()
        self.manager_page.sales.shutdown()
        self._writer.shutdown()
        self._reader.shutdown()
        self._gc.stop()

    def idle(self) -> bool:
        """True when no scan, search, report or PIN check is in progress."""
        return (self._writer.idle() and self._reader.idle() and not self.pin_page.checking
                and self.box_office_page.idle() and self.manager_page.sales.idle())

    def save_screenshot(self, path: Path) -> bool:
        return self.grab().save(str(path))
