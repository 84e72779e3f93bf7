"""Small JSON values kept by key in `sync_state`: download cursors, a recorded bulk issue, the body last sent to
Voucherify. Every read and write of the table goes through here."""
from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, select

from app.store.models import SyncState
from app.store.replica import upsert

sync_state = SyncState.__table__


def read_state(conn: Connection, key: str) -> Any:
    """The value kept under `key`, or None."""
    value = conn.execute(select(sync_state.c.value).where(sync_state.c.key == key)).scalar()
    return None if value is None else json.loads(value)


def write_state(conn: Connection, key: str, value: Any) -> None:
    upsert(conn, sync_state, [{"key": key, "value": json.dumps(value)}])


def delete_state(conn: Connection, key: str) -> None:
    conn.execute(sync_state.delete().where(sync_state.c.key == key))
