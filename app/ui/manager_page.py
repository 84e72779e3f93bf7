"""The manager view (behind the PIN): counts per product and station, entries over time, conflicts,
the sync queue, CSV export of the scan log, and the way to station setup and kiosk mode."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import Engine

from app.services.reports import (
    ConflictRow,
    ProductCount,
    QueueSummary,
    StationCount,
    conflicts,
    entries_over_time,
    export_scans_csv,
    product_counts,
    station_counts,
    sync_queue,
)
from app.ui.background import Background
from app.ui.theme import CHROME_MUTED, CHROME_SURFACE, CHROME_TEXT

BUCKET_S = 300  # entries per 5 minutes
ADMISSION_TYPES = ("admission", "presale")  # one checked-in item of these is one person inside
ENTRY_BAR_COLOUR = "#2FA35A"


@dataclass(frozen=True, slots=True)
class ManagerReport:
    products: list[ProductCount]
    stations: list[StationCount]
    entries: list[tuple[float, int]]
    conflicts: list[ConflictRow]
    queue: QueueSummary


def load_report(engine: Engine) -> ManagerReport:
    return ManagerReport(product_counts(engine), station_counts(engine), entries_over_time(engine, BUCKET_S),
                         conflicts(engine), sync_queue(engine))


def clock_text(ts: float) -> str:
    return datetime.fromtimestamp(ts).strftime("%H:%M")


def queue_text(queue: QueueSummary) -> str:
    parts = [f"{queue.pending} pending", f"{queue.in_flight} sending", f"{queue.unknown} being checked",
             f"{queue.rejected} refused", f"{queue.done} done"]
    oldest = f" · oldest waiting since {clock_text(queue.oldest_waiting_at)}" if queue.oldest_waiting_at else ""
    return " · ".join(parts) + oldest


def _table(columns: tuple[str, ...], stretch_column: int = 0) -> QTableWidget:
    table = QTableWidget(0, len(columns))
    table.setHorizontalHeaderLabels(columns)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
    table.verticalHeader().hide()
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch_column, QHeaderView.ResizeMode.Stretch)
    return table


def _fill(table: QTableWidget, rows: list[tuple[object, ...]]) -> None:
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            item = QTableWidgetItem(str(value))
            if isinstance(value, int):
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(r, c, item)


def _section_title(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("sectionTitle")
    return label


class Card(QFrame):
    """A big number with a caption."""

    def __init__(self, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        self.value = QLabel("–")
        self.value.setObjectName("cardValue")
        self.caption = QLabel(caption)
        self.caption.setObjectName("cardCaption")
        column = QVBoxLayout(self)
        column.setContentsMargins(18, 12, 18, 12)
        column.addWidget(self.value)
        column.addWidget(self.caption)


class EntriesChart(pg.PlotWidget):
    """Accepted scans per 5 minutes, as bars over the clock time."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, background=CHROME_SURFACE, axisItems={"bottom": pg.DateAxisItem()})
        self.setMenuEnabled(False)
        self.setMouseEnabled(False, False)
        self.hideButtons()
        self.setTitle("Entries per 5 minutes", color=CHROME_TEXT, size="13pt")
        for name in ("left", "bottom"):
            axis = self.getAxis(name)
            axis.setPen(pg.mkPen(CHROME_MUTED))
            axis.setTextPen(pg.mkPen(CHROME_TEXT))
        self.bars: pg.BarGraphItem | None = None

    def show_entries(self, entries: list[tuple[float, int]]) -> None:
        if self.bars is not None:
            self.removeItem(self.bars)
            self.bars = None
        if not entries:
            self.setTitle("Entries per 5 minutes — none yet", color=CHROME_TEXT, size="13pt")
            return
        self.setTitle("Entries per 5 minutes", color=CHROME_TEXT, size="13pt")
        self.bars = pg.BarGraphItem(
            x=[start + BUCKET_S / 2 for start, _ in entries],
            height=[count for _, count in entries],
            width=BUCKET_S * 0.85,
            brush=ENTRY_BAR_COLOUR,
            pen=pg.mkPen(None),
        )
        self.addItem(self.bars)
        self.setYRange(0, max(count for _, count in entries) * 1.15, padding=0)


