"""Author manuscripts as PDFs (PMC/NIHMS, preprints, accepted manuscripts): one column, line
numbers in the margin, "NIH-PA Author Manuscript" down the page edge, the references, then the
tables one per page and the figure legends. Every PDF is built here with fpdf2."""

from __future__ import annotations

import re

from fpdf import FPDF

from trialex.pdf import extract_pdf
from trialex.sections import split_sections

SIDE = "NIH-PA Author Manuscript"
BODY = (
    "Patients were enrolled at twelve centres and followed for a median of four years while "
    "the investigators recorded the outcomes of treatment in every arm of the study."
)
RESULT = "The overall response rate was 45% (27 of 60) with drug A and 20% (12 of 60) with placebo."
REFERENCES = [
    "Smith AB, Jones CD. Induction therapy in older adults. J Clin Oncol. 2009;27:1234-1240.",
    "Brown EF, White GH, Green IJ. Salvage regimens for relapse. Blood. 2008;112:455-461.",
    "Black KL, Gray MN. Survival after transplantation. Lancet Oncol. 2010;11:77-85.",
    "Young OP, Old QR. A randomised trial of maintenance. N Engl J Med. 2007;356:10-19.",
    "Hill ST, Dale UV. Toxicity of combination therapy. Ann Oncol. 2006;17:300-308.",
    "Stone WX, Wood YZ. Quality of life in trials. Cancer. 2005;104:200-209.",
]
TABLE = [
    ("Outcome", "Drug A (N=60)", "Placebo (N=60)", "P value"),
    ("Complete response, n (%)", "15 (25.0)", "6 (10.0)", "0.03"),
    ("Partial response, n (%)", "12 (20.0)", "6 (10.0)", "0.12"),
    ("Stable disease, n (%)", "20 (33.3)", "25 (41.7)", "0.35"),
    ("Progressive disease, n (%)", "13 (21.7)", "23 (38.3)", "0.05"),
]


class _Manuscript:
    def __init__(self, *, numbered: bool = True, side: bool = True) -> None:
        self.pdf = FPDF(unit="mm", format="letter")
        self.pdf.set_auto_page_break(False)
        self.numbered, self.side = numbered, side
        self.line = 0
        self.page = 0
        self.y = 25.0

    def new_page(self) -> None:
        pdf = self.pdf
        pdf.add_page()
        self.page += 1
        pdf.set_font("Helvetica", "", 9)
        pdf.set_xy(30, 10)
        pdf.cell(100, 4, "Smith et al.")
        pdf.set_xy(160, 10)
        pdf.cell(25, 4, f"Page {self.page}", align="R")
        pdf.set_xy(30, 262)
        pdf.cell(150, 4, "J Clin Res. Author manuscript; available in PMC 2011 May 1.")
        if self.side:
            pdf.set_font("Helvetica", "B", 11)
            for k in range(3):
                x, y = 9.0, 279 * (k + 1) / 3 - 20
                with pdf.rotation(90, x, y):
                    pdf.text(x, y, SIDE)
        self.y = 25.0

    def write(self, text: str, style: str = "", gap: float = 0.0) -> None:
        pdf = self.pdf
        pdf.set_font("Helvetica", style, 11)
        lines = pdf.multi_cell(150, 8, text, dry_run=True, output="LINES")
        self.y += gap
        for line in lines:
            if self.y > 250:
                self.new_page()
            pdf.set_font("Helvetica", style, 11)
            pdf.set_xy(30, self.y)
            pdf.cell(150, 8, line)
            if self.numbered:
                self.line += 1
                pdf.set_font("Helvetica", "", 8)
                pdf.set_xy(17, self.y)
                pdf.cell(9, 8, str(self.line), align="R")
            self.y += 8

    def text_at(self, x: float, text: str, size: float = 9) -> None:
        self.pdf.set_font("Helvetica", "", size)
        self.pdf.set_xy(x, self.y)
        self.pdf.cell(40, 5, text)


def make_manuscript_pdf(*, numbered: bool = True, side: bool = True) -> bytes:
    """Title page, methods long enough to number lines past 100, results, references, a table
    page (unruled, "Table 1" above its title, a footnote) and a page of figure legends."""
    m = _Manuscript(numbered=numbered, side=side)
    m.new_page()
    m.write("Drug A versus placebo in relapsed lymphoma: a randomised trial", "B")
    m.write("Abstract", "B", 4)
    m.write(BODY)
    m.write("Introduction", "B", 4)
    for _ in range(4):
        m.write(BODY)
    m.write("Methods", "B", 4)
    for _ in range(40):
        m.write(BODY)
    m.write("Results", "B", 4)
    m.write(RESULT)
    m.write("Discussion", "B", 4)
    m.write(BODY)
    m.new_page()
    m.write("References", "B")
    for k, entry in enumerate(REFERENCES, 1):
        m.write(f"{k}. {entry}")
    m.new_page()
    m.pdf.set_font("Helvetica", "B", 11)
    m.pdf.set_xy(30, m.y)
    m.pdf.cell(150, 6, "Table 1", align="C")
    m.y += 8
    m.pdf.set_font("Helvetica", "", 10)
    m.pdf.set_xy(30, m.y)
    m.pdf.cell(150, 6, "Best response by arm in the intention-to-treat population")
    m.y += 10
    for row in TABLE:
        for x, cell in zip((30, 95, 125, 160), row, strict=True):
            m.text_at(x, cell)
        m.y += 6
    m.y += 4
    m.text_at(30, "Response was assessed by the investigators at each visit.", 8)
    m.new_page()
    m.write("Figure Legends", "B")
    m.write("Figure 1", "B", 4)
    m.write("Kaplan-Meier estimates of overall survival by treatment arm in all patients.")
    return bytes(m.pdf.output())


