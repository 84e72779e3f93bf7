"""The sync status in plain words for staff: one sentence, what is happening and what waits."""
from __future__ import annotations

from datetime import datetime

from app.sync.status import Connectivity, Override


def queued(waiting: int) -> str:
    return f"{waiting} scan{'s' if waiting != 1 else ''} waiting to sync" if waiting else "all scans synced"


def status_message(connectivity: Connectivity, waiting: int, *, paused_reason: str = "",
                   offline_since: float | None = None, override: Override = Override.AUTO,
                   doubtful: int = 0, other_uploader: bool = False) -> str:
    line = queued(waiting)
    if connectivity is Connectivity.PAUSED:
        message = f"Sync paused: {paused_reason} Scans are saved here ({line})."
    elif connectivity is Connectivity.OFFLINE:
        when = f" since {datetime.fromtimestamp(offline_since).strftime('%H:%M')}" if offline_since else ""
        forced = " (switched off by staff)" if override is Override.FORCE_OFFLINE else ""
        message = f"Offline{when}{forced} — scans are checked here and saved; {line}."
    elif other_uploader and waiting:
        message = f"Online — another sync process is uploading for this replica; {line}."
    else:
        message = f"Online — {line}."
    if doubtful:
        message += f" {doubtful} scan{'s need' if doubtful != 1 else ' needs'} a manager's check."
    return message
