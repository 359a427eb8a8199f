"""Read-only helpers the views share on top of the Workspace: cached diffs, fork dates, lane order.

Nothing here works out history: timelines, diffs, explanations and divergence dates all come from
`explorer.core.Workspace`. This module only caches what the views ask for repeatedly and turns it
into the shapes views draw (arrays of mark dates, rows in tree order).
"""
from __future__ import annotations

import datetime as dt
import time

import numpy as np

from ..core import Workspace
from ..core.errors import ExplorerError
from ..core.engine import BIG_PROGRAM
from ..core.gcpause import paused_gc
from .map_routes import lane_order
from .style import STATUS_CODES

SAME_CODE, NEW_CODE, CHANGED_CODE = STATUS_CODES["same"], STATUS_CODES["new"], STATUS_CODES["changed"]


class History:
    """One per Workspace: what every view asks, asked once."""

    def __init__(self, workspace: Workspace):
        self.ws = workspace
        self._diffs: dict = {}
        self._marks: dict = {}
        self._errors: dict[str, str] = {}
        self.compute_seconds: dict[str, float] = {}

    def long_lived(self):
        """A context for building what a view caches for as long as its scenario (diffs, rows, aligned
        rows): in a big world it is frozen out of the collector's generations as it is made (gcpause).
        Otherwise each batch of 2,600-row caches promoted into the oldest generation set off a full
        collection scanning the ~100,000 objects of the others, 25-45 ms of the GUI thread in the
        middle of a Back/Forward or a compare step (seen with gc.callbacks in bench_ui: the steps that
        went over 100 ms). Evicted entries are still freed by reference counting (rows hold no cycles);
        small worlds collect as usual."""
        return paused_gc(freeze=len(self.ws.scenario.events) >= BIG_PROGRAM)

    # --- the tree -------------------------------------------------------------------------------

    @property
    def scenario(self):
        return self.ws.scenario

    @property
    def branch_ids(self) -> list[str]:
        return self.ws.scenario.branch_ids

    def has_branch(self, branch_id: str) -> bool:
        return self.ws.has_branch(branch_id)

    def label(self, branch_id: str) -> str:
        b = self.ws.branch(branch_id)
        return b.label or b.id

    def parent(self, branch_id: str) -> str | None:
        return self.ws.branch(branch_id).parent

    def rows(self) -> list[str]:
        """Branches in depth-first order, each followed by its subtree; siblings earliest fork first
        (`map_routes.lane_order`: the map, the outline and the reports in date order). Kept
        until another timeline is computed (fork dates are known once a branch is): the map, the
        outline and the branch worker ask several times per selection (9 ms each on 200 branches)."""
        sc, n = self.ws.scenario, self.ws.computed_count
        got = getattr(self, "_rows", None)
        if got is not None and got[0] is sc and got[1] == n:
            return list(got[2])
        out = self._rows_now()
        self._rows = (sc, n, out)
        return list(out)

    def _rows_now(self) -> list[str]:
        # siblings earliest fork first; the map bridges a connector over the lanes it passes (map_routes)
        roots = [b.id for b in self.ws.scenario.branches if b.parent is None]
        x0 = float(self.ws.scenario.start.toordinal())
        starts: dict[str, float] = {}

        def start(bid):
            got = starts.get(bid)
            if got is None:
                f, p = self.fork(bid), self.parent(bid)
                got = starts[bid] = float(f.toordinal()) if f is not None else (start(p) if p else x0)
            return got

        return lane_order(roots, self.ws.children, start)

    # --- computing, lazily ----------------------------------------------------------------------

    def computed(self, branch_id: str) -> bool:
        return self.ws.cached(branch_id)

    def timeline(self, branch_id: str):
        """The branch's timeline (computed on first use); raises ExplorerError if it cannot run."""
        if not self.ws.cached(branch_id):
            t0 = time.perf_counter()
            try:
                tl = self.ws.timeline(branch_id)
            except ExplorerError as e:
                self._errors[branch_id] = str(e)
                raise
            self.compute_seconds[branch_id] = time.perf_counter() - t0
            return tl
        return self.ws.timeline(branch_id)

    def try_timeline(self, branch_id: str):
        try:
            return self.timeline(branch_id)
        except ExplorerError:
            return None

    def error(self, branch_id: str) -> str | None:
        return self._errors.get(branch_id)

    def diff(self, branch_id: str, other: str | None = None):
        """Diff against the parent (or `other`); None for the baseline."""
        b = self.ws.branch(branch_id)
        if other is not None and other == b.parent:
            other = None  # one cache entry for "against the parent"
        if other is None and b.parent is None:
            return None
        key = (branch_id, other)
        d = self._diffs.get(key)
        if d is None:
            with self.long_lived():
                d = self._diffs[key] = self.ws.diff(branch_id, other)
        return d

    def other(self, branch_id: str, compare: str | None) -> str | None:
        """The branch `branch_id` is marked against: `compare` when set (and another branch), else
        its parent; None for a root with nothing to compare."""
        if compare and compare != branch_id and self.has_branch(compare):
            return compare
        return self.parent(branch_id)

    def has_diff(self, branch_id: str) -> bool:
        return (branch_id, None) in self._diffs or self.ws.branch(branch_id).parent is None

    # --- dates ----------------------------------------------------------------------------------

    def fork(self, branch_id: str) -> dt.date | None:
        """Where the branch forks from its parent.

        The engine's answer once the branch is computed; before that, the dates the file itself
        gives (`on:`, a one-off event's start) when every divergence of the branch has one, else None.
        """
        b = self.ws.branch(branch_id)
        if b.parent is None:
            return None
        if self.ws.cached(branch_id):
            return self.ws.divergence_date(branch_id)
        dates = []
        for dv in b.divergences:
            if dv.on:
                dates.append(dv.on)
            elif dv.kind == "event" and dv.rule is not None and dv.rule.timing.start:
                dates.append(dv.rule.timing.start)
            else:
                return None
        return min(dates) if dates else None

    # --- what the map draws ---------------------------------------------------------------------

    def marks(self, branch_id: str):
        """(ordinals, status codes, firing indices) of the branch's events on its own lane.

        The lane starts at the fork, so only events from the fork on; statuses against the parent.
        None while the branch is not computed.
        """
        m = self._marks.get(branch_id)
        if m is not None:
            return m
        if not self.ws.cached(branch_id):
            return None
        m = self._marks[branch_id] = lane_marks(self.ws.timeline(branch_id), self.fork(branch_id),
                                                self.diff(branch_id))
        return m

    def ready(self, branch_id: str) -> bool:
        """Whether the branch, its path and its diff are computed: showing it computes nothing."""
        ws = self.ws
        return all(ws.cached(b.id) for b in ws.path(branch_id)) and self.has_diff(branch_id)

    def adopt(self, computed) -> bool:
        """Take what the branch worker computed (ui/branch_worker.Computed) if it belongs to this
        Workspace's scenario; False when it is stale (the scenario changed meanwhile) or failed."""
        if computed.error is not None:
            self._errors[computed.branch] = computed.error
            return False
        if not self.ws.has_branch(computed.branch):
            return False
        for tl in computed.timelines:
            if tl.scenario is not self.ws.scenario:
                return False  # computed for an older scenario: the window asks again
            if not self.ws.cached(tl.branch_id) and not self.ws.adopt(tl):
                return False
        for bid, d in [(computed.branch, computed.diff)] + list(getattr(computed, "diffs", {}).items()):
            if d is not None and (bid, None) not in self._diffs:
                self._diffs[(bid, None)] = d  # the engine is deterministic:
                # the same whichever copy of an identical timeline it was taken from
        for bid, m in getattr(computed, "marks", {}).items():
            self._marks.setdefault(bid, m)  # worked out by the worker from the same diff
        self.marks(computed.branch)
        return True

    def ensure(self, branch_id: str) -> bool:
        """Compute the branch, its diff and its marks; False if the engine refused."""
        # A computed history lives as long as the scenario: frozen out of the collector's generations
        # before it is re-enabled (freeze=True), else re-scanned at later collections (50-500 ms each)
        # and, first, by the collection the next allocation set off (36 ms opening 10,000 rules)
        try:
            with paused_gc(freeze=True):
                self.timeline(branch_id)
                self.diff(branch_id)
                self.marks(branch_id)
            return True
        except ExplorerError:
            return False


