"""Putting a running kiosk together: replica, station, sync, camera pipeline and window.

Used by `usher kiosk` (the real thing) and `usher demo` (the same, on the simulator and a demo camera).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, make_url
from sqlalchemy.exc import OperationalError

from app.config import Settings
from app.scan.camera_setting import CameraKind, parse_camera
from app.scan.debounce import Debouncer
from app.scan.sources import CameraSource, FrameSource, ImageFolderSource, VideoFileSource
from app.services.door import DoorStatus, DoorTicker, VenueDoor
from app.services.station import UNDO_HOLD_S, Station
from app.store.db import create_replica_engine, open_replica, venue_copy_url
from app.sync.engine import SyncEngine
from app.sync.local_only import LocalOnlySync
from app.sync.service import NotConfigured, build_online_sync
from app.ui.cameras import SYSFS_VIDEO, find_cameras
from app.ui.main_window import MainWindow
from app.ui.scan_pipeline import QtScanPipeline

log = logging.getLogger(__name__)


def camera_source(setting: str, sysfs: Path = SYSFS_VIDEO) -> FrameSource | None:
    """The frame source a camera setting names (app/scan/camera_setting.py); None for no camera, or when the
    first camera is asked for and there is none (the station scans with a hand scanner). Never the synthetic
    demo camera: that is `usher demo`'s alone."""
    camera = parse_camera(setting)
    if camera.kind is CameraKind.NONE:
        return None
    if camera.kind is CameraKind.FIRST:
        cameras = find_cameras(sysfs)
        return CameraSource(cameras[0].device) if cameras else None
    if camera.kind is CameraKind.NUMBER:
        return CameraSource(camera.number)
    if camera.kind is CameraKind.FOLDER:
        return ImageFolderSource(Path(camera.value))
    if camera.kind is CameraKind.VIDEO:
        return VideoFileSource(Path(camera.value))
    return CameraSource(camera.value)


def open_station_replica(url: str | None) -> Engine:
    """The replica a kiosk decides on: its own SQLite file, or the venue's PostgreSQL replica (`url`). A venue
    database that does not answer at start is no reason not to open the door: the door decides from its own
    copy (app/services/door.py) until the database is back."""
    try:
        return open_replica(url)
    except OperationalError:
        if url is None or make_url(url).get_backend_name() != "postgresql":
            raise
    log.warning("The venue database does not answer: this door starts on its own copy until it does")
    return create_replica_engine(url)


@dataclass
class Kiosk:
    """A running kiosk; `replace_sync` swaps the server connection when settings change, `use_camera`
    the camera (setup previews each camera it is asked about this way)."""

    replica: Engine
    station: Station | VenueDoor
    window: MainWindow
    pipeline: QtScanPipeline | None
    engine: SyncEngine | None
    cooldown_s: float = 3.0
    camera: str | None = None  # the camera setting the pipeline runs on
    door_ticker: DoorTicker | None = None  # a venue door: refreshes its copy, finds the venue again

    def use_camera(self, setting: str) -> None:
        if setting == self.camera:
            return
        if self.pipeline is not None:
            self.pipeline.stop()
        self.camera, self.pipeline = setting, None
        source = camera_source(setting)
        if source is None:
            self.window.detach_scan_source()
            return
        self.pipeline = QtScanPipeline(source, debouncer=Debouncer(cooldown_s=self.cooldown_s))
        self.window.attach_scan_source(self.pipeline)
        self.pipeline.start()

    def replace_sync(self, settings: Settings, api_key: str) -> None:
        """Swaps the server connection without waiting on the UI thread: the old engine finishes the
        request it is sending and gives up the upload lease; the new one sends only once it holds it."""
        if self.engine is not None:
            self.engine.stop(wait=False)
        control, self.engine, self.station.unknown_item = connect(self.replica, settings, api_key)
        self.window.sync = DoorStatus(control, self.station) if isinstance(self.station, VenueDoor) else control
        if self.engine is not None:
            self.engine.start()

    def close(self) -> None:
        if self.door_ticker is not None:
            self.door_ticker.stop()
        if self.pipeline is not None:
            self.pipeline.stop()
        self.window.shutdown()
        if self.engine is not None:
            self.engine.stop()


def connect(replica: Engine, settings: Settings, api_key: str):  # type: ignore[no-untyped-def]
    """(SyncControl, the engine or None, the unknown-item resolver or None) for these settings."""
    try:
        online = build_online_sync(replica, settings, api_key)
    except NotConfigured:
        return LocalOnlySync(replica), None, None
    except ValueError as exc:  # an unusable URL or key: say so, keep scanning locally
        log.warning("API settings cannot be used: %s", exc)
        return LocalOnlySync(replica), None, None
    return online.engine, online.engine, online.lookup


def build_kiosk(replica: Engine, settings: Settings, api_key: str, camera: str | None, *,
                settings_file: Path | None = None, first_run: bool = False, locked: bool = False,
                snapshot_url: str | None = None) -> Kiosk:
    """A kiosk on `camera` (a camera setting; None: no camera of its own, e.g. the demo drives it). On a venue's
    PostgreSQL replica the station is a VenueDoor with its own SQLite copy at `snapshot_url` (default: the
    user data directory's)."""
    control, engine, resolver = connect(replica, settings, api_key)
    # An accepted use waits out the undo window before it is sent, so the verdict's Undo can keep its promise.
    station: Station | VenueDoor
    ticker = None
    if replica.dialect.name == "postgresql":  # a venue's shared replica: keep deciding when it is unreachable
        station = VenueDoor(replica, open_replica(snapshot_url or venue_copy_url()), settings.station.rules(), unknown_item=resolver,
                            hold_for_undo_s=UNDO_HOLD_S)
        control, ticker = DoorStatus(control, station), DoorTicker(station).start()
    else:
        station = Station(replica, settings.station.rules(), unknown_item=resolver, hold_for_undo_s=UNDO_HOLD_S)
    window = MainWindow(replica, settings, station, control, settings_file=settings_file,  # type: ignore[arg-type]
                        first_run=first_run, kiosk=locked)
    kiosk = Kiosk(replica, station, window, None, engine, cooldown_s=settings.cooldown_s, door_ticker=ticker)
    if camera is not None:
        kiosk.use_camera(camera)
    window.camera_requested.connect(kiosk.use_camera)

    def upload_soon(verdict, _latency) -> None:  # type: ignore[no-untyped-def]
        if verdict.accepted and kiosk.engine is not None:
            kiosk.engine.sync_now()  # send the new use now rather than at the next idle wake-up

    window.verdict_shown.connect(upload_soon)
    if engine is not None:
        engine.start()
    return kiosk
