"""The manager view (behind the PIN): counts per product and station, entries over time, conflicts, the
scan log (with undo while a use is unsent), the sync queue, CSV export, sales (app/ui/sales_view.py), and the
way to station setup and kiosk mode. Every number says its scope: all doors (per item, as this replica last heard from the
server) or the scans recorded here."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import Engine

from app.domain.presentation import headline
from app.domain.rules import ProductType
from app.domain.verdict import VerdictKind
from app.services.reports import (
    BUCKET_S,
    ConflictRow,
    ManagerReport,
    ProductCount,
    QueueSummary,
    ScanRow,
    export_scans_csv,
    load_report,
)
from app.sync.status import SyncStatus
from app.ui.background import Background
from app.ui.entries_chart import EntriesChart
from app.ui.sales_view import SalesView
from app.ui.tables import fill, report_table

# What one item and one use of it are called, by product type.
ITEM_NOUNS = {ProductType.PERKS: ("voucher", "vouchers")}
USE_NOUNS = {ProductType.PERKS: ("drink", "drinks")}
DEFAULT_ITEM_NOUNS = ("ticket", "tickets")
DEFAULT_USE_NOUNS = ("entry", "entries")
CAPABILITY_WORDS = {"list_items": "listing items", "get_item": "reading one item", "sales": "sales"}
FROM_COPY_NOTE = ("The venue database does not answer: these numbers are this door's own copy, "
                  "as it was last refreshed, with the scans here since.")
VERDICT_WORDS = {kind.value: headline(kind).capitalize() for kind in VerdictKind}


def clock_text(ts: float) -> str:
    return datetime.fromtimestamp(ts).strftime("%H:%M")


def counted(count: int, nouns: tuple[str, str]) -> str:
    return f"{count} {nouns[0] if count == 1 else nouns[1]}"


def queue_text(queue: QueueSummary) -> str:
    parts = [f"{queue.pending} pending", f"{queue.in_flight} sending", f"{queue.unknown} being checked",
             f"{queue.doubtful} waiting for a manager", f"{queue.rejected} refused", f"{queue.done} done"]
    oldest = f" · oldest waiting since {clock_text(queue.oldest_waiting_at)}" if queue.oldest_waiting_at else ""
    return " · ".join(parts) + oldest


def conflicts_title(report: ManagerReport) -> str:
    if report.conflicts:
        return f"Conflicts ({len(report.conflicts)}) — accepted here, refused by the server"
    if report.queue.waiting:
        return f"Conflicts — none so far; {report.queue.waiting} scans are not sent yet"
    return "Conflicts — none: the server agreed with every scan sent"


def ticket_text(number: int | None, product: str | None) -> str:
    if number is None:
        return product or "Not in the local list"
    return f"#{number} · {product or 'unknown product'}"


def conflict_cells(row: ConflictRow, hide_names: bool) -> tuple[str, str, str, str, str]:
    """Ticket, holder, accepted here (time and door), the other use (time and door), the server's answer."""
    other = "another door (time not known)"
    if row.other_used_at is not None:
        other = f"{clock_text(row.other_used_at)} at {row.other_station or 'another door'}"
    server = f"{clock_text(row.refused_at)}: {row.server_message}" if row.server_message else clock_text(row.refused_at)
    return (ticket_text(row.item_number, row.product_name), "" if hide_names else row.holder_name,
            f"{clock_text(row.scanned_at)} at {row.station}", other, server)


