"""The Problems pane, as in an IDE: load errors, lint warnings and failing expectations, each a
double-click (or Enter) away from the form of the rule, variable or branch it is about. The checks run
off the GUI thread after every edit; the outline marks each branch ✓ / ✗ and "changes nothing".

The pane only shows what the core says (core/lint.py, core/expectations.py); it decides nothing.
"""
from __future__ import annotations

import io
import multiprocessing
import os
import pickle
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QHeaderView, QLabel, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from . import style
from .background import CancellableWorker

PASS, FAIL, NOOP = "✓", "✗", "changes nothing"


@dataclass
class Row:
    """One line of the pane: severity, text, where in the file, and what a double-click opens."""

    severity: str  # error | warning | failed
    message: str
    where: str  # "line:col" in the file, or ""
    code: str  # a lint code, "expect", or "load"
    target: tuple | None  # ("event", id) | ("variable", name) | ("branch", id) | None


@dataclass
class Checked:
    rows: list[Row]
    marks: dict  # branch id -> [✓ or ✗, "changes nothing"?]


def check(scenario) -> Checked:
    """Every check of a loaded scenario, as rows and outline marks (runs in a worker thread)."""
    from ..core import Workspace
    from ..core.expectations import check_all
    from ..core.lint import lint, run_problems
    ws = Workspace(scenario)  # its own: the GUI thread's Workspace is not shared across threads
    rows: list[Row] = []
    marks: dict = {}
    problems = run_problems(scenario, ws)
    for p in problems:
        rows.append(Row("error", p.message, _where(p), "run", _branch_of(scenario, p.path)))
    if problems:
        return Checked(rows, marks)
    for w in lint(scenario, ws):
        p = w.problem(scenario)
        rows.append(Row("warning", w.message, _where(p), w.code, w.target))
        if w.code == "noop-divergence":
            marks.setdefault(w.target[1], []).append(NOOP)
    for o in check_all(ws):
        mark = marks.setdefault(o.branch, [])
        if not o.passed:
            why = f": {o.seen}" if o.seen else ""
            rows.append(Row("failed", f"[{o.branch}] expected {o.expectation.text}{why}",
                            f"{o.line}:{o.col}" if o.line else "", "expect", ("branch", o.branch)))
            if FAIL not in mark:
                mark.insert(0, FAIL)
        elif FAIL not in mark and PASS not in mark:
            mark.insert(0, PASS)
    return Checked(rows, marks)


def _where(p) -> str:
    return f"{p.line}:{p.col}" if p.line else ""


def _branch_of(scenario, path: str):
    from ..core.loader import source_of
    src = source_of(scenario)
    for bid, bpath in (src.branch_paths.items() if src else ()):
        if path.startswith(bpath + "."):
            return ("branch", bid)
    return None


# Worlds with more rules than this are checked in a child process. A check runs every branch (minutes
# for 200 branches of 10,000 rules); in a thread it held the interpreter lock between each of the GUI
# thread's calls into Qt, and a warm branch selection took 245 ms of wall time for 56 ms of the GUI
# thread's CPU (87 ms without the check; 12 selections of benchmarks/bench_ui.py's 200-branch
# scenario). Small worlds check in a few ms: a thread, no process to start.
PROCESS_RULES = 2000


def _lowest_priority() -> None:
    """The check's child process yields every CPU to the app (nice 19): it runs every branch for
    minutes, a CPU-bound process beside the GUI thread and the branch worker, and the GUI's turns
    waited behind it for a core (benchmarks/bench_ui.py's cold selections on a 2-core machine)."""
    if hasattr(os, "nice"):
        try:
            os.nice(19)
        except OSError:
            pass


PICKLE_PARTS = 50  # rules (variables, branches) per call of the pickler


def payload(scenario, source) -> bytes:
    """The scenario and its source map for the child, pickled a few rules per call: one
    pickle.dumps of 10,000 rules is one C call of 140-170 ms that holds the interpreter lock, so the
    GUI thread could not run a line of Python meanwhile (a 114-304 ms block inside bench_ui's cold
    selections). Between calls the lock changes hands. One Pickler's memo spans its calls, so the last
    (the scenario itself) refers to the rules written before; `unpayload` reads it back."""
    buf = io.BytesIO()
    pickler = pickle.Pickler(buf, protocol=pickle.HIGHEST_PROTOCOL)
    n = PICKLE_PARTS
    parts = [items[i:i + n] for items in (scenario.events, list(scenario.variables.values()), scenario.branches)
             for i in range(0, len(items), n)]
    pickler.dump(len(parts))
    for part in parts:
        pickler.dump(part)
    pickler.dump((scenario, source))
    return buf.getvalue()


