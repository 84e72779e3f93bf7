from datetime import datetime, timedelta, timezone

import pytest

from app.domain import presentation
from app.domain.presentation import TONE_LOOK, Tone, detail, headline, look, tone, uses_left_text
from app.domain.rules import Preset
from app.domain.verdict import Use, Verdict, VerdictKind


@pytest.mark.parametrize("kind", list(VerdictKind))
def test_every_verdict_has_a_colour_a_sound_a_headline_and_a_detail_line(kind):
    shown = look(kind)
    assert shown.background.startswith("#") and shown.foreground.startswith("#")
    assert shown.sound.endswith(".wav")
    assert headline(kind).strip()
    assert detail(Verdict(kind)).strip()


def test_every_verdict_has_its_own_headline_so_colour_is_never_the_only_signal():
    assert len({headline(k) for k in VerdictKind}) == len(VerdictKind)


def test_every_tone_has_a_distinct_colour_and_sound():
    assert set(presentation._TONE.values()) == set(Tone)
    assert len({l.background for l in TONE_LOOK.values()}) == len(Tone)
    assert len({l.sound for l in TONE_LOOK.values()}) == len(Tone)


def test_accepted_is_green_already_used_amber_and_invalid_red():
    assert tone(VerdictKind.ACCEPTED) is Tone.VALID
    assert tone(VerdictKind.ALREADY_USED) is Tone.USED
    assert tone(VerdictKind.INVALID_CODE) is Tone.REFUSED


def test_a_multi_use_voucher_shows_uses_left_in_the_stations_words():
    verdict = Verdict(VerdictKind.ACCEPTED, uses_total=3, uses_left=2)
    assert detail(verdict, Preset.BAR) == "2 of 3 drinks left"
    assert uses_left_text(0, 3, Preset.BAR) == "That was the last of 3 drinks"
    assert uses_left_text(1, 1, Preset.DOOR) == ""


def test_already_used_names_the_first_and_last_use_with_time_and_station():
    first = Use(datetime.now(timezone.utc) - timedelta(minutes=30), "Door 2")
    last = Use(datetime.now(timezone.utc), "Door 1")
    text = detail(Verdict(VerdictKind.ALREADY_USED, first_use=first, last_use=last))
    assert "First used" in text and "at Door 2" in text and "last" in text and "at Door 1" in text
    assert first.at.astimezone().strftime("%H:%M") in text


def test_a_use_on_another_day_shows_its_date():
    old = Use(datetime(2020, 5, 17, 20, 41, tzinfo=timezone.utc), "Door 2")
    assert presentation.format_use(old).startswith(old.at.astimezone().strftime("%d %b"))
