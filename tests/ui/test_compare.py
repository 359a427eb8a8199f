"""Compare any two branches (issue 13): Ctrl+click in the outline or the map, or Compare with…; the
timeline, the inspector, the world plots and the side-by-side view follow."""
from __future__ import annotations

import html
import re

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication


def ctrl_click(widget, pos):
    QTest.mouseClick(widget, Qt.LeftButton, Qt.ControlModifier, QPoint(int(pos.x()), int(pos.y())))
    QApplication.processEvents()


def test_ctrl_click_in_the_outline_compares_and_every_view_follows(window):
    w = window
    ws = w.workspace
    w.selection.select_branch("air-strike")
    o = w.outline
    idx = o.model_.index_of("strike-contained")
    ctrl_click(o.viewport(), o.visualRect(idx).center())
    assert w.selection.branch == "air-strike", "Ctrl+click does not change the selection"
    assert w.selection.compare == "strike-contained"
    d = ws.diff("air-strike", "strike-contained")
    # the timeline marks events against the compared branch
    m = w.timeline.model
    for r in m.rows:
        if r.index is not None:
            assert r.status == d.status_of(r.index)
    assert sum(r.status == "gone" for r in m.rows) == len(d.gone)
    assert "The commanders hold fire" in w.timeline.summary.text()
    # the inspector's differences
    text = w.inspector.browser.toPlainText()
    assert "Against The commanders hold fire" in text
    # the world plots and the table: the dashed curve is the compared branch
    w.world_dock.raise_()  # the World pane catches up when shown
    assert w.world.plots
    assert "The commanders hold fire" in w.world.legend.text()
    assert w.world.model.headerData(2, Qt.Horizontal) == "Compared"
    for name, plot in w.world.plots.items():
        traj = ws.timeline("strike-contained").trajectory(name)
        assert len(plot.parent.xData) == 2 * len(traj)
    # the side-by-side view is shown, one row per event, aligned by date
    assert w.compare_view.isVisible()
    cm = w.compare_view.model
    assert len(cm.rows) == len(d.events)
    # the name as it fits its column in the header's semi-bold (elided at this width), whole in the tooltip
    assert cm.headerData(1, Qt.Horizontal).rstrip("…") in "Kennedy orders air strikes"
    assert cm.headerData(1, Qt.Horizontal, Qt.ToolTipRole) == "Kennedy orders air strikes"
    assert cm.headerData(3, Qt.Horizontal).rstrip("…") in "The commanders hold fire"
    assert cm.headerData(3, Qt.Horizontal, Qt.ToolTipRole) == "The commanders hold fire"
    dates = [p.date for p in cm.rows]
    assert dates == sorted(dates)
    gone = next(p for p in cm.rows if p.status == "gone")
    assert gone.left_title is None and gone.right_title
    # clicking a row selects its event
    t = w.compare_view.table
    row = next(i for i, p in enumerate(cm.rows) if p.status == "same")
    QTest.mouseClick(t.viewport(), Qt.LeftButton, Qt.NoModifier, t.visualRect(cm.index(row, 1)).center())
    assert w.selection.event == cm.rows[row].key
    w.inspector_dock.raise_()  # behind the World tab it waits; it catches up when shown
    assert "unchanged against The commanders hold fire" in w.inspector.browser.toPlainText()
    # Ctrl+click again stops comparing: back to the parent
    ctrl_click(o.viewport(), o.visualRect(o.model_.index_of("strike-contained")).center())
    assert w.selection.compare is None
    w.selection.select_event(None)
    assert "Against Baseline" in w.inspector.browser.toPlainText()
    w.world_dock.raise_()
    assert w.world.model.headerData(2, Qt.Horizontal) == "Parent"


