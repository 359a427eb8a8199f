"""The branch map lists siblings earliest fork first, as the outline does (issue 13 finding 15: date order
everywhere), and a fork's connector that passes other lanes is drawn as a bridge over them (a drop from
the baseline to a lower branch ran straight through the lanes between, so a reader could not tell which
lane a fork left). Exact geometry from `map_routes` on the bundled scenario, then the painted map (its
pixels) and the outline."""
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


def test_bridges_are_where_connectors_pass_lanes_on_the_bundled_scenario():
    h = History(Workspace(load_scenario(TROTSKY)))
    for bid in h.branch_ids:
        h.timeline(bid)  # every fork date known
    rows, parent_row, starts = _geometry(h)
    # siblings earliest fork first, each followed by its subtree
    for bid in rows:
        kids = [b for b in rows if h.parent(b) == bid]
        assert [starts[k] for k in kids] == sorted(starts[k] for k in kids), bid
    segs = map_routes.segments(rows, parent_row, starts, float(h.scenario.end.toordinal()))
    parent_of = {b: h.parent(b) for b in rows}
    assert len([s for s in segs if s.kind == "connector"]) == len(rows) - 1 == 17
    crossed = map_routes.crossings(segs, parent_of)
    assert ("trotsky-flees-1950", "trotsky-dies-1940") in crossed
    # the painter's bridges are exactly those crossings: runs of rows from a passed lane to a passed lane
    br = map_routes.bridges(rows, parent_row, starts)
    got = sorted((b, lane) for b, runs in br.items() for lane in map_routes.passed(runs, rows, starts, starts[b]))
    assert got == sorted(crossed) and len(got) > 20
    for b, runs in br.items():
        for first, last in runs:
            assert starts[rows[first]] < starts[b] and starts[rows[last]] < starts[b]
            assert min(parent_row[b], rows.index(b)) < first <= last < max(parent_row[b], rows.index(b))


def test_siblings_earliest_fork_first_each_followed_by_its_subtree():
    kids = {"root": ["a", "b", "c"], "a": ["a1"], "b": [], "c": [], "a1": []}
    start = {"root": 0, "a": 10, "b": 30, "c": 20, "a1": 15}
    rows = map_routes.lane_order(["root"], kids.get, start.get)
    assert rows == ["root", "a", "a1", "c", "b"]
    parent_row = {"root": None, "a": 0, "a1": 1, "c": 0, "b": 0}
    starts = {k: float(v) for k, v in start.items()}
    segs = map_routes.segments(rows, parent_row, starts, 40.0)
    parent_of = {"b": "root", "c": "root", "a": "root", "a1": "a"}
    # c's drop passes a and a1; b's passes a, a1 and c: one run each
    assert sorted(map_routes.crossings(segs, parent_of)) == [("b", "a"), ("b", "a1"), ("b", "c"), ("c", "a"),
                                                            ("c", "a1")]
    assert map_routes.bridges(rows, parent_row, starts) == {"c": [(1, 2)], "b": [(1, 3)]}
    # a lane beginning on the drop's day shares it (not passed): the run stops there
    tie = {**starts, "a1": 30.0}
    assert map_routes.bridges(rows, parent_row, tie) == {"c": [(1, 1)], "b": [(1, 1), (3, 3)]}
    # siblings forking the same day keep the order given
    assert map_routes.lane_order(["root"], {"root": ["x", "y"], "x": [], "y": []}.get, lambda b: 0) == \
        ["root", "x", "y"]


def _over_an_end(rect, drops) -> bool:
    """A label over a connector's end (its fork's diamond or its bend): a label may lie over a connector
    only where it passes straight through (tests/ui/test_map_labels.py)."""
    return any(rect.intersects(d) and not (d.top() < rect.top() and d.bottom() > rect.bottom()) for d in drops)


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
    assert m.bridges == map_routes.bridges(m.rows, m.parent_row, m.lane_start) and m.bridges
    assert m.item.drops and m.item.label_rects
    for rect, bid in m.item.label_rects:
        assert not _over_an_end(rect, m.item.drops), bid
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
    # siblings earliest fork first, later forks' bridges pass the early lanes close to their forks: a lane
    # is named in the widest gap between the drops on it (elided); "Trotsky dies in 1940", at the left
    # edge with a bridge 47 px after its fork, is left to the tooltip
    assert set(in_view) - named <= {"trotsky-dies-1940"}, set(in_view) - named
    for rect, bid in m.item.label_rects:
        assert not _over_an_end(rect, m.item.drops), bid
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
    # ... siblings in date order, as the issue asks: "Trotsky dies in 1940", the earliest fork, first
    top = [model.branch_of(model.index(i, 0, model.index(0, 0))) for i in range(model.rowCount(model.index(0, 0)))]
    forks = [w.history.fork(b) for b in top]
    assert forks == sorted(forks) and top[0] == "trotsky-dies-1940"


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


