"""Keyboard travel between the window's panes: Tab / Shift+Tab and F6 / Shift+F6.

Tab from a pane's main view (the outline, the branch map, the timeline, the inspector, the world
table) moves to the next pane's view instead of stepping through cells or links; inside a pane the
arrow keys move (rows, lanes, events, links) and Enter follows a why-link. A pane hidden behind a
dock tab is raised when it is reached. The focused view draws a frame in the accent colour (style.py).
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication, QDockWidget, QWidget


class PaneCycler(QObject):
    def __init__(self, window, views: list[QWidget]):
        super().__init__(window)
        self.window = window
        self.views = views
        for v in views:
            v.installEventFilter(self)

    def add(self, view: QWidget, before: QWidget | None = None) -> None:
        """Another pane (a dock added later), in reading order before `before` or at the end."""
        if view in self.views:
            return
        i = self.views.index(before) if before in self.views else len(self.views)
        self.views.insert(i, view)
        view.installEventFilter(self)

    def available(self) -> list[QWidget]:
        out = []
        for v in self.views:
            dock = _dock_of(v)
            if dock is not None and dock.isHidden():
                continue  # closed by the user
            out.append(v)
        return out

    def current(self) -> int:
        views = self.available()
        f = QApplication.focusWidget()
        for i, v in enumerate(views):
            if f is not None and (f is v or v.isAncestorOf(f)):
                return i
        for i, v in enumerate(views):  # a control in the same pane (search box, filters)
            pane = _dock_of(v) or v.parentWidget()
            if f is not None and pane is not None and pane.isAncestorOf(f):
                return i
        return -1

    def step(self, delta: int) -> QWidget | None:
        views = self.available()
        if not views:
            return None
        i = self.current()
        target = views[(i + delta) % len(views)] if i >= 0 else views[0 if delta > 0 else -1]
        self.focus(target)
        return target

    def focus(self, view: QWidget) -> None:
        dock = _dock_of(view)
        if dock is not None:
            dock.raise_()
        view.setFocus(Qt.TabFocusReason)

    def eventFilter(self, obj, ev) -> bool:
        if ev.type() == QEvent.KeyPress and ev.key() in (Qt.Key_Tab, Qt.Key_Backtab) \
                and not ev.modifiers() & (Qt.ControlModifier | Qt.AltModifier):
            back = ev.key() == Qt.Key_Backtab or bool(ev.modifiers() & Qt.ShiftModifier)
            self.step(-1 if back else 1)
            return True
        return False


def _dock_of(w: QWidget) -> QDockWidget | None:
    p = w
    while p is not None:
        if isinstance(p, QDockWidget):
            return p
        p = p.parentWidget()
    return None


class LazyPane:
    """A pane that does its work only while someone can see it: `refresh()` of a hidden pane sets
    `_stale` and returns, and the pane refreshes when it is shown again, whether by Qt (showEvent) or
    by its dock coming to the front of a tab group (`set_shown`; a tabbed dock stays "visible" to Qt).
    Mixed in before QWidget."""

    shown = True  # False while its dock is a tab behind another
    _stale = False

    def put_off(self) -> bool:
        """True, with the pane marked stale, while nobody can see it: `refresh()` returns at once and
        runs again when the pane is shown."""
        if self.shown and self.isVisible():
            return False
        self._stale = True
        return True

    def set_shown(self, shown: bool) -> None:
        self.shown = shown
        if shown and self._stale:
            self.refresh()

    def showEvent(self, ev) -> None:
        super().showEvent(ev)
        if self._stale:
            # a turn later: as the window first shows, a dock behind another's tab gets its showEvent
            # before its visibilityChanged(False), and would build what nobody sees
            QTimer.singleShot(0, self._catch_up)

    def _catch_up(self) -> None:
        try:
            if self._stale and self.shown and self.isVisible():
                self.refresh()
        except RuntimeError:  # deleted meanwhile
            pass
