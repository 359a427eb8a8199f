"""Drawing for the app's two graphs, the Causes pane (ui/causes_view.py) and the rule graph
(ui/rule_graph_view.py): clickable boxes with a title and a second line, and curved edges between
them, left to right. One look for both, so that a reader who knows one reads the other.
"""
from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsPathItem, QGraphicsRectItem

from . import style


_FONTS: list = []


def _fonts() -> tuple:
    """The boxes' two fonts and their metrics, made once (the whole rule graph draws hundreds of boxes)."""
    if not _FONTS:
        f = QFont()
        f.setPointSizeF(8.5)
        small = QFont(f)
        small.setPointSizeF(7.5)
        _FONTS.extend((f, QFontMetrics(f), small, QFontMetrics(small)))
    return tuple(_FONTS)


class NodeItem(QGraphicsRectItem):
    """A box: `title` (elided to fit) over a smaller, muted `subtitle`; `on_click()` on a left click,
    `on_double()` on a double click."""

    def __init__(self, rect: QRectF, title: str, subtitle: str, color: str, *, focus: bool = False,
                 tooltip: str = "", on_click=None, on_double=None, fill: str | None = None, on_hover=None,
                 title_lines: int = 1):
        super().__init__(rect)
        self.title_lines = title_lines  # the title wraps onto this many lines (the box is made tall enough)
        self.on_click, self.on_double, self.on_hover = on_click, on_double, on_hover
        if on_hover is not None:  # `on_hover(True/False)` as the pointer enters and leaves
            self.setAcceptHoverEvents(True)
        self.setPen(QPen(QColor(color), 2.0 if focus else 1.2))
        self.setBrush(QBrush(QColor(fill or (style.ACCENT_SOFT if focus else "white"))))
        self.setCursor(Qt.PointingHandCursor)
        if tooltip:
            self.setToolTip(tooltip)
        self.title, self.subtitle = title, subtitle
        self._elided = None  # the two lines cut to the box, made at the first paint (most boxes of a big
        #                      graph are never painted: two text items each cost 1 ms to make)

    def paint(self, painter, option, widget=None) -> None:
        super().paint(painter, option, widget)
        if self._elided is None:
            self._elided = box_text(self.title, self.subtitle, self.rect().width(), self.title_lines)
        paint_text(painter, self.rect(), *self._elided)

    def title_shown(self) -> str:
        """The title as painted (its lines joined by spaces; … where it was cut)."""
        f, fm, small, sm = _fonts()
        return " ".join(wrap(fm, self.title, int(self.rect().width() - 12), self.title_lines))

    def mousePressEvent(self, ev) -> None:
        if ev.button() == Qt.LeftButton and self.on_click is not None:
            self.on_click()
            ev.accept()
            return
        super().mousePressEvent(ev)

    def hoverEnterEvent(self, ev) -> None:
        if self.on_hover is not None:
            self.on_hover(True)
        super().hoverEnterEvent(ev)

    def hoverLeaveEvent(self, ev) -> None:
        if self.on_hover is not None:
            self.on_hover(False)
        super().hoverLeaveEvent(ev)

    def mouseDoubleClickEvent(self, ev) -> None:
        if ev.button() == Qt.LeftButton and self.on_double is not None:
            self.on_double()
            ev.accept()
            return
        super().mouseDoubleClickEvent(ev)


def box_text(title: str, subtitle: str, width: float, title_lines: int = 1) -> tuple:
    """A box's two lines cut to its `width`: (the title's lines, the subtitle), as `paint_text` takes them."""
    f, fm, small, sm = _fonts()
    w = int(width - 12)
    return wrap(fm, title, w, title_lines), sm.elidedText(subtitle, Qt.ElideRight, w)


