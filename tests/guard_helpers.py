"""A PIN guard (app.pin_guard) of a test's own, on a thread, in a folder any account may enter (as /run is)."""
from __future__ import annotations

import shutil
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from app.pin_guard import GuardedPins, GuardServer
from app.pins import Role
from app.secrets import ScryptCost

QUICK_COST = ScryptCost(n=2**4, r=1, p=1)  # the tests do not spend a second on each PIN
MANAGER_PIN, STEWARD_PIN = "246813", "1357"


@contextmanager
def running_guard() -> Iterator[tuple[GuardedPins, Path]]:
    """A guard holding MANAGER_PIN and STEWARD_PIN: the kiosk's side of it, and its folder."""
    folder = Path(tempfile.mkdtemp(prefix="usher-guard-"))
    folder.chmod(0o755)
    server = GuardServer(folder / "socket", folder / "state", QUICK_COST)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        pins = GuardedPins(folder / "socket")
        assert pins.set(Role.MANAGER, MANAGER_PIN) == "" and pins.set(Role.STEWARD, STEWARD_PIN) == ""
        yield pins, folder
    finally:
        server.shutdown()
        server.server_close()
        shutil.rmtree(folder)
