"""The box office desk: what is on sale and what is left, who the customer is, and the sale itself — a walk-up
sale or a guest-list entry, issued (and, at the door, admitted) through the Issuer, online or offline alike —
and the tickets to hand over.

Exactly once: this service only writes. On a running kiosk the sync engine holds the upload lease, so the
caller asks it to send (`SyncControl.sync_now`) and follows `outcomes`; never `Issuer.send` beside it.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import Engine, select

from app.domain.box_office import Offer
from app.domain.issuance import Recipient, Refused, Rule, decide
from app.domain.rules import StationRules
from app.domain.ticket import Ticket
from app.domain.verdict import Verdict
from app.services.issuer import BatchOutcome, Issued, Issuer
from app.store import customers, provisional, venue_keys
from app.store.customers import CustomerRecord
from app.store.db import read_transaction, write_transaction
from app.store.models import Event
from app.store.replica import holder_name, items, products

events = Event.__table__


@dataclass(frozen=True, slots=True)
class Sale:
    """What one sale wrote: an item per ticket (in order), the operations that send them, and — for "Issue and
    admit" — each admission's verdict."""

    local_ids: list[str]
    op_uuids: list[str]
    verdicts: list[Verdict]
    pending_customer: bool  # an email the replica does not know: the server decides at sync


class BoxOffice:
    def __init__(self, replica: Engine, station: str, *, clock: Callable[[], float] = time.time) -> None:
        self.replica = replica
        self.issuer = Issuer(replica, station, clock=clock)

    @property
    def station(self) -> str:
        return self.issuer.station

    def offers(self) -> list[Offer]:
        """Every product in the replica, with what was issued where a limit makes it matter; active first."""
        with read_transaction(self.replica) as conn:
            rows = conn.execute(select(products.c.id, products.c.type, products.c.price)
                                .order_by(products.c.active.desc(), products.c.name)).all()
            offers = []
            for row in rows:
                facts = provisional.product_facts(conn, row.id)
                if facts is None:
                    continue
                issued = provisional.counts(conn, facts, []).issued
                offers.append(Offer(row.id, facts.name, row.type, row.price or "0", facts.limits, issued))
        return offers

    def find_customers(self, query: str, limit: int = 20) -> list[CustomerRecord]:
        with read_transaction(self.replica) as conn:
            return customers.search(conn, query, limit)

    def customer_with_email(self, email: str) -> CustomerRecord | None:
        with read_transaction(self.replica) as conn:
            return customers.find(conn, email=email.strip())

    def holds(self, product_id: str, who: str) -> int | None:
        """How many items of the product the customer (an id or an email) holds, as far as the replica knows;
        None when the product has no per-customer limit (the replica does not count then)."""
        with read_transaction(self.replica) as conn:
            facts = provisional.product_facts(conn, product_id)
            if facts is None or facts.limits.max_per_account is None:
                return None
            recipient = _recipient(conn, who)
            return provisional.counts(conn, facts, [recipient]).held.get(recipient.key, 0)

    def sell(self, product_id: str, who: str, quantity: int = 1, admit: StationRules | None = None) -> Sale | Refused:
        """`quantity` items of the product to one customer (a user id or an email); with `admit`, each is also
        admitted at that station, in the same transaction as its issue. The whole quantity is checked first."""
        with read_transaction(self.replica) as conn:
            facts = provisional.product_facts(conn, product_id)
            if facts is None:
                return Refused(Rule.PRODUCT, "This product is not in the local list: download it first")
            product_type = conn.execute(select(products.c.type).where(products.c.id == product_id)).scalar_one()
            recipient = _recipient(conn, who)
            counts = provisional.counts(conn, facts, [recipient] * quantity)
            decision = decide(facts.limits, counts, [recipient] * quantity, unknown_emails_allowed=True)
            if isinstance(decision, Refused) and decision.rule is Rule.MAX_PER_ACCOUNT:  # name the person, not an id
                found = customers.find(conn, user_id=recipient.user_id) if recipient.user_id else None
                name = found.name if found else recipient.label
                decision = Refused(Rule.MAX_PER_ACCOUNT, f"At most {facts.limits.max_per_account} per customer, and "
                                                         f"{name} already holds {counts.held.get(recipient.key, 0)}")
        if isinstance(decision, Refused):
            return decision
        if admit is not None and not admit.accepts(product_id, product_type):
            return Refused(Rule.PRODUCT, f"{facts.name} is not admitted at {admit.name}: press Issue instead")
        self._ensure_venue_key()
        if admit is None:
            issued = self.issuer.issue(product_id, [who] * quantity)
            if isinstance(issued, Refused):
                return issued
            return Sale(issued.local_ids, issued.op_uuids, [], bool(issued.pending_customers))
        local_ids, op_uuids, verdicts = [], [], []
        for _ in range(quantity):  # one transaction per admitted ticket: each is its issue and its use
            one, verdict = self.issuer.issue_and_admit(product_id, who, admit)
            if not isinstance(one, Issued):
                if not local_ids:
                    return one
                break  # another kiosk took the last ones meanwhile: the sale holds what was issued
            local_ids += one.local_ids
            op_uuids += one.op_uuids
            verdicts.append(verdict)  # type: ignore[arg-type]
        return Sale(local_ids, op_uuids, verdicts, not recipient.known)

    def _ensure_venue_key(self) -> None:
        """A ticket issued offline is printed with a code signed by the venue's key, which every door that trusts
        the key admits without the network (`usher venue-key`); the desk makes the key on its first sale."""
        with write_transaction(self.replica) as conn:
            if venue_keys.signing_key(conn) is None:
                venue_keys.make(conn, self.issuer.clock())

    def outcomes(self, op_uuids: Sequence[str]) -> list[BatchOutcome]:
        return self.issuer.outcomes(op_uuids)

    def tickets(self, local_ids: Sequence[str], holder: str = "") -> list[Ticket]:
        """The tickets of a sale, as they are now: the server's item and number once confirmed, else the signed
        provisional code. `holder` names the guest where the replica knows no name (a guest-list entry)."""
        codes = self.issuer.codes(local_ids)
        table = provisional.provisional
        with read_transaction(self.replica) as conn:
            rows = {r.local_id: r for r in conn.execute(select(table).where(table.c.local_id.in_(list(local_ids))))}
            tickets = []
            for local_id in local_ids:
                row = rows[local_id]
                item_uuid = row.server_item_id or local_id
                item = conn.execute(select(items).where(items.c.id == item_uuid)).first()
                product = conn.execute(select(products.c.name, events.c.name.label("event"))
                                       .join_from(products, events, products.c.event_id == events.c.id, isouter=True)
                                       .where(products.c.id == row.product_id)).one()
                name = holder_name(item.owner_first_name, item.owner_last_name, None) if item is not None else ""
                tickets.append(Ticket(
                    code=codes[local_id], event=product.event or "", product=product.name,
                    holder=name or holder or row.owner_email or "",
                    item_number=(item.item_id or None) if item is not None and row.server_item_id else None,
                    issued_at=row.issued_at, station=row.station, provisional=row.server_item_id is None))
        return tickets


def _recipient(conn, who: str) -> Recipient:  # type: ignore[no-untyped-def]
    """`who` (a customer id or an email) as the issue rules count them."""
    text = who.strip()
    found = customers.find(conn, user_id=text) if "@" not in text else customers.find(conn, email=text)
    if found is not None:
        return Recipient(user_id=found.id, email=found.email)
    return Recipient(email=text, known=False) if "@" in text else Recipient(user_id=text, known=False)
