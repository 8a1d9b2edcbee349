"""Robustness of sections and records on journal-like PDFs built from PMC articles.

    python bench/pdf_layouts.py [--n 30] [--keep DIR]

Each JATS article of ``../shared/corpus/pmc_oa_oncology/nxml`` (check-document copies skipped,
``bench/_split.py``) is rendered into a PDF laid out as journals print them: a running head
with the journal's citation line and a page number, a "Cite this article as ..." footer, a
full-width title and structured abstract, a first-page footnote block (received/accepted,
copyright, correspondence, DOI), a two-column body with bold capitalised headings, tables as
page-top floats ruled only horizontally, and a numbered reference list in a smaller type
("Author AB, Author CD. Title. J Abbr. 2010;69:123-130.") in the columns. The PDF is read back
with :func:`trialex.pdf.extract_pdf` and compared with the article's JATS text
(:func:`trialex.jats.jats_to_text`):

* the share of characters per section kind in both texts, and the share of the JATS text's
  ``results``/``discussion`` characters whose words end up in ``references`` or ``conclusion``
  in the PDF (a references or conclusion section swallowing the body);
* the records: values (endpoint, value) of the JATS text found again in the PDF text.

``--layout manuscript`` prints an author manuscript instead; ``--layout house`` the pages of
other houses (numbered, small-capital or Wiley "2 | METHODS" headings, superscript citations,
after the punctuation in AMA style, author-year reference lists, a contents list after the
abstract, a correspondence/received box, a running head "References" on the reference pages,
tables continued over pages). ``--min-kb`` skips short articles (letters, abstracts).

Nothing of the corpus is written to the repository; ``--keep`` writes the PDFs and texts to a
folder of your choice.
"""

from __future__ import annotations

import argparse
import itertools
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _split import ROOT, is_check_copy

CORPUS = ROOT.parent / "shared" / "corpus" / "pmc_oa_oncology" / "nxml"
FONT_DIR = Path("/usr/share/fonts/truetype/liberation")
PAGE_W, PAGE_H = 210.0, 280.0
MARGIN = 15.0
GUTTER = 6.0
COL_W = (PAGE_W - 2 * MARGIN - GUTTER) / 2
TOP = 20.0
BOTTOM = PAGE_H - 18.0
FOOTNOTE_H = 30.0  # first-page footnote block at the foot of the left column


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def references_of(root) -> list[str]:
    """Reference entries formatted as journals print them (Vancouver style)."""
    from trialex.jats import local

    out: list[str] = []
    for ref in root.iter():
        if not isinstance(ref.tag, str) or local(ref) != "ref":
            continue
        cit = next(
            (c for c in ref.iter() if isinstance(c.tag, str) and local(c).endswith("citation")),
            None,
        )
        if cit is None:
            continue
        names = []
        for name in cit.iter():
            if isinstance(name.tag, str) and local(name) == "name":
                sur = "".join(
                    x.text or "" for x in name if isinstance(x.tag, str) and local(x) == "surname"
                )
                giv = "".join(
                    x.text or ""
                    for x in name
                    if isinstance(x.tag, str) and local(x) == "given-names"
                )
                initials = "".join(w[0] for w in giv.replace(".", " ").split() if w)
                names.append(f"{sur} {initials}".strip())

        def field(tag: str, cit=cit) -> str:
            for x in cit.iter():
                if isinstance(x.tag, str) and local(x) == tag:
                    return _clean("".join(x.itertext()))
            return ""

        title, source = field("article-title"), field("source")
        year, volume = field("year"), field("volume")
        fpage, lpage = field("fpage"), field("lpage")
        if names and (title or source):
            authors = ", ".join(names[:6]) + (", et al" if len(names) > 6 else "")
            entry = f"{authors}. {title + '. ' if title else ''}{source}."
            if year:
                entry += f" {year}"
                if volume:
                    entry += f";{volume}"
                if fpage:
                    entry += f":{fpage}" + (f"-{lpage}" if lpage else "")
                entry += "."
        else:
            entry = _clean("".join(cit.itertext()))
        if entry:
            out.append(entry)
    return out


def blocks_of(text: str, abstract: set[str]) -> list[tuple[str, str, list[str]]]:
    """``(kind, role, lines)`` blocks of a JATS text: role is heading/para/table/caption; the
    lines up to the last paragraph of the article's ``abstract`` are the abstract."""
    from trialex.sections import split_sections

    out: list[tuple[str, str, list[str]]] = []
    lines_all = text.split("\n")
    last = max((k for k, ln in enumerate(lines_all) if _clean(ln) in abstract), default=-1)
    abstract_end = sum(len(ln) + 1 for ln in lines_all[: last + 1])
    for sec in split_sections(text):
        if sec.start < abstract_end:
            for ln in text[sec.start : min(sec.end, abstract_end)].split("\n"):
                if ln.strip():
                    role = "para" if _clean(ln) in abstract else "heading"
                    out.append(("abstract" if out else "front_matter", role, [ln.strip()]))
            if sec.end <= abstract_end:
                continue
            sec = sec.model_copy(update={"start": abstract_end, "title": None})
        body = text[sec.start : sec.end]
        lines = [ln.strip() for ln in body.split("\n")]
        if sec.kind == "table":
            rows = [ln for ln in lines if ln]
            out.append((sec.kind, "table", rows))
            continue
        if sec.kind == "references":
            continue
        first = True
        for ln in lines:
            if not ln:
                continue
            if first and sec.title and ln == sec.title.strip():
                out.append((sec.kind, "heading", [ln]))
            elif sec.kind == "other" and first:
                out.append((sec.kind, "caption", [ln]))
            else:
                out.append((sec.kind, "para", [ln]))
            first = False
    return out


