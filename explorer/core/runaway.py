"""The runaway guard: a run stops with one clear error when repeatable rules fire without end.

Kept out of engine.py's loop (which only counts): the limits, and the message that names the rules
that ran away, live here; lint.py reads the per-day limit too.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter

from .errors import EngineError

MAX_FIRINGS_PER_DAY = 10_000


def runaway_error(rules: list, by_id: dict, firings: list, r: int, ordinal: int, day_total: int,
                  max_firings: int) -> EngineError:
    """The error for rule `r` firing once too many on `ordinal` (more than MAX_FIRINGS_PER_DAY that
    day, or more than `max_firings` in the run), naming the rules that fired most."""
    if day_total > MAX_FIRINGS_PER_DAY:
        where = f"more than {MAX_FIRINGS_PER_DAY:,} firings on {dt.date.fromordinal(ordinal)}"
        counts = Counter(by_id[f.event] for f in firings if f.ordinal == ordinal)
    else:  # count over the whole run: per-day counts would read "1x" for a slow cycle
        where = f"more than {max_firings:,} firings in one run (on reaching {dt.date.fromordinal(ordinal)})"
        counts = Counter(by_id[f.event] for f in firings)
    counts[r] += 1
    top = [(i, n) for i, n in counts.most_common() if rules[i].repeatable][:5] \
        or counts.most_common(5)  # only repeatable rules can run away
    names = ", ".join(f"{rules[i].id} ({n:,}x)" for i, n in top)
    return EngineError(f"runaway rules: {where}, by {names}; give the repeatable rules a "
                       "cooldown or a condition that turns false")
