"""Voucherify's "Create Product" (seed 004) beside the Products API, under `/voucherify`: an upsert by
`id` or `source_id`, answered with the seed's product object, authenticated by X-App-Id and X-App-Token.

Errors take Voucherify's shape: `{code, key, message, details, request_id}`. The fault switches apply
here too (the injector covers `/voucherify/v1/`), so a lost answer and its retry can be tested.
"""
from __future__ import annotations

import hmac
import json
import secrets
import sqlite3
from datetime import UTC, datetime

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from app.simulator.fields import parse_body

PREFIX = "/voucherify"
DEMO_APP_ID = "usher-demo-voucherify-app"
DEMO_APP_TOKEN = "usher-demo-voucherify-token"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS voucherify_products (
    id TEXT PRIMARY KEY,
    source_id TEXT UNIQUE,
    name TEXT,
    price INTEGER,
    attributes TEXT NOT NULL,
    metadata TEXT NOT NULL,
    image_url TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT
)
"""


class VoucherifyError(Exception):
    def __init__(self, status: int, key: str, message: str) -> None:
        super().__init__(message)
        self.status, self.key, self.message = status, key, message

    def response(self) -> Response:
        return JSONResponse({"code": self.status, "key": self.key, "message": self.message, "details": self.message,
                             "request_id": f"v-{secrets.token_hex(8)}"}, status_code=self.status)


class VoucherifyApi:
    def __init__(self, conn: sqlite3.Connection, app_id: str = DEMO_APP_ID, app_token: str = DEMO_APP_TOKEN) -> None:
        self._conn = conn
        self._credentials = (app_id, app_token)
        conn.execute(_SCHEMA)

    def routes(self) -> list[Route]:
        return [Route(f"{PREFIX}/v1/products", self.upsert, methods=["POST"]),
                Route(f"{PREFIX}/v1/products/{{key}}", self.get, methods=["GET"])]

    async def upsert(self, request: Request) -> Response:
        try:
            self._authorize(request)
            fields = _product_fields(parse_body(await request.body()))
            return JSONResponse(self._upsert(fields))
        except VoucherifyError as exc:
            return exc.response()

    async def get(self, request: Request) -> Response:
        """`GET /v1/products/{id or source_id}`: how a test sees what was stored."""
        try:
            self._authorize(request)
            row = self._find(request.path_params["key"], request.path_params["key"])
            if row is None:
                raise VoucherifyError(404, "not_found", "Resource not found")
            return JSONResponse(_document(row))
        except VoucherifyError as exc:
            return exc.response()

    def _authorize(self, request: Request) -> None:
        given = (request.headers.get("x-app-id", ""), request.headers.get("x-app-token", ""))
        if not all(hmac.compare_digest(a.encode(), b.encode()) for a, b in zip(given, self._credentials)):
            raise VoucherifyError(401, "unauthorized", "Unauthorized")

    def _find(self, product_id: str | None, source_id: str | None) -> sqlite3.Row | None:
        return self._conn.execute("SELECT * FROM voucherify_products WHERE id = ? OR source_id = ?",
                                  (product_id, source_id)).fetchone()

    def _upsert(self, fields: dict[str, object]) -> dict[str, object]:
        now = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        stored = {k: json.dumps(v) if k in ("attributes", "metadata") else v for k, v in fields.items() if k != "id"}
        with self._conn:
            row = self._find(fields.get("id"), fields.get("source_id"))  # type: ignore[arg-type]
            if row is None:
                product_id = str(fields.get("id") or f"prod_{secrets.token_hex(9)}")
                stored.setdefault("attributes", "[]")
                stored.setdefault("metadata", "{}")
                columns = ["id", "created_at", *stored]
                self._conn.execute(f"INSERT INTO voucherify_products ({', '.join(columns)}) "
                                   f"VALUES ({', '.join('?' * len(columns))})", [product_id, now, *stored.values()])
            else:
                product_id = row["id"]
                assignments = ", ".join(f"{name} = ?" for name in [*stored, "updated_at"])
                self._conn.execute(f"UPDATE voucherify_products SET {assignments} WHERE id = ?",
                                   [*stored.values(), now, product_id])
        return _document(self._find(product_id, None))  # type: ignore[arg-type]


_TYPES = {"id": str, "source_id": str, "name": str, "price": int, "attributes": list, "metadata": dict,
          "image_url": str}


def _product_fields(body: object) -> dict[str, object]:
    """The request body, checked against seed 004's request schema."""
    if not isinstance(body, dict):
        raise VoucherifyError(400, "invalid_payload", "The body must be a JSON object")
    if unknown := sorted(set(body) - set(_TYPES)):
        raise VoucherifyError(400, "invalid_payload", f"Unknown properties: {', '.join(unknown)}")
    for name, value in body.items():
        wanted = _TYPES[name]
        if not isinstance(value, wanted) or (wanted is int and isinstance(value, bool)):
            raise VoucherifyError(400, "invalid_payload", f"{name} must be of type {wanted.__name__}")
    if not all(isinstance(a, str) for a in body.get("attributes", [])):
        raise VoucherifyError(400, "invalid_payload", "attributes must be a list of strings")
    return body


def _document(row: sqlite3.Row) -> dict[str, object]:
    return {"id": row["id"], "source_id": row["source_id"], "name": row["name"], "price": row["price"],
            "attributes": json.loads(row["attributes"]), "metadata": json.loads(row["metadata"]),
            "image_url": row["image_url"], "created_at": row["created_at"], "updated_at": row["updated_at"],
            "object": "product"}
