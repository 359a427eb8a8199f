"""Back/Forward with the World pane in front, and the Inspector waiting behind its tab (issue 13's speed
work): the World plots redraw only what changed, so what they show after Back must still be exactly the
branch gone back to; the Inspector, hidden, writes no page until it is brought to the front, and then
shows the selection of that moment. Real keys (Alt+Left / Alt+Right) and a real click on the dock tab."""
from __future__ import annotations

import datetime as dt

import numpy as np
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextDocumentFragment
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QTabBar


def steps(traj, end: int, encode):
    """The step curve a plot draws for a trajectory (as VarPlot.steps)."""
    xs = [d.toordinal() for d, _ in traj] + [end]
    x = np.repeat(np.array(xs, dtype=float), 2)[1:-1]
    y = np.repeat(np.array([encode(v) for _, v in traj], dtype=float), 2)
    return x, y


def assert_world_shows(w, bid):
    """Every plot: this branch's curve, its parent's (dashed) and the baseline's, each as the branch's
    timeline has it; the divergence lines of its path and no other; a y-range that holds the curves."""
    ws, h = w.workspace, w.history
    parent = h.other(bid, None)
    base = h.branch_ids[0]
    end = ws.scenario.end.toordinal() + 1
    assert w.world.plots
    for name, plot in w.world.plots.items():
        var = ws.scenario.variables[name]

        def encode(v, var=var):
            if var.type == "enum":
                return list(var.values).index(v)
            return float(v)
        for curve, b in ((plot.mine, bid), (plot.parent, parent),
                         (plot.base, base if base not in (bid, parent) else None)):
            if b is None:
                assert not curve.isVisible(), (name, bid)
                continue
            x, y = steps(ws.timeline(b).trajectory(name), end, encode)
            assert curve.isVisible(), (name, b)
            assert np.array_equal(curve.xData, x) and np.array_equal(curve.yData, y), (name, b)
            lo, hi = plot.item.getViewBox().viewRange()[1]
            assert lo <= y.min() and y.max() <= hi, (name, b, lo, hi)
        lines = sorted(line.value() for line in plot.div_lines if line.isVisible())
        assert lines == sorted(float(d.ordinal) for d in ws.timeline(bid).divergences), (name, bid)


def tab_of(w, title: str):
    """The tab bar of the Inspector's dock area holding `title`, and the tab's index (Qt keeps earlier
    tab bars of the area around, hidden away: the one over the docks' columns is the one a user sees)."""
    dock = next(d for d in (w.inspector_dock, w.world_dock, w.causes_dock) if not d.visibleRegion().isEmpty()).geometry()
    for bar in w.findChildren(QTabBar):
        at = bar.mapTo(w, QPoint(0, 0))
        if not (bar.isVisible() and dock.left() - 4 <= at.x() <= dock.right() and at.y() < dock.bottom()):
            continue
        for i in range(bar.count()):
            if bar.tabText(i) == title:
                return bar, i
    raise AssertionError(f"no visible tab {title!r}")


def test_world_plots_show_each_branch_after_back_and_forward(window):
    w = window
    w.world.tick("war")  # a bool, an enum (us.posture) and a number (tension) plotted
    w.world_dock.raise_()
    QApplication.processEvents()
    names = set(w.world.plots)
    assert {"tension", "us.posture"} <= names
    # three branches: air-strike forks from the baseline (no baseline curve of its own), strike-contained
    # from air-strike (all three curves; one more divergence line), no-photos from the baseline
    for bid in ("air-strike", "strike-contained", "no-photos"):
        w.selection.select_branch(bid)
        QApplication.processEvents()
        assert_world_shows(w, bid)
    for bid in ("strike-contained", "air-strike"):
        QTest.keyClick(w, Qt.Key_Left, Qt.AltModifier)
        assert w.selection.branch == bid
        assert_world_shows(w, bid)
    for bid in ("strike-contained", "no-photos"):
        QTest.keyClick(w, Qt.Key_Right, Qt.AltModifier)
        assert w.selection.branch == bid
        assert_world_shows(w, bid)
    # air-strike and strike-contained share their tension curve (the plot keeps it) but not their
    # other curves; no-photos differs: a plot left on the wrong branch would be seen
    tl = w.workspace.timeline
    assert tl("air-strike").trajectory("tension") == tl("strike-contained").trajectory("tension")
    assert tl("air-strike").trajectory("tension") != tl("no-photos").trajectory("tension")


