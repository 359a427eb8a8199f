"""The command line as a user runs it: `python -m explorer ...` in a subprocess."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MISSILE = "scenarios/missile_crisis.yaml"

SMALL = textwrap.dedent("""\
    scenario: {id: small, title: Small world, start: 1940-01-01, end: 1940-12-31}
    variables:
      trotsky.alive: {type: bool, initial: true, label: Trotsky alive}
      coins: {type: number, initial: 0}
    events:
      - id: kill
        title: The assassination
        on: 1940-08-20
        when: false
        effects: [{set: {trotsky.alive: false}}]
      - id: speech
        title: Trotsky speaks
        between: [1940-09-01, 1940-09-30]
        when: trotsky.alive
      - id: coin
        title: A coin lands heads
        between: [1940-01-01, 1940-12-31]
        repeatable: true
        cooldown: 7d
        chance: 0.5
        effects: [{add: {coins: 1}}]
    branches:
      - id: dies
        label: Trotsky dies in 1940
        divergences: [{force: kill}]
""")


def what_if(*args, cwd=ROOT) -> subprocess.CompletedProcess:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "explorer", *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=60)


def user_error(p: subprocess.CompletedProcess) -> list[str]:
    """An exit-2 user mistake: messages on stderr, no traceback; returns the stderr lines."""
    assert p.returncode == 2, (p.returncode, p.stdout, p.stderr)
    assert "Traceback" not in p.stderr and "Traceback" not in p.stdout
    lines = p.stderr.strip().splitlines()
    assert lines
    return lines


@pytest.fixture
def small(tmp_path) -> Path:
    path = tmp_path / "small.yaml"
    path.write_text(SMALL, encoding="utf-8")
    return path


# --- validate ---------------------------------------------------------------------------------------

def test_validate_ok():
    p = what_if("validate", MISSILE)
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == f"{MISSILE}: ok — 5 variables, 8 events, 4 branches"
    assert p.stderr == ""


def test_validate_broken_prints_file_line_col_messages(tmp_path, small):
    bad = tmp_path / "bad.yaml"
    bad.write_text(SMALL.replace("when: trotsky.alive", "when: trotsky.alvie")
                   .replace("cooldown: 7d", "cooldwn: 7d"), encoding="utf-8")
    p = what_if("validate", bad, small)
    lines = user_error(p)
    assert lines == [
        f"{bad}:14:11: events[1].when: unknown variable 'trotsky.alvie' (did you mean 'trotsky.alive'?)",
        f"{bad}:19:5: events[2].cooldwn: unknown key 'cooldwn' (did you mean 'cooldown'?); allowed: id, "
        "title, text, on, between, after, scheduled, when, chance, priority, repeatable, cooldown, mtth, tags, "
        "sources, effects, outcomes, nolint",
    ]
    assert p.stdout.strip() == f"{small}: ok — 2 variables, 3 events, 2 branches"  # the good one still checked


def test_validate_yaml_syntax_error(tmp_path):
    bad = tmp_path / "syntax.yaml"
    bad.write_text("scenario: {id: x, title: X\nevents: []\n", encoding="utf-8")
    assert user_error(what_if("validate", bad)) == [
        f"{bad}:1:11: YAML syntax: this '{{' is never closed: expected ',' or '}}', but got ':'"]


def test_missing_file_is_a_user_error(tmp_path):
    for args in (("validate", tmp_path / "nope.yaml"), ("run", tmp_path / "nope.yaml"),
                 ("branches", tmp_path / "nope.yaml")):
        lines = user_error(what_if(*args))
        assert lines == [f"{tmp_path / 'nope.yaml'}: cannot open: No such file or directory"]


# --- branches ---------------------------------------------------------------------------------------

def test_branches_text():
    p = what_if("branches", MISSILE)
    assert p.returncode == 0, p.stderr
    assert p.stdout.splitlines() == [
        "Thirteen Days: the Cuban Missile Crisis — 4 branches",
        "Baseline  [baseline]  7 events",
        "├─ Kennedy orders air strikes  [air-strike, from 1962-10-20]  3 events",
        "│  └─ The commanders hold fire  [strike-contained, from 1962-10-23]  3 events",
        "└─ The U-2 flight is cancelled  [no-photos, from 1962-10-14]  0 events",
    ]


def test_branches_json():
    p = what_if("branches", MISSILE, "--format", "json")
    assert p.returncode == 0, p.stderr
    data = json.loads(p.stdout)
    assert list(data) == ["branches"]
    branches = data["branches"]
    assert [b["id"] for b in branches] == ["baseline", "air-strike", "no-photos", "strike-contained"]
    for b in branches:
        assert {"id", "label", "parent", "divergences"} <= set(b)
        assert isinstance(b["divergences"], list)
    by_id = {b["id"]: b for b in branches}
    assert by_id["baseline"]["parent"] is None and by_id["baseline"]["divergences"] == []
    assert by_id["strike-contained"]["parent"] == "air-strike"
    assert by_id["air-strike"]["label"] == "Kennedy orders air strikes"
    assert by_id["air-strike"]["divergences"] == [
        {"kind": "outcome", "label": "Kennedy orders air strikes", "event": "excomm_decides",
         "outcome": "air_strike", "date": "1962-10-20"}]
    assert by_id["no-photos"]["divergences"][0]["kind"] == "suppress"


# --- run ------------------------------------------------------------------------------------------------

def test_run_text():
    p = what_if("run", MISSILE, "--branch", "air-strike", "--lapsed", "--state")
    assert p.returncode == 0, p.stderr
    out = p.stdout.splitlines()
    assert out[0] == "Thirteen Days: the Cuban Missile Crisis — Kennedy orders air strikes [air-strike], " \
                     "from baseline (likely mode)"
    assert out[1] == "  divergence 1962-10-20: Kennedy orders air strikes"
    assert any(line.startswith("~ 1962-10-20  ExComm weighs its options — air strikes on the sites")
               for line in out)
    assert "+ 1962-10-23  Soviet commanders fire back" in out
    assert "- 1962-10-28  The secret deal  (gone)" in out
    assert "Lapsed:" in out and "Final state:" in out
    assert "  war = true" in out


def test_run_names_an_unlabeled_divergence_in_the_apps_words(small):
    """`run` printed the engine's "force kill on 1940-08-20" where the app's map says "“The assassination”
    happens" (model.describe_divergence, the words the report's sentence is made of)."""
    p = what_if("run", small, "--branch", "dies")
    assert p.returncode == 0, p.stderr
    assert p.stdout.splitlines()[1] == "  divergence 1940-08-20: “The assassination” happens"


