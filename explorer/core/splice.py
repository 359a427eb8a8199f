"""Splicing an edited scenario into the text it was loaded from, touching nothing else.

`splice(text, base, target, fine)` composes `text` with PyYAML (every node keeps its character span),
compares the model `base` (read from `text`) with the edited `target` section by section, and
rewrites only what differs: a changed value in place, an added or removed key or list item as its
own lines. New YAML comes from `explorer.core.emit`. `fine=True` patches values inside items;
`fine=False` re-emits whole changed items (the coarser fallback). A splice that cannot be made
raises `Conflict`; the caller (`explorer.core.saving`) verifies the result by loading it again.
"""
from __future__ import annotations

from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from .emit import (META_KEYS, TOP_KEYS, WIDTH, block_value, branch_data, entry_text, flow, item_text,
                   listed, literal_block, meta_data, prefers_block, rule_data, scalar, variable_data, key_text)
from .fastyaml import compose_nodes
from .model import Scenario


class Conflict(Exception):
    """A splice that cannot be made at this granularity."""


_MISSING = object()


class _Splice:
    """Edits (start, end, new text) on the original text; applied at once, never overlapping."""

    def __init__(self, text: str, fine: bool):
        self.text = text
        self.fine = fine
        self.nl = "\r\n" if "\r\n" in text else "\n"
        self.edits: list[tuple[int, int, str]] = []

    # positions
    def line_start(self, i: int) -> int:
        return self.text.rfind("\n", 0, i) + 1

    def line_end(self, i: int) -> int:
        j = self.text.find("\n", i)
        return len(self.text) if j < 0 else j + 1

    def end(self, node) -> int:
        """Where the node's own text ends (block collections' marks run on to the next token)."""
        if isinstance(node, ScalarNode):
            e = node.end_mark.index
            if node.style in ("|", ">"):
                seg = self.text[node.start_mark.index:e]
                e = node.start_mark.index + len(seg.rstrip())
            return e
        if node.flow_style:
            return node.end_mark.index
        if isinstance(node, MappingNode):
            return self.end(node.value[-1][1]) if node.value else node.end_mark.index
        return self.end(node.value[-1]) if node.value else node.end_mark.index

    def only_space_before(self, i: int) -> bool:
        return self.text[self.line_start(i):i].strip() == ""

    def dash_of(self, item) -> int:
        """The `-` that opens a block sequence item."""
        i = item.start_mark.index - 1
        while i >= 0 and self.text[i] in " \t\r\n":
            i -= 1
        if i < 0 or self.text[i] != "-":
            raise Conflict("cannot find the item's dash")
        return i

    def item_span(self, item) -> tuple[int, int]:
        dash = self.dash_of(item)
        if not self.only_space_before(dash):
            raise Conflict("item does not start its line")
        return self.line_start(dash), self.line_end(self.end(item))

    def entry_span(self, key, value) -> tuple[int, int]:
        if not self.only_space_before(key.start_mark.index):
            raise Conflict("entry does not start its line")
        return self.line_start(key.start_mark.index), self.line_end(self.end(value))

    # edits
    def replace(self, start: int, end: int, new: str) -> None:
        if self.nl != "\n":
            new = new.replace("\r\n", "\n").replace("\n", self.nl)
        self.edits.append((start, end, new))

    def insert(self, at: int, new: str) -> None:
        """Insert `new` (whole lines) at `at`. An edit never adds or drops the file's final newline:
        at the end of a file without one, the new lines go after a line break and end without one,
        so removing them again gives back the same bytes."""
        if at == len(self.text) and self.text and not self.text.endswith("\n"):
            new = "\n" + (new[:-1] if new.endswith("\n") else new)
        self.replace(at, at, new)

    def blank_line_before(self, i: int) -> int:
        """The start of the blank line just above the line holding `i`, if there is one (insertions
        set items and sections apart with one blank line; removals take one away)."""
        s = self.line_start(i)
        if s > 0:
            prev = self.line_start(s - 1)
            if not self.text[prev:s].strip():
                return prev
        return s

    def blank_line_after(self, e: int) -> int:
        """The end of the blank line starting at line start `e`, if it is one."""
        if e < len(self.text):
            nxt = self.line_end(e)
            if not self.text[e:nxt].strip():
                return nxt
        return e

    def lines_removal(self, s: int, e: int) -> tuple[int, int]:
        """Whole lines [s, e) to delete; when they run to the end of a file without a final newline,
        the line break before them goes too (the one an insertion there added)."""
        if e == len(self.text) and not self.text.endswith("\n") and s > 0:
            s -= 2 if self.text[:s].endswith("\r\n") else 1
        return s, e

    def remove_items(self, items: list, group: list[int]) -> None:
        """Delete consecutive items `group` of a block sequence with the blank line that sets them
        apart, so that a removed item that was added (after a blank line, or at the end of a file
        without a final newline) leaves exactly the text from before it was added."""
        a, b = group[0], group[-1]
        first, _ = self.item_span(items[a])
        _, last = self.item_span(items[b])
        if a > 0 or b == len(items) - 1:
            s, e = self.lines_removal(self.blank_line_before(first), last)
        else:  # the first items of the list: the blank lines after them go, the key's line stays
            s, e = first, self.blank_line_after(last)
        self.replace(s, e, "")

    def result(self) -> str:
        edits = sorted(enumerate(self.edits), key=lambda e: (e[1][0], e[1][1] != e[1][0], e[0]))
        out, pos = [], 0
        for _, (s, e, new) in edits:
            if s < pos:
                raise Conflict("overlapping edits")
            out.append(self.text[pos:s])
            out.append(new)
            pos = e
        out.append(self.text[pos:])
        return "".join(out)

    # values
    def colon_after(self, key) -> int:
        i = self.text.find(":", key.end_mark.index)
        if i < 0:
            raise Conflict("no colon after key")
        return i

    def replace_value(self, key, node, new, in_flow: bool) -> None:
        """Rewrite one value in place, keeping the node's style where it can."""
        s, e = node.start_mark.index, self.end(node)
        if in_flow:
            self.replace(s, e, flow(new) if isinstance(new, (dict, list)) else scalar(new, True))
            return
        if isinstance(node, ScalarNode) and not isinstance(new, (dict, list)):
            style = node.style if node.style in ("'", '"') else None
            if node.style in ("|", ">") and isinstance(new, str):
                text = literal_block(new, self._indent_for(key, node))
                if text is not None:
                    self.replace(s, e, text)
                    return
                style = '"'
            if node.value == "" and node.style is None:  # an empty value `key:`
                self.replace(s, e, " " + scalar(new))
                return
            self.replace(s, e, scalar(new, False, style if isinstance(new, str) else None))
            return
        col = node.start_mark.column
        block_node = isinstance(node, (MappingNode, SequenceNode)) and not node.flow_style
        if isinstance(new, (dict, list)) and new:
            room = WIDTH - (key.start_mark.column + len(str(key.value)) + 2 if key is not None else col + 2)
            if block_node or prefers_block(new, room):
                if block_node:
                    self.replace(s, e, "\n".join(block_value(new, col)))
                    return
                if key is None:  # a sequence item: the mapping goes on the dash line
                    self.replace(s, e, "\n".join(block_value(new, col)))
                    return
                ind = key.start_mark.column + 2
                lines = block_value(new, ind)
                c = self.colon_after(key)
                self.replace(c + 1, e, "\n" + " " * ind + "\n".join(lines))
                return
        text = flow(new) if isinstance(new, (dict, list)) else scalar(new)
        if block_node and key is not None:
            c = self.colon_after(key)
            self.replace(c + 1, e, " " + text)
        else:
            self.replace(s, e, text)

    def _indent_for(self, key, node) -> int:
        return (key.start_mark.column if key is not None else node.start_mark.column - 2) + 2

    def patch_value(self, key, node, old, new, in_flow: bool) -> None:
        if self.fine and isinstance(node, MappingNode) and isinstance(old, dict) and isinstance(new, dict) \
                and old and new and node.value \
                and any(isinstance(k, ScalarNode) and k.value in new for k, _ in node.value):
            self.patch_mapping(node, old, new, list(new), in_flow or bool(node.flow_style))
            return
        if self.fine and isinstance(node, SequenceNode) and isinstance(old, list) and isinstance(new, list) \
                and old and new and len(node.value) == len(old):
            fl = in_flow or bool(node.flow_style)
            if len(old) == len(new):
                for item, o, n in zip(node.value, old, new):
                    if o != n:
                        self.patch_value(None, item, o, n, fl)
                return
            if len(new) > len(old) and new[:len(old)] == old:
                extra = sum(len(flow(x)) + 2 for x in new[len(old):])
                e = self.end(node)
                line_len = len(self.text[self.line_start(e):self.line_end(e)].rstrip())
                if not fl or in_flow or line_len + extra <= WIDTH + 10:
                    self.append_items(node, new[len(old):], fl)
                    return
            if len(new) == len(old) - 1 and len(old) > 1:
                for i in range(len(old)):
                    if old[:i] + old[i + 1:] == new:
                        self.delete_item(node, i, fl)
                        return
        self.replace_value(key, node, new, in_flow)

    def append_items(self, seq, items: list, in_flow: bool) -> None:
        last = seq.value[-1]
        if in_flow:
            self.insert(self.end(last), "".join(", " + flow(x) for x in items))
            return
        dash = self.dash_of(last)
        col = dash - self.line_start(dash)
        self.insert(self.line_end(self.end(last)), "".join(item_text(x, col) for x in items))

    def delete_item(self, seq, i: int, in_flow: bool) -> None:
        items = seq.value
        if in_flow:
            if len(items) == 1:
                self.replace(seq.start_mark.index, seq.end_mark.index, "[]")
            elif i == 0:
                self.replace(items[0].start_mark.index, items[1].start_mark.index, "")
            else:
                self.replace(self.end(items[i - 1]), self.end(items[i]), "")
            return
        if len(items) == 1:
            raise Conflict("would empty a block sequence")
        s, e = self.item_span(items[i])
        self.replace(s, e, "")

    def patch_mapping(self, node, old: dict, new: dict, order, in_flow: bool) -> None:
        pairs = {}
        for k, v in node.value:
            if not isinstance(k, ScalarNode):
                raise Conflict("complex key")
            pairs[k.value] = (k, v)
        keys = list(order) + [k for k in old if k not in order]
        for k in keys:
            o, n = old.get(k, _MISSING), new.get(k, _MISSING)
            if o is not _MISSING and o == n:
                continue
            if n is _MISSING:
                if k in pairs:
                    self.delete_pair(node, k, in_flow)
                continue
            if k in pairs:
                kn, vn = pairs[k]
                self.patch_value(kn, vn, o if o is not _MISSING else None, n, in_flow)
            else:
                self.insert_pair(node, k, n, list(order), in_flow)

    def insert_pair(self, node, key: str, value, order: list, in_flow: bool) -> None:
        pairs = [(k.value, k, v) for k, v in node.value]
        present = [p[0] for p in pairs]
        anchor = None
        if key in order:
            for k in reversed(order[:order.index(key)]):
                if k in present:
                    anchor = pairs[present.index(k)]
                    break
        if in_flow:
            text = f"{key_text(key, True)}: {flow(value) if isinstance(value, (dict, list)) else scalar(value, True)}"
            if anchor is None:
                self.insert(pairs[0][1].start_mark.index, text + ", ")
            else:
                self.insert(self.end(anchor[2]), ", " + text)
            return
        col = node.start_mark.column
        if anchor is None and self.only_space_before(pairs[0][1].start_mark.index):
            self.insert(self.line_start(pairs[0][1].start_mark.index), entry_text(key, value, col))
            return
        if anchor is None:
            anchor = pairs[0]
        self.insert(self.line_end(self.end(anchor[2])), entry_text(key, value, col))

    def delete_pair(self, node, key: str, in_flow: bool) -> None:
        pairs = list(node.value)
        idx = next(i for i, (k, _) in enumerate(pairs) if k.value == key)
        k, v = pairs[idx]
        if len(pairs) == 1:
            raise Conflict("would empty a mapping")
        if in_flow:
            if idx == 0:
                self.replace(k.start_mark.index, pairs[1][0].start_mark.index, "")
            else:
                self.replace(self.end(pairs[idx - 1][1]), self.end(v), "")
            return
        if self.only_space_before(k.start_mark.index):
            self.replace(self.line_start(k.start_mark.index), self.line_end(self.end(v)), "")
        else:  # the first key of a `- key: value` item: pull the next key up onto the dash line
            self.replace(k.start_mark.index, pairs[idx + 1][0].start_mark.index, "")


