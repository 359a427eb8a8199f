"""File > Export Report… while comparing two branches: the report is about both histories, so both
are ticked (only the selected one was: a reader comparing "Kennedy orders air strikes" with "The
commanders hold fire" got a report of one of them)."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication


def click(view, bid, modifier=Qt.NoModifier):
    rect = view.visualRect(view.model_.index_of(bid))
    QTest.mouseClick(view.viewport(), Qt.LeftButton, modifier, QPoint(rect.center().x(), rect.center().y()))
    QApplication.processEvents()


def export_dialog(w, qtbot):
    """Ctrl+E (File > Export Report…) and the dialog it opens."""
    w.activateWindow()  # a shortcut reaches the active window (a closed dialog may leave none)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w, timeout=5000)
    QTest.keyClick(w, Qt.Key_E, Qt.ControlModifier)

    def shown():
        return [c for c in w.children() if c.objectName() == "ExportReportDialog" and c.isVisible()]
    qtbot.waitUntil(lambda: len(shown()) == 1, timeout=5000)
    return shown()[0]


def test_exporting_while_comparing_ticks_both_branches(window, qtbot):
    w = window
    o = w.outline
    click(o, "air-strike")                           # select
    click(o, "strike-contained", Qt.ControlModifier)  # compare
    assert (w.selection.branch, w.selection.compare) == ("air-strike", "strike-contained")
    d = export_dialog(w, qtbot)
    try:
        assert sorted(d.checked_branches()) == ["air-strike", "strike-contained"]
        # the file offered names both, selected first (it named the selected branch alone)
        assert Path(d.path_edit.text()).name == "missile-crisis-air-strike-vs-strike-contained-report.pdf"
        # "Only selected" goes back to the two compared, not to one of them
        QTest.mouseClick(d.all_branches, Qt.LeftButton)
        QTest.mouseClick(d.no_branches, Qt.LeftButton)
        assert sorted(d.checked_branches()) == ["air-strike", "strike-contained"]
    finally:
        d.close()
    # not comparing: the selected branch alone, as before
    click(o, "strike-contained", Qt.ControlModifier)  # stops comparing
    assert w.selection.compare is None
    d = export_dialog(w, qtbot)
    try:
        assert d.checked_branches() == ["air-strike"]
        assert Path(d.path_edit.text()).name == "missile-crisis-air-strike-report.pdf"
    finally:
        d.close()
