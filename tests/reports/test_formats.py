"""Open what each format produced: HTML parsed, PDF read back with pdftotext, Markdown links
followed, JSON validated; and bad data cannot break or script any of them."""
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import ROOT
from helpers import decode_data_png, md_images, parse_html, pdf_page_size, pdf_pages, pdftotext

FULL = ["baseline", "no-photos", "air-strike", "strike-contained"]  # siblings by fork date


def export(ws, out, **kw):
    from explorer.reports import export_report
    return export_report(ws, out, **kw)


def png_decodes(data: bytes) -> bool:
    from PySide6.QtGui import QImage
    img = QImage()
    return img.loadFromData(data, "PNG") and img.width() > 100 and img.height() > 50


# --- HTML -------------------------------------------------------------------------------------------

def check_html_is_safe_and_self_contained(page):
    assert not page.tags("script"), "no <script> element at all"
    for tag in ("iframe", "object", "embed", "link", "base", "form", "meta"):
        for attrs in page.tags(tag):
            assert tag == "meta" and "http-equiv" not in attrs, (tag, attrs)
    for tag, attrs in page.elements:
        for name, value in attrs.items():
            assert not name.lower().startswith("on"), (tag, name, value)
            if name in ("src", "href", "srcset", "action", "poster", "background"):
                assert value.startswith("#") or value.startswith("data:image/png;base64,"), (tag, name, value)
    css = "".join(page.styles)
    assert "url(" not in css and "@import" not in css


def test_html_sections_images_and_no_external_urls(missiles_ws, gui, tmp_path):
    out = export(missiles_ws, tmp_path / "report.html")
    page = parse_html(out)
    check_html_is_safe_and_self_contained(page)
    from explorer.core.report import build_report
    data = build_report(missiles_ws)
    for c in data["contents"]:
        assert c["anchor"] in page.ids, c
    for b in data["branches"]:
        assert b["label"] in page.text
    for heading in ("Contents", "Comparison of outcomes", "Path of divergences", "Chronology", "Narrative",
                    "What changed", "World variables", "Why the new events happened",
                    "What did not happen, and why not", "Sources"):
        assert heading.lower() in page.text.lower(), heading
    imgs = page.tags("img")
    assert len(imgs) == sum(len(b["plots"]) for b in data["branches"]) > 0
    for attrs in imgs:
        assert png_decodes(decode_data_png(attrs["src"]))
        assert attrs.get("alt")
    html = out.read_text(encoding="utf-8")
    assert "@media print" in html and "@page" in html
    assert "14 Oct 1962" in page.text and "Kennedy orders air strikes" in page.text


def test_html_page_size_for_print(missiles_ws, gui, tmp_path):
    out = export(missiles_ws, tmp_path / "r.html", branches=["baseline"], page_size="letter")
    assert "size: Letter" in out.read_text(encoding="utf-8")


# --- PDF --------------------------------------------------------------------------------------------

def test_pdf_reads_back_with_labels_titles_dates_and_page_numbers(missiles_ws, gui, tmp_path):
    out = export(missiles_ws, tmp_path / "report.pdf")
    n = pdf_pages(out)
    assert n >= 4
    text = pdftotext(out)
    flat = re.sub(r"\s+", " ", text)
    for label in ("Baseline", "Kennedy orders air strikes", "The commanders hold fire",
                  "The U-2 flight is cancelled"):
        assert label in flat, label
    for title in ("U-2 photographs the missile sites", "Black Saturday", "The secret deal",
                  "Soviet commanders fire back"):
        assert title in flat, title
    for date in ("14 Oct 1962", "27 Oct 1962", "30 Aug 1963", "20 October 1962"):
        assert date in flat, date
    assert f"Page 1 of {n}" in flat and f"Page {n} of {n}" in flat
    assert "Thirteen Days" in flat and "Contents" in flat
    w, h = pdf_page_size(out)
    assert (round(w), round(h)) == (595, 842)


def test_pdf_letter(missiles_ws, gui, tmp_path):
    out = export(missiles_ws, tmp_path / "r.pdf", branches=["air-strike"], page_size="letter")
    w, h = pdf_page_size(out)
    assert (round(w), round(h)) == (612, 792)
    assert "Page 1 of" in pdftotext(out)


