"""The Analysis pane: a tornado chart of sensitivity and the answers of "How could this happen?".

The main window keeps the pane in a dock tabbed with the world plots, and has View > Analysis
(Ctrl+Shift+A) and "How could this happen?" on the event context menu. Work runs in a `CancellableWorker` on a deep copy of the scenario
(the live Workspace is not thread-safe) with progress and cancel; the core does everything
(core/sensitivity.py, core/search.py). A bar's context menu, and each search result's Fork button,
fork that branch through the authoring undo stack, as What if… does.
"""
from __future__ import annotations

import copy

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtWidgets import (QFormLayout, QHBoxLayout, QLabel, QLineEdit, QListWidget,
                               QListWidgetItem, QMenu, QProgressBar, QPushButton, QSpinBox, QVBoxLayout,
                               QWidget)

from ..core.edits import fork
from ..core.errors import ExplorerError
from . import style
from .graphics import discard
from .background import CancellableWorker, RunsWorker

BARS = 15  # bars in the tornado chart
LABEL_CHARS = 48
SEARCH_TIMEOUT = 60.0


class AnalysisWorker(CancellableWorker):
    def __init__(self, job: str, scenario, branch: str, goal: str, runs: int, seed: int, parent=None,
                 scheduler: str | None = None):
        super().__init__(parent)
        self.job, self.scenario, self.branch, self.goal, self.runs, self.seed = job, scenario, branch, goal, runs, seed
        self.scheduler = scheduler or None  # sampled runs on a Dask cluster instead of this process

    def work(self):
        from ..core.search import search  # imported on use: off the window's start-up
        from ..core.sensitivity import sensitivity
        if self.job == "sensitivity":
            return sensitivity(self.scenario, self.branch, self.goal, runs=self.runs, seed=self.seed,
                               progress=self.report, scheduler=self.scheduler)
        return search(self.scenario, self.branch, self.goal, runs=self.runs, seed=self.seed,
                      timeout=SEARCH_TIMEOUT, progress=self.report, scheduler=self.scheduler)


def _short(text: str, n: int = LABEL_CHARS) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


class Tornado(pg.PlotWidget):
    """Horizontal bars, largest effect on top, centred on zero; whiskers for 95% intervals."""

    def __init__(self, pane):
        super().__init__()
        self.pane = pane
        self.setObjectName("tornado")
        self.setBackground(style.BACKGROUND)
        self.setMenuEnabled(False)
        self.setMouseEnabled(x=False, y=False)
        self.hideButtons()
        self.showGrid(x=True, y=False, alpha=0.2)
        self.effects: list = []
        self.items: list = []
        self.addItem(pg.InfiniteLine(0, angle=90, pen=pg.mkPen("#888", width=1)))
        self.scene().sigMouseClicked.connect(self._clicked)

    def set_effects(self, effects: list, sampled: bool) -> None:
        for it in self.items:
            discard(self, it)
        self.items = []
        self.effects = effects[:BARS]
        n = len(self.effects)
        ax = self.getAxis("left")
        if not n:
            ax.setTicks([[]])
            return
        ys = np.arange(n)[::-1].astype(float)  # the largest on top
        sizes = np.array([e.size for e in self.effects], dtype=float)
        brushes = [pg.mkBrush(style.ACCENT if s >= 0 else "#c0392b") for s in sizes]
        bars = pg.BarGraphItem(x0=np.minimum(sizes, 0), y=ys, height=0.7, width=np.abs(sizes), brushes=brushes,
                               pen=pg.mkPen(None))
        self.addItem(bars)
        self.items.append(bars)
        if sampled:
            lo = np.array([e.ci[0] for e in self.effects])
            hi = np.array([e.ci[1] for e in self.effects])
            err = pg.ErrorBarItem(x=sizes, y=ys, left=sizes - lo, right=hi - sizes, beam=0.25,
                                  pen=pg.mkPen("#333", width=1))
            self.addItem(err)
            self.items.append(err)
        ax.setTicks([[(float(y), _short(e.candidate.words)) for y, e in zip(ys, self.effects)]])
        span = max(float(np.abs(sizes).max()), 1e-9)
        if sampled:
            span = max(span, float(np.abs(np.concatenate([lo, hi])).max()))
        self.setXRange(-span * 1.05, span * 1.05, padding=0)
        self.setYRange(-0.6, n - 0.4, padding=0)

    def bar_at(self, scene_pos) -> int | None:
        """The index (into `effects`) of the bar under a scene position, or None."""
        if not self.effects:
            return None
        p = self.getViewBox().mapSceneToView(scene_pos)
        row = round(len(self.effects) - 1 - p.y())
        if 0 <= row < len(self.effects) and abs((len(self.effects) - 1 - row) - p.y()) <= 0.4:
            return row
        return None

    def bar_center(self, i: int) -> QPoint:
        """Where bar `i` is, in the viewport's coordinates (for tests)."""
        e = self.effects[i]
        y = len(self.effects) - 1 - i
        scene = self.getViewBox().mapViewToScene(QPointF(e.size / 2 if e.size else 0.0, y))
        return self.mapFromScene(scene)

    def _clicked(self, ev) -> None:
        if ev.button() != Qt.RightButton:
            return
        i = self.bar_at(ev.scenePos())
        if i is None:
            return
        ev.accept()
        self.pane.bar_menu(i, ev.screenPos().toPoint())


