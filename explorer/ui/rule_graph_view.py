"""The author's rule graph (View > Rule Graph): which rules read and write which variables, and which
follow, schedule or cancel which, from `explorer.core.rule_graph`.

By default the neighbourhood of the selected event's rule: what it depends on on the left, what
depends on it on the right, a few steps each way; "Whole graph" shows every rule in layers. The tag
box keeps the rules with a matching tag. A click on a node centres the graph on it (and selects the
event when it happens in the selected branch); a double click, Enter or F2 opens its form. Arrows move
between nodes, so the keyboard reaches everything.
"""
from __future__ import annotations

import datetime as dt
import threading

from PySide6.QtCore import QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QPen
from PySide6.QtWidgets import (QApplication, QCheckBox, QGraphicsScene, QGraphicsSimpleTextItem, QHBoxLayout,
                               QLineEdit, QMenu, QSpinBox, QToolButton, QVBoxLayout, QWidget)

from ..core.rule_graph import KINDS, RULE_KINDS, RuleGraph, rule_graph
from . import style
from .history import History
from .node_graph import NodeItem, edge_item
from .panes import LazyPane
from .rule_graph_canvas import EDGE_COLORS, Elided, GraphView, WholeGraph
from .selection import Selection

NODE_W, NODE_H, COL_GAP, ROW_GAP = 190, 40, 90, 10
WHOLE_GAP, BAND_GAP, LEFT, TOP = 60, 26, 150, 34  # the whole graph: column gap, between bands, margins
AHEAD = 500  # rules: from here the whole graph's layout is made ahead, off the GUI thread (2,000: 60-140 ms)


