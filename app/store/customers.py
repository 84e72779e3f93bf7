"""The project's customers in the replica: stored from the users fetch, searched by staff, and asked
"is this a customer?" while the server cannot be."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, func, or_, select

from app.store.models import Customer
from app.store.replica import holder_name, upsert

customers = Customer.__table__
MAX_QUERY_CHARS = 100


@dataclass(frozen=True, slots=True)
class CustomerRecord:
    id: str
    email: str | None
    first_name: str | None
    last_name: str | None

    @property
    def name(self) -> str:
        """First and last name, else the email."""
        return holder_name(self.first_name, self.last_name, self.email)


def customer_row(*, id: str, email: str | None, first_name: str | None, last_name: str | None,
                 reference_id: str | None) -> dict[str, Any]:
    return {"id": id.lower(), "email": email, "email_key": email.casefold() if email else None,
            "first_name": first_name, "last_name": last_name, "reference_id": reference_id}


def store(conn: Connection, rows: list[dict[str, Any]]) -> None:
    upsert(conn, customers, rows)


def _record(row) -> CustomerRecord:  # type: ignore[no-untyped-def]
    return CustomerRecord(row.id, row.email, row.first_name, row.last_name)


def find(conn: Connection, *, user_id: str | None = None, email: str | None = None) -> CustomerRecord | None:
    """The customer with this id, or this email (whatever its case); None when the replica does not know one."""
    if user_id is not None:
        condition = customers.c.id == user_id.lower()
    elif email is not None:
        condition = customers.c.email_key == email.casefold()
    else:
        return None
    row = conn.execute(select(customers).where(condition)).first()
    return None if row is None else _record(row)


def search(conn: Connection, query: str, limit: int = 50) -> list[CustomerRecord]:
    """Customers whose name or email contains `query` (LIKE wildcards typed by staff count for nothing)."""
    text = query.strip()[:MAX_QUERY_CHARS].replace("%", "").replace("_", "").casefold()
    if not text:
        return []
    pattern = f"%{text}%"
    full_name = func.lower(func.coalesce(customers.c.first_name, "") + " " + func.coalesce(customers.c.last_name, ""))
    rows = conn.execute(select(customers).where(or_(full_name.like(pattern), customers.c.email_key.like(pattern)))
                        .order_by(customers.c.last_name, customers.c.first_name, customers.c.email_key).limit(limit))
    return [_record(row) for row in rows]


def count(conn: Connection) -> int:
    return conn.execute(select(func.count()).select_from(customers)).scalar() or 0
