"""Causes and consequences of the selected event as a graph: what led to it (left) and what it led to
(right) in the selected branch, columns by causal step, every node a click away from its event (a
divergence's node selects its branch). The graph comes from `explorer.core.causes.event_graph`; the
boxes and edges are drawn as the rule graph's are (ui/node_graph.py).

The graph is laid out for the pane it is in (`layout`) and fitted to it, never below `MIN_SCALE`: six
columns of causal steps side by side need ~1,200 px, and the 420 px pane of a 1280x800 window showed two
causes of eleven under a header that counted them all. A tall, narrow pane lays the steps out top to
bottom instead (causes above, consequences below, a step's boxes in lines across the pane's width),
whichever shape shows the whole graph at the larger scale.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen, QTransform
from PySide6.QtWidgets import (QGraphicsPathItem, QGraphicsScene, QGraphicsView, QLabel, QSizePolicy,
                               QVBoxLayout, QWidget)

from ..core.causes import event_graph
from ..core.errors import ExplorerError
from . import style
from .history import History
from .node_graph import NodeItem, curve, edge_item
from .panes import LazyPane
from .selection import BRANCH, EVENT, Selection

# a cause, the event and its gap fit the 420 px dock of a 1280x800 window (2 x 170 + 40 + margins)
NODE_W, NODE_H, COL_GAP, ROW_GAP = 170, 42, 40, 12
MAX_W, NODE_H2 = 300, 56  # with room: boxes up to 300 px wide, titles on two lines


def box_size(view_w: float, view_h: float, columns: int, rows: int) -> tuple[int, int, int]:
    """(width, height, title lines) of the boxes: the columns share the pane's width (170 to 300 px), and
    titles take two lines when the tallest column still fits its height (at 1920x1080 they were cut at
    170 px over a pane mostly empty)."""
    w = int((view_w - 40 - (columns - 1) * COL_GAP) / max(columns, 1))
    w = max(NODE_W, min(MAX_W, w))
    if rows * (NODE_H2 + ROW_GAP) + 40 <= view_h:
        return w, NODE_H2, 2
    return w, NODE_H, 1


def _shape(cg) -> tuple[int, int]:
    """(columns, rows of the tallest column) of a cause graph."""
    per_col: dict[int, int] = {}
    for n in cg.nodes:
        per_col[n.depth] = per_col.get(n.depth, 0) + 1
    depths = list(per_col) or [0]
    return max(depths) - min(depths) + 1, max(per_col.values(), default=1)


MIN_SCALE = 0.8   # fitted no smaller: the boxes' 8.5 pt titles stop reading below ~7 pt
MARGIN = 12       # scene margin around the graph
DOWN_MIN_W, LINE_GAP, STEP_GAP = 120, 10, 26  # top to bottom: boxes' least width, gaps within / between steps
LINE_H = 13       # a title line's height in the boxes' font (node_graph's 8.5 pt)


def layout(cg, view_w: float, view_h: float) -> tuple[str, dict, tuple, float]:
    """("across" | "down", node key -> QRectF, (box width, height, title lines), scale fitting the
    whole graph into the view, at most 1): of the shapes tried (the causal steps as columns left to
    right, or as bands top to bottom with 1..n boxes a line), the one shown at the largest scale;
    across on a tie (the look a reader knows from the rule graph), then the wider boxes."""
    by_depth: dict[int, list] = {}
    for n in sorted(cg.nodes, key=lambda n: (n.depth, n.row)):
        by_depth.setdefault(n.depth, []).append(n)
    best = None

    def consider(kind, rects, box):
        if not rects:
            return
        left = min(r.left() for r in rects.values())
        top = min(r.top() for r in rects.values())
        width = max(r.right() for r in rects.values()) - left + 2 * MARGIN
        height = max(r.bottom() for r in rects.values()) - top + 2 * MARGIN
        scale = min(1.0, view_w / width, view_h / height)
        key = (round(scale, 2), kind == "across", box[0])
        nonlocal best
        if best is None or key > best[0]:
            best = (key, (kind, rects, box, scale))

    bw, bh, lines = box_size(view_w, view_h, *_shape(cg))
    consider("across", {n.key: QRectF(n.depth * (bw + COL_GAP), n.row * (bh + ROW_GAP), bw, bh)
                        for n in cg.nodes}, (bw, bh, lines))
    widest = max((len(v) for v in by_depth.values()), default=1)
    for per_line in range(1, widest + 1):
        w = min(MAX_W, int((view_w - 2 * MARGIN - (per_line - 1) * LINE_GAP) / per_line))
        if w < DOWN_MIN_W:
            break
        lines = 2 if w >= NODE_W else 3
        h = NODE_H2 + (lines - 2) * LINE_H
        rects, y = {}, 0.0
        for nodes in by_depth.values():
            for i in range(0, len(nodes), per_line):
                chunk = nodes[i:i + per_line]
                x0 = -(len(chunk) * w + (len(chunk) - 1) * LINE_GAP) / 2  # each line centred
                for j, n in enumerate(chunk):
                    rects[n.key] = QRectF(x0 + j * (w + LINE_GAP), y, w, h)
                y += h + LINE_GAP
            y += STEP_GAP - LINE_GAP
        consider("down", rects, (w, h, lines))
    return best[1] if best else ("across", {}, (NODE_W, NODE_H, 1), 1.0)


def _down_edge(ra: QRectF, rb: QRectF, color: str) -> QGraphicsPathItem:
    """Top to bottom: from the bottom of `ra` to the top of `rb` (beside the boxes, as across, when `rb`
    is on the same line)."""
    if rb.top() >= ra.bottom():
        p0, p1 = QPointF(ra.center().x(), ra.bottom()), QPointF(rb.center().x(), rb.top())
        path = QPainterPath(p0)
        dy = max((p1.y() - p0.y()) * 0.5, 12)
        path.cubicTo(p0 + QPointF(0, dy), p1 - QPointF(0, dy), p1)
    else:
        path = curve(ra, rb)
    item = QGraphicsPathItem(path)
    item.setPen(QPen(QColor(color), 1.2))
    item.setZValue(1)
    return item


def _node_item(view: "CausesView", node, rect: QRectF, lines: int = 1) -> NodeItem:
    color = {"focus": style.ACCENT, "cause": style.LANE_PATH, "effect": style.STATUS_COLORS["new"]}[node.role]
    if node.key[0] == "divergence":
        color = style.DIVERGENCE
    return NodeItem(rect, node.label, ("◆ " if node.key[0] == "divergence" else "") + str(node.date or ""), color,
                    focus=node.role == "focus", on_click=lambda: view.go(node), title_lines=lines,
                    tooltip=f"<b>{_esc(node.label)}</b><br>{node.date or ''}<br><i>click to go there</i>")


class CausesView(LazyPane, QWidget):
    def __init__(self, selection: Selection, parent=None):
        super().__init__(parent)
        self.selection = selection
        self.history: History | None = None
        self.graph = None
        self.items: dict = {}
        self.elsewhere: str | None = None  # a gone event's branch where it happens (the note's link)
        self.note = QLabel("")
        self.note.setObjectName("muted")
        self.note.setWordWrap(True)
        self.note.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)  # never widens the dock
        # a gone event: a link to its causes in the branch where it happens (a label that wraps: a
        # button kept its whole text on one line and widened the dock over the watch pane)
        self.elsewhere_button = QLabel("")
        self.elsewhere_button.setObjectName("causesElsewhere")
        self.elsewhere_button.setWordWrap(True)
        self.elsewhere_button.setTextFormat(Qt.RichText)
        self.elsewhere_button.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)
        self.elsewhere_button.linkActivated.connect(lambda _: self._follow())
        self.elsewhere_button.hide()
        self.filler = QWidget()  # keeps the note at the top while there is no graph
        self.scene = QGraphicsScene(self)
        self.view = QGraphicsView(self.scene)
        self.view.setObjectName("causesGraph")
        self.view.setRenderHint(QPainter.Antialiasing)
        self.view.setDragMode(QGraphicsView.ScrollHandDrag)
        self.view.installEventFilter(self)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 4, 6, 4)
        lay.addWidget(self.note)
        lay.addWidget(self.elsewhere_button)
        lay.addWidget(self.view, 1)
        lay.addWidget(self.filler, 1)
        selection.changed.connect(lambda what: (BRANCH in what or EVENT in what) and self.refresh())

    def set_history(self, history: History) -> None:
        self.history = history
        self.refresh()

    def refresh(self) -> None:
        if self.put_off():  # drawn when the pane is shown
            return
        self._stale = False
        self.scene.clear()
        self.items = {}
        self.graph = None
        self.elsewhere = None
        self.elsewhere_button.hide()
        self.view.hide()  # no graph, no empty frame under the note
        self.filler.show()
        h = self.history
        key = self.selection.event
        if h is None or key is None or not h.has_branch(self.selection.branch):
            self.note.setText("Select an event to see what led to it and what it led to.")
            return
        tl = h.try_timeline(self.selection.branch)
        f = tl.firing(*key) if tl is not None else None
        if f is None:
            self.note.setText(self._not_here(key))
            return
        self.view.show()
        self.filler.hide()
        try:
            cg = self.graph = event_graph(tl, f.index)
        except ExplorerError as e:
            self.note.setText(str(e))
            return
        more = []
        if cg.more_causes:
            more.append(f"{cg.more_causes} more causes")
        if cg.more_effects:
            more.append(f"{cg.more_effects} more consequences")
        n_c = sum(n.role == "cause" for n in cg.nodes)
        n_e = sum(n.role == "effect" for n in cg.nodes)
        def words(where):
            """"1 cause (left)", "no earlier event led to it" ("0 causes (left)" pointed at nothing)."""
            causes = (f"{n_c} {'cause' if n_c == 1 else 'causes'} ({where[0]})" if n_c
                      else "no earlier event led to it")
            effects = (f"{n_e} {'consequence' if n_e == 1 else 'consequences'} ({where[1]})" if n_e
                       else "nothing followed from it here")
            return (f"<b>{_esc(tl.title(f.event, f.outcome))}</b> · {causes} · {effects}"
                    + (f" · {', '.join(more)} not shown" if more else ""))
        self.note.setText(words(("left", "right")))
        self.layout().activate()  # the view's size as shown, under the note, not as it was while hidden
        vp = self.view.viewport()
        self.shape, rects, self.box, scale = layout(cg, vp.width(), vp.height())
        if self.shape == "down":
            self.note.setText(words(("above", "below")))
        for n in cg.nodes:
            item = _node_item(self, n, rects[n.key], self.box[2])
            item.setZValue(2)
            self.scene.addItem(item)
            self.items[n.key] = item
        for a, b, kind in cg.edges:
            color = style.DIVERGENCE if kind in ("forced", "outcome") else "#aab3bf"
            ra, rb = self.items[a].rect(), self.items[b].rect()
            self.scene.addItem(edge_item(ra, rb, color, kind) if self.shape == "across" else _down_edge(ra, rb, color))
        self.scene.setSceneRect(self.scene.itemsBoundingRect().adjusted(-MARGIN, -MARGIN, MARGIN, MARGIN))
        self._fit()

    box = (NODE_W, NODE_H, 1)  # the boxes' size as last drawn
    shape = "across"           # and the layout's shape

    def _fit(self) -> None:
        """The whole graph in the view, scaled down to `MIN_SCALE` at most; beyond that the view scrolls,
        centred on the event (across, in a view too narrow for three columns: its causes whole on the left
        and its consequences cut on the right)."""
        if self.graph is None or not self.items:
            return
        vp = self.view.viewport()
        rect = self.scene.sceneRect()
        scale = max(MIN_SCALE, min(1.0, vp.width() / rect.width(), vp.height() / rect.height()))
        self.view.setTransform(QTransform.fromScale(scale, scale))
        focus = next(it for k, it in self.items.items() if self.graph.node(k).role == "focus").rect()
        x = focus.center().x()
        if self.shape == "across" and vp.width() / scale < 3 * focus.width() + 2 * COL_GAP + 16:
            x = focus.right() + 8 - vp.width() / scale / 2
        self.view.centerOn(x if rect.width() * scale > vp.width() else rect.center().x(),
                           focus.center().y() if rect.height() * scale > vp.height() else rect.center().y())

    def eventFilter(self, obj, ev) -> bool:
        """The view bigger or smaller: laid out again if another shape or box size fits it better, else
        fitted again."""
        if obj is self.view and ev.type() == QEvent.Resize and not self._refitting:
            self._refitting = True  # once, after the layout settles (a refresh resizes the view itself)
            QTimer.singleShot(0, self._refit)
        return False

    _refitting = False

    def _refit(self) -> None:
        self._refitting = False
        if self.graph is None or not self.view.isVisible():
            return
        vp = self.view.viewport()
        shape, _, box, _ = layout(self.graph, vp.width(), vp.height())
        if (shape, box) != (self.shape, self.box):
            self.refresh()
        else:
            self._fit()

    def _not_here(self, key) -> str:
        """A gone event: where it does happen (the branch compared with, else the parent), one click to
        its causes there. (It said only "does not happen in this branch" above an empty frame.)"""
        h, bid = self.history, self.selection.branch
        other = h.other(bid, self.selection.compare)
        otl = h.try_timeline(other) if other else None
        f = otl.firing(*key) if otl is not None else None
        rule = h.scenario.event(key[0])
        title = _esc(rule.title if rule is not None and rule.title else key[0])
        if f is not None:
            self.elsewhere = other
            self.elsewhere_button.setText(f"<a href='elsewhere'>→ Its causes and consequences in "
                                          f"{_esc(h.label(other))}</a>, where it happens on {f.date.isoformat()}")
            self.elsewhere_button.show()
        return f"<b>{title}</b> does not happen in {_esc(h.label(bid))}: the inspector says why not."

    def _follow(self) -> None:
        if self.elsewhere and self.selection.event:
            key = self.selection.event
            otl = self.history.try_timeline(self.elsewhere)
            f = otl.firing(*key) if otl is not None else None
            self.selection.select_branch(self.elsewhere, key, cursor=f.date if f else None)

    def go(self, node) -> None:
        h = self.history
        bid = self.selection.branch
        tl = h.try_timeline(bid) if h is not None else None
        if tl is None:
            return
        kind, k = node.key[0], node.key[1]
        if kind == "event":
            f = tl.firings[k]
            self.selection.select_event((f.event, f.occurrence), cursor=f.date)
        elif kind == "divergence" and k < len(tl.divergences):
            ad = tl.divergences[k]
            self.selection.select_branch(ad.branch, None, cursor=ad.date)

    def node_pos(self, key):
        """Viewport position of a node's centre (for tests)."""
        item = self.items[key]
        return self.view.mapFromScene(item.mapToScene(item.rect().center()))


def _esc(s) -> str:
    return str(s or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
