"""Shared pieces of the authoring forms: dates, values, effects, conditions, the validating dialog base."""
from __future__ import annotations

import copy
import datetime as dt
import re

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (QComboBox, QCompleter, QDateEdit, QDialog, QDialogButtonBox, QHBoxLayout, QLabel,
                               QLineEdit, QPushButton, QToolButton, QVBoxLayout, QWidget)

from ...core import edits
from ...core.conditions import ConditionError, compile_condition
from ...core.dates import Duration, parse_duration
from ...core.errors import ExplorerError
from ...core.model import Effect, Scenario, TextVariant, Variable
from .. import style



ERROR_CSS = "color: #b42318; background: #fde4e2; padding: 4px 6px; border-radius: 3px;"
OK_CSS = f"color: {style.TEXT_MUTED}; padding: 4px 6px;"

WHAT_IF_KINDS = {
    "suppress": "didn't happen",
    "outcome": "happened differently",
    "date": "happened on another date",
    "force": "a latent event is forced here",
    "set": "the world were different at this date",
    "event": "a new event happened here",
}


# --- small helpers ----------------------------------------------------------------------------

def qdate(d: dt.date) -> QDate:
    return QDate(d.year, d.month, d.day)


def pydate(q: QDate) -> dt.date:
    return dt.date(q.year(), q.month(), q.day())


def date_edit(scenario: Scenario, value: dt.date | None = None, name: str = "") -> QDateEdit:
    w = QDateEdit()
    w.setDisplayFormat("yyyy-MM-dd")
    w.setCalendarPopup(True)
    w.setDateRange(qdate(scenario.start), qdate(scenario.end))
    w.setDate(qdate(value or scenario.start))
    if name:
        w.setObjectName(name)
    return w


TODO_CSS = f"color: {style.TEXT_MUTED}; background: #eef2f7; padding: 4px 6px; border-radius: 3px;"


class ToDo(str):
    """What a form still needs (a label, a first divergence), not a mistake: shown as a neutral hint.
    A fresh New Branch dialog opened with "give the branch a label" in red, scolding before any typing."""


def error_label(name: str = "errorLabel") -> QLabel:
    lab = QLabel("")
    lab.setObjectName(name)
    lab.setWordWrap(True)
    lab.setTextInteractionFlags(Qt.TextSelectableByMouse)
    return lab


def event_title(scenario: Scenario, eid: str, outcome: str | None = None) -> str:
    r = scenario.event(eid)
    if r is None:
        return eid
    if outcome:
        o = r.outcome(outcome)
        return f"{r.title} — {o.title if o and o.title else outcome}"
    return r.title or eid


def event_id_from(title: str, taken) -> str:
    base = re.sub(r"[^a-z0-9]+", "_", title.lower()).strip("_")[:40].strip("_") or "event"
    if not base[0].isalpha():
        base = "e_" + base
    out, n = base, 2
    while out in taken:
        out = f"{base}_{n}"
        n += 1
    return out


def _fmt(v) -> str:
    return edits.format_value(v)


class _Combo(QComboBox):
    """A combo box of (text, data) with an exact data lookup.

    A long list (the scenario's 193 events, its 53 variables) is a search box: typing any part of a
    title narrows a drop-down list of matches, and the full list opens as a scrolling list of
    `VISIBLE` rows (as a plain combo it covered the whole screen, with no way to search)."""

    SEARCH_FROM = 16  # items from which the box can be searched
    VISIBLE = 16

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setMaxVisibleItems(self.VISIBLE)
        self.setStyleSheet("QComboBox { combobox-popup: 0; }")  # the style's popup ignores maxVisibleItems

    def set_items(self, items, current=None) -> None:
        self.blockSignals(True)
        self.clear()
        for text, data in items:
            self.addItem(text, data)
        self._searchable(self.count() >= self.SEARCH_FROM)
        i = self.findData(current) if current is not None else 0
        self.setCurrentIndex(max(i, 0))
        self.blockSignals(False)

    def _searchable(self, on: bool) -> None:
        if on == self.isEditable():
            return
        self.setEditable(on)
        if not on:
            return
        self.setInsertPolicy(QComboBox.NoInsert)
        self.lineEdit().setPlaceholderText("type to search")
        c = self.completer()
        c.setFilterMode(Qt.MatchContains)
        c.setCaseSensitivity(Qt.CaseInsensitive)
        c.setCompletionMode(QCompleter.PopupCompletion)
        c.setMaxVisibleItems(self.VISIBLE)
        self.lineEdit().editingFinished.connect(self._settle)
        self.currentIndexChanged.connect(lambda _: self._home())
        self._home()

    def _home(self) -> None:
        """The chosen item shown from its start: its title, not the end of "title  (id)" where the box
        is narrower than the text (the line edit leaves its cursor, and its view, at the end)."""
        if self.isEditable() and not self.lineEdit().hasFocus():
            self.lineEdit().setCursorPosition(0)

    def focusOutEvent(self, ev) -> None:
        super().focusOutEvent(ev)
        self._home()

    def _settle(self) -> None:
        """Text typed that names no item goes back to the chosen item's title (never a stale search)."""
        if self.currentIndex() >= 0 and self.currentText() != self.itemText(self.currentIndex()):
            i = self.findText(self.currentText(), Qt.MatchFixedString)
            if i >= 0:
                self.setCurrentIndex(i)
            else:
                self.setEditText(self.itemText(self.currentIndex()))

    def select(self, data) -> None:
        i = self.findData(data)
        if i >= 0:
            self.setCurrentIndex(i)


