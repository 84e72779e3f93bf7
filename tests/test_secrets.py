"""The key bound to its address, PIN hashes that carry their cost, and wrong PINs counted on disk."""
from __future__ import annotations

import base64
import hashlib
import stat

from app.config import config_dir
from app.secrets import (
    FIRST_REST_S,
    FREE_TRIES,
    LONGEST_REST_S,
    PIN_COST,
    TOKEN_FILE,
    PinAttempts,
    ScryptCost,
    check_pin,
    hash_pin,
    load_api_key,
    store_api_key,
)

KEY = "sk_live_bound_to_one_address_4242"
API = "https://api.mufi.app"


def test_a_stored_key_is_handed_out_only_for_its_own_address(monkeypatch):
    monkeypatch.delenv("USHER_API_KEY", raising=False)
    store_api_key(KEY, API + "/")

    assert load_api_key(API) == KEY
    assert load_api_key("http://127.0.0.1:8080") == ""
    assert load_api_key("https://api.mufi.app.evil.test") == ""
    assert stat.S_IMODE((config_dir() / TOKEN_FILE).stat().st_mode) == 0o600


def test_a_pin_hash_says_its_cost_and_the_default_cost_is_the_slow_one():
    stored = hash_pin("246813")

    assert stored.split("$")[1:4] == [str(PIN_COST.n), str(PIN_COST.r), str(PIN_COST.p)]
    assert check_pin("246813", stored) and not check_pin("246814", stored)


def test_a_pin_hash_from_before_the_cost_was_kept_still_opens():
    salt = b"0123456789abcdef"
    digest = hashlib.scrypt(b"2468", salt=salt, n=2**14, r=8, p=1)
    legacy = f"scrypt${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"

    assert check_pin("2468", legacy) and not check_pin("2469", legacy)


def test_a_broken_pin_hash_opens_nothing():
    quick = hash_pin("246813", ScryptCost(2**4, 1, 1))
    for broken in ("", "scrypt$x", "bcrypt$1$2$3$4$5", quick.replace("$16$", "$sixteen$"), quick[:-8] + "!!!!!!!!"):
        assert not check_pin("246813", broken)


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def test_each_wrong_pin_past_the_free_tries_doubles_the_rest_up_to_an_hour(tmp_path):
    clock = Clock()
    attempts = PinAttempts(tmp_path / "pin-attempts.json", clock)
    rests = []
    for _ in range(FREE_TRIES + 9):
        rests.append(attempts.wrong())
        clock.now += rests[-1]

    assert rests[:FREE_TRIES - 1] == [0.0] * (FREE_TRIES - 1)
    assert rests[FREE_TRIES - 1:FREE_TRIES + 2] == [FIRST_REST_S, 2 * FIRST_REST_S, 4 * FIRST_REST_S]
    assert rests[-1] == LONGEST_REST_S


def test_setting_the_clock_back_does_not_shorten_a_rest(tmp_path):
    clock = Clock()
    attempts = PinAttempts(tmp_path / "pin-attempts.json", clock)
    for _ in range(FREE_TRIES):
        attempts.wrong()

    clock.now -= 86_400
    assert attempts.rest_s() == FIRST_REST_S


def test_an_unreadable_count_rests_the_keypad_rather_than_forgiving(tmp_path):
    path = tmp_path / "pin-attempts.json"
    path.write_text("not json")

    assert PinAttempts(path, Clock()).rest_s() == FIRST_REST_S