def paint_text(painter, r: QRectF, lines: list, subtitle: str) -> None:
    """A box's text: the title's lines over the smaller, muted subtitle (the boxes of both graphs,
    `NodeItem` and the whole rule graph's one item, ui/rule_graph_canvas.WholeGraph)."""
    f, fm, small, sm = _fonts()
    painter.setFont(f)
    painter.setPen(QColor(style.TEXT))
    for i, line in enumerate(lines):
        painter.drawText(QPointF(r.left() + 6, r.top() + 4 + i * fm.height() + fm.ascent()), line)
    painter.setFont(small)
    painter.setPen(QColor(style.TEXT_MUTED))
    painter.drawText(QPointF(r.left() + 6, r.top() + 4 + len(lines) * fm.height() + sm.ascent()), subtitle)


def wrap(fm: QFontMetrics, text: str, width: int, lines: int) -> list[str]:
    """`text` broken at spaces into at most `lines` lines of `width` px, the last cut with … if need be."""
    out, words = [], text.split()
    while words and len(out) < lines - 1:
        line = words.pop(0)
        while words and fm.horizontalAdvance(line + " " + words[0]) <= width:
            line += " " + words.pop(0)
        if fm.horizontalAdvance(line) > width:  # one word wider than the box: cut it here
            words.insert(0, line)
            break
        out.append(line)
    if words or not out:
        out.append(fm.elidedText(" ".join(words), Qt.ElideRight, width))
    return out


def curve(ra: QRectF, rb: QRectF) -> QPainterPath:
    """From the right side of `ra` to the left side of `rb` (both left sides when `rb` is not further
    right: nodes in one column)."""
    p0 = QPointF(ra.right(), ra.center().y())
    p1 = QPointF(rb.left(), rb.center().y())
    if p1.x() <= p0.x():
        p0, p1 = QPointF(ra.left(), ra.center().y()), QPointF(rb.left(), rb.center().y())
        dx = -30.0  # a bulge to the left of the column
        path = QPainterPath(p0)
        path.cubicTo(p0 + QPointF(dx, 0), p1 + QPointF(dx, 0), p1)
        return path
    path = QPainterPath(p0)
    dx = max(abs(p1.x() - p0.x()) * 0.5, 30)
    path.cubicTo(p0 + QPointF(dx, 0), p1 - QPointF(dx, 0), p1)
    return path


def routed(ra: QRectF, rb: QRectF, via: list) -> QPainterPath:
    """From the right side of `ra` through the points `via` ((x, y), left to right: the places a long
    edge was given in the columns it passes) to the left side of `rb`, smooth and level at each point.
    (Plain numbers, not QPointF sums: the whole rule graph of 2,000 rules bends 5,000 times.)"""
    pts = [(ra.right(), ra.center().y()), *via, (rb.left(), rb.center().y())]
    path = QPainterPath(QPointF(*pts[0]))
    for (ax, ay), (bx, by) in zip(pts, pts[1:]):
        dx = max((bx - ax) * 0.5, 10)
        path.cubicTo(ax + dx, ay, bx - dx, by, bx, by)
    return path


def edge_bounds(ra: QRectF, rb: QRectF, via: list | None = None) -> QRectF:
    """The rectangle that holds the edge `routed` or `curve` draws from `ra` to `rb` (its control
    points included), known without making its path."""
    xs = [ra.right(), rb.left(), *(x for x, _ in via or ())]
    ys = [ra.center().y(), rb.center().y(), *(y for _, y in via or ())]
    if not via and rb.left() <= ra.right():  # `curve`'s bulge left of the column
        xs += [ra.left() - 30, rb.left() - 30]
    return QRectF(min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys))


def edge_item(ra: QRectF, rb: QRectF, color: str, tooltip: str = "", width: float = 1.2,
              via: list | None = None) -> QGraphicsPathItem:
    item = QGraphicsPathItem(routed(ra, rb, via) if via else curve(ra, rb))
    item.setPen(QPen(QColor(color), width))
    item.setZValue(1)
    if tooltip:
        item.setToolTip(tooltip)
    return item
