"""The box office: a walk-up sale (a big button per product with its price and what is left, the customer found
by name or email — typed, or scanned from the guest's phone —, a quantity, then Issue or Issue and admit, one
confirmation), the guest list (a name and an email on a product, admitted now or later), and transfers at the
desk (online only). Limits are said before they bite; offline the desk keeps selling, with provisional tickets,
and says so on the screen and on the ticket.

Nothing here is modal: the confirmation is a bar on the page, and a scan while staff sell shows its verdict
over the page as anywhere else. Sales are written on the window's scan queue (a durable commit, like a scan);
the kiosk's sync engine sends them — this page only asks it to (`sync_now`) and follows the outcome.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.box_office import Offer, button_text, limit_notice, price_text, read_quantity
from app.domain.issuance import Refused, is_email
from app.domain.rules import StationRules
from app.domain.ticket import Ticket
from app.services.box_office import BoxOffice, CustomerRecord, Sale
from app.services.transfer_desk import HeldItem, TransferDesk, TransferResult
from app.sync.status import Connectivity, SyncControl
from app.ui.background import Background
from app.ui.search_page import initials
from app.ui.ticket_view import OFFLINE_COLOURS, TicketView

CONFIRM_POLL_MS = 200
CONFIRM_WAIT_S = 5.0  # online, how long the desk waits for the server before handing over provisional tickets
TYPING_PAUSE_MS = 250
PRODUCT_COLUMNS = 2
OFFLINE_TEXT = "Offline — tickets are provisional until the server confirms them"
NOT_CONFIGURED_TEXT = "No Products API set up — tickets are issued here and wait to be sent"
PAGE_STYLE = """
QPushButton#productButton { font-size: 15pt; font-weight: bold; min-height: 76px; text-align: center; }
QPushButton#productButton:checked { background-color: #2F6FEB; border-color: #9CC0FF; border-width: 3px; }
QPushButton#primaryButton:disabled { background-color: #2B2F37; border-color: #3A3F49; color: #9AA1AD; }
QLabel#customerLine { font-size: 14pt; }
QLabel#noticeText { color: #FFD27A; font-size: 14pt; font-weight: bold; }
QLabel#ticketHeadline { font-size: 24pt; font-weight: bold; }
QLabel#fieldLabel { font-size: 13pt; color: #C3C8D1; }
QPushButton#confirmButton { background-color: #2F6FEB; border-color: #2F6FEB; font-weight: bold; font-size: 15pt; }
QFrame#confirmBar, QWidget#confirmBar { background-color: #20232A; border-radius: 10px; }
"""


def mailto_email(text: str) -> str | None:
    """The email a scanned code holds ("mailto:" or plain), or None."""
    candidate = text.strip()
    if candidate.lower().startswith("mailto:"):
        candidate = candidate[7:].split("?", 1)[0]
    return candidate if is_email(candidate) else None


@dataclass(frozen=True, slots=True)
class SaleRequest:
    product: Offer
    who: str  # a customer id, or an email
    customer_label: str
    quantity: int
    admit: bool
    guest: bool = False  # a guest-list entry (a comp), not a sale
    holder: str = ""  # the guest's name as listed, for the ticket


@dataclass(frozen=True, slots=True)
class TransferRequest:
    item: HeldItem
    sender: CustomerRecord
    recipient: str


def _row(*parts: QWidget | tuple[QWidget, int] | None) -> QHBoxLayout:
    """Widgets side by side: a (widget, stretch) pair stretches, None is a stretch of its own."""
    row = QHBoxLayout()
    for part in parts:
        if part is None:
            row.addStretch(1)
        elif isinstance(part, tuple):
            row.addWidget(*part)
        else:
            row.addWidget(part)
    return row


def _field_label(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("fieldLabel")
    return label


def _message_label(object_name: str = "errorText") -> QLabel:
    label = QLabel()
    label.setObjectName(object_name)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


class CustomerPicker(QWidget):
    """Find the customer: by name or email in the local list, or an email typed or scanned."""

    changed = Signal()

    def __init__(self, reader: Background, placeholder: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._reader = reader
        self._find: Callable[[str], list[CustomerRecord]] = lambda query: []
        self.chosen: CustomerRecord | None = None
        self.hide_names = False  # "hide holders' names": initials, and the email's domain only
        self.field = QLineEdit()
        self.field.setPlaceholderText(placeholder)
        self.field.setClearButtonEnabled(True)
        self.results = QListWidget()
        self.results.setMaximumHeight(132)
        self.results.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.results.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.results.hide()
        self.results.itemClicked.connect(self._pick)
        self.line = QLabel()
        self.line.setObjectName("customerLine")
        self.line.setWordWrap(True)
        self.line.setTextFormat(Qt.TextFormat.PlainText)
        self._typing = QTimer(self, singleShot=True, interval=TYPING_PAUSE_MS)
        self._typing.timeout.connect(self.search)
        self.field.textEdited.connect(self._edited)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.field)
        column.addWidget(self.results)
        column.addWidget(self.line)
        self.changed.connect(self._say_who)

    def use(self, find: Callable[[str], list[CustomerRecord]]) -> None:
        self._find = find

    def reset(self) -> None:
        self.chosen = None
        self.field.clear()
        self._list([])
        self.line.clear()

    def _list(self, found: list[CustomerRecord]) -> None:
        self.results.clear()
        for customer in found:
            item = QListWidgetItem(self._shown(customer))
            item.setData(Qt.ItemDataRole.UserRole, customer)
            self.results.addItem(item)
        self.results.setVisible(bool(found))

    def _shown(self, customer: CustomerRecord) -> str:
        if not self.hide_names:
            return f"{customer.name}  ·  {customer.email or ''}"
        return f"{initials(customer.name)}  ·  …@{(customer.email or '').rpartition('@')[2]}"

    def _say_who(self) -> None:
        who = self.recipient()
        self.line.setText("" if isinstance(who, str) else f"For {who[1]}")

    def set_text(self, text: str) -> None:
        """A typed or scanned email: chosen at once when it is a customer's, else used as the email."""
        self.field.setText(text)
        self._edited(text)
        self.search()

    def _edited(self, _text: str) -> None:
        self.chosen = None
        self._typing.start()
        self.changed.emit()

    def search(self) -> None:
        query = self.field.text()
        self._reader.submit(lambda: self._find(query), lambda found: self._show(query, found))

    def _show(self, query: str, found: list[CustomerRecord]) -> None:
        if query != self.field.text():
            return  # an older search
        exact = [c for c in found if c.email and c.email.casefold() == query.strip().casefold()]
        self._list([] if exact else found)
        if exact:
            self.chosen = exact[0]
            self.changed.emit()

    def _pick(self, item: QListWidgetItem) -> None:
        self.chosen = item.data(Qt.ItemDataRole.UserRole)
        self.field.setText(self.chosen.email or self.chosen.name  # type: ignore[union-attr]
                           if not self.hide_names else initials(self.chosen.name))  # type: ignore[union-attr]
        self._list([])
        self.changed.emit()

    def recipient(self) -> tuple[str, str] | str:
        """(who, label) to issue to, or what is wrong, in words."""
        if self.chosen is not None:
            if self.hide_names:
                return self.chosen.id, initials(self.chosen.name)
            return self.chosen.id, f"{self.chosen.name} ({self.chosen.email})" if self.chosen.email else self.chosen.name
        text = self.field.text().strip()
        if not text:
            return "Choose the customer: type a name or an email, or scan the email code on their phone"
        if not is_email(text):
            return f"“{text[:60]}” is not an email address; choose a customer from the list or type their email"
        return text, f"{text} (not in the local list: the server decides)"


