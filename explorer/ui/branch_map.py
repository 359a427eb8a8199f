"""The branch map: the tree of divergence points on a time axis.

Each branch is a lane (one row) that forks from its parent's lane at its divergence date, labelled
there; its events are marks on the lane coloured by status against the parent. Everything is drawn by
one item in device pixels with level of detail: only visible lanes, marks merged per pixel column
when dense, labels placed greedily so that none overlap (the rest are elided or left to the tooltip).
It stays smooth with hundreds of lanes and tens of thousands of marks.
"""
from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QLineF, QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen, QPixmap
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QScrollBar, QSizePolicy, QToolButton, QToolTip, QVBoxLayout,
                               QWidget)

from . import style
from .dateaxis import DateAxis
from .history import History, fmt_date
from .selection import BRANCH, COMPARE, CURSOR, Selection

ROW_PX = 30          # comfortable row height when there is room
LABEL_GAP = 10       # px between a fork and its label
STATUS_ORDER = ((0, style.SAME), (1, style.NEW), (2, style.CHANGED))


_DIAMONDS: dict = {}


def _diamond(selected: bool, dpr: float) -> QPixmap:
    """A fork's diamond (white-edged, larger for the selected branch) as a pixmap to stamp."""
    pm = _DIAMONDS.get((selected, dpr))
    if pm is None:
        sz = 5.5 if selected else 4.0
        side = int(math.ceil(2 * sz + 4))
        pm = QPixmap(int(math.ceil(side * dpr)), int(math.ceil(side * dpr)))
        pm.setDevicePixelRatio(dpr)
        pm.fill(Qt.transparent)
        q = QPainter(pm)
        q.setRenderHint(QPainter.Antialiasing, True)
        q.setPen(QPen(QColor("white"), 1.2))
        q.setBrush(QColor(style.ACCENT if selected else style.DIVERGENCE))
        c = side / 2
        path = QPainterPath()
        path.moveTo(c, c - sz)
        path.lineTo(c + sz, c)
        path.lineTo(c, c + sz)
        path.lineTo(c - sz, c)
        path.closeSubpath()
        q.drawPath(path)
        q.end()
        pm = _DIAMONDS[(selected, dpr)] = pm
    return pm


