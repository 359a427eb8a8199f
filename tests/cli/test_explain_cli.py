"""`what-if explain --against` as a user runs it (issue 9, section 2)."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def what_if(*args):
    return subprocess.run([sys.executable, "-m", "explorer", *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)


def test_explain_against_the_parent_names_where_the_histories_part():
    r = what_if("explain", "scenarios/trotsky_mexico.yaml", "--branch", "army-stays-loyal-1942",
                "--against", "baseline", "republic_declared")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == ("“The Workers' and Peasants' Republic declared” did not happen in "
                        "army-stays-loyal-1942 but did in baseline (1942-09-16).")
    assert lines[1] == ("They part at: “The young officers defect” (1942-06-10), in baseline only (in "
                        "army-stays-loyal-1942: the divergence “The officers stay in their barracks” suppresses "
                        "it from 1942-06-10).")
    assert lines[2] == ("  - “The Ávila Camacho government collapses” (1942-08-20): Army loyalty to the "
                        "government in power was 25, set by “The young officers defect” (1942-06-10)")
    assert "Why not in army-stays-loyal-1942:" in lines
    assert ("      - needed State of the revolution to be victorious; it was crushed, set by “The revolution "
            "crushed” on 1942-08-02") in lines


# engine words explain printed before it read as the app and the reports do
ENGINE_WORDS = re.compile(r'\b[a-z_]+\.[a-z_]+\b|\b(?:was|=) (?:true|false)\b|happened\(|outcome\(|"|'
                          r"initial world|its window \(|- false:|\bwhen: ")


def test_explain_reads_in_words_not_engine_ids():
    """Why and why-not of the bundled scenarios in the app's words (prose): "Trotsky was dead, set by
    “Mercader kills Trotsky”", not "trotsky.alive was false (set by \"Mercader kills Trotsky\" ...)";
    a bool as its author's statement, the window as "it could happen only on …", one kind of quotes."""
    why_not = what_if("explain", "scenarios/trotsky_mexico.yaml", "--branch", "trotsky-dies-1940",
                      "revolution_1942")
    assert why_not.returncode == 0, why_not.stderr
    assert why_not.stdout.splitlines()[:4] == [
        "Why did “The Mexican Socialist Revolution” not happen (branch trotsky-dies-1940)?",
        "  - it could happen only on 1942-05-24, and what it needed did not hold then",
        "  What it needed did not hold:",
        "    - Trotsky was dead, set by “Mercader kills Trotsky” on 1940-08-20"]
    why = what_if("explain", "scenarios/trotsky_mexico.yaml", "mexico_declares_war")
    assert why.returncode == 0, why.stderr
    assert why.stdout.splitlines() == [
        "Why did “Mexico declares war on the Axis” happen on 1942-05-22 (branch baseline)?",
        "  - Regime in Mexico was Constitutional government from the start",
        "  - needed “U-106 sinks the Faja de Oro” (1942-05-20) to have happened",
        "    - Mexico was not fighting the Axis from the start",
        "  - needed “U-564 sinks the Potrero del Llano” (1942-05-13) to have happened",
        "    - Mexico was not fighting the Axis from the start",
        "  Root causes: Regime in Mexico was Constitutional government from the start; Mexico was not "
        "fighting the Axis from the start"]
    runs = [why_not, why]
    for args in (("missile_crisis.yaml", "--branch", "air-strike", "strike_escalates"),
                 ("missile_crisis.yaml", "--branch", "air-strike", "secret_deal"),
                 ("missile_crisis.yaml", "--branch", "no-photos", "--against", "baseline", "excomm_decides"),
                 ("trotsky_mexico.yaml", "--branch", "stalin-coup-succeeds", "stalinist_plot_crushed")):
        r = what_if("explain", f"scenarios/{args[0]}", *args[1:])
        assert r.returncode == 0, r.stderr
        runs.append(r)
    for r in runs:
        assert not ENGINE_WORDS.search(r.stdout), ENGINE_WORDS.search(r.stdout).group(0) + " in\n" + r.stdout


def test_explain_against_an_unknown_branch_is_one_line():
    r = what_if("explain", "scenarios/trotsky_mexico.yaml", "--branch", "baseline", "--against", "basline",
                "republic_declared")
    assert r.returncode == 2 and len(r.stderr.splitlines()) == 1 and "did you mean 'baseline'" in r.stderr
