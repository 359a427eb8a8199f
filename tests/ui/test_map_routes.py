"""The branch map's fork connectors cross no other branch's lane (issue 13: a drop from the baseline to a
lower branch ran straight through the lanes between, so a reader could not tell which lane a fork left).
Exact geometry from `map_routes` on the bundled scenario, then the painted map and the outline."""
from __future__ import annotations

from pathlib import Path

from explorer.core import Workspace, load_scenario
from explorer.ui import map_routes
from explorer.ui.history import History

TROTSKY = Path(__file__).resolve().parents[2] / "scenarios" / "trotsky_mexico.yaml"


def _geometry(h: History):
    rows = h.rows()
    row_of = {b: i for i, b in enumerate(rows)}
    parent_row = {b: row_of[h.parent(b)] if h.parent(b) else None for b in rows}

    def fork(b):
        f = h.fork(b)
        return float(f.toordinal()) if f else None

    starts = map_routes.lane_starts(rows, h.parent, fork, float(h.scenario.start.toordinal()))
    return rows, parent_row, starts


def test_no_connector_crosses_a_lane_on_the_bundled_scenario():
    h = History(Workspace(load_scenario(TROTSKY)))
    for bid in h.branch_ids:
        h.timeline(bid)  # every fork date known
    rows, parent_row, starts = _geometry(h)
    segs = map_routes.segments(rows, parent_row, starts, float(h.scenario.end.toordinal()))
    parent_of = {b: h.parent(b) for b in rows}
    assert len([s for s in segs if s.kind == "connector"]) == len(rows) - 1 == 17
    assert map_routes.crossings(segs, parent_of) == []
    # the check itself can fail: the old order (siblings earliest fork first) crossed lanes
    old = map_routes.lane_order([rows[0]], h.ws.children, lambda b: -starts[b])
    old_row = {b: i for i, b in enumerate(old)}
    old_segs = map_routes.segments(old, {b: old_row[p] if (p := h.parent(b)) else None for b in old}, starts,
                                   float(h.scenario.end.toordinal()))
    crossed = map_routes.crossings(old_segs, parent_of)
    assert ("trotsky-flees-1950", "trotsky-dies-1940") in crossed and len(crossed) > 50


def test_siblings_newest_fork_first_each_followed_by_its_subtree():
    kids = {"root": ["a", "b", "c"], "a": ["a1"], "b": [], "c": [], "a1": []}
    start = {"root": 0, "a": 10, "b": 30, "c": 20, "a1": 15}
    assert map_routes.lane_order(["root"], kids.get, start.get) == ["root", "b", "c", "a", "a1"]
    rows = ["root", "b", "c", "a", "a1"]
    parent_row = {"root": None, "b": 0, "c": 0, "a": 0, "a1": 3}
    segs = map_routes.segments(rows, parent_row, {k: float(v) for k, v in start.items()}, 40.0)
    assert map_routes.crossings(segs, {"b": "root", "c": "root", "a": "root", "a1": "a"}) == []
    # a lane that begins before a drop passes its row is crossed
    late = {**{k: float(v) for k, v in start.items()}, "c": 5.0}
    segs = map_routes.segments(rows, parent_row, late, 40.0)
    assert map_routes.crossings(segs, {"b": "root", "c": "root", "a": "root", "a1": "a"}) == [("a", "c")]


def test_the_painted_map_draws_those_routes_and_no_label_hides_a_drop(make_window, qtbot):
    w = make_window(TROTSKY)
    m = w.branch_map
    qtbot.waitUntil(lambda: all(w.history.computed(b) for b in w.history.branch_ids), timeout=20000)
    m.refresh()
    m.fit()
    m.item.drops = []
    m.plot.viewport().update()
    qtbot.waitUntil(lambda: bool(m.item.drops), timeout=3000)
    assert set(m.routes) == set(m.rows[1:])
    for bid, rt in m.routes.items():  # each drop at its fork, from its parent's row to its own
        assert rt.x == m.lane_start[bid] and m.rows[rt.y_parent] == w.history.parent(bid)
        assert m.rows[rt.y] == bid
    segs = map_routes.segments(m.rows, m.parent_row, m.lane_start, m.x1)
    assert map_routes.crossings(segs, {b: w.history.parent(b) for b in m.rows}) == []
    assert m.item.drops and m.item.label_rects
    for rect, bid in m.item.label_rects:
        assert not any(rect.intersects(d) for d in m.item.drops), bid
    # as the window opens at 1280x800 (rows ~21 px, no room above the lanes): every lane in view is named,
    # none over a drop (the Texas Incident's label would have covered its child's drop: it was left out)
    m.show_branch(m.rows[0], fit_first=True)
    m.vb.setYRange(-1.1, (m.plot.height() - 40) / 22 - 1.1, padding=0)  # rows 22 px high
    m.item.drops = []
    m.plot.viewport().update()
    qtbot.waitUntil(lambda: bool(m.item.drops), timeout=3000)
    _, (ya, yb) = m.vb.viewRange()
    in_view = [b for r, b in enumerate(m.rows) if min(ya, yb) + 0.5 <= r <= max(ya, yb) - 0.5]
    assert len(in_view) >= 8
    named = {b for _, b in m.item.label_rects}
    assert set(in_view) <= named, set(in_view) - named
    for rect, bid in m.item.label_rects:
        assert not any(rect.intersects(d) for d in m.item.drops), bid
    # the outline lists the tree in the map's order
    model = w.outline.model()
    seen = []

    def walk(parent):
        for i in range(model.rowCount(parent)):
            ix = model.index(i, 0, parent)
            seen.append(model.branch_of(ix))
            walk(ix)

    from PySide6.QtCore import QModelIndex
    walk(QModelIndex())
    assert seen == m.rows


