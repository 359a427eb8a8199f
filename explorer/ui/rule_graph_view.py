"""The author's rule graph (View > Rule Graph): which rules read and write which variables, and which
follow, schedule or cancel which, from `explorer.core.rule_graph`.

By default the neighbourhood of the selected event's rule: what it depends on on the left, what
depends on it on the right, a few steps each way; "Whole graph" shows every rule in layers. The tag
box keeps the rules with a matching tag. A click on a node centres the graph on it (and selects the
event when it happens in the selected branch); a double click, Enter or F2 opens its form. Arrows move
between nodes, so the keyboard reaches everything.
"""
from __future__ import annotations

from PySide6.QtCore import QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import (QApplication, QToolButton, QCheckBox, QGraphicsScene, QGraphicsSimpleTextItem, QGraphicsView, QHBoxLayout,
                               QLabel, QLineEdit, QSpinBox, QVBoxLayout, QWidget)

from ..core.rule_graph import RuleGraph, rule_graph
from . import style
from .history import History
from .node_graph import NodeItem, edge_item
from .panes import LazyPane
from .selection import Selection

NODE_W, NODE_H, COL_GAP, ROW_GAP = 190, 40, 90, 10

EDGE_COLORS = {"reads": "#5b8def", "writes": "#d9822b", "follows": "#7a5cc2", "schedules": "#2e9e6a",
               "cancels": "#c23b3b"}


