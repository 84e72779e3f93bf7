from app.sync.connectivity import ConnectivityMonitor
from app.sync.status import Connectivity, Override


def test_two_failures_in_the_window_take_the_station_offline():
    monitor = ConnectivityMonitor()
    monitor.record(True, 0.05, at=1)
    monitor.record(False, 5.0, at=2)
    assert monitor.online
    monitor.record(False, 5.0, at=3)
    assert not monitor.online and monitor.connectivity is Connectivity.OFFLINE
    assert monitor.offline_since == 3


def test_a_failure_as_the_very_first_call_means_offline_at_once():
    monitor = ConnectivityMonitor()
    monitor.record(False, 5.0, at=1)
    assert not monitor.online


def test_slow_answers_count_as_bad():
    monitor = ConnectivityMonitor(slow_s=1.0)
    for t in range(3):
        monitor.record(True, 2.5, at=t)
    assert not monitor.online


def test_clean_answers_bring_it_back_online():
    monitor = ConnectivityMonitor()
    monitor.record(False, 5, at=1)
    monitor.record(True, 0.1, at=20)
    assert not monitor.online
    monitor.record(True, 0.1, at=21)
    assert monitor.online and monitor.offline_since is None


def test_a_probe_is_due_only_while_offline_and_after_the_interval():
    monitor = ConnectivityMonitor(probe_every_s=10)
    assert not monitor.probe_due(100)
    monitor.record(False, 5, at=100)
    assert not monitor.probe_due(105)
    assert monitor.probe_due(110)


def test_staff_can_force_either_state_and_return_to_automatic():
    monitor = ConnectivityMonitor()
    monitor.override = Override.FORCE_OFFLINE
    assert not monitor.online and not monitor.probe_due(1000)
    monitor.override = Override.FORCE_ONLINE
    monitor.record(False, 5, at=1)
    monitor.record(False, 5, at=2)
    assert monitor.online  # forced holds whatever the calls say
    monitor.override = Override.AUTO
    assert not monitor.online


def test_a_probe_can_be_made_due_at_once():
    monitor = ConnectivityMonitor(probe_every_s=10)
    monitor.record(False, 5, at=100)
    monitor.probe_soon()
    assert monitor.probe_due(100.5)
