"""PDF reports, rendered headless with Qt: the report_pdf.html.j2 template laid out by QTextDocument,
painted page by page onto a QPdfWriter with a running head and "Page N of M".

Each section the template opens on a new page (marked `<!--new-page-->`) is a QTextDocument of its
own, laid out as it would be inside one document of the whole report (`_join`): a heading kept with
its text then re-lays one section, not the rest of the report, and no page draws a neighbour's
first lines into its clipped margin (their words were in the text a reader copies or searches).
Within a section, each page is drawn with its own lines only (`_draw_page`): Qt would also draw,
clipped out of sight but into the text, the lines on either side of a page break.
Plots are drawn as vectors in their <img> boxes (`_Images`), not embedded as pictures. Sections are
laid out in order, so a reference back (`page_of`) knows its page before its section is parsed.

Where Qt's time goes, and what keeps it down: parsing (CSS rules name their element), layout (long
lists are paragraphs, not tables; no edit of a parsed document but the rare heading kept with its
text), drawing (blocks keep their shaped text, `_keep_shaping`), and the PDF engine's compression.

The contents list gets real page numbers without a second layout: the page of every heading anchor
is read back from the layout, and the numbers are painted at the end of the contents' lines (each
marked with an anchor "toc:TARGET").
"""
from __future__ import annotations

import functools
import re
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QPointF, QRectF, QSizeF, Qt, QUrl
from PySide6.QtGui import (QColor, QFont, QFontMetricsF, QImage, QPageLayout, QPageSize, QPainter, QPalette,
                           QPdfWriter, QPen, QPixmap, QPyTextObject, QTextOption, QTextCursor,
                           QTextDocument, QTextFormat)

from ..core.files import atomic_write
from ..core.report import ReportError
from .qtcompat import guard_none_refcount
from .plots import HEIGHT, WIDTH, draw_plot, ensure_gui_app, plain_letters
from .templates import all_plots, environment, plot_key, template_context
from .text import clean, long_date

guard_none_refcount()

PAGE_SIZE_IDS = {"a4": QPageSize.A4, "letter": QPageSize.Letter}
MARGINS_MM = (19.0, 16.0, 19.0, 16.0)  # left, top, right, bottom (the running head and foot sit inside)
RESOLUTION = 300
CSS_DPI = 96.0  # template lengths (px) are CSS pixels: 96 per inch
HEAD_PT, FOOT_PT = 8.0, 8.0
TAB_CSS = 78  # the tab stop (CSS pixels) that lines up the chronology's titles after their dates
# The template's headings, each kept on one page with the start of what follows it
# (`_keep_headings_with_next`): a CSS rule added to its style sheet marks their blocks (Qt keeps
# `-qt-user-state` as the block's userState).
KEEP_WITH_NEXT = "p.h2, p.h3, p.year, p.wn"
_KEEP = 1
# A superscript written against the word before it (a narrative's source marks "turns.[34][35]")
# stays on that word's line: a word joiner (U+2060: no break, no glyph, not in the PDF's text) goes
# before it. Qt's line breaking allows a break before "[", and 28 paragraphs of the bundled report
# ended with a line of only their marks.
_GLUED_SUP = re.compile(r"(?<!\s)<sup>")

# `page_of(anchor)` in the template: ", p. N" for a section laid out earlier (a branch's parent), else
# nothing. The template's HTML carries a mark that is replaced when its section is about to be laid out.
_PAGE_MARK = re.compile("\ue000page:([^\ue000]*)\ue000")


def _page_mark(anchor: str):
    from markupsafe import Markup
    return Markup(f"\ue000page:{anchor}\ue000")


def _page_words(page) -> str:
    return f", p.\u00a0{page}" if page else ""  # a no-break space: "p." and its number on one line


def write_pdf(report: dict, out: Path, *, page_size: str = "a4", templates=None, progress=None) -> None:
    step = progress or (lambda d, t, m: None)
    ensure_gui_app()
    plots = dict(all_plots(report))  # drawn as vectors when their page is printed

    # Painted into memory, then written by atomic_write: QPdfWriter on a file says nothing when the
    # disk fills up (a 0-byte or cut PDF), while atomic_write reports every failed write in one line.
    buf = QBuffer()
    buf.open(QIODevice.WriteOnly)
    _write(report, buf, page_size, templates, plots, step)
    data = bytes(buf.data())
    if not data.rstrip().endswith(b"%%EOF"):
        raise ReportError(f"cannot write '{out}': the PDF writer stopped before the end; nothing was written")
    atomic_write(out, data)


