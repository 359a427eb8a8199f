"""What a run keeps for its children's restarts to reuse (reuse.py): its steps after its first fork day.

A run whose branch has children forking on known days keeps a `ParentLog` from its first fork day's
checkpoint on (engine._Run calls it as it goes): every step in its own order and, after each step, the
rule-local state of every rule the step touched. `taint_readers` is the program-level index a child's
taint walks (every rule that reads a key anywhere), made once per program when the log ends.
"""
from __future__ import annotations

from .program import EVENT_KEY

EXPIRE, START, POP = 1, 2, 3  # the kinds of the log's steps (first item of each tuple)


class ParentLog:
    """What a run did after its first fork day's checkpoint, step by step (see the module's docstring).

    Steps: (EXPIRE, window end, rule, lapse index, day) as day d begins; (START, d) once day d's
    date-dependent rules are queued, if there were any; (POP, date, -priority, rule, firings from, to,
    lapses from, to). `snaps[r]`: [(step position, rule-local state after that step)] for each step that
    touched rule r. `next_step[i]`: the first step from i on that is not a pop that made no record (a
    test that stayed false: nothing for a child to do there).
    """

    def __init__(self):
        self.items: list[tuple] = []
        self.snaps: dict[int, list] = {}
        self.touched: set[int] = set()
        self.cp_pos: dict[int, int] = {}  # checkpoint day -> position of the first step after it
        self.base = None  # the first checkpoint: every rule's state before any snapshot
        self.base_state: dict[int, tuple] = {}  # rule -> its local state at the first checkpoint
        self.pend: dict[int, list] = {}  # rule -> its agenda entries now (while the run goes on)
        self.div_days: list[int] = []  # days the run applied a divergence while logging
        self.run = None
        self.final_seq = 0
        self.record_reads = True
        self.nf = self.nl = 0

    # --- kept by the run (engine._Run calls these) ---------------------------------------------
    def checkpoint_at(self, run, cp) -> None:
        if self.run is None:
            self.run, self.base = run, cp
            pend: dict[int, list] = {}
            for e in run.agenda:
                r = e[2]
                if r in pend:
                    pend[r].append(e)
                else:
                    pend[r] = [e]
            self.pend = pend
            # the local state at the log's start of every rule with anything pending then (one look-up
            # for a child, where most rules it takes over were not touched since)
            ft = run.first_test
            self.base_state = {u: (run.waiting.get(u), tuple(pend.get(u, ())), run.cancel_seq.get(u),
                                   run.mtth_pending.get(u), u in run.timedep, False, ft.get(u))
                               for u in set(pend) | set(run.waiting) | set(run.mtth_pending)}
            self.nf, self.nl = len(run.firings), len(run.lapses)
        self.cp_pos[cp.ordinal] = len(self.items)

    def day(self, d: int) -> None:
        self.cur_day = d

    def started(self, d: int) -> None:
        if self.touched:
            self._end((START, d))

    def expired(self, r: int, wend: int) -> None:
        self.touched.add(r)
        self._end((EXPIRE, wend, r, len(self.run.lapses) - 1, self.cur_day))

    def pushed(self, e: tuple) -> None:
        r = e[2]
        es = self.pend.get(r)
        if es is None:
            self.pend[r] = [e]
        else:
            es.append(e)
        self.touched.add(r)

    def popped(self, e: tuple) -> None:
        r = e[2]
        es = self.pend[r]
        es.remove(e)
        run = self.run
        nf, nl = len(run.firings), len(run.lapses)
        items = self.items
        pos = len(items)
        items.append((POP, e[0], e[1], r, self.nf, nf, self.nl, nl))
        self.nf, self.nl = nf, nl
        touched = self.touched
        if not touched:  # the common case: a test that changed only its own rule (inlined: a tenth of
            s = self.snaps.get(r)  # a big run's steps come here while it keeps its log)
            snap = (pos, (run.waiting.get(r), tuple(es), run.cancel_seq.get(r), run.mtth_pending.get(r),
                          r in run.timedep, r in run.woken, run.first_test.get(r)))
            if s is None:
                self.snaps[r] = [snap]
            else:
                s.append(snap)
            return
        touched.add(r)
        self._snap(pos)

    def diverged(self, d: int) -> None:
        self.div_days.append(d)

    def _end(self, item: tuple) -> None:
        pos = len(self.items)
        self.items.append(item)
        self._snap(pos)
        run = self.run
        self.nf, self.nl = len(run.firings), len(run.lapses)

    def _snap(self, pos: int) -> None:
        """The rule-local state, after step `pos`, of every rule it touched."""
        run = self.run
        if self.touched:
            waiting, pend, cancel, mtth, timedep, woken, ft = (run.waiting, self.pend, run.cancel_seq,
                                                               run.mtth_pending, run.timedep, run.woken,
                                                               run.first_test)
            snaps = self.snaps
            for u in self.touched:
                es = pend.get(u)
                snap = (pos, (waiting.get(u), tuple(es) if es else (), cancel.get(u), mtth.get(u),
                              u in timedep, u in woken, ft.get(u)))
                s = snaps.get(u)
                if s is None:
                    snaps[u] = [snap]
                else:
                    s.append(snap)
            self.touched.clear()

    def finish(self, run) -> None:
        self.final_seq, self.record_reads = run.seq, run.record_reads
        # rule -> the last step that touched it, when it was left with nothing pending (no wait, entry,
        # mean-time wait): after that step nothing can happen to it unless a child does it
        self.quiet_after = {u: s[-1][0] for u, s in self.snaps.items()
                            if s[-1][1][0] is None and not s[-1][1][1] and s[-1][1][3] is None}
        # rule -> the position past which nothing can happen to it (a child need not take it over
        # once there), for the rules anything can happen to after the log's start: touched by a step,
        # or with something pending at the start
        n = len(self.items)
        self.live_until = dict.fromkeys(self.base_state, n)
        self.live_until.update(dict.fromkeys(self.snaps, n))
        self.live_until.update(self.quiet_after)
        nxt, n = len(self.items), len(self.items)
        self.next_step = step = [n] * (n + 1)
        for i in range(n - 1, -1, -1):
            it = self.items[i]
            if it[0] != POP or it[5] > it[4] or it[7] > it[6]:
                nxt = i
            step[i] = nxt
        # for each lapse the run made while logging, the highest firing index its reads name (-1:
        # none): a child maps its reads only when that is at or past its own fork (most are not)
        first = self.base.n_lapses
        self.lapse_first = first
        self.lapse_maxw = [max([-1] + [x.writer for x in lp._reads if x.writer is not None]
                               + [x.firing for x in lp._event_reads if x.firing is not None])
                           for lp in run.lapses[first:]]
        first = self.base.n_firings  # likewise for its firings
        self.firing_first = first
        self.firing_maxw = [max([-1] + [x.writer for x in f.reads if x.writer is not None]
                                + [x.firing for x in f.event_reads if x.firing is not None])
                            for f in run.firings[first:]]
        self.run = self.pend = None  # what a child needs is kept; the run's world can go
        taint_readers(run.p)  # made once per program, here rather than in the first child's restart


def taint_readers(program) -> dict:
    """key -> the rules that read it anywhere (condition, chance, outcomes, texts, effect targets):
    a key entering D taints them. Made once per program."""
    d = program.__dict__.get("_taint_readers")
    if d is not None:
        return d
    out: dict[str, list] = {}
    for cr in program.rules:
        keys = set(cr.keys)
        effects = list(cr.effects)
        texts = [cr.text]
        for o in cr.outcomes:
            effects.extend(o.effects)
            texts.append(o.text)
        for t in texts:
            if t is None:
                continue
            for cond, tpl in t.choices:
                conds = [cond] + [p.expr for p in tpl.parts]
                for c in conds:
                    if c is not None:
                        keys.update(c.reads)
                        keys.update(EVENT_KEY + e for e in c.events)
        for ef in effects:
            if ef[0] in ("set", "add"):
                keys.add(ef[1])
        for k in keys:
            rs = out.get(k)
            if rs is None:
                out[k] = [cr.idx]
            else:
                rs.append(cr.idx)
    program._taint_readers = out
    return out
