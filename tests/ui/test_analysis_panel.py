"""The Analysis pane: real clicks, work on a worker thread, a tornado chart whose bars fork branches,
"How could this happen?" from an event's context menu with one-click forks, and cancel."""
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMenu



@pytest.fixture
def pane_window(window):
    window.authoring.ask_unsaved = lambda: "discard"  # forks are unsaved edits when the test closes it
    return window, window.analysis_action


def open_pane(w, action):
    assert action in w.view_menu.actions() and action.shortcut().toString() == "Ctrl+Shift+A"
    action.trigger()
    QApplication.processEvents()
    assert w.analysis_dock.isVisible()
    return w.analysis


def type_goal(pane, text):
    pane.goal_edit.clear()
    QTest.keyClicks(pane.goal_edit, text)


def click_menu_item(qtbot, menu: QMenu, name: str):
    qtbot.waitUntil(menu.isVisible, timeout=5000)
    action = next(a for a in menu.actions() if a.objectName() == name)
    QTest.mouseClick(menu, Qt.LeftButton, pos=menu.actionGeometry(action).center())


def test_tornado_bar_forks_its_branch(pane_window, qtbot):
    w, action = pane_window
    pane = open_pane(w, action)
    type_goal(pane, "war")
    QTest.mouseClick(pane.sens_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: pane.worker is None and pane.result is not None, timeout=60_000)
    effects = pane.tornado.effects
    assert effects and all(e.flipped for e in effects)  # `war` is false in the baseline: every bar flips it
    top = effects[0]
    before = set(w.workspace.scenario.branch_ids)
    QTest.mouseClick(pane.tornado.viewport(), Qt.RightButton, pos=pane.tornado.bar_center(0))
    assert pane.menu is not None
    click_menu_item(qtbot, pane.menu, "forkBar")
    qtbot.waitUntil(lambda: len(w.workspace.scenario.branch_ids) == len(before) + 1, timeout=5000)
    (new,) = set(w.workspace.scenario.branch_ids) - before
    assert w.workspace.branch(new).label == top.candidate.words
    assert w.workspace.timeline(new).final_state["war"] is True
    assert w.undo_stack.count() == 1  # undoable, like What if…
    w.undo_stack.undo()
    assert new not in w.workspace.scenario.branch_ids


def test_pane_reads_in_labels_and_draws_no_empty_chart(pane_window, qtbot):
    """Before a run there are no axes to misread; the branch is named by its label, not its id."""
    w, action = pane_window
    pane = open_pane(w, action)
    bid = w.selection.branch
    label = w.workspace.branch(bid).label
    assert label and label != bid
    assert pane.branch_label.text() == label and "[" not in pane.branch_label.text()
    assert not pane.tornado.isVisible() and not pane.progress.isVisible()
    assert "Sensitivity" in pane.status.text()
    # nothing spread down the pane: the form and the hint stay at the top
    pane.resize(pane.width(), 700)
    QApplication.processEvents()
    assert pane.sens_button.geometry().bottom() < pane.height() / 3
    assert 0 <= pane.status.geometry().top() - pane.sens_button.geometry().bottom() < 40
    type_goal(pane, "war")
    QTest.mouseClick(pane.sens_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: pane.worker is None and pane.result is not None, timeout=60_000)
    assert pane.tornado.isVisible() and pane.progress.isVisible()
    assert f"in {label}" in pane.status.text() and f"in {bid}" not in pane.status.text()


def test_how_could_this_happen_from_the_event_menu(pane_window, qtbot):
    w, _ = pane_window
    tv = w.timeline
    row = next(i for i, r in enumerate(tv.model.visible) if r.key[0] == "secret_deal")
    rect = tv.table.visualRect(tv.model.index(row, 1))
    tv.table.customContextMenuRequested.emit(rect.center())  # what a right-click on the row sends
    menu = w.authoring.menu
    click_menu_item(qtbot, menu, "action_how_could")
    pane = w.analysis
    assert pane.goal_edit.text() == 'not happened("secret_deal")'
    qtbot.waitUntil(lambda: pane.worker is None and pane.result is not None, timeout=60_000)
    assert pane.result.results and pane.results.isVisible()
    before = set(w.workspace.scenario.branch_ids)
    first = pane.results.itemWidget(pane.results.item(0))
    QTest.mouseClick(first.findChild(type(pane.sens_button), "fork"), Qt.LeftButton)
    (new,) = set(w.workspace.scenario.branch_ids) - before
    assert not w.workspace.timeline(new).happened("secret_deal")
    assert w.selection.branch == new
    w.undo_stack.undo()  # leave nothing unsaved behind


def test_cancel_stops_a_long_run(pane_window, qtbot):
    w, action = pane_window
    pane = open_pane(w, action)
    type_goal(pane, "war")
    pane.runs_box.setValue(100_000)
    QTest.mouseClick(pane.sens_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: pane.progress.value() > 0 or pane.worker is None, timeout=30_000)
    QTest.mouseClick(pane.cancel_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: pane.worker is None, timeout=30_000)
    assert pane.status.text() == "Cancelled." and pane.result is None


def test_a_bad_goal_is_said_in_the_pane(pane_window, qtbot):
    w, action = pane_window
    pane = open_pane(w, action)
    type_goal(pane, "wra")
    QTest.mouseClick(pane.search_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: pane.worker is None, timeout=30_000)
    assert "unknown" in pane.status.text() and pane.result is None


def test_run_on_a_dask_scheduler_is_a_setting(pane_window, qtbot):
    w, action = pane_window
    pane = open_pane(w, action)
    type_goal(pane, "war")
    pane.runs_box.setValue(5)
    pane.scheduler_edit.clear()
    QTest.keyClicks(pane.scheduler_edit, "tcp://127.0.0.1:9")
    QTest.keyClick(pane.scheduler_edit, Qt.Key_Return)
    assert w.settings.value("analysis/scheduler") == "tcp://127.0.0.1:9"
    QTest.mouseClick(pane.sens_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: pane.worker is None, timeout=60_000)
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in pane.status.text()
