"""The trained outcome/arm tagger (``resources/ner/model``), read where the rules need it.

The tagger (spaCy tok2vec + ner, trained by :mod:`trialex.ner_train`) labels ``OUTCOME`` and
``ARM`` spans. Running it over a whole full text would cost three times the rules, so it runs
only where the rules leave something open: assembly reads a document with the rules, collects
the sentences (of abstracts and results) where a value got no arm of its own, no endpoint, or
an ``other`` endpoint without a label, tags them in one batch, and fills those from the
sentence's ARM and OUTCOME spans (``Settings.tagger``; see ``resources/ner/MODEL_CARD.md``).
"""

from __future__ import annotations

import functools
import json
import logging
from collections import OrderedDict
from collections.abc import Iterable
from pathlib import Path

import spacy
from spacy.language import Language

logger = logging.getLogger(__name__)

PACKAGED_MODEL = Path(__file__).parent / "resources" / "ner" / "model"
MAX_SENTENCE_CHARS = 1500  # a "sentence" longer than this is a table or a run-on: not tagged
CACHE_SENTENCES = 4096
Spans = tuple[tuple[int, int, str], ...]


class TaggerError(RuntimeError):
    """The tagger model cannot be loaded (one line)."""


@functools.lru_cache(maxsize=4)
def load_tagger(path: str) -> Language:
    try:
        return spacy.load(path)
    except (OSError, ValueError) as error:
        raise TaggerError(f"tagger model {path!r} cannot be loaded: {error}") from None


def model_name(path: str | Path) -> str:
    """The pipeline's own name (``meta.json``), as records name it: ``rules+ner:<name>``."""
    meta = Path(path) / "meta.json"
    if meta.is_file():
        return str(json.loads(meta.read_text(encoding="utf-8")).get("name", "tagger"))
    return Path(path).name


class SentenceTagger:
    """``tagger(sentence) -> [(start, end)]``: the ARM spans of one sentence, offsets into it;
    ``tagger.outcomes(sentence)`` its OUTCOME spans.

    Assembly collects the sentences of a document that need the model first and hands them to
    :meth:`prefetch`, which tags them in one ``nlp.pipe`` call (batched: a third of the cost of
    one call per sentence). Results are cached per sentence text (bounded, oldest out first),
    so the same sentence of a repeated table or a re-extraction is tagged once."""

    def __init__(self, model: str | Path | None = None, batch_size: int = 64) -> None:
        path = str(model or PACKAGED_MODEL)
        self.nlp = load_tagger(path)
        self.name = model_name(path)
        self.batch_size = batch_size
        self._cache: OrderedDict[str, Spans] = OrderedDict()

    def prefetch(self, sentences: Iterable[str]) -> None:
        """Tag every sentence not cached yet, in one batched ``nlp.pipe`` call."""
        todo = list(
            dict.fromkeys(
                s for s in sentences if s not in self._cache and len(s) <= MAX_SENTENCE_CHARS
            )
        )
        if not todo:
            return
        for sentence, doc in zip(
            todo, self.nlp.pipe(todo, batch_size=self.batch_size), strict=True
        ):
            self._store(sentence, tuple((e.start_char, e.end_char, e.label_) for e in doc.ents))

    def _store(self, sentence: str, spans: Spans) -> None:
        self._cache[sentence] = spans
        while len(self._cache) > CACHE_SENTENCES:
            self._cache.popitem(last=False)

    def spans(self, sentence: str) -> Spans:
        """``(start, end, label)`` of every span the model tags in ``sentence``."""
        if len(sentence) > MAX_SENTENCE_CHARS:
            return ()
        if sentence not in self._cache:
            self.prefetch([sentence])
        return self._cache[sentence]

    def outcomes(self, sentence: str) -> tuple[tuple[int, int], ...]:
        return tuple((a, b) for a, b, label in self.spans(sentence) if label == "OUTCOME")

    def __call__(self, sentence: str) -> tuple[tuple[int, int], ...]:
        return tuple((a, b) for a, b, label in self.spans(sentence) if label == "ARM")
