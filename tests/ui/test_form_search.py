"""A form's long list is a search box (issue 13's look at the app: Edit > New Branch > Add… opened the
scenario's 193 events as one drop-down covering the whole 1280x800 screen, with no way to search)."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from explorer.core import load_scenario
from explorer.ui.forms.divergence import DivergenceForm

TROTSKY = Path(__file__).resolve().parents[2] / "scenarios" / "trotsky_mexico.yaml"


def test_the_event_box_is_searched_by_typing_and_its_list_scrolls(qtbot):
    sc = load_scenario(TROTSKY)
    form = DivergenceForm(sc, "suppress")
    qtbot.addWidget(form)
    form.resize(600, 200)
    form.show()
    qtbot.waitExposed(form)
    box = form.event
    assert box.count() == len(sc.events) > 100
    # the whole list opens as a scrolling list of 16 rows, not a column as tall as the screen
    QTest.mouseClick(box, Qt.LeftButton, pos=QPoint(box.width() - 8, box.height() // 2))  # its arrow
    popup = box.view()
    qtbot.waitUntil(popup.isVisible, timeout=3000)
    assert popup.window().height() <= 17 * popup.sizeHintForRow(0) + 20
    QTest.keyClick(popup, Qt.Key_Escape)
    qtbot.waitUntil(lambda: not popup.isVisible(), timeout=3000)
    # any part of a title narrows a list of matches; arrows and Enter choose one
    box.lineEdit().selectAll()
    QTest.keyClicks(box.lineEdit(), "poison")
    found = box.completer().popup()
    qtbot.waitUntil(found.isVisible, timeout=3000)
    matches = [found.model().index(r, 0).data() for r in range(found.model().rowCount())]
    assert matches and all("poison" in m.lower() for m in matches), matches
    QTest.keyClick(found, Qt.Key_Down)
    QTest.keyClick(found, Qt.Key_Return)
    QApplication.processEvents()
    assert box.currentData() == "lecumberri_poison_plot" and box.currentText().startswith("A poison plot")
    # text that names nothing goes back to the chosen title when the box is left
    box.lineEdit().selectAll()
    QTest.keyClicks(box.lineEdit(), "zzz")
    box.lineEdit().editingFinished.emit()
    assert box.currentData() == "lecumberri_poison_plot" and box.currentText().startswith("A poison plot")
    # a short list stays a plain drop-down
    assert not form.kind.isEditable()


def test_a_fresh_new_branch_dialog_hints_instead_of_scolding(window, qtbot):
    """Edit > New Branch… opened with "give the branch a label" in red before anything was typed; what a
    form still needs is a neutral hint (Save stays disabled), a real mistake stays red; the id the
    label makes is shown as it is typed (the box said only "made from the label")."""
    from explorer.ui.forms.widgets import ERROR_CSS, TODO_CSS
    dlg = window.authoring.new_branch()
    qtbot.waitExposed(dlg)
    assert dlg.error.isVisible() and dlg.error.text() == "give the branch a label"
    assert dlg.error.styleSheet() == TODO_CSS and not dlg.ok_button.isEnabled()
    QTest.keyClicks(dlg.label_edit, "Khrushchev blinks first")
    assert dlg.id_edit.placeholderText() == "khrushchev-blinks-first" and dlg.id_edit.text() == ""
    assert dlg.error.text().startswith("a branch needs at least one divergence")
    assert dlg.error.styleSheet() == TODO_CSS
    QTest.keyClicks(dlg.id_edit, "bad id!")  # a mistake: red
    dlg.divs.append(next(d for b in window.workspace.scenario.branches for d in b.divergences))
    dlg._fill()
    assert dlg.error.styleSheet() == ERROR_CSS and not dlg.ok_button.isEnabled()
    dlg.reject()
