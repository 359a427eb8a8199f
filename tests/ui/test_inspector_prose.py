"""The inspector speaks in titles and labels (issue 13, finding 13): a why-not's failed outcome and
`after:` predecessor read in prose, the raw condition one click away. Real widgets, real clicks."""
from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

BATTLE = """
scenario: {id: battle, title: Battle, start: 1945-01-01, end: 1946-12-31}
variables:
  militia.strength: {type: number, initial: 80, min: 0, max: 100, label: Red Militia strength}
  mexico.regime:
    type: enum
    values: {republic: The Workers' Republic, pcm_satellite: A Soviet satellite}
    initial: republic
    label: Regime in Mexico
events:
  - id: palace_battle
    title: The battle for the National Palace
    on: 1945-11-09
    outcomes:
      - {id: crushed, title: The coup is crushed, weight: militia.strength}
      - {id: succeeds, title: The coup succeeds, weight: 100 - militia.strength}
  - id: death_announced
    title: Trotsky's death is announced
    after: {event: palace_battle, delay: 1d}
    when: outcome("palace_battle") == "succeeds"
  - id: plot_crushed
    title: Three days of street fighting end
    after: {event: palace_battle, delay: 3d}
    when: outcome("palace_battle") == "crushed"
  - id: mexican_crisis
    title: The Mexican crisis
    on: 1946-03-15
    when: mexico.regime == "pcm_satellite"
  - id: mission_withdraws
    title: The Soviet mission withdraws
    after: {event: mexican_crisis, delay: 2m}
"""


def click_link(w, prefix):
    rect = w.inspector.link_rect(prefix)
    assert rect is not None, (prefix, w.inspector.links())
    QTest.mouseClick(w.inspector.browser.viewport(), Qt.LeftButton, Qt.NoModifier,
                     QPoint(rect.center().x(), rect.center().y()))
    QApplication.processEvents()


def test_why_not_words_a_failed_outcome_and_a_predecessors_terms(make_window, tmp_path):
    path = tmp_path / "battle.yaml"
    path.write_text(BATTLE)
    w = make_window(path)
    w.selection.select_branch("baseline", ("death_announced", 1))
    text = w.inspector.browser.toPlainText()
    assert ("needed “The battle for the National Palace” to end “The coup succeeds” "
            "(it ended “The coup is crushed”)") in text
    for ident in ("outcome(", "palace_battle", "crushed\"", "false"):
        assert ident not in text, ident
    click_link(w, "cond:show")  # the raw condition, one click away for authors
    assert 'outcome("palace_battle") == "succeeds"' in w.inspector.browser.toPlainText()
    click_link(w, "cond:hide")
    # an `after:` follower: its predecessor's failed term in words, not "false: mexico.regime == …"
    w.selection.select_branch("baseline", ("mission_withdraws", 1))
    text = w.inspector.browser.toPlainText()
    assert "Why did “The Mexican crisis” not happen?" in text
    assert "needed Regime in Mexico to be A Soviet satellite; it was The Workers' Republic, from the start" in text
    for ident in ("mexico.regime", "pcm_satellite", "republic\"", "false"):
        assert ident not in text, ident
    click_link(w, "cond:show")
    text = w.inspector.browser.toPlainText()
    assert '“The Mexican crisis” when mexico.regime == "pcm_satellite"' in text
    click_link(w, "cond:hide")
    # Why? of an event that asked for an outcome: in words, the outcome in the link
    w.selection.select_branch("baseline", ("plot_crushed", 1))
    text = w.inspector.browser.toPlainText()
    assert "depends on the outcome of The battle for the National Palace — The coup is crushed" in text
    assert "outcome(" not in text and "palace_battle" not in text


TROTSKY = __import__("pathlib").Path(__file__).resolve().parents[2] / "scenarios" / "trotsky_mexico.yaml"


def test_branches_from_here_in_fork_date_order_once_computed(make_window, qtbot, off_thread):
    """In a big world (branches computed off the GUI thread) the baseline's page is written before its
    children are computed (no fork dates yet); once the worker has them, "Branches from here" lists
    them earliest fork first, each with its date."""
    import datetime as dt
    w = make_window(TROTSKY)  # off_thread: the page first, then the children computed on request
    w.inspector_dock.raise_()
    w.selection.select_branch("baseline")
    h = w.history
    kids = h.ws.children("baseline")
    assert len(kids) >= 10

    def listed():
        text = w.inspector.browser.toPlainText().split("Branches from here")[1].split("Select an event")[0]
        return [ln for ln in text.splitlines() if ln.strip()]

    assert any(not ln[-1].isdigit() for ln in listed())  # written before the children were computed
    w.background_warming = True
    w._start_background_warming()  # noqa: SLF001 - as the window does once it is shown
    qtbot.waitUntil(lambda: all(h.computed(b) for b in h.branch_ids), timeout=30000)
    qtbot.waitUntil(lambda: all(ln[-1].isdigit() for ln in listed()), timeout=5000)
    lines = listed()
    assert len(lines) == len(kids)
    dates = [dt.date.fromisoformat(ln.rsplit(" ", 1)[1]) for ln in lines]  # every child dated
    assert dates == sorted(dates)
    assert [ln.rsplit(" ", 1)[0] for ln in lines] == [h.label(k) for k in sorted(kids, key=h.fork)]


