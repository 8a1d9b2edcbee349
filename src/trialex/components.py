"""spaCy factories (names prefixed ``trialex_``): thin wrappers over the library's pure functions.

Order in the pipeline (see :func:`trialex.nlp.build_nlp`): ``trialex_sections`` ->
``trialex_sentences`` -> ``trialex_abbreviations`` -> [``trialex_ner``] -> ``trialex_terms`` ->
``trialex_records``. Every component is stateless per document and loads its resources once
(in its factory), so ``nlp.pipe`` streams without reloading anything.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator

import numpy as np
from scispacy.abbreviation import AbbreviationDetector, filter_matches, find_abbreviation
from spacy.attrs import IS_SPACE, LENGTH, ORTH, SENT_START
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import minibatch

from trialex import rulebook
from trialex._extensions import register_extensions, source_text, text_view
from trialex.extract import extract_records
from trialex.language import document_languages
from trialex.ner import (
    SPANS_KEY,
    TermMatcher,
    load_model,
    load_rules,
    load_text_rules,
    longest_per_label,
    merge_term_spans,
    resolve_abbreviations,
    run_model,
)
from trialex.sections import split_sections

register_extensions()

_CITATION = re.compile(r"[\d,–−-]+")


class SectionsComponent:
    """Sets ``doc._.sections`` (tiling the source text as printed, with kind and language) and
    ``doc._.languages``."""

    def __init__(self, rules_dir: str | None = None) -> None:
        self.rules_dir = rules_dir

    def __call__(self, doc: Doc) -> Doc:
        with rulebook.using(self.rules_dir):  # the section rules of Settings.rules_dir
            sections = split_sections(source_text(doc))
        doc._.sections = sections
        doc._.languages = document_languages(sections)
        return doc


class SentencesComponent:
    """Rule sentence boundaries, linear and vectorised (pysbd is ~0.06 MB/s: too slow).

    A sentence starts: at the first token; after a line break; at a section start; after a
    sentence end (``. ! ? …`` and CJK ``。！？；``) and any closing brackets/quotes that follow
    it and any reference numbers glued to it ("studies.21,25 However"), unless (for a Latin
    ``.``) the next word starts with a lowercase letter. Abbreviations
    ("vs.", "et al.", "e.g.", "i.e.", "Fig.", "approx.") and decimals ("10.4", ".049") are single
    tokens of the tokenizer, so their periods never end a sentence.
    """

    def __init__(self, nlp: Language, rules_dir: str | None = None) -> None:
        rules = load_text_rules(rules_dir)
        self.ends = rules.sentence_ends | rules.cjk_sentence_ends
        self.cjk_ends = rules.cjk_sentence_ends
        self.closers = rules.closers
        strings = nlp.vocab.strings
        self._ends = np.array(sorted(strings.add(t) for t in self.ends), dtype=np.uint64)

    def __call__(self, doc: Doc) -> Doc:
        n = len(doc)
        if n == 0:
            return doc
        starts = np.full(n, -1, dtype=np.int32)
        starts[0] = 1
        attrs = doc.to_array([ORTH, IS_SPACE])
        for i in np.flatnonzero(np.isin(attrs[:, 0], self._ends)).tolist():
            j = self._after_end(doc, i, n)
            if j is not None:
                starts[j] = 1
        for i in np.flatnonzero(attrs[:, 1]).tolist():
            if "\n" in doc[i].text:
                j = i + 1
                while j < n and doc[j].is_space:
                    j += 1
                if j < n:
                    starts[j] = 1
        view = text_view(doc)
        for section in doc._.sections or []:
            start, end = view.to_view(section.start, section.end)
            span = doc.char_span(start, end, alignment_mode="contract")
            if span is not None and len(span) and span.start > 0:
                starts[span.start] = 1
        # a space token never starts a sentence (it belongs to the preceding one)
        starts[1:][attrs[1:, 1].astype(bool)] = -1
        doc.from_array([SENT_START], starts.reshape(-1, 1).astype(np.uint64))
        return doc

    def _after_end(self, doc: Doc, i: int, n: int) -> int | None:
        end = doc[i].text
        j = i + 1
        while j < n and (doc[j].text in self.closers or doc[j].text in self.ends):
            j += 1
        # reference numbers glued to the period stay with their sentence: "studies.21,25 The"
        while j < n and not doc[j - 1].whitespace_ and _CITATION.fullmatch(doc[j].text):
            j += 1
        while j < n and doc[j].is_space and "\n" not in doc[j].text:
            j += 1
        if j >= n:
            return None
        if end in self.cjk_ends:
            return j
        first = doc[j].text[0]
        if first.islower():
            return None
        return j


class AbbreviationsComponent(AbbreviationDetector):
    """scispaCy's abbreviation detector (Schwartz & Hearst) in linear time.

    scispaCy's own matcher pattern ``( any+ )`` yields every pair of parentheses in a document,
    quadratic in their number (0.07 MB/s on a 43 KB article); ``filter_matches`` then drops all
    with more than 8 tokens. Here the candidates are found directly (at most 8 tokens between the
    brackets) and the short forms are re-found with a PhraseMatcher; the scispaCy functions
    ``filter_matches`` and ``find_abbreviation`` decide, so ``doc._.abbreviations`` is the same.
    """

    MAX_INSIDE = 8

    def __init__(self, nlp: Language, name: str = "trialex_abbreviations") -> None:
        super().__init__(nlp, name)
        register_extensions()
        self._open = nlp.vocab.strings.add("(")
        self._close = nlp.vocab.strings.add(")")
        self._key = nlp.vocab.strings.add("parenthesis")

    def _candidates(self, doc: Doc) -> list[tuple[int, int, int]]:
        """The bracket pairs ``filter_matches`` may keep: at most 8 tokens inside, not at the
        start of the document, and a short form whose tokens are 2-9 characters long (the first
        test of scispaCy's ``short_form_filter``, here on an array instead of Span objects)."""
        attrs = doc.to_array([ORTH, LENGTH])
        orth, length = attrs[:, 0], attrs[:, 1]
        # cheap[k]: the length of token k passes; bad_before[k]: tokens < k that fail
        cheap = (length >= 2) & (length < 10)
        bad_before = np.concatenate(([0], np.cumsum(~cheap)))
        opens = np.flatnonzero(orth == self._open)
        closes = np.flatnonzero(orth == self._close)
        lo_all = np.searchsorted(closes, opens + 2)
        hi_all = np.searchsorted(closes, opens + self.MAX_INSIDE + 1, side="right")
        out: list[tuple[int, int, int]] = []
        for i, lo, hi in zip(opens.tolist(), lo_all.tolist(), hi_all.tolist(), strict=True):
            start = i + 1
            if start == 1:
                continue
            for j in closes[lo:hi].tolist():
                if j - start > 3:  # long form inside, short form the word before the bracket
                    if not cheap[start - 2]:
                        continue
                elif bad_before[j] - bad_before[start]:
                    continue
                out.append((self._key, start, j))
        return out

    def __call__(self, doc: Doc) -> Doc:
        filtered = filter_matches(self._candidates(doc), doc)
        found: list[Span] = []
        for long_form, short_forms in self.find_matches_for(filtered, doc):
            for short in sorted(short_forms, key=lambda s: (s.start, s.end)):
                short._.long_form = long_form
                found.append(short)
        doc._.abbreviations = found
        return doc

    def find_matches_for(
        self, filtered: list[tuple[Span, Span]], doc: Doc
    ) -> list[tuple[Span, set[Span]]]:
        rules: dict[str, Span] = {}
        occurrences: dict[Span, set[Span]] = defaultdict(set)
        seen_long: set[str] = set()
        seen_short: set[str] = set()
        matcher = PhraseMatcher(doc.vocab, attr="ORTH")
        for long_candidate, short_candidate in filtered:
            short, long_form = find_abbreviation(long_candidate, short_candidate)
            if long_form is None or long_form.text in seen_long or short.text in seen_short:
                continue
            seen_long.add(long_form.text)
            seen_short.add(short.text)
            occurrences[long_form].add(short)
            rules[long_form.text] = long_form
            matcher.add(long_form.text, [Doc(doc.vocab, words=[t.text for t in short])])
        strings = doc.vocab.strings
        for key, start, end in matcher(doc):
            # Span(...) is doc[start:end] without the slice normalisation (2-3x faster)
            occurrences[rules[strings[key]]].add(Span(doc, start, end))
        return list(occurrences.items())


class NerComponent:
    """Adds a statistical NER pipeline's entities to ``doc.spans["trialex_terms"]``."""

    def __init__(self, model: str, batch_size: int = 16) -> None:
        self.model_name = model
        self.model = load_model(model)  # cached per process; raises NerModelError
        self.batch_size = batch_size

    def _add(self, doc: Doc, spans: list[Span]) -> Doc:
        existing = list(doc.spans[SPANS_KEY]) if SPANS_KEY in doc.spans else []
        doc.spans[SPANS_KEY] = [*existing, *spans]
        return doc

    def __call__(self, doc: Doc) -> Doc:
        return self._add(doc, next(run_model(self.model, [doc], self.model_name, 1)))

    def pipe(self, docs: Iterable[Doc], batch_size: int | None = None) -> Iterator[Doc]:
        for batch in minibatch(docs, size=batch_size or self.batch_size):
            batch = list(batch)
            size = len(batch)
            for doc, spans in zip(
                batch, run_model(self.model, batch, self.model_name, size), strict=True
            ):
                yield self._add(doc, spans)


class TermsComponent:
    """Writes ``doc.spans["trialex_terms"]``: vocabulary, abbreviation and model terms."""

    def __init__(self, nlp: Language, rules_dir: str | None = None) -> None:
        self.matcher = TermMatcher(nlp, load_rules(rules_dir))
        self.rules_dir = rules_dir

    def __call__(self, doc: Doc) -> Doc:
        if self.rules_dir is not None:  # the term context rules of the same folder
            doc.user_data["trialex_rules_dir"] = self.rules_dir
        model = list(doc.spans[SPANS_KEY]) if SPANS_KEY in doc.spans else []
        vocab = longest_per_label(self.matcher(doc))
        known = vocab
        if model:
            known = longest_per_label([*vocab, *((s.start, s.end, s.label_, s.id_) for s in model)])
        abbrev = resolve_abbreviations(doc, known)
        known = self.matcher.known_ids
        doc.spans[SPANS_KEY] = merge_term_spans(doc, vocab, abbrev, model, known)
        return doc


class RecordsComponent:
    """Sets ``doc._.records`` and ``doc._.doc_warnings`` from the rule and NER extractors;
    with ``tagger`` (a model path, or "packaged"), the trained tagger names the arms and outcomes
    the rules leave open (:mod:`trialex.tagger`)."""

    def __init__(self, tagger: str | None = None, rules_dir: str | None = None) -> None:
        self.rules_dir = rules_dir
        self.tagger = None
        if tagger:
            from trialex.tagger import SentenceTagger

            self.tagger = SentenceTagger(None if tagger == "packaged" else tagger)

    def __call__(self, doc: Doc) -> Doc:
        with rulebook.using(self.rules_dir):  # every rule of Settings.rules_dir (trialex.rulebook)
            records, warnings = extract_records(doc, tagger=self.tagger)
        doc._.records = records
        doc._.doc_warnings = warnings
        return doc


@Language.factory("trialex_sections", default_config={"rules_dir": None})
def make_sections(nlp: Language, name: str, rules_dir: str | None) -> SectionsComponent:
    return SectionsComponent(rules_dir)


@Language.factory("trialex_sentences", default_config={"rules_dir": None})
def make_sentences(nlp: Language, name: str, rules_dir: str | None) -> SentencesComponent:
    return SentencesComponent(nlp, rules_dir)


@Language.factory("trialex_abbreviations")
def make_abbreviations(nlp: Language, name: str) -> AbbreviationsComponent:
    return AbbreviationsComponent(nlp, name)


@Language.factory("trialex_ner", default_config={"batch_size": 16})
def make_ner(nlp: Language, name: str, model: str, batch_size: int) -> NerComponent:
    return NerComponent(model, batch_size)


@Language.factory("trialex_terms", default_config={"rules_dir": None})
def make_terms(nlp: Language, name: str, rules_dir: str | None) -> TermsComponent:
    return TermsComponent(nlp, rules_dir)


@Language.factory("trialex_records", default_config={"tagger": None, "rules_dir": None})
def make_records(
    nlp: Language, name: str, tagger: str | None, rules_dir: str | None
) -> RecordsComponent:
    return RecordsComponent(tagger, rules_dir)
