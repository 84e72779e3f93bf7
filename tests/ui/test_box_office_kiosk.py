"""The box office's promise, on a whole kiosk as `usher kiosk` builds it (its sync engine running against the
simulator on real HTTP): with the network cut, a walk-up guest is sold a ticket, the ticket is printed, and the
printed code admits them at the door; when the network returns, the server holds exactly that item, with that
one use."""
from __future__ import annotations

import numpy as np
import pypdfium2
from ui_helpers import scan

from app import demo_data as demo
from app.cli.compose import build_kiosk
from app.config import Settings
from app.domain.verdict import VerdictKind
from app.scan.decode import QrDecoder
from app.simulator.demo_data import DEMO_WRITE_KEY
from app.simulator.faults import FaultSettings
from app.sync.status import Connectivity
from app.ui.ticket_print import Layout
from box_office_world import PRODUCT_IDS, world  # noqa: F401  (world: a pytest fixture)

GRACE = demo.demo_users()[1]  # a customer of the project, holding 2 of the 4 General Admission tickets allowed


def all_items(client, product_id: str) -> list:  # type: ignore[no-untyped-def, type-arg]
    found, page = [], 1
    while (listed := client.list_items(product_id, page=page, limit=1000)).items:
        found += listed.items
        page += 1
    return found


def test_with_the_network_cut_a_walk_up_guest_is_sold_printed_and_admitted_and_the_server_then_holds_that_one_item_with_one_use(
        qtbot, world, tmp_path) -> None:
    settings = Settings.model_validate({
        "api": {"base_url": world.simulator.url, "timeout_s": 1.5, "settle_window_s": 3.0},
        "station": {"name": "Door 1", "preset": "door"},  # a door that also sells
        "product_ids": PRODUCT_IDS, "camera": "none"})
    with world.client() as client:
        before = {str(item.id) for item in all_items(client, demo.GA.id)}
    kiosk = build_kiosk(world.replica, settings, DEMO_WRITE_KEY, None)
    window = kiosk.window
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    try:
        world.simulator.faults = FaultSettings(dark=True)  # the network is cut

        window.manager_session.unlock()
        window.open_box_office()
        page = window.box_office_page
        qtbot.waitUntil(lambda: page.product_buttons.buttons() != [])
        page.product_button("General Admission").click()
        page.customer.set_text(GRACE.email)
        qtbot.waitUntil(lambda: page.customer.chosen is not None)
        page.issue_button.click()
        with qtbot.waitSignal(page.tickets_shown, timeout=20000) as shown:
            page.confirm_button.click()
        ticket = shown.args[0][0]
        assert ticket.provisional and page.ticket_view.offline_note.isVisible()
        assert window.sync.status().connectivity is Connectivity.OFFLINE

        page.ticket_view.layout_choice.setCurrentIndex(list(Layout).index(Layout.RECEIPT_58))
        printed = page.ticket_view.save_pdf(tmp_path / "walk-up.pdf")
        paper = pypdfium2.PdfDocument(str(printed))[0].render(scale=203 / 72).to_pil().convert("L")
        read = [d.text for d in QrDecoder().decode(np.asarray(paper))]
        assert read == [ticket.code]

        window.show_scanning()
        verdict = scan(qtbot, window, read[0])
        assert verdict.kind is VerdictKind.ACCEPTED and verdict.reason == "Issued offline at Door 1, not yet confirmed"

        world.simulator.faults = FaultSettings()  # the network is back
        kiosk.engine.sync_now()
        qtbot.waitUntil(lambda: kiosk.engine.status().waiting == 0, timeout=60000)

        with world.client() as client:
            new = [item for item in all_items(client, demo.GA.id) if str(item.id) not in before]
        assert [(item.user.email, item.redemption_count) for item in new] == [(GRACE.email, 1)]
        assert page.desk.tickets(page.last_sale.local_ids)[0].code == str(new[0].id)  # the printed code, mapped
    finally:
        kiosk.close()
