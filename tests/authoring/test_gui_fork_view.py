"""After *Create branch* (issue 13, finding 7): the new branch opens at its fork (the cursor there, the
timeline scrolled to it), the map keeps the reader's zoom with the new lane in view and every lane
reachable by its scroll bar, and "Only changes" stays as the reader left it."""
from __future__ import annotations

import shutil

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from authoring_support import TROTSKY
from explorer.ui.main_window import MainWindow
from gui_support import click_event, click_ok, wait_dialog


@pytest.fixture
def trotsky_window(qtbot, tmp_path):
    p = tmp_path / "trotsky.yaml"
    shutil.copy(TROTSKY, p)
    w = MainWindow(settings=QSettings(str(tmp_path / "s.ini"), QSettings.IniFormat))
    assert w.open_path(p)
    w.authoring.ask_unsaved = lambda: "discard"
    qtbot.addWidget(w)
    w.resize(1280, 800)
    w.show()
    qtbot.waitExposed(w)
    return w


def visible_dates(w):
    t = w.timeline.table
    rows = w.timeline.model.visible
    top = t.rowAt(0)
    bottom = t.rowAt(t.viewport().height() - 1)
    bottom = len(rows) - 1 if bottom < 0 else bottom
    return rows[top].date, rows[bottom].date


def test_a_new_branch_opens_at_its_fork_with_every_lane_reachable(qtbot, trotsky_window):
    w = trotsky_window
    bm = w.branch_map
    bm.zoom(1 / 1.5)
    QApplication.processEvents()
    x_range = bm.vb.viewRange()[0]
    f = w.workspace.timeline("baseline").firings[60]  # well into the chronology
    click_event(qtbot, w, f.event, f.occurrence)
    w.selection.set_cursor(w.workspace.scenario.start)  # the reader moved the cursor elsewhere since
    n_before = len(bm.rows)

    w.authoring.what_if("suppress")
    dlg = wait_dialog(qtbot, w.authoring)
    click_ok(qtbot, dlg)
    qtbot.waitUntil(lambda: w.selection.branch == dlg.new_branch, timeout=5000)
    QApplication.processEvents()

    # at its fork: the cursor there and the timeline scrolled to it, not to 1940
    assert w.selection.cursor == f.date
    first, last = visible_dates(w)
    assert first <= f.date <= last, (first, f.date, last)
    assert first > w.workspace.scenario.start
    # "Only changes" is not ticked behind the reader's back (the box and the menu agree)
    assert not w.timeline.changes_box.isChecked() and not w.changes_action.isChecked()
    # the map: the reader's zoom kept, the new lane in view, every lane reachable
    assert bm.vb.viewRange()[0] == pytest.approx(x_range, rel=1e-6)
    assert len(bm.rows) == n_before + 1
    row = bm.row_of[dlg.new_branch]
    lo, hi = sorted(bm.vb.viewRange()[1])
    assert lo <= row <= hi
    assert bm.scroll.isVisible()
    bm.scroll.setValue(bm.scroll.maximum())
    QApplication.processEvents()
    lo, hi = sorted(bm.vb.viewRange()[1])
    assert hi >= len(bm.rows) - 1 >= lo  # the last lane
    bm.scroll.setValue(bm.scroll.minimum())
    lo, hi = sorted(bm.vb.viewRange()[1])
    assert lo <= 0 <= hi  # and the first

    # undo, redo: the fork is shown at its date again
    w.selection.set_cursor(w.workspace.scenario.start)
    w.undo_stack.undo()
    w.undo_stack.redo()
    qtbot.waitUntil(lambda: w.selection.branch == dlg.new_branch, timeout=5000)
    assert w.selection.cursor == f.date


def test_only_changes_menu_and_box_agree_after_the_timeline_clears_its_filter(qtbot, trotsky_window):
    """Showing an event the filter hid unticks the box quietly; Ctrl+D (the menu) then ticks it again
    instead of doing nothing, and the menu shows the box's state."""
    w = trotsky_window
    bid = next(b for b in w.workspace.scenario.branch_ids if b != "baseline")
    w.selection.select_branch(bid)
    w.timeline.changes_box.setChecked(True)
    assert w.changes_action.isChecked()
    same = next(r for r in w.timeline.model.rows if r.status == "same")
    w.selection.select_event(same.key, cursor=same.date)  # hidden by "Only changes": the filter goes
    assert not w.timeline.changes_box.isChecked()
    w.view_menu.aboutToShow.emit()
    assert not w.changes_action.isChecked()
    w.changes_action.trigger()
    assert w.timeline.changes_box.isChecked() and w.changes_action.isChecked()
    w.changes_action.trigger()
    assert not w.timeline.changes_box.isChecked() and not w.changes_action.isChecked()
