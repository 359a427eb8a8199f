"""The app reads like a history (issue 13): unique shortcuts, the scenario's own words for the baseline,
labels instead of identifiers, Back/Forward. Real widgets, real clicks and keys."""
from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QAction, QKeySequence, QMouseEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QToolButton


def click(widget, pos):
    QTest.mouseClick(widget, Qt.LeftButton, Qt.NoModifier, QPoint(int(pos.x()), int(pos.y())))
    QApplication.processEvents()


def click_link(w, prefix):
    rect = w.inspector.link_rect(prefix)
    assert rect is not None, (prefix, w.inspector.links())
    w.inspector.browser.verticalScrollBar().setValue(0)
    w.inspector.browser.ensureCursorVisible()
    click(w.inspector.browser.viewport(), w.inspector.link_rect(prefix).center())


@pytest.fixture
def full_window(window):
    """The window as `what-if` shows it: authoring, export, Monte Carlo and Analysis are the window's own."""
    window.authoring.ask_unsaved = lambda: "discard"
    return window


def test_no_two_actions_share_a_shortcut_and_ctrl_e_exports(full_window, qtbot):
    w = full_window
    seen: dict[str, str] = {}
    actions = w.findChildren(QAction)
    assert len(actions) > 30
    for a in actions:
        for seq in a.shortcuts():
            key = seq.toString(QKeySequence.PortableText)
            if not key:
                continue
            assert key not in seen, f"{key} is bound to both {seen[key]!r} and {a.text()!r}"
            seen[key] = a.text()
    # the shortcut that was ambiguous reaches its action now: Ctrl+E opens the export dialog,
    # with the World pane's ticked variables ticked
    w.world.tick("hotline")
    w.activateWindow()
    w.outline.setFocus()
    QTest.keyClick(w.outline, Qt.Key_E, Qt.ControlModifier)
    qtbot.waitUntil(lambda: any(d.isVisible() and d.objectName() != "scenarioErrorDialog"
                                for d in w.findChildren(QDialog)), timeout=3000)
    dlg = next(d for d in w.findChildren(QDialog) if d.isVisible())
    assert "Export" in dlg.windowTitle()
    assert set(dlg.checked_variables()) == set(w.world.ticked()) and "hotline" in dlg.checked_variables()
    dlg.close()


def test_the_baseline_is_what_the_scenario_calls_it(make_window, scenario_file):
    from explorer.core import load_scenario
    sc = load_scenario(scenario_file)
    base = sc.branch("baseline")
    base.label, base.description = "The crisis as it was", "What happened in October 1962."
    w = make_window(scenario=sc)
    texts = [w.outline.model_.index_of("baseline").data(), w.outline.model_.index_of("baseline").data(Qt.UserRole + 1),
             w.inspector.browser.toPlainText()]
    assert texts[0] == "The crisis as it was"
    assert "The crisis as it was" in texts[2] and "What happened in October 1962." in texts[2]
    assert not any("real history" in t for t in texts)


def test_world_differences_list_only_different_end_values(window):
    w = window
    for bid in ("air-strike", "no-photos", "strike-contained"):
        w.selection.select_branch(bid)
        text = w.inspector.browser.toPlainText()
        d = w.workspace.diff(bid)
        sc = w.workspace.scenario
        for v in d.variables:
            var = sc.variables[v.var]
            line = f"{v.label}: {var.show(v.other_final)} → {var.show(v.final)}"
            assert (line in text) == v.ends_differently, (bid, line)
        if d.course_only:
            assert "took another course but ended the same" in text


def test_back_and_forward_retrace_the_why_chain(window, qtbot):
    w = window
    w.selection.select_branch("strike-contained", ("black_saturday", 1), cursor=dt.date(1962, 10, 27))
    assert not w.forward_action.isEnabled()
    click_link(w, "ev:strike-contained/excomm_decides/1")
    assert w.selection.event == ("excomm_decides", 1)
    # Alt+Left: back to the event whose why-chain was being read, with its cursor
    QTest.keyClick(w, Qt.Key_Left, Qt.AltModifier)
    assert (w.selection.branch, w.selection.event) == ("strike-contained", ("black_saturday", 1))
    assert w.selection.cursor == dt.date(1962, 10, 27)
    assert w.timeline.model.visible[w.timeline.table.currentIndex().row()].key == ("black_saturday", 1)
    assert "Black Saturday" in w.inspector.browser.toPlainText()
    # Alt+Right: forward again
    QTest.keyClick(w, Qt.Key_Right, Qt.AltModifier)
    assert w.selection.event == ("excomm_decides", 1)
    # the mouse's back button, over any pane
    vp = w.inspector.browser.viewport()
    pos = QPointF(20, 20)
    for kind in (QEvent.MouseButtonPress, QEvent.MouseButtonRelease):
        QApplication.sendEvent(vp, QMouseEvent(kind, pos, vp.mapToGlobal(pos), Qt.BackButton,
                                               Qt.BackButton if kind == QEvent.MouseButtonPress else Qt.NoButton,
                                               Qt.NoModifier))
    assert w.selection.event == ("black_saturday", 1)
    # the toolbar's arrows; across branches too
    w.selection.select_branch("no-photos")
    button = w.toolbar.widgetForAction(w.back_action)
    assert isinstance(button, QToolButton) and button.isEnabled()
    QTest.mouseClick(button, Qt.LeftButton)
    assert (w.selection.branch, w.selection.event) == ("strike-contained", ("black_saturday", 1))
    QTest.mouseClick(w.toolbar.widgetForAction(w.forward_action), Qt.LeftButton)
    assert w.selection.branch == "no-photos" and w.selection.event is None
    assert w.timeline.model.branch == "no-photos" and w.outline.model_.branch_of(w.outline.currentIndex()) == "no-photos"
    assert not w.forward_action.isEnabled()


