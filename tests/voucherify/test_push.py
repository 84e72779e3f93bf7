"""Products upserted into Voucherify by `source_id` over real HTTP (the simulator's Voucherify endpoint)."""
from __future__ import annotations

import logging
import sqlite3
from contextlib import closing

import httpx
import pytest
from sqlalchemy import update

from app import demo_data as demo
from app.api.errors import OutcomeUnknown, Unauthorized
from app.simulator.faults import FaultSettings
from app.simulator.voucherify import DEMO_APP_ID, DEMO_APP_TOKEN, PREFIX
from app.store.db import write_transaction
from app.store.replica import products
from app.voucherify.client import VoucherifyClient
from app.voucherify.push import push_now
from app.voucherify.settings import VoucherifySettings


@pytest.fixture
def target(sim) -> VoucherifySettings:
    return VoucherifySettings(DEMO_APP_ID, DEMO_APP_TOKEN, address=sim.url + PREFIX)


def stored(sim, key: str) -> dict:
    headers = {"X-App-Id": DEMO_APP_ID, "X-App-Token": DEMO_APP_TOKEN}
    return httpx.get(f"{sim.url}{PREFIX}/v1/products/{key}", headers=headers, timeout=5).json()


def test_pushing_twice_keeps_one_voucherify_product_and_updates_it(demo_replica, sim, target):
    with VoucherifyClient(target) as client:
        first = push_now(demo_replica, client, [demo.GA.id])
        again = push_now(demo_replica, client, [demo.GA.id])
        with write_transaction(demo_replica) as conn:
            conn.execute(update(products).where(products.c.id == demo.GA.id).values(price="12.50"))
        changed = push_now(demo_replica, client, [demo.GA.id])
    [(sent, voucherify_id)] = first.sent
    assert sent.fields == () and again.sent == [] and again.unchanged == 1
    [(change, same_id)] = changed.sent
    assert same_id == voucherify_id and change.fields == ("price",)
    product = stored(sim, demo.GA.id)
    assert (product["id"], product["price"], product["name"]) == (voucherify_id, 1250, demo.GA.name)
    assert product["metadata"]["product_type"] == "admission"


def test_a_lost_answer_and_the_retry_leave_one_product(demo_replica, sim, target, tmp_path):
    sim.faults = FaultSettings(drop_after_commit_rate=1.0)
    with VoucherifyClient(target) as client:
        with pytest.raises(OutcomeUnknown):
            push_now(demo_replica, client, [demo.VIP.id])
        sim.faults = FaultSettings()
        retried = push_now(demo_replica, client, [demo.VIP.id])  # an upsert by source_id: safe to send again
    [(_, voucherify_id)] = retried.sent
    assert stored(sim, demo.VIP.id)["id"] == voucherify_id
    with closing(sqlite3.connect(tmp_path / "simulator.db")) as conn:  # the simulator's own file
        assert conn.execute("SELECT COUNT(*) FROM voucherify_products WHERE source_id = ?",
                            (demo.VIP.id,)).fetchone()[0] == 1


def test_the_credentials_never_reach_an_error_or_a_log(demo_replica, sim, caplog):
    wrong = VoucherifySettings(DEMO_APP_ID, "not-the-token-1234", address=sim.url + PREFIX)
    caplog.set_level(logging.DEBUG)
    with VoucherifyClient(wrong) as client, pytest.raises(Unauthorized) as caught:
        push_now(demo_replica, client)
    assert "not-the-token-1234" not in str(caught.value) and DEMO_APP_ID not in str(caught.value)
    assert "not-the-token-1234" not in caplog.text
    assert "not-the-token-1234" not in repr(wrong)

