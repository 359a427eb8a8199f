"""Pause the cyclic garbage collector during allocation-heavy phases.

Compiling 10,000 rules or running them allocates hundreds of thousands of small acyclic objects; the
collector would scan the whole growing heap again and again (5x the run time, measured). Reference
counting still frees everything; the collector runs as usual once the phase ends.
"""
from __future__ import annotations

import gc
from contextlib import contextmanager


@contextmanager
def paused_gc(freeze: bool = False):
    """`freeze=True` for phases whose objects outlive them (a big run's history, a big program):
    they are moved out of the collector's generations (gc.freeze), so that re-enabling it does not
    scan them all at the next allocation and again at each older generation's turn (30-40 ms on
    10,000 rules, measured). Only reference cycles among them would then never be freed; these
    results have none."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            if freeze:
                gc.freeze()
            gc.enable()


def release_frozen() -> None:
    """Give frozen objects back to the collector and collect once: for a long-lived process (the app)
    that has just dropped a big world it had frozen. A scenario and its program refer to each other
    (`scenario._program`, `Program.scenario`), so a frozen world is never freed by reference counting:
    each reopen of a 10,000-rule file kept ~100 MB (measured: 130, 259, 354, 450 MB after four loads;
    120 MB after this). Costs one full collection (tens of ms on 10,000 rules); nothing when nothing
    is frozen, so small worlds never pay it."""
    if gc.get_freeze_count():
        gc.unfreeze()
        gc.collect()

