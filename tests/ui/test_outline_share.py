"""The Branches outline's width. At a share of 0.21 (268 px at 1280x800) 5 of the 9 visible names of
the bundled scenario were cut ("Cárdenas keeps the army loya…", "Roosevelt makes a deal with the
Rep…"); at a share of 0.272 every name read whole at 1280, but at 1920 the outline took 522 px, ~175
of them blank, from the map. Now it is as wide as its names need (their longest, "Roosevelt makes a
deal with the Republic  ✓", whole) at every window size, until the reader drags its separator: that
width is kept, as a share of the window, across resizes and sessions; Reset Layout fits it again."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QStyle, QStyleOptionViewItem

TROTSKY = Path(__file__).resolve().parents[2] / "scenarios" / "trotsky_mexico.yaml"


def cut_names(w, max_depth: int) -> list[str]:
    """The outline's names (as it paints them, marks included) that do not fit their row's text
    room in the regular weight (a selected name that fits only in regular is drawn in it)."""
    o, m, d = w.outline, w.outline.model_, w.outline.itemDelegateForColumn(0)
    cut = []
    for bid in w.history.rows():
        depth, p = 0, w.history.parent(bid)
        while p:
            depth, p = depth + 1, w.history.parent(p)
        if depth > max_depth:
            continue
        idx = m.index_of(bid)
        opt = QStyleOptionViewItem()
        o.initViewItemOption(opt)
        opt.rect = o.visualRect(idx)
        d.initStyleOption(opt, idx)
        room = o.style().subElementRect(QStyle.SE_ItemViewItemText, opt, o).adjusted(2, 3, -2, -3).width()
        font = QFont(opt.font)
        font.setBold(False)
        if QFontMetrics(font).horizontalAdvance(opt.text) > room:
            cut.append(opt.text)
    return cut


def _reopen(settings, scenario_file):
    """A new window on the settings as saved (a restart of the app), opened at 1280x800 and laid out."""
    from explorer.ui.main_window import MainWindow
    w = MainWindow(settings=QSettings(settings.fileName(), QSettings.IniFormat))
    assert w.open_path(scenario_file)
    w.resize(1280, 800)
    w.show()
    for _ in range(10):
        QApplication.processEvents()
    return w


def test_every_name_in_the_outline_reads_whole_at_1280(make_window, qtbot):
    w = make_window(TROTSKY)
    qtbot.waitUntil(lambda: len(w.outline.model_.marks) == len(w.history.branch_ids), timeout=20000)
    qtbot.waitUntil(lambda: abs(w.outline_dock.width() - w._outline_width()) <= 2, timeout=5000)
    assert cut_names(w, max_depth=1) == []  # the top level and the second
    assert cut_names(w, max_depth=99) == []  # and, at this share, the third level too
    # the timeline keeps its room: its Event column reads three titles in four whole
    from explorer.ui.timeline_view import C_EVENT
    w.selection.select_branch("cardenas-keeps-army-1942")
    t, m = w.timeline.table, w.timeline.model
    qtbot.waitUntil(lambda: 600 <= t.viewport().width() <= 700 and bool(m.visible), timeout=5000)
    fm = t.fontMetrics()
    titles = [r.title for r in m.visible]
    assert sum(fm.horizontalAdvance(x) + 12 <= t.columnWidth(C_EVENT) for x in titles) / len(titles) >= 0.75


def settle(qtbot, w, size) -> None:
    w.resize(*size)
    qtbot.waitUntil(lambda: (w.width(), w.height()) == size, timeout=5000)
    for _ in range(5):
        QApplication.processEvents()


def test_the_outline_is_as_wide_as_its_names_at_1280_and_at_1920(make_window, qtbot, styled):
    """At 1920x1080 the outline had 522 px (its 0.272 share) for names that need ~350: the map had
    that much less. By its names it has the same width at both sizes, and every name reads whole."""
    w = make_window(TROTSKY)
    qtbot.waitUntil(lambda: len(w.outline.model_.marks) == len(w.history.branch_ids), timeout=20000)
    settle(qtbot, w, (1280, 800))
    at_1280 = w.outline_dock.width()
    assert cut_names(w, max_depth=99) == []
    assert 300 <= at_1280 <= 0.3 * 1280
    settle(qtbot, w, (1920, 1080))
    assert cut_names(w, max_depth=99) == []
    assert abs(w.outline_dock.width() - at_1280) <= 4, (w.outline_dock.width(), at_1280)
    assert w.centralWidget().width() >= 1920 - 0.34 * 1920 - at_1280 - 20  # the map has the rest


def drag_outline_separator(w, dx: int) -> None:
    """A real drag of the separator between the outline and the map."""
    g, c = w.outline_dock.geometry(), w.centralWidget().geometry()
    start = QPoint((g.right() + c.left()) // 2, g.center().y())
    QTest.mouseMove(w, start)
    QTest.mousePress(w, Qt.LeftButton, Qt.NoModifier, start)
    for step in (5, dx // 4, dx // 2, dx):
        QTest.mouseMove(w, start + QPoint(step, 0))
        QApplication.processEvents()
    QTest.mouseRelease(w, Qt.LeftButton, Qt.NoModifier, start + QPoint(dx, 0))
    for _ in range(3):
        QApplication.processEvents()


def test_a_dragged_outline_keeps_its_width_until_reset(make_window, scenario_file, settings, qtbot):
    """The reader's width wins over the names' one: kept as a share when the window grows, saved and
    reopened; dragging another separator leaves an outline sized by its names so; View > Reset Layout
    sizes it by its names again."""
    w = make_window(scenario_file)
    settle(qtbot, w, (1280, 800))
    fitted = w.outline_dock.width()
    # another separator (the inspector's) dragged: the outline stays sized by its names
    g, c = w.inspector_dock.geometry(), w.centralWidget().geometry()
    start = QPoint((c.right() + g.left()) // 2, g.center().y())
    QTest.mouseMove(w, start)
    QTest.mousePress(w, Qt.LeftButton, Qt.NoModifier, start)
    for step in (-5, -20, -40):
        QTest.mouseMove(w, start + QPoint(step, 0))
        QApplication.processEvents()
    QTest.mouseRelease(w, Qt.LeftButton, Qt.NoModifier, start + QPoint(-40, 0))
    for _ in range(3):
        QApplication.processEvents()
    assert w.inspector_dock.width() > 0.34 * 1280 + 20  # that drag happened
    settle(qtbot, w, (1920, 1080))
    assert abs(w.outline_dock.width() - fitted) <= 4
    settle(qtbot, w, (1280, 800))
    drag_outline_separator(w, 120)
    dragged = w.outline_dock.width()
    assert dragged > fitted + 80
    settle(qtbot, w, (1920, 1080))
    assert abs(w.outline_dock.width() - dragged * 1920 / 1280) <= 12  # its share of the window
    w.close()  # saves the layout
    again = _reopen(settings, scenario_file)
    try:
        assert abs(again.outline_dock.width() - dragged) <= 12
        again.reset_layout()
        for _ in range(5):
            QApplication.processEvents()
        assert abs(again.outline_dock.width() - fitted) <= 4
    finally:
        again.close()
        again.deleteLater()
        QApplication.processEvents()


def test_a_settings_file_with_an_old_default_share_opens_sized_by_the_names(make_window, scenario_file,
                                                                           settings):
    """A layout saved with an untouched outline share (0.21, then 0.272: the defaults until now) opens
    with the outline sized by its names; a share the reader dragged is kept, and so are the others."""
    first = make_window(scenario_file)
    QApplication.processEvents()
    fitted = first.outline_dock.width()
    first.close()
    for saved, wanted in ((0.21, None), (0.272, None), (0.18, 0.18)):
        settings.setValue("window/shares", [saved, 0.30, 0.44])
        settings.sync()
        w = _reopen(settings, scenario_file)
        try:
            assert w.dock_fractions == (wanted, 0.30, 0.44), (saved, w.dock_fractions)
            assert abs(w.outline_dock.width() - (fitted if wanted is None else 1280 * wanted)) <= 12
        finally:
            w.close()
            w.deleteLater()
            QApplication.processEvents()