def unpayload(data: bytes) -> tuple:
    """(scenario, source map) from `payload`."""
    unpickler = pickle.Unpickler(io.BytesIO(data))
    for _ in range(unpickler.load()):
        unpickler.load()
    return unpickler.load()


def _check_pickled(data: bytes) -> Checked:
    """`check` in the child process: the scenario with its source map (pickling drops it), so the
    rows carry the same line:col as in the app."""
    scenario, source = unpayload(data)
    if source is not None:
        scenario.__dict__["_source"] = source
    return check(scenario)


class _CheckWorker(CancellableWorker):
    """Parentless, kept alive by `_RUNNING` until it finishes: closing the window while a check runs
    must not destroy a running thread (Qt aborts on that); its result then goes nowhere."""

    def __init__(self, scenario, job: int):
        super().__init__(None)
        self.scenario, self.job = scenario, job

    def work(self):
        if len(self.scenario.events) <= PROCESS_RULES:
            return self.job, check(self.scenario)
        return self.job, self._in_child()

    def _in_child(self) -> Checked:
        from ..core.loader import source_of
        data = payload(self.scenario, source_of(self.scenario))
        # spawn, not fork: the GUI process has Qt's threads running
        with multiprocessing.get_context("spawn").Pool(1, initializer=_lowest_priority) as pool:  # leaving terminates the child
            result = pool.apply_async(_check_pickled, (data,))
            while True:
                self.check()  # cancelled (another scenario, the window closed): the child is ended
                try:
                    return result.get(timeout=0.1)
                except multiprocessing.TimeoutError:
                    continue


_RUNNING: set = set()


class _List(QTreeWidget):
    """The problems' list; empty, it says in words what was checked (an empty table under "Problems
    none" read as if nothing had been checked, or the list had failed to fill)."""

    placeholder = ""

    def paintEvent(self, ev) -> None:
        super().paintEvent(ev)
        if self.topLevelItemCount() == 0 and self.placeholder:
            p = QPainter(self.viewport())
            p.setPen(QColor(style.TEXT_MUTED))
            r = self.viewport().rect().adjusted(12, 10, -12, -10)
            p.drawText(r, Qt.AlignTop | Qt.AlignLeft | Qt.TextWordWrap, self.placeholder)
            p.end()


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


EMPTY = "No problems: the scenario loads, lint has no warnings, and no branch fails an expectation."