def test_inspector_buttons_say_what_they_need(make_window, scenario_file, qtbot):
    """No scenario: What if…, Edit Event Rule and Branch are disabled and their tooltips say why; a
    scenario without a selected event: Branch works, the event's buttons ask for an event."""
    from PySide6.QtWidgets import QMenu
    w = make_window()
    a = w.authoring
    buttons = (a.what_if_button, a.rule_button, a.branch_button)
    for b in buttons:
        assert b.isVisibleTo(w) and not b.isEnabled(), b.objectName()
        assert "Open a scenario" in b.toolTip(), b.objectName()
    QTest.mouseClick(a.what_if_button, Qt.LeftButton)
    QApplication.processEvents()
    assert not any(m.isVisible() for m in w.findChildren(QMenu))
    assert w.open_path(scenario_file)
    w.selection.select_branch("baseline")
    assert a.branch_button.isEnabled()
    assert not a.what_if_button.isEnabled() and not a.rule_button.isEnabled()
    assert "Select an event" in a.what_if_button.toolTip() and "Select an event" in a.rule_button.toolTip()
    tl = w.history.try_timeline("baseline")
    f = tl.firings[0]
    w.selection.select_branch("baseline", (f.event, f.occurrence))
    assert a.what_if_button.isEnabled() and a.rule_button.isEnabled()
    assert "Select an event" not in a.what_if_button.toolTip() + a.rule_button.toolTip()


def test_the_closed_compare_box_shows_the_name_the_open_list_the_tree(make_window, qtbot):
    from PySide6.QtWidgets import QStyleOptionViewItem
    w = make_window(TROTSKY)
    box, h = w.compare_box, w.history
    deep = next(b for b in h.rows() if len(h.ws.path(b)) == 3)  # a branch of a branch
    box.setFocus()
    target = box.findData(deep)
    while box.currentIndex() != target:
        QTest.keyClick(box, Qt.Key_Down)
    assert w.selection.compare == deep
    idx = box.model().index(target, 0)
    assert box.currentText() == h.label(deep)  # no blank indentation before the name
    opt = QStyleOptionViewItem()
    box.itemDelegate().initStyleOption(opt, idx)
    assert opt.text == "      " + h.label(deep)  # the open list indents by depth


def test_rule_graph_boxes_name_variables_by_label_the_id_in_the_tooltip(window, qtbot):
    w = window
    pane, sc = w.rule_graph, w.workspace.scenario
    f = w.workspace.timeline("baseline").firing("excomm_decides")
    w.selection.select_event((f.event, f.occurrence), cursor=f.date)
    w.activateWindow()
    QTest.keyClick(w.outline, Qt.Key_G, Qt.ControlModifier | Qt.ShiftModifier)
    qtbot.waitUntil(lambda: pane.isVisible() and pane.layout_ is not None, timeout=3000)
    var_keys = [k for k in pane.items if k[0] == "var"]
    assert "us.posture" in [k[1] for k in var_keys]
    for key in pane.items:
        item = pane.items[key]
        assert key[1] not in item.subtitle, key  # no engine id on the box
        if key[0] == "var":
            assert item.title == sc.variables[key[1]].title
    key = ("var", "us.posture")
    item = pane.items[key]
    assert item.title == sc.variables["us.posture"].title
    pane.view.ensureVisible(item, 10, 10)
    QApplication.processEvents()
    QTest.mouseMove(pane.view.viewport(), pane.node_pos(key))  # the tooltip is made on the first hover
    qtbot.waitUntil(lambda: bool(item.toolTip()), timeout=2000)
    assert "us.posture" in item.toolTip()


def test_causes_boxes_take_two_lines_when_the_pane_has_room(make_window, qtbot):
    """At 1920x1080 the Causes pane is tall: a long title wraps onto a second line instead of being cut
    at 170 px (and the boxes go back to one line where the pane is short)."""
    from explorer.ui.node_graph import _fonts
    w = make_window(TROTSKY)
    w.resize(1920, 1080)
    w.causes_dock.raise_()
    qtbot.waitUntil(lambda: w.causes.isVisible(), timeout=3000)
    tl = w.history.try_timeline("baseline")
    f = next(f for f in tl.firings if tl.title(f.event, f.outcome) == "The May Day strike wave")
    w.selection.select_branch("baseline", (f.event, f.occurrence), cursor=f.date)
    qtbot.waitUntil(lambda: bool(w.causes.items), timeout=3000)
    fm = _fonts()[1]
    items = list(w.causes.items.values())
    long = [i for i in items if fm.horizontalAdvance(i.title) > i.rect().width() - 12]
    assert any("Trotsky's underground" in i.title for i in items)  # one 170 px line would cut it
    assert all(i.title_shown() == i.title for i in items)  # on two lines, or in a wider box
    for i in long:
        assert "…" not in i.title_shown() and i.title_shown() == i.title, i.title
        assert i.rect().height() > 42


def test_an_effect_that_changes_nothing_reads_as_staying(make_window, qtbot):
    """"Guatemala City falls" in "Trotsky flees Mexico City" raises Latin America's revolutionary
    momentum, already at its 100: the Effects read "100 → 100 (no change)", an arrow for no move.
    It reads "stays 100"; the effects that move keep their arrow."""
    from pathlib import Path
    w = make_window(Path(__file__).resolve().parents[2] / "scenarios" / "trotsky_mexico.yaml")
    w.selection.select_branch("trotsky-flees-1950", ("guatemala_city_falls", 1))
    QApplication.processEvents()
    text = w.inspector.browser.toPlainText()
    assert "Revolutionary momentum in Latin America: stays 100" in text
    assert "100 → 100" not in text and "(no change)" not in text
    assert "Revolutionary momentum in Guatemala: 70 → 50" in text
