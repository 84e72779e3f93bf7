"""The SyncControl of a station with no Products API set up: it has nowhere to send scans, says so in
plain words, and counts what is waiting (for when an API is configured) as the sync engine does."""
from __future__ import annotations

from sqlalchemy import Engine

from app.store import outbox as ob
from app.store.db import read_transaction
from app.sync.status import Connectivity, Override, SyncStatus

NOT_CONFIGURED_MESSAGE = "No Products API set up — scans are kept on this station"


class LocalOnlySync:
    def __init__(self, replica: Engine) -> None:
        self._replica = replica
        self._override = Override.AUTO

    def status(self) -> SyncStatus:
        with read_transaction(self._replica) as conn:
            waiting, conflicts, doubtful = ob.waiting_count(conn), ob.refused_count(conn), ob.doubtful_count(conn)
        return SyncStatus(
            connectivity=Connectivity.NOT_CONFIGURED,
            override=self._override,
            waiting=waiting,
            conflicts=conflicts,
            last_success_at=None,
            message=NOT_CONFIGURED_MESSAGE,
            doubtful=doubtful,
        )

    def set_override(self, override: Override) -> None:
        self._override = override  # remembered and shown; there is no connection to force either way

    def sync_now(self) -> None:
        """Nothing to send to."""
