"""The branch map: the tree of divergence points on a time axis.

Each branch is a lane (one row) that forks from its parent's lane at its divergence date, labelled
there; its events are marks on the lane coloured by status against the parent. This module is the
widget: rows and fork positions, the view's range and scroll bar, clicks, hover, the keyboard and the
selection. One item draws it all (`map_paint.MapItem`, with level of detail: only visible lanes, marks
merged per pixel column, labels that never overlap), so it stays smooth with hundreds of lanes and
tens of thousands of marks.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QFontMetricsF
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QScrollBar, QSizePolicy, QToolButton, QToolTip, QVBoxLayout,
                               QWidget)

from . import map_routes, style
from .dateaxis import DateAxis
from .history import History, fmt_date
from .map_paint import MapItem
from .selection import BRANCH, COMPARE, CURSOR, Selection

ROW_PX = 30          # comfortable row height when there is room

class BranchMap(QWidget):
    """The map widget: a header (title, legend, fit/zoom) above a pyqtgraph plot."""

    branchActivated = Signal(str)

    def __init__(self, selection: Selection, parent=None):
        super().__init__(parent)
        self.selection = selection
        self.history: History | None = None
        self.rows: list[str] = []
        self.row_of: dict[str, int] = {}
        self.parent_row: dict[str, int | None] = {}
        self.lane_start: dict[str, float] = {}
        self.routes: dict[str, map_routes.Route] = {}  # each fork's connector (ui/map_routes.py)
        self.bridges: dict[str, list[int]] = {}  # connector's branch -> the rows of the lanes it passes over
        self.x0, self.x1 = 0.0, 1.0
        self._fitted_once = False
        self._label_texts: dict = {}  # branch id -> (its first divergence, the label drawn for it)
        self._widest: float | None = None  # the widest label, px

        self.plot = pg.PlotWidget(axisItems={"bottom": DateAxis("bottom")}, background="w")
        self.plot.setObjectName("branchMapPlot")
        self.plot.hideAxis("left")
        self.plot.showGrid(x=True, y=False, alpha=0.12)
        self.plot.setMouseTracking(True)
        self.vb = self.plot.getViewBox()
        self.vb.invertY(True)
        self.vb.setMenuEnabled(False)
        self.vb.setDefaultPadding(0.0)
        ax = self.plot.getAxis("bottom")
        ax.setPen(pg.mkPen("#9aa4b1"))
        ax.setTextPen(pg.mkPen(style.TEXT_MUTED))
        self.item = MapItem(self)
        self.plot.addItem(self.item)
        self.plot.scene().sigMouseClicked.connect(self._clicked)
        self.plot.scene().sigMouseMoved.connect(self._hovered)
        self.plot.setToolTip("")
        self.plot.setFocusPolicy(Qt.StrongFocus)
        self.plot.installEventFilter(self)  # arrow keys: Up/Down lanes, Left/Right events on the lane

        header = QHBoxLayout()
        header.setContentsMargins(8, 4, 6, 0)
        title = QLabel("Branch map")
        title.setObjectName("paneTitle")
        header.addWidget(title)
        header.addSpacing(12)
        legend = QLabel(" &nbsp; ".join(
            f"<span style='color:{style.STATUS_COLORS[s]}; font-size:13px'>●</span>&nbsp;{name}"
            for s, name in ((style.SAME, style.STATUS_LABELS[style.SAME]), (style.NEW, "new"),
                            (style.CHANGED, "changed")))
            + f" &nbsp; <span style='color:{style.DIVERGENCE}; font-size:13px'>◆</span>&nbsp;divergence")
        legend.setObjectName("muted")
        # the map is narrow at 1280 (the outline takes its names' room): the legend wraps onto a second
        # line rather than cutting "◆ divergence" to a bare diamond (each mark joined to its name by a
        # no-break space, so a line never ends on a mark whose name starts the next)
        legend.setWordWrap(True)
        legend.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)
        header.addWidget(legend, 1)
        self.legend = legend
        self.plot.setStatusTip("Click a lane to select its branch, a mark to inspect its event · drag to pan · "
                               "wheel to zoom · double-click to fit")
        for text, tip, slot in (("−", "Zoom out", lambda: self.zoom(1.5)), ("+", "Zoom in", lambda: self.zoom(1 / 1.5)),
                                ("Fit", "Fit the whole tree in view (F)", self.fit)):
            b = QToolButton()
            b.setText(text)
            b.setToolTip(tip)
            b.clicked.connect(slot)
            b.setAutoRaise(True)
            header.addWidget(b)
        # every lane reachable without a wheel: a scroll bar over the rows whenever some are out of view
        self.scroll = QScrollBar(Qt.Vertical)
        self.scroll.setObjectName("branchMapScroll")
        self.scroll.valueChanged.connect(self._scrolled)
        self.vb.sigYRangeChanged.connect(lambda *_: self._sync_scroll())
        body = QHBoxLayout()
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(0)
        # no scenario (none opened, or the file had errors): words, not an empty plot with a lone "1" tick
        self.empty_note = QLabel("No scenario is open. Open one with File > Open… (Ctrl+O); a file with "
                                 "errors lists them in the Problems tab.")
        self.empty_note.setObjectName("muted")
        self.empty_note.setWordWrap(True)
        self.empty_note.setAlignment(Qt.AlignCenter)
        self.empty_note.setContentsMargins(24, 0, 24, 0)
        body.addWidget(self.empty_note, 1)
        body.addWidget(self.plot, 1)
        body.addWidget(self.scroll)
        self.plot.hide()
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        lay.addLayout(header)
        lay.addLayout(body, 1)

        selection.changed.connect(self._on_change)
        self.scroll.hide()

    # --- data ------------------------------------------------------------------------------------

    def set_history(self, history: History) -> None:
        """A scenario to show: fitted when it is another one; an edit of the one shown (a fork, undo,
        a rule changed) keeps the reader's zoom and scroll, and the selected lane in view."""
        edited = self.history is not None and self.history.scenario.id == history.scenario.id
        self.history = history
        self.empty_note.hide()
        self.plot.show()
        self.relayout()
        if edited:
            self.show_branch(self.selection.branch)
            self._sync_scroll()
            return
        self._fitted_once = False
        self.show_branch(self.selection.branch, fit_first=True)

    def relayout(self) -> None:
        """Recompute rows and fork positions (after branches were computed or the scenario changed)."""
        h = self.history
        sc = h.scenario
        self.x0, self.x1 = float(sc.start.toordinal()), float(sc.end.toordinal())
        self.item.prepareGeometryChange()
        self._label_texts = {}  # the scenario may have changed: describe its divergences again
        self._widest = None
        self.rows = h.rows()
        self.row_of = {b: i for i, b in enumerate(self.rows)}
        self.parent_row = {bid: self.row_of.get(h.parent(bid)) if h.parent(bid) else None for bid in self.rows}

        def fork(bid):
            f = h.fork(bid)
            return float(f.toordinal()) if f is not None else None

        self.lane_start = map_routes.lane_starts(self.rows, h.parent, fork, self.x0)
        self.routes = map_routes.routes(self.rows, self.parent_row, self.lane_start)  # what the painter draws
        self.bridges = map_routes.bridges(self.rows, self.parent_row, self.lane_start)  # ... over which lanes
        span = self.x1 - self.x0
        self.vb.setLimits(xMin=self.x0 - span * 0.5, xMax=self.x1 + span * 0.5, yMin=-4,
                          yMax=len(self.rows) + 4, minXRange=10, minYRange=1.5)
        self.item.update()

    SCROLL_STEPS = 100  # scroll bar units per row

    def _sync_scroll(self) -> None:
        if not self.rows:
            self.scroll.hide()
            return
        _, (ya, yb) = self.vb.viewRange()
        top, span = min(ya, yb), abs(yb - ya)
        lo, hi = -1.1, len(self.rows) - 0.3
        needed = span < (hi - lo) - 0.05
        self.scroll.setVisible(needed)
        if not needed:
            return
        k = self.SCROLL_STEPS
        self.scroll.blockSignals(True)
        self.scroll.setRange(int(lo * k), int((hi - span) * k))
        self.scroll.setPageStep(max(int(span * k), 1))
        self.scroll.setSingleStep(k)
        self.scroll.setValue(int(top * k))
        self.scroll.blockSignals(False)

    def _scrolled(self, value: int) -> None:
        _, (ya, yb) = self.vb.viewRange()
        span = abs(yb - ya)
        top = value / self.SCROLL_STEPS
        self.vb.setYRange(top, top + span, padding=0)

    def label_text(self, bid: str) -> str:
        b = self.history.ws.branch(bid)
        if b.label:
            return b.label
        dv = b.divergences[0] if b.divergences else None
        hit = self._label_texts.get(bid)
        if hit is None or hit[0] is not dv:  # describing a divergence in prose: once, not at every paint
            hit = self._label_texts[bid] = (dv, self.history.scenario.describe_divergence(dv) if dv else b.id)
        return hit[1]

    def ancestors(self, bid: str) -> list[str]:
        out = []
        h = self.history
        if h is None or not h.has_branch(bid):
            return out
        p = h.parent(bid)
        while p:
            out.append(p)
            p = h.parent(p)
        return out

    # --- view ------------------------------------------------------------------------------------

    def _margins(self):
        """The fitted x range: a little room before the start, and after the end room for the labels of
        branches forking late and of lanes whose forks are crowded by the drops of later forks: the
        widest label, within a share of the view (`map_routes.label_room`)."""
        span = self.x1 - self.x0
        a = self.x0 - span * 0.03
        w = max(self.plot.width(), 1)
        room = map_routes.label_room(self._widest_label(), w) / w  # that share of the width
        return a, max(self.x1 + span * 0.03, a + (self.x1 - a) / (1 - room))

    def _widest_label(self) -> float:
        """The widest lane label in px, bold as when selected (measured once per layout)."""
        if self._widest is None:
            fm = QFontMetricsF(self.item.bold)
            self._widest = max((fm.horizontalAdvance(self.label_text(b)) + 12 for b in self.rows), default=0.0)
        return self._widest

    def fit(self) -> None:
        a, b = self._margins()
        n = max(len(self.rows), 1)
        h = max(self.plot.height() - 40, 60)
        top = -1.1
        for _ in range(3):  # keep ~28 px above the first lane for the baseline's label
            per_row = h / (n - 0.3 - top)
            top = -max(1.1, 28.0 / per_row)
        self.vb.setRange(xRange=(a, b), yRange=(top, n - 0.3), padding=0)

    def zoom(self, factor: float) -> None:
        self.vb.scaleBy((factor, factor))

    def show_branch(self, bid: str, fit_first: bool = False) -> None:
        """Scroll so that the branch's lane is visible; on first show fit the tree if it fits."""
        if bid not in self.row_of:
            return
        r = self.row_of[bid]
        h = max(self.plot.height() - 40, 120)
        rows_fit = h / ROW_PX
        if fit_first:
            a, b = self._margins()
            if len(self.rows) + 1 <= rows_fit:
                bottom = max(len(self.rows) - 0.3, -1.1 + h / 48.0)  # rows no taller than 48 px
                self.vb.setRange(xRange=(a, b), yRange=(-1.1, bottom), padding=0)
            else:
                top = max(-1.1, r - rows_fit / 2)
                self.vb.setRange(xRange=(a, b), yRange=(top, top + rows_fit), padding=0)
            return
        (xa, xb), (ya, yb) = self.vb.viewRange()
        lo, hi = min(ya, yb), max(ya, yb)
        if not (lo + 0.5 <= r <= hi - 0.5):
            span = hi - lo
            self.vb.setYRange(r - span / 2, r + span / 2, padding=0)

    def show_compared(self) -> None:
        """The lane compared with in view beside the selected one (a Ctrl+click in the outline compared
        with a lane scrolled out of the map: its band was nowhere to be seen). When both do not fit,
        the selected lane stays in view and the compared one as near as the rows allow."""
        cmp_, sel = self.selection.compare, self.selection.branch
        if cmp_ not in self.row_of or sel not in self.row_of:
            return
        rc, rs = self.row_of[cmp_], self.row_of[sel]
        _, (ya, yb) = self.vb.viewRange()
        lo, hi = min(ya, yb), max(ya, yb)
        span = hi - lo
        if lo + 0.5 <= rc <= hi - 0.5:
            return
        a, b = min(rc, rs), max(rc, rs)
        if b - a + 1 <= span:  # both fit: the pair in the middle of the view
            mid = (a + b) / 2
            top = mid - span / 2
        else:  # the selected lane at the edge nearest the compared one
            top = rs - 0.6 if rc > rs else rs + 0.6 - span
        self.vb.setYRange(top, top + span, padding=0)
        self.vb.prepareForPaint()  # the new range applied now, not during the paint (which then painted twice)
        self._sync_scroll()

    def _on_change(self, what) -> None:
        if BRANCH in what:
            self._on_branch(self.selection.branch)  # repaints the whole viewport
        elif COMPARE in what or CURSOR in what:
            if COMPARE in what:
                self.show_compared()
            # the whole viewport: the selected row's band and the cursor reach beyond the item's own
            # rect, and updating only the item left fragments of the old highlight behind
            self.plot.viewport().update()

    def _on_branch(self, bid: str) -> None:
        if self.history is None:
            return
        if self.history.computed(bid):
            fork = self.history.fork(bid)
            x = float(fork.toordinal()) if fork else None
            if x is not None and self.lane_start.get(bid) != x:
                self.relayout()
        self.show_branch(bid)
        # pyqtgraph applies a new range to the items' transform only when the view is about to paint,
        # which changes the scene during the paint and paints the whole map a second time: apply it now
        self.vb.prepareForPaint()
        self.plot.viewport().update()

    def refresh(self) -> None:
        """Called when branches were computed: forks may have moved and marks appeared."""
        if self.history is not None:
            self.relayout()

    # --- keyboard ---------------------------------------------------------------------------------

    def eventFilter(self, obj, ev) -> bool:
        if obj is self.plot and ev.type() == QEvent.KeyPress and not ev.modifiers() & (
                Qt.ControlModifier | Qt.AltModifier):
            return self.key(ev.key())
        return False

    def key(self, key) -> bool:
        """Up/Down: the lane above/below; Left/Right: the previous/next event on the selected lane;
        Home/End: its first/last event; +/-: zoom; F: fit. True when the key was used."""
        if self.history is None or not self.rows:
            return False
        sel = self.selection
        if key in (Qt.Key_Up, Qt.Key_Down):
            r = self.row_of.get(sel.branch, 0) + (-1 if key == Qt.Key_Up else 1)
            if 0 <= r < len(self.rows):
                sel.select_branch(self.rows[r])
            return True
        if key in (Qt.Key_Left, Qt.Key_Right, Qt.Key_Home, Qt.Key_End):
            tl = self.history.try_timeline(sel.branch)
            if tl is None or not tl.firings:
                return True
            fs = tl.firings
            cur = tl.firing(*sel.event) if sel.event else None
            if key == Qt.Key_Home:
                f = fs[0]
            elif key == Qt.Key_End:
                f = fs[-1]
            elif cur is not None:
                i = cur.index + (1 if key == Qt.Key_Right else -1)
                f = fs[min(max(i, 0), len(fs) - 1)]
            else:
                when = sel.cursor or self.history.fork(sel.branch) or self.history.scenario.start
                after = [g for g in fs if g.date >= when]
                f = (after[0] if after else fs[-1]) if key == Qt.Key_Right else \
                    ([g for g in fs if g.date <= when] or fs[:1])[-1]
            sel.select_event((f.event, f.occurrence), cursor=f.date)
            (xa, xb), _ = self.vb.viewRange()
            if not xa <= f.ordinal <= xb:
                span = xb - xa
                self.vb.setXRange(f.ordinal - span / 2, f.ordinal + span / 2, padding=0)
            return True
        if key in (Qt.Key_Plus, Qt.Key_Equal):
            self.zoom(1 / 1.5)
            return True
        if key == Qt.Key_Minus:
            self.zoom(1.5)
            return True
        if key == Qt.Key_F:
            self.fit()
            return True
        return False

    # --- geometry helpers (also used by tests) ---------------------------------------------------

    def lane_point(self, bid: str, date: dt.date | None = None) -> QPoint:
        """Viewport position of a point on a branch's lane (default: a little after its fork)."""
        r = self.row_of[bid]
        if date is None:
            (xa, xb), _ = self.vb.viewRange()
            x = max(self.lane_start[bid], xa) + (min(self.x1, xb) - max(self.lane_start[bid], xa)) * 0.6
        else:
            x = float(date.toordinal())
        scene = self.vb.mapViewToScene(QPointF(x, r))
        return self.plot.mapFromScene(scene)

    def label_rect(self, bid: str) -> QRectF | None:
        for rect, b in self.item.label_rects:
            if b == bid:
                return rect
        return None

    def hit(self, view_pos: QPointF):
        """(branch id, event firing index or None) under a viewport position, or None."""
        if not self.rows:
            return None
        for rect, bid in reversed(self.item.label_rects):
            if rect.contains(view_pos):
                return bid, None
        scene = self.plot.mapToScene(view_pos.toPoint())
        if not self.vb.sceneBoundingRect().contains(scene):
            return None
        pt = self.vb.mapSceneToView(scene)
        r = int(round(pt.y()))
        if not 0 <= r < len(self.rows):
            return None
        px_w, px_h = self.vb.viewPixelSize()
        if abs(pt.y() - r) * (1 / px_h if px_h else 1) > max(8.0, 0.5 / px_h if px_h else 8):
            return None
        bid = self.rows[r]
        if pt.x() < self.lane_start[bid] - 6 * px_w:
            return bid, None
        m = self.history.marks(bid) if self.history.computed(bid) else None
        if m is not None and len(m[0]):
            ords, codes, idx = m
            i = int(np.searchsorted(ords, pt.x()))
            best = None
            for j in (i - 1, i):
                if 0 <= j < len(ords):
                    dist = abs(ords[j] - pt.x()) / px_w
                    if dist <= 5 and (best is None or dist < best[0]):
                        best = (dist, int(idx[j]))
            if best is not None:
                return bid, best[1]
        return bid, None

    # --- mouse -----------------------------------------------------------------------------------

    def _clicked(self, ev) -> None:
        if ev.button() != Qt.LeftButton or self.history is None:
            return
        pos = QPointF(self.plot.mapFromScene(ev.scenePos()))
        if ev.double():
            self.fit()
            return
        hit = self.hit(pos)
        if hit is None:
            return
        ev.accept()
        bid, index = hit
        if ev.modifiers() & Qt.ControlModifier:  # Ctrl+click: compare the selection with this branch
            self.selection.set_compare(None if bid == self.selection.compare else bid)
            return
        if index is not None:
            tl = self.history.ws.timeline(bid)
            f = tl.firings[index]
            self.selection.select_branch(bid, (f.event, f.occurrence), cursor=f.date)
        else:
            self.selection.select_branch(bid)
        self.branchActivated.emit(bid)

    def _hovered(self, scene_pos) -> None:
        if self.history is None:
            return
        pos = QPointF(self.plot.mapFromScene(scene_pos))
        hit = self.hit(pos)
        if hit is None:
            QToolTip.hideText()
            return
        bid, index = hit
        QToolTip.showText(self.plot.mapToGlobal(pos.toPoint()), self.tooltip(bid, index), self.plot)

    def tooltip(self, bid: str, index: int | None) -> str:
        h = self.history
        b = h.ws.branch(bid)
        if index is not None:
            tl = h.ws.timeline(bid)
            f = tl.firings[index]
            d = h.diff(bid) if b.parent else None
            status = d.status_of(f.index) if d else style.SAME
            extra = ""
            if status == style.CHANGED and d is not None:
                ed = d.entry_of(f.index)
                if ed is not None:
                    bits = []
                    if ed.other_date != ed.date:
                        bits.append(f"was {fmt_date(ed.other_date)}")
                    if ed.other_outcome != ed.outcome:
                        bits.append(f"outcome was {ed.other_outcome or 'none'}")
                    extra = " (" + ", ".join(bits) + ")" if bits else ""
            name = style.STATUS_LABELS[status]
            return (f"<b>{_esc(tl.title(f.event, f.outcome))}</b><br>{f.date.isoformat()} · "
                    f"<span style='color:{style.STATUS_COLORS[status]}'>{name}</span>{_esc(extra)}"
                    f"<br><span style='color:{style.TEXT_MUTED}'>in {_esc(b.label or b.id)} · click to inspect</span>")
        lines = [f"<b>{_esc(b.label or b.id)}</b> <span style='color:{style.TEXT_MUTED}'>[{_esc(b.id)}]</span>"]
        if b.parent:
            fork = h.fork(bid)
            lines.append(f"forks from <i>{_esc(h.label(b.parent))}</i>" + (f" on {fork}" if fork else ""))
            for dv in b.divergences[:4]:
                lines.append(f"◆ {_esc(h.scenario.describe_divergence(dv))}")
            if len(b.divergences) > 4:
                lines.append(f"… and {len(b.divergences) - 4} more")
        if h.computed(bid):
            lines.append(f"{len(h.ws.timeline(bid).firings):,} events")
            d = h.diff(bid) if b.parent else None
            if d is not None:
                c = d.counts()
                lines.append(f"<span style='color:{style.STATUS_COLORS['new']}'>{c['new']} new</span> · "
                             f"<span style='color:{style.STATUS_COLORS['changed']}'>{c['changed']} changed</span> · "
                             f"<span style='color:{style.STATUS_COLORS['gone']}'>{c['gone']} gone</span>")
        else:
            lines.append(f"<span style='color:{style.TEXT_MUTED}'>not computed yet — click to compute</span>")
        if b.description:
            lines.append(f"<span style='color:{style.TEXT_MUTED}'>{_esc(b.description)}</span>")
        return "<br>".join(lines)


def _esc(s: str) -> str:
    return (s or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
