"""Journal pages of other houses: a reference column with one word run past the page edge,
Wiley-style numbered headings ("2 | METHODS"), a table of contents after the abstract.

The texts are invented; the PDFs are built with fpdf2.
"""

from __future__ import annotations

from fpdf import FPDF

from trialex.pdf import extract_pdf
from trialex.sections import split_sections

BODY = (
    "Of the patients who received the combination, most completed the planned cycles and the "
    "rate of severe neutropenia was low, while the median time to progression was longer than "
    "in the historical series treated with the single agent at the same centres."
)
ENTRY = (
    "{n}. Walker AB, Stone CD, Hill EF. Early treatment of advanced disease: a cohort study. "
    "J Clin Res. 2004;{v}:{p}-{q}."
)


def _kind_at(text: str, needle: str) -> str:
    at = text.index(needle)
    return next(s.kind for s in split_sections(text) if s.start <= at < s.end)


def make_reference_column_pdf(*, stray: bool) -> bytes:
    """A page whose left column ends the discussion and whose right column holds the reference
    list in smaller type; ``stray`` runs one entry's long address past the page's right edge."""
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.set_font("Helvetica", size=9)
    pdf.set_xy(15, 20)
    left = " ".join(f"D{k:02d} {BODY}" for k in range(9))
    pdf.multi_cell(85, 4.2, left)
    pdf.set_font("Helvetica", "B", 9)
    pdf.set_xy(110, 20)
    pdf.cell(85, 4.2, "REFERENCES")
    pdf.set_font("Helvetica", size=6.5)
    y = 26.0
    for n in range(1, 23):
        entry = ENTRY.format(n=n, v=40 + n, p=100 + n, q=109 + n)
        lines = pdf.multi_cell(85, 3, entry, dry_run=True, output="LINES")
        if stray and n == 7:  # typeset unbroken: it runs past the column and the page edge
            lines.append(
                "http://www.example.org/clinical-guidelines/2004/advanced-disease/"
                "supplementary-appendix/full-text/online-only/table-s1"
            )
        for line in lines:
            pdf.set_xy(110, y)
            pdf.cell(85, 3, line)  # an unbreakable address overflows the column and the page
            y += 3
        y += 0.6
    return bytes(pdf.output())


def test_pdf_word_past_the_page_edge_does_not_join_the_columns() -> None:
    for stray in (False, True):
        text = extract_pdf(make_reference_column_pdf(stray=stray), source="refs.pdf").text
        # the left column is read whole before the reference list
        assert text.index("D08") < text.index("REFERENCES") < text.index("1. Walker"), stray
        assert "D03" not in text[text.index("REFERENCES") :], stray


def _wiley_text() -> str:
    return (
        "A Trial of Early Treatment\n\nAbstract\n\nBackground: An open question.\n\n"
        f"Conclusions: Early treatment was safe.\n\n1 | INTRODUCTION\n\nI{BODY}\n\n"
        f"2 | METHODS\n\n2.1 | Study design\n\nM{BODY}\n\n3 | RESULTS\n\nR{BODY}\n\n"
        f"3.1 | Toxicity\n\nT{BODY}\n\n4 | DISCUSSION\n\nD{BODY}\n\nREFERENCES\n\n"
        + "\n".join(ENTRY.format(n=n, v=40 + n, p=100 + n, q=109 + n) for n in range(1, 8))
        + "\n"
    )


def test_wiley_numbered_headings_open_their_sections() -> None:
    text = _wiley_text()
    kinds = {tag: _kind_at(text, tag + BODY[:30]) for tag in "IMRTD"}
    assert kinds == {
        "I": "introduction",
        "M": "methods",
        "R": "results",
        "T": "results",
        "D": "discussion",
    }


def test_contents_list_is_furniture_and_opens_no_references() -> None:
    """A contents list after the abstract: its "References ....... 9" line is no heading, the
    introduction after it is no reference list."""
    contents = (
        "Contents\n1. Introduction ........ 2\n2. Methods ........ 3\n3. Results ........ 5\n"
        "4. Discussion ........ 7\nReferences ........ 9\n\n"
    )
    text = (
        "A Trial of Early Treatment\n\nAbstract\n\nBackground: An open question.\n\n"
        f"Conclusions: Early treatment was safe.\n\n{contents}"
        f"1. Introduction\n\nI{BODY}\n\nI2{BODY}\n\nI3{BODY}\n\n2. Methods\n\nM{BODY}\n\n"
        f"3. Results\n\nR{BODY}\n\n4. Discussion\n\nD{BODY}\n\nReferences\n\n"
        + "\n".join(ENTRY.format(n=n, v=40 + n, p=100 + n, q=109 + n) for n in range(1, 8))
        + "\n"
    )
    assert _kind_at(text, "References ........ 9") == "boilerplate"
    assert _kind_at(text, "I2" + BODY[:30]) == "introduction"
    assert _kind_at(text, "R" + BODY[:30]) == "results"
    assert _kind_at(text, "3. Walker") == "references"


def test_journal_name_opening_a_wrapped_entry_line_stays_in_the_references() -> None:
    """PDF text wraps an entry so that a line opens on a journal whose first word is a
    back-matter heading ("Support Care Cancer", "Contributions to ..."): still an entry."""
    import textwrap

    prose = " ".join(f"{BODY}" for _ in range(12))
    entries = [
        f"{n}. Walker AB, Stone CD, Hill EF, Moore GH, Young JK, Price LM. Oral supportive "
        f"care in advanced disease."
        for n in range(1, 15)
    ]
    lines = [*textwrap.wrap(prose, 70), "", "Discussion", "", *textwrap.wrap(prose, 70)]
    lines += ["", "REFERENCES"]
    for n, entry in enumerate(entries, 1):
        lines += [*textwrap.wrap(entry, 70), f"Support Care Cancer. 2003;{n}:415-421."]
    text = "\n".join(lines) + "\n"
    assert _kind_at(text, "Support Care Cancer. 2003;3:") == "references"
    assert _kind_at(text, "14. Walker") == "references"
