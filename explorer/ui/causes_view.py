"""Causes and consequences of the selected event as a graph: what led to it (left) and what it led to
(right) in the selected branch, columns by causal step, every node a click away from its event (a
divergence's node selects its branch). The graph comes from `explorer.core.causes.event_graph`; the
boxes and edges are drawn as the rule graph's are (ui/node_graph.py).
"""
from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (QGraphicsScene, QGraphicsView, QLabel, QSizePolicy, QStyle, QVBoxLayout,
                               QWidget)

from ..core.causes import event_graph
from ..core.errors import ExplorerError
from . import style
from .history import History
from .node_graph import NodeItem, edge_item
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
        self.note.setText(f"<b>{_esc(tl.title(f.event, f.outcome))}</b> · {n_c} causes (left) · "
                          f"{n_e} consequences (right)" + (f" · {', '.join(more)} not shown" if more else ""))
        vp = self.view.viewport()
        self.box = bw, bh, lines = box_size(vp.width(), vp.height(), *_shape(cg))
        for n in cg.nodes:
            x = n.depth * (bw + COL_GAP)
            y = n.row * (bh + ROW_GAP)
            item = _node_item(self, n, QRectF(x, y, bw, bh), lines)
            item.setZValue(2)
            self.scene.addItem(item)
            self.items[n.key] = item
        for a, b, kind in cg.edges:
            color = style.DIVERGENCE if kind in ("forced", "outcome") else "#aab3bf"
            edge = edge_item(self.items[a].rect(), self.items[b].rect(), color, kind)
            self.scene.addItem(edge)
        self.scene.setSceneRect(self.scene.itemsBoundingRect().adjusted(-20, -20, 20, 20))
        self._centre(self.items[("event", f.index)].rect())

    box = (NODE_W, NODE_H, 1)  # the boxes' size as last drawn

    def resizeEvent(self, ev) -> None:
        """Bigger or smaller: the boxes take the room there is (drawn again only if their size changes)."""
        super().resizeEvent(ev)
        if self.graph is not None and self.view.isVisible():
            vp = self.view.viewport()
            if box_size(vp.width(), vp.height(), *_shape(self.graph)) != self.box:
                self.refresh()

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

    def _centre(self, focus: QRectF) -> None:
        """The event in the middle; in a view too narrow for three columns (at 1280x800 the centred event
        showed no whole neighbour), its causes whole on the left and its consequences cut on the right."""
        x = focus.center().x()
        # the viewport as it will be once the scroll bars the new scene needs are shown
        vw = self.view.width() - 2 * self.view.frameWidth() - self.view.style().pixelMetric(QStyle.PM_ScrollBarExtent)
        if vw < 3 * focus.width() + 2 * COL_GAP + 16:
            x = focus.right() + 8 - vw / 2
        self.view.centerOn(x, focus.center().y())

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
