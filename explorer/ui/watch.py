"""The watch list (as Inky's variable watch): pinned world variables beside the timeline, each with its
value at the cursor, a highlight when the selected event just changed it, and a sparkline of its
course in the selected branch (the cursor marked on it).

Values come from `Timeline.value_at` / `Timeline.trajectory`; the pinned names are remembered per
scenario by the main window.
"""
from __future__ import annotations



from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPointF, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPainterPath, QPen, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (QAbstractItemView, QCompleter, QHeaderView, QLabel, QLineEdit,
                               QStyledItemDelegate, QTableView, QVBoxLayout, QWidget)

from . import style
from .history import History
from .selection import COMPARE, Selection

C_VAR, C_VALUE, C_TREND = range(3)
SPARK_ROLE = Qt.UserRole + 1


class WatchModel(QAbstractTableModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.names: list[str] = []
        self.rows: list[dict] = []  # per name: label, text, changed (old text or None), points, cursor
        self._tint = QColor(style.STATUS_COLORS["changed"])
        self._tint.setAlpha(45)
        self._bold = QFont()
        self._bold.setBold(True)

    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else 3

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if orientation == Qt.Horizontal and role == Qt.DisplayRole:
            return ("Watching", "Now", "Course")[section]
        return None

    def data(self, index, role=Qt.DisplayRole):
        r = self.rows[index.row()]
        col = index.column()
        if role == Qt.DisplayRole:
            if col == C_VAR:
                return r["label"]
            if col == C_VALUE:
                return f"{r['changed']} → {r['text']}" if r["changed"] is not None else r["text"]
        if role == Qt.BackgroundRole and r["changed"] is not None:
            return self._tint
        if role == Qt.FontRole and col == C_VALUE and r["changed"] is not None:
            return self._bold
        if role == Qt.ToolTipRole:
            tip = f"<b>{r['label']}</b>: {r['text']}"
            if r["changed"] is not None:
                tip += f"<br>the selected event changed it from {r['changed']}"
            return tip + "<br><i>Delete removes it from the watch list</i>"
        if role == SPARK_ROLE:
            return r
        if role == Qt.UserRole:
            return self.names[index.row()]
        return None

    def set_rows(self, names: list[str], rows: list[dict]) -> None:
        if names == self.names and len(rows) == len(self.rows):
            self.rows = rows
            if rows:
                self.dataChanged.emit(self.index(0, 0), self.index(len(rows) - 1, 2))
            return
        self.beginResetModel()
        self.names, self.rows = list(names), rows
        self.endResetModel()


class SparklineDelegate(QStyledItemDelegate):
    """The variable's course over the scenario as a small step line, the cursor as a red tick."""

    def paint(self, painter: QPainter, option, index):
        super().paint(painter, option, index)
        r = index.data(SPARK_ROLE)
        if not r or not r["points"]:
            return
        rect = QRectF(option.rect).adjusted(4, 5, -4, -5)
        pts = r["points"]  # (x in 0..1, y in 0..1)
        painter.save()
        painter.setRenderHint(QPainter.Antialiasing)
        path = QPainterPath()
        for i, (x, y) in enumerate(pts):
            px, py = rect.left() + x * rect.width(), rect.bottom() - y * rect.height()
            if i == 0:
                path.moveTo(px, py)
            else:
                path.lineTo(px, path.currentPosition().y())
                path.lineTo(px, py)
        path.lineTo(rect.right(), path.currentPosition().y())
        painter.setPen(QPen(QColor(style.ACCENT), 1.4))
        painter.drawPath(path)
        if r["cursor"] is not None:
            cx = rect.left() + r["cursor"] * rect.width()
            painter.setPen(QPen(QColor(style.CURSOR), 1.2))
            painter.drawLine(QPointF(cx, rect.top() - 2), QPointF(cx, rect.bottom() + 2))
        painter.restore()

    def sizeHint(self, option, index):
        return QSize(84, option.fontMetrics.height() + 10)


class ValueDelegate(QStyledItemDelegate):
    """The "Now" cell: the value wrapped at word boundaries on at most two lines, the second elided at
    its end; the whole value (and the change) in the row's tooltip. Qt's own wrapping elided a long
    enum value word by word ("Mexican Worke… and Peasa… Repub…") in a row seven lines tall."""

    LINES = 2
    ARROW = " → "

    def lines(self, text: str, fm, width: int) -> list[str]:
        """A change "old → new" that does not fit gives up the old value first: the value now is read
        whole ("Mexican Workers' and Peasants' Republic → Co…" cut the new one)."""
        out = self._lines(text, fm, width)
        if self.ARROW in text and out and out[-1].endswith("…"):
            old, new = text.split(self.ARROW, 1)
            for keep in range(len(old.split()) - 1, -1, -1):
                words = old.split()[:keep]
                trial = (" ".join(words) + "…" if words else "…") + self.ARROW + new
                got = self._lines(trial, fm, width)
                if not got[-1].endswith("…") or not keep:
                    return got
        return out

    def _lines(self, text: str, fm, width: int) -> list[str]:
        out: list[str] = []
        words = text.split()
        while words and len(out) < self.LINES - 1:
            line = words.pop(0)
            while words and fm.horizontalAdvance(line + " " + words[0]) <= width:
                line += " " + words.pop(0)
            if fm.horizontalAdvance(line) > width:  # one word wider than the cell: the rest follows it
                words.insert(0, line)
                break
            out.append(line)
        if words:
            out.append(fm.elidedText(" ".join(words), Qt.ElideRight, width))
        return out

    def paint(self, painter: QPainter, option, index):
        from PySide6.QtWidgets import QStyle, QStyleOptionViewItem
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        text, opt.text = opt.text, ""
        w = opt.widget
        w.style().drawControl(QStyle.CE_ItemViewItem, opt, painter, w)
        rect = w.style().subElementRect(QStyle.SE_ItemViewItemText, opt, w).adjusted(2, 0, -2, 0)
        painter.save()
        painter.setFont(opt.font)
        fm = painter.fontMetrics()
        lines = self.lines(text, fm, rect.width())
        painter.setPen(opt.palette.color(opt.palette.ColorRole.HighlightedText if opt.state & QStyle.State_Selected
                                         else opt.palette.ColorRole.Text))
        top = rect.top() + (rect.height() - len(lines) * fm.height()) // 2
        for i, line in enumerate(lines):
            painter.drawText(QRectF(rect.left(), top + i * fm.height(), rect.width(), fm.height()),
                             Qt.AlignLeft | Qt.AlignVCenter, line)
        painter.restore()

    def sizeHint(self, option, index):
        from PySide6.QtGui import QFontMetrics
        font = index.data(Qt.FontRole) or option.font
        fm = QFontMetrics(font)
        view = option.widget
        width = (view.columnWidth(index.column()) if view is not None else 120) - 10
        n = len(self.lines(index.data() or "", fm, max(width, 20)))
        return QSize(76, max(n, 1) * fm.height() + 8)


class WatchPicker(QLineEdit):
    """Pick a variable to watch by typing any part of its title: a list of at most 12 titles (A-Z)
    drops down under the box, narrowed as you type; a click or focus on the empty box shows them all.
    Arrow keys move in the list, Enter pins the highlighted (or the only remaining) title; the id is
    in each entry's tooltip. The box empties itself after a pick."""

    picked = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("watchAdd")
        self.setPlaceholderText("Watch a variable…")  # the narrow strip: the rest is in the tooltip
        self.setToolTip("Pin a world variable to watch it as you step through the events: type any part "
                        "of its title, then Enter or a click")
        self.setClearButtonEnabled(True)
        self.items = QStandardItemModel(self)
        self.completer = QCompleter(self.items, self)
        self.completer.setCaseSensitivity(Qt.CaseInsensitive)
        self.completer.setFilterMode(Qt.MatchContains)
        self.completer.setCompletionMode(QCompleter.PopupCompletion)
        self.completer.setMaxVisibleItems(12)
        self.completer.popup().setObjectName("watchPicker")
        self.setCompleter(self.completer)
        self.completer.activated[QModelIndex].connect(self._activated)
        self.returnPressed.connect(self._enter)

    def set_variables(self, variables) -> None:
        self.items.clear()
        for name, var in sorted(variables.items(), key=lambda kv: kv[1].title.lower()):
            it = QStandardItem(var.title)
            it.setData(name, Qt.UserRole)
            it.setToolTip(f"{var.title}  ({name})")
            it.setEditable(False)
            self.items.appendRow(it)
        # the box sits in a narrow strip: the list is as wide as its longest title (up to 420 px)
        popup = self.completer.popup()
        fm = popup.fontMetrics()
        widest = max((fm.horizontalAdvance(v.title) for v in variables.values()), default=0)
        popup.setMinimumWidth(min(widest + 40, 420))

    def show_all(self) -> None:
        self.completer.setCompletionPrefix(self.text())
        self.completer.complete()

    def mousePressEvent(self, ev) -> None:
        super().mousePressEvent(ev)
        self.show_all()

    def keyPressEvent(self, ev) -> None:
        if ev.key() == Qt.Key_Down and not self.completer.popup().isVisible():
            self.show_all()
            return
        super().keyPressEvent(ev)

    def _activated(self, index: QModelIndex) -> None:
        name = index.data(Qt.UserRole)
        if name:
            self._pick(name)

    def _enter(self) -> None:
        text = self.text().strip().lower()
        if not text:
            return
        matches = [self.items.item(r) for r in range(self.items.rowCount())
                   if text in self.items.item(r).text().lower()]
        exact = [it for it in matches if it.text().lower() == text]
        chosen = exact or (matches if len(matches) == 1 else [])
        if chosen:
            self._pick(chosen[0].data(Qt.UserRole))

    def _pick(self, name: str) -> None:
        self.picked.emit(name)
        QTimer.singleShot(0, self.clear)  # after the completer has written the title into the box


class WatchList(QWidget):
    """The pane. Nothing pinned, it is a strip of `EMPTY_WIDTH` (its search box and hint): the timeline
    beside it, and its Side by Side tab, need the room more (at 1280x800 the empty pane took 270 px
    while their titles and tags were cut). The first pin lifts the limit and `emptied(False)` asks the
    window to give the pane its share again; the last unpin narrows it (`emptied(True)`)."""

    changed = Signal()  # the pinned names changed (the window remembers them per scenario)
    emptied = Signal(bool)  # nothing is pinned any more (True), or something is again (False)
    EMPTY_WIDTH = 180

    def __init__(self, selection: Selection, parent=None):
        super().__init__(parent)
        self.selection = selection
        self.history: History | None = None
        self.names: list[str] = []
        # a search box with a short list under it, not a menu: a scenario's 50+ variables in a menu
        # covered the whole screen; typing any part of a title narrows the list, arrows and Enter pin
        self.add_edit = WatchPicker()
        self.add_edit.picked.connect(self.watch)
        self.model = WatchModel(self)
        self.table = QTableView()
        self.table.setObjectName("watchTable")
        self.table.setModel(self.model)
        self.table.setItemDelegateForColumn(C_TREND, SparklineDelegate(self.table))
        self.value_delegate = ValueDelegate(self.table)
        self.table.setItemDelegateForColumn(C_VALUE, self.value_delegate)
        # titles too in whole words on at most two lines ("Red / Militia …", "US / hostility / to …" at 1280)
        self.title_delegate = ValueDelegate(self.table)
        self.table.setItemDelegateForColumn(C_VAR, self.title_delegate)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.setShowGrid(False)
        self.table.setWordWrap(True)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        hh = self.table.horizontalHeader()
        hh.setDefaultAlignment(Qt.AlignLeft | Qt.AlignVCenter)
        hh.setHighlightSections(False)
        # the value gets a little more than the title (a value's long first word, "Constitutional",
        # should not be cut in the narrow pane); `_share_columns` on every resize
        hh.setSectionResizeMode(C_VAR, QHeaderView.Interactive)
        hh.setSectionResizeMode(C_VALUE, QHeaderView.Stretch)
        hh.setSectionResizeMode(C_TREND, QHeaderView.Fixed)
        self.table.setColumnWidth(C_TREND, 64)  # the "Watching" column keeps its header at 230 px
        hh.setMinimumSectionSize(40)
        hh.sectionResized.connect(lambda *_: self.table.resizeRowsToContents())  # the values re-wrap
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.table.installEventFilter(self)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 0)
        lay.setSpacing(4)
        # nothing watched: a short hint instead of an empty table, and the window gives the pane a
        # narrow strip (the timeline's columns need the width more)
        self.hint = QLabel("Pin variables to follow their value at the cursor as you step through events.")
        self.hint.setObjectName("muted")
        self.hint.setWordWrap(True)
        self.hint.setAlignment(Qt.AlignTop | Qt.AlignLeft)
        lay.addWidget(self.add_edit)
        lay.addWidget(self.hint)
        lay.addWidget(self.table, 1)  # kept when empty, headless: Tab and F6 still stop here
        self.table.horizontalHeader().hide()
        self._empty = None
        self._set_empty(True)
        selection.changed.connect(lambda what: COMPARE not in what and self.refresh())  # values: not compared

    preferred_width = 240  # set by the window (`_fit_watch`): the pane asks for it whatever it shows

    def sizeHint(self) -> QSize:
        return QSize(self.preferred_width, super().sizeHint().height())

    def _set_empty(self, empty: bool) -> None:
        if empty != self._empty:
            self._empty = empty
            self.setMaximumWidth(self.EMPTY_WIDTH if empty else 16777215)  # QWIDGETSIZE_MAX
            # the empty table (kept: Tab and F6 stop here) drawn without its frame: under the hint, an
            # empty white box read as something that failed to load
            self.table.setStyleSheet("QTableView { border: none; background: transparent; }" if empty else "")
            self.emptied.emit(empty)

    # --- what is watched -------------------------------------------------------------------------

    def set_history(self, history: History, names: list[str] | None = None) -> None:
        self.history = history
        sc = history.scenario
        if names is not None:
            self.names = [n for n in names if n in sc.variables]
        else:
            self.names = [n for n in self.names if n in sc.variables]
        self.add_edit.set_variables(sc.variables)
        self.refresh()

    def watch(self, name: str) -> None:
        if self.history is not None and name in self.history.scenario.variables and name not in self.names:
            self.names.append(name)
            self.refresh()
            self.changed.emit()

    def unwatch(self, name: str) -> None:
        if name in self.names:
            self.names.remove(name)
            self.refresh()
            self.changed.emit()

    def eventFilter(self, obj, ev) -> bool:
        from PySide6.QtCore import QEvent
        if obj is self.table and ev.type() == QEvent.Resize:
            QTimer.singleShot(0, self._share_columns)  # once the viewport has its new width
            return False
        if obj is self.table and ev.type() == QEvent.KeyPress and ev.key() in (Qt.Key_Delete, Qt.Key_Backspace):
            idx = self.table.currentIndex()
            if idx.isValid():
                self.unwatch(self.model.names[idx.row()])
                return True
        return False

    def _share_columns(self) -> None:
        """The sparkline grows with the pane (64 px in the 240 px pane; up to 160, so that a course
        over ten years reads at 1920 wide); the title gets 42% of the rest, the value the remainder."""
        vw = self.table.viewport().width()
        self.table.setColumnWidth(C_TREND, min(max(int(vw * 0.25), 64), 160))
        free = vw - self.table.columnWidth(C_TREND)
        title_min = self.table.horizontalHeader().fontMetrics().horizontalAdvance("Watching") + 14
        self.table.setColumnWidth(C_VAR, max(int(free * 0.42), min(title_min, free // 2)))

    # --- values ----------------------------------------------------------------------------------

    def refresh(self) -> None:
        h = self.history
        if h is None or not h.has_branch(self.selection.branch):
            return
        bid = self.selection.branch
        tl = h.try_timeline(bid)
        sc = h.scenario
        if tl is None:
            self.model.set_rows([], [])
            self.table.horizontalHeader().setVisible(bool(self.names))
            self.hint.setVisible(not self.names)
            self._set_empty(not self.names)
            return
        when = self.selection.cursor or sc.end
        f = tl.firing(*self.selection.event) if self.selection.event else None
        just = {c.var: c for c in f.changes} if f is not None and f.date == when else {}
        lo, span = sc.start.toordinal(), max((sc.end - sc.start).days, 1)
        rows = []
        for name in self.names:
            var = sc.variables[name]
            c = just.get(name)
            changed = var.show(c.old) if c is not None and c.old != c.new else None
            rows.append({"label": var.title, "text": var.show(tl.value_at(name, when)), "changed": changed,
                         "points": _points(var, tl.trajectory(name), lo, span),
                         "cursor": (when.toordinal() - lo) / span if self.selection.cursor else None})
        self.model.set_rows(self.names, rows)
        self.table.horizontalHeader().setVisible(bool(self.names))
        self.hint.setVisible(not self.names)
        self._set_empty(not self.names)
        self._share_columns()


def _points(var, traj, lo: int, span: int) -> list[tuple[float, float]]:
    """The trajectory scaled into the unit square: numbers by their range, bools 0/1, enums by rank."""
    if not traj:
        return []
    if var.type == "number":
        ys = [float(v) for _, v in traj]
        a = var.min if var.min is not None else min(ys)
        b = var.max if var.max is not None else max(ys)
    elif var.type == "bool":
        ys, a, b = [1.0 if v else 0.0 for _, v in traj], 0.0, 1.0
    else:
        cats = list(var.values) if var.values else sorted({str(v) for _, v in traj})
        ys = [float(cats.index(v)) if v in cats else 0.0 for _, v in traj]
        a, b = 0.0, float(max(len(cats) - 1, 1))
    if b == a:
        b = a + 1
    return [((d.toordinal() - lo) / span, (y - a) / (b - a)) for (d, _), y in zip(traj, ys)]


