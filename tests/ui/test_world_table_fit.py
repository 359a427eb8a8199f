"""The World pane's table at 1280x800 (seen in the first user tour): the Variable column squeezed to
~120 px wrapped every name ("Trotsky's / health") beside value columns of 92 px holding "yes" and "75",
and the last visible row was cut at the bottom ("Security around Trotsky" half shown)."""
from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtCore import Qt

TROTSKY = Path(__file__).resolve().parents[2] / "scenarios" / "trotsky_mexico.yaml"


def _show_world(w, qtbot):
    w.world_dock.raise_()
    qtbot.waitUntil(lambda: w.world.table.isVisible() and w.world_dock.height() > 600, timeout=3000)
    qtbot.wait(100)


def test_names_first_and_no_row_cut_at_the_bottom(make_window, qtbot, tmp_path):
    shutil.copy(TROTSKY, tmp_path / "t.yaml")
    w = make_window(tmp_path / "t.yaml")
    w.selection.select_branch("cardenas-keeps-army-1942")
    w.selection.set_compare("us-invades-1942")
    _show_world(w, qtbot)
    t, world = w.world.table, w.world
    assert not any(t.isColumnHidden(c) for c in range(4))  # Branch, Compared, Baseline
    fm = t.fontMetrics()
    # names of median length read on one line: the value columns are as wide as their headers and values need
    assert t.columnWidth(0) - 36 >= fm.horizontalAdvance("Security around Trotsky")
    for name in ("Trotsky's health", "Security around Trotsky"):
        row = world.proxy.mapFromSource(world.model.index(world.model.row_of(
            next(v.name for v in world.model.vars if v.title == name)), 0)).row()
        assert t.rowHeight(row) < 2 * fm.height(), name
    hh = t.horizontalHeader()
    for c in (1, 2, 3):
        assert t.columnWidth(c) >= hh.fontMetrics().horizontalAdvance(world.model.headerData(c, Qt.Horizontal)) + 12
    # every row in view is whole: the viewport ends at a row's bottom
    vp = t.viewport()
    top = t.rowAt(0)
    bottom = t.rowAt(vp.height() - 1)
    assert bottom >= top + 2
    assert t.rowViewportPosition(bottom) + t.rowHeight(bottom) <= vp.height()
    # and after scrolling by a row, and in a taller table
    t.verticalScrollBar().setValue(t.verticalScrollBar().value() + 1)
    qtbot.wait(50)
    bottom = t.rowAt(vp.height() - 1)
    assert bottom < 0 or t.rowViewportPosition(bottom) + t.rowHeight(bottom) <= vp.height()
    world.splitter.setSizes([300, 400])
    qtbot.wait(100)
    bottom = t.rowAt(vp.height() - 1)
    assert bottom < 0 or t.rowViewportPosition(bottom) + t.rowHeight(bottom) <= vp.height()


def test_the_table_gets_its_share_of_the_pane(make_window, qtbot, tmp_path):
    """At 1280x800 the plots took ~535 px of the pane and the table under them ~130 px: three rows of
    53 variables. The splitter's 3:2 stretch applied only to room beyond the plots' size hint; the pane
    opens at 3:2: six rows and more, each of the three plots still over 100 px tall."""
    shutil.copy(TROTSKY, tmp_path / "t.yaml")
    w = make_window(tmp_path / "t.yaml")
    w.selection.select_branch("cardenas-keeps-army-1942")
    _show_world(w, qtbot)
    t, world = w.world.table, w.world
    top, bottom = world.splitter.sizes()
    assert bottom >= 0.35 * (top + bottom), (top, bottom)
    vp = t.viewport()
    shown = t.rowAt(vp.height() - 1) - t.rowAt(0) + 1 if t.rowAt(vp.height() - 1) >= 0 else 0
    assert shown >= 6, shown
    assert len(world.plots) == 3
    for p in world.plots.values():
        assert p.item.getViewBox().sceneBoundingRect().height() >= 60  # the plotting area itself
        assert p.item.sceneBoundingRect().height() >= 100


def test_a_hidden_column_makes_no_row_two_lines_tall(make_window, qtbot, tmp_path):
    """A child of the baseline hides the Baseline column (it would repeat Parent): every row was then two
    lines tall, "Trotsky alive | no | no" included, its hidden cell measured against a width of 0."""
    shutil.copy(TROTSKY, tmp_path / "t.yaml")
    w = make_window(tmp_path / "t.yaml")
    w.selection.select_branch("cardenas-keeps-army-1942")
    _show_world(w, qtbot)
    t, world = w.world.table, w.world
    assert t.isColumnHidden(3) and not t.isColumnHidden(2)
    fm = t.fontMetrics()
    row = world.proxy.mapFromSource(world.model.index(world.model.row_of("trotsky.alive"), 0)).row()
    assert t.rowHeight(row) < 2 * fm.height()


def test_a_long_value_is_cut_between_words_not_inside_one(make_window, qtbot, tmp_path):
    """Sized by the numbers alone, the Branch column (~58 px) showed "the hous…" for "the house in
    Coyoacán" (Where Trotsky is, Cárdenas keeps the army loyal at the end): a value column is at least
    as wide as its longest word, within half the table."""
    shutil.copy(TROTSKY, tmp_path / "t.yaml")
    w = make_window(tmp_path / "t.yaml")
    w.selection.select_branch("cardenas-keeps-army-1942")
    _show_world(w, qtbot)
    t, world, m = w.world.table, w.world, w.world.model
    fm = t.fontMetrics()
    src = m.row_of("trotsky.location") if "trotsky.location" in w.workspace.scenario.variables else next(
        i for i, v in enumerate(m.vars) if v.title == "Where Trotsky is")
    v = m.vars[src]
    for c in (1, 2):
        text = v.show(m.values[src][c - 1])
        assert max(fm.horizontalAdvance(x) for x in text.split()) + 12 <= t.columnWidth(c), (text, t.columnWidth(c))
    assert sum(t.columnWidth(c) for c in (1, 2, 3) if not t.isColumnHidden(c)) <= t.viewport().width() // 2 + 1
    assert t.columnWidth(0) - 36 >= fm.horizontalAdvance("Security around Trotsky")
