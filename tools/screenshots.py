"""Renders the kiosk's screens to PNG files for the README (docs/screenshots/) and for review.

    python -m tools.screenshots [OUT_DIR] [--size 1024x600] [--simulate]
                                  # default: docs/screenshots at 1280×800; --simulate also writes each
                                  # screen as seen with deuteranopia, protanopia and tritanopia

Everything shown is real: a replica built from the demo data through the importer, scans decided by
Station.redeem (with a clock set to an evening at the venue), the real window and its pages. Only the
sync status is staged, to show each state of the strip; and the API key is a demo key held in memory.
"""
from __future__ import annotations

import os
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Callable

import numpy as np
from PySide6.QtCore import QCoreApplication, QDeadlineTimer, QEvent, QEventLoop
from PySide6.QtWidgets import QApplication
from sqlalchemy import Engine

from app.api import ApiSettings, ProductsClient
from app.config import ApiConfig, Settings, StationSettings
from app.demo_data import DEMO_REPLICA, DRINKS, EVENT_ID, GA, INACTIVE, PRODUCTS, UNKNOWN_ITEM, VIP, item_uuid
from app.domain.verdict import Verdict, VerdictKind
from app.scan.sources import SourceState, SyntheticCamera
from app.secrets import hash_pin
from app.services.importer import import_file
from app.services.reports import sync_queue
from app.services.station import UNDO_HOLD_S, Station
from app.simulator.demo_data import DEMO_WRITE_KEY
from app.simulator.server import SimulatorServer
from app.store.db import open_replica
from app.sync.customers import download_customers
from app.sync.engine import SyncEngine
from app.sync.status import Connectivity, Override, SyncStatus
from app.ui.colour_vision import DEFICIENCIES, simulate
from app.sync.local_only import LocalOnlySync
from app.ui.main_window import MainWindow

DOCS_DIR = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
SIZE = (1280, 800)
DEMO_API_KEY = "demo-key-9f86d081884c7d659a2f"
SCREENSHOT_PIN = "246813"
Inspect = Callable[[str, MainWindow], None]


@dataclass
class StagedSync:
    """A SyncControl that reports the connection state it is given (the screenshots' only stand-in), with
    the replica's real count of what waits, so the strip and the manager view agree as they do live."""

    replica: Engine
    shown: SyncStatus

    def status(self) -> SyncStatus:
        return replace(self.shown, waiting=sync_queue(self.replica).waiting)

    def set_override(self, override: Override) -> None:
        self.shown = replace(self.shown, override=override)

    def sync_now(self) -> None:
        """Nothing to send: the screenshots never leave this machine."""


class MemoryKeyStore:
    def __init__(self, key: str) -> None:
        self.key = key

    def load(self, base_url: str) -> str:
        return self.key

    def store(self, key: str, base_url: str) -> None:
        self.key = key


class EveningClock:
    """Station clock set to a time this evening (local), so verdicts read '20:41', not '03:12'."""

    def __init__(self) -> None:
        self.now = 0.0

    def set(self, hour: int, minute: int, second: int = 0) -> None:
        today = datetime.now().replace(hour=hour, minute=minute, second=second, microsecond=0)
        self.now = today.timestamp()

    def advance(self, seconds: float) -> None:
        self.now += seconds

    def __call__(self) -> float:
        return self.now


def camera_frame(payload: str) -> np.ndarray:
    """What the demo camera sees while a phone shows `payload`: the frame the preview paints."""
    camera = SyntheticCamera([(payload, 3.0, 0.0)], realtime=False, lead_in_s=0.0)
    return camera.render_at(1.5).image


def _settle(window: MainWindow, timeout_s: float = 10.0) -> None:
    """Lets background work land and the layout settle before a picture is taken."""
    deadline = time.monotonic() + timeout_s
    app = QCoreApplication.instance()
    while time.monotonic() < deadline:
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, QDeadlineTimer(20))
        if window.idle():
            break
        time.sleep(0.01)
    for _ in range(3):
        app.processEvents()


def _status(connectivity: Connectivity, message: str, synced_ago_s: float | None,
            override: Override = Override.AUTO) -> SyncStatus:
    last = None if synced_ago_s is None else time.time() - synced_ago_s
    return SyncStatus(connectivity, override, 0, 0, last, message)


def _station_settings(name: str, preset: str, pin_hash: str = "") -> Settings:
    return Settings(
        pin_hash=pin_hash,
        station=StationSettings(name=name, preset=preset),  # type: ignore[arg-type]
        api=ApiConfig(base_url="https://api.example.com"),
        event_id=EVENT_ID,
        product_ids=[GA.id, VIP.id, DRINKS.id],
        camera="0",
        verdict_seconds=5,
    )


