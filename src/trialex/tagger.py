"""The trained outcome/arm tagger (``resources/ner/model``), read where the rules need it.

The tagger (spaCy tok2vec + ner, trained by :mod:`trialex.ner_train`) labels ``OUTCOME`` and
``ARM`` spans. Running it over a whole full text would cost three times the rules, so it runs
lazily: assembly asks a :class:`SentenceTagger` for the ARM spans of a sentence only when that
sentence holds values and the rules name no arm in it (``Settings.tagger``; off by default, see
``resources/ner/MODEL_CARD.md`` for why).
"""

from __future__ import annotations

import functools
import json
import logging
from pathlib import Path

import spacy
from spacy.language import Language

logger = logging.getLogger(__name__)

PACKAGED_MODEL = Path(__file__).parent / "resources" / "ner" / "model"
MAX_SENTENCE_CHARS = 1500  # a "sentence" longer than this is a table or a run-on: not tagged
CACHE_SENTENCES = 4096


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
    """``tagger(sentence) -> [(start, end)]``: the ARM spans of one sentence, offsets into it.

    Results are cached per sentence text (bounded), so the same sentence of a repeated table or
    a re-extraction is tagged once."""

    def __init__(self, model: str | Path | None = None) -> None:
        path = str(model or PACKAGED_MODEL)
        self.nlp = load_tagger(path)
        self.name = model_name(path)
        self.arms = functools.lru_cache(maxsize=CACHE_SENTENCES)(self._arms)

    def _arms(self, sentence: str) -> tuple[tuple[int, int], ...]:
        if len(sentence) > MAX_SENTENCE_CHARS:
            return ()
        doc = self.nlp(sentence)
        return tuple((e.start_char, e.end_char) for e in doc.ents if e.label_ == "ARM")

    def __call__(self, sentence: str) -> tuple[tuple[int, int], ...]:
        return self.arms(sentence)
