"""The main window: branch map, outline, timeline, inspector and world plots over one Workspace.

Other parts of the app hook in through `workspace`, `selection`, `undo_stack`, the menus
(`file_menu`, `edit_menu`, `view_menu`, `help_menu`) and `set_scenario(scenario)`.
"""
from __future__ import annotations

import os
import time
from pathlib import Path

from PySide6.QtCore import QEvent, QSettings, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import (QApplication, QComboBox, QDockWidget, QFileDialog, QLabel, QMainWindow, QMessageBox,
                               QProgressDialog, QStyle, QTabWidget, QToolBar, QVBoxLayout, QWidget)

from ..core import Workspace, load_scenario
from ..core.errors import ExplorerError, ScenarioError
from ..core.model import Scenario
from . import style
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
from .timeline_view import TimelineView
from .world_plots import WorldPlots

ORG, APP = "what-if-explorer", "What-If Explorer"
MAX_RECENT = 8
WARM_BUDGET = 0.25  # seconds spent computing branches before the first paint (small worlds)


def settings_default() -> QSettings:
    return QSettings(ORG, APP)


class MainWindow(QMainWindow):
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
        self.setCentralWidget(self.branch_map)
        self._build_docks()
        install_problems(self)  # the Problems pane, re-checked after every scenario installed
        self.panes = PaneCycler(self, [self.outline, self.branch_map.plot, self.timeline.table,
                                       self.compare_view.table, self.problems.tree, self.watch.table,
                                       self.inspector.browser, self.world.table, self.causes.view])
        self._build_menus()
        self._build_toolbar()
        self._build_status()
        self.selection.branchChanged.connect(self._branch_status)
        self.world.model.toggled.connect(lambda *_: self._save_ticks())
        self.watch.changed.connect(lambda: self.workspace is not None and self.settings.setValue(
            f"watch/{self.workspace.scenario.id}", list(self.watch.names)))
        self.setDockNestingEnabled(True)
        # below this the docks' own minimum sizes no longer fit and Qt lets them paint over each other
        self.setMinimumSize(960, 620)
        self.resize(1280, 800)
        self._restore_layout()
        if workspace is not None:
            self._install(workspace, path=workspace.scenario.path)
        elif scenario is not None:
            self.set_scenario(scenario, fresh=True)

    # --- building --------------------------------------------------------------------------------

    def _dock(self, title: str, name: str, widget: QWidget, area) -> QDockWidget:
        d = QDockWidget(title, self)
        d.setObjectName(name)
        d.setWidget(widget)
        d.setFeatures(QDockWidget.DockWidgetMovable | QDockWidget.DockWidgetClosable |
                      QDockWidget.DockWidgetFloatable)
        d.setTitleBarWidget(QWidget())  # each pane draws its own compact header (tabs name the tabbed ones)
        self.addDockWidget(area, d)
        return d

    def _build_docks(self) -> None:
        self.setCorner(Qt.BottomLeftCorner, Qt.BottomDockWidgetArea)
        self.setCorner(Qt.TopRightCorner, Qt.RightDockWidgetArea)
        self.setCorner(Qt.BottomRightCorner, Qt.RightDockWidgetArea)
        outline_pane = QWidget()
        lay = QVBoxLayout(outline_pane)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        self.outline_title = QLabel("Branches")
        self.outline_title.setObjectName("paneTitle")
        self.outline_title.setContentsMargins(8, 4, 6, 2)
        lay.addWidget(self.outline_title)
        lay.addWidget(self.outline, 1)
        self.outline_dock = self._dock("Branches", "outlineDock", outline_pane, Qt.LeftDockWidgetArea)
        self.timeline_dock = self._dock("Timeline", "timelineDock", self.timeline, Qt.BottomDockWidgetArea)
        # the watch list beside the timeline first, then the side-by-side view as the timeline's tab
        # (splitting a tabbed dock afterwards pulls the tabs apart)
        self.watch_dock = self._dock("Watch", "watchDock", self.watch, Qt.BottomDockWidgetArea)
        self.splitDockWidget(self.timeline_dock, self.watch_dock, Qt.Horizontal)
        self.compare_dock = self._dock("Side by Side", "compareDock", self.compare_view, Qt.BottomDockWidgetArea)
        self.setTabPosition(Qt.BottomDockWidgetArea, QTabWidget.North)
        self.tabifyDockWidget(self.timeline_dock, self.compare_dock)
        self.timeline_dock.raise_()
        self.compare_dock.visibilityChanged.connect(self.compare_view.set_shown)
        self.inspector_dock = self._dock("Inspector", "inspectorDock", self.inspector, Qt.RightDockWidgetArea)
        self.world_dock = self._dock("World", "worldDock", self.world, Qt.RightDockWidgetArea)
        self.causes_dock = self._dock("Causes", "causesDock", self.causes, Qt.RightDockWidgetArea)
        self.setTabPosition(Qt.RightDockWidgetArea, QTabWidget.North)
        self.tabifyDockWidget(self.inspector_dock, self.world_dock)
        self.tabifyDockWidget(self.world_dock, self.causes_dock)
        self.inspector_dock.raise_()
        self.causes_dock.visibilityChanged.connect(self.causes.set_shown)
        self.world_dock.visibilityChanged.connect(self.world.set_shown)
        self._default_sizes()

    DEFAULT_FRACTIONS = (0.21, 0.34, 0.44)  # outline width, inspector width, timeline height

    def _default_sizes(self) -> None:
        self.dock_fractions = self.DEFAULT_FRACTIONS
        self._apply_fractions()

    def _dock_sizes(self) -> tuple:
        return self.outline_dock.width(), self.inspector_dock.width(), self.timeline_dock.height()

    def _apply_fractions(self) -> None:
        """Give the docks their share of the window, so that every pane grows with it (not only the
        map) and a window made small and large again gets its layout back."""
        fo, fi, ft = self.dock_fractions
        w, h = self.width(), self.height()
        self.resizeDocks([self.outline_dock, self.inspector_dock], [int(w * fo), int(w * fi)], Qt.Horizontal)
        self.resizeDocks([self.timeline_dock], [int(h * ft)], Qt.Vertical)
        central = max(w - int(w * fo) - int(w * fi), 200)
        self.resizeDocks([self.watch_dock], [min(max(int(central * 0.3), 230), 380)], Qt.Horizontal)
        self._applied = True

    def _adopt_fractions(self) -> None:
        """The docks' current sizes become their shares (after the user moved a separator)."""
        w, h = max(self.width(), 1), max(self.height(), 1)
        o, i, t = self._dock_sizes()
        self.dock_fractions = (o / w, i / w, t / h)


    def resizeEvent(self, ev) -> None:
        applied = getattr(self, "_applied", None)
        super().resizeEvent(ev)
        if applied is not None and ev.oldSize().isValid():
            QTimer.singleShot(0, self._apply_fractions)

    def _action(self, menu, text, slot=None, shortcut=None, tip=None, checkable=False, checked=False) -> QAction:
        a = QAction(text, self)
        if shortcut is not None:
            if isinstance(shortcut, (list, tuple)):
                a.setShortcuts([QKeySequence(s) for s in shortcut])
            else:
                a.setShortcut(QKeySequence(shortcut))
        if tip:
            a.setStatusTip(tip)
            a.setToolTip(tip)
        if checkable:
            a.setCheckable(True)
            a.setChecked(checked)
            if slot:
                a.toggled.connect(slot)
        elif slot:
            a.triggered.connect(slot)
        menu.addAction(a)
        return a

    def _build_menus(self) -> None:
        mb = self.menuBar()
        self.file_menu = mb.addMenu("&File")
        self.edit_menu = mb.addMenu("&Edit")
        self.view_menu = mb.addMenu("&View")
        self.go_menu = mb.addMenu("&Go")
        self.help_menu = mb.addMenu("&Help")

        f = self.file_menu
        self.open_action = self._action(f, "&Open…", self.open_dialog, QKeySequence.Open, "Open a scenario file")
        self.recent_menu = f.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        self.reload_action = self._action(f, "&Reload", self.reload, [QKeySequence("Ctrl+R"), QKeySequence.Refresh],
                                          "Read the scenario file again, keeping the selection")
        f.addSeparator()
        self.screenshot_action = self._action(f, "Save &Screenshot…", self.save_screenshot_dialog, None,
                                              "Save a PNG of the window")
        f.addSeparator()
        self.quit_action = self._action(f, "&Quit", self.close, QKeySequence.Quit)
        self.quit_action.setMenuRole(QAction.QuitRole)

        e = self.edit_menu
        self.undo_action = self.undo_stack.createUndoAction(self, "&Undo")
        self.undo_action.setShortcut(QKeySequence.Undo)
        self.redo_action = self.undo_stack.createRedoAction(self, "&Redo")
        self.redo_action.setShortcut(QKeySequence.Redo)
        e.addAction(self.undo_action)
        e.addAction(self.redo_action)
        e.addSeparator()
        self.find_action = self._action(e, "&Find Event…", self.timeline.focus_search, QKeySequence.Find,
                                        "Search the timeline")

        v = self.view_menu
        self.fit_action = self._action(v, "&Fit Branch Map", self.branch_map.fit, "Ctrl+0",
                                       "Show the whole tree of branches")
        self._action(v, "Zoom &In", lambda: self.branch_map.zoom(1 / 1.5), QKeySequence.ZoomIn)
        self._action(v, "Zoom &Out", lambda: self.branch_map.zoom(1.5), QKeySequence.ZoomOut)
        v.addSeparator()
        self.gone_action = self._action(v, "Show &Gone Events", self.timeline.gone_box.setChecked, "Ctrl+G",
                                        "Show the parent's events that vanish, struck through",
                                        checkable=True, checked=True)
        self.timeline.gone_box.toggled.connect(self.gone_action.setChecked)
        self.changes_action = self._action(v, "Only &Changes", self.timeline.changes_box.setChecked, "Ctrl+D",
                                           "Hide events the same as in the parent", checkable=True)
        self.timeline.changes_box.toggled.connect(self.changes_action.setChecked)
        g = self.go_menu
        self.back_action = self._action(g, "&Back", self.navigation.back, "Alt+Left",
                                        "Back to what you looked at before (Alt+Left, the mouse's back button)")
        self.back_action.setIcon(self.style().standardIcon(QStyle.SP_ArrowBack))
        self.forward_action = self._action(g, "&Forward", self.navigation.forward, "Alt+Right",
                                           "Forward again (Alt+Right, the mouse's forward button)")
        self.forward_action.setIcon(self.style().standardIcon(QStyle.SP_ArrowForward))
        self.navigation.changed.connect(self._update_navigation)
        self._update_navigation()
        g.addSeparator()
        self.compare_action = self._action(g, "&Compare With…", self.choose_compare, "Ctrl+K",
                                           "Compare the selected branch with another (Ctrl+click one in the outline "
                                           "or the map does the same)")
        self.stop_compare_action = self._action(g, "&Stop Comparing", lambda: self.selection.set_compare(None),
                                                "Ctrl+Shift+K", "Mark each branch against its parent again")
        g.addSeparator()
        self._action(g, "&Next Pane", lambda: self.panes.step(1), "F6",
                     "Move the keyboard focus to the next pane (Tab does the same from a pane's view)")
        self._action(g, "Pre&vious Pane", lambda: self.panes.step(-1), "Shift+F6",
                     "Move the keyboard focus to the previous pane")
        g.addSeparator()
        self._action(g, "Go to &Parent Branch", self.go_parent, "Alt+Up", "Select the branch this one forks from")
        v.addSeparator()
        self._action(v, "Compute &All Branches", self.compute_all, None,
                     "Run every branch now (otherwise each is computed when first selected)")
        v.addSeparator()
        panes = v.addMenu("&Panes")
        for d in (self.outline_dock, self.timeline_dock, self.compare_dock, self.watch_dock, self.inspector_dock,
                  self.world_dock, self.causes_dock, self.problems_dock):
            panes.addAction(d.toggleViewAction())
        self._action(v, "&Reset Layout", self.reset_layout)

        h = self.help_menu
        self._action(h, "Scenario &Format Reference", self.show_reference, QKeySequence.HelpContents)
        self._action(h, "&About What-If Explorer", self.show_about)

    def _build_toolbar(self) -> None:
        tb = QToolBar("Navigation", self)
        tb.setObjectName("navigationToolBar")
        tb.setMovable(False)
        tb.setIconSize(QSize(16, 16))
        tb.addAction(self.back_action)
        tb.addAction(self.forward_action)
        tb.addSeparator()
        label = QLabel(" Compare with ")
        label.setObjectName("muted")
        tb.addWidget(label)
        self.compare_box = QComboBox()
        self.compare_box.setObjectName("compareBox")
        self.compare_box.setToolTip("The branch the timeline, the inspector, the world plots and the side-by-side "
                                    "view compare the selected one with (Ctrl+click a branch to choose it)")
        self.compare_box.setMinimumContentsLength(22)
        self.compare_box.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        self.compare_box.activated.connect(lambda i: self.selection.set_compare(self.compare_box.itemData(i)))
        tb.addWidget(self.compare_box)
        self.selection.compareChanged.connect(self._compare_changed)
        self.toolbar = tb
        self.addToolBar(Qt.TopToolBarArea, tb)
        QApplication.instance().installEventFilter(self)  # the mouse's back/forward buttons, anywhere in the window

    def _fill_compare_box(self) -> None:
        box, h = self.compare_box, self.history
        box.blockSignals(True)
        box.clear()
        box.addItem("its parent", None)
        if h is not None:
            for bid in h.rows():
                depth = len(h.ws.path(bid)) - 1
                box.addItem("   " * depth + h.label(bid), bid)
        i = box.findData(self.selection.compare) if self.selection.compare else 0
        box.setCurrentIndex(max(i, 0))
        box.blockSignals(False)

    def _compare_changed(self, bid) -> None:
        i = self.compare_box.findData(bid) if bid else 0
        self.compare_box.setCurrentIndex(max(i, 0))
        if bid:
            self.compare_dock.show()
            self.compare_dock.raise_()
        self.branch_map.plot.viewport().update()
        self.outline.viewport().update()

    def choose_compare(self) -> None:
        self.compare_box.setFocus(Qt.ShortcutFocusReason)
        self.compare_box.showPopup()

    def _update_navigation(self) -> None:
        self.back_action.setEnabled(self.navigation.can_back())
        self.forward_action.setEnabled(self.navigation.can_forward())

    def eventFilter(self, obj, ev) -> bool:
        if obj is self and ev.type() == QEvent.MouseButtonRelease:
            # the window's own mouse events are its separators' drags: keep the shares they leave
            QTimer.singleShot(0, self._adopt_fractions)
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
        if getattr(self, "_watch_for", None) != sc.id:  # another scenario: its own watch list
            self._watch_for = sc.id
            watched = self.settings.value(f"watch/{sc.id}")
            self.watch.set_history(self.history, [watched] if isinstance(watched, str) else list(watched or []))
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
    # Worlds with more rules than this compute branches off the GUI thread (a branch of 10,000 rules
    # takes 50-300 ms: too long to hold clicks and paints); smaller ones compute in a few ms, in turn.
    sync_rules_limit = 2000

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
                return  # one branch per turn: clicks and paints go first
        self._warm_timer.stop()
        if self._warm_done:
            self.branch_map.refresh()
            self.outline.refresh()
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
        """Load a scenario file; on errors show them in a dialog and keep the current scenario."""
        path = os.fspath(path)
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
        self.status_branch.setText(f"<b>{h.label(bid)}</b> · {n:,} event{'s' if n != 1 else ''}")
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

    # --- layout persistence ----------------------------------------------------------------------

    def _restore_layout(self) -> None:
        geo = self.settings.value("window/geometry")
        state = self.settings.value("window/state")
        if geo is not None:
            self.restoreGeometry(geo)
        self._layout_restored = False
        if state is not None:
            self._layout_restored = bool(self.restoreState(state, 1))
        ws = self.settings.value("window/worldSplitter")
        if ws is not None:
            self.world.splitter.restoreState(ws)
        self._default_state = None

    def save_layout(self) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState(1))
        self.settings.setValue("window/worldSplitter", self.world.splitter.saveState())
        self.settings.sync()

    def reset_layout(self) -> None:
        for d in (self.outline_dock, self.timeline_dock, self.compare_dock, self.watch_dock, self.inspector_dock,
                  self.world_dock, self.causes_dock):
            d.setFloating(False)
            d.show()
        for d, area in ((self.outline_dock, Qt.LeftDockWidgetArea), (self.timeline_dock, Qt.BottomDockWidgetArea),
                        (self.compare_dock, Qt.BottomDockWidgetArea),
                        (self.inspector_dock, Qt.RightDockWidgetArea), (self.world_dock, Qt.RightDockWidgetArea),
                        (self.causes_dock, Qt.RightDockWidgetArea)):
            self.addDockWidget(area, d)
        self.splitDockWidget(self.timeline_dock, self.watch_dock, Qt.Horizontal)
        self.tabifyDockWidget(self.timeline_dock, self.compare_dock)
        problems = getattr(self, "problems_dock", None)
        if problems is not None:
            problems.setFloating(False)
            problems.show()
            self.tabifyDockWidget(self.timeline_dock, problems)
        self.tabifyDockWidget(self.inspector_dock, self.world_dock)
        self.tabifyDockWidget(self.world_dock, self.causes_dock)
        self.timeline_dock.raise_()
        self.inspector_dock.raise_()
        self._default_sizes()

    def showEvent(self, ev) -> None:
        super().showEvent(ev)
        if not getattr(self, "_sized", False):
            self._sized = True
            if not self._layout_restored:  # the reading panes in front: the inspector, the timeline
                self.inspector_dock.raise_()
                self.timeline_dock.raise_()
            if self._layout_restored:  # the restored separators are the shares to keep
                self._adopt_fractions()
                self._applied = True
            else:
                self._default_sizes()

    def closeEvent(self, ev) -> None:
        self.save_layout()
        self.off_thread.stop()
        super().closeEvent(ev)

    def sizeHint(self) -> QSize:
        return QSize(1280, 800)