def _serif_font(pdf: Any) -> str:  # an fpdf.FPDF (fpdf2 is imported where it is used)
    """Liberation Serif where the system has it (any text prints), else Helvetica (Latin-1)."""
    if not (FONT_DIR / "LiberationSerif-Regular.ttf").exists():
        return "Helvetica"
    for style, name in (("", "Regular"), ("B", "Bold"), ("I", "Italic")):
        pdf.add_font("Serif", style, str(FONT_DIR / f"LiberationSerif-{name}.ttf"))
    return "Serif"


def _printable(font: str, s: str) -> str:
    """``s`` as the font can print it: Helvetica has only Latin-1."""
    if font == "Helvetica":
        return s.encode("latin-1", "replace").decode("latin-1")
    return s


class Journal:
    """A minimal two-column page layout engine over fpdf2."""

    def __init__(self, journal: str, cite: str, author: str, *, bmc: bool = False) -> None:
        from fpdf import FPDF

        self.pdf = FPDF(unit="mm", format=(PAGE_W, PAGE_H))
        self.pdf.set_auto_page_break(False)
        self.pdf.set_margins(MARGIN, TOP, MARGIN)
        self.font = _serif_font(self.pdf)
        self.journal, self.cite, self.author = journal, cite, author
        self.bmc = bmc
        self.col = 0
        self.y = TOP
        self.col_bottom = BOTTOM
        self.floats: list[list[str]] = []
        self.page_no = 0

    def text(self, s: str) -> str:
        return _printable(self.font, s)

    def new_page(self) -> None:
        pdf = self.pdf
        pdf.add_page()
        self.page_no += 1
        pdf.set_font(self.font, "", 7.5)
        if self.bmc:
            # BioMed Central, 2010: the citation line and URL on top, "Page n of N" below
            pdf.set_xy(MARGIN, 8)
            pdf.cell(0, 4, self.text(f"{self.journal} 2010, 4:1 http://www.example.org/4/1/1"))
            pdf.set_xy(MARGIN, PAGE_H - 14)
            pdf.cell(PAGE_W - 2 * MARGIN, 3.5, f"Page {self.page_no} of 9", align="C")
            pdf.set_xy(MARGIN, PAGE_H - 10.5)
            pdf.cell(PAGE_W - 2 * MARGIN, 3.5, "(page number not for citation purposes)", align="C")
        else:
            head = f"{self.journal} • {self.cite}" if self.page_no % 2 else f"{self.author} et al."
            pdf.set_xy(MARGIN, 8)
            pdf.cell(PAGE_W - 2 * MARGIN - 10, 4, self.text(head))
            pdf.set_xy(PAGE_W - MARGIN - 10, 8)
            pdf.cell(10, 4, str(self.page_no + 120), align="R")
            pdf.line(MARGIN, 13, PAGE_W - MARGIN, 13)
            pdf.set_xy(MARGIN, PAGE_H - 12)
            pdf.cell(
                PAGE_W - 2 * MARGIN,
                4,
                self.text(f"© 2010 The Publishers • www.journal.example/{self.page_no}"),
                align="C",
            )
        self.col, self.y, self.col_bottom = 0, TOP, BOTTOM
        while self.floats:
            self.y = self.draw_table(self.floats.pop(0), self.y) + 4

    def wrap(self, text: str, width: float, size: float, style: str = "") -> list[str]:
        self.pdf.set_font(self.font, style, size)
        return self.pdf.multi_cell(
            width, size * 0.45, self.text(text), dry_run=True, output="LINES"
        )

    def next_column(self) -> None:
        if self.col == 0:
            self.col = 1
            self.y = self.col_top
            self.col_bottom = BOTTOM
        else:
            self.new_page()
            self.col_top = self.y

    def column_text(self, text: str, size: float = 9, style: str = "", gap: float = 0.0) -> None:
        pitch = size * 0.45
        lines = self.wrap(text, COL_W, size, style)
        if gap and self.y > self.col_top:
            self.y += gap
        for line in lines:
            if self.y + pitch > self.col_bottom:
                self.next_column()
            x = MARGIN + self.col * (COL_W + GUTTER)
            self.pdf.set_font(self.font, style, size)
            self.pdf.set_xy(x, self.y)
            self.pdf.cell(COL_W, pitch, line)
            self.y += pitch

    def full_width(self, text: str, size: float, style: str = "", gap: float = 1.5) -> None:
        pitch = size * 0.45
        for line in self.wrap(text, PAGE_W - 2 * MARGIN, size, style):
            self.pdf.set_font(self.font, style, size)
            self.pdf.set_xy(MARGIN, self.y)
            self.pdf.cell(PAGE_W - 2 * MARGIN, pitch, line)
            self.y += pitch
        self.y += gap

    def draw_table(self, rows: list[str], y: float) -> float:
        """A full-width table ruled only horizontally (title, rule, header, rule, body, rule)."""
        pdf = self.pdf
        width = PAGE_W - 2 * MARGIN
        title, body = rows[0], rows[1:]
        cells = [
            [c.strip() for c in r.strip().strip("|").split("|")]
            for r in body
            if "|" in r and not re.fullmatch(r"[\s|:-]+", r)
        ]
        notes = [r for r in body if "|" not in r]
        for line in self.wrap(title, width, 8, "B"):
            pdf.set_xy(MARGIN, y)
            pdf.cell(width, 3.6, line)
            y += 3.6
        if not cells:
            return y
        ncols = max(len(r) for r in cells)
        first = min(60.0, width * 0.35) if ncols > 1 else width
        other = (width - first) / max(1, ncols - 1)
        pdf.set_font(self.font, "", 7)
        pdf.line(MARGIN, y + 0.5, MARGIN + width, y + 0.5)
        y += 1.5
        for k, row in enumerate(cells[:40]):
            x = MARGIN
            height = 3.4
            for j, cell in enumerate(row[:ncols]):
                w = first if j == 0 else other
                text = self.text(cell)
                while text and pdf.get_string_width(text) > w - 1.5:
                    text = text[:-1]
                pdf.set_xy(x, y)
                pdf.cell(w, height, text)
                x += w
            y += height
            if k == 0:
                pdf.line(MARGIN, y + 0.3, MARGIN + width, y + 0.3)
                y += 1
            if y > BOTTOM - 10:
                break
        pdf.line(MARGIN, y + 0.3, MARGIN + width, y + 0.3)
        y += 1.5
        for note in notes[:3]:
            for line in self.wrap(note, width, 6.5):
                pdf.set_xy(MARGIN, y)
                pdf.cell(width, 3, line)
                y += 3
        return y


