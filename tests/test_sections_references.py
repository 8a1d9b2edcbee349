"""Where a references section begins and ends: it never swallows a document's results.

A references section continues only while its paragraphs read as reference entries; running
prose without reference form ends it (the body kind before it comes back). Texts here are
invented; the PDFs are built with fpdf2 in the layouts journals print.
"""

from __future__ import annotations

import pytest
from fpdf import FPDF

from trialex.pdf import extract_pdf
from trialex.sections import split_sections

RESULT = (
    "Major bleeding occurred in 12 of 240 patients (5.0%) who received low molecular weight "
    "heparin within 48 hours of admission, compared with 9 of 236 patients (3.8%) who started "
    "it later, and the rate of deep vein thrombosis was lower in the early group than in the "
    "late group."
)
DISCUSSION = (
    "Our findings suggest that early prophylaxis is safe in most patients with blunt trauma, "
    "although the number of patients with severe head injury was small and the confidence "
    "intervals of the bleeding rates were wide, so that a randomised comparison is still needed."
)
ENTRIES = (
    "1. Geerts WH, Code KI, Jay RM, Chen E, Szalai JP: A prospective study of venous "
    "thromboembolism after major trauma in a cohort of consecutive patients admitted to a "
    "regional trauma centre over two years. N Engl J Med 1994, 331:1601-1606.",
    "2. Knudson MM, Ikossi DG, Khaw L, Morabito D, Speetzen LS: Thromboembolism after trauma: "
    "an analysis of 1602 episodes from the American College of Surgeons National Trauma Data "
    "Bank and the implications for prophylaxis. Ann Surg. 2004;240(3):490-496.",
    "3. Alzheimer's Disease International. (2009). World Alzheimer Report: the global "
    "prevalence of dementia and the costs of care in low and middle income countries, with "
    "estimates for every region of the world and for the years to come. London: ADI.",
    "4. Smith, J. A., & Jones, B. (2001). Stressful life events in late life and the risk of "
    "cognitive decline in a population of older adults followed for more than ten years in "
    "the community. Neuroscience, 95, 123-130.",
    "5 Janer G Sala M Kogevinas M Health promotion trials at worksites and risk factors for "
    "cancer in a review of the trials reported in the literature over the last twenty years "
    "Scand J Work Environ Health 2002 28 3 141 157 12109553",
    "6. Cothren CC, Smith WR, Moore EE, Morgan SJ: Utility of once-daily dose of low-molecular-"
    "weight heparin to prevent venous thromboembolism in multisystem trauma patients and in "
    "those with spinal cord injury. World J Surg. doi:10.1007/s00268-007-9039-0",
)


def _kinds_at(text: str, needles: dict[str, str]) -> dict[str, str]:
    sections = split_sections(text)
    out = {}
    for name, needle in needles.items():
        at = text.index(needle)
        out[name] = next(s.kind for s in sections if s.start <= at < s.end)
    return out


@pytest.mark.parametrize(
    "spurious",
    [
        "References",  # a table's column header or a side bar read as a line of its own
        "Reference",
        "Notes",
        "Correspondence",
        "Disclosure",
    ],
)
def test_references_heading_early_gives_the_results_back(spurious: str) -> None:
    text = (
        "Methods\n\nWe reviewed every study of prophylaxis in trauma patients.\n\n"
        f"Results\n\nTwelve studies were included.\n{spurious}\n\n{RESULT}\n\n"
        f"{RESULT.replace('Major', 'Minor')}\n\nDiscussion\n\n{DISCUSSION}\n\n"
        "References\n\n" + "\n".join(ENTRIES) + "\n"
    )
    kinds = _kinds_at(
        text,
        {
            "first": RESULT[:40],
            "second": "Minor bleeding",
            "discussion": DISCUSSION[:40],
            "entry": "Knudson MM",
        },
    )
    assert kinds == {
        "first": "results",
        "second": "results",
        "discussion": "discussion",
        "entry": "references",
    }


def test_reference_list_of_long_entries_stays_references() -> None:
    """Entries of every style, longer than a paragraph of prose, never end the list."""
    text = f"Discussion\n\n{DISCUSSION}\n\nReferences\n\n" + "\n\n".join(ENTRIES) + "\n"
    sections = split_sections(text)
    refs = [s for s in sections if s.kind == "references"]
    assert len(refs) == 1
    assert refs[0].end == len(text)


