"""The timeline at 1280x800 with a branch selected (the Status column shown): event titles read whole
where they can, before tags (seen in the look at the app: "American and British firms ex…")."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication

TROTSKY = Path(__file__).resolve().parents[2] / "scenarios" / "trotsky_mexico.yaml"


def test_event_titles_before_tags_in_a_narrow_timeline(make_window, qtbot):
    from explorer.ui.timeline_view import C_EVENT, C_TAGS
    w = make_window(TROTSKY)
    w.selection.select_branch("us-invades-1942")
    w.watch.watch("trotsky.alive")  # the watch pane beside it at its share (empty, it is a narrow strip)
    qtbot.wait(200)
    QApplication.processEvents()
    t = w.timeline.table
    assert t.viewport().width() < 600  # the 1280x800 window's timeline
    fm = t.fontMetrics()
    assert t.columnWidth(C_EVENT) - 12 >= fm.horizontalAdvance("American and British firms expelled")
    assert t.columnWidth(C_TAGS) >= 100