def test_the_reading_view_speaks_in_labels(window, qtbot, qtlog):
    w = window
    sc = w.workspace.scenario
    ids = [v for v in sc.variables if "." in v or "_" in v] + ["when ", "black_saturday"]
    assert len(ids) >= 4
    w.selection.select_branch("strike-contained", ("black_saturday", 1))
    text = w.inspector.browser.toPlainText()
    assert "Why?" in text
    for ident in ids:
        assert ident not in text, ident
    # values read in words, with the writer a link
    assert any(sc.variables[v].title in text for v in sc.variables)
    # no Qt warning on following a link (QUrl::FullyDecoded was not permitted)
    click_link(w, "ev:strike-contained/")
    assert not [m for m in qtlog.records if "QUrl" in m.message]


SMALL = """
scenario: {id: small, title: Small, start: 1940-01-01, end: 1941-12-31}
variables:
  militia.strength: {type: number, initial: 40, min: 0, max: 100, label: Red Militia strength}
events:
  - id: arming
    title: The workers arm
    on: 1940-03-01
    effects: [{set: {militia.strength: 85}}, {schedule: {event: parade, delay: 30d}}]
  - id: parade
    title: The militia parades
    scheduled: true
  - id: rising
    title: The rising
    on: 1940-06-01
    when: militia.strength >= 80
  - id: coup
    title: The coup
    when: false
    between: [1940-01-01, 1941-12-31]
branches:
  - id: forced
    label: A coup is staged
    divergences: [{force: coup, on: 1940-09-01}]
  - id: unarmed
    label: The workers stay unarmed
    divergences: [{suppress: arming}]
"""


def test_prose_for_reads_forced_events_and_schedules(make_window, tmp_path, qtbot):
    path = tmp_path / "small.yaml"
    path.write_text(SMALL)
    w = make_window(path)
    w.selection.select_branch("baseline", ("rising", 1))
    text = w.inspector.browser.toPlainText()
    assert "Red Militia strength was 85, set by The workers arm" in text
    assert "militia.strength" not in text
    click_link(w, "cond:show")  # the raw condition, one click away
    assert "militia.strength >= 80" in w.inspector.browser.toPlainText()
    click_link(w, "cond:hide")
    # effects: values in words, "schedules" a link to the event it led to
    w.selection.select_branch("baseline", ("arming", 1))
    text = w.inspector.browser.toPlainText()
    assert "Red Militia strength: 40 → 85" in text and "schedules The militia parades" in text
    click_link(w, "ev:baseline/parade/1")
    assert w.selection.event == ("parade", 1)
    # a forced latent event: made to happen by the divergence, never "when false"
    w.selection.select_branch("forced", ("coup", 1))
    text = w.inspector.browser.toPlainText()
    assert "made to happen by the divergence" in text and "“The coup” happens" in text
    assert "false" not in text and "when" not in text
    assert not w.inspector.link_rect("cond:show")


def test_why_not_reads_the_missed_chance_in_words(make_window, tmp_path):
    """A lapsed event: not the engine's "its window (on …) closed on … with the condition false"."""
    path = tmp_path / "small.yaml"
    path.write_text(SMALL)
    w = make_window(path)
    w.selection.select_branch("unarmed", ("rising", 1))
    text = w.inspector.browser.toPlainText()
    assert "Why not?" in text
    assert "it could happen only on 1940-06-01, and what it needed did not hold then" in text
    assert "needed Red Militia strength at least 80; it was 40, from the start" in text  # what it needed, and what it was
    assert "its window" not in text and "condition false" not in text
    assert "can happen on 1940-06-01" in text and "tested" not in text  # its timing, not the engine's word


