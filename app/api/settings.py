"""How to reach the Products API: base URL, key, timeouts, and which assumed endpoints to use."""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from urllib.parse import urlsplit


class Capability(enum.Enum):
    """Endpoints the kiosk relies on although the API documentation does not promise them."""

    LIST_ITEMS = "list_items"
    GET_ITEM = "get_item"
    SALES = "sales"

    @property
    def endpoint(self) -> str:
        return _ENDPOINTS[self]

    @property
    def loss(self) -> str:
        """What the kiosk cannot do when the server lacks this endpoint, in words for staff."""
        return _LOSSES[self]


_ENDPOINTS = {
    Capability.LIST_ITEMS: "GET /v1/products/{id}/items",
    Capability.GET_ITEM: "GET /v1/products/{id}/items/{item_id}",
    Capability.SALES: "GET /v1/products/{id}/sales",
}
_LOSSES = {
    Capability.LIST_ITEMS: "the kiosk cannot download a product's items; its local list is filled only from "
    "imported files, items it issues itself and online redemptions",
    Capability.GET_ITEM: "the kiosk cannot read an item back to settle a redemption whose outcome is unknown; "
    "such redemptions wait for a manager",
    Capability.SALES: "the kiosk cannot show a product's order history",
}


@dataclass(frozen=True, slots=True)
class Timeouts:
    """Seconds allowed for each phase of a call (httpx semantics), and for the whole call (`total`)."""

    connect: float = 5.0
    read: float = 15.0
    write: float = 15.0
    pool: float = 5.0
    total: float = 20.0

    def __post_init__(self) -> None:
        if min(self.connect, self.read, self.write, self.pool, self.total) <= 0:
            raise ValueError("Every timeout must be a positive number of seconds")


@dataclass(frozen=True, slots=True)
class ApiSettings:
    base_url: str
    api_key: str = field(repr=False)  # never printed: the dataclass repr leaves it out
    timeouts: Timeouts = Timeouts()
    capabilities: frozenset[Capability] = frozenset(Capability)
    max_response_bytes: int = 8 * 1024 * 1024
    issue_batch_size: int = 550  # the API's documented maximum recipients per issue call
    # Tell the server each check-in's real scan time (POST /v1/events/attendees/register), for events
    # that register attendees.
    register_checkins: bool = False

    def __post_init__(self) -> None:
        parts = urlsplit(self.base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"The API base URL must be an http(s) URL, got {self.base_url!r}")
        if not self.api_key or any(c.isspace() for c in self.api_key) or not self.api_key.isprintable():
            raise ValueError("The API key is empty or contains spaces or control characters")
        if not 1 <= self.issue_batch_size <= 550:
            raise ValueError("issue_batch_size must be between 1 and 550")
        if self.max_response_bytes < 1024:
            raise ValueError("max_response_bytes must be at least 1024")

    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.api_key}"}

    def secrets(self) -> tuple[str, ...]:
        return (self.api_key,)
