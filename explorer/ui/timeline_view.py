"""The selected branch's timeline: events by date with their status against the parent.

A table model over the branch's firings (plus the parent's gone events, struck through, when shown);
filtering by tag and text happens in the model on plain lists, so 10,000 rows stay fast. The time
cursor is drawn as a line between rows and shared with the world plots.
"""
from __future__ import annotations

import bisect
import datetime as dt
import html

from PySide6.QtCore import QAbstractTableModel, QDate, QModelIndex, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QDateEdit, QHBoxLayout, QHeaderView,
                               QLabel, QLineEdit, QSizePolicy, QStyledItemDelegate, QStyleOptionViewItem, QTableView, QVBoxLayout, QWidget)

from . import style
from .history import History
from .selection import BRANCH, COMPARE, CURSOR, EVENT, Selection
from .timeline_rows import Row, build_rows, read_rows

COLUMNS = ("Status", "Date", "Event", "Outcome", "Tags")
C_STATUS, C_DATE, C_EVENT, C_OUTCOME, C_TAGS = range(5)


class TimelineModel(QAbstractTableModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list[Row] = []       # every row, chronological
        self.visible: list[Row] = []    # after filters
        self.branch: str | None = None
        self.show_gone = True
        self.only_changes = False
        self.tag = ""
        self.text = ""
        self.is_root = False
        self.counts = {}
        self._strike = QFont()
        self._strike.setStrikeOut(True)
        self._bold = QFont()
        self._bold.setBold(True)
        self._colors = {k: QColor(v) for k, v in style.STATUS_COLORS.items()}
        self._muted = QColor(style.TEXT_MUTED)

    def load(self, history: History, branch_id: str, compare: str | None = None) -> None:
        """Show a branch: its rows from the Workspace's timeline and its diff against its parent, or
        against `compare` (built once per pair)."""
        self.beginResetModel()
        self.branch = branch_id
        other = history.other(branch_id, compare)
        self.against = other
        if getattr(self, "_history", None) is not history:
            self._history, self._cache, self._reading = history, {}, {}
        cached = self._cache.get((branch_id, other))
        if cached is None:
            with history.long_lived():
                cached = self._cache[(branch_id, other)] = self._build(history, branch_id, other)
            if len(self._cache) > 64:
                self._cache.pop(next(iter(self._cache)))
        self.rows, self.counts, self.is_root = cached
        self._filter()
        self.endResetModel()

    def _read(self, tl) -> list[tuple]:
        """What a branch's rows say whatever it is compared with (read_rows), worked out once per
        branch: comparing a branch with another branch then builds only the statuses (a new pair took
        35 ms of the GUI thread for the texts)."""
        got = self._reading.get(tl.branch_id)
        if got is not None and got[0] is tl:
            return got[1]
        return self.keep_reading(tl, read_rows(tl))

    def keep_reading(self, tl, rows: list[tuple]) -> list[tuple]:
        """Keep a branch's rows read elsewhere: the branch worker reads the branch the user waits for
        off the GUI thread (80-130 ms of a 2,600-event branch's showing)."""
        self._reading[tl.branch_id] = (tl, rows)
        if len(self._reading) > 32:
            self._reading.pop(next(iter(self._reading)))
        return rows

    def keep_built(self, history: History, branch_id: str, built: tuple) -> None:
        """Keep a branch's rows against its parent built elsewhere (`build_rows`): the branch worker
        builds those of the branch the user waits for off the GUI thread (10-20 ms of its showing)."""
        if getattr(self, "_history", None) is not history:
            self._history, self._cache, self._reading = history, {}, {}
        self._cache[(branch_id, history.parent(branch_id))] = built
        if len(self._cache) > 64:
            self._cache.pop(next(iter(self._cache)))

    def _build(self, history: History, branch_id: str, other: str | None = None):
        tl = history.try_timeline(branch_id)
        if tl is None:
            self.is_root, self.counts = other is None, {}
            return [], self.counts, self.is_root
        d = history.diff(branch_id, other) if other is not None else None
        where = history.label(other) if other is not None else ""
        rows, self.counts, self.is_root = built = build_rows(tl, d, self._read(tl), where)
        return built

    def set_filters(self, *, text=None, tag=None, show_gone=None, only_changes=None) -> None:
        self.beginResetModel()
        if text is not None:
            self.text = text.strip().lower()
        if tag is not None:
            self.tag = tag
        if show_gone is not None:
            self.show_gone = show_gone
        if only_changes is not None:
            self.only_changes = only_changes
        self._filter()
        self.endResetModel()

    def _filter(self) -> None:
        rows = self.rows
        if not self.show_gone:
            rows = [r for r in rows if r.status != style.GONE]
        if self.only_changes:
            rows = [r for r in rows if r.status != style.SAME]
        if self.tag:
            rows = [r for r in rows if self.tag in r.tags]
        if self.text:
            t = self.text
            out = []
            for r in rows:
                if r.haystack is None:
                    r.haystack = " ".join((r.title, r.key[0], r.outcome, " ".join(r.tags), r.narr)).lower()
                if t in r.haystack:
                    out.append(r)
            rows = out
        self.visible = rows

    def filtered(self) -> bool:
        return bool(self.text or self.tag or self.only_changes)

    # --- lookups ---------------------------------------------------------------------------------

    def row_of(self, key) -> int:
        for i, r in enumerate(self.visible):
            if r.key == key:
                return i
        return -1

    def has_key(self, key) -> bool:
        return any(r.key == key for r in self.rows)

    def cursor_row(self, when: dt.date) -> int:
        """The first visible row dated after `when` (the cursor line is drawn above it)."""
        dates = [r.date for r in self.visible]
        return bisect.bisect_right(dates, when)

    # --- Qt --------------------------------------------------------------------------------------

    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self.visible)

    def columnCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if role == Qt.DisplayRole and orientation == Qt.Horizontal:
            return COLUMNS[section]
        return None

    def data(self, index, role=Qt.DisplayRole):
        if role not in _ROLES:
            return None
        r = self.visible[index.row()]
        col = index.column()
        if role == 0:  # Qt.DisplayRole
            if col == C_DATE:
                return r.date.isoformat()
            if col == C_EVENT:
                return r.title
            if col == C_OUTCOME:
                return r.outcome
            if col == C_TAGS:
                return ", ".join(r.tags)
            return "base" if self.is_root else style.STATUS_LABELS[r.status]
        if role == _USER:
            return r
        if role == _FONT:
            return self._strike if r.status == "gone" else None
        if role == _FG:
            if r.status == "gone":
                return self._colors["gone"]
            if col == C_DATE and r.status == "changed":
                return self._colors["changed"]
            if col == C_DATE or col == C_TAGS:
                return self._muted
            return None
        if role == _TIP:
            tip = f"<b>{r.title}</b><br>{r.date} · {style.STATUS_LABELS[r.status] if not self.is_root else 'baseline'}"
            if r.note:
                tip += f"<br>{r.note}"
            if r.narr:
                tip += f"<br><i>{html.escape(r.narr)}</i>"
            return tip
        return None