def _evening_history(station: Station, clock: EveningClock) -> None:
    """A plausible evening: doors open at 19:30, a rush around 20:30, drinks from 20:00."""
    door1, door2, bar = (_station_settings(*s).station.rules() for s in
                         (("Door 1", "door"), ("Door 2", "door"), ("Bar 1", "bar")))
    arrivals = [3, 5, 8, 12, 9, 6, 4, 2]  # per 10 minutes from 19:30
    number = 3  # GA #1 (Ada Lovelace) and #2 are kept for the verdict shots
    for slot, count in enumerate(arrivals):
        for n in range(count):
            clock.set(19, 30)
            clock.advance(slot * 600 + n * 600 / count)
            station.rules = door2 if n % 3 == 0 else door1
            product, item = (VIP, number % 10 + 1) if number % 6 == 0 else (GA, number)
            station.redeem(item_uuid(product, item))
            number += 1
    clock.set(20, 41)
    station.rules = door2
    station.redeem(item_uuid(GA, 2))  # the ticket the "already used" shot scans again
    station.rules = bar
    for n in range(2, 14):
        clock.set(20, 5 + n * 4)
        station.redeem(item_uuid(DRINKS, n))
    station.redeem("not a ticket at all")  # a refusal, so the station table has one


def _box_office_shots(window: MainWindow, replica: Engine, tmp: Path, sync: StagedSync,
                      shot: Callable[[str], None]) -> None:
    """The desk on a busy night: prices, limits and customers come from the demo simulator run on this machine
    (the only server the screenshots talk to), as a kiosk's first sync would bring them."""
    page = window.box_office_page
    with SimulatorServer(tmp / "simulator.db", seed="demo") as server:
        api = ApiSettings(server.url, DEMO_WRITE_KEY)
        with ProductsClient(api) as client:
            SyncEngine(replica, api, [p.id for p in PRODUCTS]).download(client)
            download_customers(replica, client)
        window.open_box_office()
        _settle(window)
        page.product_button(VIP.name).click()
        page.customer.set_text("barbara.liskov@example.com")  # she holds VIP No. 1; at most 2 each
        page.quantity.setText("2")
        page.quantity.textEdited.emit("2")
        shot("box-office-sale")
        page.quantity.setText("1")
        page.issue_button.click()
        shot("box-office-confirm")
        page.confirm_button.click()  # offline: a provisional ticket, and it says so
        shot("box-office-ticket")
        page.ticket_view.done_button.click()
        page.tabs.setCurrentIndex(1)
        page.guest_product.setCurrentIndex(page.guest_product.findText(GA.name))
        page.guest_name.setText("Sam Rivera")
        page.guest.set_text("sam.rivera@example.net")
        shot("box-office-guest-list")
        sync.shown = _status(Connectivity.ONLINE, "Online — sending the scans", 5)
        page.show_connection()
        page.tabs.setCurrentIndex(2)
        page.sender.set_text("ada.lovelace@example.com")
        _settle(window)
        tickets = [page.sender_items.item(n) for n in range(page.sender_items.count())]
        page.sender_items.setCurrentItem(next(t for t in tickets if t.text().startswith(GA.name)))
        page.recipient.setText("grace.hopper@example.com")
        shot("box-office-transfer")
        window.open_manager()
        window.manager_page.sales.api = api
        window.manager_page.tabs.setCurrentWidget(window.manager_page.sales)
        window.manager_page.refresh()
        _settle(window)
        sales = window.manager_page.sales
        sales.product_choice.setCurrentIndex(sales.product_choice.findText(GA.name))
        shot("manager-sales")


