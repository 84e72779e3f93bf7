"""Station setup's checks, without Qt: the fields (what the form says, as typed, in; field → problem in plain
words out), and the venue database's connection test (app.store.venue.check_venue, run from setup's button). The page (app/ui/setup_page.py) shows each problem under its field and keeps nothing while there is one;
the settings model (app/config.py) then validates the whole as it would a settings file."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from urllib.parse import urlsplit

from app.config import PLAIN_HTTP_REFUSED, is_loopback
from app.scan.camera_setting import typed_camera_problem
from app.store.venue import VenueCheck, check_venue, kiosk_url_problem

__all__ = ["ID_EXAMPLE", "NAME_MAX", "SetupForm", "VenueCheck", "check_venue", "clean_url", "is_id", "setup_problems",
           "url_problem"]

NAME_MAX = 60
ID_EXAMPLE = "IDs look like 3f2b6c1e-8a4b-4c1e-9a57-0d3e5b7a2c10"


@dataclass(frozen=True, slots=True)
class SetupForm:
    name: str
    camera: str  # the camera setting chosen, or typed when `camera_typed`
    camera_typed: bool  # typed by hand: a number, a device, a video file or a folder
    api_url: str
    api_key: str  # typed now; empty keeps the stored key
    key_stored_for_url: bool  # a key is kept for exactly this address
    stored_api_url: str  # the address saved before
    event_id: str
    product_id_not_added: str  # typed in "add a product ID" but not added
    venue_db_url: str = ""


def setup_problems(form: SetupForm) -> dict[str, str]:
    """Each field's problem; empty when the form can be kept."""
    problems: dict[str, str] = {}
    name = form.name.strip()
    if not name:
        problems["name"] = "Give the station a name, e.g. “Door 2”"
    elif len(name) > NAME_MAX:
        problems["name"] = f"Use at most {NAME_MAX} characters"
    if form.camera_typed and (problem := typed_camera_problem(form.camera)):
        problems["camera"] = problem
    url = clean_url(form.api_url)
    if url and (problem := url_problem(url)):
        problems["url"] = problem
    key = form.api_key.strip()
    if any(ch.isspace() for ch in key):
        problems["key"] = "An API key has no spaces — paste it again"
    elif url and not key and not form.key_stored_for_url:
        problems["key"] = ("Type the API key for this server" if url == form.stored_api_url or not form.stored_api_url
                           else "The address changed: type the API key for this server "
                                "(the stored key stays with the address it was given for)")
    event_id = form.event_id.strip()
    if event_id and not is_id(event_id):
        problems["event"] = f"Not an event ID — {ID_EXAMPLE}"
    if form.product_id_not_added.strip():
        problems["download"] = "Press “Add” for the product ID you typed, or clear the field"
    if form.venue_db_url.strip() and (problem := kiosk_url_problem(form.venue_db_url.strip())):
        problems["venue"] = problem
    return problems


def clean_url(url: str) -> str:
    return url.strip().rstrip("/")


def url_problem(url: str) -> str:
    """Why the API address cannot be used, or ''."""
    if not url.startswith(("http://", "https://")) or not urlsplit(url).netloc:
        return "Type the full address, starting with https://"
    if url.startswith("http://") and not is_loopback(url):
        return PLAIN_HTTP_REFUSED
    return ""


def is_id(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True
