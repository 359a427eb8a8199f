"""Saving by splicing: every comment and untouched line survives, byte for byte; writes are atomic."""
from __future__ import annotations

import copy
import datetime as dt
import difflib
import os
import random
import stat

import pytest

from authoring_support import MISSILE, TROTSKY, commented
from explorer.core import Workspace, load_scenario_text
from explorer.core import edits
from explorer.core.model import Divergence, Effect, EventRule, Outcome, Timing, Variable
from explorer.core import saving
from explorer.core.saving import (FileChangedError, SaveError, atomic_write, discard_recovery, read_recovery,
                                  read_text, recovery_path, render_scenario, same_model, normalized,
                                  save_scenario, scenario_to_text, write_recovery)

D = dt.date.fromisoformat
SCENARIOS = [MISSILE] + ([TROTSKY] if TROTSKY.exists() else [])


def _ids(paths):
    return [p.stem for p in paths]


def _only_inserted(old: str, new: str) -> list[str]:
    """The lines `new` adds to `old`; fails if any old line was changed or removed."""
    sm = difflib.SequenceMatcher(a=old.splitlines(True), b=new.splitlines(True), autojunk=False)
    added = []
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        assert op in ("equal", "insert"), f"{op}: {old.splitlines(True)[i1:i2]} -> {new.splitlines(True)[j1:j2]}"
        if op == "insert":
            added += new.splitlines(True)[j1:j2]
    return added


def _changed_lines(old: str, new: str) -> list[tuple[list[str], list[str]]]:
    a, b = old.splitlines(True), new.splitlines(True)
    sm = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    return [(a[i1:i2], b[j1:j2]) for op, i1, i2, j1, j2 in sm.get_opcodes() if op != "equal"]


def _comment_lines(text: str) -> list[str]:
    return [ln for ln in text.splitlines() if "#" in ln and ("note" in ln or "tail" in ln or "last" in ln)]


@pytest.fixture(params=SCENARIOS, ids=_ids(SCENARIOS))
def commented_copy(request, tmp_path):
    text = commented(read_text(request.param))
    p = tmp_path / request.param.name
    p.write_bytes(text.encode())
    return p


def test_commented_copy_means_the_same(commented_copy):
    original = [s for s in SCENARIOS if s.name == commented_copy.name][0]
    a = load_scenario_text(read_text(original))
    b = load_scenario_text(read_text(commented_copy))
    assert same_model(normalized(a), normalized(b))
    assert len(_comment_lines(read_text(commented_copy))) > 50


@pytest.mark.parametrize("path", SCENARIOS, ids=_ids(SCENARIOS))
def test_unchanged_model_renders_the_same_text(path):
    text = read_text(path)
    assert render_scenario(load_scenario_text(text), text) == text


def _deepest(ws: Workspace) -> str:
    return max(ws.scenario.branch_ids, key=lambda b: (ws.depth(b), -ws.scenario.branch_ids.index(b)))


def test_fork_keeps_every_line_byte_for_byte(commented_copy):
    text = read_text(commented_copy)
    sc = load_scenario_text(text, str(commented_copy))
    ws = Workspace(sc)
    deep = _deepest(ws)
    first_event = sc.events[0].id
    one_off = EventRule("a_new_thing", "A new thing: happens", "It happens, 'quoted' and \"double\".",
                        Timing("open"), effects=[Effect("set", next(iter(sc.variables)),
                                                        sc.variables[next(iter(sc.variables))].initial)])
    sc2, bid = edits.fork(sc, deep, "A deep: what-if", [
        Divergence("suppress", first_event, label="It never happens"),
        Divergence("event", rule=one_off, on=sc.start + dt.timedelta(days=40)),
    ])
    sc3, bid2 = edits.fork(sc2, "baseline", "Another", [Divergence("force", sc.events[-1].id, on=sc.end)])
    out = save_scenario(sc3, commented_copy, text, expect_disk=text)
    assert read_text(commented_copy) == out
    added = _only_inserted(text, out)
    assert any(f"id: {bid}" in ln for ln in added) and any(f"id: {bid2}" in ln for ln in added)
    assert not any("#" in ln for ln in added)
    back = load_scenario_text(out)
    assert back.branch(bid).parent == deep and back.branch(bid).label == "A deep: what-if"
    assert back.branch(bid).divergences[1].rule.title == "A new thing: happens"
    assert same_model(normalized(back), normalized(sc3))