def heading(w) -> str:
    """The Inspector page's title: the event's, or the branch's when no event is selected."""
    return w.inspector.browser.toPlainText().splitlines()[0]


def test_hidden_inspector_shows_the_right_event_once_brought_to_front(window):
    w = window
    w.selection.select_branch("strike-contained", ("black_saturday", 1), cursor=dt.date(1962, 10, 27))
    w.selection.select_branch("no-photos")
    QApplication.processEvents()
    assert heading(w) == "The U-2 flight is cancelled"
    bar, i = tab_of(w, "World")
    QTest.mouseClick(bar, Qt.LeftButton, Qt.NoModifier, bar.tabRect(i).center())
    QApplication.processEvents()
    assert w.world.shown and not w.inspector.shown  # a dock behind a tab stays "visible" to Qt
    QTest.keyClick(w, Qt.Key_Left, Qt.AltModifier)  # Back, with the World pane in front
    QApplication.processEvents()
    assert (w.selection.branch, w.selection.event) == ("strike-contained", ("black_saturday", 1))
    assert_world_shows(w, "strike-contained")
    # hidden, the Inspector wrote no page meanwhile (its text is the one it had when it went behind)
    assert heading(w) == "The U-2 flight is cancelled"
    bar, i = tab_of(w, "Inspector")
    QTest.mouseClick(bar, Qt.LeftButton, Qt.NoModifier, bar.tabRect(i).center())
    QApplication.processEvents()
    assert w.inspector.shown
    assert heading(w) == "Black Saturday"
    # in front, it follows every step at once
    QTest.keyClick(w, Qt.Key_Right, Qt.AltModifier)
    assert w.selection.branch == "no-photos"
    assert heading(w) == "The U-2 flight is cancelled"


def test_plots_keep_their_height_when_the_legend_wraps_differently(window):
    """A legend that takes two lines for one branch and one for the next no longer resizes every plot at
    each Back/Forward (each resize redrew all the axes): it keeps the taller height at this width."""
    w = window
    w.world_dock.raise_()
    lg = w.world.legend
    heights, natural = {}, {}
    for bid in ("strike-contained", "no-photos"):
        w.selection.select_branch(bid)
        QApplication.processEvents()
        natural[bid] = lg.fontMetrics().boundingRect(0, 0, lg.width(), 10_000, Qt.TextWordWrap,
                                                     QTextDocumentFragment.fromHtml(lg.text()).toPlainText()).height()
    assert natural["strike-contained"] > natural["no-photos"], "the legends should wrap differently here"
    for key in (Qt.Key_Left, Qt.Key_Right, Qt.Key_Left, Qt.Key_Right):
        QTest.keyClick(w, key, Qt.AltModifier)
        QApplication.processEvents()
        heights[w.selection.branch, len(heights)] = w.world.graphics.height()
        assert_world_shows(w, w.selection.branch)
    assert len(set(heights.values())) == 1, heights
    # a new width (the pane's separator dragged): the legend takes its own height again
    before = w.world.width()
    w.resizeDocks([w.world_dock], [before + 150], Qt.Horizontal)
    QApplication.processEvents()
    assert w.world.width() != before
    assert lg.minimumHeight() == 0


def test_the_first_longer_legend_does_not_resize_the_plots(window):
    """Shown first with a one-line legend, the plots kept their height only until a branch whose legend
    takes two lines: that first Back/Forward resized every plot and regenerated its axes (the one step
    of bench_ui's 24 over 100 ms). The legend keeps room for two lines from the start."""
    w = window
    w.selection.select_branch("no-photos")
    w.world_dock.raise_()
    QApplication.processEvents()
    before = w.world.graphics.height()
    w.selection.select_branch("strike-contained")
    QApplication.processEvents()
    lg = w.world.legend
    assert lg.heightForWidth(lg.width()) > lg.fontMetrics().lineSpacing() * 1.5, "this legend takes two lines"
    assert w.world.graphics.height() == before
    assert_world_shows(w, "strike-contained")
