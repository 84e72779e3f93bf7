"""The venue's code-signing keys in the replica: the pair this venue signs with, and the public keys it trusts."""
from __future__ import annotations

from sqlalchemy import Connection, insert, select

from app.domain.signing import KeyPair, key_id_of, new_key_pair
from app.store.models import VenueKey

venue_keys = VenueKey.__table__


def signing_key(conn: Connection) -> KeyPair | None:
    """The newest pair this replica may sign with."""
    row = conn.execute(select(venue_keys).where(venue_keys.c.private_key.is_not(None))
                       .order_by(venue_keys.c.created_at.desc()).limit(1)).first()
    return None if row is None else KeyPair(row.key_id, row.public_key, row.private_key)


def make(conn: Connection, at: float) -> KeyPair:
    """A new pair, at set-up; its public half is what the venue's other kiosks trust."""
    pair = new_key_pair()
    conn.execute(insert(venue_keys).values(key_id=pair.key_id, public_key=pair.public_hex,
                                           private_key=pair.private_hex, created_at=at))
    return pair


def trust(conn: Connection, public_hex: str, at: float) -> str:
    """Trusts another kiosk's public key (64 hex digits); returns its key id."""
    raw = bytes.fromhex(public_hex.strip())  # ValueError for anything but hex
    if len(raw) != 32:
        raise ValueError("An Ed25519 public key is 32 bytes: 64 hex digits")
    key_id = key_id_of(raw.hex())
    if public_key(conn, key_id) is None:
        conn.execute(insert(venue_keys).values(key_id=key_id, public_key=raw.hex(), private_key=None, created_at=at))
    return key_id


def public_key(conn: Connection, key_id: str) -> str | None:
    return conn.execute(select(venue_keys.c.public_key).where(venue_keys.c.key_id == key_id)).scalar()
