"""The simulated Products API as an ASGI app: the kiosk's stand-in for the real server.

It follows ../shared/reference/products-api.md and the seed documents. Where they leave gaps, it assumes:

1. [assume] `GET /v1/products/{id}/items?page=&limit=&updated_since=` lists a product's items ordered by
   `item_id`: `page` 1-based (default 1), `limit` 1..1000 (default 100), and the optional `updated_since`
   (Unix seconds, inclusive) keeps the items whose `updated_at` is at or after it, for incremental
   downloads. Answer: `{"items": [ProductItem...], "total": n}`, `total` counting the items that match.
2. [assume] `GET /v1/products/{id}/items/{item_id}` answers one ProductItem.
3. [assume] `GET /v1/products/{id}/sales?page=&limit=` answers `{"sales": [{id, order_number, quantity,
   unit_price, buyer{id, email, first_name, last_name}, created_at}], "total": n}`.
4. An item that is not an item of the product in the path (unknown, or another product's) is 404
   "Product item not found" on redeem, transfer and read: 404 is the documented answer for unknown resources.
5. Issue: any broken rule fails the whole batch (unknown users or emails, stock, `max_items`,
   `max_per_account`); users and emails together are at most 550 per request (seed 003: "up to 550 users
   per request"); items are created in request order, users first; a user listed twice gets two items.
   `stock` is the total that may ever be issued (it does not go down); `max_per_account` counts every item
   a user holds of the product, redeemed or not. Rule order: inactive, unknown recipients,
   min_rep_balance, stock, max_items, max_per_account.
6. `active` gates issuing only (seed 003: "whether items can currently be issued"): an item of an inactive
   product can still be redeemed; the kiosk applies its own station rule.
7. The simulator keeps no reputation: every user's balance is 0, so a product with `min_rep_balance` > 0
   refuses every recipient (422).
8. `POST /v1/users/create` takes the documented bare array of users, or `{"users": [...]}`; 1..1000 users;
   it answers 201 `{"message", "users": [User...]}` (the documented answer has only the message). An
   email or reference id already taken fails the whole batch with 422. Users are activated at once.
9. `POST /v1/users/profile` and `POST /v1/users/fetch` are queries: a read key may call them.
10. Attendee registration: unknown event 404, unknown user 422; a new record without `registered_at` is
    registered now; calling again updates only the timestamps given.
11. `GET /v1/version` (any valid key) answers `{"version": "..."}`.
12. Transfer answers 200 `{product_item, previous_owner, new_owner, transferred_at}` (the vendor's
    transfer page); its checks run in the order of seed 003's list, after "not transferable".
13. Unknown routes get the framework's plain 404/405, not the API's `{"message"}` shape. (The fault
    `missing_optional_routes` plays a server that answers the assumed routes 404 `{"message": "Cannot GET
    <path>"}`, the common JSON shape, which a client cannot tell from a missing resource.)
14. Check order: key (401/403), malformed input (400), unknown resource (404), business rule (422).
    Bodies over 2 MB and invalid JSON are 400.
15. Fault injection and behaviour switches (`GET`/`PUT /_sim/faults`, no key needed): see
    `app.simulator.faults`.
"""
from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import Awaitable, Callable, Mapping

from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp

from app.simulator import catalog, items, people, records
from app.simulator.auth import KeyAccess, authorize
from app.simulator.faults import FaultController, FaultInjector, FaultSettings
from app.simulator.fields import MAX_BODY_BYTES, parse_body, path_uuid
from app.simulator.problems import Problem
from app.simulator.voucherify import VoucherifyApi

Handler = Callable[[Request], Awaitable[Response]]

SIMULATED_VERSION = "2.72.0-usher-simulator"
DEFAULT_ITEM_PAGE = 100
DEFAULT_SALES_PAGE = 100


