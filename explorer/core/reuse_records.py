"""The records of a reused restart (reuse.py): a parent's firings and lapses re-made with the child's
firing indices, what they read mapped on first use, and the child's first tests read through to the
parent's.
"""
from __future__ import annotations

from collections.abc import Mapping

from .records import EventRead, Firing, Lapse, Read


class Unmapped(Exception):
    """A parent firing the child has no counterpart of (reuse.py then restarts the plain way)."""


class IndexMap:
    """Parent firing index -> the child's, and what follows from it for records: shared with the
    child's lapses, whose reads are mapped on first use (most are never asked for)."""

    def __init__(self, n0: int):
        self.n0 = n0  # firings before it are the same on both sides
        self.fmap: dict[int, int] = {}
        self.rcache: dict[tuple, Read] = {}  # (variable, parent writer) -> the child's Read of it

    def map(self, x):
        """The child's index for a parent firing index (or divergence mark, or None)."""
        if x is None or x < self.n0:
            return x
        b = self.fmap.get(x)
        if b is None:
            raise Unmapped(f"parent firing {x} has no counterpart")
        return b

    def reads(self, reads: tuple) -> tuple:
        """A parent record's reads with the child's writers (the same tuple when none moved); a read of
        a later firing's write is made once per (variable, writer) and shared, as nothing changes it."""
        n0, cache, out = self.n0, self.rcache, None
        for j, x in enumerate(reads):
            w = x.writer
            if w is None or w < n0:
                if out is not None:
                    out.append(x)
                continue
            if out is None:
                out = list(reads[:j])
            y = cache.get((x.var, w))
            if y is None:
                y = cache[(x.var, w)] = Read(x.var, x.value, self.map(w))
            out.append(y)
        return reads if out is None else tuple(out)

    def event_reads(self, ers: tuple) -> tuple:
        n0 = self.n0
        for x in ers:
            if x.firing is not None and x.firing >= n0:
                break
        else:
            return ers
        return tuple([EventRead(x.event, self.map(x.firing)) for x in ers])

    def reads_of(self, pl: Lapse) -> tuple:  # a Lapse's `_final` protocol (records.Lapse._resolve)
        return self.reads(pl.reads), self.event_reads(pl.event_reads)


class ReusedFiring(Firing):
    """A parent's firing in a child's history, with the child's index and cause; what it read names the
    child's firings, mapped on first use (most are never asked for). Its other fields are copied: views
    read them for every row, and reading them through the parent's would cost the GUI thread more than
    the copy costs the restart."""

    __slots__ = ("_src", "_mapper", "_mapped")

    def __init__(self, src: Firing, index: int, caused_by, mapper: IndexMap):  # noqa: reads via _src
        self.index, self.event, self.ordinal, self.outcome, self.occurrence, self.cause = (
            index, src.event, src.ordinal, src.outcome, src.occurrence, src.cause)
        self.caused_by, self.changes, self.scheduled, self.cancelled, self.text, self.outcome_text = (
            caused_by, src.changes, src.scheduled, src.cancelled, src.text, src.outcome_text)
        self._src, self._mapper, self._mapped = src, mapper, None

    def _reads(self) -> tuple:
        if self._mapped is None:
            m, src = self._mapper, self._src
            self._mapped = (m.reads(src.reads), m.event_reads(src.event_reads))
        return self._mapped

    reads = property(lambda self: self._reads()[0])
    event_reads = property(lambda self: self._reads()[1])

    def __eq__(self, other) -> bool:
        if not isinstance(other, Firing):
            return NotImplemented
        return _firing_fields(self) == _firing_fields(other)

    def __hash__(self) -> int:  # as the dataclass's: the fields in order
        return hash(_firing_fields(self))


def _firing_fields(f: Firing) -> tuple:
    return (f.index, f.event, f.ordinal, f.outcome, f.occurrence, f.cause, f.caused_by, f.reads, f.event_reads,
            f.changes, f.scheduled, f.cancelled, f.text, f.outcome_text)


class FirstTests(Mapping):
    """A reused restart's first tests (rule -> day), read through to the parent's: copying those (one
    per rule tested, 10,000 on the benchmark) was a twentieth of the restart; views only `get` a few."""

    def __init__(self, own: dict, tainted: set, parent: dict, plain_from: int | None):
        self.own, self.tainted, self.parent, self.plain_from = own, tainted, parent, plain_from
        self._all: dict | None = None

    def __getitem__(self, u):
        if u in self.own:
            return self.own[u]
        if u in self.tainted:
            raise KeyError(u)
        t = self.parent[u]
        if self.plain_from is not None and t >= self.plain_from:
            raise KeyError(u)
        return t

    def _dict(self) -> dict:
        if self._all is None:
            out = {u: t for u, t in self.parent.items() if u not in self.tainted
                   and (self.plain_from is None or t < self.plain_from)}
            out.update(self.own)
            self._all = out
        return self._all

    def __iter__(self):
        return iter(self._dict())

    def __len__(self) -> int:
        return len(self._dict())