# --- values and effects -----------------------------------------------------------------------

class ValueEdit(QWidget):
    """A value for one variable, edited by its type: true/false or enum values in a list, else text."""

    changed = Signal()

    def __init__(self, var: Variable, value=None, parent=None):
        super().__init__(parent)
        self.var = var
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        if var.type in ("bool", "enum"):
            self.box = QComboBox()
            self.box.setObjectName("valueBox")
            for v in ((True, False) if var.type == "bool" else var.values):
                shown = var.label_of(v) if var.type == "enum" else _fmt(v)  # an enum value by its label
                self.box.addItem(shown if shown == _fmt(v) else f"{shown}  ({v})", v)
            if value is not None:
                i = self.box.findData(value)
                self.box.setCurrentIndex(max(i, 0))
            self.box.currentIndexChanged.connect(lambda _: self.changed.emit())
            lay.addWidget(self.box)
            self.edit = None
        else:
            self.edit = QLineEdit(_fmt(value) if value is not None else "")
            self.edit.setObjectName("valueEdit")
            if var.type == "number":
                rng = f"{'' if var.min is None else f'{var.min:g}'}..{'' if var.max is None else f'{var.max:g}'}"
                self.edit.setPlaceholderText(f"a number {rng}".strip())
            self.edit.textChanged.connect(lambda _: self.changed.emit())
            lay.addWidget(self.edit)
            self.box = None

    def value(self):
        """The typed value; ValueError with the reason when the text does not fit the variable."""
        if self.box is not None:
            return self.box.currentData()
        return edits.parse_value(self.var, self.edit.text())


class VariableValues(QWidget):
    """Rows of (variable, value) with Add / remove: the values a `set:` divergence gives the world."""

    changed = Signal()

    def __init__(self, scenario: Scenario, values: dict | None = None, state: dict | None = None, parent=None):
        super().__init__(parent)
        self.scenario = scenario
        self.state = state or scenario.initial_state()
        self.rows: list[tuple[QComboBox, QWidget, QToolButton]] = []
        self.lay = QVBoxLayout(self)
        self.lay.setContentsMargins(0, 0, 0, 0)
        self.add_button = QPushButton("Add variable")
        self.add_button.setObjectName("addVariable")
        self.add_button.clicked.connect(lambda: self.add_row())
        self.lay.addWidget(self.add_button, 0, Qt.AlignLeft)
        for name, v in (values or {}).items():
            self.add_row(name, v)

    def add_row(self, name: str | None = None, value=None) -> None:
        sc = self.scenario
        if name is None:
            used = {c.currentData() for c, _, _ in self.rows}
            name = next((n for n in sc.variables if n not in used), next(iter(sc.variables)))
        row = QWidget()
        h = QHBoxLayout(row)
        h.setContentsMargins(0, 0, 0, 0)
        combo = _Combo()
        combo.setObjectName("variableBox")
        combo.set_items([(f"{v.title}  ({n})", n) for n, v in sc.variables.items()], name)
        holder = QWidget()
        QHBoxLayout(holder).setContentsMargins(0, 0, 0, 0)
        remove = QToolButton()
        remove.setText("✕")
        remove.setToolTip("Remove this variable")
        h.addWidget(combo, 3)
        h.addWidget(holder, 2)
        h.addWidget(remove)
        self.lay.insertWidget(self.lay.count() - 1, row)
        entry = (combo, holder, remove)
        self.rows.append(entry)

        def put_editor(var_name, val=None):
            lay = holder.layout()
            while lay.count():
                w = lay.takeAt(0).widget()
                if w is not None:
                    w.deleteLater()
            var = sc.variables[var_name]
            ed = ValueEdit(var, val if val is not None else self.state.get(var_name, var.initial))
            ed.changed.connect(self.changed.emit)
            lay.addWidget(ed)
            holder.editor = ed
            self.changed.emit()

        def remove_row():
            self.rows.remove(entry)
            row.setParent(None)
            row.deleteLater()
            self.changed.emit()

        combo.currentIndexChanged.connect(lambda _: put_editor(combo.currentData()))
        remove.clicked.connect(remove_row)
        put_editor(name, value)

    def values(self) -> dict:
        out = {}
        for combo, holder, _ in self.rows:
            name = combo.currentData()
            try:
                out[name] = holder.editor.value()
            except ValueError as e:
                raise edits.EditError(str(e)) from None
        if not out:
            raise edits.EditError("choose at least one variable to set")
        return out