def test_pdf_contents_page_numbers_are_right(missiles_ws, gui, tmp_path):
    out = export(missiles_ws, tmp_path / "r.pdf")
    contents = pdftotext(out, layout=True).split("\f")[1]
    entries = dict(re.findall(r"^\s*(\d+\. .+?)\s{2,}(\d+)\s*$", contents, re.M))
    assert len(entries) == 4
    pages = pdftotext(out).split("\f")
    for label, page in entries.items():
        # the branch's heading opens the page the contents name
        assert label in re.sub(r"\s+", " ", pages[int(page) - 1]), (label, page)


# --- Markdown ---------------------------------------------------------------------------------------

def test_markdown_images_resolve(missiles_ws, gui, tmp_path):
    out = export(missiles_ws, tmp_path / "my report.md")
    text = out.read_text(encoding="utf-8")
    links = md_images(text)
    assert links
    from urllib.parse import unquote
    for link in links:
        assert not re.match(r"[a-z]+:", link), link
        target = out.parent / unquote(link)
        assert target.is_file(), link
        assert png_decodes(target.read_bytes())
    for heading in ("## Comparison of outcomes", "### Chronology", "### Narrative", "### What changed",
                    "### World variables", "### Why the new events happened", "### Sources"):
        assert heading in text
    assert "| 14 Oct 1962 | U-2 photographs the missile sites |" in text


def test_markdown_export_again_removes_stale_images(missiles_ws, gui, tmp_path):
    out = export(missiles_ws, tmp_path / "r.md")
    many = set((tmp_path / "r_plots").iterdir())
    export(missiles_ws, out, branches=["baseline"], variables=["tension"])
    left = set((tmp_path / "r_plots").iterdir())
    assert len(left) == 1 and left < many


# --- JSON -------------------------------------------------------------------------------------------

def test_json_is_the_data_and_validates(missiles_ws, validator, tmp_path):
    out = export(missiles_ws, tmp_path / "r.json")
    data = json.loads(out.read_text(encoding="utf-8"))
    validator.validate(data)
    assert [b["id"] for b in data["branches"]] == FULL


# --- bad data ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["html", "md", "pdf", "json"])
def test_hostile_scenario_exports_to_every_format(hostile_ws, gui, validator, tmp_path, fmt):
    from hostile import EMOJI, MD, RTL, SCRIPT
    out = export(hostile_ws, tmp_path / f"h.{fmt}")
    if fmt == "html":
        page = parse_html(out)
        check_html_is_safe_and_self_contained(page)
        assert SCRIPT in page.text  # shown as text
        assert RTL in page.text and EMOJI in page.text and MD in page.text
        assert "\u202e" not in out.read_text(encoding="utf-8")  # bidi overrides cannot reorder the page
        assert page.tags("bdi")  # right-to-left text isolated
        assert all(a.get("src", "").startswith("data:") for a in page.tags("img"))
    elif fmt == "md":
        text = out.read_text(encoding="utf-8")
        assert not re.search(r"(?<!\\)<(script|img|/script)", text)  # escaped: \<script\>
        assert "\\<script\\>" in text
        assert not re.search(r"(?<!\\)\]\(http", text)  # no live link or image to the outside
        for link in md_images(text):
            assert (out.parent / link).is_file()
        assert "\n# not a heading" not in text and "\n- not a list" not in text
        assert RTL in text
    elif fmt == "pdf":
        flat = re.sub(r"\s+", " ", pdftotext(out))
        assert SCRIPT in flat and "Page 1 of" in flat
        assert "First" in flat and "Bad" in flat
    else:
        data = json.loads(out.read_text(encoding="utf-8"))
        validator.validate(data)
        assert data["scenario"]["title"].startswith("Crisis " + SCRIPT)


# --- writing ----------------------------------------------------------------------------------------

def test_cancelled_export_leaves_the_old_file_and_no_temp(missiles_ws, gui, tmp_path):
    from explorer.core.report import ReportCancelled
    out = tmp_path / "r.pdf"
    out.write_bytes(b"old")
    seen = []

    def progress(done, total, message):
        seen.append(done)
        if done > 50:
            raise ReportCancelled("stop")
    with pytest.raises(ReportCancelled):
        export(missiles_ws, out, progress=progress)
    assert out.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.pdf"]
    assert seen == sorted(seen)


