"""What the views cache for as long as a big world is open (diffs, rows, aligned rows) is built outside
the collector's generations (History.long_lived): else promoting each 2,600-row cache set off full
collections of all the others in the middle of a Back/Forward step (25-45 ms, seen in bench_ui)."""
import gc
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from benchmarks.synthetic import make_scenario  # noqa: E402
from explorer.core import Workspace  # noqa: E402
from explorer.ui.history import History  # noqa: E402


def _in_generations(obj) -> bool:
    return any(any(o is obj for o in gc.get_objects(generation=g)) for g in range(3))


def test_a_big_worlds_caches_skip_the_collectors_generations():
    h = History(Workspace(make_scenario(1200, 40, 3)))
    gc.collect()
    try:
        with h.long_lived():
            kept = [[i] for i in range(100)]
        assert gc.isenabled()
        assert not _in_generations(kept) and not _in_generations(kept[0])
        b = h.branch_ids[1]
        d = h.diff(b)  # the diff cache entry is made the same way
        assert d is not None and not _in_generations(d)
    finally:
        gc.unfreeze()


def test_a_small_worlds_caches_are_collected_as_usual():
    h = History(Workspace(make_scenario(200, 20, 3)))
    gc.collect()
    with h.long_lived():
        kept = [[i] for i in range(100)]
    assert gc.isenabled()
    assert _in_generations(kept)
