"""PDF ingestion: reading order, ruled and unruled tables, wrapped lines, broken and oversized PDFs.

Every PDF is built here with fpdf2 (no committed binaries). The builders are reused by
``test_bad_input.py``.
"""

from __future__ import annotations

import re

import pytest
from fpdf import FPDF
from PIL import Image

from trialex.errors import InputError, LimitExceeded
from trialex.pdf import extract_pdf, pdf_to_text

PROSE = (
    "patients received induction therapy and the overall response rate was high while median "
    "survival improved among older adults with relapsed disease after salvage treatment"
)
WORDS = PROSE.split()


def _sentence(tag: str, index: int, length: int = 14) -> str:
    """A prose-like sentence with a unique tag (``L07``) that tests can find in the output."""
    words = [WORDS[(index * 7 + k * 3) % len(WORDS)] for k in range(length)]
    return f"{tag}{index:02d} " + " ".join(words) + "."


def make_two_column_pdf(pages: int = 1, right_offset: float = 0.0) -> bytes:
    """Per page: full-width title and abstract, then two columns of tagged sentences, a
    full-width figure caption, and two more column blocks below it."""
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    for page in range(pages):
        pdf.add_page()
        pdf.set_font("Helvetica", "B", 14)
        pdf.set_xy(15, 15)
        pdf.multi_cell(180, 7, f"Title of page {page + 1}: a full-width heading", align="C")
        pdf.set_font("Helvetica", size=9)
        pdf.set_xy(15, 32)
        pdf.multi_cell(180, 4.5, " ".join(_sentence("A", i) for i in range(3)))
        for block, top in enumerate((62, 178)):
            left = " ".join(_sentence(f"P{page}B{block}L", i) for i in range(6))
            right = " ".join(_sentence(f"P{page}B{block}R", i) for i in range(6))
            pdf.set_xy(15, top)
            pdf.set_font("Helvetica", "B", 9)
            pdf.cell(85, 4.5, "Results")  # a short heading inside the left column
            pdf.set_font("Helvetica", size=9)
            pdf.set_xy(15, top + 4.5)
            pdf.multi_cell(85, 4.5, left)
            pdf.set_xy(110, top + right_offset)
            pdf.multi_cell(85, 4.5, right)
        pdf.set_xy(15, 160)
        pdf.multi_cell(
            180,
            4.5,
            "Figure 1. Overall survival by arm: a caption that runs across the whole width of "
            "the page, over the gutter between the two columns of text.",
        )
    return bytes(pdf.output())


TABLE_ROWS = (
    ("Arm", "ORR, n (%)", "Median OS, mo (95% CI)"),
    ("Inotuzumab", "12 (40.0)", "10.4 (8.3-14.3)"),
    ("Standard care", "7 (23.3)", "6.1 (4.0-9.9)"),
)


def make_table_pdf(borders: str = "ALL") -> bytes:
    """Prose, a table title, a table (fpdf2 ``borders_layout``), more prose."""
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    pdf.multi_cell(0, 5, "Responses were assessed after two cycles in both arms of the study.")
    pdf.ln(4)
    pdf.cell(0, 6, "Table 2. Responses by arm", new_x="LMARGIN", new_y="NEXT")
    with pdf.table(borders_layout=borders) as table:
        for values in TABLE_ROWS:
            row = table.row()
            for value in values:
                row.cell(value)
    pdf.ln(4)
    pdf.multi_cell(0, 5, "Discussion resumes after the table with more prose.")
    return bytes(pdf.output())


def make_text_pdf(pages: int = 1, *, text: str = "The overall response rate was 45%.") -> bytes:
    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    for page in range(pages):
        pdf.add_page()
        pdf.cell(0, 10, f"{text} Page {page + 1}.")
    return bytes(pdf.output())


def make_one_column_pdf() -> bytes:
    """Justified prose across the page: must not be mistaken for two columns."""
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    pdf.multi_cell(
        0, 5, " ".join(_sentence("S", i, length=9 + i % 7) for i in range(30)), align="J"
    )
    return bytes(pdf.output())


