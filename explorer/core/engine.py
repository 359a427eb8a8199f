"""The rules engine: a deterministic discrete-event, forward-chaining simulation.

An agenda orders candidate firings by (date, -priority, declaration order). A candidate whose
condition is false waits, and is re-tested only when a variable or event it reads changes (the
readers index), until its window closes and it lapses. A waiting plain conjunction (most rules) is
re-tested only when the one false conjunct it watches turns true: 95% of re-tests were false, and
this cuts the tests of 10,000 rules from 52,071 to 11,890. The run keeps checkpoints of its whole
state so that a branch can restart at its divergence date instead of re-running from the start.
What a run produces (Firing, Lapse, Checkpoint, RunResult) lives in records.py.
"""
from __future__ import annotations

import datetime as dt
import heapq
import time
from collections import Counter

from .conditions import Condition, Facts
from .dice import LIKELY, SAMPLED, Dice  # noqa: F401 - LIKELY, SAMPLED: imported from here too
from .errors import EngineError
from .gcpause import paused_gc
from .program import EVENT_KEY, CRule, Program
from .records import (AppliedDivergence, Change, Checkpoint, EndLapse, EventRead, Firing, Lapse,  # noqa: F401
                      Read, FinalWorld, RunResult, world_reads)
from .runaway import MAX_FIRINGS_PER_DAY, runaway_error  # noqa: F401 - lint.py reads the limit here

PAUSE_EVERY = 32  # agenda tests between two calls of a run's `pause` hook (about 1 ms on 10,000 rules)
BIG_PROGRAM = 1000  # rules: from here a run's history is frozen out of the collector (gcpause.py)


def _conjuncts(cr: CRule) -> tuple | None:
    """((readers-index key, fn), ...) of a plain rule whose condition is a plain conjunction (each
    conjunct reads one name), else None; worked out once per compiled rule."""
    d = cr.__dict__
    if "_conjuncts" not in d:
        conj = cr.cond.conj if cr.plain else None
        d["_conjuncts"] = tuple((v if v is not None else EVENT_KEY + e, fn) for fn, v, e in conj) \
            if conj else None
    return d["_conjuncts"]


