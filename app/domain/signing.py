"""Provisional codes: what a box office prints for an item the server has not created yet, signed with the
venue's Ed25519 key so that any kiosk of the venue can tell it from a forgery without asking anyone.

    USHER1.<local id>.<product id>.<issued at, Unix s>.<station, base64url>.<key id>.<signature, base64url>

The signature covers everything before its own dot. Pure: keys and codes in, codes and facts out.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import uuid
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

PREFIX = "USHER1"
MAX_STATION_CHARS = 60


@dataclass(frozen=True, slots=True)
class KeyPair:
    key_id: str
    public_hex: str
    private_hex: str


@dataclass(frozen=True, slots=True)
class ProvisionalCode:
    """A provisional code as printed; `signed` and `signature` still to be verified."""

    local_id: str
    product_id: str
    issued_at: int
    station: str
    key_id: str
    signed: str
    signature: bytes


def key_id_of(public_hex: str) -> str:
    return hashlib.sha256(bytes.fromhex(public_hex)).hexdigest()[:8]


def new_key_pair() -> KeyPair:
    private = Ed25519PrivateKey.generate()
    public_hex = private.public_key().public_bytes_raw().hex()
    return KeyPair(key_id_of(public_hex), public_hex, private.private_bytes_raw().hex())


def make_code(private_hex: str, *, local_id: str, product_id: str, issued_at: float, station: str) -> str:
    private = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(private_hex))
    key_id = key_id_of(private.public_key().public_bytes_raw().hex())
    name = _b64(station[:MAX_STATION_CHARS].encode())
    signed = ".".join((PREFIX, local_id, product_id, str(int(issued_at)), name, key_id))
    return f"{signed}.{_b64(private.sign(signed.encode()))}"


def read_code(text: str) -> ProvisionalCode | str:
    """The parts of a provisional code, or why the text is not one (a reason fit to show staff)."""
    parts = text.split(".")
    if len(parts) != 7 or parts[0] != PREFIX:
        return "Not a provisional code"
    _, local_id, product_id, issued_at, name, key_id, signature = parts
    try:
        ids = [str(uuid.UUID(local_id)), str(uuid.UUID(product_id))]
        station = _unb64(name).decode("utf-8")
        sig = _unb64(signature)
        moment = int(issued_at)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return "Damaged provisional code"
    if ids != [local_id, product_id] or len(sig) != 64 or len(key_id) != 8:
        return "Damaged provisional code"
    return ProvisionalCode(local_id, product_id, moment, station, key_id, text.rsplit(".", 1)[0], sig)


def verify(code: ProvisionalCode, public_hex: str) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_hex)).verify(code.signature, code.signed.encode())
    except (InvalidSignature, ValueError):
        return False
    return True


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