def test_back_matter_statement_stays_references() -> None:
    text = (
        f"Conclusion\n\n{DISCUSSION}\n\nCompeting interests\n\n"
        "The authors declare that they have no competing interests, financial or otherwise, "
        "and that no funding body had any role in the design of the study, in the collection, "
        "analysis and interpretation of the data, or in the writing of the manuscript.\n\n"
        "References\n\n" + "\n".join(ENTRIES[:3]) + "\n"
    )
    kinds = _kinds_at(text, {"statement": "The authors declare", "entry": "Geerts WH"})
    assert kinds == {"statement": "references", "entry": "references"}


def test_late_reference_list_of_unknown_forms_stays_references() -> None:
    """Where references belong (the end of a document) nothing is given back: entries of forms
    the rules do not know, appendices and printed discussions stay in the section."""
    body = " ".join([RESULT] * 12)
    unknown = (
        "Marty M. A comparative study of the use of granisetron, a selective antagonist, "
        "versus a standard antiemetic regimen of chlorpromazine plus dexamethasone in the "
        "treatment of cytostatic induced emesis in patients receiving chemotherapy"
    )
    text = (
        f"Results\n\n{body}\n\nConclusion\n\n{DISCUSSION}\n\nReferences\n\n{unknown}\n\n"
        f"{unknown.replace('Marty M', 'Smith J')}\n\n{unknown.replace('Marty M', 'Jones K')}\n"
    )
    kinds = _kinds_at(text, {"first": "Marty M", "last": "Jones K"})
    assert kinds == {"first": "references", "last": "references"}


def test_early_reference_list_then_body_keeps_only_the_list() -> None:
    """A references section that opens early keeps its list and gives the text before the list
    back (a "References" column head above the results, the list printed much later)."""
    body = "\n\n".join([RESULT, DISCUSSION] * 4)
    text = (
        f"Methods\n\nWe reviewed every study.\n\nResults\n\nTwelve studies.\nReferences\n\n"
        f"{body}\n\n" + "\n".join(ENTRIES) + "\n"
    )
    kinds = _kinds_at(text, {"body": DISCUSSION[:30], "entry": "Cothren CC"})
    assert kinds == {"body": "results", "entry": "references"}


def test_results_after_early_references_reach_records() -> None:
    from trialex.ingest import document_from_text
    from trialex.pipeline import process

    text = (
        "Results\n\nTwelve studies were included.\nReferences\n\n"
        f"{RESULT}\n\n{RESULT.replace('Major', 'Minor')}\n"
    )
    result = process(document_from_text(text, doc_id="early_refs", source="x.txt"))
    assert any(r.section == "results" and r.n == 12 and r.N == 240 for r in result.records)


# --------------------------------------------------------------------------------------------
# PDFs in journal layouts


def _column(pdf: FPDF, x: float, y: float, text: str, size: float = 9, style: str = "") -> float:
    pdf.set_font("Helvetica", style, size)
    pdf.set_xy(x, y)
    pdf.multi_cell(85, size * 0.45, text)
    return pdf.get_y()


def make_review_pdf() -> bytes:
    """A two-column review whose results column holds a "References" line (a side bar label,
    a table's column head), a running head, a footer "Cite this article as ..." with the
    journal's citation line, and the reference list in the right column of the last page."""
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    for page in range(2):
        pdf.add_page()
        pdf.set_font("Helvetica", size=7)
        pdf.set_xy(15, 8)
        pdf.cell(180, 4, f"Page {page + 1} of 2 (page number not for citation purposes)")
        pdf.set_xy(15, 285)
        pdf.cell(180, 4, "Cite this article as: Smith et al. J Trauma Manag Outcomes 2010, 4:1")
    pdf.page = 1
    y = _column(pdf, 15, 20, "Methods", 11, "B")
    y = _column(pdf, 15, y + 1, "We searched three databases for studies of prophylaxis.")
    y = _column(pdf, 15, y + 3, "Results", 11, "B")
    y = _column(pdf, 15, y + 1, "Twelve studies were included in the review.")
    y = _column(pdf, 15, y + 2, "References", 9, "B")
    y = _column(pdf, 15, y + 2, RESULT)
    y = _column(pdf, 15, y + 2, RESULT.replace("Major", "Minor"))
    y = _column(pdf, 15, y + 4, "Discussion", 11, "B")
    _column(pdf, 15, y + 1, DISCUSSION)
    _column(pdf, 110, 20, DISCUSSION.replace("Our", "These"))
    pdf.page = 2
    y = _column(pdf, 15, 20, DISCUSSION.replace("Our findings", "Findings"))
    y = _column(pdf, 110, 20, "References", 11, "B")
    for entry in ENTRIES:
        y = _column(pdf, 110, y + 1, entry, 7)
    return bytes(pdf.output())


