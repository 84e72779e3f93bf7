"""The SyncControl of a station with no Products API set up: it has nowhere to send scans, says so in
plain words, and counts what is waiting (for when an API is configured)."""
from __future__ import annotations

from sqlalchemy import Engine

from app.services.reports import conflicts, sync_queue
from app.sync.status import Connectivity, Override, SyncStatus

NOT_CONFIGURED_MESSAGE = "No Products API set up — scans are kept on this station"


class LocalOnlySync:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._override = Override.AUTO

    def status(self) -> SyncStatus:
        return SyncStatus(
            connectivity=Connectivity.NOT_CONFIGURED,
            override=self._override,
            waiting=sync_queue(self._engine).waiting,
            conflicts=len(conflicts(self._engine)),
            last_success_at=None,
            message=NOT_CONFIGURED_MESSAGE,
        )

    def set_override(self, override: Override) -> None:
        self._override = override  # remembered and shown; there is no connection to force either way

    def sync_now(self) -> None:
        """Nothing to send to."""
