"""A redeeming process killed with SIGKILL loses no committed redemption and leaves no half-written one."""
from __future__ import annotations

import random
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from sqlalchemy import func, select, text

from app.store.db import open_replica
from app.store.replica import items, outbox, scans

REDEEM_LOOP = textwrap.dedent(
    """
    import sys
    from app import demo_data as demo
    from app.domain.rules import Preset, StationRules
    from app.services.station import Station
    from app.store.db import open_replica

    station = Station(open_replica(sys.argv[1]), StationRules("Door 1", Preset.ANY))
    plan = [demo.item_uuid(p, n) for p in demo.PRODUCTS for n in range(1, p.items + 1)] * 3
    for item in plan:
        verdict = station.redeem(item)
        if verdict.accepted:
            print(verdict.scan_id, flush=True)  # printed only after the commit returned
    print("done", flush=True)
    """
)


def test_sigkill_while_redeeming_in_a_loop_loses_nothing_committed_and_leaves_nothing_half_written(demo_replica, db_url):
    rng = random.Random(42)
    reported: set[int] = set()
    for _ in range(5):
        child = subprocess.Popen(
            [sys.executable, "-c", REDEEM_LOOP, db_url],
            stdout=subprocess.PIPE, text=True, cwd=Path(__file__).resolve().parents[2],
        )
        for _ in range(rng.randrange(5, 40)):
            line = child.stdout.readline().strip()
            if not line or line == "done":
                break
            reported.add(int(line))
        child.send_signal(signal.SIGKILL)
        child.wait()
        # What the child printed in the pipe before dying was committed too.
        reported.update(int(l) for l in child.stdout.read().split() if l.isdigit())

    engine = open_replica(db_url)  # "restart"
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":  # PostgreSQL checks its own pages (WAL replay) and has no such pragma
            assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        accepted = set(conn.execute(select(scans.c.id).where(scans.c.verdict == "ACCEPTED")).scalars())
        queued_scans = set(conn.execute(select(outbox.c.scan_id)).scalars())
        pending = conn.execute(select(func.sum(items.c.pending_count))).scalar()
        over = conn.execute(
            select(func.count()).where(items.c.confirmed_count + items.c.pending_count > items.c.redemption_quantity)
        ).scalar()
    assert reported, "the child was killed before it redeemed anything"
    assert reported <= accepted  # nothing reported as accepted was lost
    assert accepted == queued_scans  # every accepted scan has its outbox row, and no row lacks its scan
    assert pending == len(accepted)  # the counters agree with both
    assert over == 0