class _ProductsApi:
    """The /v1 handlers: key check, input parsing, then the rules in catalog/items/people.

    The behaviour switches of the current fault settings shape the answers (see app.simulator.faults).
    """

    def __init__(self, conn: sqlite3.Connection, keys: Mapping[str, KeyAccess], controller: FaultController) -> None:
        self._conn = conn
        self._keys = keys
        self._controller = controller

    def routes(self, *, optional_endpoints: bool) -> list[Route]:
        routes = [
            Route("/v1/version", self.version, methods=["GET"]),
            Route("/v1/products", self.create_product, methods=["POST"]),
            Route("/v1/products/{product_id}", self.get_product, methods=["GET"]),
            Route("/v1/products/{product_id}/items", self.issue_items, methods=["POST"]),
            Route("/v1/products/{product_id}/items/redeem", self.redeem, methods=["POST"]),
            Route("/v1/products/{product_id}/transfer", self.transfer, methods=["POST"]),
            Route("/v1/events/attendees/register", self.register_attendee, methods=["POST"]),
            Route("/v1/events/{key}", self.get_event, methods=["GET"]),
            Route("/v1/users/create", self.create_users, methods=["POST"]),
            Route("/v1/users/profile", self.user_profile, methods=["POST"]),
            Route("/v1/users/fetch", self.fetch_users, methods=["POST"]),
        ]
        if optional_endpoints:
            routes += [
                Route("/v1/products/{product_id}/items", self._assumed(self.list_items), methods=["GET"]),
                Route("/v1/products/{product_id}/items/{item_id}", self._assumed(self.get_item), methods=["GET"]),
                Route("/v1/products/{product_id}/sales", self._assumed(self.list_sales), methods=["GET"]),
            ]
        return routes

    @property
    def _faults(self) -> FaultSettings:
        return self._controller.settings

    def _assumed(self, handler: Handler) -> Handler:
        """An endpoint the documents do not promise: `missing_optional_routes` answers as a server without it."""

        async def route(request: Request) -> Response:
            if self._faults.missing_optional_routes:
                return JSONResponse({"message": f"Cannot GET {request.url.path}"}, status_code=404)
            return await handler(request)

        return route

    async def version(self, request: Request) -> Response:
        self._authorize(request, write=False)
        return JSONResponse({"version": SIMULATED_VERSION})

    async def create_product(self, request: Request) -> Response:
        self._authorize(request, write=True)
        spec = catalog.parse_new_product(await _json_body(request))
        return JSONResponse(self._product(catalog.create_product(self._conn, spec)), status_code=201)

    async def get_product(self, request: Request) -> Response:
        self._authorize(request, write=False)
        return JSONResponse(self._product(catalog.get_product(self._conn, _product_id(request))))

    async def issue_items(self, request: Request) -> Response:
        self._authorize(request, write=True)
        product_id = _product_id(request)
        issue = items.parse_issue(await _json_body(request), product_id)
        return JSONResponse({"items": self._items(items.issue(self._conn, product_id, issue))}, status_code=201)

    async def redeem(self, request: Request) -> Response:
        self._authorize(request, write=True)
        product_id = _product_id(request)
        item_id = items.parse_redeem(await _json_body(request))
        return JSONResponse(self._item(items.redeem(self._conn, product_id, item_id,
                                                    fully_redeemed_status=self._faults.conflict_status)))

    async def transfer(self, request: Request) -> Response:
        self._authorize(request, write=True)
        product_id = _product_id(request)
        move = items.parse_transfer(await _json_body(request))
        return JSONResponse(items.transfer(self._conn, product_id, move))

    async def list_items(self, request: Request) -> Response:
        self._authorize(request, write=False)
        product_id = _product_id(request)
        page = self._page(request, DEFAULT_ITEM_PAGE)
        if page.updated_since is not None and self._faults.reject_updated_since:
            raise Problem.invalid(["updated_since is not allowed"])
        listed = items.list_items(self._conn, product_id, page)
        return JSONResponse({"items": self._items(listed.records), "total": self._total(listed.total)})

    async def get_item(self, request: Request) -> Response:
        self._authorize(request, write=False)
        product_id = _product_id(request)
        item_id = path_uuid(request.path_params["item_id"], "item_id")
        return JSONResponse(self._item(items.get_item(self._conn, product_id, item_id)))

    async def list_sales(self, request: Request) -> Response:
        self._authorize(request, write=False)
        product_id = _product_id(request)
        page = self._page(request, DEFAULT_SALES_PAGE)
        listed = catalog.list_sales(self._conn, product_id, page.page, page.limit)
        return JSONResponse({"sales": listed.records, "total": self._total(listed.total)})

    async def get_event(self, request: Request) -> Response:
        self._authorize(request, write=False)
        return JSONResponse(catalog.get_event(self._conn, request.path_params["key"]))

    async def register_attendee(self, request: Request) -> Response:
        self._authorize(request, write=True)
        registration = people.parse_registration(await _json_body(request))
        return JSONResponse(people.register_attendee(self._conn, registration))

    async def create_users(self, request: Request) -> Response:
        self._authorize(request, write=True)
        created = people.create_users(self._conn, people.parse_new_users(await _json_body(request)))
        return JSONResponse({"message": f"Created {len(created)} users", "users": created}, status_code=201)

    async def user_profile(self, request: Request) -> Response:
        self._authorize(request, write=False)
        who = people.parse_profile_request(await _json_body(request))
        return JSONResponse(people.get_profile(self._conn, who))

    async def fetch_users(self, request: Request) -> Response:
        self._authorize(request, write=False)
        query = people.parse_user_query(await _json_body(request))
        return JSONResponse(people.fetch_users(self._conn, query))

    def _authorize(self, request: Request, *, write: bool) -> None:
        authorize(request.headers.get("authorization"), self._keys, write=write)

    def _page(self, request: Request, default_limit: int) -> items.PageRequest:
        page = items.parse_page(request.query_params, default_limit=default_limit)
        cap = self._faults.page_size_cap
        return dataclasses.replace(page, limit=min(page.limit, cap)) if cap else page

    def _total(self, total: int) -> int:
        return total + self._faults.total_lies_by

    def _product(self, document: dict[str, object]) -> dict[str, object]:
        return records.sparse_product(document) if self._faults.sparse_records else document

    def _item(self, document: dict[str, object]) -> dict[str, object]:
        return records.sparse_item(document) if self._faults.sparse_records else document

    def _items(self, documents: list[dict[str, object]]) -> list[dict[str, object]]:
        return [self._item(document) for document in documents]


