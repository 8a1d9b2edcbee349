"""Endpoint extraction: values (numbers.py), rules, NER and assembly into records."""

from __future__ import annotations

import functools
import logging

from spacy.language import Language
from spacy.tokens import Doc

from trialex.extract.assemble import candidates, to_record, with_confidence
from trialex.extract.numbers import fold
from trialex.extract.rules import find_terms
from trialex.records import Flag, Record, Section

logger = logging.getLogger(__name__)


def extract_records(doc: Doc) -> tuple[list[Record], list[Flag]]:
    """All records of ``doc`` (sections already set) and the document-level warnings.

    Records carry their validation flags (:func:`trialex.validate.validate_record`); the
    document warnings hold the cross-language checks of a bilingual abstract.
    """
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
    if not sections:
        sections = [Section(kind="other", title=None, language="en", start=0, end=len(text))]
    folded = fold(text)  # dashes, spaces and decimal dots read alike; offsets unchanged
    terms = find_terms(doc, folded)
    records: list[Record] = []
    for candidate, section in candidates(folded, sections, terms):
        record = to_record(text, candidate, section)
        if record is not None:
            records.append(with_confidence(candidate, validate_record(record), threshold))
    records.sort(key=lambda r: (r.span.start, r.span.end))
    return records, validate_document(records)


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