def _scalar_key_map(node) -> dict:
    return {k.value: (k, v) for k, v in node.value if isinstance(k, ScalarNode)}


def splice(text: str, base: Scenario, target: Scenario, fine: bool) -> str:
    sp = _Splice(text, fine)
    root = compose_nodes(text)  # libyaml's composer when available: same nodes, 8-10x faster
    if not isinstance(root, MappingNode):
        raise Conflict("top level is not a mapping")
    top = _scalar_key_map(root)

    # scenario: key by key
    if meta_data(base) != meta_data(target):
        k, node = top["scenario"]
        sp.patch_mapping(node, meta_data(base), meta_data(target), list(META_KEYS), bool(node.flow_style))

    _splice_mapping_section(sp, root, top, "variables",
                            {n: variable_data(v) for n, v in base.variables.items()},
                            {n: variable_data(v) for n, v in target.variables.items()})
    _splice_mapping_section(sp, root, top, "conditions", dict(base.conditions), dict(target.conditions))
    _splice_seq_section(sp, root, top, "events",
                        [(r.id, rule_data(r)) for r in base.events],
                        [(r.id, rule_data(r)) for r in target.events])
    _splice_seq_section(sp, root, top, "branches",
                        [(b.id, branch_data(b)) for b in base.branches if listed(b)],
                        [(b.id, branch_data(b)) for b in target.branches if listed(b)])
    return sp.result()