class _FaultsAdmin:
    def __init__(self, controller: FaultController) -> None:
        self._controller = controller

    def routes(self) -> list[Route]:
        return [Route("/_sim/faults", self.get, methods=["GET"]), Route("/_sim/faults", self.put, methods=["PUT"])]

    async def get(self, request: Request) -> Response:
        return JSONResponse(self._controller.settings.to_json())

    async def put(self, request: Request) -> Response:
        try:
            settings = FaultSettings.from_json(await _json_body(request))
        except ValueError as exc:
            raise Problem.invalid([str(exc)]) from None
        # Going dark happens in the background: it waits for this very request's connection to finish.
        self._controller.apply(settings)
        return JSONResponse(settings.to_json())


def create_app(conn: sqlite3.Connection, *, keys: Mapping[str, KeyAccess], controller: FaultController,
               optional_endpoints: bool = True) -> ASGIApp:
    api = _ProductsApi(conn, keys, controller)
    routes = (api.routes(optional_endpoints=optional_endpoints) + VoucherifyApi(conn).routes()
              + _FaultsAdmin(controller).routes())
    app = Starlette(routes=routes, exception_handlers={Problem: _problem_response})
    return FaultInjector(app, controller)


async def _problem_response(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Problem)
    return JSONResponse(exc.payload, status_code=exc.status)


async def _json_body(request: Request) -> object:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise Problem.invalid([f"The body is larger than {MAX_BODY_BYTES} bytes"])
    raw = bytearray()
    try:
        async for chunk in request.stream():
            raw += chunk
            if len(raw) > MAX_BODY_BYTES:
                break  # parse_body refuses it
    except ClientDisconnect:
        raise Problem.invalid(["The client went away before sending the whole body"]) from None
    return parse_body(bytes(raw))


def _product_id(request: Request) -> str:
    return path_uuid(request.path_params["product_id"])
