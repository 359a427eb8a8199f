"""What the why-chains of the bundled scenarios say, in every branch, read as a reader reads them:
values true in the year they are told of, yes/no variables as statements."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from explorer.core import Workspace, load_scenario
from explorer.core.prose import cause_words, root_words

ROOT = Path(__file__).resolve().parents[2]
TROTSKY = ROOT / "scenarios" / "trotsky_mexico.yaml"


def why_lines(ws: Workspace):
    """(branch, date, words) for every cause and root of every firing's why-chain in every branch."""
    sc = ws.scenario
    for bid in sc.branch_ids:
        tl = ws.timeline(bid)
        for f in tl.firings:
            w = ws.why(bid, f.event, f.occurrence)
            stack = list(w.causes)
            while stack:
                c = stack.pop()
                stack += c.causes
                yield bid, f.date, " ".join(x for x in cause_words(sc, c) if x)
            for r in w.roots:
                yield bid, f.date, root_words(sc, r)


@pytest.fixture(scope="module")
def trotsky():
    return Workspace(load_scenario(TROTSKY))


def test_mexicos_government_is_not_named_by_a_party_founded_later(trotsky):
    """"Regime in Mexico was Constitutional government (PRM/PRI) from the start" read in 1942's why-chains:
    the PRI was founded on 1946-01-18."""
    assert "PRI" not in trotsky.scenario.variables["mexico.regime"].label_of("constitutional")
    lines = [(b, d, re.sub(r"“[^”]*”", "", s)) for b, d, s in why_lines(trotsky)]  # not in a title
    early = [x for x in lines if x[1] < dt.date(1946, 1, 18)]
    assert any("Constitutional government" in s for _, _, s in early)
    assert not [x for x in early if re.search(r"\bPRI\b", x[2])], [x for x in early if "PRI" in x[2]][:5]
