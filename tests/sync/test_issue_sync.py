"""Issuing exactly once over real HTTP: walk-up sales at two doors past the stock, and a lost answer on a
550-recipient issue. Time is scaled down as in the other sync scenarios (a 1.5 s deadline, a 2 s settle window)."""
from __future__ import annotations

import dataclasses
import time
from collections import Counter

from sqlalchemy import select

from app import demo_data as demo
from app.api import ProductsClient
from app.api.models import NewUser
from app.api.settings import Capability
from app.demo_data import DEMO_REPLICA
from app.domain.rules import Preset, StationRules
from app.services.importer import import_file
from app.services.issuer import Issued, Issuer
from app.services.station import Station
from app.store import outbox as ob
from app.store import venue_keys
from app.store.db import open_replica, read_transaction, write_transaction
from app.store.models import Conflict
from app.sync.customers import download_customers
from server_reads import holders
from sync_helpers import FaultSettings, make_engine, sync_until_settled

DOOR = StationRules("Door 1", Preset.DOOR)
ISSUE = "POST /v1/products/{id}/items"


def new_customers(client: ProductsClient, count: int, tag: str) -> list[str]:
    emails = [f"{tag}-{n}@example.org" for n in range(count)]
    for start in range(0, count, 1000):
        client.create_users([NewUser(email=e, first_name="Guest", last_name=str(n))
                             for n, e in enumerate(emails[start:start + 1000], start)])
    return emails


def door(tmp_path, name: str, client: ProductsClient):
    replica = open_replica(f"sqlite:///{tmp_path / (name + '.db')}")
    import_file(replica, DEMO_REPLICA)
    download_customers(replica, client)
    return replica


def conflicts_of(replica) -> list[tuple[str, str]]:
    with read_transaction(replica) as conn:
        rows = conn.execute(select(Conflict.__table__.c.kind, Conflict.__table__.c.server_message)).all()
    return [(r.kind, r.server_message) for r in rows]


def test_two_doors_selling_offline_past_the_stock_each_refused_sale_is_a_conflict_with_its_admission(
        tmp_path, api, server_client) -> None:
    vip = demo.VIP.id  # stock 40, 10 issued, at most 2 per customer
    emails = new_customers(server_client, 32, "walkup")
    doors = [door(tmp_path, f"door{n}", server_client) for n in (1, 2)]
    for replica, guests in zip(doors, (emails[:16], emails[16:])):
        issuer = Issuer(replica, "Box 1")
        for email in guests:  # offline: each door believes 30 are left
            issued, verdict = issuer.issue_and_admit(vip, email, DOOR)
            assert isinstance(issued, Issued) and verdict is not None and verdict.accepted

    for replica in doors:
        sync_until_settled(make_engine(replica, api, [vip]))

    assert server_client.get_product(vip).stock == 40 and sum(holders(server_client, vip).values()) == 40
    refused = conflicts_of(doors[1])
    assert conflicts_of(doors[0]) == []
    assert sum(kind == "refused" and msg.startswith("Issued offline, refused by the server") and "Insufficient stock" in msg
               for kind, msg in refused) == 2
    assert sum(msg.startswith("Its item was issued offline and refused") for _, msg in refused) == 2
    with read_transaction(doors[1]) as conn:  # the admissions of the refused sales are still on record
        admitted = conn.execute(select(ob.outbox.c.state).where(ob.outbox.c.kind == "redeem")).scalars().all()
    assert Counter(admitted) == {"DONE": 14, "REJECTED": 2}


