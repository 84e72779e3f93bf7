"""Text as every replica database can store it.

PostgreSQL refuses a NUL character in text and a lone UTF-16 surrogate (it is not UTF-8), and it
enforces VARCHAR lengths; SQLite takes all three. A guest name from the API or an export file is
untrusted: one such name must not make a whole download or import fail on the venue's server, and
both databases must hold the same text. So every row written from outside goes through `storable_rows`.
"""
from __future__ import annotations

import re
from typing import Any

from sqlalchemy import String, Table

_REFUSED = re.compile("[\x00\ud800-\udfff]")
REPLACEMENT = "\ufffd"
_UNLIMITED = 2**63


def storable(text: str, max_length: int | None = None) -> str:
    """`text` without NULs, with each lone surrogate replaced by U+FFFD, cut to `max_length` characters."""
    text = _REFUSED.sub(lambda m: "" if m.group() == "\x00" else REPLACEMENT, text)
    return text if max_length is None else text[:max_length]


def storable_rows(table: Table, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows with every string value made storable in its column of `table`. The common case is checked
    inline, in C (printable: no NUL, no surrogate; short enough): a download writes millions of values."""
    limits = {c.name: c.type.length or _UNLIMITED for c in table.columns if isinstance(c.type, String)}
    return [{name: value if type(value) is not str or name not in limits
             or (value.isprintable() and len(value) <= limits[name])
             else storable(value, None if limits[name] == _UNLIMITED else limits[name])
             for name, value in row.items()} for row in rows]
