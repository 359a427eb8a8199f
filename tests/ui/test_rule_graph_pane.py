"""The rule graph pane (issue 13): reached by its shortcut, centred on the selected event's rule, real
clicks on nodes (a click centres and selects, a double click opens the form), a tag filter typed,
arrows and Enter from the keyboard."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QToolButton

from PySide6.QtGui import QColor

from explorer.ui import style
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
    qtbot.waitUntil(lambda: not pane.rects and "No rule has a tag" in pane.note.text(), timeout=3000)
    pane.filter_edit.clear()
    qtbot.waitUntil(lambda: bool(pane.rects), timeout=3000)

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


def _open_rule_graph(w, qtbot):
    w.activateWindow()
    w.outline.setFocus()
    QTest.keyClick(w.outline, Qt.Key_G, Qt.ControlModifier | Qt.ShiftModifier)
    qtbot.waitUntil(lambda: w.rule_graph.isVisible() and w.rule_graph.layout_ is not None, timeout=3000)
    return w.rule_graph


def test_nothing_selected_shows_where_the_branch_parts_not_the_whole_graph(window, qtbot):
    """The empty state: the most connected rule's neighbourhood on the baseline, the first divergence's
    on a branch (following the branch), with a one-line hint; never the whole graph at a random spot."""
    w = window
    w.selection.select_event(None)
    pane = _open_rule_graph(w, qtbot)
    assert not pane.layout_.bands  # a neighbourhood, not the whole graph
    assert pane.focus == ("rule", "excomm_decides") and pane.layout_.place(pane.focus).focus
    assert pane.note.text().startswith("Nothing selected: the most connected rule, ")
    # a branch chosen in the outline: the graph moves to its divergence
    w.selection.select_branch("no-photos")
    qtbot.waitUntil(lambda: pane.focus == ("rule", "u2_photos"), timeout=3000)
    pane.refresh()
    assert "this branch's first divergence" in pane.note.text()
    assert ("rule", "u2_photos") in pane.items
    # an event selected takes over; another branch then leaves it
    f = w.workspace.timeline("baseline").firing("quarantine_speech")
    w.selection.select_branch("baseline", event=(f.event, f.occurrence))
    qtbot.waitUntil(lambda: pane.focus == ("rule", "quarantine_speech"), timeout=3000)
    w.selection.select_branch("strike-contained")
    QApplication.processEvents()
    assert pane.focus == ("rule", "quarantine_speech")


def test_whole_graph_toggle_by_a_real_click_gives_date_columns_and_tag_bands(window, qtbot):
    w = window
    pane = _open_rule_graph(w, qtbot)
    box = pane.whole_box
    QTest.mouseClick(box, Qt.LeftButton, Qt.NoModifier, box.rect().center())
    qtbot.waitUntil(lambda: bool(pane.layout_.bands), timeout=3000)
    lay = pane.layout_
    assert shown_rules(pane) == {e.id for e in w.workspace.scenario.events}
    assert all(p.node.kind == "rule" for p in lay.nodes)  # variables only in neighbourhoods
    assert [b.label for b in lay.bands] and pane.band_spans and pane.date_marks
    assert lay.crossings <= lay.crossings_unordered
    # the edge kinds menu: follows off, none drawn
    pane.kind_actions["follows"].trigger()
    assert pane.layout_.edges and all(e.kind != "follows" for e in pane.layout_.edges)
    pane.kind_actions["follows"].trigger()
    # bands off: one band, no more crossings than with them
    banded = pane.layout_.crossings
    pane.bands_action.trigger()
    assert [b.label for b in pane.layout_.bands] == ["all rules"] and pane.layout_.crossings <= banded
    assert shown_rules(pane) == {e.id for e in w.workspace.scenario.events}
    pane.bands_action.trigger()
    assert len(pane.layout_.bands) > 1
    # the pointer over a rule: its edges in full, the others faint, its neighbours outlined
    target = ("rule", "excomm_decides")
    pane.view.ensureVisible(pane.rects[target], 10, 10)
    QApplication.processEvents()
    QTest.mouseMove(pane.view.viewport(), pane.node_pos(target))
    qtbot.waitUntil(lambda: pane.hovered == target, timeout=2000)
    edges = pane.whole_edges
    mine = {i for i, e in enumerate(edges) if target in (e.source, e.target)}
    assert mine and pane.near_edges() >= mine
    assert all(pane.edge_pen(edges[i], True).color().alpha() == 255 for i in mine)
    if len(edges) > 60:
        assert all(pane.edge_pen(e, i in pane.near_edges()).color().alpha() < 255
                   for i, e in enumerate(edges) if i not in pane.near_edges())
    other = next(k for i in mine for k in (edges[i].source, edges[i].target) if k != target)
    assert other in pane.marked() and pane.box_pen(other).color().name() == QColor(style.ACCENT).name()
    assert "reads " in pane.whole_item.toolTip()  # its variables, which the whole graph leaves out
    assert pane.view.viewport().cursor().shape() == Qt.PointingHandCursor
    # a click on a rule: its neighbourhood (with its variables)
    target = ("rule", "quarantine_speech")
    pane.view.ensureVisible(pane.rects[target], 10, 10)
    QApplication.processEvents()
    QTest.mouseClick(pane.view.viewport(), Qt.LeftButton, Qt.NoModifier, pane.node_pos(target))
    qtbot.waitUntil(lambda: pane.focus == target and not pane.layout_.bands, timeout=2000)
    assert not box.isChecked() and any(p.node.kind == "var" for p in pane.layout_.nodes)
    QTest.mouseClick(box, Qt.LeftButton, Qt.NoModifier, box.rect().center())
    qtbot.waitUntil(lambda: bool(pane.layout_.bands), timeout=3000)
    whole, _ = pane.visible_nodes()
    assert target in whole  # the whole graph opens on the node being read


def test_header_fits_one_line_at_1280_and_at_1920(window, qtbot):
    w = window
    pane = _open_rule_graph(w, qtbot)
    for size in ((1280, 800), (1920, 1080)):
        w.resize(*size)
        QApplication.processEvents()
        assert w.width() == size[0]
        assert pane.bar.sizeHint().width() <= pane.width(), size
        widgets = [pane.bar.itemAt(i).widget() for i in range(pane.bar.count())]
        # one row: every control overlaps every other vertically, none squeezed below its minimum
        assert max(wd.geometry().top() for wd in widgets) < min(wd.geometry().bottom() for wd in widgets)
        assert all(wd.isVisible() and wd.width() >= wd.minimumSizeHint().width() for wd in widgets)
        assert pane.note.height() <= pane.note.fontMetrics().height() + 6  # the note: one line


def _bundled_whole_graph(make_window, qtbot):
    """The bundled scenario's rule graph with Whole graph ticked by a real click, laid out in bands."""
    from pathlib import Path
    w = make_window(Path(__file__).resolve().parents[2] / "scenarios" / "trotsky_mexico.yaml")
    w.show_rule_graph()
    pane = w.rule_graph
    qtbot.waitUntil(lambda: pane.isVisible() and pane.layout_ is not None, timeout=10000)
    QTest.mouseClick(pane.whole_box, Qt.LeftButton, Qt.NoModifier, pane.whole_box.rect().center())
    qtbot.waitUntil(lambda: bool(pane.layout_.bands), timeout=5000)
    return pane


