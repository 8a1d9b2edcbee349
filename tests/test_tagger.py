"""The trained OUTCOME/ARM tagger in the pipeline (``Settings.tagger``; off by default)."""

from __future__ import annotations

import pytest

from trialex.ingest import document_from_text
from trialex.nlp import build_nlp
from trialex.pipeline import process
from trialex.settings import Settings
from trialex.tagger import PACKAGED_MODEL, SentenceTagger

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
    assert Settings().tagger is False
    assert build_nlp(Settings()).get_pipe("trialex_records").tagger is None


def test_tagger_names_the_arms_the_rules_do_not(pipelines: dict[str, object]) -> None:
    document = document_from_text(TEXT, doc_id="t", source="t")
    on = process(document, nlp=pipelines["on"])  # type: ignore[arg-type]
    off = process(document, nlp=pipelines["off"])  # type: ignore[arg-type]
    rates = {r.value: r for r in on.records if r.endpoint == "adverse_events"}
    assert rates[12.4].group == "vorinostat"
    assert rates[12.4].extractor == "rules+ner:trialex_arms_outcomes"
    assert {r.value for r in off.records} == {r.value for r in on.records}  # values unchanged
    assert all(r.extractor == "rules" for r in off.records)


def test_tagger_gives_arm_offsets_into_the_sentence_and_caches_them() -> None:
    tagger = SentenceTagger()
    sentence = "Relapse occurred in 14% of the busulfan group and 20% of the placebo group."
    arms = tagger(sentence)
    assert any("placebo" in sentence[a:b] for a, b in arms)
    assert tagger.spans(sentence) is tagger.spans(sentence)  # cached
    assert tagger("x" * 5000) == ()  # a table or a run-on is not tagged
