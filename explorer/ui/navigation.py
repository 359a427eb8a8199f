"""Back and Forward through what the reader looked at, as in a web browser.

Every selection of another branch or event is a step (the cursor moving alone is not: it updates the
step it belongs to). Back and Forward restore a step's branch, event and cursor through the one
Selection, as one change, so every view follows and redraws once. Steps whose branch no longer exists
(after an edit) are skipped.
"""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from .selection import Selection

MAX_STEPS = 300


@dataclass
class Step:
    branch: str
    event: tuple | None
    cursor: object = None  # datetime.date or None

    def place(self) -> tuple:
        return self.branch, self.event


class Navigation(QObject):
    changed = Signal()  # can_back / can_forward may have changed

    def __init__(self, selection: Selection, exists=lambda bid: True, parent=None):
        super().__init__(parent)
        self.selection = selection
        self.exists = exists
        self.back_steps: list[Step] = []
        self.forward_steps: list[Step] = []
        self.current = self._now()
        self._restoring = False
        selection.changed.connect(lambda _: self._moved())

    def _now(self) -> Step:
        s = self.selection
        return Step(s.branch, s.event, s.cursor)

    def _moved(self) -> None:
        now = self._now()
        if now.place() == self.current.place():
            self.current.cursor = now.cursor  # the cursor travels with the step it was set in
            return
        if self._restoring:
            self.current = now
            return
        self.back_steps.append(self.current)
        del self.back_steps[:-MAX_STEPS]
        self.forward_steps.clear()
        self.current = now
        self.changed.emit()

    def can_back(self) -> bool:
        return any(self.exists(s.branch) for s in self.back_steps)

    def can_forward(self) -> bool:
        return any(self.exists(s.branch) for s in self.forward_steps)

    def back(self) -> bool:
        return self._go(self.back_steps, self.forward_steps)

    def forward(self) -> bool:
        return self._go(self.forward_steps, self.back_steps)

    def _go(self, source: list[Step], other: list[Step]) -> bool:
        while source:
            step = source.pop()
            if not self.exists(step.branch):
                continue
            other.append(self.current)
            self._restoring = True
            try:
                self.selection.restore(step.branch, step.event, step.cursor)  # one change: one redraw
            finally:
                self._restoring = False
            self.current = Step(step.branch, step.event, self.selection.cursor)
            self.changed.emit()
            return True
        self.changed.emit()
        return False

    def clear(self) -> None:
        self.back_steps.clear()
        self.forward_steps.clear()
        self.current = self._now()
        self.changed.emit()