def _new_section(sp: _Splice, root, top: dict, name: str, body: str) -> None:
    """Add a missing top-level section after the sections that precede it in the documented order."""
    before = TOP_KEYS[:TOP_KEYS.index(name)]
    present = [k for k in before if k in top]
    if present and name != "branches":
        _, node = top[present[-1]]
        at = sp.line_end(sp.end(node))
    else:
        at = len(sp.text)
    lead = "" if at == 0 else "\n"  # one blank line before the section (insert adds a missing break)
    sp.insert(at, lead + f"{name}:\n" + body)


def _remove_section(sp: _Splice, key, node) -> bool:
    """Delete a whole top-level block section (`branches:` and all its items) with the blank line
    before it, when nothing but its items lives there; False when a comment would go with it."""
    s = sp.line_start(key.start_mark.index)
    if key.start_mark.column != 0:
        return False
    e = sp.item_span(node.value[-1])[1]
    inside = [(sp.item_span(x)) for x in node.value]
    pos = sp.line_end(s)
    if sp.text[sp.colon_after(key) + 1:pos].strip():
        return False  # a comment on the key's line
    for a, b in inside:
        if sp.text[pos:a].strip():
            return False  # a comment line between the items
        pos = b
    s, e = sp.lines_removal(sp.blank_line_before(s), e)
    sp.replace(s, e, "")
    return True


