"""Provisional items and their ISSUE operations in the outbox: the use of an item waits for its issue, an
interrupted issue is read back, and a confirmed issue moves the item's uses onto the server's item."""
from __future__ import annotations

from sqlalchemy import select

from app import demo_data as demo
from app.domain.rules import Preset, StationRules
from app.services.issuer import Issued, Issuer
from app.store import outbox as ob
from app.store import provisional
from app.store.db import read_transaction, write_transaction
from app.store.replica import item_row, items, load_item, upsert

DOOR = StationRules("Door 1", Preset.DOOR)
SERVER_ITEM = "0f6c1f0e-9a2b-4c3d-8e4f-5a6b7c8d9e0f"
NOW = 2_000_000_000.0


def walk_up_sale(replica) -> str:
    issued, verdict = Issuer(replica, "Box 1").issue_and_admit(demo.VIP.id, "walk.in@example.net", DOOR)
    assert isinstance(issued, Issued) and verdict is not None and verdict.accepted
    return issued.local_ids[0]


def sendable(replica) -> list[tuple[str, str]]:
    with read_transaction(replica) as conn:
        return [(op.kind, op.item_uuid) for op in ob.next_to_send(conn, NOW, 10)]


def test_the_admission_of_a_walk_up_sale_waits_until_its_issue_is_confirmed(demo_replica) -> None:
    local_id = walk_up_sale(demo_replica)
    assert sendable(demo_replica) == [("issue", local_id)]

    with write_transaction(demo_replica) as conn:
        upsert(conn, items, [item_row(id=SERVER_ITEM, item_id=11, product_id=demo.VIP.id, redemption_quantity=1,
                                      redemption_count=0, redeemed_at=None, user_id=None, email="walk.in@example.net",
                                      first_name=None, last_name=None, created_at=None, updated_at=None)])
        provisional.map_to_server(conn, [(local_id, SERVER_ITEM)])
        conn.execute(ob.outbox.update().where(ob.outbox.c.kind == "issue").values(state="DONE"))
        assert load_item(conn, local_id) is None
        moved = load_item(conn, SERVER_ITEM)
        assert moved is not None and moved.facts.pending_count == 1 and moved.first_used_station == "Door 1"
        assert provisional.server_item_of(conn, local_id) == SERVER_ITEM
        provisional.map_to_server(conn, [(local_id, "another")])  # mapped once, never again
        assert provisional.server_item_of(conn, local_id) == SERVER_ITEM
    assert sendable(demo_replica) == [("redeem", SERVER_ITEM)]


def test_an_issue_whose_uploader_died_in_flight_is_read_back_not_sent_again(demo_replica) -> None:
    walk_up_sale(demo_replica)
    with write_transaction(demo_replica) as conn:
        issue = ob.next_to_send(conn, NOW, 1)[0]
        assert ob.mark_sending(conn, issue, "dead-kiosk", NOW, 300.0, expected_count=12, server_count_before=11)
        assert ob.take_over_interrupted(conn, "new-kiosk", NOW + 1, 300.0) == 1
        state = conn.execute(select(ob.outbox.c.state).where(ob.outbox.c.id == issue.id)).scalar()
    assert state == "UNKNOWN" and sendable(demo_replica) == []
