"""The command line read as a new user reads it (the `testwords` pass): every command on the bundled
scenarios, each finding a test run as a subprocess. Words as `explain` and the app say them (labels,
titles, values with their units), errors in one line before anything is printed."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TROTSKY = "scenarios/trotsky_mexico.yaml"


def what_if(*args) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT), COLUMNS="100")
    return subprocess.run([sys.executable, "-m", "explorer", *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=300, env=env)


def test_run_at_a_date_outside_the_scenario_prints_nothing_but_the_error():
    """The date was checked after the whole timeline had been printed: 113 lines, then the error."""
    r = what_if("run", TROTSKY, "--at", "1960-01-01")
    assert (r.returncode, r.stdout) == (2, "")
    assert r.stderr == "what-if: 1960-01-01 lies outside the scenario (1940-01-01 to 1950-12-31)\n"


def test_run_at_shows_values_as_state_does():
    """--at printed enum ids ("mexico.regime = workers_republic") where --state prints their labels."""
    at = what_if("run", TROTSKY, "--at", "1943-01-01").stdout.splitlines()
    state = what_if("run", TROTSKY, "--branch", "trotsky-dies-1940", "--state").stdout.splitlines()
    assert "  mexico.regime = Mexican Workers' and Peasants' Republic" in at
    assert "  mexico.regime = Constitutional government" in state
    assert not any(ln in at for ln in ("  mexico.regime = workers_republic", "  trotsky.location = national_palace"))


def test_run_lapsed_says_why_in_explains_words():
    """--lapsed printed the raw condition: "The revolution crushed: false: army.loyalty >= 50
    [army.loyalty = 25]"; now what it needed and what the world had, as `explain` says it."""
    r = what_if("run", TROTSKY, "--lapsed")
    assert r.returncode == 0, r.stderr
    out = r.stdout.splitlines()
    i = out.index("Lapsed:")
    lapsed = out[i + 1:]
    assert lapsed[:2] == [
        "  1942-08-02  The revolution crushed",
        "      - needed Army loyalty to the government in power at least 50; it was 25, set by “The young "
        "officers defect” on 1942-06-10"]
    assert lapsed[2:4] == [  # `revolution.status in ["none", "crushed"]`, said as what it needed
        "  1942-08-04  The Bracero agreement",
        "      - needed State of the revolution to be no revolution or crushed; it was insurrection under way, "
        "set by “The Mexican Socialist Revolution” on 1942-05-24"]
    assert not [ln for ln in lapsed if "false:" in ln or "army.loyalty" in ln or " = " in ln]


def test_diff_names_variables_and_outcomes_as_explain_does():
    """diff said "trotsky.health: 55 -> 65" and "(outcome crushed -> succeeds)": ids, where explain,
    montecarlo and the app say labels and titles."""
    r = what_if("diff", TROTSKY, "stalin-coup-succeeds")
    assert r.returncode == 0, r.stderr
    out = r.stdout.splitlines()
    assert ("~ 1945-11-09  The battle for the National Palace — The coup succeeds  (outcome “The coup is "
            "crushed” -> “The coup succeeds”)") in out
    assert "  Trotsky's health: 55 -> 65  (first differs 1946-08-01)" in out
    assert "  Trotsky alive: no in both, by another path (first differs 1945-11-09)" in out
    assert not [ln for ln in out if "trotsky." in ln]


def test_explain_takes_the_title_run_prints():
    """`run` prints titles, never ids; explain took only ids ("no event 'The Mexican Socialist
    Revolution'"), so what a user read could not be asked about."""
    by_title = what_if("explain", TROTSKY, "--branch", "trotsky-dies-1940", "The Mexican Socialist Revolution")
    by_id = what_if("explain", TROTSKY, "--branch", "trotsky-dies-1940", "revolution_1942")
    assert by_title.returncode == 0, by_title.stderr
    assert by_title.stdout == by_id.stdout
    assert by_title.stdout.startswith("Why did “The Mexican Socialist Revolution” not happen")
    with_outcome = what_if("explain", TROTSKY, "The battle for the National Palace — The coup is crushed")
    assert with_outcome.returncode == 0, with_outcome.stderr
    assert with_outcome.stdout.startswith("Why did “The battle for the National Palace — The coup is crushed” "
                                          "happen on 1945-11-09")
    close = what_if("explain", TROTSKY, "The Mexican Socialist Revolutoin")
    assert close.returncode == 2 and close.stdout == ""
    assert close.stderr == ("what-if: no event 'The Mexican Socialist Revolutoin' (did you mean “The Mexican "
                            "Socialist Revolution”?)\n")