def _esc(s) -> str:
    return str(s or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class _GraphView(QGraphicsView):
    """The canvas: arrows move the current node, Enter/F2 open its form, Space centres on it."""

    def __init__(self, pane: "RuleGraphView"):
        super().__init__(pane.scene)
        self.pane = pane
        self.setObjectName("ruleGraph")
        self.setRenderHint(QPainter.Antialiasing)
        self.setDragMode(QGraphicsView.ScrollHandDrag)
        self.setFocusPolicy(Qt.StrongFocus)

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


class RuleGraphView(LazyPane, QWidget):
    editRequested = Signal(tuple)  # ("rule", event id) | ("var", name): the window opens its form

    def __init__(self, selection: Selection, parent=None):
        super().__init__(parent)
        self.selection = selection
        self.history: History | None = None
        self.graph: RuleGraph | None = None
        self.focus: tuple | None = None  # the node whose neighbourhood is shown
        self.current: tuple | None = None  # the keyboard's node
        self.layout_ = None
        self.items: dict = {}
        self.edge_items: list = []
        title = QLabel("Rule graph")
        title.setObjectName("paneTitle")
        self.filter_edit = QLineEdit()
        self.filter_edit.setObjectName("ruleGraphFilter")
        self.filter_edit.setPlaceholderText("Filter by tag, e.g. military, Mexico")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setToolTip("Only the rules with a tag containing this text (several: separate them "
                                    "with commas), and the variables they read or write")
        self.filter_edit.textChanged.connect(lambda _: self._filter_later.start())
        self._filter_later = QTimer(self)
        self._filter_later.setSingleShot(True)
        self._filter_later.setInterval(150)
        self._filter_later.timeout.connect(self.refresh)
        self.whole_box = QCheckBox("Whole graph")
        self.whole_box.setObjectName("ruleGraphWhole")
        self.whole_box.setToolTip("Every rule and variable, in layers (otherwise the selected rule's neighbourhood)")
        self.whole_box.toggled.connect(lambda _: self.refresh())
        self.steps_box = QSpinBox()
        self.steps_box.setRange(1, 4)
        self.steps_box.setValue(2)
        self.steps_box.setPrefix("steps ")
        self.steps_box.setToolTip("How many steps each way the neighbourhood reaches")
        self.steps_box.valueChanged.connect(lambda _: self.refresh())
        bar = QHBoxLayout()
        bar.setContentsMargins(8, 4, 6, 0)
        bar.addWidget(title)
        bar.addWidget(self.filter_edit, 1)
        bar.addWidget(self.steps_box)
        bar.addWidget(self.whole_box)
        # zoom as on the branch map: −, +, and Fit (the whole graph in view, however small)
        for text, name, tip, slot in (("−", "ruleGraphZoomOut", "Zoom out (Ctrl+wheel)", lambda: self.zoom(1 / 1.25)),
                                      ("+", "ruleGraphZoomIn", "Zoom in (Ctrl+wheel)", lambda: self.zoom(1.25)),
                                      ("Fit", "ruleGraphFit", "The whole graph in view", lambda: self.fit_all())):
            b = QToolButton()
            b.setText(text)
            b.setObjectName(name)
            b.setToolTip(tip)
            b.setAutoRaise(True)
            b.clicked.connect(slot)
            bar.addWidget(b)
        self.note = QLabel("")
        self.note.setObjectName("muted")
        self.note.setWordWrap(True)
        self.note.setContentsMargins(8, 0, 6, 0)
        self.scene = QGraphicsScene(self)
        self.view = _GraphView(self)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 4)
        lay.setSpacing(3)
        lay.addLayout(bar)
        lay.addWidget(self.note)
        lay.addWidget(self.view, 1)
        selection.eventChanged.connect(self._event_selected)
        self._click_key = None
        self._click_timer = QTimer(self)
        self._click_timer.setSingleShot(True)
        self._click_timer.timeout.connect(lambda: self.go(self._click_key))

    # --- data ---------------------------------------------------------------------------------------

    def set_history(self, history: History) -> None:
        self.history = history
        self.graph = None  # built from the program when the pane is first seen (cached on the program)
        self.refresh()

    def _event_selected(self, key) -> None:
        if key is not None and self.focus != ("rule", key[0]):
            self.focus = ("rule", key[0])
            self.refresh()

    def shown_graph(self) -> RuleGraph | None:
        if self.history is None:
            return None
        if self.graph is None:
            self.graph = rule_graph(self.history.ws.program)
        if self.focus is not None and self.focus not in self.graph.nodes:
            self.focus = ("rule", self.selection.event[0]) if self.selection.event else None
        return self.graph.with_tags(self.filter_edit.text())

    # --- drawing ------------------------------------------------------------------------------------

    def refresh(self) -> None:
        if self.put_off():  # drawn when the pane is shown
            return
        self._stale = False
        self.scene.clear()
        self.items = {}
        self.edge_items = []
        self.layout_ = None
        g = self.shown_graph()
        if g is None:
            self.note.setText("")
            return
        n_rules = len(g.rules)
        if not n_rules:
            self.note.setText(f"No rule has a tag containing “{_esc(self.filter_edit.text())}”. Tags: "
                              + ", ".join(_esc(t) for t in self.graph.tags))
            return
        whole = self.whole_box.isChecked() or self.focus is None or self.focus not in g.nodes
        self.steps_box.setEnabled(not whole)
        steps = self.steps_box.value()
        lay = self.layout_ = g.whole() if whole else g.neighbourhood(self.focus, steps, steps)
        legend = " ".join(f"<span style='color:{EDGE_COLORS[k]}'>━&nbsp;{k}</span>" for k in EDGE_COLORS)
        if whole:
            what = (f"{n_rules} rules, {len(g.variables)} variables" +
                    (" with that tag" if self.filter_edit.text().strip() else "") +
                    (" · select an event or click a node for its neighbourhood"
                     if not self.whole_box.isChecked() else ""))
        else:
            node = g.nodes[self.focus]
            what = (f"<b>{_esc(node.label)}</b> · what it depends on ← → what depends on it"
                    + (f" · {lay.more} more not shown" if lay.more else ""))
        self.note.setText(f"{what} &nbsp; {legend}")
        self.note.setToolTip("Click a node to centre the graph on it, double-click (or Enter, F2) to edit it; "
                             "arrows move between nodes; Ctrl+wheel zooms")
        heights: dict[int, int] = {}
        for p in lay.nodes:
            heights[p.col] = heights.get(p.col, 0) + 1
        for p in lay.nodes:  # each column centred on the middle row (the focus's)
            x = p.col * (NODE_W + COL_GAP)
            y = (p.row - (heights[p.col] - 1) / 2) * (NODE_H + ROW_GAP)
            self.items[p.node.key] = self._node(p, QRectF(x, y, NODE_W, NODE_H))
        label_edges = len(lay.edges) <= 30  # more labels than that hide the graph: colours say the kind
        self.edge_items = []
        for e in lay.edges:
            ra, rb = self.items[e.source].rect(), self.items[e.target].rect()
            item = edge_item(ra, rb, EDGE_COLORS[e.kind], _esc(g.words(e)), 1.3)
            item.edge = e
            self.edge_items.append(item)
            self.scene.addItem(item)
            if label_edges:
                self._edge_label(e.kind, item.path().pointAtPercent(0.5))
        self.scene.setSceneRect(self.scene.itemsBoundingRect().adjusted(-30, -20, 30, 20))
        if self.current not in self.items:
            self.current = self.focus if self.focus in self.items else (lay.nodes[0].node.key if lay.nodes else None)
        self._mark_current()
        self._fit()

    def _node(self, p, rect: QRectF) -> NodeItem:
        n = p.node
        if n.kind == "rule":
            color = style.ACCENT if p.focus else style.LANE_PATH
            sub = ", ".join(n.tags) or n.name
            fill = None
        else:
            color = "#8a94a3"
            sub = f"variable {n.name}"
            fill = "#f6f8fa" if not p.focus else None
        tip = f"<b>{_esc(n.label)}</b><br>{_esc(n.kind == 'rule' and 'rule ' + n.name or 'variable ' + n.name)}"
        if n.tags:
            tip += f"<br>tags: {_esc(', '.join(n.tags))}"
        tip += "<br><i>click: centre here · double-click: edit</i>"
        item = NodeItem(rect, n.label, sub, color, focus=p.focus, tooltip=tip, fill=fill,
                        on_click=lambda k=n.key: self._clicked(k), on_double=lambda k=n.key: self._double(k))
        item.setZValue(2)
        self.scene.addItem(item)
        return item

    def _edge_label(self, kind: str, at) -> None:
        f = QFont()
        f.setPointSizeF(7)
        t = QGraphicsSimpleTextItem(kind)
        t.setFont(f)
        t.setBrush(QColor(EDGE_COLORS[kind]))
        r = t.boundingRect()
        t.setPos(at.x() - r.width() / 2, at.y() - r.height() - 1)
        t.setZValue(1.5)
        self.scene.addItem(t)

    READABLE = 0.8  # below this scale the nodes' text no longer reads

    def _fit(self) -> None:
        """The whole graph when it fits at a readable scale (never enlarged); else as many whole columns
        as the view holds at a readable scale, the focus's among them, scaled to fill the width, so
        that no node is cut at the left or right edge (the rest scrolls in). At 1280x800 the 560 px
        dock cut the nodes at both edges."""
        self.view.resetTransform()
        vw, vh = max(self.view.viewport().width(), 100), max(self.view.viewport().height(), 60)
        rect = self.scene.sceneRect()
        fit = min(vw / rect.width(), vh / rect.height(), 1.0)
        target = self.items.get(self.focus) or self.items.get(self.current)
        if fit >= self.READABLE or target is None:
            s = max(fit, self.READABLE) if target is not None else fit
            self.view.scale(s, s)
            self.view.centerOn(rect.center() if fit >= self.READABLE else target)
            return
        pitch = NODE_W + COL_GAP
        lefts = sorted({round(item.rect().left()) for item in self.items.values()})
        # as many whole columns as fit at the readable scale, then the scale that fills the view with
        # exactly those (the next columns' nodes start just outside: nothing is cut at the sides)
        n = min(max(int((vw / self.READABLE - COL_GAP + 16) // pitch), 1), len(lefts))
        s = vw / (n * pitch + COL_GAP - 16)  # the neighbours start 8 scene px beyond each side
        if n == len(lefts):
            s = min(s, 1.0)
        self.view.scale(s, s)
        fx = round(target.rect().left())
        i = lefts.index(fx) if fx in lefts else 0
        first = min(max(i - n // 2, 0), len(lefts) - n)  # two columns: the causes and the focus
        shown = lefts[first:first + n]
        self.view.centerOn((shown[0] + shown[-1] + NODE_W) / 2, target.rect().center().y())

    def fit_all(self) -> None:
        """Fit: the whole graph in the view, however small its text gets."""
        self.view.resetTransform()
        rect = self.scene.sceneRect()
        if rect.width() > 0 and rect.height() > 0:
            s = min(self.view.viewport().width() / rect.width(), self.view.viewport().height() / rect.height(), 1.0)
            self.view.scale(s, s)
            self.view.centerOn(rect.center())

    def zoom(self, factor: float) -> None:
        self.view.scale(factor, factor)

    def visible_nodes(self) -> tuple[list, list]:
        """(whole, cut): the nodes wholly inside the view and those only partly in it."""
        view_rect = self.view.mapToScene(self.view.viewport().rect()).boundingRect()
        whole, cut = [], []
        for key, item in self.items.items():
            r = item.sceneBoundingRect()
            if view_rect.contains(r):
                whole.append(key)
            elif view_rect.intersects(r):
                cut.append(key)
        return whole, cut

    def _mark_current(self) -> None:
        for k, item in self.items.items():
            pen = item.pen()
            pen.setStyle(Qt.DashLine if k == self.current and k != self.focus else Qt.SolidLine)
            pen.setWidthF(2.4 if k == self.current else 2.0 if k == self.focus else 1.2)
            item.setPen(pen)
        # many edges (the whole graph): faint, but the current node's and the focus's in full
        faint = len(self.edge_items) > 60
        for item in self.edge_items:
            e = item.edge
            near = {e.source, e.target} & {self.current, self.focus}
            pen = item.pen()
            c = QColor(EDGE_COLORS[e.kind])
            c.setAlpha(255 if near or not faint else 45)
            pen.setColor(c)
            pen.setWidthF(2.0 if near and faint else 1.3)
            item.setPen(pen)
            item.setZValue(1.2 if near else 1)

    # --- acting -------------------------------------------------------------------------------------

    def _clicked(self, key) -> None:
        """Centre on the node once no second click follows (centring redraws the graph, which would
        take the double click's node away)."""
        self.current = key
        self._mark_current()
        self._click_key = key
        self._click_timer.start(QApplication.doubleClickInterval())

    def _double(self, key) -> None:
        self._click_timer.stop()
        self.open_form(key)

    def go(self, key) -> None:
        """Centre the graph on `key`'s neighbourhood; a rule whose event happens in the selected branch
        is selected there too."""
        if key is None or self.graph is None:
            return
        self.current = key
        self.focus = key
        if self.whole_box.isChecked():
            self.whole_box.blockSignals(True)
            self.whole_box.setChecked(False)
            self.whole_box.blockSignals(False)
        self.refresh()
        if key[0] == "rule" and self.history is not None:
            tl = self.history.try_timeline(self.selection.branch)
            f = tl.firing(key[1]) if tl is not None else None
            if f is not None and self.selection.event != (f.event, f.occurrence):
                self.selection.select_event((f.event, f.occurrence), cursor=f.date)

    def open_form(self, key) -> None:
        if key is not None:
            self.editRequested.emit(key)

    def move_current(self, dcol: int, drow: int) -> None:
        lay = self.layout_
        if lay is None or not lay.nodes:
            return
        here = lay.place(self.current) if self.current else None
        if here is None:
            self.current = lay.nodes[0].node.key
        else:
            if dcol:
                col = [p for p in lay.nodes if p.col == here.col + dcol]
                if not col:
                    return
                best = min(col, key=lambda p: abs(p.row - here.row))
            else:
                best = next((p for p in lay.nodes if p.col == here.col and p.row == here.row + drow), None)
                if best is None:
                    return
            self.current = best.node.key
        self._mark_current()
        self.view.ensureVisible(self.items[self.current], 40, 40)

    def node_pos(self, key):
        """Viewport position of a node's centre (for tests)."""
        item = self.items[key]
        return self.view.mapFromScene(item.mapToScene(item.rect().center()))

