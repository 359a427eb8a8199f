"""Branches computed off the GUI thread: one worker thread with a Workspace copy of its own.

The window hands it a job — a snapshot of its Workspace (`Workspace.copy()`: same scenario and
program, the timelines computed so far) and the branches wanted, most wanted first — and keeps
answering clicks and painting meanwhile. For each branch the worker computes the path from the
baseline, the branch's diff against its parent, and emits them; the window adopts them into its own
Workspace (`Workspace.adopt`) only if they still belong to the scenario it shows. A new job replaces
the one running (between two branches: a run is never interrupted midway), so the branch the user
clicked last is always next.
"""
from __future__ import annotations

import gc
import sys
import threading
from dataclasses import dataclass

from PySide6.QtCore import QThread, Signal

from ..core.errors import ExplorerError
from ..core.gcpause import paused_gc


SWITCH_INTERVAL = 0.0005  # seconds


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

    def stop(self) -> None:
        with self._cv:
            self._quit = True
            self._job = None
            self._cv.notify()
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
            # The GUI thread takes the interpreter lock back after at most this long, not the default
            # 5 ms: every call from Qt into Python (a paint, a model's data()) would wait that long.
            switch = sys.getswitchinterval()
            sys.setswitchinterval(SWITCH_INTERVAL)
            try:
                with paused_gc():
                    path = [b.id for b in ws.path(bid)]
                    timelines = [ws.timeline(b) for b in path]
                    diff = ws.diff(bid) if ws.branch(bid).parent else None
                result = Computed(number, bid, timelines, diff)
            except ExplorerError as e:
                result = Computed(number, bid, [], None, str(e))
            except Exception as e:  # noqa: BLE001 - shown to the user, never lost in a thread
                result = Computed(number, bid, [], None, f"{type(e).__name__}: {e}")
            finally:
                sys.setswitchinterval(switch)
            # a computed history lives as long as its scenario: keep the collector off its objects
            gc.freeze()
            self.computed.emit(result)