def render(
    text: str, references: list[str], abstract: set[str], *, style: int = 0, inject: bool = False
) -> bytes:
    """The JATS ``text`` of an article (its ``references``, its ``abstract`` paragraphs) as a
    journal-like PDF. ``inject`` adds the furniture that opened a references section early in
    real PDFs: after the first results heading a side-bar label "References" (alternately a
    line "Abbreviations: ..." of a table footnote read as prose)."""
    blocks = blocks_of(text, abstract)
    title = text.split("\n", 1)[0]
    bmc = style % 2 == 1
    j = Journal(
        "Journal of Clinical Outcomes" if bmc else "The Journal of TRAUMA Injury, Infection",
        "Volume 69, Number 3, September 2010",
        "Smith",
        bmc=bmc,
    )
    j.new_page()
    if bmc:
        j.full_width("Research                                                  Open Access", 9)
    j.full_width(title, 14, "B", gap=3)
    j.full_width("John A. Smith, MD, Mary B. Jones, PhD, and Peter C. Brown, MD", 9.5, "", 3)
    if bmc:
        for line in (
            "Address: 1Department of Surgery, University Hospital, Springfield, IL, USA",
            "Email: John A Smith* - jsmith@example.org; Mary B Jones - mjones@example.org",
            "* Corresponding author",
            "Published: 6 January 2010    Received: 8 September 2009",
            "Journal of Clinical Outcomes 2010, 4:1 doi:10.1186/1752-2897-4-1",
            "This article is available from: http://www.example.org/content/4/1/1",
            "© 2010 Smith et al; licensee BioMed Central Ltd.",
            "This is an Open Access article distributed under the terms of the Creative Commons "
            "Attribution License (http://creativecommons.org/licenses/by/2.0), which permits "
            "unrestricted use, distribution, and reproduction in any medium, provided the "
            "original work is properly cited.",
        ):
            j.full_width(line, 7.5, "", 0.8)
        j.y += 2
    abstract = [b for b in blocks if b[0] == "abstract"]
    for n, (_, role, lines) in enumerate(abstract):
        if role == "heading" and lines[0].casefold() == "abstract":
            j.full_width("ABSTRACT" if style % 2 else "Abstract", 9, "B", 1)
            continue
        if role == "heading":
            nxt = abstract[n + 1] if n + 1 < len(abstract) else None
            if nxt is not None and nxt[1] == "para":
                abstract[n + 1] = (nxt[0], "para", [f"{lines[0]}: {nxt[2][0]}"])
            continue
        j.full_width(lines[0], 8.5, "", 1.2)
    if not bmc:
        j.full_width("Key Words: Randomized trial, Survival, Response, Toxicity.", 8.5, "", 1)
        j.full_width(f"(J Clin Res. 2010;69:{121}-{130}.)", 8.5, "", 3)
    j.pdf.line(MARGIN, j.y, PAGE_W - MARGIN, j.y)
    j.y += 3
    j.col_top = j.y
    # first-page footnote block at the foot of the left column
    foot = (
        "Submitted for publication May 12, 2009. Accepted for publication October 2, 2009. "
        "Copyright © 2010 by The Publishers. From the Department of Surgery (J.A.S., M.B.J.), "
        "University Hospital, Springfield, Illinois. Presented at the 68th Annual Meeting of the "
        "Society, September 2009. Address for reprints: John A. Smith, MD, Department of "
        "Surgery, University Hospital, 1 Main Street, Springfield, IL 62701; email: "
        "jsmith@example.org. DOI: 10.1097/TA.0b013e3181c45a7d"
    )
    if not bmc:
        fy = BOTTOM - FOOTNOTE_H
        j.pdf.line(MARGIN, fy - 1, MARGIN + 30, fy - 1)
        for line in j.wrap(foot, COL_W, 6.5):
            j.pdf.set_xy(MARGIN, fy)
            j.pdf.cell(COL_W, 2.9, line)
            fy += 2.9
        j.col_bottom = BOTTOM - FOOTNOTE_H - 3
    body = [b for b in blocks if b[0] not in ("abstract", "front_matter")]
    for kind, role, lines in body:
        if role == "table":
            j.floats.append(lines)
            continue
        if role == "heading":
            head = lines[0]
            bare = kind == "introduction" and head.casefold() in ("introduction", "main text")
            if bare and style % 3 == 0:
                continue  # journals that print no Introduction heading
            if bmc:  # sans-serif headings in the text's own case
                j.column_text(head, 10 if kind != "table" else 9, "B", gap=3)
            else:
                j.column_text(head.upper() if len(head) < 40 else head, 9, "B", gap=3)
            if inject and kind == "results":
                inject = False
                if style % 4 < 2:
                    j.column_text("References", 8, "B", gap=2)
                else:
                    j.column_text("Abbreviations: AE, adverse event; CI, confidence interval.", 7)
            continue
        if role == "caption":
            j.column_text(lines[0], 7.5, "I", gap=2)
            continue
        j.column_text(lines[0], 9)
    if references:
        j.column_text("References" if bmc else "REFERENCES", 9, "B", gap=3)
        for k, entry in enumerate(references, 1):
            j.column_text(f"{k}. {entry}", 7)
    if bmc:
        j.column_text(
            f"Cite this article as: Smith et al.: {title}. Journal of Clinical Outcomes 2010, 4:1.",
            7.5,
            gap=3,
        )
        j.column_text(
            "Publish with BioMed Central and every scientist can read your work free of charge",
            8,
            "B",
            gap=3,
        )
    if j.floats:
        j.new_page()
    return bytes(j.pdf.output())


