"""Causes and consequences as a graph (issue 13): the selected event's ancestry and what it led to,
every node a click away."""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QTabBar


def test_the_causes_graph_follows_the_event_and_its_nodes_are_clickable(window):
    w = window
    w.causes_dock.raise_()
    QApplication.processEvents()
    w.selection.select_branch("strike-contained", ("black_saturday", 1))
    cv = w.causes
    assert cv.isVisible() and cv.graph is not None
    tl = w.workspace.timeline("strike-contained")
    focus = tl.firing("black_saturday")
    g = w.workspace.causal_graph("strike-contained")
    causes = {k for k in g.predecessors(("event", focus.index)) if k[0] != "initial"}
    shown = {n.key for n in cv.graph.nodes if n.role == "cause" and n.depth == -1}
    assert causes == shown and causes
    effects = set(g.successors(("event", focus.index)))
    assert {n.key for n in cv.graph.nodes if n.role == "effect" and n.depth == 1} == effects
    # causes to the left of the event (or above it), consequences to the right (or below), as the note says
    where = ("left", "right") if cv.shape == "across" else ("above", "below")
    assert f"causes ({where[0]})" in cv.note.text()
    assert (f"consequences ({where[1]})" in cv.note.text()) == bool(effects)
    x = {n.key: cv.items[n.key].rect().left() if cv.shape == "across" else cv.items[n.key].rect().top()
         for n in cv.graph.nodes}
    for n in cv.graph.nodes:
        if n.role == "cause":
            assert x[n.key] < x[("event", focus.index)]
        elif n.role == "effect":
            assert x[n.key] > x[("event", focus.index)]
    # a click on a cause selects it, and the graph recentres on it
    target = sorted(causes)[0]
    QTest.mouseClick(cv.view.viewport(), Qt.LeftButton, Qt.NoModifier, cv.node_pos(target))
    f = tl.firings[target[1]]
    assert w.selection.event == (f.event, f.occurrence)
    assert cv.graph.node(("event", target[1])).role == "focus"
    # a gone event has no graph: the note says where to look
    w.selection.select_branch("no-photos", ("quarantine_speech", 1))
    assert cv.graph is None and "why not" in cv.note.text()


def test_a_narrow_causes_pane_shows_the_event_and_its_causes_whole(window):
    """At 1280x800 the dock is ~420 px: the centred event showed no whole neighbour."""
    from PySide6.QtCore import QRect
    w = window
    w.causes_dock.raise_()
    QApplication.processEvents()
    cv = w.causes
    cv.view.setFixedWidth(430)
    QApplication.processEvents()
    w.selection.select_branch("strike-contained", ("black_saturday", 1))
    tl = w.workspace.timeline("strike-contained")
    focus = ("event", tl.firing("black_saturday").index)
    vp = cv.view.viewport().rect()

    def whole(key):
        item = cv.items[key]
        return vp.contains(cv.view.mapFromScene(item.mapToScene(item.rect())).boundingRect())

    assert whole(focus)
    assert any(whole(n.key) for n in cv.graph.nodes if n.role == "cause" and n.depth == -1)


