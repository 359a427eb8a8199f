"""World-variable plots for reports, drawn with QPainter onto a QImage (HTML, Markdown) or straight
onto the PDF page (`draw_plot`).

No widgets and no scene graph: the drawing is fast, works headless (QT_QPA_PLATFORM=offscreen) and
may run on a worker thread, so the app's export dialog can render off the GUI thread. A plot shows
the branch against its parent and the baseline as step lines (world variables change at events),
the years (or months) on the x axis, a legend, and the divergence dates as marked vertical lines.
"""
from __future__ import annotations

import datetime as dt
import math
import os
import sys

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPainter, QPainterPath, QPen

from ..palette import PLOT_COLORS
from .qtcompat import guard_none_refcount
from .text import MONTHS, clean, short_date

guard_none_refcount()

WIDTH, HEIGHT, SCALE = 720, 240, 2.0

# role -> (colour, width, pen style); drawn baseline first so the branch lies on top
STYLE = {  # the app's colours (explorer/palette.py), so a report reads like the window it came from
    "baseline": (QColor(PLOT_COLORS["baseline"]), 4.2, Qt.SolidLine),
    "parent": (QColor(PLOT_COLORS["parent"]), 2.4, Qt.DashLine),
    "branch": (QColor(PLOT_COLORS["branch"]), 1.9, Qt.SolidLine),
}
ROLE_NAMES = {"branch": "This branch", "parent": "Parent", "baseline": "Baseline"}
INK = QColor("#222222")
MUTED = QColor("#666666")
GRID = QColor("#e4e1da")
FRAME = QColor("#8c8579")
MARK = QColor(PLOT_COLORS["divergence"])
PAPER = QColor("#ffffff")

_app = None


def ensure_gui_app():
    """Text drawing needs a Q(Gui)Application: make an offscreen one when the caller has none.

    Called from the main thread (the command line does it before rendering; the app has one).
    """
    global _app
    from PySide6.QtWidgets import QApplication
    app = QApplication.instance()
    if app is not None:
        return app
    if not os.environ.get("QT_QPA_PLATFORM") and (sys.platform.startswith("linux")
                                                   and not os.environ.get("DISPLAY")
                                                   and not os.environ.get("WAYLAND_DISPLAY")):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    _app = QApplication([sys.argv[0] if sys.argv else "what-if"])
    return _app


def plain_letters(font: QFont) -> QFont:
    """`font` without typographic ligatures: a PDF's text then reads "fighting", not "ﬁghting"
    (U+FB01), for a reader's search, copy and paste and screen reader. Set on a document's default
    font, it holds for every font its style sheet asks for."""
    font.setFeature(QFont.Tag("liga"), 0)
    return font


def _font(px: float, bold: bool = False) -> QFont:
    f = QFont("DejaVu Sans")
    f.setStyleHint(QFont.SansSerif)
    f.setPixelSize(max(1, round(px)))
    f.setBold(bold)
    return plain_letters(f)


def _ordinal(iso: str) -> int:
    return dt.date.fromisoformat(iso).toordinal()


# --- axes -------------------------------------------------------------------------------------------

def _nice_step(span: float, target: int = 5) -> float:
    raw = span / max(target, 1)
    mag = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1
    for m in (1, 2, 2.5, 5, 10):
        if raw <= m * mag:
            return m * mag
    return 10 * mag


def _fmt_tick(v: float) -> str:
    return f"{v:g}" if abs(v) < 1e6 else f"{v:.3g}"


def x_ticks(start: int, end: int) -> list[tuple[int, str]]:
    """Tick positions (ordinals) and labels: years for long spans, months for short ones."""
    d0, d1 = dt.date.fromordinal(start), dt.date.fromordinal(end)
    years = d1.year - d0.year
    if end - start > 2.5 * 365:
        for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 500, 1000):
            if years / step <= 10:
                break
        first = d0.year if (d0.month, d0.day) == (1, 1) else d0.year + 1
        first += -first % step
        return [(dt.date(y, 1, 1).toordinal(), str(y)) for y in range(first, d1.year + 1, step)
                if start <= dt.date(y, 1, 1).toordinal() <= end]
    months = (d1.year - d0.year) * 12 + d1.month - d0.month
    for step in (1, 2, 3, 6, 12):
        if months / step <= 8:
            break
    out = []
    y, m = d0.year, d0.month
    if d0.day != 1:
        m += 1
    while True:
        if m > 12:
            y, m = y + (m - 1) // 12, (m - 1) % 12 + 1
        o = dt.date(y, m, 1).toordinal()
        if o > end:
            break
        if (m - 1) % step == 0:
            label = f"{MONTHS[m - 1][:3]} {y}" if (not out or m == 1) else MONTHS[m - 1][:3]
            out.append((o, label))
        m += 1
    return out


