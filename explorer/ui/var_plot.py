"""One variable's plot in the World pane: its curve in the selected branch, the branch it is compared
with and the baseline (steps), divergence lines, the time cursor, a Monte Carlo band; the y-axis
names enum and bool values by their labels. The pane (world_plots.WorldPlots) stacks these."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QGraphicsItem

from . import style
from .dateaxis import DateAxis
from .graphics import discard


class VarPlot:
    """One variable's plot: three curves, divergence lines, a cursor line."""

    def __init__(self, owner, var):
        self.owner = owner
        self.var = var
        axis = DateAxis("bottom", min_label_px=56)
        self.item = pg.PlotItem(axisItems={"bottom": axis})
        it = self.item
        it.setMenuEnabled(False)
        it.hideButtons()
        it.setMouseEnabled(x=True, y=False)
        it.showGrid(x=True, y=True, alpha=0.12)
        left = it.getAxis("left")
        left.setWidth(72)
        left.setTextPen(pg.mkPen(style.TEXT_MUTED))
        left.setPen(pg.mkPen("#b5bec9"))
        axis.setTextPen(pg.mkPen(style.TEXT_MUTED))
        axis.setPen(pg.mkPen("#b5bec9"))
        # no SI prefix (no axis has a label to carry one): with it every range change rewrote the empty
        # labels' HTML (the hidden top and right axes' too) and redrew the left axis a second time
        for name in ("left", "top", "right"):
            it.getAxis(name).enableAutoSIPrefix(False)
        for a in (left, axis):
            # each axis (its ticks, labels and the grid across the plot) kept as a pixmap, drawn again
            # only when it changes: a moving cursor or a new curve replayed every axis's QPicture
            # (3.5 ms each, six a paint) on every repaint of the pane
            a.setCacheMode(QGraphicsItem.DeviceCoordinateCache)
        title = var.title + (f" ({var.unit})" if var.unit else "")
        it.setTitle(f"<span style='color:{style.TEXT}; font-size:9pt'>{esc(title)}</span>", justify="left")
        it.titleLabel.setMaximumHeight(18)
        it.layout.setRowFixedHeight(0, 18)
        self.base = it.plot(pen=pg.mkPen(style.BASELINE, width=1.4))
        self.parent = it.plot(pen=pg.mkPen(style.PARENT, width=1.6, style=Qt.DashLine))
        self.mine = it.plot(pen=pg.mkPen(style.ACCENT, width=2.4))
        self.div_lines: list = []
        self.cursor = pg.InfiniteLine(angle=90, movable=True, pen=pg.mkPen(style.CURSOR, width=1.5),
                                      hoverPen=pg.mkPen(style.CURSOR, width=3))
        self.cursor.setZValue(20)
        it.addItem(self.cursor, ignoreBounds=True)
        self.cursor.sigPositionChanged.connect(self._dragged)
        self.categories: list = []
        self.label_px = 0  # the widest value label on the y-axis (enum and bool plots)
        self._divs: list = []  # the divergences the lines in div_lines show
        self.band_items: list = []  # Monte Carlo 10–90% band and median, behind the curves
        self.band_ys: list[float] = []

    def set_band(self, mc) -> None:
        """Draw `mc`'s 10–90% band and dashed median for this variable (number variables only);
        None clears it. x is the day ordinal, as for the curves."""
        for item in self.band_items:
            discard(self.item, item)
        self.band_items = []
        self.band_ys = []
        if mc is None or self.var.type != "number" or self.var.name not in mc.bands:
            return
        x = np.array([d.toordinal() for d in mc.grid], dtype=float)
        lo, mid, hi = (np.array(mc.band(self.var.name, q), dtype=float) for q in (0.1, 0.5, 0.9))
        edge = QColor(style.ACCENT)
        edge.setAlpha(70)
        fill = QColor(style.ACCENT)
        fill.setAlpha(40)
        lo_curve = pg.PlotCurveItem(x, lo, pen=pg.mkPen(edge, width=1))
        hi_curve = pg.PlotCurveItem(x, hi, pen=pg.mkPen(edge, width=1))
        band = pg.FillBetweenItem(lo_curve, hi_curve, brush=pg.mkBrush(fill))
        median = pg.PlotCurveItem(x, mid, pen=pg.mkPen(QColor(style.ACCENT).lighter(130), width=1.3,
                                                      style=Qt.DashLine))
        band.setToolTip(f"Monte Carlo: 10–90% of {mc.runs} sampled runs; dashed: median")
        for z, item in ((-12, band), (-11, lo_curve), (-11, hi_curve), (-10, median)):
            item.setZValue(z)
            self.item.addItem(item)
            self.band_items.append(item)
        self.band_ys = [float(lo.min()), float(hi.max())] if len(x) else []

    def _dragged(self, line) -> None:
        self.owner.cursor_dragged(line.value())

    def encode(self, values) -> list[float]:
        v = self.var
        if v.type == "number":
            return [float(x) for x in values]
        if v.type == "bool":
            return [1.0 if x else 0.0 for x in values]
        out = []
        for x in values:
            if x not in self.categories:
                self.categories.append(x)
            out.append(float(self.categories.index(x)))
        return out

    def steps(self, traj, end: int):
        xs = [d.toordinal() for d, _ in traj]
        ys = self.encode([val for _, val in traj])
        x = np.repeat(np.array(xs + [end], dtype=float), 2)[1:-1]
        y = np.repeat(np.array(ys, dtype=float), 2)
        return x, y

    def update(self, mine, parent, base, end: int, divergences, full_range: bool = False) -> None:
        """Show the trajectories (lists of (date, value); None hides a curve). `full_range`: a number
        variable with a declared min and max shows all of it (the window does so for every plot
        while Monte Carlo bands are drawn, so that bands read on one scale, as shares of each range).

        Only what differs from what is shown is handed to pyqtgraph: a curve with the same points, the
        same ticks, y-range and divergence lines are left alone. Each of those calls invalidates the
        plot's cached axis picture or curve path, and a Back/Forward between branches that share most
        of their history redrew three plots' axes and curves for nothing (bench_ui's World case)."""
        v = self.var
        self.categories = list(v.values) if v.type == "enum" else ([] if v.type != "bool" else [])
        self._set_curve(self.mine, mine, end)
        self._set_curve(self.parent, parent, end)
        self._set_curve(self.base, base, end)
        if v.type == "bool":
            labels = [v.show(False), v.show(True)]
            self._set_ticks([[(0.0, labels[0]), (1.0, labels[1])]])
            self._set_y(-0.15, 1.15, 0)
            self.label_px = _text_px(labels)
        elif v.type in ("enum", "text"):
            cats = self.categories
            labels = [_short(v.show(c), 26) for c in cats]  # each value by its label, as the table shows it
            self._set_ticks([[(float(i), t) for i, t in enumerate(labels)]])
            self._set_y(-0.4, max(len(cats) - 1, 1) + 0.4, 0)
            self.label_px = _text_px(labels)
        else:
            self.label_px = 0
            self._set_ticks(None)
            lo, hi = v.min, v.max
            # the curves' extremes by numpy: a Python loop over every point cost ~20 ms a plot
            ext = [f(c.yData) for c in (self.mine, self.parent, self.base)
                   if c.isVisible() and c.yData is not None and len(c.yData) for f in (np.min, np.max)]
            ext += self.band_ys
            if lo is not None and hi is not None and (full_range or not ext):
                self._set_y(lo, hi, 0.05)
            elif ext:
                a, b = float(min(ext)), float(max(ext))
                if lo is not None and hi is not None and (b - a) > 0.25 * (hi - lo):
                    a, b = lo, hi
                if a == b:
                    a, b = a - 1, b + 1
                self._set_y(a, b, 0.1)
        self._set_divergences(divergences)

    def _set_curve(self, curve, traj, end: int) -> None:
        """`traj`'s steps on `curve` (None: hidden and empty), unless it shows exactly those points."""
        if traj is None:
            if curve.isVisible() or (curve.xData is not None and len(curve.xData)):
                curve.setData([], [])
                curve.hide()
            return
        x, y = self.steps(traj, end)
        if not (curve.isVisible() and _same(curve.xData, x) and _same(curve.yData, y)):
            curve.setData(x, y)
        curve.show()

    def _set_ticks(self, ticks) -> None:
        left = self.item.getAxis("left")
        if ticks != left._tickLevels:  # noqa: SLF001 - setTicks redraws the axis even with equal ticks
            left.setTicks(ticks)

    def _set_y(self, lo: float, hi: float, padding: float) -> None:
        """The y-range, set only when it would move (setYRange redraws the axis and the grid)."""
        vb = self.item.getViewBox()
        if self._y == (lo, hi, padding, *vb.viewRange()[1]):
            return
        self.item.setYRange(lo, hi, padding=padding)
        self._y = (lo, hi, padding, *vb.viewRange()[1])

    _y: tuple = ()

    def _set_divergences(self, divergences) -> None:
        """One vertical line per divergence on the branch's path; the lines are kept and moved rather
        than made anew (an InfiniteLine made, added and removed cost ~3 ms)."""
        if divergences == self._divs:
            return  # the same divergence lines (a branch and its siblings share most): keep them
        self._divs = list(divergences)
        for i, (ordinal, own, label) in enumerate(divergences):
            if i == len(self.div_lines):
                line = pg.InfiniteLine(angle=90, movable=False)
                line.setZValue(5)
                self.item.addItem(line, ignoreBounds=True)
                self.div_lines.append(line)
            line = self.div_lines[i]
            line.setPen(_divergence_pen(own))
            line.setValue(ordinal)
            line.setToolTip(label)
            line.show()
        for line in self.div_lines[len(divergences):]:
            line.hide()


_PENS: dict = {}


def _divergence_pen(own: bool):
    """The branch's own divergences solid, those it inherits dashed (one pen each, made once)."""
    pen = _PENS.get(own)
    if pen is None:
        pen = _PENS[own] = pg.mkPen(style.DIVERGENCE, width=1.6 if own else 1.0,
                                    style=Qt.SolidLine if own else Qt.DashLine)
    return pen


def _same(a, b) -> bool:
    return a is not None and len(a) == len(b) and np.array_equal(a, b)


def _text_px(labels) -> int:
    from PySide6.QtGui import QFontMetrics
    from PySide6.QtWidgets import QApplication
    fm = QFontMetrics(QApplication.font())
    return max((fm.horizontalAdvance(t) for t in labels), default=0)


def _short(s: str, n: int = 11) -> str:
    return s if len(s) <= n else s[: n - 1] + "…"


def esc(s: str) -> str:
    return (s or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
