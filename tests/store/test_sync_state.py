"""Values kept by key in sync_state: written, replaced, read back as JSON, deleted."""
from __future__ import annotations

from app.store.db import read_transaction, write_transaction
from app.store.sync_state import delete_state, read_state, write_state


def test_a_kept_value_reads_back_as_written_is_replaced_by_the_next_write_and_is_gone_once_deleted(replica):
    with write_transaction(replica) as conn:
        write_state(conn, "cursor", {"page": 3, "started": 1.5})
        write_state(conn, "cursor", {"page": 4, "started": 1.5})
    with read_transaction(replica) as conn:
        assert read_state(conn, "cursor") == {"page": 4, "started": 1.5}
        assert read_state(conn, "never-written") is None
    with write_transaction(replica) as conn:
        delete_state(conn, "cursor")
    with read_transaction(replica) as conn:
        assert read_state(conn, "cursor") is None
