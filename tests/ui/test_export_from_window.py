"""File > Export Report… from the window, as seen at 1280x800: the branches listed as the outline lists
them (the dialog had the report's order, the outline its own), and no "0%" progress bar
before anything is exported."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

TROTSKY = Path(__file__).resolve().parents[2] / "scenarios" / "trotsky_mexico.yaml"


def test_export_dialog_lists_branches_as_the_outline_and_shows_progress_only_when_exporting(
        make_window, qtbot, tmp_path):
    from explorer.ui.export_dialog import open_export_dialog
    w = make_window(TROTSKY)
    qtbot.waitUntil(lambda: all(w.history.computed(b) for b in w.history.branch_ids), timeout=20000)
    d = open_export_dialog(w)
    qtbot.waitExposed(d)
    listed = []

    def walk(item):
        for i in range(item.childCount()):
            listed.append(item.child(i).data(0, Qt.UserRole))
            walk(item.child(i))

    walk(d.branch_tree.invisibleRootItem())
    assert listed == w.history.rows()
    assert not d.progress.isVisible()
    d.format_box.setCurrentIndex(d.format_box.findData("json"))
    d.path_edit.setText(str(tmp_path / "r.json"))
    QTest.mouseClick(d.export_button, Qt.LeftButton)
    assert d.progress.isVisible()
    qtbot.waitUntil(lambda: d.worker is None, timeout=60000)
    assert (tmp_path / "r.json").exists() and d.progress.value() == 100
    d.close()
