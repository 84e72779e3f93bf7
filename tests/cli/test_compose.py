"""The running kiosk as `usher kiosk` assembles it: settings changes reconnect it without a restart."""
from __future__ import annotations

from app import demo_data as demo
from sqlalchemy import func, select

from app.api.client import ProductsClient
from app.api.settings import ApiSettings
from app.cli.compose import build_kiosk, camera_source
from app.config import Settings
from app.scan.camera_setting import FIRST_CAMERA
from app.domain.verdict import VerdictKind
from app.scan.sources import CameraSource, ImageFolderSource, SyntheticCamera
from app.simulator.demo_data import DEMO_WRITE_KEY
from app.simulator.server import SimulatorServer
from app.sync.engine import SyncEngine
from app.store.replica import scans
from app.sync.status import Connectivity
from app.ui.cameras import Camera, find_cameras


def test_a_station_without_an_api_connects_when_setup_names_one_without_a_restart(qtbot, tmp_path, replica):
    kiosk = build_kiosk(replica, Settings(camera="none"), "", None)
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
    assert isinstance(camera_source("0"), CameraSource)
    assert isinstance(camera_source(str(tmp_path)), ImageFolderSource)
    assert isinstance(camera_source("/dev/video7"), CameraSource)
    assert camera_source("none") is None


def fake_sysfs(root, *nodes):  # type: ignore[no-untyped-def]
    """/sys/class/video4linux as the kernel lays it out: one folder per node, with its name and index."""
    for node, name, index in nodes:
        (root / node).mkdir(parents=True)
        (root / node / "name").write_text(name + "\n")
        (root / node / "index").write_text(f"{index}\n")
    return root


def test_the_first_camera_found_is_the_default_and_metadata_nodes_are_not_cameras(tmp_path):
    sysfs = fake_sysfs(tmp_path / "v4l", ("video1", "C920 metadata", 1), ("video0", "HD Pro Webcam C920", 0),
                       ("video2", "USB Capture", 0))
    assert find_cameras(sysfs) == [Camera("/dev/video0", "HD Pro Webcam C920"), Camera("/dev/video2", "USB Capture")]
    source = camera_source(FIRST_CAMERA, sysfs)
    assert isinstance(source, CameraSource) and source.name == "camera /dev/video0"
    assert camera_source(FIRST_CAMERA, tmp_path / "no-such-folder") is None  # no camera: the hand scanner


def test_a_fresh_install_never_runs_the_demo_camera(qtbot, replica, tmp_path):
    settings = Settings()
    assert settings.camera == FIRST_CAMERA
    assert Settings.model_validate({"camera": "synthetic"}).camera == FIRST_CAMERA  # an older settings file

    kiosk = build_kiosk(replica, settings, "", settings.camera, settings_file=tmp_path / "settings.json", first_run=True)
    qtbot.addWidget(kiosk.window)
    try:
        assert kiosk.pipeline is None or not isinstance(kiosk.pipeline.pipeline.source, SyntheticCamera)
        assert kiosk.window.pages.currentWidget() is kiosk.window.setup_page
        qtbot.wait(1500)  # the demo camera used to read its first code within 1.4 s
        assert kiosk.window.pages.currentWidget() is kiosk.window.setup_page
        with replica.connect() as conn:
            assert conn.execute(select(func.count()).select_from(scans)).scalar() == 0
    finally:
        kiosk.close()


def test_a_station_can_switch_to_no_camera_and_back_without_a_restart(qtbot, replica, tmp_path):
    kiosk = build_kiosk(replica, Settings(camera="none"), "", "none")
    qtbot.addWidget(kiosk.window)
    try:
        assert kiosk.pipeline is None
        assert kiosk.window.panel.headline.text() == "Ready — hand scanner"
        kiosk.window.camera_requested.emit(str(tmp_path))  # a folder of images: a real frame source
        assert kiosk.pipeline is not None and isinstance(kiosk.pipeline.pipeline.source, ImageFolderSource)
        kiosk.window.camera_requested.emit("none")
        assert kiosk.pipeline is None
    finally:
        kiosk.close()


