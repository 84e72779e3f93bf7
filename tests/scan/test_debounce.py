from __future__ import annotations

from collections.abc import Iterable

import pytest

from app.scan.debounce import Debouncer

FPS = 30


def run(debouncer: Debouncer, frames: Iterable[tuple[float, list[str]]]) -> list[tuple[float, str]]:
    """Feeds (time, texts read) frames; returns (time, text) of every submission."""
    return [(t, text) for t, texts in frames for text in debouncer.update(texts, t)]


def held(text: str, start: float, seconds: float, *, missed_every: int = 0) -> list[tuple[float, list[str]]]:
    """A code in view for `seconds` at 30 fps; with `missed_every`, every n-th frame fails to read."""
    frames = []
    for i in range(round(seconds * FPS)):
        missed = missed_every and i % missed_every == missed_every - 1
        frames.append((start + i / FPS, [] if missed else [text]))
    return frames


def empty(start: float, seconds: float) -> list[tuple[float, list[str]]]:
    return [(start + i / FPS, []) for i in range(round(seconds * FPS))]


def test_a_voucher_held_in_view_for_ten_seconds_is_submitted_once():
    assert run(Debouncer(), held("V1", 0.0, 10.0)) == [(0.0, "V1")]


def test_a_voucher_that_is_not_read_on_some_frames_while_in_view_is_still_submitted_once():
    assert run(Debouncer(), held("V1", 0.0, 10.0, missed_every=3)) == [(0.0, "V1")]


def test_a_voucher_shown_taken_away_and_shown_again_after_the_cooldown_is_submitted_twice():
    frames = held("V1", 0.0, 2.0) + empty(2.0, 3.5) + held("V1", 5.5, 2.0)
    assert [text for _, text in run(Debouncer(cooldown_s=3.0), frames)] == ["V1", "V1"]


def test_a_voucher_shown_again_before_the_cooldown_is_over_is_submitted_once():
    frames = held("V1", 0.0, 2.0) + empty(2.0, 2.0) + held("V1", 4.0, 2.0)
    assert run(Debouncer(cooldown_s=3.0), frames) == [(0.0, "V1")]


def test_the_cooldown_counts_from_the_last_time_the_code_was_read():
    debouncer = Debouncer(cooldown_s=3.0)
    debouncer.update(["V1"], 0.0)
    debouncer.update(["V1"], 10.0)  # still held up at 10 s: no second submission, and the clock restarts
    assert debouncer.update(["V1"], 12.0) == []
    assert debouncer.update(["V1"], 15.0) == ["V1"]


def test_two_different_codes_are_both_submitted():
    frames = held("A", 0.0, 1.0) + held("B", 1.0, 1.0)
    assert [text for _, text in run(Debouncer(), frames)] == ["A", "B"]


def test_two_codes_in_the_same_frame_are_both_submitted_once():
    frames = [(i / FPS, ["A", "B"]) for i in range(60)]
    assert run(Debouncer(), frames) == [(0.0, "A"), (0.0, "B")]


def test_the_same_text_twice_in_one_frame_is_submitted_once():
    assert Debouncer().update(["A", "A"], 0.0) == ["A"]


def test_the_cooldown_is_configurable():
    frames = held("V1", 0.0, 1.0) + empty(1.0, 1.0) + held("V1", 2.0, 1.0)
    assert len(run(Debouncer(cooldown_s=0.5), frames)) == 2
    assert len(run(Debouncer(cooldown_s=2.0), frames)) == 1


def test_without_a_cooldown_a_few_missed_frames_still_do_not_cause_a_second_submission():
    frames = held("V1", 0.0, 3.0, missed_every=4)
    assert len(run(Debouncer(cooldown_s=0.0, presence_timeout_s=0.2), frames)) == 1


def test_without_a_cooldown_a_code_that_left_the_view_is_submitted_when_it_comes_back():
    frames = held("V1", 0.0, 1.0) + empty(1.0, 0.5) + held("V1", 1.5, 1.0)
    assert len(run(Debouncer(cooldown_s=0.0, presence_timeout_s=0.2), frames)) == 2


def test_after_a_reset_the_code_in_view_is_submitted_again():
    debouncer = Debouncer()
    debouncer.update(["V1"], 0.0)
    debouncer.reset()
    assert debouncer.update(["V1"], 0.1) == ["V1"]


def test_a_night_of_different_codes_does_not_grow_the_memory():
    debouncer = Debouncer(cooldown_s=3.0)
    for i in range(10_000):
        debouncer.update([f"code-{i}"], i * 1.0)
    assert debouncer.remembered <= 4


def test_negative_durations_are_refused():
    with pytest.raises(ValueError):
        Debouncer(cooldown_s=-1)
