"""The World pane's table: every variable's value at the cursor in the selected branch, the branch it
is held against (its parent, or the branch compared with) and the baseline; its check boxes choose
what world_plots.WorldPlots plots."""
from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QAbstractItemView, QTableView

from . import style

_DISPLAY, _CHECK, _TOOLTIP, _FONT, _FOREGROUND, _BACKGROUND, _USER = (
    Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.CheckStateRole, Qt.ItemDataRole.ToolTipRole,
    Qt.ItemDataRole.FontRole, Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.BackgroundRole,
    Qt.ItemDataRole.UserRole)
_CHECKED, _UNCHECKED = Qt.CheckState.Checked, Qt.CheckState.Unchecked


class WorldTableModel(QAbstractTableModel):
    """Rows: every variable. Columns: name (checkable: plot it), this branch, parent, baseline."""

    toggled = Signal(str, bool)
    HEADERS = ("Variable", "Branch", "Parent", "Baseline")

    def __init__(self, parent=None):
        super().__init__(parent)
        self.vars: list = []
        self.values: list[tuple] = []
        self.ticked: list[str] = []
        self.has_parent = False
        self._bold = QFont()
        self._bold.setBold(True)
        self._changed = QColor(style.STATUS_COLORS["changed"])
        self._changed_dark = self._changed.darker(120)
        self._muted = QColor(style.TEXT_MUTED)
        self._diff_bg = QColor("#fff6e0")

    def set_variables(self, variables: list) -> None:
        self.beginResetModel()
        self.vars = variables
        self.values = [(None, None, None)] * len(variables)
        names = {v.name for v in variables}
        self.ticked = [t for t in self.ticked if t in names]
        self.endResetModel()

    def set_other_header(self, text: str) -> None:
        if self.HEADERS[2] != text:
            self.HEADERS = self.HEADERS[:2] + (text,) + self.HEADERS[3:]
            self.headerDataChanged.emit(Qt.Horizontal, 2, 2)

    def set_values(self, values: list[tuple], has_parent: bool) -> None:
        self.values = values
        self.has_parent = has_parent
        if self.vars:
            self.dataChanged.emit(self.index(0, 1), self.index(len(self.vars) - 1, 3))

    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self.vars)

    def columnCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else 4

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if orientation == Qt.Horizontal and role == Qt.DisplayRole:
            return self.HEADERS[section]
        return None

    def flags(self, index):
        f = Qt.ItemIsEnabled | Qt.ItemIsSelectable
        if index.column() == 0:
            f |= Qt.ItemIsUserCheckable
        return f

    def row_of(self, name: str) -> int:
        return next((i for i, v in enumerate(self.vars) if v.name == name), -1)

    def data(self, index, role=Qt.DisplayRole):
        # roles compared with module constants: each `Qt.DisplayRole` is a compatibility look-up in
        # PySide6 (3-9 us), and a branch change asks ~100 cells for up to eight roles each
        if not index.isValid():
            return None
        v = self.vars[index.row()]
        col = index.column()
        mine, parent, base = self.values[index.row()]
        if role == _DISPLAY:
            if col == 0:
                return v.title
            val = (mine, parent, base)[col - 1]
            if col == 2 and not self.has_parent:
                return ""
            return v.show(val)
        if role == _CHECK:
            return (_CHECKED if v.name in self.ticked else _UNCHECKED) if col == 0 else None
        if role == _TOOLTIP:
            tip = f"<b>{v.title}</b> <code>{v.name}</code> · {v.type}"
            if v.type == "enum":
                tip += f"<br>values: {', '.join(map(str, v.values))}"
            if v.description:
                tip += f"<br>{v.description}"
            return tip + "<br><i>tick to plot it</i>"
        differs = self.has_parent and mine != parent
        if role == _FONT:
            return self._bold if col == 1 and differs else None
        if role == _FOREGROUND:
            if col == 1 and differs:
                return self._changed_dark
            if col in (2, 3):
                return self._muted
            return None
        if role == _BACKGROUND:
            return self._diff_bg if differs else None
        if role == _USER:
            return v.name
        return None

    def setData(self, index, value, role=Qt.EditRole):
        if role == Qt.CheckStateRole and index.column() == 0:
            name = self.vars[index.row()].name
            on = Qt.CheckState(value) == Qt.Checked if not isinstance(value, bool) else value
            self.set_ticked(name, on)
            return True
        return False

    def set_ticked(self, name: str, on: bool) -> None:
        if on and name not in self.ticked:
            self.ticked.append(name)
        elif not on and name in self.ticked:
            self.ticked.remove(name)
        else:
            return
        r = self.row_of(name)
        if r >= 0:
            idx = self.index(r, 0)
            self.dataChanged.emit(idx, idx, [Qt.CheckStateRole])
        self.toggled.emit(name, on)


class WholeRowsTable(QTableView):
    """A table whose viewport ends at a row's bottom: the space a row would be cut in is left blank
    under it (`whole_rows`, on resize, scroll and new row heights). In the World pane's short table a
    third row showed half its name ("Security around Trotsky" cut through) and read as a layout bug."""

    _bottom = 0  # the blank under the last whole row, px

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setVerticalScrollMode(QAbstractItemView.ScrollPerItem)  # the top row is whole too
        self.verticalScrollBar().valueChanged.connect(lambda _: self.whole_rows())

    def updateGeometries(self) -> None:
        super().updateGeometries()  # sets the margins for the headers: keep ours at the bottom
        m = self.viewportMargins()
        if m.bottom() != self._bottom:
            self.setViewportMargins(m.left(), m.top(), m.right(), self._bottom)

    resized = None  # called when the width changes (the World pane fits its columns again)

    def resizeEvent(self, ev) -> None:
        super().resizeEvent(ev)
        if self.resized is not None and ev.size().width() != ev.oldSize().width():
            self.resized()
        self.whole_rows()

    def whole_rows(self) -> None:
        """The viewport as tall as the whole rows from the top one that fit the room there is."""
        room = self.viewport().height() + self._bottom
        top, n = max(self.rowAt(0), 0), self.model().rowCount() if self.model() is not None else 0
        used, r = 0, top
        while r < n and (self.isRowHidden(r) or used + self.rowHeight(r) <= room):
            used += 0 if self.isRowHidden(r) else self.rowHeight(r)
            r += 1
        bottom = room - used if r < n and used > 0 else 0
        if bottom != self._bottom:
            self._bottom = bottom
            m = self.viewportMargins()
            self.setViewportMargins(m.left(), m.top(), m.right(), bottom)