class _YAxis:
    def __init__(self, plot: dict):
        self.kind = plot["type"]
        values = [p[1] for s in plot["series"] for p in s["points"]]
        if self.kind == "number":
            nums = [float(v) for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]
            lo = plot.get("min")
            hi = plot.get("max")
            dlo, dhi = (min(nums), max(nums)) if nums else (0.0, 1.0)
            if lo is None or hi is None or (hi - lo) > 0 and (dhi - dlo) < 0.08 * (hi - lo):
                # no bounds, or data in a sliver of a wide range: zoom on the data
                pad = (dhi - dlo) * 0.1 or max(abs(dhi) * 0.1, 1.0)
                lo, hi = dlo - pad, dhi + pad
                if plot.get("min") is not None:
                    lo = max(lo, plot["min"])
                if plot.get("max") is not None:
                    hi = min(hi, plot["max"])
            if hi <= lo:
                hi = lo + 1
            step = _nice_step(hi - lo)
            self.lo, self.hi = lo, hi
            t = math.ceil(lo / step - 1e-9) * step
            self.ticks = []
            while t <= hi + 1e-9:
                self.ticks.append((t, _fmt_tick(round(t, 10))))
                t += step
        else:
            if self.kind == "bool":
                cats = [False, True]
                labels = ["no", "yes"]
            else:
                cats = list(plot.get("values") or [])
                for v in values:
                    if str(v) not in [str(c) for c in cats]:
                        cats.append(str(v))
                cats = [str(c) for c in cats]
                names = plot.get("value_labels") or {}
                labels = [clean(names.get(c, c)) for c in cats]
            self.cats = cats
            self.lo, self.hi = -0.5, len(cats) - 0.5
            self.ticks = [(i, lab) for i, lab in enumerate(labels)]

    def value(self, v) -> float:
        if self.kind == "number":
            return float(v)
        if self.kind == "bool":
            return 1.0 if v else 0.0
        try:
            return float(self.cats.index(str(v)))
        except ValueError:
            return 0.0


# --- drawing ----------------------------------------------------------------------------------------

def render_plot(plot: dict, width: int = WIDTH, height: int = HEIGHT, scale: float = SCALE) -> QImage:
    """The plot of one variable (a `plots[]` entry of the report data) as an image."""
    img = QImage(round(width * scale), round(height * scale), QImage.Format_RGB32)  # opaque: no alpha
    img.setDevicePixelRatio(scale)
    img.fill(PAPER)
    p = QPainter(img)
    try:
        p.setRenderHint(QPainter.Antialiasing)
        p.setRenderHint(QPainter.TextAntialiasing)
        _draw(p, plot, width, height)
    finally:
        p.end()
    return img


def draw_plot(p: QPainter, rect: QRectF, plot: dict, width: int = WIDTH, height: int = HEIGHT) -> None:
    """The plot drawn as vectors into `rect` of any painter, within its clip. The PDF writer draws
    plots this way in place of their images: no pixels to draw and encode (JPEG, in Qt's PDF
    engine, was a seventh of the export), and sharp at any zoom and in print."""
    p.save()
    try:
        p.translate(rect.topLeft())
        p.scale(rect.width() / width, rect.height() / height)
        p.setClipRect(QRectF(0, 0, width, height), Qt.IntersectClip)
        p.fillRect(QRectF(0, 0, width, height), PAPER)
        _draw(p, plot, width, height)
    finally:
        p.restore()


