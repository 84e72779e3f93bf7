from datetime import datetime, timezone

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from app import demo_data as demo
from app.domain.presentation import detail
from app.domain.rules import Preset, StationRules
from app.domain.verdict import VerdictKind
from app.services.station import Station
from app.store import outbox as ob
from app.store.replica import items, outbox, scans

DOOR = StationRules("Door 1", Preset.DOOR)
BAR = StationRules("Bar 1", Preset.BAR)
TICKET = demo.item_uuid(demo.GA, 1)
VOUCHER = demo.item_uuid(demo.DRINKS, 1)


class Clock:
    def __init__(self, start: float = 1_795_370_000.0):
        self.now = start

    def __call__(self) -> float:
        return self.now


def counts(engine):
    with engine.connect() as conn:
        return {
            "scans": conn.execute(select(func.count()).select_from(scans)).scalar(),
            "outbox": conn.execute(select(func.count()).select_from(outbox)).scalar(),
            "pending": conn.execute(select(func.sum(items.c.pending_count))).scalar(),
        }


def test_a_valid_ticket_is_accepted_once_and_queued_for_upload(demo_replica):
    verdict = Station(demo_replica, DOOR).redeem(TICKET)
    assert verdict.kind is VerdictKind.ACCEPTED
    assert verdict.product_name == "General Admission" and verdict.holder_name
    assert verdict.uses_left == 0 and verdict.scan_id is not None
    assert counts(demo_replica) == {"scans": 1, "outbox": 1, "pending": 1}
    with demo_replica.connect() as conn:
        op = conn.execute(select(outbox)).one()
    assert (op.state, op.item_uuid, op.product_id, op.scan_id) == ("PENDING", TICKET, demo.GA.id, verdict.scan_id)


def test_the_same_ticket_again_is_already_used_with_first_use_time_and_station(demo_replica):
    clock = Clock()
    station = Station(demo_replica, DOOR, clock=clock)
    station.redeem(TICKET)
    clock.now += 90
    again = station.redeem(TICKET)
    assert again.kind is VerdictKind.ALREADY_USED
    assert again.first_use.station == "Door 1"
    assert again.first_use.at == datetime.fromtimestamp(clock.now - 90, tz=timezone.utc)
    assert counts(demo_replica)["outbox"] == 1


def test_a_three_drink_voucher_gives_three_drinks_then_is_used_up(demo_replica):
    bar = Station(demo_replica, BAR)
    results = [bar.redeem(VOUCHER) for _ in range(4)]
    assert [v.kind for v in results] == [VerdictKind.ACCEPTED] * 3 + [VerdictKind.ALREADY_USED]
    assert [v.uses_left for v in results] == [2, 1, 0, 0]
    assert counts(demo_replica)["outbox"] == 3


def test_a_voucher_at_the_door_is_the_wrong_station_and_spends_nothing(demo_replica):
    verdict = Station(demo_replica, DOOR).redeem(VOUCHER)
    assert verdict.kind is VerdictKind.WRONG_STATION
    assert "Door 1" in verdict.reason
    assert counts(demo_replica) == {"scans": 1, "outbox": 0, "pending": 0}


def test_a_ticket_sold_before_its_products_sales_closed_is_admitted_and_says_so(demo_replica):
    verdict = Station(demo_replica, DOOR).redeem(demo.item_uuid(demo.INACTIVE, 1))
    assert verdict.kind is VerdictKind.ACCEPTED and verdict.sales_closed
    assert "sales have closed" in detail(verdict, Preset.DOOR)


def test_a_station_set_to_refuse_closed_products_refuses_their_tickets(demo_replica):
    refusing = StationRules("Door 1", Preset.DOOR, refuse_inactive=True)
    verdict = Station(demo_replica, refusing).redeem(demo.item_uuid(demo.INACTIVE, 1))
    assert verdict.kind is VerdictKind.PRODUCT_INACTIVE
    assert counts(demo_replica)["outbox"] == 0


def test_an_unknown_item_without_an_api_is_not_found_and_audited(demo_replica):
    verdict = Station(demo_replica, DOOR).redeem(demo.UNKNOWN_ITEM)
    assert verdict.kind is VerdictKind.NOT_FOUND
    assert counts(demo_replica) == {"scans": 1, "outbox": 0, "pending": 0}


