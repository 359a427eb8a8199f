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
    """At 1280x800 (nothing watched) the Tags column had a fixed share, 146 px, beside an Event column
    with ~80 px of blank. Columns by content, titles first: the Event column its titles' need (here
    more than the table has: nine titles in ten whole), the tags the room the titles leave, never less
    than their floor; tags that fit beside whole titles are not cut."""
    from explorer.ui.timeline_view import C_DATE, C_EVENT, C_STATUS, C_TAGS, TAGS_MIN
    w = make_window(TROTSKY)
    w.selection.select_branch("cardenas-keeps-army-1942")
    qtbot.wait(200)
    t, m = w.timeline.table, w.timeline.model
    assert 600 <= t.viewport().width() <= 700
    fm = t.fontMetrics()
    whole = lambda texts, c: sum(fm.horizontalAdvance(x) + 12 <= t.columnWidth(c) for x in texts) / len(texts)
    assert whole([r.title for r in m.visible], C_EVENT) >= 0.9
    assert t.columnWidth(C_TAGS) >= TAGS_MIN
    event_need, tags_need = t.needs()
    fixed = t.columnWidth(C_STATUS) + t.columnWidth(C_DATE)
    assert t.columnWidth(C_EVENT) >= min(event_need, t.viewport().width() - fixed - t.columnWidth(C_TAGS))
    t.resize(t.width() + 400, t.height())  # room for both: titles whole, then the tags their need
    QApplication.processEvents()
    assert whole([r.title for r in m.visible], C_EVENT) == 1.0
    assert t.columnWidth(C_TAGS) >= tags_need


def test_the_baseline_titles_read_whole_at_1280_before_tags(make_window, qtbot, styled):
    """The baseline's timeline at 1280x800 (no Status column) in the app's own font: 23 of its 112
    titles were cut ("The NKVD network in Mexico expo…") beside a 289 px Tags column wide enough for
    every tag. Titles come first: the Event column gets the longest title before Tags grow past their
    floor; Tags keep that floor (their narrow-table share, at least `TAGS_MIN`)."""
    from explorer.ui.timeline_view import C_DATE, C_EVENT, C_TAGS, TAGS_MIN
    w = make_window(TROTSKY)
    t, m = w.timeline.table, w.timeline.model
    qtbot.waitUntil(lambda: w.selection.branch == "baseline" and bool(m.visible), timeout=5000)
    qtbot.waitUntil(lambda: 600 <= t.viewport().width() <= 700, timeout=5000)
    assert t.isColumnHidden(0)  # the root has no Status column
    fm = t.fontMetrics()
    cut = [r.title for r in m.visible if fm.horizontalAdvance(r.title) + 12 > t.columnWidth(C_EVENT)]
    room = t.viewport().width() - t.columnWidth(C_DATE) - TAGS_MIN
    assert all(fm.horizontalAdvance(x) + 12 > room - 50 for x in cut), cut  # only the very longest
    assert len(cut) <= 2, cut
    assert t.columnWidth(C_TAGS) >= TAGS_MIN
    assert t.columnWidth(C_EVENT) + t.columnWidth(C_DATE) + t.columnWidth(C_TAGS) <= t.viewport().width() + 1
