"""What a run produces and keeps: the per-firing records (`Firing`, `Read`, `EventRead`, `Change`),
`Lapse`, `AppliedDivergence`, the `Checkpoint` a branch restarts from, and the `RunResult`.

Kept apart from engine.py (the loop that makes them) because everything downstream — timelines,
explanations, diffs, reports — reads these and never the loop; engine.py re-exports them.
"""
from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, TYPE_CHECKING

from .model import Divergence
from .program import Program

if TYPE_CHECKING:
    from .program import CRule

# The per-firing records are slotted dataclasses, hashable and compared by value like frozen ones, but
# built with plain assignments: a frozen dataclass sets each field through object.__setattr__, which
# made building them 4x slower (a tenth of a 10,000-rule run). Nothing changes them once made.
@dataclass(slots=True, unsafe_hash=True)
class Read:
    """A variable a condition read: the value it saw and who wrote it (firing index, divergence, None)."""

    var: str
    value: Any
    writer: int | None  # >= 0 firing index; < 0 divergence -(k+1); None: the initial world


@dataclass(slots=True, unsafe_hash=True)
class EventRead:
    event: str
    firing: int | None  # the firing it saw (its last), None when it had not happened


@dataclass(slots=True, unsafe_hash=True)
class Change:
    var: str
    old: Any
    new: Any


@dataclass(slots=True, unsafe_hash=True)
class Firing:
    index: int
    event: str
    ordinal: int
    outcome: str | None
    occurrence: int
    cause: str  # rule | after | scheduled | forced | rearm
    caused_by: int | None  # the firing that scheduled it / it followed, or -(k+1) for divergence k
    reads: tuple
    event_reads: tuple
    changes: tuple
    scheduled: tuple = ()
    cancelled: tuple = ()
    text: str | None = None  # the narrative chosen as it fired; None: the rule's one plain text
    outcome_text: str | None = None  # likewise for its outcome

    @property
    def date(self) -> dt.date:
        return dt.date.fromordinal(self.ordinal)

    @property
    def key(self) -> tuple:
        return (self.event, self.occurrence)


class Lapse:
    """An event whose window closed with its condition false (or whose chance failed).

    `reads` are the values its condition last saw. Rules still waiting when the run ends lapse against
    the final world; their reads are taken from it on first use, since most are never asked for.
    `final`: (source, x) whose `source.reads_of(x)` gives (reads, event_reads) on first use: the final
    world and the rule, or a reused restart's index map and the parent's lapse (reuse_records.py).
    """

    __slots__ = ("event", "ordinal", "kind", "detail", "_reads", "_event_reads", "_final")

    def __init__(self, event: str, ordinal: int, kind: str, reads, event_reads, detail: str = "",
                 final=None):
        self.event, self.ordinal, self.kind, self.detail = event, ordinal, kind, detail
        self._reads, self._event_reads, self._final = reads, event_reads, final

    def _resolve(self) -> None:
        if self._final is not None:
            world, cr = self._final
            self._reads, self._event_reads = world.reads_of(cr)
            self._final = None

    @property
    def reads(self) -> tuple:
        self._resolve()
        return self._reads

    @property
    def event_reads(self) -> tuple:
        self._resolve()
        return self._event_reads

    @property
    def date(self) -> dt.date:
        return dt.date.fromordinal(self.ordinal)

    def _key(self) -> tuple:
        return (self.event, self.ordinal, self.kind, self.detail, self.reads, self.event_reads)

    def __eq__(self, other) -> bool:
        return isinstance(other, Lapse) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash((self.event, self.ordinal, self.kind))

    def __repr__(self) -> str:
        return f"Lapse({self.event!r}, {self.date}, {self.kind!r})"


class EndLapse(Lapse):
    """A rule still waiting when the run ends: its window lapses against the final world, whose
    reads are taken on first use. Built with fewer arguments: a big run ends with a thousand."""

    __slots__ = ()

    def __init__(self, event: str, ordinal: int, final: tuple):
        self.event, self.ordinal, self.kind, self.detail, self._final = event, ordinal, "window", "", final


