"""The event-rule form and its outcome dialog."""
from __future__ import annotations

import copy
import re

from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit,
                               QListWidget, QPlainTextEdit, QPushButton, QScrollArea, QSpinBox, QVBoxLayout,
                               QWidget)

from ...core import edits
from ...core.conditions import Scope
from ...core.dates import Duration, parse_duration
from ...core.model import EventRule, Outcome, Scenario, Timing

from .widgets import (TIMING_TEXT, ConditionEdit, EffectsEdit, _Combo, _Dialog, _fmt, date_edit, with_default,
                      event_id_from, pydate)


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
        # as wide as the row leaves it, not as its longest "title  (id)" (528 px of the bundled 193: the
        # Timing row then needed 1,040 px); typing narrows the list, which shows the titles whole
        self.after_event.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        self.after_event.setMinimumContentsLength(24)
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
        self.priority.setRange(min(-1000, r.priority), max(1000, r.priority))  # the file's own, even beyond
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
        # as wide as the form, within the window: at 680 px the effects' values (what the rule does) were
        # hidden right of a sideways scroll bar at 1280x800 (the form needs ~890 px). Measured once the
        # Timing row forgot the fields `_timing_changed` hid (the form's item for the row kept the
        # minimum it measured with them shown: a new rule's form opened 1,173 px wide at 1920x1080)
        self._body, self._scroll, self._trow = body, scroll, trow
        self.resize(self._fit_width(680), 640)

    def _fit_width(self, least: int) -> int:
        """The dialog's width for its form, within the window: at least `least`, and the Timing row at
        its natural width (its fields' hints whole) when it fits."""
        self._trow.updateGeometry()  # its item in the form forgets the minimum it cached
        m = self.main.contentsMargins()
        frame = (self._scroll.verticalScrollBar().sizeHint().width() + 2 * self._scroll.frameWidth()
                 + m.left() + m.right() + 4)
        form = self.form
        label = max((form.itemAt(r, QFormLayout.LabelRole).sizeHint().width() for r in range(form.rowCount())
                     if form.itemAt(r, QFormLayout.LabelRole) is not None), default=0)
        row = label + form.horizontalSpacing() + self._trow.sizeHint().width()
        need = max(self._body.minimumSizeHint().width(), row) + frame
        host = self.parentWidget()
        limit = host.width() if host is not None else self.screen().availableGeometry().width()
        return min(max(least, need), limit)

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
        if hasattr(self, "_trow"):  # a choice made in the open form: widen it for the row's fields
            self.resize(self._fit_width(self.width()), self.height())
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