EFFECT_KINDS = ("set", "add", "schedule", "cancel")


def with_default(variants: list, text: str) -> list:
    """Text variants with their default's text replaced by the form's Text (added when it has none)."""
    if not variants:
        return []
    out = copy.deepcopy(variants)
    default = next((v for v in out if v.is_default), None)
    if default is not None:
        default.text = text
    elif text:
        out.append(TextVariant(text, True, bare=True))
    return out


class EffectsEdit(QWidget):
    """Rows of effects: set/add a variable, schedule/cancel an event."""

    changed = Signal()

    def __init__(self, scenario: Scenario, effects: list[Effect] | None = None, parent=None):
        super().__init__(parent)
        self.scenario = scenario
        self.rows: list[dict] = []
        self.lay = QVBoxLayout(self)
        self.lay.setContentsMargins(0, 0, 0, 0)
        self.add_button = QPushButton("Add effect")
        self.add_button.setObjectName("addEffect")
        self.add_button.clicked.connect(lambda: self.add_row())
        self.lay.addWidget(self.add_button, 0, Qt.AlignLeft)
        for e in effects or []:
            self.add_row(e)

    def add_row(self, effect: Effect | None = None) -> None:
        sc = self.scenario
        row = QWidget()
        h = QHBoxLayout(row)
        h.setContentsMargins(0, 0, 0, 0)
        kind = _Combo()
        kind.setObjectName("effectKind")
        kind.set_items([(k, k) for k in EFFECT_KINDS], effect.kind if effect else "set")
        target = _Combo()
        target.setObjectName("effectTarget")
        value = QLineEdit()
        value.setObjectName("effectValue")
        remove = QToolButton()
        remove.setText("✕")
        h.addWidget(kind)
        h.addWidget(target, 3)
        h.addWidget(value, 2)
        h.addWidget(remove)
        self.lay.insertWidget(self.lay.count() - 1, row)
        entry = {"row": row, "kind": kind, "target": target, "value": value, "effect": effect}
        self.rows.append(entry)

        def fill(k, current=None):
            if k in ("set", "add"):
                vars_ = [(n, v) for n, v in sc.variables.items() if k == "set" or v.type == "number"]
                target.set_items([(f"{v.title}  ({n})", n) for n, v in vars_], current)
                value.setEnabled(True)
                value.setPlaceholderText("value" if k == "set" else "amount, e.g. -10")
            else:
                target.set_items([(f"{e.title}  ({e.id})", e.id) for e in sc.events], current)
                value.setEnabled(k == "schedule")
                value.setPlaceholderText("delay, e.g. 30d" if k == "schedule" else "")
            self.changed.emit()

        def remove_row():
            self.rows.remove(entry)
            row.setParent(None)
            row.deleteLater()
            self.changed.emit()

        kind.currentIndexChanged.connect(lambda _: fill(kind.currentData()))
        target.currentIndexChanged.connect(lambda _: self.changed.emit())
        value.textChanged.connect(lambda _: self.changed.emit())
        remove.clicked.connect(remove_row)
        fill(kind.currentData(), effect.target if effect else None)
        if effect is not None:
            if effect.kind in ("set", "add"):
                value.setText(_fmt(effect.value))
            elif effect.kind == "schedule":
                value.setText(str(effect.delay) if effect.delay != Duration() else "")

    def effects(self) -> list[Effect]:
        out = []
        for i, r in enumerate(self.rows):
            k, t, text = r["kind"].currentData(), r["target"].currentData(), r["value"].text().strip()
            if t is None:
                raise edits.EditError(f"effect {i + 1}: choose what it changes")
            if k == "set":
                try:
                    out.append(Effect("set", t, edits.parse_value(self.scenario.variables[t], text)))
                except ValueError as e:
                    raise edits.EditError(f"effect {i + 1}: {e}") from None
            elif k == "add":
                try:
                    n = float(text)
                except ValueError:
                    raise edits.EditError(f"effect {i + 1}: add needs a number, not '{text}'") from None
                out.append(Effect("add", t, int(n) if n.is_integer() else n))
            elif k == "schedule":
                try:
                    was = r["effect"]  # a schedule's `within` (not shown) is kept as the file says
                    within = was.within if was is not None and was.kind == "schedule" else Duration()
                    out.append(Effect("schedule", t, delay=parse_duration(text) if text else Duration(),
                                      within=within))
                except ValueError as e:
                    raise edits.EditError(f"effect {i + 1}: {e}") from None
            else:
                out.append(Effect("cancel", t))
        return out