@dataclass(frozen=True)
class AppliedDivergence:
    """A divergence of the branch or one of its ancestors, with its effective date resolved."""

    k: int
    branch: str
    divergence: Divergence
    ordinal: int

    @property
    def date(self) -> dt.date:
        return dt.date.fromordinal(self.ordinal)

    @property
    def label(self) -> str:
        return self.divergence.describe()


@dataclass
class Checkpoint:
    ordinal: int
    state: dict
    writer: dict
    fired: dict
    agenda: list
    waiting: dict
    expiry: list
    timedep: set
    cancel_seq: dict
    # Checkpoints are a tenth of a big run when each copies everything (fresh memory each time), so
    # what can be shared is: `first_test` is the run's own dict, only ever added to (in date order),
    # of which the first n_first_test entries are this checkpoint's.
    first_test: dict
    n_first_test: int
    seq: int
    n_firings: int
    n_lapses: int
    n_rules: int
    facts_fired: dict  # event id -> its last firing, as conditions see it
    mtth: dict = field(default_factory=dict)  # rule -> the day its mean-time-to-happen wait ends
    # the waking index (derived from `waiting`), kept only at a known child's fork day (at most 16 per
    # run): that child's restart copies it instead of rebuilding it from every waiting rule (~1,100 on
    # 10,000 rules, a tenth of the restart); None: the restart rebuilds it
    watch: dict | None = None
    swatch: dict | None = None

    def first_tests(self) -> dict:
        """A copy of the first tests made before this checkpoint."""
        src, n = self.first_test, self.n_first_test
        extra = len(src) - n
        if extra <= n:  # copy the lot, then drop what came later (the last entries)
            out = dict(src)
            for r in list(itertools.islice(reversed(src), extra)):
                del out[r]
            return out
        return dict(itertools.islice(src.items(), n))


@dataclass(eq=False)
class RunResult:
    program: Program
    firings: list
    run_lapses: list  # the lapses made during the run (window, chance, mtth), in order; see `lapses`
    final_state: dict
    first_test: dict  # rule index -> ordinal of its first test
    checkpoints: list
    divergences: list
    mode: str
    seed: int
    elapsed: float
    restarted_from: int | None = None  # ordinal of the checkpoint it resumed, None for a full run
    stats: Counter = field(default_factory=Counter)
    # (final world, waiting, rules, last day): the rules still waiting when the run ended, whose
    # EndLapses `lapses` makes on first use
    ending: tuple | None = field(default=None, repr=False)
    _lapses: list | None = field(default=None, repr=False)
    # what the run did after its first fork day (parent_log.ParentLog), for its children's restarts; None
    # when it has no child with a dated fork
    log: Any = field(default=None, repr=False)

    @property
    def lapses(self) -> list:
        """Every lapse in order: the run's, then each rule still waiting at the end (an EndLapse against
        the final world, in expiry order). The end ones are made on first use: a big run ends with a
        thousand of them (a tenth of a late branch's restart), and a restart or a question about what
        happened never reads them; a child restarts from `run_lapses`."""
        out = self._lapses
        if out is None:
            ending = self.ending
            if ending is None:
                out = self.run_lapses
            else:
                final, waiting, rules, last = ending
                out = self.run_lapses + [EndLapse(rules[r].id, wend if wend < last else last, (final, rules[r]))
                                         for wend, r in sorted([(w[0], r) for r, w in waiting.items()])]
            self._lapses = out  # `ending` stays: another thread may be reading it (the app's worker)
        return out


def world_reads(keys: tuple, state: dict, writer: dict, fired: dict, by_id: dict) -> tuple:
    """(Reads, EventReads) of (variables, events) in a world: the values and who wrote them."""
    vs, es = keys
    reads = tuple([Read(v, state[v], writer.get(v)) for v in vs])
    ev = tuple([EventRead(e, fired[by_id[e]][3] if by_id[e] in fired else None) for e in es])
    return reads, ev


class FinalWorld:
    """The world as a run left it, for the reads of rules that lapse at the end."""

    def __init__(self, state: dict, writer: dict, fired: dict, by_id: dict):  # the run is over: nothing
        self.state, self.writer, self.fired, self.by_id = state, writer, fired, by_id  # changes them now

    def reads_of(self, cr: CRule) -> tuple:
        return world_reads((cr.read_vars, cr.read_events), self.state, self.writer, self.fired, self.by_id)
