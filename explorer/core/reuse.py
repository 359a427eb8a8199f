"""A child's restart that reuses its parent's run after the fork: only what the divergence reaches is simulated.

A branch's history after its fork differs from its parent's only where the difference propagates. On
the 10,000-rule benchmark, a branch that sets one variable at 90 % of the timeline re-runs 1,444 agenda
tests and lapses after the fork, of which about a fifth belong to rules the change ever reaches; a plain
restart re-tests and re-records them all, so it cannot be much more than 10x faster than a full run.

The parent's run keeps a `ParentLog` from its first fork day's checkpoint on: every step in its order
(a day begins, a rule's window lapses, a day's date-dependent rules are queued, an agenda entry is
popped with the firings and lapses it made) and, after each step, the rule-local state of every rule
the step touched (its wait, its pending agenda entries, cancel mark, mean-time-to-happen wait,
date-dependence, wake mark and first test). A child restarting from one of its checkpoints runs
`_MergedRun`: the engine itself (`engine._Run`), but only for *tainted* rules, merged with the
parent's log for every other rule.

The invariant. Walking the parent's log in its own order, at every point:
- D, the keys (variables and "@event") whose value or writer differs between the child and the parent
  at the same point (writers compared through `fmap`, parent firing index -> the child's), is exactly
  kept: every firing applied on either side rechecks the keys it changed.
- An untainted rule reads no key in D (its condition, chance, outcomes, texts and effect targets),
  and its local state is the parent's at this point. So its next step is the parent's: replayed (its
  firing's changes applied, records re-made with the child's firing indices), never re-tested.
- A rule becomes tainted, for good, when a key it reads enters D, when something the child does pushes,
  cancels or suppresses it, or when a parent step the child does not repeat (a tainted rule's) pushes or
  cancels it. It then takes its local state from the log as it was just before that point, and the
  engine simulates it from there on. Wakes need no taint of their own: a rule is woken only by a change
  to a key it reads, and a change that differs between the two sides puts the key in D.
- The order is the full run's: the parent's steps of untainted rules are the full run's, popped in
  agenda order; the child's own agenda (tainted rules only) is merged with them by (date, -priority,
  rule), a tainted rule's parent step and its own step at the same key taken together (so that a firing
  the same on both sides leaves D, and the rules it wakes, alone). The child visits the parent's days
  and its own; a day visited with nothing on it changes nothing (expiries keep their (end, rule) order).
Anything outside this (the parent diverging after the fork, a run-away, an index without a
counterpart) raises `_Fallback`, and the caller restarts the plain way, which stays the reference: the
hypothesis properties check that both equal a full run.
"""
from __future__ import annotations

import heapq
import time
from bisect import bisect_left
from collections.abc import Mapping

from .conditions import Facts
from .engine import BIG_PROGRAM, EVENT_KEY, MAX_FIRINGS_PER_DAY, _Run
from .errors import EngineError
from .gcpause import paused_gc
from .parent_log import EXPIRE, POP, START, ParentLog, taint_readers
from .records import FinalWorld, Firing, Lapse, RunResult
from .reuse_records import FirstTests, IndexMap, ReusedFiring, Unmapped

REPLAY_PAUSE = 256  # parent steps replayed between two calls of the run's `pause` hook
# Every WINDOW of the parent's steps, the child's own agenda tests are compared with them: past PLAIN per
# step the difference has spread through most of the world and walking the parent's log costs more than
# it saves (10,000 rules: 6 % at a fork at 90 %, 18 % at 50 % where both ways cost the same, 36 % at 10 %
# where reuse was 28 % slower), so the child takes every rule over and finishes as a plain run.
WINDOW, PLAIN = 1024, 0.2
_NONE = object()  # a parent firing the child has no counterpart of: equal to no index


class _Fallback(Exception):
    """The reuse cannot be exact here: restart the plain way."""


