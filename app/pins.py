"""The kiosk's two roles and the PINs that open them.

A **steward** scans and may undo their own last scan while its verdict shows. A **manager** may do all that,
and everything that shows guests' personal data or changes the station: search and manual check-in, the
manager view, station setup, locking and leaving the kiosk lock. Each role has its own PIN; the manager's
(6 to 8 digits) is required for a locked kiosk, the steward's (4 to 8) is optional — without one, scanning
needs no PIN at all.

Who checks a PIN is a `PinGate`: `LocalPins` checks against the hashes in this user's settings, with
wrong tries counted in a file beside them; `app.pin_guard.GuardedPins` asks a separate service that keeps
the hashes and the count where the kiosk's user cannot read them. The window does not know which.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Callable, Mapping, Protocol

from app.secrets import MANAGER_PIN_MIN, PIN_COST, PIN_MAX, PinAttempts, ScryptCost, check_pin, hash_pin

STEWARD_PIN_MIN = 4


class Role(enum.Enum):
    STEWARD = "steward"
    MANAGER = "manager"


SHORTEST = {Role.STEWARD: STEWARD_PIN_MIN, Role.MANAGER: MANAGER_PIN_MIN}


def pin_problem(pin: str, role: Role = Role.MANAGER) -> str:
    """What is wrong with a new PIN for `role`, or '' when it may be used."""
    if not (pin.isdigit() and SHORTEST[role] <= len(pin) <= PIN_MAX):
        return f"Use {SHORTEST[role]} to {PIN_MAX} digits"
    return ""


def opens_other_role(pin: str, role: Role, hashes: Mapping[Role, str]) -> bool:
    """Whether a PIN chosen for `role` is already the other role's (a steward would then be a manager)."""
    other = Role.STEWARD if role is Role.MANAGER else Role.MANAGER
    return bool(hashes.get(other)) and check_pin(pin, hashes[other])


@dataclass(frozen=True, slots=True)
class PinAnswer:
    role: Role | None  # the role the PIN opened; None: wrong PIN (or none may be tried now)
    rest_s: float = 0.0  # seconds before the next PIN may be tried
    problem: str = ""  # why the PIN could not be checked at all (the PIN guard is silent)


class PinGate(Protocol):
    may_choose_on_screen: bool  # whether a first manager PIN chosen on screen is kept where this gate looks

    def has(self, role: Role) -> bool:
        """Whether `role` has a PIN."""

    def rest_s(self) -> float:
        """Seconds before the next PIN may be tried (wrong tries earn a growing rest)."""

    def check(self, pin: str, roles: tuple[Role, ...]) -> PinAnswer:
        """Which of `roles` the PIN opens, tried in order; counts a wrong one. Slow (scrypt): not on the UI
        thread."""


class LocalPins:
    """The PINs' hashes in this user's settings (read at each use: setup and the CLI change them), wrong
    tries counted on disk."""

    may_choose_on_screen = True

    def __init__(self, hashes: Callable[[], Mapping[Role, str]], attempts: PinAttempts) -> None:
        self._hashes = hashes
        self._attempts = attempts

    def has(self, role: Role) -> bool:
        return bool(self._hashes().get(role))

    def rest_s(self) -> float:
        return self._attempts.rest_s()

    def check(self, pin: str, roles: tuple[Role, ...]) -> PinAnswer:
        if rest := self._attempts.rest_s():
            return PinAnswer(None, rest)
        hashes = self._hashes()
        for role in roles:
            if hashes.get(role) and check_pin(pin, hashes[role]):
                self._attempts.right()
                return PinAnswer(role)
        return PinAnswer(None, self._attempts.wrong())


def settings_hashes(manager_hash: str, steward_hash: str) -> dict[Role, str]:
    return {Role.MANAGER: manager_hash, Role.STEWARD: steward_hash}


def steward_pin_hash(pin: str, manager_hash: str, cost: ScryptCost = PIN_COST) -> tuple[str, str]:
    """A new steward PIN's hash, or why it cannot be used: (hash, '') or ('', problem). Slow: one or two
    scrypt runs, never on the UI thread."""
    if problem := pin_problem(pin, Role.STEWARD):
        return "", problem
    if not manager_hash:
        return "", "Set the manager PIN first: without it, anyone at the kiosk could choose it"
    if opens_other_role(pin, Role.STEWARD, {Role.MANAGER: manager_hash}):
        return "", "The steward PIN and the manager PIN must differ"
    return hash_pin(pin, cost), ""
