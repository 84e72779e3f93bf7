"""The running kiosk as `usher kiosk` assembles it: settings changes reconnect it without a restart."""
from __future__ import annotations

from app import demo_data as demo
from app.cli.compose import build_kiosk, camera_source
from app.config import Settings
from app.domain.verdict import VerdictKind
from app.scan.sources import CameraSource, ImageFolderSource, SyntheticCamera
from app.simulator.demo_data import DEMO_WRITE_KEY
from app.simulator.server import SimulatorServer
from app.sync.engine import SyncEngine
from app.sync.status import Connectivity


def test_a_station_without_an_api_connects_when_setup_names_one_without_a_restart(qtbot, tmp_path, replica):
    kiosk = build_kiosk(replica, Settings(), "", None)
    qtbot.addWidget(kiosk.window)
    try:
        assert kiosk.window.sync.status().connectivity is Connectivity.NOT_CONFIGURED
        assert kiosk.station.redeem(demo.item_uuid(demo.GA, 1)).kind is VerdictKind.NOT_FOUND
        with SimulatorServer(tmp_path / "sim.db", seed="demo") as sim:
            settings = Settings.model_validate({"api": {"base_url": sim.url},
                                                "product_ids": [p.id for p in demo.PRODUCTS]})
            kiosk.replace_sync(settings, DEMO_WRITE_KEY)
            assert isinstance(kiosk.window.sync, SyncEngine)
            # The next scan of an item this replica never downloaded is looked up on the server.
            assert kiosk.station.redeem(demo.item_uuid(demo.GA, 2)).kind is VerdictKind.ACCEPTED
            qtbot.waitUntil(lambda: kiosk.window.sync.status().waiting == 0, timeout=15_000)
            assert kiosk.window.sync.status().connectivity is Connectivity.ONLINE
    finally:
        kiosk.close()


def test_the_camera_setting_names_the_frame_source(tmp_path):
    assert isinstance(camera_source("synthetic", ["x"]), SyntheticCamera)
    assert isinstance(camera_source("0", []), CameraSource)
    assert isinstance(camera_source(str(tmp_path), []), ImageFolderSource)
    assert isinstance(camera_source("/dev/video7", []), CameraSource)