def restart(program, divergences: list, parent: RunResult, cp, mode: str, seed: int, record_reads: bool,
            pause=None) -> RunResult | None:
    """The child's run from `cp` (a checkpoint of `parent` taken while it kept its log), reusing the
    parent's steps; None when that cannot be done exactly here (the caller restarts the plain way)."""
    log = parent.log
    if (log is None or cp.ordinal not in log.cp_pos or any(d >= cp.ordinal for d in log.div_days)
            or mode != parent.mode or seed != parent.seed or record_reads != log.record_reads):
        return None
    t0 = time.perf_counter()
    run = _MergedRun(program, list(divergences), mode, seed, False, None, record_reads, pause)
    try:
        with paused_gc(freeze=len(program.rules) >= BIG_PROGRAM):
            run.begin(cp, parent, log)
            run.merge()
    except (_Fallback, Unmapped, EngineError):
        return None  # the plain restart is the reference (and says what ran away)
    return RunResult(program, run.firings, run.lapses, run.state, _MergedRun.final_first_tests(run, parent), [],
                     list(divergences), mode, seed, time.perf_counter() - t0, cp.ordinal, run.stats,
                     run.ending)


def _reach(program, cr, outcome: str | None) -> tuple:
    """What a firing of `cr` with `outcome` does to other rules, in engine._fire's order: its schedule and
    cancel effects, then its followers as ("after", rule)."""
    effects = cr.effects
    if outcome is not None:
        effects = effects + next(o for o in cr.outcomes if o.id == outcome).effects
    out = [ef for ef in effects if ef[0] != "set" and ef[0] != "add"]
    out += [("after", f) for f in program.followers.get(cr.idx, ())]
    return tuple(out)


