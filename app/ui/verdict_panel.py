"""The scan screen: the verdict filling the window in its colour, readable from two metres away.

It shows one state at a time — ready (or, when the camera is not working, what to do instead), a
verdict, or the outcome of an undo — and goes back to ready by itself after a visible countdown. Showing
a new verdict replaces the old one at once; nothing here is modal, so nothing ever stands between two
scans. The same panel, without a camera preview, is the overlay a scan shows over the other pages.
"""
from __future__ import annotations

import math

from PySide6.QtCore import QElapsedTimer, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QResizeEvent,
)
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QPushButton, QSizePolicy, QWidget

from app.domain.presentation import (
    UNDO_REFUSED_HEADLINE,
    Look,
    detail,
    headline,
    look,
    shows_item,
    tone,
)
from app.domain.rules import Preset, ProductType
from app.domain.verdict import Verdict, VerdictKind
from app.ui.theme import CHROME_TEXT, NEUTRAL_PANEL
from app.ui.verdict_icon import TONE_SYMBOL, Symbol, VerdictIcon

HEADLINE_MAX_PT = 112.0
HEADLINE_MIN_PT = 48.0  # never smaller: the headline must read from across the room
# The other lines at full size (a 1280×800 window); smaller windows scale them down, never below TEXT_MIN_PT.
TEXT_PT = {"product": 48.0, "holder": 42.0, "detail": 38.0}
TEXT_MIN_PT = 18.0
FULL_SIZE = (1180, 740)  # the panel at which everything shows at full size
ICON_PX = 150
READY_PROMPT = {Preset.DOOR: "Ready — show your ticket", Preset.BAR: "Ready — show your voucher",
                Preset.ANY: "Ready — show your code", Preset.BOX_OFFICE: "Ready — show your ticket"}
READY_HINT = "Hold the QR code up to the camera"
NO_CAMERA_PROMPT = "Ready — hand scanner"  # short enough to fit a 1024-pixel screen whole
NO_CAMERA_HINT = "This station has no camera: use the hand scanner, or Search"
CAMERA_PROBLEM_PROMPT = "Camera not working"
CAMERA_PROBLEM_HINT = "Use the hand scanner or Search"
NEUTRAL_LOOK = Look(NEUTRAL_PANEL, CHROME_TEXT, "")  # ready, and an undo that did not work
STRIPE_PX = 18  # the striped border of the stop verdicts
ITEM_NOUN = {ProductType.PERKS: "Voucher"}  # what staff call an item of this product type; otherwise a ticket
TICK_MS = 50
TEXT_SPACING = 14
# The camera preview: large while waiting (people aim their phone by it), smaller beside a verdict.
PREVIEW_READY_SIZE = (640, 360)
PREVIEW_VERDICT_SIZE = (440, 248)


def _label(object_name: str, point_size: float, bold: bool = False, wrap: bool = True) -> QLabel:
    label = QLabel()
    label.setObjectName(object_name)
    font = QFont()
    font.setPointSizeF(point_size)
    font.setBold(bold)
    label.setFont(font)
    label.setWordWrap(wrap)
    label.setTextFormat(Qt.TextFormat.PlainText)  # names and reasons are data, never markup
    return label