def test_down_walks_a_whole_graph_column_across_the_bands(make_window, qtbot):
    """On the bundled scenario a column's rules sit in several bands with empty rows between: Down
    goes to the next rule below, however far (it stopped at the first empty row)."""
    pane = _bundled_whole_graph(make_window, qtbot)
    lay = pane.layout_

    def column(c):
        return sorted((p for p in lay.nodes if p.col == c), key=lambda p: p.row)
    c = next(c for c in sorted({p.col for p in lay.nodes})
             if any(b.row - a.row > 1 for a, b in zip(column(c), column(c)[1:])))
    pane.current = column(c)[0].node.key
    pane.view.setFocus()
    for p in column(c)[1:]:
        QTest.keyClick(pane.view, Qt.Key_Down)
        assert pane.current == p.node.key
    QTest.keyClick(pane.view, Qt.Key_Down)
    assert pane.current == column(c)[-1].node.key  # the bottom: it stays
    QTest.keyClick(pane.view, Qt.Key_Up)
    assert pane.current == column(c)[-2].node.key


def _ink_inside(pane, key, inset=4):
    """How many pixels inside `key`'s box (inset from its outline) are darker than its white fill:
    the text painted in it."""
    img = pane.view.viewport().grab().toImage()
    r = pane.view.mapFromScene(pane.rects[key]).boundingRect().adjusted(inset, inset, -inset, -inset)
    assert r.width() > 8 and r.height() > 3
    return sum(1 for x in range(r.left(), r.right()) for y in range(r.top(), r.bottom())
               if QColor(img.pixel(x, y)).lightness() < 200)


