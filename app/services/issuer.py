"""The Issuer: the box office's issuing, online and offline, on the same rails as redemptions.

Every issue is written first — one ISSUE operation per batch of at most 550 recipients, with a provisional
item per recipient, in one transaction, after the issue rules (app/domain/issuance.py) pass on what the
replica knows. The sync engine then sends it exactly once (docs/issuance.md): online that happens at once
(`send`), offline when the server is back. A provisional item redeems like any item; `issue_and_admit` is
the walk-up sale at the door — issue and take one use in one transaction.
"""
from __future__ import annotations

import dataclasses
import json
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, select

from app.api.client import ProductsClient
from app.domain.issuance import Allowed, Recipient, Refused, Rule, decide
from app.domain.rules import StationRules
from app.domain.verdict import Verdict
from app.services.station import Station
from app.domain.signing import make_code
from app.store import customers, provisional, venue_keys
from app.store import outbox as ob
from app.store.db import read_transaction, write_transaction
from app.store.sync_state import delete_state, read_state, write_state
from app.sync.engine import SyncEngine

BATCH = 550  # the API's maximum recipients per issue call
RUN_KEY = "issue-run:"  # sync_state key prefix of a recorded bulk issue


@dataclass(frozen=True, slots=True)
class Issued:
    """What was written: the provisional items (one per recipient, in order) and the operations that send them."""

    local_ids: list[str]
    op_uuids: list[str]
    pending_customers: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class BatchOutcome:
    op_uuid: str
    recipients: list[str]
    state: ob.OpState
    message: str  # the server's refusal, or why it is not settled yet


