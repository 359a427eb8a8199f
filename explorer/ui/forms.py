"""Authoring forms: the "What if…" forms, the branch editor, the event-rule form and the variable form.

Each form validates as the user types, with the loader's own messages (explorer.core.program via
explorer.core.edits), shows the first problem under the fields and keeps its OK button disabled
until the edit is valid. A form never touches the live scenario: it builds an edited copy, which
the caller pushes onto the undo stack (explorer.ui.commands).
"""
from __future__ import annotations

import copy
import datetime as dt
import re

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDateEdit, QDialog, QDialogButtonBox, QFormLayout,
                               QHBoxLayout, QLabel, QLineEdit, QListWidget, QListWidgetItem, QPlainTextEdit,
                               QPushButton, QScrollArea, QSpinBox, QToolButton, QVBoxLayout, QWidget)

from ..core import edits
from ..core.conditions import ConditionError, Scope, compile_condition
from ..core.dates import Duration, parse_duration
from ..core.errors import ExplorerError
from ..core.model import (BASELINE, VARIABLE_TYPES, Divergence, Effect, EventRule, Outcome, Scenario,
                          TextVariant, Timing, Variable)
from . import style

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
    """A combo box of (text, data) with an exact data lookup."""

    def set_items(self, items, current=None) -> None:
        self.blockSignals(True)
        self.clear()
        for text, data in items:
            self.addItem(text, data)
        i = self.findData(current) if current is not None else 0
        self.setCurrentIndex(max(i, 0))
        self.blockSignals(False)

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
                self.box.addItem(_fmt(v), v)
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
        entry = {"row": row, "kind": kind, "target": target, "value": value}
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
                    out.append(Effect("schedule", t, delay=parse_duration(text) if text else Duration()))
                except ValueError as e:
                    raise edits.EditError(f"effect {i + 1}: {e}") from None
            else:
                out.append(Effect("cancel", t))
        return out


# --- one divergence ---------------------------------------------------------------------------

DIVERGENCE_KIND_TEXT = {"force": "force an event", "suppress": "suppress an event",
                        "outcome": "choose an outcome", "set": "set the world", "event": "a new one-off event"}


