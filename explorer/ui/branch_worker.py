"""Branches computed off the GUI thread: one worker thread with a Workspace copy of its own.

The window (OffThreadBranches, below) hands it a job — a snapshot of its Workspace (`Workspace.copy()`: same scenario and
program, the timelines computed so far) and the branches wanted, most wanted first — and keeps
answering clicks and painting meanwhile. For each branch the worker computes the path from the
baseline, the branch's diff against its parent, and emits them; the window adopts them into its own
Workspace (`Workspace.adopt`) only if they still belong to the scenario it shows. A new job replaces
the one running (between two branches: a run is never interrupted midway), so the branch the user
clicked last is always next.
"""
from __future__ import annotations

import gc
import threading
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QObject, QThread, Signal

from ..core.errors import ExplorerError
from ..core.gcpause import paused_gc
from .background import gui_first, stop_at_exit


@dataclass
class Computed:
    """What the worker found for one branch: its path's timelines (baseline first) and its diff."""

    job: int
    branch: str
    timelines: list
    diff: object  # Diff against the parent, None for the baseline
    error: str | None = None


class BranchWorker(QThread):
    computed = Signal(object)  # Computed
    idle = Signal(int)  # the job number that finished its list

    def __init__(self, parent=None):
        super().__init__(parent)
        self._cv = threading.Condition()
        self._job: tuple | None = None  # (number, workspace copy, branch ids)
        self._number = 0
        self._quit = False
        stop_at_exit(self, self._ask_quit)

    def submit(self, workspace, branch_ids: list[str]) -> int:
        """Compute `branch_ids` in this order on `workspace` (a copy the worker may keep); returns the
        job's number, which every result carries."""
        with self._cv:
            self._number += 1
            self._job = (self._number, workspace, list(branch_ids))
            self._cv.notify()
            number = self._number
        if not self.isRunning():
            self.start(QThread.LowPriority)
        return number

    def _ask_quit(self) -> None:
        with self._cv:
            self._quit = True
            self._job = None
            self._cv.notify()

    def stop(self) -> None:
        """Finish the branch being computed, then end; returns when the thread has ended."""
        self._ask_quit()
        self.wait(10_000)

    def _next(self):
        with self._cv:
            while self._job is None or not self._job[2]:
                if self._job is not None and not self._job[2]:
                    number = self._job[0]
                    self._job = None
                    self.idle.emit(number)
                    continue
                if self._quit:
                    return None
                self._cv.wait()
            if self._quit:
                return None
            number, ws, ids = self._job
            return number, ws, ids.pop(0)

    def run(self) -> None:
        while True:
            item = self._next()
            if item is None:
                return
            number, ws, bid = item
            # the GUI thread takes the interpreter lock back quickly (background.gui_first)
            try:
                with gui_first(), paused_gc():
                    path = [b.id for b in ws.path(bid)]
                    timelines = [ws.timeline(b) for b in path]
                    diff = ws.diff(bid) if ws.branch(bid).parent else None
                result = Computed(number, bid, timelines, diff)
            except ExplorerError as e:
                result = Computed(number, bid, [], None, str(e))
            except Exception as e:  # noqa: BLE001 - shown to the user, never lost in a thread
                result = Computed(number, bid, [], None, f"{type(e).__name__}: {e}")
            # a computed history lives as long as its scenario: keep the collector off its objects
            gc.freeze()
            self.computed.emit(result)


class OffThreadBranches(QObject):
    """The window's side of it: the selection's gate (`Selection.gate`), the jobs handed to the
    worker, the results adopted into the window's History, "computing…" in the status bar."""

    def __init__(self, window):
        super().__init__(window)
        self.w = window
        self.worker: BranchWorker | None = None  # started on first use
        self.job = 0
        self.adopted = 0
        window.selection.gate = self.ready
        window.selection.pendingChanged.connect(self.pending_status)

    def ready(self, bid: str) -> bool:
        """True when `bid` can be shown now; else ask the worker for it first."""
        w = self.w
        h = w.history
        if h is None or not w.computes_off_thread() or not h.has_branch(bid) or h.ready(bid):
            return True
        if h.error(bid) is not None:
            return True  # it cannot be computed: show that at once
        self.submit([bid])
        return False

    def remaining(self) -> list[str]:
        """Branches not yet ready, those near the selection first."""
        h, sel = self.w.history, self.w.selection
        bid = sel.pending[0] if sel.pending else sel.branch
        order = {b: i for i, b in enumerate(h.rows())}
        near = set(h.ws.subtree(bid)) | {b.id for b in h.ws.path(bid)} if h.has_branch(bid) else set()
        ids = sorted(h.branch_ids, key=lambda b: (b not in near, order.get(b, 0)))
        return [b for b in ids if h.error(b) is None and not h.ready(b)]

    def submit(self, first: list[str]) -> None:
        """Compute `first`, then (when the window warms in the background) every other branch."""
        if self.worker is None:
            self.worker = BranchWorker(self)
            self.worker.computed.connect(self._on_computed)
            self.worker.idle.connect(self._on_idle)
            QCoreApplication.instance().aboutToQuit.connect(self.stop)  # app.quit() without a close
        rest = self.remaining() if self.w.background_warming else []
        ids = first + [b for b in rest if b not in first]
        self.job = self.worker.submit(self.w.workspace.copy(), ids)

    def stop(self) -> None:
        if self.worker is not None:
            self.worker.stop()

    def _on_computed(self, computed: Computed) -> None:
        w = self.w
        h, sel = w.history, w.selection
        if h is None or not h.adopt(computed):
            if h is not None and computed.error is not None and sel.pending and sel.pending[0] == computed.branch:
                sel.select_pending(computed.branch)  # shows why it cannot be computed
            return
        self.adopted += 1
        if sel.pending and sel.pending[0] == computed.branch:
            sel.select_pending(computed.branch)
            w.branch_map.refresh()
            w.outline.refresh()
        elif self.adopted % 8 == 0:
            w.branch_map.refresh()
            w.outline.refresh()

    def _on_idle(self, job: int) -> None:
        w = self.w
        if job != self.job or w.history is None:
            return
        pending = w.selection.pending
        if pending and w.history.has_branch(pending[0]) and not w.history.ready(pending[0]):
            self.submit([pending[0]])  # its result was stale (an edit came between): ask again
            return
        w.branch_map.refresh()
        w.outline.refresh()
        if self.adopted:
            w.statusBar().showMessage(f"All {len(w.history.branch_ids)} branches computed", 5000)

    def pending_status(self, bid) -> None:
        w = self.w
        h = w.history
        if bid is None or h is None or not h.has_branch(bid):
            if h is not None:
                w._branch_status(w.selection.branch)  # noqa: SLF001 - the window's own status line
            return
        w.status_branch.setText(f"<b>{h.label(bid)}</b> · computing…")
        w.status_timing.setText("")

