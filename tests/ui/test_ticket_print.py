"""Printed and shown tickets scan back at the door: each layout is printed to a PDF through Qt's printing, the
PDF rasterised as a printer would put it on paper, read by the scanner's own decoder, and redeemed at a door
that never saw the sale (it trusts the venue's key); the code shown on screen is grabbed and read the same way."""
from __future__ import annotations

import numpy as np
import pypdfium2
import pytest

from app import demo_data as demo
from app.demo_data import DEMO_REPLICA
from app.domain.rules import Preset, StationRules
from app.domain.verdict import VerdictKind
from app.scan.decode import QrDecoder
from app.services.box_office import BoxOffice, Sale
from app.services.importer import import_file
from app.services.station import Station
from app.store import venue_keys
from app.store.db import open_replica, read_transaction, write_transaction
from app.ui.ticket_print import MM_PER_INCH, Layout, grey_pixels, print_to_pdf, render_image
from app.ui.ticket_view import TicketView

DOOR = StationRules("Door 2", Preset.DOOR)
ANNA = demo.demo_users()[0]


@pytest.fixture
def box_and_door(tmp_path):
    """The box office's replica and a door's own replica, both from the demo import; the door trusts the box
    office's key (usher venue-key --trust)."""
    box, door = (open_replica(f"sqlite:///{tmp_path / name}") for name in ("box.db", "door.db"))
    for replica in (box, door):
        import_file(replica, DEMO_REPLICA)
    desk = BoxOffice(box, "Box 1")
    sale = desk.sell(demo.GA.id, ANNA.email)  # the first sale makes the venue key
    assert isinstance(sale, Sale)
    with read_transaction(box) as conn:
        public = venue_keys.signing_key(conn).public_hex  # type: ignore[union-attr]
    with write_transaction(door) as conn:
        venue_keys.trust(conn, public, 0.0)
    yield desk, Station(door, DOOR)
    box.dispose()
    door.dispose()


def pdf_raster(path, dots_per_inch: float) -> tuple[np.ndarray, tuple[float, float]]:
    """The PDF's page as a printer of `dots_per_inch` puts it on paper, and the page's size in mm."""
    page = pypdfium2.PdfDocument(str(path))[0]
    width_pt, height_pt = page.get_size()
    picture = page.render(scale=dots_per_inch / 72).to_pil().convert("L")
    return np.asarray(picture), (width_pt / 72 * MM_PER_INCH, height_pt / 72 * MM_PER_INCH)


@pytest.mark.parametrize("layout", list(Layout), ids=[layout.name for layout in Layout])
def test_a_ticket_printed_offline_in_each_layout_is_read_by_the_scanner_and_admitted_at_another_door(
        qapp, tmp_path, box_and_door, layout) -> None:
    desk, door = box_and_door
    sale = desk.sell(demo.GA.id, ANNA.email)
    assert isinstance(sale, Sale)
    ticket = desk.tickets(sale.local_ids)[0]
    assert ticket.provisional and ticket.code.startswith("USHER1.")
    path = print_to_pdf(ticket, layout, tmp_path / f"{layout.name}.pdf")

    raster, size_mm = pdf_raster(path, 203)  # a thermal receipt printer's resolution
    assert size_mm == pytest.approx((layout.paper.width_mm, layout.paper.height_mm), abs=0.5)
    read = [d.text for d in QrDecoder().decode(raster)]
    assert read == [ticket.code]
    verdict = door.redeem(read[0])
    assert verdict.kind is VerdictKind.ACCEPTED and verdict.reason == "Issued offline at Box 1, not yet confirmed"
    assert door.redeem(read[0]).kind is VerdictKind.ALREADY_USED


@pytest.mark.parametrize("dots_per_inch", [150, 300])
def test_the_narrowest_receipt_reads_at_a_coarse_and_a_fine_printer(qapp, box_and_door, dots_per_inch) -> None:
    desk, _door = box_and_door
    sale = desk.sell(demo.GA.id, ANNA.email)
    ticket = desk.tickets(sale.local_ids)[0]  # type: ignore[union-attr]
    image = render_image(ticket, Layout.RECEIPT_58, dots_per_inch)
    assert [d.text for d in QrDecoder().decode(grey_pixels(image))] == [ticket.code]


def test_the_code_shown_full_screen_is_read_by_the_scanner_and_admitted(qtbot, box_and_door) -> None:
    desk, door = box_and_door
    sale = desk.sell(demo.GA.id, ANNA.email, quantity=2)
    tickets = desk.tickets(sale.local_ids)  # type: ignore[union-attr]
    view = TicketView()
    qtbot.addWidget(view)
    view.resize(1024, 600)
    view.show()
    view.show_tickets(tickets, "SOLD — 2 tickets")
    view.next_button.click()
    assert view.position.text() == "Ticket 2 of 2" and view.offline_note.isVisible()
    read = [d.text for d in QrDecoder().decode(grey_pixels(view.code.grab().toImage()))]
    assert read == [tickets[1].code]
    assert door.redeem(read[0]).accepted


def test_a_ticket_saved_as_pdf_without_a_printer_says_where_it_went(qtbot, tmp_path, box_and_door) -> None:
    desk, _door = box_and_door
    sale = desk.sell(demo.GA.id, ANNA.email)
    view = TicketView()
    qtbot.addWidget(view)
    view.output_dir = tmp_path / "tickets"
    view.show_tickets(desk.tickets(sale.local_ids), "SOLD")  # type: ignore[union-attr]
    view.layout_choice.setCurrentIndex(list(Layout).index(Layout.RECEIPT_80))
    saved = view.save_pdf()
    assert saved is not None and saved.parent == tmp_path / "tickets" and saved.stat().st_size > 1000
    assert view.message.text() == f"Saved to {saved}"
