"""Several doors on one PostgreSQL replica: any number of kiosk processes redeem the same items at once,
and no item is ever used more often than it may be, with every verdict telling the truth."""
from __future__ import annotations

import time
from collections import Counter, defaultdict

from sqlalchemy import func, select

from app.domain.rules import Preset, StationRules
from app.services.station import Station
from app.store.db import IDLE_PING_S, open_replica
from app.store.replica import items, outbox, scans
from venue_load import evening, seed, shuffled

ITEMS = 1000
KIOSKS, THREADS = 8, 4
TRIES = 4  # each item is tried by four threads of four different kiosks: more than any item has uses


def plans(all_items: list[str]) -> list[list[list[str]]]:
    """Thread t of kiosk k tries the items whose number n has (n + 8 * i) % 32 == 4 * k + t for some i < 4:
    each item by TRIES kiosks, so the race for its last use is between processes, not threads."""
    workers = KIOSKS * THREADS
    mine = [[item for n, item in enumerate(all_items)
             if any((n + i * workers // TRIES) % workers == w for i in range(TRIES))] for w in range(workers)]
    return [[shuffled(mine[k * THREADS + t], seed=k * THREADS + t) for t in range(THREADS)] for k in range(KIOSKS)]


def test_eight_kiosk_processes_of_four_threads_redeeming_the_same_thousand_items_use_each_exactly_as_often_as_it_may(
        venue_url):
    uses = seed(venue_url, ITEMS)
    runs = evening(venue_url, plans(list(uses)))

    accepted = [use for run in runs for use in run.accepted]
    assert Counter(item for item, _ in accepted) == uses  # every use taken, none twice
    shown = defaultdict(list)
    for item, left in accepted:
        shown[item].append(left)
    # Each verdict showed what was really left after its own use: 2, 1, 0 for a three-drink voucher.
    assert all(sorted(left) == list(range(uses[item])) for item, left in shown.items())
    engine = open_replica(venue_url)
    with engine.connect() as conn:
        pending = dict(conn.execute(select(items.c.id, items.c.pending_count)).all())
        queued = Counter(conn.execute(select(outbox.c.item_uuid)).scalars())
        audited = Counter(conn.execute(select(scans.c.item_uuid).where(scans.c.verdict == "ACCEPTED")).scalars())
        refused = conn.execute(select(func.count()).where(scans.c.verdict == "ALREADY_USED")).scalar()
    engine.dispose()
    assert pending == queued == audited == uses
    assert refused == TRIES * ITEMS - sum(uses.values())


def test_a_door_whose_connections_the_server_dropped_while_it_was_idle_decides_the_next_scan_as_usual(
        venue_url, postgres):
    first, second = list(seed(venue_url, 2))
    engine = open_replica(venue_url)
    door = Station(engine, StationRules("Door 1", Preset.ANY))
    assert door.redeem(first).accepted
    database = venue_url.rsplit("/", 1)[1]
    postgres.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "  # as a server restart does
                     f"WHERE datname = '{database}' AND pid <> pg_backend_pid()")
    time.sleep(IDLE_PING_S * 1.5)  # a quiet moment at the door
    assert door.redeem(second).accepted
    engine.dispose()
