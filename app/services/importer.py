"""`usher import FILE`: events, products and items from a JSON or CSV export into the replica.

The whole file is checked before anything is written, and written in one transaction: a bad row
rejects the file with its line number and reason, and changes nothing. So does anything ambiguous: a key
given twice, a top-level key that is not a section, the same id twice, a file with nothing to import.
Reading is linear in the file's size (1,000,000 items: see benchmarks/import.py).
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

from app.domain.rules import ProductType
from app.store.db import write_transaction
from app.store.models import Event
from app.store.replica import item_row, products, upsert
from app.store.replica import items as items_table

MAX_FILE_BYTES = 512 * 1024 * 1024
SECTIONS = ("events", "products", "items")
INT64 = (-(2**63), 2**63 - 1)  # what the database stores
events = Event.__table__


class ImportRejected(Exception):
    """The file cannot be imported; the message names the line and the reason."""


_UUID = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"


class _Record(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True, use_enum_values=True)

    @field_validator("*", mode="before")
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        return None if value == "" else value  # CSV has no null: an empty cell means "not given"

    @field_validator("*")
    @classmethod
    def _fits_the_database(cls, value: Any) -> Any:
        if isinstance(value, int) and not INT64[0] <= value <= INT64[1]:
            raise ValueError("number too large")
        return value


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
    type: ProductType
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

class _DuplicateKey(ValueError):
    pass


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [key for key, _ in pairs]
    if len(set(keys)) != len(keys):
        raise _DuplicateKey(next(key for key in keys if keys.count(key) > 1))
    return dict(pairs)


class _Lines:
    """Line numbers of positions in `text`, asked in increasing order: counting only the newlines since
    the last question keeps reading a large file linear."""

    def __init__(self, text: str) -> None:
        self._text, self._pos, self._line = text, 0, 1

    def __call__(self, pos: int) -> int:
        if pos < self._pos:
            return self._text.count("\n", 0, pos) + 1  # rare: only for an error message
        self._line += self._text.count("\n", self._pos, pos)
        self._pos = pos
        return self._line


def _json_sections(text: str) -> dict[str, list[tuple[int, Any]]]:
    """Walks the top-level object with raw_decode so each array element keeps its line number."""
    decoder = json.JSONDecoder(object_pairs_hook=_no_duplicate_keys)
    line_of = _Lines(text)

    def skip(pos: int) -> int:
        while pos < len(text) and text[pos] in " \t\r\n":
            pos += 1
        return pos

    def expect(pos: int, char: str) -> int:
        pos = skip(pos)
        if pos >= len(text) or text[pos] != char:
            raise ImportRejected(f"line {line_of(pos)}: broken JSON (expected '{char}')")
        return pos + 1

    def decode(pos: int) -> tuple[Any, int]:
        try:
            return decoder.raw_decode(text, pos)
        except _DuplicateKey as exc:
            raise ImportRejected(f"line {line_of(pos)}: the key '{exc}' appears twice in one object") from None
        except RecursionError:
            raise ImportRejected(f"line {line_of(pos)}: nested too deeply") from None

    sections: dict[str, list[tuple[int, Any]]] = {}
    if text[skip(0):skip(0) + 1] != "{":
        raise ImportRejected(f"line {line_of(skip(0))}: a JSON import is one object: "
                             '{"events": [...], "products": [...], "items": [...]}')
    pos = expect(0, "{")
    if text[skip(pos)] == "}":
        return sections
    while True:
        key_pos = skip(pos)
        key, pos = decode(key_pos)
        if key not in SECTIONS:
            raise ImportRejected(f"line {line_of(key_pos)}: unknown key {json.dumps(key)[:60]} — "
                                 f"a file holds only {', '.join(SECTIONS)}")
        if key in sections:
            raise ImportRejected(f"line {line_of(key_pos)}: '{key}' appears twice — put all {key} in one list")
        pos = expect(pos, ":")
        value_pos = skip(pos)
        if text[value_pos:value_pos + 1] != "[":
            raise ImportRejected(f"line {line_of(value_pos)}: '{key}' must be a list")
        records: list[tuple[int, Any]] = []
        pos = skip(value_pos + 1)
        if text[pos] == "]":
            pos += 1
        else:
            while True:
                start = skip(pos)
                value, pos = decode(start)
                records.append((line_of(start), value))
                pos = skip(pos)
                if text[pos] == "]":
                    pos += 1
                    break
                pos = expect(pos, ",")
        sections[key] = records
        pos = skip(pos)
        if text[pos] == "}":
            if text[skip(pos + 1):].strip():
                raise ImportRejected(f"line {line_of(skip(pos + 1))}: broken JSON (more after the end)")
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
    is_json = path.suffix.lower() == ".json" or text.lstrip()[:1] in ("{", "[")
    try:
        raw = _json_sections(text) if is_json else _csv_section(text)
    except json.JSONDecodeError as exc:
        raise ImportRejected(f"line {exc.lineno}: broken JSON ({exc.msg})") from None
    except IndexError:
        raise ImportRejected(f"the {'JSON' if is_json else 'CSV'} file ends too early") from None
    except csv.Error as exc:
        raise ImportRejected(f"broken CSV ({exc})") from None
    if not any(raw.values()):
        raise ImportRejected(f"{path.name}: nothing to import — no events, products or items in it")
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
    _reject_duplicate_ids(validated)
    return validated


def _reject_duplicate_ids(sections: dict[str, list[tuple[int, dict[str, Any]]]]) -> None:
    """The same id twice would import as one record, reported as two: the file is ambiguous."""
    for section, records in sections.items():
        first_line: dict[str, int] = {}
        for line, record in records:
            key = record["id"].lower()
            if key in first_line:
                raise ImportRejected(f"line {line}: {section[:-1]} {key} is already on line {first_line[key]}")
            first_line[key] = line


# ---- writing ----

def import_file(replica: Engine, path: Path) -> ImportSummary:
    """Imports `path` whole or not at all. Raises ImportRejected with the line and reason."""
    records = read_records(path)
    event_rows = [{**r, "id": r["id"].lower()} for _, r in records.get("events", [])]
    product_rows = [{**r, "id": r["id"].lower()} for _, r in records.get("products", [])]
    with write_transaction(replica) as conn:
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
