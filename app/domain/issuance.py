"""The issue rules, pure: may these recipients each get one item of this product, and if not, why.

The same rules the server applies (seed 000: active, stock, max_items, max_per_account, invalid
recipients; the overview's min_rep_balance), checked against what the replica knows — items issued and
held, *including provisional ones* — so an offline box office refuses what the server would refuse.
"""
from __future__ import annotations

import enum
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

# Deliberately loose (one @, a dot in the domain, no spaces): the server has the last word.
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
MAX_EMAIL_CHARS = 320


class Rule(enum.Enum):
    PRODUCT = "product"  # the replica does not hold the product: nothing to check against
    RECIPIENT = "recipient"
    ACTIVE = "active"
    MIN_REP_BALANCE = "min_rep_balance"
    STOCK = "stock"
    MAX_ITEMS = "max_items"
    MAX_PER_ACCOUNT = "max_per_account"


@dataclass(frozen=True, slots=True)
class Limits:
    """A product's issue limits (None: unlimited)."""

    active: bool = True
    stock: int | None = None
    max_items: int | None = None
    max_per_account: int | None = None
    min_rep_balance: int = 0


@dataclass(frozen=True, slots=True)
class Recipient:
    """Who gets an item: a customer the replica knows (by id), or an email it may not know yet."""

    user_id: str | None = None
    email: str | None = None
    known: bool = True  # a customer of the project, as far as the replica knows

    @property
    def key(self) -> str:
        """One name per person, for counting what they hold."""
        return self.user_id or (self.email or "").casefold()

    @property
    def label(self) -> str:
        return self.email or self.user_id or ""


@dataclass(frozen=True, slots=True)
class Allowed:
    pending_customers: tuple[str, ...] = ()  # emails issued to before the replica knew them: the server decides

    @property
    def ok(self) -> bool:
        return True


@dataclass(frozen=True, slots=True)
class Refused:
    rule: Rule
    reason: str

    @property
    def ok(self) -> bool:
        return False


@dataclass(frozen=True, slots=True)
class Counts:
    """What the replica knows was issued: in all, and held per recipient key."""

    issued: int = 0
    held: Mapping[str, int] = field(default_factory=dict)


def is_email(text: str) -> bool:
    return len(text) <= MAX_EMAIL_CHARS and _EMAIL_RE.match(text) is not None


def decide(limits: Limits, counts: Counts, recipients: Sequence[Recipient], *,
           unknown_emails_allowed: bool) -> Allowed | Refused:
    """One item per recipient (a recipient listed twice gets two). The whole request is allowed or refused,
    as the server does. An email the replica does not know is allowed, as a pending customer, only where the
    server will decide (the box office queues the issue); a user id it does not know is refused (ids come from
    the replica, so it is not a customer)."""
    if not recipients:
        return Refused(Rule.RECIPIENT, "Choose at least one recipient")
    bad = [r.label for r in recipients if r.email is not None and not is_email(r.email)]
    if bad:
        return Refused(Rule.RECIPIENT, f"Not an email address: {_some(bad)}")
    strangers = [r.label for r in recipients if not r.known and (r.email is None or not unknown_emails_allowed)]
    if strangers:
        return Refused(Rule.RECIPIENT, f"Not customers of this project: {_some(strangers)}")
    if not limits.active:
        return Refused(Rule.ACTIVE, "The product is not active: items cannot be issued")
    if limits.min_rep_balance > 0:
        # The replica knows no reputation balances, and the server counts new customers as 0.
        return Refused(Rule.MIN_REP_BALANCE, f"The product needs a reputation balance of {limits.min_rep_balance}, "
                                             "which only the server can check")
    wanted = len(recipients)
    for limit, rule, noun in ((limits.stock, Rule.STOCK, "stock"), (limits.max_items, Rule.MAX_ITEMS, "max_items")):
        if limit is not None and counts.issued + wanted > limit:
            left = max(0, limit - counts.issued)
            return Refused(rule, f"Not enough {noun}: {left} left, {wanted} asked for")
    if limits.max_per_account is not None:
        asked = Counter(r.key for r in recipients)
        over = [key for key, n in asked.items() if counts.held.get(key, 0) + n > limits.max_per_account]
        if over:
            return Refused(Rule.MAX_PER_ACCOUNT, f"At most {limits.max_per_account} per customer; "
                                                 f"would be exceeded for {_some(over)}")
    return Allowed(tuple(dict.fromkeys(r.email for r in recipients if not r.known and r.email)))


def _some(names: Sequence[str], shown: int = 3) -> str:
    more = len(names) - shown
    return ", ".join(names[:shown]) + (f" and {more} more" if more > 0 else "")
