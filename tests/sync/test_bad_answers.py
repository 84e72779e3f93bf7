"""Malformed answers from a server change nothing in the replica and are reported."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from app import demo_data as demo
from app.api import ApiSettings
from app.domain.rules import Preset, StationRules
from app.services.station import Station
from app.store.replica import items, outbox, products
from canned_http import Canned, CannedServer
from sync_helpers import FAST, make_engine

GOOD_ITEM = {
    "id": demo.item_uuid(demo.GA, 1), "created_at": "2026-11-01T18:00:00Z", "updated_at": "2026-11-01T18:00:00Z",
    "product_id": demo.GA.id, "item_id": 1, "redemption_count": 1, "redemption_quantity": 1,
    "is_fully_redeemed": True, "redeemed_at": 1795370000,
    "user": {"id": demo.demo_uuid("user:0"), "email": "ada@example.com", "first_name": "Ada", "last_name": "L"},
    "product": {"id": demo.GA.id, "name": "General Admission", "type": "admission", "redemption_quantity": 1},
}
BAD_ANSWERS = {
    "a missing field": json.dumps({k: v for k, v in GOOD_ITEM.items() if k != "redemption_count"}).encode(),
    "a wrong type": json.dumps(GOOD_ITEM | {"redemption_count": "lots"}).encode(),
    "not JSON": b"<html>502 Bad Gateway</html>",
    "a huge body": b'{"items": [' + b'"x",' * 3_000_000 + b'"x"]}',
}


@pytest.fixture
def canned():
    server = CannedServer()
    yield server
    server.close()


def snapshot(replica):
    with replica.connect() as conn:
        return (
            conn.execute(select(func.count()).select_from(products)).scalar(),
            conn.execute(select(items.c.id, items.c.confirmed_count, items.c.pending_count).order_by(items.c.id)).all(),
        )


@pytest.mark.parametrize("kind", list(BAD_ANSWERS))
def test_a_malformed_download_changes_nothing_and_is_reported(demo_replica, canned, kind):
    canned.answer = Canned(body=BAD_ANSWERS[kind])
    before = snapshot(demo_replica)
    report = make_engine(demo_replica, ApiSettings(canned.url, "k", timeouts=FAST), products=[demo.GA.id]).run_once()
    assert report.errors and "/v1/products/{id}" in report.errors[0]
    assert snapshot(demo_replica) == before


@pytest.mark.parametrize("kind", list(BAD_ANSWERS))
def test_a_malformed_answer_to_a_redemption_leaves_it_unknown_never_done(demo_replica, canned, kind):
    Station(demo_replica, StationRules("Door 1", Preset.DOOR)).redeem(demo.item_uuid(demo.GA, 1))
    canned.answer = Canned(body=BAD_ANSWERS[kind])
    before = snapshot(demo_replica)
    # No reading of the count first: the redemption itself meets the malformed answer.
    api = ApiSettings(canned.url, "k", timeouts=FAST, capabilities=frozenset())
    report = make_engine(demo_replica, api, products=[]).run_once()
    assert report.unknown == 1 and report.confirmed == 0
    assert snapshot(demo_replica) == before  # the use stays pending: the server's word was unusable
    with demo_replica.connect() as conn:
        assert conn.execute(select(outbox.c.state)).scalar() == "UNKNOWN"
