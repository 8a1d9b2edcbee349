"""Every custom spaCy attribute trialex uses, declared in one place (as medspaCy does)."""

from __future__ import annotations

from spacy.tokens import Doc, Span

_DOC_EXTENSIONS: dict[str, object] = {
    "sections": None,  # list[trialex.records.Section], tiling the text
    "languages": None,  # list[str], languages present in the document
    "records": None,  # list[trialex.records.Record]
    "doc_warnings": None,  # list[trialex.records.Flag]
}
_SPAN_EXTENSIONS: dict[str, object] = {
    "value": None,  # a parsed value mention (trialex.extract.numbers) on a value span
    "endpoint": None,  # endpoint code of an endpoint-term span
}


def register_extensions() -> None:
    """Idempotent: safe to call from every component factory."""
    for name, default in _DOC_EXTENSIONS.items():
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=default)
    for name, default in _SPAN_EXTENSIONS.items():
        if not Span.has_extension(name):
            Span.set_extension(name, default=default)