# --------------------------------------------------------------------------------------------
# Author manuscripts (PMC/NIHMS, preprints, accepted manuscripts)

MS_W, MS_H = 216.0, 279.0  # US Letter
MS_LEFT, MS_RIGHT = 30.0, 25.0
MS_TOP, MS_BOTTOM = 22.0, 279.0 - 22.0
MS_SIDE = "NIH-PA Author Manuscript"


class Manuscript:
    """One column, double spaced, line numbers in the left margin, "NIH-PA Author Manuscript"
    printed down the left edge three times per page, a running head "Smith et al. Page n" and a
    footer "J Clin Res. Author manuscript; available in PMC 2011 May 1."."""

    def __init__(self, *, numbered: bool = True) -> None:
        from fpdf import FPDF

        self.pdf = FPDF(unit="mm", format=(MS_W, MS_H))
        self.pdf.set_auto_page_break(False)
        self.pdf.set_margins(MS_LEFT, MS_TOP, MS_RIGHT)
        self.font = _serif_font(self.pdf)
        self.numbered = numbered
        self.line_no = 0
        self.page_no = 0
        self.y = MS_TOP

    def text(self, s: str) -> str:
        return _printable(self.font, s)

    def new_page(self) -> None:
        pdf = self.pdf
        pdf.add_page()
        self.page_no += 1
        pdf.set_font(self.font, "", 9)
        pdf.set_xy(MS_LEFT, 10)
        pdf.cell(MS_W - MS_LEFT - MS_RIGHT, 4, "Smith et al.")
        pdf.set_xy(MS_W - MS_RIGHT - 20, 10)
        pdf.cell(20, 4, f"Page {self.page_no}", align="R")
        pdf.set_xy(MS_LEFT, MS_H - 14)
        pdf.cell(
            MS_W - MS_LEFT - MS_RIGHT,
            4,
            "J Clin Res. Author manuscript; available in PMC 2011 May 1.",
            align="C",
        )
        pdf.set_font(self.font, "B", 11)
        for k in range(3):  # side text printed bottom to top down the left edge
            x, y = 9.0, MS_H * (k + 1) / 3 - 20
            with pdf.rotation(90, x, y):
                pdf.text(x, y, MS_SIDE)
        self.y = MS_TOP

    def write(self, text: str, size: float = 11, style: str = "", gap: float = 0.0) -> None:
        pdf = self.pdf
        pitch = size * 0.75  # double spaced
        width = MS_W - MS_LEFT - MS_RIGHT
        pdf.set_font(self.font, style, size)
        lines = pdf.multi_cell(width, pitch, self.text(text), dry_run=True, output="LINES")
        self.y += gap
        for line in lines:
            if self.y + pitch > MS_BOTTOM:
                self.new_page()
            pdf.set_font(self.font, style, size)
            pdf.set_xy(MS_LEFT, self.y)
            pdf.cell(width, pitch, line)
            if self.numbered:
                self.line_no += 1
                pdf.set_font(self.font, "", 8)
                pdf.set_xy(MS_LEFT - 12, self.y)
                pdf.cell(9, pitch, str(self.line_no), align="R")
            self.y += pitch

    def table_page(self, n: int, rows: list[str], *, ruled: bool) -> None:
        """One table on a page of its own: "Table n" above its title, the rows, footnotes."""
        pdf = self.pdf
        self.new_page()
        width = MS_W - MS_LEFT - MS_RIGHT
        title, body = rows[0], rows[1:]
        title = re.sub(r"^Table\s*\d+[.:]?\s*", "", title, flags=re.IGNORECASE)
        pdf.set_font(self.font, "B", 11)
        pdf.set_xy(MS_LEFT, self.y)
        pdf.cell(width, 5, f"Table {n}", align="C")
        self.y += 7
        pdf.set_font(self.font, "", 10)
        for line in pdf.multi_cell(width, 5, self.text(title), dry_run=True, output="LINES"):
            pdf.set_xy(MS_LEFT, self.y)
            pdf.cell(width, 5, line)
            self.y += 5
        cells = [
            [c.strip() for c in r.strip().strip("|").split("|")]
            for r in body
            if "|" in r and not re.fullmatch(r"[\s|:-]+", r)
        ]
        notes = [r for r in body if "|" not in r]
        self.y += 2
        if cells:
            ncols = max(len(r) for r in cells)
            first = min(60.0, width * 0.35) if ncols > 1 else width
            other = (width - first) / max(1, ncols - 1)
            pdf.set_font(self.font, "", 8)
            if ruled:
                pdf.line(MS_LEFT, self.y, MS_LEFT + width, self.y)
            self.y += 1
            for k, row in enumerate(cells[:45]):
                x = MS_LEFT
                for j, cell in enumerate(row[:ncols]):
                    w = first if j == 0 else other
                    text = self.text(cell)
                    while text and pdf.get_string_width(text) > w - 1.5:
                        text = text[:-1]
                    pdf.set_xy(x, self.y)
                    pdf.cell(w, 4, text)
                    x += w
                self.y += 4.4
                if k == 0 and ruled:
                    pdf.line(MS_LEFT, self.y, MS_LEFT + width, self.y)
                    self.y += 0.8
                if self.y > MS_BOTTOM - 20:
                    break
            if ruled:
                pdf.line(MS_LEFT, self.y + 0.3, MS_LEFT + width, self.y + 0.3)
            self.y += 2
        pdf.set_font(self.font, "", 8)
        for note in notes[:3]:
            for line in pdf.multi_cell(width, 3.6, self.text(note), dry_run=True, output="LINES"):
                if self.y > MS_BOTTOM:
                    break
                pdf.set_xy(MS_LEFT, self.y)
                pdf.cell(width, 3.6, line)
                self.y += 3.6


