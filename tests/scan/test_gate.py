from __future__ import annotations

import cv2
import numpy as np

from app.scan.gate import ChangeGate

TICKET = "https://tickets.example.com/i/3f2a4c1e-8b7d-4e2a-9c1f-123456789abc"
FRAME_S = 1 / 30


def settled(gate: ChangeGate, frame: np.ndarray, now: float = 0.0) -> ChangeGate:
    """The gate after decoding `frame` and reading nothing in it."""
    assert gate.should_decode(frame, now)
    gate.decoded(frame, now, read_something=False)
    return gate


def test_the_first_frame_is_decoded(code_frame):
    assert ChangeGate().should_decode(code_frame(None), 0.0)


def test_a_still_view_with_nothing_read_is_not_decoded_again_until_the_refresh(code_frame):
    gate = settled(ChangeGate(max_skip_s=0.5), code_frame(None, seed=0))
    same_view_new_noise = code_frame(None, seed=1)
    assert not gate.should_decode(same_view_new_noise, FRAME_S)
    assert not gate.should_decode(same_view_new_noise, 0.45)
    assert gate.should_decode(same_view_new_noise, 0.5)


def test_the_first_frame_in_which_a_code_is_held_up_is_decoded(code_frame):
    gate = settled(ChangeGate(), code_frame(None))
    assert gate.should_decode(code_frame(TICKET), FRAME_S)


def test_a_small_code_held_up_at_the_edge_of_the_view_is_decoded(code_frame):
    gate = settled(ChangeGate(), code_frame(None))
    assert gate.should_decode(code_frame(TICKET, center=(1180, 640), code_px=60, roll_deg=0, tilt_deg=0), FRAME_S)


def test_the_light_changing_over_the_whole_view_is_not_a_change(code_frame):
    empty = code_frame(None)
    gate = settled(ChangeGate(), empty)
    assert not gate.should_decode(cv2.convertScaleAbs(empty, alpha=0.85), FRAME_S)


def test_while_codes_are_being_read_every_frame_is_decoded(code_frame):
    gate = ChangeGate()
    frame = code_frame(TICKET)
    gate.decoded(frame, 0.0, read_something=True)
    assert gate.should_decode(frame, FRAME_S)
