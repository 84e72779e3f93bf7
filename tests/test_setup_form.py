"""Station setup's field checks, without Qt: each field's problem in plain words, and none for a good form."""
from __future__ import annotations

import dataclasses

import pytest

from app.setup_form import NAME_MAX, SetupForm, setup_problems

GOOD = SetupForm(name="Door 2", camera="", camera_typed=False, api_url="https://api.example.com/", api_key="",
                 key_stored_for_url=True, stored_api_url="https://api.example.com", event_id="", product_id_not_added="",
                 venue_db_url="")


def problems_with(**changes: object) -> dict[str, str]:
    return setup_problems(dataclasses.replace(GOOD, **changes))


def test_a_good_form_has_no_problems():
    assert setup_problems(GOOD) == {}


@pytest.mark.parametrize(("changes", "field", "words"), [
    ({"name": "   "}, "name", "Give the station a name"),
    ({"name": "x" * (NAME_MAX + 1)}, "name", f"at most {NAME_MAX} characters"),
    ({"camera": "", "camera_typed": True}, "camera", "Type the camera's number"),
    ({"camera": "/no/such/video.mp4", "camera_typed": True}, "camera", "Nothing found at /no/such/video.mp4"),
    ({"api_url": "api.example.com"}, "url", "starting with https://"),
    ({"api_url": "http://api.example.com"}, "url", "unencrypted"),
    ({"api_key": "sk live"}, "key", "has no spaces"),
    ({"key_stored_for_url": False}, "key", "Type the API key for this server"),
    ({"api_url": "https://other.example.com", "key_stored_for_url": False}, "key", "The address changed"),
    ({"event_id": "tonight"}, "event", "Not an event ID"),
    ({"product_id_not_added": "3f2b6c1e"}, "download", "Press “Add”"),
    ({"venue_db_url": "mysql://db/usher"}, "venue", "A venue database is PostgreSQL"),
    ({"venue_db_url": "postgresql+psycopg://usher_kiosk:hunter2@db/usher"}, "venue", "~/.pgpass"),
])
def test_each_field_says_what_is_wrong_with_it_and_no_other_field_complains(changes, field, words):
    problems = problems_with(**changes)
    assert list(problems) == [field]
    assert words in problems[field]


def test_a_typed_camera_number_a_loopback_http_simulator_and_a_venue_database_are_fine(tmp_path):
    assert problems_with(camera="1", camera_typed=True, api_url="http://127.0.0.1:8000",
                         stored_api_url="http://127.0.0.1:8000",
                         venue_db_url="postgresql+psycopg://usher_kiosk@db.venue.lan/usher") == {}
    assert problems_with(camera=str(tmp_path), camera_typed=True) == {}  # a folder of images


def test_no_api_address_needs_no_key():
    assert problems_with(api_url="", key_stored_for_url=False) == {}