class DivergenceForm(QWidget):
    """The fields of one divergence of any kind (the kind can be fixed)."""

    changed = Signal()

    def __init__(self, scenario: Scenario, kind: str = "suppress", divergence: Divergence | None = None, *,
                 event: str | None = None, date: dt.date | None = None, state: dict | None = None,
                 kind_fixed: bool = False, event_fixed: bool = False, events: list[str] | None = None,
                 parent=None):
        super().__init__(parent)
        self.scenario = scenario
        sc = scenario
        d = divergence
        if d is not None:
            kind, event, date = d.kind, d.event, d.on or date
        self.form = QFormLayout(self)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.kind = _Combo()
        self.kind.setObjectName("divergenceKind")
        self.kind.set_items([(t, k) for k, t in DIVERGENCE_KIND_TEXT.items()], kind)
        self.form.addRow("Kind", self.kind)
        self.form.setRowVisible(self.kind, not kind_fixed)
        ids = events if events is not None else [e.id for e in sc.events]
        self.event = _Combo()
        self.event.setObjectName("eventBox")
        self.event.set_items([(f"{event_title(sc, e)}  ({e})", e) for e in ids], event)
        self.event.setEnabled(not event_fixed)
        self.form.addRow("Event", self.event)
        self.outcome = _Combo()
        self.outcome.setObjectName("outcomeBox")
        self.form.addRow("Outcome", self.outcome)
        self.use_date = QCheckBox("on")
        self.use_date.setObjectName("useDate")
        self.date = date_edit(sc, date, "dateEdit")
        drow = QWidget()
        dl = QHBoxLayout(drow)
        dl.setContentsMargins(0, 0, 0, 0)
        dl.addWidget(self.use_date)
        dl.addWidget(self.date, 1)
        self.date_row = drow
        self.form.addRow("Date", drow)
        self.values = VariableValues(sc, d.values if d is not None and d.kind == "set" else None, state)
        self.form.addRow("Set", self.values)
        # a one-off event
        rule = d.rule if d is not None and d.kind == "event" else None
        self.new_title = QLineEdit(rule.title if rule else "")
        self.new_title.setObjectName("newEventTitle")
        self.new_title.setPlaceholderText("What happens, in a few words")
        self.new_id = QLineEdit(rule.id if rule else "")
        self.new_id.setObjectName("newEventId")
        self.new_id.setPlaceholderText("made from the title")
        self._id_auto = rule is None
        self.new_text = QPlainTextEdit(rule.text if rule else "")
        self.new_text.setObjectName("newEventText")
        self.new_text.setPlaceholderText("One to three sentences of narrative")
        self.new_text.setFixedHeight(70)
        self.new_effects = EffectsEdit(sc, rule.effects if rule else None)
        self.form.addRow("Title", self.new_title)
        self.form.addRow("Id", self.new_id)
        self.form.addRow("Text", self.new_text)
        self.form.addRow("Effects", self.new_effects)
        self.label = QLineEdit(d.label if d is not None else "")
        self.label.setObjectName("divergenceLabel")
        self.label.setPlaceholderText("optional: how this change reads at the fork")
        self.form.addRow("Change label", self.label)
        if d is not None and d.on:
            self.use_date.setChecked(True)
        self._fill_outcomes(d.outcome if d is not None else None)

        self.kind.currentIndexChanged.connect(lambda _: self._kind_changed())
        self.event.currentIndexChanged.connect(lambda _: self._kind_changed())  # its outcomes differ
        self.outcome.currentIndexChanged.connect(lambda _: self.changed.emit())
        self.use_date.toggled.connect(lambda on: (self.date.setEnabled(on), self.changed.emit()))
        self.date.dateChanged.connect(lambda _: self.changed.emit())
        self.values.changed.connect(self.changed.emit)
        self.new_title.textChanged.connect(self._title_changed)
        self.new_id.textEdited.connect(lambda _: (setattr(self, "_id_auto", False), self.changed.emit()))
        self.new_text.textChanged.connect(self.changed.emit)
        self.new_effects.changed.connect(self.changed.emit)
        self.label.textChanged.connect(lambda _: self.changed.emit())
        self._kind_changed(initial=True)

    def _title_changed(self, text: str) -> None:
        if self._id_auto:
            self.new_id.setText(event_id_from(text, {e.id for e in self.scenario.events}) if text else "")
        self.changed.emit()

    def _fill_outcomes(self, current=None) -> None:
        rule = self.scenario.event(self.event.currentData() or "")
        items = [] if self.kind.currentData() == "outcome" else [("(the rules decide)", None)]
        if rule is not None:
            items += [(f"{o.title or o.id}  ({o.id})", o.id) for o in rule.outcomes]
        self.outcome.set_items(items, current)

    def _kind_changed(self, initial: bool = False) -> None:
        k = self.kind.currentData()
        f = self.form
        f.setRowVisible(self.event, k in ("force", "suppress", "outcome"))
        rule = self.scenario.event(self.event.currentData() or "")
        f.setRowVisible(self.outcome, k == "outcome" or (k == "force" and rule is not None and bool(rule.outcomes)))
        f.setRowVisible(self.values, k == "set")
        for w in (self.new_title, self.new_id, self.new_text, self.new_effects):
            f.setRowVisible(w, k == "event")
        if k in ("set", "event"):
            self.use_date.setChecked(True)
            self.use_date.setEnabled(False)
        else:
            self.use_date.setEnabled(True)
        self.date.setEnabled(self.use_date.isChecked())
        if k == "set" and not self.values.rows:
            self.values.add_row()
        if not initial:
            self._fill_outcomes()
        self.changed.emit()

    def divergence(self) -> Divergence:
        """The divergence the fields describe; EditError when something is missing."""
        k = self.kind.currentData()
        on = pydate(self.date.date()) if self.use_date.isChecked() else None
        label = self.label.text().strip()
        if k in ("force", "suppress", "outcome"):
            ev = self.event.currentData()
            if not ev:
                raise edits.EditError("choose an event")
            oc = self.outcome.currentData() if self.form.isRowVisible(self.outcome) else None
            if k == "outcome" and not oc:
                raise edits.EditError(f"'{event_title(self.scenario, ev)}' has no outcomes to choose from")
            return Divergence(k, ev, oc, on=on, label=label)
        if k == "set":
            return Divergence("set", values=self.values.values(), on=on, label=label)
        title = self.new_title.text().strip()
        if not title:
            raise edits.EditError("give the new event a title")
        eid = self.new_id.text().strip()
        if not re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", eid):
            raise edits.EditError(f"'{eid}' is not an event id; use letters, digits and _")
        rule = EventRule(eid, title, self.new_text.toPlainText().strip(), Timing("on", on, on),
                         effects=self.new_effects.effects())
        return Divergence("event", event=eid, rule=rule, on=on, label=label)

    def suggested_label(self) -> str:
        try:
            d = self.divergence()
        except ExplorerError:
            return ""
        sc = self.scenario
        if d.kind == "suppress":
            return f"{event_title(sc, d.event)} does not happen"
        if d.kind == "outcome":
            return f"{event_title(sc, d.event)}: {event_title(sc, d.event, d.outcome).split(' — ')[-1]}"
        if d.kind == "force":
            return f"{event_title(sc, d.event, d.outcome)}" + (f" on {d.on}" if d.on else "")
        if d.kind == "set":
            parts = [f"{sc.variables[n].title} = {_fmt(v)}" for n, v in d.values.items()]
            return ", ".join(parts) + f" from {d.on}"
        return d.rule.title


