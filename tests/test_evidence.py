"""The evidence table across studies in the report index: one row per study x endpoint x arm x
value, prose and table copies of one value as one row with both mentions, review state from
the review file, suspect records marked."""

from __future__ import annotations

from pathlib import Path

from trialex.evidence import evidence_rows, render_evidence_card
from trialex.io import write_result
from trialex.records import DocumentResult, Flag, Record, Section, Span
from trialex.report import write_reports
from trialex.review import ReviewFile, apply_decision, review_path, save_review

TEXT = (
    "In the blinatumomab arm the overall response rate was 64%.\n"
    "Table 2 | blinatumomab | ORR 64% | placebo | ORR 20%\n"
)


def _rec(phrase: str, value: float, group: str, section: str, **extra: object) -> Record:
    start = TEXT.index(phrase)
    return Record(
        endpoint="ORR",
        statistic="proportion",
        value=value,
        unit="%",
        group=group,
        section=section,  # type: ignore[arg-type]
        span=Span(start=start, end=start + len(phrase)),
        text=phrase,
        extractor="test",
        **extra,  # type: ignore[arg-type]
    )


def _result(doc_id: str = "s1") -> DocumentResult:
    return DocumentResult(
        doc_id=doc_id,
        source=f"{doc_id}.txt",
        sha256="0" * 64,
        pipeline_version="test",
        languages=["en"],
        sections=[Section(kind="results", language="en", start=0, end=len(TEXT))],
        records=[
            _rec("overall response rate was 64%", 64.0, "blinatumomab arm", "results"),
            _rec("ORR 64%", 64.0, "Blinatumomab  arm", "table"),
            _rec(
                "ORR 20%",
                20.0,
                "placebo",
                "table",
                warnings=[Flag(code="ci_order", message="x")],
            ),
        ],
    )


def test_evidence_rows_merge_prose_and_table_copies() -> None:
    rows = evidence_rows(_result(), "s1.html")
    assert [(r.group, r.value, len(r.mentions)) for r in rows] == [
        ("blinatumomab arm", "64%", 2),
        ("placebo", "20%", 1),
    ]
    assert [kind for _, kind in rows[0].mentions] == ["results", "table"]
    assert rows[1].suspect == ("ci_order",) and rows[0].suspect == ()
    assert {r.review for r in rows} == {"pending"}


def test_evidence_table_in_the_index_shows_review_state(tmp_path: Path) -> None:
    out = tmp_path / "extracted"
    for doc_id in ("s1", "s2"):
        write_result(_result(doc_id), TEXT, out)
    result = _result("s1")
    review = apply_decision(
        result, TEXT, ReviewFile(doc_id="s1"), "accept", mark_id="r0", reviewer="a"
    )
    review = apply_decision(result, TEXT, review, "reject", mark_id="r2", reviewer="a")
    save_review(review_path(out, "s1"), review)
    index = write_reports([out], tmp_path / "report").read_text(encoding="utf-8")
    assert index.count('<tr data-endpoint="ORR"') == 4  # 2 studies x 2 arms
    assert 'data-review="mixed"' in index  # r0 accepted, its table copy not reviewed
    assert 'data-review="reject"' in index
    assert 'href="s1.html#m-r1"' in index and 'data-suspect="1"' in index
    assert 'id="evidence-filters"' in index and "http" not in index.split("<body>")[1]


def test_evidence_card_is_empty_without_rows() -> None:
    assert render_evidence_card([]) == ""
