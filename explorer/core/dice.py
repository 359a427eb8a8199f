"""The dice of a run: whether a rule's chance comes up, which outcome it takes, how long a mean time to
happen lasts. Likely mode takes the likeliest (a chance of at least 0.5, the heaviest outcome, the mean
wait); sampled mode draws from a hash of (seed, event, occurrence, salt), so that a branch and its parent
share their dice and a restart draws what a full run draws.
"""
from __future__ import annotations

import hashlib
import math

from typing import TYPE_CHECKING

from .conditions import Condition

if TYPE_CHECKING:
    from .program import CRule

LIKELY, SAMPLED = "likely", "sampled"


def draw(seed: int, event: str, occurrence: int, salt: str) -> float:
    """A uniform number in [0, 1) fixed by (seed, event, occurrence): branches share their dice."""
    h = hashlib.blake2b(f"{seed}\x1f{event}\x1f{occurrence}\x1f{salt}".encode(), digest_size=8)
    return int.from_bytes(h.digest(), "big") / 2.0**64


class Dice:
    """The engine's (_Run's) choices that depend on the mode: a mixin reading its world (`state`,
    `facts`, `fired`, `mode`, `seed`, `today`, `forced_outcome`)."""

    def _test(self, cr: CRule):
        s, f = self.state, self.facts
        if not cr.cond.fn(s, f):
            return False
        if cr.outcomes and not any(o.when is None or o.when.fn(s, f) for o in cr.outcomes):
            return False
        c = cr.chance
        if c is not None:
            p = c.fn(s, f) if isinstance(c, Condition) else c
            occurrence = self.fired[cr.idx][0] + 1 if cr.idx in self.fired else 1
            if self.mode == LIKELY:
                if p < 0.5:
                    return "chance"
            # a repeatable rule re-armed after a miss rolls again: its test date salts the draw
            elif draw(self.seed, cr.id, occurrence,
                      f"chance@{self.today}" if cr.repeatable else "chance") >= p:
                return "chance"
        return True


    def _choose_outcome(self, cr: CRule, occurrence: int, forced: str | None) -> str | None:
        if not cr.outcomes:
            return None
        if forced is not None:
            return forced
        chosen = None
        for since, outcome in self.forced_outcome.get(cr.idx, ()):  # the latest one in effect today
            if since <= self.today:
                chosen = outcome
        if chosen is not None:
            return chosen
        s, f = self.state, self.facts
        eligible = [o for o in cr.outcomes if o.when is None or o.when.fn(s, f)] or list(cr.outcomes)
        weights = [max(0.0, float(o.weight.fn(s, f) if isinstance(o.weight, Condition) else o.weight))
                   for o in eligible]
        if self.mode == LIKELY or len(eligible) == 1:
            best = max(range(len(eligible)), key=lambda i: (weights[i], -i))
            return eligible[best].id
        total = sum(weights)
        if total <= 0:
            return eligible[0].id
        u = draw(self.seed, cr.id, occurrence, "outcome") * total
        for o, w in zip(eligible, weights):
            u -= w
            if u < 0:
                return o.id
        return eligible[-1].id

    def _mtth_days(self, cr, ordinal: int) -> int:
        """A mean-time-to-happen wait starting on `ordinal`: the mean in likely mode, an exponentially
        distributed number of days (the seeded hash's draw) in sampled mode."""
        if self.mode == LIKELY:
            return cr.mtth
        occurrence = self.fired[cr.idx][0] + 1 if cr.idx in self.fired else 1
        u = draw(self.seed, cr.id, occurrence, f"mtth@{ordinal}")
        return max(1, round(-cr.mtth * math.log1p(-u)))
