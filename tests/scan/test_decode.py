from __future__ import annotations

import cv2
import numpy as np
import pytest

from app.scan.decode import DEFAULT_STAGES, QrDecoder, read_pyzbar, read_zxing

TICKET_URL = "https://tickets.example.com/i/3f2a4c1e-8b7d-4e2a-9c1f-123456789abc"
BARE_UUID = "0b8e4a52-7d3c-4f1e-9a6b-2c5d8e7f1a30"

# Scenes zxing-cpp alone cannot read, found with the benchmark's generator; each is read by one fallback.
SMEARED = dict(center=(381, 298), code_px=211, roll_deg=-12.6, tilt_deg=3.5, motion_blur_px=11.7,
               motion_angle_deg=166)
WASHED_OUT = dict(center=(599.3, 316.6), code_px=216.95, roll_deg=-19.764, tilt_deg=15.13, contrast=0.13396,
                  brightness=0.647)
FAINT = dict(center=(903.8, 409.5), code_px=169.66, roll_deg=-18.63, tilt_deg=19.63, contrast=0.12153,
             brightness=0.5795)


def texts(found) -> list[str]:
    return [d.text for d in found]


def test_a_clean_ticket_code_is_read_by_zxing_with_its_exact_text(code_frame):
    found = QrDecoder().decode(code_frame(TICKET_URL))
    assert texts(found) == [TICKET_URL]
    assert found[0].stage == "zxing"


def test_the_position_of_a_code_is_its_four_corners_in_the_frame(code_frame):
    (found,) = QrDecoder().decode(code_frame(BARE_UUID, center=(300, 250), code_px=180, roll_deg=0, tilt_deg=0))
    corners = np.array(found.position)
    assert corners.shape == (4, 2)
    assert np.allclose(corners.mean(axis=0), (300, 250), atol=12)
    assert 150 < np.ptp(corners[:, 0]) < 210


def test_a_dark_mode_code_with_light_modules_on_black_is_read(code_frame):
    assert texts(QrDecoder().decode(code_frame(TICKET_URL, dark_mode=True))) == [TICKET_URL]


def test_two_codes_in_one_frame_are_both_read(code_frame, backdrop):
    left = code_frame("VOUCHER-LEFT", center=(330, 300), code_px=160)
    right = code_frame("VOUCHER-RIGHT", center=(950, 300), code_px=160)
    frame = np.hstack([left[:, :640], right[:, 640:]])
    assert sorted(texts(QrDecoder().decode(frame))) == ["VOUCHER-LEFT", "VOUCHER-RIGHT"]


def test_a_payload_in_another_alphabet_is_returned_exactly_as_encoded(code_frame):
    payload = "Zoë — チケット №42 €"
    assert texts(QrDecoder().decode(code_frame(payload))) == [payload]


@pytest.mark.parametrize("seed", range(4))
def test_a_venue_with_no_code_reads_nothing(code_frame, seed):
    assert QrDecoder().decode(code_frame(None, seed=seed, noise_sigma=4 + 6 * seed)) == []


def test_a_phone_showing_a_screen_without_a_code_reads_nothing(backdrop):
    from app.scan import scene

    frame = scene.render(backdrop, None, scene.Pose((640, 360), 200, 10, 20), scene.Look(),
                         np.random.default_rng(1)).image
    assert QrDecoder().decode(frame) == []


def test_a_code_smeared_by_motion_beyond_zxing_is_read_by_the_deblur_stage(code_frame):
    frame = code_frame(TICKET_URL, **SMEARED)
    assert QrDecoder(["zxing"]).decode(frame) == []
    (found,) = QrDecoder().decode(frame)
    assert (found.text, found.stage) == (TICKET_URL, "deblur")
    assert np.allclose(np.array(found.position).mean(axis=0), SMEARED["center"], atol=25)


def test_a_washed_out_code_located_but_unread_is_read_by_retrying_around_it(code_frame):
    frame = code_frame(TICKET_URL, **WASHED_OUT)
    assert QrDecoder(["zxing"]).decode(frame) == []
    (found,) = QrDecoder().decode(frame)
    assert (found.text, found.stage) == (TICKET_URL, "located-retry")
    assert np.allclose(np.array(found.position).mean(axis=0), WASHED_OUT["center"], atol=25)


def test_a_faint_code_zxing_cannot_locate_is_read_once_the_frame_is_sharpened(code_frame):
    frame = code_frame(TICKET_URL, **FAINT)
    assert QrDecoder(["zxing", "located-retry", "deblur"]).decode(frame) == []
    (found,) = QrDecoder().decode(frame)
    assert (found.text, found.stage) == (TICKET_URL, "sharpen")


def test_pyzbar_can_run_as_a_stage_of_its_own(code_frame):
    (found,) = QrDecoder(["pyzbar"]).decode(code_frame(BARE_UUID))
    assert (found.text, found.stage) == (BARE_UUID, "pyzbar")


def test_the_chain_counts_what_each_stage_ran_on_and_read(code_frame):
    decoder = QrDecoder()
    decoder.decode(code_frame(TICKET_URL))
    decoder.decode(code_frame(TICKET_URL, **SMEARED))
    decoder.decode(code_frame(None))
    assert (decoder.stats["zxing"].runs, decoder.stats["zxing"].reads) == (3, 1)
    assert (decoder.stats["deblur"].runs, decoder.stats["deblur"].reads) == (2, 1)
    assert decoder.stats["sharpen"].runs == 1 and decoder.stats["sharpen"].reads == 0


def test_the_default_chain_starts_with_zxing_and_leaves_pyzbar_out():
    assert DEFAULT_STAGES[0] == "zxing" and "pyzbar" not in DEFAULT_STAGES


def test_an_unknown_stage_is_refused():
    with pytest.raises(ValueError):
        QrDecoder(["zxing", "magic"])


@pytest.mark.parametrize("image", [
    None, "not an image", np.array([]), np.zeros((0, 0, 3), np.uint8), np.zeros((1, 1), np.uint8),
    np.zeros((720, 1280, 5), np.uint8), np.zeros((2, 720, 1280, 3), np.uint8), np.full((50, 50), np.nan),
    np.array([["a", "b"]]), np.zeros((720, 1280), bool),
], ids=["none", "text", "empty", "zero-size", "one-pixel", "five-channels", "4-d", "nan", "strings", "bool"])
def test_unusable_input_reads_nothing_and_never_raises(image):
    assert QrDecoder().decode(image) == []


def test_grey_bgra_float_and_16_bit_frames_are_converted_and_read(code_frame):
    bgr = code_frame(BARE_UUID)
    frames = [cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY), cv2.cvtColor(bgr, cv2.COLOR_BGR2BGRA),
              bgr.astype(np.float32) / 255, bgr.astype(np.uint16) * 257,
              cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)[:, :, None]]
    for frame in frames:
        assert texts(QrDecoder().decode(frame)) == [BARE_UUID]


def test_a_decoder_library_that_raises_reads_nothing():
    image_zxing_cannot_take = np.zeros((100, 100), np.float32)
    assert read_zxing(image_zxing_cannot_take) == []
    assert read_pyzbar(np.zeros((0, 0), np.uint8)) == []