class DateForm(QWidget):
    """'Happened on another date': the event is suppressed where it was and forced at the new date."""

    changed = Signal()

    def __init__(self, scenario: Scenario, event: str, date: dt.date | None, parent=None):
        super().__init__(parent)
        self.scenario = scenario
        self.event_id = event
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        name = QLabel(event_title(scenario, event))
        form.addRow("Event", name)
        self.date = date_edit(scenario, date, "dateEdit")
        form.addRow("New date", self.date)
        self.original = date
        self.date.dateChanged.connect(lambda _: self.changed.emit())

    def divergences(self) -> list[Divergence]:
        d = pydate(self.date.date())
        if d == self.original:
            raise edits.EditError(f"choose a date other than {d}, when it happened")
        return [Divergence("suppress", self.event_id, label=""),
                Divergence("force", self.event_id, on=d, label="")]

    def suggested_label(self) -> str:
        return f"{event_title(self.scenario, self.event_id)} on {pydate(self.date.date())}"


# --- "What if…" -------------------------------------------------------------------------------

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
        self.error.setStyleSheet("" if ok else ERROR_CSS)
        self.error.setVisible(not ok)
        return ok

    def _accept(self) -> None:
        if self.validate():
            self.accept()


class WhatIfDialog(_Dialog):
    """'What if <event> …': one of WHAT_IF_KINDS; creates a child branch of `parent_branch`."""

    ok_text = "Create branch"

    def __init__(self, workspace, parent_branch: str, event: str, kind: str, date: dt.date | None = None,
                 parent=None):
        super().__init__("What if…", parent)
        self.ws = workspace
        sc = self.scenario = workspace.scenario
        self.parent_branch = parent_branch
        self.kind = kind
        self.event_id = event
        tl = workspace.timeline(parent_branch)
        f = tl.firing(event)
        self.event_date = date or (f.date if f else None)
        state = tl.state_at(self.event_date) if self.event_date else None
        title = tl.title(event, f.outcome if f else None)
        heading = QLabel(f"<b>What if</b> <i>{_html(title)}</i> <b>{WHAT_IF_KINDS[kind]}?</b>"
                         if kind in ("suppress", "outcome", "date") else
                         f"<b>What if {WHAT_IF_KINDS[kind]}?</b> <span style='color:{style.TEXT_MUTED}'>"
                         f"at <i>{_html(title)}</i>{', ' + str(self.event_date) if self.event_date else ''}</span>")
        heading.setObjectName("whatIfHeading")
        heading.setWordWrap(True)
        self.main.addWidget(heading)
        sub = QLabel(f"A new branch from <b>{_html(workspace.branch(parent_branch).label)}</b>")
        sub.setObjectName("muted")
        self.main.addWidget(sub)
        form = QFormLayout()
        self.label_edit = QLineEdit()
        self.label_edit.setObjectName("branchLabel")
        self.label_edit.setPlaceholderText("shown in the branch tree")
        self._label_auto = True
        self.label_edit.textEdited.connect(lambda _: setattr(self, "_label_auto", False))
        self.label_edit.textChanged.connect(lambda _: self.validate())
        form.addRow("Branch label", self.label_edit)
        self.id_label = QLabel("")
        self.id_label.setObjectName("branchIdPreview")
        form.addRow("Branch id", self.id_label)
        self.main.addLayout(form)
        if kind == "date":
            self.body = DateForm(sc, event, self.event_date)
        elif kind == "force":
            latent = [e.id for e in sc.events if e.latent]
            others = [e.id for e in sc.events if not e.latent and not tl.happened(e.id)]
            fired = [e.id for e in sc.events if not e.latent and tl.happened(e.id)]
            ids = latent + others + fired
            first = latent[0] if latent else (others[0] if others else event)
            self.body = DivergenceForm(sc, "force", event=first, date=self.event_date, kind_fixed=True,
                                       events=ids)
            self.body.use_date.setChecked(self.event_date is not None)
        elif kind == "outcome":
            rule = sc.event(event)
            current = f.outcome if f else None
            other = next((o.id for o in (rule.outcomes if rule else []) if o.id != current), None)
            self.body = DivergenceForm(sc, "outcome", Divergence("outcome", event, other), kind_fixed=True,
                                       event_fixed=True)
        elif kind == "suppress":
            self.body = DivergenceForm(sc, "suppress", event=event, date=self.event_date, kind_fixed=True,
                                       event_fixed=True)
            self.body.use_date.setChecked(self.event_date is not None)  # the fork sits where it would have been
        elif kind == "set":
            changed = [c.var for c in f.changes] if f else []
            first = changed[0] if changed else next(iter(sc.variables))
            values = {first: (state or sc.initial_state()).get(first)}
            self.body = DivergenceForm(sc, "set", Divergence("set", values=values, on=self.event_date),
                                       state=state, kind_fixed=True)
        else:
            self.body = DivergenceForm(sc, "event", date=self.event_date, kind_fixed=True)
        self.body.setObjectName("whatIfBody")
        self.main.addWidget(self.body)
        self.finish_layout()
        self.body.changed.connect(self._body_changed)
        self.new_branch: str | None = None
        self._body_changed()
        if kind == "event":
            self.body.new_title.setFocus()
        self.resize(520, self.sizeHint().height())

    def divergences(self) -> list[Divergence]:
        if isinstance(self.body, DateForm):
            return self.body.divergences()
        return [self.body.divergence()]

    def _body_changed(self) -> None:
        if self._label_auto:
            self.label_edit.blockSignals(True)
            self.label_edit.setText(self.body.suggested_label())
            self.label_edit.blockSignals(False)
        self.validate()

    def problem(self) -> str | None:
        label = self.label_edit.text().strip()
        self.id_label.setText(edits.new_branch_id(self.scenario, label) if label else "")
        divs = self.divergences()
        for d in divs:
            check_force_date(self.ws, self.parent_branch, d)
        if not label:
            return "give the branch a label"
        self.result_scenario, self.new_branch = edits.fork(self.scenario, self.parent_branch, label, divs)
        return None


