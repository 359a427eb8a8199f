"""A generator of hand-edited scenario files: the bundled missile-crisis scenario with the layout
choices people make by hand (blank lines or none between items, comment lines, trailing comments,
indented or flush `- ` items, a `branches:` section or none, in the middle or at the end, CRLF line
endings, a missing final newline). Used by the write-path tests."""
from __future__ import annotations

import random
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MISSILE_TEXT = (ROOT / "scenarios" / "missile_crisis.yaml").read_bytes().decode("utf-8")
HEAD, _, _ = MISSILE_TEXT.partition("\nbranches:\n")
BRANCHES = [
    ["- id: air-strike", "  label: Kennedy orders air strikes",
     "  divergences: [{outcome: {excomm_decides: air_strike}}]"],
    ["- id: no-photos", "  label: The U-2 flight is cancelled", "  divergences: [{suppress: u2_photos}]"],
    ["- id: strike-contained", "  parent: air-strike", "  label: The commanders hold fire",
     "  divergences:", "    - {suppress: strike_escalates}"],
]


def hand_edited(rng: random.Random) -> str:
    """One hand-edited variant of the missile-crisis file (deterministic for a given `rng`)."""
    head = HEAD.rstrip("\n") + "\n"
    n = rng.choice([0, 0, 1, 2, 3])
    indent = rng.choice(["", "  ", "    "])
    gap = rng.choice(["", "", "\n", "\n\n"])
    lines: list[str] = []
    for i in range(n):
        item = [indent + ln for ln in BRANCHES[i]]
        if rng.random() < 0.3:
            lines.append(indent + f"# about branch {i}")
        if rng.random() < 0.4:
            item[-1] += "   # the author's note"
        lines.append("\n".join(item))
    section = ""
    if n or rng.random() < 0.2:
        key = "branches:" + (rng.choice(["", "  # the what-ifs"]) if n else " []")
        section = key + "\n" + (gap.join(ln + "\n" for ln in lines) if n else "")
    tail = rng.choice(["", "", "\n", "\n# the end\n", "# the end\n"])
    if section and rng.random() < 0.25:  # branches before the events, as some authors order it
        pre, sep, events = head.partition("\nevents:\n")
        text = pre + "\n" + section + sep + events + tail
    else:
        text = head + ("\n" + section if section else "") + tail
    if rng.random() < 0.3:
        text = text.rstrip("\n")
    if rng.random() < 0.2:
        text = text.replace("\n", "\r\n")
    return text
