"""Document metadata: identifier rules (with their examples), front-matter scope, and ``meta`` in
results, exports and the review report."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from trialex.export import META_COLUMNS, export_records
from trialex.ingest import load_bytes
from trialex.io import write_result
from trialex.metadata import clean_doi, identifier_rules, identifiers_in_text
from trialex.pipeline import process
from trialex.records import DocumentMeta
from trialex.report import render_report

RULES = identifier_rules()


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_metadata_rule_examples(rule) -> None:  # type: ignore[no-untyped-def]
    for text in rule.examples["match"]:
        assert rule.regex.search(text), (rule.id, text)
    for text in rule.examples["no_match"]:
        assert not rule.regex.search(text), (rule.id, text)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("10.1056/NEJMoa1716948.", "10.1056/NEJMoa1716948"),
        ("https://doi.org/10.1200/JCO.2017.76.1234", "10.1200/JCO.2017.76.1234"),
        ("10.1016/S0140-6736(17)31234-5", "10.1016/S0140-6736(17)31234-5"),
        ("10.1016/j.x.2019.01.001)", "10.1016/j.x.2019.01.001"),
        ("not a doi", None),
    ],
)
def test_metadata_clean_doi(raw: str, clean: str | None) -> None:
    assert clean_doi(raw) == clean


def test_metadata_identifiers_from_the_front_matter_only() -> None:
    head = (
        "A trial of drug Z\nJ Invented Oncol. 2020. doi: 10.1000/jio.5.\nPMID: 31234567\n\n"
        "Methods: registered as NCT01234567 (ClinicalTrials.gov).\n"
    )
    tail = "x" * 10_000 + "\nReferences\n1. Other. doi:10.9999/other. NCT07777777\n"
    meta = identifiers_in_text(head + tail)
    assert meta.doi == "10.1000/jio.5"
    assert meta.pmid == "31234567"
    assert meta.nct_ids == ["NCT01234567"]  # the cited trial far below is not the article's
    assert identifiers_in_text("Median OS was 10.5 months (95% CI 8.1-12.2).").is_empty()


def test_metadata_text_and_html_documents_get_identifiers() -> None:
    text = load_bytes(b"Title\nDOI: 10.1000/abc.1\n\nThe ORR was 40%.", name="a.txt")
    assert text.meta.doi == "10.1000/abc.1"
    html = load_bytes(
        b"<html><body><p>PMID: 123456</p><p>NCT00000001</p></body></html>", name="b.html"
    )
    assert html.meta.pmid == "123456" and html.meta.nct_ids == ["NCT00000001"]


META = DocumentMeta(
    title="Drug <X> & Y",
    authors=["A One", "B Two", "C Three", "D Four"],
    journal="J Invented",
    year=2021,
    doi="10.1000/x.1",
    pmid="1",
    pmcid="PMC2",
    nct_ids=["NCT01234567", "NCT07654321"],
    licence="CC BY",
)


def test_metadata_in_result_exports_and_report(tmp_path: Path) -> None:
    document = load_bytes(
        b"Results: Of 20 patients, 8 (40%) achieved an overall response.", name="m.txt"
    )
    document = type(document)(**{**document.__dict__, "meta": META})
    result = process(document)
    assert result.meta == META
    path = write_result(result, document.text, tmp_path)
    assert json.loads(path.read_text(encoding="utf-8"))["meta"]["nct_ids"] == META.nct_ids
    stream = io.StringIO()
    assert export_records([tmp_path], "csv", stream=stream) >= 1
    row = next(csv.DictReader(io.StringIO(stream.getvalue())))
    assert row["doc_title"] == "Drug <X> & Y" and row["doi"] == "10.1000/x.1"
    assert row["nct_ids"] == "NCT01234567; NCT07654321" and row["doc_year"] == "2021"
    lines = io.StringIO()
    export_records([tmp_path], "jsonl", stream=lines)
    first = json.loads(lines.getvalue().splitlines()[0])
    assert {c: first[c] for c in ("pmid", "pmcid", "licence")} == {
        "pmid": "1",
        "pmcid": "PMC2",
        "licence": "CC BY",
    }
    assert set(META_COLUMNS) <= set(first)
    page = render_report(result, document.text)
    assert "Drug &lt;X&gt; &amp; Y" in page  # escaped
    assert "A One, B Two, C Three et al." in page
    assert 'href="https://doi.org/10.1000/x.1"' in page
    assert 'href="https://clinicaltrials.gov/study/NCT07654321"' in page


def test_metadata_old_results_without_meta_still_read() -> None:
    from trialex.records import DocumentResult

    old = {
        "doc_id": "d",
        "source": "d.txt",
        "sha256": "0" * 64,
        "pipeline_version": "1",
        "languages": [],
        "sections": [],
        "records": [],
    }
    assert DocumentResult.model_validate(old).meta.is_empty()
