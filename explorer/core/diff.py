"""What a branch changed against another: events same/new/gone/changed, and world variables."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .timeline import Timeline

SAME, NEW, GONE, CHANGED = "same", "new", "gone", "changed"


@dataclass(frozen=True)
class EventDiff:
    event: str
    occurrence: int
    status: str
    title: str
    date: dt.date | None  # in the branch (None when gone)
    other_date: dt.date | None  # in the other branch (None when new)
    outcome: str | None = None
    other_outcome: str | None = None
    index: int | None = None  # firing index in the branch

    @property
    def when(self) -> dt.date:
        return self.date or self.other_date


@dataclass(frozen=True)
class VarDiff:
    var: str
    label: str
    final: object
    other_final: object
    first_difference: dt.date | None  # the first date their values differ

    @property
    def ends_differently(self) -> bool:
        """False when the variable took another course but came back to the same end value."""
        return self.final != self.other_final


@dataclass
class Diff:
    branch: str
    other: str
    events: list[EventDiff] = field(default_factory=list)  # chronological, gone ones at their old date
    variables: list[VarDiff] = field(default_factory=list)

    def _of(self, status: str) -> list[EventDiff]:
        return [e for e in self.events if e.status == status]

    @property
    def same(self) -> list[EventDiff]:
        return self._of(SAME)

    @property
    def new(self) -> list[EventDiff]:
        return self._of(NEW)

    @property
    def gone(self) -> list[EventDiff]:
        return self._of(GONE)

    @property
    def changed(self) -> list[EventDiff]:
        return self._of(CHANGED)

    @property
    def differences(self) -> list[EventDiff]:
        return [e for e in self.events if e.status != SAME]

    @property
    def end_differences(self) -> list[VarDiff]:
        """Variables whose values at the end differ (what "the world at the end" lists)."""
        return [v for v in self.variables if v.ends_differently]

    @property
    def course_only(self) -> list[VarDiff]:
        """Variables that took another course but ended with the same value."""
        return [v for v in self.variables if not v.ends_differently]

    def status_of(self, index: int) -> str:
        """Status of the branch's firing number `index`."""
        entry = self._by_index.get(index)
        return entry.status if entry else SAME

    def entry_of(self, index: int) -> EventDiff | None:
        """The diff entry of the branch's firing number `index` (its other date and outcome)."""
        return self._by_index.get(index)

    def __post_init__(self):
        self._by_index: dict[int, EventDiff] = {}

    def counts(self) -> dict[str, int]:
        return {s: len(self._of(s)) for s in (SAME, NEW, CHANGED, GONE)}


def diff(mine: Timeline, other: Timeline) -> Diff:
    theirs = {f.key: f for f in other.firings}
    out = Diff(mine.branch_id, other.branch_id)
    seen = set()
    for f in mine.firings:
        o = theirs.get(f.key)
        seen.add(f.key)
        if o is None:
            status = NEW
        elif o.ordinal != f.ordinal or o.outcome != f.outcome:
            status = CHANGED
        else:
            status = SAME
        entry = EventDiff(f.event, f.occurrence, status, mine.title(f.event, f.outcome), f.date,
                          o.date if o else None, f.outcome, o.outcome if o else None, f.index)
        out._by_index[f.index] = entry
        out.events.append(entry)
    for o in other.firings:
        if o.key not in seen:
            out.events.append(EventDiff(o.event, o.occurrence, GONE, other.title(o.event, o.outcome), None,
                                        o.date, None, o.outcome))
    out.events.sort(key=lambda e: (e.when, e.index if e.index is not None else -1))
    for var, v in mine.scenario.variables.items():
        a, b = mine.trajectory(var), other.trajectory(var)
        if a != b:
            out.variables.append(VarDiff(var, v.title, mine.final_state[var], other.final_state[var],
                                         _first_difference(mine, other, var, a, b)))
    return out


def _first_difference(mine: Timeline, other: Timeline, var: str, a: list, b: list) -> dt.date | None:
    for d in sorted({d for d, _ in a} | {d for d, _ in b}):
        if mine.value_at(var, d) != other.value_at(var, d):
            return d
    return None