def check_force_date(ws, parent_branch: str, d: Divergence) -> None:
    """A force without a date needs a date the engine can find (as Workspace._effective does)."""
    if d.kind != "force" or d.on is not None:
        return
    tl = ws.timeline(parent_branch)
    rule = ws.scenario.event(d.event)
    if tl.first_tested(d.event) is None and (rule is None or rule.timing.start is None):
        raise edits.EditError(f"'{event_title(ws.scenario, d.event)}' is never tested in this branch; "
                              "give the forcing a date")


def _html(s) -> str:
    return str(s).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# --- branches ---------------------------------------------------------------------------------

class DivergenceDialog(_Dialog):
    ok_text = "OK"

    def __init__(self, scenario: Scenario, divergence: Divergence | None = None, *, date=None, parent=None):
        super().__init__("Divergence", parent)
        self.form = DivergenceForm(scenario, "suppress", divergence, date=date)
        self.form.setObjectName("divergenceForm")
        self.main.addWidget(self.form)
        self.finish_layout()
        self.form.changed.connect(self.validate)
        self.result_divergence: Divergence | None = None
        self.validate()

    def problem(self) -> str | None:
        self.result_divergence = self.form.divergence()
        return None


class BranchDialog(_Dialog):
    """Edit a branch (label, description, parent, divergences), or make a new one from `parent_id`."""

    ok_text = "Save"

    def __init__(self, workspace, branch_id: str | None = None, parent_id: str | None = None, parent=None):
        super().__init__("Edit branch" if branch_id else "New branch", parent)
        self.ws = workspace
        sc = self.scenario = workspace.scenario
        self.branch_id = branch_id
        b = sc.branch(branch_id) if branch_id else None
        self.divs: list[Divergence] = copy.deepcopy(b.divergences) if b else []
        form = QFormLayout()
        self.label_edit = QLineEdit(b.label if b else "")
        self.label_edit.setObjectName("branchLabel")
        form.addRow("Label", self.label_edit)
        self.id_edit = QLineEdit(b.id if b else "")
        self.id_edit.setObjectName("branchId")
        self.id_edit.setPlaceholderText("made from the label")
        self.id_edit.setReadOnly(b is not None)
        self.id_edit.setToolTip("The id links other branches to this one; it cannot be changed here"
                                if b else "Letters, digits, - _ .")
        form.addRow("Id", self.id_edit)
        self.parent_box = _Combo()
        self.parent_box.setObjectName("parentBox")
        below = set(edits.descendants(sc, branch_id)) | {branch_id} if branch_id else set()
        self.parent_box.set_items([(f"{x.label or x.id}  ({x.id})", x.id) for x in sc.branches if x.id not in below],
                                  b.parent if b else (parent_id or BASELINE))
        form.addRow("Parent", self.parent_box)
        self.desc = QPlainTextEdit(b.description if b else "")
        self.desc.setObjectName("branchDescription")
        self.desc.setFixedHeight(60)
        form.addRow("Description", self.desc)
        self.main.addLayout(form)
        self.main.addWidget(QLabel("Divergences"))
        self.list = QListWidget()
        self.list.setObjectName("divergenceList")
        self.main.addWidget(self.list, 1)
        row = QHBoxLayout()
        self.add_button = QPushButton("Add…")
        self.add_button.setObjectName("addDivergence")
        self.edit_button = QPushButton("Edit…")
        self.edit_button.setObjectName("editDivergence")
        self.remove_button = QPushButton("Remove")
        self.remove_button.setObjectName("removeDivergence")
        for w in (self.add_button, self.edit_button, self.remove_button):
            row.addWidget(w)
        row.addStretch(1)
        self.main.addLayout(row)
        self.finish_layout()
        self.sub: DivergenceDialog | None = None
        self.add_button.clicked.connect(lambda: self._open_divergence(None))
        self.edit_button.clicked.connect(lambda: self._open_divergence(self.list.currentRow()))
        self.list.itemDoubleClicked.connect(lambda _: self._open_divergence(self.list.currentRow()))
        self.remove_button.clicked.connect(self._remove)
        self.list.currentRowChanged.connect(lambda _: self._buttons())
        self.label_edit.textChanged.connect(lambda _: self.validate())
        self.id_edit.textChanged.connect(lambda _: self.validate())
        self.parent_box.currentIndexChanged.connect(lambda _: self.validate())
        self.desc.textChanged.connect(self.validate)
        self.new_branch: str | None = branch_id
        self._fill()
        self.resize(560, 480)

    def _fill(self) -> None:
        row = self.list.currentRow()
        self.list.clear()
        for d in self.divs:
            item = QListWidgetItem(("◆ " + d.describe()) + (f"   [{d.kind}]" if d.label else ""))
            self.list.addItem(item)
        if self.divs:
            self.list.setCurrentRow(min(max(row, 0), len(self.divs) - 1))
        self._buttons()
        self.validate()

    def _buttons(self) -> None:
        has = 0 <= self.list.currentRow() < len(self.divs)
        self.edit_button.setEnabled(has)
        self.remove_button.setEnabled(has)

    def _open_divergence(self, index: int | None) -> None:
        if index is not None and not 0 <= index < len(self.divs):
            return
        d = self.divs[index] if index is not None else None
        self.sub = DivergenceDialog(self.scenario, d, parent=self)
        self.sub.setWindowTitle("Edit divergence" if d else "Add divergence")

        def done(result):
            if result == QDialog.Accepted and self.sub.result_divergence is not None:
                if index is None:
                    self.divs.append(self.sub.result_divergence)
                    self.list.setCurrentRow(len(self.divs) - 1)
                else:
                    self.divs[index] = self.sub.result_divergence
                self._fill()
                if index is None:
                    self.list.setCurrentRow(len(self.divs) - 1)
        self.sub.finished.connect(done)
        self.sub.open()

    def _remove(self) -> None:
        i = self.list.currentRow()
        if 0 <= i < len(self.divs):
            del self.divs[i]
            self._fill()

    def problem(self) -> str | None:
        label = self.label_edit.text().strip()
        if not label:
            return "give the branch a label"
        if not self.divs:
            return "a branch needs at least one divergence: Add… one"
        for d in self.divs:
            check_force_date(self.ws, self.parent_box.currentData(), d)
        if self.branch_id is None:
            bid = self.id_edit.text().strip() or None
            self.result_scenario, self.new_branch = edits.fork(
                self.scenario, self.parent_box.currentData(), label, self.divs, bid,
                self.desc.toPlainText().strip())
        else:
            self.result_scenario = edits.update_branch(
                self.scenario, self.branch_id, label=label, parent=self.parent_box.currentData(),
                description=self.desc.toPlainText().strip(), divergences=self.divs)
        return None


