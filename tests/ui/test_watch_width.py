"""The Watch pane at 1280×800: a narrow strip while nothing is pinned, its share of the row once
something is; a long enum value reads in whole words on at
most two lines (Qt's wrapping cut it word by word: "Mexican Worke… and Peasa… Repub…")."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from test_watch import pick_variable

TROTSKY = Path(__file__).resolve().parents[2] / "scenarios" / "trotsky_mexico.yaml"


def test_an_empty_watch_pane_stays_narrow_until_something_is_watched(window, qtbot):
    """At 1280x800 the empty pane (a search box and a hint) took 270 px beside a timeline whose Tags
    column and Side by Side titles were cut: empty, it is a narrow strip and the timeline has the room;
    the first pin widens it to its share (the title, the value and the sparkline), the last unpin
    narrows it again."""
    w = window
    wl = w.watch
    # the window's layout settles (its docks get their shares after the resize, in a later turn):
    # waited for, never a fixed sleep, which a busy machine outlasts
    qtbot.waitUntil(lambda: w.watch_dock.width() <= 190 and w.timeline.width() >= 640, timeout=5000)
    assert not wl.names
    assert wl.hint.isVisible() and not wl.table.horizontalHeader().isVisible()
    tl_width = w.timeline.width()
    assert wl.hint.height() <= 6 * wl.hint.fontMetrics().height()  # the hint reads in a few lines
    assert wl.add_edit.width() >= wl.add_edit.fontMetrics().horizontalAdvance("Watch a variable…") + 30

    pick_variable(qtbot, wl.add_edit, "tens", "tension")
    qtbot.waitUntil(lambda: wl.names == ["tension"], timeout=3000)
    qtbot.waitUntil(lambda: w.watch_dock.width() >= 260 and w.timeline.width() >= 540, timeout=5000)
    assert wl.table.horizontalHeader().isVisible() and not wl.hint.isVisible()
    hh = wl.table.horizontalHeader()
    text = wl.model.headerData(0, Qt.Horizontal)
    assert text == "Watching"
    assert hh.sectionSize(0) >= hh.fontMetrics().horizontalAdvance(text) + 8  # not "Watchi…"

    wl.unwatch("tension")
    # the Watch pane narrows first and the timeline takes the room a turn later (`emptied` ->
    # `_fit_watch`): reading the timeline as soon as the pane narrowed caught the layout half-way
    qtbot.waitUntil(lambda: w.watch_dock.width() <= 190 and abs(w.timeline.width() - tl_width) <= 2,
                    timeout=5000)


def test_a_long_enum_value_reads_in_whole_words_on_two_lines(make_window, qtbot):
    w = make_window(TROTSKY)
    wl = w.watch
    var = w.workspace.scenario.variables["mexico.regime"]
    pick_variable(qtbot, wl.add_edit, "regime", "mexico.regime")
    qtbot.waitUntil(lambda: wl.names == ["mexico.regime"], timeout=3000)
    QApplication.processEvents()
    t, d = wl.table, wl.value_delegate
    # every value of the variable, as the pane would draw it in its Now column
    fm = t.fontMetrics()
    width = t.columnWidth(1) - 10
    assert width < fm.horizontalAdvance("Mexican Workers' and Peasants' Republic")  # it must wrap at 1280
    for value in var.values:
        text = var.show(value)
        lines = d.lines(text, fm, width)
        assert 1 <= len(lines) <= 2, lines
        words = text.split()
        assert lines[0].split() == words[:len(lines[0].split())], (text, lines)  # whole words, in order
    # the row is at most two value lines tall (and the title's), the whole value in the tooltip
    shown = wl.model.index(0, 1).data()
    assert t.rowHeight(0) <= 3 * fm.height() + 12
    assert shown.split(" → ")[-1] in wl.model.index(0, 1).data(Qt.ToolTipRole)


def test_the_value_column_holds_a_long_first_word(make_window, qtbot):
    """"Constitutional government (PRM/PRI)" showed as "Constituti…" in the 1280x800 pane."""
    w = make_window(TROTSKY)
    wl = w.watch
    pick_variable(qtbot, wl.add_edit, "regime in mex", "mexico.regime")
    qtbot.waitUntil(lambda: wl.names == ["mexico.regime"], timeout=3000)
    qtbot.wait(100)
    fm = wl.table.fontMetrics()
    assert wl.table.columnWidth(1) > wl.table.columnWidth(0)  # the value gets the larger share
    assert wl.table.columnWidth(1) - 10 >= fm.horizontalAdvance("Constitutional")
    hh = wl.table.horizontalHeader()
    assert hh.sectionSize(0) >= hh.fontMetrics().horizontalAdvance("Watching") + 8


def test_at_1920_the_watch_pane_gets_room_to_read(make_window, qtbot):
    """At 1920×1080 the pane was 260 px (the value wrapped, a 64 px sparkline) while the timeline's Event
    column had 500 px of blank: the wider bottom row now gives the pane half of every pixel past 1280."""
    w = make_window(TROTSKY)
    wl = w.watch
    pick_variable(qtbot, wl.add_edit, "regime in mex", "mexico.regime")
    qtbot.waitUntil(lambda: wl.names == ["mexico.regime"], timeout=3000)
    qtbot.wait(100)
    narrow, value_narrow = w.watch_dock.width(), wl.table.columnWidth(1)
    wl.unwatch("mexico.regime")  # nothing pinned: a narrow strip at any size
    assert 260 <= narrow <= 290 and w.timeline.width() >= 540  # 1280: the timeline keeps its room
    w.resize(1920, 1080)
    qtbot.waitUntil(lambda: w.timeline.width() >= 1000, timeout=3000)
    assert w.watch_dock.width() <= 190
    pick_variable(qtbot, wl.add_edit, "regime in mex", "mexico.regime")
    qtbot.waitUntil(lambda: wl.names == ["mexico.regime"], timeout=3000)
    qtbot.waitUntil(lambda: w.watch_dock.width() >= 480, timeout=3000)  # 502 asked
    qtbot.wait(100)  # the columns are shared once the table has its width
    assert w.timeline.width() >= 740
    t = wl.table
    assert t.columnWidth(2) >= 110  # the sparkline (64 px before)
    assert t.columnWidth(1) >= 1.5 * value_narrow and t.columnWidth(0) >= 140
    fm = t.fontMetrics()
    assert t.columnWidth(1) - 10 >= fm.horizontalAdvance("Constitutional government")  # on one line
    w.resize(1280, 800)  # and back
    qtbot.waitUntil(lambda: w.watch_dock.width() <= 300 and w.timeline.width() >= 540, timeout=3000)


def test_a_change_gives_up_the_old_value_before_the_new_one(make_window, qtbot):
    """"Mexican Workers' and Peasants' Republic → Co…": the value now was cut, the old one shown whole."""
    w = make_window(TROTSKY)
    d = w.watch.value_delegate
    fm = w.watch.table.fontMetrics()
    new = "Constitutional government (PRM/PRI)"
    text = "Mexican Workers' and Peasants' Republic → " + new
    width = fm.horizontalAdvance("Mexican Workers' and Peasants' Republic") - 20
    lines = d.lines(text, fm, width)
    assert 1 <= len(lines) <= 2 and " ".join(lines).endswith(new), lines
    assert lines[0].startswith("Mexican") and "…" in lines[0]
    # a change that fits, and a plain value, are drawn as before
    assert d.lines("20 → 50", fm, width) == ["20 → 50"]
    plain = "Mexican Workers' and Peasants' Republic"
    assert d.lines(plain, fm, width) == d._lines(plain, fm, width) and len(d.lines(plain, fm, width)) == 2


def test_titles_read_in_whole_words_at_1280(make_window, qtbot):
    """"US hostility to Mexico's government" read "US / hostility / to …" in the 1280 pane's title column."""
    w = make_window(TROTSKY)
    wl = w.watch
    pick_variable(qtbot, wl.add_edit, "hostility to mex", "us.hostility")
    qtbot.waitUntil(lambda: "us.hostility" in wl.names, timeout=5000)
    qtbot.wait(100)
    t = wl.table
    d = t.itemDelegateForColumn(0)
    assert isinstance(d, type(wl.value_delegate))
    fm = t.fontMetrics()
    lines = d.lines("US hostility to Mexico's government", fm, t.columnWidth(0) - 10)
    assert len(lines) == 2 and lines[0].startswith("US hostility"), lines
    assert d.lines("Red Militia strength", fm, t.columnWidth(0) - 10) == ["Red Militia", "strength"]


def test_the_empty_pane_draws_no_empty_box_under_its_hint(window, qtbot):
    """The narrow empty pane showed its hint over an empty framed white box (the table, kept for Tab and
    F6): it read as something that failed to load. Empty, the table is drawn without frame or fill."""
    w = window
    wl = w.watch
    qtbot.wait(100)
    assert not wl.names and wl.table.isVisible()

    def colours():
        img = wl.grab(wl.table.geometry()).toImage()  # as the pane paints it
        return {img.pixelColor(x, y).name() for y in range(0, img.height(), 3) for x in range(0, img.width(), 3)}
    bg = wl.palette().color(wl.backgroundRole()).name()
    assert colours() == {bg}, (colours(), bg)
    pick_variable(qtbot, wl.add_edit, "tens", "tension")
    qtbot.waitUntil(lambda: wl.names == ["tension"], timeout=3000)
    qtbot.wait(100)
    assert len(colours()) > 2  # a frame, rows and text once something is watched