_USER, _FONT, _FG, _TIP = int(Qt.UserRole), int(Qt.FontRole), int(Qt.ForegroundRole), int(Qt.ToolTipRole)
_ROLES = frozenset((int(Qt.DisplayRole), _USER, _FONT, _FG, _TIP))


class StatusDelegate(QStyledItemDelegate):
    """A coloured pill: grey same, green new, amber changed, red gone."""

    def paint(self, painter: QPainter, option, index):
        r: Row = index.data(Qt.UserRole)
        model = index.model()
        # background (selection) as the style draws it, without text
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        w = opt.widget
        w.style().drawControl(w.style().ControlElement.CE_ItemViewItem, opt, painter, w)
        if r is None:
            return
        text = "base" if model.is_root else style.STATUS_LABELS[r.status]
        color = QColor(style.TEXT_MUTED if model.is_root else style.STATUS_COLORS[r.status])
        painter.save()
        painter.setRenderHint(QPainter.Antialiasing)
        fm = option.fontMetrics
        w_ = fm.horizontalAdvance(text) + 14
        h_ = fm.height() + 2
        rect = QRectF(option.rect.left() + 6, option.rect.center().y() - h_ / 2 + 0.5, w_, h_)
        fill = QColor(color)
        fill.setAlpha(30 if r.status == style.SAME or model.is_root else 40)
        painter.setPen(QPen(QColor(color.red(), color.green(), color.blue(), 110), 1))
        painter.setBrush(fill)
        painter.drawRoundedRect(rect, h_ / 2, h_ / 2)
        painter.setPen(color.darker(115))
        f = painter.font()
        f.setStrikeOut(False)
        painter.setFont(f)
        painter.drawText(rect, Qt.AlignCenter, text)
        painter.restore()


