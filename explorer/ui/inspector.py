"""The inspector: the selected event's story, effects, sources and its "Why?" / "Why not?" chains.

Links are clickable: an event in a why-chain selects that event, a divergence selects the branch that
made it. With no event selected it summarises the branch (divergences, differences, world changes).
All explanations come from `Workspace.why` / `Workspace.why_not` / `Workspace.diff`.

Like the other tabbed panes it works only while it can be seen (panes.LazyPane): behind the World or
Causes tab it writes no page (3-15 ms of HTML and layout a selection) and catches up when brought to
the front.
"""
from __future__ import annotations

import html

from urllib.parse import unquote

from PySide6.QtCore import QEvent, QRect, Qt, QUrl
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QLabel, QTextBrowser, QVBoxLayout, QWidget

from ..core.errors import ExplorerError
from ..core.explain import divergence_words
from ..core.prose import cause_words, failed_read_words, reason_words, timing_words, value_words, var_words
from . import style
from .history import History, fmt_value
from .panes import LazyPane
from .selection import BRANCH, COMPARE, EVENT, Selection

MAX_CAUSES = 80
MAX_DEPTH = 6

CSS = f"""
body {{ color: {style.TEXT}; }}
h2 {{ font-size: 15pt; margin: 0 0 2px 0; font-weight: 600; }}
h3 {{ font-size: 9pt; color: {style.TEXT_MUTED}; margin: 12px 0 3px 0; font-weight: 600; }}
a {{ color: {style.ACCENT}; text-decoration: none; }}
.meta {{ color: {style.TEXT_MUTED}; }}
.muted {{ color: {style.TEXT_MUTED}; }}
.narr {{ margin: 6px 0 4px 0; }}
code {{ font-family: 'DejaVu Sans Mono', monospace; font-size: 9pt; background: #f1f4f8; }}
.fail {{ background: #fde4e2; color: #b42318; font-weight: 600; }}
.hold {{ color: {style.TEXT}; }}
td {{ padding: 1px 8px 1px 0; }}
li {{ margin: 1px 0; }}
"""


def esc(s) -> str:
    return html.escape(str(s or ""), quote=True)


def pill(status: str, text: str | None = None) -> str:
    c = style.STATUS_COLORS.get(status, style.TEXT_MUTED)
    return (f"<span style='color:{c}; font-weight:600'>&#9679; {esc(text or style.STATUS_LABELS.get(status, status))}"
            f"</span>")


