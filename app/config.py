"""The kiosk's settings: one JSON file in the user config directory, validated on load.

Secrets are not in it: the API key lives in app.secrets, and the PIN only as a salted slow hash.
"""
from __future__ import annotations

import ipaddress
import json
import os
from pathlib import Path
from urllib.parse import urlsplit
from typing import Literal

import platformdirs
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from app.domain.rules import Preset, StationRules
from app.scan.camera_setting import DEMO_CAMERA, FIRST_CAMERA

APP_NAME = "usher"


class SettingsError(Exception):
    """A settings file that cannot be used; the message says which field and why."""


PLAIN_HTTP_REFUSED = ("Plain http:// would send the API key unencrypted: use https:// "
                      "(http:// is only for a server on this computer, such as the simulator)")


def is_loopback(url: str) -> bool:
    """Whether `url` names this computer (localhost, 127.0.0.0/8, ::1): the only place plain http may go."""
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class ApiConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    base_url: str = ""  # empty: no API, the station works from imports alone
    timeout_s: float = Field(20.0, gt=0, le=120)  # the overall deadline of one call
    # After a call whose answer was lost, how long the server may still apply it (app/sync/engine.py).
    settle_window_s: float = Field(300.0, gt=0, le=3600)
    # Endpoints the Products API does not document; the kiosk uses them only where switched on
    # (`usher sync --probe` and station setup's connection test find out).
    list_items: bool = True
    get_item: bool = True
    sales: bool = False
    register_checkins: bool = False  # tell the server each admission's real scan time

    @model_validator(mode="after")
    def _window_outlasts_the_deadline(self) -> "ApiConfig":
        if self.settle_window_s <= self.timeout_s:
            raise ValueError("settle_window_s must be longer than timeout_s")
        return self

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        value = value.strip()
        if value and not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        if value.startswith("http://") and not is_loopback(value):
            raise ValueError(PLAIN_HTTP_REFUSED)
        return value.rstrip("/")


class VoucherifyConfig(BaseModel):
    """Voucherify, where the venue runs its promotions: off while `app_id` is empty."""

    model_config = ConfigDict(extra="forbid")

    app_id: str = ""  # the token is a secret, kept like the API key (app.secrets)
    cluster: Literal["api", "us1.api", "as1.api"] = "api"
    address: str = ""  # overrides the cluster's URL (the local simulator)


class StationSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field("Door 1", min_length=1, max_length=60)
    preset: Literal["door", "bar", "box_office", "any"] = "door"
    product_ids: list[str] = Field(default_factory=list)  # empty: every product of the preset's types
    refuse_inactive: bool = False  # refuse tickets of products whose sales have closed (default: admit them)

    def rules(self) -> StationRules:
        return StationRules(self.name.strip(), Preset(self.preset), frozenset(self.product_ids), self.refuse_inactive)


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    api: ApiConfig = Field(default_factory=ApiConfig)
    voucherify: VoucherifyConfig = Field(default_factory=VoucherifyConfig)
    station: StationSettings = Field(default_factory=StationSettings)
    event_id: str = ""
    product_ids: list[str] = Field(default_factory=list)  # the products this replica downloads
    # What app/scan/camera_setting.py parses: "" (the first camera found), "none", a number or a path.
    camera: str = FIRST_CAMERA
    hide_names: bool = False
    verdict_seconds: float = Field(3.0, ge=1, le=30)
    cooldown_s: float = Field(3.0, ge=0.5, le=60)
    sounds: bool = True
    pin_hash: str = ""  # the manager PIN, as app.secrets.hash_pin; empty: no PIN set yet
    steward_pin_hash: str = ""  # the stewards' PIN (app.pins); empty: scanning needs no PIN
    # The PIN guard's socket (app.pin_guard): a service of its own keeps both PINs' hashes and the wrong
    # tries where the kiosk's user cannot read them; then the two hashes above stay empty. Empty: no guard.
    pin_guard: str = ""
    # The venue's shared PostgreSQL replica (docs/venue.md; station setup tests it with
    # app.store.venue.check_venue). Empty: this kiosk's own SQLite replica. Never with the password,
    # which lives in the kiosk user's ~/.pgpass.
    venue_db_url: str = ""

    @field_validator("venue_db_url")
    @classmethod
    def _venue_without_password(cls, value: str) -> str:
        from app.store.venue import kiosk_url_problem

        value = value.strip()
        if value and (problem := kiosk_url_problem(value)):
            raise ValueError(problem)
        return value

    def replica_url(self, command_line: str | None = None) -> str | None:
        """The replica to open: --db (or USHER_DB_URL) first, then station setup's venue database; None for
        this kiosk's own SQLite file."""
        return command_line or self.venue_db_url or None

    @field_validator("camera")
    @classmethod
    def _no_demo_camera(cls, value: str) -> str:
        # Older settings files named the synthetic demo camera, which only `usher demo` may run: a kiosk
        # on it writes made-up scans into the audit log. Such files get the first real camera instead.
        value = value.strip()
        return FIRST_CAMERA if value == DEMO_CAMERA else value


def config_dir() -> Path:
    return Path(os.environ.get("USHER_CONFIG_DIR") or platformdirs.user_config_dir(APP_NAME, appauthor=False))


def settings_path() -> Path:
    return config_dir() / "settings.json"


def load_settings(path: Path | None = None) -> Settings:
    """The settings at `path`; defaults when there is no file; SettingsError when it is unusable."""
    path = path or settings_path()
    if not path.exists():
        return Settings()
    try:
        return Settings.model_validate_json(path.read_bytes())
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(top level)"
        raise SettingsError(f"{path}: {where}: {first['msg']}") from None
    except OSError as exc:
        raise SettingsError(f"{path}: cannot read ({exc.strerror})") from None


def write_private(path: Path, text: str) -> None:
    """Writes `path` readable by this user only (0600 in a 0700 folder, whatever the umask), atomically:
    a crash leaves either the old or the new file, never half of one."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)  # an old .tmp left by a crash keeps its mode through O_CREAT
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)
    os.replace(tmp, path)


def save_settings(settings: Settings, path: Path | None = None) -> None:
    """The settings hold the PIN's hash: only this user may read them."""
    write_private(path or settings_path(), json.dumps(settings.model_dump(), indent=2))


def load_settings_or_explain(api_address: str | None = None) -> Settings | None:
    """The settings, or None after telling the user on stderr what is wrong with the file (for commands).
    `api_address`: a one-off API address given on the command line, used instead of the stored one."""
    import sys

    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"Settings cannot be used: {exc}\nFix or delete the file, then start again.", file=sys.stderr)
        return None
    if api_address:
        settings.api.base_url = api_address.rstrip("/")
    return settings
