"""A divergence's form (force, suppress, outcome, set, one-off event), 'on another date', and its dialog."""
from __future__ import annotations

import copy
import datetime as dt
import re

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit, QWidget

from ...core import edits
from ...core.errors import ExplorerError
from ...core.model import Divergence, EventRule, Scenario, Timing
from ...reports.text import long_date

from .widgets import (EffectsEdit, VariableValues, _Combo, _Dialog, date_edit, event_id_from, with_default,
                      event_title, pydate)


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
        self.original = d
        if d is not None:
            kind, event, date = d.kind, d.event, d.on or date
            if d.kind == "event" and d.on is None and d.rule is not None:
                date = d.rule.timing.start  # the event's own `on:` / `between:` start, not the scenario's start
        self.shown_date = date
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
        text = self.new_text.toPlainText().strip()
        was = self.original if self.original is not None and self.original.kind == "event" else None
        if was is None or was.rule is None:
            rule = EventRule(eid, title, text, Timing("on", on, on), effects=self.new_effects.effects())
            return Divergence("event", event=eid, rule=rule, on=on, label=label)
        # an edit keeps what the form does not show (when, chance, outcomes, tags, text variants, a
        # `between:` window while its date is not touched, ...) as the file says
        rule = copy.deepcopy(was.rule)
        rule.id, rule.title, rule.text = eid, title, text
        rule.variants = with_default(rule.variants, text)
        rule.effects = self.new_effects.effects()
        if on == self.shown_date:
            on = was.on
        else:
            rule.timing = Timing("on", on, on)
        return Divergence("event", event=eid, rule=rule, on=on, label=label)

    def suggested_label(self) -> str:
        """The branch label offered: what the divergence does in the app's words (the core's one home of
        that wording, Scenario.describe_divergence), with its date in words where the date is the point:
        "“Soviet commanders fire back” happens on 22 October 1962", "The superpowers were at nuclear war
        from 27 October 1962" (it read "Nuclear exchange = true from 1962-10-27", the engine's form)."""
        try:
            d = self.divergence()
        except ExplorerError:
            return ""
        if d.kind == "event":
            return d.rule.title
        words = self.scenario.describe_divergence(d)
        if d.on and d.kind in ("force", "set"):
            words += f" {'on' if d.kind == 'force' else 'from'} {long_date(d.on)}"
        return words


def divergence_line(scenario: Scenario, d: Divergence) -> str:
    """A divergence in a branch's list, in words: its label, what it does (the core's wording) and its
    date: "The U-2 stays on the ground: “U-2 photographs the missile sites” does not happen",
    "Moscow and Washington had a hotline, from 1 October 1962" (it read 'hotline = True on 1962-10-01
    [set]', the engine's form)."""
    words = scenario.describe_divergence(d)
    if d.on:
        words += f" on {long_date(d.on)}" if d.kind in ("force", "event") else f", from {long_date(d.on)}"
    return f"{d.label}: {words}" if d.label and d.label != words else words


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
            raise edits.EditError(f"choose a date other than {long_date(d)}, when it happened")
        return [Divergence("suppress", self.event_id, label=""),
                Divergence("force", self.event_id, on=d, label="")]

    def suggested_label(self) -> str:
        """ "“U-2 photographs the missile sites” happens on 24 October 1962": the forcing's words."""
        force = Divergence("force", self.event_id)
        return f"{self.scenario.describe_divergence(force)} on {long_date(pydate(self.date.date()))}"


# --- "What if…" -------------------------------------------------------------------------------

def check_force_date(ws, parent_branch: str, d: Divergence) -> None:
    """A force without a date needs a date the engine can find (as Workspace._effective does)."""
    if d.kind != "force" or d.on is not None:
        return
    tl = ws.timeline(parent_branch)
    rule = ws.scenario.event(d.event)
    if tl.first_tested(d.event) is None and (rule is None or rule.timing.start is None):
        raise edits.EditError(f"'{event_title(ws.scenario, d.event)}' is never tested in this branch; "
                              "give the forcing a date")


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