# --- one divergence ---------------------------------------------------------------------------

TIMING_TEXT = {"on": "on a date", "between": "in a window", "after": "after another event",
               "scheduled": "only when scheduled", "open": "any time"}


class ConditionEdit(QWidget):
    """A condition field that compiles as you type: the loader's message, or the names it reads."""

    changed = Signal()

    def __init__(self, scope_fn, text: str = "", name: str = "whenEdit", parent=None):
        super().__init__(parent)
        self.scope_fn = scope_fn
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        self.edit = QLineEdit(text)
        self.edit.setObjectName(name)
        self.edit.setPlaceholderText("true, or a condition such as tension >= 70 and happened(\"u2_photos\")")
        f = self.edit.font()
        f.setFamily("DejaVu Sans Mono")
        self.edit.setFont(f)
        self.info = QLabel("")
        self.info.setObjectName(name + "Info")
        self.info.setWordWrap(True)
        lay.addWidget(self.edit)
        lay.addWidget(self.info)
        self.error: str | None = None
        self.edit.textChanged.connect(lambda _: self.check())
        self.check()

    def value(self):
        t = self.edit.text().strip()
        if t in ("", "true"):
            return True
        if t == "false":
            return False
        return t

    def check(self) -> None:
        src = self.edit.text().strip() or "true"
        try:
            cond = compile_condition(src, self.scope_fn())
        except ConditionError as e:
            self.error = f"{e.message} (column {e.col + 1})"
            self.info.setText(self.error)
            self.info.setStyleSheet(ERROR_CSS)
        else:
            self.error = None
            bits = []
            if cond.reads:
                bits.append("reads " + ", ".join(sorted(cond.reads)))
            if cond.events:
                bits.append("events " + ", ".join(sorted(cond.events)))
            if cond.time_dependent:
                bits.append("the date")
            if not bits:
                bits.append("always true" if cond.constant is True else
                            "never true on its own: a latent event" if cond.constant is False else "constant")
            self.info.setText(" · ".join(bits))
            self.info.setStyleSheet(OK_CSS)
        self.changed.emit()


class _Dialog(QDialog):
    """A dialog with an error line and OK/Cancel, re-validated whenever a field changes."""

    ok_text = "OK"

    def __init__(self, title: str, parent=None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setObjectName(type(self).__name__)
        self.main = QVBoxLayout(self)
        self.error = error_label()
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.Ok)
        self.ok_button.setText(self.ok_text)
        self.ok_button.setObjectName("okButton")
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        self.result_scenario: Scenario | None = None

    def finish_layout(self) -> None:
        self.main.addWidget(self.error)
        self.main.addWidget(self.buttons)

    def problem(self) -> str | None:
        return None

    def validate(self) -> bool:
        try:
            msg = self.problem()
        except (ExplorerError, ValueError) as e:
            msg = str(e)
        ok = msg is None
        self.ok_button.setEnabled(ok)
        self.error.setText("" if ok else msg)
        self.error.setStyleSheet("" if ok else TODO_CSS if isinstance(msg, ToDo) else ERROR_CSS)
        self.error.setVisible(not ok)
        return ok

    def _accept(self) -> None:
        if self.validate():
            self.accept()


def _html(s) -> str:
    return str(s).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# --- branches ---------------------------------------------------------------------------------
