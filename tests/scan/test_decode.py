from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest

from app.scan.decode import DEFAULT_STAGES, QrDecoder, read_pyzbar, read_zxing

TICKET_URL = "https://tickets.example.com/i/3f2a4c1e-8b7d-4e2a-9c1f-123456789abc"
BARE_UUID = "0b8e4a52-7d3c-4f1e-9a6b-2c5d8e7f1a30"
# A scene zxing-cpp alone cannot read, found with the benchmark's generator: a phone moved during the exposure.
SMEARED = dict(center=(381, 298), code_px=211, roll_deg=-12.6, tilt_deg=3.5, motion_blur_px=11.7,
               motion_angle_deg=166)

# Real photos (a few of ../shared/qr-samples, copied so that a clean clone can run the tests; see README.md
# there): each photo of codes_by_place is one that a retry stage reads and zxing-cpp alone does not.
PHOTOS = Path(__file__).parent / "photos"
MANIFEST = json.loads((PHOTOS / "manifest.json").read_text())
RETRY_STAGES = [s for s in DEFAULT_STAGES if s not in ("zxing", "deblur")]
UNHURRIED = 10_000  # ms: a retry budget no loaded test machine exhausts (what a stage reads is not timed)


def photo(name: str) -> np.ndarray:
    image = cv2.imread(str(PHOTOS / name), cv2.IMREAD_COLOR)
    assert image is not None, name
    return image


def by_place(stage: str) -> tuple[np.ndarray, list[np.ndarray]]:
    """The photo whose extra code `stage` reads, and its codes' polygons."""
    entry = next(e for e in MANIFEST["codes_by_place"] if e["stage"] == stage)
    return photo(entry["file"]), [np.array(c, np.float32).reshape(4, 2) for c in entry["codes"]]


def polygons_read(found, polygons: list[np.ndarray]) -> list[int]:
    """For each symbol, the index of the polygon its centre lies in (-1: none, a false positive)."""
    def hit(decoded) -> int:
        centre = tuple(float(v) for v in np.mean(decoded.position, axis=0))
        return next((i for i, p in enumerate(polygons) if cv2.pointPolygonTest(p, centre, False) >= 0), -1)

    return [hit(d) for d in found]


def texts(found) -> list[str]:
    return [d.text for d in found]


# --- Every symbol, with its place ---

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


def test_two_identical_tickets_side_by_side_are_two_results(code_frame):
    left = code_frame(TICKET_URL, center=(330, 300), code_px=160)
    right = code_frame(TICKET_URL, center=(950, 300), code_px=160)
    found = QrDecoder().decode(np.hstack([left[:, :640], right[:, 640:]]))
    assert texts(found) == [TICKET_URL, TICKET_URL]
    centres = sorted(tuple(np.mean(d.position, axis=0)) for d in found)
    assert np.allclose(centres, [(330, 300), (950, 300)], atol=15)


def test_two_different_codes_in_one_frame_are_both_read(code_frame):
    left = code_frame("VOUCHER-LEFT", center=(330, 300), code_px=160)
    right = code_frame("VOUCHER-RIGHT", center=(950, 300), code_px=160)
    assert sorted(texts(QrDecoder().decode(np.hstack([left[:, :640], right[:, 640:]])))) == [
        "VOUCHER-LEFT", "VOUCHER-RIGHT"]


def test_a_dark_mode_code_is_one_result_although_zxing_also_tries_it_inverted(code_frame):
    assert texts(QrDecoder().decode(code_frame(TICKET_URL, dark_mode=True))) == [TICKET_URL]


def test_a_payload_in_another_alphabet_is_returned_exactly_as_encoded(code_frame):
    payload = "Zoë — チケット №42 €"
    assert texts(QrDecoder().decode(code_frame(payload))) == [payload]


def test_a_photo_of_a_printed_code_is_read_with_its_exact_text():
    (entry,) = MANIFEST["by_text"]
    assert texts(QrDecoder().decode(photo(entry["file"]))) == [entry["expected"]]


# --- Each retry stage: what triggers it, what it reads, and that it reads nothing else ---

@pytest.mark.parametrize("stage", RETRY_STAGES)
def test_each_retry_stage_reads_a_real_code_that_zxing_alone_misses_and_inside_its_outline(stage):
    image, polygons = by_place(stage)
    alone = polygons_read(QrDecoder(["zxing"]).decode(image), polygons)
    decoder = QrDecoder(budget_ms=UNHURRIED)
    found = decoder.decode(image)
    where = polygons_read(found, polygons)
    assert -1 not in where  # no false positive
    assert len(set(where)) == len(where)  # each code once, whichever stages read it
    new = {i for d, i in zip(found, where) if d.stage == stage} - set(alone)
    assert new, f"{stage} read nothing new"
    assert decoder.stats[stage].triggered == 1 and decoder.stats[stage].reads >= 1


@pytest.mark.parametrize("stage", RETRY_STAGES)
def test_a_retry_is_triggered_by_a_symbol_zxing_located_but_could_not_read(stage):
    image, _ = by_place(stage)
    located: list = []
    read_zxing(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY), located=located)
    assert located


@pytest.mark.parametrize("name", MANIFEST["no_code"])
def test_a_real_photo_without_a_code_reads_nothing_and_triggers_no_retry(name):
    decoder = QrDecoder(budget_ms=UNHURRIED)
    assert decoder.decode(photo(name)) == []
    assert {s: decoder.stats[s].triggered for s in RETRY_STAGES} == dict.fromkeys(RETRY_STAGES, 0)


def test_a_code_read_at_once_triggers_no_retry(code_frame):
    decoder = QrDecoder()
    decoder.decode(code_frame(TICKET_URL))
    assert [s for s, stats in decoder.stats.items() if stats.triggered and s != "zxing"] == []


def test_a_lone_symbol_that_resists_its_region_retries_never_costs_a_whole_frame_retry():
    image, polygons = by_place("straighten")
    assert len(polygons) == 1
    decoder = QrDecoder(budget_ms=0)  # no region retry gets to read it
    decoder.decode(image)
    assert decoder.stats["upscale"].triggered == 1
    assert decoder.stats["frame-upscale"].triggered == decoder.stats["frame-clahe"].triggered == 0


def test_with_the_retry_budget_spent_only_zxing_reads():
    image, _ = by_place("frame-upscale")  # zxing-cpp reads two of its three codes
    alone = QrDecoder(["zxing"]).decode(image)
    assert len(alone) == 2
    assert QrDecoder(budget_ms=0).decode(image) == alone


@pytest.mark.parametrize("seed", range(3))
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
    decoder = QrDecoder(budget_ms=UNHURRIED)
    (found,) = decoder.decode(frame)
    assert (found.text, found.stage) == (TICKET_URL, "deblur")
    assert np.allclose(np.array(found.position).mean(axis=0), SMEARED["center"], atol=25)
    assert decoder.stats["deblur"].triggered == 1


def test_a_sharp_code_is_not_taken_for_a_smear(code_frame):
    decoder = QrDecoder(["deblur"])
    assert decoder.decode(code_frame(TICKET_URL)) == []
    assert decoder.stats["deblur"].triggered == 0


# --- The chain's shape and its guards ---

def test_pyzbar_can_run_as_a_stage_of_its_own(code_frame):
    (found,) = QrDecoder(["pyzbar"]).decode(code_frame(BARE_UUID))
    assert (found.text, found.stage) == (BARE_UUID, "pyzbar")


def test_the_default_chain_starts_with_zxing_and_runs_pyzbar_only_on_straightened_regions():
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
