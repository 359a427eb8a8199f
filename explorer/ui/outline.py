"""The branch outline: the same tree as the map, as a keyboard-friendly tree view."""
from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QModelIndex, Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTreeView

from . import style
from .history import History, fmt_date
from .selection import Selection

COLUMNS = ("Branch", "Divergence", "Date", "Events")


class BranchTreeModel(QAbstractItemModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.history: History | None = None
        self._children: dict[str | None, list[str]] = {None: []}
        self._parent: dict[str, str | None] = {}
        self._row: dict[str, int] = {}
        self.selected: str | None = None

    def set_history(self, history: History) -> None:
        self.beginResetModel()
        self.history = history
        self._children = {None: []}
        self._parent = {}
        rows = history.rows()  # depth-first, siblings by fork date
        for bid in rows:
            self._children.setdefault(bid, [])
        for bid in rows:
            p = history.parent(bid)
            self._parent[bid] = p
            self._children.setdefault(p, []).append(bid)
        self._row = {}
        for kids in self._children.values():
            for i, k in enumerate(kids):
                self._row[k] = i
        self.endResetModel()

    # --- structure -------------------------------------------------------------------------------

    def index_of(self, bid: str, column: int = 0) -> QModelIndex:
        if bid not in self._row:
            return QModelIndex()
        return self.createIndex(self._row[bid], column, bid)

    def branch_of(self, index: QModelIndex) -> str | None:
        return index.internalPointer() if index.isValid() else None

    def index(self, row, column, parent=QModelIndex()):
        pid = self.branch_of(parent)
        kids = self._children.get(pid, [])
        if 0 <= row < len(kids) and 0 <= column < len(COLUMNS):
            return self.createIndex(row, column, kids[row])
        return QModelIndex()

    def parent(self, index=QModelIndex()):
        bid = self.branch_of(index)
        if bid is None:
            return QModelIndex()
        p = self._parent.get(bid)
        return self.index_of(p) if p else QModelIndex()

    def rowCount(self, parent=QModelIndex()):
        if parent.isValid() and parent.column() != 0:
            return 0
        return len(self._children.get(self.branch_of(parent), []))

    def columnCount(self, parent=QModelIndex()):
        return len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if orientation == Qt.Horizontal and role == Qt.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index, role=Qt.DisplayRole):
        bid = self.branch_of(index)
        if bid is None or self.history is None:
            return None
        h = self.history
        b = h.ws.branch(bid)
        col = index.column()
        if role == Qt.DisplayRole:
            if col == 0:
                return b.label or b.id
            if col == 1:
                if not b.divergences:
                    return "—" if b.parent else "real history"
                text = b.divergences[0].describe()
                return text + (f" (+{len(b.divergences) - 1})" if len(b.divergences) > 1 else "")
            if col == 2:
                return fmt_date(h.fork(bid)) if b.parent else fmt_date(h.scenario.start)
            if col == 3:
                return f"{len(h.ws.timeline(bid).firings):,}" if h.computed(bid) else "…"
        elif role == Qt.ToolTipRole:
            lines = [f"<b>{b.label or b.id}</b> [{b.id}]"]
            for dv in b.divergences:
                lines.append("◆ " + dv.describe())
            if b.description:
                lines.append(b.description)
            if not h.computed(bid):
                lines.append("<i>not computed yet</i>")
            return "<br>".join(lines)
        elif role == Qt.ForegroundRole:
            if col in (1, 2, 3):
                return QColor(style.TEXT_MUTED)
        elif role == Qt.FontRole and bid == self.selected and col == 0:
            f = QFont()
            f.setBold(True)
            return f
        elif role == Qt.TextAlignmentRole and col == 3:
            return int(Qt.AlignRight | Qt.AlignVCenter)
        return None

    def refresh(self) -> None:
        if self.rowCount():
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, len(COLUMNS) - 1))
            self.layoutChanged.emit()


class BranchOutline(QTreeView):
    """Arrow keys move between branches; the selection follows the current row."""

    def __init__(self, selection: Selection, parent=None):
        super().__init__(parent)
        self.selection = selection
        self.model_ = BranchTreeModel(self)
        self.setModel(self.model_)
        self.setObjectName("branchOutline")
        self.setUniformRowHeights(True)
        self.setAlternatingRowColors(True)
        self.setSelectionMode(QAbstractItemView.SingleSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.setIndentation(14)
        self.setAllColumnsShowFocus(True)
        hdr = self.header()
        hdr.setStretchLastSection(False)
        hdr.setSectionResizeMode(0, QHeaderView.Interactive)
        hdr.setSectionResizeMode(1, QHeaderView.Interactive)
        hdr.setSectionResizeMode(2, QHeaderView.ResizeToContents)
        hdr.setSectionResizeMode(3, QHeaderView.ResizeToContents)
        self.setColumnWidth(0, 190)
        self.setColumnWidth(1, 150)
        self._syncing = False
        self.selectionModel().currentRowChanged.connect(self._current_changed)
        selection.branchChanged.connect(self._follow)

    def set_history(self, history: History) -> None:
        self._syncing = True
        try:
            self.model_.set_history(history)
            self.expandAll()
        finally:
            self._syncing = False
        self._follow(self.selection.branch)

    def _current_changed(self, current, previous) -> None:
        if self._syncing:
            return
        bid = self.model_.branch_of(current)
        if bid is not None and bid != self.selection.branch:
            self.selection.select_branch(bid)

    def _follow(self, bid: str) -> None:
        self.model_.selected = bid
        idx = self.model_.index_of(bid)
        if not idx.isValid():
            return
        self._syncing = True
        try:
            if self.currentIndex().internalPointer() != bid or not self.currentIndex().isValid():
                self.setCurrentIndex(idx)
            self.scrollTo(idx)
        finally:
            self._syncing = False
        self.viewport().update()

    def refresh(self) -> None:
        self.model_.refresh()