def _write(report, tmp, page_size, templates, plots, step):
    writer = QPdfWriter(tmp)
    writer.setResolution(RESOLUTION)
    writer.setPageSize(QPageSize(PAGE_SIZE_IDS[page_size]))
    left, top, right, bottom = MARGINS_MM
    writer.setPageMargins(QMarginsF(left, top, right, bottom), QPageLayout.Millimeter)
    writer.setTitle(clean(report["scenario"]["title"]) + " — a counterfactual history report")
    writer.setCreator(report["generator"])

    dpi = writer.resolution()
    px = dpi / CSS_DPI  # device pixels per CSS pixel
    paint = writer.pageLayout().paintRectPixels(dpi)
    head_h = round(HEAD_PT / 72 * dpi * 2.6)
    foot_h = round(FOOT_PT / 72 * dpi * 2.6)
    body_w, body_h = paint.width(), paint.height() - head_h - foot_h
    content_css_w = int(body_w / px)

    env = environment("html", templates)
    html = env.get_template("report_pdf.html.j2").render(template_context(
        report, plots={k: f"plot:{k}" for k in plots}, plot_key=plot_key, page_size=page_size,
        content_width=content_css_w, page_of=_page_mark))
    html = html.replace("</style>", f"{KEEP_WITH_NEXT} {{ -qt-user-state: {_KEEP}; }}\n</style>", 1)
    html = _GLUED_SUP.sub("\u2060<sup>", html)
    step(50, 100, "Laying out pages")
    font = QFont("DejaVu Serif")
    font.setStyleHint(QFont.Serif)
    font.setPointSizeF(10)
    plain_letters(font)
    images = _Images(plots, dpi)
    option = QTextDocument().defaultTextOption()
    option.setTabs([QTextOption.Tab(TAB_CSS * px, QTextOption.LeftTab)])
    # one QTextDocument per section the template opens on a new page (SECTION_MARK), laid out on its
    # own: a heading moved to the next page re-lays the rest of its section, not of the report.
    # Sections are laid out in order, so a section's references back (a branch to its parent's
    # section, `page_of`) get their page numbers before its text is laid out.
    printed = []  # (doc, page index in doc, blocks continued there), in print order
    found = {}  # anchor name -> printed page number (1-based)
    anchors = {}  # name -> (doc, top, ascent, font); the first of a name wins, as in one document
    gap = 0.0
    for part in split_sections(html):
        part = _PAGE_MARK.sub(lambda m: _page_words(found.get(m.group(1))), part)
        doc = QTextDocument()
        doc.documentLayout().setPaintDevice(writer)
        doc.documentLayout().registerHandler(QTextFormat.ImageObject, images)
        doc.setDocumentMargin(0)
        doc.setDefaultFont(font)
        doc.setDefaultTextOption(option)
        doc.setHtml(_join(part, gap))
        gap = doc.lastBlock().blockFormat().bottomMargin()
        _keep_shaping(doc)
        doc.setPageSize(QSizeF(body_w, body_h))
        _keep_headings_with_next(doc, body_h)
        number_of = {}
        pages, continued = _content_pages(doc, body_h)
        for i in pages:
            printed.append((doc, i, continued.get(i, ())))
            number_of[i] = len(printed)
        for name, a in _anchors(doc).items():
            if name not in anchors:
                anchors[name] = (doc,) + a
                found[name] = number_of.get(int(a[0] // body_h), 0)
    if not printed:
        raise ReportError("the report laid out to no pages")
    n = len(printed)
    # the contents' page numbers: the template marks each entry's row with an anchor "toc:TARGET";
    # the number is painted at the end of that line once the target's page is known, which costs
    # no second layout (and cannot change the pagination)
    toc = {}
    for name, (doc, top, ascent, fnt) in anchors.items():
        if name.startswith("toc:") and name[4:] in found:
            toc.setdefault((id(doc), int(top // body_h)), []).append(
                (top % body_h + ascent, fnt, str(found[name[4:]])))

    # running heads: the branch section each page belongs to
    sections = sorted((found[b["anchor"]], f"{b['number']}. {clean(b['label'])}")
                      for b in report["branches"] if b["anchor"] in found)
    if report.get("comparison") and "comparison" in found:
        sections = sorted(sections + [(found["comparison"], "Comparison of outcomes")])

    title = clean(report["scenario"]["title"])
    exported = long_date(report["exported"])
    head_font = QFont("DejaVu Sans")
    head_font.setPointSizeF(HEAD_PT)
    head_font.setLetterSpacing(QFont.PercentageSpacing, 104)
    plain_letters(head_font)
    fm = QFontMetricsF(head_font, writer)
    elided = functools.lru_cache(maxsize=None)(lambda text, width: fm.elidedText(text, Qt.ElideRight, width))
    ink = QColor("#5a534a")
    rule = QColor("#b9b1a4")

    painter = QPainter()
    if not painter.begin(writer):
        raise ReportError("cannot start the PDF writer")
    try:
        for page, (doc, i, continued) in enumerate(printed, start=1):
            step(55 + 45 * page // n, 100, f"Printing page {page} of {n}")
            if page > 1:
                writer.newPage()
            # body
            painter.save()
            painter.translate(0, head_h - i * body_h)
            _draw_page(painter, doc, QRectF(0, i * body_h, body_w, body_h), continued)
            painter.restore()
            for baseline, fnt, number in toc.get((id(doc), i), ()):
                painter.setFont(fnt)
                painter.setPen(ink)
                w = QFontMetricsF(fnt, writer).horizontalAdvance(number)
                painter.drawText(QPointF(body_w - w, head_h + baseline), number)
            painter.setFont(head_font)
            # head (not on the title page)
            if page > 1:
                current = ""
                for first_page, label in sections:
                    if first_page <= page:
                        current = label
                painter.setPen(ink)
                base = head_h * 0.55
                half = body_w * 0.48
                painter.drawText(QRectF(0, 0, half, base), Qt.AlignLeft | Qt.AlignBottom, elided(title, half))
                painter.drawText(QRectF(body_w - half, 0, half, base), Qt.AlignRight | Qt.AlignBottom,
                                 elided(current, half))
                painter.setPen(QPen(rule, 0.6 * px))
                painter.drawLine(0, round(base + 0.12 * head_h), body_w, round(base + 0.12 * head_h))
            # foot
            y = head_h + body_h
            painter.setPen(QPen(rule, 0.6 * px))
            painter.drawLine(0, round(y + foot_h * 0.3), body_w, round(y + foot_h * 0.3))
            painter.setPen(ink)
            text_rect = QRectF(0, y + foot_h * 0.35, body_w, foot_h * 0.65)
            painter.drawText(text_rect, Qt.AlignHCenter | Qt.AlignVCenter, f"Page {page} of {n}")
            painter.drawText(text_rect, Qt.AlignLeft | Qt.AlignVCenter, "What-If Explorer")
            painter.drawText(text_rect, Qt.AlignRight | Qt.AlignVCenter, f"Exported {exported}")
    finally:
        painter.end()
    step(100, 100, f"{n} pages")


class _Images(QPyTextObject):
    """The document's images: a plot's <img src="plot:KEY"> is drawn as vectors (draw_plot) in the
    box QTextDocument's own image handler would give it (width and height attributes, in CSS
    pixels, scaled to the writer's resolution), so the pages break where they did with pixels."""

    def __init__(self, plots: dict, dpi: int):
        super().__init__()
        self.plots, self.scale = plots, dpi / CSS_DPI

    @staticmethod
    def _image(doc, name):
        """A template's own image (not a plot), as QTextDocument would load it; None if it cannot."""
        data = doc.resource(QTextDocument.ImageResource, QUrl(name))
        if isinstance(data, QPixmap):
            data = data.toImage()
        elif isinstance(data, (QByteArray, bytes)):
            data = QImage.fromData(data)
        return data if isinstance(data, QImage) and not data.isNull() else None

    def intrinsicSize(self, doc, pos, fmt):
        f = fmt.toImageFormat()
        name = f.name()
        if name.startswith("plot:") and name[5:] in self.plots:
            nat_w, nat_h = WIDTH, HEIGHT
        else:
            img = self._image(doc, name)
            if img is None:
                return QSizeF(0, 0)
            nat_w, nat_h = max(img.width(), 1), max(img.height(), 1)
        w = _qround(f.width()) if f.hasProperty(QTextFormat.ImageWidth) else None
        h = _qround(f.height()) if f.hasProperty(QTextFormat.ImageHeight) else None
        if w is None and h is None:
            w, h = nat_w, nat_h
        elif w is None:
            w = _qround(h * nat_w / nat_h)
        elif h is None:
            h = _qround(w * nat_h / nat_w)
        return QSizeF(_qround(w * self.scale), _qround(h * self.scale))

    def drawObject(self, painter, rect, doc, pos, fmt):
        name = fmt.toImageFormat().name()
        if painter.hasClipping() and not painter.clipBoundingRect().intersects(rect):
            return  # on the next page: drawn there (clipped out here, its words would still be in the text)
        if name.startswith("plot:") and name[5:] in self.plots:
            draw_plot(painter, rect, self.plots[name[5:]])
        elif (img := self._image(doc, name)) is not None:
            painter.drawImage(rect, img)


def _qround(x: float) -> int:
    """Qt's qRound: halves away from zero."""
    return int(x + 0.5) if x >= 0 else -int(-x + 0.5)


# Written by report_pdf.html.j2 between top-level sections that open on a new page
# (page-break-before). A template without it is laid out as one document: the same pages, slower.
SECTION_MARK = "<!--new-page-->"
_BODY = re.compile(r"<body[^>]*>", re.I)


def split_sections(html: str) -> list[str]:
    """The template's HTML cut at SECTION_MARK into whole documents, each with the <head> (styles)."""
    if SECTION_MARK not in html:
        return [html]
    body = _BODY.search(html)
    end = html.lower().rfind("</body>")
    if body is None or end < body.end():
        return [html]
    head, tail = html[:body.end()], html[end:]
    parts = [part for part in html[body.end():end].split(SECTION_MARK) if part.strip()]
    # white space closing a document is a space at the end of its last paragraph (in the default
    # font: a taller last line); between paragraphs it is nothing. Only the report's end keeps it.
    closed = "".join(tail.split())  # "</body></html>"
    return [head + part + tail if k == len(parts) - 1 else head + part.rstrip() + closed
            for k, part in enumerate(parts)]


SPACER = "\u200b"  # the text of _join's spacer paragraph: no ink, skipped as content


def _join(part: str, gap: float) -> str:
    """A section's HTML made to lay out as it would inside one document of the whole report.
    QTextDocument puts the bottom margin of the block before a page break (`gap`, that of the last
    block of the previous section) above the first block of the new page: an empty first paragraph
    with that margin (alone on a page that prints nothing) does the same. Written into the HTML, not
    inserted after parsing: an edit of a parsed document costs a layout of its first page."""
    if gap <= 0:
        return part
    body = _BODY.search(part)
    if body is None:
        return part
    spacer = f'<p style="margin-top: 0px; margin-bottom: {gap:g}px;">{SPACER}</p>'  # empty, Qt drops it
    return part[:body.end()] + spacer + part[body.end():]


def _keep_shaping(doc: QTextDocument) -> None:
    """Let every block keep its shaped text after layout: QTextLayout drops it at the end of a layout
    to save memory, and drawing the page then shapes every line again (a fifth of the drawing)."""
    block = doc.begin()
    while block.isValid():
        block.layout().setCacheEnabled(True)
        block = block.next()


def _kept_with_next(block) -> bool:
    """A heading of the template (KEEP_WITH_NEXT) or a paragraph that is one picture (a plot,
    followed by its caption)."""
    return block.userState() == _KEEP or (block.length() == 2 and block.text() == "\ufffc")


def _keep_headings_with_next(doc: QTextDocument, page_h: float) -> int:
    """QTextDocument knows no `page-break-after: avoid`: a heading (or a plot) left at the foot of a
    page, its text beginning on the next, gets a page break before it instead; so does the first of
    headings that follow each other ("Narrative", "1940"). What follows must have its first two
    lines (or its only one) on the heading's page. One heading at a time, in document order: each
    break moves everything after it (Qt re-lays the blocks that then cross a page edge and only
    moves the others). Returns how many headings were moved."""
    layout = doc.documentLayout()
    # the whole document laid out first: an edit while the lazy layout is part way through leaves
    # the blocks it had not reached without lines (they would print nothing)
    layout.documentSize()

    def page_of(block, k):
        line = block.layout().lineAt(k)
        return int((layout.blockBoundingRect(block).top() + line.y() + line.height() / 2) // page_h)

    moved = 0
    cursor = None
    block = doc.begin()
    while block.isValid():
        if not _kept_with_next(block) or not block.layout().lineCount():
            block = block.next()
            continue
        first, nxt = block, block.next()
        for _ in range(2):  # a heading over a heading over the text: at most three kept together
            if nxt.isValid() and _kept_with_next(nxt):
                nxt = nxt.next()
        count = nxt.layout().lineCount() if nxt.isValid() else 0
        if count:
            page = page_of(first, 0)
            top = layout.blockBoundingRect(first).top() + first.layout().lineAt(0).y()
            if page_of(nxt, min(count, 2) - 1) != page and top - page * page_h > 1:  # not already a page's top
                cursor = cursor or QTextCursor(doc)
                cursor.setPosition(first.position())
                fmt = first.blockFormat()
                fmt.setPageBreakPolicy(fmt.pageBreakPolicy() | QTextFormat.PageBreak_AlwaysBefore)
                cursor.setBlockFormat(fmt)
                layout.documentSize()
                moved += 1
        block = nxt
    return moved


def _content_pages(doc: QTextDocument, page_h: float) -> tuple[list[int], dict]:
    """0-based indexes of the pages on which some block has text or an image, and the blocks
    continued from an earlier page: {page: [(block, origin, indexes of its lines on that page)]}
    (origin: where the block's lines are drawn from, in document coordinates; see `_draw_page`)."""
    layout = doc.documentLayout()
    pages = set()
    continued = {}
    block = doc.begin()
    while block.isValid():
        lines = block.layout()
        count = lines.lineCount()
        if count and block.length() > 1 and (block.length() > 2 or block.text() != SPACER):
            # a block's lines run down the pages in order: its first and last line say which pages
            rect = layout.blockBoundingRect(block)
            top = rect.top()
            first, last = lines.lineAt(0), lines.lineAt(count - 1)
            start = int((top + first.y() + first.height() / 2) // page_h)
            end = int((top + last.y() + last.height() / 2) // page_h)
            pages.update(range(start, end + 1))
            if end > start:  # QTextDocument breaks pages between lines: a line is on one page
                for k in range(count):
                    line = lines.lineAt(k)
                    page = int((top + line.y() + line.height() / 2) // page_h)
                    if page > start:
                        if not continued.get(page) or continued[page][-1][0] != block:
                            continued.setdefault(page, []).append((block, rect.topLeft(), []))
                        continued[page][-1][2].append(k)
        block = block.next()
    return sorted(pages), continued


# How much a page's drawing rectangle is shrunk at its top and bottom (device pixels, a tenth of a
# point at 300 dpi): QTextDocument draws what touches the rectangle, and a page's first line starts
# exactly where the previous page ends.
_EDGE = 0.5


def _draw_page(painter: QPainter, doc: QTextDocument, page: QRectF, continued) -> None:
    """Draw one page of `doc` (`page` in document coordinates) so that each line's text is on one
    page only. Qt draws every block that touches the rectangle and, of a block begun on an earlier
    page, also the line before the first one that shows: the PDF engine writes that text, clipped
    out of sight but read by pdftotext, a search, copy and paste, and a screen reader (one line in
    three page breaks of the bundled report). So the rectangle is shrunk by a hair at both edges and
    the blocks continued from an earlier page are drawn here line by line, only the page's lines.
    `continued` is `_content_pages`' list for this page."""
    painter.setClipRect(page)
    for block, _, _ in continued:
        block.setVisible(False)  # a flag only: no layout, and drawContents skips the block
    try:
        doc.drawContents(painter, page.adjusted(0, _EDGE, 0, -_EDGE))
    finally:
        for block, _, _ in continued:
            block.setVisible(True)
    painter.setPen(QPalette().color(QPalette.Text))  # as drawContents does for text of no colour
    for block, origin, indexes in continued:
        layout = block.layout()
        bg = block.blockFormat().background()
        if bg.style() != Qt.NoBrush:  # as Qt fills it: the whole block, clipped to the page
            painter.fillRect(layout.boundingRect().translated(origin), bg)
        for k in indexes:
            layout.lineAt(k).draw(painter, origin)


def _anchors(doc: QTextDocument) -> dict:
    """{anchor name: (top y, ascent, font)} of every named anchor opening a block (as the templates
    put them), in document coordinates: page k (0-based) spans [k * page height, (k + 1) * ...)."""
    out = {}
    layout = doc.documentLayout()
    block = doc.begin()
    while block.isValid():
        it = block.begin()
        if not it.atEnd():
            frag = it.fragment()
            fmt = frag.charFormat()
            if fmt.isAnchor():
                names = fmt.anchorNames()
                if names:
                    top = layout.blockBoundingRect(block).top()
                    line = block.layout().lineAt(0)
                    ascent = line.ascent() if line.isValid() else 0.0
                    if line.isValid():
                        top += line.y()
                    for name in names:
                        out.setdefault(name, (top, ascent, fmt.font()))
        block = block.next()
    return out
