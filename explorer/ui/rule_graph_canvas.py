"""The rule graph's canvas (ui/rule_graph_view.py is the pane around it): the keyboard on the graph,
and what stays put over it as it scrolls and zooms: the whole graph's tag bands named at the left
edge, its dates along the top, the edge colours' legend in the corner; `WholeGraph`, the whole graph
drawn by one item; and `Elided`, the pane's one-line note.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QPainter, QPainterPath, QPainterPathStroker, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsView, QLabel, QSizePolicy, QStyleOptionGraphicsItem

from ..core.rule_graph import KINDS, RULE_KINDS
from . import style
from .node_graph import box_text, curve, edge_bounds, paint_text, routed

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
        for box, text in self.band_labels(fm, strip):
            painter.setPen(Qt.NoPen)
            painter.setBrush(QColor(255, 255, 255, 225))
            painter.drawRoundedRect(box, 4, 4)
            painter.setPen(QColor(style.TEXT))
            painter.drawText(box.adjusted(5, 0, 0, 0), Qt.AlignVCenter | Qt.AlignLeft, text)
        painter.restore()

    def band_labels(self, fm: QFontMetrics, strip: float) -> list:
        """(box, text) of each band's name at the left edge, in the viewport, below the date strip;
        zoomed out, a band too thin for its name under the last one's goes unnamed (they were drawn
        over each other)."""
        out, below, vh = [], strip, self.viewport().height()
        for label, count, y0, y1 in self.pane.band_spans:
            top, bottom = self.mapFromScene(QPointF(0, y0)).y(), self.mapFromScene(QPointF(0, y1)).y()
            if bottom < strip or top > vh:
                continue
            text = f"{label} · {count}"
            box = QRectF(2, max(top, strip) + 2, fm.horizontalAdvance(text) + 10, fm.height() + 4)
            if box.bottom() > bottom:  # the band's end pushes its label up as it scrolls away
                box.moveBottom(bottom)
            if box.top() < below - 1 and top > strip:
                continue
            below = box.bottom()
            out.append((box, text))
        return out

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


TEXT_LOD = 0.45  # below this scale a box's 8.5 pt title is under 5 px high: boxes are drawn without text
SMOOTH_LOD = 0.3  # below it, no antialiasing, and lines one screen pixel wide (scaled, they vanish)


def _thin(pen: QPen, lod: float) -> QPen:
    """`pen` as drawn at `lod`: zoomed far out, one pixel wide on the screen, whatever the scale."""
    if lod >= SMOOTH_LOD:
        return pen
    pen = QPen(pen)
    pen.setCosmetic(True)
    pen.setWidthF(1.0)
    return pen


class WholeGraph(QGraphicsItem):
    """The whole rule graph as one item, the way Qt apps draw thousands of things: the tag bands, the
    date lines, every edge and every box, painted for the part of the scene being shown only (boxes
    found by column and row, edges by their bounds). Zoomed out, the boxes go without text and the
    faint edges go as one path per kind. A box's text is cut to it once, when it is first painted.
    2,000 rules and 900 edges as 2,900 items took 0.11-0.17 s to make and index before the first paint.

    `boxes`: (key, rect, title, node, brush) in scene coordinates (the second line, `pane.subtitle(node)`,
    made with the text); `edges`: (edge, its source's
    rect, its target's, the (x, y) it bends through), its path made when it is first painted;
    `bands`: (rect, colour); `lines`: (x, top, bottom). The pane gives each box's and edge's pen
    (`box_pen`, `edge_pen`, `marked`: the few keys not drawn plainly) and answers the pointer
    (`_hover`, `_clicked`, `_double`, `_tip`)."""

    def __init__(self, pane, boxes: list, edges: list, bands: list, lines: list, plain_pen: QPen):
        super().__init__()
        self.pane, self.edges, self.bands, self.lines, self.plain_pen = pane, edges, bands, lines, plain_pen
        self.setFlag(QGraphicsItem.ItemUsesExtendedStyleOption)  # option.exposedRect: paint only that
        self.setAcceptHoverEvents(True)
        self.setZValue(1)
        self._text: dict = {}  # key -> its lines cut to the box, made at its first painting with text
        cols: dict = {}  # boxes by column (left x), each column's top to bottom
        for b in boxes:
            cols.setdefault(b[1].left(), []).append(b)
        self.lefts = sorted(cols)
        self.cols = [sorted(cols[x], key=lambda b: b[1].top()) for x in self.lefts]
        self.tops = [[b[1].top() for b in col] for col in self.cols]
        self.box_w = max((b[1].width() for b in boxes), default=0)
        self.box_h = max((b[1].height() for b in boxes), default=0)
        self.edge_rects = [edge_bounds(ra, rb, via) for _, ra, rb, via in edges]
        self.paths: dict = {}  # edge index -> its path
        self.kinds_of: dict = {}  # kind -> [edge indices]
        for i, (e, *_) in enumerate(edges):
            self.kinds_of.setdefault(e.kind, []).append(i)
        self._merged: dict | None = None  # kind -> all its edges as one path (zoomed out)
        rects = [b[1] for b in boxes] + [b[0] for b in bands] + self.edge_rects
        left, top = min((r.left() for r in rects), default=0), min((r.top() for r in rects), default=0)
        right, bottom = max((r.right() for r in rects), default=0), max((r.bottom() for r in rects), default=0)
        self.bounds = QRectF(left - 3, top - 3, right - left + 6, bottom - top + 6)
        self.hover_key = None

    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt's name)
        return self.bounds

    # --- finding ------------------------------------------------------------------------------------

    def boxes_in(self, rect: QRectF) -> list:
        """The boxes that meet `rect`."""
        out = []
        for c in range(bisect_left(self.lefts, rect.left() - self.box_w), bisect_right(self.lefts, rect.right())):
            tops = self.tops[c]
            out.extend(self.cols[c][bisect_left(tops, rect.top() - self.box_h):bisect_right(tops, rect.bottom())])
        return [b for b in out if b[1].intersects(rect)]

    def key_at(self, pos: QPointF):
        hit = self.boxes_in(QRectF(pos.x() - 0.5, pos.y() - 0.5, 1, 1))
        return next((b[0] for b in hit if b[1].contains(pos)), None)

    def edge_at(self, pos: QPointF, reach: float = 4.0):
        """The edge drawn under `pos` (within `reach` scene px), or None."""
        near = QRectF(pos.x() - reach, pos.y() - reach, 2 * reach, 2 * reach)
        stroker = QPainterPathStroker()
        stroker.setWidth(2 * reach)
        for i, r in enumerate(self.edge_rects):
            if r.intersects(near) and stroker.createStroke(self.path(i)).contains(pos):
                return self.edges[i][0]
        return None

    def path(self, i: int) -> QPainterPath:
        if i not in self.paths:
            _, ra, rb, via = self.edges[i]
            self.paths[i] = routed(ra, rb, via) if via else curve(ra, rb)
        return self.paths[i]

    # --- painting -----------------------------------------------------------------------------------

    def paint(self, painter, option, widget=None) -> None:
        lod = QStyleOptionGraphicsItem.levelOfDetailFromTransform(painter.worldTransform())
        exposed = option.exposedRect
        painter.setRenderHint(QPainter.Antialiasing, lod >= SMOOTH_LOD)
        painter.setPen(Qt.NoPen)
        for rect, colour in self.bands:
            if rect.intersects(exposed):
                painter.setBrush(colour)
                painter.drawRect(rect)
        painter.setPen(QPen(QColor("#d5dae1"), 1, Qt.DashLine))
        for x, top, bottom in self.lines:
            if exposed.left() - 1 <= x <= exposed.right() + 1:
                painter.drawLine(QPointF(x, max(top, exposed.top())), QPointF(x, min(bottom, exposed.bottom())))
        self._paint_edges(painter, exposed, lod)
        boxes = self.boxes_in(exposed)
        marked = self.pane.marked()
        painter.setPen(_thin(self.plain_pen, lod))
        by_brush: dict = {}
        for b in boxes:
            if b[0] not in marked:
                by_brush.setdefault(b[4], []).append(b[1])
        for brush, rects in by_brush.items():  # the plain boxes: one call per fill
            painter.setBrush(QBrush(QColor(brush)))
            painter.drawRects(rects)
        for b in boxes:
            if b[0] in marked:
                painter.setPen(_thin(self.pane.box_pen(b[0]), lod))
                painter.setBrush(QBrush(QColor(b[4])))
                painter.drawRect(b[1])
        if lod >= TEXT_LOD:
            for key, rect, title, node, _ in boxes:
                text = self._text.get(key)
                if text is None:
                    text = self._text[key] = box_text(title, self.pane.subtitle(node), rect.width())
                paint_text(painter, rect, *text)

    def _paint_edges(self, painter, exposed: QRectF, lod: float) -> None:
        """The plain (faint) edges first, then those of the current, focus and hovered nodes over them.
        Zoomed out, all of a kind's as one path; else one by one, those that meet `exposed` (one path
        of 4,447 edges drawn smooth took 50 ms a paint)."""
        shown = [i for i, r in enumerate(self.edge_rects) if r.intersects(exposed)]
        near = self.pane.near_edges()
        painter.setBrush(Qt.NoBrush)
        if lod < SMOOTH_LOD:  # zoomed out: one path per kind
            if self._merged is None:
                self._merged = {}
                for kind, idx in self.kinds_of.items():
                    path = QPainterPath()
                    for i in idx:
                        path.addPath(self.path(i))
                    self._merged[kind] = path
            for kind, idx in self.kinds_of.items():
                painter.setPen(_thin(self.pane.edge_pen(self.edges[idx[0]][0], near=False), lod))
                painter.drawPath(self._merged[kind])
        else:
            for i in shown:
                if i not in near:
                    painter.setPen(_thin(self.pane.edge_pen(self.edges[i][0], near=False), lod))
                    painter.drawPath(self.path(i))
        for i in near:
            if self.edge_rects[i].intersects(exposed):
                painter.setPen(_thin(self.pane.edge_pen(self.edges[i][0], near=True), lod))
                painter.drawPath(self.path(i))

    # --- the pointer --------------------------------------------------------------------------------

    def hoverMoveEvent(self, ev) -> None:  # noqa: N802 (Qt's name)
        key = self.key_at(ev.pos())
        if key != self.hover_key:
            old, self.hover_key = self.hover_key, key
            if old is not None:
                self.pane._hover(old, False)
            if key is not None:
                self.pane._hover(key, True)
                self.setCursor(Qt.PointingHandCursor)
            else:
                self.unsetCursor()
        if key is not None:
            tip = self.pane.node_tip(key)
        else:
            e = self.edge_at(ev.pos())
            tip = self.pane.edge_tip(e) if e is not None else ""
        if tip != self.toolTip():
            self.setToolTip(tip)

    def hoverLeaveEvent(self, ev) -> None:  # noqa: N802 (Qt's name)
        if self.hover_key is not None:
            old, self.hover_key = self.hover_key, None
            self.pane._hover(old, False)
        self.unsetCursor()
        self.setToolTip("")

    def mousePressEvent(self, ev) -> None:  # noqa: N802 (Qt's name)
        key = self.key_at(ev.pos()) if ev.button() == Qt.LeftButton else None
        if key is None:
            ev.ignore()  # the background: the view drags the graph
            return
        self.pane._clicked(key)
        ev.accept()

    def mouseDoubleClickEvent(self, ev) -> None:  # noqa: N802 (Qt's name)
        key = self.key_at(ev.pos()) if ev.button() == Qt.LeftButton else None
        if key is None:
            ev.ignore()
            return
        self.pane._double(key)
        ev.accept()
