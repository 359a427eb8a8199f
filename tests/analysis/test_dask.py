"""The same sweeps on a real Dask cluster (LocalCluster, 2 worker processes on 127.0.0.1) give the same
numbers as this process and the local pool."""
import json
import subprocess
import sys
from pathlib import Path

import pytest
from distributed import LocalCluster

from explorer.core import load_scenario_text
from explorer.core.montecarlo import monte_carlo
from explorer.core.search import search
from explorer.core.sensitivity import sensitivity

ROOT = Path(__file__).resolve().parents[2]  # not `from conftest import`: which conftest that finds
# depends on what else the run collected
from scenarios import COIN, TWO


@pytest.fixture(scope="module")
def cluster():
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as c:
        yield c.scheduler_address


def test_montecarlo_same_numbers_on_dask(cluster, bundled):
    local = monte_carlo(bundled, "coup-stalin-stands-firm", runs=120, seed=5, jobs=2).to_dict()
    remote = monte_carlo(bundled, "coup-stalin-stands-firm", runs=120, seed=5, scheduler=cluster).to_dict()
    assert remote == local and remote["runs"] == 120


def test_sensitivity_and_search_same_numbers_on_dask(cluster):
    sc = load_scenario_text(COIN)
    assert sensitivity(sc, goal="alive", runs=80, seed=2, scheduler=cluster).to_dict() == \
        sensitivity(sc, goal="alive", runs=80, seed=2).to_dict()
    two = load_scenario_text(TWO)
    a = search(two, goal="alive", runs=20, seed=0, scheduler=cluster).to_dict()
    b = search(two, goal="alive", runs=20, seed=0).to_dict()
    assert a == b and a["results"]


def test_cli_scheduler(cluster, tmp_path):
    path = tmp_path / "coin.yaml"
    path.write_text(COIN)
    outs = []
    for extra in (["--scheduler", cluster], ["--jobs", "2"]):
        r = subprocess.run([sys.executable, "-m", "explorer", "montecarlo", str(path), "--runs", "90", "--seed", "3",
                            "--format", "json", *extra], cwd=ROOT, capture_output=True, text=True, timeout=300)
        assert r.returncode == 0, r.stderr
        outs.append(json.loads(r.stdout))
    assert outs[0] == outs[1]
    r = subprocess.run([sys.executable, "-m", "explorer", "montecarlo", str(path), "--runs", "5",
                        "--scheduler", "tcp://127.0.0.1:9"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert r.returncode == 2 and "cannot reach the Dask scheduler" in r.stderr and "Traceback" not in r.stderr