class ManagerPage(QWidget):
    back_requested = Signal()
    setup_requested = Signal()
    kiosk_requested = Signal()  # lock or leave kiosk mode
    sync_now_requested = Signal()

    def __init__(self, engine: Engine, reader: Background, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("managerPage")
        self._engine = engine
        self._reader = reader
        self.report: ManagerReport | None = None

        title = QLabel("Manager")
        title.setObjectName("pageTitle")
        self.people_card = Card("people in (tickets checked in)")
        self.waiting_card = Card("waiting to sync")
        self.conflict_card = Card("refused by the server after acceptance")
        self.queue = QLabel()
        self.queue.setObjectName("hintText")
        self.message = QLabel()
        self.message.setObjectName("hintText")
        self.message.setTextFormat(Qt.TextFormat.PlainText)

        self.products = _table(("Product", "Issued", "Checked in", "Fully used", "Uses left"))
        self.stations = _table(("Station", "Accepted", "Refused"))
        self.conflicts = _table(("Ticket", "Accepted here", "Refused by the server"), stretch_column=2)
        self.chart = EntriesChart()

        self.refresh_button = QPushButton("Refresh")
        self.refresh_button.clicked.connect(self.refresh)
        self.sync_button = QPushButton("Sync now")
        self.sync_button.clicked.connect(self.sync_now_requested.emit)
        self.export_button = QPushButton("Export scans (CSV)…")
        self.export_button.clicked.connect(self._choose_export_file)
        self.setup_button = QPushButton("Station setup")
        self.setup_button.clicked.connect(self.setup_requested.emit)
        self.kiosk_button = QPushButton()
        self.kiosk_button.clicked.connect(self.kiosk_requested.emit)
        back = QPushButton("Back to scanning")
        back.setObjectName("primaryButton")
        back.clicked.connect(self.back_requested.emit)
        self.set_kiosk_locked(False)

        actions = QHBoxLayout()
        actions.addWidget(title)
        actions.addStretch(1)
        for button in (self.refresh_button, self.sync_button, self.export_button, self.setup_button,
                       self.kiosk_button, back):
            actions.addWidget(button)
        cards = QHBoxLayout()
        for card in (self.people_card, self.waiting_card, self.conflict_card):
            cards.addWidget(card, 1)
        self.conflicts_title = _section_title("Conflicts")
        grid = QGridLayout()
        grid.setVerticalSpacing(6)
        grid.addWidget(_section_title("Products"), 0, 0)
        grid.addWidget(self.products, 1, 0)
        grid.addWidget(self.chart, 0, 1, 2, 1)
        grid.addWidget(_section_title("Stations"), 2, 0)
        grid.addWidget(self.stations, 3, 0)
        grid.addWidget(self.conflicts_title, 2, 1)
        grid.addWidget(self.conflicts, 3, 1)
        grid.setColumnStretch(0, 5)
        grid.setColumnStretch(1, 4)
        grid.setRowStretch(1, 3)
        grid.setRowStretch(3, 2)
        column = QVBoxLayout(self)
        column.setContentsMargins(24, 16, 24, 16)
        column.addLayout(actions)
        column.addLayout(cards)
        column.addWidget(self.queue)
        column.addLayout(grid, 1)
        column.addWidget(self.message)

    def set_kiosk_locked(self, locked: bool) -> None:
        self.kiosk_button.setText("Leave kiosk mode" if locked else "Lock kiosk (full screen)")

    def refresh(self) -> None:
        self.message.setText("Loading…")
        self._reader.submit(lambda: load_report(self._engine), self._show, self.message.setText)

    def _show(self, report: ManagerReport) -> None:
        self.report = report
        self.message.clear()
        names = {p.product_id: p.name for p in report.products}
        admissions = [p for p in report.products if p.type in ADMISSION_TYPES]
        self.people_card.value.setText(f"{sum(p.checked_in for p in admissions)} of {sum(p.issued for p in admissions)}")
        self.waiting_card.value.setText(str(report.queue.waiting))
        self.conflict_card.value.setText(str(len(report.conflicts)))
        self.conflicts_title.setText("Conflicts — accepted here, refused by the server" if report.conflicts
                                     else "Conflicts — none: the server agreed with every scan")
        self.queue.setText("Sync queue: " + queue_text(report.queue))
        _fill(self.products, [(p.name, p.issued, p.checked_in, p.fully_used, p.uses_left) for p in report.products])
        _fill(self.stations, [(s.station, s.accepted, s.refused) for s in report.stations])
        _fill(self.conflicts, [
            (f"{names.get(c.product_id, 'Unknown product')} · {c.item_uuid[:8]}",
             f"{clock_text(c.scanned_at)} at {c.station}",
             f"{clock_text(c.refused_at)}: {c.server_message}" if c.server_message else clock_text(c.refused_at))
            for c in report.conflicts
        ])
        self.chart.show_entries(report.entries)

    def export_csv(self, path: Path) -> None:
        """Writes the scan log to `path` (in the background); the message line says how it went."""
        self.message.setText("Exporting…")
        self._reader.submit(
            lambda: export_scans_csv(self._engine, path),
            lambda rows: self.message.setText(f"Exported {rows} scans to {path}"),
            lambda error: self.message.setText(f"Could not export to {path}: {error}"),
        )

    def _choose_export_file(self) -> None:
        default = f"usher-scans-{datetime.now():%Y%m%d-%H%M}.csv"
        name, _ = QFileDialog.getSaveFileName(self, "Export scans", str(Path.home() / default), "CSV files (*.csv)")
        if name:
            self.export_csv(Path(name))
