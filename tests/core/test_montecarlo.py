"""Monte Carlo over sampled runs: reproducible by seed, the same in worker processes, and sensible."""
import json
import subprocess
import sys
from pathlib import Path

from explorer.core import load_scenario_text
from explorer.core.montecarlo import monte_carlo

ROOT = Path(__file__).resolve().parents[2]

COIN = """
scenario: {id: coin, title: Coin, start: 1900-01-01, end: 1900-12-31}
variables:
  heads: {type: number, min: 0, max: 100, initial: 0}
events:
  - id: toss
    title: A coin is tossed
    on: 1900-02-01
    chance: 0.5
    effects: [{add: {heads: 1}}]
  - id: duel
    title: A duel
    on: 1900-03-01
    outcomes:
      - {id: a_wins, weight: 3}
      - {id: b_wins, weight: 1}
  - id: after_toss
    title: Celebration
    after: {event: toss, delay: 10d}
branches:
  - id: no-duel
    label: No duel
    divergences: [{suppress: duel}]
"""


def test_probabilities_follow_chance_and_weights():
    mc = monte_carlo(load_scenario_text(COIN), runs=400, seed=1)
    toss = mc.events["toss"]
    assert 0.4 < toss.probability < 0.6
    assert mc.events["after_toss"].happened == toss.happened  # consequences follow their cause
    duel = mc.events["duel"]
    assert duel.probability == 1.0
    assert 0.65 < duel.outcomes["a_wins"] / duel.runs < 0.85


def test_reproducible_by_seed_and_across_processes():
    sc = load_scenario_text(COIN)
    a = monte_carlo(sc, runs=60, seed=7).to_dict()
    b = monte_carlo(sc, runs=60, seed=7, jobs=2).to_dict()
    c = monte_carlo(sc, runs=60, seed=8).to_dict()
    assert a == b
    assert a != c


def test_branch_shares_dice_with_its_parent():
    sc = load_scenario_text(COIN)
    base = monte_carlo(sc, "baseline", runs=50, seed=3)
    branch = monte_carlo(sc, "no-duel", runs=50, seed=3)
    assert branch.events["toss"].happened == base.events["toss"].happened
    assert "duel" not in branch.events


def test_bands_are_ordered(tmp_path):
    mc = monte_carlo(load_scenario_text(COIN), runs=30, seed=0)
    lo, mid, hi = mc.band("heads", 0.1), mc.band("heads", 0.5), mc.band("heads", 0.9)
    assert all(a <= b <= c for a, b, c in zip(lo, mid, hi))
    assert hi[-1] == 1 and lo[0] == 0


