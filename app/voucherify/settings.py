"""How to reach Voucherify: the cluster's base URL (or an address of one's own), and the credentials."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from app.api.settings import Timeouts

if TYPE_CHECKING:
    from app.config import Settings

CLUSTERS = ("api", "us1.api", "as1.api")  # Europe (default), United States, Asia
_LOOPBACK = ("127.0.0.1", "localhost", "::1")


@dataclass(frozen=True, slots=True)
class VoucherifySettings:
    app_id: str = field(repr=False)
    app_token: str = field(repr=False)  # never printed: the dataclass repr leaves both out
    cluster: str = "api"
    address: str = ""  # overrides the cluster's URL, e.g. the local simulator
    timeouts: Timeouts = Timeouts()
    max_response_bytes: int = 1024 * 1024

    def __post_init__(self) -> None:
        if self.cluster not in CLUSTERS:
            raise ValueError(f"The Voucherify cluster must be one of {', '.join(CLUSTERS)}, not {self.cluster!r}")
        for name, value in (("app id", self.app_id), ("app token", self.app_token)):
            if not value or not value.isprintable() or any(c.isspace() for c in value):
                raise ValueError(f"The Voucherify {name} is empty or contains spaces or control characters")
        if self.address:
            parts = urlsplit(self.address)
            plain_http_ok = parts.scheme == "http" and parts.hostname in _LOOPBACK
            if not parts.netloc or not (parts.scheme == "https" or plain_http_ok):
                raise ValueError("The Voucherify address must be https:// (plain http only on this machine)")

    @property
    def base_url(self) -> str:
        return self.address.rstrip("/") or f"https://{self.cluster}.voucherify.io"

    def auth_headers(self) -> dict[str, str]:
        return {"X-App-Id": self.app_id, "X-App-Token": self.app_token}

    def secrets(self) -> tuple[str, ...]:
        return (self.app_token, self.app_id)


def voucherify_settings(settings: Settings, token: str) -> VoucherifySettings | None:
    """The runtime settings, or None while Voucherify is not set up (off unless configured); ValueError
    with a plain reason when they cannot be used."""
    config = settings.voucherify
    if not config.app_id:
        return None
    return VoucherifySettings(config.app_id, token, cluster=config.cluster, address=config.address)