def _esc(s) -> str:
    return str(s or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


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
        self.rects: dict = {}  # key -> its box in the scene, for every node drawn
        self.items: dict = {}  # key -> its NodeItem (a neighbourhood; the whole graph is one item)
        self.edge_items: list = []  # a neighbourhood's edges
        self.whole_item: WholeGraph | None = None
        self.whole_edges: list = []  # the whole graph's edges, as drawn
        self.touching: dict = {}  # the whole graph: key -> indices of its edges in whole_edges
        self.lit: set = set()  # the hovered node's neighbours
        self.tips: dict = {}  # key -> its tooltip, made when the pointer first reaches it
        self._ahead: tuple | None = None  # (graph, whole()'s arguments, the thread making it)
        self.kinds = set(KINDS)  # the edge kinds drawn
        self.focus_auto = False  # the focus was chosen for the reader (nothing selected): follows the branch
        self.hovered: tuple | None = None
        self.band_spans: list = []  # the whole graph: (tag, rules, top y, bottom y) per band
        self.date_marks: list = []  # the whole graph: (date label, x) per date column
        # one row of controls that fits the 560 px dock at 1280x800 (the tab names the pane)
        self.filter_edit = QLineEdit()
        self.filter_edit.setObjectName("ruleGraphFilter")
        self.filter_edit.setPlaceholderText("Filter by tag")
        self.filter_edit.setMinimumWidth(110)
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setToolTip("Only the rules with a tag containing this text, e.g. military, Mexico "
                                    "(several: separate them with commas), and the variables they read or write")
        self.filter_edit.textChanged.connect(lambda _: self._filter_later.start())
        self._filter_later = QTimer(self)
        self._filter_later.setSingleShot(True)
        self._filter_later.setInterval(150)
        self._filter_later.timeout.connect(self.refresh)
        self.whole_box = QCheckBox("Whole graph")
        self.whole_box.setObjectName("ruleGraphWhole")
        self.whole_box.setToolTip("Every rule: columns by date, bands by first tag, the edges between rules "
                                  "(otherwise the selected rule's neighbourhood, with its variables)")
        self.whole_box.toggled.connect(lambda _: self.refresh())
        self.steps_box = QSpinBox()
        self.steps_box.setRange(1, 4)
        self.steps_box.setValue(2)
        self.steps_box.setPrefix("steps ")
        self.steps_box.setToolTip("How many steps each way the neighbourhood reaches")
        self.steps_box.valueChanged.connect(lambda _: self.refresh())
        self.edges_button = QToolButton()
        self.edges_button.setObjectName("ruleGraphEdges")
        self.edges_button.setText("Edges")
        self.edges_button.setToolTip("Which kinds of edge are drawn; the whole graph's bands by tag")
        self.edges_button.setPopupMode(QToolButton.InstantPopup)
        menu = QMenu(self.edges_button)
        self.kind_actions = {}
        for k in KINDS:
            a = menu.addAction(k)
            a.setCheckable(True)
            a.setChecked(True)
            a.setObjectName(f"ruleGraphEdge_{k}")
            a.toggled.connect(lambda on, k=k: self.show_kind(k, on))
            self.kind_actions[k] = a
        menu.addSeparator()
        self.bands_action = menu.addAction("bands by first tag (whole graph)")
        self.bands_action.setObjectName("ruleGraphBands")
        self.bands_action.setCheckable(True)
        self.bands_action.setChecked(True)
        self.bands_action.setToolTip("Off: one band, ordered only for fewer crossings (the bundled scenario: 31 "
                                     "instead of 187), to follow chains across tags")
        self.bands_action.toggled.connect(lambda _: self.refresh())
        self.edges_button.setMenu(menu)
        bar = QHBoxLayout()
        bar.setContentsMargins(8, 4, 6, 0)
        bar.setSpacing(4)
        self.bar = bar
        bar.addWidget(self.filter_edit, 1)
        bar.addWidget(self.steps_box)
        bar.addWidget(self.whole_box)
        bar.addWidget(self.edges_button)
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
        # one line under it: what is shown (cut with … when long) and the colours of the edges
        self.note = Elided()
        self.note.setObjectName("muted")
        line = QHBoxLayout()
        line.setContentsMargins(8, 0, 6, 0)
        line.setSpacing(8)
        line.addWidget(self.note, 1)
        self.scene = QGraphicsScene(self)
        self.view = GraphView(self)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 4)
        lay.setSpacing(3)
        lay.addLayout(bar)
        lay.addLayout(line)
        lay.addWidget(self.view, 1)
        selection.eventChanged.connect(self._event_selected)
        selection.branchChanged.connect(self._branch_selected)
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
            self.focus, self.focus_auto = ("rule", key[0]), False
            self.refresh()

    def _branch_selected(self, _branch) -> None:
        if self.focus_auto or self.focus is None:  # the start chosen for the reader follows the branch
            self.focus = None
            self.refresh()

    def show_kind(self, kind: str, on: bool) -> None:
        (self.kinds.add if on else self.kinds.discard)(kind)
        self.refresh()

    def shown_graph(self) -> RuleGraph | None:
        if self.history is None:
            return None
        if self.graph is None:
            self.graph = rule_graph(self.history.ws.program)
        if self.focus is not None and self.focus not in self.graph.nodes:
            self.focus = ("rule", self.selection.event[0]) if self.selection.event else None
            self.focus_auto = False
        if self.focus is None:  # nothing selected: where the branch parts from its parent, or the hub
            self.focus, self.focus_auto = self.graph.entry(self._divergences()), True
        return self.graph.with_tags(self.filter_edit.text())

    def _divergences(self) -> list:
        b = self.selection.branch
        if not b or self.history is None or not self.history.has_branch(b):
            return []
        return list(self.history.ws.branch(b).divergences)

    # --- drawing ------------------------------------------------------------------------------------

    def refresh(self) -> None:
        if self.put_off():  # drawn when the pane is shown
            return
        self._stale = False
        self.scene.clear()
        self.rects, self.items, self.edge_items, self.tips = {}, {}, [], {}
        self.whole_item, self.whole_edges, self.touching, self.lit = None, [], {}, set()
        self.layout_ = None
        self.band_spans, self.date_marks = [], []
        self.hovered = None
        g = self.shown_graph()
        if g is None:
            self.note.setText("")
            return
        n_rules = len(g.rules)
        if not n_rules:
            self.note.setText(f"No rule has a tag containing “{self.filter_edit.text()}”. Tags: "
                              + ", ".join(self.graph.tags))
            return
        whole = self.whole_box.isChecked() or self.focus is None or self.focus not in g.nodes
        self.steps_box.setEnabled(not whole)
        steps = self.steps_box.value()
        args = (tuple(k for k in RULE_KINDS if k in self.kinds), self.bands_action.isChecked())
        if whole:
            if self._ahead is not None and self._ahead[0] is g and self._ahead[1] == args:
                self._ahead[2].join()  # being made: wait for it rather than make it twice
            lay = self.layout_ = g.whole(*args)
            self.note.setText(f"{n_rules} rules" + (" with that tag" if self.filter_edit.text().strip() else "")
                              + (" by date and first tag" if self.bands_action.isChecked() else " by date")
                              + "; click one for its neighbourhood and variables")
        else:
            self._lay_ahead(g, args)
            lay = self.layout_ = g.neighbourhood(self.focus, steps, steps)
            lay.edges = [e for e in lay.edges if e.kind in self.kinds]
            node = g.nodes[self.focus]
            if self.focus_auto:
                why = ("this branch's first divergence" if self.graph.entry(self._divergences(), hub=False)
                       else "the most connected rule")
                what = (f"Nothing selected: {why}, {node.label} · click a node or select an event; "
                        "Whole graph shows every rule")
            else:
                what = f"{node.label} · what it depends on ← → what depends on it"
            self.note.setText(what + (f" · {lay.more} more not shown" if lay.more else ""))
        if whole:
            self._draw_whole(g, lay)
        else:
            self._draw_neighbourhood(g, lay)
        bounds = self.whole_item.bounds if self.whole_item is not None else self.scene.itemsBoundingRect()
        self.scene.setSceneRect(bounds.adjusted(-30, -20, 30, 20))
        # the whole graph fitted sits at the top left, as a map's start does; a neighbourhood in the middle
        self.view.setAlignment(Qt.AlignLeft | Qt.AlignTop if whole else Qt.AlignCenter)
        if self.current not in self.rects:
            self.current = self.focus if self.focus in self.rects else (lay.nodes[0].node.key if lay.nodes else None)
        self._mark_current()
        self._fit()

    def _lay_ahead(self, g: RuleGraph, args: tuple) -> None:
        """A big graph's whole layout made in a thread while its neighbourhood is read, so that ticking
        Whole graph only draws (the layout is pure and deterministic: the same result as on the GUI
        thread; the thread shares the interpreter, so the GUI thread still gets its turn every 5 ms)."""
        if len(g.rules) < AHEAD or g.whole_ready(*args):
            return
        if self._ahead is not None and self._ahead[0] is g and self._ahead[1] == args and self._ahead[2].is_alive():
            return
        t = threading.Thread(target=g.whole, args=args, name="rule-graph-layout", daemon=True)
        self._ahead = (g, args, t)
        t.start()

    def _draw_neighbourhood(self, g, lay) -> None:
        heights: dict[int, int] = {}
        for p in lay.nodes:
            heights[p.col] = heights.get(p.col, 0) + 1
        for p in lay.nodes:  # each column centred on the middle row (the focus's)
            x = p.col * (NODE_W + COL_GAP)
            y = (p.row - (heights[p.col] - 1) / 2) * (NODE_H + ROW_GAP)
            item = self.items[p.node.key] = self._node(p, QRectF(x, y, NODE_W, NODE_H))
            self.rects[p.node.key] = item.rect()
        label_edges = len(lay.edges) <= 30  # more labels than that hide the graph: colours say the kind
        for e in lay.edges:
            ra, rb = self.items[e.source].rect(), self.items[e.target].rect()
            item = edge_item(ra, rb, EDGE_COLORS[e.kind], _esc(g.words(e)), 1.3)
            item.edge = e
            self.edge_items.append(item)
            self.scene.addItem(item)
            if label_edges:
                self._edge_label(e.kind, item.path().pointAtPercent(0.5))

    def _draw_whole(self, g, lay) -> None:
        """Columns by date, tag bands (shaded in turn, named at the left edge), long edges bent through
        the places the layout gave them."""
        pitch, rowh = NODE_W + WHOLE_GAP, NODE_H + ROW_GAP
        band_of_row = {}
        for i, b in enumerate(lay.bands):
            for r in range(b.row, b.row + b.rows):
                band_of_row[r] = i

        def y_of(row):
            return TOP + row * rowh + band_of_row.get(row, 0) * BAND_GAP

        def x_of(col):
            return LEFT + col * pitch

        width = x_of(max((p.col for p in lay.nodes), default=0)) + NODE_W + 20
        bands, lines, boxes, edges = [], [], [], []
        for i, b in enumerate(lay.bands):
            top = y_of(b.row) - BAND_GAP / 2 - ROW_GAP / 2
            bottom = top + b.rows * rowh + BAND_GAP
            bands.append((QRectF(0, top, width, bottom - top), QColor("#f3f5f8" if i % 2 == 0 else "#ffffff")))
            self.band_spans.append((b.label, b.count, top, bottom))
        for first, label in lay.columns:
            x = x_of(first) - WHOLE_GAP / 2
            lines.append((x, 0, self.band_spans[-1][3] if self.band_spans else 0))
            self.date_marks.append((label, x + 4))
        for p in lay.nodes:
            rect = self.rects[p.node.key] = QRectF(x_of(p.col), y_of(p.row), NODE_W, NODE_H)
            boxes.append((p.node.key, rect, p.node.label, p.node,
                          style.ACCENT_SOFT if p.focus else "white"))
        for i, e in enumerate(lay.edges):
            ra, rb = self.rects[e.source], self.rects[e.target]
            if ra.left() > rb.left():  # an edge drawn right to left: its route runs left to right
                ra, rb = rb, ra
            via = [(x_of(c) + NODE_W / 2, TOP + r * rowh + b * BAND_GAP + NODE_H / 2)
                   for c, r, b in lay.routes.get(i, ())]
            edges.append((e, ra, rb, via))
            self.touching.setdefault(e.source, []).append(i)
            self.touching.setdefault(e.target, []).append(i)
        self.whole_edges = [e[0] for e in edges]
        self.whole_item = WholeGraph(self, boxes, edges, bands, lines, QPen(QColor(style.LANE_PATH), 1.2))
        self.scene.addItem(self.whole_item)

    def subtitle(self, n) -> str:
        """A box's second line: a rule's tags (the whole graph: its date, then the tags after the first,
        which its band names), a variable's kind; ids only in the tooltip, for authors."""
        if n.kind != "rule":
            return "world variable"
        if not self.band_spans:
            return ", ".join(n.tags) or "event rule"
        day = self.graph.dates.get(n.key) if self.graph is not None else None
        return (dt.date.fromordinal(day).isoformat() if day else "any time") + "".join(f" · {t}" for t in n.tags[1:])

    def _node(self, p, rect: QRectF) -> NodeItem:
        n = p.node
        sub = self.subtitle(n)
        if n.kind == "rule":
            color = style.ACCENT if p.focus else style.LANE_PATH
            fill = None
        else:
            color = "#8a94a3"
            fill = "#f6f8fa" if not p.focus else None
        item = NodeItem(rect, n.label, sub, color, focus=p.focus, fill=fill,
                        on_click=lambda k=n.key: self._clicked(k), on_double=lambda k=n.key: self._double(k),
                        on_hover=lambda on, k=n.key: self._hover(k, on))
        item.setZValue(2)
        self.scene.addItem(item)
        return item

    def node_tip(self, key) -> str:
        """A node's tooltip, made when the pointer first reaches it (the whole graph has thousands)."""
        if key not in self.tips and self.graph is not None and key in self.graph.nodes:
            self.tips[key] = self._tip(self.graph.nodes[key])
        return self.tips.get(key, "")

    def edge_tip(self, e) -> str:
        return _esc(self.graph.words(e)) if self.graph is not None else ""

    def _tip(self, n) -> str:
        tip = (f"<b>{_esc(n.label)}</b><br>{'event rule' if n.kind == 'rule' else 'world variable'} "
               f"<code>{_esc(n.name)}</code>")
        if n.tags:
            tip += f"<br>tags: {_esc(', '.join(n.tags))}"
        if n.kind == "rule" and self.graph is not None:  # its variables, which the whole graph leaves out
            for kind, ends in (("reads", [e.source for e in self.graph.into(n.key) if e.kind == "reads"]),
                               ("writes", [e.target for e in self.graph.out(n.key) if e.kind == "writes"])):
                names = [self.graph.nodes[k].label for k in ends if k[0] == "var"]
                if names:
                    tip += f"<br>{kind} " + _esc(", ".join(names[:6]) + (f" and {len(names) - 6} more" if len(names) > 6 else ""))
        return tip + "<br><i>click: centre here · double-click: edit</i>"

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
        target = self.rects.get(self.focus) or self.rects.get(self.current)
        if self.band_spans:  # the whole graph: readable, on the focus (where am I on the map?) or its start
            s = min(max(fit, self.READABLE), 1.0)
            self.view.scale(s, s)
            if target is not None and self.focus in self.rects:
                self.view.centerOn(target.center())
            else:
                self.view.horizontalScrollBar().setValue(self.view.horizontalScrollBar().minimum())
                self.view.verticalScrollBar().setValue(self.view.verticalScrollBar().minimum())
            return
        if fit >= self.READABLE or target is None:
            s = max(fit, self.READABLE) if target is not None else fit
            self.view.scale(s, s)
            self.view.centerOn(rect.center() if fit >= self.READABLE else target.center())
            return
        pitch = NODE_W + COL_GAP
        lefts = sorted({round(r.left()) for r in self.rects.values()})
        # as many whole columns as fit at the readable scale, then the scale that fills the view with
        # exactly those (the next columns' nodes start just outside: nothing is cut at the sides)
        n = min(max(int((vw / self.READABLE - COL_GAP + 16) // pitch), 1), len(lefts))
        s = vw / (n * pitch + COL_GAP - 16)  # the neighbours start 8 scene px beyond each side
        if n == len(lefts):
            s = min(s, 1.0)
        self.view.scale(s, s)
        fx = round(target.left())
        i = lefts.index(fx) if fx in lefts else 0
        first = min(max(i - n // 2, 0), len(lefts) - n)  # two columns: the causes and the focus
        shown = lefts[first:first + n]
        self.view.centerOn((shown[0] + shown[-1] + NODE_W) / 2, target.center().y())

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
        for key, r in self.rects.items():
            if view_rect.contains(r):
                whole.append(key)
            elif view_rect.intersects(r):
                cut.append(key)
        return whole, cut

    def _hover(self, key, on: bool) -> None:
        """The pointer over a node: its edges in full, the others faint (many edges only)."""
        self.hovered = key if on else (None if self.hovered == key else self.hovered)
        item = self.items.get(key)
        if on and item is not None and not item.toolTip():
            item.setToolTip(self.node_tip(key))
        self._mark_current()

    def _mark_current(self) -> None:
        """The looks that follow the current, focus and hovered nodes: the whole graph's item repaints
        with them (`marked`, `box_pen`, `near_edges`, `edge_pen`); a neighbourhood's items take them."""
        if self.whole_item is not None:
            self.lit = {m for i in self.touching.get(self.hovered, ()) for m in
                        (self.whole_edges[i].source, self.whole_edges[i].target)} - {self.hovered}
            self.whole_item.update()
            return
        self.lit = {m for item in self.edge_items for m in (item.edge.source, item.edge.target)
                    if self.hovered in (item.edge.source, item.edge.target)} - {self.hovered}
        for k, item in self.items.items():
            item.setPen(self.box_pen(k))
        near = self.near_edges()
        for i, item in enumerate(self.edge_items):
            item.setPen(self.edge_pen(item.edge, i in near))
            item.setZValue(1.2 if i in near else 1)

    def marked(self) -> set:
        """The nodes not drawn plainly: current, focus, hovered and the hovered node's neighbours."""
        return {self.current, self.focus, self.hovered} | self.lit

    def box_pen(self, key) -> QPen:
        """A box's outline: dashed for the keyboard's current node (unless it is the focus), thicker and
        in the accent colour for the hovered node and its neighbours."""
        pen = QPen(QColor(style.ACCENT if key in self.lit or key == self.hovered or
                          (key == self.focus and key[0] == "rule" and key in self.items)
                          else style.LANE_PATH if key[0] == "rule" else "#8a94a3"))
        pen.setStyle(Qt.DashLine if key == self.current and key != self.focus else Qt.SolidLine)
        pen.setWidthF(2.4 if key == self.current else 2.0 if key in (self.focus, self.hovered) or key in self.lit
                      else 1.2)
        return pen

    def near_edges(self) -> set:
        """Indices of the edges (of the whole graph, else of the neighbourhood) of the current, focus and
        hovered nodes: drawn in full over the others."""
        ends = {self.current, self.focus, self.hovered}
        if self.whole_item is not None:
            return {i for k in ends for i in self.touching.get(k, ())}
        return {i for i, item in enumerate(self.edge_items) if {item.edge.source, item.edge.target} & ends}

    def edge_pen(self, e, near: bool) -> QPen:
        """Many edges (the whole graph): faint, but the current node's, focus's and hovered node's in full."""
        faint = len(self.whole_edges if self.whole_item is not None else self.edge_items) > 60
        c = QColor(EDGE_COLORS[e.kind])
        c.setAlpha(255 if near or not faint else 45)
        return QPen(c, 2.0 if near and faint else 1.3)

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
            if dcol:  # the next column that has nodes (the whole graph's may have none in a band)
                cols = sorted({p.col for p in lay.nodes if (p.col - here.col) * dcol > 0}, key=lambda c: abs(c - here.col))
                if not cols:
                    return
                col = [p for p in lay.nodes if p.col == cols[0]]
                best = min(col, key=lambda p: abs(p.row - here.row))
            else:
                # the next node up or down the column (the whole graph's bands leave rows empty)
                col = [p for p in lay.nodes if p.col == here.col and (p.row - here.row) * drow > 0]
                if not col:
                    return
                best = min(col, key=lambda p: abs(p.row - here.row))
            self.current = best.node.key
        self._mark_current()
        self.view.ensureVisible(self.rects[self.current], 40, 40)

    def node_pos(self, key):
        """Viewport position of a node's centre (for tests)."""
        return self.view.mapFromScene(self.rects[key].center())

