"""The timeline's rows, plain Python over the core's Timeline (no Qt object made or touched): a
branch's firings read as the table shows them (`read_rows`) and built into `Row`s with their status
against another branch, the other's gone events merged in at their dates (`build_rows`). Another thread may call these: the app's branch
worker reads and builds the rows of the branch a user waits for, with its pause hook, and the
table's model (ui/timeline_view.py) installs them."""
from __future__ import annotations

from . import style


class Row:
    __slots__ = ("key", "date", "title", "outcome", "tags", "status", "index", "note", "haystack", "narr")

    def __init__(self, key, date, title, outcome, tags, status, index, note="", narr=""):
        self.key, self.date, self.title, self.outcome = key, date, title, outcome
        self.tags, self.status, self.index, self.note = tags, status, index, note
        self.haystack = None
        self.narr = narr



PAUSE_EVERY = 128  # rows between two calls of a `pause` hook (the branch worker's): about 1 ms


def read_rows(tl, pause=None) -> list[tuple]:
    """A branch's rows as the timeline reads them: (key, date, title, outcome, tags, index, text as it
    applied) per firing. Plain Python over the core's Timeline, so another thread may call it; that
    thread's `pause` hook is called every PAUSE_EVERY rows (the branch worker steps aside there: a
    2,600-event branch takes 11-17 ms)."""
    title, rule, narrative = tl.title, tl.rule, tl.narrative
    tags_of: dict[str, tuple] = {}
    out = []
    every = PAUSE_EVERY if pause is not None else len(tl.firings) + 1
    for n, f in enumerate(tl.firings, 1):
        tags = tags_of.get(f.event)
        if tags is None:
            r = rule(f.event)
            tags = tags_of[f.event] = tuple(r.tags) if r else ()
        out.append(((f.event, f.occurrence), f.date, title(f.event, f.outcome),
                    _outcome(rule, f.event, f.outcome), tags, f.index, narrative(f)))
        if n % every == 0:
            pause()
    return out


def build_rows(tl, d, reading: list[tuple], where: str, pause=None) -> tuple:
    """A branch's timeline rows (`Row`s, the parent's gone events merged in at their dates), their
    counts by status and whether the branch is a root (shown without statuses), from its rows as read
    (`read_rows`) and its diff `d` against the branch labelled `where` (None: a root). Plain Python,
    so the branch worker builds them off the GUI thread, its `pause` hook called between the parts."""
    rule = tl.rule
    every = PAUSE_EVERY * 4 if pause is not None else len(reading) + 1  # a Row is quicker than a read
    rows: list[Row] = []
    for i in range(0, len(reading), every):
        if d is None:
            same = style.SAME
            rows += [Row(key, date, title, outcome, tags, same, index, "", narr)
                     for key, date, title, outcome, tags, index, narr in reading[i:i + every]]
        else:
            status_of = d.status_of
            rows += [Row(key, date, title, outcome, tags, status_of(index), index, "", narr)
                     for key, date, title, outcome, tags, index, narr in reading[i:i + every]]
        if pause is not None:
            pause()
    if d is None:
        return rows, {"same": len(rows), "new": 0, "changed": 0, "gone": 0}, True
    changed = {(e.event, e.occurrence): e for e in d.changed}
    for r_ in rows:
        if r_.status == style.CHANGED:
            e = changed.get(r_.key)
            if e is not None:
                bits = []
                if e.other_date != e.date:
                    bits.append(f"was on {e.other_date}")
                if e.other_outcome != e.outcome:
                    bits.append(f"outcome was {_outcome(rule, e.event, e.other_outcome) or 'none'}")
                r_.note = "; ".join(bits)
    gone = []
    for e in d.gone:
        r = rule(e.event)
        gone.append(Row((e.event, e.occurrence), e.other_date, e.title, _outcome(rule, e.event, e.other_outcome),
                        tuple(r.tags) if r else (), style.GONE, None,
                        f"happened on {e.other_date} in {where}; not in this branch"))
    if gone:
        if pause is not None:
            pause()
        rows = _merge(rows, gone)
    return rows, d.counts(), False


def _outcome(rule, event_id: str, outcome_id: str | None) -> str:
    """An outcome as the reader sees it: its title, not its id."""
    if not outcome_id:
        return ""
    r = rule(event_id)
    o = r.outcome(outcome_id) if r is not None else None
    return (o.title or o.id) if o is not None else outcome_id


def _merge(rows: list[Row], gone: list[Row]) -> list[Row]:
    out = rows + gone
    out.sort(key=lambda r: (r.date, r.index if r.index is not None else -1))
    return out