def render_manuscript(
    text: str, references: list[str], abstract: set[str], *, style: int = 0
) -> bytes:
    """The JATS ``text`` as an author manuscript: title page, abstract, body, references, then
    the tables one per page ("Table 1" above each title, ruled only horizontally or not at all)
    and the figure legends ("Figure Legends" or "Figure 1" titles)."""
    blocks = blocks_of(text, abstract)
    title = text.split("\n", 1)[0]
    m = Manuscript(numbered=style % 2 == 0)
    m.new_page()
    m.write(title, 14, "B")
    m.write("John A. Smith, MD1, Mary B. Jones, PhD2, and Peter C. Brown, MD1", 11, "", 4)
    m.write("1Department of Surgery, University Hospital, Springfield, IL, USA", 10)
    m.write("Corresponding author: John A. Smith, jsmith@example.org", 10)
    first_abstract = True
    for kind, role, lines in blocks:
        if kind != "abstract":
            continue
        if first_abstract:
            m.write("Abstract", 12, "B", 6)
            first_abstract = False
        if role == "heading" and lines[0].casefold() == "abstract":
            continue
        m.write(lines[0], 11, "B" if role == "heading" else "")
    tables: list[list[str]] = []
    legends: list[str] = []
    for kind, role, lines in blocks:
        if kind in ("abstract", "front_matter"):
            continue
        if role == "table":
            tables.append(lines)
        elif role == "caption":
            legends.append(lines[0])
        elif role == "heading":
            m.write(lines[0], 11, "B", 4)
        else:
            m.write(lines[0], 11)
    if references:
        m.new_page()
        m.write("References", 12, "B")
        for k, entry in enumerate(references, 1):
            m.write(f"{k}. {entry}", 11)
    for n, rows in enumerate(tables, 1):
        m.table_page(n, rows, ruled=style % 3 != 2)
    if legends:
        m.new_page()
        if style % 2:
            m.write("Figure Legends", 12, "B")
        for n, legend in enumerate(legends, 1):
            legend = re.sub(r"^(?:Figure|Fig\.?)\s*\d+[.:]?\s*", "", legend, flags=re.I)
            m.write(f"Figure {n}", 11, "B", 4)
            m.write(legend, 11)
    return bytes(m.pdf.output())


# --------------------------------------------------------------------------------------------
# Journal pages of other houses: numbered or small-capital headings, superscript citations,
# author-year reference lists, boxes, a contents list, tables continued over pages

_CITE = re.compile(r"\[(\d{1,3}(?:\s?[,–-]\s?\d{1,3})*)\]")


