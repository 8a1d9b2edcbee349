"""Endpoint extraction: values (numbers.py), rules, NER and assembly into records."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Sequence

from spacy.language import Language
from spacy.tokens import Doc

from trialex.extract.assemble import candidates, to_record, with_confidence
from trialex.extract.numbers import fold
from trialex.extract.rules import cue, find_terms
from trialex.extract.view import DocView, reading
from trialex.records import Flag, Record, Section, Span

logger = logging.getLogger(__name__)


def extract_records(
    doc: Doc, *, tagger: Callable[[str], Sequence[tuple[int, int]]] | None = None
) -> tuple[list[Record], list[Flag]]:
    """All records of ``doc`` (sections already set) and the document-level warnings.

    Records carry their validation flags (:func:`trialex.validate.validate_record`); the
    document warnings hold the cross-language checks of a bilingual abstract.
    """
    from trialex._extensions import text_view
    from trialex.settings import default_settings
    from trialex.validate import validate_document, validate_record

    threshold = default_settings().confidence_threshold

    # the sections component may leave the text it already built (Doc.text re-joins every token)
    cached = doc.user_data.get("trialex_text")
    length = doc[-1].idx + len(doc[-1].text_with_ws) if len(doc) else 0
    text = cached if isinstance(cached, str) and len(cached) == length else doc.text
    sections: list[Section] = (
        list(getattr(doc._, "sections", None) or []) if doc.has_extension("sections") else []
    )
    # the Doc's text is the document's view (trialex.normalize): sections are read in it, and
    # every record is mapped back to the characters as printed
    view = text_view(doc)
    if view.identity or view.text != text:
        view = None
    # narrative `other` sections that cite their sources, read AS PRINTED (the view drops the
    # citation links of web dumps): their numbers are cited (assemble.candidates)
    printed = view.source if view is not None else text
    citing = {
        i
        for i, s in enumerate(sections)
        if s.kind == "other" and cue("citation_marker").search(printed, s.start, s.end)
    }
    if view is not None and sections:
        sections = [
            s.model_copy(
                update=dict(zip(("start", "end"), view.to_view(s.start, s.end), strict=True))
            )
            for s in sections
        ]
    if not sections:
        sections = [Section(kind="other", title=None, language="en", start=0, end=len(text))]
    folded = fold(text)  # dashes, spaces and decimal dots read alike; offsets unchanged
    terms = find_terms(doc, folded)
    # the text structure every pass reads (sentences, clauses, arm definitions), built once
    structure = DocView(folded, terms)
    if doc.has_extension("view"):
        doc._.view = structure
    records: list[Record] = []
    source = view.source if view is not None else None
    with reading(structure):
        found = candidates(folded, sections, terms, source, citing=citing, tagger=tagger)
    for candidate, section in found:
        record = to_record(text, candidate, section)
        if record is not None:
            if view is not None:
                record = to_source(record, view.source, view.to_source)
            records.append(with_confidence(candidate, validate_record(record), threshold))
    records.sort(key=lambda r: (r.span.start, r.span.end))
    return records, validate_document(records)


def to_source(
    record: Record, source: str, mapping: Callable[[int, int], tuple[int, int]]
) -> Record:
    """``record`` with its span mapped from the view to the source (``text`` as printed)."""
    start, end = mapping(record.span.start, record.span.end)
    while start < end and source[start].isspace():
        start += 1
    while end > start and source[end - 1].isspace():
        end -= 1
    return record.model_copy(update={"span": Span(start=start, end=end), "text": source[start:end]})


def doc_with_sections(text: str, kinds: list[tuple[str, str, int]] | None = None) -> Doc:
    """A tokenised Doc of ``text`` with ``doc._.sections`` set, without running the pipeline.

    ``kinds`` lists ``(kind, language, start)`` per section (each ends where the next starts);
    the default is one ``results`` section in English. Used by tests and quick experiments.
    """
    from trialex._extensions import register_extensions

    register_extensions()
    doc = _blank().make_doc(text)
    kinds = kinds or [("results", "en", 0)]
    sections = []
    for i, (kind, language, start) in enumerate(kinds):
        end = kinds[i + 1][2] if i + 1 < len(kinds) else len(text)
        sections.append(
            Section(kind=kind, title=None, language=language, start=start, end=end)  # type: ignore[arg-type]
        )
    doc._.sections = sections
    return doc


@functools.cache
def _blank() -> Language:
    import spacy

    return spacy.blank("en")
