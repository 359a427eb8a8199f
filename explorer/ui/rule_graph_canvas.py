"""The rule graph's canvas (ui/rule_graph_view.py is the pane around it): the keyboard on the graph,
and what stays put over it as it scrolls and zooms: the whole graph's tag bands named at the left
edge, its dates along the top, the edge colours' legend in the corner; and `Elided`, the pane's
one-line note.
"""
from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import QGraphicsView, QLabel, QSizePolicy

from ..core.rule_graph import KINDS, RULE_KINDS
from . import style

EDGE_COLORS = {"reads": "#5b8def", "writes": "#d9822b", "follows": "#7a5cc2", "schedules": "#2e9e6a",
               "cancels": "#c23b3b"}


class Elided(QLabel):
    """One line of plain text, cut with … to the width it is given (the whole text in the tooltip), so
    a long note never widens the pane or wraps the header."""

    def __init__(self):
        super().__init__()
        self.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Fixed)

    def setText(self, text: str) -> None:  # noqa: N802 (Qt's name)
        super().setText(text)
        self.setToolTip(text)

    def minimumSizeHint(self):
        h = super().minimumSizeHint()
        h.setWidth(40)
        return h

    def paintEvent(self, ev) -> None:
        p = QPainter(self)
        p.setPen(self.palette().color(self.foregroundRole()))
        r = self.contentsRect()
        p.drawText(r, Qt.AlignLeft | Qt.AlignVCenter, QFontMetrics(self.font()).elidedText(self.text(), Qt.ElideRight, r.width()))


class GraphView(QGraphicsView):
    """The canvas: arrows move the current node, Enter/F2 open its form, Space centres on it."""

    def __init__(self, pane):
        super().__init__(pane.scene)
        self.pane = pane
        self.setObjectName("ruleGraph")
        self.setRenderHint(QPainter.Antialiasing)
        self.setDragMode(QGraphicsView.ScrollHandDrag)
        self.setFocusPolicy(Qt.StrongFocus)
        # the whole graph's band and date labels stay at the edges as it scrolls: repaint, don't blit
        self.horizontalScrollBar().valueChanged.connect(lambda _: self.viewport().update())
        self.verticalScrollBar().valueChanged.connect(lambda _: self.viewport().update())

    def drawForeground(self, painter, rect) -> None:  # noqa: N802 (Qt's name)
        """The whole graph's tag bands named at the left edge and its dates along the top, at one
        size whatever the zoom: the map reads even when the boxes are too small to."""
        pane = self.pane
        painter.save()
        painter.resetTransform()
        vw, vh = self.viewport().width(), self.viewport().height()
        self._legend(painter, vw, vh)
        if not pane.band_spans:
            painter.restore()
            return
        f = QFont()
        f.setPointSizeF(8.5)
        f.setBold(True)
        painter.setFont(f)
        fm = QFontMetrics(f)
        strip = fm.height() + 6
        painter.fillRect(QRectF(0, 0, vw, strip), QColor(255, 255, 255, 230))
        painter.setPen(QColor(style.TEXT_MUTED))
        marks = [(label, self.mapFromScene(QPointF(x, 0)).x()) for label, x in pane.date_marks]
        shown = [m for m in marks if m[1] > 4]
        left = [m for m in marks if m[1] <= 4]
        if left:  # the date of the column at the left edge stays there, as a header does
            shown.insert(0, (left[-1][0], 4))
        end = -1e9
        for label, vx in shown:  # a date whose label would run into the last one's is left out
            if vx >= end and vx < vw:
                painter.drawText(QPointF(vx, strip - 6), label)
                end = vx + fm.horizontalAdvance(label) + 8
        for label, count, y0, y1 in pane.band_spans:
            top, bottom = self.mapFromScene(QPointF(0, y0)).y(), self.mapFromScene(QPointF(0, y1)).y()
            if bottom < strip or top > vh:
                continue
            text = f"{label} · {count}"
            y = max(top, strip) + 2
            box = QRectF(2, y, fm.horizontalAdvance(text) + 10, fm.height() + 4)
            if box.bottom() > bottom:  # the band's end pushes its label up as it scrolls away
                box.moveBottom(bottom)
            painter.setPen(Qt.NoPen)
            painter.setBrush(QColor(255, 255, 255, 225))
            painter.drawRoundedRect(box, 4, 4)
            painter.setPen(QColor(style.TEXT))
            painter.drawText(box.adjusted(5, 0, 0, 0), Qt.AlignVCenter | Qt.AlignLeft, text)
        painter.restore()

    def keyPressEvent(self, ev) -> None:
        k = ev.key()
        moves = {Qt.Key_Up: (0, -1), Qt.Key_Down: (0, 1), Qt.Key_Left: (-1, 0), Qt.Key_Right: (1, 0)}
        if k in moves and not ev.modifiers() & (Qt.AltModifier | Qt.ControlModifier):
            self.pane.move_current(*moves[k])
        elif k in (Qt.Key_Return, Qt.Key_Enter, Qt.Key_F2):
            self.pane.open_form(self.pane.current)
        elif k == Qt.Key_Space:
            self.pane.go(self.pane.current)
        else:
            super().keyPressEvent(ev)

    def wheelEvent(self, ev) -> None:
        if ev.modifiers() & Qt.ControlModifier:  # zoom; the wheel alone scrolls
            f = 1.15 if ev.angleDelta().y() > 0 else 1 / 1.15
            self.scale(f, f)
            return
        super().wheelEvent(ev)


    def _legend(self, painter, vw: int, vh: int) -> None:
        """The colours of the edges drawn, in the bottom-right corner, as on a map (the band names
        keep the left edge)."""
        kinds = [k for k in KINDS if k in self.pane.kinds and (k in RULE_KINDS or not self.pane.band_spans)]
        if not kinds or not self.pane.items:
            return
        f = QFont()
        f.setPointSizeF(8)
        painter.setFont(f)
        fm = QFontMetrics(f)
        widths = [fm.horizontalAdvance(k) + 26 for k in kinds]
        box = QRectF(vw - sum(widths) - 10, vh - fm.height() - 10, sum(widths) + 6, fm.height() + 6)
        painter.setPen(QPen(QColor("#d5dae1")))
        painter.setBrush(QColor(255, 255, 255, 235))
        painter.drawRoundedRect(box, 4, 4)
        x = box.left() + 6
        y = box.center().y()
        for k, w in zip(kinds, widths):
            painter.setPen(QPen(QColor(EDGE_COLORS[k]), 2.5))
            painter.drawLine(QPointF(x, y), QPointF(x + 14, y))
            painter.setPen(QColor(style.TEXT))
            painter.drawText(QPointF(x + 18, y + fm.ascent() / 2 - 1), k)
            x += w
