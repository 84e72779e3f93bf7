"""Accepted scans per time bucket as bars over the clock, painted with QPainter.

Whole numbers on the count axis (people do not come in halves), clock times under the bars, and a gap
where nobody came. Painted by hand rather than with a plotting library: pyqtgraph's PlotWidget made
PySide 6.12 abort at interpreter exit (bool_dealloc) once a few manager views had been shown.
"""
from __future__ import annotations

import math
from datetime import datetime

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPaintEvent
from PySide6.QtWidgets import QWidget

from app.ui.theme import CHROME_MUTED, CHROME_SURFACE, CHROME_TEXT

BAR_COLOUR = "#56B4E9"  # Okabe-Ito sky blue: a count, not a verdict
MAX_TICKS = 5


def count_ticks(top: int) -> list[int]:
    """0, step, 2·step … up to at least `top`, with a whole-number step and at most MAX_TICKS + 1 ticks."""
    step = max(1, math.ceil(top / MAX_TICKS))
    return list(range(0, top + step, step)) if top > 0 else [0, 1]


class EntriesChart(QWidget):
    def __init__(self, bucket_s: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bucket_s = bucket_s
        self.setMinimumHeight(160)
        self.entries: list[tuple[float, int]] = []
        self.ticks: list[int] = [0, 1]
        self.title = ""

    def show_entries(self, entries: list[tuple[float, int]], title: str) -> None:
        """`entries`: (bucket start in Unix seconds, count), oldest first."""
        self.entries, self.title = entries, title
        self.ticks = count_ticks(max((count for _, count in entries), default=0))
        self.update()

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), QColor(CHROME_SURFACE))
        font = QFont(self.font())
        font.setPointSizeF(11)
        p.setFont(font)
        metrics = QFontMetrics(font)
        line = metrics.height()
        p.setPen(QColor(CHROME_TEXT))
        p.drawText(QRectF(0, 4, self.width(), line), Qt.AlignmentFlag.AlignHCenter, self.title)
        left = metrics.horizontalAdvance(str(self.ticks[-1])) + 14
        plot = QRectF(left, line + 12, self.width() - left - 10, self.height() - 2 * line - 22)
        if plot.width() <= 0 or plot.height() <= 0:
            return
        top = self.ticks[-1]
        p.setPen(QColor(CHROME_MUTED))
        for tick in self.ticks:
            y = plot.bottom() - plot.height() * tick / top
            p.drawLine(int(plot.left()), int(y), int(plot.right()), int(y))
            p.drawText(QRectF(0, y - line / 2, left - 6, line), Qt.AlignmentFlag.AlignRight, str(tick))
        if not self.entries:
            return
        first, last = self.entries[0][0], self.entries[-1][0]
        slots = int((last - first) // self.bucket_s) + 1
        width = plot.width() / slots
        label_every = max(1, math.ceil(metrics.horizontalAdvance("00:00 ") / width))
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(BAR_COLOUR))
        for start, count in self.entries:
            slot = int((start - first) // self.bucket_s)
            height = plot.height() * count / top
            p.drawRect(QRectF(plot.left() + slot * width + width * 0.08, plot.bottom() - height, width * 0.84, height))
        p.setPen(QColor(CHROME_TEXT))
        for slot in range(0, slots, label_every):
            at = datetime.fromtimestamp(first + slot * self.bucket_s).strftime("%H:%M")
            x = max(0.0, plot.left() + slot * width + width / 2 - metrics.horizontalAdvance(at) / 2)
            p.drawText(QRectF(x, plot.bottom() + 4, metrics.horizontalAdvance(at) + 4, line), Qt.AlignmentFlag.AlignLeft, at)