def test_bringing_the_compared_lane_into_view_paints_the_map_once(make_window, qtbot):
    """The new range is applied as the map scrolls, not by pyqtgraph during the next paint (which changed
    the scene mid-paint and painted the whole map twice: 15-20 ms of a new compare pair's 100 ms budget
    on 200 branches)."""
    w = make_window(TROTSKY)
    m = w.branch_map
    qtbot.waitUntil(lambda: all(w.history.computed(b) for b in w.history.branch_ids), timeout=20000)
    m.refresh()
    w.selection.select_branch("trotsky-dies-1940")
    m.vb.setYRange(-1.1, 4.9, padding=0)  # the top of the tree in view, the last lanes not
    m.show_branch("trotsky-dies-1940")
    qtbot.wait(50)
    assert m.row_of["trotsky-dies-1940"] == 1
    last = m.rows[6]  # out of view, and the two fit in the view together
    w.selection.set_compare(last)  # no event loop turn between this and the check
    _, (ya, yb) = m.vb.viewRange()
    assert min(ya, yb) + 0.5 <= m.row_of[last] <= max(ya, yb) - 0.5
    assert not m.vb._matrixNeedsUpdate  # noqa: SLF001 - pyqtgraph's "apply the range at the next paint"


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
        assert not _over_an_end(rect, m.item.drops), bid


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
    x_after = min(end.x() + 20, img.width() - 3)
    sel_y = m.plot.mapFromScene(m.vb.mapViewToScene(QPointF(m.x1, m.row_of[w.selection.branch]))).y()
    # a point after the end clear of the late forks' labels and the selected row's band
    y = next(y for y in range(img.height() - 45, 5, -1)
             if not any(r.top() - 2 <= y <= r.bottom() + 2 and r.left() - 2 <= x_after <= r.right() + 2
                        for r, _ in m.item.label_rects)
             and abs(y - sel_y) > 15)
    after = img.pixelColor(x_after, y)
    inside = img.pixelColor(mid.x() + 3, y)
    assert (after.red(), after.green(), after.blue()) == (242, 244, 247)
    assert inside.lightness() > after.lightness()


def test_a_connector_passing_a_lane_is_a_bridge_over_it(make_window, qtbot, monkeypatch):
    """Where a fork's connector passes another lane, that lane shows the background just beside the
    connector (the casing), and its own colour a little farther: the connector is drawn over it. Painted
    without the casing, the same pixels are the lane's colour (the check can fail)."""
    from PySide6.QtCore import QPointF, QRectF
    from PySide6.QtGui import QImage

    from explorer.ui import map_paint
    w = make_window(TROTSKY)
    m = w.branch_map
    qtbot.waitUntil(lambda: all(w.history.computed(b) for b in w.history.branch_ids), timeout=20000)
    m.refresh()
    w.selection.select_branch(m.rows[0])
    w.selection.set_cursor(None)  # no dashed cursor line near the connector
    m.fit()
    qtbot.wait(50)
    bid = "trotsky-flees-1950"
    passed = map_routes.passed(m.bridges[bid], m.rows, m.lane_start, m.lane_start[bid])
    assert "trotsky-dies-1940" in passed

    def rows_beside():
        """For each lane passed: its pixel row across the connector (x-7 .. x+7), as colour names."""
        img = m.plot.viewport().grab().toImage().convertToFormat(QImage.Format_RGB32)
        out = []
        for lane in passed:
            pt = m.plot.mapFromScene(m.vb.mapViewToScene(QPointF(m.lane_start[bid], m.row_of[lane])))
            if any(r.intersects(QRectF(pt.x() - 8, pt.y() - 2, 17, 5)) for r, _ in m.item.label_rects):
                continue  # a label lies over the connector there or beside it (tests/ui/test_map_labels.py)
            y = next(y for y in (pt.y(), pt.y() - 1, pt.y() + 1)  # the lane's pixel row, lane both sides
                     if img.pixelColor(pt.x() - 7, y).name() != "#ffffff" != img.pixelColor(pt.x() + 7, y).name())
            out.append((lane, [img.pixelColor(pt.x() + dx, y).name() for dx in range(-7, 8)]))
        return out

    def bridged(row):
        """lane ... background, the connector, background ... lane: the connector's pixels around the
        middle. Background is white or the casing's antialiased edge (#e4e7eb beside a 1 px stroke); an
        event's mark may sit a few pixels from the connector, so the lane need not show at both ends."""
        from PySide6.QtGui import QColor
        ground = [QColor(c).lightness() >= 220 for c in row]
        mid = 7
        c = next((i for i in (mid, mid - 1, mid + 1) if not ground[i]), None)
        if c is None:
            return False
        lo, hi = c, c
        while lo > 0 and not ground[lo - 1]:
            lo -= 1
        while hi < len(row) - 1 and not ground[hi + 1]:
            hi += 1
        return 0 < lo and hi < len(row) - 1 and hi - lo <= 3  # background on either side of a thin stroke

    assert len(passed) >= 3 and len(rows_beside()) >= 3
    for lane, row in rows_beside():
        assert bridged(row), (lane, row)
    monkeypatch.setattr(map_paint, "CASING", 0.0)
    m.plot.viewport().update()
    qtbot.wait(50)
    without = rows_beside()  # a lane's marks or a label's edge near the connector can look like a gap
    assert sum(bridged(row) for _, row in without) <= len(without) // 3
