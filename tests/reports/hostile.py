"""A scenario whose every free text is hostile: HTML, <script>, Markdown control characters, bidi
overrides, right-to-left text, emoji, control characters and template syntax."""
from __future__ import annotations

import json

SCRIPT = "<script>alert('x')</script>"
IMG = '<img src="http://evil.example/x.png" onerror="alert(1)">'
MD = "**bold** _it_ `code` [link](http://evil.example) ![img](http://evil.example/i.png) | pipe | # hash ~~s~~ $x$ &amp;"
RTL = "שלום עולם مرحبا بالعالم"
BIDI = "abc\u202eevil\u202c"
EMOJI = "🚀🔥🕊️"
JINJA = "{{ 7*7 }} {% raw %}"

TITLE = f"Crisis {SCRIPT} {EMOJI}"


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid YAML double-quoted scalar


FIRST_TEXT = f"Text {IMG} and {MD}\n# not a heading\n- not a list\n1. not a list {EMOJI} {BIDI} {JINJA}"


def hostile_yaml() -> str:
    return f"""
scenario:
  id: hostile
  title: {_q(TITLE)}
  description: {_q(f"Desc {IMG} {MD} {RTL}")}
  start: 1950-01-01
  end: 1952-12-31
variables:
  tension: {{type: number, min: 0, max: 100, initial: 10, label: {_q(f"Tension {SCRIPT}")}, unit: {_q("<u>")}}}
  mood: {{type: enum, values: ["calm", "<b>angry</b>", "# wild"], initial: calm, label: {_q(f"Mood {RTL}")}}}
  free: {{type: bool, initial: true, label: {_q(f"Free {MD}")}}}
events:
  - id: first
    title: {_q(f"First {SCRIPT}")}
    text: {_q(FIRST_TEXT)}
    on: 1950-03-01
    sources: [{_q(f"Source {SCRIPT} http://evil.example/page")}, {_q(f"Source {RTL}")}]
    effects: [{{add: {{tension: 30}}}}, {{set: {{mood: "<b>angry</b>"}}}}]
  - id: second
    title: {_q(f"Second {MD}")}
    text: {_q(f"{RTL} — {EMOJI}")}
    after: {{event: first, delay: 30d}}
    when: tension >= 30
    outcomes:
      - id: good
        title: {_q(f"Good {SCRIPT}")}
        weight: 2
        effects: [{{set: {{free: false}}}}]
      - id: bad
        title: {_q(f"Bad {IMG}")}
        weight: 1
        effects: [{{set: {{mood: "# wild"}}}}]
  - id: third
    title: {_q(f"Third {RTL}")}
    text: {_q(f"Third text {SCRIPT}")}
    between: [1951-01-01, 1951-06-30]
    when: free
    effects: [{{add: {{tension: 20}}}}]
  - id: latent
    title: {_q(f"Latent {EMOJI}")}
    text: {_q(f"Never {MD}")}
    when: false
branches:
  - id: no-first
    label: {_q(f"No first {SCRIPT}")}
    description: {_q(f"Branch desc {IMG}")}
    divergences: [{{suppress: first, label: {_q(f"Suppress {MD}")}}}]
  - id: bad-outcome
    label: {_q(f"Bad {RTL} {EMOJI}")}
    divergences: [{{outcome: {{second: bad}}}}]
  - id: forced
    parent: bad-outcome
    label: {_q(f"Forced {BIDI}")}
    divergences: [{{force: latent, on: 1951-02-01}}]
"""
