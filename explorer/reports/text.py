"""Text hygiene and Jinja filters shared by the report templates.

Every string a scenario author wrote is untrusted: it may hold HTML, `<script>`, Markdown control
characters, control characters, bidirectional overrides, right-to-left text or emoji. The HTML
environments autoescape (Jinja2) and isolate right-to-left runs in `<bdi>`; the Markdown environment
escapes Markdown control characters in every `{{ }}` output unless a template marks it `|md_raw`.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata

from markupsafe import Markup, escape

# C0/C1 controls except tab and newline, and the explicit bidi embeddings/overrides/isolates, which
# could reorder the text around them (a title that flips the line it sits in). Plain right-to-left
# letters are kept: the renderers lay them out with the Unicode bidi algorithm.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufeff\ufff9-\ufffb]")
_SPACE = re.compile(r"\s+")
_RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff\U00010800-\U00010fff\U0001e800-\U0001efff]")

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")


def clean(text) -> str:
    """The text without control and bidi-override characters, whitespace runs as one space.

    (Not stripped: templates' own fragments such as ", " pass through here too.)"""
    if text is None:
        return ""
    return _SPACE.sub(" ", _CONTROLS.sub("", str(text)))


def has_rtl(text: str) -> bool:
    return bool(_RTL.search(text))


def _date(value) -> dt.date | None:
    if not value:
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def short_date(value) -> str:
    """14 Oct 1962"""
    d = _date(value)
    return f"{d.day} {MONTHS[d.month - 1][:3]} {d.year}" if d else ""


def long_date(value) -> str:
    """14 October 1962"""
    d = _date(value)
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}" if d else ""


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else (many or word + 's')}"


STATUS_WORDS = {"same": "as before", "new": "new", "changed": "changed", "gone": "gone", None: ""}
KIND_WORDS = {"lapsed": "lapsed", "chance": "chance failed", "gone": "gone"}


def status_word(status) -> str:
    return STATUS_WORDS.get(status, str(status or ""))


# --- HTML -------------------------------------------------------------------------------------------

def html_finalize(value):
    """Applied to every `{{ }}` in the HTML templates before autoescaping: clean the text, and wrap
    right-to-left text in <bdi> so it cannot reorder the punctuation and dates around it."""
    if value is None:
        return ""
    if isinstance(value, Markup):
        return value
    if isinstance(value, str):
        text = clean(value)
        if has_rtl(text):
            return Markup("<bdi>") + escape(text) + Markup("</bdi>")
        return text
    return value


def html_attr(value) -> Markup:
    """Text for an attribute value (alt=, title=): cleaned and escaped, quotes included, no <bdi>."""
    return escape(clean(value))


# --- Markdown ---------------------------------------------------------------------------------------

class MdSafe(str):
    """Markdown a template built on purpose (not to be escaped again)."""


# Escaped anywhere: emphasis, code, links, images, HTML, tables, strike-through, math, entities.
_MD_ANYWHERE = re.compile(r"([\\`*_\[\]{}<>|~$&])")
# Escaped at the start of a line: headings, block quotes, lists, thematic breaks, setext underlines.
_MD_LINE_START = re.compile(r"^(\s*)([#>+\-=]|\d+(?=[.)]))")


def md_escape(value) -> str:
    """One line of Markdown that shows `value` literally."""
    if isinstance(value, MdSafe):
        return value
    text = clean(value)
    text = _MD_ANYWHERE.sub(r"\\\1", text)
    m = _MD_LINE_START.match(text)
    if m:
        lead, mark = m.group(1), m.group(2)
        if mark.isdigit():  # "1962. A year" would start an ordered list
            rest = text[m.end():]
            text = f"{lead}{mark}\\{rest}"
        else:
            text = f"{lead}\\{mark}{text[m.end():]}"
    if has_rtl(text):  # isolate it: first-strong-isolate ... pop-directional-isolate
        text = "\u2068" + text + "\u2069"
    return MdSafe(text)


def md_finalize(value):
    if value is None:
        return ""
    if isinstance(value, MdSafe):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return md_escape(value)


def md_raw(value) -> MdSafe:
    return MdSafe(value)


def md_url(path: str) -> MdSafe:
    """A relative link target: percent-encode what would end or confuse the link."""
    from urllib.parse import quote
    return MdSafe(quote(path.replace("\\", "/"), safe="/._-~"))


def slug(text: str, limit: int = 40) -> str:
    t = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    t = re.sub(r"[^A-Za-z0-9]+", "-", t).strip("-").lower()
    return t[:limit].strip("-") or "x"


FILTERS = {"short_date": short_date, "long_date": long_date, "plural": plural, "status_word": status_word,
           "clean": clean, "slug": slug}


# --- why-chains -------------------------------------------------------------------------------------

_LINKS = ("scheduled by", "followed", "repeats after", "forced by divergence")


def cause_parts(cause: dict) -> dict:
    """A why-chain node as words: {lead, title, tail}, the title to be set in bold (empty: no title).

    The report's data carries the reader's words (`lead`, `tail`: "Superpower tension was 100, set by"
    + title + " (20 Oct 1962)", "Needed" + title + " to have happened (…)", as the app says them);
    data without them (a report JSON written before they existed) falls back to the engine's `via`.
    """
    via, kind, title = cause.get("via") or "", cause.get("kind"), cause.get("title") or ""
    when = f" ({short_date(cause['date'])})" if cause.get("date") else ""
    if "lead" in cause:
        lead, tail = cause.get("lead") or "", cause.get("tail") or ""
        lead = lead[:1].upper() + lead[1:]
        if kind == "initial":  # "Superpower tension was 40 from the start": nothing to name
            return {"lead": lead, "title": "", "tail": ""}
        m = re.fullmatch(r'divergence "(.*)"', title)
        if kind == "divergence" and m and lead.endswith("divergence"):
            title = m.group(1)  # not "by the divergence divergence \"Roosevelt orders the invasion\""
        return {"lead": lead, "title": title, "tail": (f" {tail}" if tail else "") + when}
    if kind == "initial":
        return {"lead": f"{via}, as in", "title": "the initial world", "tail": ""}
    if via in _LINKS:
        return {"lead": via[:1].upper() + via[1:], "title": title, "tail": when}
    if via.startswith("happened("):
        return {"lead": "After", "title": title, "tail": when}
    if kind == "divergence":
        return {"lead": f"{via}, set by the", "title": title, "tail": when}
    return {"lead": f"{via}, set by", "title": title, "tail": when}


FILTERS["cause_parts"] = cause_parts
