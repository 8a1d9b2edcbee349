"""The document view: one text structure per document, read by every extraction pass."""

from __future__ import annotations

import pytest

from trialex.extract import arms as arms_pass
from trialex.extract import doc_with_sections as make_doc
from trialex.extract import extract_records, units
from trialex.extract.numbers import _fewest_literals
from trialex.extract.units import clauses, sentences
from trialex.extract.view import DocView, current, reading
from trialex.nlp import get_nlp

TEXT = (
    "Patients were randomly assigned to drug A or placebo. Sixty patients were enrolled.\n"
    "\n"
    "The overall response rate was 45% (27/60) vs 20% (12/60); P = 0.01. Median overall "
    "survival was 14.2 months, e.g. longer than in earlier series, while toxicity was mild.\n"
)


def test_view_answers_as_the_functions_do_and_only_for_its_own_text() -> None:
    view = DocView(TEXT)
    plain_sentences = list(sentences(TEXT, 0, len(TEXT)))
    plain_clauses = [clauses(TEXT, a, b) for a, b in plain_sentences]
    with reading(view):
        assert current(TEXT) is view
        assert current(TEXT[:-1] + "\n") is None  # an equal text that is not the view's
        assert list(sentences(TEXT, 0, len(TEXT))) == plain_sentences
        assert [clauses(TEXT, a, b) for a, b in plain_sentences] == plain_clauses
    assert current(TEXT) is None
    assert view.sentences(0, len(TEXT), units._split_sentences) == plain_sentences
    assert view.lines == [(0, 84), (84, 85), (85, len(TEXT))]


def test_each_sentence_is_split_and_searched_for_arms_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The paragraph look-ahead and the reading of a block share its sentences and their arm
    definitions; the records are the same as without the view."""
    without, _ = extract_records(make_doc(TEXT))
    splits: list[tuple[int, int]] = []
    arms: list[tuple[int, int]] = []
    split, define = units._split_sentences, arms_pass._arm_definition

    def counting_split(text: str, start: int, end: int):  # type: ignore[no-untyped-def]
        splits.append((start, end))
        return split(text, start, end)

    def counting_define(text: str, start: int, end: int):  # type: ignore[no-untyped-def]
        arms.append((start, end))
        return define(text, start, end)

    monkeypatch.setattr(units, "_split_sentences", counting_split)
    monkeypatch.setattr(arms_pass, "_arm_definition", counting_define)
    doc = make_doc(TEXT)
    records, _ = extract_records(doc)
    assert records == without and records
    assert isinstance(doc._.view, DocView)
    assert len(splits) == len(set(splits))
    assert len(arms) == len(set(arms))


def test_pipeline_sets_one_view_per_document() -> None:
    doc = get_nlp()(TEXT)
    assert isinstance(doc._.view, DocView)
    assert len(doc._.view.text) == len(TEXT)  # the folded text: offsets of the document


def test_fewest_literals_keeps_the_same_test() -> None:
    literals = ["patients", "patient", "Patients", "women", "men", "%", "men"]
    kept = _fewest_literals(literals)
    assert kept == ("%", "men", "patient", "Patients")
    for text in ("12 women", "40 Patients", "5 patients", "no one", "3%", "Patient 4"):
        assert any(x in text for x in kept) == any(x in text for x in literals)