def apa_entry(entry: str) -> str:
    """A Vancouver entry ("Smith AB, Jones C. Title. J Abbr. 2010;69:123-130.") in
    author-year form ("Smith, A. B., & Jones, C. (2010). Title. J Abbr, 69, 123–130.")."""
    m = re.match(r"(.+?)\. (.*?)(?:(\d{4})(?:;(\w+))?(?::([\w-]+))?\.)?$", entry)
    if not m:
        return entry
    authors, rest, year, volume, pages = m.groups()
    names = []
    for name in authors.split(", "):
        sur, _, ini = name.rpartition(" ")
        if sur and ini.isupper() and len(ini) <= 3:
            names.append(f"{sur}, " + " ".join(f"{c}." for c in ini))
        else:
            names.append(name)
    who = names[0] if len(names) == 1 else ", ".join(names[:-1]) + ", & " + names[-1]
    out = f"{who} ({year or 'n.d.'}). {rest.strip().rstrip('.')}"
    if volume:
        out += f", {volume}"
    if pages:
        out += f", {pages.replace('-', '–')}"
    return out + "."


class House(Journal):
    """Two columns with citations as superscript numbers (drawn word by word, no space
    characters, as typeset PDFs often are), numbered or small-capital headings, a running head
    naming the section on reference pages, tables cut where the page ends and continued on the
    next one ("Table 2 (continued)", the header row repeated)."""

    def __init__(self, *args: Any, style: int = 0, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.style = style
        self.head_word = ""  # printed in the running head ("References" on those pages)

    def new_page(self) -> None:
        pdf = self.pdf
        pdf.add_page()
        self.page_no += 1
        pdf.set_font(self.font, "", 7.5)
        left = f"{self.head_word}  " if self.head_word else ""
        head = (
            f"{left}Br J Clin Res (2010) 102, 1{self.page_no:02d}"
            if self.page_no % 2
            else (f"{left}{self.author} et al.")
        )
        pdf.set_xy(MARGIN, 8)
        pdf.cell(PAGE_W - 2 * MARGIN, 4, self.text(head), align="R" if self.page_no % 2 else "L")
        pdf.set_xy(MARGIN, PAGE_H - 12)
        pdf.cell(PAGE_W - 2 * MARGIN, 4, str(self.page_no + 100), align="C")
        self.col, self.y, self.col_bottom = 0, TOP, BOTTOM
        self.col_top = TOP
        while self.floats:
            self.y = self.draw_table(self.floats.pop(0), self.y) + 4

    def draw_table(self, rows: list[str], y: float) -> float:
        """A table cut after 18 body rows: the rest is a float of the next page under
        "Table n (continued)" with the header row again."""
        body = [r for r in rows[1:] if "|" in r and not re.fullmatch(r"[\s|:-]+", r)]
        if len(body) > 19 and self.style % 2 == 0:
            notes = [r for r in rows[1:] if "|" not in r]
            label = re.match(r"(?i)(table\s*\w+)", rows[0])
            head = f"{label.group(1) if label else 'Table'} (continued)"
            self.floats.append([head, body[0], *body[19:], *notes])
            rows = [rows[0], *body[:19]]
        return super().draw_table(rows, y)

    def words_of(self, text: str) -> list[list[tuple[str, bool]]]:
        """Words of ``text`` as parts (text, superscript): "[12,13]" citations become
        superscript "12,13" attached to the word before."""
        out: list[list[tuple[str, bool]]] = []
        for word in _CITE.sub(
            lambda m: "\x01" + m.group(1).replace(" ", "") + "\x02", text
        ).split():
            parts: list[tuple[str, bool]] = []
            for k, piece in enumerate(re.split("[\x01\x02]", word)):
                if piece:
                    parts.append((piece, k % 2 == 1))
            if self.style % 4 == 2 and len(parts) > 1 and parts[-2][1] and parts[-1][0] in ".,;:":
                parts[-2:] = [parts[-1], parts[-2]]  # AMA: after the punctuation ("trials,4,5")
            if parts and parts[0][1] and out:
                out[-1].extend(parts)  # "trials [12]" -> "trials12"
            elif parts:
                out.append(parts)
        return out

    def column_text(self, text: str, size: float = 9, style: str = "", gap: float = 0.0) -> None:
        if "[" not in text or self.style % 2:
            super().column_text(text, size, style, gap)
            return
        pdf = self.pdf
        pitch = size * 0.45

        def width(parts: list[tuple[str, bool]]) -> float:
            w = 0.0
            for piece, sup in parts:
                pdf.set_font(self.font, style, size * 0.6 if sup else size)
                w += pdf.get_string_width(self.text(piece))
            return w

        pdf.set_font(self.font, style, size)
        space = pdf.get_string_width(" ")
        lines: list[list[list[tuple[str, bool]]]] = [[]]
        used = 0.0
        for word in self.words_of(text):
            w = width(word)
            if lines[-1] and used + space + w > COL_W:
                lines.append([])
                used = 0.0
            used += (space if lines[-1] else 0) + w
            lines[-1].append(word)
        if gap and self.y > self.col_top:
            self.y += gap
        for line in lines:
            if self.y + pitch > self.col_bottom:
                self.next_column()
            x = MARGIN + self.col * (COL_W + GUTTER)
            base = self.y + pitch * 0.8
            for word in line:
                for piece, sup in word:
                    pdf.set_font(self.font, style, size * 0.6 if sup else size)
                    pdf.text(x, base - (size * 0.14 if sup else 0), self.text(piece))
                    x += pdf.get_string_width(self.text(piece))
                pdf.set_font(self.font, style, size)
                x += space
            self.y += pitch

    def heading(self, text: str, number: str, sub: bool) -> None:
        """Numbered ("2.1. Study design") or small-capital headings ("Patients and Methods"
        in capitals, the first letter of each word larger)."""
        if self.style % 3 == 1 and not sub and len(text) < 40:
            pdf = self.pdf
            if self.y > self.col_top:
                self.y += 3
            if self.y + 4.5 > self.col_bottom:
                self.next_column()
            x = MARGIN + self.col * (COL_W + GUTTER)
            base = self.y + 3.6
            for word in text.split():
                for big, piece in itertools.groupby(word, key=lambda c: not c.islower()):
                    piece_text = self.text("".join(piece).upper())
                    pdf.set_font(self.font, "", 9.5 if big else 7.5)
                    pdf.text(x, base, piece_text)
                    x += pdf.get_string_width(piece_text)
                x += 1.6
            self.y += 4.5
            return
        if number and self.style % 3 == 2:  # Wiley: "1 | INTRODUCTION", "2.1 | Study design"
            number = number.rstrip(".") + " |"
            text = text if sub else text.upper()
        label = f"{number} {text}" if number else text
        self.column_text(label, 9 if not sub else 8.5, "B" if not sub else "I", gap=3)


def render_house(text: str, references: list[str], abstract: set[str], *, style: int = 0) -> bytes:
    """The JATS ``text`` in another house style (see :class:`House`): a full-width title,
    authors with superscript affiliations, a boxed abstract, "Keywords", a contents list
    (every third style), a first-page box "Received ...; accepted ... / Correspondence ..." at
    the foot of the left column, numbered or small-capital headings, superscript citations,
    author-year reference lists in two columns (every other style) under a running head
    "References"."""
    blocks = blocks_of(text, abstract)
    title = text.split("\n", 1)[0]
    j = House("Br J Clin Res", "(2010) 102, 1-9", "Smith", style=style)
    j.new_page()
    j.full_width("Clinical Study", 8, "B", 2)
    j.full_width(title, 13, "B", gap=2)
    j.full_width("JA Smith1, MB Jones2 and PC Brown*,1", 9.5, "", 1)
    j.full_width(
        "1Department of Oncology, University Hospital, Springfield, IL, USA; "
        "2Department of Statistics, State University, Springfield, IL, USA",
        7.5,
        "",
        3,
    )
    j.pdf.line(MARGIN, j.y, PAGE_W - MARGIN, j.y)
    j.y += 2
    for _, role, lines in (b for b in blocks if b[0] == "abstract"):
        if role == "heading" and lines[0].casefold() == "abstract":
            continue
        j.full_width(lines[0], 8.5, "B" if role == "heading" else "", 1)
    j.full_width("Keywords: randomised trial; survival; response; toxicity", 8, "I", 2)
    heads = [
        lines[0]
        for kind, role, lines in blocks
        if role == "heading" and kind not in ("abstract", "front_matter") and len(lines[0]) < 40
    ]
    if style % 3 == 0 and heads:
        j.full_width("Contents", 8, "B", 0.5)
        for n, head in enumerate(heads[:8], 1):
            j.full_width(f"{n}. {head} ........ {n + 1}", 7.5, "", 0.3)
        j.full_width(f"References ........ {len(heads[:8]) + 2}", 7.5, "", 2)
    j.pdf.line(MARGIN, j.y, PAGE_W - MARGIN, j.y)
    j.y += 3
    j.col_top = j.y
    box = [
        "*Correspondence: Dr PC Brown; E-mail: pbrown@example.org",
        "Received 3 March 2009; revised 1 June 2009; accepted 9 October 2009; published online "
        "10 November 2009",
        "© 2010 Clinical Research Publishers. All rights reserved.",
    ]
    fy = BOTTOM - 20
    j.pdf.line(MARGIN, fy - 1, MARGIN + COL_W, fy - 1)
    for entry in box:
        for line in j.wrap(entry, COL_W, 6.5):
            j.pdf.set_xy(MARGIN, fy)
            j.pdf.cell(COL_W, 2.9, j.text(line))
            fy += 2.9
    j.col_bottom = BOTTOM - 23
    number = [0, 0]
    for kind, role, lines in (b for b in blocks if b[0] not in ("abstract", "front_matter")):
        if role == "table":
            j.floats.append(lines)
        elif role == "heading":
            head = lines[0]
            if kind == "other":  # a figure legend's title
                j.column_text(head, 7.5, "I", gap=2)
                continue
            if kind in ("acknowledgments", "references", "boilerplate"):
                j.heading(head, "", False)  # back matter is not numbered
                continue
            sub = kind == getattr(j, "_last_kind", None) and len(head) < 60
            j._last_kind = kind  # type: ignore[attr-defined]
            if sub:
                number[1] += 1
                label = f"{number[0]}.{number[1]}."
            else:
                number = [number[0] + 1, 0]
                label = f"{number[0]}."
            numbered = re.match(r"\d+(?:\.\d+)*\.?\s", head)  # numbered by the article
            j.heading(head, label if style % 3 != 1 and not numbered else "", sub)
        elif role == "caption":
            j.column_text(lines[0], 7.5, "I", gap=2)
        else:
            j.column_text(lines[0], 9)
    if references:
        j.head_word = "References"
        j.heading("References", "", False)
        apa = style % 2 == 1
        entries = sorted(apa_entry(e) for e in references) if apa else references
        for k, entry in enumerate(entries, 1):
            j.column_text(entry if apa else f"{k}. {entry}", 6.5, gap=0.6)
    if j.floats:
        j.new_page()
    return bytes(j.pdf.output())


def shares(text: str) -> dict[str, float]:
    from trialex.sections import split_sections

    count: Counter[str] = Counter()
    for sec in split_sections(text):
        count[sec.kind] += sec.end - sec.start
    total = sum(count.values()) or 1
    return {k: v / total for k, v in count.items()}


def body_shares(text: str) -> dict[str, float]:
    """Shares of the prose kinds only (no references, tables, front matter)."""
    from trialex.sections import split_sections

    count: Counter[str] = Counter()
    for sec in split_sections(text):
        if sec.kind in ("introduction", "methods", "results", "discussion", "conclusion"):
            count[sec.kind] += sec.end - sec.start
    total = sum(count.values()) or 1
    return {k: v / total for k, v in count.items()}


def values(result) -> Counter:
    return Counter(
        (r.endpoint, round(r.value, 3)) for r in result.records if r.origin == "this_study"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=30)
    parser.add_argument("--skip", type=int, default=0)
    parser.add_argument(
        "--min-kb", type=int, default=0, help="only articles whose JATS file is this large"
    )
    parser.add_argument("--keep", type=Path)
    parser.add_argument("--inject", action="store_true", help="add early references furniture")
    parser.add_argument(
        "--layout",
        choices=("journal", "manuscript", "house"),
        default="journal",
        help="journal: two columns; manuscript: an author manuscript (one column, line numbers, "
        "side text, tables and figure legends after the references); house: two columns of "
        "another house (numbered or small-capital headings, superscript citations, author-year "
        "references, a contents list, tables continued over pages)",
    )
    args = parser.parse_args(argv)
    if not CORPUS.is_dir():
        print(f"{CORPUS} absent: nothing to measure")
        return 0
    from trialex.ingest import document_from_text
    from trialex.jats import inline_text, jats_to_text, local, parse_xml
    from trialex.pdf import extract_pdf
    from trialex.pipeline import process

    files = [
        p
        for p in sorted(CORPUS.glob("*.nxml"))
        if not is_check_copy(p) and p.stat().st_size >= args.min_kb * 1024
    ]
    files = files[args.skip : args.skip + args.n]
    rows = []
    tot_found = tot_vals = 0
    for n, path in enumerate(files):
        root = parse_xml(path.read_bytes(), path.name)
        text = jats_to_text(root, source=path.name).text
        refs = references_of(root)
        abstract = {
            _clean(inline_text(p))
            for a in root.iter()
            if isinstance(a.tag, str) and local(a) == "abstract"
            for p in a.iter()
            if isinstance(p.tag, str) and local(p) == "p"
        }
        try:
            if args.layout == "manuscript":
                data = render_manuscript(text, refs, abstract, style=n)
            elif args.layout == "house":
                data = render_house(text, refs, abstract, style=n)
            else:
                data = render(text, refs, abstract, style=n, inject=args.inject)
        except Exception as err:  # a layout the little engine cannot draw
            print(f"{path.stem}: not rendered ({type(err).__name__}: {err})")
            continue
        ptext = extract_pdf(data, source=path.name).text
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            (args.keep / f"{path.stem}.pdf").write_bytes(data)
            (args.keep / f"{path.stem}.pdf.txt").write_text(ptext, encoding="utf-8")
            (args.keep / f"{path.stem}.jats.txt").write_text(text, encoding="utf-8")
        a, b = body_shares(text), body_shares(ptext)
        sa, sb = shares(text), shares(ptext)
        va = values(process(document_from_text(text, doc_id=path.stem, source=path.name)))
        vb = values(process(document_from_text(ptext, doc_id=path.stem, source=path.name)))
        found = sum((va & vb).values())
        total = sum(va.values())
        tot_found += found
        tot_vals += total
        rows.append((path.stem, a, b, sa, sb, found, total))
        diff = sum(abs(a.get(k, 0) - b.get(k, 0)) for k in set(a) | set(b)) / 2
        print(
            f"{path.stem:12} body-diff {diff:.2f} refs {sa.get('references', 0):.2f}->"
            f"{sb.get('references', 0):.2f} concl {sa.get('conclusion', 0):.2f}->"
            f"{sb.get('conclusion', 0):.2f} res {a.get('results', 0):.2f}->"
            f"{b.get('results', 0):.2f} disc {a.get('discussion', 0):.2f}->"
            f"{b.get('discussion', 0):.2f} values {found}/{total}",
            flush=True,
        )
    if rows:
        diffs = [
            sum(abs(a.get(k, 0) - b.get(k, 0)) for k in set(a) | set(b)) / 2 for _, a, b, *_ in rows
        ]
        swallowed = sum(
            1
            for _, _, _, sa, sb, *_ in rows
            if sb.get("references", 0) > sa.get("references", 0) + 0.15
            or sb.get("conclusion", 0) > sa.get("conclusion", 0) + 0.15
        )
        print(
            f"\n{len(rows)} articles: mean body-share difference {sum(diffs) / len(diffs):.3f}, "
            f"max {max(diffs):.2f}; documents where references/conclusion grew by >15 points: "
            f"{swallowed}; values of the JATS text found in the PDF text: {tot_found}/{tot_vals} "
            f"({tot_found / max(1, tot_vals):.3f})"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