# --- event rules ------------------------------------------------------------------------------

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


class OutcomeDialog(_Dialog):
    def __init__(self, scenario: Scenario, scope_fn, outcome: Outcome | None = None, taken=(), parent=None):
        super().__init__("Outcome", parent)
        self.scenario = scenario
        self.taken = set(taken)
        o = outcome or Outcome("")
        form = QFormLayout()
        self.id_edit = QLineEdit(o.id)
        self.id_edit.setObjectName("outcomeId")
        self.title_edit = QLineEdit(o.title if o.title != o.id else "")
        self.title_edit.setObjectName("outcomeTitle")
        self.when = ConditionEdit(scope_fn, "" if o.when is True else str(o.when).lower()
                                  if isinstance(o.when, bool) else str(o.when), "outcomeWhen")
        self.weight = QLineEdit(_fmt(o.weight))
        self.weight.setObjectName("outcomeWeight")
        self.text = QPlainTextEdit(o.text)  # with variants: their default; the others are kept
        self.text.setFixedHeight(50)
        self.variants = copy.deepcopy(o.variants)
        self.effects = EffectsEdit(scenario, o.effects)
        form.addRow("Id", self.id_edit)
        form.addRow("Title", self.title_edit)
        form.addRow("When", self.when)
        form.addRow("Weight", self.weight)
        form.addRow("Text", self.text)
        form.addRow("Effects", self.effects)
        self.main.addLayout(form)
        self.finish_layout()
        for sig in (self.id_edit.textChanged, self.title_edit.textChanged, self.weight.textChanged):
            sig.connect(lambda _: self.validate())
        self.when.changed.connect(self.validate)
        self.text.textChanged.connect(self.validate)
        self.effects.changed.connect(self.validate)
        self.result_outcome: Outcome | None = None
        self.validate()

    def problem(self) -> str | None:
        oid = self.id_edit.text().strip()
        if not re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", oid):
            return "give the outcome an id: letters, digits and _"
        if oid in self.taken:
            return f"the event already has an outcome '{oid}'"
        if self.when.error:
            return f"when: {self.when.error}"
        w = self.weight.text().strip() or "1"
        try:
            weight = float(w)
            weight = int(weight) if weight.is_integer() else weight
            if weight < 0:
                return "weights cannot be negative"
        except ValueError:
            weight = w
        text = self.text.toPlainText().strip()
        self.result_outcome = Outcome(oid, self.title_edit.text().strip() or oid, self.when.value(), weight,
                                      text, self.effects.effects(), with_default(self.variants, text))
        return None


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


