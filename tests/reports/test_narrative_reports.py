"""Every report format shows the text variant that applied in each branch, with enum labels."""
import json
import re
from pathlib import Path

import pytest

from helpers import ROOT, parse_html, pdftotext

FILE = ROOT / "tests" / "data" / "narrative.yaml"
APPLIED = "The Republic marks its first year without its founder."
SILENT = "The square is silent."
NOT_HERE = "addresses the"  # the baseline's variant, whose premise (the leader alive) fails here


@pytest.fixture(scope="module")
def nws():
    from explorer.core import Workspace, load_scenario
    return Workspace(load_scenario(FILE))


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.mark.parametrize("fmt", ["html", "md", "pdf", "json"])
def test_each_format_shows_the_branch_variant(nws, gui, validator, tmp_path, fmt):
    from explorer.reports import export_report
    out = export_report(nws, tmp_path / f"r.{fmt}", branches=["leader-dies"], variables=["regime"])
    if fmt == "html":
        page = parse_html(Path(out))
        text = flat(" ".join(page.text_parts))
    elif fmt == "md":
        text = flat(Path(out).read_text(encoding="utf-8"))
    elif fmt == "pdf":
        text = flat(pdftotext(Path(out)))
    else:
        data = json.loads(Path(out).read_text(encoding="utf-8"))
        validator.validate(data)
        narr = [n["text"] for b in data["branches"] for n in b["narrative"]]
        assert any(APPLIED in t and SILENT in t for t in narr)
        assert not any(NOT_HERE in t for t in narr)
        plot = data["branches"][0]["plots"][0]
        assert plot["value_labels"]["workers_republic"] == "Workers' and Peasants' Republic"
        assert plot["final_text"]["branch"] == "Workers' and Peasants' Republic"
        return
    assert APPLIED in text and SILENT in text
    assert NOT_HERE not in text
    assert "Workers' and Peasants' Republic" in text or "Workers’ and Peasants’ Republic" in text


def test_outcome_divergence_reads_as_prose():
    from explorer.core.loader import load_scenario_text
    sc = load_scenario_text("""
scenario: {id: t, title: T, start: 1940-01-01, end: 1940-12-31}
variables: {x: {type: number, initial: 0}}
events:
  - id: revolt
    title: The Guatemalan workers' revolt
    on: 1940-02-01
    outcomes: [{id: ok, title: The revolt succeeds}, {id: fails, title: The revolt is crushed}]
branches:
  - {id: b, label: B, divergences: [{outcome: {revolt: fails}}]}
""")
    words = sc.describe_divergence(sc.branch("b").divergences[0])
    assert words == "“The Guatemalan workers' revolt” ends “The revolt is crushed”"
