"""The Watch pane at 1280×800 (issue 13, finding 7): empty, a narrow strip with a hint (the timeline's
Tags column needs the width); with a variable pinned, wide enough for its header to read "Watching"."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from test_watch import pick_variable


def test_empty_watch_pane_is_a_narrow_hint_and_grows_when_a_variable_is_pinned(window, qtbot):
    w = window
    wl = w.watch
    QApplication.processEvents()
    assert not wl.names
    assert wl.hint.isVisible() and not wl.table.horizontalHeader().isVisible()
    narrow = w.watch_dock.width()
    assert narrow < 215  # it took 230 at the least before
    tags = w.timeline.table.columnWidth(w.timeline.table.model().columnCount() - 1)

    pick_variable(qtbot, wl.add_edit, "tens", "tension")
    qtbot.waitUntil(lambda: wl.names == ["tension"], timeout=3000)
    qtbot.waitUntil(lambda: w.watch_dock.width() >= narrow + 20, timeout=3000)
    assert wl.table.horizontalHeader().isVisible() and not wl.hint.isVisible()
    hh = wl.table.horizontalHeader()
    text = wl.model.headerData(0, Qt.Horizontal)
    assert text == "Watching"
    assert hh.sectionSize(0) >= hh.fontMetrics().horizontalAdvance(text) + 8  # not "Watchi…"

    wl.unwatch("tension")
    qtbot.waitUntil(lambda: w.watch_dock.width() < 215, timeout=3000)
    assert w.timeline.table.columnWidth(w.timeline.table.model().columnCount() - 1) >= tags - 2
