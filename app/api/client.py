"""`ProductsClient`: the kiosk's calls to the Products API, one method per endpoint.

The client never retries on its own: whether and when to send again is the sync engine's decision,
guided by each error's `transient` and `may_have_applied`. Use one client per thread; each keeps its own
pool of keep-alive connections.
"""
from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TypeVar
from urllib.parse import quote
from uuid import UUID

import httpx

from app.api.errors import ApiError, CapabilityMissing, IssueIncomplete
from app.api.models import (
    Attendee,
    CreatedUsers,
    Event,
    ItemList,
    ItemPage,
    NewProduct,
    NewUser,
    Product,
    ProductItem,
    SalePage,
    Transfer,
    User,
    UserPage,
)
from app.api.settings import ApiSettings, Capability
from app.api.transport import Call, CallObserver, Transport

MAX_USERS_PER_CREATE = 1000

T = TypeVar("T")


class ProductsClient:
    def __init__(self, settings: ApiSettings, *, on_call: CallObserver | None = None,
                 http_transport: httpx.BaseTransport | None = None) -> None:
        self._settings = settings
        self._transport = Transport(settings, on_call, http_transport)

    def __repr__(self) -> str:
        return f"ProductsClient({self._settings.base_url!r})"

    def __enter__(self) -> ProductsClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._transport.close()

    # --- connectivity ---

    def probe(self) -> str | None:
        """Check that the server answers and accepts the key (`GET /v1/version`); returns its version if told."""
        return self._transport.call(Call("GET", "/v1/version", "GET /v1/version", write=False), _version_of)

    # --- products ---

    def get_product(self, product_id: UUID | str) -> Product:
        pid = _uuid(product_id, "product id")
        return self._transport.call(Call("GET", f"/v1/products/{pid}", "GET /v1/products/{id}", write=False),
                                    Product.model_validate_json)

    def create_product(self, product: NewProduct) -> Product:
        return self._transport.call(Call("POST", "/v1/products", "POST /v1/products", write=True,
                                         json=product.to_json()), Product.model_validate_json)

    # --- items ---

    def issue_items(self, product_id: UUID | str, *, users: Sequence[UUID | str] = (),
                    emails: Sequence[str] = ()) -> list[ProductItem]:
        """Issue one item per recipient (a user listed twice gets two), in calls of at most 550 recipients.

        Raises `IssueIncomplete` when a later call fails after earlier ones created items.
        """
        pid = _uuid(product_id, "product id")
        recipients = [("users", _uuid(u, "user id")) for u in users] + [("emails", e) for e in emails]
        if not recipients:
            raise ValueError("Give at least one user id or email to issue items to")
        size = self._settings.issue_batch_size
        issued: list[ProductItem] = []
        for start in range(0, len(recipients), size):
            batch = recipients[start:start + size]
            body: dict[str, object] = {"product_id": pid}
            for kind in ("users", "emails"):
                if values := [value for k, value in batch if k == kind]:
                    body[kind] = values
            call = Call("POST", f"/v1/products/{pid}/items", "POST /v1/products/{id}/items", write=True, json=body)
            try:
                issued += self._transport.call(call, ItemList.model_validate_json).items
            except ApiError as error:
                if not issued:
                    raise
                rest = recipients[start:]
                raise IssueIncomplete(error, issued=issued, pending_users=[v for k, v in rest if k == "users"],
                                      pending_emails=[v for k, v in rest if k == "emails"]) from error
        return issued

    def redeem(self, product_id: UUID | str, item_id: UUID | str) -> ProductItem:
        """Use one redemption of an item. Not idempotent: never resend after `may_have_applied`."""
        pid = _uuid(product_id, "product id")
        call = Call("POST", f"/v1/products/{pid}/items/redeem", "POST /v1/products/{id}/items/redeem", write=True,
                    json={"product_item_id": _uuid(item_id, "item id")})
        return self._transport.call(call, ProductItem.model_validate_json)

    def transfer(self, product_id: UUID | str, item_id: UUID | str, *, sender_user_id: UUID | str | None = None,
                 sender_email: str | None = None, recipient_user_id: UUID | str | None = None,
                 recipient_email: str | None = None) -> Transfer:
        """Move an item to another user; name the sender and the recipient each by user id or by email."""
        pid = _uuid(product_id, "product id")
        body = {"product_item_id": _uuid(item_id, "item id"),
                **_one_identity("sender", sender_user_id, sender_email),
                **_one_identity("recipient", recipient_user_id, recipient_email)}
        call = Call("POST", f"/v1/products/{pid}/transfer", "POST /v1/products/{id}/transfer", write=True, json=body)
        return self._transport.call(call, Transfer.model_validate_json)

    def list_items(self, product_id: UUID | str, *, page: int = 1, limit: int = 1000,
                   updated_since: int | None = None) -> ItemPage:
        """[assume] One page of a product's items, ordered by `item_id`; `page` starts at 1.

        `updated_since` (Unix seconds, inclusive) keeps only items changed since then. The server may
        answer fewer items than `limit` asks, and records the kiosk cannot use are left out of the
        page's `items` and listed in its `skipped`.
        """
        pid = _uuid(product_id, "product id")
        params: dict[str, str | int] = {"page": page, "limit": limit}
        if updated_since is not None:
            params["updated_since"] = updated_since
        return self._optional(Call("GET", f"/v1/products/{pid}/items", Capability.LIST_ITEMS.endpoint, write=False,
                                   params=params, capability=Capability.LIST_ITEMS), ItemPage.from_json)

    def get_item(self, product_id: UUID | str, item_id: UUID | str) -> ProductItem:
        """[assume] Read one item back, e.g. to settle a redemption whose outcome is unknown."""
        pid, iid = _uuid(product_id, "product id"), _uuid(item_id, "item id")
        return self._optional(Call("GET", f"/v1/products/{pid}/items/{iid}", Capability.GET_ITEM.endpoint,
                                   write=False, capability=Capability.GET_ITEM), ProductItem.model_validate_json)

    def list_sales(self, product_id: UUID | str, *, page: int = 1, limit: int = 100) -> SalePage:
        """[assume] One page of a product's order history."""
        pid = _uuid(product_id, "product id")
        return self._optional(Call("GET", f"/v1/products/{pid}/sales", Capability.SALES.endpoint, write=False,
                                   params={"page": page, "limit": limit}, capability=Capability.SALES),
                              SalePage.model_validate_json)

    # --- events ---

    def get_event(self, id_or_reference_id: UUID | str) -> Event:
        key = quote(str(id_or_reference_id), safe="")
        return self._transport.call(Call("GET", f"/v1/events/{key}", "GET /v1/events/{id}", write=False),
                                    Event.model_validate_json)

    def register_attendee(self, event_id: UUID | str, *, user_id: UUID | str | None = None,
                          email: str | None = None, reference_id: str | None = None,
                          checked_in_at: datetime | float | None = None,
                          registered_at: datetime | float | None = None) -> Attendee:
        """Record (or update) a user's attendance; `checked_in_at` carries the real scan time.

        Safe to repeat: the server updates the attendee record instead of adding one.
        """
        body: dict[str, object] = {"event_id": _uuid(event_id, "event id"),
                                   **_exactly_one({"user_id": _maybe_uuid(user_id, "user id"),
                                                   "email": email, "reference_id": reference_id})}
        for name, moment in (("registered_at", registered_at), ("checked_in_at", checked_in_at)):
            if moment is not None:
                body[name] = _unix_seconds(moment)
        call = Call("POST", "/v1/events/attendees/register", "POST /v1/events/attendees/register", write=True,
                    json=body)
        return self._transport.call(call, Attendee.model_validate_json)

    # --- users (camelCase) ---

    def get_user_profile(self, *, user_id: UUID | str | None = None, email: str | None = None,
                         reference_id: str | None = None) -> User:
        body = _exactly_one({"id": _maybe_uuid(user_id, "user id"), "email": email,
                             "referenceId": reference_id})
        return self._transport.call(Call("POST", "/v1/users/profile", "POST /v1/users/profile", write=False,
                                         json=body), User.model_validate_json)

    def fetch_users(self, *, limit: int = 100, offset: int = 0, user_id: UUID | str | None = None,
                    email: str | None = None, reference_id: str | None = None) -> UserPage:
        """A page of the project's users, optionally narrowed to one id, email or reference id."""
        body: dict[str, object] = {"limit": limit, "offset": offset}
        body.update((k, v) for k, v in (("id", _maybe_uuid(user_id, "user id")), ("email", email),
                                        ("referenceId", reference_id)) if v is not None)
        return self._transport.call(Call("POST", "/v1/users/fetch", "POST /v1/users/fetch", write=False, json=body),
                                    UserPage.model_validate_json)

    def create_users(self, users: Sequence[NewUser]) -> list[User]:
        """Create up to 1000 users. The documented answer is only a message, so this may return [];
        look the users up with `get_user_profile` then. (The simulator returns them.)"""
        if not 1 <= len(users) <= MAX_USERS_PER_CREATE:
            raise ValueError(f"Create between 1 and {MAX_USERS_PER_CREATE} users per call, not {len(users)}")
        call = Call("POST", "/v1/users/create", "POST /v1/users/create", write=True,
                    json=[user.to_json() for user in users])
        return self._transport.call(call, CreatedUsers.model_validate_json).users

    # --- helpers ---

    def _optional(self, call: Call, parse: Callable[[bytes], T]) -> T:
        """Call an assumed endpoint, unless the settings say the server lacks it."""
        if call.capability is not None and call.capability not in self._settings.capabilities:
            raise CapabilityMissing(call.capability, status=None)
        return self._transport.call(call, parse)