def test_undo_keeps_its_promise_online_because_the_upload_waits_out_the_undo_window(qtbot, tmp_path, replica):
    with SimulatorServer(tmp_path / "sim.db", seed="demo") as sim:
        settings = Settings.model_validate({"api": {"base_url": sim.url}, "camera": "none",
                                            "product_ids": [p.id for p in demo.PRODUCTS]})
        kiosk = build_kiosk(replica, settings, DEMO_WRITE_KEY, "none")
        qtbot.addWidget(kiosk.window)
        kiosk.window.show()
        try:
            qtbot.waitUntil(lambda: kiosk.window.sync.status().last_success_at is not None, timeout=15_000)
            ticket = demo.item_uuid(demo.GA, 1)
            with qtbot.waitSignal(kiosk.window.verdict_shown, timeout=5000) as shown:
                kiosk.window.on_payload(ticket)
            assert shown.args[0].accepted and kiosk.window.panel.undo_button.isVisible()
            qtbot.wait(1500)  # the kiosk used to have sent the use by now, and Undo answered "too late"

            kiosk.window.panel.undo_button.click()
            qtbot.waitUntil(lambda: kiosk.window.panel.state == "undo", timeout=5000)

            assert kiosk.window.panel.headline.text() == "UNDONE"
            kiosk.engine.sync_now()
            qtbot.wait(500)
            with ProductsClient(ApiSettings(sim.url, DEMO_WRITE_KEY)) as client:
                assert client.get_item(demo.GA.id, ticket).redemption_count == 0  # never reached the server
        finally:
            kiosk.close()


def test_a_venue_kiosk_keeps_deciding_while_the_venue_database_is_gone_and_merges_when_it_is_back(qtbot, tmp_path):
    from app.demo_data import DEMO_REPLICA
    from app.services.door import VenueDoor
    from app.services.importer import import_file
    from app.store.db import open_replica
    from app.store.pg_server import ThrowawayPostgres
    from app.store.replica import items

    ga = [demo.item_uuid(demo.GA, n) for n in (11, 12)]
    with ThrowawayPostgres() as server:  # a server of its own: this test stops it
        venue = open_replica(server.create_database("venue"))
        import_file(venue, DEMO_REPLICA)
        kiosk = build_kiosk(venue, Settings(), "", None, snapshot_url=f"sqlite:///{tmp_path / 'copy.db'}")
        qtbot.addWidget(kiosk.window)
        try:
            assert isinstance(kiosk.station, VenueDoor)
            qtbot.waitUntil(lambda: kiosk.station.snapshot_refreshed, timeout=20_000)  # the ticker made the copy

            def scan(payload: str):  # type: ignore[no-untyped-def]
                with qtbot.waitSignal(kiosk.window.verdict_shown, timeout=20_000) as shown:
                    kiosk.window.on_payload(payload, None)
                return shown.args[0]

            server.halt()
            first, second = scan(ga[0]), scan(ga[1])
            assert first.accepted and second.accepted  # decided from the door's own copy
            assert "Venue database unreachable" in kiosk.window.sync.status().message
            manager = kiosk.window.manager_page
            manager.refresh()  # the manager view reads the door's copy rather than failing
            qtbot.waitUntil(lambda: manager.report is not None, timeout=20_000)
            assert manager.report.from_copy and "this door's own copy" in manager.message.text()
            assert manager.people_card.value.text() == "2 of 55"  # the two tickets just accepted here
            assert kiosk.station.undo(first.scan_id)  # undone on the copy that holds it
            server.boot()
            qtbot.waitUntil(lambda: kiosk.station.unreachable_since is None, timeout=30_000)
            assert "Venue database" not in kiosk.window.sync.status().message
        finally:
            kiosk.close()
        with venue.connect() as conn:
            pending = dict(conn.execute(select(items.c.id, items.c.pending_count).where(items.c.id.in_(ga))).all())
        assert pending == {ga[0]: 0, ga[1]: 1}  # the undone use was not merged, the other was
        venue.dispose()


def test_a_venue_door_started_while_the_venue_database_is_down_opens_on_its_own_copy(qtbot, tmp_path):
    from app.cli.compose import open_station_replica
    from app.demo_data import DEMO_REPLICA
    from app.services.importer import import_file
    from app.store.pg_server import ThrowawayPostgres

    ticket = demo.item_uuid(demo.GA, 21)
    copy_url = f"sqlite:///{tmp_path / 'copy.db'}"
    with ThrowawayPostgres() as server:  # a server of its own: this test stops it
        url = server.create_database("venue")
        venue = open_station_replica(url)
        import_file(venue, DEMO_REPLICA)
        kiosk = build_kiosk(venue, Settings(), "", None, snapshot_url=copy_url)
        qtbot.addWidget(kiosk.window)
        qtbot.waitUntil(lambda: kiosk.station.snapshot_refreshed, timeout=20_000)  # yesterday's copy
        kiosk.close()
        venue.dispose()

        server.halt()
        venue = open_station_replica(url)  # no migration, no error: the door opens
        kiosk = build_kiosk(venue, Settings(), "", None, snapshot_url=copy_url)
        qtbot.addWidget(kiosk.window)
        try:
            with qtbot.waitSignal(kiosk.window.verdict_shown, timeout=20_000) as shown:
                kiosk.window.on_payload(ticket, None)
            assert shown.args[0].accepted  # decided from the copy
            assert "Venue database unreachable" in kiosk.window.sync.status().message
        finally:
            kiosk.close()
            venue.dispose()