def test_edits_change_only_their_own_lines(commented_copy):
    text = read_text(commented_copy)
    sc = load_scenario_text(text)
    comments = _comment_lines(text)
    br = sc.branches[1]
    sc2 = edits.update_branch(sc, br.id, label="Renamed: with a colon")
    rule = copy.deepcopy(sc.events[1])
    rule.title = "A changed title"
    rule.priority = 3
    sc2 = edits.replace_event(sc2, rule.id, rule)
    var_name = next(iter(sc.variables))
    var = copy.deepcopy(sc.variables[var_name])
    var.label = "A changed label"
    sc2 = edits.replace_variable(sc2, var_name, var)
    sc2 = edits.replace_variable(sc2, None, Variable("zz.new", "enum", "a", values=("a", "b"), label="New"))
    out = render_scenario(sc2, text)
    changes = _changed_lines(text, out)
    removed = [ln for a, _ in changes for ln in a]
    assert all("#" not in ln.split(":", 1)[0] for ln in removed)
    assert len(removed) <= 3  # the label line, the title line, the variable's line
    for ln in comments:
        assert ln in out.splitlines() or any(ln.split("#")[1] in x for x in out.splitlines())
    # trailing comments stay on their (edited) lines
    assert sum("# tail" in ln for ln in out.splitlines()) == sum("# tail" in ln for ln in text.splitlines())
    back = load_scenario_text(out)
    assert back.branch(br.id).label == "Renamed: with a colon"
    assert back.event(rule.id).title == "A changed title" and back.event(rule.id).priority == 3
    assert back.variables[var_name].label == "A changed label" and "zz.new" in back.variables


def test_removing_a_branch_removes_only_its_lines(commented_copy):
    text = read_text(commented_copy)
    sc = load_scenario_text(text)
    leaf = next(b for b in reversed(sc.branch_ids) if not edits.children(sc, b))
    sc2, gone = edits.remove_branch(sc, leaf)
    out = render_scenario(sc2, text)
    for a, b in _changed_lines(text, out):
        assert b == []  # deletions only
        assert any(f"id: {leaf}" in ln for ln in a)
    assert _comment_lines(out)[-1] == "# the very last comment"


def test_fork_into_a_file_without_branches(tmp_path):
    text = "# my notes\n" + read_text(MISSILE).split("\nbranches:")[0].rstrip("\n") + "\n# end of events\n"
    p = tmp_path / "x.yaml"
    p.write_text(text)
    sc = load_scenario_text(text)
    sc2, bid = edits.fork(sc, "baseline", "First fork", [Divergence("suppress", "u2_photos")])
    out = save_scenario(sc2, p, text)
    added = _only_inserted(text, out)
    assert "branches:\n" in added
    assert load_scenario_text(read_text(p)).branch(bid).divergences[0].event == "u2_photos"


@pytest.mark.parametrize("value", ["[]", "", "[{id: a, label: A, divergences: [{suppress: u2_photos}]}]"])
def test_fork_into_empty_or_flow_branches(tmp_path, value):
    text = read_text(MISSILE).split("\nbranches:")[0] + f"\nbranches: {value}   # keep this\n# after\n"
    sc = load_scenario_text(text)
    sc2, bid = edits.fork(sc, "baseline", "Forked", [Divergence("suppress", "test_ban")])
    out = render_scenario(sc2, text)
    assert "# keep this" in out and out.endswith("# after\n")
    back = load_scenario_text(out)
    assert back.branch_ids[-1] == bid and len(back.branches) == len(sc2.branches)
    assert out.startswith(text.split("\nbranches:")[0])


def test_crlf_file_keeps_its_line_endings():
    text = read_text(MISSILE).replace("\n", "\r\n")
    sc = load_scenario_text(text)
    sc2, _ = edits.fork(sc, "air-strike", "CRLF", [Divergence("suppress", "black_saturday")])
    out = render_scenario(sc2, text)
    assert out.startswith(text) and "\n" not in out.replace("\r\n", "")


