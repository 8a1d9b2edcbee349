"""Every custom spaCy attribute trialex uses, declared in one place (as medspaCy does).

scispaCy's abbreviation detector also declares ``Doc._.abbreviations`` and ``Span._.long_form``
itself (with ``force=True``); they are listed here so that the full set is visible in one file.
"""

from __future__ import annotations

from spacy.tokens import Doc, Span

from trialex.normalize import TextView

_DOC_EXTENSIONS: dict[str, object] = {
    "sections": None,  # list[trialex.records.Section], tiling the text
    "languages": None,  # list[str], languages present in the document
    "records": None,  # list[trialex.records.Record]
    "doc_warnings": None,  # list[trialex.records.Flag]
    "abbreviations": [],  # list[Span] short forms (scispaCy), each with span._.long_form
    "view": None,  # trialex.extract.view.DocView: the text structure the record passes read
}
_SPAN_EXTENSIONS: dict[str, object] = {
    "value": None,  # a parsed value mention (trialex.extract.numbers) on a value span
    "endpoint": None,  # endpoint code of an endpoint-term span
    "source": None,  # on doc.spans["trialex_terms"]: "vocab" | "abbrev" | "model:<name>"
    "long_form": None,  # on an abbreviation short form: the Span of its definition (scispaCy)
}


def register_extensions() -> None:
    """Idempotent: safe to call from every component factory."""
    for name, default in _DOC_EXTENSIONS.items():
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=default)
    for name, default in _SPAN_EXTENSIONS.items():
        if not Span.has_extension(name):
            Span.set_extension(name, default=default)


TEXT_KEY = "trialex_text"  # doc.user_data key of the cached text (read by trialex.extract)


def doc_text(doc: Doc) -> str:
    """``doc.text``, computed once per Doc and kept in ``doc.user_data["trialex_text"]``.

    spaCy rebuilds ``doc.text`` from every token on each access (about 0.2 s per MB); the text
    of a Doc never changes, retokenizing included.
    """
    cached = doc.user_data.get(TEXT_KEY)
    if isinstance(cached, str):
        return cached
    text = doc.text
    doc.user_data[TEXT_KEY] = text
    return text


VIEW_KEY = "trialex_view"  # doc.user_data key of the document's TextView (markup documents only)


def text_view(doc: Doc) -> TextView:
    """The document's :class:`trialex.normalize.TextView`: built once, by the tokenizer, from the
    source text (``doc.text`` is the view). A Doc made without it (a bare tokenizer) is its own
    source."""
    view = doc.user_data.get(VIEW_KEY)
    if isinstance(view, TextView):
        return view
    text = doc_text(doc)
    return TextView(text, text)


def source_text(doc: Doc) -> str:
    """The text as printed (what section detection reads and record spans point into)."""
    return text_view(doc).source