def _item_order(old_ids: list, new_ids: list) -> tuple[dict, set, list]:
    """Pair old and new items: by id, then leftovers at the same position; keep only an increasing run."""
    pairs: dict[int, int] = {}
    old_pos = {}
    for i, x in enumerate(old_ids):
        old_pos.setdefault(x, i)
    used = set()
    for j, x in enumerate(new_ids):
        if x in old_pos and old_pos[x] not in used:
            pairs[j] = old_pos[x]
            used.add(old_pos[x])
    left_old = [i for i in range(len(old_ids)) if i not in used]
    left_new = [j for j in range(len(new_ids)) if j not in pairs]
    for j in left_new:
        if j in left_old and old_ids[j] not in new_ids:
            pairs[j] = j
            used.add(j)
    # longest increasing run of old positions in new order; others become remove + add
    seq = sorted(pairs)
    best: list[list[int]] = []
    for j in seq:
        o = pairs[j]
        cand = max((b for b in best if pairs[b[-1]] < o), key=len, default=[])
        best.append(cand + [j])
    keep = max(best, key=len, default=[])
    pairs = {j: pairs[j] for j in keep}
    removed = set(range(len(old_ids))) - set(pairs.values())
    return pairs, removed, [j for j in range(len(new_ids)) if j not in pairs]


