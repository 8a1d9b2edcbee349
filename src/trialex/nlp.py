"""Build the trialex spaCy pipeline (configurable, loaded once per process and reused)."""

from __future__ import annotations

import functools

import spacy
from spacy.language import Language

import trialex.components  # noqa: F401  (registers the trialex_* factories)
from trialex.settings import Settings


def build_nlp(settings: Settings | None = None) -> Language:
    """A fresh pipeline for ``settings``."""
    settings = settings or Settings()
    nlp = spacy.blank("en")
    nlp.add_pipe("trialex_sections")
    nlp.add_pipe("trialex_records")
    return nlp


@functools.lru_cache(maxsize=4)
def _cached(settings_json: str) -> Language:
    return build_nlp(Settings.model_validate_json(settings_json))


def get_nlp(settings: Settings | None = None) -> Language:
    """The shared pipeline for ``settings`` (built on first use, then reused)."""
    settings = settings or Settings()
    return _cached(settings.model_dump_json())