def render_all(out_dir: Path, api_key: str = DEMO_API_KEY, on_rendered: Inspect | None = None,
               size: tuple[int, int] = SIZE) -> list[Path]:
    """Renders every screen to `out_dir` at `size` and returns the files written. `on_rendered(name,
    window)` is called after each picture, while the window still shows it. Needs a QApplication."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="usher-screens-") as tmp:
        replica = open_replica(f"sqlite:///{Path(tmp) / 'replica.db'}")
        try:
            import_file(replica, DEMO_REPLICA)
            return _render(replica, Path(tmp), out_dir, api_key, on_rendered, size)
        finally:
            replica.dispose()


def simulate_png(path: Path, deficiency: str, out: Path) -> None:
    """`path` as seen with `deficiency` (app.ui.colour_vision), for looking at, not only measuring."""
    from PIL import Image

    with Image.open(path) as image:
        rgb = np.asarray(image.convert("RGB"), dtype=float) / 255
    Image.fromarray((simulate(rgb, deficiency) * 255).round().astype(np.uint8)).save(out)


def _render(replica: Engine, tmp: Path, out_dir: Path, api_key: str, on_rendered: Inspect | None,
            size: tuple[int, int]) -> list[Path]:
    clock = EveningClock()
    pin_hash = hash_pin(SCREENSHOT_PIN)
    door = _station_settings("Door 1", "door", pin_hash)
    station = Station(replica, door.station.rules(), clock=clock, hold_for_undo_s=UNDO_HOLD_S)
    _evening_history(station, clock)
    sync = StagedSync(replica, _status(Connectivity.ONLINE, "Online — sending the scans", 5))
    window = MainWindow(replica, door, station, sync, settings_file=tmp / "settings.json",
                        key_store=MemoryKeyStore(api_key))
    window.resize(*size)
    window.show()
    frame = camera_frame(f"https://tickets.example/t/{item_uuid(GA, 1)}")
    window.on_camera_state(SourceState.LIVE.value)
    window.show_frame(frame)
    written: list[Path] = []

    def shot(name: str) -> None:
        _settle(window)
        window.poll_sync()  # after the scans have landed, as the strip's own timer would
        _settle(window)
        path = out_dir / f"{name}.png"
        window.save_screenshot(path)
        written.append(path)
        if on_rendered is not None:
            on_rendered(name, window)

    # The status strip over the ready screen, in each sync state.
    shot("strip-online")
    offline = _status(Connectivity.OFFLINE, "Offline — scans are saved here and will sync", 14 * 60)
    sync.shown = offline
    shot("strip-offline")
    sync.shown = _status(Connectivity.PAUSED, "Paused — the server refused the API key; fix it in Station setup", 3600)
    window.on_camera_state(SourceState.RECONNECTING.value)
    shot("strip-paused")
    sync.shown = LocalOnlySync(replica).status()
    window.on_camera_state(SourceState.MISSING.value)
    shot("strip-not-configured")
    window.on_camera_state(SourceState.LIVE.value)
    window.show_frame(frame)
    sync.shown = offline

    def verdict_shot(name: str, settings: Settings, payload: str | Verdict) -> Verdict:
        window.apply_settings(settings)
        clock.set(21, 5, 12)
        verdict = payload if isinstance(payload, Verdict) else station.redeem(payload)
        window.show_verdict(verdict)
        shot(name)
        return verdict

    bar = _station_settings("Bar 1", "bar", pin_hash)
    verdict_shot("verdict-accepted-ticket", door, item_uuid(GA, 1))
    window.panel.undo_button.click()  # staff let the wrong person in: the use is given back
    shot("verdict-undone")
    verdict_shot("verdict-accepted-voucher", bar, item_uuid(DRINKS, 1))
    verdict_shot("verdict-already-used", door, item_uuid(GA, 2))
    verdict_shot("verdict-wrong-station", door, item_uuid(DRINKS, 20))
    refusing_door = door.model_copy(update={"station": door.station.model_copy(update={"refuse_inactive": True})})
    verdict_shot("verdict-product-inactive", refusing_door, item_uuid(INACTIVE, 1))
    verdict_shot("verdict-not-found", door, UNKNOWN_ITEM)
    verdict_shot("verdict-invalid-code", door, "WIFI:S:venue-staff;T:WPA;P:hunter2;;")
    at = datetime.fromtimestamp(clock(), tz=datetime.now().astimezone().tzinfo)
    verdict_shot("verdict-unknown-offline", door, Verdict(VerdictKind.UNKNOWN_OFFLINE, station="Door 1", scanned_at=at,
                                                          item_id=UNKNOWN_ITEM))
    verdict_shot("verdict-error", door, Verdict(VerdictKind.ERROR, "The local database did not answer — scan again",
                                                "Door 1", at))

    window.open_manager()
    window.pin_page.field.setText(SCREENSHOT_PIN[:2])
    shot("pin")
    window.pin_page.field.setText(SCREENSHOT_PIN)
    window.pin_page.submit()
    shot("manager")
    window.open_search()  # the manager's, like the manager view: the PIN was entered a moment ago
    window.search_page.field.setText("lovelace")
    window.search_page.search()
    shot("search")
    window.on_payload(item_uuid(VIP, 2))  # a guest at the door while the manager searches: the verdict over it
    shot("overlay-on-search")
    window.overlay.close_now()
    window.open_setup()
    shot("setup")
    window.setup_page._previewing = None  # the screenshots have no camera to switch
    sync.shown = offline
    _box_office_shots(window, replica, tmp, sync, shot)
    window.manager_session.lock()
    window.on_camera_state(SourceState.RECONNECTING.value)
    window.show_scanning()
    window.panel.show_ready()  # the last verdict's seconds are up
    shot("camera-not-working")
    window.show_scanning()
    window.shutdown()
    window.close()
    # Delete the window now, while Python is fully alive: PySide 6.12 can crash tearing down windows that
    # are left for the interpreter's exit (bool_dealloc), which several renders in one process hit.
    window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    return written


def main(argv: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m tools.screenshots", description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", nargs="?", type=Path, default=DOCS_DIR)
    parser.add_argument("--size", default=f"{SIZE[0]}x{SIZE[1]}", help="window size, e.g. 1024x600")
    parser.add_argument("--simulate", action="store_true", help="also write each screen as colour-blind people see it")
    args = parser.parse_args(argv[1:])
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QApplication.instance() or QApplication(argv[:1])  # noqa: F841 (kept alive while rendering)
    width, height = (int(n) for n in args.size.split("x"))
    for path in render_all(args.out_dir, size=(width, height)):
        print(path)
        if args.simulate:
            for deficiency in DEFICIENCIES:
                (args.out_dir / deficiency).mkdir(exist_ok=True)
                simulate_png(path, deficiency, args.out_dir / deficiency / path.name)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