def test_manuscript_line_numbers_and_side_text_are_dropped() -> None:
    text = extract_pdf(make_manuscript_pdf(), source="ms.pdf").text
    assert "Author Manuscript" not in text
    # the footer, also where a sentence runs on over the page end (it was joined into it)
    assert "available in PMC" not in text
    assert BODY in text.split("\n")
    assert "tpircsunaM" not in text
    assert "\nResults\n" in text  # no "113 Results": the heading is read as a heading
    assert "\n45 " not in text and not any(line[:1].isdigit() for line in text.split("\n")[:20])
    assert RESULT in text


def test_manuscript_sections_keep_results_and_end_references() -> None:
    text = extract_pdf(make_manuscript_pdf(), source="ms.pdf").text
    kinds = {}
    for sec in split_sections(text):
        kinds.setdefault(sec.kind, []).append(text[sec.start : sec.end])
    assert any(RESULT in body for body in kinds["results"])
    refs = "".join(kinds["references"])
    assert "Smith AB" in refs
    assert "Best response by arm" not in refs and "Kaplan-Meier" not in refs
    assert any("15 (25.0)" in body for body in kinds["table"])


def test_numbers_starting_table_rows_are_no_line_numbers() -> None:
    """A table whose first column holds numbers 1..n (patients, cycles) keeps them."""
    pdf = FPDF(unit="mm", format="letter")
    pdf.add_page()
    pdf.set_font("Helvetica", "", 10)
    y = 30.0
    for k in range(1, 9):
        for x, cell in ((30, str(k)), (60, f"{40 + k} years"), (100, f"{k * 3} cycles")):
            pdf.set_xy(x, y)
            pdf.cell(30, 5, cell)
        y += 6
    pdf.set_xy(30, y + 6)
    pdf.multi_cell(150, 5, BODY * 2)
    text = extract_pdf(bytes(pdf.output()), source="t.pdf").text
    for k in range(1, 9):
        assert re.search(rf"(?m)^{k}\b[ |]+{40 + k} years", text), text


def _manuscript_text() -> str:
    refs = "\n".join(f"{k}. {entry}" for k, entry in enumerate(REFERENCES * 2, 1))
    rows = "\n".join(
        f"{label} {a} {b} {p}" for label, a, b, p in TABLE[1:]
    )  # a table read as lines of values, no cells
    legends = " ".join(
        f"Figure {k}. Kaplan-Meier estimates of overall survival in the patients assigned to "
        f"each treatment arm of the trial, with the numbers at risk shown below the curves."
        for k in range(1, 8)
    )
    return (
        "Drug A versus placebo in relapsed lymphoma\n\nMethods\n\n"
        + BODY
        + "\n\nResults\n\n"
        + RESULT
        + "\n\nDiscussion\n\n"
        + BODY
        + "\n\nReferences\n\n"
        + refs
        + "\n\nTable 1\nBest response by arm\n"
        + "\n".join([rows] * 4)
        + "\n\nFigure Legends\n\n"
        + legends
        + "\n"
    )


def test_tables_and_legends_after_a_reference_list_are_no_references() -> None:
    text = _manuscript_text()
    refs = "".join(
        text[sec.start : sec.end] for sec in split_sections(text) if sec.kind == "references"
    )
    assert "Smith AB" in refs and "Stone WX" in refs
    assert "15 (25.0)" not in refs and "Kaplan-Meier" not in refs


def test_small_capital_and_results_conclusion_headings() -> None:
    """Headings of results a manuscript may print: small capitals read as "R ESULTS", results
    headed together with their conclusions, a "Summary of findings"."""
    for heading in ("R ESULTS", "Results and Conclusions", "Summary of findings"):
        text = f"Methods\n\n{BODY}\n\n{heading}\n\n{RESULT}\n\nDiscussion\n\n{BODY}\n"
        kinds = [sec.kind for sec in split_sections(text) if RESULT in text[sec.start : sec.end]]
        assert kinds == ["results"], heading
    text = f"Results\n\n{RESULT}\n\nP ATIENTS AND M ETHODS\n\n{BODY}\n"
    assert [sec.kind for sec in split_sections(text)][-1] == "methods"


def test_results_whose_heading_was_lost_are_not_methods() -> None:
    """A full text with methods but no results or discussion heading read: the paragraphs that
    read as results (results cues outweigh methods cues) end the methods."""
    found = (
        "A total of 120 patients were randomized. The overall response rate was 45% in arm A "
        "versus 20% in arm B (P = 0.01). Median overall survival was 14.2 months."
    )
    design = "Patients were eligible if they had relapsed disease and adequate organ function."
    text = (
        f"Introduction\n\n{BODY}\n\nMethods\n\n{BODY}\n\n{design}\n\n"
        f"RESULTS DURING THE STUDY\n\n{found}\n\n{found}\n\nConclusions\n\n{BODY}\n"
    )
    kinds = {text[s.start : s.end].strip(): s.kind for s in split_sections(text)}
    assert [k for body, k in kinds.items() if found in body] == ["results"]
    assert [k for body, k in kinds.items() if design in body] == ["methods"]
    with_results = text.replace("RESULTS DURING THE STUDY", "Results")
    assert "methods" not in [
        s.kind for s in split_sections(with_results) if found in with_results[s.start : s.end]
    ]
