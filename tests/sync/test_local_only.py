"""A station with no Products API set up: it says so, and counts what waits exactly as a connected one does."""
from __future__ import annotations

from sync_helpers import FAST, make_engine

from app import demo_data as demo
from app.api import ApiSettings
from app.domain.rules import Preset, StationRules
from app.services import reports
from app.services.station import Station
from app.sync.local_only import NOT_CONFIGURED_MESSAGE, LocalOnlySync
from app.sync.status import Connectivity
from app.voucherify.push import queue_changes

NOWHERE = ApiSettings("http://127.0.0.1:9", "k", timeouts=FAST)  # status() asks the replica, never the server


def test_a_station_without_an_api_says_so_and_counts_its_unsent_scans(demo_replica):
    door = Station(demo_replica, StationRules("Door 1", Preset.DOOR))
    assert door.redeem(demo.item_uuid(demo.GA, 1)).accepted
    assert door.redeem(demo.item_uuid(demo.GA, 2)).accepted
    status = LocalOnlySync(demo_replica).status()
    assert status.connectivity is Connectivity.NOT_CONFIGURED and status.message == NOT_CONFIGURED_MESSAGE
    assert (status.waiting, status.conflicts, status.doubtful) == (2, 0, 0)


def test_waiting_to_sync_is_one_count_for_the_status_strip_the_manager_and_the_engine(demo_replica):
    assert Station(demo_replica, StationRules("Door 1", Preset.DOOR)).redeem(demo.item_uuid(demo.GA, 1)).accepted
    assert queue_changes(demo_replica, [demo.GA.id, demo.VIP.id], now=0.0) == 2  # Voucherify upserts: not scans
    queue = reports.sync_queue(demo_replica)
    assert (queue.waiting, queue.pending) == (1, 1)
    assert LocalOnlySync(demo_replica).status().waiting == 1
    assert make_engine(demo_replica, NOWHERE).status().waiting == 1
