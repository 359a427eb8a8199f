"""The report's data (explorer.core.report): pure Python, complete, and valid against its schema."""
import json
import subprocess
import sys

import pytest

from helpers import ROOT


def test_core_report_imports_no_qt():
    code = ("import sys, explorer.core.report, explorer.core\n"
            "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6', 'pyqtgraph'))\n"
            "print(bad); sys.exit(1 if bad else 0)")
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr


def test_every_branch_in_tree_order_with_all_sections(missiles_ws, validator):
    from explorer.core.report import build_report
    r = build_report(missiles_ws)
    assert [b["id"] for b in r["branches"]] == ["baseline", "no-photos", "air-strike", "strike-contained"]  # by fork date
    assert r["format"] == "what-if-report" and r["version"] == 1
    validator.validate(r)
    validator.validate(json.loads(json.dumps(r)))
    strike = next(b for b in r["branches"] if b["id"] == "air-strike")
    assert strike["path"][0]["date"] == "1962-10-20"
    assert strike["path"][0]["divergences"][0]["summary"] == \
        "In this history “ExComm weighs its options” ends “air strikes on the sites”."
    statuses = {e["title"]: e["status"] for e in strike["chronology"]}
    assert statuses["Soviet commanders fire back"] == "new"
    assert statuses["The secret deal"] == "gone"
    assert statuses["ExComm weighs its options — air strikes on the sites"] == "changed"
    assert [w["event"] for w in strike["why"]] == ["excomm_decides", "strike_escalates"]
    assert any(x["event"] == "secret_deal" and x["focus"] for x in strike["why_not"])
    assert {c["relation"] for c in strike["changes"]} == {"parent and baseline"}
    contained = next(b for b in r["branches"] if b["id"] == "strike-contained")
    assert [c["relation"] for c in contained["changes"]] == ["parent", "baseline"]
    assert [s["role"] for s in contained["plots"][0]["series"]] == ["branch", "parent", "baseline"]
    assert [m["date"] for m in contained["plots"][0]["markers"]] == ["1962-10-20", "1962-10-23"]
    # the comparison sets the branches side by side
    comp = r["comparison"]
    assert [b["id"] for b in comp["branches"]] == [b["id"] for b in r["branches"]]
    tension = next(row for row in comp["rows"] if row["key"] == "tension")
    assert [c["text"] for c in tension["cells"]] == ["30", "40", "100", "100"]
    # contents: title, comparison, then each branch with its sections
    anchors = [c["anchor"] for c in r["contents"]]
    assert anchors[:3] == ["title", "comparison", "b1"]
    for b in r["branches"]:
        assert b["anchor"] in anchors
        for key in b["sections"]:
            assert f"{b['anchor']}-{key}" in anchors


def test_shared_history_told_once_when_the_parent_is_in_the_report(missiles_ws):
    from explorer.core.report import build_report
    both = build_report(missiles_ws, ["air-strike", "strike-contained"])
    child = both["branches"][1]
    assert child["shared_prefix"]["until"] == "1962-10-23"
    assert all(e["date"] >= "1962-10-23" for e in child["chronology"])
    alone = build_report(missiles_ws, ["strike-contained"])["branches"][0]
    assert alone["shared_prefix"] is None
    assert alone["chronology"][0]["title"] == "U-2 photographs the missile sites"
    assert build_report(missiles_ws, ["strike-contained"])["comparison"] is None


def test_a_changed_outcome_names_the_parents_outcome_by_its_title(missiles_ws):
    from explorer.core.report import build_report
    air = build_report(missiles_ws, ["air-strike"])["branches"][0]
    row = next(e for e in air["chronology"] if e["event"] == "excomm_decides")
    assert (row["status"], row["parent_outcome"]) == ("changed", "quarantine")
    assert (row["outcome_title"], row["parent_outcome_title"]) == ("air strikes on the sites", "a naval quarantine")


def test_default_variables_are_those_that_differ(missiles_ws):
    from explorer.core.report import default_variables
    chosen = default_variables(missiles_ws, ["baseline", "air-strike"])
    assert "tension" in chosen and len(chosen) <= 4


def test_user_mistakes_are_explorer_errors(missiles_ws):
    from explorer.core.errors import ExplorerError
    from explorer.core.report import build_report
    with pytest.raises(ExplorerError, match="did you mean 'tension'"):
        build_report(missiles_ws, variables=["tensoin"])
    with pytest.raises(ExplorerError, match="no branch 'nope'"):
        build_report(missiles_ws, ["nope"])
    with pytest.raises(ExplorerError):
        build_report(missiles_ws, [])


def test_hostile_texts_stay_raw_in_the_data(hostile_ws, validator):
    from explorer.core.report import build_report
    from hostile import SCRIPT
    r = build_report(hostile_ws)
    validator.validate(r)
    assert SCRIPT in r["scenario"]["title"]
    assert any(SCRIPT in b["label"] for b in r["branches"])


def test_bundled_scenario_validates_if_present(validator):
    path = ROOT / "scenarios" / "trotsky_mexico.yaml"
    if not path.exists():
        pytest.skip("the bundled scenario is not there")
    from explorer.core import Workspace, load_scenario
    from explorer.core.report import build_report
    r = build_report(Workspace(load_scenario(path)))
    validator.validate(r)
    assert len(r["branches"]) >= 2
