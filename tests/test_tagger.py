"""The trained OUTCOME/ARM tagger in the pipeline (``Settings.tagger``; off by default)."""

from __future__ import annotations

import pytest

from trialex.ingest import document_from_text
from trialex.nlp import build_nlp
from trialex.pipeline import process
from trialex.settings import Settings
from trialex.tagger import PACKAGED_MODEL, TAGGED_KEY, candidate_sentences

pytestmark = pytest.mark.skipif(
    not (PACKAGED_MODEL / "meta.json").is_file(), reason="no packaged tagger model"
)

TEXT = (
    "Results\n\nDiscontinuation rates due to adverse events were 12.4% for vorinostat and 4.1% "
    "for placebo.\n\nReferences\n\n1. Smith J. Vorinostat versus placebo in 2009 patients. "
    "Blood 2010;12:34."
)


@pytest.fixture(scope="module")
def pipelines() -> dict[str, object]:
    return {"on": build_nlp(Settings(tagger=True)), "off": build_nlp(Settings())}


def test_tagger_is_off_by_default() -> None:
    assert "trialex_tagger" not in build_nlp(Settings()).pipe_names
    assert Settings().tagger is False


def test_tagger_names_the_arms_the_rules_do_not(pipelines: dict[str, object]) -> None:
    document = document_from_text(TEXT, doc_id="t", source="t")
    on = process(document, nlp=pipelines["on"])  # type: ignore[arg-type]
    off = process(document, nlp=pipelines["off"])  # type: ignore[arg-type]
    rates = {r.value: r for r in on.records if r.endpoint == "adverse_events"}
    assert rates[12.4].group == "vorinostat"
    assert rates[12.4].extractor == "rules+ner:trialex_arms_outcomes"
    assert {r.value for r in off.records} == {r.value for r in on.records}  # values unchanged
    assert all(r.extractor == "rules" for r in off.records)


def test_tagger_reads_only_result_sentences_with_numbers(pipelines: dict[str, object]) -> None:
    doc = pipelines["on"](TEXT)  # type: ignore[operator]
    read = [s.text for s in candidate_sentences(doc)]
    assert any("vorinostat and 4.1%" in s for s in read)
    assert not any("Blood 2010" in s for s in read)  # references are not read
    assert not any(s.strip() == "Results" for s in read)  # no digit, not read
    for span in doc.spans[TAGGED_KEY]:
        assert TEXT[span.start_char : span.end_char] == span.text