def test_progress_runs_to_100(missiles_ws, gui, tmp_path):
    seen = []
    export(missiles_ws, tmp_path / "r.html", progress=lambda d, t, m: seen.append((d, t)))
    assert seen[-1] == (100, 100)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_restyled_templates_take_precedence(missiles_ws, gui, tmp_path):
    tdir = tmp_path / "tpl"
    tdir.mkdir()
    (tdir / "report.html.j2").write_text("<p>{{ scenario.title }} {{ '<b>' }}</p>", encoding="utf-8")
    out = export(missiles_ws, tmp_path / "r.html", templates=tdir)
    assert out.read_text(encoding="utf-8") == "<p>Thirteen Days: the Cuban Missile Crisis &lt;b&gt;</p>"


# --- command line -----------------------------------------------------------------------------------

def run_cli(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "explorer", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120, env=_env())


def _env():
    import os
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


@pytest.mark.parametrize("suffix", ["html", "md", "pdf", "json"])
def test_cli_report(tmp_path, suffix):
    out = tmp_path / f"r.{suffix}"
    r = run_cli("report", "scenarios/missile_crisis.yaml", "--branch", "air-strike", "--branch",
                "strike-contained", "--var", "tension", "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert out.is_file() and out.stat().st_size > 500
    assert "Fatal" not in r.stderr


def test_cli_format_option_and_page_size(tmp_path):
    out = tmp_path / "report.data"
    r = run_cli("report", "scenarios/missile_crisis.yaml", "-o", str(out), "--format", "pdf",
                "--page-size", "letter")
    assert r.returncode == 0, r.stderr
    assert out.read_bytes().startswith(b"%PDF")
    assert tuple(map(round, pdf_page_size(out))) == (612, 792)


@pytest.mark.parametrize("args, message", [
    (["-o", "{tmp}/r.txt"], "cannot tell the report format"),
    (["-o", "{tmp}/nope/r.pdf"], "does not exist"),
    (["--branch", "nope", "-o", "{tmp}/r.pdf"], "no branch 'nope'"),
    (["--var", "tensoin", "-o", "{tmp}/r.pdf"], "did you mean 'tension'"),
    (["-o", "{tmp}"], "is a folder"),
])
def test_cli_user_mistakes_exit_2_with_one_line(tmp_path, args, message):
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    r = run_cli("report", "scenarios/missile_crisis.yaml", *args)
    assert r.returncode == 2
    assert message in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert "Traceback" not in r.stderr


def test_pdf_has_no_blank_pages(missiles_ws, gui, tmp_path):
    out = export(missiles_ws, tmp_path / "r.pdf")
    pages = pdftotext(out, layout=True).split("\f")[:pdf_pages(out)]
    assert len(pages) > 5
    for k, text in enumerate(pages, start=1):
        lines = [line for line in text.splitlines() if line.strip()]
        # the running head (not on the title page) and the foot are on every page: what is between?
        head, foot = lines[:1 if k > 1 else 0], lines[-1:]
        assert "Page" in foot[0] and (not head or "Thirteen Days" in head[0]), (k, head, foot)
        body = "\n".join(lines[len(head):-1]).strip()
        assert len(body) > 40, f"page {k} is empty"


def test_pdf_branch_starts_at_its_fork_with_the_parents_page(missiles_ws, gui, tmp_path):
    """A reader of the whole scenario finds each branch told from its fork on, with a reference back
    to the parent's section and the page it starts on; nothing of the shared history is repeated."""
    out = export(missiles_ws, tmp_path / "r.pdf")
    pages = [re.sub(r"[ \t]+", " ", p) for p in pdftotext(out).split("\f")]
    flat = [re.sub(r"\s+", " ", p) for p in pages]
    heads = {}  # "N. label" -> first page (1-based) where it opens a line, after the contents
    for k, page in enumerate(pages[2:], start=3):
        for m in re.finditer(r"^(\d+\. [^\n]+)$", page, re.M):
            heads.setdefault(m.group(1).strip(), k)
    child = next(k for k in heads if k.startswith("4. "))
    parent = next(k for k in heads if k.startswith("3. "))
    section = " ".join(flat[heads[child] - 1:])
    m = re.search(r"Until (\d+ \w+ \d{4}) this history is that of (.+?) \((\d+) events?\) — see there, p\. (\d+)\.",
                  section)
    assert m, section[:600]
    assert m.group(1) == "23 October 1962" and m.group(2) == parent
    assert int(m.group(4)) == heads[parent]  # the reference lands on the parent's heading
    assert parent in flat[int(m.group(4)) - 1]
    # the chronology lists only what happens from the fork on
    text = "\n".join(pages[heads[child] - 1:])
    chron = text[text.index("Chronology"):text.index("Narrative")]
    dates = re.findall(r"^(\d{1,2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4})\b", chron, re.M)
    months = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
    assert dates
    assert all((int(y), months.index(mo) + 1, int(d)) >= (1962, 10, 23) for d, mo, y in dates), dates
    # a branch on its own is told whole, with no reference to a section that is not there
    alone = pdftotext(export(missiles_ws, tmp_path / "alone.pdf", branches=["strike-contained"]))
    assert "see there" not in alone and "U-2 photographs the missile sites" in alone


def test_html_branch_starts_at_its_fork_with_a_link_to_the_parent(missiles_ws, gui, tmp_path):
    out = export(missiles_ws, tmp_path / "r.html")
    page = parse_html(out)
    m = re.search(r"Until 23 October 1962 this history is that of (\d+)\. (.+?) \(\d+ events?\) — see there\.",
                  page.text)
    assert m and m.group(1) == "3", page.text[:400]
    html = out.read_text(encoding="utf-8")
    link = re.search(r'this history is that of <a href="#(b\d+)">3\. ', html)
    assert link and link.group(1) in page.ids  # the link lands on the parent's section
    section = html[html.index('id="b4"'):]
    rows = re.findall(r'<td class="date">(\d+ \w{3} \d{4})', section)
    assert rows and "U-2 photographs the missile sites" not in section.split("Narrative")[0]


def test_cli_full_chronology_tells_every_branch_from_the_start(tmp_path):
    out = tmp_path / "full.pdf"
    r = run_cli("report", "scenarios/missile_crisis.yaml", "--branch", "air-strike", "--branch",
                "strike-contained", "--full-chronology", "-o", str(out))
    assert r.returncode == 0, r.stderr
    pages = [re.sub(r"\s+", " ", p) for p in pdftotext(out).split("\f")]
    child = next(k for k, p in enumerate(pages) if k > 1 and "The commanders hold fire Forks from" in p)
    section = " ".join(pages[child:])
    assert "see there" not in section
    chron = section[section.index("Chronology"):section.index("Narrative")]
    assert "U-2 photographs the missile sites" in chron  # before the fork, told again


def test_why_chains_read_in_words_not_the_engines_in_every_format(tmp_path):
    """The why-chains say what the app's Why? says ('Red Militia strength was 85, set by …', 'Made to
    happen by the divergence …'), not the engine's 'militia.strength = 85' or 'happened("x")'."""
    from explorer.core import Workspace, load_scenario
    ws = Workspace(load_scenario(ROOT / "explorer" / "scenarios" / "trotsky_mexico.yaml"))
    texts = {}
    for suffix in (".md", ".html", ".pdf"):
        out = export(ws, tmp_path / f"us{suffix}", branches=["us-invades-1942"])
        raw = pdftotext(out) if suffix == ".pdf" else (parse_html(out).text if suffix == ".html" else out.read_text())
        texts[suffix] = re.sub(r"[*\s]+", " ", raw)
    for suffix, text in texts.items():
        assert "Red Militia strength was 85, set by The United States invades Mexico" in text, suffix
        assert "Made to happen by the divergence Roosevelt orders the invasion" in text, suffix
        assert "Trotsky was alive from the start" in text, suffix
        assert "militia.strength = 85" not in text and "divergence divergence" not in text, suffix
        assert not re.search(r"[a-z_]+\.[a-z_]+ = \S+, set by|After happened", text), suffix
