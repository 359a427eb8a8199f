"""`what-if sensitivity` and `what-if search` as a user runs them."""
import json
import shutil
import subprocess
import sys
from pathlib import Path

from explorer.core import Workspace, load_scenario

ROOT = Path(__file__).resolve().parents[2]  # not `from conftest import`: which conftest that finds
# depends on what else the run collected
from scenarios import COIN, TWO


def what_if(*args, timeout=300):
    return subprocess.run([sys.executable, "-m", "explorer", *map(str, args)], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout)


def test_sensitivity_text_and_json(tmp_path):
    path = tmp_path / "coin.yaml"
    path.write_text(COIN)
    r = what_if("sensitivity", path, "--goal", "alive", "--runs", "100", "--seed", "2")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert "goal alive at the end is false" in lines[0] and "P(goal)" in lines[0]
    first = next(line for line in lines if line.strip().startswith("1."))
    assert "“The attack” does not happen (1900-06-01)" in first and "P → 1.000" in first
    out = tmp_path / "s.json"
    r = what_if("sensitivity", path, "--goal", "wealth", "-o", out)
    assert r.returncode == 0, r.stderr
    data = json.loads(out.read_text())
    assert data["kind"] == "number" and data["value"] == 10
    top = {(e["kind"], e["target"], e["delta"]) for e in data["effects"][:2]}
    assert top == {("suppress", "attack", 30), ("force", "harvest", 30)}


def test_search_writes_branches_where_trotsky_lives(tmp_path):
    path = tmp_path / "trotsky.yaml"
    shutil.copy(ROOT / "scenarios" / "trotsky_mexico.yaml", path)
    before = path.read_text()
    r = what_if("search", path, "--goal", "trotsky.alive", "--write")
    assert r.returncode == 0, r.stderr
    assert r.stdout.count("written as branch") == 3
    after = path.read_text()
    assert after.startswith(before.rstrip("\n"))  # comments and every line the author wrote kept
    sc = load_scenario(path)
    new = [b for b in sc.branch_ids if b not in load_scenario(ROOT / "scenarios" / "trotsky_mexico.yaml").branch_ids]
    assert len(new) == 3
    ws = Workspace(sc)
    for bid in new:
        assert ws.timeline(bid).final_state["trotsky.alive"] is True, bid
        assert ws.branch(bid).parent == "baseline"


def test_search_two_divergences_json(tmp_path):
    path = tmp_path / "two.yaml"
    path.write_text(TWO)
    r = what_if("search", path, "--goal", "alive", "--format", "json", "--kinds", "suppress")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert len(data["results"]) == 1
    assert [d["target"] for d in data["results"][0]["divergences"]] == ["first_attempt", "second_attempt"]


def test_mistakes_are_one_line(tmp_path):
    path = tmp_path / "two.yaml"
    path.write_text(TWO)
    for args, words in ((("sensitivity", path, "--goal", "alve"), "unknown"),
                        (("search", path, "--goal", "alive", "--kinds", "teleport"), "--kinds"),
                        (("search", path, "--goal", "alive", "--between", "1900-06-01", "1900-01-01"), "--between"),
                        (("sensitivity", path, "--goal", "alive", "--at", "1950-01-01"), "outside"),
                        (("search", path, "--from", "nope", "--goal", "alive"), "no branch 'nope'"),
                        (("sensitivity", path, "--goal", "alive", "-o", path), "the scenario this command reads")):
        r = what_if(*args)
        assert r.returncode == 2, (args, r.stdout)
        assert words in r.stderr and "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert path.read_text() == TWO  # nothing the user had is lost