def lane_marks(tl, fork: dt.date | None, diff, pause=None):
    """(ordinals, status codes, firing indices) of a branch's events from its fork on (`History.marks`);
    plain Python and numpy, so the branch worker works them out off the GUI thread (a 2,600-event
    lane: 2-5 ms), with its `pause` hook called between the parts."""
    start = fork.toordinal() if fork else -1
    fs = [f for f in tl.firings if f.ordinal >= start]
    ords = np.fromiter((f.ordinal for f in fs), dtype=np.int64, count=len(fs))
    idx = np.fromiter((f.index for f in fs), dtype=np.int64, count=len(fs))
    if diff is None:
        codes = np.zeros(len(fs), dtype=np.int8)
    else:
        if pause is not None:
            pause()
        sc, status_of = STATUS_CODES, diff.status_of
        codes = np.fromiter((sc[status_of(f.index)] for f in fs), dtype=np.int8, count=len(fs))
    return ords, codes, idx


def event_key(firing) -> tuple:
    return (firing.event, firing.occurrence)


def fmt_date(d: dt.date | None) -> str:
    return d.isoformat() if d else ""


def fmt_value(value, var=None) -> str:
    """A value as the app shows it: an enum value by its label when `var` (its Variable) gives one."""
    if var is not None and var.type == "enum" and value in var.labels:
        return var.labels[value]
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    if value is None:
        return "—"
    return str(value)
