"""The keyboard everywhere (issue 13, finding 4): Tab and F6 between panes, arrows within, Enter follows
a why-link. Real key presses on a shown window."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication


def focused():
    return QApplication.focusWidget()


def press(key, mod=Qt.NoModifier):
    QTest.keyClick(focused(), key, mod)
    QApplication.processEvents()


def test_tab_moves_between_panes_and_never_gets_trapped(window):
    w = window
    w.activateWindow()
    w.outline.setFocus()
    order = [w.outline, w.branch_map.plot, w.timeline.table, w.compare_view.table, w.rule_graph.view,
             w.problems.tree, w.watch.table, w.inspector.browser, w.world.table, w.causes.view]
    for expected in order[1:] + order[:1]:
        press(Qt.Key_Tab)
        assert focused() is expected, (expected.objectName(), focused())
    press(Qt.Key_Backtab)
    assert focused() is w.causes.view
    press(Qt.Key_Backtab)
    assert focused() is w.world.table and w.world.table.isVisible()  # its dock tab was raised
    press(Qt.Key_Backtab)
    assert focused() is w.inspector.browser and w.inspector.browser.isVisible()
    # Tab through the timeline's table does not step through cells selecting events
    w.timeline_dock.raise_()
    w.timeline.table.setFocus()
    before = w.selection.event
    press(Qt.Key_Tab)
    assert focused() is w.compare_view.table and w.selection.event == before


def test_f6_cycles_panes_and_the_date_box_is_one_stop(window):
    w = window
    w.activateWindow()
    w.outline.setFocus()
    press(Qt.Key_F6)
    assert focused() is w.branch_map.plot
    press(Qt.Key_F6)
    assert focused() is w.timeline.table
    press(Qt.Key_F6, Qt.ShiftModifier)
    assert focused() is w.branch_map.plot
    # inside the timeline pane: the filters in a row, the date box one stop, then the table
    w.selection.select_branch("air-strike")  # (the baseline has no gone events to filter)
    w.timeline.search.setFocus()
    stops = []
    for _ in range(5):
        press(Qt.Key_Tab)
        stops.append(focused())
    t = w.timeline
    assert stops == [t.tag_box, t.gone_box, t.changes_box, t.cursor_edit, t.table]


def test_arrows_move_within_the_map_and_enter_follows_a_why_link(window):
    w = window
    w.activateWindow()
    bm = w.branch_map
    bm.plot.setFocus()
    rows = bm.rows
    press(Qt.Key_Down)
    assert w.selection.branch == rows[1]
    press(Qt.Key_Down)
    assert w.selection.branch == rows[2]
    press(Qt.Key_Up)
    assert w.selection.branch == rows[1]
    # Right/Left walk the selected lane's events
    w.selection.select_branch("air-strike")
    tl = w.workspace.timeline("air-strike")
    press(Qt.Key_Home)
    assert w.selection.event == (tl.firings[0].event, tl.firings[0].occurrence)
    press(Qt.Key_Right)
    assert w.selection.event == (tl.firings[1].event, tl.firings[1].occurrence)
    assert w.selection.cursor == tl.firings[1].date
    press(Qt.Key_Left)
    assert w.selection.event == (tl.firings[0].event, tl.firings[0].occurrence)
    # the inspector: Down reaches the links one by one, Enter follows the highlighted one
    w.selection.select_branch("strike-contained", ("black_saturday", 1))
    w.inspector.browser.setFocus()
    links = w.inspector.links()
    target = next(l for l in links if l.startswith("ev:") and "black_saturday" not in l)
    for _ in range(len(links)):
        press(Qt.Key_Down)
        if w.inspector._anchor_at_cursor() == target:
            break
    assert w.inspector._anchor_at_cursor() == target
    press(Qt.Key_Return)
    _, bid_event, occ = target.split("/")[0], target.split("/")[1], target.split("/")[2]
    assert w.selection.event == (bid_event, int(occ))
    # and Back returns to where the chain was being read
    press(Qt.Key_Left, Qt.AltModifier)
    assert w.selection.event == ("black_saturday", 1)
