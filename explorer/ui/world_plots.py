"""World plots: ticked variables over time for the selected branch, its parent and the baseline.

One small plot per ticked variable (var_plot.VarPlot; x linked, dates along the bottom), divergence
dates marked, and a draggable time cursor shared with the timeline. Below, the "world at this date"
table: every variable's value at the cursor in this branch, its parent and the baseline; its check
boxes choose what is plotted. Values come from `Timeline.trajectory` / `Timeline.value_at`.

The pane works only while it can be seen (panes.LazyPane): hidden behind the Inspector's tab, as it
opens, it neither builds its plots (a pyqtgraph PlotItem each, 40-60 ms) nor follows selections; it
catches up when shown.
"""
from __future__ import annotations

import datetime as dt

import pyqtgraph as pg
from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QSizePolicy, QSplitter,
                               QVBoxLayout, QWidget)

from . import style
from .graphics import discard
from .dateaxis import from_ordinal
from .history import History
from .panes import LazyPane
from .selection import BRANCH, COMPARE, CURSOR, Selection
from .var_plot import VarPlot, esc as _esc
from .world_table import WholeRowsTable, WorldTableModel

MAX_PLOTS = 8


class WorldPlots(LazyPane, QWidget):
    def __init__(self, selection: Selection, parent=None):
        super().__init__(parent)
        self.selection = selection
        self.history: History | None = None
        self.plots: dict[str, VarPlot] = {}  # built for the ticked variables while shown
        self.montecarlo: dict = {}  # branch id -> MonteCarlo (bands drawn for the selected branch)
        self._syncing = False
        self._row_heights: dict = {}  # (row, its texts' inputs, column widths) -> the height _fit_rows gave

        self.title = QLabel("World")
        self.title.setObjectName("paneTitle")
        self.legend = QLabel("")
        self.legend.setObjectName("muted")
        self.legend.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)
        self.legend.setAlignment(Qt.AlignLeft | Qt.AlignTop)  # where it was when a taller one came before
        head = QHBoxLayout()
        head.setContentsMargins(8, 4, 6, 0)
        self.title.hide()  # the dock's tab names the pane
        head.addWidget(self.legend, 1)

        self.graphics = pg.GraphicsLayoutWidget()
        self.graphics.setBackground("w")
        self.graphics.setObjectName("worldGraphics")
        self.graphics.ci.setContentsMargins(4, 2, 8, 2)
        self.graphics.ci.setSpacing(2)
        self.graphics.scene().sigMouseMoved.connect(self._hovered)
        self.empty = QLabel("Tick variables in the table below to plot them.")
        self.empty.setAlignment(Qt.AlignCenter)
        self.empty.setObjectName("muted")

        self.model = WorldTableModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterCaseSensitivity(Qt.CaseInsensitive)
        self.proxy.setFilterKeyColumn(0)
        self.table = WholeRowsTable()
        self.table.resized = self._fit_columns  # the value columns' share is of the table's width
        self.table.setObjectName("worldTable")
        self.table.setModel(self.proxy)
        self.table.verticalHeader().setVisible(False)
        # values wrap onto a second line rather than being cut ("wor…lic"): _fit_rows gives the rows
        # that need it two lines (ResizeToContents asked the model for every cell at every change:
        # seconds with 200 variables)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setShowGrid(False)
        self.table.setWordWrap(True)
        self.table.setTextElideMode(Qt.ElideRight)
        hh = self.table.horizontalHeader()
        hh.setDefaultAlignment(Qt.AlignLeft | Qt.AlignVCenter)
        hh.setHighlightSections(False)
        hh.setSectionResizeMode(0, QHeaderView.Stretch)
        for c in (1, 2, 3):
            hh.setSectionResizeMode(c, QHeaderView.Interactive)
            self.table.setColumnWidth(c, 92)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Filter variables…")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self.proxy.setFilterFixedString)
        self.filter.textChanged.connect(lambda _: self._fit_rows())
        self.table.horizontalHeader().sectionResized.connect(lambda *_: self._fit_rows())
        self.when = QLabel("")
        self.when.setObjectName("muted")

        top = QWidget()
        tl = QVBoxLayout(top)
        tl.setContentsMargins(0, 0, 0, 0)
        tl.setSpacing(2)
        tl.addLayout(head)
        tl.addWidget(self.graphics, 1)
        tl.addWidget(self.empty, 1)
        bottom = QWidget()
        bl = QVBoxLayout(bottom)
        bl.setContentsMargins(6, 2, 6, 0)
        bl.setSpacing(3)
        row = QHBoxLayout()
        row.addWidget(self.when, 1)
        row.addWidget(self.filter, 1)
        bl.addLayout(row)
        bl.addWidget(self.table, 1)
        self.splitter = QSplitter(Qt.Vertical)
        self.splitter.setObjectName("worldSplitter")
        self.splitter.addWidget(top)
        self.splitter.addWidget(bottom)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        # 3:2 from the start: the stretch shares only the room past the widgets' size hints, and the
        # plots' hint (~520 px) left the table ~130 px at 1280x800, three rows of 53 variables. A saved
        # layout (window_layout: window/worldSplitter) restores the user's own sizes over this.
        self.splitter.setSizes([600, 400])
        self.splitter.setChildrenCollapsible(False)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.splitter)

        self.model.toggled.connect(self._toggled)
        selection.changed.connect(self._on_change)

    def _on_change(self, what) -> None:
        """One redraw per selection change (a branch, event and cursor chosen together redrew twice)."""
        if BRANCH in what or COMPARE in what:
            self.refresh()  # the cursor too
        elif CURSOR in what:
            self._on_cursor(self.selection.cursor)

    # --- data ------------------------------------------------------------------------------------

    def set_history(self, history: History) -> None:
        self.history = history
        self._legend_width = -1  # other labels: the legend's height is measured anew
        sc = history.scenario
        old = list(self.model.ticked)
        self.model.set_variables(list(sc.variables.values()))
        # rows fit wrapped values at any size: _fit_rows measures each text once (ResizeToContents
        # measured every row at each branch change, 0.6 s of CPU with 200 variables)
        if not old:
            old = self._default_ticks()
        self.model.ticked = []
        for p in list(self.plots):  # rebuilt for this scenario's variables (an edit may retitle one)
            self._remove_plot(p)
        for name in old:
            if name in sc.variables:
                self.model.set_ticked(name, True)
        self.refresh()

    def _default_ticks(self) -> list[str]:
        """Up to three variables the branches change directly (what their divergences set, or what the
        events they force, suppress or redirect write), numbers first; else the first ones declared.
        Read from the scenario, not from computed branches: the same at every opening."""
        sc = self.history.scenario
        changed: list[str] = []

        def add(name):
            if name in sc.variables and name not in changed:
                changed.append(name)
        for b in sc.branches:
            for d in b.divergences:
                for name in d.values:
                    add(name)
                rule = d.rule if d.kind == "event" else sc.event(d.event) if d.event else None
                if rule is not None:
                    for e in list(rule.effects) + [e for o in rule.outcomes for e in o.effects]:
                        add(e.target)
            if len(changed) >= 6:
                break
        pool = changed or list(sc.variables)
        order = {n: i for i, n in enumerate(pool)}
        pool.sort(key=lambda n: (sc.variables[n].type != "number", order[n]))
        return pool[:3]

    def set_montecarlo(self, results: dict) -> None:
        """Monte Carlo results by branch id; {} clears the bands."""
        self.montecarlo = dict(results or {})
        self.refresh()

    def ticked(self) -> list[str]:
        return list(self.model.ticked)

    def _toggled(self, name: str, on: bool) -> None:
        if on and len(self.model.ticked) > MAX_PLOTS:
            self.model.set_ticked(self.model.ticked[0], False)
        if self.put_off():  # the plots follow the ticks when the pane is shown
            return
        self._sync_plots()
        self.refresh(plots_only=[name] if on else [])

    def _sync_plots(self) -> None:
        """A plot for each ticked variable, in the order they were ticked; no other."""
        if self.history is None:
            return
        wanted = [n for n in self.model.ticked if n in self.history.scenario.variables]
        changed = False
        for name in [n for n in self.plots if n not in wanted]:
            self._remove_plot(name)
            changed = True
        for name in wanted:
            if name not in self.plots:
                self._add_plot(name)
                changed = True
        if changed or not self._laid_out:
            self._relayout()

    _laid_out = False

    def _add_plot(self, name: str) -> None:
        if name in self.plots or self.history is None:
            return
        p = VarPlot(self, self.history.scenario.variables[name])
        first = next(iter(self.plots.values()), None)
        self.plots[name] = p
        if first is not None:
            p.item.setXLink(first.item)
        else:
            sc = self.history.scenario
            p.item.setXRange(sc.start.toordinal(), sc.end.toordinal(), padding=0.01)

    def _remove_plot(self, name: str) -> None:
        p = self.plots.pop(name, None)
        if p is None:
            return
        rest = list(self.plots.values())
        vr = p.item.getViewBox().viewRange()[0]
        for q in rest:
            q.item.setXLink(None)
        p.item.setXLink(None)
        discard(self.graphics.ci, p.item)
        if rest:
            for q in rest[1:]:
                q.item.setXLink(rest[0].item)
            rest[0].item.setXRange(*vr, padding=0)

    def _relayout(self) -> None:
        self._laid_out = True
        ci = self.graphics.ci
        for p in self.plots.values():
            if p.item.scene() is not None:
                ci.removeItem(p.item)
        for i, p in enumerate(self.plots.values()):
            ci.addItem(p.item, row=i, col=0)
            last = i == len(self.plots) - 1
            p.item.getAxis("bottom").setStyle(showValues=last)
            p.item.getAxis("bottom").setHeight(None if last else 6)
        self.graphics.setVisible(bool(self.plots))
        self.empty.setVisible(not self.plots)

    def refresh(self, plots_only: list[str] | None = None) -> None:
        h = self.history
        if h is None:
            return
        if self.put_off():  # drawn when the pane is shown
            return
        if plots_only is None:
            self._stale = False
            self._sync_plots()
        bid = self.selection.branch
        if not h.has_branch(bid):
            return
        tl = h.try_timeline(bid)
        if tl is None:
            return
        parent_id = h.other(bid, self.selection.compare)  # the parent, or the branch compared with
        ptl = h.try_timeline(parent_id) if parent_id else None
        base_id = h.branch_ids[0]
        btl = h.try_timeline(base_id) if bid != base_id and parent_id != base_id else None
        end = h.scenario.end.toordinal() + 1
        divs = [(d.ordinal, d.branch == bid, f"{d.date}: {d.label}") for d in tl.divergences]
        names = plots_only if plots_only is not None else list(self.plots)
        mc = self.montecarlo.get(bid)
        for name in names:
            p = self.plots.get(name)
            if p is None:
                continue
            p.set_band(mc)
            # with bands drawn every plot shows its variable's whole declared range: comparable
            p.update(tl.trajectory(name), ptl.trajectory(name) if ptl else None,
                     btl.trajectory(name) if btl else None, end, divs, full_range=mc is not None)
            p.cursor.blockSignals(True)
            p.cursor.setValue(self._cursor_x())
            p.cursor.blockSignals(False)
        # one left-axis width for every plot (they share the x-axis), wide enough for value labels
        width = min(max([72] + [p.label_px + 16 for p in self.plots.values()]), 190)
        for p in self.plots.values():
            left = p.item.getAxis("left")
            if left.fixedWidth != width:  # setWidth redraws the axis even at the same width
                left.setWidth(width)
        if plots_only is None or not plots_only:
            self._legend(bid, parent_id, btl is not None)
            self._table_values()

    def _legend(self, bid, parent_id, with_base) -> None:
        h = self.history
        # a swatch and its name's first word are joined by a no-break space: wrapped between them, the
        # swatch ended one line and the name began the next, reading as two entries
        parts = [f"<span style='color:{style.ACCENT}; font-weight:600'>━</span>&nbsp;{_esc(h.label(bid))}"]
        if parent_id:
            parts.append(f"<span style='color:{style.PARENT}'>┅</span>&nbsp;{_esc(h.label(parent_id))}")
        if with_base:
            parts.append(f"<span style='color:{style.BASELINE}'>━</span>&nbsp;{_esc(h.label(h.branch_ids[0]))}")
        parts.append(f"<span style='color:{style.DIVERGENCE}'>│</span>&nbsp;divergence")
        mc = self.montecarlo.get(bid)
        if mc is not None:
            parts.append(f"<span style='color:{style.ACCENT_SOFT}; background:{style.ACCENT_SOFT}'>██</span>"
                         f"&nbsp;Monte Carlo 10–90% ({mc.runs}&nbsp;runs)")
        self.legend.setWordWrap(True)  # a long branch label or the band's entry wraps rather than being cut off
        text = " &nbsp; ".join(parts)
        if text != self.legend.text():
            self.legend.setText(text)
        self._hold_legend_height()

    _legend_width = -1
    _legend_height = 0

    def _hold_legend_height(self) -> None:
        """The legend keeps the tallest height it has needed at this width, and two lines at least (until
        the pane is resized or another scenario opens): a legend that wrapped onto one line more or less
        at each Back/Forward resized every plot, and each resize redrew all their axes (20 ms of a 60 ms
        step). From one line it grew to two at the first branch with a longer label, the one step of
        bench_ui's 24 over 100 ms (legend 16 -> 32 px, 3 plot resizes, 6 axis regenerations); two lines
        hold the usual legend (branch, parent, baseline, divergence) at the pane's widths."""
        lg = self.legend
        width = lg.width()
        if width != self._legend_width:
            self._legend_width, self._legend_height = width, 0
        need = lg.heightForWidth(width) if width > 0 else 0
        m = lg.contentsMargins()
        two_lines = 2 * lg.fontMetrics().lineSpacing() + m.top() + m.bottom() + 2 * lg.margin()
        self._legend_height = max(self._legend_height, need, two_lines)
        if lg.minimumHeight() != self._legend_height:
            lg.setMinimumHeight(self._legend_height)

    def resizeEvent(self, ev) -> None:
        super().resizeEvent(ev)
        if ev.size().width() != ev.oldSize().width() and self.legend.minimumHeight():
            self._legend_width = -1  # a new width: the legend takes its own height again
            self.legend.setMinimumHeight(0)

    def _cursor_date(self) -> dt.date:
        h = self.history
        c = self.selection.cursor
        if c is None:
            return h.scenario.end
        return min(max(c, h.scenario.start), h.scenario.end)

    def _cursor_x(self) -> float:
        return float(self._cursor_date().toordinal())

    def _table_values(self) -> None:
        h = self.history
        bid = self.selection.branch
        tl = h.try_timeline(bid)
        if tl is None:
            return
        parent_id = h.other(bid, self.selection.compare)  # the parent, or the branch compared with
        ptl = h.try_timeline(parent_id) if parent_id else None
        btl = h.try_timeline(h.branch_ids[0])
        when = self._cursor_date()
        vals = []
        for v in self.model.vars:
            mine = tl.value_at(v.name, when)
            vals.append((mine, ptl.value_at(v.name, when) if ptl else None,
                         btl.value_at(v.name, when) if btl else mine))
        self.model.set_values(vals, ptl is not None)
        # no column that repeats another: Parent for the baseline itself, Baseline when it is the branch or
        # the one it is held against (at 1280x800 the repeats squeezed titles onto two lines)
        self.table.setColumnHidden(2, ptl is None)
        self.table.setColumnHidden(3, h.branch_ids[0] in (bid, parent_id))
        compared = parent_id is not None and parent_id != h.parent(bid)
        self.model.set_other_header("Compared" if compared else "Parent")
        self._fit_columns()
        self._fit_rows()
        label = "at the end" if self.selection.cursor is None else f"at {when.isoformat()}"
        self.when.setText(f"<b>World {label}</b>")

    def _fit_columns(self) -> None:
        """Names first: a value column is as wide as its header, three values in four and its longest
        word need (of at most 200 values sampled; up to `VALUE_MAX`, a longer value wraps), the value
        columns together at most half the table; the Variable column takes the rest. Fixed 92 px value
        columns holding "yes" and "75" left names ~120 px at 1280x800 ("Trotsky's / health"); sized by
        the numbers alone, "the house in Coyoacán" read "the hous…"."""
        m, t = self.model, self.table
        if not m.values:
            return
        fm = t.fontMetrics()
        bold = QFont(t.horizontalHeader().font())
        bold.setWeight(QFont.DemiBold)  # as the style sheet draws headers (6 px padding each side)
        hfm = QFontMetrics(bold)
        step = max(1, len(m.values) // 200)  # at most 200 values a column: a big world costs no more
        wanted = {}
        for c in (1, 2, 3):
            if t.isColumnHidden(c):
                continue
            shown = [v.show(vals[c - 1]) for v, vals in zip(m.vars[::step], m.values[::step])
                     if vals[c - 1] is not None]
            texts = sorted(self._text_width(fm, x) for x in shown)
            word = max((self._text_width(fm, w) for x in shown for w in x.split()), default=0)
            need = max(texts[int(len(texts) * 0.75)] if texts else 0, word) + 16
            header = hfm.horizontalAdvance(m.headerData(c, Qt.Horizontal)) + 16
            wanted[c] = (header, max(header, min(need, self.VALUE_MAX)))
        room = t.viewport().width() // 2
        total = sum(w for _, w in wanted.values())
        for c, (header, width) in wanted.items():
            if total > room:  # shrink toward the headers, each by its share of the excess
                width = max(header, width - (total - room) * (width - header) //
                            max(sum(w - h for h, w in wanted.values()), 1))
            if t.columnWidth(c) != width:
                t.setColumnWidth(c, width)

    VALUE_MAX = 140

    def _text_width(self, fm, text: str) -> int:
        cache = self.__dict__.setdefault("_widths", {})
        w = cache.get(text)
        if w is None:
            w = cache[text] = fm.horizontalAdvance(text)
        return w

    _fitted: tuple = (None,)

    def _fit_rows(self) -> None:
        """Two lines for a row whose name or values do not fit their columns on one, else one."""
        fm = self.table.fontMetrics()
        one, two = fm.height() + 8, 2 * fm.height() + 10
        # a hidden column (Parent or Baseline repeating another) holds nothing to fit: its width of 0
        # made every row two lines tall
        widths = [self.table.columnWidth(c) - 14 if not self.table.isColumnHidden(c) else 1 << 20
                  for c in range(4)]
        widths[0] -= 22  # the check box
        m = self.model
        n = self.proxy.rowCount()
        # the same texts in the same columns (a Back/Forward between branches that agree on most of
        # the world, an event chosen at the same date): the rows already have their heights
        state = (id(m.vars), m.has_parent, widths, n, self.filter.text(), one)
        if state == self._fitted[:-1] and m.values == self._fitted[-1]:
            return
        self._fitted = (*state, m.values)
        if n == m.rowCount():
            sources = range(n)  # no filter: the proxy keeps the model's order (it is never sorted)
        else:  # filtered: fewer rows; mapToSource for each was 0.2 s a selection with 200 rows unfiltered
            sources = [self.proxy.mapToSource(self.proxy.index(r, 0)).row() for r in range(n)]
        heights = self._row_heights
        for r, src in enumerate(sources):
            v = m.vars[src]
            mine, parent, base = m.values[src] if src < len(m.values) else (None, None, None)
            key = (src, id(v), mine, parent if m.has_parent else None, base, m.has_parent, tuple(widths))
            try:
                h = heights.get(key)
            except TypeError:  # an unhashable value: measure it every time
                h, key = None, None
            if h is None:
                texts = (v.title, v.show(mine), v.show(parent) if m.has_parent else "", v.show(base))
                tall = any(self._text_width(fm, t) > w for t, w in zip(texts, widths))
                h = two if tall else one
                if key is not None:
                    if len(heights) > 20_000:
                        heights.clear()
                    heights[key] = h
            if self.table.rowHeight(r) != h:
                self.table.setRowHeight(r, h)
        self.table.whole_rows()

    # --- hover ------------------------------------------------------------------------------------

    def hover_text(self, name: str, when: dt.date) -> str:
        """The values of a plotted variable on a date in this branch, its parent and the baseline."""
        h = self.history
        bid = self.selection.branch
        var = h.scenario.variables[name]
        rows = [(h.label(bid), bid)]
        parent_id = h.other(bid, self.selection.compare)
        if parent_id:
            rows.append((h.label(parent_id), parent_id))
        base = h.branch_ids[0]
        if base not in (bid, parent_id):
            rows.append((h.label(base), base))
        lines = [f"<b>{_esc(var.title)}</b> · {when.isoformat()}"]
        for label, b in rows:
            tl = h.try_timeline(b)
            if tl is not None:
                lines.append(f"{_esc(label)}: <b>{_esc(var.show(tl.value_at(name, when)))}</b>")
        return "<br>".join(lines)

    def _hovered(self, scene_pos) -> None:
        from PySide6.QtGui import QCursor
        from PySide6.QtWidgets import QToolTip
        if self.history is None:
            return
        for name, p in self.plots.items():
            vb = p.item.getViewBox()
            if vb.sceneBoundingRect().contains(scene_pos):
                x = vb.mapSceneToView(scene_pos).x()
                sc = self.history.scenario
                when = min(max(from_ordinal(x), sc.start), sc.end)
                QToolTip.showText(QCursor.pos(), self.hover_text(name, when), self.graphics)
                return
        QToolTip.hideText()

    # --- cursor ----------------------------------------------------------------------------------

    def cursor_dragged(self, x: float) -> None:
        if self._syncing or self.history is None:
            return
        sc = self.history.scenario
        d = from_ordinal(x)
        d = min(max(d, sc.start), sc.end)
        self.selection.set_cursor(d)

    def _on_cursor(self, when) -> None:
        if self.history is None:
            return
        if self.put_off():
            return
        self._syncing = True
        try:
            x = self._cursor_x()
            for p in self.plots.values():
                if abs(p.cursor.value() - x) > 0.5:
                    p.cursor.setValue(x)
        finally:
            self._syncing = False
        self._table_values()

    def tick(self, name: str, on: bool = True) -> None:
        self.model.set_ticked(name, on)

    def checkbox_pos(self, name: str):
        """Viewport position of a variable's check box in the table (for tests)."""
        from PySide6.QtWidgets import QStyle, QStyleOptionViewItem
        r = self.model.row_of(name)
        idx = self.proxy.mapFromSource(self.model.index(r, 0))
        self.table.scrollTo(idx)
        rect = self.table.visualRect(idx)
        opt = QStyleOptionViewItem()
        opt.initFrom(self.table)
        opt.rect = rect
        opt.features |= QStyleOptionViewItem.HasCheckIndicator
        opt.state |= QStyle.State_Enabled
        check = self.table.style().subElementRect(QStyle.SE_ItemViewItemCheckIndicator, opt, self.table)
        return check.center()
