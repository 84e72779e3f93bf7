"""Manual search over the replica (name, email or ticket number), with a Check in button per result
that redeems the item through the same flow as a scan. It is the manager's (behind the PIN); with
"hide names" on, a result shows the holder's initials and no e-mail, whatever was searched for."""
from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import Engine

from app.services.search import MAX_QUERY_CHARS, ItemHit, search_items
from app.ui.background import Background

RESULT_LIMIT = 50
TYPING_PAUSE_MS = 300
COLUMNS = ("Name", "Email", "Product", "No.", "Uses left", "")


HIDDEN = "hidden"


def initials(name: str) -> str:
    """'Ada Lovelace' → 'A. L.': enough to match a face to an ID, not to read out a guest's name."""
    return " ".join(f"{part[0].upper()}." for part in name.split() if "@" not in part) or HIDDEN


def uses_text(hit: ItemHit) -> str:
    return "used" if hit.uses_left == 0 else f"{hit.uses_left} of {hit.uses_total}"


class SearchPage(QWidget):
    check_in_requested = Signal(str)  # the item's UUID
    back_requested = Signal()
    activity = Signal()  # the manager is searching: the PIN stays good a little longer

    def __init__(self, replica: Engine, reader: Background, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("searchPage")
        self._replica = replica
        self._reader = reader
        self._generation = 0  # answers to older searches are dropped
        self.hits: list[ItemHit] = []
        self.hide_names = False

        title = QLabel("Find a ticket or voucher")
        title.setObjectName("pageTitle")
        self.field = QLineEdit()
        self.field.setObjectName("searchField")
        self.field.setPlaceholderText("Name, email or ticket number")
        self.field.setClearButtonEnabled(True)
        self.field.returnPressed.connect(self.search)
        self.field.textEdited.connect(lambda _text: self._typing.start())
        self.search_button = QPushButton("Search")
        self.search_button.clicked.connect(self.search)
        self.back_button = QPushButton("Back to scanning")
        self.back_button.clicked.connect(self.back_requested.emit)
        self.message = QLabel()
        self.message.setObjectName("hintText")
        self.message.setTextFormat(Qt.TextFormat.PlainText)

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("searchResults")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(58)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(len(COLUMNS) - 1, QHeaderView.ResizeMode.Fixed)
        self.table.setColumnWidth(len(COLUMNS) - 1, 170)

        top = QHBoxLayout()
        top.addWidget(self.field, 1)
        top.addWidget(self.search_button)
        top.addWidget(self.back_button)
        column = QVBoxLayout(self)
        column.setContentsMargins(28, 20, 28, 20)
        column.addWidget(title)
        column.addLayout(top)
        column.addWidget(self.message)
        column.addWidget(self.table, 1)

        self._typing = QTimer(self, singleShot=True, interval=TYPING_PAUSE_MS)
        self._typing.timeout.connect(self.search)
        self.reset()

    def reset(self) -> None:
        self.field.clear()
        self._show([])
        self.message.setText("Type a name, email or ticket number")
        self.field.setFocus()

    def search(self) -> None:
        """Searches for the field's text; bad input gets a message and changes nothing."""
        self._typing.stop()
        self.activity.emit()
        text = self.field.text().strip()
        self._generation += 1
        if not text:
            self._show([])
            self.message.setText("Type a name, email or ticket number")
            return
        if len(text) > MAX_QUERY_CHARS:
            self.message.setText(f"Too long — type at most {MAX_QUERY_CHARS} characters")
            return
        generation = self._generation
        self.message.setText("Searching…")
        self._reader.submit(
            lambda: search_items(self._replica, text, limit=RESULT_LIMIT),
            lambda hits: self._answer(generation, text, hits),
            lambda error: self._failed(generation, error),
        )

    def _answer(self, generation: int, text: str, hits: list[ItemHit]) -> None:
        if generation != self._generation:
            return
        self._show(hits)
        if not hits:
            self.message.setText(f"Nothing matches “{text}”")
        elif len(hits) >= RESULT_LIMIT:
            self.message.setText(f"Showing the first {RESULT_LIMIT} — type more to narrow it down")
        else:
            self.message.setText(f"{len(hits)} found")

    def _failed(self, generation: int, error: str) -> None:
        if generation == self._generation:
            self.message.setText(f"Search failed: {error}")

    def _show(self, hits: list[ItemHit]) -> None:
        self.hits = hits
        self.table.setRowCount(len(hits))
        for row, hit in enumerate(hits):
            holder, email = (initials(hit.holder_name), HIDDEN) if self.hide_names else (hit.holder_name, hit.email)
            for col, text in enumerate((holder, email, hit.product_name, f"#{hit.item_number}", uses_text(hit))):
                self.table.setItem(row, col, QTableWidgetItem(text))
            button = QPushButton("Check in")
            button.setObjectName("checkInButton")
            button.clicked.connect(lambda _c=False, item=hit.item_uuid: self.check_in_requested.emit(item))
            self.table.setCellWidget(row, len(COLUMNS) - 1, button)

    def check_in_button(self, row: int) -> QPushButton:
        return self.table.cellWidget(row, len(COLUMNS) - 1)  # type: ignore[return-value]
