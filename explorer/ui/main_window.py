"""The main window: branch map, outline, timeline, inspector and world plots over one Workspace.

The window assembles the whole app: its views, the authoring (`authoring`: What if…, forms, saving),
the Analysis pane, and every menu (`window_menus.Menus`) and dock (`window_layout.DockLayout`).
Other parts read `workspace`, `selection`, `undo_stack`, `history` and call `set_scenario(scenario)`.
"""
from __future__ import annotations

import os
import time
from pathlib import Path

from PySide6.QtCore import QEvent, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QApplication, QFileDialog, QLabel, QMainWindow, QMessageBox, QProgressDialog

from ..core import Workspace, load_scenario
from ..core.errors import ExplorerError, ScenarioError
from ..core.gcpause import release_frozen
from ..core.model import Scenario
from . import style
from .authoring import Authoring
from .branch_map import BranchMap
from .branch_worker import OffThreadBranches
from .causes_view import CausesView
from .compare_view import CompareView
from .watch import WatchList
from .dialogs import ABOUT, ErrorDialog, ReferenceDialog
from .history import History
from .inspector import Inspector
from .navigation import Navigation
from .panes import PaneCycler
from .outline import BranchOutline
from .selection import Selection
from .problems import install_problems
from .rule_graph_view import RuleGraphView
from .timeline_view import TimelineView
from .window_layout import DockLayout
from .window_menus import Menus
from .world_plots import WorldPlots

ORG, APP = "what-if-explorer", "What-If Explorer"
MAX_RECENT = 8
WARM_BUDGET = 0.25  # seconds spent computing branches before the first paint (small worlds)


def settings_default() -> QSettings:
    return QSettings(ORG, APP)


