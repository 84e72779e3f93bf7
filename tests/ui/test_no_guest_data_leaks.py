"""A full demo round with "hide names" on — every verdict, an outage, a conflict, search, the manager view,
an export, `usher conflicts`, setup — and then a grep of everything it left behind: the log (every logger at
DEBUG, and stdout/stderr), the exported CSV, the command's output, the screenshots and every text on screen.
Neither the API key nor any guest's e-mail or surname may be in any of it.

What "the screenshots" means here, honestly: the PNG files are grepped as bytes (text a PNG could carry in
its metadata), and what is drawn in them is checked through the texts of every widget on screen at the moment
each one is taken (labels, buttons, fields, tooltips, accessible names, table cells) — not by reading the
pixels back (no OCR)."""
from __future__ import annotations

import logging
import os
import re
import time
from pathlib import Path

from ui_helpers import PIN, QUICK_COST, open_search, widget_texts

from app.cli.compose import build_kiosk
from app.cli.demo import DemoWorld, _station_settings, sync_demo_replica
from app.cli.main import main
from app.config import save_settings
from app.demo_data import scripted_round
from app.demo_data import demo_users
from app.secrets import hash_pin
from app.sync.status import Connectivity


def record_a_conflict(replica, item_uuid: str) -> None:  # type: ignore[no-untyped-def]
    """What the sync engine records when the server refuses a use the door accepted (a 422)."""
    from sqlalchemy import insert

    from app.demo_data import GA
    from app.services.reports import conflicts_table
    from app.store.db import write_transaction

    with write_transaction(replica) as conn:
        conn.execute(insert(conflicts_table).values(
            op_uuid="op-leak", item_uuid=item_uuid, product_id=GA.id, station="Door 1", scanned_at=time.time() - 60,
            refused_at=time.time(), server_message="Item already fully redeemed"))


def test_a_demo_round_with_hidden_names_leaves_no_key_and_no_guest_anywhere(qtbot, tmp_path, caplog, capfd):
    caplog.set_level(logging.DEBUG)
    shots, texts = tmp_path / "shots", []
    shots.mkdir()
    world = DemoWorld(tmp_path)
    kiosk = None
    try:
        sync_demo_replica(world)
        settings = world.settings.model_copy(update={"hide_names": True, "pin_hash": hash_pin(PIN, QUICK_COST)})
        kiosk = build_kiosk(world.replica, settings, world.api_key, None,
                            settings_file=tmp_path / "config" / "settings.json")
        window = kiosk.window
        window.resize(1280, 800)
        window.show()

        def shoot(name: str) -> None:
            qtbot.waitUntil(window.idle, timeout=5000)
            window.poll_sync()
            window.save_screenshot(shots / f"{name}.png")
            texts.extend(widget_texts(window))

        for n, scan in enumerate(scripted_round(), 1):
            if scan.offline and world.network_up:
                world.set_network(False)
            window.apply_settings(settings.model_copy(update={"station": _station_settings(scan.station)}))
            with qtbot.waitSignal(window.verdict_shown, timeout=10_000):
                window.on_payload(scan.payload)
            if scan.offline:
                qtbot.waitUntil(lambda: kiosk.engine.status().connectivity is Connectivity.OFFLINE, timeout=10_000)
            shoot(f"{n:02d}-{scan.note}")
        world.set_network(True)
        kiosk.engine.sync_now()
        qtbot.waitUntil(lambda: kiosk.engine.status().waiting == 0, timeout=30_000)

        open_search(window)
        for query in ("@", "example.com", "ada"):  # a surname typed would be on screen as typed
            window.search_page.field.setText(query)
            window.search_page.search()
            qtbot.waitUntil(lambda: window.search_page.message.text() != "Searching…", timeout=3000)
            shoot(f"search-{query}")
        record_a_conflict(world.replica, scripted_round()[0].payload)
        window.open_manager()
        qtbot.waitUntil(lambda: window.manager_page.report is not None, timeout=5000)
        shoot("manager")
        assert window.manager_page.conflicts.rowCount() == 1
        save_settings(settings, tmp_path / "config" / "settings.json")
        umask = os.umask(0o077)  # `usher` narrows the process's umask: give the other tests theirs back
        try:
            assert main(["--db", f"sqlite:///{tmp_path / 'replica.db'}", "conflicts"]) == 0
        finally:
            os.umask(umask)
        export = tmp_path / "usher-scans.csv"
        window.manager_page.export_csv(export)
        qtbot.waitUntil(lambda: window.manager_page.message.text().startswith("Exported"), timeout=5000)
        window.open_setup()
        shoot("setup")
    finally:
        if kiosk is not None:
            kiosk.close()
        world.close()
    time.sleep(0.1)
    captured = capfd.readouterr()

    left_behind = {
        "log": caplog.text + captured.out + captured.err,
        "export": export.read_text(encoding="utf-8"),
        "usher conflicts": captured.out,
        "screen": "\n".join(texts),
        **{f"screenshot {p.name}": p.read_bytes().decode("latin-1") for p in sorted(shots.iterdir())},
    }
    secrets = {"the API key": world.api_key, **{u.email: u.email for u in demo_users()},
               **{u.last_name: u.last_name for u in demo_users()}}
    found = [(what, where) for where, text in left_behind.items() for what, secret in secrets.items()
             if (secret.lower() in text.lower() if what == "the API key"  # anywhere, even inside another word
                 else re.search(rf"(?<![\w-]){re.escape(secret.lower())}(?![\w-])", text.lower()))]  # a whole word
    assert found == []
    assert len(list(shots.iterdir())) == len(scripted_round()) + 5
    assert "holder" in left_behind["export"].splitlines()[0]  # the column is there, empty
    assert "General Admission #1: accepted at Door 1" in captured.out  # the conflict, without its holder