class RuleDialog(_Dialog):
    """The event-rule form: title, text, timing, `when`, chance, outcomes, effects, tags."""

    ok_text = "Save rule"

    def __init__(self, workspace, event_id: str | None = None, parent=None):
        super().__init__("Edit event rule" if event_id else "New event rule", parent)
        self.ws = workspace
        sc = self.scenario = workspace.scenario
        self.event_id = event_id
        r = copy.deepcopy(sc.event(event_id)) if event_id else EventRule("", timing=Timing("on", sc.start, sc.start))
        self.outcomes: list[Outcome] = list(r.outcomes)
        body = QWidget()
        form = QFormLayout(body)
        self.form = form
        self.title_edit = QLineEdit(r.title if r.title != r.id else "")
        self.title_edit.setObjectName("ruleTitle")
        self.id_edit = QLineEdit(r.id)
        self.id_edit.setObjectName("ruleId")
        self.id_edit.setPlaceholderText("made from the title")
        self._id_auto = not event_id
        self.text_edit = QPlainTextEdit(r.text)  # with variants: their default; the others are kept
        self.text_edit.setObjectName("ruleText")
        self.variants = copy.deepcopy(r.variants)
        self.text_edit.setFixedHeight(64)
        form.addRow("Title", self.title_edit)
        form.addRow("Id", self.id_edit)
        form.addRow("Text", self.text_edit)
        # timing
        self.timing = _Combo()
        self.timing.setObjectName("timingKind")
        self.timing.set_items([(t, k) for k, t in TIMING_TEXT.items()], r.timing.kind)
        self.start = date_edit(sc, r.timing.start, "timingStart")
        self.end = date_edit(sc, r.timing.end or r.timing.start, "timingEnd")
        self.after_event = _Combo()
        self.after_event.setObjectName("afterEvent")
        self.after_event.set_items([(f"{e.title}  ({e.id})", e.id) for e in sc.events if e.id != event_id],
                                   r.timing.event)
        self.delay = QLineEdit(str(r.timing.delay) if r.timing.delay != Duration() else "")
        self.delay.setObjectName("afterDelay")
        self.delay.setPlaceholderText("delay, e.g. 30d")
        self.within = QLineEdit(str(r.timing.within) if r.timing.within != Duration() else "")
        self.within.setObjectName("afterWithin")
        self.within.setPlaceholderText("waits up to, e.g. 0d")
        trow = QWidget()
        tl = QHBoxLayout(trow)
        tl.setContentsMargins(0, 0, 0, 0)
        for w in (self.timing, self.start, self.end, self.after_event, self.delay, self.within):
            tl.addWidget(w)
        form.addRow("Timing", trow)
        self.when = ConditionEdit(self._scope, "" if r.when is True else ("false" if r.when is False else str(r.when)))
        form.addRow("When", self.when)
        self.chance = QLineEdit("" if r.chance is None else _fmt(r.chance))
        self.chance.setObjectName("ruleChance")
        self.chance.setPlaceholderText("optional: 0..1 or an expression")
        form.addRow("Chance", self.chance)
        self.priority = QSpinBox()
        self.priority.setRange(-1000, 1000)
        self.priority.setValue(r.priority)
        self.repeatable = QCheckBox("may happen again")
        self.repeatable.setChecked(r.repeatable)
        self.cooldown = QLineEdit(str(r.cooldown) if r.cooldown != Duration(days=1) else "")
        self.cooldown.setPlaceholderText("cooldown, e.g. 30d")
        prow = QWidget()
        pl = QHBoxLayout(prow)
        pl.setContentsMargins(0, 0, 0, 0)
        pl.addWidget(QLabel("priority"))
        pl.addWidget(self.priority)
        pl.addWidget(self.repeatable)
        pl.addWidget(self.cooldown)
        form.addRow("Order", prow)
        self.tags = QLineEdit(", ".join(r.tags))
        self.tags.setObjectName("ruleTags")
        self.tags.setPlaceholderText("comma separated")
        form.addRow("Tags", self.tags)
        self.sources = QPlainTextEdit("\n".join(r.sources))
        self.sources.setFixedHeight(44)
        self.sources.setPlaceholderText("one a line")
        form.addRow("Sources", self.sources)
        self.effects = EffectsEdit(sc, r.effects)
        form.addRow("Effects", self.effects)
        self.outcome_list = QListWidget()
        self.outcome_list.setObjectName("outcomeList")
        self.outcome_list.setFixedHeight(80)
        orow = QHBoxLayout()
        self.add_outcome = QPushButton("Add outcome…")
        self.edit_outcome = QPushButton("Edit…")
        self.remove_outcome = QPushButton("Remove")
        for w in (self.add_outcome, self.edit_outcome, self.remove_outcome):
            orow.addWidget(w)
        orow.addStretch(1)
        obox = QWidget()
        ol = QVBoxLayout(obox)
        ol.setContentsMargins(0, 0, 0, 0)
        ol.addWidget(self.outcome_list)
        ol.addLayout(orow)
        form.addRow("Outcomes", obox)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        self.main.addWidget(scroll, 1)
        self.finish_layout()
        self.save_button = self.ok_button
        self.save_button.setObjectName("saveButton")
        self.affected: set[str] = set()
        self.sub = None

        self.title_edit.textChanged.connect(self._title_changed)
        self.id_edit.textEdited.connect(lambda _: setattr(self, "_id_auto", False))
        self.id_edit.textChanged.connect(lambda _: (self.when.check(), self.validate()))
        self.text_edit.textChanged.connect(self.validate)
        self.timing.currentIndexChanged.connect(lambda _: self._timing_changed())
        for w in (self.start, self.end):
            w.dateChanged.connect(lambda _: self.validate())
        self.after_event.currentIndexChanged.connect(lambda _: self.validate())
        for w in (self.delay, self.within, self.chance, self.tags, self.cooldown):
            w.textChanged.connect(lambda _: self.validate())
        self.when.changed.connect(self.validate)
        self.priority.valueChanged.connect(lambda _: self.validate())
        self.repeatable.toggled.connect(lambda _: self.validate())
        self.sources.textChanged.connect(self.validate)
        self.effects.changed.connect(self.validate)
        self.add_outcome.clicked.connect(lambda: self._open_outcome(None))
        self.edit_outcome.clicked.connect(lambda: self._open_outcome(self.outcome_list.currentRow()))
        self.outcome_list.itemDoubleClicked.connect(lambda _: self._open_outcome(self.outcome_list.currentRow()))
        self.remove_outcome.clicked.connect(self._remove_outcome)
        self._fill_outcomes()
        self._timing_changed()
        self.resize(680, 640)

    def _scope(self) -> Scope:
        sc = self.scenario
        ids = [e.id for e in sc.events if e.id != self.event_id] + [self.id_edit.text().strip() or "_"]
        return Scope(sc.variables, ids, dict(sc.conditions))

    def _title_changed(self, text: str) -> None:
        if self._id_auto:
            self.id_edit.setText(event_id_from(text, {e.id for e in self.scenario.events}) if text else "")
        self.validate()

    def _timing_changed(self) -> None:
        k = self.timing.currentData()
        self.start.setVisible(k in ("on", "between"))
        self.end.setVisible(k == "between")
        for w in (self.after_event, self.delay, self.within):
            w.setVisible(k == "after")
        self.validate()

    def _fill_outcomes(self) -> None:
        self.outcome_list.clear()
        for o in self.outcomes:
            w = f", weight {_fmt(o.weight)}" if o.weight != 1 else ""
            self.outcome_list.addItem(f"{o.title or o.id}  ({o.id}{w})")
        self.validate()

    def _open_outcome(self, index: int | None) -> None:
        if index is not None and not 0 <= index < len(self.outcomes):
            return
        o = self.outcomes[index] if index is not None else None
        taken = [x.id for i, x in enumerate(self.outcomes) if i != index]
        self.sub = OutcomeDialog(self.scenario, self._scope, o, taken, parent=self)

        def done(result):
            if result == QDialog.Accepted and self.sub.result_outcome is not None:
                if index is None:
                    self.outcomes.append(self.sub.result_outcome)
                else:
                    self.outcomes[index] = self.sub.result_outcome
                self._fill_outcomes()
        self.sub.finished.connect(done)
        self.sub.open()

    def _remove_outcome(self) -> None:
        i = self.outcome_list.currentRow()
        if 0 <= i < len(self.outcomes):
            del self.outcomes[i]
            self._fill_outcomes()

    def rule(self) -> EventRule:
        eid = self.id_edit.text().strip()
        if not eid:
            raise edits.EditError("give the event a title (and an id)")
        title = self.title_edit.text().strip() or eid
        k = self.timing.currentData()
        if k == "on":
            t = Timing("on", pydate(self.start.date()), pydate(self.start.date()))
        elif k == "between":
            t = Timing("between", pydate(self.start.date()), pydate(self.end.date()))
        elif k == "after":
            t = Timing("after", event=self.after_event.currentData())
            try:
                if self.delay.text().strip():
                    t.delay = parse_duration(self.delay.text())
                if self.within.text().strip():
                    t.within = parse_duration(self.within.text())
            except ValueError as e:
                raise edits.EditError(f"timing: {e}") from None
        else:
            t = Timing(k)
        if self.when.error:
            raise edits.EditError(f"when: {self.when.error}")
        chance = self.chance.text().strip()
        chance_v = None
        if chance:
            try:
                chance_v = float(chance)
            except ValueError:
                chance_v = chance
        cooldown = Duration(days=1)
        if self.cooldown.text().strip():
            try:
                cooldown = parse_duration(self.cooldown.text())
            except ValueError as e:
                raise edits.EditError(f"cooldown: {e}") from None
        tags = [x.strip() for x in self.tags.text().split(",") if x.strip()]
        sources = [x.strip() for x in self.sources.toPlainText().splitlines() if x.strip()]
        text = self.text_edit.toPlainText().strip()
        rule = EventRule(eid, title, text, t, self.when.value(), chance_v,
                         self.priority.value(), self.repeatable.isChecked(), cooldown, tags, sources,
                         self.effects.effects(), copy.deepcopy(self.outcomes), with_default(self.variants, text))
        old = self.scenario.event(self.event_id) if self.event_id else None
        if old is not None:  # what the form does not show is kept as written
            rule.nolint, rule.mtth = old.nolint, old.mtth
        return rule

    def problem(self) -> str | None:
        rule = self.rule()
        self.result_scenario = edits.replace_event(self.scenario, self.event_id, rule)
        self.result_rule = rule
        return None


