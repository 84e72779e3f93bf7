"""The venue database stopped and restarted mid-evening: each door goes on deciding from its own copy, says
so, and merges what it accepted once the venue is back; a double use across the gap is a conflict for the
manager, never silent."""
from __future__ import annotations

from collections import Counter

from sqlalchemy import func, insert, select

from app import demo_data as demo
from app.demo_data import DEMO_REPLICA
from app.domain.rules import Preset, StationRules
from app.domain.verdict import VerdictKind
from app.services.door import VenueDoor
from app.services.importer import import_file
from app.services.reports import conflicts
from app.services.station import Station
from app.store.db import open_replica, write_transaction
from app.store.pg_server import ThrowawayPostgres
from app.store.replica import items, outbox, scans
from app.store.snapshot import MergeReport, merge, refresh, unmerged

GA = [demo.item_uuid(demo.GA, n) for n in range(1, 4)]
DRINKS = demo.item_uuid(demo.DRINKS, 1)


def until_back(door: VenueDoor, tries: int = 10) -> None:
    for _ in range(tries):
        door.tick()
        if door.unreachable_since is None:
            return
    raise AssertionError("the door did not find the venue database again")


def test_the_venue_database_stopped_mid_evening_doors_decide_from_their_copies_and_merge_when_it_is_back(tmp_path):
    with ThrowawayPostgres() as server:  # a server of its own: this test stops it
        venue = open_replica(server.create_database("venue"))
        import_file(venue, DEMO_REPLICA)
        doors = [VenueDoor(venue, open_replica(f"sqlite:///{tmp_path / f'door{n}.db'}"),
                           StationRules(f"Door {n}", Preset.ANY), refresh_every_s=0.0) for n in (1, 2)]
        door1, door2 = doors
        assert door1.redeem(GA[0]).accepted
        for door in doors:
            door.tick()  # each copy now knows that GA[0] is used

        server.halt()
        assert door2.redeem(GA[0]).kind is VerdictKind.ALREADY_USED  # from its copy
        assert "Venue database unreachable since" in door2.status()
        assert door1.redeem(GA[1]).accepted
        assert door2.redeem(GA[1]).accepted  # the same ticket at two doors across the gap
        assert door2.redeem(GA[2]).accepted
        assert all(door.redeem(DRINKS).accepted for door in (door1, door1, door2))  # three drinks of three
        stranger = door1.redeem("6f0c2a52-1b7e-4a51-9d55-00000000beef")
        assert stranger.kind is VerdictKind.UNKNOWN_OFFLINE and "venue database" in stranger.reason
        door1.tick()
        assert door1.unreachable_since is not None and unmerged(door1.snapshot) == 3

        server.boot()
        for door in doors:
            until_back(door)
            assert door.status() == "" and unmerged(door.snapshot) == 0
        with venue.connect() as conn:
            uses = dict(conn.execute(select(items.c.id, items.c.pending_count).where(items.c.pending_count > 0)).all())
            queued = Counter(conn.execute(select(outbox.c.item_uuid)).scalars())
            audited = conn.execute(select(func.count()).where(scans.c.verdict == "ACCEPTED")).scalar()
        assert uses == dict(queued) == {GA[0]: 1, GA[1]: 1, GA[2]: 1, DRINKS: 3}
        assert audited == 7  # every accepted scan is in the venue's audit log, the double use too
        refused = conflicts(venue)
        assert [(c.item_uuid, c.station) for c in refused] == [(GA[1], "Door 2")]
        assert door1.redeem(GA[2]).kind is VerdictKind.ALREADY_USED  # decided on the venue replica again
        venue.dispose()


def test_a_merge_cut_off_between_the_two_databases_is_repeated_without_counting_a_use_twice(venue_url, tmp_path):
    venue = open_replica(venue_url)
    import_file(venue, DEMO_REPLICA)
    snapshot = open_replica(f"sqlite:///{tmp_path / 'door.db'}")
    refresh(venue, snapshot)
    assert Station(snapshot, StationRules("Door 1", Preset.ANY)).redeem(GA[0]).accepted  # decided on the copy
    with snapshot.connect() as conn:
        accepted_offline = dict(conn.execute(select(outbox)).one()._mapping)

    assert merge(snapshot, venue, now=1000.0) == MergeReport(merged=1)
    with write_transaction(snapshot) as conn:  # as if the kiosk died before the copy forgot the use
        conn.execute(insert(outbox).values(accepted_offline))
    assert merge(snapshot, venue, now=1001.0) == MergeReport()
    with venue.connect() as conn:
        assert conn.execute(select(items.c.pending_count).where(items.c.id == GA[0])).scalar() == 1
        assert conn.execute(select(func.count()).select_from(outbox)).scalar() == 1
    assert unmerged(snapshot) == 0 and conflicts(venue) == []
    venue.dispose()
    snapshot.dispose()


def test_a_use_undone_on_a_doors_copy_does_not_stop_the_copy_from_following_the_venue(venue_url, tmp_path):
    venue = open_replica(venue_url)
    import_file(venue, DEMO_REPLICA)
    door = VenueDoor(venue, open_replica(f"sqlite:///{tmp_path / 'door.db'}"), StationRules("Door 1", Preset.ANY),
                     refresh_every_s=0.0)
    door.tick()
    on_the_copy = Station(door.snapshot, StationRules("Door 1", Preset.ANY))  # as while the venue was away
    assert on_the_copy.undo(on_the_copy.redeem(GA[0]).scan_id)
    assert unmerged(door.snapshot) == 0
    assert Station(venue, StationRules("Door 2", Preset.ANY)).redeem(GA[1]).accepted

    door.tick()
    with door.snapshot.connect() as conn:
        used = dict(conn.execute(select(items.c.id, items.c.confirmed_count).where(items.c.id.in_(GA[:2]))).all())
    assert used == {GA[0]: 0, GA[1]: 1}  # the copy knows of Door 2's use, and the undone one is free again
    venue.dispose()
    door.snapshot.dispose()
