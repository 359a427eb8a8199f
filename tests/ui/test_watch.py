"""The watch list (issue 13): pinned variables beside the timeline with their value at the cursor,
changes highlighted as you step through events, a sparkline each; remembered per scenario."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication


def pick_variable(qtbot, picker, typed, name):
    """Type part of a variable's title into the watch pane's search box, then arrow down to the entry
    with this variable id in the list that drops down and press Enter."""
    QTest.mouseClick(picker, Qt.LeftButton)
    QTest.keyClicks(picker, typed)
    popup = picker.completer.popup()
    qtbot.waitUntil(popup.isVisible, timeout=3000)
    model = popup.model()
    rows = [model.index(r, 0).data(Qt.UserRole) for r in range(model.rowCount())]
    assert name in rows, rows
    for _ in range(rows.index(name) + 1):
        QTest.keyClick(popup, Qt.Key_Down)
    QTest.keyClick(popup, Qt.Key_Return)


def test_watch_values_follow_the_cursor_and_changes_are_highlighted(window, qtbot):
    w = window
    wl = w.watch
    assert w.watch_dock.isVisible() and wl.isVisible()
    # pin a variable from the search box's list
    pick_variable(qtbot, wl.add_edit, "tens", "tension")
    qtbot.waitUntil(lambda: wl.names == ["tension"])
    assert wl.model.rowCount() == 1 and wl.model.index(0, 0).data() == "Superpower tension"
    # step through the timeline with the arrow keys: the value is the one at the cursor, and a row
    # lights up when the selected event changed it
    w.selection.select_branch("air-strike")
    tl = w.workspace.timeline("air-strike")
    t = w.timeline.table
    t.setFocus()
    QTest.keyClick(t, Qt.Key_Home)
    seen_change = False
    for _ in range(len(w.timeline.model.visible) - 1):
        QTest.keyClick(t, Qt.Key_Down)
        key, when = w.selection.event, w.selection.cursor
        f = tl.firing(*key)
        if f is None:
            continue
        row = wl.model.rows[0]
        assert row["text"] == w.workspace.scenario.variables["tension"].show(tl.value_at("tension", when))
        changes = [c for c in f.changes if c.var == "tension" and c.old != c.new]
        highlighted = wl.model.index(0, 1).data(Qt.BackgroundRole) is not None
        assert highlighted == bool(changes), (key, changes)
        if changes:
            seen_change = True
            assert "→" in wl.model.index(0, 1).data()
    assert seen_change
    # a sparkline: the course scaled into the cell, the cursor marked on it
    pts = wl.model.rows[0]["points"]
    assert len(pts) == len(tl.trajectory("tension")) and all(0 <= x <= 1 and 0 <= y <= 1 for x, y in pts)
    assert wl.model.rows[0]["cursor"] is not None
    wl.table.viewport().repaint()  # the delegate paints without error
    # remembered for this scenario
    assert w.settings.value("watch/" + w.workspace.scenario.id) in (["tension"], "tension")
    # Delete removes it
    wl.table.setFocus()
    wl.table.setCurrentIndex(wl.model.index(0, 0))
    QTest.keyClick(wl.table, Qt.Key_Delete)
    assert wl.names == [] and wl.model.rowCount() == 0
    QApplication.processEvents()


def test_the_picker_is_a_short_searchable_list_reachable_by_keyboard(window, qtbot):
    """Finding: a 53-item menu covered the screen. Now a search box: a click shows a list of at most
    12 rows under it, sorted by title; typing narrows it; the keyboard alone pins a variable."""
    w = window
    wl = w.watch
    picker = wl.add_edit
    sc = w.workspace.scenario
    QTest.mouseClick(picker, Qt.LeftButton)
    popup = picker.completer.popup()
    qtbot.waitUntil(popup.isVisible, timeout=3000)
    model = popup.model()
    titles = [model.index(r, 0).data() for r in range(model.rowCount())]
    assert titles == sorted((v.title for v in sc.variables.values()), key=str.lower)
    screen = picker.screen().availableGeometry()
    assert popup.height() <= screen.height() // 2 and popup.width() <= screen.width() // 2
    fm = popup.fontMetrics()  # titles read whole (the box is narrower than most of them)
    assert popup.viewport().width() >= min(max(fm.horizontalAdvance(t) for t in titles), 370)
    QTest.keyClick(popup, Qt.Key_Escape)
    qtbot.waitUntil(lambda: not popup.isVisible(), timeout=3000)
    # keyboard only: focus, type a fragment from the middle of a title, Enter on a single match
    var = sc.variables["tension"]
    frag = var.title.lower().split()[-1][:5]
    matches = [v for v in sc.variables.values() if frag in v.title.lower()]
    picker.setFocus()
    QTest.keyClicks(picker, frag)
    qtbot.waitUntil(popup.isVisible, timeout=3000)
    assert 1 <= popup.model().rowCount() == len(matches) < len(sc.variables)
    if len(matches) == 1:
        QTest.keyClick(picker, Qt.Key_Return)
    else:
        for _ in range([v.title for v in sorted(matches, key=lambda v: v.title.lower())].index(var.title) + 1):
            QTest.keyClick(popup, Qt.Key_Down)
        QTest.keyClick(popup, Qt.Key_Return)
    qtbot.waitUntil(lambda: wl.names == ["tension"], timeout=3000)
    qtbot.waitUntil(lambda: picker.text() == "", timeout=3000)
