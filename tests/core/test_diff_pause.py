"""A diff with a pause hook (the app's branch worker steps aside there, diff.diff's `pause`) is the
same diff as one without, and the hook is called all through the work: a diff is 20-35 ms of a
10,000-rule world's branch, which held the interpreter lock against the GUI thread for that long."""
import sys
from pathlib import Path

from explorer.bundled import scenario_path
from explorer.core import Workspace, load_scenario
from explorer.core import diff as diff_mod

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from benchmarks.synthetic import make_scenario  # noqa: E402


class Counter:
    def __init__(self):
        self.calls = 0

    def __call__(self):
        self.calls += 1


def _fresh(ws: Workspace, bid: str):
    """The branch's timeline with nothing worked out yet (the trajectories too, as the worker meets them)."""
    tl = ws.timeline(bid)
    tl.__dict__.pop("_traj", None)
    return tl


def _same(a: diff_mod.Diff, b: diff_mod.Diff) -> None:
    assert (a.branch, a.other) == (b.branch, b.other)
    assert a.events == b.events
    assert a.variables == b.variables
    assert a.counts() == b.counts()
    assert all(a.entry_of(e.index) == b.entry_of(e.index) for e in a.events if e.index is not None)


def test_every_pair_of_bundled_branches_diffs_the_same_with_a_pause_hook():
    pairs = 0
    for name in ("trotsky_mexico", "missile_crisis"):
        ws = Workspace(load_scenario(scenario_path(name)))
        ids = ws.scenario.branch_ids
        for a in ids:
            for b in ids:
                plain = diff_mod.diff(ws.timeline(a), ws.timeline(b))
                hook = Counter()
                paused = diff_mod.diff(_fresh(ws, a), _fresh(ws, b), pause=hook)
                _same(plain, paused)
                assert hook.calls >= 4  # before and after the sort, around the trajectories at least
                pairs += 1
    assert pairs > 150


def test_big_branches_diff_the_same_with_a_pause_hook_called_every_few_hundred_firings():
    """2,000 rules, 40 branches: every branch against its parent, the baseline and a neighbour, through
    the Workspace (its `pause`, as the branch worker's copy has it) and the core function."""
    sc = make_scenario(2000, n_branches=40)
    ws = Workspace(sc)
    ids = sc.branch_ids
    checked, differing = 0, 0
    for i, bid in enumerate(ids[1:], 1):
        others = {ws.branch(bid).parent, ids[0], ids[i - 1]}
        for other in others:
            plain = diff_mod.diff(ws.timeline(bid), ws.timeline(other))
            hook = Counter()
            ws.pause = hook
            _fresh(ws, bid), _fresh(ws, other)
            paused = ws.diff(bid, other)
            ws.pause = None
            _same(plain, paused)
            firings = len(ws.timeline(bid).firings) + len(ws.timeline(other).firings)
            assert hook.calls >= firings // diff_mod.PAUSE_EVERY
            checked += 1
            differing += bool(plain.differences or plain.variables)
    assert checked > 80 and differing > 40  # real differences were compared, not only empty diffs


def _reference_trajectories(tl) -> dict:
    """The courses as first written: every change sorted by (date, a set divergence before a firing)."""
    traj = {v: ([tl.result.program.start], [val]) for v, val in tl.initial_state.items()}
    events = [(f.ordinal, i, [(c.var, c.new) for c in f.changes]) for i, f in enumerate(tl.firings)]
    sets = [(d.ordinal, -1, list(d.divergence.values.items())) for d in tl.divergences if d.divergence.kind == "set"]
    for ordinal, _, changes in sorted(events + sets, key=lambda t: (t[0], t[1] >= 0, t[1])):
        for var, new in changes:
            dates, values = traj[var]
            if values[-1] == new:
                continue
            if dates[-1] == ordinal:
                values[-1] = new
            else:
                dates.append(ordinal)
                values.append(new)
    return traj


def test_trajectories_worked_out_with_a_pause_hook_are_the_same():
    """Merged in one pass (the firings are in date order, a day's set divergences first), with and
    without the hook, as the sorted reference; on worlds with set divergences and without."""
    from benchmarks.bench_ui import dense_scenario
    worlds = [make_scenario(2000, n_branches=6), dense_scenario(3000, 30, 10),
              load_scenario(scenario_path("trotsky_mexico"))]
    sets = 0
    for sc in worlds:
        ws = Workspace(sc)
        for bid in sc.branch_ids:
            tl = ws.timeline(bid)
            sets += sum(d.divergence.kind == "set" for d in tl.divergences)
            plain = dict(tl._trajectories)
            assert plain == _reference_trajectories(tl)
            hook = Counter()
            tl.__dict__.pop("_traj")
            assert tl.trajectories(hook) == plain
            assert hook.calls >= len(tl.firings) // 256
            assert tl.trajectories(hook) is tl._trajectories  # worked out once
    assert sets >= 5
