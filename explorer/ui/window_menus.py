"""The main window's menu bar and navigation toolbar: every menu of the app laid out in one place.

A mixin of `MainWindow`. The actions' slots live with what they act on (the window, its views, the
authoring, the report and Monte Carlo dialogs); here is only where each one shows and its shortcut
(no two actions share one: tests/ui/test_reading.py walks them all).
"""
from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QComboBox, QLabel, QStyle, QStyledItemDelegate, QToolBar

from .selection import BRANCH


class Menus:
    """The menus and toolbar of the main window."""

    def _action(self, menu, text, slot=None, shortcut=None, tip=None, checkable=False, checked=False,
                name=None) -> QAction:
        a = QAction(text, self)
        if shortcut is not None:
            if isinstance(shortcut, (list, tuple)):
                a.setShortcuts([QKeySequence(s) for s in shortcut])
            else:
                a.setShortcut(QKeySequence(shortcut))
        if tip:
            a.setStatusTip(tip)
            a.setToolTip(tip)
        if name:
            a.setObjectName(name)
        if checkable:
            a.setCheckable(True)
            a.setChecked(checked)
            if slot:
                a.toggled.connect(slot)
        elif slot:
            a.triggered.connect(lambda _=False: slot())
        if menu is not None:
            menu.addAction(a)
        return a

    def _build_menus(self) -> None:
        """File, Edit, View, Go and Help, each action in the order the menus show it."""
        mb = self.menuBar()
        self.file_menu = mb.addMenu("&File")
        self.edit_menu = mb.addMenu("&Edit")
        self.view_menu = mb.addMenu("&View")
        self.go_menu = mb.addMenu("&Go")
        self.help_menu = mb.addMenu("&Help")
        auth = self.authoring

        f = self.file_menu
        f.addAction(auth.new_action)
        self.open_action = self._action(f, "&Open…", self.open_dialog, QKeySequence.Open, "Open a scenario file")
        self.recent_menu = f.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        self.reload_action = self._action(f, "&Reload", self.reload, [QKeySequence("Ctrl+R"), QKeySequence.Refresh],
                                          "Read the scenario file again, keeping the selection")
        f.addSeparator()
        f.addAction(auth.save_action)
        f.addAction(auth.save_as_action)
        f.addSeparator()
        self.export_action = self._action(f, "&Export Report…", self.export_report, "Ctrl+E",
                                          "Export the selected branch, or a chosen set, as HTML, Markdown, PDF "
                                          "or JSON", name="action_export_report")
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
        e.addSeparator()
        e.addMenu(auth.what_if_menu)
        e.addSeparator()
        for a in (auth.new_branch_action, auth.edit_branch_action, auth.delete_branch_action):
            e.addAction(a)
        e.addSeparator()
        for a in (auth.edit_rule_action, auth.new_rule_action, auth.edit_variable_action, auth.new_variable_action):
            e.addAction(a)

        v = self.view_menu
        self.fit_action = self._action(v, "&Fit Branch Map", self.branch_map.fit, "Ctrl+0",
                                       "Show the whole tree of branches")
        self._action(v, "Zoom &In", lambda: self.branch_map.zoom(1 / 1.5), QKeySequence.ZoomIn)
        self._action(v, "Zoom &Out", lambda: self.branch_map.zoom(1.5), QKeySequence.ZoomOut)
        v.addSeparator()
        # the timeline's own check boxes are the state; these toggle them and show it (read again as
        # the menu opens: the timeline may untick a box quietly to show an event its filter hid)
        self.gone_action = self._action(v, "Show &Gone Events", None, "Ctrl+G",
                                        "Show the parent's events that vanish, struck through",
                                        checkable=True, checked=True)
        self.changes_action = self._action(v, "Only &Changes", None, "Ctrl+D",
                                           "Hide events the same as in the parent", checkable=True)
        for action, box in ((self.gone_action, self.timeline.gone_box),
                            (self.changes_action, self.timeline.changes_box)):
            action.triggered.connect(lambda _=False, box=box: box.isEnabled() and box.setChecked(not box.isChecked()))
            action.triggered.connect(lambda _=False, a=action, box=box: a.setChecked(box.isChecked()))
            box.toggled.connect(action.setChecked)
        v.aboutToShow.connect(lambda: (self.gone_action.setChecked(self.timeline.gone_box.isChecked()),
                                       self.changes_action.setChecked(self.timeline.changes_box.isChecked())))
        v.addSeparator()
        self._action(v, "Compute &All Branches", self.compute_all, None,
                     "Run every branch now (otherwise each is computed when first selected)")
        self.montecarlo_action = self._action(v, "&Monte Carlo…", self.open_montecarlo, "Ctrl+M",
                                              "Run a branch many times with chance on: event probabilities and "
                                              "bands in the world plots", name="action_montecarlo")
        self.analysis_action = self._action(v, "&Analysis", self.show_analysis, "Ctrl+Shift+A",
                                            "Which divergence moves a goal most (tornado chart), and how could it "
                                            "have happened", name="action_analysis")
        self.rule_graph_action = self._action(v, "Rule &Graph", self.show_rule_graph, "Ctrl+Shift+G",
                                              "Which rules read and write which variables, and follow or schedule "
                                              "which: the selected rule's neighbourhood, or the whole graph",
                                              name="action_rule_graph")
        v.addSeparator()
        panes = v.addMenu("&Panes")
        for d in (self.outline_dock, self.timeline_dock, self.compare_dock, self.rules_dock, self.watch_dock,
                  self.inspector_dock, self.world_dock, self.causes_dock, self.problems_dock, self.analysis_dock):
            panes.addAction(d.toggleViewAction())
        self._action(v, "&Reset Layout", self.reset_layout)

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
        self.stop_compare_action.setEnabled(self.selection.compare is not None)  # nothing to stop otherwise
        self.selection.compareChanged.connect(lambda c: self.stop_compare_action.setEnabled(c is not None))
        g.addSeparator()
        self._action(g, "&Next Pane", lambda: self.panes.step(1), "F6",
                     "Move the keyboard focus to the next pane (Tab does the same from a pane's view)")
        self._action(g, "Pre&vious Pane", lambda: self.panes.step(-1), "Shift+F6",
                     "Move the keyboard focus to the previous pane")
        g.addSeparator()
        self._action(g, "Go to &Parent Branch", self.go_parent, "Alt+Up", "Select the branch this one forks from")

        # on an event's context menu (the timeline's, the map's), beside the What if… actions
        self.how_could_action = self._action(None, "How could this happen?", self.how_could, None,
                                             "Search for small sets of divergences that make this event happen "
                                             "(or not)", name="action_how_could")
        self.event_menu_extras = [self.how_could_action]

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
        self.compare_box.setMinimumContentsLength(32)  # most branch names whole (the toolbar has room)
        self.compare_box.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        self.compare_box.setItemDelegate(TreeIndent(self.compare_box))  # the tree in the open list only
        self.compare_box.activated.connect(lambda i: self.selection.set_compare(self.compare_box.itemData(i)))
        tb.addWidget(self.compare_box)
        self.selection.compareChanged.connect(self._compare_changed)
        self.selection.changed.connect(self._name_parent)
        self.toolbar = tb
        self.addToolBar(Qt.TopToolBarArea, tb)
        QApplication.instance().installEventFilter(self)  # the mouse's back/forward buttons, anywhere in the window

    def _fill_compare_box(self) -> None:
        box, h = self.compare_box, self.history
        box.blockSignals(True)
        box.clear()
        box.addItem(self._parent_item_text(), None)
        if h is not None:
            for bid in h.rows():
                depth = len(h.ws.path(bid)) - 1
                box.addItem(h.label(bid), bid)  # the closed box shows the name from its first letter
                box.setItemData(box.count() - 1, depth, DEPTH_ROLE)
        i = box.findData(self.selection.compare) if self.selection.compare else 0
        box.setCurrentIndex(max(i, 0))
        box.blockSignals(False)

    def _parent_item_text(self) -> str:
        """The box's first item, comparing with the selected branch's parent, says which that is: a bare
        "its parent" stood in the box with the root selected, which has none."""
        h, bid = self.history, self.selection.branch
        if h is None or not bid or not h.has_branch(bid):
            return "its parent"
        parent = h.parent(bid)
        return f"its parent: {h.label(parent)}" if parent else "its parent: none (the root)"

    def _name_parent(self, what) -> None:
        if BRANCH in what and self.compare_box.count():
            self.compare_box.setItemText(0, self._parent_item_text())

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


DEPTH_ROLE = Qt.UserRole + 1  # a compare-box item's depth in the branch tree


class TreeIndent(QStyledItemDelegate):
    """The "Compare with" list, open: each branch indented by its depth in the tree. The indentation
    was part of the item's text, so the closed box began with blank space that cut long names."""

    def initStyleOption(self, option, index) -> None:
        super().initStyleOption(option, index)
        depth = index.data(DEPTH_ROLE) or 0
        option.text = "   " * depth + option.text