# --- variables --------------------------------------------------------------------------------

class VariableDialog(_Dialog):
    ok_text = "Save variable"

    def __init__(self, workspace, name: str | None = None, parent=None):
        super().__init__("Edit variable" if name else "New variable", parent)
        self.ws = workspace
        sc = self.scenario = workspace.scenario
        self.old_name = name
        v = copy.deepcopy(sc.variables[name]) if name else Variable("", "number", 0)
        form = QFormLayout()
        self.pick = _Combo()
        self.pick.setObjectName("variablePick")
        if name:
            self.pick.set_items([(f"{x.title}  ({n})", n) for n, x in sc.variables.items()], name)
            form.addRow("Variable", self.pick)
        self.name_edit = QLineEdit(v.name)
        self.name_edit.setObjectName("variableName")
        self.name_edit.setPlaceholderText("dotted name, e.g. mexico.stability")
        self.type_box = _Combo()
        self.type_box.setObjectName("variableType")
        self.type_box.set_items([(t, t) for t in VARIABLE_TYPES], v.type)
        self.label_edit = QLineEdit(v.label)
        self.label_edit.setObjectName("variableLabel")
        self.initial = QLineEdit(_fmt(v.initial))
        self.initial.setObjectName("variableInitial")
        self.min_edit = QLineEdit("" if v.min is None else _fmt(v.min))
        self.min_edit.setObjectName("variableMin")
        self.max_edit = QLineEdit("" if v.max is None else _fmt(v.max))
        self.max_edit.setObjectName("variableMax")
        self.values_edit = QLineEdit(", ".join(v.values))
        self.values_edit.setObjectName("variableValues")
        self.values_edit.setPlaceholderText("comma separated names")
        self.unit_edit = QLineEdit(v.unit)
        self.desc_edit = QLineEdit(v.description)
        form.addRow("Name", self.name_edit)
        form.addRow("Type", self.type_box)
        form.addRow("Label", self.label_edit)
        form.addRow("Values", self.values_edit)
        form.addRow("Min", self.min_edit)
        form.addRow("Max", self.max_edit)
        form.addRow("Initial", self.initial)
        form.addRow("Unit", self.unit_edit)
        form.addRow("Description", self.desc_edit)
        self.form = form
        self.main.addLayout(form)
        self.finish_layout()
        for w in (self.name_edit, self.label_edit, self.initial, self.min_edit, self.max_edit, self.values_edit,
                  self.unit_edit, self.desc_edit):
            w.textChanged.connect(lambda _: self.validate())
        self.type_box.currentIndexChanged.connect(lambda _: self._type_changed())
        self.pick.currentIndexChanged.connect(lambda _: self._load(self.pick.currentData()))
        self._type_changed()

    def _load(self, name: str) -> None:
        v = self.scenario.variables[name]
        self.old_name = name
        self.name_edit.setText(v.name)
        self.type_box.select(v.type)
        self.label_edit.setText(v.label)
        self.initial.setText(_fmt(v.initial))
        self.min_edit.setText("" if v.min is None else _fmt(v.min))
        self.max_edit.setText("" if v.max is None else _fmt(v.max))
        self.values_edit.setText(", ".join(v.values))
        self.unit_edit.setText(v.unit)
        self.desc_edit.setText(v.description)
        self.validate()

    def _type_changed(self) -> None:
        t = self.type_box.currentData()
        self.form.setRowVisible(self.values_edit, t == "enum")
        self.form.setRowVisible(self.min_edit, t == "number")
        self.form.setRowVisible(self.max_edit, t == "number")
        self.validate()

    def problem(self) -> str | None:
        name = self.name_edit.text().strip()
        if not re.match(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$", name):
            return "give the variable a name: words joined by dots, like mexico.stability"
        t = self.type_box.currentData()
        var = Variable(name, t, None, label=self.label_edit.text().strip(), unit=self.unit_edit.text().strip(),
                       description=self.desc_edit.text().strip())
        if t == "number":
            for attr, w in (("min", self.min_edit), ("max", self.max_edit)):
                s = w.text().strip()
                if s:
                    try:
                        n = float(s)
                    except ValueError:
                        return f"{attr} must be a number, not '{s}'"
                    setattr(var, attr, int(n) if n.is_integer() else n)
            if var.min is not None and var.max is not None and var.min > var.max:
                return f"max {var.max} is below min {var.min}"
        if t == "enum":
            var.values = tuple(x.strip() for x in self.values_edit.text().split(",") if x.strip())
            if not var.values:
                return "an enum needs values: a comma separated list of names"
            var.labels = {k: lab for k, lab in var.labels.items() if k in var.values}  # kept for kept values
        try:
            var.initial = edits.parse_value(var, self.initial.text())
        except ValueError as e:
            return f"initial: {e}"
        self.result_scenario = edits.replace_variable(self.scenario, self.old_name, var)
        return None
