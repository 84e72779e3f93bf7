"""The symbol beside the headline, painted so it stays crisp at any size: colour is never the only signal."""
from __future__ import annotations

import enum
import math

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import QWidget

from app.domain.presentation import Tone


class Symbol(enum.Enum):
    CHECK = "check"  # valid
    CLOCK = "clock"  # used before: look at when
    CROSS = "cross"  # refused
    ARROW = "arrow"  # valid elsewhere: send them on
    QUESTION = "question"  # cannot be checked: a person decides
    EXCLAMATION = "exclamation"  # the check did not finish; also a camera that is not working
    READY = "ready"  # the corners of a viewfinder: show your code
    UNDO = "undo"


TONE_SYMBOL = {
    Tone.VALID: Symbol.CHECK,
    Tone.USED: Symbol.CLOCK,
    Tone.REFUSED: Symbol.CROSS,
    Tone.ELSEWHERE: Symbol.ARROW,
    Tone.DECIDE: Symbol.QUESTION,
    Tone.RETRY: Symbol.EXCLAMATION,
    Tone.UNDONE: Symbol.UNDO,
}


class VerdictIcon(QWidget):
    """A disc in `ink` with the symbol cut out in `paper` (the panel's colour)."""

    def __init__(self, size: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFixedSize(size, size)
        self.symbol = Symbol.READY
        self._ink = QColor("#FFFFFF")
        self._paper = QColor("#000000")

    def set_symbol(self, symbol: Symbol, ink: str, paper: str) -> None:
        self.symbol, self._ink, self._paper = symbol, QColor(ink), QColor(paper)
        self.setAccessibleName(symbol.value)
        self.update()

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        s = float(min(self.width(), self.height()))
        if self.symbol is Symbol.READY:
            self._paint_viewfinder(p, s)
            return
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(self._ink)
        p.drawEllipse(QRectF(0, 0, s, s))
        pen = QPen(self._paper, s * 0.11, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin)
        p.setPen(pen)
        p.setBrush(Qt.BrushStyle.NoBrush)
        if self.symbol is Symbol.CHECK:
            p.drawPolyline([QPointF(s * 0.27, s * 0.52), QPointF(s * 0.44, s * 0.69), QPointF(s * 0.74, s * 0.35)])
        elif self.symbol is Symbol.CROSS:
            p.drawLine(QPointF(s * 0.32, s * 0.32), QPointF(s * 0.68, s * 0.68))
            p.drawLine(QPointF(s * 0.68, s * 0.32), QPointF(s * 0.32, s * 0.68))
        elif self.symbol is Symbol.EXCLAMATION:
            p.drawLine(QPointF(s * 0.5, s * 0.24), QPointF(s * 0.5, s * 0.56))
            p.drawPoint(QPointF(s * 0.5, s * 0.76))
        elif self.symbol is Symbol.ARROW:
            p.drawLine(QPointF(s * 0.26, s * 0.5), QPointF(s * 0.72, s * 0.5))
            p.drawPolyline([QPointF(s * 0.54, s * 0.32), QPointF(s * 0.74, s * 0.5), QPointF(s * 0.54, s * 0.68)])
        elif self.symbol is Symbol.QUESTION:
            hook = QPainterPath(QPointF(s * 0.36, s * 0.38))
            hook.cubicTo(QPointF(s * 0.36, s * 0.18), QPointF(s * 0.66, s * 0.18), QPointF(s * 0.65, s * 0.37))
            hook.cubicTo(QPointF(s * 0.64, s * 0.49), QPointF(s * 0.5, s * 0.48), QPointF(s * 0.5, s * 0.6))
            p.drawPath(hook)
            p.drawPoint(QPointF(s * 0.5, s * 0.78))
        elif self.symbol is Symbol.CLOCK:
            pen.setWidthF(s * 0.07)
            p.setPen(pen)
            p.drawEllipse(QRectF(s * 0.2, s * 0.2, s * 0.6, s * 0.6))
            p.drawPolyline([QPointF(s * 0.5, s * 0.3), QPointF(s * 0.5, s * 0.5), QPointF(s * 0.64, s * 0.6)])
        elif self.symbol is Symbol.UNDO:
            self._paint_undo_arrow(p, s, pen)

    def _paint_undo_arrow(self, p: QPainter, s: float, pen: QPen) -> None:
        """Three quarters of a circle, clockwise from the upper left, with the head at its start
        pointing back (counter-clockwise): the usual 'undo' sign."""
        pen.setWidthF(s * 0.08)
        pen.setCapStyle(Qt.PenCapStyle.FlatCap)
        p.setPen(pen)
        radius, centre = s * 0.22, QPointF(s * 0.5, s * 0.52)
        box = QRectF(centre.x() - radius, centre.y() - radius, 2 * radius, 2 * radius)
        start_deg = 150.0
        arc = QPainterPath()
        arc.arcMoveTo(box, start_deg)
        arc.arcTo(box, start_deg, -270)
        p.drawPath(arc)
        theta = math.radians(start_deg)
        tip_base = QPointF(centre.x() + radius * math.cos(theta), centre.y() - radius * math.sin(theta))
        tangent = QPointF(-math.sin(theta), -math.cos(theta))  # counter-clockwise, in screen coordinates
        normal = QPointF(-tangent.y(), tangent.x())
        head, half = s * 0.14, s * 0.11
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(self._paper)
        p.drawPolygon([tip_base + tangent * head, tip_base + normal * half, tip_base - normal * half])

    def _paint_viewfinder(self, p: QPainter, s: float) -> None:
        p.setPen(QPen(self._ink, s * 0.06, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin))
        lo, hi, arm = s * 0.12, s * 0.88, s * 0.22
        for x, y, dx, dy in ((lo, lo, 1, 1), (hi, lo, -1, 1), (lo, hi, 1, -1), (hi, hi, -1, -1)):
            p.drawPolyline([QPointF(x, y + dy * arm), QPointF(x, y), QPointF(x + dx * arm, y)])
        cell = s * 0.1
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(self._ink)
        for col, row in ((0, 0), (2, 0), (1, 1), (0, 2), (2, 2)):  # a hint of a QR code
            p.drawRect(QRectF(s * 0.35 + col * cell, s * 0.35 + row * cell, cell, cell))
