"""The fast road (rapidyaml) and PyYAML's road give identical models and identical error messages.

load_scenario_text(text, fast=False) is the PyYAML-only road; the default tries the fast one first.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.synthetic import make_scenario
from explorer.core import ScenarioError
from explorer.core.fastyaml import NOT_FAST, fast_data
from explorer.core.loader import MAX_NODES, load_scenario_text
from explorer.core.emit import scenario_to_text

from test_malformed import CASES, HEAD  # noqa: E402 - pytest puts this folder on sys.path
from test_validation_gaps import CASES as GAPS  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = ROOT / "scenarios" / "trotsky_mexico.yaml"


def _outcome(text: str, fast: bool):
    try:
        return "model", load_scenario_text(text, "s.yaml", fast=fast)
    except ScenarioError as e:
        return "problems", [str(p) for p in e.problems]


def _same_both_ways(text: str):
    fast, slow = _outcome(text, True), _outcome(text, False)
    assert fast == slow
    return fast


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_malformed_case_gives_the_same_messages(name):
    text, expected = CASES[name]
    kind, problems = _same_both_ways(text)
    assert kind == "problems" and any(expected in p for p in problems)


@pytest.mark.parametrize("name", sorted(GAPS))
def test_every_validation_gap_gives_the_same_message(name):
    """The semantic mistakes (issue 9's gaps) too: both roads, the same one positioned line."""
    text, expected = GAPS[name]
    kind, problems = _same_both_ways(text)
    assert kind == "problems" and problems == [f"s.yaml:{expected}"]


def test_the_bundled_scenario_takes_the_fast_road_to_the_same_model():
    text = BUNDLED.read_text(encoding="utf-8")
    assert fast_data(text, MAX_NODES) is not NOT_FAST
    kind, model = _same_both_ways(text)
    assert kind == "model" and len(model.events) > 100


def test_a_synthetic_world_takes_the_fast_road_to_the_same_model():
    text = scenario_to_text(make_scenario(400, 30, 6, seed=3))
    assert fast_data(text, MAX_NODES) is not NOT_FAST
    kind, model = _same_both_ways(text)
    assert kind == "model" and len(model.events) == 400 and len(model.branches) == 6


EVENT = "events:\n  - id: a\n    on: 1940-01-02\n"

# texts that PyYAML types in YAML 1.1's ways, or quotes keep as text
TRICKY_VALID = {
    "quoted_date_title": EVENT + "    title: '1940-01-01'\n",
    "plain_date_title": EVENT + "    title: 1941-02-03\n",
    "exponent_without_point": EVENT + "    title: 1e5\n",
    "float_title": EVENT + "    title: 1.5e+3\n",
    "octal_looking": EVENT + "    title: 07\n",
    "quoted_octal": EVENT + "    title: \"07\"\n",
    "underscored_int": EVENT + "    title: 1_000\n",
    "hex": EVENT + "    title: 0x1F\n",
    "sexagesimal": EVENT + "    title: 1:30\n",
    "infinity": EVENT + "    title: .inf\n",
    "null_tilde_text": EVENT + "    text: ~\n",
    "block_literal": EVENT + "    text: |\n      line one\n      1940-01-01\n",
    "block_strip_date": EVENT + "    text: |-\n      1940-01-01\n",
    "folded": EVENT + "    text: >\n      folded\n      lines\n\n      para\n",
    "escapes": EVENT + "    title: \"caf\\u00e9 \\x41 \\t tab \\\\ slash\"\n",
    "single_quote_doubled": EVENT + "    title: 'it''s'\n",
    "multiline_plain": EVENT + "    title: a plain\n      title on two lines\n",
    "multiline_quoted": EVENT + "    title: \"a quoted\n      title\"\n",
    "unicode": EVENT + "    title: Trotsky — Троцкий 托洛茨基 🚩\n",
    "quoted_keys": "events:\n  - \"id\": a\n    'on': 1940-01-02\n",
    "flow_everything": "events: [{id: a, on: 1940-01-02, tags: [x, 'y', \"z\"], effects: [{add: {labor.unrest: 5}}]}]\n",
    "yes_in_quotes_as_tag": EVENT + "    tags: ['yes', \"no\", 'on']\n",
    "comments": EVENT + "    title: x # a comment\n    # a line comment\n",
    "ampersand_and_star_in_words": EVENT + "    title: Smith&Sons*Co! 50% off\n",
    "crlf": (HEAD + EVENT + "    title: crlf\n").replace("\n", "\r\n"),
    "float_initial": "events: []\n".replace("events: []\n", EVENT) + "conditions:\n  c: labor.unrest > 1.5\n",
    "negative_and_positive": EVENT + "    effects: [{add: {labor.unrest: -5}}, {add: {labor.unrest: +3}}]\n",
    "empty_value": EVENT + "    text:\n",
    "chance_float": EVENT + "    chance: 0.25\n",
    "document_end_marker_absent_trailing_spaces": EVENT + "    title: x   \n\n\n",
    # found by fuzzing (scratch fuzz.py): rapidyaml writes -.5 as -0.5 in JSON, which PyYAML's rules
    # then typed as a number; PyYAML reads the text -.5 as text (only .5 unsigned is a float in YAML 1.1)
    "signed_point_five": EVENT + "    title: -.5\n",
    "point_five_exponent": EVENT + "    title: .5e3\n    text: -.5e3\n",  # 0.5e3 in rapidyaml's JSON
    "colon_first_in_a_block_value": EVENT + "    title: :a\n",
    "question_mark_first_in_a_block_value": EVENT + "    title: ?x\n",
    "quoted_closing_bracket_first": EVENT + "    title: '] x'\n    text: \"}%@`?: #\"\n",
    "escaped_break_in_a_title": EVENT + '    title: "a \\\n      b"\n',
    "point_five_chance": EVENT + "    chance: .5\n",
}

TRICKY_INVALID = {
    "yes_as_id": "events:\n  - id: yes\n    on: 1940-01-02\n",
    "duplicate_key": EVENT + "    title: a\n    title: b\n",
    "anchor_and_alias": EVENT + "    title: &t x\n    text: *t\n",
    "merge_key": EVENT + "    <<: {title: x}\n",
    "tag_str": EVENT + "    title: !!str 12\n",
    "bad_date": "events:\n  - id: a\n    on: 1940-13-45\n",
    "quoted_date": "events:\n  - id: a\n    on: '1940-01-02'\n    when: 1e5\n",
    "bool_title": EVENT + "    title: true\n",
    "list_title": EVENT + "    title: [a, b]\n",
    "top_level_list": "- a\n- b\n",
    "number_for_events": "events: 1e5\n",
    "unknown_key_on_as_key": EVENT + "    onn: x\n",
    "document_marker": "---\n" + EVENT,
    "deep_nesting": EVENT + "    title: " + "[" * 200 + "]" * 200 + "\n",
    # found by fuzzing (scratch fuzz.py): texts rapidyaml reads and PyYAML refuses
    "reserved_at": EVENT + "    title: @x\n",
    "reserved_backtick": EVENT + "    tags: [`x]\n",
    "key_longer_than_1024": "conditions:\n  " + "c" * 1030 + ": trotsky.alive\n" + EVENT,
    "flow_key_longer_than_1024": "conditions: {" + "c" * 1030 + ": trotsky.alive}\n" + EVENT,
    "comment_in_a_flow_mapping": EVENT + "    outcomes: [{id: x, title: b # y}]\n",
    "flow_key_colon_on_the_next_line": EVENT + "    effects: [{set: {trotsky.alive\n      : false}}]\n",
    "empty_plain_key": HEAD.replace("values: [avila_camacho, workers_republic]",
                                    "values: {avila_camacho: A, workers_republic: B, : C}") + EVENT,
    "entry_after_a_flow_mapping": EVENT + "branches:\n  - id: x\n    divergences:\n"
                                          "      - {suppress: a} - {set: {labor.unrest: 90}, on: 1940-05-01}\n",
    "entry_after_a_quoted_text": EVENT + "    tags:\n      - 'x' - y\n",
    "colon_first_in_a_flow_value": EVENT + "    outcomes: [{id: x, title: :a}]\n",
    "colon_first_in_a_flow_sequence": EVENT + "    tags: [:a]\n",
    "flow_key_over_two_lines_by_an_escaped_break": EVENT + '    effects: [{set: {"trotsky.\\\n'
                                                           '      alive": false}}]\n',
    "closing_bracket_first_in_a_title": EVENT + "    title: ] x\n",
    "closing_brace_first_in_a_tag": EVENT + "    tags:\n      - }x\n",
    "percent_first_in_a_flow": EVENT + "    outcomes: [{id: x, title: %x}]\n",
    "question_mark_first_in_a_flow": EVENT + "    outcomes: [{id: x, title: ?x}]\n",
    "explicit_key_with_an_adjacent_value": EVENT + '    ? "title":x\n',
    "percent_first_on_a_comment_line": "# a comment\n%# a directive for PyYAML\n" + HEAD + EVENT,
    "text_after_a_block_scalar_header": EVENT + "    title: |2 x\n      y\n",
    "tab_on_a_blank_line": EVENT + "    title: x\n\t\n",
    "tab_after_a_dash": EVENT + "    tags:\n      -\tx\n",
    "tab_first_on_a_comment_line": "\t# a comment\n" + EVENT,
    # PyYAML reads an escaped surrogate as half a character (a pair as two halves); rapidyaml joins a
    # pair into one: both roads now refuse them
    "escaped_lone_surrogate": EVENT + '    title: "\\ud800"\n',
    "escaped_surrogate_pair": EVENT + '    title: "\\ud83d\\ude00"\n',
}


@pytest.mark.parametrize("name", sorted(TRICKY_VALID))
def test_tricky_valid_texts_give_the_same_model(name):
    text = TRICKY_VALID[name]
    if not text.startswith(HEAD):
        text = HEAD + text
    _same_both_ways(text)


# keys rapidyaml rewrites in its JSON (inf -> .inf), a BOM inside the text (PyYAML gives it no column:
# 'a x\ufeff:\r\n\ufeffa: a' nested the second key): no key pattern allows them, so they never made
# another model, but the fast road's values must be PyYAML's all the same
GIVE_UP = ["inf: 1\n", "nan: 1\n", "-inf: 1\n", "infinity: 1\n", "k: {: 1}\n", "k: {a: b # c}\n",
           "a    x\ufeff:\r\n\ufeffa: a\n"]


@pytest.mark.parametrize("text", GIVE_UP)
def test_the_fast_road_gives_up_where_its_values_would_not_be_pyyamls(text):
    assert fast_data(text, MAX_NODES) is NOT_FAST


@pytest.mark.parametrize("name", sorted(TRICKY_INVALID))
def test_tricky_invalid_texts_give_the_same_messages(name):
    text = TRICKY_INVALID[name]
    if not text.startswith(("- ", "---", "# ")):
        text = HEAD + text
    _same_both_ways(text)


def test_the_fast_road_types_plain_scalars_as_pyyaml_does():
    text = HEAD + EVENT + "    title: '1940-01-01'\n    text: 1941-02-03\n"
    data = fast_data(text, MAX_NODES)
    import datetime as dt
    ev = data["events"][0]
    assert ev["title"] == "1940-01-01" and ev["text"] == dt.date(1941, 2, 3) and ev["on"] == dt.date(1940, 1, 2)


def test_the_fast_road_gives_up_on_anchors_tags_and_duplicates():
    for name in ("anchor_and_alias", "merge_key", "tag_str", "duplicate_key", "document_marker"):
        assert fast_data(HEAD + TRICKY_INVALID[name], MAX_NODES) is NOT_FAST, name


def test_more_values_than_the_budget_leave_the_fast_road_with_the_same_message():
    """The loader's budget of values holds on the fast road too (no alias needed to pass it)."""
    text = EVENT + "    tags: [" + ", ".join(["t"] * MAX_NODES) + "]\n"
    assert fast_data(text, MAX_NODES) is NOT_FAST
    kind, problems = _same_both_ways(text)
    assert kind == "problems" and any("200,000 values" in p for p in problems)
    small = EVENT + "    tags: [" + ", ".join(["t"] * 1000) + "]\n"
    assert fast_data(small, MAX_NODES) is not NOT_FAST


@pytest.mark.parametrize("text", ["plain\n", "crlf\r\nline\r\n", "lone\rcr", "tail\r", "é\r\n", "nel\x85",
                                  "ls\u2028", "ps\u2029", "ctrl\x01", "é ctrl\x01", "del\x7f", "tab\tok",
                                  "astral 🚩", "bom\ufeff", "nul\x00"])
def test_the_quick_scans_answer_as_the_regexes(text):
    """The loader's first looks at a text (odd line breaks, characters PyYAML refuses) are quick scans
    in C; they must say what the regexes say."""
    from explorer.core.fastyaml import _NON_PRINTABLE, _unprintable
    from explorer.core.positions import ODD_BREAKS, has_odd_breaks
    assert has_odd_breaks(text) == (ODD_BREAKS.search(text) is not None)
    assert _unprintable(text) == (_NON_PRINTABLE.search(text) is not None)


def test_a_duplicated_mapping_key_leaves_the_fast_road_with_positions():
    """JSON keeps one of two equal keys, so after a duplicated key whose value is a flow mapping the walk's
    node numbers run behind rapidyaml's and a typed scalar (the date below) met a mapping's node: a
    TypeError instead of the loader's message (found by test_loader_only_raises_scenario_error_with_positions)."""
    text = ('scenario:\n  id: fuzz\n  title: "Fuzz"\n  start: 1940-01-01\n  end: 1941-12-31\nvariables:\n'
            '  trotsky.alive: {type: bool, initial: true, label: Trotsky alive}\n'
            '  labor.unrest: {type: number, min: 0, max: 100, initial: 40}\n'
            '  mexico.regime: {type: enum, values: [avila, workers], initial: avila}\n'
            '  mexico.regime: {type: enum, values: [avila, workers], initial: avila}\n'
            '  leader: {type: text, initial: "Ávila"}\nconditions:\nripe: labor.unrest >= 60 and trotsky.alive\n'
            'events:\n  - id: kill\n    title: Assassination\n    on: 1940-08-20\n')
    assert fast_data(text, MAX_NODES) is NOT_FAST
    kind, problems = _same_both_ways(text)
    assert kind == "problems" and any(":10:3: variables[mexico.regime]: duplicate key" in p for p in problems), problems
