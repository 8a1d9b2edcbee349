"""Named entities of trialex: vocabulary terms, abbreviation resolution and a pluggable model.

Everything lands in ``doc.spans["trialex_terms"]`` (:data:`SPANS_KEY`) with a label

* ``ENDPOINT`` (``span.id_`` and ``span._.endpoint`` = endpoint code) from
  ``resources/endpoints.json`` (owned by extraction) and the adverse-event terminology
  ``resources/ctcae.json`` (NCI CTCAE v5.0 terms with their MedDRA system organ class, synonyms
  in English and Chinese, and the guideline code each maps to, :func:`ctcae_entries`),
* ``POPULATION`` (arms, subgroups), ``DRUG``, ``DISEASE`` (``span.id_`` = term id) from
  ``resources/{en,zh}/terms.jsonl``,

and ``span._.source``: ``"vocab"`` (vocabulary), ``"abbrev"`` (a short form defined in the same
document whose long form is a term, e.g. "extramedullary disease (EMD)" makes every "EMD" a
DISEASE) or ``"model:<name>"`` (a statistical NER pipeline).

Vocabulary phrases match case-insensitively on token boundaries (the tokenizer splits every
CJK character, so Chinese phrases match token by token too), except short abbreviations (at
most 8 characters, at least two capitals: "ALL", "CR/CRh", "Ph+ ALL"), the Chinese terms of
``endpoints.json`` and rules with ``"case_sensitive": true``, which match exactly. ``regex``
rules ("patients aged ≥50 years") match on the text from a word start, all rules in one scan,
and are snapped outward to token boundaries. Within one label, overlapping vocabulary spans
keep the longest (then the earliest); spans of different labels may overlap; model spans are
kept as the model gave them unless a vocabulary span has the same offsets.

Statistical NER (``Settings.ner_model``): any spaCy/scispaCy pipeline name or path
(``en_core_sci_sm``, ``en_ner_bc5cdr_md``, ``/models/my_ner``). It is loaded once per process
(:func:`load_model`) and run on the same text; its entities are snapped to our tokens, labels
mapped by :data:`MODEL_LABELS` (CHEMICAL -> DRUG, DISEASE -> DISEASE, others kept as they are;
``span.id_`` is the lowercased entity text). An entity labelled with an endpoint code ("OS",
"ORR", a model trained on trialex's codes) becomes an ENDPOINT span with that code, which the
record extractor reports as ``extractor="rules+ner:<name>"``.
A model that cannot be loaded is a configuration error: building the pipeline raises
:class:`NerModelError` with a one-line message (no silent fallback: a user who asked for a model
must not get rule-only output without noticing).

Term context (``resources/<lang>/term_context.json``, :func:`load_term_context`): rules that
declare their effect on the endpoint terms of a document (ConText-style, one generic engine in
:func:`apply_term_context`): ``drop`` a term whose scope matches a pattern (a survey's response
rate is no ORR, "simulation runs" are no deaths), ``recode`` it to another code with a label
(an antiemetic "complete response" is ``other``), keep an abbreviation ``defined_only`` where
the document defines it ("treatment-free survival (TFS)"), or drop one the document
``defined_otherwise`` ("cardiac rehabilitation (CR)": no "CR" of that document is a remission).
"""

from __future__ import annotations

import functools
import json
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import spacy
from spacy.attrs import IDX, LENGTH
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span

from trialex import rulebook
from trialex._extensions import doc_text
from trialex.errors import TrialexError
from trialex.extract.rules import Term as EndpointTerm
from trialex.records import ENDPOINTS
from trialex.regex import compile_guarded, first_char_class, guarded
from trialex.rulebook import RuleError

logger = logging.getLogger(__name__)

SPANS_KEY = "trialex_terms"
LABELS: tuple[str, ...] = ("ENDPOINT", "POPULATION", "DRUG", "DISEASE")
VOCAB_LABELS: tuple[str, ...] = ("POPULATION", "DRUG", "DISEASE")
TERM_LANGUAGES: tuple[str, ...] = rulebook.LANGUAGES  # the language folders of the rules
MODEL_LABELS: dict[str, str] = {"CHEMICAL": "DRUG", "DISEASE": "DISEASE"}

_TERM_KEYS = {"id", "label", "code", "phrases", "regex", "case_sensitive", "examples", "note"}
_REQUIRED_KEYS = {"id", "label", "examples"}
_EXAMPLE_KEYS = {"match", "no_match"}


# a vocabulary file that breaks its format: the one rule error (one line naming the file)
RulesError = RuleError


class NerModelError(TrialexError):
    """``Settings.ner_model`` names a pipeline that cannot be loaded (one-line message)."""


@dataclass(frozen=True)
class TermRule:
    """One vocabulary entry: literal phrases and/or regexes that produce spans of one label."""

    id: str
    label: str
    phrases: tuple[str, ...] = ()
    regex: tuple[str, ...] = ()
    case_sensitive: bool | None = None  # None: decide per phrase (see is_abbreviation)
    examples: dict[str, list[str]] = field(default_factory=dict)
    span_id: str = ""  # span.id_ (the endpoint code for ENDPOINT, else the id)
    language: str = "en"


def is_abbreviation(phrase: str) -> bool:
    """Short all-caps-like phrases match case-sensitively ("ALL" is not "all")."""
    letters = [c for c in phrase if c.isalpha()]
    return bool(letters) and len(phrase) <= 8 and sum(c.isupper() for c in letters) >= 2


