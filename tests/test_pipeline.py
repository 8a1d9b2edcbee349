from __future__ import annotations

import pytest

from _paths import RAW_FILES
from trialex import pipeline
from trialex.ingest import document_from_text
from trialex.nlp import get_nlp
from trialex.records import Document


def _documents(count: int, *, unique: bool = False) -> list[Document]:
    texts = [p.read_text("utf-8") for p in RAW_FILES]
    docs = []
    for i in range(count):
        extra = " ".join(f"w{i}x{j}" for j in range(100)) if unique else ""
        docs.append(
            document_from_text(texts[i % len(texts)] + extra, doc_id=f"d{i}", source=f"d{i}")
        )
    return docs


@pytest.fixture
def small_zones(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "WARM_UP_DOCS", 2)
    monkeypatch.setattr(pipeline, "MEMORY_ZONE_DOCS", 3)


def test_pipeline_process_many_equals_one_by_one(small_zones: None) -> None:
    """Batches, warm-up and memory zones change nothing in the results."""
    docs = _documents(9)
    nlp = get_nlp()
    streamed = [r for _, r in pipeline.process_many(docs, nlp=nlp, batch_size=2)]
    single = [pipeline.process(d, nlp=nlp) for d in docs]
    assert [r.doc_id for r in streamed] == [d.doc_id for d in docs]
    assert streamed == single


def test_pipeline_one_failing_document_does_not_stop_the_batch(
    small_zones: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    docs = _documents(5)
    real = pipeline.to_result

    def flaky(document: Document, doc: object) -> object:
        if document.doc_id == "d2":
            raise RuntimeError("boom")
        return real(document, doc)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "to_result", flaky)
    failed: list[str] = []
    done = [
        d.doc_id
        for d, _ in pipeline.process_many(
            docs, batch_size=2, on_error=lambda d, e: failed.append(d.doc_id)
        )
    ]
    assert failed == ["d2"]
    assert done == ["d0", "d1", "d3", "d4"]


def test_pipeline_vocabulary_stays_flat_over_new_text(small_zones: None) -> None:
    """After the warm-up, strings that documents add are freed with their memory zone."""
    nlp = get_nlp()
    list(pipeline.process_many(_documents(3, unique=True), nlp=nlp, batch_size=1))
    before = len(nlp.vocab.strings)
    list(pipeline.process_many(_documents(12, unique=True)[2:], nlp=nlp, batch_size=1))
    # the second run's warm-up (2 documents, ~200 new words) may add strings; the other 8
    # documents (~800 new words) may not
    assert len(nlp.vocab.strings) - before < 400


def test_pipeline_web_summary_numbers_are_cited() -> None:
    """A PDQ-style Markdown summary: narrative `other` text whose citation links the view drops
    still makes its numbers cited (they report other trials)."""
    text = (
        "#### Treatment of relapsed disease\n\n"
        "Evidence (drug K):\n\n"
        "1. In a randomized trial, 200 patients received drug K.[[4](#cit/section_4.4)]\n"
        "   - The overall response rate was 44% with drug K.[[4](#cit/section_4.4)]\n\n"
        "#### Maintenance\n\n"
        "A phase II study of drug L reported a complete remission rate of 31%.[[5](#cit/s_4.5)]\n"
    )
    doc = document_from_text(text, doc_id="web", source="web.md", fmt="md")
    result = pipeline.process(doc, nlp=get_nlp())
    assert {s.kind for s in result.sections} == {"other"}
    values = {r.value: r.origin for r in result.records}
    assert values.get(44.0) == "cited"
    assert values.get(31.0) == "cited"


def test_pipeline_process_many_frees_each_batchs_docs(
    small_zones: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A processed Doc is cyclic garbage (its user_data holds Spans of itself): process_many
    frees the Docs of each batch before the next, even when the collector would not run."""
    import gc
    import weakref

    class Probe:
        pass

    probes: list[weakref.ref[Probe]] = []
    real = pipeline.to_result

    def probing(document: Document, doc: object) -> object:
        probe = Probe()
        doc.user_data["probe"] = probe  # type: ignore[attr-defined]
        probes.append(weakref.ref(probe))
        return real(document, doc)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "to_result", probing)
    enabled = gc.isenabled()
    gc.disable()
    try:
        alive_at_batch_start = []
        for i, _ in enumerate(pipeline.process_many(_documents(6), batch_size=2)):
            if i % 2 == 0:  # the first result of a batch: the earlier batches are done
                alive_at_batch_start.append(sum(p() is not None for p in probes[:i]))
    finally:
        if enabled:
            gc.enable()
    assert alive_at_batch_start == [0, 0, 0]
