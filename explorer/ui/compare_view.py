"""Side by side: the selected branch and the one it is compared with (or its parent), aligned by date.

One event per row, as a diff viewer shows two files: left the selected branch, right the other; an
event that moved or ended otherwise stays on one row (its date on the right before its title, when it
moved), an event only one side has leaves the other side empty. One Date column: a second one repeated
the first on every row both share and took the ~95 px that the titles, cut at 1280x800, needed. The rows come from `explorer.core.compare.side_by_side`. Clicking a row
selects its event in the selected branch (an event gone from it shows why not).
"""
from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QHBoxLayout, QHeaderView, QLabel, QSizePolicy,
                               QTableView, QVBoxLayout, QWidget)

from ..core.compare import counts, side_by_side
from ..core.errors import ExplorerError
from . import style
from .history import History
from .panes import LazyPane
from .selection import BRANCH, COMPARE, EVENT, Selection

C_DATE, C_LEFT, C_MARK, C_RIGHT = range(4)
# roles as plain ints: comparing with Qt's enum members costs microseconds per data() call
_DISPLAY, _BACKGROUND, _FOREGROUND, _FONT, _ALIGN, _TIP, _USER = (
    int(r) for r in (Qt.DisplayRole, Qt.BackgroundRole, Qt.ForegroundRole, Qt.FontRole, Qt.TextAlignmentRole,
                     Qt.ToolTipRole, Qt.UserRole))
_ROLES = frozenset((_DISPLAY, _BACKGROUND, _FOREGROUND, _FONT, _ALIGN, _TIP, _USER))
MARKS = {style.SAME: "=", style.NEW: "+", style.CHANGED: "~", style.GONE: "−"}