class MainWindow(Menus, DockLayout, QMainWindow):
    scenarioInstalled = Signal()  # after every scenario (opened or edited) is installed in the views
    scenarioFailed = Signal(object)  # a file that does not load: its list of Problems

    def __init__(self, scenario: Scenario | None = None, *, settings: QSettings | None = None,
                 workspace: Workspace | None = None):
        super().__init__()
        self.settings = settings if settings is not None else settings_default()
        self.setObjectName("mainWindow")
        self.setWindowTitle(APP)
        self.selection = Selection(self)
        self.undo_stack = QUndoStack(self)
        self.workspace: Workspace | None = None
        self.history: History | None = None
        self.path: str | None = None
        self.error_dialog: ErrorDialog | None = None
        self.last_update_ms = 0.0
        # compute a branch before any view reacts to its selection (connected first on purpose)
        self.selection.branchChanged.connect(self._ensure_branch)
        # big worlds: a branch not yet computed is computed off the GUI thread, then shown
        self.off_thread = OffThreadBranches(self)  # the selection's gate and the worker behind it
        self.navigation = Navigation(self.selection, lambda b: self.history is not None and self.history.has_branch(b),
                                     self)

        self.branch_map = BranchMap(self.selection)
        self.outline = BranchOutline(self.selection)
        self.timeline = TimelineView(self.selection)
        self.inspector = Inspector(self.selection)
        self.world = WorldPlots(self.selection)
        self.compare_view = CompareView(self.selection)
        self.watch = WatchList(self.selection)
        self.causes = CausesView(self.selection)
        self.rule_graph = RuleGraphView(self.selection)
        self.analysis = None  # the Analysis pane, built when first shown or asked (`analysis_pane`)
        self.montecarlo: dict = {}  # branch id -> MonteCarlo (View > Monte Carlo…)
        self.montecarlo_dialog = None
        self.setCentralWidget(self.branch_map)
        self._build_docks()
        install_problems(self)  # the Problems pane, re-checked after every scenario installed
        self.panes = PaneCycler(self, [self.outline, self.branch_map.plot, self.timeline.table,
                                       self.compare_view.table, self.rule_graph.view, self.problems.tree,
                                       self.watch.table, self.inspector.browser, self.world.table,
                                       self.causes.view])
        self.authoring = Authoring(self)  # its actions, the inspector's What if… bar, the context menus
        self.rule_graph.editRequested.connect(self.authoring.edit_node)
        self._build_menus()
        self._build_toolbar()
        self._build_status()
        self.selection.branchChanged.connect(self._branch_status)
        self.world.model.toggled.connect(lambda *_: self._save_ticks())
        self.watch.changed.connect(lambda: self.workspace is not None and self.settings.setValue(
            f"watch/{self.workspace.scenario.id}", list(self.watch.names)))
        self.watch.emptied.connect(lambda _: QTimer.singleShot(0, self, self._fit_watch))  # narrow strip or its share
        self.outline.needChanged.connect(lambda: QTimer.singleShot(0, self, self._fit_outline))  # by its names
        self.setDockNestingEnabled(True)
        # below this the docks' own minimum sizes no longer fit and Qt lets them paint over each other
        self.setMinimumSize(960, 620)
        self.resize(1280, 800)
        self._restore_layout()
        if workspace is not None:
            self._install(workspace, path=workspace.scenario.path)
        elif scenario is not None:
            self.set_scenario(scenario, fresh=True)

    def eventFilter(self, obj, ev) -> bool:
        if obj is self and ev.type() == QEvent.MouseButtonRelease:
            # the window's own mouse events are its separators' drags: keep the shares they leave
            QTimer.singleShot(0, self, self._adopt_fractions)
            return False
        if ev.type() == QEvent.MouseButtonPress and ev.button() in (Qt.BackButton, Qt.ForwardButton):
            try:
                mine = obj.isWidgetType() and obj.window() is self
            except RuntimeError:
                return False
            if mine:
                (self.navigation.back if ev.button() == Qt.BackButton else self.navigation.forward)()
                return True
        return False

    def _build_status(self) -> None:
        sb = self.statusBar()
        self.status_branch = QLabel("")
        self.status_branch.setObjectName("statusBranch")
        self.status_timing = QLabel("")
        self.status_timing.setObjectName("statusTiming")
        # fixed sizes: a label whose size can change asks the whole window to lay out again when its
        # text changes, at every selection
        fm, h = self.fontMetrics(), self.fontMetrics().height() + 4
        self.status_branch.setFixedSize(fm.horizontalAdvance("x") * 48, h)
        self.status_timing.setFixedSize(fm.horizontalAdvance("x") * 58, h)
        sb.addPermanentWidget(self.status_branch)
        sb.addPermanentWidget(self.status_timing)

    def set_branch_status(self, label: str, rest: str) -> None:
        """"<b>label</b> · rest" in the fixed-size status label: a long label is elided, never the count
        ("Roosevelt makes a deal with the Republic · 84 ever" at 1920x1080); the whole label in a tooltip."""
        import html
        from PySide6.QtGui import QFont, QFontMetrics
        bold = QFont(self.status_branch.font())
        bold.setBold(True)
        tail = f" · {rest}"
        room = self.status_branch.width() - self.status_branch.fontMetrics().horizontalAdvance(tail) - 8
        shown = QFontMetrics(bold).elidedText(label, Qt.ElideRight, max(room, 40))
        self.status_branch.setText(f"<b>{html.escape(shown, quote=False)}</b>{html.escape(tail, quote=False)}")
        self.status_branch.setToolTip(label if shown != label else "")

    # --- scenario --------------------------------------------------------------------------------

    def set_scenario(self, scenario: Scenario, *, path: str | None = None, fresh: bool = False) -> None:
        """Adopt a (new or edited) scenario and refresh every view, keeping the selected branch.

        An edited scenario of the same id re-propagates only what the edit reaches
        (`Workspace.replace_scenario`); `fresh=True` or another scenario starts a new Workspace.
        """
        ws = self.workspace
        if fresh or ws is None or ws.scenario.id != scenario.id:
            ws = Workspace(scenario)
        else:
            ws.replace_scenario(scenario)
        self._install(ws, path=path or scenario.path)

    def _install(self, ws: Workspace, path: str | None) -> None:
        t0 = time.perf_counter()
        if self.workspace is not None and self.workspace.scenario is not ws.scenario:
            # the old world was frozen out of the collector (big files): free it once the views let go
            QTimer.singleShot(0, release_frozen)
        self.workspace = ws
        self.history = History(ws)
        self.path = path
        sc = ws.scenario
        keep_branch, keep_event = self.selection.branch, self.selection.event
        if self.selection.pending:  # the branch asked for while it was being computed
            keep_branch, keep_event = self.selection.pending[0], self.selection.pending[1]
        bid = keep_branch if ws.has_branch(keep_branch) else sc.branch_ids[0]
        event = keep_event if keep_event and bid == keep_branch and sc.event(keep_event[0]) else None
        wanted = bid
        if self.computes_off_thread():  # show the nearest computed branch on the way, ask for the rest
            shown = [b.id for b in ws.path(bid) if ws.cached(b.id)]
            bid = shown[-1] if shown else sc.branch_ids[0]
            if bid != wanted:
                event = None
            self.history.ensure(bid)  # the baseline of a file just opened, or nothing (computed)
        else:
            self._warm(bid)
        # set the selection silently, then let each view read it
        self.selection.branch, self.selection.event = bid, event
        self.selection.pending = None
        if self.selection.cursor and not (sc.start <= self.selection.cursor <= sc.end):
            self.selection.cursor = None
        self.branch_map.set_history(self.history)
        self.outline.set_history(self.history)
        self.timeline.set_history(self.history)
        self.inspector.set_history(self.history)
        self.montecarlo = {}  # branch id -> MonteCarlo; results of an older scenario no longer hold
        self.world.montecarlo = {}
        if getattr(self, "_ticks_for", None) != sc.id:  # another scenario: its own ticked variables
            self._ticks_for = sc.id
            saved = self.settings.value(self._ticks_key(sc.id))
            saved = [saved] if isinstance(saved, str) else list(saved or [])
            self.world.model.ticked = [n for n in saved if n in sc.variables]
        self.world.set_history(self.history)
        if self.selection.compare and not ws.scenario.branch(self.selection.compare):
            self.selection.compare = None
        self.compare_view.set_history(self.history)
        self.causes.set_history(self.history)
        self.rule_graph.set_history(self.history)
        if getattr(self, "_watch_for", None) != sc.id:  # another scenario: its own watch list
            self._watch_for = sc.id
            watched = self.settings.value(f"watch/{sc.id}")
            self.watch.set_history(self.history, [watched] if isinstance(watched, str) else list(watched or []))
            self._fit_watch()
        else:
            self.watch.set_history(self.history)
        self._fill_compare_box()
        self.outline_title.setText(f"Branches <span style='color:{style.TEXT_MUTED}; font-weight:normal'>"
                                   f"{len(sc.branches)}</span>")
        title = f"{sc.title} — {APP}"
        if path:
            title = f"{sc.title} — {Path(path).name} — {APP}"
        self.setWindowTitle(title)
        self._branch_status(bid)
        self.last_update_ms = (time.perf_counter() - t0) * 1000
        if wanted != bid:
            self.selection.select_branch(wanted)  # pending until the worker has it
        self._start_background_warming()
        self.scenarioInstalled.emit()

    @staticmethod
    def _ticks_key(scenario_id: str) -> str:
        return f"world/ticked/{scenario_id}"

    def _save_ticks(self) -> None:
        if self.workspace is not None and getattr(self, "_ticks_for", None) == self.workspace.scenario.id:
            self.settings.setValue(self._ticks_key(self.workspace.scenario.id), self.world.ticked())

    # --- computing the other branches while the user reads ------------------------------------------

    background_warming = True  # tests and benchmarks may turn it off to measure cold selections
    # Worlds with more rules than this compute branches off the GUI thread: a branch of 1,000 rules
    # held the GUI 80 ms (computed, diffed and marked), of 2,000 rules 220 ms, of 10,000 rules
    # 50-300 ms of run alone; the bundled scenarios' (151 rules and fewer) take a few ms, in turn.
    sync_rules_limit = 300

    def computes_off_thread(self) -> bool:
        return self.workspace is not None and len(self.workspace.program.rules) > self.sync_rules_limit

    def _start_background_warming(self) -> None:
        """Compute the remaining branches, nearest first: off the GUI thread in big worlds, else one
        per idle turn of the event loop."""
        if self.computes_off_thread():
            if self.background_warming or self.selection.pending:
                self.off_thread.submit([self.selection.pending[0]] if self.selection.pending else [])
            return
        if not hasattr(self, "_warm_timer"):
            self._warm_timer = QTimer(self)
            self._warm_timer.setInterval(0)
            self._warm_timer.timeout.connect(self._warm_step)
        h = self.history
        sel = self.selection.branch
        order = {b: i for i, b in enumerate(h.rows())}
        near = set(h.ws.subtree(sel)) | {b.id for b in h.ws.path(sel)} if h.has_branch(sel) else set()
        self._warm_queue = sorted(h.branch_ids, key=lambda b: (b not in near, order.get(b, 0)))
        self._warm_started = time.perf_counter()
        self._warm_done = 0
        if self.background_warming:
            self._warm_timer.start()

    def _warm_step(self) -> None:
        h = self.history
        while self._warm_queue:
            bid = self._warm_queue.pop(0)
            if h.has_branch(bid) and not (h.computed(bid) and h.has_diff(bid)):
                h.ensure(bid)
                self._warm_done += 1
                if self._warm_done % 8 == 0:
                    self.branch_map.refresh()
                    self.outline.refresh()
                    self.inspector.forks_known()
                return  # one branch per turn: clicks and paints go first
        self._warm_timer.stop()
        if self._warm_done:
            self.branch_map.refresh()
            self.outline.refresh()
            self.inspector.forks_known()  # its "Branches from here" in fork-date order
            self.warmed_in = time.perf_counter() - self._warm_started
            self.statusBar().showMessage(f"All {len(h.branch_ids)} branches computed "
                                         f"({self.warmed_in:.1f} s in the background)", 5000)

    def _warm(self, selected: str) -> None:
        """Compute the selected branch's path, then as many others as fit in a small time budget: the
        outline orders siblings by fork date, known once a branch is computed, so a small world's tree
        is in its final order at the first paint (the bundled scenario: all 13 in ~60 ms); the rest
        follow one per idle turn (_warm_step)."""
        h = self.history
        t0 = time.perf_counter()
        for b in h.ws.path(selected):
            h.ensure(b.id)
        for bid in h.rows():
            if time.perf_counter() - t0 > WARM_BUDGET:
                break
            h.ensure(bid)

    def open_path(self, path: str | os.PathLike, *, reload: bool = False) -> bool:
        """Load a scenario file; on errors show them in a dialog and keep the current scenario.

        Unsaved edits are saved, discarded or kept first (the authoring asks); the file loaded is the
        authoring's new base and may offer a recovery of edits a crash left behind."""
        path = os.fspath(path)
        if not self.authoring.confirm_discard():
            return False
        QApplication.setOverrideCursor(Qt.WaitCursor)
        try:
            sc = load_scenario(path)
            ws = Workspace(sc)
            ws.timeline(sc.branch_ids[0])
        except ScenarioError as e:
            QApplication.restoreOverrideCursor()
            self.show_scenario_error(path, e)
            return False
        except ExplorerError as e:
            QApplication.restoreOverrideCursor()
            self.show_scenario_error(path, e)
            return False
        except Exception:
            QApplication.restoreOverrideCursor()
            raise
        try:
            if not reload:
                self.selection.branch, self.selection.event, self.selection.cursor = "baseline", None, None
            self._install(ws, path=path)
            if not reload:
                self.navigation.clear()
        finally:
            QApplication.restoreOverrideCursor()
        self._add_recent(path)
        self.statusBar().showMessage(f"{'Reloaded' if reload else 'Opened'} {path}", 4000)
        self.authoring.opened()
        return True

    def show_scenario_error(self, path: str, error: ExplorerError) -> None:
        """The dialog for a file that cannot be opened: its problems with their source lines, and
        buttons to open it in an editor or reload it (this file, whatever else is open)."""
        if isinstance(error, ScenarioError):
            n = len(error.problems)
            title, summary = "Scenario has errors", f"{Path(path).name}: {n} problem{'s' if n != 1 else ''}"
            lines, problems = [str(p) for p in error.problems], error.problems
            self.scenarioFailed.emit(error.problems)
        else:
            title, summary, lines, problems = "Scenario cannot run", f"{Path(path).name} cannot be run", \
                [str(error)], None
        if self.error_dialog is not None:
            self.error_dialog.close()
        self.error_dialog = ErrorDialog(title, summary, lines, self, problems=problems, path=path,
                                        on_reload=self._reload_broken)
        self.error_dialog.open()

    def _reload_broken(self, path: str) -> None:
        dlg = self.error_dialog
        if self.open_path(path, reload=path == self.path) and dlg is not None and dlg is self.error_dialog:
            dlg.close()
            self.error_dialog = None

    def open_dialog(self) -> None:
        start = str(Path(self.path).parent) if self.path else str(Path.cwd())
        path, _ = QFileDialog.getOpenFileName(self, "Open scenario", start, "Scenarios (*.yaml *.yml);;All files (*)")
        if path:
            self.open_path(path)

    def reload(self) -> None:
        if self.path:
            self.open_path(self.path, reload=True)

    def _recent(self) -> list[str]:
        v = self.settings.value("recent", [])
        if isinstance(v, str):
            v = [v]
        return [p for p in (v or []) if p]

    def _add_recent(self, path: str) -> None:
        path = str(Path(path).resolve())
        recent = [p for p in self._recent() if p != path]
        self.settings.setValue("recent", ([path] + recent)[:MAX_RECENT])

    def _fill_recent(self) -> None:
        m = self.recent_menu
        m.clear()
        recent = self._recent()
        if not recent:
            a = m.addAction("No recent files")
            a.setEnabled(False)
            return
        for i, p in enumerate(recent):
            a = m.addAction(f"&{i + 1} {Path(p).name}  —  {Path(p).parent}")
            a.triggered.connect(lambda _=False, p=p: self.open_path(p))
        m.addSeparator()
        m.addAction("Clear List", lambda: self.settings.setValue("recent", []))

    # --- selection side effects ------------------------------------------------------------------

    def _ensure_branch(self, bid: str) -> None:
        h = self.history
        if h is None or not h.has_branch(bid):
            return
        fresh = not h.computed(bid) or not h.has_diff(bid)
        if not fresh:
            return
        QApplication.setOverrideCursor(Qt.WaitCursor)
        try:
            for b in h.ws.path(bid):
                h.ensure(b.id)
        finally:
            QApplication.restoreOverrideCursor()
        self.branch_map.refresh()
        self.outline.refresh()

    def _branch_status(self, bid: str) -> None:
        h = self.history
        if h is None or not h.has_branch(bid):
            return
        tl = h.try_timeline(bid)
        if tl is None:
            self.status_branch.setText(f"{h.label(bid)}: cannot be computed")
            self.status_timing.setText(h.error(bid) or "")
            return
        n = len(tl.firings)
        self.set_branch_status(h.label(bid), f"{n:,} event{'s' if n != 1 else ''}")
        elapsed = tl.elapsed
        txt = f"propagated in {elapsed * 1000:.0f} ms" if elapsed < 10 else f"propagated in {elapsed:.1f} s"
        if tl.result.restarted_from is not None:
            import datetime as dt
            txt += f" (restarted from {dt.date.fromordinal(tl.result.restarted_from)})"
        self.status_timing.setText(txt + f" · {tl.mode} mode")

    # --- commands --------------------------------------------------------------------------------

    def go_parent(self) -> None:
        h = self.history
        if h is None:
            return
        p = h.parent(self.selection.branch)
        if p:
            self.selection.select_branch(p)

    def compute_all(self) -> None:
        h = self.history
        if h is None:
            return
        todo = [b for b in h.rows() if not (h.computed(b) and h.has_diff(b))]
        if not todo:
            self.statusBar().showMessage("Every branch is computed", 3000)
            return
        dlg = QProgressDialog("Computing branches…", "Stop", 0, len(todo), self)
        dlg.setWindowTitle("Compute all branches")
        dlg.setWindowModality(Qt.WindowModal)
        dlg.setMinimumDuration(300)
        t0 = time.perf_counter()
        for i, bid in enumerate(todo):
            if dlg.wasCanceled():
                break
            dlg.setLabelText(f"Computing {h.label(bid)}…")
            dlg.setValue(i)
            QApplication.processEvents()
            h.ensure(bid)
        dlg.setValue(len(todo))
        self.branch_map.refresh()
        self.outline.refresh()
        self.statusBar().showMessage(f"Computed {len(todo)} branches in {time.perf_counter() - t0:.1f} s", 5000)

    def save_screenshot_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save screenshot", "what-if.png", "PNG image (*.png)")
        if path:
            self.grab().save(path, "PNG")

    def show_about(self) -> None:
        import pyqtgraph
        import PySide6
        try:
            from importlib.metadata import version
            ver = version("what-if-explorer")
        except Exception:
            ver = "dev"
        QMessageBox.about(self, "About What-If Explorer",
                          ABOUT.format(version=ver, qt=PySide6.__version__, pg=pyqtgraph.__version__))

    def show_reference(self) -> None:
        ReferenceDialog(self).exec()

    def export_report(self):
        """File > Export Report…: the dialog, with the World pane's ticked variables ticked."""
        from .export_dialog import open_export_dialog
        return open_export_dialog(self)

    def open_montecarlo(self):
        """View > Monte Carlo…: one dialog per window, kept (its results draw bands in the World pane)."""
        from .montecarlo_panel import open_montecarlo_dialog
        return open_montecarlo_dialog(self)

    def analysis_pane(self):
        """The Analysis pane, built on first use: most sessions never open it, and building it (a form
        and a pyqtgraph chart) cost 60-250 ms of the window's opening."""
        if self.analysis is None:
            from .analysis_panel import AnalysisPane
            self.analysis = AnalysisPane(self)
            self.analysis_dock.setWidget(self.analysis)
        return self.analysis

    def show_rule_graph(self) -> None:
        """View > Rule Graph: the pane in front, the keyboard in its graph."""
        self.rules_dock.show()
        self.rules_dock.raise_()
        self.rule_graph.view.setFocus(Qt.ShortcutFocusReason)

    def show_analysis(self) -> None:
        self.analysis_pane()
        self.analysis_dock.show()
        self.analysis_dock.raise_()

    def how_could(self) -> None:
        if self.selection.event:
            self.analysis_pane().ask_how(self.selection.event[0])

    def closeEvent(self, ev) -> None:
        if not self.authoring.confirm_discard():  # unsaved edits: save, discard or stay open
            ev.ignore()
            return
        self.authoring.autosave_timer.stop()
        if self.montecarlo_dialog is not None:  # no worker thread outlives the window
            self.montecarlo_dialog.stop_and_wait()
        if self.analysis is not None:
            self.analysis.stop_and_wait()
        self.save_layout()
        self.off_thread.stop()
        super().closeEvent(ev)

