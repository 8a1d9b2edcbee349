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
import gc
import itertools
import logging
import re
import warnings
from collections.abc import Callable

import numpy as np
import spacy
from scispacy.custom_tokenizer import combined_rule_tokenizer
from spacy.attrs import NORM, ORTH, SPACY
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc

import trialex.components  # noqa: F401  (registers the trialex_* factories)
from trialex import rulebook
from trialex._extensions import TEXT_KEY, VIEW_KEY
from trialex.ner import load_text_rules
from trialex.normalize import Rules, load_rules, normalize
from trialex.settings import Settings, default_settings

logger = logging.getLogger(__name__)


_LINE_START = re.compile(r"\n(?=\S)")  # a line break followed by a word: a safe cut


class TextKeepingTokenizer(Tokenizer):
    """spaCy's ``Tokenizer``, run on pieces of lines, keeping the text in ``doc.user_data``.

    * Pieces: spaCy caches the tokens of each whitespace-delimited chunk, but stops caching for
      the rest of a call at the first special case ("\n" between lines, "vs.", "e.g.", "—" ...),
      so on a whole article almost nothing is cached. The text is cut after a line break
      followed by a non-space character (the cut falls between two chunks, and no special case
      spans a line break): every line of ``min_piece`` characters or more on its own, shorter
      lines in groups of at least ``min_piece`` characters (which bounds the per-call cost on
      very short lines). Each piece is tokenized on its own and the pieces are joined back into
      one ``Doc``: the same tokens, whitespace and norms, 3-5x faster.
    * The text: the tokenizer is lossless (``doc.text == text``), and ``Doc.text`` re-joins
      every token on each access (about 0.8 s per MB): :func:`trialex._extensions.doc_text`
      reads the kept text instead.
    * Markup: the text tokenized is the document's view (:func:`trialex.normalize.normalize`:
      LaTeX math, HTML tables, Markdown made plain), built here once per document and kept in
      ``doc.user_data`` (:func:`trialex._extensions.text_view`) with the way back to the
      source. For text without markup the view is the text itself.
    """

    min_piece = 40
    normalize_rules: Rules | None = None

    def __call__(self, text: str) -> Doc:
        view = normalize(text, self.normalize_rules)
        doc = self._by_pieces(view.text)
        doc.user_data[TEXT_KEY] = view.text
        if not view.identity:
            doc.user_data[VIEW_KEY] = view
        return doc

    def _by_pieces(self, text: str) -> Doc:
        # inside a memory zone spaCy saves nothing to the cache (the lexemes it would point to are
        # freed with the zone): pieces would only cost the Doc's rebuild, the whole text in one
        # call gives the same tokens (cache look-ups still hit what the warm-up documents saved)
        if self.vocab.in_memory_zone:
            return super().__call__(text)
        # a line of min_piece characters or more is a piece of its own (cached to its end); shorter
        # lines are grouped until the group has min_piece characters (bounded calls per MB)
        cuts = [m.end() for m in _LINE_START.finditer(text)]
        if not cuts:
            return super().__call__(text)
        cuts.append(len(text))
        pieces: list[str] = []
        pos = 0
        for cut, after in itertools.pairwise(cuts):
            if cut - pos >= self.min_piece or after - cut >= self.min_piece:
                pieces.append(text[pos:cut])
                pos = cut
        if not pieces:
            return super().__call__(text)
        pieces.append(text[pos:])
        docs = [super(TextKeepingTokenizer, self).__call__(piece) for piece in pieces]
        rows = np.concatenate([d.to_array([ORTH, SPACY, NORM]) for d in docs if len(d)])
        strings = self.vocab.strings
        doc = Doc(
            self.vocab,
            words=[strings[orth] for orth in rows[:, 0].tolist()],
            spaces=rows[:, 1].astype(bool).tolist(),
        )
        doc.from_array([NORM], rows[:, 2])  # special cases may set a norm ("vs." and so on)
        doc[0].is_sent_start = docs[0][0].is_sent_start  # unset when the text opens with a space
        return doc


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
    tokenizer = TextKeepingTokenizer(
        nlp.vocab,
        exceptions,
        prefix_search=prefix_re.search,
        suffix_search=suffix_re.search,
        infix_finditer=infix_re.finditer,
        token_match=base.token_match,
        url_match=base.url_match,
    )
    tokenizer.normalize_rules = load_rules(rules_dir)
    return tokenizer


def build_nlp(settings: Settings | None = None) -> Language:
    """A fresh pipeline for ``settings``.

    Raises :class:`trialex.ner.NerModelError` (one line) when ``settings.ner_model`` is set but
    cannot be loaded.
    """
    settings = settings or default_settings()
    nlp = spacy.blank("en")
    nlp.max_length = 10**9  # no parser: memory is linear in the text
    rules_dir = str(settings.rules_dir) if settings.rules_dir else None
    with rulebook.using(rules_dir):  # what the build loads: the settings' rules (None: bundled)
        nlp.tokenizer = make_tokenizer(nlp, rules_dir)
        nlp.add_pipe("trialex_sections", config={"rules_dir": rules_dir})
        nlp.add_pipe("trialex_sentences", config={"rules_dir": rules_dir})
        nlp.add_pipe("trialex_abbreviations")
        if settings.ner_model:
            nlp.add_pipe("trialex_ner", config={"model": settings.ner_model})
        nlp.add_pipe("trialex_terms", config={"rules_dir": rules_dir})
        tagger = (settings.tagger_model or "packaged") if settings.tagger else None
        nlp.add_pipe("trialex_records", config={"tagger": tagger, "rules_dir": rules_dir})
    return nlp


def tune_gc() -> None:
    """Make the cyclic garbage collector cheaper for the long-lived pipeline (output unchanged).

    ``gc.freeze()`` moves everything alive now (the pipeline's vocab, tokenizer cache, compiled
    rules, langdetect profiles) to the permanent generation, so full collections no longer walk it
    again and again. The collection thresholds are left alone: raising the gen-0 threshold was a
    few per cent faster but let cyclic garbage (Docs and their extension objects) pile up between
    collections — peak memory grew from 275 to 390 MB over 1,000 documents instead of staying
    flat.

    Called by :func:`get_nlp` after each build, so every entry point (CLI, flows, library) gets it.
    """
    gc.collect()
    gc.freeze()


@functools.lru_cache(maxsize=4)
def _cached(settings_json: str) -> Language:
    nlp = build_nlp(Settings.model_validate_json(settings_json))
    tune_gc()
    return nlp


# one short article touching every lazily loaded resource: both languages' value patterns,
# cues, tables, abbreviations and the language detectors
WARM_UP_TEXT = """Abstract
Results: Complete remission (CR) was achieved in 45% (54/120) of patients; median overall
survival was 8.1 months (95% CI, 6.2-10.0; HR 0.71, P = .01).

| Response | n (%) |
|---|---|
| CR | 54 (45) |

摘要
结果：完全缓解率为45%（54/120），中位总生存期为8.1个月。
"""


def warm_up(nlp: Language) -> None:
    """Run ``nlp`` once on :data:`WARM_UP_TEXT` and load the language detectors, so that the
    one-time costs (rule compilation, langdetect profiles) are paid before timing or serving;
    then freeze what is alive for the garbage collector (:func:`tune_gc`)."""
    from trialex.language import load_models

    load_models()
    nlp(WARM_UP_TEXT)
    tune_gc()


def get_nlp(settings: Settings | None = None) -> Language:
    """The shared pipeline for ``settings`` (built on first use, then reused)."""
    settings = settings or default_settings()
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