def _draw(p: QPainter, plot: dict, W: int, H: int) -> None:
    title_f, small_f, tick_f = _font(13, True), _font(10.5), _font(10.5)
    fm_small, fm_tick = QFontMetricsF(small_f), QFontMetricsF(tick_f)
    y_axis = _YAxis(plot)
    start, end = _ordinal(plot["start"]), _ordinal(plot["end"])
    if end <= start:
        end = start + 1

    # title
    p.setFont(title_f)
    p.setPen(INK)
    unit = clean(plot.get("unit") or "")
    title = clean(plot["label"]) + (f" ({unit})" if unit else "")
    p.drawText(QRectF(8, 4, W - 16, 20), Qt.AlignLeft | Qt.AlignVCenter,
               QFontMetricsF(title_f).elidedText(title, Qt.ElideRight, W - 16))

    # legend
    series = sorted(plot["series"], key=lambda s: ("baseline", "parent", "branch").index(s["role"]))
    entries = [(s["role"], ROLE_NAMES[s["role"]] + ("" if s["role"] == "baseline" else ": " + clean(s["label"])))
               for s in reversed(series)]
    if plot.get("markers"):
        entries.append(("marker", "divergence"))
    x = 8.0
    room = (W - 16) / max(len(entries), 1)
    p.setFont(small_f)
    for role, text in entries:
        cy = 33
        if role == "marker":
            p.setPen(QPen(MARK, 1.4, Qt.DashLine))
            p.drawLine(QPointF(x + 10, cy - 7), QPointF(x + 10, cy + 7))
        else:
            col, w, style = STYLE[role]
            p.setPen(QPen(col, min(w, 3.0), style, Qt.FlatCap))
            p.drawLine(QPointF(x, cy), QPointF(x + 22, cy))
        p.setPen(MUTED)
        label = fm_small.elidedText(text, Qt.ElideRight, room - 34)
        p.drawText(QPointF(x + 28, cy + fm_small.ascent() / 2 - 1), label)
        x += min(room, 28 + fm_small.horizontalAdvance(label) + 18)

    # plot area
    label_w = max((fm_tick.horizontalAdvance(lab) for _, lab in y_axis.ticks), default=20)
    left = 14 + min(label_w, W * 0.28)
    top, right, bottom = 50.0, W - 14.0, H - 26.0
    area = QRectF(left, top, right - left, bottom - top)

    def X(o: float) -> float:
        return left + (o - start) / (end - start) * area.width()

    def Y(v: float) -> float:
        return bottom - (v - y_axis.lo) / (y_axis.hi - y_axis.lo) * area.height()

    # grid and y labels
    p.setFont(tick_f)
    for v, lab in y_axis.ticks:
        yy = Y(v)
        p.setPen(QPen(GRID, 1))
        p.drawLine(QPointF(left, yy), QPointF(right, yy))
        p.setPen(MUTED)
        p.drawText(QRectF(4, yy - 8, left - 10, 16), Qt.AlignRight | Qt.AlignVCenter,
                   fm_tick.elidedText(lab, Qt.ElideRight, left - 12))
    # x ticks
    for o, lab in x_ticks(start, end):
        xx = X(o)
        p.setPen(QPen(GRID, 1))
        p.drawLine(QPointF(xx, top), QPointF(xx, bottom))
        p.setPen(QPen(FRAME, 1))
        p.drawLine(QPointF(xx, bottom), QPointF(xx, bottom + 4))
        p.setPen(MUTED)
        tw = fm_tick.horizontalAdvance(lab)
        p.drawText(QPointF(min(max(xx - tw / 2, left - 6), W - tw - 2), bottom + 6 + fm_tick.ascent()), lab)
    p.setPen(QPen(FRAME, 1))
    p.drawLine(QPointF(left, bottom), QPointF(right, bottom))
    p.drawLine(QPointF(left, top), QPointF(left, bottom))

    # divergence markers
    placed: list[tuple[float, float, int]] = []
    p.setFont(small_f)
    for m in plot.get("markers") or []:
        o = _ordinal(m["date"])
        if not start <= o <= end:
            continue
        xx = X(o)
        col = QColor(MARK)
        if not m.get("own", True):
            col.setAlpha(150)
        p.setPen(QPen(col, 1.3, Qt.DashLine))
        p.drawLine(QPointF(xx, top), QPointF(xx, bottom))
        text = short_date(m["date"])
        tw = fm_small.horizontalAdvance(text) + 6
        row = 0
        while any(r == row and abs(px - xx) < (tw + pw) / 2 + 4 for px, pw, r in placed):
            row += 1
        placed.append((xx, tw, row))
        bx = min(max(xx + 3, left), right - tw)
        by = top + 2 + row * (fm_small.height() + 2)
        p.fillRect(QRectF(bx, by, tw, fm_small.height()), QColor(255, 255, 255, 225))
        p.setPen(col)
        p.drawText(QRectF(bx, by, tw, fm_small.height()), Qt.AlignCenter, text)

    # the series, as step lines
    p.save()
    p.setClipRect(area.adjusted(-3, -3, 3, 3), Qt.IntersectClip)  # within a PDF page's clip
    for s in series:
        col, w, style = STYLE[s["role"]]
        pts = s["points"]
        if not pts:
            continue
        path = QPainterPath()
        o0 = max(_ordinal(pts[0][0]), start)
        path.moveTo(X(o0), Y(y_axis.value(pts[0][1])))
        for (d, v) in pts[1:]:
            xx = X(min(max(_ordinal(d), start), end))
            path.lineTo(xx, path.currentPosition().y())
            path.lineTo(xx, Y(y_axis.value(v)))
        path.lineTo(X(end), path.currentPosition().y())
        pen = QPen(col, w, style, Qt.FlatCap, Qt.MiterJoin)
        p.setPen(pen)
        p.setBrush(Qt.NoBrush)
        p.drawPath(path)
    p.restore()


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.WriteOnly)
    image.save(buf, "PNG")
    buf.close()
    return bytes(data.data())


def plot_png(plot: dict, **kw) -> bytes:
    return png_bytes(render_plot(plot, **kw))
