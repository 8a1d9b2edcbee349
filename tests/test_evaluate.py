from __future__ import annotations

import json
from pathlib import Path

import pytest

from _paths import GOLD_FILES, RAW_DIR
from trialex.evaluate import (
    GoldAnchor,
    GoldDocument,
    GoldRecord,
    evaluate,
    find_all,
    load_gold,
    score_document,
)
from trialex.records import DocumentResult, Record, Section, Span


def _record(text: str, start: int, end: int, **fields: object) -> Record:
    base: dict[str, object] = {
        "endpoint": "ORR",
        "statistic": "proportion",
        "value": 64.0,
        "unit": "%",
        "language": "en",
        "section": "abstract",
    }
    base.update(fields)
    return Record(span=Span(start=start, end=end), text=text[start:end], extractor="test", **base)


def _gold(*records: dict[str, object], sections: tuple[GoldAnchor, ...] = ()) -> GoldDocument:
    gold = []
    for i, r in enumerate(records):
        fields = {"endpoint": "ORR", "statistic": "proportion", "language": "en", **r}
        gold.append(
            GoldRecord(
                endpoint=str(fields["endpoint"]),
                statistic=str(fields["statistic"]),
                value=float(fields["value"]),  # type: ignore[arg-type]
                language=str(fields["language"]),
                evidence=str(fields["evidence"]),
                optional=bool(fields.get("optional", False)),
                fields=fields,
                index=i,
            )
        )
    return GoldDocument(doc_id="d", source="d.txt", sections=sections, records=tuple(gold))


def _result(records: list[Record], sections: list[Section] | None = None) -> DocumentResult:
    return DocumentResult(
        doc_id="d",
        source="d.txt",
        sha256="0",
        pipeline_version="test",
        languages=["en"],
        sections=sections or [],
        records=records,
    )


TEXT = "The overall response rate was 64%. Later: the overall response rate was 64%."


def test_evaluate_find_all_finds_every_occurrence() -> None:
    assert find_all("aXaXa", "a") == [(0, 1), (2, 3), (4, 5)]
    assert find_all("aaa", "aa") == [(0, 2), (1, 3)]
    assert find_all("abc", "") == []


def test_evaluate_match_needs_overlap_with_evidence() -> None:
    gold = _gold({"value": 64, "evidence": "The overall response rate was 64%"})
    inside = _record(TEXT, 30, 33)
    later = TEXT.index("Later")
    outside = _record(TEXT, later, later + 5)  # right value and endpoint, not on the evidence
    assert score_document(TEXT, _result([inside]), gold).tp == 1
    s = score_document(TEXT, _result([outside]), gold)
    assert (s.tp, s.fp, s.fn) == (0, 1, 1)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({}, (1, 0, 0)),
        ({"value": 65.0}, (0, 1, 1)),
        ({"endpoint": "CR"}, (0, 1, 1)),
        ({"statistic": "count"}, (0, 1, 1)),
        ({"language": "zh"}, (0, 1, 1)),
    ],
    ids=["same", "value", "endpoint", "statistic", "language"],
)
def test_evaluate_match_needs_equal_endpoint_statistic_language_value(
    change: dict[str, object], expected: tuple[int, int, int]
) -> None:
    gold = _gold({"value": 64, "evidence": "The overall response rate was 64%"})
    s = score_document(TEXT, _result([_record(TEXT, 30, 33, **change)]), gold)
    assert (s.tp, s.fp, s.fn) == expected


def test_evaluate_optional_gold_neither_rewards_nor_penalises() -> None:
    gold = _gold({"value": 64, "evidence": "The overall response rate was 64%", "optional": True})
    with_pred = score_document(TEXT, _result([_record(TEXT, 30, 33)]), gold)
    without = score_document(TEXT, _result([]), gold)
    assert (with_pred.tp, with_pred.fp, with_pred.fn) == (0, 0, 0)
    assert (without.tp, without.fp, without.fn) == (0, 0, 0)


def test_evaluate_repeated_evidence_is_one_record() -> None:
    text = "Table: CR | 13 (52.0%) |\nTable again: CR | 13 (52.0%) |"
    gold = _gold({"endpoint": "CR", "value": 52.0, "evidence": "CR | 13 (52.0%)"})
    first = text.index("13 (52.0%)")
    second = text.index("13 (52.0%)", first + 1)
    preds = [_record(text, p, p + 10, endpoint="CR", value=52.0) for p in (first, second)]
    s = score_document(text, _result(preds), gold)
    assert (s.tp, s.fp, s.fn, s.ignored) == (1, 0, 0, 1)


def test_evaluate_one_prediction_matches_one_gold() -> None:
    text = "53% vs 24%; P = .005"
    gold = _gold(
        {"value": 53, "evidence": "53% vs 24%; P = .005"},
        {"value": 53, "evidence": "53% vs 24%; P = .005"},
    )
    s = score_document(text, _result([_record(text, 0, 3, value=53.0)]), gold)
    assert (s.tp, s.fp, s.fn) == (1, 0, 1)


def test_evaluate_field_checks_on_matched_records() -> None:
    gold = _gold(
        {
            "value": 64,
            "evidence": "The overall response rate was 64%",
            "n": 29,
            "N": 45,
            "origin": "this_study",
            "section": "abstract",
        }
    )
    pred = _record(TEXT, 30, 33, n=29, N=44)
    s = score_document(TEXT, _result([pred]), gold)
    assert s.pairs[0].checks["n"] is True
    assert s.pairs[0].checks["N"] is False
    assert s.pairs[0].checks["section"] is True


