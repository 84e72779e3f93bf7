"""The API key and the PIN, kept where they cannot leak.

The key goes to the OS keyring where one is installed and working; on a headless kiosk there is none,
so it goes to a token file only its user can read. PINs are stored only as salted scrypt hashes.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from pathlib import Path

from app.config import config_dir

_SERVICE = "usher"
_KEY_NAME = "api-key"
_VOUCHERIFY_TOKEN = "voucherify-token"
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


def _token_path(name: str = _KEY_NAME) -> Path:
    return config_dir() / f"{name}.token"


def _keyring():  # type: ignore[no-untyped-def]
    """The keyring module when a real backend is available, else None."""
    if os.environ.get("USHER_NO_KEYRING"):
        return None
    try:
        import keyring
        from keyring.backends import fail
    except ImportError:
        return None
    return None if isinstance(keyring.get_keyring(), fail.Keyring) else keyring


def _store(name: str, value: str) -> None:
    ring = _keyring()
    if ring is not None:
        ring.set_password(_SERVICE, name, value)
        return
    path = _token_path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(value)
    os.chmod(path, 0o600)


def _load(name: str, variable: str) -> str:
    """The stored secret, or '' when none is stored; the environment `variable` overrides (services, CI)."""
    if value := os.environ.get(variable):
        return value
    ring = _keyring()
    if ring is not None:
        return ring.get_password(_SERVICE, name) or ""
    try:
        return _token_path(name).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return ""


def store_api_key(key: str) -> None:
    _store(_KEY_NAME, key)


def load_api_key() -> str:
    """The stored key, or '' when none is stored. USHER_API_KEY overrides (for services and CI)."""
    return _load(_KEY_NAME, "USHER_API_KEY")


def store_voucherify_token(token: str) -> None:
    _store(_VOUCHERIFY_TOKEN, token)


def load_voucherify_token() -> str:
    """Voucherify's app token, kept like the API key. USHER_VOUCHERIFY_TOKEN overrides."""
    return _load(_VOUCHERIFY_TOKEN, "USHER_VOUCHERIFY_TOKEN")


def mask(key: str) -> str:
    """What may be shown of a key: its last four characters."""
    return f"…{key[-4:]}" if len(key) > 8 else "…"


def hash_pin(pin: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, **_SCRYPT)
    return "scrypt$" + base64.b64encode(salt).decode() + "$" + base64.b64encode(digest).decode()


def check_pin(pin: str, stored: str) -> bool:
    try:
        scheme, salt_b64, digest_b64 = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    digest = hashlib.scrypt(pin.encode(), salt=base64.b64decode(salt_b64), **_SCRYPT)
    return hmac.compare_digest(digest, base64.b64decode(digest_b64))
