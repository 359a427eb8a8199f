"""The one selection every view shares: a branch, an event in it (or gone from it), a cursor date,
and the branch it is compared with.

Views call `select_branch`, `select_event`, `set_cursor` and `set_compare`, and listen to `changed`:
one emission per call with everything that call changed (`Change`: a set of BRANCH, EVENT, CURSOR,
COMPARE), so a view redraws once when a click or Back changes the branch, the event and the cursor
together (three separate signals made the world plots and the watch list redraw two or three times a
selection). `branchChanged`, `eventChanged`, `cursorChanged` and `compareChanged` are still emitted,
before `changed`, for listeners that care about one part (the window computing a branch before any
view reads it, actions' enabled state). Setting the same value again emits nothing, so views can call
back into the selection while reacting to it without loops.
"""
from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QObject, Signal

EventKey = tuple  # (event id, occurrence)

BRANCH, EVENT, CURSOR, COMPARE = "branch", "event", "cursor", "compare"
Change = frozenset  # of BRANCH, EVENT, CURSOR, COMPARE: what one call changed


class Selection(QObject):
    branchChanged = Signal(str)
    eventChanged = Signal(object)   # EventKey or None
    cursorChanged = Signal(object)  # datetime.date or None
    pendingChanged = Signal(object)  # the branch id waiting to be computed, or None
    compareChanged = Signal(object)  # branch id or None: what the views compare the branch with
    changed = Signal(object)  # Change: everything one call changed, emitted once after the above

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
            self.changed.emit(Change((COMPARE,)))

    def against(self) -> str | None:
        """The branch the selected one is compared with: the chosen one, else None (its parent)."""
        return self.compare if self.compare and self.compare != self.branch else None

    def select_branch(self, branch_id: str, event: EventKey | None = None,
                      cursor: dt.date | None = None) -> None:
        """Select a branch, and optionally an event in it (else the event is cleared) and a cursor
        (None leaves the cursor where it is)."""
        self._select(branch_id, event, cursor, cursor is not None)

    def restore(self, branch_id: str, event: EventKey | None, cursor: dt.date | None) -> None:
        """Back/Forward: an earlier step's branch, event and cursor (None too), as one change."""
        self._select(branch_id, event, cursor, True)

    def _select(self, branch_id: str, event: EventKey | None, cursor: dt.date | None, set_cursor: bool) -> None:
        if branch_id != self.branch and self.gate is not None and not self.gate(branch_id):
            self._set_pending((branch_id, event, cursor))
            return
        self._set_pending(None)
        what = set()
        if branch_id != self.branch:
            what.add(BRANCH)
            what.add(EVENT)  # another branch: its event, even the same id, is another firing
        elif event != self.event:
            what.add(EVENT)
        if set_cursor and cursor != self.cursor:
            what.add(CURSOR)
            self.cursor = cursor
        self.branch, self.event = branch_id, event
        self._emit(what)

    def select_event(self, event: EventKey | None, cursor: dt.date | None = None) -> None:
        if event is not None:
            event = (event[0], int(event[1]))
        what = set()
        if event != self.event:
            what.add(EVENT)
            self.event = event
        if cursor is not None and cursor != self.cursor:
            what.add(CURSOR)
            self.cursor = cursor
        self._emit(what)

    def set_cursor(self, when: dt.date | None) -> None:
        if when != self.cursor:
            self.cursor = when
            self._emit({CURSOR})

    def _emit(self, what: set) -> None:
        """The state is complete before anyone hears of it: the one-part signals, then `changed`."""
        if not what:
            return
        if BRANCH in what:
            self.branchChanged.emit(self.branch)
        if EVENT in what:
            self.eventChanged.emit(self.event)
        if CURSOR in what:
            self.cursorChanged.emit(self.cursor)
        self.changed.emit(Change(what))
