"""An ISSUE operation against the server's items, pure: which item went to which recipient.

The API has no idempotency key for issuing either. Items are numbered in order per product, so the count
of the product's items read just before sending (`before`) marks where ours would start: a read-back
lists only the items after it, and counts those that went to this operation's recipients.
"""
from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Sequence

from app.api.models import ProductItem


def recipient_key(user_id: str | None, email: str | None) -> str:
    return (user_id or "").lower() or (email or "").casefold()


def recipients_of(payload: dict[str, object]) -> list[dict[str, str | None]]:
    return list(payload.get("recipients") or [])  # type: ignore[arg-type]


def _owner_keys(item: ProductItem) -> set[str]:
    owner = item.user
    if owner is None:
        return set()
    return {key for key in (str(owner.id).lower() if owner.id else "", (owner.email or "").casefold()) if key}


def assign(recipients: Sequence[dict[str, str | None]], found: Sequence[ProductItem]) -> list[ProductItem] | None:
    """One item for each recipient, in the recipients' order, from `found` (oldest first); None when some
    recipient has none: the answer is not about this request."""
    by_owner: dict[str, deque[ProductItem]] = defaultdict(deque)
    for item in found:
        for key in _owner_keys(item):
            by_owner[key].append(item)
    taken: set[int] = set()
    assigned = []
    for r in recipients:
        queue = by_owner[recipient_key(r.get("user_id"), r.get("email"))]
        while queue and id(queue[0]) in taken:  # taken through the owner's other key
            queue.popleft()
        if not queue:
            return None
        item = queue.popleft()
        taken.add(id(item))
        assigned.append(item)
    return assigned


def theirs(recipients: Sequence[dict[str, str | None]], found: Sequence[ProductItem]) -> list[ProductItem]:
    """The items in `found` that went to any of these recipients."""
    keys = {recipient_key(r.get("user_id"), r.get("email")) for r in recipients}
    return [i for i in found if _owner_keys(i) & keys]