class CountdownBar(QWidget):
    """A thin bar that drains as the verdict's time runs out."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFixedHeight(12)
        self.fraction = 0.0
        self.colour = QColor(CHROME_TEXT)

    def set_fraction(self, fraction: float) -> None:
        self.fraction = max(0.0, min(1.0, fraction))
        self.update()

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setPen(Qt.PenStyle.NoPen)
        track = QColor(self.colour)
        track.setAlphaF(0.25)
        radius = self.height() / 2
        p.setBrush(track)
        p.drawRoundedRect(QRectF(self.rect()), radius, radius)
        if self.fraction > 0:
            p.setBrush(self.colour)
            p.drawRoundedRect(QRectF(0, 0, self.width() * self.fraction, self.height()), radius, radius)


class VerdictPanel(QFrame):
    undo_requested = Signal(int)  # the scan id of the accepted scan to give back
    dismissed = Signal()  # the countdown ran out; the panel is ready again

    def __init__(self, preview: QWidget | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("verdictPanel")
        self.state = "ready"  # "ready" | "verdict" | "undo"
        self.verdict: Verdict | None = None
        self.background, self.foreground = NEUTRAL_PANEL, CHROME_TEXT
        self._hide_names = False
        self._seconds = 0.0
        self._footer_base = ""
        self.ready_preset = Preset.ANY  # which prompt the ready state shows
        self.camera_problem: str | None = None  # why the camera is not working, when it is not
        self.has_camera = True
        self._striped = False
        self._undo_s = 0.0

        self.icon = VerdictIcon(ICON_PX)
        self.headline = _label("headline", HEADLINE_MAX_PT, bold=True, wrap=False)
        # The headline is sized to fit its width (see _fit_headline), so it must not push the window wider.
        self.headline.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.product = _label("product", TEXT_PT["product"], bold=True)
        self.holder = _label("holder", TEXT_PT["holder"])
        self.detail = _label("detail", TEXT_PT["detail"])
        for label in (self.product, self.holder, self.detail):
            # Sized by _fit_texts to the room there is, so they must not hold the window open wider or taller.
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.footer = _label("footer", 16)
        self.undo_button = QPushButton("Undo")
        self.undo_button.setObjectName("undoButton")
        self.undo_button.setMinimumSize(160, 56)
        self.undo_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.undo_button.clicked.connect(self._on_undo_clicked)
        self.countdown = CountdownBar()
        policy = self.countdown.sizePolicy()
        policy.setRetainSizeWhenHidden(True)  # the ready state hides it without moving anything
        self.countdown.setSizePolicy(policy)

        self._preview_size = PREVIEW_READY_SIZE
        grid = QGridLayout(self)
        self._grid = grid
        grid.setContentsMargins(40, 28, 40, 24)
        grid.setHorizontalSpacing(32)
        grid.setVerticalSpacing(10)
        grid.addWidget(self.icon, 0, 0, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.headline, 0, 1, 1, 2, Qt.AlignmentFlag.AlignVCenter)
        texts = QGridLayout()
        texts.setVerticalSpacing(TEXT_SPACING)
        for row, label in enumerate((self.product, self.holder, self.detail)):
            texts.addWidget(label, row, 0)
        texts.setRowStretch(3, 1)
        grid.addLayout(texts, 1, 0, 1, 2)
        self.preview = preview
        if preview is not None:
            grid.addWidget(preview, 1, 2, Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignRight)
        grid.setRowStretch(1, 1)
        grid.addWidget(self.footer, 2, 0, 1, 2, Qt.AlignmentFlag.AlignBottom)
        grid.addWidget(self.undo_button, 2, 2, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom)
        grid.addWidget(self.countdown, 3, 0, 1, 3)
        grid.setColumnStretch(1, 1)

        self._clock = QElapsedTimer()
        self._ticker = QTimer(self)
        self._ticker.setInterval(TICK_MS)
        self._ticker.timeout.connect(self._tick)
        self.show_ready()

    # ---- states ----

    def set_ready_preset(self, preset: Preset) -> None:
        self.ready_preset = preset
        if self.state == "ready":
            self.show_ready()

    def set_camera(self, has_camera: bool, problem: str | None) -> None:
        """Whether this station has a camera, and if it is not working, why (None: it works)."""
        self.has_camera, self.camera_problem = has_camera, problem
        if self.state == "ready":
            self.show_ready()

    def show_ready(self) -> None:
        self._ticker.stop()
        self.state, self.verdict = "ready", None
        self._size_preview(PREVIEW_READY_SIZE)
        if self.camera_problem is not None:
            # Staff act on this: a "Ready" over a dead camera makes guests wave phones at nothing.
            self._paint(NEUTRAL_LOOK, Symbol.EXCLAMATION)
            self._set_texts(CAMERA_PROBLEM_PROMPT, "", "", CAMERA_PROBLEM_HINT, self.camera_problem)
        elif not self.has_camera:
            self._paint(NEUTRAL_LOOK, Symbol.READY)
            self._set_texts(NO_CAMERA_PROMPT, "", "", NO_CAMERA_HINT, "")
        else:
            self._paint(NEUTRAL_LOOK, Symbol.READY)
            self._set_texts(READY_PROMPT[self.ready_preset], "", "", READY_HINT, "")
        self.undo_button.hide()
        self.countdown.hide()

    def show_verdict(self, verdict: Verdict, preset: Preset, hide_names: bool, seconds: float,
                     undo_s: float = 0.0) -> None:
        """Replaces whatever is shown, at once, and starts the countdown. The Undo button of an accepted
        scan shows for `undo_s` seconds at most (while undoing it can still work)."""
        self.state, self.verdict, self._hide_names = "verdict", verdict, hide_names
        self._size_preview(PREVIEW_VERDICT_SIZE)
        self._paint(look(verdict.kind), TONE_SYMBOL[tone(verdict.kind)])
        item_shown = shows_item(verdict.kind)
        self._set_texts(
            headline(verdict.kind),
            (verdict.product_name or "") if item_shown else "",
            "" if hide_names or not item_shown else (verdict.holder_name or ""),
            detail(verdict, preset),
            _footer(verdict) if item_shown else _footer(verdict, with_item=False),
        )
        self.undo_button.setText("Undo")
        self.undo_button.setEnabled(True)
        self._undo_s = undo_s if verdict.kind is VerdictKind.ACCEPTED and verdict.scan_id is not None else 0.0
        self.undo_button.setVisible(self._undo_s > 0)
        self._start_countdown(seconds)

    def show_undo_result(self, undone: bool, explanation: str, seconds: float) -> None:
        """After staff pressed Undo: says whether the use was given back, and if not, why."""
        verdict = self.verdict
        self.state = "undo"
        self._size_preview(PREVIEW_VERDICT_SIZE)
        self._paint(look(VerdictKind.UNDONE) if undone else NEUTRAL_LOOK, Symbol.UNDO)
        self._set_texts(
            headline(VerdictKind.UNDONE) if undone else UNDO_REFUSED_HEADLINE,
            (verdict.product_name or "") if verdict else "",
            "" if self._hide_names or verdict is None else (verdict.holder_name or ""),
            explanation,
            _footer(verdict) if verdict else "",
        )
        self.undo_button.hide()
        self._start_countdown(seconds)

    # ---- internals ----

    def _size_preview(self, size: tuple[int, int]) -> None:
        self._preview_size = size
        self._fit()

    def _paint(self, shown: Look, symbol: Symbol) -> None:
        background, foreground = shown.background, shown.foreground
        self.background, self.foreground, self._striped = background, foreground, shown.striped
        self.setStyleSheet(
            f"QFrame#verdictPanel {{ background-color: {background}; }}"
            f"QFrame#verdictPanel QLabel {{ color: {foreground}; background: transparent; }}"
            f"QPushButton#undoButton {{ color: {foreground}; background: transparent;"
            f" border: 3px solid {foreground}; border-radius: 12px; font-size: 22pt; font-weight: bold; padding: 6px 28px; }}"
        )
        self.icon.set_symbol(symbol, foreground, background)
        self.countdown.colour = QColor(foreground)
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        super().paintEvent(event)
        if not self._striped:
            return
        # Bold diagonal stripes around the edge, like a barrier tape: the stop signals carry a pattern.
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        band = QPainterPath()
        band.addRect(QRectF(self.rect()))
        band.addRect(QRectF(self.rect().adjusted(STRIPE_PX, STRIPE_PX, -STRIPE_PX, -STRIPE_PX)))  # odd-even: a frame
        p.setClipPath(band)
        p.setPen(QPen(QColor(self.foreground), STRIPE_PX / 2))
        for x in range(-self.height(), self.width(), STRIPE_PX * 2):
            p.drawLine(x, self.height(), x + self.height(), 0)

    def _set_texts(self, head: str, product: str, holder: str, detail_line: str, footer: str) -> None:
        self.headline.setText(head)
        self.headline.setAccessibleName(head)
        for label, text in ((self.product, product), (self.holder, holder), (self.detail, detail_line)):
            label.setText(text)
            label.setVisible(bool(text))
        self._footer_base = footer
        self.footer.setText(footer)
        self._fit()

    def _fit_headline(self) -> None:
        """The largest size from HEADLINE_MAX_PT down to HEADLINE_MIN_PT at which the headline fits."""
        width = self.headline.width()
        font = QFont(self.headline.font())
        size = HEADLINE_MAX_PT
        while size > HEADLINE_MIN_PT:
            font.setPointSizeF(size)
            if width <= 0 or QFontMetrics(font).horizontalAdvance(self.headline.text()) <= width:
                break
            size -= 4
        font.setPointSizeF(max(size, HEADLINE_MIN_PT))
        self.headline.setFont(font)

    def _scale(self) -> float:
        """How much of the full size fits this panel (a 1024×600 window: about 0.7)."""
        return max(0.5, min(1.0, self.width() / FULL_SIZE[0], self.height() / FULL_SIZE[1]))

    def _fit(self) -> None:
        scale = self._scale()
        self.icon.setFixedSize(int(ICON_PX * scale), int(ICON_PX * scale))
        if self.preview is not None:
            # Beside a verdict on a small screen the words matter more than the picture: it shrinks faster.
            picture = scale if self._preview_size == PREVIEW_READY_SIZE else scale * scale
            self.preview.setFixedSize(int(self._preview_size[0] * picture), int(self._preview_size[1] * picture))
        self._fit_headline()
        self._fit_texts(scale)

    def _fit_texts(self, scale: float) -> None:
        """Product, holder and detail at their size times `scale`, smaller still while they would not fit
        the room the rest of the panel leaves (a long instruction in a small window). Each label then gets
        exactly the height its wrapped text needs, so the panel never grows past its window."""
        labels = [(label, TEXT_PT[label.objectName()]) for label in (self.product, self.holder, self.detail)]
        margins = self._grid.contentsMargins()
        width = self.width() - margins.left() - margins.right()
        if self.preview is not None:
            width -= self.preview.width() + self._grid.horizontalSpacing()
        width = max(1, width)
        for label, _ in labels:
            label.setMinimumHeight(0)
        self._grid.invalidate()
        # What the headline, footer and spacing leave; the preview shares the texts' row, so it is room too.
        room = self.height() - self.minimumSizeHint().height() + (self.preview.height() if self.preview else 0)
        while True:
            for label, full_pt in labels:
                font = QFont(label.font())
                font.setPointSizeF(max(TEXT_MIN_PT, full_pt * scale))
                label.setFont(font)
            needed = sum(label.heightForWidth(width) for label, _ in labels if label.text())
            if needed <= room or scale * TEXT_PT["detail"] <= TEXT_MIN_PT:
                break
            scale *= 0.92
        for label, _ in labels:
            label.setMinimumHeight(label.heightForWidth(width) if label.text() else 0)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._fit()

    def _start_countdown(self, seconds: float) -> None:
        self.countdown.show()
        self._seconds = seconds
        self._clock.start()
        self._ticker.start()
        self._tick()

    def _tick(self) -> None:
        left = self._seconds - self._clock.elapsed() / 1000
        if left <= 0:
            self._ticker.stop()
            self.show_ready()
            self.dismissed.emit()
            return
        self.countdown.set_fraction(left / self._seconds)
        if self.undo_button.isVisible() and self._clock.elapsed() / 1000 >= self._undo_s:
            self.undo_button.hide()  # the scan is on its way to the server: undo could no longer work
        closes = f"closes in {math.ceil(left)} s"
        self.footer.setText(f"{self._footer_base} · {closes}" if self._footer_base else closes)

    def _on_undo_clicked(self) -> None:
        if self.state == "verdict" and self.verdict is not None and self.verdict.scan_id is not None:
            self.undo_button.setEnabled(False)
            self.undo_button.setText("Undoing…")
            self.undo_requested.emit(self.verdict.scan_id)


class VerdictOverlay(VerdictPanel):
    """A scan's verdict over another page (manager, PIN, search, setup): it closes by itself, or on a
    tap, and leaves the page under it as it was."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(None, parent)
        self.hide()
        self.dismissed.connect(self.hide)

    def _set_texts(self, head: str, product: str, holder: str, detail_line: str, footer: str) -> None:
        super()._set_texts(head, product, holder, detail_line, f"{footer} · tap to go back" if footer else footer)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        event.accept()
        self.close_now()

    def close_now(self) -> None:
        self.show_ready()
        self.hide()


def _footer(verdict: Verdict, with_item: bool = True) -> str:
    parts = []
    if with_item and verdict.item_number is not None:
        parts.append(f"{ITEM_NOUN.get(verdict.product_type or '', 'Ticket')} #{verdict.item_number}")
    if verdict.station:
        parts.append(verdict.station)
    if verdict.scanned_at is not None:
        parts.append(verdict.scanned_at.astimezone().strftime("%H:%M:%S"))
    return " · ".join(parts)