def test_comparing_brings_the_compared_lane_into_view(make_window, qtbot):
    """Ctrl+click in the outline compared with "Trotsky dies in 1940", whose lane (the earliest fork, at
    the bottom) was scrolled out of the map: its band was nowhere to be seen."""
    w = make_window(TROTSKY)
    m = w.branch_map
    qtbot.waitUntil(lambda: all(w.history.computed(b) for b in w.history.branch_ids), timeout=20000)
    m.refresh()
    w.selection.select_branch("us-invades-1942")
    m.vb.setYRange(-1.1, 6.9, padding=0)  # rows 22 px high, the top of the tree in view
    m.show_branch("us-invades-1942")
    QTest_click_compare(w, qtbot, "trotsky-dies-1940")
    _, (ya, yb) = m.vb.viewRange()
    lo, hi = min(ya, yb), max(ya, yb)
    for bid in ("us-invades-1942", "trotsky-dies-1940"):
        assert lo + 0.5 <= m.row_of[bid] <= hi - 0.5, (bid, m.row_of[bid], lo, hi)


def QTest_click_compare(w, qtbot, bid):
    """Ctrl+click the branch's row in the outline."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    o = w.outline
    ix = o.model_.index_of(bid)
    o.scrollTo(ix)
    rect = o.visualRect(ix)
    QTest.mouseClick(o.viewport(), Qt.LeftButton, Qt.ControlModifier, rect.center())
    qtbot.waitUntil(lambda: w.selection.compare == bid, timeout=3000)


def test_with_no_scenario_the_map_says_so_in_words(make_window, qtbot):
    """After a broken file's dialog was closed the map was an empty plot with a lone "1" on its axis."""
    w = make_window()
    m = w.branch_map
    assert m.empty_note.isVisible() and not m.plot.isVisible()
    assert "File > Open" in m.empty_note.text() and "Problems" in m.empty_note.text()
    assert w.open_path(TROTSKY)
    qtbot.waitUntil(m.plot.isVisible, timeout=3000)
    assert not m.empty_note.isVisible()


def test_a_narrow_map_still_names_the_selected_lane(make_window, qtbot):
    """A 390 px map (the Causes dock widened at 1280x800), rows 14 px high: "Stalin's coup succeeds",
    selected, had no label (its child's drop, four months after its fork, straddled the label's start)."""
    w = make_window(TROTSKY)
    m = w.branch_map
    qtbot.waitUntil(lambda: all(w.history.computed(b) for b in w.history.branch_ids), timeout=20000)
    m.refresh()
    w.selection.select_branch("stalin-coup-succeeds")
    m.plot.setFixedWidth(390)
    m.show_branch(m.rows[0], fit_first=True)
    m.vb.setYRange(-1.1, (m.plot.height() - 40) / 14 - 1.1, padding=0)
    m.item.drops = []
    m.plot.viewport().update()
    qtbot.waitUntil(lambda: bool(m.item.drops), timeout=3000)
    named = [b for _, b in m.item.label_rects]
    assert "stalin-coup-succeeds" in named
    for rect, bid in m.item.label_rects:
        assert not any(rect.intersects(d) for d in m.item.drops), bid


def test_dates_outside_the_scenario_are_shaded(make_window, qtbot):
    """The room kept after the end for late labels showed years past the scenario (1952, 1954) on the
    same white as the history: they are shaded."""
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QImage
    w = make_window(TROTSKY)
    m = w.branch_map
    m.fit()
    qtbot.wait(50)
    img = m.plot.viewport().grab().toImage().convertToFormat(QImage.Format_RGB32)
    end = m.plot.mapFromScene(m.vb.mapViewToScene(QPointF(m.x1, 0)))
    mid = m.plot.mapFromScene(m.vb.mapViewToScene(QPointF((m.x0 + m.x1) / 2, 0)))
    y = img.height() - 45  # below the lanes, above the axis
    after = img.pixelColor(min(end.x() + 20, img.width() - 3), y)
    inside = img.pixelColor(mid.x() + 3, y)
    assert (after.red(), after.green(), after.blue()) == (242, 244, 247)
    assert inside.lightness() > after.lightness()