def test_an_unknown_item_goes_to_the_resolver_outside_the_write_lock(demo_replica):
    seen = []

    def offline(ref, rules, at):
        from app.domain.verdict import Verdict

        seen.append(ref.item_id)
        # The resolver may write (cache an item) while the station waits: no lock may be held here.
        with demo_replica.begin() as conn:
            conn.exec_driver_sql("INSERT INTO sync_state (key, value) VALUES ('probe', '1')")
        return Verdict(VerdictKind.UNKNOWN_OFFLINE, "", rules.name, item_id=ref.item_id)

    verdict = Station(demo_replica, DOOR, unknown_item=offline).redeem(demo.UNKNOWN_ITEM)
    assert verdict.kind is VerdictKind.UNKNOWN_OFFLINE and seen == [demo.UNKNOWN_ITEM]
    assert counts(demo_replica)["scans"] == 1


def test_garbage_is_an_invalid_code_that_only_writes_a_scan_row(demo_replica):
    verdict = Station(demo_replica, DOOR).redeem("WIFI:S:venue;;")
    assert verdict.kind is VerdictKind.INVALID_CODE
    assert counts(demo_replica) == {"scans": 1, "outbox": 0, "pending": 0}


def test_a_code_naming_the_wrong_product_is_not_found(demo_replica):
    payload = f'{{"product_item_id": "{TICKET}", "product_id": "{demo.VIP.id}"}}'
    assert Station(demo_replica, DOOR).redeem(payload).kind is VerdictKind.NOT_FOUND
    assert counts(demo_replica)["pending"] == 0


def test_a_database_failure_is_an_error_verdict_not_a_crash(tmp_path):
    from app.store.db import create_replica_engine

    engine = create_replica_engine(f"sqlite:///{tmp_path / 'never-migrated.db'}")
    assert Station(engine, DOOR).redeem(TICKET).kind is VerdictKind.ERROR


def test_undo_gives_the_use_back_and_keeps_both_rows_in_the_audit(demo_replica):
    station = Station(demo_replica, DOOR)
    accepted = station.redeem(TICKET)
    assert station.undo(accepted.scan_id)
    assert station.redeem(TICKET).kind is VerdictKind.ACCEPTED
    with demo_replica.connect() as conn:
        verdicts = conn.execute(select(scans.c.verdict).order_by(scans.c.id)).scalars().all()
        states = conn.execute(select(outbox.c.state).order_by(outbox.c.id)).scalars().all()
    assert verdicts == ["ACCEPTED", "UNDONE", "ACCEPTED"]
    assert states == ["CANCELLED", "PENDING"]


def test_undo_is_refused_once_the_use_was_sent(demo_replica):
    station = Station(demo_replica, DOOR)
    sent = station.redeem(TICKET)
    with demo_replica.begin() as conn:
        conn.execute(outbox.update().values(state="IN_FLIGHT"))
    assert not station.undo(sent.scan_id)
    assert not station.undo(999_999)


def test_an_accepted_scan_is_held_back_from_upload_for_the_undo_hold(demo_replica):
    clock = Clock()
    station = Station(demo_replica, DOOR, clock=clock, hold_for_undo_s=8.0)
    accepted = station.redeem(TICKET)
    with demo_replica.connect() as conn:
        assert [op.id for op in ob.next_to_send(conn, clock.now + 7.9, 10)] == []
        assert len(ob.next_to_send(conn, clock.now + 8.0, 10)) == 1
    assert station.undo(accepted.scan_id)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(st.text(max_size=500), st.binary(max_size=500)))
def test_any_text_or_bytes_never_raises_and_writes_nothing_but_a_scan_row(demo_replica, raw):
    before = counts(demo_replica)
    verdict = Station(demo_replica, DOOR).redeem(raw)
    after = counts(demo_replica)
    assert verdict.kind in (VerdictKind.INVALID_CODE, VerdictKind.NOT_FOUND)
    assert after == {**before, "scans": before["scans"] + 1}