class _MapItem(pg.GraphicsObject):
    """Draws lanes, forks, marks, labels and the cursor in device coordinates."""

    def __init__(self, owner: "BranchMap"):
        super().__init__()
        self.owner = owner
        self.label_rects: list[tuple[QRectF, str]] = []
        self.font = QFont()
        self.font.setPointSizeF(9)
        self.bold = QFont(self.font)
        self.bold.setBold(True)
        self.setZValue(10)
        self._cols_key = None   # the x mapping _cols was computed for
        self._cols: dict = {}   # branch id -> (its marks, _lane_cols of them)
        self._widths: dict = {}  # (label text, bold) -> its width in px

    def boundingRect(self) -> QRectF:
        o = self.owner
        return QRectF(o.x0 - 1, -2, (o.x1 - o.x0) + 2, max(len(o.rows), 1) + 3)

    # -- painting ---------------------------------------------------------------------------------

    def paint(self, p: QPainter, *args):
        o = self.owner
        if not o.rows:
            return
        t = p.transform()
        sx, tx, sy, ty = t.m11(), t.dx(), t.m22(), t.dy()
        vb = self.getViewBox()
        if vb is None or sx == 0 or sy == 0:
            return
        dev = p.device()
        width, height = float(dev.width()), float(dev.height())
        p.save()
        p.resetTransform()
        p.setRenderHint(QPainter.Antialiasing, True)

        def X(x):
            return sx * x + tx

        def Y(r):
            return sy * r + ty

        row_px = abs(sy)
        (xa, xb), (ya, yb) = vb.viewRange()
        r_lo, r_hi = max(int(math.floor(min(ya, yb))) - 1, 0), min(int(math.ceil(max(ya, yb))) + 1, len(o.rows) - 1)
        sel = o.selection.branch
        path_ids = set(o.ancestors(sel))
        x_end = X(o.x1)

        # the lane the selection is compared with: a lighter band in the compare colour
        cmp_ = o.selection.compare
        if cmp_ and cmp_ != sel and cmp_ in o.row_of and r_lo <= o.row_of[cmp_] <= r_hi:
            yc = Y(o.row_of[cmp_])
            band = min(max(row_px * 0.8, 6.0), 26.0)
            p.fillRect(QRectF(0, yc - band / 2, width, band), style.qcolor(style.PARENT, 40))
        # the selected lane's row is tinted across the whole view
        if sel in o.row_of and r_lo <= o.row_of[sel] <= r_hi:
            ys = Y(o.row_of[sel])
            band = min(max(row_px * 0.8, 6.0), 26.0)
            p.fillRect(QRectF(0, ys - band / 2, width, band), QColor(style.ACCENT_SOFT))
        # lanes and connectors, batched into one path per look; light ones first, the selected on top
        groups: dict[tuple, QPainterPath] = {}
        lanes: dict[tuple, list] = {}
        diamonds: dict[bool, list[QPointF]] = {False: [], True: []}
        forks: set = set()
        for r, bid in enumerate(o.rows):
            parent = o.parent_row.get(bid)
            visible_row = r_lo <= r <= r_hi
            spans = parent is not None and min(parent, r) <= r_hi and max(parent, r) >= r_lo
            if not (visible_row or spans):
                continue
            xs, y = X(o.lane_start[bid]), Y(r)
            if xs > width + 20:
                continue
            look = (2 if bid == sel else 1 if bid in path_ids else 0, o.history.computed(bid))
            if visible_row:
                lanes.setdefault(look, []).append(QLineF(max(xs, -10.0), y, min(x_end, width + 10), y))
            if parent is not None and xs >= -20:
                yp = Y(parent)
                rad = min(10.0, abs(y - yp) * 0.5)
                sign = 1 if y > yp else -1
                # the straight part as a plain line clipped to the view (antialiased strokes reaching
                # thousands of px beyond it cost ~20 ms a paint with 200 lanes); only the bend is a path
                y_bend = y - sign * rad
                top, bottom = max(min(yp, y_bend), -20.0), min(max(yp, y_bend), height + 20)
                if bottom > top:
                    lanes.setdefault(look, []).append(QLineF(xs, top, xs, bottom))
                if -20 <= y <= height + 20:
                    path = groups.get(look)
                    if path is None:
                        path = groups[look] = QPainterPath()
                    path.moveTo(QPointF(xs, y_bend))
                    path.quadTo(QPointF(xs, y), QPointF(xs + rad, y))
                if r_lo <= parent <= r_hi and xs >= -10 and (round(xs), parent, bid == sel) not in forks:
                    forks.add((round(xs), parent, bid == sel))  # siblings forking on one day: one diamond
                    diamonds[bid == sel].append(QPointF(xs, yp))
        looks = {0: (style.LANE, 1.6), 1: (style.LANE_PATH, 2.2), 2: (style.ACCENT, 3.0)}
        p.setBrush(Qt.NoBrush)
        for look in sorted(set(groups) | set(lanes)):
            color, w = looks[look[0]]
            if not look[1] and look[0] == 0:
                color = style.LANE_PENDING  # not computed yet: a paler lane
            pen = QPen(QColor(color), w)
            pen.setCapStyle(Qt.FlatCap)
            p.setPen(pen)
            if look in lanes:
                p.setRenderHint(QPainter.Antialiasing, False)
                p.drawLines(lanes[look])
                p.setRenderHint(QPainter.Antialiasing, True)
            if look in groups:
                p.drawPath(groups[look])
        # fork points: a diamond on the parent's lane where each branch leaves it
        # (stamped from a pixmap: one antialiased path of 200 overlapping diamonds took ~6 ms a paint)
        dpr = dev.devicePixelRatioF() if hasattr(dev, "devicePixelRatioF") else 1.0
        for selected, points in diamonds.items():
            if points:
                stamp = _diamond(selected, dpr)
                half = stamp.width() / stamp.devicePixelRatioF() / 2
                for pt in points:
                    p.drawPixmap(QPointF(pt.x() - half, pt.y() - half), stamp)

        self._paint_marks(p, r_lo, r_hi, xa, xb, X, Y, row_px, width)
        if sel in o.row_of and r_lo <= o.row_of[sel] <= r_hi and o.history.computed(sel):
            m = o.history.marks(sel)
            if m is not None and len(m[0]) * 5 >= width:  # dense marks hide the lane: draw it over them
                ys, xs = Y(o.row_of[sel]), X(o.lane_start[sel])
                p.setPen(QPen(QColor(style.ACCENT), 2.0))
                p.drawLine(QPointF(max(xs, 0.0), ys), QPointF(min(x_end, width), ys))
        self._paint_cursor(p, X, height)
        self._paint_labels(p, r_lo, r_hi, X, Y, row_px, width, sel, path_ids)
        p.restore()

    def _paint_marks(self, p, r_lo, r_hi, xa, xb, X, Y, row_px, width):
        o = self.owner
        lo, hi = min(xa, xb), max(xa, xb)
        tick = max(2.0, min(6.0, row_px * 0.32))
        paths = {code: ([], []) for code, _ in STATUS_ORDER}
        paths["root"] = ([], [])  # a root's marks are all its own: drawn full strength, never faint
        dots = {code: QPainterPath() for code, _ in STATUS_ORDER}
        for path in dots.values():
            # overlapping dots of one colour stay solid (the odd-even default punched holes in them,
            # which read as a "hollow" kind of mark that the legend did not explain)
            path.setFillRule(Qt.WindingFill)
        any_dots = False
        scale, offset = X(1.0) - X(0.0), X(0.0)
        # a lane's marks as pixel columns per status depend only on its marks and the x mapping:
        # kept between paints, so a selection (which moves neither) does not redo np.unique per lane
        view_key = (lo, hi, scale, offset, width, row_px >= 10)
        if self._cols_key != view_key:
            self._cols_key, self._cols = view_key, {}
        for r in range(r_lo, r_hi + 1):
            bid = o.rows[r]
            m = o.history.marks(bid) if o.history.computed(bid) else None
            if m is None:
                continue
            hit = self._cols.get(bid)
            if hit is None or hit[0] is not m:
                hit = self._cols[bid] = (m, self._lane_cols(m, lo, hi, scale, offset, width, row_px))
            sparse, per_code = hit[1]
            y = Y(r)
            for code, cols in per_code:
                if sparse:
                    any_dots = True
                    rad = 3.6 if row_px >= 16 else 2.8
                    path = dots[code]
                    for x in cols:
                        path.addEllipse(QPointF(x, y), rad, rad)
                else:
                    xs_, ys_ = paths["root" if code == 0 and o.parent_row.get(bid) is None else code]
                    t = tick if code else tick * 0.7
                    xs_.append(np.repeat(cols, 2))
                    ys_.append(np.tile(np.array([y - t, y + t]), len(cols)))
        for code, name in STATUS_ORDER + (("root", style.SAME),):
            xs_, ys_ = paths[code]
            if xs_:
                # dense unchanged marks are background: paler, so new and changed ones stand out
                color = QColor(style.STATUS_COLORS[name]) if code else QColor(style.SAME_DENSE)
                if code == "root":
                    color = QColor(style.LANE_PATH)
                pen = QPen(color, 1.6)
                pen.setCapStyle(Qt.FlatCap)
                p.setPen(pen)
                p.setBrush(Qt.NoBrush)
                p.drawPath(pg.arrayToQPath(np.concatenate(xs_), np.concatenate(ys_), connect="pairs"))
            if code != "root" and any_dots and not dots[code].isEmpty():
                # solid, no ring: each dot's white ring drawn across its neighbours made overlapping
                # dots look hollow, a kind of mark the legend did not explain (and the union of the
                # rings, QPainterPath.simplified, costs seconds on a 200-lane map)
                p.setPen(Qt.NoPen)
                p.setBrush(QColor(style.STATUS_COLORS[name]))
                p.drawPath(dots[code])

    @staticmethod
    def _lane_cols(m, lo, hi, scale, offset, width, row_px):
        """(sparse, [(status code, the distinct pixel columns of its marks)]) for one lane's marks."""
        ords, codes, _ = m
        i0, i1 = np.searchsorted(ords, lo), np.searchsorted(ords, hi, side="right")
        if i1 <= i0:
            return False, []
        px = ords[i0:i1] * scale + offset
        cs = codes[i0:i1]
        sparse = (i1 - i0) * 5 < width and row_px >= 10
        out = []
        for code, _ in STATUS_ORDER:
            sub = px[cs == code]
            if len(sub):
                cols = np.unique(np.round(sub))
                out.append((code, [float(x) for x in cols] if sparse else cols))
        return sparse, out

    def _paint_cursor(self, p, X, height):
        cur = self.owner.selection.cursor
        if cur is None:
            return
        x = X(float(cur.toordinal()))
        pen = QPen(QColor(style.CURSOR), 1.2, Qt.DashLine)
        p.setPen(pen)
        p.drawLine(QPointF(x, 0), QPointF(x, height))

    def _paint_labels(self, p, r_lo, r_hi, X, Y, row_px, width, sel, path_ids):
        o = self.owner
        fm = QFontMetricsF(self.font)
        fmb = QFontMetricsF(self.bold)
        h = fm.height() + 2
        placed: list[QRectF] = []
        self.label_rects = []
        rows = list(range(r_lo, r_hi + 1))
        rows.sort(key=lambda r: (o.rows[r] != sel, o.rows[r] not in path_ids, r))
        roomy = row_px >= h + 12        # room above a lane for a label without touching the row above
        crowded = row_px < 8            # an overview of many lanes: label only the selection's path
        for r in rows:
            bid = o.rows[r]
            if crowded and bid != sel and bid not in path_ids and r != 0:
                continue
            text = o.label_text(bid)
            is_sel = bid == sel
            metrics = fmb if is_sel else fm
            full = self._widths.get((text, is_sel))
            if full is None:
                full = self._widths[(text, is_sel)] = metrics.horizontalAdvance(text) + 12
            xs, y = X(o.lane_start[bid]), Y(r)
            candidates = []
            has_parent = o.parent_row.get(bid) is not None
            avail = xs - LABEL_GAP - 4
            room_right = width - (max(xs, 0) + LABEL_GAP) - 4
            left_full = has_parent and avail >= min(full, 300)
            if left_full:  # left of the fork, on its own row, where the lane has not begun
                w = min(full, 300)
                candidates.append(QRectF(xs - LABEL_GAP - w, y - h / 2, w, h))
            if (roomy or r == 0) and room_right >= 40:  # above the lane, just after the fork
                candidates.append(QRectF(max(xs, 0) + LABEL_GAP, y - h - 4, min(full, 300, room_right), h))
            if has_parent and not left_full and avail >= 90:  # left of the fork, elided
                w = min(full, avail, 300)
                candidates.append(QRectF(xs - LABEL_GAP - w, y - h / 2, w, h))
            if room_right >= 40:  # last resort: on the lane itself, just after the fork
                candidates.append(QRectF(max(xs, 0) + LABEL_GAP, y - h / 2, min(full, 300, room_right), h))
            for rect in candidates:
                if rect.bottom() < 0 or rect.top() > p.device().height():
                    continue
                if any(rect.intersects(q) for q in placed):
                    continue
                placed.append(rect.adjusted(-3, -1, 3, 1))
                self.label_rects.append((rect, bid))
                self._draw_label(p, rect, text, metrics, is_sel, bid in path_ids)
                break

    def _draw_label(self, p, rect, text, metrics, selected, on_path):
        p.setPen(QPen(QColor(style.ACCENT) if selected else QColor("#d5dbe3"), 1))
        p.setBrush(QColor(style.ACCENT_SOFT) if selected else QColor(255, 255, 255, 235))
        p.drawRoundedRect(rect, 4, 4)
        p.setFont(self.bold if selected else self.font)
        p.setPen(QColor(style.ACCENT) if selected else QColor(style.TEXT if on_path else "#3d4651"))
        shown = metrics.elidedText(text, Qt.ElideRight, rect.width() - 10)
        p.drawText(rect.adjusted(5, 0, -5, 0), Qt.AlignVCenter | Qt.AlignLeft, shown)


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
        self.x0, self.x1 = 0.0, 1.0
        self._fitted_once = False
        self._label_texts: dict = {}  # branch id -> (its first divergence, the label drawn for it)

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
        self.item = _MapItem(self)
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
            f"<span style='color:{style.STATUS_COLORS[s]}; font-size:13px'>●</span> {name}"
            for s, name in ((style.SAME, style.STATUS_LABELS[style.SAME]), (style.NEW, "new"),
                            (style.CHANGED, "changed")))
            + f" &nbsp; <span style='color:{style.DIVERGENCE}; font-size:13px'>◆</span> divergence")
        legend.setObjectName("muted")
        legend.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)
        header.addWidget(legend, 1)
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
        body.addWidget(self.plot, 1)
        body.addWidget(self.scroll)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        lay.addLayout(header)
        lay.addLayout(body, 1)

        selection.changed.connect(self._on_change)
        self.scroll.hide()

    # --- data ------------------------------------------------------------------------------------

    def set_history(self, history: History) -> None:
        self.history = history
        self.relayout()
        self._fitted_once = False
        self.show_branch(self.selection.branch, fit_first=True)

    def relayout(self) -> None:
        """Recompute rows and fork positions (after branches were computed or the scenario changed)."""
        h = self.history
        sc = h.scenario
        self.x0, self.x1 = float(sc.start.toordinal()), float(sc.end.toordinal())
        self.item.prepareGeometryChange()
        self._label_texts = {}  # the scenario may have changed: describe its divergences again
        self.rows = h.rows()
        self.row_of = {b: i for i, b in enumerate(self.rows)}
        self.parent_row = {}
        self.lane_start = {}
        for bid in self.rows:
            parent = h.parent(bid)
            self.parent_row[bid] = self.row_of.get(parent) if parent else None
            fork = h.fork(bid)
            if fork is not None:
                x = float(fork.toordinal())
            elif parent is not None:
                x = self.lane_start.get(parent, self.x0)
            else:
                x = self.x0
            self.lane_start[bid] = x
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
        span = self.x1 - self.x0
        return self.x0 - span * 0.03, self.x1 + span * 0.03

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

    def _on_change(self, what) -> None:
        if BRANCH in what:
            self._on_branch(self.selection.branch)  # repaints the whole viewport
        elif COMPARE in what or CURSOR in what:
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
