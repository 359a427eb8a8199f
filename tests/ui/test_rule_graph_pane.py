"""The rule graph pane (issue 13): reached by its shortcut, centred on the selected event's rule, real
clicks on nodes (a click centres and selects, a double click opens the form), a tag filter typed,
arrows and Enter from the keyboard."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QToolButton

from explorer.ui.forms import RuleDialog


def shown_rules(pane):
    return {p.node.name for p in pane.layout_.nodes if p.node.kind == "rule"}


def test_rule_graph_follows_the_selection_and_answers_clicks_keys_and_a_tag_filter(window, qtbot):
    w = window
    pane = w.rule_graph
    tl = w.workspace.timeline("baseline")
    f = tl.firing("excomm_decides")
    w.selection.select_event((f.event, f.occurrence), cursor=f.date)

    # View > Rule Graph by its shortcut: the pane in front, the keyboard in the graph
    w.activateWindow()
    w.outline.setFocus()
    QTest.keyClick(w.outline, Qt.Key_G, Qt.ControlModifier | Qt.ShiftModifier)
    qtbot.waitUntil(lambda: pane.isVisible() and pane.layout_ is not None, timeout=3000)
    assert pane.view.hasFocus()
    assert pane.focus == ("rule", "excomm_decides")
    lay = pane.layout_
    col = {p.node.name: p.col for p in lay.nodes}
    assert col["excomm_decides"] == 0
    assert col["u2_photos"] == -1 and col["missiles.in_cuba"] == -1  # it follows, it reads
    assert col["us.posture"] == 1 and col["strike_escalates"] == 1  # it writes, is followed by
    assert {e.kind for e in lay.edges} >= {"reads", "writes", "follows"}

    # a real click on a node: the graph centres on it and the app selects its event
    target = ("rule", "quarantine_speech")
    pane.view.ensureVisible(pane.items[target], 10, 10)
    QApplication.processEvents()
    QTest.mouseClick(pane.view.viewport(), Qt.LeftButton, Qt.NoModifier, pane.node_pos(target))
    qtbot.waitUntil(lambda: pane.focus == target, timeout=2000)
    assert w.selection.event and w.selection.event[0] == "quarantine_speech"
    assert pane.layout_.place(target).focus

    # a double click opens the rule's form
    other = ("rule", "black_saturday")
    assert other in pane.items  # it reads the tension the speech writes: two steps on
    pane.view.ensureVisible(pane.items[other], 10, 10)
    QApplication.processEvents()
    QTest.mouseDClick(pane.view.viewport(), Qt.LeftButton, Qt.NoModifier, pane.node_pos(other))
    qtbot.waitUntil(lambda: isinstance(w.authoring.dialog, RuleDialog), timeout=3000)
    assert w.authoring.dialog.event_id == "black_saturday"
    w.authoring.dialog.reject()

    # a tag typed: only the military rules (and the variables they touch), the whole of them
    pane.whole_box.setChecked(True)
    QApplication.processEvents()
    assert shown_rules(pane) == {e.id for e in w.workspace.scenario.events}
    pane.filter_edit.setFocus()
    QTest.keyClicks(pane.filter_edit, "milit")
    qtbot.waitUntil(lambda: shown_rules(pane) == {"u2_photos", "black_saturday", "strike_escalates"},
                    timeout=3000)
    assert all(n.kind == "rule" or n.kind == "var" for n in (p.node for p in pane.layout_.nodes))
    QTest.keyClicks(pane.filter_edit, "ary, nothing-like-this")
    QApplication.processEvents()
    pane.filter_edit.clear()
    QTest.keyClicks(pane.filter_edit, "no such tag")
    qtbot.waitUntil(lambda: not pane.items and "No rule has a tag" in pane.note.text(), timeout=3000)
    pane.filter_edit.clear()
    qtbot.waitUntil(lambda: bool(pane.items), timeout=3000)

    # the keyboard: arrows move between nodes, Enter opens the current node's form
    pane.view.setFocus()
    start = pane.layout_.place(("rule", "u2_photos"))
    pane.current = start.node.key
    QTest.keyClick(pane.view, Qt.Key_Right)
    assert pane.layout_.place(pane.current).col == start.col + 1
    moved = pane.current
    QTest.keyClick(pane.view, Qt.Key_Return)
    qtbot.waitUntil(lambda: w.authoring.dialog is not None, timeout=3000)
    kind, name = moved
    assert (w.authoring.dialog.event_id if kind == "rule" else w.authoring.dialog.name_edit.text()) == name
    w.authoring.dialog.reject()


def test_rule_graph_has_its_own_shortcut_and_a_place_in_the_pane_cycle(window):
    w = window
    assert w.rule_graph_action.shortcut().toString() == "Ctrl+Shift+G"
    assert w.rule_graph_action in w.view_menu.actions()
    assert w.rule_graph.view in w.panes.views


def _cut_at_the_sides(pane):
    """Nodes partly in view whose left or right edge falls outside it."""
    v = pane.view.mapToScene(pane.view.viewport().rect()).boundingRect()
    return [k for k, item in pane.items.items()
            if v.intersects(item.sceneBoundingRect())
            and (item.sceneBoundingRect().left() < v.left() - 0.5 or item.sceneBoundingRect().right() > v.right() + 0.5)]


def test_neighbourhood_shows_whole_columns_at_1280x800_and_fit_shows_everything(window, qtbot):
    """Review finding 11: in the 560 px dock the nodes were cut at both edges. Now whole columns (the
    focus's in the middle) at a readable scale, the rest a scroll away; Fit shows the whole graph."""
    w = window
    pane = w.rule_graph
    tl = w.workspace.timeline("baseline")
    f = tl.firing("excomm_decides")
    w.selection.select_event((f.event, f.occurrence), cursor=f.date)
    w.rule_graph_dock.show() if hasattr(w, "rule_graph_dock") else None
    QTest.keyClick(w.outline, Qt.Key_G, Qt.ControlModifier | Qt.ShiftModifier)
    qtbot.waitUntil(lambda: pane.isVisible() and pane.layout_ is not None, timeout=3000)
    for width in (560, 420, 900):  # the pane at 1280x800, smaller, at 1920x1080
        pane.view.setFixedWidth(width)
        QApplication.processEvents()
        pane.refresh()
        QApplication.processEvents()
        whole, _ = pane.visible_nodes()
        assert ("rule", "excomm_decides") in whole, width
        assert _cut_at_the_sides(pane) == [], width
        assert pane.view.transform().m11() >= pane.READABLE - 1e-6
    pane.view.setMinimumWidth(0)
    pane.view.setMaximumWidth(16777215)
    # Fit: everything in view (whatever the scale); + zooms back in
    QTest.mouseClick(pane.findChild(QToolButton, "ruleGraphFit"), Qt.LeftButton)
    whole, cut = pane.visible_nodes()
    assert cut == [] and set(whole) == set(pane.items)
    s = pane.view.transform().m11()
    QTest.mouseClick(pane.findChild(QToolButton, "ruleGraphZoomIn"), Qt.LeftButton)
    assert pane.view.transform().m11() > s
