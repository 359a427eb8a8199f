"""File > Export Report…: the dialog on its own, driven with real clicks (pytest-qt)."""
import re
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt

from helpers import parse_html, pdftotext


def click_check(qtbot, view, item, column=0):
    """Click an item's check box the way a user does."""
    from PySide6.QtWidgets import QStyle, QStyleOptionViewItem, QTreeWidget
    index = view.indexFromItem(item, column) if isinstance(view, QTreeWidget) else view.indexFromItem(item)
    view.scrollTo(index)
    rect = view.visualRect(index)
    opt = QStyleOptionViewItem()
    view.initViewItemOption(opt) if hasattr(view, "initViewItemOption") else None
    opt.rect = rect
    opt.features |= QStyleOptionViewItem.HasCheckIndicator
    box = view.style().subElementRect(QStyle.SE_ItemViewItemCheckIndicator, opt, view)
    point = box.center() if box.isValid() and rect.contains(box.center()) else QPoint(rect.left() + 10, rect.center().y())
    qtbot.mouseClick(view.viewport(), Qt.LeftButton, pos=point)


@pytest.fixture
def dialog(qtbot, missiles_ws):
    from explorer.ui.export_dialog import ExportReportDialog
    d = ExportReportDialog(missiles_ws, "air-strike")
    qtbot.addWidget(d)
    d.show()
    qtbot.waitExposed(d)
    return d


def test_defaults_follow_the_selection(dialog):
    assert dialog.checked_branches() == ["air-strike"]
    assert "tension" in dialog.checked_variables()
    assert dialog.fmt() == "pdf" and dialog.page_size() == "a4"
    assert dialog.path_edit.text().endswith("missile-crisis-air-strike-report.pdf")
    assert dialog.export_button.isEnabled()


def test_variables_listed_by_title_with_the_id_in_the_tooltip(dialog, missiles_ws):
    for name, var in missiles_ws.scenario.variables.items():
        item = dialog.var_items[name]
        assert item.text() == var.title and item.toolTip() == name


def test_the_bundled_scenarios_lists_fit_the_dialog(qtbot):
    """At its opening size every variable title and branch label shows whole (no horizontal scroll bar)."""
    from PySide6.QtWidgets import QApplication
    from explorer.core import Workspace, load_scenario
    from explorer.ui.export_dialog import ExportReportDialog
    ws = Workspace(load_scenario(Path(__file__).resolve().parents[2] / "scenarios" / "trotsky_mexico.yaml"))
    d = ExportReportDialog(ws, "us-invades-1942")
    qtbot.addWidget(d)
    d.show()
    qtbot.waitExposed(d)
    QApplication.processEvents()
    assert d.var_list.horizontalScrollBar().maximum() == 0
    assert d.branch_tree.horizontalScrollBar().maximum() == 0


def test_export_two_branches_to_html_with_clicks(qtbot, dialog, tmp_path):
    click_check(qtbot, dialog.branch_tree, dialog.branch_items["strike-contained"])
    assert dialog.checked_branches() == ["air-strike", "strike-contained"]
    # plot only "war": untick the defaults, tick war
    for name in list(dialog.checked_variables()):
        click_check(qtbot, dialog.var_list, dialog.var_items[name])
    click_check(qtbot, dialog.var_list, dialog.var_items["war"])
    assert dialog.checked_variables() == ["war"]
    dialog.format_box.setCurrentIndex(dialog.format_box.findData("html"))
    assert dialog.path_edit.text().endswith(".html")
    out = tmp_path / "two.html"
    dialog.path_edit.setText(str(out))
    qtbot.mouseClick(dialog.export_button, Qt.LeftButton)
    assert not dialog.export_button.isEnabled()  # running: inputs locked
    qtbot.waitUntil(lambda: dialog.worker is None, timeout=30_000)
    assert dialog.progress.value() == 100
    assert dialog.last_output == str(out)
    assert "Saved" in dialog.status.text()
    page = parse_html(out)
    assert "Kennedy orders air strikes" in page.text and "The commanders hold fire" in page.text
    assert "Nuclear exchange" in page.text
    assert len(page.tags("img")) == 2  # one variable, two branches
    assert dialog.export_button.isEnabled()