def test_pdf_references_label_inside_results_does_not_swallow_them() -> None:
    text = extract_pdf(make_review_pdf(), source="review.pdf").text
    kinds = _kinds_at(
        text,
        {
            "result": "Minor bleeding",
            "discussion": "These findings",
            "entry": "Knudson MM",
        },
    )
    assert kinds == {"result": "results", "discussion": "discussion", "entry": "references"}


def _wrapped(paragraph: str, width: int = 60) -> str:
    """A paragraph as PDF text whose wrapped lines were not joined."""
    lines, line = [], ""
    for word in paragraph.split():
        if line and len(line) + len(word) >= width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return "\n".join([*lines, line])


@pytest.mark.parametrize("blank", ["\n\n", "\n"])
def test_wrapped_prose_after_an_early_references_line_is_given_back(blank: str) -> None:
    """Short wrapped lines: paragraphs set apart by blank lines, or one block without them."""
    body = blank.join(_wrapped(p) for p in (RESULT, DISCUSSION, RESULT.replace("Major", "Minor")))
    body += blank + _wrapped(DISCUSSION.replace("Our", "Those"))
    text = (
        f"Methods\n\nWe reviewed every study.\n\nResults\n\nTwelve studies were included.\n"
        f"References\n{body}\n\nReferences\n\n" + "\n".join(_wrapped(e) for e in ENTRIES) + "\n"
    )
    kinds = _kinds_at(text, {"first": "Major bleeding", "last": "Those", "entry": "Knudson"})
    assert kinds == {"first": "results", "last": "results", "entry": "references"}


def test_result_rows_after_an_early_references_line_are_given_back() -> None:
    """A review's evidence table read as lines (no rules, no title line): its rows of values
    are no reference entries, and a paragraph continued from the previous column (lower
    case) is prose."""
    rows = "\n".join(
        f"Study {k} RCT {100 + k} patients major bleeding {k}.{k}% vs {k + 1}.0%, P = 0.{k}"
        for k in range(1, 6)
    )
    text = (
        "Methods\n\nWe searched three databases.\n\nResults\n\nTwelve studies were included.\n"
        f"Reference\nStudy type\nNo. of cases\nRate of complications\n{rows}\n\n"
        f"and {DISCUSSION[0].lower()}{DISCUSSION[1:]}\n\n"
        "References\n\n" + "\n".join(ENTRIES) + "\n"
    )
    kinds = _kinds_at(text, {"row": "Study 3 RCT", "prose": "and our", "entry": "Knudson"})
    assert kinds == {"row": "results", "prose": "results", "entry": "references"}


def test_rows_citing_their_studies_are_results_not_entries() -> None:
    """An evidence table read as lines: each row names its study like a reference does, but
    a reference list prints no percentages or p values."""
    rows = "\n".join(
        f"Knudson MM, et al. [{k}] 2004 RCT {100 + k} bleeding {k}.{k}% vs {k + 1}.0%"
        for k in range(1, 9)
    )
    text = (
        "Methods\n\nWe searched three databases.\n\nResults\n\nTwelve studies were included.\n"
        f"References\n{rows}\n\nReferences\n\n" + "\n".join(ENTRIES) + "\n"
    )
    kinds = _kinds_at(text, {"row": "[3] 2004", "entry": "Cothren CC"})
    assert kinds == {"row": "results", "entry": "references"}