def test_run_json_shape():
    p = what_if("run", MISSILE, "--branch", "strike-contained", "--format", "json")
    assert p.returncode == 0, p.stderr
    data = json.loads(p.stdout)
    assert {"scenario", "branch", "events", "lapsed", "final_state"} <= set(data)
    assert data["scenario"] == {"id": "missile-crisis", "title": "Thirteen Days: the Cuban Missile Crisis",
                                "start": "1962-10-01", "end": "1963-12-31"}
    b = data["branch"]
    assert {"id", "label", "parent", "divergences"} <= set(b)
    assert (b["id"], b["label"], b["parent"]) == ("strike-contained", "The commanders hold fire", "air-strike")
    assert [d["kind"] for d in b["divergences"]] == ["suppress"]
    for e in data["events"]:
        assert {"id", "title", "date", "outcome", "status", "caused_by"} <= set(e)
        assert e["status"] in ("same", "new", "changed")
        assert len(e["date"]) == 10 and e["date"][4] == "-"
        assert isinstance(e["caused_by"], list)
    events = {e["id"]: e for e in data["events"]}
    assert events["excomm_decides"]["outcome"] == "air_strike"
    assert events["excomm_decides"]["caused_by"] == ["u2_photos", "divergence:0"]  # its outcome too
    assert events["black_saturday"]["status"] == "new"  # against its parent, where war broke out
    assert events["u2_photos"]["status"] == "same"
    for lp in data["lapsed"]:
        assert {"id", "title", "reason"} <= set(lp) and lp["reason"]
    assert {lp["id"] for lp in data["lapsed"]} >= {"quarantine_speech", "secret_deal"}
    assert data["final_state"] == {"tension": 100, "us.posture": "air_strike", "missiles.in_cuba": True,
                                   "hotline": False, "war": False}


def test_run_json_baseline_and_caused_by_divergence(small):
    data = json.loads(what_if("run", small, "--branch", "dies", "--format", "json").stdout)
    kill = next(e for e in data["events"] if e["id"] == "kill")
    assert (kill["date"], kill["status"], kill["caused_by"]) == ("1940-08-20", "new", ["divergence:0"])
    speech = next(lp for lp in data["lapsed"] if lp["id"] == "speech")
    assert speech == {"id": "speech", "title": "Trotsky speaks", "date": "1940-09-30",
                      "reason": "false: trotsky.alive [trotsky.alive = false]"}
    base = json.loads(what_if("run", small, "--format", "json").stdout)
    assert base["branch"]["parent"] is None and all(e["status"] == "same" for e in base["events"])


