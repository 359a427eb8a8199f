"""The main window's docks: where each pane sits, the share of the window each takes, and the layout
remembered between sessions.

A mixin of `MainWindow` (it reads the window's views and sets its `*_dock` attributes), kept apart
because the arrangement of panes changes for other reasons than what the window does with a scenario.
"""
from __future__ import annotations

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtWidgets import QDockWidget, QLabel, QTabBar, QTabWidget, QVBoxLayout, QWidget


class DockLayout:
    """Docks of the main window: built once, sized by fractions of the window, saved and reset."""

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
        self.rules_dock = self._dock("Rule Graph", "ruleGraphDock", self.rule_graph, Qt.BottomDockWidgetArea)
        self.tabifyDockWidget(self.compare_dock, self.rules_dock)
        self.timeline_dock.raise_()
        self.compare_dock.visibilityChanged.connect(self.compare_view.set_shown)
        self.rules_dock.visibilityChanged.connect(self.rule_graph.set_shown)
        self.inspector_dock = self._dock("Inspector", "inspectorDock", self.inspector, Qt.RightDockWidgetArea)
        self.world_dock = self._dock("World", "worldDock", self.world, Qt.RightDockWidgetArea)
        self.causes_dock = self._dock("Causes", "causesDock", self.causes, Qt.RightDockWidgetArea)
        self.setTabPosition(Qt.RightDockWidgetArea, QTabWidget.North)
        self.tabifyDockWidget(self.inspector_dock, self.world_dock)
        self.tabifyDockWidget(self.world_dock, self.causes_dock)
        self.inspector_dock.raise_()
        self.causes_dock.visibilityChanged.connect(self.causes.set_shown)
        self.world_dock.visibilityChanged.connect(self.world.set_shown)
        self.inspector_dock.visibilityChanged.connect(self.inspector.set_shown)
        self.analysis_dock = self._dock("Analysis", "analysisDock", QWidget(), Qt.RightDockWidgetArea)
        self.tabifyDockWidget(self.world_dock, self.analysis_dock)
        self.analysis_dock.hide()  # View > Analysis shows it
        self.analysis_dock.visibilityChanged.connect(lambda shown: shown and self.analysis_pane())
        self._default_sizes()

    # outline width, inspector width, timeline height as shares of the window; the outline's `None`:
    # sized by its names (`_outline_width`) until the reader drags it. A fixed 0.272 (every name of the
    # bundled scenario whole at 1280x800, 348 px) gave it 522 px at 1920, ~175 px of blank taken from
    # the map; sized by its names it has the same ~350 px at both.
    DEFAULT_FRACTIONS = (None, 0.34, 0.44)
    # the outline's share before: a share saved equal to one of them was never dragged, and the
    # outline is sized by its names again (`showEvent`)
    OLD_OUTLINE_DEFAULTS = (0.21, 0.272)
    # the outline sized by its names, no narrower than OUTLINE_MIN px (a header's words) nor wider than
    # OUTLINE_MAX px or OUTLINE_MAX_SHARE of the window (the map keeps its room at 960 px; a long name
    # is elided past it)
    OUTLINE_MIN, OUTLINE_MAX, OUTLINE_MAX_SHARE = 220, 480, 0.3

    def _default_sizes(self) -> None:
        self.dock_fractions = self.DEFAULT_FRACTIONS
        self._apply_fractions()

    def _outline_width(self) -> int:
        """The outline dock's width: its dragged share of the window, else what its names need."""
        fo, w = self.dock_fractions[0], self.width()
        if fo is not None:
            return int(w * fo)
        need = self.outline.name_width() + max(self.outline_dock.width() - self.outline.width(), 0)
        return max(self.OUTLINE_MIN, min(need, self.OUTLINE_MAX, int(w * self.OUTLINE_MAX_SHARE)))

    def _fit_outline(self) -> None:
        """The outline's names changed (another scenario, a branch added, the Problems pane's marks):
        an outline sized by them follows."""
        if getattr(self, "_applied", False) and self.dock_fractions[0] is None:
            width = self._outline_width()
            if abs(self.outline_dock.width() - width) > 2:  # else no relayout (the marks came, same width)
                self.resizeDocks([self.outline_dock, self.inspector_dock],
                                 [width, self.inspector_dock.width()], Qt.Horizontal)

    def _dock_sizes(self) -> tuple:
        """The docks' sizes as `_apply_fractions` sets them. The timeline's height counts the tab bar
        above it: `resizeDocks` sizes the tabbed group, bar included, and measuring the dock alone took
        the bar's 27 px off the timeline's share at every adoption (0.44 -> 0.41 -> 0.37 ...)."""
        t = self.timeline_dock
        height = t.height()
        for bar in self.findChildren(QTabBar, options=Qt.FindDirectChildrenOnly):
            g = bar.geometry()
            if bar.isVisible() and g.bottom() + 1 == t.y() and g.left() <= t.x() <= g.right():
                height += g.height()
                break
        return self.outline_dock.width(), self.inspector_dock.width(), height

    def _apply_fractions(self) -> None:
        """Give the docks their share of the window, so that every pane grows with it (not only the
        map) and a window made small and large again gets its layout back."""
        fo, fi, ft = self.dock_fractions
        w, h = self.width(), self.height()
        self.resizeDocks([self.outline_dock, self.inspector_dock], [self._outline_width(), int(w * fi)],
                         Qt.Horizontal)
        self.resizeDocks([self.timeline_dock], [int(h * ft)], Qt.Vertical)
        self._fit_watch()
        self._applied = True


    def _fit_watch(self) -> None:
        """The Watch pane's width, which depends on whether anything is pinned. Nothing pinned, it is
        a strip of `WatchList.EMPTY_WIDTH` (180 px: its search box and hint, its maximum width while
        empty) and the timeline and its Side by Side tab take the room (at 1280x800 an empty 270 px
        pane cut their titles and tags). Something pinned, it shares the bottom row (window less the
        inspector) with the timeline: 270 px at 1280 wide, where the timeline's three columns need
        the room; from there it takes 55% of every further pixel, up to 560 (at 1920, 500 px: values
        on one or two lines beside a long sparkline, where it had 260 px and the timeline's Event
        column 500 px of blank). The share is asked for pinned or not: while the pane is empty its
        maximum width holds it to the strip and the timeline gets the rest, and the first pin lifts
        the limit (`WatchList.emptied` calls this again, on the first pin and the last unpin), so the
        pane widens to a size the window already asked for. Both docks of the row are sized: given
        the watch alone, Qt split the change with the timeline."""
        _, fi, _ = self.dock_fractions
        w = self.width()
        bottom = max(w - int(w * fi), 200)
        width = min(max(270 + int((bottom - 845) * 0.55), 270), 560)
        self.watch.preferred_width = width
        self.watch.updateGeometry()
        self.resizeDocks([self.timeline_dock, self.watch_dock], [max(bottom - width, 100), width], Qt.Horizontal)

    def _adopt_fractions(self) -> None:
        """The docks' current sizes become their shares (after the user moved a separator); an outline
        sized by its names stays so unless that separator was the one moved."""
        w, h = max(self.width(), 1), max(self.height(), 1)
        o, i, t = self._dock_sizes()
        fitted = self.dock_fractions[0] is None and abs(o - self._outline_width()) <= 4
        self.dock_fractions = (None if fitted else o / w, i / w, t / h)


    def resizeEvent(self, ev) -> None:
        applied = getattr(self, "_applied", None)
        super().resizeEvent(ev)
        if applied is not None and ev.oldSize().isValid():
            QTimer.singleShot(0, self, self._apply_fractions)


    # --- layout persistence ----------------------------------------------------------------------

    def _restore_layout(self) -> None:
        """The window's place and size now; the docks' arrangement (`_saved_state`) and shares
        (`_saved_shares`) at its first show, see `showEvent`."""
        geo = self.settings.value("window/geometry")
        if geo is not None:
            self.restoreGeometry(geo)
        self._saved_state = self.settings.value("window/state")
        self._saved_shares = self._shares(self.settings.value("window/shares"))
        ws = self.settings.value("window/worldSplitter")
        if ws is not None:
            self.world.splitter.restoreState(ws)

    @staticmethod
    def _shares(value) -> tuple | None:
        """The saved shares (a settings file is the user's: anything else than three fractions that
        leave the map room is ignored); the outline's "fit": sized by its names."""
        try:
            shares = tuple(None if i == 0 and v == "fit" else float(v) for i, v in enumerate(value))
        except (TypeError, ValueError):
            return None
        if len(shares) != 3 or not all(f is None or 0 < f < 0.9 for f in shares) or shares[1] is None \
                or shares[2] is None or (shares[0] or 0) + shares[1] >= 0.9:
            return None
        return shares

    def save_layout(self) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState(1))
        fo, fi, ft = self.dock_fractions
        self.settings.setValue("window/shares", ["fit" if fo is None else fo, fi, ft])
        self.settings.setValue("window/worldSplitter", self.world.splitter.saveState())
        self.settings.sync()

    def reset_layout(self) -> None:
        for d in (self.outline_dock, self.timeline_dock, self.compare_dock, self.rules_dock, self.watch_dock,
                  self.inspector_dock, self.world_dock, self.causes_dock):
            d.setFloating(False)
            d.show()
        for d, area in ((self.outline_dock, Qt.LeftDockWidgetArea), (self.timeline_dock, Qt.BottomDockWidgetArea),
                        (self.compare_dock, Qt.BottomDockWidgetArea), (self.rules_dock, Qt.BottomDockWidgetArea),
                        (self.inspector_dock, Qt.RightDockWidgetArea), (self.world_dock, Qt.RightDockWidgetArea),
                        (self.causes_dock, Qt.RightDockWidgetArea)):
            self.addDockWidget(area, d)
        self.splitDockWidget(self.timeline_dock, self.watch_dock, Qt.Horizontal)
        self.tabifyDockWidget(self.timeline_dock, self.compare_dock)
        self.tabifyDockWidget(self.compare_dock, self.rules_dock)
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
        """The saved layout is restored here, on the first show, and not when the window is made.

        A saved state is the docks' arrangement in pixels of the window it was saved from (a laptop's
        1280x800, a monitor's 1920x1080). Restored into the hidden window, Qt kept those pixels for
        whatever size the window first showed at (from a bigger screen, or maximised: at 1280 a 391 px
        outline, a 642 px inspector, a 102 px Watch pane; at 960 the timeline under the Watch pane),
        which the window then adopted as its shares and saved again; and the tab bars the built layout
        had were left shown at their old place until the event loop deleted them (the bottom dock's
        over the Branches outline). Restored into the shown window, Qt fits the arrangement to the
        window's size and retires the old tab bars at once; the shares saved with it (`window/shares`,
        fractions of the window) then size the docks for this window. A state saved without shares
        (before they were saved) keeps its arrangement with the default shares; an outline share saved
        equal to an old default (`OLD_OUTLINE_DEFAULTS`, as written by a layout nobody dragged) gives
        the outline back its width by its names."""
        super().showEvent(ev)
        if not getattr(self, "_sized", False):
            self._sized = True
            state, self._saved_state = getattr(self, "_saved_state", None), None
            restored = state is not None and bool(self.restoreState(state, 1))
            if not restored:  # the reading panes in front: the inspector, the timeline
                self.inspector_dock.raise_()
                self.timeline_dock.raise_()
            shares = getattr(self, "_saved_shares", None) if restored else None
            if shares and shares[0] in self.OLD_OUTLINE_DEFAULTS:  # never dragged: by its names now
                shares = (None,) + shares[1:]
            self.dock_fractions = shares or self.DEFAULT_FRACTIONS
            self._apply_fractions()

    def sizeHint(self) -> QSize:
        return QSize(1280, 800)