class CompareModel(QAbstractTableModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.all: list = []
        self.rows: list = []
        self.left_label = self.right_label = ""
        self.only_differences = False
        self._colors = {k: QColor(v) for k, v in style.STATUS_COLORS.items()}
        self._tint = {k: QColor(v) for k, v in style.STATUS_COLORS.items()}
        for c in self._tint.values():
            c.setAlpha(28)
        self._muted = QColor(style.TEXT_MUTED)
        self._bold = QFont()
        self._bold.setBold(True)

    def set_rows(self, rows: list, left: str, right: str) -> None:
        self.beginResetModel()
        self.all = rows
        self.left_label, self.right_label = left, right
        self._filter()
        self.endResetModel()
        self.headerDataChanged.emit(Qt.Horizontal, 0, 3)

    def set_only_differences(self, on: bool) -> None:
        self.beginResetModel()
        self.only_differences = on
        self._filter()
        self.endResetModel()

    def _filter(self) -> None:
        self.rows = [p for p in self.all if p.status != style.SAME] if self.only_differences else list(self.all)

    def row_of(self, key) -> int:
        return next((i for i, p in enumerate(self.rows) if p.key == key), -1)

    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else 4

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if orientation != Qt.Horizontal or role not in (Qt.DisplayRole, Qt.ToolTipRole):
            return None
        if role == Qt.ToolTipRole:  # a long branch name is elided in its narrow column: whole here
            return {C_LEFT: self.left_label, C_RIGHT: self.right_label}.get(section)
        shown = self.header_shown.get(section)
        return shown if shown is not None else ("Date", self.left_label, "", self.right_label)[section]

    header_shown: dict = {}  # section -> the branch name as it fits its column (CompareView._fit_headers)

    def data(self, index, role=Qt.DisplayRole):
        if role not in _ROLES:  # asked for ~10 roles per visible cell at each paint: answer fast
            return None
        p = self.rows[index.row()]
        col = index.column()
        if role == _DISPLAY:
            # the Date column is where the row sits (the earlier of its dates, so the column reads in
            # order: it showed the left's date, and an event moved later on the left read 04-27 above
            # 04-12); a moved event's later date is said before its title on its side (at the end, a
            # long title's "…" cut it off)
            if col == C_DATE:
                return p.date.isoformat()
            if col == C_LEFT:
                if p.left_title and p.left_date and p.left_date != p.date:
                    return f"{p.left_date.isoformat()} · {p.left_title}"
                return p.left_title or ""
            if col == C_MARK:
                return MARKS[p.status]
            if col == C_RIGHT:
                if p.right_title and p.right_date and p.right_date != p.date:
                    return f"{p.right_date.isoformat()} · {p.right_title}"
                return p.right_title or ""
        if role == _BACKGROUND and p.status != style.SAME:
            return self._tint[p.status]
        if role == _FOREGROUND:
            if col == C_MARK:
                return self._colors[p.status]
            if col == C_DATE:
                moved = p.status == style.CHANGED and p.left_date != p.right_date
                return self._colors[style.CHANGED] if moved else self._muted
        if role == _FONT and col == C_MARK:
            return self._bold
        if role == _ALIGN and col == C_MARK:
            return int(Qt.AlignCenter)
        if role == _TIP:
            word = {style.SAME: "in both, on the same date",
                    style.NEW: f"only in {self.left_label}",
                    style.GONE: f"only in {self.right_label}",
                    style.CHANGED: "in both, but on another date or with another outcome"}[p.status]
            dates = ""
            if p.left_date and p.right_date and p.left_date != p.right_date:
                dates = f"<br>{p.left_date.isoformat()} on the left, {p.right_date.isoformat()} on the right"
            return f"<b>{p.left_title or p.right_title}</b><br>{word}{dates}"
        if role == _USER:
            return p
        return None


class CompareView(LazyPane, QWidget):
    def __init__(self, selection: Selection, parent=None):
        super().__init__(parent)
        self.selection = selection
        self.history: History | None = None
        self._syncing = False
        self.summary = QLabel("")
        self.summary.setObjectName("muted")
        self.summary.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)
        self.summary.setWordWrap(True)  # a narrow pane wraps the counts rather than cutting them
        self.only_box = QCheckBox("Only differences")
        self.only_box.setToolTip("Hide the events both branches share on the same date")
        self.model = CompareModel(self)
        self.table = QTableView()
        self.table.setObjectName("compareTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        hh = self.table.horizontalHeader()
        hh.setDefaultAlignment(Qt.AlignLeft | Qt.AlignVCenter)
        hh.setHighlightSections(False)
        # a branch name too long for its column is elided ("Stalin's coup succe…"), whole in the tooltip:
        # the header clipped it mid-word ("Stalin's coup succeed"); the style draws headers unelided
        hh.sectionResized.connect(lambda *_: self._fit_headers())
        # fixed date columns: ResizeToContents asked the model for every row (seconds for 10,000)
        for c, mode in ((C_DATE, QHeaderView.Fixed), (C_LEFT, QHeaderView.Stretch),
                        (C_MARK, QHeaderView.Fixed), (C_RIGHT, QHeaderView.Stretch)):
            hh.setSectionResizeMode(c, mode)
        self.table.setColumnWidth(C_DATE, self.fontMetrics().horizontalAdvance("0000-00-00") + 18)
        self.table.setColumnWidth(C_MARK, 24)
        # the date columns fit their widest date measured on the first rows only: ISO dates have one
        # width, and measuring all of a 10,000-event comparison at every branch change made 128,000
        # data() calls (a second of the GUI thread per selection, measured)
        hh.setResizeContentsPrecision(100)
        top = QHBoxLayout()
        top.setContentsMargins(8, 4, 6, 0)
        top.addWidget(self.summary, 1)
        top.addWidget(self.only_box)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(4)
        lay.addLayout(top)
        lay.addWidget(self.table, 1)
        self.only_box.toggled.connect(self._only)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        selection.changed.connect(self._on_change)

    def _on_change(self, what) -> None:
        if BRANCH in what or COMPARE in what:
            self.refresh()  # selects the event's row too
        elif EVENT in what:
            self._on_event(self.selection.event)

    def set_history(self, history: History) -> None:
        self.history = history
        self.refresh()

    def _fit_headers(self) -> None:
        m, hh = self.model, self.table.horizontalHeader()
        font = QFont(hh.font())
        font.setWeight(QFont.DemiBold)  # as the style sheet draws headers (font-weight 600): measured in
        fm = QFontMetrics(font)          # the regular weight, "The US invades in 1942" was clipped to "…in 19"
        shown = {}
        for c, full in ((C_LEFT, m.left_label), (C_RIGHT, m.right_label)):
            shown[c] = fm.elidedText(full or "", Qt.ElideRight, max(hh.sectionSize(c) - 16, 10))
        if shown != m.header_shown:
            m.header_shown = shown
            m.headerDataChanged.emit(Qt.Horizontal, C_LEFT, C_RIGHT)

    def refresh(self) -> None:
        h = self.history
        if self.put_off() or h is None:  # computed when the pane is shown: nobody reads a hidden table
            self._stale = True  # (or when there is a history to compare)
            return
        self._stale = False
        bid = self.selection.branch
        if not h.has_branch(bid):
            return
        other = h.other(bid, self.selection.compare)
        self._syncing = True
        try:
            if other is None:
                self.model.set_rows([], h.label(bid), "")
                self.summary.setText(f"<b>{_esc(h.label(bid))}</b> is the root: choose a branch to compare "
                                     "it with (Ctrl+click one in the outline or the map, or Compare with…)")
                return
            try:
                cache = self.__dict__.setdefault("_rows", {})
                if getattr(self, "_rows_for", None) is not h:  # another history: other rows
                    cache.clear()
                    self._rows_for = h
                rows = cache.get((bid, other))
                if rows is None:  # the diff the other views use; rows kept for going back and forth
                    with h.long_lived():
                        rows = cache[(bid, other)] = side_by_side(h.ws, bid, other, diff=h.diff(bid, other))
                    if len(cache) > 16:
                        cache.pop(next(iter(cache)))
            except ExplorerError as e:
                self.model.set_rows([], h.label(bid), h.label(other))
                self.summary.setText(f"cannot compare: {_esc(e)}")
                return
            self.model.set_rows(rows, h.label(bid), h.label(other))
            self._fit_headers()
            c = counts(rows)
            words = {"changed": "changed", "new": "only left", "gone": "only right"}
            self.summary.setText("&nbsp;· ".join(  # a line never starts with the "·"
                [f"<b style='color:{style.ACCENT}'>{_esc(h.label(bid))}</b> ⇄ "
                 f"<b style='color:{style.PARENT}'>{_esc(h.label(other))}</b>",
                 _nb(f"{c['same']:,} {style.STATUS_LABELS['same']}")]
                + [f"<span style='color:{style.STATUS_COLORS[k]}'>{_nb(f'{c[k]:,} {w}')}</span>"  # zero counts
                   for k, w in words.items() if c[k]]))  # left out
        finally:
            self._syncing = False
        self._on_event(self.selection.event)

    def _only(self, on: bool) -> None:
        self._syncing = True
        try:
            self.model.set_only_differences(on)
        finally:
            self._syncing = False
        self._on_event(self.selection.event)

    def _row_changed(self, current, previous) -> None:
        if self._syncing or not current.isValid():
            return
        p = self.model.rows[current.row()]
        self.selection.select_event(p.key, cursor=p.left_date or p.right_date)

    def _on_event(self, key) -> None:
        if self._syncing:
            return
        row = self.model.row_of(key) if key is not None else -1
        self._syncing = True
        try:
            sm = self.table.selectionModel()
            if row < 0:
                sm.clearSelection()
                return
            idx = self.model.index(row, C_LEFT)
            sm.setCurrentIndex(idx, sm.SelectionFlag.ClearAndSelect | sm.SelectionFlag.Rows)
            self.table.scrollTo(idx)
        finally:
            self._syncing = False


def _nb(phrase: str) -> str:
    """A count and its words kept on one line when the summary wraps ("33 only / left" at 1280x800)."""
    return phrase.replace(" ", "&nbsp;")


def _esc(s) -> str:
    return str(s or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