class _MergedRun(_Run):
    """The engine for tainted rules, merged with the parent's log for the others."""

    # --- set-up ---------------------------------------------------------------------------------
    def begin(self, cp, parent: RunResult, log: ParentLog) -> None:
        self.state, self.writer, self.fired = dict(cp.state), dict(cp.writer), dict(cp.fired)
        self.agenda, self.waiting, self.watch, self.swatch, self.expiry = [], {}, {}, {}, []
        self.timedep, self.cancel_seq, self.first_test = set(), {}, {}
        self.seq = log.final_seq  # above every parent entry's: a rule's entries keep their order
        self.firings = parent.firings[: cp.n_firings]
        self.lapses = parent.run_lapses[: cp.n_lapses]
        self.facts = Facts(cp.ordinal, dict(cp.facts_fired))
        self.today = cp.ordinal - 1
        self.resumed_at = cp.ordinal
        # the parent's side: its world as the log goes (fired: only what changed since the checkpoint)
        self.pstate, self.pwriter, self.pfired, self.cpfired = dict(cp.state), dict(cp.writer), {}, cp.fired
        self.pf, self.pl = parent.firings, parent.run_lapses
        self.n0 = cp.n_firings  # firings before it are the same on both sides
        self.mapper = IndexMap(self.n0)
        self.fmap = self.mapper.fmap  # parent firing index -> the child's
        self._map = self.mapper.map
        self.tainted: set[int] = set()
        self.later: list[tuple] = []  # (position, rule): waiting readers to taint before that parent step
        reach = self.p.__dict__.get("_reach")  # (rule, outcome) -> what its firing does to other rules
        self.reach = reach if reach is not None else self.p.__dict__.setdefault("_reach", {})
        self.D: set[str] = set()
        self.log, self.items, self.i = log, log.items, log.cp_pos[cp.ordinal]
        self.start_pos = self.i
        self.parent = parent
        self.readers = taint_readers(self.p)
        self.pause_at = 1 if self.pause is not None else -1
        for cr in self.rules[cp.n_rules:]:  # one-off events the parent lacks: simulated from the start
            self.tainted.add(cr.idx)
            self._push_initial(cr, cp.ordinal)

    # --- taint ----------------------------------------------------------------------------------
    def _state(self, u: int) -> tuple:
        """(rule u's local state in the parent just before the log's current step, the position of
        the next step that touches it or None)."""
        log = self.log
        snaps = log.snaps.get(u)
        at = bisect_left(snaps, (self.i,)) if snaps else 0  # (i,) sorts before (i, state)
        nxt = snaps[at][0] if snaps and at < len(snaps) else None
        if at:
            return snaps[at - 1][1], nxt
        state = log.base_state.get(u)
        if state is not None:
            return state, nxt
        ft = self.parent.first_test.get(u)  # nothing pending at the start: tested before it or not yet
        if ft is not None and ft >= log.base.ordinal:
            ft = None
        return (None, (), log.base.cancel_seq.get(u), None, False, False, ft), nxt

    def _taint_reader(self, u: int) -> None:
        """A rule that reads a key now in D. Waiting on a conjunct whose key both sides agree on, it can
        be woken only when that key changes: by a step of the parent's that touches it (it is tainted
        before that step, `later`), or with the key entering D (it reads it). Until then it does nothing
        and is left to the parent, as most of a variable's waiting readers stay waiting to the end."""
        state, nxt = self._state(u)
        w = state[0]
        if w is not None and w[3] is not None and w[3][0] not in self.D:
            if nxt is not None:
                heapq.heappush(self.later, (nxt, u))
            return
        self._taint(u, state)

    def _taint_due(self, i: int) -> None:
        """Taint the waiting readers left to the parent (`_taint_reader`) whose next step is at `i`."""
        later = self.later
        self.i = i
        while later and later[0][0] <= i:
            self._taint(heapq.heappop(later)[1])

    def _taint(self, u: int, state: tuple | None = None) -> None:
        """From now on the engine simulates rule u, from its state in the parent just before the
        current step of the log."""
        if u in self.tainted:
            return
        self.tainted.add(u)
        w, pend, cseq, mt, td, wk, ft = state if state is not None else self._state(u)[0]
        if w is not None:
            w = (w[0], w[1], self._map(w[2]), w[3])
            self.waiting[u] = w
            heapq.heappush(self.expiry, (w[0], u))
            if w[3] is not None:
                k, fn = w[3]
                sw = self.swatch.get(k)
                if sw is None:
                    self.swatch[k] = {u: fn}
                else:
                    sw[u] = fn
            else:
                for k in self.rules[u].keys:
                    self.watch.setdefault(k, set()).add(u)
        for e in pend:
            heapq.heappush(self.agenda, e[:6] + (self._map(e[6]),))
        if cseq is not None:
            self.cancel_seq[u] = cseq
        if mt is not None:
            self.mtth_pending[u] = mt
        if td:
            self.timedep.add(u)
        if wk:
            self.woken.add(u)
        if ft is not None:
            self.first_test[u] = ft

    def _image(self, x):
        """What the child's index must be for parent index x to correspond (_NONE: none can)."""
        if x is None or x < self.n0:
            return x
        return self.fmap.get(x, _NONE)

    def _differs(self, k: str) -> bool:
        """Whether key k's value or writer differs between the two sides now."""
        if k[0] == EVENT_KEY:
            r = self.p.by_id[k[1:]]
            b = self.fired.get(r)
            p = self.pfired[r] if r in self.pfired else self.cpfired.get(r)
            if b is None or p is None:
                return b is not p
            return b[0] != p[0] or b[1] != p[1] or b[2] != p[2] or b[3] != self._image(p[3])
        sb, sp = self.state[k], self.pstate[k]
        if sb != sp or type(sb) is not type(sp):
            return True
        return self.writer.get(k) != self._image(self.pwriter.get(k))

    def _recheck(self, keys) -> None:
        D, readers, tainted = self.D, self.readers, self.tainted
        for k in keys:
            if self._differs(k):
                if k not in D:
                    D.add(k)
                    live_until, i = self.log.live_until, self.i
                    for u in readers.get(k, ()):
                        # unless nothing can happen to it from here on in the parent (no wait, pending
                        # entry or mean-time wait, and no later step touching it): most of a variable's
                        # readers fired or lapsed long ago. If the child pushes or cancels it, it is
                        # tainted then (_push, _cancel).
                        if live_until.get(u, -1) >= i and u not in tainted:
                            self._taint_reader(u)
            else:
                D.discard(k)

    # --- the engine's hooks: what the child does to a rule taints it first ------------------------
    def _push(self, ordinal, cr, wend, cause, by) -> None:
        if cr.idx not in self.tainted:
            self._taint(cr.idx)
        _Run._push(self, ordinal, cr, wend, cause, by)

    def _cancel(self, r: int) -> None:
        if r not in self.tainted:
            self._taint(r)
        _Run._cancel(self, r)

    def _wake(self, keys) -> None:
        self._recheck(keys)  # a reader of a key now in D joins the waking index before the wake
        _Run._wake(self, keys)

    def _apply_divergence(self, d) -> None:
        dv = d.divergence
        if dv.kind == "set":  # (what changes is rechecked, and its readers tainted, before the wake)
            _Run._apply_divergence(self, d)
            self._recheck(list(dv.values))  # the writer is the divergence whatever the value
            return
        if dv.event is not None and dv.event in self.p.by_id:  # force, suppress, an outcome from today on
            self._taint(self.p.by_id[dv.event])
        _Run._apply_divergence(self, d)

    # --- the parent's steps ---------------------------------------------------------------------
    def _parent_fires(self, f0: int, f1: int) -> list:
        """Apply a skipped parent step's firings to the parent's side; taint what they pushed or
        cancelled (the child does not repeat them). Returns the keys they changed."""
        keys = []
        pstate, pwriter, by_id, tainted = self.pstate, self.pwriter, self.p.by_id, self.tainted
        for pf in self.pf[f0:f1]:
            r = by_id[pf.event]
            for u in self.p.followers.get(r, ()):
                if u not in tainted:
                    self._taint(u)
            for eid in pf.scheduled + pf.cancelled:
                u = by_id[eid]
                if u not in tainted:
                    self._taint(u)
            for ch in pf.changes:
                if ch.old != ch.new:
                    pstate[ch.var] = ch.new
                    pwriter[ch.var] = pf.index
                    keys.append(ch.var)
            self.pfired[r] = (pf.occurrence, pf.ordinal, pf.outcome, pf.index)
            keys.append(EVENT_KEY + pf.event)
        return keys

    def _replay_lapse(self, li: int) -> None:
        """An untainted rule's lapse (the parent's index li), its reads mapped to the child's writers on
        first use: a reader of a key whose writer has no counterpart would be tainted, so they all map."""
        pl = self.pl[li]
        self.lapses.append(Lapse(pl.event, pl.ordinal, pl.kind, None, None, pl.detail, final=(self.mapper, pl))
                           if self.log.lapse_maxw[li - self.log.lapse_first] >= self.n0 else pl)

    def _replay_expiries(self, i: int, before: int, until: tuple | None) -> int:
        """The parent's window lapses from step i (one, ending before `before`) on, while they end before
        `before`, sort before `until` (the child's own next one, (end, rule)) and no waiting reader is
        due to be tainted: replayed for the untainted rules (as _replay_lapse, inlined: most of a day's
        work). Returns the next step."""
        items, n, tainted, later = self.items, len(self.items), self.tainted, self.later
        pl, lapses, mapper, n0 = self.pl, self.lapses, self.mapper, self.n0
        maxw, first = self.log.lapse_maxw, self.log.lapse_first
        it = items[i]
        while True:
            if it[2] not in tainted:
                li = it[3]
                lp = pl[li]
                lapses.append(Lapse(lp.event, lp.ordinal, lp.kind, None, None, lp.detail, final=(mapper, lp))
                              if maxw[li - first] >= n0 else lp)
            i += 1
            if i >= n:
                return i
            it = items[i]
            if (it[0] != EXPIRE or it[1] >= before or (later and later[0][0] <= i)
                    or (until is not None and (it[1], it[2]) >= until)):
                return i

    def _replay_firing(self, pf: Firing, r: int) -> None:
        """An untainted rule's firing, as the parent made it, with the child's indices."""
        firings, mapper = self.firings, self.mapper
        bidx = len(firings)
        self.day_total += 1
        if self.day_total > MAX_FIRINGS_PER_DAY or bidx > self.max_firings:
            raise _Fallback("run-away")
        pidx, by = pf.index, pf.caused_by
        if by is not None and by >= self.n0:
            by = mapper.map(by)
        self.fmap[pidx] = bidx
        if self.log.firing_maxw[pidx - self.log.firing_first] >= self.n0:  # its reads name moved firings
            firings.append(ReusedFiring(pf, bidx, by, mapper))
        elif bidx != pidx or by != pf.caused_by:
            firings.append(Firing(bidx, pf.event, pf.ordinal, pf.outcome, pf.occurrence, pf.cause, by, pf.reads,
                                  pf.event_reads, pf.changes, pf.scheduled, pf.cancelled, pf.text, pf.outcome_text))
        else:
            firings.append(pf)
        state, writer, pstate, pwriter = self.state, self.writer, self.pstate, self.pwriter
        changed = []
        for ch in pf.changes:
            if ch.old != ch.new:
                v = ch.var
                state[v] = pstate[v] = ch.new
                writer[v] = bidx
                pwriter[v] = pidx
                changed.append(v)
        occ, ordinal, outcome = pf.occurrence, pf.ordinal, pf.outcome
        rec = (occ, ordinal, outcome, bidx)
        self.fired[r] = rec
        self.facts.fired[pf.event] = rec
        self.pfired[r] = (occ, ordinal, outcome, pidx)
        # what it does to tainted rules, in the order engine._fire does it
        tainted, rules = self.tainted, self.rules
        reach = self.reach.get((r, pf.outcome))
        if reach is None:
            reach = self.reach[(r, pf.outcome)] = _reach(self.p, rules[r], pf.outcome)
        for ef in reach:
            if ef[1] not in tainted:
                continue
            kind = ef[0]
            if kind == "after":
                fr = rules[ef[1]]
                when = fr.delay.add_to(pf.ordinal)
                _Run._push(self, when, fr, when + fr.within, "after", bidx)
            elif kind == "schedule":
                when = ef[2].add_to(pf.ordinal)
                _Run._push(self, when, rules[ef[1]], when + ef[3], "scheduled", bidx)
            else:
                _Run._cancel(self, ef[1])
        if self.waiting:
            changed.append(EVENT_KEY + pf.event)
            _Run._wake(self, changed)

    # --- the merged loop --------------------------------------------------------------------------
    def merge(self) -> None:
        items, n, end = self.items, len(self.items), self.p.end
        agenda, tainted, expiry, waiting = self.agenda, self.tainted, self.expiry, self.waiting
        pf_all = self.pf
        divs = self.divs
        di = 0
        while di < len(divs) and divs[di].ordinal < self.resumed_at:
            di += 1  # the parent's: part of the checkpoint
        stops = sorted({d.ordinal for d in divs[di:]}, reverse=True)
        stop = stops.pop() if stops else end + 1
        pause, next_pause = self.pause, REPLAY_PAUSE
        i = self.i  # the parent's next step; self.i is kept equal to it wherever a rule may be tainted
        window_at, tests_at = i, self.tests
        later, next_step = self.later, self.log.next_step
        while True:
            if later and later[0][0] <= i:
                self._taint_due(i)
            it = items[i] if i < n else None
            today = self.today
            if it is not None and it[0] == POP and it[1] == today:  # the parent's next step: a pop today
                if agenda and agenda[0][0] == today and (agenda[0][1], agenda[0][2]) <= (it[2], it[3]):
                    self.i = i
                    if agenda[0][1] == it[2] and agenda[0][2] == it[3]:  # a tainted rule's step, both sides
                        keys = self._parent_fires(it[4], it[5])
                        nf = len(self.firings)
                        if it[5] > it[4]:  # if the child fires too, its firing stands for the parent's
                            self.fmap[it[4]] = nf
                        self._pop_one()
                        if len(self.firings) == nf:
                            self.fmap.pop(it[4], None)
                        self._recheck(keys)
                        i += 1
                    else:
                        self._pop_one()
                    continue
                # the parent's pops that come before anything of the child's today: most made no record
                # (a test that stayed false) and need nothing here
                while True:
                    if it[1] > today:
                        break  # the parent's next day
                    if it[5] > it[4] or it[7] > it[6]:
                        r = it[3]
                        if r in tainted:
                            if it[5] > it[4]:
                                self.i = i
                                self._recheck(self._parent_fires(it[4], it[5]))
                        else:
                            if it[5] > it[4]:
                                self._replay_firing(pf_all[it[4]], r)
                            if it[7] > it[6]:
                                self._replay_lapse(it[6])
                        i += 1
                        if agenda and agenda[0][0] == today:
                            break  # the child has a step today now: back to comparing
                    else:
                        i += 1
                    if i >= n or (later and later[0][0] <= i):
                        break
                    it = items[i]
                    if it[0] != POP or (agenda and agenda[0][0] == today
                                        and (agenda[0][1], agenda[0][2]) <= (it[2], it[3])):
                        break
                if pause is not None and i >= next_pause:
                    self.i = i
                    pause()
                    next_pause = i + REPLAY_PAUSE
                continue
            if agenda and agenda[0][0] <= today:
                self.i = i
                self._pop_one()
                continue
            # both sides are done with today: the next day either visits
            if i - window_at >= WINDOW:
                if self.tests - tests_at > PLAIN * (i - window_at):
                    self.i = i
                    self._go_plain()
                    return
                window_at, tests_at = i, self.tests
            pday = end + 1 if it is None else it[4] if it[0] == EXPIRE else it[1]
            nxt = agenda[0][0] if agenda else end + 1
            if self.timedep and nxt > today + 1:
                nxt = today + 1
            if stop < nxt:
                nxt = stop
            if it is not None and it[0] == POP and pday < nxt:
                # the parent's days up to its next record are tests that stayed false: the child has
                # nothing on them, nor anything before them, so it need not visit them
                j = next_step[i]
                if later and later[0][0] < j:
                    j = later[0][0]
                if j > i and items[j - 1][1] < nxt:
                    i = j
                    continue
            if pday < nxt:
                nxt = pday
            if nxt > end:
                break
            while expiry and expiry[0][0] < nxt:  # the child's own waits that ended otherwise
                w = waiting.get(expiry[0][1])
                if w is not None and w[0] == expiry[0][0]:
                    break
                heapq.heappop(expiry)
            if (it is not None and it[0] == EXPIRE and it[1] < nxt and not (later and later[0][0] <= i)
                    and not (expiry and expiry[0][0] < nxt)):
                i = self._replay_expiries(i, nxt, None)  # only the parent's end before the day (most days)
            if (i < n and items[i][0] == EXPIRE and items[i][1] < nxt) or (expiry and expiry[0][0] < nxt):
                self.i = i
                self._expire_merged(nxt)
                i = self.i
            while stop <= nxt:
                stop = stops.pop() if stops else end + 1
            self.today = nxt
            self.facts.set_today(nxt)
            self.day_total = 0
            self.i = i
            while di < len(divs) and divs[di].ordinal == nxt:
                self._apply_divergence(divs[di])
                di += 1
            if self.timedep:
                self._start_day(nxt)
            if i < n and items[i][0] == START and items[i][1] == nxt:
                i += 1
        self._finish(i)

    def _go_plain(self) -> None:
        """Take over every rule something can still happen to (from its state in the parent now), and
        finish as the plain engine: the end of the day, so nothing of today is pending."""
        log, i, tainted = self.log, self.i, self.tainted
        for u, until in log.live_until.items():
            if until >= i and u not in tainted:
                self._taint(u)
        self.stats["plain from"] = self.today + 1
        self.__class__ = _Run  # no hooks from here on: every rule that matters is the child's own
        self.resumed_at = self.today + 1  # run() skips what is applied; no checkpoint (`every`)
        self.every = 1 << 62
        _Run.run(self)
        _MergedRun._finish(self, i)

    def _finish(self, i: int) -> None:
        """The rules still waiting at the end: the child's own, and the untainted ones as in the parent."""
        tainted = self.tainted
        # (once plain, every rule with anything pending is the child's own: the parent's end is not)
        pend = self.parent.ending if "plain from" not in self.stats else None
        waiting = dict(pend[1]) if pend is not None else {}
        for r in tainted:
            waiting.pop(r, None)
        waiting.update(self.waiting)
        self.ending = (FinalWorld(self.state, self.writer, self.fired, self.p.by_id), waiting, self.rules,
                       self.p.end) if waiting else None
        self.stats["tests"] = self.tests
        self.stats["parent steps"] = i - self.start_pos
        self.stats["tainted rules"] = len(tainted)

    def _expire_merged(self, before: int) -> None:
        """The windows ending before `before`, in (end, rule) order: the parent's for untainted rules
        (their lapses replayed), the child's own for tainted ones."""
        items, n, expiry, waiting, later = self.items, len(self.items), self.expiry, self.waiting, self.later
        while True:
            if later and later[0][0] <= self.i:
                self._taint_due(self.i)
            while expiry and expiry[0][0] < before:
                wend, r = expiry[0]
                w = waiting.get(r)
                if w is not None and w[0] == wend:
                    break
                heapq.heappop(expiry)  # a wait that ended otherwise
            own = expiry[0] if expiry and expiry[0][0] < before else None
            i = self.i
            it = items[i] if i < n else None
            if it is None or it[0] != EXPIRE or it[1] >= before:
                it = None
            if it is None and own is None:
                return
            if own is None or (it is not None and (it[1], it[2]) < own):
                self.i = self._replay_expiries(i, before, own)
            else:
                wend, r = heapq.heappop(expiry)
                self._stop_waiting(r)
                self._lapse(r, wend, "window")

    def final_first_tests(self, parent: RunResult) -> Mapping:
        """The parent's first tests for the rules never tainted, the child's own for the others (and,
        once it went plain, for every rule first tested after that)."""
        return FirstTests(self.first_test, self.tainted, parent.first_test, self.stats.get("plain from"))
