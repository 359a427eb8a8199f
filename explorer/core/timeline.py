"""A branch's computed history, with the look-ups every view and report needs."""
from __future__ import annotations

import bisect
import datetime as dt
from functools import cached_property

from .engine import AppliedDivergence, Firing, Lapse, RunResult
from .model import Branch, EventRule, Scenario, as_clause

PAUSE_EVERY = 256  # firings between two calls of a `pause` hook while the trajectories are worked out


class Timeline:
    def __init__(self, scenario: Scenario, branch: Branch, result: RunResult):
        self.scenario = scenario
        self.branch = branch
        self.result = result

    # what happened
    @property
    def branch_id(self) -> str:
        return self.branch.id

    @property
    def firings(self) -> list[Firing]:
        return self.result.firings

    @property
    def lapsed(self) -> list[Lapse]:
        return self.result.lapses

    @property
    def final_state(self) -> dict:
        return self.result.final_state

    @property
    def initial_state(self) -> dict:
        return self.result.program.initial

    @property
    def divergences(self) -> list[AppliedDivergence]:
        return self.result.divergences

    @property
    def own_divergences(self) -> list[AppliedDivergence]:
        return [d for d in self.result.divergences if d.branch == self.branch.id]

    @property
    def elapsed(self) -> float:
        return self.result.elapsed

    @property
    def mode(self) -> str:
        return self.result.mode

    def __len__(self) -> int:
        return len(self.result.firings)

    def __iter__(self):
        return iter(self.result.firings)

    def rule(self, event_id: str) -> EventRule | None:
        program = self.result.program
        i = program.by_id.get(event_id)
        return program.rules[i].rule if i is not None else None

    def title(self, event_id: str, outcome: str | None = None) -> str:
        rule = self.rule(event_id)
        if rule is None:
            return event_id
        o = rule.outcome(outcome) if outcome else None
        return f"{rule.title} — {o.title}" if o and o.title and o.title != o.id else rule.title

    def text(self, firing: Firing) -> str:
        """The event's narrative as it applied in this branch (the variant chosen as it fired)."""
        if firing.text is not None:
            return firing.text
        rule = self.rule(firing.event)
        return rule.text if rule else ""

    def outcome_text(self, firing: Firing) -> str:
        """The narrative of the firing's outcome as it applied in this branch ("" when none)."""
        if firing.outcome_text is not None:
            return firing.outcome_text
        rule = self.rule(firing.event)
        o = rule.outcome(firing.outcome) if rule and firing.outcome else None
        return o.text if o else ""

    def narrative(self, firing: Firing) -> str:
        """What a reader is told of this firing: its text and its outcome's, else its titles."""
        rule = self.rule(firing.event)
        if rule is None:
            return firing.event
        o = rule.outcome(firing.outcome) if firing.outcome else None
        titled = o is not None and o.title and o.title != o.id
        text, otext = self.text(firing).strip(), self.outcome_text(firing).strip()
        if text and not otext and titled:
            otext = o.title.rstrip(".") + "."  # outcome titles are sentences: "The coup is crushed."
        if text or otext:
            return " ".join(t for t in (text, otext) if t)
        if titled:
            return f"{rule.title.rstrip('.')}: {as_clause(o.title).rstrip('.')}."
        return rule.title.rstrip(".") + "."

    @cached_property
    def _by_event(self) -> dict[str, list[Firing]]:
        out: dict[str, list[Firing]] = {}
        for f in self.result.firings:
            out.setdefault(f.event, []).append(f)
        return out

    def firings_of(self, event_id: str) -> list[Firing]:
        return self._by_event.get(event_id, [])

    def firing(self, event_id: str, occurrence: int = 1) -> Firing | None:
        fs = self._by_event.get(event_id, [])
        return fs[occurrence - 1] if 0 < occurrence <= len(fs) else None

    def happened(self, event_id: str) -> bool:
        return event_id in self._by_event

    def lapse(self, event_id: str) -> Lapse | None:
        return next((l for l in reversed(self.result.lapses) if l.event == event_id), None)

    def first_tested(self, event_id: str) -> dt.date | None:
        i = self.result.program.by_id.get(event_id)
        o = self.result.first_test.get(i) if i is not None else None
        return dt.date.fromordinal(o) if o is not None else None

    # the world over time
    @property
    def _trajectories(self) -> dict[str, tuple[list, list]]:
        """Per variable: (the ordinals it changed on, its values from then on), worked out once."""
        got = self.__dict__.get("_traj")
        return got if got is not None else self.trajectories()

    def trajectories(self, pause=None) -> dict[str, tuple[list, list]]:
        """`_trajectories`, worked out now if not yet; `pause` (a callable, as engine.run_program's)
        is called every PAUSE_EVERY changes: the app's branch worker steps aside there (a 2,600-event
        branch of 200 variables takes 4-13 ms). Not a cached_property: in Python 3.11 its lock is one
        per class, so a worker pausing inside it would hold every other thread's first look at any
        timeline's trajectories. Two threads working it out at once both get the same values."""
        got = self.__dict__.get("_traj")
        if got is not None:
            return got
        traj = {v: ([self.result.program.start], [val]) for v, val in self.initial_state.items()}
        firings = self.result.firings
        sets = sorted(((d.ordinal, tuple(d.divergence.values.items())) for d in self.result.divergences
                       if d.divergence.kind == "set"), key=lambda t: t[0])  # stable: in the path's order
        if any(a.ordinal > b.ordinal for a, b in zip(firings, firings[1:])):  # never from the engine
            firings = sorted(firings, key=lambda f: f.ordinal)  # (stable: in firing order on a day)
        every = PAUSE_EVERY if pause is not None else len(firings) + 1

        def apply(ordinal, changes):
            for var, new in changes:
                dates, values = traj[var]
                if values[-1] == new:
                    continue
                if dates[-1] == ordinal:
                    values[-1] = new
                else:
                    dates.append(ordinal)
                    values.append(new)

        # in date order, a day's divergence sets before its firings (both in their own order)
        k = 0
        for n, f in enumerate(firings, 1):
            while k < len(sets) and sets[k][0] <= f.ordinal:
                apply(*sets[k])
                k += 1
            apply(f.ordinal, [(c.var, c.new) for c in f.changes])
            if n % every == 0:
                pause()
        for ordinal, changes in sets[k:]:
            apply(ordinal, changes)
        self._traj = traj
        return traj

    def trajectory(self, var: str) -> list[tuple[dt.date, object]]:
        """The variable's value from the start and at each date it changed."""
        dates, values = self._trajectories[var]
        return [(dt.date.fromordinal(d), v) for d, v in zip(dates, values)]

    def value_at(self, var: str, when: dt.date):
        dates, values = self._trajectories[var]
        i = bisect.bisect_right(dates, when.toordinal()) - 1
        return values[max(i, 0)]

    def state_at(self, when: dt.date) -> dict:
        """The world at the end of `when`."""
        return {var: self.value_at(var, when) for var in self.initial_state}
