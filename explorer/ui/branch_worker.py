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

import threading
from dataclasses import dataclass, field

from PySide6.QtCore import QCoreApplication, QObject, QThread, QTimer, Signal

from ..core.errors import ExplorerError
from ..core.gcpause import paused_gc
from .background import StepAside, gui_first, stop_at_exit
from .history import lane_marks
from .timeline_rows import build_rows, read_rows


@dataclass
class Computed:
    """What the worker found for one branch: its path's timelines (baseline first) and its diff."""

    job: int
    branch: str
    timelines: list
    diff: object  # Diff against the parent, None for the baseline
    error: str | None = None
    # the diffs of the path's other branches the window did not have: the map marks every lane
    # against its parent, and a diff worked out on the GUI thread held it 25-75 ms (10,000 rules)
    diffs: dict = field(default_factory=dict)
    reading: list | None = None  # the timeline's rows (timeline_view.read_rows) of a branch asked for
    # and its rows against its parent (timeline_view.build_rows): the table's model, ready to install
    built: tuple | None = None
    marks: dict = field(default_factory=dict)  # the map's marks (history.lane_marks) of the new diffs' lanes


class BranchWorker(QThread):
    computed = Signal(object)  # Computed
    idle = Signal(int)  # the job number that finished its list

    def __init__(self, parent=None):
        super().__init__(parent)
        self._cv = threading.Condition()
        self._job: tuple | None = None  # (number, workspace copy, branch ids, ids whose diff the window has)
        self._number = 0
        self._quit = False
        # constructed on the GUI thread: the worker waits while that thread works (background.StepAside)
        self.step_aside = StepAside(threading.get_ident(), lambda: self._quit, threading.get_native_id())
        stop_at_exit(self, self._ask_quit)

    def submit(self, workspace, branch_ids: list[str], known_diffs=(), read=()) -> int:
        """Compute `branch_ids` in this order on `workspace` (a copy the worker may keep), with the
        diffs of their paths' branches not in `known_diffs`, and the timeline's rows of those in `read`
        (the branches a user waits for); returns the job's number, which every result carries."""
        with self._cv:
            self._number += 1
            self._job = (self._number, workspace, list(branch_ids), set(known_diffs), set(read))
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
            number, ws, ids, known, read = self._job
            return number, ws, ids.pop(0), known, read

    def run(self) -> None:
        while True:
            item = self._next()
            if item is None:
                return
            number, ws, bid, known, read = item
            # the GUI thread takes the interpreter lock back quickly (background.gui_first); a computed
            # history lives as long as its scenario, so what the run made is frozen out of the
            # collector before it is re-enabled (freeze=True): else the first collection after it
            # scanned it all, holding the interpreter lock (and the GUI) 30-180 ms on 10,000 rules
            # and the worker steps aside while the GUI thread works: inside each run (Workspace.pause,
            # every few hundred engine steps) and between the parts of a branch (runs, diffs, rows)
            pause = ws.pause = self.step_aside
            pause()
            try:
                with gui_first(), paused_gc(freeze=True):
                    result = work_branch(number, ws, bid, known, bid in read, pause)
                pause()
            except ExplorerError as e:
                result = Computed(number, bid, [], None, str(e))
            except Exception as e:  # noqa: BLE001 - shown to the user, never lost in a thread
                result = Computed(number, bid, [], None, f"{type(e).__name__}: {e}")
            self.computed.emit(result)


