"""Endpoint extraction: values (numbers.py), rules, NER and assembly into records."""

from __future__ import annotations

from spacy.tokens import Doc

from trialex.records import Flag, Record


def extract_records(doc: Doc) -> tuple[list[Record], list[Flag]]:
    """All records of ``doc`` (sections already set) and the document-level warnings.

    Replaced by the rule/NER extractors (issue 3); until then a document has no records.
    """
    return [], []
