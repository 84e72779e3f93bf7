"""Putting a running kiosk together: replica, station, sync, camera pipeline and window.

Used by `usher kiosk` (the real thing) and `usher demo` (the same, on the simulator and a demo camera).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from app.config import Settings
from app.scan.debounce import Debouncer
from app.scan.pipeline import QtScanPipeline
from app.scan.sources import CameraSource, FrameSource, ImageFolderSource, SyntheticCamera, VideoFileSource
from app.services.station import Station
from app.sync.engine import SyncEngine
from app.sync.service import NotConfigured, build_online_sync
from app.ui.local_sync import LocalOnlySync
from app.ui.main_window import MainWindow

log = logging.getLogger(__name__)


def camera_source(setting: str, demo_payloads: list[str]) -> FrameSource:
    """The frame source a settings string names: "synthetic", a camera number, a folder, a file, a device."""
    if setting == "synthetic":
        return SyntheticCamera([(payload, 1.4, 3.6) for payload in demo_payloads], repeat=True)
    if setting.isdigit():
        return CameraSource(int(setting))
    path = Path(setting)
    if path.is_dir():
        return ImageFolderSource(path)
    if path.is_file() and not setting.startswith("/dev/"):
        return VideoFileSource(path)
    return CameraSource(setting)


@dataclass
class Kiosk:
    """A running kiosk; `replace_sync` swaps the server connection when settings change."""

    replica: Engine
    station: Station
    window: MainWindow
    pipeline: QtScanPipeline | None
    engine: SyncEngine | None

    def replace_sync(self, settings: Settings, api_key: str) -> None:
        """Swaps the server connection without waiting on the UI thread: the old engine finishes the
        request it is sending and gives up the upload lease; the new one sends only once it holds it."""
        if self.engine is not None:
            self.engine.stop(wait=False)
        control, self.engine, self.station.unknown_item = connect(self.replica, settings, api_key)
        self.window.sync = control
        if self.engine is not None:
            self.engine.start()

    def close(self) -> None:
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


def build_kiosk(replica: Engine, settings: Settings, api_key: str, source: FrameSource | None, *,
                settings_file: Path | None = None, first_run: bool = False, locked: bool = False) -> Kiosk:
    control, engine, resolver = connect(replica, settings, api_key)
    station = Station(replica, settings.station.rules(), unknown_item=resolver)
    pipeline = None
    if source is not None:
        pipeline = QtScanPipeline(source, debouncer=Debouncer(cooldown_s=settings.cooldown_s))
    window = MainWindow(replica, settings, station, control, pipeline, settings_file=settings_file,
                        first_run=first_run, kiosk=locked)
    kiosk = Kiosk(replica, station, window, pipeline, engine)

    def upload_soon(verdict, _latency) -> None:  # type: ignore[no-untyped-def]
        if verdict.accepted and kiosk.engine is not None:
            kiosk.engine.sync_now()  # send the new use now rather than at the next idle wake-up

    window.verdict_shown.connect(upload_soon)
    if engine is not None:
        engine.start()
    if pipeline is not None:
        pipeline.start()
    return kiosk
