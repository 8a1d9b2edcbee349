"""The Markdown normalisation layer: what extraction reads, and the way back to the source."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trialex.normalize import NormalizeRulesError, load_rules, normalize, parse_rules
from trialex.pipeline import process
from trialex.records import Document

RULES_FILE = (
    Path(__file__).resolve().parents[1] / "src" / "trialex" / "resources" / "normalize.json"
)
DATA = json.loads(RULES_FILE.read_text("utf-8"))
EXAMPLES = [
    *((f"latex:{i}", e) for i, e in enumerate(DATA["latex"]["examples"])),
    *((d["id"], e) for d in DATA["latex"].get("dropped_patterns", []) for e in d["examples"]),
    *((d["id"], e) for d in DATA["latex"].get("rewrites", []) for e in d["examples"]),
    *((f"html_table:{i}", e) for i, e in enumerate(DATA["html_table"]["examples"])),
    *((f"{r['id']}:{i}", e) for r in DATA["rules"] for i, e in enumerate(r["examples"])),
]


@pytest.mark.parametrize(("where", "example"), EXAMPLES, ids=[w for w, _ in EXAMPLES])
def test_normalize_rule_examples_give_their_view(where: str, example: dict[str, str]) -> None:
    assert normalize(example["source"]).text == example["view"], where


def test_normalize_every_inline_rule_has_examples() -> None:
    assert all(rule.examples for rule in load_rules().inline)


def test_normalize_rules_file_errors_are_one_line() -> None:
    bad = dict(DATA, rules=[{"id": "x", "pattern": "a", "examples": []}])
    with pytest.raises(NormalizeRulesError, match="needs 'replace'"):
        parse_rules(bad, "normalize.json")
    with pytest.raises(NormalizeRulesError, match="unknown keys"):
        parse_rules(dict(DATA, extra=1), "normalize.json")


def test_normalize_plain_text_is_its_own_view() -> None:
    text = "Overall survival was 62% (95% CI, 50-70; P = .01) at 2 years."
    view = normalize(text)
    assert view.identity and view.text == text
    assert view.to_source(3, 9) == (3, 9)


def test_normalize_text_with_markup_characters_but_no_markup_is_its_own_view() -> None:
    # citation brackets, a lone "<", "&" and "*" start the normaliser's scan but are no markup
    text = "Survival was longer [12, 13] in the R&D arm (P < .05); * adjusted.\n" * 3
    view = normalize(text)
    assert view.identity and view.text == text
    assert view.to_source(0, 5) == (0, 5)


def test_normalize_value_in_formula_maps_back_to_the_whole_formula() -> None:
    source = "2年总生存率为 $6 2 . 5 0 \\%$ ，而对照组为 $4 1 . 3 \\%$ 。"
    view = normalize(source)
    start = view.text.index("62.50%")
    s, e = view.to_source(start, start + len("62.50%"))
    assert source[s:e] == "$6 2 . 5 0 \\%$"
    s, e = view.to_source(0, view.text.index("%") + 1)
    assert source[s:e] == "2年总生存率为 $6 2 . 5 0 \\%$"


def test_normalize_table_cells_map_to_their_cell_text() -> None:
    source = (
        "<table><tr><td>Event</td><td>A (n=20)</td></tr>"
        "<tr><td>Rash</td><td>3 (15%)</td></tr></table>"
    )
    view = normalize(source)
    start = view.text.index("3 (15%)")
    s, e = view.to_source(start, start + len("3 (15%)"))
    assert source[s:e] == "3 (15%)"
    lo, hi = view.to_view(s, e)
    assert view.text[lo:hi].strip() == "3 (15%)"


_PLAIN = st.text(alphabet="abc 12.%()|\n率例", max_size=12)
_CONSTRUCTS = st.sampled_from(
    [
        "$6 2 . 5 0 \\%$",
        "$\\scriptstyle P = 0 . 2 1 6$",
        "${\\pm}$",
        "$\\mathbf{n} = 1 2$",
        "*P* < .001",
        "**bold**",
        "[text](http://x.org/a)",
        "[[12](#cit/section_2.3)]",
        "<table><tr><td>A</td><td>1</td></tr><tr><td>B</td><td>2 (5%)</td></tr></table>",
        "78\\~747",
        "&lt;",
        "$ Us $",
        "$unclosed",
        "<table><tr><td>open",
    ]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(_PLAIN, _CONSTRUCTS), max_size=10), st.data())
def test_normalize_offsets_map_back_into_the_source(parts: list[str], data: st.DataObject) -> None:
    source = "".join(parts)
    view = normalize(source)
    n = len(view.text)
    a = data.draw(st.integers(0, n))
    b = data.draw(st.integers(a, n))
    s, e = view.to_source(a, b)
    assert 0 <= s <= e <= len(source)
    if not view.identity:
        assert view.starts is not None and view.ends is not None
        assert len(view.starts) == len(view.ends) == n
        # monotone, each character standing for a (possibly empty) source range
        assert all(x <= y for x, y in zip(view.starts, view.starts[1:], strict=False))
        assert all(s0 <= e0 for s0, e0 in zip(view.starts, view.ends, strict=True))
        # and back: every character of the span that stands for source text is inside
        lo, hi = view.to_view(s, e)
        for i in range(a, b):
            if view.ends[i] > view.starts[i]:
                assert lo <= i < hi


def _extract(text: str) -> list:
    return list(process(Document(doc_id="t", source="t.md", sha256="0", text=text)).records)


def test_pipeline_reads_latex_values_and_points_at_them_as_printed() -> None:
    text = (
        "结果：高剂量组2年总生存率为 $6 2 . 5 0 \\%$ ，低剂量组为 $4 1 . 3 \\%$ "
        "( $\\scriptstyle P = 0 . 0 2 1$ )。\n"
    )
    records = _extract(text)
    assert records, "no record from values in LaTeX math"
    for r in records:
        assert text[r.span.start : r.span.end] == r.text
    values = {(r.endpoint, r.value) for r in records}
    assert ("OS", 62.5) in values and ("OS", 41.3) in values
    os62 = next(r for r in records if r.value == 62.5)
    assert "$6 2 . 5 0 \\%$" in os62.text
    assert os62.p_value == pytest.approx(0.021)


def test_pipeline_reads_markdown_emphasis_around_p() -> None:
    text = "Results\n\nOverall survival at 5 years was 61% versus 48% (*P* = .01).\n"
    records = _extract(text)
    rates = [r for r in records if r.value in (61.0, 48.0)]
    assert rates and all(r.p_value == pytest.approx(0.01) for r in rates)
    for r in records:
        assert text[r.span.start : r.span.end] == r.text


def test_pipeline_reads_html_table_cells_with_arm_sizes() -> None:
    text = (
        "Results\n\nTable 2 Infections after transplantation\n\n"
        "<html><body><table><tr><td></td><td>Arm A (n=35)</td><td>Arm B (n=43)</td></tr>"
        "<tr><td>Bacteremia</td><td>6(17.1%)</td><td>23(53.5%)</td></tr></table></body></html>\n"
    )
    records = _extract(text)
    cells = {(r.value, r.n, r.N) for r in records if r.statistic == "proportion"}
    assert (17.1, 6, 35) in cells and (53.5, 23, 43) in cells
    for r in records:
        assert text[r.span.start : r.span.end] == r.text


@pytest.mark.parametrize(
    "text",
    [
        "<table><tr><td>a" * 2000,
        "$1 " * 5000,
        "*a " * 5000,
        "[a](b " * 3000,
        "[[1](#c)" * 2000,
        "$\\mathrm{a} *b* [c](d) <td>" * 1000,
        "\\" * 5000,
    ],
    ids=["unclosed_tables", "dollars", "stars", "links", "citations", "mixed", "backslashes"],
)
def test_normalize_adversarial_markup_keeps_a_valid_map(text: str) -> None:
    view = normalize(text)
    s, e = view.to_source(0, len(view.text))
    assert 0 <= s <= e <= len(text)


_PIECES = st.sampled_from(
    [
        "结果：",
        "高剂量组2年总生存率为 ",
        "$6 2 . 5 0 \\%$",
        " vs ",
        "$4 1 . 3 \\%$",
        "( $\\scriptstyle P = 0 . 0 2 1$ )",
        "，低剂量组",
        "共纳入78例患者，",
        "*P* < .001",
        "[[3](#cit/section_1.3)]",
        "\n\n<table><tr><td></td><td>A (n=35)</td></tr>"
        "<tr><td>CR</td><td>6(17.1%)</td></tr></table>\n",
        "Overall survival was 45% (95% CI, 30-60). ",
        "\n",
    ]
)


@settings(max_examples=25, deadline=None)
@given(st.lists(_PIECES, min_size=1, max_size=12))
def test_pipeline_spans_reproduce_the_source_text(pieces: list[str]) -> None:
    text = "".join(pieces)
    result = process(Document(doc_id="t", source="t.md", sha256="0", text=text))
    for r in result.records:
        assert 0 <= r.span.start <= r.span.end <= len(text)
        assert text[r.span.start : r.span.end] == r.text
    assert result.sections[0].start == 0 and result.sections[-1].end == len(text)


def test_normalize_glued_word_repairs_only_where_the_conversion_glues() -> None:
    """The repairs of MinerU's glued English (a Chinese paper with LaTeX math) leave other
    texts alone: a seed's "MRDnegative CR" or "incomplete" is no glued phrase there."""
    glued = "摘要 the clinical data of78 recipients ( $4 5 \\%$ ) and MRDnegative CR"
    assert normalize(glued).text.startswith("摘要 the clinical data of 78 recipients ( 45% )")
    assert "MRD negative" in normalize(glued).text
    plain = "MRDnegative CR [1] with incomplete count recovery in 12 patients of78 recipients"
    assert normalize(plain).text == plain