def test_lint_of_a_file_that_does_not_load_does_not_say_0_warnings(tmp_path):
    """lint printed the load error and then "0 warnings", as if the file were clean."""
    src = (ROOT / TROTSKY).read_text().replace("    when: revolution_ripe", "    when: revolution_rip", 1)
    f = tmp_path / "broken.yaml"
    f.write_text(src)
    r = what_if("lint", str(f))
    assert r.returncode == 2
    assert "unknown" in r.stderr and str(f) in r.stderr
    assert r.stdout == "0 warnings (and files that do not load or run)\n"


def test_every_command_says_what_it_does_in_its_help():
    """Seven commands' --help began with their arguments; run's did not say what + ~ - mean."""
    r = what_if("--help")
    commands = [ln.split()[0] for ln in r.stdout.split("commands:")[1].split("exit status")[0].splitlines()
                if ln.startswith("    ")]
    assert len(commands) >= 14
    for c in commands:
        h = what_if(c, "--help").stdout
        head = h.split("\n\n")[1]
        assert not head.startswith(("positional arguments", "options")), c
    run = " ".join(what_if("run", "--help").stdout.split())  # the lines wrap where they will
    assert "+ new" in run and "~ changed" in run and "- gone" in run
    explain = what_if("explain", "--help").stdout
    assert "title" in explain


def test_help_says_help_one_way():
    """`what-if --help` printed "show this help message and exit" above "show this help and exit"."""
    out = what_if("--help").stdout
    assert "show this help and exit" not in out
    assert out.count("show this help message and exit") == 2


def test_montecarlo_names_outcomes_by_their_titles():
    """montecarlo's outcome shares were ids ("(backs_down 10%, stands_firm 30%)") beside titles, where run,
    diff and explain say an outcome by its title."""
    r = what_if("montecarlo", TROTSKY, "--runs", "10")
    assert r.returncode == 0, r.stderr
    palace = next(ln for ln in r.stdout.splitlines() if "  The battle for the National Palace  (" in ln)
    assert palace.endswith("(“The coup is crushed” 60%, “The coup succeeds” 40%)")
    assert "backs_down" not in r.stdout and "stands_firm" not in r.stdout


def test_search_says_what_it_left_out_as_sensitivity_does():
    """search ended "(241 divergence sets tried; 241 candidates, 29 pruned by the goal's influence graph)";
    sensitivity says the same 29 "cannot reach the goal"."""
    r = what_if("search", TROTSKY, "--goal", "trotsky.alive", "--results", "1", "--timeout", "60")
    assert r.returncode == 0, r.stderr
    last = r.stdout.splitlines()[-1]
    assert "pruned" not in last and "influence graph" not in last
    assert last.endswith("single divergences; 29 more cannot reach the goal)"), last


def test_diff_of_the_baseline_asks_for_the_branch_to_compare_with():
    """`diff S baseline` compared the baseline with itself: "baseline against baseline: 0 new, 0 gone,
    0 changed, 112 same", as if that were an answer."""
    r = what_if("diff", TROTSKY, "baseline")
    assert (r.returncode, r.stdout) == (2, "")
    assert r.stderr == ("what-if: the baseline has no parent to compare it with; name the other branch: "
                        f"what-if diff {TROTSKY} baseline OTHER\n")
    same = what_if("diff", TROTSKY, "trotsky-dies-1940", "trotsky-dies-1940")
    assert (same.returncode, same.stdout) == (2, "")
    assert same.stderr == "what-if: that compares 'trotsky-dies-1940' with itself; name another branch as OTHER\n"
    assert what_if("diff", TROTSKY, "baseline", "trotsky-dies-1940").returncode == 0


ONE = """\
scenario: {id: t, title: T, start: 1940-01-01, end: 1940-12-31}
variables:
  n: {type: number, initial: 0}
events:
  - id: a
    title: Ping
    on: 1940-03-01
    effects: [{add: {n: 1}}]
"""


