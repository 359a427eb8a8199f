"""The reports read as history in every branch of the bundled scenarios: a divergence is a sentence of
its history ("In this history “The Texas Incident” does not happen."), nothing is told twice, and the
HTML a reader gets (read as text, the way a person reads it: the rule's condition stays folded away in
<details>) has no engine words: no ids, no `==`, no `mexico.regime = …`, no "its window (10w after
revolution_1942) closed … with the condition false"."""
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from explorer.core import Workspace, load_scenario
from explorer.core.report import build_report

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))
SENTENCE = re.compile(r"[^.!?]+[.!?]")
ENGINE = re.compile(r"\b[a-z]+_[a-z0-9_]+\b|==|!=|\b[a-z]+\.[a-z_]+\b|with the condition false|is made to happen|"
                    r"has this outcome|The world changes")


@pytest.fixture(scope="module", params=SCENARIOS, ids=lambda p: p.stem)
def report(request):
    return build_report(Workspace(load_scenario(request.param)), full_chronology=True)


def test_no_sentence_is_told_twice_in_a_branch(report):
    twice = []
    for b in report["branches"]:
        seen = set()
        for item in b["narrative"]:
            for s in SENTENCE.findall(item["text"]):
                s = s.strip()
                if len(s.split()) >= 6 and s in seen:
                    twice.append(f"{b['id']} {item['date']}: {s}")
                seen.add(s)
    assert not twice, "\n".join(twice)


def test_a_divergence_reads_as_a_sentence_of_its_history(report):
    for b in report["branches"]:
        own = [i for i in b["narrative"] if i["kind"] == "divergence"]
        parts = [i for i in own if "parts from" in i["text"]]
        assert len(parts) == len({p["title"] for p in parts}) <= len(b["path"]), b["id"]
        for i in own:
            assert not ENGINE.search(i["text"]), i["text"]
            assert "In this history" in i["text"] or i["text"].count(". ") == 0, i["text"]
        for step in b["path"]:
            for d in step["divergences"]:
                assert d["summary"].startswith("In this history") and not ENGINE.search(d["summary"]), d


class _Text(HTMLParser):
    """The text a reader sees: not scripts, styles, code, or what a <details> keeps folded."""

    def __init__(self):
        super().__init__()
        self.out, self.hidden = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "code", "details"):
            self.hidden += 1
        if tag in ("p", "li", "tr", "h1", "h2", "h3", "h4", "div", "br", "td"):
            self.out.append("\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "code", "details"):
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden:
            self.out.append(data)


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_the_html_report_has_no_engine_words(path, tmp_path):
    out = tmp_path / "r.html"
    r = subprocess.run([sys.executable, "-m", "explorer", "report", str(path), "-o", str(out), "-q"],
                       cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    p = _Text()
    p.feed(out.read_text(encoding="utf-8"))
    lines = [ln for ln in "".join(p.out).splitlines() if ln.strip()]
    lines = [ln for ln in lines if path.name not in ln]  # the title page names the file
    leaks = [ln.strip() for ln in lines if ENGINE.search(ln)]
    assert not leaks, "\n".join(leaks[:20])
    assert any("What it needed did not hold" in ln for ln in lines)


UNLABELED = """\
scenario: {id: t, title: T, start: 1940-01-01, end: 1940-12-31}
variables:
  x: {type: number, initial: 0, label: Unrest}
events:
  - {id: revolt, title: The revolt, on: 1940-02-01, effects: [{add: {x: 10}}],
     outcomes: [{id: ok, title: The revolt succeeds}, {id: fails, title: The revolt is crushed}]}
  - {id: march, title: The march, on: 1940-03-01, when: 'outcome("revolt") == "fails"'}
branches:
  - {id: b, divergences: [{outcome: {revolt: fails}}]}
"""


def test_an_unlabeled_divergence_is_named_in_the_apps_words_not_its_sentence():
    """A divergence with no label, in a branch with none either, was named by its sentence: "Root causes: the
    divergence “In this history “The revolt” ends “The revolt is crushed””", "chosen by the divergence In
    this history …"."""
    from explorer.core import load_scenario_text
    r = build_report(Workspace(load_scenario_text(UNLABELED)), full_chronology=True)
    b = next(x for x in r["branches"] if x["id"] == "b")
    roots = [root["words"] for w in b["why"] for root in w["roots"] if root["kind"] == "divergence"]
    assert roots and set(roots) == {"the divergence “‘The revolt’ ends ‘The revolt is crushed’”"}
    titles = [c["title"] for w in b["why"] for c in w["causes"] if c["kind"] == "divergence"]
    assert titles and set(titles) == {'divergence "“The revolt” ends “The revolt is crushed”"'}
    told = [i["text"] for i in b["narrative"] if i["kind"] == "divergence"]
    assert told == ["Here this branch parts from its parent: In this history “The revolt” ends “The revolt is "
                    "crushed”."]
