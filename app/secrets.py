"""The API key and the PINs, kept where they cannot leak.

The key goes to the OS keyring where one is installed and working; on a headless kiosk there is none,
so it goes to a token file only its user can read. Either way it is stored with the address it was given
for, and handed out only for that address: a changed API address needs the key typed again, so the key
never follows a URL to another server.

PINs are stored only as salted scrypt hashes, costly enough that trying every 6-digit PIN offline takes
days on a laptop (benchmarks/pin.py says how long one check takes) — or, better, not here at all: the PIN
guard (app.pin_guard) keeps them out of the kiosk user's reach. Wrong PINs are counted on disk
(PinAttempts), so a restart forgives nothing.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from app.config import config_dir, write_private

_SERVICE = "usher"
_KEY_NAME = "api-key"
_VOUCHERIFY_TOKEN = "voucherify-token"


@dataclass(frozen=True, slots=True)
class ScryptCost:
    n: int
    r: int
    p: int

    @property
    def memory_bytes(self) -> int:
        return 128 * self.r * self.n


# 64 MiB and 1.4 s per check on one core of a 2-core kiosk (benchmarks/pin.py); p multiplies the time without
# the memory. Trying all 10**6 six-digit PINs then costs 1.4 million core-seconds: 2 days on 8 such cores, one
# on average (p=6 made it 1.1 days). Hashes keep the cost they were made with: a new cost needs no migration.
PIN_COST = ScryptCost(n=2**16, r=8, p=12)
LEGACY_COST = ScryptCost(n=2**14, r=8, p=1)  # hashes written before the cost was part of the hash


# Where the secrets live when there is no keyring: the API key's file first, then Voucherify's token.
TOKEN_FILES = tuple(f"{name}.token" for name in (_KEY_NAME, _VOUCHERIFY_TOKEN))
TOKEN_FILE = TOKEN_FILES[0]


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
    else:
        write_private(_token_path(name), value)


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


def store_api_key(key: str, base_url: str) -> None:
    """Keeps `key` for the server at `base_url`, and for no other."""
    _store(_KEY_NAME, json.dumps({"base_url": base_url.rstrip("/"), "key": key}))


def load_api_key(base_url: str) -> str:
    """The key stored for `base_url`, or '' when none is. USHER_API_KEY overrides (for services and CI)."""
    text = _load(_KEY_NAME, "USHER_API_KEY")
    try:
        record = json.loads(text)
    except ValueError:
        record = None
    if not isinstance(record, dict):
        # The environment's key, or one stored before keys had an address: it goes to the address in the
        # settings (setup asks for the key again when that address changes, and then binds it).
        return text
    return str(record.get("key", "")) if record.get("base_url") == base_url.rstrip("/") else ""


def store_voucherify_token(token: str) -> None:
    _store(_VOUCHERIFY_TOKEN, token)


def load_voucherify_token() -> str:
    """Voucherify's app token, kept like the API key. USHER_VOUCHERIFY_TOKEN overrides."""
    return _load(_VOUCHERIFY_TOKEN, "USHER_VOUCHERIFY_TOKEN")


def mask(key: str) -> str:
    """What may be shown of a key: its last four characters."""
    return f"…{key[-4:]}" if len(key) > 8 else "…"


MANAGER_PIN_MIN, PIN_MAX = 6, 8  # a steward's PIN may be shorter (app.pins)


def hash_pin(pin: str, cost: ScryptCost = PIN_COST) -> str:
    salt = secrets.token_bytes(16)
    digest = _scrypt(pin, salt, cost)
    return "$".join(["scrypt", str(cost.n), str(cost.r), str(cost.p), _b64(salt), _b64(digest)])


def check_pin(pin: str, stored: str) -> bool:
    parts = stored.split("$")
    try:
        if len(parts) == 6 and parts[0] == "scrypt":
            cost = ScryptCost(int(parts[1]), int(parts[2]), int(parts[3]))
        elif len(parts) == 3 and parts[0] == "scrypt":
            cost = LEGACY_COST
        else:
            return False
        salt, digest = base64.b64decode(parts[-2]), base64.b64decode(parts[-1])
    except ValueError:
        return False
    return hmac.compare_digest(_scrypt(pin, salt, cost), digest)


def _scrypt(pin: str, salt: bytes, cost: ScryptCost) -> bytes:
    return hashlib.scrypt(pin.encode(), salt=salt, n=cost.n, r=cost.r, p=cost.p,
                          maxmem=cost.memory_bytes + 2**20)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


PIN_ATTEMPTS_FILE = "pin-attempts.json"  # in the config folder, beside the settings
FREE_TRIES = 3  # wrong PINs in a row before the keypad rests
FIRST_REST_S = 30.0  # then each wrong PIN doubles the rest, up to an hour: about one guess an hour
LONGEST_REST_S = 3600.0


class PinAttempts:
    """Wrong PINs in a row, and when the last was typed, kept in a file: a restart (or the service
    restarting the kiosk) forgives nothing. The clock is the wall clock, which survives restarts."""

    def __init__(self, path: Path, clock: Callable[[], float] = time.time) -> None:
        self._path = path
        self._clock = clock

    def _read(self) -> tuple[int, float]:
        try:
            record = json.loads(self._path.read_text(encoding="utf-8"))
            return int(record["wrong"]), float(record["last_at"])
        except FileNotFoundError:
            return 0, 0.0
        except (OSError, ValueError, KeyError, TypeError):  # unreadable: as if the free tries were used up
            return FREE_TRIES, self._clock()

    def rest_s(self) -> float:
        """Seconds before the next PIN may be tried; 0 when it may be tried now."""
        wrong, last_at = self._read()
        if wrong < FREE_TRIES:
            return 0.0
        rest = min(FIRST_REST_S * 2 ** (wrong - FREE_TRIES), LONGEST_REST_S)
        return max(0.0, min(last_at, self._clock()) + rest - self._clock())

    def wrong(self) -> float:
        """Counts a wrong PIN; returns the rest it earns."""
        wrong, _ = self._read()
        write_private(self._path, json.dumps({"wrong": wrong + 1, "last_at": self._clock()}))
        return self.rest_s()

    def right(self) -> None:
        self._path.unlink(missing_ok=True)
