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
