"""How verdicts look and read: one colour per meaning that stays distinct for colour-blind staff, a
second cue besides colour, and for every verdict a line that says what to do next."""
from datetime import datetime, timedelta, timezone
from itertools import combinations

import pytest

from app.domain import presentation
from app.domain.presentation import (
    TONE_LOOK,
    Tone,
    detail,
    headline,
    look,
    shows_item,
    tone,
    uses_left_text,
)
from app.domain.rules import Preset
from app.domain.verdict import Use, Verdict, VerdictKind
from app.ui.colour_vision import contrast_ratio, delta_e_2000, difference, hex_rgb, lab, luminance, simulate
from app.ui.theme import NEUTRAL_PANEL

VISIONS = ("normal", "deuteranopia", "protanopia", "tritanopia")
# Every background a verdict panel can show: the tones, and the ready screen's neutral.
BACKGROUNDS = {**{t.value: l.background for t, l in TONE_LOOK.items()}, "ready": NEUTRAL_PANEL}
# CIEDE2000 of 2 is "just noticeable"; 15 is a difference seen at a glance across a dark room, and twice
# what the old green/red pair kept under deuteranopia (7.5), the failure this palette replaces.
MIN_DELTA_E = 15.0
# Go against stop must survive greyscale too (a washed-out screen, any deficiency): VALID is lighter than
# every other background by at least this much CIELAB lightness (L* runs 0..100).
MIN_VALID_LIGHTNESS_GAP = 15.0
MIN_TEXT_CONTRAST = 7.0  # WCAG AAA


@pytest.mark.parametrize("vision", VISIONS)
def test_every_two_verdict_colours_stay_distinct_under_each_colour_vision(vision):
    too_close = []
    for (name1, colour1), (name2, colour2) in combinations(BACKGROUNDS.items(), 2):
        delta_e, _ = difference(colour1, colour2, vision)
        if delta_e < MIN_DELTA_E:
            too_close.append((name1, name2, round(delta_e, 1)))
    assert too_close == []


@pytest.mark.parametrize("vision", VISIONS)
def test_valid_is_far_lighter_than_every_other_verdict_so_go_and_stop_differ_even_in_grey(vision):
    valid = lab(simulate(hex_rgb(TONE_LOOK[Tone.VALID].background), vision))[0]
    for name, colour in BACKGROUNDS.items():
        if name != Tone.VALID.value:
            assert valid - lab(simulate(hex_rgb(colour), vision))[0] >= MIN_VALID_LIGHTNESS_GAP, name


def test_the_old_green_and_red_collapse_under_deuteranopia_and_the_new_pair_does_not():
    old, _ = difference("#1B7F3B", "#B3261E", "deuteranopia")
    new, _ = difference(TONE_LOOK[Tone.VALID].background, TONE_LOOK[Tone.REFUSED].background, "deuteranopia")
    assert old < 8 and new > 40


@pytest.mark.parametrize("tone_", list(Tone))
def test_every_verdict_text_has_a_contrast_of_at_least_7_to_1(tone_):
    shown = TONE_LOOK[tone_]
    assert contrast_ratio(hex_rgb(shown.foreground), hex_rgb(shown.background)) >= MIN_TEXT_CONTRAST


def test_the_colour_measures_agree_with_published_values():
    # Sharma, Wu & Dalal (2005), pair 1 of their CIEDE2000 test data; WCAG's white on black is 21:1.
    assert delta_e_2000((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485)) == pytest.approx(2.0425, abs=1e-4)
    assert contrast_ratio(hex_rgb("#FFFFFF"), hex_rgb("#000000")) == pytest.approx(21.0)
    assert luminance(simulate(hex_rgb("#808080"), "deuteranopia")) == pytest.approx(luminance(hex_rgb("#808080")), abs=0.01)


def test_one_colour_per_meaning_and_the_stop_signals_carry_a_pattern():
    assert len({l.background for l in TONE_LOOK.values()}) == len(Tone)
    assert {k: tone(k) for k in VerdictKind if tone(k) in (Tone.ELSEWHERE, Tone.DECIDE, Tone.RETRY)} == {
        VerdictKind.WRONG_STATION: Tone.ELSEWHERE, VerdictKind.UNKNOWN_OFFLINE: Tone.DECIDE, VerdictKind.ERROR: Tone.RETRY}
    assert TONE_LOOK[Tone.USED].striped and TONE_LOOK[Tone.REFUSED].striped and not TONE_LOOK[Tone.VALID].striped


def test_every_verdict_has_its_own_headline_so_colour_is_never_the_only_signal():
    assert len({headline(k) for k in VerdictKind}) == len(VerdictKind)


def test_accepted_is_valid_already_used_is_used_and_invalid_is_refused():
    assert tone(VerdictKind.ACCEPTED) is Tone.VALID
    assert tone(VerdictKind.ALREADY_USED) is Tone.USED
    assert tone(VerdictKind.INVALID_CODE) is Tone.REFUSED
    assert tone(VerdictKind.UNDONE) is Tone.UNDONE
    assert set(presentation._TONE.values()) == set(Tone)  # every tone is some verdict's


