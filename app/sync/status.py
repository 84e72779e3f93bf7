"""What the sync side tells the rest of the app: a snapshot the UI polls, and the controls it offers."""
from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Protocol


class Connectivity(enum.Enum):
    ONLINE = "online"
    OFFLINE = "offline"  # the network or the server is not answering; scans are decided locally
    PAUSED = "paused"  # the server refuses our key (401/403): nothing is sent until it is fixed
    NOT_CONFIGURED = "not_configured"  # no API set up: the station works from imports alone


class Override(enum.Enum):
    AUTO = "auto"
    FORCE_ONLINE = "force_online"
    FORCE_OFFLINE = "force_offline"


@dataclass(frozen=True, slots=True)
class SyncStatus:
    connectivity: Connectivity
    override: Override
    waiting: int  # operations not yet confirmed by the server
    conflicts: int
    last_success_at: float | None  # Unix seconds
    message: str  # plain words for staff, e.g. "Offline — scans are saved and will sync"
    doubtful: int = 0  # uses the kiosk cannot confirm or deny by itself: a manager checks each item


class SyncControl(Protocol):
    """Implemented by the sync engine; the UI calls these and never touches HTTP itself."""

    def status(self) -> SyncStatus: ...

    def set_override(self, override: Override) -> None: ...

    def sync_now(self) -> None: ...
