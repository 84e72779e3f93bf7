"""The outbox's transitions: each starts only from the states it names, so nothing overwrites a final state."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app import demo_data as demo
from app.domain.rules import Preset, StationRules
from app.services.station import Station
from app.store import outbox as ob
from app.store.db import write_transaction
from app.store.models import Conflict
from app.store.replica import items

OpState = ob.OpState
ME, OTHER = "kiosk-a", "kiosk-b"
VOUCHER = demo.item_uuid(demo.DRINKS, 1)
NOW = 1_000.0


def queued_use(replica) -> ob.Operation:
    assert Station(replica, StationRules("Bar", Preset.BAR)).redeem(VOUCHER).accepted
    with replica.connect() as conn:
        return ob._operation(conn.execute(select(ob.outbox).order_by(ob.outbox.c.id.desc()).limit(1)).one())


def put_in(replica, op: ob.Operation, state: OpState, owner: str | None = ME) -> ob.Operation:
    with write_transaction(replica) as conn:
        conn.execute(ob.outbox.update().where(ob.outbox.c.id == op.id).values(
            state=state.value, owner=owner, sent_at=NOW, settle_after=NOW + 10, expected_count=1))
        return ob._operation(conn.execute(select(ob.outbox).where(ob.outbox.c.id == op.id)).one())


def state_of(replica, op: ob.Operation) -> OpState:
    with replica.connect() as conn:
        return OpState(conn.execute(select(ob.outbox.c.state).where(ob.outbox.c.id == op.id)).scalar())


TRANSITIONS = {
    "confirm": (lambda c, op: ob.confirm(c, op, 1, None, NOW), {OpState.IN_FLIGHT, OpState.UNKNOWN}, OpState.DONE),
    "reject": (lambda c, op: ob.reject(c, op, "used", NOW), {OpState.PENDING, OpState.IN_FLIGHT, OpState.UNKNOWN},
               OpState.REJECTED),
    "doubt": (lambda c, op: ob.doubt(c, op, "?", NOW), {OpState.IN_FLIGHT, OpState.UNKNOWN}, OpState.DOUBTFUL),
    "mark_unknown": (lambda c, op: ob.mark_unknown(c, op, ME, "lost", NOW, NOW), {OpState.IN_FLIGHT}, OpState.UNKNOWN),
    "hand_back": (lambda c, op: ob.hand_back(c, op, ME, "not sent", NOW, NOW), {OpState.IN_FLIGHT}, OpState.PENDING),
    "deny": (lambda c, op: ob.deny(c, op, "not applied", NOW + 10), {OpState.UNKNOWN}, OpState.PENDING),
    "mark_sending": (lambda c, op: ob.mark_sending(c, op, ME, NOW, 10, expected_count=1) is not None,
                     {OpState.PENDING}, OpState.IN_FLIGHT),
}


@pytest.mark.parametrize("name", TRANSITIONS)
@pytest.mark.parametrize("start", list(OpState))
def test_each_transition_moves_only_from_the_states_it_names(demo_replica, name, start):
    transition, allowed, target = TRANSITIONS[name]
    op = put_in(demo_replica, queued_use(demo_replica), start)
    with write_transaction(demo_replica) as conn:
        moved = transition(conn, op)
    assert moved == (start in allowed)
    assert state_of(demo_replica, op) is (target if start in allowed else start)


@pytest.mark.parametrize("name", ["mark_unknown", "hand_back"])
def test_only_its_owner_may_give_up_an_operation_in_flight(demo_replica, name):
    transition, _, _ = TRANSITIONS[name]
    op = put_in(demo_replica, queued_use(demo_replica), OpState.IN_FLIGHT, owner=OTHER)
    with write_transaction(demo_replica) as conn:
        assert not transition(conn, op)
    assert state_of(demo_replica, op) is OpState.IN_FLIGHT


def test_a_late_refusal_never_overwrites_a_confirmed_use(demo_replica):
    op = put_in(demo_replica, queued_use(demo_replica), OpState.IN_FLIGHT)
    with write_transaction(demo_replica) as conn:
        assert ob.confirm(conn, op, 1, None, NOW)
        assert not ob.reject(conn, op, "late answer", NOW)
    assert state_of(demo_replica, op) is OpState.DONE
    with demo_replica.connect() as conn:
        assert conn.execute(select(Conflict.__table__)).first() is None


def test_a_use_is_never_denied_while_its_request_may_still_land(demo_replica):
    op = put_in(demo_replica, queued_use(demo_replica), OpState.UNKNOWN)
    with write_transaction(demo_replica) as conn, pytest.raises(ValueError, match="settle window"):
        ob.deny(conn, op, "not applied", NOW + 9.9)


def test_a_doubtful_use_stays_counted_here_and_is_listed_with_both_counts(demo_replica):
    op = put_in(demo_replica, queued_use(demo_replica), OpState.UNKNOWN)
    with write_transaction(demo_replica) as conn:
        assert ob.doubt(conn, op, "moved by two", NOW, server_count=3)
    with demo_replica.connect() as conn:
        pending = conn.execute(select(items.c.pending_count).where(items.c.id == VOUCHER)).scalar()
        conflict = conn.execute(select(Conflict.__table__)).one()
        assert ob.doubtful_count(conn) == 1 and ob.waiting_count(conn) == 0
    assert pending == 1
    assert (conflict.kind, conflict.expected_count, conflict.server_count) == ("doubtful", 1, 3)


def test_taking_over_reads_back_only_other_owners_interrupted_sends(demo_replica):
    mine = put_in(demo_replica, queued_use(demo_replica), OpState.IN_FLIGHT, owner=ME)
    theirs = put_in(demo_replica, queued_use(demo_replica), OpState.IN_FLIGHT, owner=OTHER)
    with write_transaction(demo_replica) as conn:
        assert ob.take_over_interrupted(conn, ME, NOW + 1, 10) == 1
    assert (state_of(demo_replica, mine), state_of(demo_replica, theirs)) == (OpState.IN_FLIGHT, OpState.UNKNOWN)
    with demo_replica.connect() as conn:
        settle_after = conn.execute(select(ob.outbox.c.settle_after).where(ob.outbox.c.id == theirs.id)).scalar()
    assert settle_after == NOW + 10  # the window of its own send, not of the take-over


def test_uses_of_an_item_in_doubt_wait_until_it_is_settled(demo_replica):
    first = put_in(demo_replica, queued_use(demo_replica), OpState.UNKNOWN)
    queued_use(demo_replica)
    with demo_replica.connect() as conn:
        assert ob.next_to_send(conn, float("inf"), 10) == []
    with write_transaction(demo_replica) as conn:
        ob.confirm(conn, first, 1, None, NOW)
    with demo_replica.connect() as conn:
        assert len(ob.next_to_send(conn, float("inf"), 10)) == 1


def test_the_local_expected_count_counts_the_uses_queued_before_it(demo_replica):
    ops = [queued_use(demo_replica) for _ in range(3)]
    with demo_replica.connect() as conn:
        queued = ob.next_to_send(conn, float("inf"), 10)
        assert [ob.local_expected_count(conn, op) for op in queued] == [1, 2, 3]
    assert len(ops) == 3