class Inspector(LazyPane, QWidget):
    def __init__(self, selection: Selection, parent=None):
        super().__init__(parent)
        self.selection = selection
        self.history: History | None = None
        self.show_conditions = False  # authors' view: the rules' raw conditions and ids
        self.title = QLabel("Inspector")
        self.title.setObjectName("paneTitle")
        self.browser = QTextBrowser()
        self.browser.setObjectName("inspectorBrowser")
        self.browser.setOpenLinks(False)
        self.browser.setOpenExternalLinks(False)
        # a scroll bar that came and went with each text resized the page and laid the text out twice
        self.browser.setVerticalScrollBarPolicy(Qt.ScrollBarAlwaysOn)
        self.browser.document().setDefaultStyleSheet(CSS)
        self.browser.document().setDocumentMargin(10)
        self.browser.document().setIndentWidth(16)  # deep why-chains stay readable in a narrow pane
        self.browser.anchorClicked.connect(self._link)
        self.browser.highlighted.connect(self._hover_link)
        self.browser.installEventFilter(self)  # Up/Down step through the links, Enter follows one
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        self.title.hide()  # the dock's tab names the pane
        lay.addWidget(self.browser, 1)
        selection.changed.connect(lambda what: (BRANCH in what or EVENT in what or COMPARE in what)
                                  and self.refresh())  # the cursor alone changes nothing here

    def set_history(self, history: History) -> None:
        self.history = history
        self.refresh()

    # --- rendering -------------------------------------------------------------------------------

    def refresh(self) -> None:
        h = self.history
        if h is None:
            return
        if self.put_off():  # written when the pane is shown
            return
        self._stale = False
        bid, key = self.selection.branch, self.selection.event
        if not h.has_branch(bid):
            self.browser.setHtml("")
            return
        tl = h.try_timeline(bid)
        if tl is None:
            self._set(f"<h2>{esc(h.label(bid))}</h2><p class='fail'>This branch cannot be computed: "
                      f"{esc(h.error(bid))}</p>")
            return
        try:
            if key is None:
                body = self._branch_html(bid, tl)
            else:
                body = self._event_html(bid, tl, key)
        except ExplorerError as e:
            body = f"<p class='fail'>{esc(e)}</p>"
        self._set(body)

    _undated_kids = False  # the branch page lists children whose fork date was not known yet

    def forks_known(self) -> None:
        """More branches were computed: the branch page's "Branches from here" can take its date order."""
        if self._undated_kids and self.selection.event is None:
            bar = self.browser.verticalScrollBar().value()
            self.refresh()
            self.browser.verticalScrollBar().setValue(bar)

    def _set(self, body: str) -> None:
        self.browser.setHtml(f"<html><body>{body}</body></html>")

    def html(self) -> str:
        return self.browser.toHtml()

    def _ev_link(self, bid: str, event: str, occurrence: int, text: str) -> str:
        return f"<a href='ev:{esc(bid)}/{esc(event)}/{occurrence}'>{esc(text)}</a>"

    def _br_link(self, bid: str, text: str | None = None) -> str:
        return f"<a href='br:{esc(bid)}'>{esc(text or self.history.label(bid))}</a>"

    def _branch_html(self, bid: str, tl) -> str:
        h = self.history
        b = h.ws.branch(bid)
        out = [f"<h2>{esc(b.label or b.id)}</h2>"]
        meta = []
        if b.parent:
            fork = h.fork(bid)
            meta.append(f"forks from {self._br_link(b.parent)}" + (f" on {fork}" if fork else ""))
        else:
            meta.append("the root of every branch")
        meta.append(f"{len(tl.firings):,} events")
        out.append(f"<p class='meta'>{' · '.join(meta)}</p>")
        if b.description:
            out.append(f"<p class='narr'>{esc(b.description)}</p>")
        if not b.parent and h.scenario.description and h.scenario.description != b.description:
            out.append(f"<p class='narr'>{esc(h.scenario.description)}</p>")
        own = tl.own_divergences
        if own:
            out.append("<h3>Divergences</h3><ul>")
            for d in own:
                dv = d.divergence
                link = ""
                if dv.event and tl.happened(dv.event):
                    f = tl.firing(dv.event)
                    link = " — " + self._ev_link(bid, f.event, f.occurrence, tl.title(f.event, f.outcome))
                out.append(f"<li><span style='color:{style.DIVERGENCE}'>&#9670;</span> {d.date} "
                           f"{esc(divergence_words(tl, d))}{link}</li>")
            out.append("</ul>")
        other = h.other(bid, self.selection.compare)
        d = h.diff(bid, other) if other else None
        if d is not None:
            c = d.counts()
            out.append(f"<h3>Against {esc(h.label(other))}</h3>")
            pills = [pill(k, f"{c[k]:,} {k}") for k in ("new", "changed", "gone") if c[k]]  # as the timeline
            out.append("<p>" + " &nbsp; ".join(pills) +
                       f" &nbsp; <span class='muted'>{c['same']:,} {style.STATUS_LABELS['same']}</span></p>")
            shown = 0
            items = []
            for e in d.differences:
                if shown >= 12:
                    break
                shown += 1
                sym = {"gone": "−", "new": "+", "changed": "~"}[e.status]
                color = style.STATUS_COLORS[e.status]
                link = self._ev_link(bid, e.event, e.occurrence, e.title)
                if e.status == "gone":
                    link = f"<s>{link}</s>"
                items.append(f"<tr><td style='color:{color}; font-weight:600'>{sym}</td>"
                             f"<td class='muted'>{e.when}</td><td>{link}</td></tr>")
            if items:
                more = len(d.differences) - shown
                out.append("<table>" + "".join(items) + "</table>")
                if more > 0:
                    out.append(f"<p class='muted'>… and {more:,} more in the timeline</p>")
            out.append(self._world_diff_html(d))
        # earliest fork first, as the outline; a child not computed yet has no fork date: last, in the
        # file's order, until forks_known() rewrites the page
        forks = {k: h.fork(k) for k in h.ws.children(bid)}
        kids = sorted(forks, key=lambda k: (forks[k] is None, forks[k] or h.scenario.end))  # stable
        self._undated_kids = any(f is None for f in forks.values())
        if kids:
            out.append("<h3>Branches from here</h3><ul>")
            for k in kids:
                f = h.fork(k)
                out.append(f"<li>{self._br_link(k)}" + (f" <span class='muted'>{f}</span>" if f else "") + "</li>")
            out.append("</ul>")
        out.append("<p class='muted'>Select an event in the timeline to see why it happened.</p>")
        return "".join(out)

    def _world_diff_html(self, d) -> str:
        """The variables whose end values differ, then one line for those that only took another course."""
        sc = self.history.scenario
        ends, others = d.end_differences, d.course_only
        if not ends and not others:
            return ""
        out = ["<h3>World differences at the end</h3>"]
        for v in ends[:14]:
            out.append(f"<p style='margin:1px 0'>{esc(v.label)}: <span class='muted'>"
                       f"{esc(value_words(sc, v.var, v.other_final))} &rarr;</span> "
                       f"<b>{esc(value_words(sc, v.var, v.final))}</b>"
                       f" <span class='muted'>(differs from {v.first_difference or '—'})</span></p>")
        if len(ends) > 14:
            out.append(f"<p class='muted'>… and {len(ends) - 14} more</p>")
        if others:
            n = len(others)
            names = ", ".join(esc(v.label) for v in others[:6]) + (f" and {n - 6} more" if n > 6 else "")
            out.append(f"<p class='muted'>{'Another' if ends else 'No end value differs;'} "
                       f"{n} variable{'s' if n != 1 else ''} took another course but ended the same: {names}.</p>")
        return "".join(out)

    def _event_html(self, bid: str, tl, key) -> str:
        h = self.history
        event, occ = key
        rule = tl.rule(event)
        if rule is None:
            return f"<p class='muted'>No event <code>{esc(event)}</code> in this scenario.</p>"
        f = tl.firing(event, occ)
        other = h.other(bid, self.selection.compare)
        d = h.diff(bid, other) if other else None
        if f is not None:
            return self._fired_html(bid, tl, rule, f, d)
        return self._not_fired_html(bid, tl, rule, key, d)

    def _fired_html(self, bid, tl, rule, f, d) -> str:
        h = self.history
        status = d.status_of(f.index) if d is not None else "same"
        out = [f"<h2>{esc(tl.title(f.event, f.outcome))}</h2>"]
        meta = [f"{f.date}"]
        if d is not None:
            meta.append(pill(status) + (f" against {self._br_link(d.other)}" if d.other != h.parent(bid) else ""))
        meta.append(f"in {self._br_link(bid)}")
        if f.occurrence > 1:
            meta.append(f"occurrence {f.occurrence}")
        out.append(f"<p class='meta'>{' · '.join(meta)}</p>")
        if status == "changed" and d is not None:
            e = d.entry_of(f.index)
            if e is not None:
                bits = []
                if e.other_date != e.date:
                    bits.append(f"in {esc(h.label(d.other))} it happened on {e.other_date}")
                if e.other_outcome != e.outcome:
                    bits.append(f"there its outcome was <b>{esc(e.other_outcome or 'none')}</b>")
                out.append(f"<p style='color:{style.STATUS_COLORS['changed']}'>Changed: {'; '.join(bits)}.</p>")
        text = tl.text(f)  # the variant that applied in this branch
        if text:
            out.append(f"<p class='narr'>{esc(text)}</p>")
        if f.outcome:
            o = rule.outcome(f.outcome)
            otitle = o.title if o and o.title else f.outcome
            if otitle not in tl.title(f.event, f.outcome):
                out.append(f"<p><b>Outcome:</b> {esc(otitle)}</p>")
            otext = tl.outcome_text(f)
            if otext:
                out.append(f"<p class='narr'>{esc(otext)}</p>")
        if f.changes or f.scheduled or f.cancelled:
            out.append("<h3>Effects</h3>")
            sc = h.scenario
            for c in f.changes:  # an effect that finds its value already there "stays" (no arrow)
                was = "stays" if c.old == c.new else f"{esc(value_words(sc, c.var, c.old))} &rarr;"
                out.append(f"<p style='margin:1px 0'>{esc(var_words(sc, c.var))}: <span class='muted'>"
                           f"{was}</span> <b>{esc(value_words(sc, c.var, c.new))}</b></p>")
            for s in f.scheduled:
                out.append(f"<p style='margin:1px 0'>schedules {self._event_ref(bid, tl, s, f)}</p>")
            for s in f.cancelled:
                out.append(f"<p style='margin:1px 0'>cancels {self._event_ref(bid, tl, s, None)}</p>")
        out.append(self._why_html(bid, tl, f))
        out.append(self._tags_sources(rule))
        return "".join(out)

    def _event_ref(self, bid, tl, event_id: str, by) -> str:
        """A link to an event this one schedules or cancels: the occurrence it led to, else the event
        (which then explains why it did not happen)."""
        occ = 1
        if by is not None:
            g = next((g for g in tl.firings_of(event_id) if g.caused_by == by.index), None)
            if g is not None:
                occ = g.occurrence
        return self._ev_link(bid, event_id, occ, tl.title(event_id))

    def _condition_html(self, condition: str, latent: bool) -> str:
        """The rule's raw condition for authors, one click away from the prose."""
        if latent or condition in ("true", "True"):
            return ""
        if not self.show_conditions:
            return "<p><a href='cond:show' class='muted'>Show the rule's condition</a></p>"
        return (f"<p><span class='muted'>when</span> <code>{esc(condition)}</code> &nbsp;"
                f"<a href='cond:hide'>hide</a></p>")

    def _why_html(self, bid, tl, f) -> str:
        why = self.history.ws.why(bid, f.event, f.occurrence)
        sc = self.history.scenario
        rule = tl.rule(f.event)
        out = ["<h3>Why?</h3>"]
        budget = [MAX_CAUSES]

        def walk(causes, depth) -> str:
            if not causes or budget[0] <= 0:
                return ""
            items, seen_here = [], set()
            for c in causes:
                sig = (c.kind, c.via, c.title, c.index)
                if sig in seen_here:  # the same read twice (a named condition and the rule): once is enough
                    continue
                seen_here.add(sig)
                if budget[0] <= 0:
                    items.append("<li class='muted'>…</li>")
                    break
                budget[0] -= 1
                when = f" <span class='muted'>{c.date}</span>" if c.date else ""
                if c.kind == "event" and c.index is not None:
                    src = tl.firings[c.index]
                    target = self._ev_link(bid, src.event, src.occurrence, c.title) + when
                elif c.kind == "divergence" and c.index is not None and c.index < len(tl.divergences):
                    ad = tl.divergences[c.index]
                    target = (f"<span style='color:{style.DIVERGENCE}'>&#9670;</span> "
                              f"<a href='dv:{esc(ad.branch)}/{c.index}'>{esc(divergence_words(tl, ad))}</a>{when}")
                    if ad.branch != bid:
                        target += f" <span class='muted'>in {esc(self.history.label(ad.branch))}</span>"
                else:
                    target = "<span class='muted'>the initial world</span>"
                before, after = cause_words(sc, c)
                if c.kind == "initial":
                    line = esc(before)
                else:
                    line = (f"{esc(before)} " if before else "") + target + (f" {esc(after)}" if after else "")
                seen = " <span class='muted'>(see above)</span>" if c.repeated else ""
                sub = walk(c.causes, depth + 1) if depth < MAX_DEPTH else ""
                items.append(f"<li>{line}{seen}{sub}</li>")
            return "<ul>" + "".join(items) + "</ul>"

        chain = walk(why.causes, 0)
        out.append(chain or "<p class='muted'>Nothing led to it but its own timing: its condition always held.</p>")
        out.append(self._condition_html(why.condition, rule is not None and rule.latent))
        if why.roots:
            roots = []
            for r in why.roots:
                if r.kind == "divergence" and r.index is not None and r.index < len(tl.divergences):
                    ad = tl.divergences[r.index]
                    roots.append(f"<span style='color:{style.DIVERGENCE}'>&#9670;</span> "
                                 f"<a href='dv:{esc(ad.branch)}/{r.index}'>{esc(divergence_words(tl, ad))}</a>")
                elif r.kind == "initial":
                    continue  # the initial world is where every chain starts: not worth a line each
                else:
                    roots.append(esc(r.title))
            if roots:
                out.append(f"<p><span class='muted'>Root causes:</span> {'; '.join(roots)}</p>")
        return "".join(out)

    def _not_fired_html(self, bid, tl, rule, key, d) -> str:
        h = self.history
        event, occ = key
        gone = None
        if d is not None:
            gone = next((e for e in d.gone if (e.event, e.occurrence) == (event, occ)), None)
        out = [f"<h2><s>{esc(gone.title if gone else rule.title)}</s></h2>"]
        if gone is not None:
            parent = d.other
            out.append(f"<p class='meta'>{pill('gone')} · happened on {gone.other_date} in "
                       f"{self._ev_link(parent, event, occ, h.label(parent))}; not in "
                       f"{self._br_link(bid)}</p>")
        else:
            out.append(f"<p class='meta'>does not happen in {self._br_link(bid)}</p>")
        text = rule.text
        if gone is not None:  # as it read where it did happen
            ptl = h.ws.timeline(d.other)
            pf = ptl.firing(event, occ)
            text = ptl.text(pf) if pf is not None else text
        if text:
            out.append(f"<p class='narr'>{esc(text)}</p>")
        wn = h.ws.why_not(bid, event)
        out.append("<h3>Why not?</h3><ul>")
        for r in wn.reasons:
            out.append(f"<li>{esc(self._reason_words(wn, r))}</li>")
        sub = wn.follows  # an `after:` follower: its predecessor's own why-not, nested
        while sub is not None:
            out.append(f"<ul><li>Why did “{esc(sub.title)}” not happen?<ul>"
                       + "".join(f"<li>{esc(self._reason_words(sub, r))}</li>" for r in sub.reasons)
                       + "".join(f"<li>{x}</li>" for x in self._failed_reads(bid, tl, sub))
                       + "</ul></li></ul>")
            sub = sub.follows
        out.append("</ul>")
        if wn.failed:
            out.append("<p>What it needed did not hold:</p><ul>")
            out += [f"<li>{x}</li>" for x in self._failed_reads(bid, tl, wn)]
            out.append("</ul>")
        tested = wn  # its own failed terms, else the first tested predecessor's (an `after:` chain)
        while tested is not None and not tested.failed:
            tested = tested.follows
        if tested is not None:
            failed = tested.failed
            if self.show_conditions:
                cond = tested.condition
                whose = "" if tested is wn else f"“{esc(tested.title)}” "
                out.append(f"<p><span class='muted'>{whose}when</span> <code>{highlight(cond, failed)}</code>"
                           f" &nbsp;<a href='cond:hide'>hide</a></p>")
                for t in failed:
                    out.append(f"<p><span class='fail'>false</span> <code>{esc(t.source)}</code></p>")
            else:
                out.append("<p><a href='cond:show' class='muted'>Show the rule's condition</a></p>")
        out.append(self._tags_sources(rule))
        return "".join(out)

    def _failed_reads(self, bid, tl, wn) -> list[str]:
        """The values a why-not's failed terms saw, in prose (prose.failed_read_words), each with who set
        it; the raw terms stay behind "Show the rule's condition"."""
        sc = self.history.scenario
        writers = {r.var: r.writer for r in wn.lapse.reads} if wn.lapse is not None else {}
        out = []
        for t in wn.failed:
            for name, value, who in t.reads:
                words = esc(failed_read_words(sc, name, value, t.source))
                if name in sc.variables:
                    out.append(f"{words}, {self._who(bid, tl, writers.get(name, 'x'), who)}")
                elif who and who != "it had not happened":  # the words say so already
                    out.append(f"{words}{' ' if name.startswith('happened(') else ', '}{esc(who)}")
                else:
                    out.append(words)
        return out

    def _reason_words(self, wn, reason: str) -> str:
        """A why-not reason as the reader reads it, in the reports' words (prose.reason_words)."""
        return reason_words(self.history.scenario, wn, reason)

    def _who(self, bid, tl, writer, text) -> str:
        """Who set a value a failed term saw, as a link where there is somewhere to go."""
        if isinstance(writer, int) and writer >= 0 and writer < len(tl.firings):
            f = tl.firings[writer]
            return f"set by {self._ev_link(bid, f.event, f.occurrence, tl.title(f.event, f.outcome))} on {f.date}"
        if isinstance(writer, int) and writer < 0 and -writer - 1 < len(tl.divergences):
            ad = tl.divergences[-writer - 1]
            return (f"set by the divergence <a href='dv:{esc(ad.branch)}/{ad.k}'>{esc(divergence_words(tl, ad))}</a>"
                    f" on {ad.date}")
        if writer is None or text == "initial world":
            return "from the start"
        return esc(text)

    def _tags_sources(self, rule) -> str:
        out = []
        if rule.tags:
            out.append("<h3>Tags</h3><p>" + " &nbsp; ".join(
                f"<span style='background:#eef2f7; color:{style.TEXT_MUTED}'>&nbsp;{esc(t)}&nbsp;</span>"
                for t in rule.tags) + "</p>")
        if rule.sources:
            out.append("<h3>Sources</h3><ul>" + "".join(f"<li>{esc(s)}</li>" for s in rule.sources) + "</ul>")
        when = esc(timing_words(self.history.scenario, rule.timing))
        ident = f"event <code>{esc(rule.id)}</code> · " if self.show_conditions else ""
        out.append(f"<p class='muted'>{ident}can happen {when}</p>")  # its timing; "tested" was the engine's word
        return "".join(out)

    # --- links -----------------------------------------------------------------------------------

    def _link(self, url: QUrl) -> None:
        # toString() keeps the percent-encoding of ids with odd characters; unquote gives them back
        # (toString(FullyDecoded) is not permitted and printed a warning on every click)
        self.follow(unquote(url.toString()))

    def follow(self, target: str) -> None:
        h = self.history
        kind, _, rest = target.partition(":")
        if kind == "cond":
            self.show_conditions = rest == "show"
            bar = self.browser.verticalScrollBar().value()
            self.refresh()
            self.browser.verticalScrollBar().setValue(bar)
            return
        if kind == "ev":
            bid, event, occ = rest.split("/")
            if not h.has_branch(bid):
                return
            tl = h.try_timeline(bid)
            f = tl.firing(event, int(occ)) if tl is not None else None
            self.selection.select_branch(bid, (event, int(occ)), cursor=f.date if f else None)
        elif kind == "br":
            if h.has_branch(rest):
                self.selection.select_branch(rest)
        elif kind == "dv":
            bid, k = rest.split("/")
            if not h.has_branch(bid):
                return
            tl = h.try_timeline(bid)
            event = None
            if tl is not None and int(k) < len(tl.divergences):
                ad = tl.divergences[int(k)]
                dv = ad.divergence
                if dv.kind == "force" and dv.event and tl.happened(dv.event):
                    f = tl.firing(dv.event)
                    event = (f.event, f.occurrence)
                self.selection.select_branch(bid, event, cursor=ad.date)
            else:
                self.selection.select_branch(bid)

    def eventFilter(self, obj, ev) -> bool:
        if obj is self.browser and ev.type() == QEvent.KeyPress and not ev.modifiers() & (
                Qt.ControlModifier | Qt.AltModifier | Qt.ShiftModifier):
            if ev.key() in (Qt.Key_Down, Qt.Key_Up):
                # QTextBrowser moves its keyboard-highlighted anchor this way (Tab is the pane's)
                if not self.browser.focusNextPrevChild(ev.key() == Qt.Key_Down):
                    self.browser.setFocus()
                return True
            if ev.key() in (Qt.Key_Return, Qt.Key_Enter):
                href = self._anchor_at_cursor()
                if href:
                    self.follow(unquote(href))
                    return True
        return False

    def _anchor_at_cursor(self) -> str:
        c = self.browser.textCursor()
        if not c.hasSelection():
            return ""
        probe = QTextCursor(c)
        probe.setPosition(min(c.position(), c.anchor()) + 1)
        return probe.charFormat().anchorHref()

    def _hover_link(self, url) -> None:
        text = url.toString() if hasattr(url, "toString") else str(url)
        self.browser.setToolTip("Go there" if text else "")

    def link_rect(self, target_prefix: str) -> QRect | None:
        """Viewport rectangle of the first link whose target starts with `target_prefix` (for tests)."""
        doc = self.browser.document()
        block = doc.begin()
        while block.isValid():
            it = block.begin()
            while not it.atEnd():
                frag = it.fragment()
                if frag.isValid() and frag.charFormat().isAnchor() and \
                        frag.charFormat().anchorHref().startswith(target_prefix):
                    c = QTextCursor(doc)
                    c.setPosition(frag.position())
                    r1 = self.browser.cursorRect(c)
                    c.setPosition(frag.position() + min(2, frag.length()))
                    r2 = self.browser.cursorRect(c)
                    if r2.top() != r1.top():
                        r2 = r1.translated(6, 0)
                    return QRect(r1.left() + 1, r1.top(), max(r2.left() - r1.left(), 4), r1.height())
                it += 1
            block = block.next()
        return None

    def links(self) -> list[str]:
        out = []
        doc = self.browser.document()
        block = doc.begin()
        while block.isValid():
            it = block.begin()
            while not it.atEnd():
                frag = it.fragment()
                if frag.isValid() and frag.charFormat().isAnchor():
                    out.append(frag.charFormat().anchorHref())
                it += 1
            block = block.next()
        return out


def highlight(condition: str, failed) -> str:
    """The condition with each failed term marked; terms from named conditions are listed after it."""
    spans = []
    missing = []
    for t in failed:
        i = condition.find(t.source)
        if i >= 0:
            spans.append((i, i + len(t.source)))
        else:
            missing.append(t.source)
    spans.sort()
    out, pos = [], 0
    for a, b in spans:
        if a < pos:
            continue
        out.append(esc(condition[pos:a]))
        out.append(f"<span class='fail'>{esc(condition[a:b])}</span>")
        pos = b
    out.append(esc(condition[pos:]))
    text = "".join(out)
    if missing:
        text += " &nbsp;<span class='muted'>→</span> " + " and ".join(
            f"<span class='fail'>{esc(m)}</span>" for m in missing)
    return text