def _section_title(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("sectionTitle")
    return label


class Card(QFrame):
    """A big number with a caption that says what it counts and where."""

    def __init__(self, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        self.value = QLabel("–")
        self.value.setObjectName("cardValue")
        self.caption = QLabel(caption)
        self.caption.setObjectName("cardCaption")
        self.caption.setWordWrap(True)
        column = QVBoxLayout(self)
        column.setContentsMargins(16, 10, 16, 10)
        column.addWidget(self.value)
        column.addWidget(self.caption)


class ManagerPage(QWidget):
    back_requested = Signal()
    setup_requested = Signal()
    box_office_requested = Signal()
    kiosk_requested = Signal()  # lock or leave kiosk mode
    sync_now_requested = Signal()
    undo_requested = Signal(int)  # a scan id from the scan log
    activity = Signal()  # the manager did something here: the PIN stays good a little longer

    def __init__(self, replica: Engine, reader: Background, parent: QWidget | None = None, *,
                 door_copy: Engine | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("managerPage")
        self._replica = replica
        self._door_copy = door_copy  # a venue door's own copy: the numbers while the venue database is away
        self._reader = reader
        self.report: ManagerReport | None = None
        self.hide_names = False

        title = QLabel("Manager")
        title.setObjectName("pageTitle")
        self.people_card = Card("people in — tickets checked in at all doors, as last synced")
        self.entries_card = Card("accepted scans here")
        self.waiting_card = Card("scans here waiting to sync")
        self.conflict_card = Card("accepted here, refused by the server")
        self.queue = QLabel()
        self.queue.setObjectName("hintText")
        self.queue.setWordWrap(True)
        self.server = QLabel()  # the sync engine's own words, and what the server offers
        self.server.setObjectName("hintText")
        self.server.setWordWrap(True)
        self.server.setTextFormat(Qt.TextFormat.PlainText)
        self.api_flags: dict[str, bool] = {}
        self.message = QLabel()
        self.message.setObjectName("hintText")
        self.message.setTextFormat(Qt.TextFormat.PlainText)

        self.products = report_table(("Product", "Issued", "Used", "Used up", "Left"))
        self.stations = report_table(("Station (scans here)", "Accepted", "Refused"))
        self.conflicts = report_table(("Ticket", "Holder", "Accepted here", "Used first", "Server's answer"), stretch_column=4)
        self.scan_log = report_table(("Time", "Station", "Verdict", "Ticket", "Holder", ""), stretch_column=3)
        self.scan_log.verticalHeader().setDefaultSectionSize(40)  # room for the Undo buttons
        self.scan_log.horizontalHeader().setSectionResizeMode(5, QHeaderView.ResizeMode.Fixed)
        self.scan_log.setColumnWidth(5, 110)
        self.chart = EntriesChart(BUCKET_S)
        self.conflicts_title = _section_title("Conflicts")
        self.tabs = QTabWidget()
        self.tabs.addTab(self.scan_log, "Scan log")
        self.tabs.addTab(self._with_title(self.conflicts_title, self.conflicts), "Conflicts")
        self.tabs.addTab(self.stations, "Stations")
        self.sales = SalesView(replica, reader)
        self.sales.activity.connect(self.activity.emit)
        self.tabs.addTab(self.sales, "Sales")

        self.refresh_button = QPushButton("Refresh")
        self.refresh_button.clicked.connect(lambda: self.refresh())
        self.sync_button = QPushButton("Sync now")
        self.sync_button.clicked.connect(self.sync_now_requested.emit)
        self.export_button = QPushButton("Export CSV…")
        self.export_button.clicked.connect(self._choose_export_file)
        self.setup_button = QPushButton("Station setup")
        self.setup_button.clicked.connect(self.setup_requested.emit)
        self.box_office_button = QPushButton("Box office")
        self.box_office_button.clicked.connect(self.box_office_requested.emit)
        self.kiosk_button = QPushButton()
        self.kiosk_button.clicked.connect(self.kiosk_requested.emit)
        back = QPushButton("Back to scanning")
        back.setObjectName("primaryButton")
        back.clicked.connect(self.back_requested.emit)
        for button in (self.refresh_button, self.sync_button, self.export_button):
            button.clicked.connect(lambda: self.activity.emit())
        self.set_kiosk_locked(False)

        heading = QHBoxLayout()  # two rows, so that every button shows on a 1024-pixel screen
        heading.addWidget(title)
        heading.addStretch(1)
        heading.addWidget(back)
        actions = QHBoxLayout()
        for button in (self.refresh_button, self.sync_button, self.export_button, self.box_office_button,
                       self.setup_button, self.kiosk_button):
            actions.addWidget(button)
        actions.addStretch(1)
        cards = QHBoxLayout()
        for card in (self.people_card, self.entries_card, self.waiting_card, self.conflict_card):
            cards.addWidget(card, 1)
        grid = QGridLayout()
        grid.setVerticalSpacing(6)
        grid.addWidget(self._with_title(_section_title("Products — all doors, as last synced"), self.products), 0, 0)
        grid.addWidget(self.chart, 0, 1)
        grid.addWidget(self.tabs, 1, 0, 1, 2)
        grid.setColumnStretch(0, 5)
        grid.setColumnStretch(1, 4)
        grid.setRowStretch(0, 2)
        grid.setRowStretch(1, 3)
        body = QWidget()
        column = QVBoxLayout(body)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(actions)
        column.addLayout(cards)
        column.addWidget(self.queue)
        column.addWidget(self.server)
        column.addLayout(grid, 1)
        self.scroll = scroll = QScrollArea()  # on a small screen the page scrolls rather than holding the window open
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(body)
        self.tabs.currentChanged.connect(self._bring_sales_into_view)
        page = QVBoxLayout(self)
        page.setContentsMargins(20, 8, 20, 8)
        page.addLayout(heading)
        page.addWidget(scroll, 1)
        page.addWidget(self.message)

    def _bring_sales_into_view(self) -> None:
        """Sales needs more room than the other tabs: the page scrolls down to it."""
        if self.tabs.currentWidget() is self.sales:
            QTimer.singleShot(0, lambda: self.scroll.ensureWidgetVisible(self.sales, 0, 0))

    @staticmethod
    def _with_title(title: QLabel, table: QTableWidget) -> QWidget:
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 4, 0, 0)
        column.addWidget(title)
        column.addWidget(table, 1)
        return box

    def show_sync_status(self, status: SyncStatus) -> None:
        """The strip's status, and what the server offers, in the manager's words."""
        parts = [status.message]
        if status.doubtful:
            parts.append(f"{status.doubtful} uses wait for a manager to check the item on the server")
        if self.api_flags:
            parts.append("the server " + ", ".join(f"{'offers' if on else 'lacks'} {CAPABILITY_WORDS[name]}"
                                                   for name, on in self.api_flags.items()))
        self.server.setText(" · ".join(parts))

    def set_kiosk_locked(self, locked: bool) -> None:
        self.kiosk_button.setText("Leave kiosk mode" if locked else "Lock kiosk")

    def refresh(self, note: str = "") -> None:
        """Reloads every number; `note` is shown on the message line once they are in."""
        self.message.setText("Loading…")
        self.sales.hide_names = self.hide_names
        self.sales.refresh()
        self._reader.submit(lambda: load_report(self._replica, self._door_copy), lambda report: self._show(report, note),
                            self.message.setText)

    def _show(self, report: ManagerReport, note: str = "") -> None:
        self.report = report
        self.message.setText(" ".join(filter(None, (FROM_COPY_NOTE if report.from_copy else "", note))))
        inside, issued = report.people_inside
        self.people_card.value.setText(f"{inside} of {issued}")
        stations = [s.station for s in report.stations]
        here = ", ".join(stations) if stations else "this station"
        self.entries_card.value.setText(str(sum(s.accepted for s in report.stations)))
        self.entries_card.caption.setText(f"accepted scans here: {here} (undone ones not counted)")
        self.waiting_card.value.setText(str(report.queue.waiting))
        self.conflict_card.value.setText(str(len(report.conflicts)))
        self.conflicts_title.setText(conflicts_title(report))
        self.tabs.setTabText(1, f"Conflicts ({len(report.conflicts)})")
        self.queue.setText(f"Sync queue of the scans here: {queue_text(report.queue)}")
        fill(self.products, [self._product_cells(p) for p in report.products])
        fill(self.stations, [(s.station, s.accepted, s.refused) for s in report.stations])
        fill(self.conflicts, [conflict_cells(c, self.hide_names) for c in report.conflicts])
        self._show_scan_log(report.scans)
        self.chart.show_entries(report.entries, "Accepted scans here, per 5 minutes"
                                + ("" if report.entries else " — none yet"))

    @staticmethod
    def _product_cells(p: ProductCount) -> tuple[str, int, str, int, str]:
        items = ITEM_NOUNS.get(p.type, DEFAULT_ITEM_NOUNS)
        uses = USE_NOUNS.get(p.type, DEFAULT_USE_NOUNS)
        return (p.name, p.issued, counted(p.checked_in, items), p.fully_used, counted(p.uses_left, uses))

    def _show_scan_log(self, rows: list[ScanRow]) -> None:
        fill(self.scan_log, [
            (datetime.fromtimestamp(r.scanned_at).strftime("%H:%M:%S"), r.station, VERDICT_WORDS.get(r.verdict, r.verdict),
             "" if r.item_number is None and r.product_name is None else ticket_text(r.item_number, r.product_name),
             "" if self.hide_names else r.holder_name, "")
            for r in rows
        ])
        for index, row in enumerate(rows):
            if row.undoable:
                button = QPushButton("Undo")
                button.setObjectName("undoLogButton")
                button.clicked.connect(lambda _c=False, scan_id=row.scan_id: self._undo(scan_id))
                self.scan_log.setCellWidget(index, 5, button)

    def _undo(self, scan_id: int) -> None:
        self.activity.emit()
        self.message.setText("Undoing…")
        self.undo_requested.emit(scan_id)

    def show_undo_result(self, undone: bool) -> None:
        self.refresh("The use was given back" if undone else "Too late to undo: it was already sent")

    def undo_button(self, row: int) -> QPushButton | None:
        return self.scan_log.cellWidget(row, 5)  # type: ignore[return-value]

    def export_csv(self, path: Path) -> None:
        """Writes the scan log to `path` (in the background); the message line says how it went."""
        self.message.setText("Exporting…")
        hide_names = self.hide_names
        self._reader.submit(
            lambda: export_scans_csv(self._replica, path, hide_names),
            lambda rows: self.message.setText(f"Exported {rows} scans to {path}"),
            lambda error: self.message.setText(f"Could not export to {path}: {error}"),
        )

    def _choose_export_file(self) -> None:
        default = f"usher-scans-{datetime.now():%Y%m%d-%H%M}.csv"
        name, _ = QFileDialog.getSaveFileName(self, "Export scans", str(Path.home() / default), "CSV files (*.csv)")
        if name:
            self.export_csv(Path(name))