def test_validate_counts_in_english(tmp_path):
    """"ok — 1 variables, 1 events, 1 branches"."""
    f = tmp_path / "one.yaml"
    f.write_text(ONE)
    r = what_if("validate", str(f))
    assert (r.returncode, r.stdout) == (0, f"{f}: ok — 1 variable, 1 event, 1 branch\n")


def test_test_on_a_file_without_expectations_says_so(tmp_path):
    """"0 passed, 0 failed" and exit 0 for a file with no `expect:` at all read as a pass."""
    f = tmp_path / "one.yaml"
    f.write_text(ONE)
    r = what_if("test", str(f))
    assert (r.returncode, r.stdout) == (0, "0 passed, 0 failed (no branch has expect: entries)\n")


def test_watch_interval_must_be_more_than_zero(tmp_path):
    """`test --watch --interval 0` polled the file in a busy loop, a whole core until Ctrl-C."""
    f = tmp_path / "one.yaml"
    f.write_text(ONE)
    r = subprocess.run([sys.executable, "-m", "explorer", "test", str(f), "--watch", "--interval", "0"],
                       capture_output=True, text=True, cwd=ROOT, timeout=20,
                       env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert (r.returncode, r.stdout) == (2, "")
    assert r.stderr == "what-if: --interval must be more than 0 seconds (it is how long --watch waits between looks)\n"


QUOTED = """\
scenario: {id: t, title: T, start: 1940-01-01, end: 1940-12-31}
variables:
  iso: {type: number, initial: 10, label: Isolation}
events:
  - id: denounce
    title: Stalin denounces the "deviation"
    on: 1940-02-01
    effects: [{set: {iso: 25}}]
  - id: deal
    title: The deal
    on: 1940-03-01
    when: iso < 20
  - id: talks
    title: The talks
    on: 1940-04-01
    when: iso >= 20
"""


def test_a_title_with_quotes_inside_reads_with_single_quotes_inside(tmp_path):
    """A title with straight quotes ("Stalin denounces the "petty-bourgeois deviation"", the bundled
    scenario's) came out half-curled: “Stalin denounces the "deviation"” in a why, and in a why-not's
    'set by' the quotes paired wrongly."""
    f = tmp_path / "q.yaml"
    f.write_text(QUOTED)
    why = what_if("explain", str(f), "talks")
    assert "  - Isolation was 25, set by “Stalin denounces the ‘deviation’” (1940-02-01)" in why.stdout.splitlines()
    why_not = what_if("explain", str(f), "deal")
    assert ("    - needed Isolation below 20; it was 25, set by “Stalin denounces the ‘deviation’” on 1940-02-01"
            in why_not.stdout.splitlines()), why_not.stdout
    lapsed = what_if("run", str(f), "--lapsed").stdout
    assert "set by “Stalin denounces the ‘deviation’” on 1940-02-01" in lapsed
    by_title = what_if("explain", str(f), 'Stalin denounces the "deviation"')
    assert by_title.stdout.startswith("Why did “Stalin denounces the ‘deviation’” happen on 1940-02-01")


def test_help_lists_the_commands_in_the_order_a_user_meets_them_as_the_readme_does():
    """`what-if --help` listed them as the modules happened to register (validate ... scenarios last:
    the command that says where to start came last); the README's table had a third order."""
    out = what_if("--help").stdout
    listed = [ln.split()[0] for ln in out.split("commands:")[1].split("exit status")[0].splitlines()
              if ln.startswith("    ")]
    assert listed[:4] == ["scenarios", "validate", "lint", "test"]
    readme = (ROOT / "README.md").read_text().split("## The command line")[1].split("## ")[0]
    rows = [ln.split("`")[1].split()[1] for ln in readme.splitlines() if ln.startswith("| `what-if ")]
    assert [r for r in rows if r in listed] == listed


def test_opening_a_file_that_is_not_there_says_so_before_anything_about_the_display(tmp_path):
    """`what-if nope.yaml` on a machine without a display answered "no display to open the app on": the
    typo in the file name, the thing to fix first, was not mentioned."""
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env["PYTHONPATH"] = str(ROOT)
    for name, why in (("nope.yaml", "No such file or directory"), (".", "it is a folder, not a regular file")):
        r = subprocess.run([sys.executable, "-m", "explorer", name], capture_output=True, text=True,
                           cwd=tmp_path, timeout=60, env=env)
        assert (r.returncode, r.stdout, r.stderr) == (2, "", f"{name}: cannot open: {why}\n")


def test_every_command_names_its_branch_as_run_does():
    """run heads its output "Trotsky's Mexico — Trotsky survives 1940 [baseline]"; montecarlo and
    sensitivity said "— branch baseline:", search "— from baseline:" (the id alone, three wordings)."""
    heads = {
        "run": what_if("run", TROTSKY, "--branch", "trotsky-dies-1940"),
        "montecarlo": what_if("montecarlo", TROTSKY, "--branch", "trotsky-dies-1940", "--runs", "2"),
        "sensitivity": what_if("sensitivity", TROTSKY, "--branch", "trotsky-dies-1940", "--goal", "trotsky.alive",
                               "--top", "1"),
        "search": what_if("search", TROTSKY, "--from", "trotsky-dies-1940", "--goal", "trotsky.alive",
                          "--results", "1"),
    }
    for name, r in heads.items():
        assert r.returncode == 0, (name, r.stderr)
        head = r.stdout.splitlines()[0]
        assert head.startswith("Trotsky's Mexico — Trotsky dies in 1940 [trotsky-dies-1940]"), (name, head)
    assert heads["search"].stdout.splitlines()[0] == ("Trotsky's Mexico — Trotsky dies in 1940 [trotsky-dies-1940]: "
                                                      "goal trotsky.alive at the end is false")


DAYS = """\
scenario: {id: t, title: T, start: 1940-01-01, end: 1940-12-31}
variables:
  n: {type: number, initial: 0, label: Strikes}
events:
  - id: junta
    title: The junta installed
    on: 1940-03-01
  - id: battalion
    title: A battalion for Korea
    on: 1940-05-01
    when: days_since("junta") > 365
  - id: revolution
    title: The revolution
    on: 1940-06-01
branches:
  - id: baseline
    expect:
      - days_since("junta") < 10
      - {that: 'happened("revolution")', on: 1940-05-01}
      - 'date >= "1941-01-01"'
"""


def test_days_since_and_dates_in_words(tmp_path):
    """A failed `days_since("junta") > 365` read "“The junta installed” had happened on 1940-03-01",
    which did not say what was wanted; `date >= "…"` was printed raw; an event the expectation wanted by
    a date, which came later, was explained as "Why did … not happen? - it did happen, on …"."""
    f = tmp_path / "days.yaml"
    f.write_text(DAYS)
    why_not = what_if("explain", str(f), "battalion").stdout.splitlines()
    assert ("    - needed “The junta installed” to have happened more than 365 days before 1940-05-01; it "
            "happened on 1940-03-01, 61 days before") in why_not
    r = what_if("test", str(f))
    assert r.returncode == 1, r.stderr
    out = r.stdout.splitlines()
    assert ("    - needed “The junta installed” to have happened less than 10 days before 1940-12-31; it "
            "happened on 1940-03-01, 305 days before") in out
    i = out.index("    - “The revolution” had not happened by 1940-05-01")
    assert out[i + 1] == "      Why did “The revolution” happen on 1940-06-01 (branch baseline)?"  # later, and why
    assert "    - needed the date to be on or after 1941-01-01; it was 1940-12-31" in out
    assert not [ln for ln in out if "days_since" in ln and ": FAIL [" not in ln]


def test_run_lapsed_says_a_chance_passed_as_explain_does():
    """A chance that did not come up read "- chance 0.60 did not come up (sampled, seed 2)"; explain's
    why-not says "its condition held on …, but chance 0.60 did not come up"."""
    r = what_if("run", "scenarios/missile_crisis.yaml", "--branch", "air-strike", "--mode", "sampled", "--seed", "2",
                "--lapsed")
    assert r.returncode == 0, r.stderr
    out = r.stdout.splitlines()
    i = out.index("  1962-10-23  Soviet commanders fire back", out.index("Lapsed:"))
    assert out[i + 1] == "      - its condition held on 1962-10-23, but chance 0.60 did not come up (sampled, seed 2)"
