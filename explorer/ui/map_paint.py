"""The branch map's painter: lanes, forks, marks, labels and the cursor drawn by one item.

Everything is drawn in device pixels with level of detail: only the lanes in view, marks merged per
pixel column when dense (`_lane_cols`, cached per x mapping), fork diamonds stamped from pixmaps,
connectors that pass other lanes drawn as bridges over them (a casing in the background colour
where they pass; `map_routes.bridges`, computed once per layout), labels placed by
`map_routes.place_labels` (none overlap, none over a connector's end; whole wherever the view is wide
enough, the selection's first). It reads what to draw from its owner,
the `BranchMap` widget (ui/branch_map.py: rows, fork positions, the selection, the history); the
widget handles input, ranges and the keyboard.
"""
from __future__ import annotations

import math
from bisect import bisect_left

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen, QPixmap

from . import map_routes, style

STATUS_ORDER = ((0, style.SAME), (1, style.NEW), (2, style.CHANGED))
LOOKS = {0: (style.LANE, 1.6), 1: (style.LANE_PATH, 2.2), 2: (style.ACCENT, 3.0)}  # (colour, width) per look
WHITE = 0xFFFFFFFF   # the map's background (QColor.rgb())
CASING = 2.0         # px of background on either side of a connector where it passes over a lane


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


