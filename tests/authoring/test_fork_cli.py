"""`what-if fork` and `what-if rm-branch` as a user runs them, and a save killed half-way."""
from __future__ import annotations

import difflib
import json
import os
import signal
import subprocess
import sys
import time

import pytest

from authoring_support import MISSILE, ROOT, TROTSKY, commented, run_cli
from explorer.core import Workspace, load_scenario_text
from explorer.core.saving import read_text


@pytest.fixture
def scen(tmp_path):
    p = tmp_path / "missile.yaml"
    p.write_text(commented(read_text(MISSILE)))
    return p


def _inserted_only(old: str, new: str) -> None:
    sm = difflib.SequenceMatcher(a=old.splitlines(True), b=new.splitlines(True), autojunk=False)
    assert all(op in ("equal", "insert") for op, *_ in sm.get_opcodes())


def _json_run(path, branch) -> dict:
    r = run_cli("run", path, "--branch", branch, "--format", "json")
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def test_fork_writes_the_branch_and_run_shows_downstream_changes(scen):
    before = read_text(scen)
    r = run_cli("fork", scen, "--from", "baseline", "--label", "No quarantine speech",
                "--suppress", "quarantine_speech")
    assert r.returncode == 0, r.stderr
    bid = r.stdout.strip()
    assert bid == "no-quarantine-speech"
    _inserted_only(before, read_text(scen))
    data = _json_run(scen, bid)
    assert data["branch"]["parent"] == "baseline"
    downstream = [e for e in data["events"] if e["status"] in ("new", "changed")]
    downstream += [g for g in data["gone"] if g["id"] != "quarantine_speech"]
    assert downstream, "the rules should work out at least one consequence"
    text = run_cli("run", scen, "--branch", bid)
    assert text.returncode == 0 and "(gone)" in text.stdout


def test_fork_from_a_deep_branch_with_every_kind(scen):
    r = run_cli("fork", scen, "--from", "strike-contained", "--label", "Talks anyway", "--id", "talks",
                "--set", "tension=95@1962-11-01", "--set", "war=false@1962-11-01",
                "--force", "hotline_installed@1963-01-05", "--outcome", "excomm_decides=air_strike")
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "talks"
    sc = load_scenario_text(read_text(scen))
    b = sc.branch("talks")
    assert b.parent == "strike-contained"
    assert [d.kind for d in b.divergences] == ["set", "force", "outcome"]
    assert b.divergences[0].values == {"tension": 95, "war": False}
    data = _json_run(scen, "talks")
    assert any(e["id"] == "hotline_installed" and e["status"] == "new" for e in data["events"])


def _consequential_event(ws: Workspace, parent: str) -> str | None:
    from explorer.core.edits import fork
    from explorer.core.model import Divergence
    for f in ws.timeline(parent).firings[1:]:
        sc, bid = fork(ws.scenario, parent, "probe", [Divergence("suppress", f.event)])
        d = Workspace(sc).diff(bid)
        if [e for e in d.differences if e.event != f.event]:
            return f.event
    return None


@pytest.mark.skipif(not TROTSKY.exists(), reason="the bundled Trotsky scenario is not there yet")
def test_fork_trotsky_from_baseline_event_and_deep_branch(tmp_path):
    p = tmp_path / "trotsky.yaml"
    p.write_text(commented(read_text(TROTSKY)))
    before = read_text(p)
    ws = Workspace(load_scenario_text(before))
    deep = max(ws.scenario.branch_ids, key=ws.depth)
    assert ws.depth(deep) >= 2
    # from the baseline and from the deep branch: the first event whose absence has consequences
    for parent in ("baseline", deep):
        made = _consequential_event(ws, parent)
        assert made, f"no event of {parent} has downstream consequences"
        r = run_cli("fork", p, "--from", parent, "--label", f"Without {made}", "--suppress", made)
        assert r.returncode == 0, r.stderr
        bid = r.stdout.strip()
        data = _json_run(p, bid)
        assert data["branch"]["parent"] == parent
        changes = [e for e in data["events"] if e["status"] in ("new", "changed")]
        changes += [g for g in data["gone"] if g["id"] != made]
        assert changes
    _inserted_only(before, read_text(p))


@pytest.mark.parametrize("args, message", [
    (["--from", "basline", "--suppress", "u2_photos"], "did you mean 'baseline'"),
    (["--suppress", "u2_photo"], "did you mean 'u2_photos'"),
    (["--outcome", "excomm_decides=airstrike"], "did you mean 'air_strike'"),
    (["--set", "tensoin=3@1962-11-01"], "did you mean 'tension'"),
    (["--set", "tension=300@1962-11-01"], "outside"),
    (["--set", "war=maybe@1962-11-01"], "true or false"),
    (["--set", "us.posture=quarantin@1962-11-01"], "did you mean 'quarantine'"),
    (["--set", "tension=3"], "VAR=VALUE@DATE"),
    (["--force", "u2_photos@1970-01-01"], "outside the scenario"),
    (["--id", "air-strike", "--suppress", "u2_photos"], "already a branch"),
    ([], "at least one"),
])
def test_fork_mistakes_exit_2_with_one_line(scen, args, message):
    before = read_text(scen)
    r = run_cli("fork", scen, "--label", "X", *args)
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and "Traceback" not in r.stderr
    assert read_text(scen) == before


def test_rm_branch(scen):
    before = read_text(scen)
    r = run_cli("rm-branch", scen, "air-strike")
    assert r.returncode == 2 and "1 child branch (strike-contained)" in r.stderr
    assert read_text(scen) == before
    r = run_cli("rm-branch", scen, "no-photos")
    assert r.returncode == 0, r.stderr
    after = read_text(scen)
    sm = difflib.SequenceMatcher(a=before.splitlines(True), b=after.splitlines(True), autojunk=False)
    assert all(op in ("equal", "delete") for op, *_ in sm.get_opcodes())
    r = run_cli("rm-branch", scen, "air-strike", "--recursive")
    assert r.returncode == 0 and "air-strike, strike-contained" in r.stdout
    assert load_scenario_text(read_text(scen)).branch_ids == ["baseline"]
    assert "# the very last comment" in read_text(scen)
    r = run_cli("rm-branch", scen, "baseline")
    assert r.returncode == 2


def test_save_killed_before_the_rename_leaves_the_original_intact(scen):
    before = scen.read_bytes()
    env = dict(os.environ, PYTHONPATH=str(ROOT), WHATIF_TEST_PAUSE_BEFORE_RENAME="600")
    proc = subprocess.Popen([sys.executable, "-m", "explorer", "fork", str(scen), "--label", "Killed",
                             "--suppress", "u2_photos"], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    try:
        deadline = time.time() + 120  # a generous wait (the save pauses 600 s), not a speed check
        tmp = []
        while time.time() < deadline and not tmp:
            tmp = [f for f in os.listdir(scen.parent) if f.endswith(".tmp")]
            time.sleep(0.05)
        assert tmp, "the save never reached its temp file"
        # the temp file is complete and synced: the new text is there, the original untouched
        time.sleep(0.1)
        assert b"id: killed" in (scen.parent / tmp[0]).read_bytes()
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    assert proc.returncode == -signal.SIGKILL
    assert scen.read_bytes() == before
    load_scenario_text(read_text(scen))
    # the next save works and cleans up nothing it should not
    r = run_cli("fork", scen, "--label", "After the crash", "--suppress", "u2_photos")
    assert r.returncode == 0, r.stderr
