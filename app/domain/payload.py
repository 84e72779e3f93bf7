"""Turning whatever a scanner or camera produced into an item reference, or a reason it is not one.

Accepted forms: a bare item UUID, a URL (or any text) that contains exactly one UUID, a JSON object
with `product_item_id` (and optionally `product_id`), or a provisional code (app/domain/signing.py: an item
issued offline, whose signature the station checks). Everything else is invalid and touches nothing.
"""
from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass

from app.domain.signing import PREFIX, ProvisionalCode, read_code

MAX_PAYLOAD_CHARS = 2048

_UUID_RE = re.compile(
    r"[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}"
)
# Scanners prepend AIM symbology identifiers (]Q1, ]Q3 ...) and ECI designators (\000026 = UTF-8).
_SYMBOLOGY_PREFIX_RE = re.compile(r"^\][A-Za-z][0-9A-Za-z]")
_ECI_RE = re.compile(r"\\0\d{5}")
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]")


@dataclass(frozen=True, slots=True)
class ItemReference:
    """A well-formed scan: the item to redeem and, when the code names it, its product."""

    item_id: str
    product_id: str | None = None


@dataclass(frozen=True, slots=True)
class InvalidPayload:
    """A scan that is not an Usher code; `reason` is fit to show to staff."""

    reason: str


def clean(raw: str | bytes) -> str:
    """Strips what scanners add around a code: symbology prefixes, ECI markers, control characters."""
    text = raw.decode("utf-8", errors="replace") if isinstance(raw, bytes) else raw
    text = _CONTROL_RE.sub("", text).strip()
    text = _SYMBOLOGY_PREFIX_RE.sub("", text)
    return _ECI_RE.sub("", text).strip()


def _canonical_uuid(text: str) -> str | None:
    try:
        return str(uuid.UUID(text))
    except (ValueError, AttributeError, TypeError):
        return None


def _from_json(text: str) -> ItemReference | InvalidPayload:
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return InvalidPayload("Unreadable code (broken JSON)")
    if not isinstance(data, dict):
        return InvalidPayload("Unreadable code (JSON is not an object)")
    raw_item = data.get("product_item_id")
    item_id = _canonical_uuid(raw_item) if isinstance(raw_item, str) else None
    if item_id is None:
        return InvalidPayload("Code has no valid product_item_id")
    raw_product = data.get("product_id")
    if raw_product is None:
        return ItemReference(item_id)
    product_id = _canonical_uuid(raw_product) if isinstance(raw_product, str) else None
    if product_id is None:
        return InvalidPayload("Code has an invalid product_id")
    return ItemReference(item_id, product_id)


def parse_payload(raw: str | bytes) -> ItemReference | ProvisionalCode | InvalidPayload:
    """Parses one scanned payload. Never raises."""
    if len(raw) > MAX_PAYLOAD_CHARS * 4:
        return InvalidPayload("Code too long")
    text = clean(raw)
    if not text:
        return InvalidPayload("Empty code")
    if len(text) > MAX_PAYLOAD_CHARS:
        return InvalidPayload("Code too long")
    if text.startswith("{"):
        return _from_json(text)
    if text.startswith(PREFIX + "."):
        code = read_code(text)
        return InvalidPayload(code) if isinstance(code, str) else code
    found = {_canonical_uuid(m) for m in _UUID_RE.findall(text)}
    found.discard(None)
    if len(found) == 1:
        return ItemReference(found.pop())  # type: ignore[arg-type]
    if len(found) > 1:
        return InvalidPayload("Code holds more than one ID")
    return InvalidPayload("Not an Usher ticket or voucher")