def _splice_seq_section(sp: _Splice, root, top: dict, name: str, old: list, new: list) -> None:
    if [d for _, d in old] == [d for _, d in new]:
        return
    entry = top.get(name)
    node = entry[1] if entry else None
    new_data = [d for _, d in new]
    if node is None or not isinstance(node, SequenceNode) or not node.value or node.flow_style:
        if node is not None and not isinstance(node, (SequenceNode, ScalarNode)):
            raise Conflict(f"{name} is not a list")
        if not new_data and node is None:
            return
        col = 2
        ev = top.get("events")
        if ev and isinstance(ev[1], SequenceNode) and ev[1].value and not ev[1].flow_style:
            d = sp.dash_of(ev[1].value[0])
            col = d - sp.line_start(d)
        body = "".join(item_text(x, col) for x in new_data)
        if node is None:
            _new_section(sp, root, top, name, body)
            return
        key = entry[0]
        c = sp.colon_after(key)
        if not new_data:
            sp.replace(c + 1, node.end_mark.index if node.flow_style or isinstance(node, SequenceNode)
                       else sp.end(node), " []")
            return
        e = node.end_mark.index if isinstance(node, SequenceNode) else sp.end(node)
        sp.replace(c + 1, e, "")
        sp.insert(sp.line_end(e), body)
        return
    items = node.value
    if len(items) != len(old):
        raise Conflict(f"{name}: the file and its model disagree")
    pairs, removed, added = _item_order([i for i, _ in old], [i for i, _ in new])
    if len(removed) == len(items) and not new_data:
        # no `branches:` with nothing under it: the section goes, as it came (a fork added it);
        # `events:` must stay a list, and a section with comments of its own keeps them
        if name == "events" or not _remove_section(sp, entry[0], node):
            sp.insert(sp.colon_after(entry[0]) + 1, " []")
            for i in removed:
                s, e = sp.item_span(items[i])
                sp.replace(s, e, "")
        return
    groups: list[list[int]] = []
    for i in sorted(removed):
        if groups and groups[-1][-1] == i - 1:
            groups[-1].append(i)
        else:
            groups.append([i])
    for group in groups:
        sp.remove_items(items, group)
    for j, i in pairs.items():
        o, n = old[i][1], new[j][1]
        if o == n:
            continue
        it = items[i]
        if sp.fine:
            sp.patch_mapping(it, o, n, list(n), False) if isinstance(it, MappingNode) and not it.flow_style \
                else sp.replace_value(None, it, n, bool(getattr(it, "flow_style", False)))
        else:
            if isinstance(it, MappingNode) and not it.flow_style:
                sp.replace(it.start_mark.index, sp.end(it), "\n".join(block_value(n, it.start_mark.column)))
            else:
                sp.replace_value(None, it, n, False)
    if not added:
        return
    d0 = sp.dash_of(items[0])
    col = d0 - sp.line_start(d0)
    gap = ""
    if len(items) >= 2:
        between = sp.text[sp.item_span(items[0])[1]:sp.item_span(items[1])[0]]
        if between and all(ln.strip() == "" for ln in between.splitlines()):
            gap = "\n"
        elif "\n\n" in between or between.startswith("\n"):
            gap = "\n"
    # group consecutive new items after the kept item before them
    kept = sorted(pairs)
    groups: dict[int | None, list[int]] = {}
    for j in added:
        prev = [k for k in kept if k < j]
        groups.setdefault(prev[-1] if prev else None, []).append(j)
    for anchor, js in groups.items():
        texts = [item_text(new[j][1], col) for j in js]
        if anchor is None:
            if kept:
                first_kept = items[pairs[kept[0]]]
                at = sp.item_span(first_kept)[0]
                sp.insert(at, "".join(t + gap for t in texts))
            else:
                at = sp.item_span(items[-1])[1]
                sp.insert(at, "".join(gap + t for t in texts) if gap else "".join(texts))
        else:
            at = sp.item_span(items[pairs[anchor]])[1]
            sp.insert(at, "".join(gap + t for t in texts))


