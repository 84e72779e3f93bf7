"""Reading request input (JSON bodies, query strings, path ids) into typed values, or a 400 listing every fault."""
from __future__ import annotations

import json
import re
import uuid
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation

from app.simulator.problems import Problem

MAX_BODY_BYTES = 2 * 1024 * 1024
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_MAX_EMAIL_LENGTH = 254


def parse_body(raw: bytes) -> object:
    if len(raw) > MAX_BODY_BYTES:
        raise Problem.invalid([f"The body is larger than {MAX_BODY_BYTES} bytes"])
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):  # RecursionError: absurdly deep nesting
        raise Problem.invalid(["The body is not valid JSON"]) from None


def path_uuid(value: str, name: str = "id") -> str:
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise Problem.invalid([f"{name} must be a UUID"]) from None


def is_email(value: object) -> bool:
    return isinstance(value, str) and len(value) <= _MAX_EMAIL_LENGTH and _EMAIL.match(value) is not None


class Fields:
    """Typed reads from a JSON object (or, with `textual`, from a query string), collecting problems.

    Each reader returns None when the field is absent (or invalid, after noting why); `check()` raises
    one 400 with all the reasons.
    """

    def __init__(self, document: object, *, textual: bool = False) -> None:
        self.errors: list[str] = []
        self._textual = textual
        if isinstance(document, Mapping):
            self._document: Mapping[str, object] = document
        else:
            self._document = {}
            self.errors.append("The body must be a JSON object")

    def check(self) -> None:
        if self.errors:
            raise Problem.invalid(self.errors)

    def error(self, message: str) -> None:
        self.errors.append(message)

    def present(self, name: str) -> bool:
        return self._document.get(name) is not None

    def _value(self, name: str, required: bool) -> object:
        value = self._document.get(name)
        if value is None and required:
            self.errors.append(f"{name} is required")
        return value

    def uuid(self, name: str, *, required: bool = False) -> str | None:
        value = self._value(name, required)
        if value is None:
            return None
        try:
            return str(uuid.UUID(value)) if isinstance(value, str) else self._bad(name, "must be a UUID")
        except ValueError:
            return self._bad(name, "must be a UUID")

    def text(self, name: str, *, required: bool = False, max_length: int = 255) -> str | None:
        value = self._value(name, required)
        if value is None:
            return None
        if not isinstance(value, str) or not 1 <= len(value) <= max_length:
            return self._bad(name, f"must be a string of 1 to {max_length} characters")
        return value

    def email(self, name: str, *, required: bool = False) -> str | None:
        value = self._value(name, required)
        if value is None:
            return None
        return value if is_email(value) else self._bad(name, "must be an email address")

    def integer(self, name: str, *, required: bool = False, minimum: int | None = None,
                maximum: int | None = None) -> int | None:
        value = self._value(name, required)
        if value is None:
            return None
        if self._textual and isinstance(value, str) and re.fullmatch(r"-?\d{1,18}", value):
            value = int(value)
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if not isinstance(value, int) or isinstance(value, bool):  # bool is an int in Python, not in JSON
            return self._bad(name, "must be an integer")
        if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
            bounds = f"{minimum if minimum is not None else '-inf'}..{maximum if maximum is not None else 'inf'}"
            return self._bad(name, f"must be in the range {bounds}")
        return value

    def boolean(self, name: str) -> bool | None:
        value = self._value(name, False)
        if value is None:
            return None
        return value if isinstance(value, bool) else self._bad(name, "must be true or false")

    def choice(self, name: str, options: Sequence[str], *, required: bool = False) -> str | None:
        value = self._value(name, required)
        if value is None:
            return None
        return value if value in options else self._bad(name, f"must be one of {', '.join(options)}")

    def decimal_text(self, name: str) -> str | None:
        value = self._value(name, False)
        if value is None:
            return None
        try:
            if isinstance(value, str) and Decimal(value).is_finite() and Decimal(value) >= 0:
                return value
        except InvalidOperation:
            pass
        return self._bad(name, 'must be a decimal string such as "9.99"')

    def uuid_list(self, name: str, *, max_items: int) -> list[str] | None:
        values = self._list(name, max_items)
        if values is None:
            return None
        result = []
        for value in values:
            try:
                result.append(str(uuid.UUID(value)))
            except (ValueError, TypeError, AttributeError):
                return self._bad(name, "must contain only UUIDs")
        return result

    def email_list(self, name: str, *, max_items: int) -> list[str] | None:
        values = self._list(name, max_items)
        if values is None:
            return None
        if not all(is_email(value) for value in values):
            return self._bad(name, "must contain only email addresses")
        return [str(value) for value in values]

    def _list(self, name: str, max_items: int) -> list[object] | None:
        value = self._value(name, False)
        if value is None:
            return None
        if not isinstance(value, list):
            return self._bad(name, "must be an array")
        if len(value) > max_items:
            return self._bad(name, f"must not have more than {max_items} entries")
        return value

    def _bad(self, name: str, why: str) -> None:
        self.errors.append(f"{name} {why}")
        return None