def test_evaluate_section_accuracy_counts_kind_and_language() -> None:
    text = "Abstract text here. 摘要中文内容在这里。"
    cut = text.index("摘要")
    gold = _gold(
        sections=(
            GoldAnchor("abstract", "en", "Abstract text"),
            GoldAnchor("abstract", "zh", "摘要中文"),
        )
    )
    right = [
        Section(kind="abstract", language="en", start=0, end=cut),
        Section(kind="abstract", language="zh", start=cut, end=len(text)),
    ]
    wrong = [Section(kind="abstract", language="en", start=0, end=len(text))]
    assert score_document(text, _result([], right), gold).anchors_correct == 2
    assert score_document(text, _result([], wrong), gold).anchors_correct == 1


@pytest.mark.parametrize("gold_path", GOLD_FILES, ids=lambda p: p.name.split(".")[0])
def test_evaluate_gold_records_are_perfect_predictions(gold_path: Path) -> None:
    """Records built from the gold itself score F1 = 1 (the harness is consistent with the gold)."""
    gold = load_gold(gold_path)
    text = (RAW_DIR / gold.source).read_text(encoding="utf-8")
    records = []
    for g in gold.records:
        start = text.find(g.evidence)
        assert start >= 0, f"evidence not in source: {g.evidence!r}"
        fields = {k: v for k, v in g.fields.items() if k not in {"evidence", "optional"}}
        records.append(
            Record(
                **fields,
                span=Span(start=start, end=start + len(g.evidence)),
                text=g.evidence,
                extractor="gold",
            )
        )
    s = score_document(text, _result(records), gold)
    required = sum(not g.optional for g in gold.records)
    assert (s.tp, s.fp, s.fn) == (required, 0, 0)
    assert all(all(p.checks.values()) for p in s.pairs)


def test_evaluate_missing_prediction_file_counts_all_misses(tmp_path: Path, gold_dir: Path) -> None:
    evaluation = evaluate(tmp_path, gold_dir, raw_dirs=[RAW_DIR])
    overall = evaluation.overall()
    total = sum(
        not r.get("optional") for p in GOLD_FILES for r in json.loads(p.read_text())["records"]
    )
    assert overall["fn"] == total and overall["tp"] == 0


# ---- GUIDELINES §6: PDF gold by value, regions; group agreement ------------------------------


def _with(gold: GoldDocument, **changes: object) -> GoldDocument:
    from dataclasses import replace

    return replace(gold, **changes)  # type: ignore[arg-type]


def test_evaluate_pdf_gold_matches_by_value_anywhere_and_counts_no_precision() -> None:
    # The evidence is pdfplumber's text; the extractor's own PDF text differs, so no span check.
    text = "Response: sixty-four percent (64%). Elsewhere 12% had grade 3 nausea."
    gold = _with(_gold({"value": 64.0, "evidence": "not in this text"}), pdf="d.pdf")
    pred = [_record(text, 30, 33), _record(text, 46, 49, endpoint="other", value=12.0)]
    score = score_document(text, _result(pred), gold)
    assert (score.tp, score.fp, score.fn) == (1, 0, 0)
    assert score.missing_evidence == []
    assert score.anchors_total == 0  # section anchors of PDF gold are not scored


def test_evaluate_pdf_gold_still_needs_value_and_endpoint() -> None:
    text = "ORR was 60%."
    gold = _with(_gold({"value": 64.0, "evidence": "x"}), pdf="d.pdf")
    score = score_document(text, _result([_record(text, 8, 11, value=60.0)]), gold)
    assert (score.tp, score.fp, score.fn) == (0, 0, 1)


@pytest.mark.parametrize(
    ("end", "expected_fp"),
    [("First part ends.", 0), (None, 1)],
    ids=["region-with-end", "region-to-end-of-text"],
)
def test_evaluate_regions_ignore_predictions_outside(end: str | None, expected_fp: int) -> None:
    text = "Intro 10%. Annotated: ORR was 64%. First part ends. Other part: ORR 50%."
    gold = _with(_gold({"value": 64.0, "evidence": "ORR was 64%"}), regions=(("Annotated:", end),))
    outside = text.index("ORR 50%")
    pred = [
        _record(text, 6, 9, value=10.0),  # before the region: ignored
        _record(text, text.index("64%"), text.index("64%") + 3),
        _record(text, outside, outside + 7, value=50.0),
    ]
    score = score_document(text, _result(pred), gold)
    assert score.tp == 1
    assert score.fp == expected_fp
    assert score.outside_regions == 2 - expected_fp


@pytest.mark.parametrize(
    ("predicted", "gold", "agree"),
    [
        ("inotuzumab ozogamicin", "inotuzumab ozogamicin group", True),
        ("the inotuzumab arm", "inotuzumab", True),
        ("Arm B", "arm A", False),
        (None, "placebo", False),
        ("standard-care group", "standard care", True),
        ("placebo", "placebo plus dexamethasone", True),
        ("dexamethasone", "placebo plus dexamethasone high dose", False),
    ],
)
def test_evaluate_groups_agree_by_content_words(
    predicted: str | None, gold: str, agree: bool
) -> None:
    from trialex.evaluate import groups_agree

    assert groups_agree(predicted, gold) is agree


def test_evaluate_group_agreement_counts_only_records_whose_gold_names_a_group() -> None:
    text = "ORR was 64% with drug X and 40% with placebo."
    gold = _gold(
        {"value": 64.0, "evidence": "64%", "group": "drug X"},
        {"value": 40.0, "evidence": "40%"},
    )
    pred = [
        _record(text, 8, 11, group="drug X"),
        _record(text, 28, 31, value=40.0, group="placebo"),
    ]
    evaluation_score = score_document(text, _result(pred), gold)
    group_checks = [p.checks["group"] for p in evaluation_score.pairs if "group" in p.checks]
    assert group_checks == [True]
