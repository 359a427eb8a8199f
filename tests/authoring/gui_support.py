"""Real-input helpers for the authoring GUI tests: click rows, right-click, pick menu entries, fill forms."""
from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtWidgets import QApplication, QComboBox, QDialog, QMenu, QMessageBox

EVENT_COL = 2


def row_rect(w, event_id: str, occurrence: int = 1):
    t = w.timeline.table
    row = w.timeline.model.row_of((event_id, occurrence))
    assert row >= 0, f"{event_id} is not in the timeline"
    idx = w.timeline.model.index(row, EVENT_COL)
    t.scrollTo(idx)
    return t.visualRect(idx)


def click_event(qtbot, w, event_id: str, occurrence: int = 1) -> None:
    qtbot.mouseClick(w.timeline.table.viewport(), Qt.LeftButton, pos=row_rect(w, event_id, occurrence).center())
    assert w.selection.event == (event_id, occurrence)


def right_click_event(qtbot, w, auth, event_id: str) -> QMenu:
    """Right-click a timeline row (a real context-menu event on the table) and return the menu."""
    vp = w.timeline.table.viewport()
    pos = row_rect(w, event_id).center()
    qtbot.mouseClick(vp, Qt.LeftButton, pos=pos)
    QApplication.sendEvent(vp, QContextMenuEvent(QContextMenuEvent.Mouse, pos, vp.mapToGlobal(pos)))
    qtbot.waitUntil(lambda: auth.menu is not None and auth.menu.isVisible())
    return auth.menu


def right_click_lane(qtbot, w, auth, bid: str, date=None) -> QMenu:
    bm = w.branch_map
    auth.menu = None
    qtbot.mouseClick(bm.plot.viewport(), Qt.RightButton, pos=bm.lane_point(bid, date))
    qtbot.waitUntil(lambda: auth.menu is not None and auth.menu.isVisible())
    return auth.menu


def pick(qtbot, menu: QMenu, name: str) -> None:
    """Click the menu entry whose action has this object name."""
    action = next(a for a in menu.actions() if a.objectName() == name)
    assert action.isEnabled(), f"{name} is disabled"
    qtbot.mouseClick(menu, Qt.LeftButton, pos=menu.actionGeometry(action).center())


def pick_from_button(qtbot, button, name: str) -> None:
    """Click a tool button whose menu pops up modally, then click an entry of that menu."""
    def choose():
        menu = QApplication.activePopupWidget()
        if not isinstance(menu, QMenu):
            QTimer.singleShot(20, choose)
            return
        pick(qtbot, menu, name)
    QTimer.singleShot(20, choose)
    qtbot.mouseClick(button, Qt.LeftButton)


def wait_dialog(qtbot, auth) -> QDialog:
    qtbot.waitUntil(lambda: auth.dialog is not None and auth.dialog.isVisible())
    return auth.dialog


def type_into(qtbot, edit, text: str) -> None:
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClick(edit, Qt.Key_Backspace)
    qtbot.keyClicks(edit, text)


def choose(qtbot, combo: QComboBox, data) -> None:
    """Choose a combo entry with the keyboard, as a user does (focus, then arrow keys)."""
    target = combo.findData(data)
    assert target >= 0, f"{data!r} not offered"
    combo.setFocus()
    while combo.currentIndex() != target:
        qtbot.keyClick(combo, Qt.Key_Down if combo.currentIndex() < target else Qt.Key_Up)


def click_ok(qtbot, dlg) -> None:
    assert dlg.ok_button.isEnabled(), dlg.error.text()
    qtbot.mouseClick(dlg.ok_button, Qt.LeftButton)


def answer_box(qtbot, button_text: str) -> None:
    """Click a button of the next modal message box when it appears."""
    def go():
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, go)
            return
        b = next(x for x in box.buttons() if x.text().replace("&", "") == button_text)
        qtbot.mouseClick(b, Qt.LeftButton)
    QTimer.singleShot(20, go)


def answer_box_capture(qtbot, button_text: str, seen: list) -> None:
    """Like answer_box, and append the box's text (and informative text) to `seen`."""
    def go():
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, go)
            return
        seen.append(box.text() + "\n" + box.informativeText())
        b = next(x for x in box.buttons() if x.text().replace("&", "") == button_text)
        qtbot.mouseClick(b, Qt.LeftButton)
    QTimer.singleShot(20, go)


def menu_action(menu, name: str):
    return next(a for a in menu.actions() if a.objectName() == name)


def outline_menu(qtbot, w, auth, bid: str) -> QMenu:
    """Right-click a branch in the outline."""
    o = w.outline
    idx = o.model().index_of(bid)
    o.scrollTo(idx)
    pos = o.visualRect(idx).center()
    vp = o.viewport()
    auth.menu = None
    QApplication.sendEvent(vp, QContextMenuEvent(QContextMenuEvent.Mouse, pos, vp.mapToGlobal(pos)))
    qtbot.waitUntil(lambda: auth.menu is not None and auth.menu.isVisible())
    assert w.selection.branch == bid
    return auth.menu


def edit_menu_click(qtbot, w, action) -> None:
    """Open the Edit menu from the menu bar and click `action` in it."""
    bar = w.menuBar()
    qtbot.mouseClick(bar, Qt.LeftButton, pos=bar.actionGeometry(w.edit_menu.menuAction()).center())
    qtbot.waitUntil(w.edit_menu.isVisible)
    assert action.isEnabled(), action.text()
    qtbot.mouseClick(w.edit_menu, Qt.LeftButton, pos=w.edit_menu.actionGeometry(action).center())
    qtbot.waitUntil(lambda: not w.edit_menu.isVisible())
