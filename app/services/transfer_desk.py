"""Transfer at the desk (online only): an item moves from its owner to another customer. Seed 003's rules are
checked on what the replica knows (app/domain/transfer.py) before the API is called, so a refusal the kiosk
can foresee is said at once, in plain words, and nothing is sent; the server still has the last word."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, func, or_, select

from app.api.client import ProductsClient
from app.api.errors import ApiError, Rejected
from app.api.settings import ApiSettings
from app.domain.transfer import Party, TransferFacts, check_transfer
from app.store import customers, ownership
from app.store.customers import CustomerRecord
from app.store.db import read_transaction, write_transaction
from app.store.models import ProvisionalItem
from app.store.replica import holder_name, items, products

provisional = ProvisionalItem.__table__
OFFLINE = "Transfers need the server, which cannot be reached now: nothing was changed"


@dataclass(frozen=True, slots=True)
class HeldItem:
    item_uuid: str
    item_number: int
    product_name: str
    uses_left: int


@dataclass(frozen=True, slots=True)
class TransferResult:
    done: bool
    message: str


class TransferDesk:
    def __init__(self, replica: Engine, api: ApiSettings | None) -> None:
        self.replica = replica
        self.api = api  # None: no Products API set up, so no transfers

    def items_of(self, owner: CustomerRecord) -> list[HeldItem]:
        """The customer's items the server has confirmed (a provisional item cannot move yet)."""
        with read_transaction(self.replica) as conn:
            rows = conn.execute(
                select(items.c.id, items.c.item_id, products.c.name, items.c.redemption_quantity,
                       items.c.confirmed_count, items.c.pending_count)
                .join_from(items, products, items.c.product_id == products.c.id)
                .where(or_(items.c.owner_id == owner.id, func.lower(items.c.owner_email) == (owner.email or "").lower()),
                       items.c.item_id > 0)
                .order_by(products.c.name, items.c.item_id)).all()
        return [HeldItem(r.id, r.item_id, r.name, max(0, r.redemption_quantity - r.confirmed_count - r.pending_count))
                for r in rows]

    def transfer(self, item_uuid: str, sender: CustomerRecord, recipient_text: str, *, online: bool) -> TransferResult:
        """Moves the item to the customer named by `recipient_text` (an email, or a customer id)."""
        if self.api is None:
            return TransferResult(False, "No Products API is set up: transfers need the server")
        if not online:
            return TransferResult(False, OFFLINE)
        with read_transaction(self.replica) as conn:
            text = recipient_text.strip()
            recipient = customers.find(conn, email=text) if "@" in text else customers.find(conn, user_id=text)
            item = conn.execute(select(items, products.c.name, products.c.is_transferable, products.c.max_per_account)
                                .join_from(items, products, items.c.product_id == products.c.id)
                                .where(items.c.id == item_uuid)).first()
            if item is None or item.item_id == 0 or conn.execute(
                    select(provisional.c.local_id).where(provisional.c.local_id == item_uuid,
                                                         provisional.c.server_item_id.is_(None))).first():
                return TransferResult(False, "This ticket is not confirmed by the server yet: transfer it later")
            holds = 0 if recipient is None else conn.execute(
                select(func.count()).where(items.c.product_id == item.product_id,
                                           items.c.owner_id == recipient.id)).scalar() or 0
        facts = TransferFacts(item.name, bool(item.is_transferable), item.owner_id, item.redemption_quantity,
                              item.confirmed_count + item.pending_count, holds, item.max_per_account)
        refused = check_transfer(facts, _party(sender), _party(recipient) if recipient else Party(None, text))
        if refused is not None:
            return TransferResult(False, refused.reason)
        assert recipient is not None
        try:
            with ProductsClient(self.api) as client:
                client.transfer(item.product_id, item_uuid, sender_user_id=sender.id, recipient_user_id=recipient.id)
        except Rejected as exc:
            return TransferResult(False, f"The server refused: {exc.reason}")
        except ApiError as exc:
            if exc.may_have_applied:
                return TransferResult(False, "The server's answer was lost: the ticket may have moved. "
                                             "Check it after the next sync before trying again")
            return TransferResult(False, f"The transfer could not be sent: {exc.message}. Nothing was changed")
        with write_transaction(self.replica) as conn:
            ownership.set_owner(conn, item_uuid, recipient)
        return TransferResult(True, f"{item.name} No. {item.item_id} now belongs to {_party(recipient).label}")


def _party(customer: CustomerRecord) -> Party:
    return Party(customer.id, customer.email, holder_name(customer.first_name, customer.last_name, customer.email))
