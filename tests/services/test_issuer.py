"""The Issuer offline, on real replicas: what a box office writes, what it refuses (and then writes nothing),
and the provisional codes other doors admit without asking anyone."""
from __future__ import annotations

import time

import pytest
from sqlalchemy import func, select

from app import demo_data as demo
from app.demo_data import DEMO_REPLICA
from app.domain.issuance import Refused, Rule
from app.domain.rules import Preset, StationRules
from app.domain.signing import make_code, new_key_pair
from app.domain.verdict import VerdictKind
from app.services.importer import import_file
from app.services.issuer import Issued, Issuer
from app.services.station import Station
from app.store import customers, venue_keys
from app.store.db import open_replica, read_transaction, write_transaction
from app.store.models import ProvisionalItem
from app.store.replica import items, outbox, products, scans

DOOR = StationRules("Door 1", Preset.DOOR)
ANNA = demo.demo_users()[0]


def with_customers(replica):
    with write_transaction(replica) as conn:
        customers.store(conn, [customers.customer_row(id=u.id, email=u.email, first_name=u.first_name,
                                                      last_name=u.last_name, reference_id=None)
                               for u in demo.demo_users()])
    return replica


@pytest.fixture
def box(demo_replica):
    return with_customers(demo_replica)


def rows(replica) -> dict[str, int]:
    with read_transaction(replica) as conn:
        return {t.name: conn.execute(select(func.count()).select_from(t)).scalar()
                for t in (items, outbox, scans, ProvisionalItem.__table__)}


def test_a_walk_up_sale_writes_the_item_its_issue_and_its_admission_together(box) -> None:
    before = rows(box)
    issued, verdict = Issuer(box, "Box 1").issue_and_admit(demo.VIP.id, ANNA.email.upper(), DOOR)
    assert isinstance(issued, Issued) and verdict is not None and verdict.accepted
    assert verdict.holder_name == f"{ANNA.first_name} {ANNA.last_name}" and verdict.uses_left == 0
    after = rows(box)
    assert {name: after[name] - before[name] for name in after} == {
        "items": 1, "outbox": 2, "scans": 1, "provisional_items": 1}
    with read_transaction(box) as conn:
        ops = conn.execute(select(outbox.c.kind, outbox.c.item_uuid).order_by(outbox.c.id)).all()
    assert [op.kind for op in ops] == ["issue", "redeem"] and ops[1].item_uuid == issued.local_ids[0]


@pytest.mark.parametrize("product, who, rule, reason", [
    (demo.INACTIVE.id, ANNA.email, Rule.ACTIVE, "The product is not active"),
    (demo.VIP.id, "anna.example.org", Rule.RECIPIENT, "Not an email address: anna.example.org"),
    (demo.VIP.id, "5b0e8c9e-0000-4000-8000-000000000000", Rule.RECIPIENT, "Not customers of this project"),
    ("5b0e8c9e-0000-4000-8000-000000000001", ANNA.email, Rule.PRODUCT, "not in the local list"),
])
def test_a_refused_issue_says_why_and_writes_nothing(box, product, who, rule, reason) -> None:
    before = rows(box)
    refused, verdict = Issuer(box, "Box 1").issue_and_admit(product, who, DOOR)
    assert isinstance(refused, Refused) and refused.rule is rule and reason in refused.reason and verdict is None
    assert rows(box) == before


def test_an_email_the_replica_does_not_know_is_issued_as_a_pending_customer(box) -> None:
    issued = Issuer(box, "Box 1").issue(demo.GA.id, ["walk.in@example.net"])
    assert isinstance(issued, Issued) and issued.pending_customers == ("walk.in@example.net",)


def test_offline_issues_count_against_the_stock_and_the_per_customer_limit(box) -> None:
    with write_transaction(box) as conn:  # the simulator's limits, as a download brings them
        conn.execute(products.update().where(products.c.id == demo.VIP.id).values(stock=40, max_per_account=2))
        conn.execute(products.update().where(products.c.id == demo.GA.id).values(max_per_account=4))
    issuer = Issuer(box, "Box 1")
    guests = [f"guest{n}@example.net" for n in range(30)]  # VIP: 10 issued
    assert isinstance(issuer.issue(demo.VIP.id, guests), Issued)
    refused = issuer.issue(demo.VIP.id, ["one.more@example.net"])
    assert isinstance(refused, Refused) and refused.rule is Rule.STOCK
    twice = issuer.issue(demo.GA.id, [ANNA.id] * 5)  # GA: at most 4 each, and the demo gave Anna some already
    assert isinstance(twice, Refused) and twice.rule is Rule.MAX_PER_ACCOUNT


def test_a_large_issue_is_written_as_batches_of_at_most_550(box) -> None:
    issued = Issuer(box, "Box 1").issue(demo.GA.id, [f"g{n}@example.net" for n in range(1200)])
    assert isinstance(issued, Issued) and len(issued.op_uuids) == 3 and len(issued.local_ids) == 1200


def other_door(tmp_path, trusted: str):
    replica = open_replica(f"sqlite:///{tmp_path / 'door2.db'}")
    import_file(replica, DEMO_REPLICA)
    with write_transaction(replica) as conn:
        venue_keys.trust(conn, trusted, time.time())
    return replica


def test_another_door_admits_a_walk_up_code_offline_once_and_says_it_is_not_confirmed(box, tmp_path) -> None:
    with write_transaction(box) as conn:
        key = venue_keys.make(conn, time.time())
    issuer = Issuer(box, "Box 1")
    issued = issuer.issue(demo.VIP.id, [ANNA.email])
    assert isinstance(issued, Issued)
    printed = issuer.codes(issued.local_ids)[issued.local_ids[0]]
    door2 = Station(other_door(tmp_path, key.public_hex), StationRules("Door 2", Preset.DOOR))

    first, second = door2.redeem(printed), door2.redeem(printed)
    assert first.kind is VerdictKind.ACCEPTED and first.reason == "Issued offline at Box 1, not yet confirmed"
    assert second.kind is VerdictKind.ALREADY_USED


def test_a_forged_or_untrusted_provisional_code_is_an_invalid_code_and_changes_nothing(box, tmp_path) -> None:
    with write_transaction(box) as conn:
        key = venue_keys.make(conn, time.time())
    door2_replica = other_door(tmp_path, key.public_hex)
    door2 = Station(door2_replica, StationRules("Door 2", Preset.DOOR))
    genuine = make_code(key.private_hex, local_id="6f1e2b9a-1c2d-4e5f-8a9b-0c1d2e3f4a5b", product_id=demo.VIP.id,
                        issued_at=time.time(), station="Box 1")
    parts = genuine.split(".")
    parts[1] = "6f1e2b9a-1c2d-4e5f-8a9b-0c1d2e3f4a5c"
    untrusted = make_code(new_key_pair().private_hex, local_id=parts[1], product_id=demo.VIP.id,
                          issued_at=time.time(), station="Box 1")
    before = rows(door2_replica)
    forged, stranger = door2.redeem(".".join(parts)), door2.redeem(untrusted)
    assert forged.kind is VerdictKind.INVALID_CODE and forged.reason.startswith("Forged or altered code")
    assert stranger.kind is VerdictKind.INVALID_CODE and "does not trust" in stranger.reason
    after = rows(door2_replica)
    assert after == {**before, "scans": before["scans"] + 2}  # only the audit rows
