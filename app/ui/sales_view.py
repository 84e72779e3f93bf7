"""Sales, in the manager view: issued against stock per product, today's issuing per station (online, offline,
refused), and — where the server offers the sales endpoint — each product's order history, a page at a time,
with a CSV export of all of it."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QFileDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget
from sqlalchemy import Engine

from app.api.settings import ApiSettings
from app.services.sales import ORDER_PAGE, OrderHistory, OrderLine, SalesFigures, StockLine, sales_figures
from app.ui.background import Background
from app.ui.tables import fill, report_table

MIN_HEIGHT = 440  # the figures and a page of orders; the manager view scrolls to make room
NO_SALES_ENDPOINT = ("The server does not offer the sales endpoint (Station setup → Test connection finds out): "
                     "no order history here")


def stock_cells(line: StockLine) -> tuple[str, str, int, str, str]:
    unlimited = "no limit"
    return (line.product, line.price, line.issued, unlimited if line.stock is None else str(line.stock),
            unlimited if line.left is None else str(line.left))


def order_cells(line: OrderLine, hide_names: bool) -> tuple[str, str, int, str, str, str]:
    return (line.order_number, line.product, line.quantity, line.unit_price, "" if hide_names else line.buyer,
            line.at.astimezone().strftime("%d %b %H:%M"))


class SalesView(QWidget):
    activity = Signal()

    def __init__(self, replica: Engine, reader: Background, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._replica, self._reader = replica, reader
        self._network = Background(self)  # the order history waits on the server, never on the reports queue
        self.history = OrderHistory(None, {})
        self.api: ApiSettings | None = None  # the Products API, for the order history; None: not set up
        self.hide_names = False
        self.page_number = 1
        self.stock = report_table(("Product", "Price", "Issued", "Stock", "Left"))
        self.today = report_table(("Issued today at", "Online", "Offline", "Refused"))
        self.orders = report_table(("Order", "Product", "Qty", "Unit price", "Buyer", "Ordered"))
        self.product_choice = QComboBox()
        self.product_choice.currentIndexChanged.connect(lambda _i: self.show_page(1))
        self.previous_button = QPushButton("◀")
        self.next_button = QPushButton("▶")
        self.previous_button.clicked.connect(lambda: self.show_page(self.page_number - 1))
        self.next_button.clicked.connect(lambda: self.show_page(self.page_number + 1))
        self.page_label = QLabel()
        self.export_button = QPushButton("Export orders CSV…")
        self.export_button.clicked.connect(self._choose_export_file)
        self.note = QLabel()
        self.note.setObjectName("hintText")
        self.note.setWordWrap(True)
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        for button in (self.previous_button, self.next_button, self.export_button):
            button.clicked.connect(lambda: self.activity.emit())

        figures = QHBoxLayout()
        figures.addWidget(self.stock, 3)
        figures.addWidget(self.today, 2)
        paging = QHBoxLayout()
        paging.addWidget(QLabel("Orders of"))
        paging.addWidget(self.product_choice, 1)
        paging.addWidget(self.previous_button)
        paging.addWidget(self.page_label)
        paging.addWidget(self.next_button)
        paging.addWidget(self.export_button)
        self.setMinimumHeight(MIN_HEIGHT)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 4, 0, 0)
        column.addLayout(figures, 2)
        column.addLayout(paging)
        column.addWidget(self.orders, 3)
        column.addWidget(self.note)

    def refresh(self) -> None:
        replica = self._replica
        self._reader.submit(lambda: sales_figures(replica, datetime.now().timestamp()), self._show_figures,
                            self.note.setText)

    def _show_figures(self, figures: SalesFigures) -> None:
        fill(self.stock, [stock_cells(line) for line in figures.stock])
        fill(self.today, [(s.station, s.online, s.offline, s.refused) for s in figures.today])
        chosen = self.product_choice.currentData()
        self.history = OrderHistory(self.api, figures.products)
        self.product_choice.blockSignals(True)
        self.product_choice.clear()
        for product_id, name in figures.products.items():
            self.product_choice.addItem(name, product_id)
        self.product_choice.setCurrentIndex(max(0, self.product_choice.findData(chosen)))
        self.product_choice.blockSignals(False)
        self.show_page(1)

    def show_page(self, page: int) -> None:
        available = self.history.available and self.product_choice.count() > 0
        for widget in (self.product_choice, self.previous_button, self.next_button, self.export_button, self.orders):
            widget.setEnabled(available)
        if not available:
            self.orders.setRowCount(0)
            self.page_label.setText("")
            self.note.setText(NO_SALES_ENDPOINT)
            return
        history, product_id = self.history, self.product_choice.currentData()
        self.page_number = number = max(1, page)
        self.note.setText("Loading orders…")
        self._network.submit(lambda: history.page(product_id, number),
                             self._show_orders, lambda error: self.note.setText(f"Orders cannot be read now: {error}"))

    def _show_orders(self, page: tuple[list[OrderLine], int]) -> None:
        lines, total = page
        pages = max(1, -(-total // ORDER_PAGE))
        fill(self.orders, [order_cells(line, self.hide_names) for line in lines])
        self.page_label.setText(f"page {self.page_number} of {pages} · {total} orders")
        self.previous_button.setEnabled(self.page_number > 1)
        self.next_button.setEnabled(self.page_number < pages)
        self.note.setText("")

    def export_csv(self, path: Path) -> None:
        history, hide_names = self.history, self.hide_names
        self.note.setText("Exporting orders…")
        self._network.submit(lambda: history.export_csv(path, hide_names),
                             lambda rows: self.note.setText(f"Exported {rows} orders to {path}"),
                             lambda error: self.note.setText(f"Could not export to {path}: {error}"))

    def _choose_export_file(self) -> None:
        default = f"usher-orders-{datetime.now():%Y%m%d-%H%M}.csv"
        name, _ = QFileDialog.getSaveFileName(self, "Export orders", str(Path.home() / default), "CSV files (*.csv)")
        if name:
            self.export_csv(Path(name))

    def idle(self) -> bool:
        return self._network.idle()

    def shutdown(self) -> None:
        self._network.shutdown()
