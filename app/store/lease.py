"""A lease: the one process (or thread) that may do a job on this replica, until an expiry it renews.

The upload holds the lease named "upload": whatever the number of kiosks, sync processes or engines on
one replica, only the holder claims operations and sends them. A holder that dies or hangs stops
renewing; once its lease has expired another takes over (and reads its interrupted sends back).

Taking and renewing are one conditional UPDATE (or an INSERT of a lease nobody holds yet), so two
contenders can never both succeed, on SQLite or on PostgreSQL.
"""
from __future__ import annotations

import os
import socket
import uuid

from sqlalchemy import Connection, and_, or_, select, update

from app.store.models import Lease
from app.store.replica import upsert

leases = Lease.__table__

UPLOAD = "upload"


def new_owner() -> str:
    """A holder's name: this host and process, and a random part so two engines in one process differ."""
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def acquire(conn: Connection, name: str, owner: str, now: float, ttl_s: float) -> bool:
    """Takes or renews the lease for `ttl_s` from `now`; False while someone else holds it.

    A holder on this host whose process has died (a crash, `kill -9`) is not waited for: a restarted
    kiosk uploads at once instead of after the dead holder's expiry."""
    current = holder(conn, name, now)
    dead = current if current is not None and current != owner and _gone(current) else None
    taken = conn.execute(
        update(leases).where(and_(leases.c.name == name,
                                  or_(leases.c.owner == owner, leases.c.expires_at < now, leases.c.owner == dead)))
        .values(owner=owner, expires_at=now + ttl_s)
    ).rowcount
    if taken:
        return True
    upsert(conn, leases, [{"name": name, "owner": owner, "expires_at": now + ttl_s}], only_new=True)
    return holder(conn, name, now) == owner


def release(conn: Connection, name: str, owner: str) -> None:
    """Gives the lease up at once (a clean stop), so the next holder need not wait for the expiry."""
    conn.execute(update(leases).where(leases.c.name == name, leases.c.owner == owner).values(expires_at=0.0))


def holder(conn: Connection, name: str, now: float) -> str | None:
    row = conn.execute(select(leases.c.owner, leases.c.expires_at).where(leases.c.name == name)).first()
    return row.owner if row is not None and row.expires_at >= now else None


def _gone(owner: str) -> bool:
    """True only when `owner` ran on this host and its process no longer exists."""
    host, _, rest = owner.partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname()[:30] or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, under another user
        return False
    return False