def test_long_contribution_statement_stays_references() -> None:
    statement = (
        "Each author of this paper has directly participated in the planning, execution or "
        "analysis of the study. "
    ) * 8 + "All authors have read and approved the final version of the manuscript."
    text = (
        f"Discussion\n\n{DISCUSSION}\n\nAuthors' contributions\n\n{statement}\n\n"
        "References\n\n" + "\n".join(ENTRIES) + "\n"
    )
    kinds = _kinds_at(text, {"statement": "Each author", "entry": "Geerts WH"})
    assert kinds == {"statement": "references", "entry": "references"}


@pytest.mark.parametrize("second_heading", ["References\n", ""])
def test_pdf_text_without_paragraph_gaps_is_read_a_few_lines_at_a_time(
    second_heading: str,
) -> None:
    """Wrapped lines never joined and no blank line anywhere (paragraphs set by indents): the
    body after an early references line and the list at the end are one block of lines."""
    body = "\n".join(_wrapped(p) for p in [RESULT, DISCUSSION] * 4)
    entries = "\n".join(_wrapped(e) for e in ENTRIES)
    text = (
        "Methods\nWe reviewed every study.\nResults\nTwelve studies were included.\n"
        f"References\n{body}\n{second_heading}{entries}\n"
    )
    kinds = _kinds_at(text, {"body": "Our findings", "entry": "Cothren CC"})
    assert kinds == {"body": "results", "entry": "references"}


def test_pdf_lines_set_apart_by_blank_lines_are_prose() -> None:
    """Double-spaced text read with a blank line after every line: no paragraph is long, the
    lines still read as prose."""
    body = "\n\n".join(_wrapped(p, 70) for p in [RESULT, DISCUSSION] * 3).replace("\n", "\n\n")
    text = (
        "Methods\n\nWe reviewed every study.\n\nResults\n\nTwelve studies were included.\n\n"
        f"References\n\n{body}\n\nReferences\n\n" + "\n".join(ENTRIES) + "\n"
    )
    kinds = _kinds_at(text, {"body": "Our findings", "entry": "Cothren CC"})
    assert kinds == {"body": "results", "entry": "references"}


@pytest.mark.parametrize("spurious", ["References", "Notes", "Disclosure"])
def test_late_references_label_inside_results_gives_them_back(spurious: str) -> None:
    """A side bar or column head read as "References" past the middle of the text: the result
    values after it (before the reference list) are results again."""
    eligibility = (
        "Patients were eligible when they were admitted after blunt injury and stayed for at "
        "least two days; those with a contraindication to heparin were excluded."
    )
    text = (
        "Methods\n\n"
        + "\n\n".join([eligibility] * 26)
        + f"\n\nResults\n\nTwelve studies were included.\n{spurious}\n\n"
        + "\n\n".join([RESULT] * 3)
        + f"\n\n{RESULT.replace('Major', 'Minor')}\n\nDiscussion\n\n{DISCUSSION}\n\n"
        "References\n\n" + "\n".join(ENTRIES) + "\n"
    )
    assert text.index(f"\n{spurious}\n") > 0.5 * len(text)
    kinds = _kinds_at(
        text, {"first": RESULT[:40], "second": "Minor bleeding", "entry": "Knudson MM"}
    )
    assert kinds == {"first": "results", "second": "results", "entry": "references"}


def test_table_footnote_label_in_the_discussion_opens_no_reference_list() -> None:
    """A table read as lines in the discussion of a PDF, its footnote "Abbreviations: ..." (a
    back-matter label): the discussion's values after it are no references."""
    eligibility = (
        "Patients were eligible when they were admitted after blunt injury and stayed for at "
        "least two days; those with a contraindication to heparin were excluded."
    )
    rows = "\n".join(f"Grade {g} toxicity {10 + g} (4{g}%) {8 + g} (3{g}%)" for g in range(1, 5))
    text = (
        "Methods\n\n"
        + "\n\n".join([eligibility] * 26)
        + f"\n\nResults\n\n{RESULT}\n\nDiscussion\n\n{DISCUSSION}\n\n{rows}\n"
        "Abbreviations: LMWH, low molecular weight heparin; DVT, deep vein thrombosis.\n\n"
        + "\n\n".join([RESULT.replace("Major", "Minor")] * 3)
        + "\n\nReferences\n\n"
        + "\n".join(ENTRIES)
        + "\n"
    )
    kinds = _kinds_at(text, {"after": "Minor bleeding", "entry": "Knudson MM"})
    assert kinds == {"after": "discussion", "entry": "references"}
