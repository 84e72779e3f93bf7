"""The tickets of a sale, one at a time, full screen: the QR code as large as the screen allows for the guest's
phone to photograph, what the ticket says beside it, and printing (app/ui/ticket_print.py) — to the computer's
printer, or to a PDF when it has none."""
from __future__ import annotations

import math
import re
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import platformdirs
from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from app.domain.ticket import OFFLINE_NOTE, Ticket
from app.ui.search_page import initials
from app.ui.ticket_print import Layout, default_printer, paint_code, print_on_printer, print_to_pdf, qr_modules

OFFLINE_COLOURS = ("#F0E442", "#111111")  # Okabe-Ito yellow, as the OFFLINE badge: not a verdict colour


def tickets_dir() -> Path:
    """Where tickets are saved as PDF when no printer is set up."""
    return Path(platformdirs.user_data_dir("usher", appauthor=False)) / "tickets"


class QrCode(QWidget):
    """A QR code drawn with whole pixels per module, as large as the widget, on white."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._modules: list[list[bool]] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(200, 200)

    def show_code(self, code: str) -> None:
        self._modules = qr_modules(code)
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        if not self._modules:
            return
        count = len(self._modules)
        module = max(1, math.floor(min(self.width(), self.height()) / count))
        side = module * count
        square = QRectF((self.width() - side) // 2, (self.height() - side) // 2, side, side)
        painter = QPainter(self)
        try:
            paint_code(painter, self._modules, square)
        finally:
            painter.end()


class TicketView(QWidget):
    done = Signal()
    activity = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tickets: list[Ticket] = []
        self.hide_names = False  # initials on screen; the printed ticket keeps its guest's name
        self.index = 0
        self.output_dir = tickets_dir()
        self.headline = QLabel()
        self.headline.setObjectName("ticketHeadline")
        self.headline.setWordWrap(True)
        self.offline_note = QLabel(f"{OFFLINE_NOTE}: it admits at the venue's doors now")
        self.offline_note.setObjectName("offlineNote")
        self.offline_note.setWordWrap(True)
        self.offline_note.setStyleSheet(f"background:{OFFLINE_COLOURS[0]}; color:{OFFLINE_COLOURS[1]}; "
                                        "border-radius:8px; padding:8px 12px; font-size:14pt; font-weight:bold;")
        self.code = QrCode()
        self.details = QLabel()
        self.details.setObjectName("ticketDetails")
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.TextFormat.PlainText)
        self.details.setStyleSheet("font-size:16pt;")
        self.position = QLabel()
        self.position.setObjectName("hintText")
        self.layout_choice = QComboBox()
        for layout in Layout:
            self.layout_choice.addItem(layout.paper.label, layout)
        self.print_button = QPushButton("Print")
        self.print_button.setObjectName("primaryButton")
        self.pdf_button = QPushButton("PDF")
        self.pdf_button.setToolTip("Save the ticket as a PDF")
        self.previous_button = QPushButton("◀")
        self.previous_button.setToolTip("Previous ticket")
        self.next_button = QPushButton("Next ▶")
        self.next_button.setToolTip("Next ticket")
        self.done_button = QPushButton("Done — next sale")
        self.message = QLabel()
        self.message.setObjectName("hintText")
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)

        self.print_button.clicked.connect(self.print_current)
        self.pdf_button.clicked.connect(lambda: self.save_pdf())
        self.previous_button.clicked.connect(lambda: self._move(-1))
        self.next_button.clicked.connect(lambda: self._move(1))
        self.done_button.clicked.connect(self.done.emit)

        side = QVBoxLayout()
        side.addWidget(self.headline)
        side.addWidget(self.offline_note)
        side.addWidget(self.details)
        side.addWidget(self.position)
        side.addStretch(1)
        printing = QHBoxLayout()
        printing.addWidget(self.layout_choice, 1)
        printing.addWidget(self.print_button)
        printing.addWidget(self.pdf_button)
        side.addLayout(printing)
        paging = QHBoxLayout()
        paging.addWidget(self.previous_button)
        paging.addWidget(self.next_button)
        paging.addWidget(self.done_button, 1)
        side.addLayout(paging)
        side.addWidget(self.message)
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 12, 12, 12)
        row.addWidget(self.code, 3)
        row.addLayout(side, 2)

    def show_tickets(self, tickets: list[Ticket], headline: str) -> None:
        self.tickets, self.index = tickets, 0
        self.headline.setText(headline)
        self.message.setText("")
        self._show_current()

    @property
    def current(self) -> Ticket:
        return self.tickets[self.index]

    def _move(self, step: int) -> None:
        self.activity.emit()
        self.index = max(0, min(len(self.tickets) - 1, self.index + step))
        self._show_current()

    def _show_current(self) -> None:
        ticket = self.current
        self.code.show_code(ticket.code)
        shown = replace(ticket, holder=initials(ticket.holder)) if self.hide_names and ticket.holder else ticket
        self.details.setText("\n".join(line for line in shown.lines if line != OFFLINE_NOTE))
        self.offline_note.setVisible(ticket.provisional)
        many = len(self.tickets) > 1
        self.position.setText(f"Ticket {self.index + 1} of {len(self.tickets)}" if many else "")
        self.previous_button.setVisible(many)
        self.next_button.setVisible(many)
        self.previous_button.setEnabled(self.index > 0)
        self.next_button.setEnabled(self.index < len(self.tickets) - 1)

    def chosen_layout(self) -> Layout:
        return self.layout_choice.currentData()  # type: ignore[no-any-return]

    def save_pdf(self, path: Path | None = None) -> Path | None:
        """The current ticket as a PDF in the chosen layout (by default in the tickets folder)."""
        self.activity.emit()
        ticket = self.current
        if path is None:
            stamp = datetime.fromtimestamp(ticket.issued_at).strftime("%Y%m%d-%H%M%S")
            name = re.sub(r"[^A-Za-z0-9]+", "-", ticket.product).strip("-") or "ticket"
            path = self.output_dir / f"ticket-{stamp}-{name}-{self.index + 1}.pdf"
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            print_to_pdf(ticket, self.chosen_layout(), path)
        except OSError as exc:
            self.message.setText(f"Could not save the ticket: {exc.strerror or exc}")
            return None
        self.message.setText(f"Saved to {path}")
        return path

    def print_current(self) -> None:
        """On the computer's default printer; with none set up, as a PDF in the tickets folder."""
        self.activity.emit()
        printer = default_printer()
        if printer is None:
            if (saved := self.save_pdf()) is not None:
                self.message.setText(f"No printer is set up: saved as PDF instead, to {saved}")
            return
        try:
            print_on_printer(self.current, self.chosen_layout(), printer)
        except OSError as exc:
            self.message.setText(str(exc))
            return
        self.message.setText(f"Sent to {printer} ({self.chosen_layout().paper.label})")

