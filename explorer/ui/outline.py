"""The branch outline: the same tree as the map, as a keyboard-friendly tree view."""
from __future__ import annotations


from PySide6.QtCore import QAbstractItemModel, QModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics
from PySide6.QtWidgets import (QAbstractItemView, QHeaderView, QStyle, QStyledItemDelegate, QStyleOptionViewItem,
                               QTreeView)

from . import style
from .history import History, fmt_date
from .selection import BRANCH, COMPARE, Selection

COLUMNS = ("Branch", "Forks")
DIVERGENCE_ROLE = Qt.UserRole + 1


class BranchTreeModel(QAbstractItemModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.history: History | None = None
        self._children: dict[str | None, list[str]] = {None: []}
        self._parent: dict[str, str | None] = {}
        self._row: dict[str, int] = {}
        self._ids: dict[str, int] = {}
        self._by_id: dict[int, str] = {}
        self.selected: str | None = None
        self.compare: str | None = None  # the branch the selected one is compared with (marked ⇄)
        self.marks: dict[str, str] = {}  # branch id -> "✓" / "✗" / "changes nothing" (the Problems pane's)
        # the line under each name, `divergence_text`, once per branch and scenario (`_sub_of`; edits
        # make new Branch and Scenario objects), not in every paint: a suppressed event's title is found
        # by a walk through the scenario's events (10,000 in bench_ui's dense world: ~1 of the outline's
        # ~5 ms paint after the background's refresh, the biggest handler in its event-loop gaps)
        self._sub: dict[str, tuple] = {}  # branch id -> (its Branch, the line)
        self._sub_of = None

    def set_history(self, history: History) -> None:
        self.beginResetModel()
        self.history = history
        if self._sub_of is not history.scenario:  # nothing of a scenario left kept alive
            self._sub, self._sub_of = {}, None
        self._children = {None: []}
        self._parent = {}
        rows = history.rows()  # depth-first, siblings by fork date
        for bid in rows:
            self._children.setdefault(bid, [])
        for bid in rows:
            p = history.parent(bid)
            self._parent[bid] = p
            self._children.setdefault(p, []).append(bid)
        self._ids = {bid: i + 1 for i, bid in enumerate(rows)}  # internal ids (never Python pointers)
        self._by_id = {i: bid for bid, i in self._ids.items()}
        self._row = {}
        for kids in self._children.values():
            for i, k in enumerate(kids):
                self._row[k] = i
        self.endResetModel()

    # --- structure -------------------------------------------------------------------------------

    def index_of(self, bid: str, column: int = 0) -> QModelIndex:
        if bid not in self._row:
            return QModelIndex()
        return self.createIndex(self._row[bid], column, self._ids[bid])

    def branch_of(self, index: QModelIndex) -> str | None:
        return self._by_id.get(index.internalId()) if index.isValid() else None

    def index(self, row, column, parent=QModelIndex()):
        pid = self.branch_of(parent)
        kids = self._children.get(pid, [])
        if 0 <= row < len(kids) and 0 <= column < len(COLUMNS):
            return self.createIndex(row, column, self._ids[kids[row]])
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
                mark = self.marks.get(bid)
                return (b.label or b.id) + (f"  {mark}" if mark else "")
            if col == 1:
                return fmt_date(h.fork(bid)) if b.parent else fmt_date(h.scenario.start)
        elif role == DIVERGENCE_ROLE:
            if self._sub_of is not h.scenario:  # another scenario (an edit, a file): none kept
                self._sub, self._sub_of = {}, h.scenario
            known = self._sub.get(bid)
            if known is None or known[0] is not b:
                known = self._sub[bid] = (b, divergence_text(b, h.scenario))
            return known[1]
        elif role == Qt.ToolTipRole:
            lines = [f"<b>{b.label or b.id}</b> [{b.id}]"]
            for dv in b.divergences:
                lines.append("◆ " + h.scenario.describe_divergence(dv))
            if b.description:
                lines.append(b.description)
            if h.computed(bid):
                lines.append(f"{len(h.ws.timeline(bid).firings):,} events")
            else:
                lines.append("<i>not computed yet</i>")
            return "<br>".join(lines)
        elif role == Qt.ForegroundRole:
            if col == 1:
                return QColor(style.TEXT_MUTED)
        elif role == Qt.DecorationRole and col == 0 and bid == self.compare:
            return _compare_icon()
        elif role == Qt.FontRole and bid == self.selected and col == 0:
            f = QFont()
            f.setBold(True)
            return f
        return None

    def refresh(self) -> bool:
        """Repaint after branches were computed; True when the order changed (a reset was needed)."""
        if self.history is None:
            return False
        if self.history.rows() != list(self._ids):
            self.set_history(self.history)
            return True
        return False


def divergence_text(b, scenario) -> str:
    """What the branch changes, in words (its label is shown above it)."""
    if not b.divergences:
        if b.parent is None:  # "of every branch" only when it is the one root
            roots = sum(x.parent is None for x in scenario.branches)
            return "the root of every branch" if roots == 1 else "a root: no divergence"
        return "no divergence"
    text = scenario.describe_divergence(b.divergences[0])
    if len(b.divergences) > 1:
        text += f"  (+{len(b.divergences) - 1} more)"
    return text


_ICON = None


def _compare_icon():
    """A small ⇄ in the compare colour, beside the branch the selection is compared with."""
    global _ICON
    if _ICON is None:
        from PySide6.QtGui import QIcon, QPainter, QPixmap
        pm = QPixmap(16, 16)
        pm.fill(Qt.transparent)
        p = QPainter(pm)
        p.setPen(QColor(style.PARENT))
        f = QFont()
        f.setBold(True)
        f.setPixelSize(14)
        p.setFont(f)
        p.drawText(pm.rect(), Qt.AlignCenter, "⇄")
        p.end()
        _ICON = QIcon(pm)
    return _ICON


class TwoLineDelegate(QStyledItemDelegate):
    """Column 0: the branch label, and under it the divergence in small muted text.

    The selected branch's label is bold; where bold would be cut but the regular label fits, the bold
    is set tighter, then regular weight: the highlight still marks the row, and the words read whole."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.painted: dict[str, str] = {}  # branch id -> the label as last drawn (elided or not)
        self.painted_sub: dict[str, str] = {}  # branch id -> the line under it as last drawn

    @staticmethod
    def fit_label(font: QFont, text: str, width: int) -> tuple[QFont, str]:
        if QFontMetrics(font).horizontalAdvance(text) > width and font.bold():
            tight = QFont(font)
            tight.setLetterSpacing(QFont.PercentageSpacing, 94)
            regular = QFont(font)
            regular.setBold(False)
            for f in (tight, regular):
                if QFontMetrics(f).horizontalAdvance(text) <= width:
                    return f, text
            font = regular
        return font, QFontMetrics(font).elidedText(text, Qt.ElideRight, width)

    def sizeHint(self, option, index):
        s = super().sizeHint(option, index)
        fm = option.fontMetrics
        return QSize(s.width(), int(fm.height() * 2.15) + 8)

    def paint(self, painter, option, index):
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        text, opt.text = opt.text, ""
        w = opt.widget
        w.style().drawControl(QStyle.CE_ItemViewItem, opt, painter, w)
        sub = index.data(DIVERGENCE_ROLE) or ""
        rect = w.style().subElementRect(QStyle.SE_ItemViewItemText, opt, w).adjusted(2, 3, -2, -3)
        painter.save()
        f, shown = self.fit_label(QFont(opt.font), text, rect.width())
        self.painted[index.model().branch_of(index) or ""] = shown
        painter.setFont(f)
        fm = QFontMetrics(f)
        painter.setPen(QColor(style.TEXT))
        top = QRect(rect.left(), rect.top(), rect.width(), fm.height())
        painter.drawText(top, Qt.AlignLeft | Qt.AlignVCenter, shown)
        if sub:
            small = QFont(opt.font)
            small.setBold(False)
            small.setPointSizeF(max(opt.font.pointSizeF() - 1.2, 7.5))
            fms = QFontMetrics(small)
            painter.setFont(small)
            bid = index.model().branch_of(index)
            # a root has no divergence: its line is its start, muted, with no ◆ (the map's and the
            # legend's sign of a divergence; "◆ 1940-01-01" read as a divergence on the first day)
            root = bool(bid) and index.model().history.parent(bid) is None
            painter.setPen(QColor(style.TEXT_MUTED if root else style.DIVERGENCE).darker(110))
            bottom = QRect(rect.left(), top.bottom() + 1, rect.width(), fms.height())
            date = index.siblingAtColumn(1).data() or ""
            line = (f"from {date} · {sub}" if date else sub) if root else \
                (f"◆ {date}  {sub}" if date else "◆ " + sub)
            self.painted_sub[bid or ""] = line
            painter.drawText(bottom, Qt.AlignLeft | Qt.AlignVCenter, fms.elidedText(line, Qt.ElideRight, rect.width()))
        painter.restore()


class BranchOutline(QTreeView):
    """Arrow keys move between branches; the selection follows the current row."""

    # the width its names need changed (another scenario, branches added or removed, the Problems
    # pane's marks): the window sizes the outline's dock by it (`DockLayout._fit_outline`)
    needChanged = Signal()

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
        hdr.setSectionResizeMode(0, QHeaderView.Stretch)
        hdr.setSectionResizeMode(1, QHeaderView.ResizeToContents)
        hdr.setMinimumSectionSize(40)
        self.setItemDelegateForColumn(0, TwoLineDelegate(self))
        self.setColumnHidden(1, True)  # the fork date is drawn under the label
        self.setHeaderHidden(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self._syncing = False
        self.selectionModel().currentRowChanged.connect(self._current_changed)
        selection.changed.connect(self._on_change)

    def mousePressEvent(self, ev) -> None:
        """Ctrl+click: compare the selected branch with the clicked one (again: stop comparing)."""
        if ev.button() == Qt.LeftButton and ev.modifiers() & Qt.ControlModifier:
            bid = self.model_.branch_of(self.indexAt(ev.position().toPoint()))
            if bid is not None:
                self.selection.set_compare(None if bid == self.selection.compare else bid)
                ev.accept()
                return
        super().mousePressEvent(ev)

    def set_history(self, history: History) -> None:
        self._syncing = True
        try:
            self.model_.set_history(history)
            self.expandAll()
        finally:
            self._syncing = False
        self._follow(self.selection.branch)
        self._need = None
        self.needChanged.emit()

    def set_marks(self, marks: dict[str, str]) -> None:
        """The Problems pane's marks after each name ("✓", "✗", "changes nothing")."""
        if marks != self.model_.marks:
            self.model_.marks = marks
            self._need = None
            self.needChanged.emit()
        self.viewport().update()

    _need = None

    def name_width(self) -> int:
        """The width the view needs for every branch's name to read whole with its mark, at its depth,
        with room for the ⇄ before it: the widest row's indentation, text and padding, plus the frame
        and, when the rows overflow the view, the scroll bar. Measured in the regular weight: the
        selected name's bold is set tighter, then regular, where it would be cut (`fit_label`). The line
        under each name (the divergence) is elided as before: the names decide. The style's padding is
        worked out once per place a row starts (its depth) and the names measured with one font's metrics:
        the style's calls for each of 200 branches took 29-44 ms of the GUI thread, in one turn, when the
        background's refresh reordered the outline (bench_ui's dense world), now ~4.5 ms (same widths)."""
        if self._need is None:
            m, d = self.model_, self.itemDelegateForColumn(0)
            widest, pads, fm = 0, {}, None
            for bid in m._ids:  # noqa: SLF001 (every branch, in row order)
                idx = m.index_of(bid)
                rect = self.visualRect(idx)
                at = (rect.left(), rect.width())
                if at not in pads or fm is None:
                    opt = QStyleOptionViewItem()
                    self.initViewItemOption(opt)
                    opt.rect = rect
                    d.initStyleOption(opt, idx)
                    # room for the ⇄ of the branch compared with, which may be any of them
                    opt.features |= QStyleOptionViewItem.HasDecoration
                    opt.decorationSize = QSize(16, 16)
                    text = self.style().subElementRect(QStyle.SE_ItemViewItemText, opt, self).adjusted(2, 3, -2, -3)
                    pads[at] = text.left() + (rect.right() - text.right())  # indentation included
                    font = QFont(opt.font)
                    font.setBold(False)  # the selected name's bold gives way to regular where it must
                    fm = QFontMetrics(font)  # every row's (only the selected one's is bold)
                widest = max(widest, pads[at] + fm.horizontalAdvance(idx.data() or "") + 1)
            self._need = widest
        rows = self.model_.history is not None and len(self.model_._ids)  # noqa: SLF001
        tall = rows and self.sizeHintForRow(0) * rows > self.viewport().height()
        return self._need + 2 * self.frameWidth() + (self.verticalScrollBar().sizeHint().width() if tall else 0)

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
            if self.model_.branch_of(self.currentIndex()) != bid:
                self.setCurrentIndex(idx)
            self.scrollTo(idx)
        finally:
            self._syncing = False
        self.viewport().update()

    def _on_change(self, what) -> None:
        if BRANCH in what:
            self._follow(self.selection.branch)
        if COMPARE in what:
            self._compare(self.selection.compare)

    def _compare(self, bid) -> None:
        self.model_.compare = bid
        self.viewport().update()

    def refresh(self) -> None:
        self._syncing = True
        try:
            reset = self.model_.refresh()
            if reset:
                self.expandAll()
        finally:
            self._syncing = False
        if reset:
            self._follow(self.selection.branch)
            self._need = None
            self.needChanged.emit()
        self.viewport().update()