def test_new_values_are_quoted_only_when_needed():
    text = read_text(MISSILE)
    sc = load_scenario_text(text)
    labels = ["yes", "null", "12", "a: b", "# not a comment", "- dash", "it's", 'say "hi"', "on", "1962-10-01",
              "trailing ", "multi\nline", "[x]", "ok, fine"]
    for label in labels:
        sc2, bid = edits.fork(sc, "baseline", label, [Divergence("suppress", "u2_photos", label=label)])
        out = render_scenario(sc2, text)
        back = load_scenario_text(out).branch(bid)
        assert back.label == label.strip() and back.divergences[0].label == label


def test_keeps_quoting_style_of_edited_values():
    text = read_text(MISSILE)
    sc = load_scenario_text(text)
    sc2 = edits.clone(sc)
    sc2.title = "Thirteen Days"
    out = render_scenario(sc2, text)
    assert '  title: "Thirteen Days"\n' in out


def test_refuses_to_write_what_would_not_read_back(tmp_path, monkeypatch):
    p = tmp_path / "m.yaml"
    text = read_text(MISSILE)
    p.write_text(text)
    sc2, _ = edits.fork(load_scenario_text(text), "baseline", "Broken", [Divergence("suppress", "u2_photos")])
    monkeypatch.setattr(saving, "splice", lambda text, base, target, fine: text + "\n  - id: [broken\n")
    with pytest.raises(SaveError):
        save_scenario(sc2, p, text)
    assert read_text(p) == text
    assert not [f for f in os.listdir(tmp_path) if f.endswith(".tmp")]


def test_refuses_to_overwrite_a_file_changed_elsewhere(tmp_path):
    p = tmp_path / "m.yaml"
    text = read_text(MISSILE)
    p.write_text(text + "# someone else's edit\n")
    sc2, _ = edits.fork(load_scenario_text(text), "baseline", "Mine", [Divergence("suppress", "u2_photos")])
    with pytest.raises(FileChangedError):
        save_scenario(sc2, p, text, expect_disk=text)
    assert read_text(p).endswith("# someone else's edit\n")


def test_whole_new_scenario_reads_back(tmp_path):
    for path in SCENARIOS:
        sc = load_scenario_text(read_text(path))
        text = scenario_to_text(sc)
        assert same_model(normalized(load_scenario_text(text)), normalized(sc))


def test_atomic_write_keeps_mode_and_leaves_no_temp(tmp_path):
    p = tmp_path / "f.yaml"
    p.write_text("old")
    os.chmod(p, 0o640)
    atomic_write(p, "new text")
    assert p.read_text() == "new text"
    assert stat.S_IMODE(os.stat(p).st_mode) == 0o640
    assert os.listdir(tmp_path) == ["f.yaml"]


def test_random_edits_always_save_exactly(tmp_path):
    """Many random edit sequences on the commented file: each save reads back as the edited model."""
    text = commented(read_text(MISSILE))
    rng = random.Random(7)
    base = load_scenario_text(text)
    events = [e.id for e in base.events]
    for trial in range(25):
        sc = base
        for _ in range(rng.randint(1, 4)):
            op = rng.choice(["fork", "fork", "rm", "label", "divs", "event", "var", "cond", "meta"])
            try:
                if op == "fork":
                    kind = rng.choice(["suppress", "force", "outcome", "set"])
                    div = {"suppress": Divergence("suppress", rng.choice(events)),
                           "force": Divergence("force", rng.choice(events), on=D("1962-10-25")),
                           "outcome": Divergence("outcome", "excomm_decides", rng.choice(["quarantine", "air_strike"])),
                           "set": Divergence("set", values={"tension": rng.randint(0, 100)}, on=D("1962-11-02"))}[kind]
                    sc, _ = edits.fork(sc, rng.choice(sc.branch_ids), rng.choice(["F", "G: h", "yes"]), [div])
                elif op == "rm" and len(sc.branches) > 1:
                    sc, _ = edits.remove_branch(sc, rng.choice(sc.branch_ids[1:]), recursive=True)
                elif op == "label" and len(sc.branches) > 1:
                    sc = edits.update_branch(sc, rng.choice(sc.branch_ids[1:]), label=rng.choice(["L", "x" * 120]))
                elif op == "divs" and len(sc.branches) > 1:
                    b = rng.choice(sc.branch_ids[1:])
                    sc = edits.update_branch(sc, b, divergences=sc.branch(b).divergences
                                             + [Divergence("suppress", rng.choice(events), label="more")])
                elif op == "event":
                    r = copy.deepcopy(sc.event(rng.choice(events)))
                    r.when = rng.choice(["tension > 10", True, "war"])
                    r.tags = rng.choice([[], ["a", "b c"]])
                    r.timing = rng.choice([r.timing, Timing("between", D("1962-10-20"), D("1962-12-01"))])
                    if r.outcomes:
                        r.outcomes[0] = Outcome(r.outcomes[0].id, "changed", weight=rng.choice([1, 4]))
                    sc = edits.replace_event(sc, r.id, r)
                elif op == "var":
                    v = copy.deepcopy(sc.variables["tension"])
                    v.initial, v.unit = rng.randint(0, 100), rng.choice(["", "%"])
                    sc = edits.replace_variable(sc, "tension", v)
                elif op == "cond":
                    sc = edits.clone(sc)
                    sc.conditions["crisis_open"] = rng.choice(["missiles.in_cuba", "not war"])
                    edits.validate(sc)
                else:
                    sc = edits.clone(sc)
                    sc.description = rng.choice(["", "short", "two\nlines"])
                    edits.validate(sc)
            except edits.EditError:
                pass
        out, how = saving._render(normalized(sc), text, "x.yaml")
        assert how in ("unchanged", "fine"), how
        assert same_model(normalized(load_scenario_text(out)), normalized(sc))


