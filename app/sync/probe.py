"""The connection test: can the kiosk reach the server, is the key accepted and allowed to write, which of
the assumed endpoints does the server offer, and what are the configured products called.

Capabilities are learnt here, by asking for a product and an item that are known to exist — never from
the shape of an error body elsewhere. A 404 for the items of a product the server has just shown us means
the route is missing; a 404 for an item the server has just listed means reading single items is.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TypeVar

from app.api.client import ProductsClient
from app.api.errors import ApiError, AuthError, Forbidden, NotFound, NotSent, ProtocolError, StatusError, Unauthorized
from app.api.settings import ApiSettings, Capability

T = TypeVar("T")

# A well-formed item id that no server issues: redeeming it tells whether the key may write, and changes nothing.
NIL_ITEM = "00000000-0000-4000-8000-000000000000"


@dataclass
class ProbeReport:
    reachable: bool = False
    key_accepted: bool = False
    write_allowed: bool | None = None
    capabilities: dict[Capability, bool | None] = field(default_factory=lambda: dict.fromkeys(Capability))
    products: dict[str, str] = field(default_factory=dict)  # product id → its name, or what went wrong
    messages: list[str] = field(default_factory=list)  # plain sentences for staff

    @property
    def known_products(self) -> list[str]:
        return [pid for pid, name in self.products.items() if not name.startswith("(")]


def probe_api(api: ApiSettings, product_ids: list[str], item_id: str | None = None) -> ProbeReport:
    """Asks the server; `item_id` is an item the kiosk knows, used when the server cannot list items."""
    report = ProbeReport()
    with ProductsClient(replace(api, capabilities=frozenset(Capability))) as client:
        if not _reach(client, report):
            return report
        for product_id in product_ids:
            report.products[product_id] = _product_name(client, product_id)
        known = report.known_products
        if not known:
            report.messages.append("No configured product was found on the server, so the optional endpoints "
                                   "could not be tested.")
            return report
        listed_item = _probe_listing(client, known[0], report)
        _probe_get_item(client, known[0], listed_item or item_id, report)
        _probe_capability(report, Capability.SALES, lambda: client.list_sales(known[0], limit=1))
        _probe_write(client, known[0], report)
    for capability, offered in report.capabilities.items():
        if offered is False:
            report.messages.append(f"The server does not offer {capability.endpoint}: {capability.loss}.")
    return report


def _reach(client: ProductsClient, report: ProbeReport) -> bool:
    try:
        client.probe()
    except NotSent as exc:
        report.messages.append(f"The server cannot be reached: {exc.message}")
        return False
    except AuthError:
        report.reachable = True
        report.messages.append("The server refused the API key: it is wrong or revoked.")
        return False
    except ApiError as exc:
        report.messages.append(f"The server did not answer properly: {exc.message}")
        return False
    report.reachable = report.key_accepted = True
    return True


def _product_name(client: ProductsClient, product_id: str) -> str:
    try:
        return client.get_product(product_id).name
    except NotFound:
        return "(not found on the server)"
    except (ApiError, ValueError) as exc:
        return f"({exc})"


def _probe_listing(client: ProductsClient, product_id: str, report: ProbeReport) -> str | None:
    """Whether the server lists a product's items; returns one listed item's id, if any."""
    page = _probe_capability(report, Capability.LIST_ITEMS, lambda: client.list_items(product_id, page=1, limit=1))
    return str(page.items[0].id) if page is not None and page.items else None


def _probe_get_item(client: ProductsClient, product_id: str, item_id: str | None, report: ProbeReport) -> None:
    if item_id is None:
        report.messages.append("Reading single items could not be tested: no item of the product is known yet.")
        return
    _probe_capability(report, Capability.GET_ITEM, lambda: client.get_item(product_id, item_id))


def _probe_capability(report: ProbeReport, capability: Capability, call: Callable[[], T]) -> T | None:
    """Calls an optional endpoint about something that exists: a 404 or 405 means the route is missing."""
    try:
        answer = call()
    except ApiError as exc:
        if isinstance(exc, NotFound) or (isinstance(exc, ProtocolError) and exc.status == 405):
            report.capabilities[capability] = False
        else:
            report.messages.append(f"{capability.endpoint} could not be tested: {exc.message}")
        return None
    report.capabilities[capability] = True
    return answer


def _probe_write(client: ProductsClient, product_id: str, report: ProbeReport) -> None:
    try:
        client.redeem(product_id, NIL_ITEM)
    except (Unauthorized, Forbidden):
        report.write_allowed = False
        report.messages.append("The API key may read but not write: scans cannot be uploaded. Use a write key.")
    except StatusError:
        report.write_allowed = True  # refused for the item, not for the key
    except ApiError as exc:
        report.messages.append(f"Whether the key may write could not be tested: {exc.message}")
    else:
        report.write_allowed = True


def apply_probe(flags: dict[str, bool], report: ProbeReport) -> dict[str, bool]:
    """The settings' capability switches after a probe: what it could tell replaces what was set."""
    names = {Capability.LIST_ITEMS: "list_items", Capability.GET_ITEM: "get_item", Capability.SALES: "sales"}
    return flags | {names[c]: offered for c, offered in report.capabilities.items() if offered is not None}