class ProblemsPane(QWidget):
    """The list of problems; `opened(target)` when the user asks for the form of one."""

    opened = Signal(object)
    checked = Signal()  # a check finished and the pane shows its result

    COLUMNS = ("", "Problem", "Where", "Code")
    COLORS = {"error": style.TEXT, "warning": style.TEXT, "failed": style.TEXT}

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("problemsPane")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        self.title = QLabel("Problems")
        self.title.setObjectName("paneTitle")
        self.title.setContentsMargins(8, 4, 6, 2)
        lay.addWidget(self.title)
        self.tree = _List(self)
        self.tree.setObjectName("problemsList")
        self.tree.setColumnCount(len(self.COLUMNS))
        self.tree.setHeaderLabels(list(self.COLUMNS))
        self.tree.setRootIsDecorated(False)
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)
        self.tree.itemActivated.connect(self._activated)  # double-click or Enter
        # the message takes the room, the mark, place and code are as wide as they are (the last
        # column, Code, stretched over the pane while the message kept 100 px: "'Trotsky is f…")
        # (sized once per result in `_show`: ResizeToContents would measure every row at each relayout)
        hh = self.tree.header()
        hh.setStretchLastSection(False)
        hh.setSectionResizeMode(1, QHeaderView.Stretch)
        lay.addWidget(self.tree, 1)
        self.rows: list[Row] = []
        self.marks: dict = {}
        self.worker: _CheckWorker | None = None
        self._job = 0

    # --- what to show ------------------------------------------------------------------------------

    def check_later(self, scenario) -> None:
        """Re-check a scenario off the GUI thread; an older check still running is dropped. While the
        window opens, the check waits for its first paint (`window_painted`): it competes with the opening
        for the interpreter lock and, in a big world, pickles the scenario for its child process
        (0.1-0.2 s of CPU before the first paint of a 10,000-rule file)."""
        self._job += 1
        job = self._job
        if self.worker is not None:
            self.worker.cancel()
            self.worker = None
        self.title.setText("Problems <span style='color:%s'>checking…</span>" % style.TEXT_MUTED)
        if not self._opened:
            self._waiting = (scenario, job)
            QTimer.singleShot(1500, self.window_painted)  # a window never shown still gets its check
            return
        self._start(scenario, job)

    _opened = False
    _waiting = None

    def window_painted(self) -> None:
        """The window has painted once: run the check that waited for it."""
        self._opened = True
        waiting, self._waiting = self._waiting, None
        if waiting is not None and waiting[1] == self._job:
            self._start(*waiting)

    def _start(self, scenario, job: int) -> None:
        w = _CheckWorker(scenario, job)
        w.succeeded.connect(self._succeeded)  # bound slots: dropped by Qt if the pane is gone
        w.failed.connect(self._failed)
        _RUNNING.add(w)
        w.finished.connect(lambda: _RUNNING.discard(w))
        self.worker = w
        w.start()

    def _succeeded(self, result) -> None:
        job, checked = result
        self._done(job, checked)

    def _failed(self, message: str) -> None:
        self._done(self._job, Checked([Row("error", message, "", "check", None)], {}))

    def show_load_errors(self, problems) -> None:
        """A file that does not load: its errors, positioned, and no marks."""
        self._job += 1
        self._show(Checked([Row("error", p.message if not p.path else f"{p.path}: {p.message}",
                                _where(p), "load", None) for p in problems], {}))

    def _done(self, job: int, result: Checked) -> None:
        if job != self._job:
            return  # an older scenario's result
        self.worker = None
        self._show(result)

    def _show(self, result: Checked) -> None:
        self.rows, self.marks = result.rows, result.marks
        self.tree.clear()
        icons = {"error": "⛔", "warning": "⚠", "failed": FAIL}
        for r in self.rows:
            item = QTreeWidgetItem([icons.get(r.severity, ""), r.message, r.where, r.code])
            item.setToolTip(1, r.message)
            if r.severity in ("error", "failed"):
                item.setForeground(0, QColor("#c0392b"))
            self.tree.addTopLevelItem(item)
        self.tree.setHeaderHidden(not self.rows)  # first: a hidden header's labels are not measured
        for c in (0, 2, 3):
            self.tree.resizeColumnToContents(c)
        self.tree.placeholder = EMPTY
        self.tree.viewport().update()
        n = {s: sum(r.severity == s for r in self.rows) for s in ("error", "warning", "failed")}
        parts = [_count(n["error"], "error", "errors") if n["error"] else "",  # not "1 errors"
                 f"{n['failed']} failed" if n["failed"] else "",
                 _count(n["warning"], "warning", "warnings") if n["warning"] else ""]
        summary = ", ".join(p for p in parts if p) or "none"
        self.title.setText(f"Problems <span style='color:{style.TEXT_MUTED}; font-weight:normal'>"
                           f"{summary}</span>")
        self.checked.emit()

    def _activated(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        row = self.rows[self.tree.indexOfTopLevelItem(item)]
        if row.target is not None:
            self.opened.emit(row.target)


class _FirstPaint(QObject):
    """Tells the pane when the window first painted (then a turn later, the frame done), once."""

    def __init__(self, window, pane):
        super().__init__(window)
        self.pane = pane

    def eventFilter(self, obj, ev) -> bool:
        if ev.type() == QEvent.Paint:
            obj.removeEventFilter(self)
            QTimer.singleShot(0, self.pane.window_painted)
        return False


def install_problems(window) -> ProblemsPane:
    """The pane as a dock of `window` (tabbed with the timeline), re-checking whenever the window
    installs a scenario, marking the outline, and opening forms through the window's authoring."""
    pane = ProblemsPane(window)
    dock = window._dock("Problems", "problemsDock", pane, Qt.BottomDockWidgetArea)  # noqa: SLF001
    window.tabifyDockWidget(window.timeline_dock, dock)
    window.timeline_dock.raise_()
    window.problems, window.problems_dock = pane, dock
    window.scenarioInstalled.connect(lambda: pane.check_later(window.workspace.scenario))
    window.installEventFilter(_FirstPaint(window, pane))
    window.scenarioFailed.connect(pane.show_load_errors)

    def marks() -> None:
        window.outline.set_marks({b: "  ".join(m) for b, m in pane.marks.items()})
    pane.checked.connect(marks)

    def open_form(target) -> None:
        auth = getattr(window, "authoring", None)
        if auth is None:
            return
        kind, name = target
        if kind == "event" and auth.scenario.event(name) is not None:
            auth.edit_rule(name)
        elif kind == "variable":
            auth.edit_variable(name)
        elif kind == "branch" and name != "baseline":
            auth.edit_branch(name)
    pane.opened.connect(open_form)
    if window.workspace is not None:
        pane.check_later(window.workspace.scenario)
    return pane
