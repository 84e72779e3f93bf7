"""`usher demo`: the embedded default. The simulator starts in-process with the demo event, the replica
syncs from it, and the kiosk opens on the demo camera, which plays a scripted round. With no display
(or `--headless`), the same round runs offscreen: one printed line and one screenshot per scan; then a
box-office round (app/cli/box_office_round.py): a walk-up sale, its ticket printed to a PDF in the output
folder, and that ticket scanned at the door.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

from app.demo_data import DOOR, GAP_S, SHOWN_S, scripted_round
from app.domain.rules import StationRules

class DemoWorld:
    """The simulator, a synced replica and the settings a demo kiosk runs on, in a temporary folder."""

    def __init__(self, folder: Path) -> None:
        from app import demo_data
        from app.config import Settings
        from app.simulator.demo_data import DEMO_WRITE_KEY
        from app.simulator.faults import FaultSettings
        from app.simulator.server import SimulatorServer
        from app.store.db import open_replica

        self._faults = FaultSettings
        self.simulator = SimulatorServer(folder / "simulator.db", seed="demo").start()
        self.replica = open_replica(f"sqlite:///{folder / 'replica.db'}")
        self.settings = Settings.model_validate({
            "api": {"base_url": self.simulator.url},
            "station": {"name": "Door 1", "preset": "door"},
            "event_id": demo_data.EVENT_ID,
            "product_ids": [p.id for p in demo_data.PRODUCTS],
            "pin_hash": "",
        })
        self.api_key = DEMO_WRITE_KEY
        self.network_up = True

    def set_network(self, up: bool) -> None:
        self.network_up = up
        self.simulator.faults = self._faults(dark=not up)

    def close(self) -> None:
        self.simulator.stop()
        self.replica.dispose()


def _has_display() -> bool:
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def _wait(app, condition, timeout_s: float = 15.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout_s
    while not condition() and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.005)
    return condition()


# What Qt says offscreen or without a sound card, which is no news to anyone watching the demo.
_OFFSCREEN_NOISE = ("propagateSizeHints", "QSoundEffect", "PulseAudio")


def _quiet_offscreen_noise(_mode, _context, message: str) -> None:  # type: ignore[no-untyped-def]
    if not any(noise in message for noise in _OFFSCREEN_NOISE):
        print(message, file=sys.stderr)


def run_headless(out_dir: Path) -> int:
    from PySide6.QtWidgets import QApplication

    from app.cli.compose import build_kiosk
    from app.scan.pipeline import ScanPipeline
    from app.scan.sources import SyntheticCamera
    from app.sync.status import Connectivity

    app = QApplication.instance() or QApplication(["usher-demo"])
    out_dir.mkdir(parents=True, exist_ok=True)
    round_ = scripted_round()
    # Decode the whole scripted camera first (simulated time, every frame): the round's scans, in order.
    # 15 frames/s is plenty to read each presentation, and halves the wait before the first verdict.
    camera = SyntheticCamera([(s.payload, SHOWN_S, GAP_S) for s in round_], realtime=False, fps=15)
    print(f"Reading {camera.duration_s:.0f} s of the demo camera ({len(round_)} codes shown)…", flush=True)
    events = ScanPipeline(camera).run_until_exhausted()
    if [e.text for e in events] != [s.payload for s in round_]:
        print(f"The demo camera was read as {[e.text for e in events]}", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="usher-demo-") as tmp:
        world = DemoWorld(Path(tmp))
        kiosk = None
        try:
            sync_demo_replica(world)
            kiosk = build_kiosk(world.replica, world.settings, world.api_key, None)
            window = kiosk.window
            window.resize(1280, 800)
            window.show()
            shown: list = []
            window.verdict_shown.connect(lambda verdict, _latency: shown.append((verdict, time.perf_counter())))
            for n, (scan, event) in enumerate(zip(round_, events), 1):
                if scan.offline and world.network_up:
                    world.set_network(False)
                    print("-- network cut: scans are decided locally and queue up --")
                window.apply_settings(world.settings.model_copy(update={"station": _station_settings(scan.station)}))
                window.on_camera_state("live")
                window.show_frame(camera.render_at(event.frame_timestamp).image)  # the frame it was read from
                submitted = time.perf_counter()
                window.on_payload(event.text)
                if not _wait(app, lambda: len(shown) == n):
                    print(f"No verdict for scan {n}", file=sys.stderr)
                    return 1
                verdict, at = shown[-1]
                if scan.offline:
                    _wait(app, lambda: kiosk.engine.status().connectivity is Connectivity.OFFLINE, 10)
                window.poll_sync()
                app.processEvents()
                elapsed_ms = (event.decode_latency_s + at - submitted) * 1000
                print(f"{verdict.kind.value:<16} {elapsed_ms:6.1f} ms  {scan.station.name:<6}  {scan.note}", flush=True)
                window.save_screenshot(out_dir / f"{n:02d}-{verdict.kind.value.lower()}.png")
            world.set_network(True)
            kiosk.engine.sync_now()
            drained = _wait(app, lambda: kiosk.engine.status().waiting == 0, 30)
            window.poll_sync()
            app.processEvents()
            window.save_screenshot(out_dir / f"{len(round_) + 1:02d}-back-online.png")
            print(f"-- network back: {'queue drained' if drained else 'queue NOT drained'}; "
                  f"{kiosk.engine.status().message} --")
            admitted = _box_office_round(app, window, out_dir)
            drained = drained and _wait(app, lambda: kiosk.engine.status().waiting == 0, 30)
            print(f"Screenshots in {out_dir}")
            return 0 if drained and admitted else 1
        finally:
            if kiosk is not None:
                kiosk.close()
            world.close()


def _box_office_round(app, window, out_dir: Path) -> bool:  # type: ignore[no-untyped-def]
    """A walk-up sale at the box office, its ticket printed to a PDF in `out_dir`, then scanned at the door."""
    from app.cli import box_office_round

    shots = out_dir / "box-office"
    shots.mkdir(parents=True, exist_ok=True)

    def shot(name: str) -> None:
        app.processEvents()
        window.save_screenshot(shots / f"{name}.png")

    verdict = box_office_round.play(window, out_dir, lambda condition, timeout: _wait(app, condition, timeout), shot)
    if verdict is None:
        print("box office: the walk-up sale did not complete", file=sys.stderr)
        return False
    app.processEvents()
    window.save_screenshot(shots / "printed-ticket-at-the-door.png")
    print(f"box office: the printed ticket scanned at {verdict.station}: {verdict.kind.value} — "
          f"{verdict.product_name}, {verdict.holder_name}")
    return verdict.accepted


def sync_demo_replica(world: DemoWorld) -> None:
    """The first download, before the window opens: the replica starts with the event's items, and the box
    office with the project's customers."""
    from app.api import ProductsClient
    from app.sync.customers import download_customers
    from app.sync.service import api_settings, build_online_sync

    report = build_online_sync(world.replica, world.settings, world.api_key).engine.run_once()
    with ProductsClient(api_settings(world.settings, world.api_key)) as client:
        customers = download_customers(world.replica, client)
    print(f"Synced the demo replica from the simulator at {world.simulator.url}: {report.downloaded} items, "
          f"{customers} customers.")