class _Run(Dice):
    def __init__(self, program: Program, divergences: list, mode: str, seed: int, naive: bool,
                 checkpoint_every: int | None, record_reads: bool = True, pause=None,
                 checkpoint_days=()):
        if mode not in (LIKELY, SAMPLED):
            raise EngineError(f"unknown mode '{mode}'; use likely or sampled")
        self.p = program
        self.rules = program.rules
        self.mode, self.seed, self.naive = mode, seed, naive
        self.record_reads = record_reads
        self.every = checkpoint_every or max(32, len(program.rules) // 50)
        # days with a checkpoint of their own (known children's forks), visited even if nothing happens
        self.cp_days = sorted({d for d in checkpoint_days if program.start < d <= program.end})
        self.divs = sorted(divergences, key=lambda d: (d.ordinal, d.k))
        self.suppress_from: dict[int, int] = {}
        self.forced_outcome: dict[int, list] = {}  # rule -> [(from ordinal, outcome)], in date order
        self.forced_pending: dict[int, str | None] = {}  # agenda seq of a force today -> its outcome
        self.mtth_pending: dict[int, int] = {}  # rule -> the day its mean-time-to-happen wait ends
        self.not_before: dict[int, int] = {}  # one-off events exist from their divergence's date
        for d in self.divs:
            dv = d.divergence
            if dv.kind == "event" and dv.event in program.by_id:
                self.not_before[program.by_id[dv.event]] = d.ordinal
            if dv.kind == "suppress":
                r = program.by_id[dv.event]
                self.suppress_from[r] = min(self.suppress_from.get(r, d.ordinal), d.ordinal)
            elif dv.kind == "outcome":
                self.forced_outcome.setdefault(program.by_id[dv.event], []).append((d.ordinal, dv.outcome))
        self.firings: list[Firing] = []
        self.lapses: list[Lapse] = []
        self.checkpoints: list[Checkpoint] = []
        self.woken: set[int] = set()
        self.stats: Counter = Counter()
        self.day_total = 0
        self.max_firings = 100 * len(program.rules) + 10_000
        self.resumed_at: int | None = None
        self.ending = None
        self.last_cp = 0
        self.tests = 0
        self.pause = pause
        # a ParentLog (parent_log.py) the run keeps from its first fork day's checkpoint on, for its children's
        # restarts to reuse; `rec` is it once started, None before (and in runs without one)
        self.want_log = None
        self.rec = None

    # --- set-up ---------------------------------------------------------------------------------

    def fresh(self) -> None:
        self.state = dict(self.p.initial)
        self.writer: dict[str, int] = {}
        self.fired: dict[int, tuple] = {}
        self.agenda: list = []
        # rule -> (window end, cause, by, watched conjunct (key, fn) of a plain conjunction, else None)
        self.waiting: dict[int, tuple] = {}
        self.watch: dict[str, set] = {}  # readers-index key -> waiting rules that read it
        self.swatch: dict[str, dict] = {}  # key -> {plain conjunction: its watched conjunct's fn}
        self.expiry: list = []
        self.timedep: set[int] = set()
        self.cancel_seq: dict[int, int] = {}
        self.first_test: dict[int, int] = {}
        self.seq = 0
        start, agenda = self.p.start, self.agenda
        for cr in self.rules:  # the same entries _push_initial makes, heapified once
            nb = max(start, self.not_before.get(cr.idx, start))
            if cr.kind in ("on", "between", "open") and cr.end >= nb:
                self.seq += 1
                agenda.append((max(cr.start, nb), -cr.priority, cr.idx, self.seq, cr.end, "rule", None))
        heapq.heapify(agenda)
        self.today = self.p.start - 1
        self.facts = Facts(self.p.start, {})

    def resume(self, cp: Checkpoint, prefix_firings: list, prefix_lapses: list) -> None:
        self.state = dict(cp.state)
        self.writer = dict(cp.writer)
        self.fired = dict(cp.fired)
        self.agenda = list(cp.agenda)
        self.waiting = dict(cp.waiting)
        if cp.watch is not None:  # a fork day's checkpoint keeps the waking index: copied, not rebuilt
            self.watch = {k: set(v) for k, v in cp.watch.items()}
            self.swatch = {k: dict(v) for k, v in cp.swatch.items()}
            waiting = ()
        else:  # derived from `waiting`: rebuilt here, not copied at regular checkpoints
            self.watch, self.swatch = {}, {}
            waiting = self.waiting
        rules, watch, swatch = self.rules, self.watch, self.swatch
        for r, w in waiting.items() if waiting else ():
            if w[3] is not None:
                k, fn = w[3]
                sw = swatch.get(k)
                if sw is None:
                    swatch[k] = {r: fn}
                else:
                    sw[r] = fn
                continue
            for k in rules[r].keys:
                ws = watch.get(k)
                if ws is None:
                    watch[k] = {r}
                else:
                    ws.add(r)
        self.expiry = list(cp.expiry)
        self.timedep = set(cp.timedep)
        self.cancel_seq = dict(cp.cancel_seq)
        self.first_test = cp.first_tests()
        self.seq = cp.seq
        self.firings = prefix_firings[: cp.n_firings]
        self.lapses = prefix_lapses[: cp.n_lapses]
        for cr in self.rules[cp.n_rules:]:  # one-off events the checkpoint's program lacked
            self._push_initial(cr, cp.ordinal)
        self.facts = Facts(cp.ordinal, dict(cp.facts_fired))
        self.mtth_pending = dict(cp.mtth)
        self.today = cp.ordinal - 1  # the loop then starts day C exactly as the original run did
        self.resumed_at = cp.ordinal
        self.last_cp = len(self.firings) + len(self.lapses)

    def _push_initial(self, cr: CRule, not_before: int) -> None:
        not_before = max(not_before, self.not_before.get(cr.idx, not_before))
        if cr.kind in ("on", "between", "open") and cr.end >= not_before:
            self._push(max(cr.start, not_before), cr, cr.end, "rule", None)

    def _push(self, ordinal: int, cr: CRule, wend: int, cause: str, by) -> None:
        self.seq += 1
        e = (ordinal, -cr.priority, cr.idx, self.seq, wend, cause, by)
        heapq.heappush(self.agenda, e)
        if self.rec is not None:
            self.rec.pushed(e)

    # --- the loop ---------------------------------------------------------------------------------

    def run(self) -> None:
        end = self.p.end
        agenda = self.agenda
        rules = self.rules
        divs = self.divs
        self.pause_at = 1 if self.pause is not None else -1  # the first test, then every PAUSE_EVERY
        di = 0
        while self.resumed_at is not None and di < len(divs) and divs[di].ordinal < self.resumed_at:
            di += 1  # already part of the checkpoint we resumed from
        # days visited whatever the agenda holds (next one last): divergences' and checkpoint days
        cp_days = {d for d in self.cp_days if d > self.today}
        stops = sorted({d.ordinal for d in divs[di:]} | cp_days, reverse=True)
        stop = stops.pop() if stops else end + 1
        while True:
            nxt = agenda[0][0] if agenda else end + 1
            if self.timedep and nxt > self.today + 1:
                nxt = self.today + 1  # a rule waits on the date itself: visit every day it waits
            if stop < nxt:
                nxt = stop
            if nxt > end:
                break
            if nxt > self.today:
                if self.rec is not None:
                    self.rec.day(nxt)
                self._expire(nxt)
                self._maybe_checkpoint(nxt, nxt in cp_days)
                while stop <= nxt:
                    stop = stops.pop() if stops else end + 1
                self.today = nxt
                self.facts.set_today(nxt)
                self.day_total = 0
                while di < len(divs) and divs[di].ordinal == nxt:
                    self._apply_divergence(divs[di])
                    di += 1
                self._start_day(nxt)
                if self.rec is not None:
                    self.rec.started(nxt)
                continue
            e = self._pop_one()
            if self.rec is not None:
                self.rec.popped(e)
        # what still waits lapses against the final world, in expiry order: RunResult.lapses makes
        # those EndLapses on first use (the run hands over its `waiting`, no longer changed)
        self.ending = (FinalWorld(self.state, self.writer, self.fired, self.p.by_id), self.waiting, rules, end) \
            if self.waiting else None
        self.stats["tests"] = self.tests

    def _pop_one(self) -> tuple:
        """Take the agenda's first entry and test (maybe fire) its rule; returns the entry."""
        rules, waiting, woken, state, facts, swatch = (self.rules, self.waiting, self.woken, self.state,
                                                       self.facts, self.swatch)
        e = heapq.heappop(self.agenda)
        ordinal, _, r, seq, wend, cause, by = e
        self.tests += 1
        if self.tests == self.pause_at:
            self.pause()
            self.pause_at += PAUSE_EVERY
        # the common case, a waiting rule woken by a change: re-test it, and nothing else to do
        # unless it now holds (fired rules are never waiting, so no repeat checks are needed)
        cr = rules[r]
        w = waiting.get(r)
        if (w is not None and w[0] >= wend and cr.plain and not self.cancel_seq and not self.suppress_from
                and not self.forced_pending):  # (a force on a waiting rule fires it: _process)
            woken.discard(r)
            cur = w[3]
            if cur is None:
                if cr.cond.fn(state, facts):
                    self._fire(r, ordinal, cause, by)
                return e
            for t in _conjuncts(cr):  # the conjunction, one conjunct at a time
                if not t[1](state, facts):
                    if t is not cur:  # watch the conjunct that is false now
                        del swatch[cur[0]][r]
                        waiting[r] = (w[0], w[1], w[2], t)
                        sw = swatch.get(t[0])
                        if sw is None:
                            swatch[t[0]] = {r: t[1]}
                        else:
                            sw[r] = t[1]
                    break
            else:
                self._fire(r, ordinal, cause, by)
            return e
        self._process(r, ordinal, seq, wend, cause, by)
        return e

    def _start_day(self, ordinal: int) -> None:
        if not self.timedep:
            return
        for r in sorted(self.timedep):  # conditions on the date: re-tested as the date moves
            if r in self.waiting and r not in self.woken:
                self.woken.add(r)
                wend, cause, by, _ = self.waiting[r]
                self._push(ordinal, self.rules[r], wend, cause, by)

    def _maybe_checkpoint(self, ordinal: int, forced: bool = False) -> None:
        done = len(self.firings) + len(self.lapses)  # work since the last one, alike in every mode
        # a restarted run's result keeps the checkpoint it resumed (Workspace, Runner): its first own
        # regular one comes `every` steps later, not on its first day (a copy of nearly the same world)
        if ordinal == self.resumed_at or (done - self.last_cp < self.every and not forced
                                          and (self.checkpoints or self.resumed_at is not None)):
            return
        self.last_cp = done
        self.checkpoints.append(Checkpoint(
            ordinal, dict(self.state), dict(self.writer), dict(self.fired), list(self.agenda),
            dict(self.waiting), list(self.expiry), set(self.timedep), dict(self.cancel_seq),
            self.first_test, len(self.first_test), self.seq, len(self.firings), len(self.lapses),
            len(self.rules), dict(self.facts.fired), dict(self.mtth_pending),
            {k: set(v) for k, v in self.watch.items() if v} if forced else None,
            {k: dict(v) for k, v in self.swatch.items() if v} if forced else None))
        if self.rec is not None or (forced and self.want_log is not None):
            self.rec = self.want_log  # the log starts at the first fork day's checkpoint
            self.rec.checkpoint_at(self, self.checkpoints[-1])

    def _expire(self, before: int) -> None:
        expiry = self.expiry
        while expiry and expiry[0][0] < before:
            wend, r = heapq.heappop(expiry)
            w = self.waiting.get(r)
            if w is not None and w[0] == wend:
                self._stop_waiting(r)
                self._lapse(r, wend, "window")
                if self.rec is not None:
                    self.rec.expired(r, wend)

    def _process(self, r: int, ordinal: int, seq: int, wend: int, cause: str, by) -> None:
        if self.forced_pending and seq in self.forced_pending:  # a force divergence, its turn today
            outcome = self.forced_pending.pop(seq)
            if r not in self.fired or self.rules[r].repeatable:
                self._fire(r, ordinal, "forced", by, outcome)
            return
        self.woken.discard(r)
        cr = self.rules[r]
        timer = cause == "mtth"  # a mean-time-to-happen wait ends today
        if timer:
            if self.mtth_pending.get(r) != ordinal:
                return  # a wait that was cancelled
            del self.mtth_pending[r]
            cause, by = "rule", None
        # (a waiting plain rule re-tested with nothing else to decide took run()'s fast path)
        if self.cancel_seq and seq < self.cancel_seq.get(r, -1):
            return
        if self.suppress_from:
            sup = self.suppress_from.get(r)
            if sup is not None and ordinal >= sup:
                self._stop_waiting(r)
                return
        rec = self.fired.get(r)
        if rec is not None:
            if not cr.repeatable:
                return
            ready = cr.cooldown.add_to(rec[1])
            if ordinal < ready:
                if wend >= ready:
                    self._push(ready, cr, wend, cause, by)
                return
        if r not in self.first_test:
            self.first_test[r] = ordinal
        if cr.latent:
            return
        false_at = None
        if cr.simple:  # no outcomes, no chance: the condition decides alone
            conj = None if self.naive else _conjuncts(cr)
            if conj is not None:
                s, f = self.state, self.facts
                for false_at in conj:
                    if not false_at[1](s, f):
                        break
                else:
                    false_at = None
                verdict = false_at is None
            else:
                verdict = True if cr.cond.fn(self.state, self.facts) else False
        else:
            verdict = self._test(cr)
        if verdict is True:
            if cr.mtth and not timer:
                self._await(cr, ordinal, wend)  # it holds: it happens once its time has come
                return
            self._fire(r, ordinal, cause, by)
        elif verdict == "chance":
            self._stop_waiting(r)
            self._lapse(r, ordinal, "chance")
            if cr.repeatable and cr.kind in ("open", "between"):
                nxt = cr.cooldown.add_to(ordinal)
                if nxt <= cr.end:
                    self._push(nxt, cr, cr.end, "rearm", by)
        else:
            prev = self.waiting.get(r)
            if prev is None or prev[0] < wend:
                self.waiting[r] = (wend, cause, by, None if prev is None else prev[3])
                heapq.heappush(self.expiry, (wend, r))
                if prev is None and false_at is None:
                    for k in cr.keys:
                        self.watch.setdefault(k, set()).add(r)
            if false_at is not None:
                self._watch(r, false_at)
            if cr.time_dependent:
                self.timedep.add(r)

    def _await(self, cr: CRule, ordinal: int, wend: int) -> None:
        """Start a mean-time-to-happen wait: the mean itself in likely mode, an exponentially
        distributed number of days (the seeded hash's draw) in sampled mode. When it ends, the
        condition is read again: if it still holds the event fires, else it waits for it to hold and
        starts a new wait."""
        r = cr.idx
        if r in self.mtth_pending:
            return
        self._stop_waiting(r)
        days = self._mtth_days(cr, ordinal)
        at = ordinal + days
        if at > min(wend, self.p.end):
            self._lapse(r, ordinal, "mtth", f"its condition held on {dt.date.fromordinal(ordinal)}, but its "
                                            f"wait ({days} days, mean {cr.mtth}) runs past its window")
            return
        self.mtth_pending[r] = at
        self._push(at, cr, max(wend, at), "mtth", None)

    def _watch(self, r: int, false_at: tuple) -> None:
        """A waiting plain conjunction is woken only by a change to what one false conjunct reads (the
        first false one): while it stays false the conjunction does, whatever the others do. A change
        to it is checked as it happens (`_wake`), and the rule tested only if that conjunct then holds."""
        w = self.waiting[r]
        old = w[3]
        if old is false_at:
            return
        if old is not None:
            del self.swatch[old[0]][r]
        self.waiting[r] = (w[0], w[1], w[2], false_at)
        self.swatch.setdefault(false_at[0], {})[r] = false_at[1]

    def _stop_waiting(self, r: int) -> None:
        w = self.waiting.pop(r, None)
        if w is not None:
            self.timedep.discard(r)
            if w[3] is not None:
                del self.swatch[w[3][0]][r]
                return
            watch = self.watch
            for k in self.rules[r].keys:
                watch[k].discard(r)

    def _reads(self, cr: CRule) -> tuple:
        if not self.record_reads:  # Monte Carlo asks what happened, never why: 15% of a run saved
            return (), ()
        return world_reads((cr.read_vars, cr.read_events), self.state, self.writer, self.fired, self.p.by_id)

    def _fire(self, r: int, ordinal: int, cause: str, by, forced_outcome: str | None = None) -> None:
        cr = self.rules[r]
        idx = len(self.firings)
        self.day_total += 1
        if self.day_total > MAX_FIRINGS_PER_DAY or idx > self.max_firings:
            raise runaway_error(self.rules, self.p.by_id, self.firings, r, ordinal, self.day_total,
                                self.max_firings)
        rec = self.fired.get(r)
        occurrence = rec[0] + 1 if rec else 1
        outcome = self._choose_outcome(cr, occurrence, forced_outcome)
        reads, event_reads = self._reads(cr)
        changes = []
        changed = []
        scheduled = []
        cancelled = []
        effects = cr.effects
        state, writer = self.state, self.writer
        # the narrative is chosen on the world the event fires in, before its own effects
        text = cr.text.render(state, self.facts) if cr.text is not None else None
        outcome_text = None
        if outcome is not None:
            co = next(o for o in cr.outcomes if o.id == outcome)
            effects = effects + co.effects
            if co.text is not None:
                outcome_text = co.text.render(state, self.facts)
        for ef in effects:
            kind = ef[0]
            if kind == "set":
                var, new = ef[1], ef[2]
                old = state[var]
                changes.append(Change(var, old, new))
                if old != new:
                    state[var] = new
                    writer[var] = idx
                    changed.append(var)
            elif kind == "add":
                var = ef[1]
                old = state[var]
                new = old + ef[2]
                if ef[3] is not None and new < ef[3]:
                    new = ef[3]
                if ef[4] is not None and new > ef[4]:
                    new = ef[4]
                if isinstance(new, float) and new.is_integer() and isinstance(old, int):
                    new = int(new)
                changes.append(Change(var, old, new))
                if old != new:
                    state[var] = new
                    writer[var] = idx
                    changed.append(var)
            elif kind == "schedule":
                target = self.rules[ef[1]]
                when = ef[2].add_to(ordinal)
                self._push(when, target, when + ef[3], "scheduled", idx)
                scheduled.append(target.id)
            else:
                self._cancel(ef[1])
                cancelled.append(self.rules[ef[1]].id)
        self.firings.append(Firing(idx, cr.id, ordinal, outcome, occurrence, cause, by, reads, event_reads,
                                   tuple(changes), tuple(scheduled), tuple(cancelled), text, outcome_text))
        rec = (occurrence, ordinal, outcome, idx)
        self.fired[r] = rec
        self.facts.fired[cr.id] = rec
        self._stop_waiting(r)
        for f in self.p.followers.get(r, ()):
            fr = self.rules[f]
            when = fr.delay.add_to(ordinal)
            self._push(when, fr, when + fr.within, "after", idx)
        if cr.repeatable and cr.kind in ("open", "between"):
            nxt = cr.cooldown.add_to(ordinal)
            if nxt <= cr.end:
                self._push(nxt, cr, cr.end, "rearm", idx)
        changed.append(EVENT_KEY + cr.id)
        self._wake(changed)

    def _cancel(self, r: int) -> None:
        """A `cancel` effect: the rule's pending entries and wait are void."""
        self.cancel_seq[r] = self.seq + 1
        self.mtth_pending.pop(r, None)
        self._stop_waiting(r)
        if self.rec is not None:
            self.rec.touched.add(r)

    def _wake(self, keys) -> None:
        if not self.waiting:
            return
        woken = self.woken
        if self.naive:
            candidates = sorted(self.waiting)
        else:
            watch, swatch, state, facts = self.watch, self.swatch, self.state, self.facts
            candidates = []
            for k in keys:
                ws = watch.get(k)
                if ws:
                    candidates.extend(ws)
                sw = swatch.get(k)
                if sw:  # plain conjunctions watching this key: tested only if that conjunct now holds
                    candidates.extend([r for r, fn in sw.items() if r not in woken and fn(state, facts)])
        waiting, rules, agenda, today, rec = self.waiting, self.rules, self.agenda, self.today, self.rec
        heappush = heapq.heappush
        seq = self.seq
        for w in candidates:
            if w not in woken:
                woken.add(w)
                wend, cause, by, _ = waiting[w]
                seq += 1
                e = (today, -rules[w].priority, w, seq, wend, cause, by)
                heappush(agenda, e)
                if rec is not None:
                    rec.pushed(e)
        self.seq = seq

    def _lapse(self, r: int, ordinal: int, kind: str, detail: str = "") -> None:
        cr = self.rules[r]
        reads, event_reads = self._reads(cr)
        if kind == "chance":
            c = cr.chance
            p = c.fn(self.state, self.facts) if isinstance(c, Condition) else c
            detail = (f"chance {p:.2f} is below 0.5 (likely mode)" if self.mode == LIKELY
                      else f"chance {p:.2f} did not come up (sampled, seed {self.seed})")
        self.lapses.append(Lapse(cr.id, ordinal, kind, reads, event_reads, detail))

    def _apply_divergence(self, d: AppliedDivergence) -> None:
        dv = d.divergence
        if self.rec is not None:  # a child restarting before it cannot reuse what follows
            self.rec.diverged(d.ordinal)
        marker = -(d.k + 1)
        if dv.kind == "set":
            changed = []
            for var, value in dv.values.items():
                if self.state[var] != value:
                    self.state[var] = self.p.scope.variables[var].clamp(value)
                    changed.append(var)
                self.writer[var] = marker
            self._wake(changed)
        elif dv.kind == "force":
            # fired in the day's priority order: after the day's higher-priority events, before those of
            # the same or a lower priority (a premise comes first among equals); -0.5 sorts it so
            r = self.p.by_id[dv.event]
            cr = self.rules[r]
            self.first_test.setdefault(r, d.ordinal)
            self.seq += 1
            self.forced_pending[self.seq] = dv.outcome
            e = (d.ordinal, -cr.priority - 0.5, r, self.seq, d.ordinal, "forced", marker)
            heapq.heappush(self.agenda, e)
            if self.rec is not None:
                self.rec.pushed(e)
        elif dv.kind == "suppress":
            self._stop_waiting(self.p.by_id[dv.event])


def run_program(program: Program, divergences: list | None = None, *, mode: str = LIKELY, seed: int = 0,
                naive: bool = False, resume: tuple | None = None, checkpoint_every: int | None = None,
                record_reads: bool = True, pause=None, checkpoint_days=(), log=None) -> RunResult:
    """Run from the start, or from `resume` = (checkpoint, prefix firings, prefix lapses).

    `record_reads=False` leaves out what each firing and lapse read (the why-graph's material): the
    history and the world are the same, only explanations are not possible. `pause`: a callable
    without arguments the run calls every PAUSE_EVERY agenda tests (it changes nothing in the run):
    the app's branch worker waits there while the GUI thread works, so that the two do not share
    the interpreter lock half and half (ui/branch_worker.py). `checkpoint_days` get a checkpoint whatever
    `checkpoint_every` says (known children's forks); a day with nothing on it changes no history.
    `log`: a parent_log.ParentLog the run keeps from its first checkpoint day on (RunResult.log), for its
    children's restarts to reuse what it did after their fork (reuse.py); it changes nothing in the run."""
    t0 = time.perf_counter()
    run = _Run(program, list(divergences or ()), mode, seed, naive, checkpoint_every, record_reads, pause,
               checkpoint_days)
    run.want_log = log if checkpoint_days else None
    with paused_gc(freeze=len(program.rules) >= BIG_PROGRAM):
        if resume is None:
            run.fresh()
        else:
            run.resume(*resume)
        run.run()
        if run.rec is not None:
            run.rec.finish(run)
    return RunResult(program, run.firings, run.lapses, run.state, run.first_test, run.checkpoints,
                     list(divergences or ()), mode, seed, time.perf_counter() - t0,
                     resume[0].ordinal if resume else None, run.stats, run.ending, log=run.rec)
