"""The watch list (issue 13): pinned variables beside the timeline with their value at the cursor,
changes highlighted as you step through events, a sparkline each; remembered per scenario."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMenu


def pick_from_button(qtbot, button, name):
    """Click a tool button whose menu pops up, then the entry of that menu with this object name."""
    from PySide6.QtCore import QTimer

    def choose():
        menu = QApplication.activePopupWidget()
        if not isinstance(menu, QMenu):
            QTimer.singleShot(20, choose)
            return
        action = next(a for a in menu.actions() if a.objectName() == name)
        menu.setActiveAction(action)
        QTest.mouseClick(menu, Qt.LeftButton, pos=menu.actionGeometry(action).center())
    QTimer.singleShot(20, choose)
    QTest.mouseClick(button, Qt.LeftButton)


def test_watch_values_follow_the_cursor_and_changes_are_highlighted(window, qtbot):
    w = window
    wl = w.watch
    assert w.watch_dock.isVisible() and wl.isVisible()
    # pin a variable from the button's menu
    pick_from_button(qtbot, wl.add_button, "watch:tension")
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
