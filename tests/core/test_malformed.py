"""Malformed scenarios: each is rejected fast with ScenarioError and one exact `file:line:col: msg` line.

Every expected position was checked by hand: line and column are 1-based and point at the mistake (for
a quoted string, columns count from inside the quote, where the expression starts).
"""
from __future__ import annotations


import pytest

from explorer.core import ScenarioError, load_scenario

HEAD = """\
scenario: {id: t, title: T, start: 1940-01-01, end: 1950-12-31}
variables:
  trotsky.alive: {type: bool, initial: true}
  labor.unrest: {type: number, min: 0, max: 100, initial: 40}
  mexico.regime: {type: enum, values: [avila_camacho, workers_republic], initial: avila_camacho}
"""  # five lines: the cases below start on line 6

ALIAS_BOMB = HEAD + "events: []\nx1: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n" + "".join(
    f"x{i + 2}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(8))

CASES = {
    # --- YAML itself
    "unclosed_bracket": (HEAD + "events: [{id: a, on: 1940-01-02}\n",
                         "6:9: YAML syntax: this '[' is never closed: expected ',' or ']', but got the end of "
                         "the file"),
    "unclosed_brace": (HEAD + "events:\n  - {id: a, title: x\n  - id: b\n",
                       "7:5: YAML syntax: this '{' is never closed: expected ',' or '}', but got ':'"),
    "unclosed_quote": (HEAD + 'events:\n  - id: a\n    title: "unclosed\n  - id: b\n',
                       "8:12: YAML syntax: this quote is never closed: found the end of the file"),
    "bad_indentation": (HEAD + "events:\n  - id: a\n    on: 1940-01-02\n   title: x\n",
                        "9:4: YAML syntax: this line is indented differently from the lines above it; "
                        "line it up"),
    "tab": (HEAD + "events:\n  - id: a\n\ton: 1940-01-02\n",
            "8:1: YAML syntax: found a tab; YAML indents with spaces only, so replace it with spaces"),
    "stray_bracket": (HEAD + "events: [{id: a}]]\n",
                      "6:18: YAML syntax: unexpected ']': it closes nothing; remove it"),
    "colon_in_value": (HEAD + "events:\n  - id: a\n    title: Trotsky: the exile\n",
                       "8:19: YAML syntax: unexpected ': '; put a value that contains ': ' in quotes, or fix "
                       "the indentation"),
    "condition_starting_with_quote": (HEAD + "events:\n  - id: a\n    when: \"a\" in mexico.regime\n",
                                      "8:15: YAML syntax: unexpected text after a quoted or bracketed value; "
                                      "when a value starts with a quote or a bracket, put the whole value "
                                      "in quotes"),
    "key_longer_than_1024": (HEAD + "conditions:\n  " + "c" * 1030 + ": trotsky.alive\nevents: []\n",
                             "7:1033: YAML syntax: this ':' is more than 1024 characters after the start of its "
                             "key, YAML's limit for a key; shorten the key (or put a long value in quotes)"),
    "flow_key_longer_than_1024": (HEAD + "events: [{id: a, title: " + "t" * 1030 + ": x}]\n",
                                  "6:1055: YAML syntax: this ':' is more than 1024 characters after the start of "
                                  "its key, YAML's limit for a key; shorten the key (or put a long value in "
                                  "quotes)"),
    "two_documents": (HEAD + "events: []\n---\nx: 1\n",
                      "7:1: YAML syntax: a second YAML document (--- or a % directive); a scenario is one "
                      "document"),
    "python_tag": (HEAD + "events: !!python/object/apply:os.system [ls]\n",
                   "6:9: events: the tag !!python/object/apply:os.system is not allowed; remove it"),
    "control_character": (HEAD + "events: []\n# bell \x07\n",
                          "7:8: the file contains the character U+0007, which YAML does not allow; remove it"),
    "alias_bomb": (ALIAS_BOMB,
                   "12:1: x6: aliases expand the document to more than 200,000 values (an alias bomb?); "
                   "write the values out instead of repeating aliases"),
    "escaped_surrogate_pair": (HEAD + 'events:\n  - id: a\n    title: "flag \\ud83d\\udea9"\n',
                               "8:13: events[0].title: the escapes \\ud83d\\udea9 are a UTF-16 surrogate pair, "
                               "which YAML reads as two halves of a character; write the character itself, "
                               "or \\U0001F6A9"),
    "escaped_lone_surrogate": (HEAD + 'events:\n  - id: a\n    "\\udc00": x\n',
                               "8:5: events[0].\\udc00: the escape \\udc00 is half of a character (a UTF-16 "
                               "surrogate); remove it"),
    "empty": ("# nothing here\n",
              "1:1: the file is empty; a scenario needs `scenario:`, `variables:` and `events:`"),
    # --- structure
    "top_level_list": ("- scenario\n- events\n",
                       "1:1: the top level must be a mapping with scenario, variables, conditions, events, "
                       "branches; got a list"),
    "missing_scenario": ("variables: {}\nevents: []\n", "1:1: missing required key 'scenario'"),
    "number_initial_is_text": (HEAD.replace("initial: 40", "initial: forty") + "events: []\n",
                               "4:59: variables[labor.unrest].initial: expected a number, got the text 'forty'"),
    "plain_variable_name": (HEAD + "  mood: {type: number, initial: 0, unit: [a]}\nevents: []\n",
                            # a variable without a dot was placed at 3:3, the first variable's line
                            "6:42: variables[mood].unit: expected text, got a list"),
    "true_words_alone": (HEAD.replace("initial: true}", "initial: true, true_words: Trotsky was alive}")
                         + "events: []\n",
                         "3:58: variables[trotsky.alive].true_words: give false_words too: how the why-chains "
                         "say it when the variable is false"),
    "true_words_on_a_number": (HEAD.replace("initial: 40}", "initial: 40, true_words: High}") + "events: []\n",
                               "4:75: variables[labor.unrest].true_words: 'true_words' only applies to bool "
                               "variables"),
    "between_not_a_list": (HEAD + "events:\n  - id: a\n    between: 1940-01-02\n",
                           "8:14: events[0].between: expected [from, to], two dates"),
    "unknown_key": (HEAD + "events:\n  - id: a\n    wehn: true\n",
                    "8:5: events[0].wehn: unknown key 'wehn' (did you mean 'when'?); allowed: id, title, text, "
                    "on, between, after, scheduled, when, chance, priority, repeatable, cooldown, mtth, tags, "
                    "sources, effects, outcomes, nolint"),
    "bad_date": (HEAD + "events:\n  - id: a\n    on: 1942-13-01\n",
                 "8:9: events[0].on: '1942-13-01' is not a date (month must be in 1..12); write YYYY-MM-DD"),
    "bad_date_in_window": (HEAD + "events:\n  - id: a\n    between: [1942-01-01, 1942-02-30]\n",
                           "8:27: events[0].between[1]: '1942-02-30' is not a date (day is out of range for "
                           "month); write YYYY-MM-DD"),
    "boolean_id": (HEAD + "events:\n  - id: no\n",
                   "7:9: events[0].id: YAML reads no as false, not as an id; write it in quotes: \"no\""),
    "list_as_event_id": (HEAD + "events:\n  - id: []\n",  # was a TypeError: [] in a set of ids (fuzzing)
                         "7:9: events[0].id: '[]' is not an event id; use letters, digits and _"),
    "block_scalar_id": (HEAD + "events:\n  - id: |\n      a\n",  # the message was two lines (fuzzing)
                        "7:9: events[0].id: 'a\\n' is not an event id; use letters, digits and _"),
    "duplicate_event_ids": (HEAD + "events:\n  - id: a\n  - id: b\n  - id: a\n",
                            "9:9: events[2].id: duplicate event id 'a' (first at events[0]); ids must be unique"),
    "duplicate_branch_ids": (HEAD + "events:\n  - id: a\nbranches:\n  - id: x\n    divergences: [{suppress: a}]\n"
                                    "  - id: x\n    divergences: [{suppress: a}]\n",
                             "11:9: branches[1].id: duplicate branch id 'x' (first at branches[0]); ids must be "
                             "unique"),
    "duplicate_keys": (HEAD + "events:\n  - id: a\n    title: One\n    title: Two\n",
                       "9:5: events[0].title: duplicate key 'title'; keep one of them"),
    "missing_parent": (HEAD + "events:\n  - id: a\nbranches:\n  - id: x\n    parent: baseline_2\n"
                              "    divergences: [{suppress: a}]\n",
                       "10:13: branches[0].parent: unknown parent branch 'baseline_2' (did you mean "
                       "'baseline'?)"),
    "after_cycle": (HEAD + "events:\n  - id: a\n    after: b\n  - id: b\n    after: {event: c, delay: 2d}\n"
                           "  - id: c\n    after: a\n",
                    "8:12: events[0].after: `after:` cycle b -> a -> c -> b: none of them can ever happen; "
                    "break the cycle with on: or between:"),
    # --- conditions
    "unknown_variable": (HEAD + "events:\n  - id: a\n    when: trotsky.alvie and labor.unrest > 5\n",
                         "8:11: events[0].when: unknown variable 'trotsky.alvie' (did you mean "
                         "'trotsky.alive'?)"),
    "unknown_variable_quoted": (HEAD + "events:\n  - id: a\n    when: \"labor.unrest > 5 and trotsky.alvie\"\n",
                                "8:33: events[0].when: unknown variable 'trotsky.alvie' (did you mean "
                                "'trotsky.alive'?)"),
    "unknown_variable_block": (HEAD + "events:\n  - id: a\n    when: >-\n      labor.unrest > 5\n"
                                      "      and trotsky.alvie\n",
                               "10:11: events[0].when: unknown variable 'trotsky.alvie' (did you mean "
                               "'trotsky.alive'?)"),
    "unknown_event_in_happened": (HEAD + "events:\n  - id: mexico_declares_war\n  - id: b\n"
                                         "    when: not happened(\"mexico_declare_war\")\n",
                                  "9:24: events[1].when: unknown event 'mexico_declare_war' (did you mean "
                                  "'mexico_declares_war'?)"),
    "enum_literal_typo": (HEAD + "events:\n  - id: a\n    when: mexico.regime == \"worker_republic\"\n",
                          "8:28: events[0].when: 'worker_republic' is not a value of mexico.regime (did you "
                          "mean 'workers_republic'?); values: avila_camacho, workers_republic"),
    "syntax_error": (HEAD + "events:\n  - id: a\n    when: labor.unrest >= and trotsky.alive\n",
                     "8:27: events[0].when: syntax error: invalid syntax"),
    "unclosed_paren_in_condition": (HEAD + "events:\n  - id: a\n    when: 'labor.unrest >= 3 and (trotsky.alive'\n",
                                    "8:34: events[0].when: syntax error: '(' was never closed"),
    "dunder_import": (HEAD + "events:\n  - id: a\n    when: __import__('os')\n",
                      "8:11: events[0].when: calling '__import__' is not allowed; functions are happened(), "
                      "outcome(), days_since(), year()"),
    "dunder_class": (HEAD + "events:\n  - id: a\n    when: ().__class__\n",
                     "8:11: events[0].when: attributes are not allowed; dotted names must be variables"),
    "subscript": (HEAD + "events:\n  - id: a\n    when: labor.unrest[0] > 1\n",
                  "8:11: events[0].when: subscripts not allowed in conditions"),
    "lambda": (HEAD + "events:\n  - id: a\n    when: 'lambda: 1'\n",
               "8:12: events[0].when: lambdas not allowed in conditions"),
    "shift_operator": (HEAD + "events:\n  - id: a\n    when: labor.unrest >> 2 > 1\n",
                       "8:11: events[0].when: operator '>>' is not allowed; only + - * / are"),
    "invert_operator": (HEAD + "events:\n  - id: a\n    when: ~trotsky.alive\n",
                        "8:11: events[0].when: operator '~' is not allowed; use and, or, not"),
    "open_call": (HEAD + "events:\n  - id: a\n    when: open(\"f\")\n",
                  "8:11: events[0].when: calling 'open' is not allowed; functions are happened(), outcome(), "
                  "days_since(), year()"),
    "arithmetic_on_text": (HEAD + "events:\n  - id: a\n    when: labor.unrest + mexico.regime > 50\n",
                           "8:26: events[0].when: arithmetic needs numbers, but mexico.regime is text"),
    "named_condition_error": (HEAD + "conditions:\n  ripe: trotsky.alive and labor.unrst > 3\nevents:\n"
                                     "  - id: a\n    when: ripe\n",
                              "7:27: conditions.ripe: unknown variable 'labor.unrst' (did you mean "
                              "'labor.unrest'?)"),
    "named_condition_cycle": (HEAD + "conditions:\n  me: true and me\nevents: []\n",
                              "7:16: conditions.me: named conditions refer to each other in a cycle: me -> me; "
                              "break the cycle"),
    "weight_expression": (HEAD + "events:\n  - id: a\n    outcomes:\n      - id: b\n"
                                 "        weight: \"labor.unrst * 2\"\n",
                          "10:18: events[0].outcomes[0].weight: unknown variable 'labor.unrst' (did you mean "
                          "'labor.unrest'?)"),
    # --- references and values
    "unknown_outcome_divergence": (HEAD + "events:\n  - id: coup\n    outcomes: [{id: crushed}, {id: succeeds}]\n"
                                          "branches:\n  - id: x\n    divergences: [{outcome: {coup: succeed}}]\n",
                                   "11:36: branches[0].divergences[0].outcome.coup: event 'coup' has no outcome "
                                   "'succeed' (did you mean 'succeeds'?); outcomes: crushed, succeeds"),
    "unknown_set_divergence_variable": (HEAD + "events:\n  - id: a\nbranches:\n  - id: x\n"
                                               "    divergences: [{set: {labor.unrset: 5}, on: 1941-01-01}]\n",
                                        "10:26: branches[0].divergences[0].set[labor.unrset]: unknown variable "
                                        "'labor.unrset' (did you mean 'labor.unrest'?)"),
    "set_divergence_wrong_type": (HEAD + "events:\n  - id: a\nbranches:\n  - id: x\n"
                                         "    divergences: [{set: {trotsky.alive: 5}, on: 1941-01-01}]\n",
                                  "10:41: branches[0].divergences[0].set[trotsky.alive]: trotsky.alive is "
                                  "true/false, not 5"),
    "unknown_force_event": (HEAD + "events:\n  - id: kill\nbranches:\n  - id: x\n    divergences: [{force: kil}]\n",
                            "10:27: branches[0].divergences[0].force: unknown event 'kil' (did you mean "
                            "'kill'?)"),
    "cancel_unknown_event": (HEAD + "events:\n  - id: rally\n  - id: a\n    effects:\n      - cancel: raly\n",
                             "10:17: events[1].effects[0].cancel: unknown event 'raly' (did you mean 'rally'?)"),
    "effect_wrong_type": (HEAD + "events:\n  - id: a\n    effects: [{set: {trotsky.alive: maybe}}]\n",
                          "8:37: events[0].effects[0].set[trotsky.alive]: trotsky.alive is true/false, not "
                          "'maybe'"),
    "effect_add_text": (HEAD + "events:\n  - id: a\n    effects:\n      - add: {labor.unrest: lots}\n",
                        "9:29: events[0].effects[0].add[labor.unrest]: add: needs a number, not 'lots'"),
    "effect_enum_typo": (HEAD + "events:\n  - id: a\n    effects:\n      - set: {mexico.regime: workers}\n",
                         "9:30: events[0].effects[0].set[mexico.regime]: 'workers' is not a value of "
                         "mexico.regime (did you mean 'workers_republic'?); values: avila_camacho, "
                         "workers_republic"),
    "schedule_unknown_event": (HEAD + "events:\n  - id: a\n    effects: [{schedule: {event: nope, delay: 2d}}]\n",
                               "8:34: events[0].effects[0].schedule.event: unknown event 'nope'"),
}


def _write(tmp_path, name: str, data) -> str:
    p = tmp_path / f"{name}.yaml"
    if isinstance(data, bytes):
        p.write_bytes(data)
    else:
        p.write_text(data, encoding="utf-8", newline="\n")
    return str(p)


def _first(path: str) -> str:
    with pytest.raises(ScenarioError) as e:
        load_scenario(path)
    assert e.value.problems
    for p in e.value.problems:
        assert p.line >= 1 and p.col >= 1, str(p)
    return str(e.value.problems[0])


def test_there_are_enough_cases():
    assert len(CASES) >= 24


@pytest.mark.parametrize("name", sorted(CASES))
def test_malformed(tmp_path, name):
    text, expected = CASES[name]
    path = _write(tmp_path, name, text)
    # no time limit: the loader's budgets (size, nodes visited, aliases counted at each use) are what
    # bound the work, and the expected message says which budget stopped it
    assert _first(path) == f"{path}:{expected}"


def test_fifty_megabytes_is_rejected_by_size_before_parsing(tmp_path):
    p = tmp_path / "huge.yaml"
    with open(p, "wb") as fh:
        fh.write(b"# " + b"x" * (50 * 1024 * 1024 - 3) + b"\n")
    assert p.stat().st_size == 50 * 1024 * 1024
    assert _first(str(p)) == f"{p}:1:1: file is 50.0 MB; scenarios are limited to 10 MB"


def test_nul_byte(tmp_path):
    path = _write(tmp_path, "nul", HEAD + "events:\n  - id: a\n    title: A\x00B\n")
    assert _first(path) == f"{path}:8:13: the file contains a NUL byte; it is not a text file"


def test_not_utf8(tmp_path):
    path = _write(tmp_path, "latin1", HEAD.encode() + "events:\n  - id: a\n    title: Café\n".encode("latin-1"))
    assert _first(path) == f"{path}:8:15: not UTF-8 text (byte 0xE9); save the file as UTF-8"


def test_missing_file(tmp_path):
    path = str(tmp_path / "nope.yaml")
    with pytest.raises(ScenarioError) as e:
        load_scenario(path)
    assert str(e.value) == f"{path}: cannot open: No such file or directory"


def test_several_independent_errors_are_reported_in_one_pass(tmp_path):
    text = HEAD + """\
events:
  - id: a
    wehn: true
  - id: b
    on: 1942-13-01
  - id: c
    when: trotsky.alvie
  - id: d
    effects: [{add: {labor.unrest: lots}}]
branches:
  - id: x
    parent: nowhere
    divergences: [{suppress: e}]
"""
    path = _write(tmp_path, "several", text)
    with pytest.raises(ScenarioError) as e:
        load_scenario(path)
    lines = [str(p).replace(path + ":", "") for p in e.value.problems]
    assert lines == [
        "8:5: events[0].wehn: unknown key 'wehn' (did you mean 'when'?); allowed: id, title, text, on, between, "
        "after, scheduled, when, chance, priority, repeatable, cooldown, mtth, tags, sources, effects, outcomes, "
        "nolint",
        "10:9: events[1].on: '1942-13-01' is not a date (month must be in 1..12); write YYYY-MM-DD",
        "12:11: events[2].when: unknown variable 'trotsky.alvie' (did you mean 'trotsky.alive'?)",
        "14:36: events[3].effects[0].add[labor.unrest]: add: needs a number, not 'lots'",
        "17:13: branches[0].parent: unknown parent branch 'nowhere'",
        "18:30: branches[0].divergences[0].suppress: unknown event 'e'",
    ]
    assert str(e.value).count("\n") == len(lines) - 1


def test_a_dropped_variable_does_not_cascade_into_unknown_variable_errors(tmp_path):
    text = HEAD.replace("{type: bool, initial: true}", "{type: boolean, initial: true}") + """\
events:
  - id: a
    when: trotsky.alive
"""
    path = _write(tmp_path, "dropped", text)
    with pytest.raises(ScenarioError) as e:
        load_scenario(path)
    assert [str(p).replace(path + ":", "") for p in e.value.problems] == [
        "3:25: variables[trotsky.alive].type: unknown type 'boolean' (did you mean 'bool'?); use one of bool, "
        "number, enum, text"]