def _uuid(value: UUID | str, what: str) -> str:
    try:
        return str(value if isinstance(value, UUID) else UUID(str(value)))
    except ValueError:
        raise ValueError(f"The {what} is not a UUID: {str(value)[:80]!r}") from None


def _maybe_uuid(value: UUID | str | None, what: str) -> str | None:
    return None if value is None else _uuid(value, what)


def _exactly_one(candidates: dict[str, object]) -> dict[str, object]:
    given = {name: value for name, value in candidates.items() if value is not None}
    if len(given) != 1:
        raise ValueError(f"Give exactly one of {', '.join(candidates)}")
    return given


def _one_identity(role: str, user_id: UUID | str | None, email: str | None) -> dict[str, object]:
    return _exactly_one({f"{role}_user_id": _maybe_uuid(user_id, f"{role} user id"),
                         f"{role}_email": email})


def _unix_seconds(moment: datetime | float) -> int:
    if isinstance(moment, datetime):
        if moment.tzinfo is None:
            raise ValueError("A timestamp must carry its time zone")
        moment = moment.timestamp()
    if moment <= 0:
        raise ValueError("A timestamp must be after 1970")
    return int(moment)


def _version_of(body: bytes) -> str | None:
    # The body of /v1/version is undocumented: only its status matters; a "version" string is a bonus.
    try:
        document = json.loads(body)
    except ValueError:
        return None
    version = document.get("version") if isinstance(document, dict) else None
    return version if isinstance(version, str) else None