# --- recovery ----------------------------------------------------------------------------------

def test_recovery_round_trip(tmp_path):
    p = tmp_path / "m.yaml"
    text = commented(read_text(MISSILE))
    p.write_text(text)
    assert read_recovery(p) is None
    sc2, bid = edits.fork(load_scenario_text(text), "baseline", "Unsaved", [Divergence("suppress", "u2_photos")])
    rp = write_recovery(sc2, p, text)
    assert rp == recovery_path(p) and rp.parent == tmp_path and rp.name == ".m.yaml.autosave"
    rec = read_recovery(p)
    assert rec is not None and not rec.base_changed
    assert bid in load_scenario_text(rec.text).branch_ids
    assert _only_inserted(text, rec.text)  # the recovered text is the spliced file: comments kept
    assert read_text(p) == text  # the scenario itself is untouched
    discard_recovery(p)
    assert read_recovery(p) is None and not rp.exists()


def test_recovery_older_than_the_file_or_equal_to_it_is_not_offered(tmp_path):
    p = tmp_path / "m.yaml"
    text = read_text(MISSILE)
    p.write_text(text)
    write_recovery(load_scenario_text(text), p, text)  # same as the file
    assert read_recovery(p) is None
    sc2, _ = edits.fork(load_scenario_text(text), "baseline", "Unsaved", [Divergence("suppress", "u2_photos")])
    rp = write_recovery(sc2, p, text)
    os.utime(rp, (1, 1))  # saved after the recovery was written
    assert read_recovery(p) is None


def test_recovery_goes_to_the_state_folder_when_the_folder_is_read_only(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    folder = tmp_path / "ro"
    folder.mkdir()
    p = folder / "m.yaml"
    text = read_text(MISSILE)
    p.write_text(text)
    real_access = os.access
    monkeypatch.setattr(saving.os, "access", lambda path, mode: False if str(path) == str(folder)
                        else real_access(path, mode))
    sc2, _ = edits.fork(load_scenario_text(text), "baseline", "Unsaved", [Divergence("suppress", "u2_photos")])
    rp = write_recovery(sc2, p, text)
    assert str(rp).startswith(str(tmp_path / "state")) and rp.exists()
    assert read_recovery(p).path == rp
    discard_recovery(p)
    assert not rp.exists()


def test_a_key_ending_in_a_line_break_is_quoted_when_written():
    """`$` also matches before a final newline: the key 'a\\n' was written plain ('a\\n:'), which reads back as
    another document. Keys are written plain only when the whole key is a plain name (\\Z)."""
    import yaml

    from explorer.core.emit import key_text
    assert key_text("mexico.regime") == "mexico.regime"
    text = key_text("a\n")
    assert text != "a\n" and yaml.safe_load(f"{text}: 1") == {"a\n": 1}
