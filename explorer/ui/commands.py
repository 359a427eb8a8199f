"""Undoable edits. Every edit is a swap of whole Scenario objects: the new one was built on a copy
(explorer.core.edits) and validated, so undo is setting the old object back. The main window's
`set_scenario` hands each swap to `Workspace.replace_scenario`, which re-propagates only the branches
the edit can reach.
"""
from __future__ import annotations

from PySide6.QtGui import QUndoCommand

from ..core.model import Scenario


def quoted(text: str, limit: int = 40) -> str:
    """A name in the Edit menu's quotes, cut at `limit`; quotes inside it turn single, as the reports
    nest them ('New branch “‘The revolt’ does not happen”', not '““The revolt” does not happen”')."""
    text = " ".join(str(text).split()).replace("“", "‘").replace("”", "’")
    return f"“{text[:limit - 1] + '…' if len(text) > limit else text}”"


class ScenarioCommand(QUndoCommand):
    """Replace the window's scenario; select `after` on redo and `before` on undo.

    `after` / `before` are (branch id, event key or None[, cursor date]): a new branch opens at its fork
    (the cursor there), not wherever the cursor was. The command's text is what the Edit menu shows
    after "Undo" / "Redo".
    """

    def __init__(self, window, old: Scenario, new: Scenario, text: str, *, after=None, before=None):
        super().__init__(text)
        self.window = window
        self.old, self.new = old, new
        sel = window.selection
        self.before = before or (sel.branch, sel.event)
        self.after = after or self.before

    def _apply(self, scenario: Scenario, select) -> None:
        w = self.window
        auth = getattr(w, "authoring", None)
        path = auth.path if auth is not None else w.path
        bid, event, *cursor = select
        cursor = cursor[0] if cursor else None
        if bid not in scenario.branch_ids:
            bid = w.selection.branch if w.selection.branch in scenario.branch_ids else scenario.branch_ids[0]
            event, cursor = None, None
        w.set_scenario(scenario, path=path)
        if event is not None and scenario.event(event[0]) is None:
            event = None
        if cursor is not None and not (scenario.start <= cursor <= scenario.end):
            cursor = None
        if event is not None and cursor is None:  # the cursor goes with the selected event: an edit that
            # moved it (a rule's delay) left the cursor, and the world shown at it, on the old date
            tl = w.history.try_timeline(bid) if w.history is not None else None
            f = tl.firing(*event) if tl is not None else None
            cursor = f.date if f is not None else None
        w.selection.select_branch(bid, event, cursor=cursor)
        if auth is not None:
            auth.edited()

    def redo(self) -> None:
        self._apply(self.new, self.after)

    def undo(self) -> None:
        self._apply(self.old, self.before)