# the Tags column's width in a narrow and in a wide table: at 1280x800, beside the Status column, 130 px of
# tags left the Event column ~220 px ("American and British firms ex…"); titles come first
TAGS_MIN, TAGS_MAX = 100, 360


class _Table(QTableView):
    """A table that draws the time cursor as a line between rows."""

    def __init__(self, owner: "TimelineView"):
        super().__init__()
        self.owner = owner

    def resizeEvent(self, ev):
        super().resizeEvent(ev)
        self.fit_tags()

    _needs = None  # (rows list, event column's need, tags column's need) as last measured

    def needs(self) -> tuple[int, int]:
        """What the Event and Tags columns need: every title whole (the longest), nine tags in ten (the
        90th percentile of their widths), measured on at most 200 of the branch's rows (evenly spaced:
        10,000 rows cost no more), once per set of rows. (Three titles in four, the need before, cut 23
        of the baseline's 112 titles at 1280x800 beside a 289 px Tags column: titles come first, the tags
        have their filter box and their floor in `fit_tags`.)"""
        rows = self.owner.model.rows
        if self._needs is None or self._needs[0] is not rows:
            sample = rows[::max(1, len(rows) // 200)]
            fm = self.fontMetrics()

            def pct(texts, q: float) -> int:
                ws = sorted(fm.horizontalAdvance(t) for t in texts)
                return ws[min(len(ws) - 1, int(len(ws) * q))] + 18 if ws else 0
            tags = pct((", ".join(r.tags) for r in sample), 0.9)
            self._needs = (rows, pct((r.title for r in sample), 1.0), tags)
        return self._needs[1], self._needs[2]

    def fit_tags(self) -> None:
        """Columns by what they hold, titles first: the Event column its titles' need, then Tags the rest
        up to theirs, never less than their floor (`share`: `TAGS_MIN` and 60% of the width past 560 px,
        146 px in the 1280x800 window's timeline). A wide table gives Tags that share of its extra width
        (at 1920x1080 the Event column alone grew to ~700 px of mostly blank while tags stayed cut)."""
        w = self.viewport().width()
        share = TAGS_MIN + (w - 560) * 0.6
        fixed = sum(self.columnWidth(c) for c in (C_STATUS, C_DATE, C_OUTCOME) if not self.isColumnHidden(c))
        event, tags = self.needs()
        room = w - fixed - event  # what the titles leave
        self.setColumnWidth(C_TAGS, int(min(TAGS_MAX, max(TAGS_MIN, share, min(tags, room)))))

    def paintEvent(self, ev):
        super().paintEvent(ev)
        cur = self.owner.selection.cursor
        model = self.model()
        if cur is None or model.rowCount() == 0:
            return
        row = model.cursor_row(cur)
        if row >= model.rowCount():
            y = self.rowViewportPosition(model.rowCount() - 1) + self.rowHeight(model.rowCount() - 1)
        else:
            y = self.rowViewportPosition(row)
        if y < 0 or y > self.viewport().height():
            return
        p = QPainter(self.viewport())
        p.setRenderHint(QPainter.Antialiasing)
        p.setPen(QPen(QColor(style.CURSOR), 2))
        p.drawLine(0, y, self.viewport().width(), y)
        p.setBrush(QColor(style.CURSOR))
        p.drawEllipse(QRectF(1, y - 3.5, 7, 7))
        p.end()


class _DateEdit(QDateEdit):
    """A date box that Tab leaves in one stop (QDateEdit steps through day, month and year)."""

    def focusNextPrevChild(self, next_: bool) -> bool:
        return QWidget.focusNextPrevChild(self, next_)


class TimelineView(QWidget):
    def __init__(self, selection: Selection, parent=None):
        super().__init__(parent)
        self.selection = selection
        self.history: History | None = None
        self.model = TimelineModel(self)
        self._syncing = False

        self.title = QLabel("Timeline")
        self.title.setObjectName("paneTitle")
        self.summary = QLabel("")
        self.summary.setObjectName("muted")
        self.summary.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)
        self.summary.setMinimumWidth(0)
        self.summary.setWordWrap(True)  # the counts wrap in a narrow pane instead of being cut off
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search events…  (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.setObjectName("timelineSearch")
        self.search.setMinimumWidth(120)
        self.tag_box = QComboBox()
        self.tag_box.setObjectName("tagFilter")
        self.tag_box.setToolTip("Show only events with this tag")
        self.tag_box.setMinimumContentsLength(10)
        self.gone_box = QCheckBox("Gone events")
        self.gone_box.setToolTip("Show the parent's events that do not happen in this branch, struck through")
        self.gone_box.setChecked(True)
        self.changes_box = QCheckBox("Only changes")
        self.changes_box.setToolTip("Hide the events this branch shares unchanged with its parent")
        self.cursor_edit = _DateEdit()
        self.cursor_edit.setDisplayFormat("yyyy-MM-dd")
        self.cursor_edit.setCalendarPopup(True)
        self.cursor_edit.setToolTip("Time cursor, shared with the world plots")
        self.cursor_edit.setObjectName("cursorEdit")
        # no date before a scenario is open (it showed QDateEdit's 2000-01-01, a date from nowhere)
        self.cursor_edit.setSpecialValueText(" ")
        self.cursor_edit.setDate(self.cursor_edit.minimumDate())
        self.cursor_edit.setEnabled(False)

        top = QHBoxLayout()
        top.setContentsMargins(8, 4, 6, 0)
        top.addWidget(self.title)
        top.addSpacing(8)
        top.addWidget(self.summary, 1)
        cur_label = QLabel("Cursor")
        cur_label.setObjectName("muted")
        top.addWidget(cur_label)
        top.addWidget(self.cursor_edit)
        bar = QHBoxLayout()
        bar.setContentsMargins(6, 0, 6, 0)
        bar.addWidget(self.search, 3)
        bar.addWidget(self.tag_box, 1)
        bar.addWidget(self.gone_box)
        bar.addWidget(self.changes_box)

        self.table = _Table(self)
        self.table.setObjectName("timelineTable")
        self.table.setModel(self.model)
        self.table.setItemDelegateForColumn(C_STATUS, StatusDelegate(self.table))
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.ElideRight)
        self.table.verticalHeader().setVisible(False)
        vh = self.table.verticalHeader()
        vh.setSectionResizeMode(QHeaderView.Fixed)
        vh.setDefaultSectionSize(self.fontMetrics().height() + 10)
        hh = self.table.horizontalHeader()
        hh.setHighlightSections(False)
        hh.setDefaultAlignment(Qt.AlignLeft | Qt.AlignVCenter)
        for c, w in ((C_STATUS, 104), (C_DATE, 96), (C_EVENT, 320), (C_OUTCOME, 120)):
            hh.setSectionResizeMode(c, QHeaderView.Interactive)
            self.table.setColumnWidth(c, w)
        hh.setSectionResizeMode(C_EVENT, QHeaderView.Stretch)
        # the outcome is in the event's title ("The battle for Mexico City — The capital falls"): its own
        # column only repeated it; search still finds outcomes
        self.table.setColumnHidden(C_OUTCOME, True)
        hh.setSectionResizeMode(C_TAGS, QHeaderView.Interactive)
        self.table.setColumnWidth(C_TAGS, TAGS_MIN)  # wider in a wide table: _Table.resizeEvent
        hh.setStretchLastSection(False)

        self.table.setTabKeyNavigation(False)  # Tab leaves the table (to the next pane); arrows move

        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(4)
        lay.addLayout(top)
        lay.addLayout(bar)
        lay.addWidget(self.table, 1)
        chain = [self.search, self.tag_box, self.gone_box, self.changes_box, self.cursor_edit, self.table]
        for a, b in zip(chain, chain[1:]):
            QWidget.setTabOrder(a, b)

        self.search.textChanged.connect(lambda t: self._refilter(text=t))
        self.tag_box.currentIndexChanged.connect(lambda _: self._refilter(tag=self.tag_box.currentData() or ""))
        self.gone_box.toggled.connect(lambda on: self._refilter(show_gone=on))
        self.changes_box.toggled.connect(lambda on: self._refilter(only_changes=on))
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.cursor_edit.dateChanged.connect(self._cursor_edited)
        selection.changed.connect(self._on_change)

    # --- data ------------------------------------------------------------------------------------

    def set_history(self, history: History) -> None:
        self.history = history
        self.model._cache = {}
        sc = history.scenario
        tags = sorted({t for e in sc.events for t in e.tags}, key=str.lower)
        self.tag_box.blockSignals(True)
        cur = self.tag_box.currentData()
        self.tag_box.clear()
        self.tag_box.addItem("All tags", "")
        for t in tags:
            self.tag_box.addItem(t, t)
        i = self.tag_box.findData(cur) if cur else 0
        self.tag_box.setCurrentIndex(max(i, 0))
        self.model.tag = self.tag_box.currentData() or ""
        self.tag_box.blockSignals(False)
        self.cursor_edit.blockSignals(True)
        self.cursor_edit.setSpecialValueText("")
        self.cursor_edit.setEnabled(True)
        self.cursor_edit.setDateRange(QDate(sc.start.year, sc.start.month, sc.start.day),
                                      QDate(sc.end.year, sc.end.month, sc.end.day))
        if self.selection.cursor is None:  # no cursor: the world at the end
            self.cursor_edit.setDate(self.cursor_edit.maximumDate())
        self.cursor_edit.blockSignals(False)
        self._on_branch(self.selection.branch)
        self._on_cursor(self.selection.cursor)

    _clicked = False

    def _on_change(self, what) -> None:
        """One update per selection change: the rows (another branch or comparison; they select the
        event), else the event's row; then the cursor."""
        if BRANCH in what or COMPARE in what:
            self._on_branch(self.selection.branch)
        elif EVENT in what and not self._clicked:
            self._on_event(self.selection.event)
        if CURSOR in what:
            self._on_cursor(self.selection.cursor)

    def _on_branch(self, bid: str) -> None:
        if self.history is None or not self.history.has_branch(bid):
            return
        self._syncing = True
        try:
            self.model.load(self.history, bid, self.selection.compare)
        finally:
            self._syncing = False
        self.gone_box.setEnabled(not self.model.is_root)
        self.changes_box.setEnabled(not self.model.is_root)
        self.table.setColumnHidden(C_STATUS, self.model.is_root)
        self.table.fit_tags()  # another branch's titles and tags, or the Status column shown or hidden
        self._update_summary()
        self._on_event(self.selection.event)

    def _update_summary(self) -> None:
        c = self.model.counts
        h = self.history
        label = h.label(self.model.branch) if h else ""
        if not c:
            err = h.error(self.model.branch) if h else None
            self.summary.setText(f"{label}: cannot be computed — {err}" if err else label)
            return
        n = sum(c[k] for k in ("same", "new", "changed"))
        # a count and its word on one line; a line never starts with the "·" (it stays with the part before)
        parts = [f"<b>{_esc(label)}</b>&nbsp;· {n:,}&nbsp;events"]
        if not self.model.is_root:
            if self.model.against != h.parent(self.model.branch):
                parts.append(f"against <b style='color:{style.PARENT}'>{_esc(h.label(self.model.against))}</b>")
            # zero counts are left out ("0 changed" wrapped the line at 1280x800 and said nothing)
            parts += [f"<span style='color:{style.STATUS_COLORS[k]}'>{c[k]:,}&nbsp;{k}</span>"
                      for k in ("new", "changed", "gone") if c[k]] or ["no differences"]
        if self.model.filtered() or not self.model.show_gone:
            parts.append(f"{len(self.model.visible):,}&nbsp;shown")
        self.summary.setText("&nbsp;· ".join(parts))

    def _refilter(self, **kw) -> None:
        self._syncing = True
        try:
            self.model.set_filters(**kw)
        finally:
            self._syncing = False
        self._update_summary()
        self._select_row(self.selection.event, scroll=True)

    # --- selection -------------------------------------------------------------------------------

    def _row_changed(self, current: QModelIndex, previous) -> None:
        if self._syncing or not current.isValid():
            return
        r: Row = self.model.visible[current.row()]
        self._clicked = True  # the row is already current: the change need not select it again
        try:
            self.selection.select_event(r.key, cursor=r.date)
        finally:
            self._clicked = False

    def _on_event(self, key) -> None:
        if key is not None and self.model.row_of(key) < 0 and self.model.has_key(key):
            # the event is hidden by a filter: clear the filters so it can be shown
            self._syncing = True
            try:
                self.search.blockSignals(True)
                self.search.clear()
                self.search.blockSignals(False)
                self.tag_box.blockSignals(True)
                self.tag_box.setCurrentIndex(0)
                self.tag_box.blockSignals(False)
                for box in (self.gone_box, self.changes_box):
                    box.blockSignals(True)
                self.gone_box.setChecked(True)
                self.changes_box.setChecked(False)
                for box in (self.gone_box, self.changes_box):
                    box.blockSignals(False)
                self.model.set_filters(text="", tag="", show_gone=True, only_changes=False)
            finally:
                self._syncing = False
            self._update_summary()
        self._select_row(key, scroll=True)

    def _select_row(self, key, scroll: bool) -> None:
        self._syncing = True
        try:
            sm = self.table.selectionModel()
            row = self.model.row_of(key) if key is not None else -1
            if row < 0:
                sm.clearSelection()
                sm.setCurrentIndex(QModelIndex(), sm.SelectionFlag.NoUpdate)
                if self.model.rowCount():
                    # no event: show where the branch forks (its first differences), else the cursor
                    fork = self.history.fork(self.model.branch) if self.history else None
                    when = fork - dt.timedelta(days=1) if fork else self.selection.cursor
                    if when is not None:
                        r = min(self.model.cursor_row(when), self.model.rowCount() - 1)
                        self.table.scrollTo(self.model.index(r, 0), QAbstractItemView.PositionAtTop)
                return
            idx = self.model.index(row, C_EVENT)
            sm.setCurrentIndex(idx, sm.SelectionFlag.ClearAndSelect | sm.SelectionFlag.Rows)
            if scroll:
                self.table.scrollTo(idx, QAbstractItemView.EnsureVisible)
        finally:
            self._syncing = False

    def _on_cursor(self, when) -> None:
        if when is not None:
            self.cursor_edit.blockSignals(True)
            self.cursor_edit.setDate(QDate(when.year, when.month, when.day))
            self.cursor_edit.blockSignals(False)
            sel = self.table.selectionModel().currentIndex()
            if not sel.isValid() and self.model.rowCount():
                r = min(self.model.cursor_row(when), self.model.rowCount() - 1)
                self.table.scrollTo(self.model.index(r, 0), QAbstractItemView.EnsureVisible)
        self.table.viewport().update()

    def _cursor_edited(self, qd: QDate) -> None:
        self.selection.set_cursor(dt.date(qd.year(), qd.month(), qd.day()))

    def focus_search(self) -> None:
        self.search.setFocus(Qt.ShortcutFocusReason)
        self.search.selectAll()


def _esc(s: str) -> str:
    return (s or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
