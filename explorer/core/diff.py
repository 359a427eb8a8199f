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
        # the events split by status once (the app asks for counts, changed and gone of 2,600 events
        # at each selection); again if events were added since
        groups = self.__dict__.get("_groups")
        if groups is None or groups[0] != len(self.events):
            split: dict[str, list] = {SAME: [], NEW: [], CHANGED: [], GONE: []}
            for e in self.events:
                split[e.status].append(e)
            groups = self._groups = (len(self.events), split)
        return list(groups[1][status])

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


PAUSE_EVERY = 128  # firings (or variables) between two calls of diff's `pause` hook: about 1 ms


def diff(mine: Timeline, other: Timeline, pause=None) -> Diff:
    """`mine` against `other`. Written for speed: the app diffs each branch it shows against the one it
    is compared with on the GUI thread (two 2,600-event branches of 200 variables: 19 -> 8 ms).

    `pause`: a callable without arguments (engine.run_program's hook, `Workspace.pause`) called about
    every millisecond of the work; it changes nothing in the result. The app's branch worker waits
    there while the GUI thread works: a diff is 20-35 ms of a 10,000-rule world's branch, which
    otherwise held the interpreter lock against the GUI for that long."""
    every = PAUSE_EVERY if pause is not None else len(mine.firings) + len(other.firings) + 1
    pause = pause or _never
    theirs = {(o.event, o.occurrence): o for o in other.firings}
    out = Diff(mine.branch_id, other.branch_id)
    events, by_index = out.events, out._by_index
    title, day = mine.title, dt.date.fromordinal
    pause()
    for n, f in enumerate(mine.firings, 1):
        o = theirs.pop((f.event, f.occurrence), None)  # what is left over is gone from `mine`
        date = day(f.ordinal)
        if o is None:
            entry = EventDiff(f.event, f.occurrence, NEW, title(f.event, f.outcome), date, None, f.outcome, None,
                              f.index)
        else:
            status = CHANGED if o.ordinal != f.ordinal or o.outcome != f.outcome else SAME
            entry = EventDiff(f.event, f.occurrence, status, title(f.event, f.outcome), date,
                              date if status == SAME else day(o.ordinal), f.outcome, o.outcome, f.index)
        by_index[f.index] = entry
        events.append(entry)
        if n % every == 0:
            pause()
    if theirs:
        for n, o in enumerate(other.firings, 1):
            if (o.event, o.occurrence) in theirs:
                events.append(EventDiff(o.event, o.occurrence, GONE, other.title(o.event, o.outcome), None,
                                        day(o.ordinal), None, o.outcome))
            if n % every == 0:
                pause()
    pause()
    events.sort(key=lambda e: (e.date or e.other_date, e.index if e.index is not None else -1))
    pause()
    mt, ot = mine.trajectories(pause), other.trajectories(pause)  # per variable: (change ordinals, values)
    pause()
    final, other_final = mine.final_state, other.final_state
    for n, (var, v) in enumerate(mine.scenario.variables.items(), 1):
        (da, va), (db, vb) = mt[var], ot[var]
        if da != db or va != vb:
            out.variables.append(VarDiff(var, v.title, final[var], other_final[var],
                                         _first_difference(da, va, db, vb)))
        if n % 16 == 0:  # a variable's first difference walks its changes
            pause()
    out.counts()  # the events split by status now, not on the first look (the app's GUI thread)
    return out


def _never() -> None:
    """The pause hook of a diff nobody waits on."""


def _first_difference(da: list, va: list, db: list, vb: list) -> dt.date | None:
    """The first date the two step functions (values from each change date on) differ."""
    na, nb = len(da), len(db)
    k = 0  # an identical prefix of changes holds identical values
    while k < na and k < nb and da[k] == db[k] and va[k] == vb[k]:
        k += 1
    ia = ib = k
    end = float("inf")
    while ia < na or ib < nb:
        d = min(da[ia] if ia < na else end, db[ib] if ib < nb else end)
        while ia < na and da[ia] <= d:
            ia += 1
        while ib < nb and db[ib] <= d:
            ib += 1
        if va[max(ia - 1, 0)] != vb[max(ib - 1, 0)]:
            return dt.date.fromordinal(d)
    return None
