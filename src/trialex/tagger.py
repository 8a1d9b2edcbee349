"""The trained outcome/arm tagger (``resources/ner/model``) on a trialex document.

The tagger (spaCy tok2vec + ner, trained by :mod:`trialex.ner_train`) labels ``OUTCOME`` and
``ARM`` spans. It runs only where assembly can use it: sentences that hold a digit, outside
front matter, references and web-page boilerplate — in a full text that is a fraction of the
characters, which keeps the model's cost small next to the rules'. Its spans land in
``doc.spans["trialex_tagged"]`` (:data:`TAGGED_KEY`), snapped outward to our tokens, with
``span._.source = "model:<name>"``; assembly reads them to fill what the rules leave empty
(a record's ``group`` from the nearest ARM span of its clause).
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

logger = logging.getLogger(__name__)

TAGGED_KEY = "trialex_tagged"
PACKAGED_MODEL = Path(__file__).parent / "resources" / "ner" / "model"
SKIPPED_SECTIONS = frozenset({"front_matter", "references", "boilerplate"})
MAX_SENTENCE_CHARS = 1500  # a "sentence" longer than this is a table or a run-on: skipped
_DIGIT = re.compile(r"\d")


class TaggerError(RuntimeError):
    """The tagger model cannot be loaded (one line)."""


@functools.lru_cache(maxsize=4)
def load_tagger(path: str) -> Language:
    try:
        return spacy.load(path, exclude=["parser", "tagger", "lemmatizer"])
    except (OSError, ValueError) as error:
        raise TaggerError(f"tagger model {path!r} cannot be loaded: {error}") from None


def model_name(path: str | Path) -> str:
    meta = Path(path) / "meta.json"
    if meta.is_file():
        import json

        data = json.loads(meta.read_text(encoding="utf-8"))
        return f"{data.get('name', 'tagger')}-{data.get('version', '0')}"
    return Path(path).name


def candidate_sentences(doc: Doc) -> Iterator[Span]:
    """Sentences the tagger reads: with a digit, of a reasonable length, in a section that can
    hold results (see the module docstring)."""
    sections = list(doc._.sections or [])
    for sent in doc.sents:
        text = sent.text
        if len(text) > MAX_SENTENCE_CHARS or not _DIGIT.search(text):
            continue
        start = sent.start_char
        section = next((s for s in sections if s.start <= start < s.end), None)
        if section is not None and section.kind in SKIPPED_SECTIONS:
            continue
        yield sent


def tag_docs(
    tagger: Language, docs: Iterable[Doc], name: str, batch_size: int = 64
) -> Iterator[list[Span]]:
    """The tagger's spans for each of ``docs``, as spans of that doc."""
    for doc in docs:
        sentences = list(candidate_sentences(doc))
        spans: list[Span] = []
        texts = (s.text for s in sentences)
        for sent, tagged in zip(sentences, tagger.pipe(texts, batch_size=batch_size), strict=True):
            for ent in tagged.ents:
                start = sent.start_char + ent.start_char
                end = sent.start_char + ent.end_char
                span = doc.char_span(start, end, label=ent.label_, alignment_mode="expand")
                if span is None or not span.text.strip():
                    continue
                span._.source = f"model:{name}"
                spans.append(span)
        yield spans
