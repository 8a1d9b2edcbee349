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
    # one value, no parallel phrase: the rules name no arm ("all patients"), the model does
    "Results\n\nDiscontinuation rates due to adverse events were 12.4% with vorinostat."
    "\n\nReferences\n\n1. Smith J. Vorinostat versus placebo in 2009 patients. "
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


class FakeTagger:
    """A stand-in for :class:`SentenceTagger`: fixed ARM and OUTCOME phrases, found by text, and
    a record of the batches it was handed."""

    name = "fake_tagger"

    def __init__(self, arms: tuple[str, ...] = (), outcomes: tuple[str, ...] = ()) -> None:
        self.arm_phrases, self.outcome_phrases = arms, outcomes
        self.batches: list[list[str]] = []

    def prefetch(self, sentences: list[str]) -> None:
        self.batches.append(list(sentences))

    @staticmethod
    def _find(sentence: str, phrases: tuple[str, ...]) -> tuple[tuple[int, int], ...]:
        return tuple((i, i + len(p)) for p in phrases if (i := sentence.find(p)) >= 0)

    def __call__(self, sentence: str) -> tuple[tuple[int, int], ...]:
        return self._find(sentence, self.arm_phrases)

    def outcomes(self, sentence: str) -> tuple[tuple[int, int], ...]:
        return self._find(sentence, self.outcome_phrases)


def _records(text: str, tagger: FakeTagger | None) -> list:
    from trialex.extract import doc_with_sections, extract_records

    records, _ = extract_records(doc_with_sections(text), tagger=tagger)
    return records


def test_open_sentences_are_tagged_in_one_batch_per_document() -> None:
    text = (
        "The overall response rate was 45% in the placebo arm. "
        "Mucositis resolved in 30% of the patients on the new mouthwash. "
        "In arm B, the complete response rate was 20%."
    )
    tagger = FakeTagger(arms=("the new mouthwash",))
    records = _records(text, tagger)
    assert len(tagger.batches) == 1  # one nlp.pipe call for the document
    batch = tagger.batches[0]
    assert not any("arm B" in s for s in batch)  # the rules name its arm: not tagged
    assert any("mouthwash" in s for s in batch)  # a default group: tagged
    by_value = {r.value: r for r in records}
    assert by_value[30.0].group == "new mouthwash"
    assert by_value[30.0].extractor == "rules+ner:trialex_arms_outcomes"
    assert by_value[20.0].extractor == "rules"


def test_an_outcome_span_names_the_endpoint_of_a_value_the_rules_leave_open() -> None:
    text = "Donor-site healing within two weeks reached 62%."
    assert not any(r.value == 62.0 for r in _records(text, None))
    tagger = FakeTagger(outcomes=("Donor-site healing",))
    (record,) = [r for r in _records(text, tagger) if r.value == 62.0]
    assert record.endpoint == "other"
    assert record.label == "donor-site healing"
    assert record.extractor == "rules+ner:fake_tagger"
    assert text[record.span.start : record.span.end] == record.text


def test_the_rules_keep_an_endpoint_they_found() -> None:
    text = "The complete remission rate was 45% in the busulfan group."
    tagger = FakeTagger(outcomes=("busulfan group",))
    (record,) = [r for r in _records(text, tagger) if r.value == 45.0]
    assert record.endpoint == "CR"


def test_an_outcome_phrase_maps_to_a_code_through_the_vocabulary() -> None:
    from trialex.extract.tagged import outcome_endpoint

    assert outcome_endpoint("the rate of complete remission") == ("CR", None)
    assert outcome_endpoint("wound dehiscence") == ("other", "wound dehiscence")
    assert outcome_endpoint("forty-four patients") is None  # a group, not an outcome
    assert outcome_endpoint("median age") is None


def test_every_file_of_the_model_is_package_data() -> None:
    """A fresh install needs no download: pyproject's package-data globs cover the model."""
    import tomllib
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    data = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = data["tool"]["setuptools"]["package-data"]["trialex"]
    package = PACKAGED_MODEL.parents[2]  # src/trialex
    covered = {p for pattern in patterns for p in package.glob(pattern) if p.is_file()}
    files = {p for p in PACKAGED_MODEL.rglob("*") if p.is_file()}
    assert files and files <= covered


def test_an_outcome_span_does_not_bring_back_a_term_the_context_rules_dropped() -> None:
    text = "Of the physicians contacted, the survey response rate was 64% (320/500)."
    tagger = FakeTagger(outcomes=("survey response rate",))
    assert not [r for r in _records(text, None) if r.value == 64.0]
    assert not [r for r in _records(text, tagger) if r.value == 64.0 and r.endpoint == "ORR"]