def test_cli_montecarlo(tmp_path):
    path = tmp_path / "coin.yaml"
    path.write_text(COIN)
    out = tmp_path / "mc.json"
    r = subprocess.run([sys.executable, "-m", "explorer", "montecarlo", str(path), "--runs", "40", "--seed", "2",
                        "--jobs", "2", "-o", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    data = json.loads(out.read_text())
    assert data["runs"] == 40 and {e["id"] for e in data["events"]} >= {"toss", "duel"}
    r = subprocess.run([sys.executable, "-m", "explorer", "montecarlo", str(path), "--branch", "nope"],
                       cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and "no branch 'nope'" in r.stderr and "Traceback" not in r.stderr


REPEAT = """
scenario: {id: rep, title: Repeats, start: 1900-01-01, end: 1900-12-31}
variables:
  n: {type: number, min: 0, max: 1000, initial: 0}
events:
  - id: tick
    title: A tick
    between: [1900-01-01, 1900-12-31]
    repeatable: true
    cooldown: 30d
    chance: 0.5
    effects: [{add: {n: 1}}]
"""


def test_repeatable_events_report_share_and_mean_times():
    mc = monte_carlo(load_scenario_text(REPEAT), runs=200, seed=0)
    tick = mc.events["tick"]
    assert tick.probability > 0.95  # about a dozen tries at one half each
    assert 4 < tick.mean_times < 8  # counted at every firing, not only the first
    ends = mc.band("n", 0.5)
    assert abs(ends[-1] - tick.mean_times) < 1.5  # the variable counts the same firings
    data = mc.to_dict()
    assert data["events"][0]["mean_times"] == round(tick.mean_times, 4)


DEEP = """
scenario: {id: deep, title: Deep, start: 1900-01-01, end: 1900-12-31}
variables:
  x: {type: number, min: 0, max: 100, initial: 10}
  ok: {type: bool, initial: false}
events:
  - id: a
    title: A
    between: [1900-02-01, 1900-04-01]
    chance: 0.6
    effects: [{add: {x: 10}}]
  - id: b
    title: B
    between: [1900-03-01, 1900-06-01]
    when: x >= 20
    outcomes:
      - {id: up, weight: 1, effects: [{add: {x: 5}}]}
      - {id: down, weight: 1, effects: [{add: {x: -5}}]}
  - id: c
    title: C
    after: {event: b, delay: 20d}
    chance: 0.5
    effects: [{set: {ok: true}}]
  - id: d
    title: D
    between: [1900-05-01, 1900-12-01]
    when: "false"
    effects: [{add: {x: 30}}]
  - id: e
    title: E
    between: [1900-07-01, 1900-09-01]
    when: ok or x > 25
    chance: 0.7
    repeatable: true
    cooldown: 10d
    effects: [{add: {x: 1}}]
branches:
  - id: l1
    label: level 1
    divergences: [{suppress: a}]
  - id: l2
    parent: l1
    label: level 2
    divergences: [{set: {x: 25}, on: 1900-02-15}]
  - id: l3
    parent: l2
    label: level 3
    divergences: [{outcome: {b: down}}]
  - id: l4
    parent: l3
    label: level 4, a date-less force
    divergences: [{force: d}]
  - id: two
    label: two date-less
    divergences: [{suppress: c}, {outcome: {b: up}}]
  - id: two-below
    parent: two
    label: below two
    divergences: [{suppress: e}]
  - id: mixed
    label: mixed
    divergences: [{set: {x: 30}, on: 1900-02-10}, {suppress: b}]
"""


def test_runner_matches_workspace_firing_for_firing():
    """The batch runner's shortcuts (one run for static paths, restarts otherwise) change nothing."""
    from explorer.core import Workspace
    from explorer.core.runner import Runner
    for text in (DEEP, COIN, (ROOT / "scenarios" / "trotsky_mexico.yaml").read_text()):
        sc = load_scenario_text(text)
        runner = Runner(sc)
        for mode, seeds in (("likely", [0]), ("sampled", range(4))):
            for seed in seeds:
                ws = Workspace(sc, mode=mode, seed=seed)
                for bid in sc.branch_ids:
                    tl = ws.timeline(bid)
                    got = runner.run(bid, mode, seed)
                    assert [(f.event, f.ordinal, f.outcome) for f in got.firings] == \
                           [(f.event, f.ordinal, f.outcome) for f in tl.firings], (bid, mode, seed)
                    assert got.final_state == tl.final_state, (bid, mode, seed)


def test_cost_does_not_grow_with_depth():
    from explorer.core.runner import Runner
    sc = load_scenario_text((ROOT / "scenarios" / "trotsky_mexico.yaml").read_text())
    runner = Runner(sc)
    for seed in range(5):
        runner.run("coup-stalin-stands-firm", "sampled", seed)  # two levels of date-less outcomes
    assert runner.engine_runs == 5  # one engine run per seed, as for the baseline


def test_same_numbers_in_process_and_in_pool_on_a_deep_branch():
    sc = load_scenario_text(DEEP)
    a = monte_carlo(sc, "l4", runs=80, seed=3).to_dict()
    b = monte_carlo(sc, "l4", runs=80, seed=3, jobs=2).to_dict()
    assert a == b
    assert a["runs"] == 80 and any(e["id"] == "d" and e["probability"] == 1.0 for e in a["events"])


def test_cli_text_shows_bands_and_caps_jobs(tmp_path):
    path = tmp_path / "rep.yaml"
    path.write_text(REPEAT)
    r = subprocess.run([sys.executable, "-m", "explorer", "montecarlo", str(path), "--runs", "50", "--jobs", "1000"],
                       cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "--jobs 1000 is more than the" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert "per run" in r.stdout  # the repeatable tick's mean times
    band = next(line for line in r.stdout.splitlines() if line.strip().startswith("n "))
    assert "[" in band and "–" in band  # median [10%–90%]


def _children(pid: int) -> set[int]:
    try:
        return {int(x) for x in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()}
    except OSError:
        return set()


def _cpu(pid: int) -> float:
    """Seconds of CPU the process has used (user + system)."""
    import os
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def test_ctrl_c_stops_a_billion_runs_and_every_worker(tmp_path):
    """A billion runs start at once (seeds are streamed), and SIGINT ends the parent and its workers."""
    import signal
    import time
    path = tmp_path / "coin.yaml"
    path.write_text(COIN)
    for jobs in ("2", "1"):
        p = subprocess.Popen([sys.executable, "-m", "explorer", "montecarlo", str(path), "--runs", "1000000000",
                              "--jobs", jobs], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        workers: set[int] = set()
        deadline = time.monotonic() + 120
        # well into the runs: the workers (or the process itself) have done seconds of work
        while time.monotonic() < deadline and (len(workers) < (2 if jobs == "2" else 0) or
                                               sum(_cpu(w) for w in workers or {p.pid}) < 3.0):
            workers = _children(p.pid)
            time.sleep(0.1)
        assert p.poll() is None, p.communicate()
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=30)
        assert p.returncode == 130, err
        assert "Traceback" not in err
        assert not [w for w in workers if _alive(w)]