# Every verdict, with what staff read: the headline, and the line saying what to do next.
EVERY_VERDICT = [
    (Verdict(VerdictKind.ACCEPTED, product_type="admission", uses_total=1, uses_left=0), Preset.DOOR,
     "VALID", "Let them in"),
    (Verdict(VerdictKind.ACCEPTED, product_type="perks", uses_total=3, uses_left=2), Preset.BAR,
     "VALID", "Serve it — 2 of 3 drinks left"),
    (Verdict(VerdictKind.ALREADY_USED, product_type="admission", uses_total=1, uses_left=0), Preset.DOOR,
     "ALREADY USED", "Do not let in — used before (time not known)"),
    (Verdict(VerdictKind.ALREADY_USED, product_type="perks", uses_total=3, uses_left=0), Preset.BAR,
     "ALREADY USED", "Do not serve — all 3 drinks used — used before (time not known)"),
    (Verdict(VerdictKind.NOT_FOUND), Preset.DOOR,
     "UNKNOWN TICKET", "Do not let in — not on the guest list. Send them to the box office."),
    (Verdict(VerdictKind.WRONG_STATION, product_type="perks", station="Door 1"), Preset.DOOR,
     "WRONG STATION", "A drink voucher — send them to the bar."),
    (Verdict(VerdictKind.WRONG_STATION, product_type="admission", station="Bar 1"), Preset.BAR,
     "WRONG STATION", "An entry ticket — send them to the door."),
    (Verdict(VerdictKind.WRONG_STATION, product_type="admission", product_name="VIP", station="Door 1"), Preset.DOOR,
     "WRONG STATION", "VIP is not valid at Door 1 — send them to its entrance."),
    (Verdict(VerdictKind.PRODUCT_INACTIVE), Preset.DOOR,
     "TICKET TYPE CLOSED", "Do not let in — this ticket type is closed. Send them to the box office."),
    (Verdict(VerdictKind.INVALID_CODE), Preset.DOOR,
     "NOT A TICKET", "Not a ticket or voucher. Ask them to show their ticket's QR code."),
    (Verdict(VerdictKind.UNKNOWN_OFFLINE), Preset.DOOR,
     "CANNOT CHECK", "Do not let in yet — offline, and not on this station's list. Ask a manager."),
    (Verdict(VerdictKind.ERROR), Preset.DOOR,
     "TRY AGAIN", "Scan the code again. If it fails again, call a manager."),
    (Verdict(VerdictKind.UNDONE), Preset.DOOR,
     "UNDONE", "The use was given back — the ticket can be scanned again"),
]
ACTION_WORDS = ("let them in", "let in", "serve", "send them", "ask", "scan the code again", "scanned again")


def test_the_list_of_verdict_wordings_covers_every_verdict():
    assert {verdict.kind for verdict, *_ in EVERY_VERDICT} == set(VerdictKind)


@pytest.mark.parametrize(("verdict", "preset", "head", "line"), EVERY_VERDICT,
                         ids=[f"{v.kind.value}-{p.value}-{i}" for i, (v, p, *_) in enumerate(EVERY_VERDICT)])
def test_every_verdict_says_what_staff_should_do_next(verdict, preset, head, line):
    assert headline(verdict.kind) == head
    assert detail(verdict, preset) == line
    assert any(word in line.lower() for word in ACTION_WORDS)


def test_reasons_from_the_rules_or_the_server_never_replace_the_wording():
    for reason in ("Not on the server's list either", "Not an Usher ticket or voucher", "The code names another product"):
        for kind in (VerdictKind.NOT_FOUND, VerdictKind.INVALID_CODE, VerdictKind.ERROR):
            assert reason not in detail(Verdict(kind, reason=reason))


def test_a_code_the_station_cannot_vouch_for_shows_no_holder_or_product():
    assert [k for k in VerdictKind if not shows_item(k)] == [
        VerdictKind.NOT_FOUND, VerdictKind.INVALID_CODE, VerdictKind.UNKNOWN_OFFLINE, VerdictKind.ERROR,
        VerdictKind.UNDONE]


def test_uses_left_are_counted_in_the_stations_words():
    assert uses_left_text(0, 3, Preset.BAR) == "That was the last of 3 drinks"
    assert uses_left_text(1, 1, Preset.DOOR) == ""


def test_already_used_names_the_first_and_last_use_with_time_and_station():
    first = Use(datetime.now(timezone.utc) - timedelta(minutes=30), "Door 2")
    last = Use(datetime.now(timezone.utc), "Door 1")
    text = detail(Verdict(VerdictKind.ALREADY_USED, first_use=first, last_use=last))
    assert text.startswith("Do not let in · first used ")
    assert "at Door 2" in text and "last" in text and "at Door 1" in text
    assert first.at.astimezone().strftime("%H:%M") in text


def test_a_use_on_another_day_shows_its_date():
    old = Use(datetime(2020, 5, 17, 20, 41, tzinfo=timezone.utc), "Door 2")
    assert presentation.format_use(old).startswith(old.at.astimezone().strftime("%d %b"))
