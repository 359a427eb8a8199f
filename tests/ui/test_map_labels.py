"""The branch map names the selected branch in full (issue: "at 1280 some map labels left of their forks
are shortened, the selected one included"). Later siblings' connectors pass the early lanes just after
their forks, and a fork near the left edge has little room before it, so the labels of the 1942 forks
were elided ("Cárde…", "The ar…"). A label may now lie over the straight middle of a connector passing
its row (a bridge: both ends, the fork's diamond and the bend, stay in view), never over a connector's
end. Pure geometry in `map_routes.place_labels`, then the painted map at 1280x800 and 1920x1080 with
every branch selected in turn by the keyboard in the outline."""
from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from explorer.ui import map_routes

TROTSKY = Path(__file__).resolve().parents[2] / "scenarios" / "trotsky_mexico.yaml"


def _lane(bid, x, y, w, parent=True):
    return map_routes.LabelLane(bid, x, y, w, parent)


def test_a_label_lies_whole_over_a_passing_connector_never_over_its_ends():
    # a lane forking at x=60, row at y=100; connectors pass it at 90 and 130 (from above to below);
    # its child forks from it at 300 (a drop starting on this lane); the view is 400 px wide
    drops = np.array([[89, 91, 20, 300], [129, 131, 20, 300], [299, 301, 100, 160]], dtype=float)
    lanes = [_lane("a", 60.0, 100.0, 180.0)]
    out = map_routes.place_labels(lanes, drops, width=400, height=400, h=17)
    [(box, bid, whole)] = out
    assert bid == "a" and whole and box.w == 180.0
    # never over the child's drop, whose end (its fork's diamond) is on this lane
    assert not (box.x < 301 and box.x + box.w > 299)
    # on its lane over the fewest passing connectors: past the one at 90, over the one at 130
    assert box.x == 91 + 2 + map_routes.LABEL_GAP and box.y == 100.0 - 17 / 2
    # with room between the drops it keeps clear of them
    roomy = np.array([[89, 91, 20, 300], [399, 401, 20, 300]], dtype=float)
    [(box, _, whole)] = map_routes.place_labels(lanes, roomy, width=600, height=400, h=17)
    assert whole and box.x >= 91 and box.x + box.w <= 399
    # a view too narrow for it: elided, never past the view's edge
    [(box, _, whole)] = map_routes.place_labels(lanes, drops[:1], width=150, height=400, h=17)
    assert not whole and box.x + box.w <= 150


def _walk_outline(w, qtbot, check):
    """Every branch selected in turn by Down in the outline; `check(bid)` after each map paint."""
    tree = w.outline
    tree.setFocus()
    seen = []
    for _ in range(len(w.history.branch_ids)):
        bid = w.selection.branch
        qtbot.waitUntil(lambda: w.branch_map.item.painted_for == bid, timeout=3000)
        check(bid)
        seen.append(bid)
        QTest.keyClick(tree, Qt.Key_Down)
    return seen


def _settle(w, qtbot, size):
    w.resize(*size)
    qtbot.waitUntil(lambda: all(w.history.computed(b) for b in w.history.branch_ids), timeout=20000)
    w.branch_map.refresh()
    qtbot.wait(50)
    w.branch_map.show_branch(w.selection.branch, fit_first=True)
    qtbot.wait(50)


def test_the_selected_label_reads_in_full_at_1280(make_window, qtbot):
    w = make_window(TROTSKY)
    m = w.branch_map
    _settle(w, qtbot, (1280, 800))
    short = []

    def check(bid):
        shown = m.item.shown.get(bid)
        if shown != m.label_text(bid):
            short.append((bid, shown))

    seen = _walk_outline(w, qtbot, check)
    assert len(set(seen)) == 18
    assert not short, "\n".join(map(str, short))


def test_every_label_in_view_reads_in_full_at_1920(make_window, qtbot):
    w = make_window(TROTSKY)
    m = w.branch_map
    _settle(w, qtbot, (1920, 1080))
    short = []

    def check(bid):
        _, (ya, yb) = m.vb.viewRange()
        for r, b in enumerate(m.rows):
            if min(ya, yb) + 0.5 <= r <= max(ya, yb) - 0.5 and m.item.shown.get(b) != m.label_text(b):
                short.append((bid, b, m.item.shown.get(b)))
        for rect, b in m.item.label_rects:  # never over a connector's end: its fork or its bend
            for d in m.item.drops:
                if rect.intersects(d):
                    assert d.top() < rect.top() and d.bottom() > rect.bottom(), (bid, b)

    _walk_outline(w, qtbot, check)
    assert not short, "\n".join(map(str, short))
