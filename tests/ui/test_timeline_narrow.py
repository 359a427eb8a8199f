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


def test_at_1280_tags_get_what_titles_leave(make_window, qtbot):
    """At 1280x800 (nothing watched) the Tags column had a fixed share, 146 px: "Mexico, military, I…"
    on most rows, beside an Event column with ~80 px of blank. Columns by content, titles first: three
    titles in four whole, and the tags the room the titles leave (most of them whole)."""
    from explorer.ui.timeline_view import C_EVENT, C_TAGS
    w = make_window(TROTSKY)
    w.selection.select_branch("cardenas-keeps-army-1942")
    qtbot.wait(200)
    t, m = w.timeline.table, w.timeline.model
    assert 600 <= t.viewport().width() <= 700
    fm = t.fontMetrics()
    whole = lambda texts, c: sum(fm.horizontalAdvance(x) + 12 <= t.columnWidth(c) for x in texts) / len(texts)
    assert whole([r.title for r in m.visible], C_EVENT) >= 0.75
    assert fm.horizontalAdvance("Mexico, military, Invented") + 12 <= t.columnWidth(C_TAGS)
    assert whole([", ".join(r.tags) for r in m.visible], C_TAGS) >= 0.5
    event_need, tags_need = t.needs()
    assert t.columnWidth(C_EVENT) >= event_need
    assert t.columnWidth(C_TAGS) >= min(tags_need, t.viewport().width() - 200 - event_need)  # the rest