def test_run_sampled_is_reproducible_by_seed(small):
    runs = {}
    for seed in (1, 1, 2):
        p = what_if("run", small, "--mode", "sampled", "--seed", seed, "--format", "json")
        assert p.returncode == 0, p.stderr
        data = json.loads(p.stdout)
        assert data["mode"] == "sampled"
        runs.setdefault(seed, []).append([(e["id"], e["date"]) for e in data["events"]])
    assert runs[1][0] == runs[1][1]
    assert runs[1][0] != runs[2][0]
    coins = sum(1 for e, _ in runs[1][0] if e == "coin")
    assert 10 < coins < 43  # about half of 53 weekly tries
    likely = json.loads(what_if("run", small, "--format", "json").stdout)
    assert sum(1 for e in likely["events"] if e["id"] == "coin") == 53


# --- diff and explain ------------------------------------------------------------------------------------

def test_diff_text_and_json():
    p = what_if("diff", MISSILE, "strike-contained")
    assert p.returncode == 0, p.stderr
    out = p.stdout.splitlines()
    assert out[0] == "strike-contained against air-strike: 1 new, 1 gone, 0 changed, 2 same"
    assert "+ 1962-10-27  Black Saturday" in out
    assert "- 1962-10-23  Soviet commanders fire back" in out
    p = what_if("diff", MISSILE, "air-strike", "no-photos", "--format", "json")
    data = json.loads(p.stdout)
    assert (data["branch"], data["other"]) == ("air-strike", "no-photos")
    assert data["counts"] == {"same": 0, "new": 3, "changed": 0, "gone": 0}
    assert [v["var"] for v in data["variables"]] == ["tension", "us.posture", "war"]


def test_explain_why_and_why_not():
    p = what_if("explain", MISSILE, "--branch", "air-strike", "strike_escalates")
    assert p.returncode == 0, p.stderr
    out = p.stdout.splitlines()
    assert out[0] == "Why did “Soviet commanders fire back” happen on 1962-10-23 (branch air-strike)?"
    assert out[1] == "  - follows “ExComm weighs its options — air strikes on the sites” (1962-10-20)"
    assert "  - US posture was air strikes, set by “ExComm weighs its options — air strikes on the sites” " \
        "(1962-10-20) (see above)" in out
    assert any("Root causes:" in line and "the divergence “Kennedy orders air strikes” (1962-10-20)" in line
               for line in out)
    p = what_if("explain", MISSILE, "--branch", "air-strike", "secret_deal")
    assert p.returncode == 0, p.stderr
    assert p.stdout.splitlines() == [
        "Why did “The secret deal” not happen (branch air-strike)?",
        "  - it could happen between 1962-10-28 and 1962-11-30, and what it needed had not held when that "
        "time ran out on 1962-11-30",
        "  What it needed did not hold:",
        "    - The superpowers were at nuclear war, set by “Soviet commanders fire back” on 1962-10-23",
        "    - needed US posture to be quarantine; it was air strikes, set by “ExComm weighs its options — "
        "air strikes on the sites” on 1962-10-20",
    ]


# --- user mistakes ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("args, message", [
    (("run", MISSILE, "--branch", "air-strik"),
     "what-if: no branch 'air-strik' (did you mean 'air-strike'?); branches: baseline, air-strike, no-photos, "
     "strike-contained"),
    (("diff", MISSILE, "no-photo"),
     "what-if: no branch 'no-photo' (did you mean 'no-photos'?); branches: baseline, air-strike, no-photos, "
     "strike-contained"),
    (("explain", MISSILE, "--branch", "air-strike", "secret_dael"),
     "what-if: no event 'secret_dael' (did you mean 'secret_deal'?)"),
    (("explain", MISSILE, "--branch", "baseline-2", "secret_deal"),
     "what-if: no branch 'baseline-2' (did you mean 'baseline'?); branches: baseline, air-strike, no-photos, "
     "strike-contained"),
])
def test_unknown_names_are_one_line_errors_with_did_you_mean(args, message):
    assert user_error(what_if(*args)) == [message]


def test_runaway_rules_are_a_user_error(tmp_path):
    path = tmp_path / "runaway.yaml"
    path.write_text(textwrap.dedent("""\
        scenario: {id: r, title: R, start: 1900-01-01, end: 2099-12-31}
        variables: {}
        events:
          - id: ping
            on: 1900-01-01
            repeatable: true
            effects: [{schedule: pong}]
          - id: pong
            scheduled: true
            repeatable: true
            effects: [{schedule: {event: ping, within: 100y}}]
    """), encoding="utf-8")
    [line] = user_error(what_if("run", path))
    assert line.startswith("what-if: runaway rules:") and "ping" in line and "pong" in line
