"""The demo's box-office round: a walk-up guest buys a ticket at the desk, the ticket is printed to a PDF, and the
printed ticket — read by the scanner's own decoder — is scanned at the door."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from app.demo_data import GA, demo_users
from app.domain.verdict import Verdict
from app.scan.decode import QrDecoder
from app.ui.main_window import MainWindow
from app.ui.ticket_print import Layout, grey_pixels, render_image

TICKET_PDF = "walk-up-ticket.pdf"
LAYOUT = Layout.RECEIPT_80
Wait = Callable[[Callable[[], object], float], bool]


def play(window: MainWindow, out_dir: Path, wait: Wait, shot: Callable[[str], None]) -> Verdict | None:
    """Sells one General Admission ticket to a walk-up guest at the window's box office, prints it to
    `out_dir`/walk-up-ticket.pdf, and scans the printed code at the window's door. Returns the door's verdict,
    None when a step did not happen (said on standard error by the caller)."""
    page = window.box_office_page
    guest = demo_users()[1]
    window.manager_session.unlock()  # the demo's manager stands at the desk
    window.open_box_office()
    if not wait(lambda: page.product_buttons.buttons(), 10):
        return None
    page.product_button(GA.name).click()
    page.customer.set_text(guest.email)
    if not wait(lambda: page.customer.chosen is not None, 10):
        return None
    page.issue_button.click()
    shot("box-office-sale")
    handed: list[object] = []
    page.tickets_shown.connect(handed.append)
    page.confirm_button.click()
    if not wait(lambda: handed, 20):
        return None
    view = page.ticket_view
    view.layout_choice.setCurrentIndex(list(Layout).index(LAYOUT))
    pdf = view.save_pdf(out_dir / TICKET_PDF)
    shot("box-office-ticket")
    if pdf is None:
        return None
    ticket = view.current
    printed = [d.text for d in QrDecoder().decode(grey_pixels(render_image(ticket, LAYOUT)))]  # the ticket as printed
    print(f"box office: sold {GA.name} No. {ticket.item_number} to {guest.first_name} {guest.last_name}"
          f"{' (issued offline)' if ticket.provisional else ''}; the ticket printed to {pdf}", flush=True)
    verdicts: list[Verdict] = []
    window.verdict_shown.connect(lambda verdict, _latency: verdicts.append(verdict))
    window.show_scanning()
    for text in printed:
        window.on_payload(text)
    if not printed or not wait(lambda: verdicts, 10):
        return None
    return verdicts[0]