def _splice_mapping_section(sp: _Splice, root, top: dict, name: str, old: dict, new: dict) -> None:
    if old == new and list(old) == list(new):
        return
    entry = top.get(name)
    node = entry[1] if entry else None
    if node is None or not isinstance(node, MappingNode) or not node.value or node.flow_style:
        if node is not None and isinstance(node, MappingNode) and node.flow_style and node.value \
                and set(old) == set(new):
            pass  # changed values only: patched in place below
        else:
            if not new and node is None:
                return
            body = "".join(entry_text(k, v, 2) for k, v in new.items())
            if node is None:
                _new_section(sp, root, top, name, body)
                return
            c = sp.colon_after(entry[0])
            if not new:
                sp.replace(c + 1, sp.end(node), " {}")
                return
            e = sp.end(node)
            sp.replace(c + 1, e, "")
            sp.insert(sp.line_end(e), body)
            return
    pairs = _scalar_key_map(node)
    in_flow = bool(node.flow_style)
    col = node.start_mark.column
    value_cols = {v.start_mark.column for _, (k, v) in pairs.items()
                  if v.start_mark.line == k.start_mark.line}
    value_col = value_cols.pop() if len(value_cols) == 1 else None
    removed = [k for k in old if k not in new]
    for k in removed:
        kn, vn = pairs[k]
        if in_flow:
            sp.delete_pair(node, k, True)
        else:
            s, e = sp.entry_span(kn, vn)
            sp.replace(s, e, "")
    for k, v in new.items():
        if k in old and old[k] != v:
            kn, vn = pairs[k]
            if sp.fine:
                sp.patch_value(kn, vn, old[k], v, in_flow)
            else:
                sp.replace_value(kn, vn, v, in_flow)
    added = [k for k in new if k not in old]
    if not added:
        return
    if in_flow:
        raise Conflict("adding to a flow mapping section")
    keys = list(new)
    groups: dict[str | None, list[str]] = {}
    for k in added:
        prev = [x for x in keys[:keys.index(k)] if x in old and x not in removed]
        groups.setdefault(prev[-1] if prev else None, []).append(k)
    for anchor, ks in groups.items():
        text = "".join(entry_text(k, new[k], col, value_col) for k in ks)
        if anchor is None:
            survivors = [x for x in old if x not in removed]
            if survivors:
                kn, _ = pairs[survivors[0]]
                sp.insert(sp.line_start(kn.start_mark.index), text)
            else:
                kn, vn = pairs[list(old)[-1]]
                sp.insert(sp.entry_span(kn, vn)[1], text)
        else:
            kn, vn = pairs[anchor]
            sp.insert(sp.line_end(sp.end(vn)), text)
