"""The real (offline) scan time of an admission reaches the server through the attendee register, once."""
from __future__ import annotations

import dataclasses
import time

from sqlalchemy import select

from app import demo_data as demo
from app.api import ProductsClient
from app.domain.rules import Preset, StationRules
from app.services.station import Station
from app.store import outbox as ob
from app.store.replica import items, products
from sync_helpers import FaultSettings, make_engine, sync_until_settled

DOOR = StationRules("Door 1", Preset.DOOR)
AN_HOUR_AGO = time.time() - 3600


def owner_and_event(replica, ticket: str) -> tuple[str, str]:
    with replica.connect() as conn:
        row = conn.execute(select(items.c.owner_id, products.c.event_id)
                           .join_from(items, products, items.c.product_id == products.c.id)
                           .where(items.c.id == ticket)).one()
    return row.owner_id, row.event_id


def checkins(replica) -> list[str]:
    with replica.connect() as conn:
        return list(conn.execute(select(ob.outbox.c.state).where(ob.outbox.c.kind == ob.Kind.CHECKIN.value)).scalars())


def test_an_admission_scanned_offline_an_hour_ago_is_registered_with_its_real_time_once(demo_replica, api, sim):
    ticket = demo.item_uuid(demo.GA, 20)
    assert Station(demo_replica, DOOR, clock=lambda: AN_HOUR_AGO).redeem(ticket).accepted
    engine = make_engine(demo_replica, dataclasses.replace(api, register_checkins=True))
    sim.faults = FaultSettings(drop_after_commit_rate=0.5, seed=2)  # lost answers: the register is safe to repeat
    sync_until_settled(engine)
    sim.faults = FaultSettings()
    sync_until_settled(engine)
    assert checkins(demo_replica) == ["DONE"]
    user_id, event_id = owner_and_event(demo_replica, ticket)
    with ProductsClient(api) as client:
        attendee = client.register_attendee(event_id, user_id=user_id)  # no timestamps: reads the record back
    assert attendee.checked_in_at == int(AN_HOUR_AGO)


def test_without_attendee_registration_nothing_but_the_redemption_is_sent(demo_replica, api):
    assert Station(demo_replica, DOOR).redeem(demo.item_uuid(demo.GA, 21)).accepted
    sync_until_settled(make_engine(demo_replica, api))
    assert checkins(demo_replica) == []


def test_a_drink_voucher_is_not_an_attendance(demo_replica, api):
    assert Station(demo_replica, StationRules("Bar", Preset.BAR)).redeem(demo.item_uuid(demo.DRINKS, 25)).accepted
    sync_until_settled(make_engine(demo_replica, dataclasses.replace(api, register_checkins=True)))
    assert checkins(demo_replica) == []