def test_a_gone_event_offers_its_causes_where_it_happens(window, qtbot):
    """A gone event's Causes pane was one line above an empty frame; it names the event and offers, one
    click away, its graph in the branch where it happens (the parent, or the branch compared with),
    without widening the dock (a button holding the whole sentence on one line squeezed the watch pane)."""
    from PySide6.QtCore import QPoint
    w = window
    w.causes_dock.raise_()
    QApplication.processEvents()
    width = w.causes_dock.width()
    w.selection.select_branch("no-photos", ("quarantine_speech", 1))
    cv = w.causes
    qtbot.wait(50)
    assert cv.graph is None and not cv.view.isVisible()  # no empty frame
    assert abs(w.causes_dock.width() - width) <= 2
    title = w.workspace.scenario.event("quarantine_speech").title
    assert title in cv.note.text() and "why not" in cv.note.text()
    link = cv.elsewhere_button
    parent = w.workspace.branch("no-photos").parent
    assert link.isVisible() and w.history.label(parent) in link.text()
    assert link.y() < cv.height() // 3  # under the note, at the top
    QTest.mouseClick(link, Qt.LeftButton, pos=QPoint(12, link.fontMetrics().height() // 2 + 1))
    qtbot.waitUntil(lambda: w.selection.branch == parent, timeout=3000)
    assert w.selection.event == ("quarantine_speech", 1)
    assert cv.graph is not None and cv.view.isVisible() and not link.isVisible()


TROTSKY = Path(__file__).resolve().parents[2] / "scenarios" / "trotsky_mexico.yaml"


@pytest.mark.parametrize("size", [(1280, 800), (1920, 1080)])
def test_the_whole_causal_graph_reads_in_the_pane_at_once(make_window, qtbot, tmp_path, size):
    """At 1280x800 the header said "11 causes (left) · 3 consequences (right)" over a 420 px pane that
    showed 2 causes and no consequence without scrolling (six columns of 170 px boxes side by side).
    The graph is laid out for the pane it has and fitted to it, never below a readable scale: every
    box whole in the viewport, its title at least 80% of its size."""
    import shutil
    p = tmp_path / "trotsky.yaml"
    shutil.copy(TROTSKY, p)
    w = make_window(p)
    w.resize(*size)
    qtbot.wait(100)
    w.selection.select_branch("cardenas-keeps-army-1942", ("revolution_crushed", 1))
    tabs = [t for t in w.findChildren(QTabBar) if any(t.tabText(i) == "Causes" for i in range(t.count()))]
    bar = tabs[0]
    i = next(i for i in range(bar.count()) if bar.tabText(i) == "Causes")
    QTest.mouseClick(bar, Qt.LeftButton, pos=bar.tabRect(i).center())
    cv = w.causes
    qtbot.waitUntil(lambda: cv.isVisible() and cv.graph is not None, timeout=3000)
    qtbot.wait(50)
    n_c = sum(n.role == "cause" for n in cv.graph.nodes)
    n_e = sum(n.role == "effect" for n in cv.graph.nodes)
    assert (n_c, n_e) == (11, 3) and f"{n_c} causes" in cv.note.text()
    vp = cv.view.viewport().rect()
    for key, item in cv.items.items():
        box = cv.view.mapFromScene(item.mapToScene(item.rect())).boundingRect()
        assert vp.contains(box), (item.title, box, vp)
    assert cv.view.transform().m11() >= 0.8
    # a click on a node of the fitted graph still selects it
    target = next(n for n in cv.graph.nodes if n.role == "effect")
    QTest.mouseClick(cv.view.viewport(), Qt.LeftButton, Qt.NoModifier, cv.node_pos(target.key))
    f = w.workspace.timeline("cardenas-keeps-army-1942").firings[target.key[1]]
    assert w.selection.event == (f.event, f.occurrence)


def test_the_note_counts_in_words(make_window, qtbot, tmp_path):
    """"France falls · 0 causes (left) · 0 consequences (right)" pointed at nothing beside a lone box,
    and one cause read "1 causes"."""
    import shutil
    from explorer.core.causes import event_graph
    shutil.copy(TROTSKY, tmp_path / "t.yaml")
    w = make_window(tmp_path / "t.yaml")
    w.causes_dock.raise_()
    cv = w.causes
    tl = w.workspace.timeline("baseline")
    seen = set()
    for f in tl.firings:
        cg = event_graph(tl, f.index)
        n_c = sum(n.role == "cause" for n in cg.nodes)
        n_e = sum(n.role == "effect" for n in cg.nodes)
        kind = (min(n_c, 2), min(n_e, 2))
        if kind in seen or not ({0, 1} & {n_c, n_e}):
            continue
        seen.add(kind)
        w.selection.select_branch("baseline", (f.event, f.occurrence), cursor=f.date)
        qtbot.waitUntil(lambda: cv.graph is not None, timeout=3000)
        text = cv.note.text()
        assert " 0 " not in text and "1 causes" not in text and "1 consequences" not in text, text
        assert ("no earlier event led to it" in text) == (n_c == 0), text
        assert ("nothing followed from it" in text) == (n_e == 0), text
        assert (f"{n_c} cause (" in text) == (n_c == 1), text
    assert (0, 0) in seen and any(k[0] == 1 or k[1] == 1 for k in seen), seen