def make_encrypted_pdf() -> bytes:
    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    pdf.add_page()
    pdf.cell(0, 10, "Secret results.")
    pdf.set_encryption(owner_password="owner", user_password="secret")
    return bytes(pdf.output())


def make_image_only_pdf(pages: int = 1) -> bytes:
    pdf = FPDF()
    for _ in range(pages):
        pdf.add_page()
        pdf.image(Image.new("RGB", (120, 60), "gray"), x=10, y=10, w=120)
    return bytes(pdf.output())


def make_mixed_scan_pdf() -> bytes:
    """A text page, then a page with only an image (a scanned page)."""
    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    pdf.add_page()
    pdf.cell(0, 10, "Text on the first page.")
    pdf.add_page()
    pdf.image(Image.new("RGB", (120, 60), "gray"), x=10, y=10, w=120)
    return bytes(pdf.output())


def make_truncated_pdf() -> bytes:
    data = make_text_pdf(pages=3)
    return data[: len(data) // 2]


def _body_line(page: int, line: int) -> str:
    return "42" if line == 2 else _sentence("T", page * 5 + line, length=6 + line)


def make_running_header_pdf(pages: int = 4) -> bytes:
    """Pages with a running header, a page-number footer and body text (one body line is a
    bare number, in the middle of the page: it must stay)."""
    pdf = FPDF()
    pdf.set_auto_page_break(False)
    for page in range(pages):
        pdf.add_page()
        pdf.set_font("Helvetica", size=8)
        pdf.set_xy(10, 8)
        pdf.cell(0, 4, f"Blood Advances | 24 May 2022 | Volume 6, Number {page + 10}")
        pdf.set_font("Helvetica", size=10)
        for line in range(5):
            pdf.set_xy(10, 30 + 6 * line)
            pdf.cell(0, 5, _body_line(page, line))
        pdf.set_font("Helvetica", size=8)
        pdf.set_xy(100, 285)
        pdf.cell(10, 4, str(page + 1))
    return bytes(pdf.output())


def make_superscript_pdf() -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    pdf.set_xy(20, 20)
    pdf.write(5, "Outcomes have historically been dismal.")
    pdf.set_font("Helvetica", size=6)
    pdf.set_xy(pdf.get_x(), 19)
    pdf.write(3, "1,2")
    pdf.set_font("Helvetica", size=10)
    pdf.set_xy(pdf.get_x(), 20)
    pdf.write(5, " The CR rate was 45%.")
    pdf.set_xy(20, 26)
    pdf.write(5, "A second line.")
    return bytes(pdf.output())


def _positions(text: str, pattern: str) -> list[int]:
    return [match.start() for match in re.finditer(pattern, text)]


@pytest.mark.parametrize("right_offset", [0.0, 1.3, 2.9])
def test_pdf_two_columns_read_column_by_column(right_offset: float) -> None:
    text = pdf_to_text(make_two_column_pdf(right_offset=right_offset), source="two.pdf")
    title = text.index("Title of page 1")
    abstract = text.index("A00")
    for block in (0, 1):
        left = _positions(text, rf"P0B{block}L\d\d")
        right = _positions(text, rf"P0B{block}R\d\d")
        assert len(left) == 6 and len(right) == 6
        assert left == sorted(left) and right == sorted(right)
        assert title < abstract < left[0]
        assert text.index("Results", abstract) < left[0]
        assert max(left) < min(right), "column 1 must be read entirely before column 2"
    caption = text.index("Figure 1.")
    assert max(_positions(text, r"P0B0[LR]")) < caption < min(_positions(text, r"P0B1[LR]"))


def test_pdf_two_columns_keep_lines_whole() -> None:
    text = pdf_to_text(make_two_column_pdf(), source="two.pdf")
    for line in text.splitlines():
        assert not (re.search(r"B\dL", line) and re.search(r"B\dR", line)), line


def test_pdf_pages_joined_with_blank_lines() -> None:
    result = extract_pdf(make_two_column_pdf(pages=2), source="two.pdf")
    assert result.pages == 2
    first, second = result.text.index("Title of page 1"), result.text.index("Title of page 2")
    assert max(_positions(result.text, r"P0B1[LR]")) < second
    assert result.text[second - 2 : second] == "\n\n"
    assert first == 0


def test_pdf_one_column_stays_in_order() -> None:
    text = pdf_to_text(make_one_column_pdf(), source="one.pdf")
    order = [int(number) for number in re.findall(r"S(\d\d)", text)]
    assert order == list(range(30))


def test_pdf_table_rendered_as_pipe_table() -> None:
    text = pdf_to_text(make_table_pdf(), source="table.pdf")
    lines = text.splitlines()
    header = lines.index("Arm | ORR, n (%) | Median OS, mo (95% CI) |")
    assert lines[header + 1] == "---|---|---|"
    assert lines[header + 2] == "Inotuzumab | 12 (40.0) | 10.4 (8.3-14.3) |"
    assert lines[header + 3] == "Standard care | 7 (23.3) | 6.1 (4.0-9.9) |"
    assert text.index("Table 2. Responses by arm") < text.index("Arm | ORR")
    assert text.index("Responses were assessed") < text.index("Table 2.")
    assert text.index("Standard care | 7") < text.index("Discussion resumes")


@pytest.mark.parametrize("value", ["12 (40.0)", "10.4 (8.3-14.3)", "Standard care", "6.1"])
def test_pdf_table_words_not_repeated_in_prose(value: str) -> None:
    text = pdf_to_text(make_table_pdf(), source="table.pdf")
    assert text.count(value) == 1


@pytest.mark.parametrize(
    ("build", "error", "reason"),
    [
        (make_truncated_pdf, InputError, "truncated"),
        (make_encrypted_pdf, InputError, "encrypted"),
        (make_image_only_pdf, InputError, "no text layer"),
        (lambda: b"%PDF-1.4\nnot really a pdf\n%%EOF\n", InputError, "not a readable PDF"),
        (lambda: b"plain text, not a PDF", InputError, "not a PDF"),
        (lambda: make_text_pdf(pages=4), LimitExceeded, "4 pages, over the limit of 3"),
    ],
    ids=["truncated", "encrypted", "image-only", "damaged", "no-header", "pages"],
)
def test_pdf_broken_input_is_one_line_error(build, error: type[Exception], reason: str) -> None:
    with pytest.raises(error) as caught:
        extract_pdf(build(), source="dir/My Paper.pdf", max_pages=3)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith("dir/My Paper.pdf: ")
    assert reason in message.replace("without a text layer", "no text layer")


def test_pdf_scanned_page_in_text_pdf_is_a_warning() -> None:
    result = extract_pdf(make_mixed_scan_pdf(), source="mixed.pdf")
    assert result.text == "Text on the first page."
    assert [flag.code for flag in result.warnings] == ["pdf_page_without_text"]
    assert "page(s) 2" in result.warnings[0].message


def test_pdf_encrypted_with_empty_user_password_is_read() -> None:
    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    pdf.add_page()
    pdf.cell(0, 10, "Readable despite an owner password.")
    pdf.set_encryption(owner_password="owner")
    assert pdf_to_text(bytes(pdf.output()), source="x.pdf") == "Readable despite an owner password."


@pytest.mark.slow
def test_pdf_2000_pages_hit_the_page_limit_before_parsing() -> None:
    data = make_text_pdf(pages=2000)
    with pytest.raises(LimitExceeded) as caught:
        extract_pdf(data, source="huge.pdf", max_pages=500)
    assert str(caught.value) == ("huge.pdf: 2000 pages, over the limit of 500 (TRIALEX_MAX_PAGES)")


def test_pdf_running_headers_and_page_numbers_dropped() -> None:
    text = pdf_to_text(make_running_header_pdf(), source="run.pdf")
    assert "Blood Advances" not in text
    assert [page.split() for page in text.split("\n\n")] == [
        " ".join(_body_line(page, line) for line in range(5)).split() for page in range(4)
    ]


def test_pdf_superscript_citation_stays_on_its_line() -> None:
    text = pdf_to_text(make_superscript_pdf(), source="sup.pdf")
    expected = "Outcomes have historically been dismal.1,2 The CR rate was 45%. A second line."
    assert text.split() == expected.split(" ")


@pytest.mark.parametrize("borders", ["ALL", "NO_HORIZONTAL_LINES"])
def test_pdf_ruled_tables_rows_and_cells(borders: str) -> None:
    text = pdf_to_text(make_table_pdf(borders), source="table.pdf")
    rows = [" | ".join(values) + " |" for values in TABLE_ROWS]
    assert rows[0] + "\n---|---|---|\n" + "\n".join(rows[1:]) in text


@pytest.mark.parametrize("borders", ["HORIZONTAL_LINES", "SINGLE_TOP_LINE", "MINIMAL", "NONE"])
def test_pdf_table_without_vertical_rules_becomes_cells(borders: str) -> None:
    text = pdf_to_text(make_table_pdf(borders), source="table.pdf")
    rows = [" | ".join(values) + " |" for values in TABLE_ROWS]
    assert rows[0] + "\n---|---|---|\n" + "\n".join(rows[1:]) in text
    assert text.index("Table 2. Responses by arm") < text.index("Arm | ORR")
    assert text.index("Standard care | 7") < text.index("Discussion resumes")
    assert "Discussion resumes after the table with more prose." in text.splitlines()


def _rule(pdf: FPDF, y: float, x0: float = 20, x1: float = 190, width: float = 0.5) -> None:
    pdf.set_line_width(width)
    pdf.line(x0, y, x1, y)


def _text_at(pdf: FPDF, x: float, y: float, text: str, size: float = 9) -> None:
    pdf.set_font("Helvetica", size=size)
    pdf.text(x, y, text)


COLUMNS_X = (95, 120, 150, 175)  # four value columns right of a wide label column


def _booktabs_rows(pdf: FPDF, y: float, rows: list[tuple[str, ...]]) -> float:
    """Rows of a label and four values; a label given as 'a / b' wraps onto a second line
    (values on the first)."""
    for label, *values in rows:
        first, _, rest = label.partition(" / ")
        _text_at(pdf, 20, y, first)
        for x, value in zip(COLUMNS_X, values, strict=True):
            _text_at(pdf, x, y, value)
        y += 5
        if rest:
            _text_at(pdf, 22, y, rest)
            y += 5
    return y


def _booktabs_header(pdf: FPDF, y: float) -> float:
    """Spanning heads over two columns each, underlined by short rules, then sub-heads."""
    _text_at(pdf, 100, y, "Overall survival", 8)
    _text_at(pdf, 158, y, "Relapse", 8)
    _rule(pdf, y + 1.5, 95, 140, 0.3)
    _rule(pdf, y + 1.5, 150, 190, 0.3)
    y += 5
    for x in COLUMNS_X:
        _text_at(pdf, x, y, "HR (95% CI)", 7)
    return y + 2


BOOKTABS_ROWS = [
    ("Age over 60 years", "1.42 (1.10-1.83)", "1.38 (1.01-1.90)", "1.10 (0.80-1.52)", "0.95"),
    (
        "Patients with high-risk / cytogenetic features",
        "2.05 (1.51-2.78)",
        "1.97 (1.40-2.77)",
        "1.61 (1.12-2.31)",
        "1.02",
    ),
    ("Prior transplant", "0.88 (0.61-1.27)", "0.90 (0.62-1.31)", "0.75 (0.48-1.17)", "1.21"),
]


def make_booktabs_pdf(*, continued: bool = False) -> bytes:
    """A table ruled only horizontally (top rule, rule under the heads, bottom rule), with
    spanning heads, a wrapped row label and a footnote; ``continued``: its last row on a
    second page under "Table 3. (continued)" and the repeated heads."""
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    pdf.add_page()
    _text_at(pdf, 20, 20, "Multivariable analysis was done for all patients enrolled.", 10)
    _text_at(pdf, 20, 32, "Table 3. Multivariable Cox models of survival and relapse", 9)
    _rule(pdf, 35)
    y = _booktabs_header(pdf, 40)
    _rule(pdf, y)
    rows = BOOKTABS_ROWS[:2] if continued else BOOKTABS_ROWS
    y = _booktabs_rows(pdf, y + 5, rows)
    _rule(pdf, y - 2)
    _text_at(pdf, 20, y + 3, "Abbreviations: HR, hazard ratio; CI, confidence interval.", 7)
    if continued:
        pdf.add_page()
        _text_at(pdf, 20, 20, "Table 3. (continued)", 9)
        _rule(pdf, 23)
        y = _booktabs_header(pdf, 28)
        _rule(pdf, y)
        y = _booktabs_rows(pdf, y + 5, BOOKTABS_ROWS[2:])
        _rule(pdf, y - 2)
    _text_at(pdf, 20, y + 15, "Older age was associated with shorter survival overall.", 10)
    return bytes(pdf.output())


BOOKTABS_HEADER = (
    "| Overall survival HR (95% CI) | Overall survival HR (95% CI) "
    "| Relapse HR (95% CI) | Relapse HR (95% CI) |"
)


@pytest.mark.parametrize("continued", [False, True], ids=["one-page", "continued"])
def test_pdf_booktabs_table_spanning_heads_and_wrapped_labels(continued: bool) -> None:
    text = pdf_to_text(make_booktabs_pdf(continued=continued), source="booktabs.pdf")
    lines = text.splitlines()
    header = lines.index(BOOKTABS_HEADER)
    assert lines[header - 1] == "Table 3. Multivariable Cox models of survival and relapse"
    assert lines[header + 1] == "---|---|---|---|---|"
    assert lines[header + 2 : header + 5] == [
        "Age over 60 years | 1.42 (1.10-1.83) | 1.38 (1.01-1.90) | 1.10 (0.80-1.52) | 0.95 |",
        "Patients with high-risk cytogenetic features | 2.05 (1.51-2.78) | 1.97 (1.40-2.77) "
        "| 1.61 (1.12-2.31) | 1.02 |",
        "Prior transplant | 0.88 (0.61-1.27) | 0.90 (0.62-1.31) | 0.75 (0.48-1.17) | 1.21 |",
    ]
    assert text.count("---|") == 5, "a continued table stays one table"
    assert text.count("HR (95% CI)") == 4
    assert text.index("Abbreviations: HR") > header
    assert text.index("Older age was associated") > header + 4


def make_two_column_table_pdf() -> bytes:
    """A borderless table in the left column, prose beside it in the right column."""
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    pdf.add_page()
    _text_at(pdf, 15, 20, "Table 1. Responses", 9)
    _text_at(pdf, 15, 27, "Arm", 8)
    _text_at(pdf, 60, 27, "ORR, n (%)", 8)
    for i, (arm, orr) in enumerate((("Drug A", "12 (40.0)"), ("Drug B", "7 (23.3)"))):
        _text_at(pdf, 15, 33 + 5 * i, arm)
        _text_at(pdf, 60, 33 + 5 * i, orr)
    pdf.set_font("Helvetica", size=9)
    pdf.set_xy(110, 16)
    pdf.multi_cell(85, 4.5, " ".join(_sentence("R", i) for i in range(8)))
    pdf.set_xy(15, 60)
    pdf.multi_cell(85, 4.5, " ".join(_sentence("L", i) for i in range(8)))
    return bytes(pdf.output())


def test_pdf_borderless_table_in_one_column() -> None:
    text = pdf_to_text(make_two_column_table_pdf(), source="cols.pdf")
    lines = text.splitlines()
    header = lines.index("Arm | ORR, n (%) |")
    assert lines[header - 1] == "Table 1. Responses"
    assert lines[header + 1 : header + 4] == [
        "---|---|",
        "Drug A | 12 (40.0) |",
        "Drug B | 7 (23.3) |",
    ]
    right = _positions(text, r"R\d\d")
    left = _positions(text, r"L\d\d")
    assert len(right) == 8 and len(left) == 8
    assert right == sorted(right) and left == sorted(left)
    assert header < min(left) and max(left) < min(right)


def make_hyphenated_pdf() -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    lines = [
        "Patients who remained dementia-free were tested in two sep-",
        "arate sessions; those who stayed dementia-",
        "free at follow-up were older than",
        "expected.",
    ]
    for i, line in enumerate(lines):
        pdf.text(20, 20 + 5 * i, line)
    return bytes(pdf.output())


def test_pdf_line_end_hyphenation_joined() -> None:
    text = pdf_to_text(make_hyphenated_pdf(), source="hyph.pdf")
    assert "two separate sessions;" in text
    assert "stayed dementia-free at follow-up" in text
    assert "older than\nexpected." in text  # ordinary line ends stay


def make_abstract_pdf() -> bytes:
    """A full-width abstract whose last line is short (left half only), then two columns."""
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.set_font("Helvetica", size=9)
    pdf.set_xy(15, 20)
    pdf.multi_cell(180, 4.5, " ".join(_sentence("A", i) for i in range(4)) + " Last words end.")
    for x, tag in ((15, "L"), (110, "R")):
        pdf.set_xy(x, 60)
        pdf.multi_cell(85, 4.5, " ".join(_sentence(tag, i) for i in range(8)))
    return bytes(pdf.output())


def test_pdf_short_last_line_of_full_width_paragraph_stays_with_it() -> None:
    text = pdf_to_text(make_abstract_pdf(), source="abs.pdf")
    abstract = text.split("\n\n")[0]
    assert abstract.startswith("A00") and abstract.endswith("Last words end.")
    assert max(_positions(text, r"L\d\d")) < min(_positions(text, r"R\d\d"))


def make_heading_between_lines_pdf() -> bytes:
    """A left-column heading set between two right-column lines must join neither."""
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.set_font("Helvetica", size=9)
    for i in range(6):
        pdf.text(15, 30 + 4.5 * i, _sentence("L", i, length=8))
        pdf.text(110, 30 + 4.5 * i, _sentence("R", i, length=8))
    pdf.set_font("Helvetica", "B", 11)
    pdf.text(15, 58, "Results")  # between right lines 5 (52.5) and 6 (57)
    pdf.set_font("Helvetica", size=9)
    for i in range(6, 12):
        pdf.text(15, 62 + 4.5 * (i - 6), _sentence("L", i, length=8))
    for i in range(6, 12):
        pdf.text(110, 57 + 4.5 * (i - 6), _sentence("R", i, length=8))
    pdf.text(15, 20, "Dotted rules drawn with characters are not text:")
    pdf.text(15, 24, "." * 120)
    return bytes(pdf.output())


def test_pdf_heading_between_other_column_lines_and_dot_rules() -> None:
    text = pdf_to_text(make_heading_between_lines_pdf(), source="heading.pdf")
    for i in range(12):  # each sentence whole: no word of the other column or the heading
        assert _sentence("R", i, length=8) in text and _sentence("L", i, length=8) in text
        assert not re.search(r"[.]{12,}", text)
    right = _positions(text, r"R\d\d")
    assert len(right) == 12 and right == sorted(right)
    assert "\nResults\n" in text


def test_pdf_time_limit_is_not_swallowed_as_a_page_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    import trialex.pdf

    def timed_out(page: object, *_: object) -> list[object]:
        raise LimitExceeded("slow.pdf", "processing took over 1 s")

    monkeypatch.setattr(trialex.pdf, "_page_items", timed_out)
    with pytest.raises(LimitExceeded, match="processing took over"):
        extract_pdf(make_text_pdf(pages=2), source="slow.pdf")


def test_pdf_broken_page_is_a_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    import trialex.pdf

    real = trialex.pdf._page_items

    def flaky(page: object, *rest: object) -> list[object]:
        if getattr(page, "page_number", 0) == 2:
            raise KeyError("bad font")
        return real(page, *rest)

    monkeypatch.setattr(trialex.pdf, "_page_items", flaky)
    result = extract_pdf(make_text_pdf(pages=3), source="flaky.pdf")
    assert "Page 1." in result.text and "Page 3." in result.text and "Page 2." not in result.text
    assert [flag.code for flag in result.warnings] == ["pdf_page_unreadable"]


def make_outcome_hr_pdf() -> bytes:
    """A results table of hazard ratios for an outcome that is none of the listed endpoints,
    rows named "Number of ...", ruled only horizontally."""
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    pdf.add_page()
    _text_at(pdf, 20, 20, "Results", 11)
    _text_at(pdf, 20, 30, "Table 2. Cox regression analyses of the risk of incident stroke", 9)
    _rule(pdf, 33)
    _text_at(pdf, 95, 38, "MODEL 1", 8)
    _text_at(pdf, 140, 38, "MODEL 2", 8)
    _text_at(pdf, 95, 43, "HR (95% CI)", 8)
    _text_at(pdf, 140, 43, "HR (95% CI)", 8)
    _rule(pdf, 45)
    _text_at(pdf, 20, 50, "Number of adverse life events")
    _text_at(pdf, 95, 50, "0.97 (0.92-1.02)")
    _text_at(pdf, 140, 50, "0.96 (0.91-1.01)")
    _rule(pdf, 53)
    return bytes(pdf.output())


def test_pdf_hazard_ratio_table_reaches_records() -> None:
    from trialex import pipeline
    from trialex.ingest import load_bytes

    document = load_bytes(make_outcome_hr_pdf(), name="hr.pdf")
    result = pipeline.process(document)
    found = sorted(
        (r.endpoint, r.statistic, r.value, r.ci_low, r.ci_high, r.ci_level) for r in result.records
    )
    assert found == [
        ("other", "hazard_ratio", 0.96, 0.91, 1.01, 95.0),
        ("other", "hazard_ratio", 0.97, 0.92, 1.02, 95.0),
    ]
    for record in result.records:
        assert document.text[record.span.start : record.span.end] == record.text


def make_alternating_headers_pdf(pages: int = 6) -> bytes:
    """Recto pages carry the title and the page number on the right, verso pages the authors
    on the left (each on only half the pages); a paragraph runs from one page to the next."""
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    for page in range(pages):
        pdf.add_page()
        pdf.set_font("Helvetica", size=8)
        if page % 2:
            pdf.text(15, 12, f"{page + 101} A. Author et al.")
        else:
            pdf.text(120, 12, f"Short title of the article {page + 101}")
        pdf.set_font("Helvetica", size=10)
        for line in range(4):
            pdf.text(15, 30 + 5 * line, _sentence("T", page * 4 + line, length=10)[:-1])
        pdf.text(15, 50, f"{WORDS[page]} ends this page with a sentence that goes on over the")
    return bytes(pdf.output())


def test_pdf_alternating_running_headers_dropped_and_paragraph_runs_on() -> None:
    text = pdf_to_text(make_alternating_headers_pdf(), source="alt.pdf")
    assert "Author et al." not in text and "Short title" not in text
    assert "goes on over the T" in text  # one paragraph across the page end


NEXT_LINE = {"new_x": "LMARGIN", "new_y": "NEXT"}


def make_wrapped_paragraphs_pdf() -> bytes:
    """Paragraphs of wrapped lines, a heading between them, a run-in label."""
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    pdf.multi_cell(120, 5, " ".join(_sentence("P", i) for i in range(4)), **NEXT_LINE)
    pdf.set_font("Helvetica", "B", 12)
    pdf.cell(120, 6, "Study population", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=10)
    pdf.multi_cell(120, 5, " ".join(_sentence("Q", i) for i in range(3)), **NEXT_LINE)
    pdf.multi_cell(120, 5, "Results: " + " ".join(_sentence("S", i) for i in range(3)), **NEXT_LINE)
    return bytes(pdf.output())


def test_pdf_wrapped_lines_of_a_paragraph_become_one_line() -> None:
    """Extraction reads a sentence within a line: a paragraph's wrapped lines are joined with
    spaces; headings and run-in labels keep their own lines."""
    lines = pdf_to_text(make_wrapped_paragraphs_pdf(), source="wrap.pdf").splitlines()
    assert [line.split()[0] for line in lines] == ["P00", "Study", "Q00", "Results:"]
    assert lines[1] == "Study population"
    assert lines[0] == " ".join(_sentence("P", i) for i in range(4))


def make_float_in_sentence_pdf() -> bytes:
    """A sentence that runs from page 1 to page 2, where a table (and its note) heads page 2;
    and, on page 2, a table set in the middle of another sentence."""
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    pdf.set_xy(20, 250)
    pdf.multi_cell(
        120,
        5,
        "Participants from the five samples of the cohort were followed and the",
        **NEXT_LINE,
    )
    pdf.add_page()
    _text_at(pdf, 20, 20, "Table 1. Responses", 9)
    _rule(pdf, 22)
    _text_at(pdf, 20, 27, "Arm")
    _text_at(pdf, 90, 27, "ORR, n (%)")
    _rule(pdf, 29)
    _text_at(pdf, 20, 34, "Drug A")
    _text_at(pdf, 90, 34, "12 (40.0)")
    _rule(pdf, 36)
    _text_at(pdf, 20, 41, "Note: ORR, overall response rate.", 7)
    pdf.set_font("Helvetica", size=10)
    pdf.set_xy(20, 55)
    pdf.multi_cell(120, 5, "overall response rate was assessed after two cycles of therapy.")
    return bytes(pdf.output())


def test_pdf_sentence_split_by_a_table_is_closed() -> None:
    text = pdf_to_text(make_float_in_sentence_pdf(), source="float.pdf")
    assert "cohort were followed and the overall response rate was assessed" in text
    assert text.index("was assessed after two cycles") < text.index("Table 1. Responses")
    assert "Arm | ORR, n (%) |\n---|---|\nDrug A | 12 (40.0) |" in text


def make_grid_table_over_two_pages() -> bytes:
    """A fully ruled table whose last rows, under the repeated header, open the next page."""
    pdf = FPDF()
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    pdf.cell(0, 6, "Table 2. Responses by arm", new_x="LMARGIN", new_y="NEXT")
    for rows in (TABLE_ROWS[:2], (TABLE_ROWS[0], TABLE_ROWS[2])):
        with pdf.table() as table:
            for values in rows:
                row = table.row()
                for value in values:
                    row.cell(value)
        if rows[1] is TABLE_ROWS[1]:
            pdf.add_page()
    pdf.ln(4)
    pdf.multi_cell(0, 5, "Discussion resumes after the table with more prose.")
    return bytes(pdf.output())


def test_pdf_grid_table_continued_on_next_page_stays_one_table() -> None:
    text = pdf_to_text(make_grid_table_over_two_pages(), source="grid.pdf")
    rows = [" | ".join(values) + " |" for values in TABLE_ROWS]
    assert rows[0] + "\n---|---|---|\n" + "\n".join(rows[1:]) in text
    assert text.count("Arm | ORR") == 1