def test_compare_with_box_and_map_ctrl_click(window, qtbot):
    w = window
    w.selection.select_branch("no-photos")
    box = w.compare_box
    box.setFocus()
    target = box.findData("air-strike")
    while box.currentIndex() != target:
        QTest.keyClick(box, Qt.Key_Down)
    assert w.selection.compare == "air-strike"
    assert "Against Kennedy orders air strikes" in w.inspector.browser.toPlainText()
    # Ctrl+Shift+K stops comparing
    QTest.keyClick(w, Qt.Key_K, Qt.ControlModifier | Qt.ShiftModifier)
    assert w.selection.compare is None and box.currentIndex() == 0
    # Ctrl+click a lane on the map
    bm = w.branch_map
    ctrl_click(bm.plot.viewport(), bm.lane_point("strike-contained"))
    assert w.selection.branch == "no-photos" and w.selection.compare == "strike-contained"
    assert w.compare_view.model.right_label == "The commanders hold fire"
    # comparing the baseline with a branch works too
    w.selection.select_branch("baseline")
    assert w.timeline.model.against == "strike-contained"
    assert len(w.compare_view.model.rows) == len(w.workspace.diff("baseline", "strike-contained").events)


def test_the_side_by_side_view_is_the_timelines_tab_and_idle_while_hidden(window):
    w = window
    assert w.compare_dock in w.tabifiedDockWidgets(w.timeline_dock), "tabbed behind the timeline"
    assert not w.compare_view.shown
    w.selection.select_branch("air-strike")
    assert w.compare_view.model.rowCount() == 0 or w.compare_view._stale  # not built for nobody
    w.compare_dock.raise_()
    QApplication.processEvents()
    assert w.compare_view.model.rowCount() == len(w.workspace.diff("air-strike").events)


def test_summaries_leave_out_zero_counts(window):
    """'0 changed' wrapped the timeline's summary onto a third line at 1280x800 and said nothing."""
    import re
    w = window
    for bid in w.workspace.scenario.branch_ids:
        w.selection.select_branch(bid)
        if w.timeline.model.is_root:
            continue
        c = w.timeline.model.counts
        text = html.unescape(re.sub("<[^>]+>", "", w.timeline.summary.text())).replace("\xa0", " ")
        for k in ("new", "changed", "gone"):
            assert (f"{c[k]:,} {k}" in text) == bool(c[k]), (bid, text)
        assert not re.search(r"\b0 (new|changed|gone)", text)
        assert not re.search(r"\b0 (new|changed|gone)", w.inspector.browser.toPlainText()), bid
    w.selection.select_branch("air-strike")
    w.selection.set_compare("strike-contained")
    QApplication.processEvents()
    assert w.compare_view.isVisible()
    cm = w.compare_view.model
    text = html.unescape(re.sub("<[^>]+>", "", w.compare_view.summary.text())).replace("\xa0", " ")
    assert "⇄" in text and not re.search(r"\b0 (changed|only)", text), text
    assert any(r.status != "same" for r in cm.all)


def test_stop_comparing_is_offered_only_while_comparing(window):
    w = window
    w.selection.select_branch("air-strike")
    assert not w.stop_compare_action.isEnabled()
    o = w.outline
    ctrl_click(o.viewport(), o.visualRect(o.model_.index_of("strike-contained")).center())
    assert w.selection.compare == "strike-contained" and w.stop_compare_action.isEnabled()
    w.stop_compare_action.trigger()
    assert w.selection.compare is None and not w.stop_compare_action.isEnabled()


def test_side_by_side_headers_elide_and_name_the_branch_whole_in_a_tooltip(window, qtbot):
    """At 1280x800 the title columns' headers were clipped mid-word ("Stalin's coup succeed")."""
    w = window
    w.compare_dock.raise_()
    ids = [b.id for b in w.workspace.scenario.branches]
    w.selection.select_branch(ids[1])
    w.selection.set_compare(ids[2])
    cv = w.compare_view
    hh = cv.table.horizontalHeader()
    m = cv.model
    QApplication.processEvents()
    cv.table.setFixedWidth(330)  # title columns narrower than the names
    qtbot.waitUntil(lambda: hh.sectionSize(1) < hh.fontMetrics().horizontalAdvance(w.history.label(ids[1])),
                    timeout=3000)
    QApplication.processEvents()
    shown = m.headerData(1, Qt.Horizontal, Qt.DisplayRole)
    assert shown.endswith("…") and hh.fontMetrics().horizontalAdvance(shown) <= hh.sectionSize(1) - 8
    assert m.headerData(1, Qt.Horizontal, Qt.ToolTipRole) == w.history.label(ids[1])
    assert m.headerData(3, Qt.Horizontal, Qt.ToolTipRole) == w.history.label(ids[2])


