"""`usher import FILE`: events, products and items from a JSON or CSV export into the replica.

The whole file is checked before anything is written, and written in one transaction: a bad row
rejects the file with its line number and reason, and changes nothing.
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from sqlalchemy import Engine, select

from app.store.db import write_transaction
from app.store.models import Event
from app.store.replica import item_row, products, upsert
from app.store.replica import items as items_table

MAX_FILE_BYTES = 512 * 1024 * 1024
SECTIONS = ("events", "products", "items")
events = Event.__table__


class ImportRejected(Exception):
    """The file cannot be imported; the message names the line and the reason."""


_UUID = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"


class _Record(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    @field_validator("*", mode="before")
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        return None if value == "" else value  # CSV has no null: an empty cell means "not given"


class EventRecord(_Record):
    id: str = Field(pattern=_UUID)
    name: str = Field(min_length=1, max_length=255)
    start_date: int | None = None
    end_date: int | None = None
    location: str | None = None
    address: str | None = None
    project_id: str | None = Field(None, pattern=_UUID)
    reference_id: str | None = None
    description: str | None = None
    created_at: str | None = None
    updated_at: str | None = None


class ProductRecord(_Record):
    id: str = Field(pattern=_UUID)
    type: Literal["admission", "presale", "perks"]
    name: str = Field(min_length=1, max_length=255)
    event_id: str | None = Field(None, pattern=_UUID)
    description: str | None = None
    price: str = Field("0", pattern=r"^\d+(\.\d+)?$")
    active: bool = True
    is_claimable: bool = False
    is_transferable: bool = False
    stock: int | None = Field(None, ge=1)
    redemption_quantity: int = Field(1, ge=1)
    max_per_account: int | None = Field(None, ge=1)
    min_rep_balance: int = Field(0, ge=0)
    metadata_uri: str | None = Field(None, max_length=512)
    mint_nft: bool = False
    chain: Literal["WestendAssetHub", "AssetHub"] | None = None
    max_items: int | None = Field(None, ge=1)
    created_at: str | None = None
    updated_at: str | None = None


class ItemRecord(_Record):
    id: str = Field(pattern=_UUID)
    item_id: int = Field(ge=0)
    product_id: str = Field(pattern=_UUID)
    redemption_quantity: int | None = Field(None, ge=1)  # default: the product's
    redemption_count: int = Field(0, ge=0)
    redeemed_at: int | None = None
    user_id: str | None = Field(None, pattern=_UUID)
    email: str | None = Field(None, max_length=320)
    first_name: str | None = Field(None, max_length=255)
    last_name: str | None = Field(None, max_length=255)
    created_at: str | None = None
    updated_at: str | None = None

    @classmethod
    def flatten(cls, raw: dict[str, Any]) -> dict[str, Any]:
        """Accepts the API's ProductItem shape too: its owner is a nested `user` object."""
        user = raw.get("user")
        if isinstance(user, dict):
            raw = {**raw, "user_id": user.get("id"), "email": user.get("email"),
                   "first_name": user.get("first_name"), "last_name": user.get("last_name")}
        return raw


_MODELS: dict[str, type[_Record]] = {"events": EventRecord, "products": ProductRecord, "items": ItemRecord}


@dataclass(frozen=True, slots=True)
class ImportSummary:
    events: int
    products: int
    items: int


# ---- reading: every record with the line it starts on ----

def _json_sections(text: str) -> dict[str, list[tuple[int, Any]]]:
    """Walks the top-level object with raw_decode so each array element keeps its line number."""
    decoder = json.JSONDecoder()

    def line_of(pos: int) -> int:
        return text.count("\n", 0, pos) + 1

    def skip(pos: int) -> int:
        while pos < len(text) and text[pos] in " \t\r\n":
            pos += 1
        return pos

    def expect(pos: int, char: str) -> int:
        pos = skip(pos)
        if pos >= len(text) or text[pos] != char:
            raise ImportRejected(f"line {line_of(pos)}: expected '{char}'")
        return pos + 1

    sections: dict[str, list[tuple[int, Any]]] = {}
    pos = expect(0, "{")
    if text[skip(pos)] == "}":
        return sections
    while True:
        key, pos = decoder.raw_decode(text, skip(pos))
        pos = expect(pos, ":")
        value_pos = skip(pos)
        if key in SECTIONS:
            if text[value_pos:value_pos + 1] != "[":
                raise ImportRejected(f"line {line_of(value_pos)}: '{key}' must be a list")
            records: list[tuple[int, Any]] = []
            pos = skip(value_pos + 1)
            if text[pos] == "]":
                pos += 1
            else:
                while True:
                    start = skip(pos)
                    value, pos = decoder.raw_decode(text, start)
                    records.append((line_of(start), value))
                    pos = skip(pos)
                    if text[pos] == "]":
                        pos += 1
                        break
                    pos = expect(pos, ",")
            sections[key] = records
        else:
            _, pos = decoder.raw_decode(text, value_pos)  # other keys (metadata) are ignored
        pos = skip(pos)
        if text[pos] == "}":
            return sections
        pos = expect(pos, ",")


