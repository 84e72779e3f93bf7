"""How a verdict is shown and heard: colour, icon, sound, headline and the line that says what to do.

All the wording staff see for a verdict is here, in one place. Colour is never the only signal: every
verdict has its own headline, each tone its own icon shape (app.ui.verdict_icon), and the stop tones a
striped border as well. The palette (`TONE_LOOK`) is chosen to stay apart for red-green and blue-yellow
colour blindness; tests/domain/test_presentation.py measures it under each simulation.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from app.domain.rules import Preset, ProductType
from app.domain.verdict import Use, Verdict, VerdictKind


class Tone(enum.Enum):
    """One meaning for staff, with one colour."""

    VALID = "valid"  # let them in / serve
    USED = "used"  # stop: it was used before; look at when
    REFUSED = "refused"  # stop: not a ticket we accept
    ELSEWHERE = "elsewhere"  # valid, but at another station: send them there
    DECIDE = "decide"  # cannot be checked now: a manager decides
    RETRY = "retry"  # the check did not finish: scan again
    UNDONE = "undone"  # staff gave the use back


@dataclass(frozen=True, slots=True)
class Look:
    background: str  # hex colour filling the verdict panel
    foreground: str  # text colour: contrast >= 7:1 on the background (WCAG AAA)
    sound: str  # resource name of the WAV played
    striped: bool = False  # a striped border: the stop signals carry a pattern, not only a colour


# Light backgrounds take black text, dark ones white; the go colour is the lightest, so it stands apart
# from every stop colour in lightness alone (greyscale, or any colour vision deficiency).
TONE_LOOK: dict[Tone, Look] = {
    Tone.VALID: Look("#9DF5CF", "#000000", "valid.wav"),  # light bluish green
    Tone.USED: Look("#E69F00", "#000000", "used.wav", striped=True),  # Okabe-Ito orange
    Tone.REFUSED: Look("#A32A00", "#FFFFFF", "refused.wav", striped=True),  # dark vermillion
    Tone.ELSEWHERE: Look("#0B4F8A", "#FFFFFF", "attention.wav"),  # dark blue
    Tone.DECIDE: Look("#C189D3", "#000000", "attention.wav"),  # lilac
    Tone.RETRY: Look("#9C9995", "#000000", "attention.wav"),  # warm grey
    Tone.UNDONE: Look("#684F46", "#FFFFFF", "attention.wav"),  # dark brown
}
SOUNDS = ("valid.wav", "used.wav", "refused.wav", "attention.wav")  # go, stop-used, stop, look at the screen

_TONE: dict[VerdictKind, Tone] = {
    VerdictKind.ACCEPTED: Tone.VALID,
    VerdictKind.ALREADY_USED: Tone.USED,
    VerdictKind.NOT_FOUND: Tone.REFUSED,
    VerdictKind.WRONG_STATION: Tone.ELSEWHERE,
    VerdictKind.PRODUCT_INACTIVE: Tone.REFUSED,
    VerdictKind.INVALID_CODE: Tone.REFUSED,
    VerdictKind.UNKNOWN_OFFLINE: Tone.DECIDE,
    VerdictKind.ERROR: Tone.RETRY,
    VerdictKind.UNDONE: Tone.UNDONE,
}

_HEADLINE: dict[VerdictKind, str] = {
    VerdictKind.ACCEPTED: "VALID",
    VerdictKind.ALREADY_USED: "ALREADY USED",
    VerdictKind.NOT_FOUND: "UNKNOWN TICKET",
    VerdictKind.WRONG_STATION: "WRONG STATION",
    VerdictKind.PRODUCT_INACTIVE: "TICKET TYPE CLOSED",
    VerdictKind.INVALID_CODE: "NOT A TICKET",
    VerdictKind.UNKNOWN_OFFLINE: "CANNOT CHECK",
    VerdictKind.ERROR: "TRY AGAIN",
    VerdictKind.UNDONE: "UNDONE",
}

UNDONE_DETAIL = "The use was given back — the ticket can be scanned again"
UNDO_REFUSED_HEADLINE = "CANNOT UNDO"
UNDO_REFUSED_DETAIL = "Too late — it was already sent to the server. Tell a manager."

# What staff do next, for the verdicts whose action does not depend on the item.
_ACTION: dict[VerdictKind, str] = {
    VerdictKind.NOT_FOUND: "Do not let in — not on the guest list. Send them to the box office.",
    VerdictKind.PRODUCT_INACTIVE: "Do not let in — this ticket type is closed. Send them to the box office.",
    VerdictKind.INVALID_CODE: "Not a ticket or voucher. Ask them to show their ticket's QR code.",
    VerdictKind.UNKNOWN_OFFLINE: "Do not let in yet — offline, and not on this station's list. Ask a manager.",
    VerdictKind.ERROR: "Scan the code again. If it fails again, call a manager.",
    VerdictKind.UNDONE: UNDONE_DETAIL,
}

# Verdicts about an item the station cannot vouch for: its product and holder are not shown, so a code
# copied from someone else's ticket does not display their name.
_SHOWS_ITEM = frozenset({VerdictKind.ACCEPTED, VerdictKind.ALREADY_USED, VerdictKind.WRONG_STATION,
                         VerdictKind.PRODUCT_INACTIVE})


def tone(kind: VerdictKind) -> Tone:
    return _TONE[kind]


def look(kind: VerdictKind) -> Look:
    return TONE_LOOK[_TONE[kind]]


def headline(kind: VerdictKind) -> str:
    return _HEADLINE[kind]


def shows_item(kind: VerdictKind) -> bool:
    """Whether the verdict shows the item's product and holder."""
    return kind in _SHOWS_ITEM


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


def _is_voucher(verdict: Verdict) -> bool:
    return verdict.product_type == ProductType.PERKS


def detail(verdict: Verdict, preset: Preset = Preset.ANY) -> str:
    """The line under the headline: what staff should do next, in plain words."""
    kind = verdict.kind
    if kind is VerdictKind.ACCEPTED:
        action = "Serve it" if _is_voucher(verdict) else "Let them in"
        if verdict.sales_closed:
            action += " (sales have closed; tickets already sold stay valid)"
        if verdict.uses_total and verdict.uses_total > 1 and verdict.uses_left is not None:
            return f"{action} — {uses_left_text(verdict.uses_left, verdict.uses_total, preset)}"
        return action
    if kind is VerdictKind.ALREADY_USED:
        return _already_used(verdict, preset)
    if kind is VerdictKind.WRONG_STATION:
        return _elsewhere(verdict, preset)
    return _ACTION[kind]


def _already_used(verdict: Verdict, preset: Preset) -> str:
    when = []
    if verdict.first_use:
        when.append(f"first used {format_use(verdict.first_use)}")
    if verdict.last_use and verdict.last_use != verdict.first_use:
        when.append(f"last {format_use(verdict.last_use)}")
    if verdict.uses_total and verdict.uses_total > 1:
        stop = f"Do not serve — all {verdict.uses_total} {preset.use_noun[1]} used"
    else:
        stop = "Do not let in"
    return " · ".join([stop, *when]) if when else f"{stop} — used before (time not known)"


def _elsewhere(verdict: Verdict, preset: Preset) -> str:
    if _is_voucher(verdict) and preset is not Preset.BAR:
        return "A drink voucher — send them to the bar."
    if verdict.product_type in Preset.DOOR.product_types and preset is Preset.BAR:
        return "An entry ticket — send them to the door."
    product = verdict.product_name or "This ticket"
    return f"{product} is not valid at {verdict.station or 'this station'} — send them to its entrance."