def _station_settings(rules: StationRules):  # type: ignore[no-untyped-def]
    from app.config import StationSettings

    return StationSettings(name=rules.name, preset=rules.preset.value, product_ids=sorted(rules.product_ids),
                           refuse_inactive=rules.refuse_inactive)


def run_window(out_dir: Path | None, quit_after_s: float | None) -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QApplication

    from app.cli.compose import build_kiosk
    from app.ui.scan_pipeline import QtScanPipeline
    from app.scan.sources import SyntheticCamera

    app = QApplication.instance() or QApplication(["usher-demo"])
    round_ = scripted_round()
    with tempfile.TemporaryDirectory(prefix="usher-demo-") as tmp:
        world = DemoWorld(Path(tmp))
        sync_demo_replica(world)
        camera = SyntheticCamera([(s.payload, SHOWN_S, GAP_S) for s in round_], repeat=True)
        kiosk = build_kiosk(world.replica, world.settings, world.api_key, None)
        window = kiosk.window
        # The demo plays two stations, so it stands between the camera and the window: each scan goes
        # to the station its place in the script names.
        kiosk.pipeline = pipeline = QtScanPipeline(camera)
        pipeline.frame.connect(lambda frame: window.show_frame(frame.image))
        pipeline.state.connect(window.on_camera_state)

        upcoming = [0]  # where in the round the camera is: each presentation is read once, in order
        selling = [False]  # the box-office round runs: the camera's codes wait

        def scan_at_its_station(event) -> None:  # type: ignore[no-untyped-def]
            if selling[0]:
                return
            for step in range(len(round_)):
                index = (upcoming[0] + step) % len(round_)
                if round_[index].payload == event.text:
                    scan, upcoming[0] = round_[index], index + 1
                    window.apply_settings(window.settings.model_copy(update={"station": _station_settings(scan.station)}))
                    if world.network_up == scan.offline:  # switching waits on the simulator: not on the UI thread
                        threading.Thread(target=world.set_network, args=(not scan.offline,), daemon=True).start()
                    break
            window.on_payload(event.text, event.captured_at)

        pipeline.payload.connect(scan_at_its_station)
        pipeline.start()
        network = QAction("Cut the network", window, checkable=True)
        network.toggled.connect(lambda cut: (world.set_network(not cut), kiosk.engine and kiosk.engine.sync_now()))
        menu = window.menuBar().addMenu("Demo")
        menu.addAction(network)
        ticket_dir = out_dir or Path(tmp)

        def sell_a_walk_up_ticket() -> None:
            selling[0] = True
            try:
                window.apply_settings(window.settings.model_copy(update={"station": _station_settings(DOOR)}))
                _box_office_round(app, window, ticket_dir)
            finally:
                selling[0] = False
                window.show_scanning()

        sell = QAction("Sell a walk-up ticket, print it and scan it at the door", window)
        sell.triggered.connect(sell_a_walk_up_ticket)
        menu.addAction(sell)
        if out_dir is not None:
            out_dir.mkdir(parents=True, exist_ok=True)
            shots = iter(range(1, 10_000))
            window.verdict_shown.connect(lambda verdict, latency: (
                print(f"{verdict.kind.value:<16} {1000 * (latency or 0):6.1f} ms  {window.station.rules.name}", flush=True),
                window.save_screenshot(out_dir / f"{next(shots):02d}-{verdict.kind.value.lower()}.png")))
        if quit_after_s is not None:
            QTimer.singleShot(int(quit_after_s * 1000), app.quit)
        window.resize(1280, 800)
        window.show()
        try:
            return app.exec()
        finally:
            kiosk.close()
            world.close()


def default_screens_dir() -> Path:
    """Where the headless demo saves its screenshots without --out: a new temporary folder, never the clone."""
    return Path(tempfile.mkdtemp(prefix="usher-demo-screens-"))


def _demo(args: argparse.Namespace) -> int:
    from PySide6.QtCore import qInstallMessageHandler

    qInstallMessageHandler(_quiet_offscreen_noise)
    if args.headless or not _has_display():
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        os.environ.setdefault("QT_LOGGING_RULES", "qt.multimedia*=false;qt.qpa*=false")
        return run_headless(Path(args.out) if args.out else default_screens_dir())
    return run_window(Path(args.out) if args.out else None, args.quit_after)


def register(subparsers: argparse._SubParsersAction) -> None:
    demo = subparsers.add_parser("demo", help="the kiosk on its embedded demo (simulator, demo camera)")
    demo.add_argument("--headless", action="store_true", help="run the round offscreen (automatic with no display)")
    demo.add_argument("--out", help="save a screenshot of every verdict here (headless default: a new temporary folder)")
    demo.add_argument("--quit-after", type=float, metavar="SECONDS", help="close the window after this long")
    demo.set_defaults(func=_demo)
