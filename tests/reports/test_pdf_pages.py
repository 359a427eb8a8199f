"""The bundled scenario's whole PDF read back as its reader gets it: pdftotext (what search, copy and
paste and screen readers see) and the words' positions on the page. Each line of text is on one page
only: Qt drew the lines next to a page break on both pages, clipped out of sight on one of them but
still in the file's text (88 of 281 page breaks repeated a line). Also: no heading alone at a page's
foot, no ligature characters in the text, no line of only source marks."""
import re
import subprocess
import sys

import pytest

from helpers import ROOT, pdf_pages, pdftotext

BUNDLED = ROOT / "explorer" / "scenarios" / "trotsky_mexico.yaml"


@pytest.fixture(scope="module")
def bundled_pdf(tmp_path_factory):
    """`what-if report` of the bundled scenario, every branch, as a user runs it."""
    import os
    out = tmp_path_factory.mktemp("pdf") / "trotsky.pdf"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    r = subprocess.run([sys.executable, "-m", "explorer", "report", str(BUNDLED), "--format", "pdf", "-o", str(out)],
                       cwd=ROOT, capture_output=True, text=True, timeout=300, env=env)
    assert r.returncode == 0, r.stderr
    return out


def _norm(line: str) -> str:
    return re.sub(r"\s+", " ", line).strip()


def test_no_line_at_a_page_foot_is_repeated_at_the_next_head(bundled_pdf):
    n = pdf_pages(bundled_pdf)
    assert n > 100
    pages = [[_norm(line) for line in page.splitlines() if line.strip()]
             for page in pdftotext(bundled_pdf, layout=True).split("\f")[:n]]
    repeated = []
    for k in range(n - 1):
        body = pages[k][1 if k else 0:-1]  # without the running head (not on the title page) and foot
        nxt = pages[k + 1][:2]  # the running head (a clipped line could share its row) and the first line
        if body and body[-1] in nxt:
            repeated.append((k + 1, body[-1]))
    assert not repeated, f"{len(repeated)} lines on two pages, e.g. {repeated[:3]}"


WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">(.*?)</word>')


def test_running_head_and_foot_bands_hold_only_the_head_and_foot(bundled_pdf):
    """Text clipped out of sight still sits in the file, here in the margins around the body (a
    line of the page before or after): the bands of the running head and foot hold their own words
    and nothing else, in one row each."""
    import html

    from explorer.reports.pdf import FOOT_PT, HEAD_PT, MARGINS_MM
    mm = 72 / 25.4
    head_end = MARGINS_MM[1] * mm + HEAD_PT * 2.6  # points; the head and foot are 2.6 of their size
    foot_height = MARGINS_MM[3] * mm + FOOT_PT * 2.6
    out = subprocess.run(["pdftotext", "-bbox", str(bundled_pdf), "-"], check=True, capture_output=True,
                         text=True, timeout=120).stdout
    pages = re.findall(r'<page width="[\d.]+" height="([\d.]+)">(.*?)</page>', out, re.S)
    n = len(pages)
    assert n > 100
    stray = []
    for k, (height, words) in enumerate(pages, start=1):
        words = [(float(y0), float(x0), html.unescape(t)) for x0, y0, y1, t in WORD.findall(words)
                 if (float(y0) + float(y1)) / 2 < head_end or (float(y0) + float(y1)) / 2 > float(height) - foot_height]
        head = sorted(w for w in words if w[0] < head_end)
        foot = sorted(w for w in words if w[0] > head_end)
        rows = {round(y) for y, _, _ in head}, {round(y) for y, _, _ in foot}
        foot_text = " ".join(t for _, _, t in sorted(foot, key=lambda w: w[1]))
        head_text = " ".join(t for _, _, t in sorted(head, key=lambda w: w[1]))
        if len(rows[1]) != 1 or not re.fullmatch(rf"What-If Explorer Page {k} of {n} Exported \d+ [A-Z][a-z]+ \d{{4}}",
                                                 foot_text):
            stray.append((k, "foot", foot_text))
        if k > 1 and (len(rows[0]) != 1 or not re.fullmatch(r"Trotsky's Mexico( .+)?", head_text)) or k == 1 and head:
            stray.append((k, "head", head_text))
    assert not stray, f"{len(stray)} pages with stray text, e.g. {stray[:3]}"


H2 = {"Path of divergences", "Chronology", "Narrative", "What changed", "World variables",
      "Why the new events happened", "What did not happen, and why not", "Sources"}


def _heading(line: str) -> bool:
    """A line of pdftotext that is one of the template's headings: a section's, a year of the
    narrative, 'Against the parent: …', 'Also lapsed here, as in the parent', a why entry ('title ·
    date · new') or a why-not entry ('title · window closed date')."""
    return (line in H2 or bool(re.fullmatch(r"1[89]\d\d|20\d\d", line)) or line.startswith("Against the ")
            or line.endswith("lapsed here, as in the parent")
            or bool(re.search(r" · \d+ [A-Z][a-z]+ \d{4} · (new|changed|same)$", line))
            or bool(re.search(r" · (window closed|chance failed|gone) \d+ \w+ \d{4}( · happened in the parent)?$", line)))


def test_no_heading_is_left_at_the_foot_of_a_page(bundled_pdf):
    """A heading is on the page where its text begins (17 were alone at a page's foot: years of the
    narrative, why and why-not entries)."""
    n = pdf_pages(bundled_pdf)
    pages = [[_norm(line) for line in page.splitlines() if line.strip()]
             for page in pdftotext(bundled_pdf, layout=True).split("\f")[:n]]
    assert sum(_heading(line) for page in pages for line in page) > 500  # the check sees the headings
    orphans = [(k, page[-2]) for k, page in enumerate(pages[:-1], start=1)
               if len(page) > 2 and _heading(page[-2])]  # page[-1] is the foot
    assert not orphans, orphans


def test_text_reads_in_plain_letters(bundled_pdf):
    """No typographic ligature in the text: a reader searching for "fighting" or copying "office"
    finds the letters, not U+FB01 'ﬁ' or U+FB03 'ﬃ' (1,216 lines had one)."""
    raw = subprocess.run(["pdftotext", "-enc", "UTF-8", str(bundled_pdf), "-"], check=True, capture_output=True,
                         text=True, timeout=120).stdout
    assert "fighting" in raw and "office" in raw
    assert not re.findall(r"\w*[\ufb00-\ufb06]\w*", raw)


def test_source_marks_stay_with_their_sentence(bundled_pdf):
    """A narrative paragraph's source marks ("turns.[34][35]") end its last line; they were a line of
    their own at the end of 28 paragraphs."""
    text = pdftotext(bundled_pdf, layout=True)
    assert len(re.findall(r"\.\[\d+\]", text)) > 100
    alone = re.findall(r"^[ \t]*(?:\[\d+\])+[ \t]*(?:NEW|CHANGED)?[ \t]*$", text, re.M)
    assert not alone, alone[:5]


def test_a_branch_id_is_never_broken_across_lines(bundled_pdf):
    """The id under a branch's heading is what a reader types after `what-if run --branch`: it stays on
    one line with its words ("dies-1940-" / "us-backs-ponce" was broken at a hyphen)."""
    from explorer.core import load_scenario
    ids = {b.id for b in load_scenario(BUNDLED).branches if b.id != b.label}
    text = pdftotext(bundled_pdf, layout=True)
    found = re.findall(r"\bid ([\w-]+)\s*$", text, re.M)  # the meta line ends with the id
    assert set(found) == ids, sorted(set(found) ^ ids)
    assert not re.search(r"\bid\s*$", text, re.M)
