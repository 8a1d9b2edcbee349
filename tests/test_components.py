"""The trialex_* spaCy components (trialex.components)."""

from __future__ import annotations

import pytest
import spacy
from scispacy.abbreviation import AbbreviationDetector
from spacy.language import Language
from spacy.tokens import Doc, Span

from _paths import RAW_FILES
from trialex._extensions import doc_text
from trialex.components import AbbreviationsComponent, SentencesComponent, TermsComponent
from trialex.ner import SPANS_KEY
from trialex.nlp import make_tokenizer
from trialex.records import Section


@pytest.fixture(scope="module")
def tok_nlp() -> Language:
    nlp = spacy.blank("en")
    nlp.tokenizer = make_tokenizer(nlp)
    return nlp


def _abbreviations(doc: Doc) -> list[tuple[int, int, int, int]]:
    return sorted(
        (a.start, a.end, a._.long_form.start, a._.long_form.end) for a in doc._.abbreviations
    )


@pytest.mark.parametrize("path", RAW_FILES, ids=[p.name[:3] for p in RAW_FILES])
def test_components_abbreviations_equal_scispacy(tok_nlp: Language, path) -> None:
    text = path.read_text(encoding="utf-8")
    ours = AbbreviationsComponent(tok_nlp)(tok_nlp.make_doc(text))
    theirs = AbbreviationDetector(tok_nlp)(tok_nlp.make_doc(text))
    assert _abbreviations(ours) == _abbreviations(theirs)


@pytest.mark.parametrize(
    ("text", "pairs"),
    [
        (
            "Extramedullary disease (EMD) relapse. EMD was common.",
            [("EMD", "Extramedullary disease"), ("EMD", "Extramedullary disease")],
        ),
        (
            "complete remission with partial hematologic recovery (CRh) and CRh.",
            [("CRh", "complete remission with partial hematologic recovery")] * 2,
        ),
        ("No definition (n = 38) here.", []),
    ],
)
def test_components_abbreviations_find_definitions(
    tok_nlp: Language, text: str, pairs: list[tuple[str, str]]
) -> None:
    doc = AbbreviationsComponent(tok_nlp)(tok_nlp.make_doc(text))
    assert sorted((a.text, a._.long_form.text) for a in doc._.abbreviations) == sorted(pairs)


def test_components_abbreviations_have_no_state_between_docs(tok_nlp: Language) -> None:
    component = AbbreviationsComponent(tok_nlp)
    component(tok_nlp.make_doc("Burkitt lymphoma (BL) was rare."))
    doc = component(tok_nlp.make_doc("BL is not defined here."))
    assert doc._.abbreviations == []


def test_components_sentences_start_at_sections(tok_nlp: Language) -> None:
    text = "Results the ORR was 64% Discussion it was high"
    doc = tok_nlp.make_doc(text)
    start = text.index("Discussion")
    doc._.sections = [
        Section(kind="results", language="en", start=0, end=start),
        Section(kind="discussion", language="en", start=start, end=len(text)),
    ]
    doc = SentencesComponent(tok_nlp)(doc)
    assert [s.text for s in doc.sents] == ["Results the ORR was 64%", "Discussion it was high"]


def test_components_sentences_empty_doc(tok_nlp: Language) -> None:
    doc = SentencesComponent(tok_nlp)(tok_nlp.make_doc(""))
    assert len(doc) == 0


def test_components_terms_keep_existing_model_spans(tok_nlp: Language) -> None:
    component = TermsComponent(tok_nlp)
    doc = tok_nlp.make_doc("Zorbatinib and blinatumomab in glimmer syndrome (GS). GS was rare.")
    model = [Span(doc, 0, 1, label="DRUG"), Span(doc, 4, 6, label="DISEASE", span_id="gs")]
    for span in model:
        span._.source = "model:tiny"
    doc.spans[SPANS_KEY] = model
    doc = AbbreviationsComponent(tok_nlp)(doc)
    doc = component(doc)
    found = {(s.text, s.label_, s._.source) for s in doc.spans[SPANS_KEY]}
    assert found == {
        ("Zorbatinib", "DRUG", "model:tiny"),
        ("blinatumomab", "DRUG", "vocab"),
        ("glimmer syndrome", "DISEASE", "model:tiny"),
        ("GS", "DISEASE", "abbrev"),
    }
    starts = [s.start for s in doc.spans[SPANS_KEY]]
    assert starts == sorted(starts)


def test_components_terms_same_offsets_keep_vocab(tok_nlp: Language) -> None:
    component = TermsComponent(tok_nlp)
    doc = tok_nlp.make_doc("blinatumomab")
    model_span = Span(doc, 0, 1, label="DRUG")
    model_span._.source = "model:tiny"
    doc.spans[SPANS_KEY] = [model_span]
    doc = component(doc)
    assert [(s.text, s._.source) for s in doc.spans[SPANS_KEY]] == [("blinatumomab", "vocab")]


def test_components_terms_model_spans_take_vocabulary_ids(tok_nlp: Language) -> None:
    component = TermsComponent(tok_nlp)
    doc = tok_nlp.make_doc("INO and zorbatinib")  # "InO" is a case-sensitive vocabulary phrase
    model = [Span(doc, 0, 1, label="DRUG", span_id="ino"), Span(doc, 2, 3, label="DRUG")]
    for span in model:
        span._.source = "model:tiny"
    doc.spans[SPANS_KEY] = model
    doc = component(doc)
    assert [(s.text, s.id_, s._.source) for s in doc.spans[SPANS_KEY]] == [
        ("INO", "inotuzumab_ozogamicin", "model:tiny"),
        ("zorbatinib", "", "model:tiny"),
    ]


def test_components_doc_text_is_cached_in_user_data(tok_nlp: Language) -> None:
    doc = tok_nlp.make_doc("Median OS was 8.5 months.")
    assert doc_text(doc) == doc.text
    assert doc.user_data["trialex_text"] == doc.text


BRACKET_CASES = [
    "(AB) at the start, then acute lymphoblastic leukemia (ALL) and ALL again.",
    "x (complete remission with hematologic recovery) CRh later, CR (complete remission).",
    "minimal residual disease (M) one letter; overall survival (OVERALLSURVIVAL) ten letters.",
    "event free survival (EFS 2) with a space; relapse free survival (R-F-S) and (n = 38).",
    "a (b c d e f g h i j) nine inside; CRh (complete remission partial recovery) here.",
    "bone marrow (BM) blasts (BM blasts) (( nested (NB) )) and unclosed (XY",
    "hazard ratio (HR) 0.5 (0.3-0.8); odds ratio (OR); 12 (40%) patients (pts) pts.",
    "alpha beta charlie delta echo foxtrot golf hotel india (ABCDEFGHI) nine letters.",
    "alpha beta charlie delta echo foxtrot golf hotel india juliet (ABCDEFGHIJ) ten.",
]


@pytest.mark.parametrize("text", BRACKET_CASES, ids=[t[:20] for t in BRACKET_CASES])
def test_components_abbreviations_equal_scispacy_on_bracket_cases(
    tok_nlp: Language, text: str
) -> None:
    """The array prefilter of the candidates keeps exactly what scispaCy's filters keep."""
    ours = AbbreviationsComponent(tok_nlp)(tok_nlp.make_doc(text))
    theirs = AbbreviationDetector(tok_nlp)(tok_nlp.make_doc(text))
    assert _abbreviations(ours) == _abbreviations(theirs)
