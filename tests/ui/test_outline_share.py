"""The Branches outline's share of the window at 1280x800: at 0.21 (268 px) 5 of the 9 visible names
of the bundled scenario were cut ("Cárdenas keeps the army loya…", "Roosevelt makes a deal with the
Rep…"); its longest second-level name with the Problems pane's mark, "Roosevelt makes a deal with the
Republic  ✓", needs 290 px in the outline's font, 346 px of dock. Every name now reads whole at
1280x800 with fresh settings, and the timeline keeps its room (the bottom row spans under the outline)."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtGui import QFont, QFontMetrics
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


def test_every_name_in_the_outline_reads_whole_at_1280(make_window, qtbot):
    w = make_window(TROTSKY)
    qtbot.waitUntil(lambda: len(w.outline.model_.marks) == len(w.history.branch_ids), timeout=20000)
    qtbot.waitUntil(lambda: abs(w.outline_dock.width() - 1280 * w.dock_fractions[0]) <= 2, timeout=5000)
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


def test_a_settings_file_with_the_old_default_share_opens_with_the_new_one(make_window, scenario_file,
                                                                          settings):
    """A layout saved with the untouched 0.21 outline share (the default until now) opens with the
    outline's new share; a share the reader dragged is kept, and so are the others."""
    from explorer.ui.main_window import MainWindow
    first = make_window(scenario_file)
    QApplication.processEvents()
    first.close()
    for saved, wanted in ((0.21, MainWindow.DEFAULT_FRACTIONS[0]), (0.18, 0.18)):
        settings.setValue("window/shares", [saved, 0.30, 0.44])
        settings.sync()
        w = MainWindow(settings=QSettings(settings.fileName(), QSettings.IniFormat))
        try:
            assert w.open_path(scenario_file)
            w.resize(1280, 800)
            w.show()
            for _ in range(10):
                QApplication.processEvents()
            assert w.dock_fractions == (wanted, 0.30, 0.44), (saved, w.dock_fractions)
            assert abs(w.outline_dock.width() - 1280 * wanted) <= 12
        finally:
            w.close()
            w.deleteLater()
            QApplication.processEvents()
