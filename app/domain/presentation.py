"""How a verdict is shown and heard: colour, sound, headline and detail line.

Colour is never the only signal: every verdict has its own headline, and each colour class its own sound.
Four colour classes, as staff of other check-in systems know them: green valid, amber already used,
red refused, blue "needs attention".
"""
from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from app.domain.rules import Preset
from app.domain.verdict import Use, Verdict, VerdictKind


class Tone(enum.Enum):
    """A colour class and the sound that goes with it."""

    VALID = "valid"
    USED = "used"
    REFUSED = "refused"
    ATTENTION = "attention"


@dataclass(frozen=True, slots=True)
class Look:
    background: str  # hex colour filling the verdict panel
    foreground: str  # text colour with enough contrast on it
    sound: str  # resource name of the WAV played


TONE_LOOK: dict[Tone, Look] = {
    Tone.VALID: Look("#1B7F3B", "#FFFFFF", "valid.wav"),
    Tone.USED: Look("#E08A00", "#111111", "used.wav"),
    Tone.REFUSED: Look("#B3261E", "#FFFFFF", "refused.wav"),
    Tone.ATTENTION: Look("#1F4E9E", "#FFFFFF", "attention.wav"),
}

_TONE: dict[VerdictKind, Tone] = {
    VerdictKind.ACCEPTED: Tone.VALID,
    VerdictKind.ALREADY_USED: Tone.USED,
    VerdictKind.NOT_FOUND: Tone.REFUSED,
    VerdictKind.WRONG_STATION: Tone.ATTENTION,
    VerdictKind.PRODUCT_INACTIVE: Tone.REFUSED,
    VerdictKind.INVALID_CODE: Tone.REFUSED,
    VerdictKind.UNKNOWN_OFFLINE: Tone.ATTENTION,
    VerdictKind.ERROR: Tone.ATTENTION,
}

_HEADLINE: dict[VerdictKind, str] = {
    VerdictKind.ACCEPTED: "VALID",
    VerdictKind.ALREADY_USED: "ALREADY USED",
    VerdictKind.NOT_FOUND: "NOT FOUND",
    VerdictKind.WRONG_STATION: "WRONG STATION",
    VerdictKind.PRODUCT_INACTIVE: "NOT VALID TODAY",
    VerdictKind.INVALID_CODE: "NOT A TICKET",
    VerdictKind.UNKNOWN_OFFLINE: "CANNOT CHECK",
    VerdictKind.ERROR: "TRY AGAIN",
}


def tone(kind: VerdictKind) -> Tone:
    return _TONE[kind]


def look(kind: VerdictKind) -> Look:
    return TONE_LOOK[_TONE[kind]]


def headline(kind: VerdictKind) -> str:
    return _HEADLINE[kind]


def format_use(use: Use) -> str:
    """'20:41 at Door 2' (local time; the date too when it was not today)."""
    local = use.at.astimezone()
    today = datetime.now().astimezone().date()
    when = local.strftime("%H:%M") if local.date() == today else local.strftime("%d %b %H:%M")
    return f"{when} at {use.station}" if use.station else when


def uses_left_text(uses_left: int, uses_total: int, preset: Preset) -> str:
    """'2 of 3 drinks left' for multi-use items; '' for single-use ones (the headline says it all)."""
    if uses_total <= 1:
        return ""
    plural = preset.use_noun[1]
    if uses_left == 0:
        return f"That was the last of {uses_total} {plural}"
    return f"{uses_left} of {uses_total} {plural} left"


def detail(verdict: Verdict, preset: Preset = Preset.ANY) -> str:
    """The line under the headline: what staff need to act on this verdict."""
    kind = verdict.kind
    if kind is VerdictKind.ACCEPTED:
        if verdict.uses_total and verdict.uses_total > 1 and verdict.uses_left is not None:
            return uses_left_text(verdict.uses_left, verdict.uses_total, preset)
        return "Welcome in"
    if kind is VerdictKind.ALREADY_USED:
        parts = []
        if verdict.first_use:
            parts.append(f"First used {format_use(verdict.first_use)}")
        if verdict.last_use and verdict.last_use != verdict.first_use:
            parts.append(f"last {format_use(verdict.last_use)}")
        if verdict.uses_total and verdict.uses_total > 1:
            parts.insert(0, f"All {verdict.uses_total} {preset.use_noun[1]} used")
        return " · ".join(parts) or "Used before (time not known)"
    if kind is VerdictKind.WRONG_STATION:
        return verdict.reason or "This code is not for this station"
    if kind is VerdictKind.UNKNOWN_OFFLINE:
        return "Not in the local list — cannot verify while offline"
    return verdict.reason or {
        VerdictKind.NOT_FOUND: "No such ticket or voucher",
        VerdictKind.PRODUCT_INACTIVE: "This product is not active",
        VerdictKind.INVALID_CODE: "This code is not an Usher ticket",
        VerdictKind.ERROR: "Something went wrong — scan again",
    }[kind]
