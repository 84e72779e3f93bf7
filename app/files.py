"""Who may read Usher's files: its config and data folders 0700; the settings, the secrets' token files,
the PIN attempts, the replica and a venue door's own copy (with their journal files) 0600 — whatever the umask.

`secure_files` runs at every start of the `usher` command: it narrows the process's umask, so every
file Usher makes from then on (replica, exports, backups) is this user's alone, and repairs what an
earlier version or a copy left readable by others, with a warning per file.
"""
from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

import platformdirs
from sqlalchemy.engine import make_url

from app.config import APP_NAME, config_dir, settings_path
from app.secrets import PIN_ATTEMPTS_FILE, TOKEN_FILES
from app.store.db import default_database_url, venue_copy_url

log = logging.getLogger(__name__)

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600
SQLITE_COMPANIONS = ("", "-wal", "-shm", "-journal")


def replica_file(db_url: str | None) -> Path | None:
    """The SQLite file a database URL names; None for a server database or an in-memory one."""
    url = make_url(db_url or default_database_url())
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


def private_paths(db_url: str | None) -> list[tuple[Path, int]]:
    """Every path Usher keeps personal data or secrets in, with the widest mode it may have: the config folder
    and its files, Usher's own data folder, the replica (`db_url`, when it is a SQLite file) and a venue
    door's own copy of the venue's replica, each with its journal files."""
    config = config_dir()
    paths = [(config, PRIVATE_DIR), (settings_path(), PRIVATE_FILE), (config / PIN_ATTEMPTS_FILE, PRIVATE_FILE),
             *((config / name, PRIVATE_FILE) for name in TOKEN_FILES),
             # Not a --db file's folder elsewhere, which it may share with others: Usher's own.
             (Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)), PRIVATE_DIR)]
    for replica in dict.fromkeys(f for f in (replica_file(db_url), replica_file(venue_copy_url())) if f is not None):
        paths += [(replica.with_name(replica.name + suffix), PRIVATE_FILE) for suffix in SQLITE_COMPANIONS]
    return paths


def secure_files(db_url: str | None) -> list[Path]:
    """Narrows the umask and repairs wider modes; returns the paths repaired (each logged as a warning)."""
    os.umask(0o077)
    repaired = []
    for path, widest in private_paths(db_url):
        try:
            mode = stat.S_IMODE(path.stat().st_mode)
        except FileNotFoundError:
            continue
        if mode & ~widest:
            path.chmod(mode & widest)
            log.warning("%s was readable by other users (mode %03o); it is now %03o", path, mode, mode & widest)
            repaired.append(path)
    return repaired