def test_export_pdf_letter(qtbot, dialog, tmp_path):
    dialog.page_box.setCurrentIndex(dialog.page_box.findData("letter"))
    out = tmp_path / "one.pdf"
    dialog.path_edit.setText(str(out))
    qtbot.mouseClick(dialog.export_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: dialog.worker is None, timeout=30_000)
    assert out.is_file()
    assert "Page 1 of" in pdftotext(out)


def test_all_then_cancel_leaves_nothing(qtbot, dialog, tmp_path, monkeypatch):
    qtbot.mouseClick(dialog.all_branches, Qt.LeftButton)
    assert len(dialog.checked_branches()) == 4
    out = tmp_path / "all.pdf"
    dialog.path_edit.setText(str(out))
    # slow the export down so that Cancel lands while it runs
    import time

    from explorer.reports import pdf
    real = pdf.draw_plot  # the PDF draws its plots as it prints their pages

    def slow(*a, **kw):
        time.sleep(0.05)
        return real(*a, **kw)
    monkeypatch.setattr(pdf, "draw_plot", slow)
    qtbot.mouseClick(dialog.export_button, Qt.LeftButton)
    assert dialog.cancel_button.text() == "Cancel"
    qtbot.waitUntil(lambda: dialog.progress.value() > 0 or dialog.worker is None, timeout=10_000)
    qtbot.mouseClick(dialog.cancel_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: dialog.worker is None, timeout=30_000)
    assert "cancelled" in dialog.status.text()
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []
    assert dialog.cancel_button.text() == "Close"


def test_mistakes_are_shown_not_raised(qtbot, dialog, tmp_path):
    click_check(qtbot, dialog.branch_tree, dialog.branch_items["air-strike"])
    assert dialog.checked_branches() == []
    assert not dialog.export_button.isEnabled()
    click_check(qtbot, dialog.branch_tree, dialog.branch_items["baseline"])
    dialog.path_edit.setText(str(tmp_path / "missing" / "r.pdf"))
    qtbot.mouseClick(dialog.export_button, Qt.LeftButton)
    assert dialog.worker is None
    assert "does not exist" in dialog.status.text()


def test_file_menu_export_opens_the_dialog_for_the_selected_branch(qtbot, missiles_ws, tmp_path):
    from PySide6.QtCore import QSettings

    from explorer.ui.export_dialog import ExportReportDialog
    from explorer.ui.main_window import MainWindow

    w = MainWindow(workspace=missiles_ws, settings=QSettings(str(tmp_path / "s.ini"), QSettings.IniFormat))
    qtbot.addWidget(w)
    w.selection.select_branch("no-photos")
    action = w.export_action
    assert action in w.file_menu.actions()
    assert action.shortcut().toString() == "Ctrl+E"
    assert re.sub("[.…]+$", "", action.text().replace("&", "")) == "Export Report"
    action.trigger()
    dialogs = w.findChildren(ExportReportDialog)
    assert len(dialogs) == 1 and dialogs[0].checked_branches() == ["no-photos"]
    dialogs[0].close()


def test_full_chronology_box_tells_a_child_from_the_start(qtbot, dialog, tmp_path):
    """Unticked (the default), a branch whose parent is in the report begins at its fork and refers
    back; ticked with a real click, it is told from the scenario's first event."""
    click_check(qtbot, dialog.branch_tree, dialog.branch_items["strike-contained"])
    dialog.format_box.setCurrentIndex(dialog.format_box.findData("html"))
    texts = {}
    for ticked in (False, True):
        if ticked:
            qtbot.mouseClick(dialog.full_chronology, Qt.LeftButton,
                             pos=QPoint(8, dialog.full_chronology.height() // 2))
        assert dialog.full_chronology.isChecked() is ticked
        out = tmp_path / f"full-{ticked}.html"
        dialog.path_edit.setText(str(out))
        qtbot.mouseClick(dialog.export_button, Qt.LeftButton)
        assert not dialog.full_chronology.isEnabled()  # locked while exporting
        qtbot.waitUntil(lambda: dialog.worker is None, timeout=30_000)
        texts[ticked] = re.sub(r"\s+", " ", parse_html(out).text)
    assert "this history is that of" in texts[False]
    assert "this history is that of" not in texts[True]
    assert len(texts[True]) > len(texts[False])
