"""Edits to a scenario model, shared by the command line (`fork`, `rm-branch`) and the app's forms.

Every function here works on a copy: it returns a new Scenario (validated with build_program) and
never changes the one it was given, so an undo is just going back to the old object.
"""
from __future__ import annotations

import copy
import re
import unicodedata

from .dates import parse_date
from .errors import ExplorerError, ScenarioError, UnknownName, did_you_mean
from .loader import ID_RE
from .model import BASELINE, Branch, Divergence, EventRule, Scenario, Variable
from .program import build_program, check_value


class EditError(ExplorerError):
    """An edit that cannot be made; the message says why in one line."""


def clone(scenario: Scenario) -> Scenario:
    sc = copy.deepcopy(scenario)
    sc.__dict__.pop("_program", None)
    return sc


def validate(scenario: Scenario) -> Scenario:
    """Check the edited model with the loader's own rules; raise EditError with the first message."""
    try:
        build_program(scenario)
    except ScenarioError as e:
        raise EditError(problem_text(e)) from None
    return scenario


def problem_text(e: ScenarioError) -> str:
    p = e.problems[0]
    more = f" (and {len(e.problems) - 1} more)" if len(e.problems) > 1 else ""
    return (f"{p.path}: {p.message}" if p.path else p.message) + more


# --- names ------------------------------------------------------------------------------------

# words a shortened id does not end on: "the-us-invades-in" reads as cut off, "the-us-invades" does not
_DANGLING = {"a", "an", "and", "as", "at", "by", "for", "from", "in", "into", "of", "on", "or", "the", "to",
             "with", "without", "but", "not", "than", "its", "his", "her", "their", "does", "do", "did",
             "is", "are", "was", "were", "has", "have", "had", "will", "would", "never"}
_NEGATIONS = {"not", "never", "no", "without", "fails"}
_MONTHS = {"january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december"}


def slug(text: str) -> str:
    """A branch or scenario id from a label: accents transliterated (Gaitán -> gaitan), whole words,
    at most 40 characters, never ending on a word that leaves the phrase hanging."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    plain = re.sub(r"(?<=\w)['’](?=\w)", "", plain)  # Mercader's -> mercaders, not mercader-s
    s = re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")
    if len(s) > 40:  # whole words, at most 40 characters
        full = s.split("-")
        cut = s[:41].rfind("-")
        s = s[:cut] if cut > 10 else s[:40]
        words = s.split("-")
        if _NEGATIONS & set(full[len(words):]) and words[0] != "no":
            # "X does not happen" cut to "x-does" would say the opposite: "no-x" keeps the meaning
            words = ["no"] + words
            while len("-".join(words)) > 40 and len(words) > 2:
                words.pop()
        while len(words) > 2 and (words[-1] in _DANGLING or words[-1] in _MONTHS or words[-1].isdigit()):
            words.pop()  # nor on a date cut in two: "...-happens-on-24-may" (of "on 24 May 1942")
        s = "-".join(words)
    s = s.rstrip("-")
    if not s or not s[0].isalpha():
        s = "branch-" + s if s else "branch"
    return s


def unique_id(base: str, taken) -> str:
    taken = set(taken)
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def new_branch_id(scenario: Scenario, label: str) -> str:
    return unique_id(slug(label), scenario.branch_ids)


def check_branch_id(scenario: Scenario, bid: str) -> None:
    if not ID_RE.match(bid or ""):
        raise EditError(f"'{bid}' is not a branch id; use letters, digits, _ . - (start with a letter)")
    if scenario.branch(bid) is not None:
        raise EditError(f"there is already a branch '{bid}'; choose another id")


def need_branch(scenario: Scenario, bid: str) -> Branch:
    b = scenario.branch(bid)
    if b is None:
        raise UnknownName(f"no branch '{bid}'{did_you_mean(bid, scenario.branch_ids)}; "
                          f"branches: {', '.join(scenario.branch_ids)}")
    return b


def need_event(scenario: Scenario, eid: str) -> EventRule:
    r = scenario.event(eid)
    if r is None:
        raise UnknownName(f"no event '{eid}'{did_you_mean(eid, [e.id for e in scenario.events])}")
    return r


def need_outcome(rule: EventRule, oid: str) -> None:
    if rule.outcome(oid) is None:
        choices = [o.id for o in rule.outcomes]
        raise UnknownName(f"event '{rule.id}' has no outcome '{oid}'{did_you_mean(oid, choices)}"
                          + (f"; outcomes: {', '.join(choices)}" if choices else "; it has no outcomes"))


def need_variable(scenario: Scenario, name: str) -> Variable:
    v = scenario.variables.get(name)
    if v is None:
        raise UnknownName(f"no variable '{name}'{did_you_mean(name, scenario.variables)}")
    return v


def parse_value(var: Variable, text: str):
    """A value typed as text, read by the variable's type; ValueError with a clear message."""
    t = text.strip()
    if var.type == "bool":
        low = t.lower()
        if low in ("true", "yes", "on", "1"):
            return True
        if low in ("false", "no", "off", "0"):
            return False
        raise ValueError(f"{var.name} is true or false, not '{text}'")
    if var.type == "number":
        try:
            value = int(t)
        except ValueError:
            try:
                value = float(t)
            except ValueError:
                raise ValueError(f"{var.name} is a number, not '{text}'") from None
        if (var.min is not None and value < var.min) or (var.max is not None and value > var.max):
            lo = "" if var.min is None else f"{var.min:g}"
            hi = "" if var.max is None else f"{var.max:g}"
            raise ValueError(f"{var.name} lies in {lo}..{hi}; {t} is outside")
        return value
    if var.type == "enum":
        if t in var.values:
            return t
        raise ValueError(f"'{t}' is not a value of {var.name}{did_you_mean(t, var.values)}; "
                         f"values: {', '.join(var.values)}")
    return text


