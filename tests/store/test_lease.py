"""The upload lease: one holder at a time, taken over only once it has expired."""
from __future__ import annotations

import threading

from app.store import lease
from app.store.db import create_replica_engine, write_transaction


def take(replica, owner: str, now: float, ttl: float = 10.0) -> bool:
    with write_transaction(replica) as conn:
        return lease.acquire(conn, lease.UPLOAD, owner, now, ttl)


def test_a_held_lease_is_refused_to_others_and_renewed_by_its_holder(replica):
    assert take(replica, "a", 100.0)
    assert not take(replica, "b", 105.0)
    assert take(replica, "a", 105.0)  # renewed until 115
    assert not take(replica, "b", 114.0)


def test_an_expired_lease_is_taken_over(replica):
    assert take(replica, "a", 100.0)
    assert take(replica, "b", 110.5)
    assert not take(replica, "a", 111.0)


def test_a_released_lease_is_free_at_once(replica):
    assert take(replica, "a", 100.0)
    with write_transaction(replica) as conn:
        lease.release(conn, lease.UPLOAD, "a")
    assert take(replica, "b", 100.1)


def test_of_many_contenders_at_once_exactly_one_holds_the_lease(db_url, replica):
    winners: list[str] = []
    start = threading.Barrier(8)

    def contend(name: str) -> None:
        engine = create_replica_engine(db_url)  # each its own connection pool, as separate processes have
        start.wait()
        if take(engine, name, 100.0):
            winners.append(name)
        engine.dispose()

    threads = [threading.Thread(target=contend, args=(f"k{n}",)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(winners) == 1


def test_a_holder_on_this_host_whose_process_died_is_not_waited_for(replica):
    import subprocess
    import sys

    child = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead = f"{lease.new_owner().split(':')[0]}:{child.stdout.strip()}:deadbeef"
    assert take(replica, dead, 100.0, ttl=60.0)
    assert take(replica, "b", 101.0)
    assert not take(replica, "c", 102.0)  # "b" is alive (it is not a process of this host at all)
