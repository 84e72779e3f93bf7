"""Text from outside (the API, export files) is stored the same on SQLite and PostgreSQL, and a guest's
details never end up in an error message or a log."""
from __future__ import annotations

import sqlite3
import traceback

import pytest
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError

from app import demo_data as demo
from app.api import ApiSettings, ProductsClient
from app.simulator.demo_data import DEMO_WRITE_KEY, seed_database
from app.simulator.server import SimulatorServer
from app.store.db import write_transaction
from app.store.replica import item_row, items, upsert
from app.store.text import storable
from app.sync.download import download_product


def test_what_postgresql_refuses_is_cleaned_and_what_is_too_long_is_cut_to_its_column():
    assert storable("Zo\x00ë") == "Zoë"
    assert storable("half a pair \ud83d") == "half a pair \ufffd"
    assert storable("x" * 300, 255) == "x" * 255
    assert storable("Ada 🎟") == "Ada 🎟"


def test_a_guest_name_with_a_nul_character_does_not_stop_the_download_of_the_product(replica, tmp_path):
    path = tmp_path / "simulator.db"
    seed_database(path, "demo")
    guest = demo.item_owner(demo.GA, 1)
    with sqlite3.connect(path) as sim_db:
        sim_db.execute("UPDATE users SET first_name = ?, last_name = ? WHERE id = ?",
                       ("Ze\x00ro", "L" * 400, guest.id))
    with SimulatorServer(path, seed="demo") as sim, ProductsClient(ApiSettings(sim.url, DEMO_WRITE_KEY)) as client:
        assert download_product(replica, client, demo.GA.id) == demo.GA.items
    with replica.connect() as conn:
        stored = conn.execute(select(items.c.owner_first_name, items.c.owner_last_name)
                              .where(items.c.id == demo.item_uuid(demo.GA, 1))).one()
    assert stored == ("Zero", "L" * 255)


def test_a_refused_write_names_no_guest_in_its_error_or_traceback(replica):
    guest = item_row(id="6f0c2a52-1b7e-4a51-9d55-000000000001", item_id=1, product_id="no-such-product",
                     redemption_quantity=1, redemption_count=0, redeemed_at=None, user_id=None,
                     email="ada.lovelace@example.com", first_name="Ada", last_name="Lovelace",
                     created_at=None, updated_at=None)
    with pytest.raises(DBAPIError) as refused:
        with write_transaction(replica) as conn:
            upsert(conn, items, [guest])  # the product does not exist: the foreign key refuses it
    told = "".join(traceback.format_exception(refused.value))
    assert "ada.lovelace" not in told and "Lovelace" not in told