def test_side_by_side_at_1280_reads_the_names_and_titles(make_window, qtbot, tmp_path):
    """At 1280x800 both branch names were cut in the headers ("Cárdenas keeps th…", "The US invades in
    1…") and most titles in their ~160 px columns, beside a second Date column repeating the first and
    an empty Watch pane of 270 px. One Date column (a moved event's other date before its title), the
    watch pane a strip while empty: the names whole, and titles of 35 characters."""
    import shutil
    from pathlib import Path
    from PySide6.QtWidgets import QTabBar
    src = Path(__file__).resolve().parents[2] / "scenarios" / "trotsky_mexico.yaml"
    shutil.copy(src, tmp_path / "t.yaml")
    w = make_window(tmp_path / "t.yaml")
    w.selection.select_branch("cardenas-keeps-army-1942")
    w.selection.set_compare("us-invades-1942")
    bar = next(t for t in w.findChildren(QTabBar) if any(t.tabText(i) == "Side by Side" for i in range(t.count())))
    i = next(i for i in range(bar.count()) if bar.tabText(i) == "Side by Side")
    QTest.mouseClick(bar, Qt.LeftButton, pos=bar.tabRect(i).center())
    cv = w.compare_view
    qtbot.waitUntil(lambda: cv.isVisible() and cv.model.rowCount() > 0, timeout=3000)
    qtbot.wait(100)
    m, t = cv.model, cv.table
    assert m.columnCount() == 4
    assert m.headerData(1, Qt.Horizontal) == "Cárdenas keeps the army loyal"
    assert m.headerData(3, Qt.Horizontal) == "The US invades in 1942"
    fm = t.fontMetrics()
    for c in (1, 3):
        assert t.columnWidth(c) - 12 >= fm.horizontalAdvance("Mexico declares war on the Axis"), t.columnWidth(c)
    # a row both share shows its date once; a moved event says its other date before its title
    same = next(r for r, p in enumerate(m.rows) if p.status == "same")
    assert m.index(same, 0).data() == m.rows[same].left_date.isoformat()
    assert m.index(same, 3).data() == m.rows[same].right_title
    for r, p in enumerate(m.rows):
        if p.left_date and p.right_date and p.left_date != p.right_date:
            # the date reads even where the column cuts a long title ("Trotsky erased from history · 1950-…"):
            # the row's, in the Date column; the later one before the title on its side
            later, col = (p.right_date, 3) if p.right_date > p.left_date else (p.left_date, 1)
            shown = fm.elidedText(m.index(r, col).data(), Qt.ElideRight, t.columnWidth(col) - 12)
            assert shown.startswith(later.isoformat()), shown
            assert m.index(r, 0).data() == min(p.left_date, p.right_date).isoformat()
        if p.left_date is None:
            assert m.index(r, 0).data() == p.right_date.isoformat()
    w.selection.select_branch("stalin-coup-succeeds")  # against its parent: three events moved
    w.selection.set_compare(None)
    qtbot.waitUntil(lambda: m.left_label == "Stalin's coup succeeds", timeout=3000)
    qtbot.wait(50)
    moved = [(r, p) for r, p in enumerate(m.rows) if p.left_date and p.right_date and p.left_date != p.right_date]
    assert moved
    for r, p in moved:
        later, col = (p.right_date, 3) if p.right_date > p.left_date else (p.left_date, 1)
        shown = fm.elidedText(m.index(r, col).data(), Qt.ElideRight, t.columnWidth(col) - 12)
        assert later.isoformat() in shown, shown


