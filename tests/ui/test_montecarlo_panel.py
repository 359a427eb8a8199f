"""View > Monte Carlo…: real clicks, the run on a worker thread, results in a table and in the world plots."""
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication



@pytest.fixture
def mc_window(window):
    return window, window.montecarlo_action


def open_dialog(window, action):
    assert action in window.view_menu.actions()
    assert action.shortcut().toString() == "Ctrl+M"
    action.trigger()
    QApplication.processEvents()
    dialog = window.montecarlo_dialog
    assert dialog is not None and dialog.isVisible() and not dialog.isModal()
    return dialog


def set_runs(dialog, n):
    box = dialog.runs_box
    box.selectAll()
    QTest.keyClicks(box, str(n))
    assert box.value() == n


def test_run_fills_table_and_draws_bands(mc_window, qtbot):
    w, action = mc_window
    w.world_dock.raise_()  # the World pane draws while shown
    w.selection.select_branch("air-strike")
    w.world.tick("tension")
    assert w.montecarlo == {}
    dialog = open_dialog(w, action)
    assert dialog.branch() == "air-strike", "the selected branch by default"
    assert dialog.runs_box.value() == 200 and dialog.seed_box.value() == 0
    set_runs(dialog, 40)
    QTest.mouseClick(dialog.run_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: dialog.worker is None and dialog.result is not None, timeout=30_000)

    rows = dialog.rows()
    assert rows
    assert all(0 < p <= 100 for _, _, p in rows)
    assert [p for _, _, p in rows] == sorted((p for _, _, p in rows), reverse=True)
    fire_back = [p for eid, title, p in rows if title == "Soviet commanders fire back"]
    assert len(fire_back) == 1 and 0 < fire_back[0] < 100
    assert dialog.progress.value() == 100
    # outcomes by their titles; any column sorts (dates as dates); a row selects its event
    shares = [dialog.table.item(r, 3).text() for r in range(dialog.table.rowCount())]
    assert any("air strikes on the sites" in t for t in shares) and not any("air_strike" in t for t in shares)
    hh = dialog.table.horizontalHeader()
    QTest.mouseClick(hh.viewport(), Qt.LeftButton, Qt.NoModifier,
                     QPoint(hh.sectionViewportPosition(2) + 10, hh.height() // 2))
    dates = [dialog.table.item(r, 2).text() for r in range(dialog.table.rowCount())]
    dates = [d for d in dates if d]
    assert dates == sorted(dates) or dates == sorted(dates, reverse=True)
    t = dialog.table
    QTest.mouseClick(t.viewport(), Qt.LeftButton, Qt.NoModifier, t.visualItemRect(t.item(0, 0)).center())
    assert w.selection.branch == "air-strike" and w.selection.event == (t.item(0, 0).data(Qt.UserRole), 1)
    QTest.mouseClick(hh.viewport(), Qt.LeftButton, Qt.NoModifier,
                     QPoint(hh.sectionViewportPosition(1) + 10, hh.height() // 2))
    if hh.sortIndicatorOrder() != Qt.DescendingOrder:
        QTest.mouseClick(hh.viewport(), Qt.LeftButton, Qt.NoModifier,
                         QPoint(hh.sectionViewportPosition(1) + 10, hh.height() // 2))
    rows = dialog.rows()
    assert [p for _, _, p in rows] == sorted((p for _, _, p in rows), reverse=True)

    assert set(w.montecarlo) == {"air-strike"} and w.montecarlo["air-strike"].runs == 40
    plot = w.world.plots["tension"]
    assert any(isinstance(i, pg.FillBetweenItem) for i in plot.item.items)
    assert "Monte Carlo 10–90% (40&nbsp;runs)" in w.world.legend.text()
    lo, hi = plot.item.getViewBox().viewRange()[1]
    assert lo <= 0 and hi >= 100, "with bands a plot shows its variable's whole declared range"

    # another branch: no band; back again: band
    w.selection.select_branch("no-photos")
    assert not any(isinstance(i, pg.FillBetweenItem) for i in plot.item.items)
    assert "Monte Carlo" not in w.world.legend.text()
    w.selection.select_branch("air-strike")
    assert any(isinstance(i, pg.FillBetweenItem) for i in plot.item.items)

    # a new scenario clears the results and the bands
    w.set_scenario(w.workspace.scenario, fresh=True)
    assert w.montecarlo == {}
    assert not any(isinstance(i, pg.FillBetweenItem) for i in w.world.plots["tension"].item.items)
    dialog.close()


def test_cancel_stores_nothing(mc_window, qtbot):
    w, action = mc_window
    dialog = open_dialog(w, action)
    set_runs(dialog, 5000)
    QTest.mouseClick(dialog.run_button, Qt.LeftButton)
    assert dialog.worker is not None and dialog.cancel_button.isEnabled()
    QTest.mouseClick(dialog.cancel_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: dialog.worker is None, timeout=30_000)
    assert "cancelled" in dialog.status.text().lower()
    assert dialog.result is None and dialog.table.rowCount() == 0
    assert w.montecarlo == {}
    assert dialog.run_button.isEnabled()
    dialog.close()


def test_plots_with_bands_share_one_scale(mc_window):
    """Issue 13, finding 15: with Monte Carlo bands drawn every number plot shows its variable's whole
    declared range, so bands compare across plots; without them a plot fits a narrow curve."""
    import datetime as dt
    w, _ = mc_window
    w.world_dock.raise_()
    w.world.tick("tension")
    plot = w.world.plots["tension"]
    d0, d1 = dt.date(1962, 10, 16), dt.date(1962, 11, 1)
    narrow = [(d0, 50), (d1, 52)]
    plot.update(narrow, None, None, d1.toordinal() + 1, [], full_range=False)
    lo, hi = plot.item.getViewBox().viewRange()[1]
    assert 45 < lo < 50 and 52 < hi < 57
    plot.update(narrow, None, None, d1.toordinal() + 1, [], full_range=True)
    lo, hi = plot.item.getViewBox().viewRange()[1]
    assert lo <= 0 and hi >= 100


def test_no_horizontal_scroll_and_the_sort_arrow_points_down_for_largest_first(mc_window, qtbot):
    """Review finding 20: the mostly empty Outcomes column pushed a horizontal scroll bar, and the
    arrow on Probability pointed up while the largest shares came first."""
    w, action = mc_window
    w.selection.select_branch("air-strike")
    dialog = open_dialog(w, action)
    dialog.resize(480, 420)  # narrow, as on a small screen
    set_runs(dialog, 20)
    QTest.mouseClick(dialog.run_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: dialog.worker is None and dialog.result is not None, timeout=30_000)
    QApplication.processEvents()
    t, hh = dialog.table, dialog.table.horizontalHeader()
    assert sum(hh.sectionSize(c) for c in range(4)) <= t.viewport().width() + 1
    assert not t.horizontalScrollBar().isVisible()
    # titles that fit are whole
    fm = t.fontMetrics()
    short = [t.item(r, 0).text() for r in range(t.rowCount()) if fm.horizontalAdvance(t.item(r, 0).text()) < 120]
    assert short and hh.sectionSize(0) >= max(fm.horizontalAdvance(s) for s in short)
    # the arrow: dark pixels of the indicator, row by row; a down arrow is widest at its top
    assert hh.sortIndicatorSection() == 1 and hh.sortIndicatorOrder() == Qt.DescendingOrder
    x0 = hh.sectionViewportPosition(1)
    img = hh.viewport().grab().toImage()
    label_end = x0 + hh.fontMetrics().horizontalAdvance("Probability") + 8
    widths = []
    for y in range(img.height()):
        n = sum(1 for x in range(label_end, x0 + hh.sectionSize(1) - 2) if img.pixelColor(x, y).lightness() < 140)
        if n:
            widths.append(n)
    assert len(widths) >= 2, widths
    assert widths[0] > widths[-1], widths  # ▼ not ▲


def test_progress_shows_only_once_a_run_starts(mc_window, qtbot):
    """The dialog opened with a "0%" bar over an empty table, as if a run had stalled."""
    w, action = mc_window
    dialog = open_dialog(w, action)
    assert not dialog.progress.isVisible() and dialog.height() >= 560
    set_runs(dialog, 5)
    QTest.mouseClick(dialog.run_button, Qt.LeftButton)
    assert dialog.progress.isVisible()
    qtbot.waitUntil(lambda: dialog.worker is None, timeout=30000)
    assert dialog.progress.value() == 100


def _ink(widget) -> int:
    """Dark pixels painted in a widget (text)."""
    img = widget.grab().toImage()
    return sum(1 for y in range(0, img.height(), 2) for x in range(0, img.width(), 2)
               if img.pixelColor(x, y).lightness() < 170)


def test_the_empty_table_says_to_press_run_and_titles_come_before_outcomes(make_window, qtbot, tmp_path):
    """The dialog opened on an empty table with nothing saying that Run fills it; after a run the
    Outcomes column, empty on most rows, kept ~90 px while event titles were cut."""
    import shutil
    from pathlib import Path
    src = Path(__file__).resolve().parents[2] / "scenarios" / "trotsky_mexico.yaml"
    long = "Trotsky's underground in the unions, the ejidos and the railway workshops"  # a longer title
    text = src.read_text(encoding="utf-8").replace("title: Trotsky's underground in the unions and ejidos",
                                                   f"title: {long}")
    (tmp_path / "t.yaml").write_text(text, encoding="utf-8")
    w = make_window(tmp_path / "t.yaml")
    w.selection.select_branch("cardenas-keeps-army-1942")
    dialog = open_dialog(w, w.montecarlo_action)
    t = dialog.table
    qtbot.wait(50)
    assert t.rowCount() == 0 and _ink(t.viewport()) > 200  # words in the empty table
    assert "Run" in dialog._hint() and "200" in dialog._hint() and "Cárdenas keeps the army loyal" in dialog._hint()
    set_runs(dialog, 30)
    assert "30 histories" in dialog._hint()
    QTest.mouseClick(dialog.run_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: dialog.worker is None and dialog.result is not None, timeout=60_000)
    QApplication.processEvents()
    hh = t.horizontalHeader()
    fm = t.fontMetrics()
    titles = [t.item(r, 0).text() for r in range(t.rowCount())]
    assert long in titles
    # every title whole (the dialog's 720 px hold them), Outcomes with what is left
    assert hh.sectionSize(0) >= max(t.sizeHintForColumn(0), max(fm.horizontalAdvance(x) for x in titles) + 6)
    has_outcomes = any(t.item(r, 3).text() for r in range(t.rowCount()))
    assert t.isColumnHidden(3) != has_outcomes
    assert sum(hh.sectionSize(c) for c in range(4) if not t.isColumnHidden(c)) <= t.viewport().width() + 1