def work_branch(job: int, ws, bid: str, known: set, read: bool, pause) -> Computed:
    """What the worker does for one branch on its Workspace copy `ws` (whose `pause` is `pause`): the
    path's timelines, the diffs of the path's branches not in `known` (which it updates), and the
    timeline's rows when `read`. `pause` is called between the parts and inside each (the runs, the
    diffs, the rows: about every millisecond), never more than a few milliseconds apart."""
    path = [b.id for b in ws.path(bid)]
    timelines = [ws.timeline(b) for b in path]
    diffs = {}
    for b in path[1:]:
        if b not in known:
            pause()
            diffs[b] = ws.diff(b)
    known.update(diffs)
    diff = diffs.get(bid) if ws.branch(bid).parent else None
    if diff is None and ws.branch(bid).parent:
        pause()
        diff = ws.diff(bid)
    marks = {}
    for b, d in [(bid, diff)] + list(diffs.items()):
        if b not in marks:
            pause()
            marks[b] = lane_marks(ws.timeline(b), ws.divergence_date(b) if ws.branch(b).parent else None, d, pause)
    pause()
    reading = built = None
    if read:
        tl, parent = timelines[-1], ws.branch(bid).parent
        reading = read_rows(tl, pause)
        pause()
        built = build_rows(tl, diff, reading, (ws.branch(parent).label or parent) if parent else "", pause)
    return Computed(job, bid, timelines, diff, diffs=diffs, reading=reading, built=built, marks=marks)


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
        h = self.w.history
        known = [b for b in h.branch_ids if h.has_diff(b)] if h is not None else []
        self.job = self.worker.submit(self.w.workspace.copy(), ids, known, first)

    def stop(self) -> None:
        if self.worker is not None:
            self.worker.stop()

    def _on_computed(self, computed: Computed) -> None:
        w = self.w
        h, sel = w.history, w.selection
        self._views_stale = True  # a lane computed, or one that cannot be
        if h is None or not h.adopt(computed):
            if h is not None and computed.error is not None and sel.pending and sel.pending[0] == computed.branch:
                sel.select_pending(computed.branch)  # shows why it cannot be computed
            return
        self.adopted += 1
        if computed.reading is not None and computed.timelines:
            w.timeline.model.keep_reading(computed.timelines[-1], computed.reading)
        if computed.built is not None:
            w.timeline.model.keep_built(h, computed.branch, computed.built)
        if sel.pending and sel.pending[0] == computed.branch:
            self._hold_lanes()
            sel.select_pending(computed.branch)
            self._refresh_soon()
        elif self.adopted % 8 == 0:
            self._refresh_soon()

    _refresh_due = False
    _views_stale = False  # branches adopted since the map and the outline were last refreshed
    REFRESH_AFTER = 1  # ms

    def _refresh_soon(self) -> None:
        """The map's and the outline's new marks and order, after the branch is shown and painted, in
        a turn of the event loop of their own: a timer, not a zero-timeout call, which Qt delivers
        with the posted events of the same pass, so the show, its paint, these and their paint were
        one block (45 ms of GUI CPU, measured with benchmarks/bench_ui.py at load 7)."""
        if not self._refresh_due:
            self._refresh_due = True
            QTimer.singleShot(self.REFRESH_AFTER, self._refresh_views)

    def _refresh_views(self) -> None:
        self._refresh_due = self._views_stale = False
        self._hold(self.w.branch_map, self.w.outline)  # (as they are adopted in the background too)
        try:
            if self.w.history is not None:
                self.w.branch_map.refresh()
                self.w.outline.refresh()
                self.w.inspector.forks_known()  # its "Branches from here" in fork-date order
        finally:
            self._release_next()

    _held: list = []  # the views whose paint waits (`_hold_lanes`), in the order they are released

    def _hold_lanes(self) -> None:
        """The views a cold selection repaints whole, beside the timeline, paint in turns of their own
        after the show's: the inspector with the refresh of the map's and the outline's marks and
        order, then the map, then the outline (a 1 ms timer apart), each once. The map and the
        outline had painted twice, in the show's turn and again when refreshed, and everything in the
        show's turn made it the longest block of a cold selection (bench_ui, 200 branches of 10,000
        rules: the selection's 5 ms and a paint of ~20 ms of GUI CPU, the map's 7, the outline's 3-4,
        the inspector's ~4; on a busy machine each ms of GUI work costs 2-4 of wall time). Their
        handlers still run now (the page written, scrolling, the current row); only the paints wait,
        a few milliseconds in all. A refresh alone (branches adopted in the background) paints the
        map and then the outline in the same way."""
        self._hold(self.w.inspector, self.w.branch_map, self.w.outline)

    def _hold(self, *views) -> None:
        held = [v for v in views if v.updatesEnabled() and v not in self._held]
        for v in held:
            v.setUpdatesEnabled(False)
        self._held = self._held + held

    def _release_next(self) -> None:
        """Lets the first held view paint (it repaints whole), the next one a turn later."""
        while self._held:
            v, self._held = self._held[0], self._held[1:]
            try:
                if hasattr(v, "executeDelayedItemsLayout"):  # an item view (the outline) reset meanwhile:
                    v.executeDelayedItemsLayout()  # its layout now, not in a paint of its own later
                v.setUpdatesEnabled(True)
            except RuntimeError:  # the window is gone
                continue
            if self._held:
                QTimer.singleShot(self.REFRESH_AFTER, self._release_next)
            return

    def _on_idle(self, job: int) -> None:
        w = self.w
        if job != self.job or w.history is None:
            return
        pending = w.selection.pending
        if pending and w.history.has_branch(pending[0]) and not w.history.ready(pending[0]):
            self.submit([pending[0]])  # its result was stale (an edit came between): ask again
            return
        if self._views_stale and not self._refresh_due:  # (a refresh on its way does it)
            self._refresh_views()
        if self.adopted:
            w.statusBar().showMessage(f"All {len(w.history.branch_ids)} branches computed", 5000)

    def pending_status(self, bid) -> None:
        w = self.w
        h = w.history
        if bid is None or h is None or not h.has_branch(bid):
            if h is not None:
                w._branch_status(w.selection.branch)  # noqa: SLF001 - the window's own status line
            return
        w.set_branch_status(h.label(bid), "computing…")
        w.status_timing.setText("")