class AnalysisPane(RunsWorker, QWidget):
    def __init__(self, main_window):
        super().__init__()
        self.w = main_window
        self.setObjectName("analysisPane")
        self.worker: AnalysisWorker | None = None
        self.result = None
        self.menu: QMenu | None = None
        self._source = None
        self._branch = None

        self.goal_edit = QLineEdit()
        self.goal_edit.setObjectName("goal")
        self.goal_edit.setPlaceholderText('a condition or number, e.g. trotsky.alive')
        self.goal_edit.returnPressed.connect(self.run_sensitivity)
        self.runs_box = QSpinBox()
        self.runs_box.setObjectName("runs")
        self.runs_box.setRange(0, 100_000)
        self.runs_box.setSpecialValueText("likely history only")
        self.runs_box.setToolTip("0: the likely history; N: the change in P(goal) over N sampled runs")
        self.scheduler_edit = QLineEdit(main_window.settings.value("analysis/scheduler", "", type=str))
        self.scheduler_edit.setObjectName("scheduler")
        self.scheduler_edit.setPlaceholderText("this computer (or a Dask scheduler, tcp://HOST:PORT)")
        self.scheduler_edit.setToolTip("Where sampled runs go: empty for this computer, or the address of a "
                                       "Dask distributed scheduler (the same seeds give the same numbers)")
        self.scheduler_edit.editingFinished.connect(
            lambda: main_window.settings.setValue("analysis/scheduler", self.scheduler_edit.text().strip()))
        self.branch_label = QLabel()
        self.branch_label.setObjectName("branch")
        self.sens_button = QPushButton("Sensitivity")
        self.sens_button.setObjectName("sensitivity")
        self.sens_button.setToolTip("Rank every single divergence by its effect on the goal")
        self.search_button = QPushButton("How could this happen?")
        self.search_button.setObjectName("search")
        self.search_button.setToolTip("Find small sets of divergences that make the goal true")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setObjectName("cancel")
        self.sens_button.clicked.connect(self.run_sensitivity)
        self.search_button.clicked.connect(self.run_search)
        self.cancel_button.clicked.connect(self.cancel)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.status = QLabel("")
        self.status.setObjectName("status")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.PlainText)
        self.tornado = Tornado(self)
        self.results = QListWidget()
        self.results.setObjectName("results")

        form = QFormLayout()
        form.addRow("Goal:", self.goal_edit)
        form.addRow("From:", self.branch_label)
        form.addRow("Runs:", self.runs_box)
        form.addRow("Run on:", self.scheduler_edit)
        buttons = QHBoxLayout()
        buttons.addWidget(self.sens_button)
        buttons.addWidget(self.search_button)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        lay = QVBoxLayout(self)
        title = QLabel("Analysis")
        title.setObjectName("paneTitle")
        lay.addWidget(title)
        lay.addLayout(form)
        lay.addLayout(buttons)
        lay.addWidget(self.progress)
        lay.addWidget(self.status)
        lay.addWidget(self.tornado, 3)
        lay.addWidget(self.results, 2)
        lay.addStretch(0)  # with no chart or list yet, the form stays at the top instead of spreading out
        # nothing to draw before a run: empty axes (-0.4..0.4 by 0..1) read as a result; the status says
        # what the two buttons do instead, and the progress bar appears with the first run
        self.results.hide()
        self.tornado.hide()
        self.progress.hide()
        self._set_status("Write a goal, then Sensitivity ranks single divergences from this branch by their "
                         "effect on it, and How could this happen? looks for small sets that make it true.")
        main_window.selection.branchChanged.connect(lambda _: self._update_state())
        main_window.scenarioInstalled.connect(self._update_state)  # made before any scenario is open
        self._update_state()

    # --- state --------------------------------------------------------------------------------------

    def _update_state(self) -> None:
        running = self.worker is not None
        ws = self.w.workspace
        bid = self.w.selection.branch
        if ws is not None and ws.scenario.branch(bid) is not None:
            self.branch_label.setText(self._label(bid))
            self.branch_label.setToolTip(f"branch id: {bid}")
        for b in (self.sens_button, self.search_button):
            b.setEnabled(not running and ws is not None)
        self.cancel_button.setEnabled(running)
        for w in (self.goal_edit, self.runs_box, self.scheduler_edit):
            w.setEnabled(not running)

    def _label(self, bid: str) -> str:
        """A branch as the reader knows it: its label (its id is for authors, in the tooltip)."""
        ws = self.w.workspace
        return (ws.branch(bid).label if ws is not None and ws.has_branch(bid) else "") or bid

    def _set_status(self, text: str, error: bool = False) -> None:
        self.status.setText(text)
        self.status.setStyleSheet("color: #a4161a;" if error else "")

    # --- running -------------------------------------------------------------------------------------

    def run_sensitivity(self) -> bool:
        return self._start("sensitivity")

    def run_search(self) -> bool:
        return self._start("search")

    def ask_how(self, event_id: str) -> bool:
        """"How could this happen?" for an event: search for sets that make it happen (or not, if it did)."""
        ws = self.w.workspace
        if ws is None:
            return False
        happened = ws.timeline(self.w.selection.branch).happened(event_id)
        self.goal_edit.setText(f'not happened("{event_id}")' if happened else f'happened("{event_id}")')
        self.w.show_analysis()
        return self.run_search()

    def _start(self, job: str) -> bool:
        ws = self.w.workspace
        goal = self.goal_edit.text().strip()
        if self.worker is not None or ws is None:
            return False
        if not goal:
            self._set_status("Write a goal first, e.g. trotsky.alive", error=True)
            return False
        self._branch = self.w.selection.branch
        self._source = ws.scenario
        self.result = None
        self.progress.setValue(0)
        self.progress.show()
        runs = self.runs_box.value()
        what = "Ranking single divergences" if job == "sensitivity" else "Searching for ways"
        self._set_status(f"{what} from {self._label(self._branch)} for {goal}" + (f" over {runs} runs" if runs else "") + "…")
        scheduler = self.scheduler_edit.text().strip() if runs else None
        self.worker = AnalysisWorker(job, copy.deepcopy(ws.scenario), self._branch, goal, runs, 0, parent=self,
                                     scheduler=scheduler)
        self.worker.progressed.connect(lambda p, _m: self.progress.setValue(p))
        self.worker.succeeded.connect(self._done)
        self.worker.failed.connect(lambda m: (self.progress.setValue(0), self._set_status(m, error=True)))
        self.worker.cancelled.connect(lambda: (self.progress.setValue(0), self._set_status("Cancelled.")))
        self.worker.finished.connect(self._finished)
        self._update_state()
        self.worker.start()
        return True

    def _finished(self) -> None:
        if self.worker is not None:
            self.worker.deleteLater()
        self.worker = None
        self._update_state()

    def _done(self, result) -> None:
        self.progress.setValue(100)
        self.result = result
        if hasattr(result, "effects"):
            self._show_sensitivity(result)
        else:
            self._show_search(result)

    def _show_sensitivity(self, s) -> None:
        self.results.hide()
        self.tornado.show()
        shown = [e for e in s.effects if e.size or e.delta]
        self.tornado.set_effects(shown, sampled=bool(s.runs))
        value = ("true" if s.base_value else "false") if isinstance(s.base_value, bool) else f"{s.base_value:g}"
        extra = f"; P(goal) {s.base_mean:.3f} over {s.runs} runs" if s.runs and s.kind == "condition" else \
            (f"; mean {s.base_mean:.3f} over {s.runs} runs" if s.runs else "")
        self._set_status(f"{s.goal.source} is {value} in {self._label(s.branch)}{extra}. {len(shown)} of {len(s.effects)} "
                         f"divergences change it; the {min(BARS, len(shown))} largest are drawn. "
                         "Right-click a bar to fork that branch.")

    def _show_search(self, r) -> None:
        self.tornado.hide()
        self.results.show()
        self.results.clear()
        for i, f in enumerate(r.results):
            item = QListWidgetItem()
            row = QWidget()
            row.setObjectName(f"result{i}")
            h = QHBoxLayout(row)
            h.setContentsMargins(4, 2, 4, 2)
            if f.mean is not None:
                head = f"P → {f.mean:.2f} ({f.mean_delta:+.2f})"
            else:
                head = f"goal {'true' if f.value is True else f.value}"
            text = QLabel(f"<b>{head}</b> — " + "<br>".join(_esc(w) for w in f.words))
            text.setWordWrap(True)
            text.setToolTip("First changes:\n" + "\n".join(f.first_changes))
            button = QPushButton("Fork")
            button.setObjectName("fork")
            button.setToolTip("Add this as a branch (undoable)")
            button.clicked.connect(lambda _=False, found=f: self.fork(found.divergences(), f"How could: {found.label()}"))
            h.addWidget(text, 1)
            h.addWidget(button)
            item.setSizeHint(row.sizeHint())
            self.results.addItem(item)
            self.results.setItemWidget(item, row)
        if r.results:
            self._set_status(f"{len(r.results)} way{'s' if len(r.results) > 1 else ''} found ({r.evaluated} sets "
                             "tried). Fork one to explore it." + (" " + "; ".join(r.notes) if r.notes else ""))
        else:
            self._set_status(f"No way found with at most 2 divergences ({r.evaluated} sets tried)."
                             + (" " + "; ".join(r.notes) if r.notes else ""))

    # --- forking -------------------------------------------------------------------------------------

    def bar_menu(self, i: int, global_pos) -> QMenu:
        e = self.tornado.effects[i]
        m = QMenu(self)
        m.setObjectName("barMenu")
        m.setAttribute(Qt.WA_DeleteOnClose)
        a = m.addAction(f"Fork: {_short(e.candidate.words, 70)}")
        a.setObjectName("forkBar")
        a.triggered.connect(lambda: self.fork([e.candidate.divergence], e.candidate.words))
        self.menu = m
        m.popup(global_pos)
        return m

    def fork(self, divergences, label: str) -> str | None:
        ws = self.w.workspace
        auth = getattr(self.w, "authoring", None)
        if ws is None:
            return None
        try:
            new, bid = fork(ws.scenario, self._branch or self.w.selection.branch, label, divergences)
        except ExplorerError as e:
            self._set_status(f"Cannot fork: {e}", error=True)
            return None
        if auth is not None:
            auth.push(new, f"Fork {label}", after=(bid, None))
        else:
            self.w.set_scenario(new)
            self.w.selection.select_branch(bid)
        self._set_status(f"New branch: {self._label(bid)}.")
        return bid


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
