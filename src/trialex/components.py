"""spaCy factories (names prefixed ``trialex_``): thin wrappers over the library's pure functions."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from trialex._extensions import register_extensions
from trialex.extract import extract_records
from trialex.language import document_languages
from trialex.sections import split_sections

register_extensions()


class SectionsComponent:
    """Sets ``doc._.sections`` (tiling the text, each with kind and language) and ``doc._.languages``."""

    def __call__(self, doc: Doc) -> Doc:
        sections = split_sections(doc.text)
        doc._.sections = sections
        doc._.languages = document_languages(sections)
        return doc


class RecordsComponent:
    """Sets ``doc._.records`` and ``doc._.doc_warnings`` from the rule and NER extractors."""

    def __call__(self, doc: Doc) -> Doc:
        records, warnings = extract_records(doc)
        doc._.records = records
        doc._.doc_warnings = warnings
        return doc


@Language.factory("trialex_sections")
def make_sections(nlp: Language, name: str) -> SectionsComponent:
    return SectionsComponent()


@Language.factory("trialex_records")
def make_records(nlp: Language, name: str) -> RecordsComponent:
    return RecordsComponent()