def resources_dir(rules_dir: str | Path | None = None) -> Path:
    """``rules_dir`` (Settings.rules_dir, same layout), else the rules folder in force, else
    the bundled ``trialex/resources`` (:mod:`trialex.rulebook`; a file a rules folder lacks is
    read from the bundled folder)."""
    key = rulebook.rules_key(rules_dir)
    return Path(key) if key is not None else rulebook.BUNDLED


def _fail(where: str, reason: str) -> RulesError:
    return RulesError(f"{where}: {reason}")


def _string_list(value: Any, where: str, key: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise _fail(where, f"{key!r} must be a list of non-empty strings")
    return tuple(value)


def _examples(value: Any, where: str) -> dict[str, list[str]]:
    if not isinstance(value, dict) or set(value) - _EXAMPLE_KEYS:
        raise _fail(where, f"'examples' must be an object with keys {sorted(_EXAMPLE_KEYS)}")
    return {k: list(_string_list(value.get(k, []), where, f"examples.{k}")) for k in _EXAMPLE_KEYS}


def parse_terms(lines: Iterable[str], source: str, language: str) -> list[TermRule]:
    """Validate one ``terms.jsonl`` (one JSON object per line; blank lines allowed)."""
    rules: list[TermRule] = []
    seen: set[str] = set()
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{source}:{number}"
        try:
            entry = json.loads(line)
        except json.JSONDecodeError as error:
            raise _fail(where, f"invalid JSON ({error.msg})") from None
        if not isinstance(entry, dict):
            raise _fail(where, "a line must be a JSON object")
        if unknown := set(entry) - _TERM_KEYS:
            raise _fail(where, f"unknown keys {sorted(unknown)}")
        if missing := _REQUIRED_KEYS - set(entry):
            raise _fail(where, f"missing keys {sorted(missing)}")
        term_id = entry["id"]
        if not isinstance(term_id, str) or not re.fullmatch(r"[a-z0-9][a-z0-9_.+-]*", term_id):
            raise _fail(where, f"bad id {term_id!r} (lowercase letters, digits, _ . + -)")
        if term_id in seen:
            raise _fail(where, f"duplicate id {term_id!r}")
        seen.add(term_id)
        # an ENDPOINT entry names its endpoint code (the phrasing of one language, e.g. the
        # Chinese of the field, kept with that language's vocabulary)
        code = entry.get("code")
        if entry["label"] == "ENDPOINT":
            if code not in ENDPOINTS:
                raise _fail(where, f"{term_id}: ENDPOINT needs a known 'code', not {code!r}")
        elif entry["label"] not in VOCAB_LABELS:
            raise _fail(where, f"{term_id}: label must be one of {list(VOCAB_LABELS)}")
        elif code is not None:
            raise _fail(where, f"{term_id}: 'code' is for ENDPOINT entries only")
        phrases = _string_list(entry.get("phrases", []), where, "phrases")
        regexes = _string_list(entry.get("regex", []), where, "regex")
        if not phrases and not regexes:
            raise _fail(where, f"{term_id}: needs 'phrases' or 'regex'")
        for pattern in regexes:
            try:
                re.compile(pattern)
            except re.error as error:
                raise _fail(where, f"{term_id}: bad regex ({error})") from None
        case_sensitive = entry.get("case_sensitive")
        if case_sensitive is not None and not isinstance(case_sensitive, bool):
            raise _fail(where, f"{term_id}: 'case_sensitive' must be true or false")
        rules.append(
            TermRule(
                id=term_id,
                label=entry["label"],
                phrases=phrases,
                regex=regexes,
                case_sensitive=case_sensitive,
                examples=_examples(entry["examples"], where),
                span_id=str(code) if code is not None else term_id,
                language=language,
            )
        )
    return rules


def load_terms(path: Path, language: str) -> list[TermRule]:
    if not path.is_file():
        raise RulesError(f"{path}: vocabulary file not found")
    return parse_terms(rulebook.read(path).splitlines(), str(path), language)


def parse_endpoint_terms(data: Any, source: str) -> list[TermRule]:
    """ENDPOINT rules from ``endpoints.json`` (format owned by extraction; only the parts used
    here are checked: ``id``, ``code`` and ``terms: {"en": [...], "zh": [...]}``)."""
    if not isinstance(data, dict) or not isinstance(data.get("endpoints"), list):
        raise _fail(source, "expected an object with an 'endpoints' list")
    rules: list[TermRule] = []
    seen: set[str] = set()
    for index, entry in enumerate(data["endpoints"]):
        where = f"{source}: endpoints[{index}]"
        if not isinstance(entry, dict) or not {"id", "code", "terms"} <= set(entry):
            raise _fail(where, "needs 'id', 'code' and 'terms'")
        if entry["id"] in seen:
            raise _fail(where, f"duplicate id {entry['id']!r}")
        seen.add(entry["id"])
        terms = entry["terms"]
        if not isinstance(terms, dict) or set(terms) - set(TERM_LANGUAGES):
            raise _fail(where, f"'terms' must map {list(TERM_LANGUAGES)} to phrase lists")
        for language, phrases in terms.items():
            rules.append(
                TermRule(
                    id=f"{entry['id']}.{language}",
                    label="ENDPOINT",
                    phrases=_string_list(phrases, where, f"terms.{language}"),
                    case_sensitive=True if language == "zh" else None,
                    examples=dict(entry.get("examples") or {}),
                    span_id=str(entry["code"]),
                    language=language,
                )
            )
    return rules


CTCAE_FILE = "ctcae.json"
_CTCAE_KEYS = {"version", "source", "licence", "note", "soc_codes", "terms"}
_CTCAE_TERM_KEYS = {"id", "term", "soc", "code", "synonyms", "examples", "note"}


def ctcae_entries(
    base: str | Path | None, existing: list[dict[str, Any]] | None = None
) -> list[dict[str, Any]]:
    """The CTCAE terms of ``base/ctcae.json`` (``base``: a rules folder, None: the one in
    force; a folder without the file reads the bundled one) as ``endpoints.json`` entries.

    Each term's code is its own ``code``, else its system organ class's (``soc_codes``, e.g.
    infections are ``other``), else ``adverse_events``. A phrase that ``existing`` (the entries
    of ``endpoints.json``) already lists keeps its code there. No file, no entries.
    """
    path = rulebook.resolve(CTCAE_FILE, rules_dir=base)
    if not path.is_file():
        return []
    where = str(path)
    data = rulebook.parse_json(rulebook.read(path), where)
    if not isinstance(data, dict) or (unknown := set(data) - _CTCAE_KEYS):
        raise _fail(where, "unknown keys" + (f" {sorted(unknown)}" if unknown else ""))
    taken = {
        phrase.lower()
        for entry in existing or []
        for phrases in entry.get("terms", {}).values()
        for phrase in phrases
    }
    soc_codes = data.get("soc_codes", {})
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for index, term in enumerate(data.get("terms", [])):
        at = f"{where}: terms[{index}]"
        if not isinstance(term, dict) or (unknown := set(term) - _CTCAE_TERM_KEYS):
            raise _fail(at, "unknown keys" + (f" {sorted(unknown)}" if unknown else ""))
        if not {"id", "term", "soc"} <= set(term):
            raise _fail(at, "needs 'id', 'term' and 'soc'")
        if term["id"] in seen:
            raise _fail(at, f"duplicate id {term['id']!r}")
        seen.add(term["id"])
        if term["soc"] not in soc_codes:
            raise _fail(at, f"{term['id']}: system organ class {term['soc']!r} not in soc_codes")
        code = term.get("code") or soc_codes[term["soc"]] or "adverse_events"
        if code not in ENDPOINTS:
            raise _fail(at, f"{term['id']}: unknown code {code!r}")
        synonyms = term.get("synonyms", {})
        if not isinstance(synonyms, dict) or set(synonyms) - set(TERM_LANGUAGES):
            raise _fail(at, f"'synonyms' must map {list(TERM_LANGUAGES)} to phrase lists")
        terms: dict[str, list[str]] = {}
        for language in TERM_LANGUAGES:
            phrases = list(_string_list(synonyms.get(language, []), at, f"synonyms.{language}"))
            if language == "en":
                phrases.insert(0, term["term"])
            kept = [p for p in dict.fromkeys(phrases) if p.lower() not in taken]
            if kept:
                terms[language] = kept
        if not terms:
            continue
        out.append(
            {
                "id": f"ctcae.{term['id']}",
                "code": code,
                "terms": terms,
                "examples": _examples(term.get("examples", {}), at),
            }
        )
    return out


def load_rules(rules_dir: str | Path | None = None) -> list[TermRule]:
    """All term rules: endpoint terms (if ``endpoints.json`` exists, plus the CTCAE terms of
    ``ctcae.json``) and both vocabularies.

    Term ids are unique per file; the same id in ``en`` and ``zh`` is the same concept (so
    "blinatumomab" and "贝林妥欧单抗" share ``span.id_``) and must keep the same label.
    """
    key = rulebook.rules_key(rules_dir)
    with rulebook.using(key):  # codes are checked against the registry of the same folder
        rules: list[TermRule] = []
        endpoints = rulebook.resolve("endpoints.json")
        data = rulebook.load_json("endpoints.json")
        rules.extend(parse_endpoint_terms(data, str(endpoints)))
        extra = ctcae_entries(key, data.get("endpoints", []))
        if extra:
            where = str(rulebook.resolve(CTCAE_FILE))
            rules.extend(parse_endpoint_terms({"endpoints": extra}, where))
        labels: dict[str, str] = {}
        for language in TERM_LANGUAGES:
            path = rulebook.resolve("terms.jsonl", language)
            for rule in load_terms(path, language):
                if labels.setdefault(rule.id, rule.label) != rule.label:
                    raise RulesError(
                        f"{path}: {rule.id}: label {rule.label} differs "
                        f"from {labels[rule.id]} in another language"
                    )
                rules.append(rule)
    return rules


TOKENIZER_FILE = "tokenizer.json"
_TOKENIZER_KEYS = {"version", "defs", "rules", "exceptions", "sentences"}
_TOKENIZER_RULE_KEYS = {"id", "kind", "pattern", "note", "examples"}
_SENTENCE_KEYS = {"ends", "cjk_ends", "closers"}
TOKENIZER_KINDS: tuple[str, ...] = ("prefix", "suffix", "infix")


@dataclass(frozen=True)
class TokenizerRule:
    id: str
    kind: str  # prefix | suffix | infix
    pattern: str  # with the ``defs`` substituted, not yet anchored
    examples: dict[str, list[str]]

    def anchored(self) -> str:
        """The pattern as the tokenizer uses it (prefixes at the start, suffixes at the end)."""
        if self.kind == "prefix":
            return f"^(?:{self.pattern})"
        if self.kind == "suffix":
            return f"(?:{self.pattern})$"
        return self.pattern


@dataclass(frozen=True)
class TextRules:
    """``resources/tokenizer.json``: tokenizer additions and sentence-boundary characters."""

    rules: tuple[TokenizerRule, ...]
    exceptions: tuple[str, ...]  # tokens whose final period never ends a sentence ("vs.")
    sentence_ends: frozenset[str]
    cjk_sentence_ends: frozenset[str]  # end a sentence whatever follows
    closers: frozenset[str]  # brackets/quotes that stay with the sentence they close

    def patterns(self, kind: str) -> list[str]:
        return [r.anchored() for r in self.rules if r.kind == kind]


def parse_text_rules(data: Any, source: str) -> TextRules:
    """Validate ``tokenizer.json`` (unknown keys, duplicate ids, bad kinds and regexes)."""
    if not isinstance(data, dict) or (unknown := set(data) - _TOKENIZER_KEYS):
        raise _fail(source, f"unknown keys {sorted(unknown) if isinstance(data, dict) else data}")
    defs = data.get("defs", {})
    if not isinstance(defs, dict) or not all(isinstance(v, str) for v in defs.values()):
        raise _fail(source, "'defs' must map names to strings")
    rules: list[TokenizerRule] = []
    seen: set[str] = set()
    for index, entry in enumerate(data.get("rules", [])):
        where = f"{source}: rules[{index}]"
        if not isinstance(entry, dict) or (unknown := set(entry) - _TOKENIZER_RULE_KEYS):
            raise _fail(where, "unknown keys" + (f" {sorted(unknown)}" if unknown else ""))
        if not {"id", "kind", "pattern"} <= set(entry):
            raise _fail(where, "needs 'id', 'kind' and 'pattern'")
        if entry["id"] in seen:
            raise _fail(where, f"duplicate id {entry['id']!r}")
        seen.add(entry["id"])
        if entry["kind"] not in TOKENIZER_KINDS:
            raise _fail(where, f"kind must be one of {list(TOKENIZER_KINDS)}")
        pattern = str(entry["pattern"])
        for name, value in defs.items():
            pattern = pattern.replace("{" + name + "}", value)
        try:
            re.compile(pattern)
        except re.error as error:
            raise _fail(where, f"{entry['id']}: bad regex ({error})") from None
        examples = _examples(entry.get("examples", {}), where)
        rules.append(TokenizerRule(entry["id"], entry["kind"], pattern, examples))
    sentences = data.get("sentences", {})
    if not isinstance(sentences, dict) or (unknown := set(sentences) - _SENTENCE_KEYS):
        raise _fail(source, "'sentences' must hold only " + str(sorted(_SENTENCE_KEYS)))
    return TextRules(
        rules=tuple(rules),
        exceptions=_string_list(data.get("exceptions", []), source, "exceptions"),
        sentence_ends=frozenset(_string_list(sentences.get("ends", []), source, "ends")),
        cjk_sentence_ends=frozenset(
            _string_list(sentences.get("cjk_ends", []), source, "cjk_ends")
        ),
        closers=frozenset(_string_list(sentences.get("closers", []), source, "closers")),
    )


def load_text_rules(rules_dir: str | None = None) -> TextRules:
    """``tokenizer.json`` of ``rules_dir``, or the bundled one when that folder has none."""
    return _text_rules(rulebook.rules_key(rules_dir))


@functools.lru_cache(maxsize=8)
def _text_rules(key: str | None) -> TextRules:
    path = rulebook.resolve(TOKENIZER_FILE, rules_dir=key)
    with rulebook.parsing(str(path)):
        return parse_text_rules(rulebook.load_json(TOKENIZER_FILE, rules_dir=key), str(path))


Term = tuple[int, int, str, str]  # (start token, end token, label, span id)


class TermMatcher:
    """Compiled vocabulary: token phrase matchers (LOWER / ORTH) plus snapped regexes."""

    def __init__(self, nlp: Language, rules: Iterable[TermRule]) -> None:
        self.rules = list(rules)
        self._lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        self._orth = PhraseMatcher(nlp.vocab, attr="ORTH")
        self._key: dict[int, tuple[str, str]] = {}  # match key -> (label, span id)
        regexes: dict[bool, list[tuple[str, str, str]]] = {True: [], False: []}
        # (label, lowercased phrase) -> span id, to give model entities the vocabulary's ids
        self.known_ids: dict[tuple[str, str], str] = {}
        for index, rule in enumerate(self.rules):
            for phrase in rule.phrases:
                self.known_ids.setdefault((rule.label, phrase.lower()), rule.span_id)
            key = f"{index}:{rule.id}"
            self._key[nlp.vocab.strings.add(key)] = (rule.label, rule.span_id)
            exact = [p for p in rule.phrases if self._exact(rule, p)]
            folded = [p for p in rule.phrases if not self._exact(rule, p)]
            if exact:
                self._orth.add(key, list(nlp.tokenizer.pipe(exact)))
            if folded:
                self._lower.add(key, list(nlp.tokenizer.pipe(folded)))
            for pattern in rule.regex:
                regexes[bool(rule.case_sensitive)].append((pattern, rule.label, rule.span_id))
        # rules whose first character is bounded share one guarded scan (see trialex.regex);
        # the others ("<any word> arm") one plain scan, so they do not unguard the rest
        self._regexes = []
        for exact, items in regexes.items():
            flags = 0 if exact else re.IGNORECASE
            bounded: list[tuple[str, str, str]] = []
            broad: list[tuple[str, str, str]] = []
            for item in items:  # one parse per rule
                (broad if first_char_class(item[0], flags) is None else bounded).append(item)
            self._regexes.extend(combine_regexes(part, flags) for part in (bounded, broad) if part)

    @staticmethod
    def _exact(rule: TermRule, phrase: str) -> bool:
        if rule.case_sensitive is not None:
            return rule.case_sensitive
        return is_abbreviation(phrase)

    def __call__(self, doc: Doc) -> list[Term]:
        """``(start, end, label, span id)`` of every match (overlaps included)."""
        spans: list[Term] = []
        for matcher in (self._lower, self._orth):
            for key, start, end in matcher(doc):
                spans.append((start, end, *self._key[key]))
        if self._regexes and len(doc):
            text = doc_text(doc)
            bounds = TokenBounds(doc)
            for regex, owners in self._regexes:
                for m in regex.finditer(text):
                    label, span_id = owners[m.lastindex or 0]
                    start, end = bounds.expand(m.start(), m.end())
                    if end > start:
                        spans.append((start, end, label, span_id))
        return spans


def combine_regexes(
    items: list[tuple[str, str, str]], flags: int
) -> tuple[re.Pattern[str], dict[int, tuple[str, str]]]:
    """One alternation for many ``(pattern, label, span_id)`` rules, scanned once.

    A match starts at a word start (not inside a Latin word or number), and at a character
    some rule can start with (:func:`trialex.regex.compile_guarded`): that lets the engine
    skip most positions, and is 2-3x faster than one scan per rule. Where two rules match at
    the same position, the first listed wins. Returns the regex and group index -> owner.
    """
    parts: list[str] = []
    owners: dict[int, tuple[str, str]] = {}
    group = 1
    for pattern, label, span_id in items:
        owners[group] = (label, span_id)
        parts.append(f"({guarded(pattern, flags)})")  # each rule fails fast on its own too
        group += 1 + re.compile(pattern).groups
    return compile_guarded(r"(?<![A-Za-z0-9])(?:" + "|".join(parts) + ")", flags), owners


class TokenBounds:
    """Character offsets -> token indices (``alignment_mode="expand"``) by binary search.

    ``Doc.char_span`` walks the tokens on every call; this is linear once, then logarithmic.
    """

    def __init__(self, doc: Doc) -> None:
        self.starts = doc.to_array(IDX).astype(np.int64)
        lengths = doc.to_array(LENGTH).astype(np.int64)
        self.ends = self.starts + lengths

    def expand(self, start_char: int, end_char: int) -> tuple[int, int]:
        """The smallest token range covering ``[start_char, end_char)`` (empty if none)."""
        first = int(np.searchsorted(self.ends, start_char, side="right"))
        last = int(np.searchsorted(self.starts, end_char, side="left"))
        return first, max(first, last)


def longest_per_label(terms: Iterable[Term]) -> list[Term]:
    """Within each label, drop terms overlapping a longer (or equally long, earlier) one."""
    kept: list[Term] = []
    occupied: dict[str, set[int]] = {}
    for term in sorted(set(terms), key=lambda t: (t[0] - t[1], t[0], t[3])):
        start, end, label, _ = term
        taken = occupied.setdefault(label, set())
        tokens = range(start, end)
        if not taken.isdisjoint(tokens):
            continue
        taken.update(tokens)
        kept.append(term)
    return kept


def resolve_abbreviations(doc: Doc, terms: list[Term]) -> list[Term]:
    """Terms for short forms whose long form (defined in ``doc``) is, or ends with, a term.

    "Extramedullary disease (EMD)" with the DISEASE term "extramedullary disease" makes every
    "EMD" of the document a DISEASE term with the same id (source "abbrev"). The term must end
    where the long form ends and cover at least half of it ("disease" alone is not enough).
    """
    abbreviations = doc._.abbreviations or []
    if not abbreviations:
        return []
    by_end: dict[int, list[Term]] = {}
    for term in terms:
        by_end.setdefault(term[1], []).append(term)
    term_of_long: dict[tuple[int, int], Term | None] = {}
    out: list[Term] = []
    for short in abbreviations:
        long_form = short._.long_form
        if not isinstance(long_form, Span):
            continue
        key = (long_form.start, long_form.end)
        if key not in term_of_long:
            candidates = [
                t
                for t in by_end.get(long_form.end, [])
                if t[0] >= long_form.start and 2 * (t[1] - t[0]) >= len(long_form)
            ]
            term_of_long[key] = min(candidates) if candidates else None
        found = term_of_long[key]
        if found is not None and not (short.start >= found[0] and short.end <= found[1]):
            out.append((short.start, short.end, found[2], found[3]))
    return out


def merge_term_spans(
    doc: Doc,
    vocab: list[Term],
    abbrev: list[Term],
    model: list[Span],
    known_ids: dict[tuple[str, str], str] | None = None,
) -> list[Span]:
    """One span group: vocabulary first, then abbreviation and model terms not already there.

    ``vocab`` is already reduced by :func:`longest_per_label`.

    Sets ``span._.source`` (and ``span._.endpoint`` on ENDPOINT spans). spaCy keys span
    extension values by character offsets, so a later term at the exact offsets of an earlier
    one is dropped; an abbreviation term must not overlap a vocabulary term of its label.
    A model span whose (label, lowercased text) is a vocabulary phrase takes that term's id
    (``known_ids``), so "Blincyto" from a model and from the vocabulary share "blinatumomab".
    """
    known_ids = known_ids or {}
    kept: list[tuple[Term, str]] = [(t, "vocab") for t in vocab]
    taken_offsets = {(t[0], t[1]) for t, _ in kept}
    occupied: dict[str, set[int]] = {}
    for (start, end, label, _), _source in kept:
        occupied.setdefault(label, set()).update(range(start, end))
    extra = [t for t in abbrev if (t[0], t[1]) not in taken_offsets]
    for term in longest_per_label(extra):
        if occupied.get(term[2], set()).isdisjoint(range(term[0], term[1])):
            kept.append((term, "abbrev"))
            taken_offsets.add((term[0], term[1]))
    for span in model:
        if (span.start, span.end) in taken_offsets:
            continue
        span_id = known_ids.get((span.label_, span.text.lower()), span.id_)
        kept.append(((span.start, span.end, span.label_, span_id), str(span._.source or "model")))
        taken_offsets.add((span.start, span.end))
    kept.sort(key=lambda item: (item[0][0], -item[0][1], item[0][2]))
    out: list[Span] = []
    add = doc.vocab.strings.add
    for (start, end, label, span_id), source in kept:
        span = Span(doc, start, end, label=add(label), span_id=add(span_id))
        underscore = span._
        underscore.source = source
        if label == "ENDPOINT":
            underscore.endpoint = span_id
        out.append(span)
    return out


def terms_between(
    doc: Doc, start_char: int, end_char: int, labels: Iterable[str] = VOCAB_LABELS
) -> list[Span]:
    """The term spans of ``doc`` lying inside ``[start_char, end_char)`` with one of ``labels``,
    in text order: e.g. the POPULATION and DRUG mentions of a record's sentence, for its group.
    """
    if SPANS_KEY not in doc.spans:
        return []
    wanted = set(labels)
    return [
        span
        for span in doc.spans[SPANS_KEY]
        if span.label_ in wanted and span.start_char >= start_char and span.end_char <= end_char
    ]


# --- term context ----------------------------------------------------------------------------

TERM_CONTEXT_FILE = "term_context.json"
CONTEXT_EFFECTS: tuple[str, ...] = ("drop", "recode", "defined_only", "defined_otherwise")
CONTEXT_SCOPES: tuple[str, ...] = ("sentence", "before", "after", "document", "document_absent")
_CONTEXT_KEYS = {
    "id",
    "codes",
    "terms",
    "term_pattern",
    "effect",
    "scope",
    "window",
    "pattern",
    "code",
    "label",
    "examples",
    "note",
}
_SENTENCE_BREAK = re.compile(r"[.!?。！？；;]\s|\n")


@dataclass(frozen=True)
class ContextRule:
    """One term context rule: which terms (codes, optionally exact texts), where to look
    (``scope``: the term's sentence, ``window`` characters before/after it, or the whole
    document), what to look for (``pattern``) and the ``effect``."""

    id: str
    codes: frozenset[str]
    effect: str
    terms: frozenset[str] = frozenset()
    term_pattern: re.Pattern[str] | None = None  # the term as printed must match it
    scope: str = "sentence"
    window: int = 40
    pattern: re.Pattern[str] | None = None
    code: str | None = None  # recode: the new code
    label: str | None = None  # recode: the label, "{term}" is the term as printed
    examples: dict[str, list[str]] = field(default_factory=dict)


def parse_term_context(data: Any, source: str) -> list[ContextRule]:
    """Validate one ``term_context.json`` (unknown keys, duplicate ids, effects, codes)."""
    if not isinstance(data, dict) or set(data) - {"version", "note", "rules"}:
        raise _fail(source, "expected an object with 'version' and 'rules'")
    rules: list[ContextRule] = []
    seen: set[str] = set()
    for index, entry in enumerate(data.get("rules", [])):
        where = f"{source}: rules[{index}]"
        if not isinstance(entry, dict) or (unknown := set(entry) - _CONTEXT_KEYS):
            raise _fail(where, "unknown keys" + (f" {sorted(unknown)}" if unknown else ""))
        if not {"id", "codes", "effect", "examples"} <= set(entry):
            raise _fail(where, "needs 'id', 'codes', 'effect' and 'examples'")
        if entry["id"] in seen:
            raise _fail(where, f"duplicate id {entry['id']!r}")
        seen.add(entry["id"])
        codes = _string_list(entry["codes"], where, "codes")
        if unknown_codes := set(codes) - set(ENDPOINTS):
            raise _fail(where, f"unknown codes {sorted(unknown_codes)}")
        effect = entry["effect"]
        if effect not in CONTEXT_EFFECTS:
            raise _fail(where, f"effect must be one of {list(CONTEXT_EFFECTS)}")
        scope = entry.get("scope", "sentence")
        if scope not in CONTEXT_SCOPES:
            raise _fail(where, f"scope must be one of {list(CONTEXT_SCOPES)}")
        pattern = entry.get("pattern")
        if effect not in ("defined_only", "defined_otherwise") and not isinstance(pattern, str):
            raise _fail(where, f"{entry['id']}: effect {effect!r} needs a 'pattern'")
        if effect == "recode" and entry.get("code") not in ENDPOINTS:
            raise _fail(where, f"{entry['id']}: recode needs a known 'code'")
        if effect == "defined_only" and not entry.get("terms"):
            raise _fail(where, f"{entry['id']}: defined_only needs its 'terms'")
        try:
            compiled = compile_guarded(pattern) if isinstance(pattern, str) else None
            term_pattern = entry.get("term_pattern")
            term_regex = re.compile(term_pattern) if isinstance(term_pattern, str) else None
        except re.error as error:
            raise _fail(where, f"{entry['id']}: bad regex ({error})") from None
        rules.append(
            ContextRule(
                id=entry["id"],
                codes=frozenset(codes),
                effect=effect,
                terms=frozenset(_string_list(entry.get("terms", []), where, "terms")),
                term_pattern=term_regex,
                scope=scope,
                window=int(entry.get("window", 40)),
                pattern=compiled,
                code=entry.get("code"),
                label=entry.get("label"),
                examples=_examples(entry["examples"], where),
            )
        )
    return rules


def load_term_context(rules_dir: str | None = None) -> tuple[ContextRule, ...]:
    """The context rules of every language folder of ``rules_dir`` (or the bundled ones)."""
    return _term_context(rulebook.rules_key(rules_dir))


@functools.lru_cache(maxsize=8)
def _term_context(key: str | None) -> tuple[ContextRule, ...]:
    rules: list[ContextRule] = []
    with rulebook.using(key):  # codes are checked against the registry of the same folder
        for language in TERM_LANGUAGES:
            path = rulebook.resolve(TERM_CONTEXT_FILE, language)
            if path.is_file():
                with rulebook.parsing(str(path)):
                    data = rulebook.load_json(TERM_CONTEXT_FILE, language)
                    rules.extend(parse_term_context(data, str(path)))
    return tuple(rules)


def _sentence_of(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence around ``[start, end)`` (at most 400 characters each way)."""
    lo = max(0, start - 400)
    breaks = [m.end() for m in _SENTENCE_BREAK.finditer(text, lo, start)]
    lo = breaks[-1] if breaks else lo
    nxt = _SENTENCE_BREAK.search(text, end, min(len(text), end + 400))
    return lo, nxt.start() + 1 if nxt else min(len(text), end + 400)


def _long_form_start(text: str, open_at: int, short: str) -> int | None:
    """Where the long form of "long form (SHORT)" starts: the nearest of the words before the
    bracket from which the letters of ``short`` follow in order, starting with its first
    letter's word ("cardiac rehabilitation (CR)"); None if the words do not spell it."""
    letters = [c.lower() for c in short if c.isalpha()]
    if not letters:
        return None
    words = list(re.finditer(r"[A-Za-z][\w'-]*", text[max(0, open_at - 120) : open_at]))
    base = max(0, open_at - 120)
    for k in range(len(words) - 1, max(-1, len(words) - len(letters) - 3), -1):
        if words[k].group(0)[0].lower() != letters[0]:
            continue
        chars = iter(text[base + words[k].start() : open_at].lower())
        if all(letter in chars for letter in letters):
            return base + words[k].start()
    return None


def _definitions(text: str, terms: list[EndpointTerm], short: str) -> tuple[int, int]:
    """How often the document defines the abbreviation ``short`` in brackets ("long form
    (SHORT)", "SHORT (long form)"), and how often by a long form that is (or holds) an
    endpoint term of any code ("a marrow CR without count recovery
    (CRi)" is a definition of the field, "cardiac rehabilitation (CR)" is not)."""
    escaped = re.escape(short)
    found: list[tuple[int, int]] = []

    def spans() -> list[tuple[int, int]]:  # built at the first definition (most forms have none)
        if not found:
            found.extend((t.start, t.end) for t in terms if text[t.start : t.end] != short)
            found.append((-1, -1))  # built, even when empty (contains no long form)
        return found

    total = by_field = 0
    for m in re.finditer(rf"\(\s?{escaped}\s?[),;]", text):
        lo = _long_form_start(text, m.start(), short)
        if lo is None:
            continue  # not a definition ("28 CRs (34.1%)", "(CR) in 5")
        total += 1
        by_field += any(lo <= s and e <= m.start() + 1 for s, e in spans())
    # the edge before the short form is tested after it (same matches): a literal-led pattern
    # lets the engine jump to its occurrences instead of trying the lookbehind everywhere
    after_short = rf"{escaped}(?<![A-Za-z0-9]{escaped})\s?\((?=[A-Za-z][^()]{{3,}}\))"
    for m in re.finditer(after_short, text):
        close = text.find(")", m.end())
        inside = text[m.end() : close]
        initials = "".join(w[0].lower() for w in re.findall(r"[A-Za-z][\w'-]*", inside))
        if not initials.startswith(short[0].lower()):
            continue
        total += 1
        by_field += any(m.end() <= s and e <= close for s, e in spans())
    return total, by_field


def apply_term_context(
    text: str, terms: list[EndpointTerm], rules: Iterable[ContextRule]
) -> list[EndpointTerm]:
    """``terms`` after every context rule, in file order (a dropped term is gone for the rest)."""
    rules = list(rules)
    if not rules or not terms:
        return terms
    definitions: dict[str, tuple[int, int]] = {}  # a printed short form -> _definitions
    in_document: dict[str, bool] = {}  # rule id -> its pattern occurs in the text
    out: list[EndpointTerm] = []
    for term in terms:
        current: EndpointTerm | None = term
        for rule in rules:
            if current is None:
                break
            if current.code not in rule.codes:
                continue
            printed = text[current.start : current.end]
            if rule.terms and printed not in rule.terms:
                continue
            if rule.term_pattern is not None and not rule.term_pattern.search(printed):
                continue
            if rule.effect in ("defined_only", "defined_otherwise"):
                # how a document defines an abbreviation does not depend on the code: counted
                # once per printed form (each count scans the whole text twice)
                if printed not in definitions:
                    definitions[printed] = _definitions(text, terms, printed)
                total, by_field = definitions[printed]
                if by_field == 0 and (total > 0 or rule.effect == "defined_only"):
                    current = None  # undefined, or defined as something else
                continue
            if rule.scope in ("document", "document_absent"):
                # "cytoreductive surgery (CRS)": CRS is not an outcome; "document_absent": the
                # effect holds where the document never matches (a "response" in a text that
                # names no tumour is no tumour response)
                if rule.id not in in_document:
                    assert rule.pattern is not None
                    in_document[rule.id] = rule.pattern.search(text) is not None
                if rule.scope == "document_absent":
                    # absence says something only of a whole text: at least `window` characters
                    if in_document[rule.id] or len(text) < rule.window:
                        continue
                    lo = hi = -1
                else:
                    lo, hi = (0, len(text)) if in_document[rule.id] else (0, 0)
            elif rule.scope == "before":
                lo, hi = max(0, current.start - rule.window), current.start
            elif rule.scope == "after":
                lo, hi = current.end, min(len(text), current.end + rule.window)
            else:
                lo, hi = _sentence_of(text, current.start, current.end)
            assert rule.pattern is not None
            search = rule.pattern.match if rule.scope == "after" else rule.pattern.search
            if lo >= 0 and search(text, lo, hi) is None:  # "after": anchored at the term's end
                continue
            if rule.effect == "drop":
                current = None
            else:
                label = (rule.label or "{term}").replace("{term}", printed.lower())
                current = replace(current, code=rule.code or current.code, label=label)
        if current is not None:
            out.append(current)
    return out


# --- statistical NER -------------------------------------------------------------------------


def model_name(name: str) -> str:
    """The short name used in ``span._.source`` ("model:<name>"): a path's last part."""
    stripped = name.rstrip("/\\")
    return re.split(r"[/\\]", stripped)[-1] or stripped


@functools.lru_cache(maxsize=4)
def load_model(name: str) -> Language:
    """Load the NER pipeline ``name`` once per process (only the components that set ents)."""
    try:
        nlp = spacy.load(name)
    except (OSError, ImportError, ValueError) as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise NerModelError(
            f"ner_model {name!r} cannot be loaded (not an installed spaCy package or pipeline "
            f"folder; install e.g. `pip install trialex[models]` or unset TRIALEX_NER_MODEL): "
            f"{first[:200]}"
        ) from None
    for component in nlp.pipe_names:
        if component not in entity_components(nlp):
            nlp.disable_pipe(component)  # tagger, parser, lemmatizer: not needed for entities
    nlp.max_length = max(nlp.max_length, 10**8)
    return nlp


def entity_components(nlp: Language) -> set[str]:
    """Components that set ``doc.ents`` and the shared embedding layers they may listen to."""
    keep = {"tok2vec", "transformer"}
    for component in nlp.pipe_names:
        if "doc.ents" in (nlp.get_pipe_meta(component).assigns or []):
            keep.add(component)
    return keep & set(nlp.pipe_names)


def model_spans(doc: Doc, model_doc: Doc, name: str) -> list[Span]:
    """The model's entities as spans of ``doc`` (snapped outward to our tokens)."""
    out: list[Span] = []
    source = f"model:{model_name(name)}"
    bounds = TokenBounds(doc) if model_doc.ents else None
    for ent in model_doc.ents:
        label = MODEL_LABELS.get(ent.label_, ent.label_)
        span_id = ent.text.lower()
        if ent.label_ in ENDPOINTS:  # a model trained on endpoint codes ("OS", "ORR", ...)
            label, span_id = "ENDPOINT", ent.label_
        start, end = bounds.expand(ent.start_char, ent.end_char) if bounds else (0, 0)
        if end <= start:
            continue
        new = Span(doc, start, end, label=label, span_id=span_id)
        new._.source = source
        out.append(new)
    return out


def run_model(model: Language, docs: list[Doc], name: str, batch_size: int) -> Iterator[list[Span]]:
    """Model spans for each of ``docs`` (batched through ``model.pipe``)."""
    texts = (doc_text(doc) for doc in docs)
    for doc, model_doc in zip(docs, model.pipe(texts, batch_size=batch_size), strict=True):
        yield model_spans(doc, model_doc, name)