class BoxOfficePage(QWidget):
    back_requested = Signal()
    activity = Signal()
    verdict_ready = Signal(object)  # an admission's Verdict, shown as for a scan
    tickets_shown = Signal(object)  # the list of Tickets now on screen

    def __init__(self, writer: Background, reader: Background, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("boxOfficePage")
        self.setStyleSheet(PAGE_STYLE)
        self._writer, self._reader = writer, reader
        self._network = Background(self)  # transfers wait on the server: never on the scan queue
        self.desk: BoxOffice | None = None
        self.transfers: TransferDesk | None = None
        self.rules: StationRules | None = None
        self._sync: Callable[[], SyncControl | None] = lambda: None  # the kiosk's, whichever engine runs now
        self.offers: list[Offer] = []
        self.pending: SaleRequest | TransferRequest | None = None  # waiting for its confirmation
        self._waiting: tuple[SaleRequest, Sale, float] | None = None
        self.last_sale: Sale | None = None  # what the last confirmation wrote
        self._poll = QTimer(self, interval=CONFIRM_POLL_MS)
        self._poll.timeout.connect(self._check_outcome)

        self.title = QLabel("Box office")
        self.title.setObjectName("pageTitle")
        self.connection = QLabel()
        self.connection.setWordWrap(True)
        self.connection.setStyleSheet(f"background:{OFFLINE_COLOURS[0]}; color:{OFFLINE_COLOURS[1]}; "
                                      "border-radius:8px; padding:6px 12px; font-size:13pt; font-weight:bold;")
        back = QPushButton("Back to scanning")
        back.clicked.connect(self.back_requested.emit)
        heading = QHBoxLayout()
        heading.addWidget(self.title)
        heading.addWidget(self.connection, 1)
        heading.addWidget(back)

        self.tabs = QTabWidget()
        self.tabs.addTab(self._sale_tab(), "Walk-up sale")
        self.tabs.addTab(self._guest_tab(), "Guest list")
        self.tabs.addTab(self._transfer_tab(), "Transfer")
        self.tabs.currentChanged.connect(lambda _i: self._cancel_confirmation())

        self.confirm_text = QLabel()
        self.confirm_text.setWordWrap(True)
        self.confirm_text.setStyleSheet("font-size: 15pt; font-weight: bold;")
        self.confirm_button = QPushButton("Confirm")
        self.confirm_button.setObjectName("confirmButton")
        self.confirm_button.clicked.connect(self.confirm)
        self.change_button = QPushButton("Change")
        self.change_button.clicked.connect(self._cancel_confirmation)
        self.confirm_bar = QWidget()
        self.confirm_bar.setObjectName("confirmBar")
        bar = QHBoxLayout(self.confirm_bar)
        bar.addWidget(self.confirm_text, 1)
        bar.addWidget(self.change_button)
        bar.addWidget(self.confirm_button)
        self.confirm_bar.hide()
        self.message = _message_label()

        form = QWidget()
        form_column = QVBoxLayout(form)
        form_column.setContentsMargins(0, 0, 0, 0)
        form_column.addWidget(self.tabs, 1)
        form_column.addWidget(self.confirm_bar)
        form_column.addWidget(self.message)
        self.ticket_view = TicketView()
        self.ticket_view.done.connect(self.new_sale)
        self.ticket_view.activity.connect(self.activity.emit)
        self.stack = QStackedWidget()
        self.stack.addWidget(form)
        self.stack.addWidget(self.ticket_view)
        page = QVBoxLayout(self)
        page.setContentsMargins(16, 8, 16, 8)
        page.addLayout(heading)
        page.addWidget(self.stack, 1)

    # ---- the tabs ----

    def _sale_tab(self) -> QWidget:
        self.product_grid = QGridLayout()
        self.product_grid.setSpacing(10)
        self.product_buttons = QButtonGroup(self)
        self.product_buttons.setExclusive(True)
        self.product_buttons.buttonClicked.connect(lambda _b: self._sale_changed())
        self.customer = CustomerPicker(self._reader, "Customer: name or email — or scan their email code")
        self.customer.changed.connect(self._sale_changed)
        self.quantity = QLineEdit("1")
        self.quantity.setMaximumWidth(80)
        self.quantity.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.quantity.textEdited.connect(lambda _t: self._sale_changed())
        fewer, more = QPushButton("−"), QPushButton("+")
        fewer.clicked.connect(lambda: self._step_quantity(-1))
        more.clicked.connect(lambda: self._step_quantity(1))
        self.notice = _message_label("noticeText")
        self.issue_button = QPushButton("Issue")
        self.admit_button = QPushButton("Issue and admit")
        self.admit_button.setObjectName("primaryButton")
        self.issue_button.clicked.connect(lambda: self.ask(admit=False))
        self.admit_button.clicked.connect(lambda: self.ask(admit=True))
        for button in (self.issue_button, self.admit_button):
            button.setMinimumHeight(60)

        products = QWidget()
        products_column = QVBoxLayout(products)
        products_column.setContentsMargins(0, 0, 0, 0)
        products_column.addLayout(self.product_grid)
        products_column.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(self.customer)
        right.addLayout(_row(_field_label("How many"), fewer, self.quantity, more, None))
        right.addWidget(self.notice)
        right.addStretch(1)
        right.addLayout(_row((self.issue_button, 1), (self.admit_button, 1)))
        tab = QWidget()
        row = QHBoxLayout(tab)
        row.addWidget(products, 11)
        row.addLayout(right, 9)
        return tab

    def _guest_tab(self) -> QWidget:
        self.guest_product = QComboBox()
        self.guest_name = QLineEdit()
        self.guest_name.setPlaceholderText("Guest's name, as on the list")
        self.guest = CustomerPicker(self._reader, "Guest's email — or find them by name")
        self.guest_now = QPushButton("Add and admit now")
        self.guest_now.setObjectName("primaryButton")
        self.guest_later = QPushButton("Add — admit later at the door")
        self.guest_now.clicked.connect(lambda: self.ask_guest(admit=True))
        self.guest_later.clicked.connect(lambda: self.ask_guest(admit=False))
        hint = _message_label("hintText")
        hint.setText("A guest-list ticket is free (a comp); it is issued like any ticket and scans at every door.")
        tab = QWidget()
        column = QVBoxLayout(tab)
        column.addWidget(self.guest_product)
        column.addWidget(self.guest_name)
        column.addWidget(self.guest)
        column.addWidget(hint)
        column.addStretch(1)
        column.addLayout(_row((self.guest_later, 1), (self.guest_now, 1)))
        return tab

    def _transfer_tab(self) -> QWidget:
        self.sender = CustomerPicker(self._reader, "From: the holder's name or email")
        self.sender.changed.connect(self._load_sender_items)
        self.sender_items = QListWidget()
        self.sender_items.setMaximumHeight(132)
        self.recipient = QLineEdit()
        self.recipient.setPlaceholderText("To: the new holder's email (a customer of the project)")
        self.transfer_button = QPushButton("Transfer")
        self.transfer_button.setObjectName("primaryButton")
        self.transfer_button.clicked.connect(self.ask_transfer)
        self.transfer_note = _message_label("hintText")
        tab = QWidget()
        column = QVBoxLayout(tab)
        column.addWidget(self.sender)
        column.addWidget(_field_label("Their tickets — choose the one to pass on"))
        column.addWidget(self.sender_items)
        column.addWidget(self.recipient)
        column.addWidget(self.transfer_note)
        column.addStretch(1)
        column.addWidget(self.transfer_button)
        return tab

    # ---- set-up ----

    def configure(self, desk: BoxOffice, rules: StationRules, sync: Callable[[], SyncControl | None],
                  transfers: TransferDesk) -> None:
        self.desk, self.rules, self._sync, self.transfers = desk, rules, sync, transfers
        for picker in (self.customer, self.guest, self.sender):
            picker.use(desk.find_customers)
        self.title.setText(f"Box office — {desk.station}")

    def set_hide_names(self, hide: bool) -> None:
        """Holders' names hidden (setup): initials on the desk's screens; a printed ticket keeps its guest's name."""
        for picker in (self.customer, self.guest, self.sender):
            picker.hide_names = hide
        self.ticket_view.hide_names = hide

    def open(self) -> None:
        """Fresh figures each time staff come to the desk."""
        self.new_sale()
        self.show_connection()

    def connectivity(self) -> Connectivity:
        sync = self._sync()
        return Connectivity.NOT_CONFIGURED if sync is None else sync.status().connectivity

    def online(self) -> bool:
        return self.connectivity() is Connectivity.ONLINE

    def show_connection(self) -> None:
        connectivity = self.connectivity()
        text = {Connectivity.ONLINE: "", Connectivity.NOT_CONFIGURED: NOT_CONFIGURED_TEXT}.get(connectivity, OFFLINE_TEXT)
        self.connection.setText(text)
        self.connection.setVisible(bool(text))
        self.transfer_button.setEnabled(connectivity is Connectivity.ONLINE)
        self.transfer_note.setText("" if connectivity is Connectivity.ONLINE
                                   else "Transfers need the network: the server moves the ticket, so this waits "
                                        "until the station is online")

    def new_sale(self) -> None:
        self._cancel_confirmation()
        self.message.setText("")
        self.customer.reset()
        self.guest.reset()
        self.guest_name.clear()
        self.quantity.setText("1")
        self.stack.setCurrentIndex(0)
        self.refresh_offers()

    def refresh_offers(self) -> None:
        if self.desk is None:
            return
        desk = self.desk
        self._reader.submit(desk.offers, self._show_offers, self.message.setText)

    def _show_offers(self, offers: list[Offer]) -> None:
        chosen = self.chosen_offer()
        self.offers = offers
        for button in self.product_buttons.buttons():
            self.product_buttons.removeButton(button)
            button.deleteLater()
        for n, offer in enumerate(o for o in offers if o.limits.active):
            button = QPushButton(button_text(offer))
            button.setObjectName("productButton")
            button.setCheckable(True)
            button.setEnabled(offer.sellable)
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
            button.setProperty("product_id", offer.product_id)
            button.setChecked(chosen is not None and chosen.product_id == offer.product_id and offer.sellable)
            self.product_buttons.addButton(button)
            self.product_grid.addWidget(button, n // PRODUCT_COLUMNS, n % PRODUCT_COLUMNS)
        listed = self.guest_product.currentData()
        self.guest_product.clear()
        for offer in offers:
            if offer.sellable:
                self.guest_product.addItem(offer.name, offer.product_id)
        self.guest_product.setCurrentIndex(max(0, self.guest_product.findData(listed)))  # fresh figures, same choice
        self._sale_changed()

    def product_button(self, name: str) -> QPushButton:
        return next(b for b in self.product_buttons.buttons() if b.text().split("\n")[0] == name)  # type: ignore[return-value]

    def chosen_offer(self) -> Offer | None:
        button = self.product_buttons.checkedButton()
        if button is None:
            return None
        return next((o for o in self.offers if o.product_id == button.property("product_id")), None)

    def _offer(self, product_id: str) -> Offer | None:
        return next((o for o in self.offers if o.product_id == product_id), None)

    # ---- the walk-up sale ----

    def _step_quantity(self, step: int) -> None:
        current = read_quantity(self.quantity.text())
        self.quantity.setText(str(max(1, (current if isinstance(current, int) else 1) + step)))
        self._sale_changed()

    def _sale_changed(self) -> None:
        """A product, customer or quantity changed: what the desk should know before issuing."""
        self.activity.emit()
        self._cancel_confirmation()
        offer = self.chosen_offer()
        admitted = offer is not None and self.rules is not None and self.rules.accepts(offer.product_id, offer.type)
        self.admit_button.setEnabled(offer is None or admitted)
        self.admit_button.setToolTip("" if offer is None or admitted else f"{offer.name} is not admitted here")
        quantity = read_quantity(self.quantity.text())
        if offer is None or self.desk is None:
            self.notice.setText("")
            return
        if isinstance(quantity, str):
            self.notice.setText(quantity)
            return
        who = self.customer.recipient()
        if isinstance(who, str):
            self.notice.setText(limit_notice(offer, quantity, None))
            return
        desk, label = self.desk, self.customer.chosen.name if self.customer.chosen else "this customer"
        self._reader.submit(lambda: desk.holds(offer.product_id, who[0]),
                            lambda holds: self.notice.setText(limit_notice(offer, quantity, holds, label)))

    def ask(self, admit: bool) -> None:
        """Issue / Issue and admit: checks the input, then asks for the one confirmation."""
        self.activity.emit()
        offer = self.chosen_offer()
        quantity = read_quantity(self.quantity.text())
        who = self.customer.recipient()
        problem = ("Choose a product" if offer is None else quantity if isinstance(quantity, str)
                   else who if isinstance(who, str) else "")
        if problem:
            self.message.setText(problem)
            return
        assert offer is not None and isinstance(quantity, int) and not isinstance(who, str)
        self._confirm(SaleRequest(offer, who[0], who[1], quantity, admit))

    def ask_guest(self, admit: bool) -> None:
        self.activity.emit()
        offer = self._offer(self.guest_product.currentData() or "")
        who = self.guest.recipient()
        if offer is None:
            self.message.setText("Choose the product the guest is listed for")
            return
        if isinstance(who, str):
            self.message.setText(who)
            return
        name = self.guest_name.text().strip()[:120]
        self._confirm(SaleRequest(offer, who[0], name or who[1], 1, admit, guest=True, holder=name))

    def _confirm(self, request: SaleRequest) -> None:
        self.message.setText("")
        self.pending = request
        price = price_text(request.product.price)
        each = "" if price == "free" or request.guest else f" at {price} each"
        what = f"{request.quantity} × {request.product.name}{each}"
        guest = "Put on the guest list: " if request.guest else "Sell "
        admit = ", and admit now" if request.admit else ""
        offline = "" if self.online() else " (offline: provisional tickets)"
        self.confirm_text.setText(f"{guest}{what} to {request.customer_label}{admit}?{offline}")
        self.confirm_button.setText("Confirm and admit" if request.admit else "Confirm")
        self.confirm_bar.show()
        self.confirm_button.setFocus()

    def _cancel_confirmation(self) -> None:
        self.pending = None
        self.confirm_bar.hide()

    def confirm(self) -> None:
        request, self.pending = self.pending, None
        self.confirm_bar.hide()
        if request is None or self.desk is None or self.rules is None:
            return
        self.activity.emit()
        if isinstance(request, TransferRequest):
            self._transfer(request)
            return
        desk, rules = self.desk, self.rules
        self.message.setText("Issuing…")
        self._writer.submit(lambda: desk.sell(request.product.product_id, request.who, request.quantity,
                                              rules if request.admit else None),
                            lambda result: self._written(request, result), self.message.setText)

    def _written(self, request: SaleRequest, result: Sale | Refused) -> None:
        if isinstance(result, Refused):
            self.message.setText(f"Not issued: {result.reason}. Nothing was sold.")
            self.refresh_offers()
            return
        self.last_sale = result
        for verdict in result.verdicts:
            self.verdict_ready.emit(verdict)
        if (sync := self._sync()) is not None:
            sync.sync_now()  # the kiosk's engine holds the upload lease: it sends, exactly once
        if self.online():
            self.message.setText("Sending to the server…")
            self._waiting = (request, result, CONFIRM_WAIT_S)
            self._poll.start()
            return
        self._show_tickets(request, result)

    def _check_outcome(self) -> None:
        if self._waiting is None or self.desk is None:
            self._poll.stop()
            return
        request, sale, left = self._waiting
        self._waiting = (request, sale, left - CONFIRM_POLL_MS / 1000)
        desk = self.desk
        self._poll.stop()
        self._reader.submit(lambda: desk.outcomes(sale.op_uuids), lambda outcomes: self._outcome(outcomes))

    def _outcome(self, outcomes) -> None:  # type: ignore[no-untyped-def]
        if self._waiting is None:
            return
        request, sale, left = self._waiting
        refused = [o.message for o in outcomes if o.state.value == "REJECTED"]
        if refused:
            self._waiting = None
            self.message.setText(f"The server refused the sale: {refused[0]}. Do not hand over a ticket.")
            self.refresh_offers()
            return
        if all(o.state.final for o in outcomes) or left <= 0 or not self.online():  # offline: hand over now
            self._waiting = None
            self._show_tickets(request, sale)
        else:
            self._poll.start()

    def _show_tickets(self, request: SaleRequest, sale: Sale) -> None:
        desk = self.desk
        assert desk is not None
        self._reader.submit(lambda: desk.tickets(sale.local_ids, request.holder),
                            lambda tickets: self._hand_over(request, tickets), self.message.setText)

    def _hand_over(self, request: SaleRequest, tickets: list[Ticket]) -> None:
        done = "ADMITTED" if request.admit else "ON THE GUEST LIST" if request.guest else "SOLD"
        count = f"{len(tickets)} × " if len(tickets) > 1 else ""
        headline = f"{done} — {count}{request.product.name}"
        short = request.quantity - len(tickets)
        self.message.setText(f"Only {len(tickets)} of {request.quantity} were issued: the rest sold out meanwhile"
                             if short > 0 else "")
        self.ticket_view.show_tickets(tickets, headline)
        self.stack.setCurrentWidget(self.ticket_view)
        self.tickets_shown.emit(tickets)

    # ---- a scanned email ----

    def take_scanned_text(self, text: str) -> bool:
        """A code scanned while the sale or guest tab is open: an email (or mailto:) fills the customer field
        instead of being redeemed. False: not for the desk."""
        email = mailto_email(text)
        if email is None or not self.isVisible() or self.stack.currentIndex() != 0 or self.tabs.currentIndex() > 1:
            return False
        (self.customer if self.tabs.currentIndex() == 0 else self.guest).set_text(email)
        return True

    # ---- transfers ----

    def _load_sender_items(self) -> None:
        self.sender_items.clear()
        owner, transfers = self.sender.chosen, self.transfers
        if owner is None or transfers is None:
            return
        self._reader.submit(lambda: transfers.items_of(owner), self._show_sender_items)

    def _show_sender_items(self, held: list[HeldItem]) -> None:
        self.sender_items.clear()
        for item in held:
            entry = QListWidgetItem(f"{item.product_name} No. {item.item_number} — "
                                    + ("used" if item.uses_left == 0 else f"{item.uses_left} left"))
            entry.setData(Qt.ItemDataRole.UserRole, item)
            self.sender_items.addItem(entry)
        if not held:
            self.transfer_note.setText("They hold no confirmed ticket in this station's list")

    def ask_transfer(self) -> None:
        self.activity.emit()
        chosen = self.sender_items.currentItem()
        sender = self.sender.chosen
        recipient = self.recipient.text().strip()
        problem = ("Find the holder first" if sender is None else "Choose the ticket to pass on" if chosen is None
                   else f"“{recipient[:60]}” is not an email address" if not is_email(recipient) else "")
        if problem:
            self.message.setText(problem)
            return
        assert sender is not None and chosen is not None
        item: HeldItem = chosen.data(Qt.ItemDataRole.UserRole)
        self.message.setText("")
        self.pending = TransferRequest(item, sender, recipient)
        self.confirm_text.setText(f"Move {item.product_name} No. {item.item_number} from {sender.name} to {recipient}?")
        self.confirm_button.setText("Confirm transfer")
        self.confirm_bar.show()

    def _transfer(self, request: TransferRequest) -> None:
        transfers, online = self.transfers, self.online()
        assert transfers is not None
        self.message.setText("Asking the server…")
        self._network.submit(lambda: transfers.transfer(request.item.item_uuid, request.sender, request.recipient,
                                                        online=online),
                             self._transferred, self.message.setText)

    def _transferred(self, result: TransferResult) -> None:
        self.message.setText(result.message)
        if result.done:
            self.recipient.clear()
            self._load_sender_items()

    def idle(self) -> bool:
        return self._network.idle() and self._waiting is None

    def shutdown(self) -> None:
        self._poll.stop()
        self._network.shutdown()