def test_ticked_variables_are_remembered_per_scenario(make_window, scenario_file, tmp_path):
    import shutil
    w = make_window(scenario_file)
    w.world.tick("hotline")
    ticked = w.world.ticked()
    assert "hotline" in ticked
    other = tmp_path / "trotsky.yaml"
    shutil.copy(scenario_file.parents[0] / scenario_file.name, tmp_path / "again.yaml")
    from pathlib import Path
    shutil.copy(Path(__file__).resolve().parents[2] / "scenarios" / "trotsky_mexico.yaml", other)
    assert w.open_path(other)
    assert "hotline" not in w.world.ticked()
    w.world.tick("trotsky.alive")
    assert w.open_path(scenario_file)
    assert w.world.ticked() == ticked
    assert w.open_path(other)
    assert "trotsky.alive" in w.world.ticked()


def test_enum_plots_name_their_values_and_the_table_does_not_cut_them(window, qtbot):
    from PySide6.QtCore import QRect
    from PySide6.QtWidgets import QToolTip
    w = window
    w.world_dock.raise_()
    QApplication.processEvents()
    world = w.world
    var = w.workspace.scenario.variables["us.posture"]
    if "us.posture" not in world.plots:
        click(world.table.viewport(), world.checkbox_pos("us.posture"))
    plot = world.plots["us.posture"]
    ticks = [t for _, t in plot.item.getAxis("left")._tickLevels[0]]
    assert ticks == [var.show(v) for v in var.values] and not any("…" in t for t in ticks)
    assert plot.item.getAxis("left").width() >= plot.label_px
    widths = {p.item.getAxis("left").width() for p in world.plots.values()}
    assert len(widths) == 1, "stacked plots keep one x-axis"
    # hovering a plot tells the values on that date
    w.selection.select_branch("air-strike")
    vb = plot.item.getViewBox()
    center = world.graphics.mapFromScene(vb.sceneBoundingRect().center())
    QTest.mouseMove(world.graphics.viewport(), center)
    qtbot.waitUntil(lambda: QToolTip.isVisible() and "US posture" in QToolTip.text(), timeout=3000)
    assert "Kennedy orders air strikes:" in QToolTip.text()
    # the table shows whole values: each fits its cell, on at most two lines
    m = world.model
    row = world.proxy.mapFromSource(m.index(m.row_of("us.posture"), 1)).row()
    fm = world.table.fontMetrics()
    for col in (1, 2, 3):
        text = world.proxy.index(row, col).data() or ""
        rect = fm.boundingRect(QRect(0, 0, world.table.columnWidth(col) - 10, 1000), Qt.TextWordWrap, text)
        assert rect.height() <= world.table.rowHeight(row), text


def test_every_lane_is_reachable_by_a_scroll_bar(make_window):
    from explorer.core.model import BASELINE, Branch, Divergence, Effect, EventRule, Scenario, Timing, Variable
    sc = Scenario(id="lanes", title="Lanes", start=dt.date(1900, 1, 1), end=dt.date(1950, 12, 31))
    sc.variables["x"] = Variable("x", "number", 0, label="X", min=-1000, max=1000)
    sc.events.append(EventRule("e", title="E", timing=Timing("on", dt.date(1901, 1, 1), dt.date(1901, 1, 1)),
                               effects=[Effect("add", "x", 1)]))
    sc.branches.append(Branch(BASELINE, None, "Baseline"))
    for b in range(1, 80):
        sc.branches.append(Branch(f"b{b:03d}", BASELINE, f"Branch {b}",
                                  divergences=[Divergence("set", values={"x": b}, on=dt.date(1905 + b % 40, 1, 1))]))
    w = make_window(scenario=sc)
    bm = w.branch_map
    QApplication.processEvents()
    assert bm.scroll.isVisible()
    bm.scroll.setValue(bm.scroll.maximum())
    _, (ya, yb) = bm.vb.viewRange()
    assert max(ya, yb) >= len(bm.rows) - 1
    bm.scroll.setValue(bm.scroll.minimum())
    _, (ya, yb) = bm.vb.viewRange()
    assert min(ya, yb) <= 0


def test_one_word_for_an_unchanged_event(window):
    from explorer.ui import style
    w = window
    word = style.STATUS_LABELS["same"]
    w.selection.select_branch("air-strike")
    tl = w.workspace.timeline("air-strike")
    d = w.workspace.diff("air-strike")
    f = next(f for f in tl.firings if d.status_of(f.index) == "same")
    assert word in w.branch_map.tooltip("air-strike", f.index)
    m = w.timeline.model
    row = m.row_of((f.event, f.occurrence))
    assert m.index(row, 0).data() == word
    assert f"{word}" in w.inspector.browser.toPlainText()
    for other in ("inherited", "the same"):
        assert other not in w.inspector.browser.toPlainText()
        assert other not in w.branch_map.tooltip("air-strike", f.index)


