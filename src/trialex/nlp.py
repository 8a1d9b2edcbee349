"""Build the trialex spaCy pipeline (configurable, loaded once per process and reused).

The pipeline is ``spacy.blank("en")`` with

* a tokenizer built on scispaCy's ``combined_rule_tokenizer`` (:func:`make_tokenizer`), extended
  so that every CJK character is a token of its own (Chinese terms match token by token) and
  clinical numbers split into their parts: ``64%`` -> ``64 %``, ``n=38`` -> ``n = 38``,
  ``8.3−14.3`` -> ``8.3 − 14.3``, ``P=0.049`` -> ``P = 0.049``, ``29/64`` -> ``29 / 64``;
* ``trialex_sections`` (first: section tiling and languages),
* ``trialex_sentences`` (rule sentence boundaries, see :mod:`trialex.components`),
* ``trialex_abbreviations`` (scispaCy's Schwartz-Hearst abbreviation detector, linear time),
* ``trialex_ner`` (only when ``Settings.ner_model`` is set, see :mod:`trialex.ner`),
* ``trialex_terms`` (``doc.spans["trialex_terms"]``: ENDPOINT, POPULATION, DRUG, DISEASE),
* ``trialex_records`` (last: the records).
"""

from __future__ import annotations

import functools
import logging
import re
import warnings
from collections.abc import Callable

import spacy
from scispacy.custom_tokenizer import combined_rule_tokenizer
from spacy.language import Language
from spacy.symbols import ORTH
from spacy.tokenizer import Tokenizer

import trialex.components  # noqa: F401  (registers the trialex_* factories)
from trialex.ner import load_text_rules
from trialex.settings import Settings

logger = logging.getLogger(__name__)


def make_tokenizer(nlp: Language, rules_dir: str | None = None) -> Tokenizer:
    """scispaCy's combined rule tokenizer plus the rules of ``resources/tokenizer.json``.

    The added prefixes, suffixes and infixes are tried before scispaCy's; the exceptions
    ("vs.", "approx.") keep their period.
    """
    rules = load_text_rules(rules_dir)
    with warnings.catch_warnings():  # scispaCy's character classes trigger a re FutureWarning
        warnings.simplefilter("ignore", FutureWarning)
        base = combined_rule_tokenizer(nlp)
        prefixes = [*rules.patterns("prefix"), base.prefix_search.__self__.pattern]  # type: ignore[union-attr]
        suffixes = [*rules.patterns("suffix"), base.suffix_search.__self__.pattern]  # type: ignore[union-attr]
        infixes = [*rules.patterns("infix"), base.infix_finditer.__self__.pattern]  # type: ignore[union-attr]
        prefix_re = re.compile("|".join(prefixes))
        suffix_re = re.compile("|".join(suffixes))
        infix_re = re.compile("|".join(infixes))
    exceptions = dict(base.rules or {})
    for text in rules.exceptions:
        exceptions[text] = [{ORTH: text}]
    return Tokenizer(
        nlp.vocab,
        exceptions,
        prefix_search=prefix_re.search,
        suffix_search=suffix_re.search,
        infix_finditer=infix_re.finditer,
        token_match=base.token_match,
        url_match=base.url_match,
    )


def build_nlp(settings: Settings | None = None) -> Language:
    """A fresh pipeline for ``settings``.

    Raises :class:`trialex.ner.NerModelError` (one line) when ``settings.ner_model`` is set but
    cannot be loaded.
    """
    settings = settings or Settings()
    nlp = spacy.blank("en")
    nlp.max_length = 10**9  # no parser: memory is linear in the text
    rules_dir = str(settings.rules_dir) if settings.rules_dir else None
    nlp.tokenizer = make_tokenizer(nlp, rules_dir)
    nlp.add_pipe("trialex_sections")
    nlp.add_pipe("trialex_sentences", config={"rules_dir": rules_dir})
    nlp.add_pipe("trialex_abbreviations")
    if settings.ner_model:
        nlp.add_pipe("trialex_ner", config={"model": settings.ner_model})
    nlp.add_pipe("trialex_terms", config={"rules_dir": rules_dir})
    nlp.add_pipe("trialex_records")
    return nlp


@functools.lru_cache(maxsize=4)
def _cached(settings_json: str) -> Language:
    return build_nlp(Settings.model_validate_json(settings_json))


def get_nlp(settings: Settings | None = None) -> Language:
    """The shared pipeline for ``settings`` (built on first use, then reused)."""
    settings = settings or Settings()
    return _cached(settings.model_dump_json())


def throughput(paths: list[str], target_mb: float = 5.0) -> dict[str, float]:
    """CPU-time throughput (MB/s, best of 3) on ``paths`` concatenated and repeated to
    ``target_mb``: ``spacy.blank("en")`` tokenizing, the trialex tokenizer, the pipeline without
    records and the full pipeline. ``python -m trialex.nlp raw/*.txt`` prints it."""
    import time
    from pathlib import Path

    raw = "\n".join(Path(p).read_text(encoding="utf-8") for p in paths)
    text = (raw + "\n") * max(1, round(target_mb * 1e6 / max(1, len(raw.encode()))))
    mb = len(text.encode()) / 1e6

    def best(run: Callable[[], object]) -> float:
        times = []
        for _ in range(3):
            start = time.process_time()
            run()
            times.append(time.process_time() - start)
        return mb / min(times)

    blank = spacy.blank("en")
    blank.max_length = 10**9
    nlp = build_nlp(Settings())
    result = {
        "mb": mb,
        "blank_tokenizer": best(lambda: blank.make_doc(text)),
        "tokenizer": best(lambda: nlp.make_doc(text)),
    }
    with nlp.select_pipes(disable=["trialex_records"]):
        result["pipeline_without_records"] = best(lambda: nlp(text))
    try:
        result["full_pipeline"] = best(lambda: nlp(text))
    except Exception:  # the record extractor is measured by its own benchmark
        logger.exception("full pipeline failed; reporting the pipeline without records only")
        result["full_pipeline"] = float("nan")
    return result


if __name__ == "__main__":  # pragma: no cover - maintenance entry point
    import sys

    for key, value in throughput(sys.argv[1:]).items():
        print(f"{key}: {value:.2f}" + ("" if key == "mb" else " MB/s"))
