"""One selection change, one redraw per view (issue 13's budget on the 200-branch scenario).

Back/Forward, a why-link and Ctrl+click change the branch, the event, the cursor or the comparison
together; each view must redraw once for that, not once per part (the world plots redrew twice and
the watch list three times per Back, which is what made Back cost more than the 100 ms budget).
The views' own methods are counted (they still run); the changes are made with real keys and clicks.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

# what each view does once per change it has to show: its expensive redraw
REDRAWS = {
    "map": ("explorer.ui.branch_map", "BranchMap", ("show_branch",)),
    "outline": ("explorer.ui.outline", "BranchOutline", ("_follow", "_compare")),
    "timeline rows": ("explorer.ui.timeline_view", "TimelineModel", ("load",)),
    "timeline row": ("explorer.ui.timeline_view", "TimelineView", ("_select_row",)),
    "timeline cursor": ("explorer.ui.timeline_view", "TimelineView", ("_on_cursor",)),
    "inspector": ("explorer.ui.inspector", "Inspector", ("refresh",)),
    "world": ("explorer.ui.world_plots", "WorldPlots", ("refresh", "_on_cursor")),
    "watch": ("explorer.ui.watch", "WatchList", ("refresh",)),
    "side by side rows": ("explorer.ui.compare_view", "CompareModel", ("set_rows",)),
    "side by side row": ("explorer.ui.compare_view", "CompareView", ("_on_event",)),
    "causes": ("explorer.ui.causes_view", "CausesView", ("refresh",)),
}


@pytest.fixture
def redraws(monkeypatch):
    """Counts calls of each view's redraw methods (installed before the window connects to them)."""
    import importlib
    counts: Counter = Counter()

    def counting(view, fn):
        def wrapper(self, *a, **kw):
            counts[view] += 1
            return fn(self, *a, **kw)
        wrapper.__name__ = fn.__name__
        return wrapper

    for view, (module, cls, methods) in REDRAWS.items():
        klass = getattr(importlib.import_module(module), cls)
        for m in methods:
            monkeypatch.setattr(klass, m, counting(view, getattr(klass, m)))
    return counts


def settle():
    for _ in range(3):
        QApplication.processEvents()


def test_each_view_redraws_once_per_selection_change(make_window, scenario_file, redraws):
    w = make_window(scenario_file)
    w.watch.watch(next(iter(w.workspace.scenario.variables)))
    w.compare_dock.show()
    w.compare_dock.raise_()  # the side-by-side view shown: it redraws too
    w.selection.select_branch("strike-contained", ("black_saturday", 1), cursor=dt.date(1962, 10, 27))
    w.selection.select_branch("no-photos", cursor=dt.date(1962, 11, 5))
    settle()

    # Back (Alt+Left): another branch, its event and its cursor at once
    redraws.clear()
    QTest.keyClick(w, Qt.Key_Left, Qt.AltModifier)
    settle()
    assert (w.selection.branch, w.selection.event) == ("strike-contained", ("black_saturday", 1))
    assert w.selection.cursor == dt.date(1962, 10, 27)
    assert redraws == {"map": 1, "outline": 1, "timeline rows": 1, "timeline row": 1, "timeline cursor": 1,
                       "inspector": 1, "world": 1, "watch": 1, "side by side rows": 1, "side by side row": 1,
                       "causes": 1}

    # Forward (Alt+Right): back to the branch with no event and no cursor of its own
    redraws.clear()
    QTest.keyClick(w, Qt.Key_Right, Qt.AltModifier)
    settle()
    assert w.selection.branch == "no-photos" and w.selection.event is None
    assert w.selection.cursor == dt.date(1962, 11, 5)
    assert redraws == {"map": 1, "outline": 1, "timeline rows": 1, "timeline row": 1, "timeline cursor": 1,
                       "inspector": 1, "world": 1, "watch": 1, "side by side rows": 1, "side by side row": 1,
                       "causes": 1}

    # an event and its date in the same branch (a timeline row clicked): no other branch redrawn
    QTest.keyClick(w, Qt.Key_Left, Qt.AltModifier)
    settle()
    t = w.timeline
    row = next(i for i, r in enumerate(t.model.visible) if r.key != ("black_saturday", 1) and r.date
               and r.date != w.selection.cursor)
    redraws.clear()
    t.table.scrollTo(t.model.index(row, 2))
    rect = t.table.visualRect(t.model.index(row, 2))
    QTest.mouseClick(t.table.viewport(), Qt.LeftButton, Qt.NoModifier, rect.center())
    settle()
    assert w.selection.event == t.model.visible[row].key
    assert redraws == {"timeline cursor": 1, "inspector": 1, "world": 1, "watch": 1, "side by side row": 1,
                       "causes": 1}

    # Ctrl+click a branch in the outline: compared with it, each comparing view redrawn once
    idx = w.outline.model_.index_of("no-photos")
    w.outline.scrollTo(idx)
    redraws.clear()
    QTest.mouseClick(w.outline.viewport(), Qt.LeftButton, Qt.ControlModifier,
                     w.outline.visualRect(idx).center())
    settle()
    assert w.selection.compare == "no-photos"
    assert redraws == {"outline": 1, "timeline rows": 1, "timeline row": 1, "inspector": 1, "world": 1,
                       "side by side rows": 1, "side by side row": 1}