class Issuer:
    def __init__(self, replica: Engine, station: str, *, clock: Callable[[], float] = time.time,
                 batch_size: int = BATCH) -> None:
        self.replica = replica
        self.station = station
        self.clock = clock
        self.batch_size = batch_size

    def issue(self, product_id: str, who: Sequence[str], *, run: str | None = None) -> Issued | Refused:
        """One item of the product for each recipient (an email or a customer id), provisional until sent.

        A `run` names a bulk issue (e.g. a file's digest): it is recorded with the issue, and asking again
        for the same run returns what was recorded instead of issuing twice — an interrupted run resumes."""
        with write_transaction(self.replica) as conn:
            if run is not None and (recorded := read_state(conn, RUN_KEY + run)) is not None:
                return Issued(recorded["local_ids"], recorded["op_uuids"], tuple(recorded["pending_customers"]))
            issued = self._issue(conn, product_id, who, self.clock())
            if run is not None and isinstance(issued, Issued):
                write_state(conn, RUN_KEY + run, dataclasses.asdict(issued))
            return issued

    def forget_run(self, run: str) -> None:
        """Lets the same run issue again (on purpose: a second item for everyone in the file)."""
        with write_transaction(self.replica) as conn:
            delete_state(conn, RUN_KEY + run)

    def issue_and_admit(self, product_id: str, who: str, rules: StationRules) -> tuple[Issued | Refused, Verdict | None]:
        """The walk-up sale at the door: the item is issued and one use taken, in one transaction."""
        station = Station(self.replica, rules, clock=self.clock)
        with write_transaction(self.replica) as conn:
            at = self.clock()
            issued = self._issue(conn, product_id, [who], at)
            if not isinstance(issued, Issued):
                return issued, None
            return issued, station.redeem_in(conn, issued.local_ids[0], at)

    def _issue(self, conn: Connection, product_id: str, who: Sequence[str], at: float) -> Issued | Refused:
        product = provisional.product_facts(conn, product_id.lower())
        if product is None:
            return Refused(Rule.PRODUCT, "This product is not in the local list: download it first")
        recipients, names = _recipients(conn, who)
        decision = decide(product.limits, provisional.counts(conn, product, recipients), recipients,
                          unknown_emails_allowed=True)
        if isinstance(decision, Refused):
            return decision
        local_ids, op_uuids = [], []
        for start in range(0, len(recipients), self.batch_size):
            batch = recipients[start:start + self.batch_size]
            op_uuid = ob.new_op_uuid()
            ids = provisional.create(conn, product, batch, station=self.station, at=at, op_uuid=op_uuid, names=names)
            ob.enqueue(conn, ob.Kind.ISSUE, item_uuid=ids[0], product_id=product.id, at=at, station=self.station,
                       op_uuid=op_uuid, payload={"recipients": [{"user_id": r.user_id, "email": r.email} for r in batch],
                                                 "local_ids": ids})
            local_ids += ids
            op_uuids.append(op_uuid)
        return Issued(local_ids, op_uuids, decision.pending_customers if isinstance(decision, Allowed) else ())

    def send(self, sync: SyncEngine, client: ProductsClient, op_uuids: Sequence[str], *, deadline_s: float = 60.0,
             progress: Callable[[int, int], None] = lambda done, total: None) -> list[BatchOutcome]:
        """Online: sends the queue (issues before the uses that depend on them) until these operations are
        settled, the server cannot be reached (they wait, PENDING, for the next sync), or `deadline_s` has
        passed (an UNKNOWN one is then read back by the next sync); `progress(settled, total)` after each pass."""
        deadline = time.monotonic() + deadline_s

        def settled() -> list[BatchOutcome]:
            outcomes = self.outcomes(op_uuids)
            progress(sum(o.state.final for o in outcomes), len(outcomes))
            return outcomes

        while True:
            report = sync.upload(client, after_each=settled)
            outcomes = settled()
            waiting = [o for o in outcomes if not o.state.final]
            unreachable = not report.sent and all(o.state is ob.OpState.PENDING for o in waiting)
            if not waiting or unreachable or time.monotonic() > deadline:
                return outcomes
            time.sleep(0.05)

    def codes(self, local_ids: Sequence[str]) -> dict[str, str]:
        """What to print for each item: the server's item id once its issue is confirmed (it works everywhere),
        else a provisional code signed with the venue's key (any kiosk of the venue verifies it offline), or
        the bare local id when this replica holds no signing key (it works only here)."""
        with read_transaction(self.replica) as conn:
            key = venue_keys.signing_key(conn)
            rows = conn.execute(select(provisional.provisional).where(
                provisional.provisional.c.local_id.in_(list(local_ids)))).all()
        by_id = {row.local_id: row for row in rows}
        codes = {}
        for local_id in local_ids:
            row = by_id[local_id]
            if row.server_item_id:
                codes[local_id] = row.server_item_id
            elif key is None:
                codes[local_id] = local_id
            else:
                codes[local_id] = make_code(key.private_hex, local_id=local_id, product_id=row.product_id,
                                            issued_at=row.issued_at, station=row.station)
        return codes

    def outcomes(self, op_uuids: Sequence[str]) -> list[BatchOutcome]:
        with read_transaction(self.replica) as conn:
            rows = conn.execute(select(ob.outbox).where(ob.outbox.c.op_uuid.in_(list(op_uuids)))).all()
        by_uuid = {row.op_uuid: row for row in rows}
        return [BatchOutcome(u, [r["email"] or r["user_id"] for r in _payload(by_uuid[u])["recipients"]],
                             ob.OpState(by_uuid[u].state), by_uuid[u].last_error or "")
                for u in op_uuids]


def _payload(row) -> dict:  # type: ignore[no-untyped-def, type-arg]
    return json.loads(row.payload)


def _recipients(conn: Connection, who: Sequence[str]) -> tuple[list[Recipient], dict[str, tuple[str | None, str | None]]]:
    """Each user id (a UUID) or email as a Recipient, known or not; and the names of the known ones."""
    recipients, names = [], {}
    for text in (w.strip() for w in who):
        user_id = _uuid_or_none(text)
        found = customers.find(conn, user_id=user_id) if user_id else customers.find(conn, email=text)
        if found is None:
            recipients.append(Recipient(user_id=user_id, email=None if user_id else text, known=False))
            continue
        recipients.append(Recipient(user_id=found.id, email=found.email))
        names[found.id] = (found.first_name, found.last_name)
    return recipients, names


def _uuid_or_none(text: str) -> str | None:
    try:
        return str(uuid.UUID(text))
    except ValueError:
        return None