def test_side_by_side_dates_read_in_order(make_window, qtbot):
    """"Trotsky flees Mexico City" against the baseline: its junta is installed on 1950-04-27, the
    baseline's on 04-08. The row sits at 04-08, but the Date column showed the left's 04-27, above
    04-12 and 04-26: the column read out of order. It shows where each row sits; the moved event's
    other date is said on its side, before its title."""
    from pathlib import Path
    w = make_window(Path(__file__).resolve().parents[2] / "scenarios" / "trotsky_mexico.yaml")
    w.selection.select_branch("trotsky-flees-1950")
    w.selection.set_compare("baseline")
    w.compare_dock.raise_()
    cv, m = w.compare_view, w.compare_view.model
    qtbot.waitUntil(lambda: cv.isVisible() and m.rowCount() > 0 and m.right_label == "Trotsky survives 1940",
                    timeout=5000)
    dates = [m.index(r, 0).data() for r in range(m.rowCount())]
    assert dates == sorted(dates)
    r = next(r for r, p in enumerate(m.rows) if p.event == "us_junta_installed")
    assert (m.index(r, 0).data(), m.index(r, 1).data(), m.index(r, 3).data()) == (
        "1950-04-08", "1950-04-27 · A pro-American junta installed", "A pro-American junta installed")


def _lines(label, width=None) -> list[str]:
    """The lines a word-wrapped rich-text label shows at its width (or at `width`)."""
    from PySide6.QtGui import QTextDocument
    doc = QTextDocument()
    doc.setDefaultFont(label.font())
    doc.setDocumentMargin(0)
    doc.setHtml(label.text())
    doc.setTextWidth(width or label.contentsRect().width())
    doc.size()  # lays the text out
    out, block = [], doc.begin()
    while block.isValid():
        lay = block.layout()
        for i in range(lay.lineCount()):
            ln = lay.lineAt(i)
            out.append(block.text()[ln.textStart():ln.textStart() + ln.textLength()].replace("\xa0", " ").strip())
        block = block.next()
    return out


def test_summaries_wrap_between_counts_not_inside_them(make_window, qtbot, tmp_path):
    """At 1280x800 Side by Side's summary read "… · 33 only" / "left · 9 only right": a count and its
    words stay on one line, the line breaks between the parts."""
    import shutil
    from pathlib import Path
    shutil.copy(Path(__file__).resolve().parents[2] / "scenarios" / "trotsky_mexico.yaml", tmp_path / "t.yaml")
    w = make_window(tmp_path / "t.yaml")
    w.selection.select_branch("us-invades-1942")
    w.selection.set_compare("trotsky-dies-1940")
    w.compare_dock.raise_()
    cv = w.compare_view
    qtbot.waitUntil(lambda: cv.isVisible() and cv.model.rowCount() > 0, timeout=3000)
    qtbot.wait(50)
    for label, phrases in ((cv.summary, ("unchanged", "only left", "only right")),
                           (w.timeline.summary, ("events", "new", "gone"))):
        if label is w.timeline.summary:
            w.timeline_dock.raise_()
            qtbot.waitUntil(lambda: label.isVisible(), timeout=3000)
            qtbot.wait(50)
        lines = _lines(label)
        text = " ".join(lines)
        for phrase in phrases:
            m = re.search(r"([\d,]+) " + phrase, text)
            assert m, (phrase, lines)
            assert any(m.group(0) in line for line in lines), (m.group(0), lines)
        assert not any(line.startswith("·") for line in lines), lines
    # at any narrower width, a line never starts with the "·" between two parts
    for label in (cv.summary, w.timeline.summary):
        for width in range(label.contentsRect().width(), 120, -3):
            lines = _lines(label, width)
            assert not any(line.startswith("·") for line in lines), (width, lines)