class MapItem(pg.GraphicsObject):
    """Draws lanes, forks, marks, labels and the cursor in device coordinates."""

    def __init__(self, owner: "BranchMap"):
        super().__init__()
        self.owner = owner
        self.label_rects: list[tuple[QRectF, str]] = []
        self.shown: dict[str, str] = {}  # branch id -> its label's text as last painted (elided or whole)
        self.painted_for = None  # the selected branch when the map was last painted
        self._drop_of: list[str] = []
        self.drops: list[QRectF] = []  # the connectors' vertical strokes as last painted (px)
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

        # outside the scenario's dates (the room kept after the end for labels, the margin before the
        # start): shaded, so the axis's years there do not read as part of the history
        outside = QColor(242, 244, 247)
        x_start = X(o.x0)
        if x_end < width:
            p.fillRect(QRectF(x_end, 0, width - x_end, height), outside)
        if x_start > 0:
            p.fillRect(QRectF(0, 0, x_start, height), outside)
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
        # lanes, then (over the marks) the connectors, batched per look; light ones first, the selected
        # on top. A connector that passes other lanes is a bridge (map_routes.bridges): a casing in the
        # background colour is stroked first where it passes each lane, so that lane shows a gap on
        # either side of it; the connector keeps its colour, the fork's diamond stays on the parent's lane
        groups: dict[tuple, QPainterPath] = {}  # the connectors' bends
        lanes: dict[tuple, list] = {}
        conns: dict[tuple, list] = {}  # the connectors' straight parts
        casings: dict[tuple, list] = {}  # (look, background colour) -> short strokes under the bridges
        diamonds: dict[bool, list[QPointF]] = {False: [], True: []}
        forks: set = set()
        tick = max(2.0, min(6.0, row_px * 0.32))  # as _paint_marks: the casing also hides the marks beside
        dot = 3.6 if row_px >= 16 else 2.8 if row_px >= 10 else 0.0
        reach = min(row_px / 2, max(tick, dot, 1.5) + 1)  # up and down a passed lane
        tinted: dict[int, int] = {}  # rows on a band, not white: a casing there takes the band's colour
        if cmp_ and cmp_ != sel and cmp_ in o.row_of:
            c = style.qcolor(style.PARENT, 40)  # its band over white
            rgb = (round(255 + (v - 255) * c.alphaF()) for v in (c.red(), c.green(), c.blue()))
            tinted[o.row_of[cmp_]] = QColor(*rgb).rgb()
        if sel in o.row_of:
            tinted[o.row_of[sel]] = QColor(style.ACCENT_SOFT).rgb()
        self.drops = []  # the connectors' vertical parts in px: labels keep off their ends
        self._drop_of = []  # ... and whose each is
        for r, bid in enumerate(o.rows):
            route = o.routes.get(bid)
            parent = route.y_parent if route is not None else None
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
                xs = X(route.x)
                yp = Y(parent)
                self.drops.append(QRectF(xs - 1.5, min(y, yp), 3.0, abs(y - yp)))
                self._drop_of.append(bid)
                rad = min(10.0, abs(y - yp) * 0.5)
                sign = 1 if y > yp else -1
                # the straight part as a plain line clipped to the view (antialiased strokes reaching
                # thousands of px beyond it cost ~20 ms a paint with 200 lanes); only the bend is a path
                y_bend = y - sign * rad
                top, bottom = max(min(yp, y_bend), -20.0), min(max(yp, y_bend), height + 20)
                if bottom > top:
                    conns.setdefault(look, []).append(QLineF(xs, top, xs, bottom))
                runs = o.bridges.get(bid)
                if runs:
                    self._casings(casings, look, xs, runs, r_lo, r_hi, tinted, Y, reach, height)
                if -20 <= y <= height + 20:
                    path = groups.get(look)
                    if path is None:
                        path = groups[look] = QPainterPath()
                    path.moveTo(QPointF(xs, y_bend))
                    path.quadTo(QPointF(xs, y), QPointF(xs + rad, y))
                if r_lo <= parent <= r_hi and xs >= -10 and (round(xs), parent, bid == sel) not in forks:
                    forks.add((round(xs), parent, bid == sel))  # siblings forking on one day: one diamond
                    diamonds[bid == sel].append(QPointF(xs, yp))
        p.setBrush(Qt.NoBrush)
        p.setRenderHint(QPainter.Antialiasing, False)
        for look in sorted(lanes):
            p.setPen(self._look_pen(look))
            p.drawLines(lanes[look])
        p.setRenderHint(QPainter.Antialiasing, True)

        self._paint_marks(p, r_lo, r_hi, xa, xb, X, Y, row_px, width)
        if sel in o.row_of and r_lo <= o.row_of[sel] <= r_hi and o.history.computed(sel):
            m = o.history.marks(sel)
            if m is not None and len(m[0]) * 5 >= width:  # dense marks hide the lane: draw it over them
                ys, xs = Y(o.row_of[sel]), X(o.lane_start[sel])
                p.setPen(QPen(QColor(style.ACCENT), 2.0))
                p.drawLine(QPointF(max(xs, 0.0), ys), QPointF(min(x_end, width), ys))
        p.setBrush(Qt.NoBrush)
        for look in sorted(set(groups) | set(conns)):
            p.setRenderHint(QPainter.Antialiasing, False)
            for key in sorted(k for k in casings if k[0] == look):
                p.setPen(self._look_pen(look, QColor(key[1]), CASING * 2))
                p.drawLines(casings[key])
            p.setPen(self._look_pen(look))
            if look in conns:
                p.drawLines(conns[look])
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
        self._paint_cursor(p, X, height)
        self._paint_labels(p, r_lo, r_hi, X, Y, row_px, width, sel, path_ids)
        p.restore()
        self.painted_for = sel

    @staticmethod
    def _casings(out: dict, look: tuple, x: float, runs: list, r_lo: int, r_hi: int, tinted: dict, Y,
                 reach: float, height: float) -> None:
        """A bridge's casing strokes at x over its runs of rows (`map_routes.bridges`; those in view), into
        `out` by (look, background colour): one stroke per run, a tinted row (the selection's or the
        compared branch's band) cut out of its run and cased in its band's colour."""
        i = bisect_left(runs, (r_lo, -1)) - 1  # a run starting above the view may reach into it
        for a, b in runs[max(i, 0):]:
            if a > r_hi:
                break
            a, b = max(a, r_lo), min(b, r_hi)
            if b < a:
                continue
            pieces = [(a, b)]
            for t in tinted:
                if a <= t <= b:
                    pieces = [q for pa, pb in pieces for q in ((pa, t - 1), (t, t), (t + 1, pb)) if q[0] <= q[1]]
            for pa, pb in pieces:
                y0, y1 = sorted((Y(pa), Y(pb)))
                y0, y1 = max(y0 - reach, -20.0), min(y1 + reach, height + 20)
                if y1 > y0:
                    key = (look, tinted.get(pa, WHITE) if pa == pb else WHITE)
                    out.setdefault(key, []).append(QLineF(x, y0, x, y1))

    @staticmethod
    def _look_pen(look: tuple, color: QColor | None = None, extra: float = 0.0) -> QPen:
        """The pen of a lane or connector of this look (`color` and `extra` width: its bridge's casing)."""
        name, w = LOOKS[look[0]]
        if not look[1] and look[0] == 0:
            name = style.LANE_PENDING  # not computed yet: a paler lane
        pen = QPen(color if color is not None else QColor(name), w + extra)
        pen.setCapStyle(Qt.FlatCap)
        return pen

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
        """The lanes' labels where `map_routes.place_labels` puts them: the selection's first (whole
        wherever the view is wide enough), then its path's, then top to bottom."""
        o = self.owner
        fm = QFontMetricsF(self.font)
        fmb = QFontMetricsF(self.bold)
        h = fm.height() + 2
        self.label_rects = []
        self.shown = {}
        keep = [1.0 if b in path_ids or b == sel else 0.0 for b in self._drop_of]
        drops = np.array([(d.left(), d.right(), d.top(), d.bottom(), k)
                          for d, k in zip(self.drops, keep)]).reshape(-1, 5)
        rows = list(range(r_lo, r_hi + 1))
        rows.sort(key=lambda r: (o.rows[r] != sel, o.rows[r] not in path_ids, r))
        roomy = row_px >= h + 12        # room above a lane for a label without touching the row above
        crowded = row_px < 8            # an overview of many lanes: label only the selection's path
        lanes, texts = [], {}
        for r in rows:
            bid = o.rows[r]
            if crowded and bid != sel and bid not in path_ids and r != 0:
                continue
            text = texts[bid] = o.label_text(bid)
            is_sel = bid == sel
            full = self._widths.get((text, is_sel))
            if full is None:
                full = self._widths[(text, is_sel)] = (fmb if is_sel else fm).horizontalAdvance(text) + 12
            lanes.append(map_routes.LabelLane(bid, X(o.lane_start[bid]), Y(r), full,
                                              o.parent_row.get(bid) is not None, roomy or r == 0))
        for box, bid, _ in map_routes.place_labels(lanes, drops, width, p.device().height(), h):
            rect = QRectF(box.x, box.y, box.w, box.h)
            self.label_rects.append((rect, bid))
            is_sel = bid == sel
            self.shown[bid] = self._draw_label(p, rect, texts[bid], fmb if is_sel else fm, is_sel, bid in path_ids)

    def _draw_label(self, p, rect, text, metrics, selected, on_path):
        p.setPen(QPen(QColor(style.ACCENT) if selected else QColor("#d5dbe3"), 1))
        p.setBrush(QColor(style.ACCENT_SOFT) if selected else QColor(255, 255, 255, 235))
        p.drawRoundedRect(rect, 4, 4)
        p.setFont(self.bold if selected else self.font)
        p.setPen(QColor(style.ACCENT) if selected else QColor(style.TEXT if on_path else "#3d4651"))
        shown = metrics.elidedText(text, Qt.ElideRight, rect.width() - 10)
        p.drawText(rect.adjusted(5, 0, -5, 0), Qt.AlignVCenter | Qt.AlignLeft, shown)
        return shown
