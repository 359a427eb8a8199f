"""The one selection every view shares: a branch, an event in it (or gone from it), a cursor date.

Views call `select_branch`, `select_event` and `set_cursor`; they listen to `branchChanged`,
`eventChanged` and `cursorChanged`. Setting the same value again emits nothing, so views can call
back into the selection while reacting to it without loops.
"""
from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QObject, Signal

EventKey = tuple  # (event id, occurrence)


class Selection(QObject):
    branchChanged = Signal(str)
    eventChanged = Signal(object)   # EventKey or None
    cursorChanged = Signal(object)  # datetime.date or None
    pendingChanged = Signal(object)  # the branch id waiting to be computed, or None
    compareChanged = Signal(object)  # branch id or None: what the views compare the branch with

    def __init__(self, parent=None):
        super().__init__(parent)
        self.branch: str = "baseline"
        self.event: EventKey | None = None
        self.cursor: dt.date | None = None
        # `gate(branch_id)` says whether a branch can be shown now; when it cannot, the window is
        # computing it off the GUI thread and selects it (select_pending) once it is ready
        self.gate = None
        self.pending: tuple | None = None  # (branch id, event, cursor) asked for, not yet shown
        self.compare: str | None = None  # None: each branch against its parent

    def _set_pending(self, pending: tuple | None) -> None:
        if pending != self.pending:
            self.pending = pending
            self.pendingChanged.emit(pending[0] if pending else None)

    def select_pending(self, branch_id: str) -> None:
        """The worker finished `branch_id`: show it if it is still the one asked for."""
        if self.pending and self.pending[0] == branch_id:
            bid, event, cursor = self.pending
            self.select_branch(bid, event, cursor)

    def set_compare(self, branch_id: str | None) -> None:
        """Compare the selected branch with another (the timeline's marks, the inspector's differences,
        the world plots and the side-by-side view follow); None goes back to each branch's parent."""
        if branch_id != self.compare:
            self.compare = branch_id
            self.compareChanged.emit(branch_id)

    def against(self) -> str | None:
        """The branch the selected one is compared with: the chosen one, else None (its parent)."""
        return self.compare if self.compare and self.compare != self.branch else None

    def select_branch(self, branch_id: str, event: EventKey | None = None,
                      cursor: dt.date | None = None) -> None:
        """Select a branch, and optionally an event in it (else the event is cleared)."""
        if branch_id != self.branch and self.gate is not None and not self.gate(branch_id):
            self._set_pending((branch_id, event, cursor))
            return
        self._set_pending(None)
        branch_changed = branch_id != self.branch
        event_changed = event != self.event or branch_changed
        self.branch = branch_id
        self.event = event
        if branch_changed:
            self.branchChanged.emit(branch_id)
        if event_changed:
            self.eventChanged.emit(event)
        if cursor is not None:
            self.set_cursor(cursor)

    def select_event(self, event: EventKey | None, cursor: dt.date | None = None) -> None:
        if event is not None:
            event = (event[0], int(event[1]))
        if event != self.event:
            self.event = event
            self.eventChanged.emit(event)
        if cursor is not None:
            self.set_cursor(cursor)

    def set_cursor(self, when: dt.date | None) -> None:
        if when != self.cursor:
            self.cursor = when
            self.cursorChanged.emit(when)