def test_overlapping_marks_stay_solid(make_window):
    """Dots a pixel or two apart were drawn hollow (odd-even fill), a kind of mark no legend explained."""
    from explorer.core.model import BASELINE, Branch, EventRule, Scenario, Timing, Variable
    sc = Scenario(id="dots", title="Dots", start=dt.date(1900, 1, 1), end=dt.date(1999, 12, 31))
    sc.variables["x"] = Variable("x", "number", 0)
    for i in range(12):
        d = dt.date(1950, 1, 1) + dt.timedelta(days=i * 20)
        sc.events.append(EventRule(f"e{i}", title=f"E{i}", timing=Timing("on", d, d)))
    sc.branches.append(Branch(BASELINE, None, "Baseline"))
    w = make_window(scenario=sc)
    bm = w.branch_map
    QApplication.processEvents()
    img = bm.plot.viewport().grab().toImage()
    dpr = img.devicePixelRatio()
    tl = w.workspace.timeline("baseline")
    lane = bm.lane_point("baseline", tl.firings[0].date).y()
    xs = [bm.lane_point("baseline", f.date).x() for f in tl.firings]
    assert xs[-1] - xs[0] < 4 * len(xs), "the dots overlap at this zoom"
    for x in range(int(xs[0]) + 1, int(xs[-1])):
        for dy in (-2, 2):  # off the lane's own line, inside the dots (radius 3.6)
            c = img.pixelColor(int(x * dpr), int((lane + dy) * dpr))
            assert c.lightness() < 200, (x, dy, c.name())  # the dots' grey, not the band showing through


def test_panes_share_the_window_and_recover_after_it_was_small(window, qtbot):
    w = window
    QApplication.processEvents()

    def sizes():
        QApplication.processEvents()
        return w.outline_dock.width(), w.inspector_dock.width(), w.timeline_dock.height()

    def resize(width, height):
        w.resize(width, height)
        qtbot.waitUntil(lambda: w.size().width() == width and w.size().height() == height)
        for _ in range(3):
            QApplication.processEvents()

    o0, i0, t0 = sizes()
    resize(1900, 1060)
    o1, i1, t1 = sizes()
    assert i1 > i0 * 1.3 and t1 > t0 * 1.2, "every pane grows, not only the map"
    assert abs(o1 - o0) <= 4  # but the outline: as wide as its names (tests/ui/test_outline_share.py)
    resize(w.minimumWidth(), w.minimumHeight())
    # nothing overlaps at the smallest size
    rects = [d.geometry() for d in (w.outline_dock, w.timeline_dock, w.inspector_dock) if d.isVisible()]
    rects.append(w.centralWidget().geometry())
    for a in range(len(rects)):
        for b in range(a + 1, len(rects)):
            assert not rects[a].intersects(rects[b]), (rects[a], rects[b])
    resize(1280, 800)
    o2, i2, t2 = sizes()
    assert abs(o2 - o0) <= 12 and abs(i2 - i0) <= 12 and abs(t2 - t0) <= 12, ((o0, i0, t0), (o2, i2, t2))
    # a separator the user drags is kept as the pane's share
    g, c = w.outline_dock.geometry(), w.centralWidget().geometry()
    start = QPoint((g.right() + c.left()) // 2, g.center().y())
    qtbot.wait(50)
    QTest.mouseMove(w, start)
    QTest.mousePress(w, Qt.LeftButton, Qt.NoModifier, start)
    for dx in (5, 20, 60, 120):
        QTest.mouseMove(w, start + QPoint(dx, 0))
        QApplication.processEvents()
    QTest.mouseRelease(w, Qt.LeftButton, Qt.NoModifier, start + QPoint(120, 0))
    QApplication.processEvents()
    dragged = w.outline_dock.width()
    assert dragged > o2 + 80, (g, c, start, w.size())
    resize(1600, 900)
    assert w.outline_dock.width() > dragged * 1.15


def test_world_table_shows_no_column_twice(window):
    """Parent and Baseline were the same column for every child of the baseline (and the baseline itself)."""
    w = window
    w.world_dock.raise_()
    QApplication.processEvents()
    t = w.world.table
    base = w.workspace.scenario.branch_ids[0]
    w.selection.select_branch(base)
    QApplication.processEvents()
    assert t.isColumnHidden(2) and t.isColumnHidden(3)
    w.selection.select_branch("air-strike")  # a child of the baseline: Parent is the baseline
    QApplication.processEvents()
    assert not t.isColumnHidden(2) and t.isColumnHidden(3)
    w.selection.select_branch("strike-contained")  # a grandchild: three different columns
    QApplication.processEvents()
    assert not t.isColumnHidden(2) and not t.isColumnHidden(3)
    w.selection.set_compare(base)  # held against the baseline: once again
    QApplication.processEvents()
    assert not t.isColumnHidden(2) and t.isColumnHidden(3)