def test_whole_graph_zoomed_out_draws_boxes_without_text_and_still_answers_the_pointer(make_window, qtbot):
    """Level of detail: zoomed out the whole graph's boxes are drawn without their text (below ~5 px
    it is noise, and costly); zoomed in they read as before; hover and click work at any zoom."""
    pane = _bundled_whole_graph(make_window, qtbot)
    target = max(pane.rects, key=lambda k: len(pane.touching.get(k, ())))  # a rule with edges
    for scale, text in ((1.0, True), (0.35, False)):
        pane.view.resetTransform()
        pane.view.scale(scale, scale)
        pane.view.centerOn(pane.rects[target].center())
        QApplication.processEvents()
        assert (_ink_inside(pane, target) > 20) == text, scale
    # zoomed out: the pointer still finds the box, lights its neighbours, and a click opens it
    QTest.mouseMove(pane.view.viewport(), pane.node_pos(target))
    qtbot.waitUntil(lambda: pane.hovered == target, timeout=2000)
    assert pane.lit and pane.lit <= pane.marked()
    # an edge's middle, off the boxes: its tooltip says what it is, in words
    item = pane.whole_item
    i, mid = next((i, item.path(i).pointAtPercent(0.5)) for i in sorted(pane.touching[target])
                  if item.key_at(item.path(i).pointAtPercent(0.5)) is None)
    pane.view.centerOn(mid)
    QApplication.processEvents()
    QTest.mouseMove(pane.view.viewport(), pane.view.mapFromScene(mid))
    qtbot.waitUntil(lambda: item.toolTip() == pane.edge_tip(pane.whole_edges[i]), timeout=2000)
    assert pane.hovered is None and item.toolTip()
    pane.view.centerOn(pane.rects[target].center())
    QApplication.processEvents()
    QTest.mouseMove(pane.view.viewport(), pane.node_pos(target))
    qtbot.waitUntil(lambda: pane.hovered == target, timeout=2000)
    QTest.mouseClick(pane.view.viewport(), Qt.LeftButton, Qt.NoModifier, pane.node_pos(target))
    qtbot.waitUntil(lambda: pane.focus == target and not pane.layout_.bands, timeout=2000)


def test_a_big_graphs_whole_layout_is_made_ahead_while_its_neighbourhood_is_read(make_window, qtbot):
    """From AHEAD rules the whole graph's layout (60-140 ms for 2,000 rules) is made in a thread as soon
    as the pane shows a neighbourhood: ticking Whole graph then only draws. The layout is the one the
    GUI thread would make."""
    import sys
    from pathlib import Path
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from benchmarks.synthetic import make_scenario
    from explorer.core.program import program_of
    from explorer.core.rule_graph import RULE_KINDS, rule_graph
    from explorer.ui.rule_graph_view import AHEAD
    sc = make_scenario(AHEAD + 100, 40, 1, 1)
    w = make_window(scenario=sc)
    w.show_rule_graph()
    pane = w.rule_graph
    qtbot.waitUntil(lambda: pane.isVisible() and pane.layout_ is not None, timeout=10000)
    assert not pane.layout_.bands  # a neighbourhood is shown ...
    qtbot.waitUntil(lambda: pane.graph.whole_ready(RULE_KINDS, True), timeout=10000)  # ... the whole made
    made = pane.graph.whole(RULE_KINDS, True)
    QTest.mouseClick(pane.whole_box, Qt.LeftButton, Qt.NoModifier, pane.whole_box.rect().center())
    qtbot.waitUntil(lambda: bool(pane.layout_.bands), timeout=5000)
    assert pane.layout_ is made and len(pane.rects) == AHEAD + 100
    fresh = rule_graph(program_of(make_scenario(AHEAD + 100, 40, 1, 1))).whole(RULE_KINDS, True)
    assert [(p.node.key, p.col, p.row) for p in made.nodes] == [(p.node.key, p.col, p.row) for p in fresh.nodes]
    assert made.routes == fresh.routes and made.crossings == fresh.crossings


def test_whole_graph_fitted_names_its_bands_without_overlapping_them(make_window, qtbot):
    """Fit on the bundled scenario: 14 bands in ~250 px, and their names were drawn over each other.
    Now a band too thin for its name under the last one's goes unnamed; zoomed in, each band shown
    is named."""
    from PySide6.QtGui import QFont, QFontMetrics
    pane = _bundled_whole_graph(make_window, qtbot)
    f = QFont()
    f.setPointSizeF(8.5)
    f.setBold(True)
    fm = QFontMetrics(f)
    QTest.mouseClick(pane.findChild(QToolButton, "ruleGraphFit"), Qt.LeftButton)
    labels = pane.view.band_labels(fm, fm.height() + 6)
    assert len(labels) >= 3
    assert all(a[0].bottom() <= b[0].top() + 1 for a, b in zip(labels, labels[1:]))
    pane.view.resetTransform()  # readable: every band in view is named
    pane.view.centerOn(pane.rects[next(iter(pane.rects))].center())
    QApplication.processEvents()
    labels = pane.view.band_labels(fm, fm.height() + 6)
    v = pane.view.mapToScene(pane.view.viewport().rect()).boundingRect()
    seen = [b for b in pane.band_spans if b[3] > v.top() + 30 and b[2] < v.bottom()]
    assert [t for _, t in labels] == [f"{b[0]} · {b[1]}" for b in seen]