def _csv_section(text: str) -> dict[str, list[tuple[int, Any]]]:
    reader = csv.DictReader(io.StringIO(text))
    header = set(reader.fieldnames or [])
    if "item_id" in header:
        kind = "items"
    elif "type" in header:
        kind = "products"
    elif "name" in header:
        kind = "events"
    else:
        raise ImportRejected("line 1: the CSV header names no known columns (items need id,item_id,product_id)")
    records = []
    for row in reader:
        if None in row:
            raise ImportRejected(f"line {reader.line_num}: more cells than the header has columns")
        records.append((reader.line_num, row))
    return {kind: records}


def read_records(path: Path) -> dict[str, list[tuple[int, dict[str, Any]]]]:
    """The file's records, validated, each with its line number; raises ImportRejected."""
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise ImportRejected(f"{path.name}: larger than {MAX_FILE_BYTES // 2**20} MB")
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRejected(f"{path.name}: not UTF-8 text") from None
    except OSError as exc:
        raise ImportRejected(f"{path.name}: cannot read ({exc.strerror})") from None
    try:
        raw = _json_sections(text) if text.lstrip().startswith("{") else _csv_section(text)
    except json.JSONDecodeError as exc:
        raise ImportRejected(f"line {exc.lineno}: broken JSON ({exc.msg})") from None
    except IndexError:
        raise ImportRejected("the file ends too early") from None
    except csv.Error as exc:
        raise ImportRejected(f"broken CSV ({exc})") from None
    validated: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    for section, records in raw.items():
        model = _MODELS[section]
        out = []
        for line, record in records:
            if not isinstance(record, dict):
                raise ImportRejected(f"line {line}: a {section[:-1]} must be an object")
            if model is ItemRecord:
                record = ItemRecord.flatten(record)
            try:
                out.append((line, model.model_validate(record).model_dump()))
            except ValidationError as exc:
                first = exc.errors()[0]
                field = ".".join(str(p) for p in first["loc"])
                raise ImportRejected(f"line {line}: {section[:-1]} field '{field}': {first['msg']}") from None
        validated[section] = out
    return validated


# ---- writing ----

def import_file(engine: Engine, path: Path) -> ImportSummary:
    """Imports `path` whole or not at all. Raises ImportRejected with the line and reason."""
    records = read_records(path)
    event_rows = [{**r, "id": r["id"].lower()} for _, r in records.get("events", [])]
    product_rows = [{**r, "id": r["id"].lower()} for _, r in records.get("products", [])]
    with write_transaction(engine) as conn:
        known_events = {r["id"] for r in event_rows} | set(conn.execute(select(events.c.id)).scalars())
        for line, product in records.get("products", []):
            if product["event_id"] and product["event_id"].lower() not in known_events:
                raise ImportRejected(f"line {line}: product '{product['name']}' names an unknown event {product['event_id']}")
        quantities = {r["id"]: r["redemption_quantity"] for r in product_rows}
        quantities.update(
            (pid, q) for pid, q in conn.execute(select(products.c.id, products.c.redemption_quantity))
            if pid not in quantities
        )
        item_rows = []
        for line, item in records.get("items", []):
            product_id = item["product_id"].lower()
            if product_id not in quantities:
                raise ImportRejected(f"line {line}: item {item['id']} names an unknown product {product_id}")
            item_rows.append(item_row(
                id=item["id"], item_id=item["item_id"], product_id=product_id,
                redemption_quantity=item["redemption_quantity"] or quantities[product_id],
                redemption_count=item["redemption_count"], redeemed_at=item["redeemed_at"],
                user_id=item["user_id"], email=item["email"], first_name=item["first_name"],
                last_name=item["last_name"], created_at=item["created_at"], updated_at=item["updated_at"],
            ))
        upsert(conn, events, event_rows)
        upsert(conn, products, [{**r, "event_id": (r["event_id"] or "").lower() or None} for r in product_rows])
        for start in range(0, len(item_rows), 5000):
            upsert(conn, items_table, item_rows[start:start + 5000])
    return ImportSummary(len(event_rows), len(product_rows), len(item_rows))
