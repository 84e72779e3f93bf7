"""Tickets on paper, through Qt's printing: one painting of a ticket (its QR code as crisp squares, then the
event, product, holder, number, when and where, and "Issued offline, not yet confirmed" where it applies),
laid out for a 58 mm or 80 mm receipt printer, or an A4 or Letter page — sent to a printer, written to a PDF,
or drawn on an image (the same code, so what the tests decode is what prints).
"""
from __future__ import annotations

import enum
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import qrcode
from PySide6.QtCore import QMarginsF, QRectF, QSizeF, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

from app.domain.ticket import OFFLINE_NOTE, Ticket

MM_PER_INCH = 25.4
QUIET_ZONE = 4  # modules of white around the code, as the QR standard asks


@dataclass(frozen=True, slots=True)
class Paper:
    label: str
    width_mm: float
    height_mm: float
    margin_mm: float
    code_mm: float  # the QR code's side, quiet zone included
    text_pt: float


class Layout(enum.Enum):
    """Where a ticket is printed. Receipt rolls are cut at the ticket's length; the printable width of a 58 mm
    roll is about 48 mm, of an 80 mm roll about 72 mm."""

    RECEIPT_58 = Paper("58 mm receipt", 58, 100, 5, 48, 7.5)
    RECEIPT_80 = Paper("80 mm receipt", 80, 120, 4, 64, 9)
    A4 = Paper("A4", 210, 297, 20, 90, 14)
    LETTER = Paper("Letter", 215.9, 279.4, 20, 90, 14)

    @property
    def paper(self) -> Paper:
        return self.value  # type: ignore[no-any-return]


def qr_modules(code: str) -> list[list[bool]]:
    """The QR symbol of `code`, dark modules True, with its quiet zone (error correction M: a crease or a
    smudge still reads)."""
    symbol = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=QUIET_ZONE)
    symbol.add_data(code)
    symbol.make(fit=True)
    return symbol.get_matrix()  # type: ignore[no-any-return]


def paint_code(painter: QPainter, modules: list[list[bool]], square: QRectF) -> None:
    """The code in `square`, each module a filled square on white (whole device pixels where they fit)."""
    count = len(modules)
    step = square.width() / count
    painter.fillRect(square, QColor("white"))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor("black"))
    # One call for every module: thousands of drawRect calls trip a reference-count bug of PySide 6.12.
    painter.drawRects([QRectF(square.left() + column * step, square.top() + row * step, step, step)
                       for row, line in enumerate(modules) for column, dark in enumerate(line) if dark])


def paint_ticket(painter: QPainter, ticket: Ticket, layout: Layout, dots_per_mm: float) -> None:
    """The whole ticket on a page of `layout`'s size, `dots_per_mm` being the device's resolution."""
    paper = layout.paper
    margin = paper.margin_mm * dots_per_mm
    width = paper.width_mm * dots_per_mm
    painter.fillRect(QRectF(0, 0, width, paper.height_mm * dots_per_mm), QColor("white"))
    side = paper.code_mm * dots_per_mm
    left = (width - side) / 2
    paint_code(painter, qr_modules(ticket.code), QRectF(left, margin, side, side))
    text_box = QRectF(margin, margin + side + paper.text_pt * dots_per_mm * 0.2, width - 2 * margin,
                      paper.height_mm * dots_per_mm - side - 2 * margin)
    painter.setPen(QColor("black"))
    y = text_box.top()
    for n, line in enumerate(ticket.lines):
        font = QFont("DejaVu Sans")
        point = paper.text_pt * (1.35 if n in (0, 1) else 1.0)  # the event and the product stand out
        font.setPixelSize(max(1, round(point / 72 * MM_PER_INCH * dots_per_mm)))
        font.setBold(n == 1 or line == OFFLINE_NOTE)
        painter.setFont(font)
        box = painter.boundingRect(QRectF(text_box.left(), y, text_box.width(), text_box.bottom() - y),
                                   Qt.AlignmentFlag.AlignHCenter | Qt.TextFlag.TextWordWrap, line)
        painter.drawText(box, Qt.AlignmentFlag.AlignHCenter | Qt.TextFlag.TextWordWrap, line)
        y = box.bottom() + font.pixelSize() * 0.25


def page_layout(layout: Layout) -> QPageLayout:
    paper = layout.paper
    size = QPageSize(QSizeF(paper.width_mm, paper.height_mm), QPageSize.Unit.Millimeter, paper.label,
                     QPageSize.SizeMatchPolicy.ExactMatch)
    return QPageLayout(size, QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Millimeter)


def _print(ticket: Ticket, layout: Layout, printer: QPrinter) -> None:
    printer.setFullPage(True)
    printer.setPageLayout(page_layout(layout))
    printer.setDocName(f"Ticket — {ticket.product}")
    painter = QPainter()
    if not painter.begin(printer):
        raise OSError(f"The printer {printer.printerName() or printer.outputFileName()} cannot be used")
    try:
        paint_ticket(painter, ticket, layout, printer.resolution() / MM_PER_INCH)
    finally:
        painter.end()


def print_to_pdf(ticket: Ticket, layout: Layout, path: Path) -> Path:
    """The ticket as a one-page PDF at `path` (a page of the layout's size)."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    _print(ticket, layout, printer)
    return path


def default_printer() -> str | None:
    """The system's default printer's name; None when the computer has no printer set up."""
    info = QPrinterInfo.defaultPrinter()
    return None if info.isNull() else info.printerName()


def print_on_printer(ticket: Ticket, layout: Layout, printer_name: str) -> None:
    printer = QPrinter(QPrinterInfo.printerInfo(printer_name), QPrinter.PrinterMode.HighResolution)
    _print(ticket, layout, printer)


def grey_pixels(image: QImage) -> np.ndarray:
    """`image` as the scanner's decoder takes a frame: one byte of grey a pixel, rows without padding."""
    image = image.convertToFormat(QImage.Format.Format_Grayscale8)
    rows = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())
    return rows[:, :image.width()].copy()


def render_image(ticket: Ticket, layout: Layout, dots_per_inch: float = 203) -> QImage:
    """The ticket drawn as a printer of `dots_per_inch` would (203: a thermal receipt printer)."""
    paper = layout.paper
    dots_per_mm = dots_per_inch / MM_PER_INCH
    image = QImage(round(paper.width_mm * dots_per_mm), round(paper.height_mm * dots_per_mm),
                   QImage.Format.Format_RGB32)
    painter = QPainter(image)
    try:
        paint_ticket(painter, ticket, layout, dots_per_mm)
    finally:
        painter.end()
    return image

