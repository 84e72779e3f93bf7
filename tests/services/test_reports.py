from app import demo_data as demo
from app.domain.rules import Preset, StationRules
from app.services import reports
from app.services.search import search_items
from app.services.station import Station


def test_product_counts_follow_check_ins_and_multi_use_vouchers(demo_replica):
    Station(demo_replica, StationRules("Door 1", Preset.DOOR)).redeem(demo.item_uuid(demo.GA, 1))
    bar = Station(demo_replica, StationRules("Bar 1", Preset.BAR))
    for _ in range(3):
        bar.redeem(demo.item_uuid(demo.DRINKS, 1))
    bar.redeem(demo.item_uuid(demo.DRINKS, 2))
    by_name = {row.name: row for row in reports.product_counts(demo_replica)}
    ga, drinks = by_name["General Admission"], by_name["Drinks ×3"]
    assert (ga.issued, ga.checked_in, ga.fully_used, ga.uses_left) == (40, 1, 1, 39)
    assert (drinks.issued, drinks.checked_in, drinks.fully_used, drinks.uses_left) == (30, 2, 1, 30 * 3 - 4)


def test_station_counts_split_accepted_from_refused(demo_replica):
    door = Station(demo_replica, StationRules("Door 1", Preset.DOOR))
    door.redeem(demo.item_uuid(demo.GA, 1))
    door.redeem(demo.item_uuid(demo.GA, 1))
    door.redeem("garbage")
    assert reports.station_counts(demo_replica) == [reports.StationCount("Door 1", 1, 2)]


def test_entries_over_time_are_bucketed_accepted_scans(demo_replica):
    clock_times = iter([1000.0, 1100.0, 1400.0])
    door = Station(demo_replica, StationRules("Door 1", Preset.DOOR), clock=lambda: next(clock_times))
    for n in (1, 2, 3):
        door.redeem(demo.item_uuid(demo.GA, n))
    assert reports.entries_over_time(demo_replica, bucket_s=300) == [(900.0, 2), (1200.0, 1)]


def test_an_undone_entry_counts_nowhere_neither_the_scan_nor_the_undo_even_when_another_door_undid_it(demo_replica):
    clock_times = iter([1000.0, 1100.0, 1150.0])
    door1 = Station(demo_replica, StationRules("Door 1", Preset.DOOR), clock=lambda: next(clock_times))
    door2 = Station(demo_replica, StationRules("Door 2", Preset.DOOR), clock=lambda: next(clock_times))
    mistaken = door1.redeem(demo.item_uuid(demo.GA, 1))
    assert door1.redeem(demo.item_uuid(demo.GA, 2)).accepted
    assert door2.undo(mistaken.scan_id)  # the manager at Door 2 sees Door 1's scans on a shared replica
    assert reports.station_counts(demo_replica) == [reports.StationCount("Door 1", 1, 0)]
    assert reports.entries_over_time(demo_replica, bucket_s=300) == [(900.0, 1)]
    ga = next(row for row in reports.product_counts(demo_replica) if row.product_id == demo.GA.id)
    assert (ga.checked_in, ga.uses_left) == (1, 39)
    assert reports.sync_queue(demo_replica).waiting == 1


def test_the_sync_queue_counts_waiting_operations(demo_replica):
    Station(demo_replica, StationRules("Door 1", Preset.DOOR)).redeem(demo.item_uuid(demo.GA, 1))
    queue = reports.sync_queue(demo_replica)
    assert (queue.pending, queue.waiting, queue.done) == (1, 1, 0)
    assert queue.oldest_waiting_at is not None


def test_the_scan_export_is_a_csv_of_every_scan(demo_replica, tmp_path):
    door = Station(demo_replica, StationRules("Door 1", Preset.DOOR))
    door.redeem(demo.item_uuid(demo.GA, 1))
    door.redeem("garbage")
    out = tmp_path / "scans.csv"
    assert reports.export_scans_csv(demo_replica, out) == 2
    lines = out.read_text().splitlines()
    assert lines[0].split(",") == list(reports.SCAN_EXPORT_COLUMNS)
    assert ",ACCEPTED," in lines[1] and ",INVALID_CODE," in lines[2]


def test_search_finds_items_by_name_email_and_item_number(demo_replica):
    owner = demo.item_owner(demo.GA, 3)
    by_name = search_items(demo_replica, owner.last_name.upper())
    assert demo.item_uuid(demo.GA, 3) in {hit.item_uuid for hit in by_name}
    assert all(owner.last_name in hit.holder_name for hit in by_name)
    assert {hit.email for hit in search_items(demo_replica, owner.email)} == {owner.email}
    assert 3 in {hit.item_number for hit in search_items(demo_replica, "3")}


def test_search_with_blank_or_wildcard_text_finds_nothing_it_should_not(demo_replica):
    assert search_items(demo_replica, "   ") == []
    assert search_items(demo_replica, "%%_") == []  # wildcards are dropped, not interpreted
    assert search_items(demo_replica, "no such guest") == []


def test_the_export_names_ticket_product_and_holder_in_local_time_and_hides_names_when_asked(demo_replica, tmp_path):
    import csv
    from datetime import datetime

    Station(demo_replica, StationRules("Door 1", Preset.DOOR), clock=lambda: 1_700_000_000.0).redeem(
        demo.item_uuid(demo.GA, 1))
    out = tmp_path / "scans.csv"

    reports.export_scans_csv(demo_replica, out)
    row = next(csv.DictReader(out.open(encoding="utf-8")))
    assert (row["ticket_number"], row["product"], row["holder"]) == ("1", "General Admission", "Ada Lovelace")
    assert row["local_time"] == datetime.fromtimestamp(1_700_000_000).astimezone().strftime("%Y-%m-%d %H:%M:%S %z")

    reports.export_scans_csv(demo_replica, out, hide_names=True)
    assert next(csv.DictReader(out.open(encoding="utf-8")))["holder"] == ""