def test_a_lost_answer_on_a_550_recipient_issue_creates_no_duplicates(tmp_path, api, sim, server_client) -> None:
    ga = demo.GA.id
    emails = new_customers(server_client, 550, "bulk")
    replica = door(tmp_path, "box", server_client)
    engine = make_engine(replica, api, [ga])

    def observe(endpoint: str, ok: bool, seconds: float) -> None:  # only the issue call loses its answer
        engine._observe(endpoint, ok, seconds)
        if endpoint == Capability.LIST_ITEMS.endpoint and not sim.faults.drop_after_commit_rate:
            sim.faults = FaultSettings(drop_after_commit_rate=1.0)
        elif endpoint == ISSUE:
            sim.faults = FaultSettings()

    issuer = Issuer(replica, "Box 1")
    issued = issuer.issue(ga, emails)
    assert isinstance(issued, Issued) and len(issued.op_uuids) == 1
    with ProductsClient(api, on_call=observe) as client:
        outcomes = issuer.send(engine, client, issued.op_uuids)
    engine.release_lease()

    assert [o.state for o in outcomes] == [ob.OpState.DONE]
    with read_transaction(replica) as conn:
        assert conn.execute(select(ob.outbox.c.attempts)).scalars().all() == [1]  # read back, never resent
    owners = holders(server_client, ga)
    assert all(owners[e] == 1 for e in emails) and sum(owners.values()) == 40 + 550


def test_after_sync_a_printed_provisional_code_redeems_the_server_item(tmp_path, api, server_client) -> None:
    replica = door(tmp_path, "box", server_client)
    with write_transaction(replica) as conn:
        venue_keys.make(conn, time.time())
    issuer = Issuer(replica, "Box 1")
    issued = issuer.issue(demo.GA.id, [demo.demo_users()[3].email])
    assert isinstance(issued, Issued)
    printed = issuer.codes(issued.local_ids)[issued.local_ids[0]]
    sync_until_settled(make_engine(replica, api, [demo.GA.id]))

    server_item = issuer.codes(issued.local_ids)[issued.local_ids[0]]
    assert server_item != issued.local_ids[0]
    verdict = Station(replica, DOOR).redeem(printed)
    assert verdict.accepted and verdict.item_id == server_item and verdict.reason == ""
    sync_until_settled(make_engine(replica, api, [demo.GA.id]))
    assert server_client.get_item(demo.GA.id, server_item).redemption_count == 1


def test_without_the_list_capability_a_lost_issue_answer_is_left_to_the_manager(tmp_path, api, sim, server_client) -> None:
    api = dataclasses.replace(api, capabilities=frozenset(api.capabilities) - {Capability.LIST_ITEMS})
    replica = door(tmp_path, "box", server_client)
    issuer = Issuer(replica, "Box 1")
    issued = issuer.issue(demo.GA.id, [demo.demo_users()[4].email])
    assert isinstance(issued, Issued)
    sim.faults = FaultSettings(drop_after_commit_rate=1.0)
    engine = make_engine(replica, api, [demo.GA.id])
    with ProductsClient(api, on_call=engine._observe) as client:
        outcomes = issuer.send(engine, client, issued.op_uuids, deadline_s=5)
    engine.release_lease()
    assert [o.state for o in outcomes] == [ob.OpState.DOUBTFUL]
    assert [kind for kind, _ in conflicts_of(replica)] == ["doubtful"]


def test_the_code_of_a_sale_the_server_refused_no_longer_admits(tmp_path, api, server_client) -> None:
    replica = door(tmp_path, "box", server_client)
    with write_transaction(replica) as conn:
        venue_keys.make(conn, time.time())
    issuer = Issuer(replica, "Box 1")
    issued = issuer.issue(demo.GA.id, ["never.registered@example.net"])  # a pending customer, unknown to the server
    assert isinstance(issued, Issued)
    printed = issuer.codes(issued.local_ids)[issued.local_ids[0]]
    sync_until_settled(make_engine(replica, api, [demo.GA.id]))

    verdict = Station(replica, DOOR).redeem(printed)
    assert verdict.kind.value == "NOT_FOUND" and verdict.reason.startswith("Issued offline and refused by the server")
    assert [kind for kind, _ in conflicts_of(replica)] == ["refused"]