def format_value(value) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def parse_date_arg(text: str, scenario: Scenario):
    try:
        d = parse_date(text)
    except ValueError as e:
        raise EditError(str(e)) from None
    if not scenario.start <= d <= scenario.end:
        raise EditError(f"{d} lies outside the scenario ({scenario.start} to {scenario.end})")
    return d


# --- branch edits -----------------------------------------------------------------------------

def fork(scenario: Scenario, parent: str, label: str, divergences: list[Divergence],
         branch_id: str | None = None, description: str = "") -> tuple[Scenario, str]:
    """A copy of `scenario` with a new child branch of `parent`; returns (scenario, new branch id)."""
    need_branch(scenario, parent)
    if not divergences:
        raise EditError("a branch needs at least one divergence")
    label = (label or "").strip()
    if not label:
        raise EditError("give the branch a label")
    bid = branch_id or new_branch_id(scenario, label)
    check_branch_id(scenario, bid)
    sc = clone(scenario)
    sc.branches.append(Branch(bid, parent, label, description, copy.deepcopy(list(divergences))))
    return validate(sc), bid


def children(scenario: Scenario, bid: str) -> list[str]:
    return [b.id for b in scenario.branches if b.parent == bid]


def descendants(scenario: Scenario, bid: str) -> list[str]:
    """Every branch below `bid`, in file order."""
    out: set[str] = set()
    frontier = [bid]
    while frontier:
        cur = frontier.pop()
        for k in children(scenario, cur):
            if k not in out:
                out.add(k)
                frontier.append(k)
    return [b.id for b in scenario.branches if b.id in out]


def subtree_phrase(scenario: Scenario, bid: str) -> str:
    """'2 child branches (a, b)' or '1 child branch (a) and 3 branches below it in all (a, b, c)'."""
    kids = children(scenario, bid)
    below = descendants(scenario, bid)
    k = f"{len(kids)} child branch{'es' if len(kids) != 1 else ''}"
    if len(below) == len(kids):
        return f"{k} ({', '.join(kids)})"
    return f"{k} and {len(below)} branches below it in all ({', '.join(below)})"


def remove_branch(scenario: Scenario, bid: str, recursive: bool = False) -> tuple[Scenario, list[str]]:
    """A copy without the branch (and, with `recursive`, its descendants); returns (scenario, removed)."""
    need_branch(scenario, bid)
    if bid == BASELINE:
        raise EditError("the baseline cannot be removed")
    below = descendants(scenario, bid)
    if below and not recursive:
        raise EditError(f"branch '{bid}' has {subtree_phrase(scenario, bid)}; add --recursive to remove "
                        f"{'them' if len(below) > 1 else 'it'} as well")
    gone = {bid, *below}
    sc = clone(scenario)
    sc.branches = [b for b in sc.branches if b.id not in gone]
    return validate(sc), [b for b in scenario.branch_ids if b in gone]


def update_branch(scenario: Scenario, bid: str, *, label: str | None = None, parent: str | None = None,
                  description: str | None = None, divergences: list[Divergence] | None = None,
                  new_id: str | None = None) -> Scenario:
    """A copy with the branch's label, parent, description, divergences or id changed."""
    need_branch(scenario, bid)
    if bid == BASELINE:
        raise EditError("the baseline has no divergences to edit")
    sc = clone(scenario)
    b = sc.branch(bid)
    if label is not None:
        if not label.strip():
            raise EditError("give the branch a label")
        b.label = label.strip()
    if description is not None:
        b.description = description
    if parent is not None and parent != b.parent:
        need_branch(sc, parent)
        if parent == bid or parent in descendants(sc, bid):
            raise EditError(f"'{parent}' lies below '{bid}'; a branch cannot move under itself")
        b.parent = parent
    if divergences is not None:
        if not divergences:
            raise EditError("a branch needs at least one divergence")
        b.divergences = copy.deepcopy(list(divergences))
    if new_id is not None and new_id != bid:
        check_branch_id(sc, new_id)
        b.id = new_id
        for other in sc.branches:
            if other.parent == bid:
                other.parent = new_id
    return validate(sc)


# --- rule and variable edits ------------------------------------------------------------------

def replace_event(scenario: Scenario, old_id: str | None, rule: EventRule) -> Scenario:
    """A copy with the event `old_id` replaced by `rule` (or `rule` appended when old_id is None)."""
    sc = clone(scenario)
    rule = copy.deepcopy(rule)
    if old_id is None:
        if sc.event(rule.id) is not None:
            raise EditError(f"there is already an event '{rule.id}'")
        sc.events.append(rule)
    else:
        need_event(sc, old_id)
        if rule.id != old_id and sc.event(rule.id) is not None:
            raise EditError(f"there is already an event '{rule.id}'")
        sc.events = [rule if e.id == old_id else e for e in sc.events]
    return validate(sc)


def replace_variable(scenario: Scenario, old_name: str | None, var: Variable) -> Scenario:
    """A copy with the variable `old_name` replaced by `var` (kept in place), or `var` added."""
    sc = clone(scenario)
    var = copy.deepcopy(var)
    if old_name is not None:
        need_variable(sc, old_name)
    if var.name != old_name and var.name in sc.variables:
        raise EditError(f"there is already a variable '{var.name}'")
    problem = check_value(var, var.initial)
    if problem:
        raise EditError(f"initial value: {problem}")
    if old_name is None:
        sc.variables[var.name] = var
    else:
        sc.variables = {(var.name if k == old_name else k): (var if k == old_name else v)
                        for k, v in sc.variables.items()}
    return validate(sc)
