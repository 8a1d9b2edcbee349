"""Rule data: the endpoint vocabulary, assembly cues, and endpoint-term spans of a document.

The term spans come from the pipeline (``doc.spans["trialex_terms"]``, label ``ENDPOINT``,
``span.id_`` = endpoint code). When a Doc has no such spans (a bare ``spacy.blank`` pipeline),
:func:`find_terms` matches the same vocabulary (``resources/endpoints.json`` plus the adverse
events of ``resources/ctcae.json``, see :func:`trialex.ner.ctcae_entries`) with one precompiled
regex, so the extractor does not depend on the component order. Terms match on word
boundaries only ("CR" is not in "CRP", "OS" not in "PCOS").

Then the term context rules (``resources/<lang>/term_context.json``, :mod:`trialex.ner`) run
on the document: an abbreviation that the field does not define ("TTP", "CRS") counts only
where the document defines it, a term in a sentence about a survey or a simulation is dropped,
an antiemetic "complete response" becomes ``other`` with its label.
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass, field
from typing import Any

from spacy.tokens import Doc, Span

from trialex import rulebook
from trialex.records import ENDPOINTS
from trialex.regex import compile_guarded
from trialex.rulebook import RuleError

# a rule file with an unknown key, a duplicate id or an unknown endpoint code: the one rule
# error (trialex.rulebook)
RuleFileError = RuleError


@dataclass(frozen=True)
class EndpointEntry:
    id: str
    code: str
    terms: dict[str, list[str]]
    examples: dict[str, list[str]]
    label: str | None = None  # the record label of its terms (``other``, ``adverse_events``)


@dataclass(frozen=True)
class Term:
    """An endpoint-term mention: absolute offsets, endpoint code and where it came from;
    ``label`` names the outcome when the vocabulary or a context rule gives one."""

    start: int
    end: int
    code: str
    source: str = "vocab"
    label: str | None = None


@dataclass(frozen=True)
class Cue:
    id: str
    regex: re.Pattern[str]
    examples: dict[str, list[str]]


@dataclass(frozen=True)
class AssemblyConfig:
    skip_sections: frozenset[str]
    priority: dict[str, int]
    cues: dict[str, Cue]
    # no longer read: confidence is the fitted model of resources/confidence.json
    # (trialex.extract.confidence); kept so that older rule folders still load
    confidence: dict[str, Any] = field(default_factory=dict)


def _read(name: str) -> Any:
    """Rule file ``name`` of the rules folder in force (:mod:`trialex.rulebook`)."""
    return rulebook.load_json(name)


ENDPOINT_KEYS = frozenset({"id", "code", "terms", "examples", "label", "note"})


def load_endpoints(data: dict[str, Any]) -> list[EndpointEntry]:
    """Validate the endpoint vocabulary: known keys and codes, unique ids."""
    keys = {"version", "note", "classes", "codes", "endpoints"}  # classes/codes: trialex.endpoints
    if set(data) - keys:
        raise RuleFileError(f"endpoints.json: unknown keys {sorted(set(data) - keys)}")
    out: list[EndpointEntry] = []
    seen: set[str] = set()
    for entry in data["endpoints"]:
        if set(entry) - ENDPOINT_KEYS:
            raise RuleFileError(f"endpoints.json: {entry.get('id')}: unknown keys")
        if entry["id"] in seen:
            raise RuleFileError(f"endpoints.json: duplicate id {entry['id']!r}")
        seen.add(entry["id"])
        if entry["code"] not in ENDPOINTS:
            raise RuleFileError(f"endpoints.json: {entry['id']}: unknown code {entry['code']!r}")
        if set(entry["terms"]) - {"en", "zh"}:
            raise RuleFileError(f"endpoints.json: {entry['id']}: unknown language")
        out.append(
            EndpointEntry(
                entry["id"], entry["code"], entry["terms"], entry["examples"], entry.get("label")
            )
        )
    return out


def endpoints() -> tuple[EndpointEntry, ...]:
    """The vocabulary of the rules folder in force: ``endpoints.json``, then the CTCAE
    adverse-event terms (a phrase of ``endpoints.json`` keeps its code there)."""
    return _endpoints(rulebook.rules_key())


@functools.lru_cache(maxsize=8)
def _endpoints(key: str | None) -> tuple[EndpointEntry, ...]:
    from trialex.ner import ctcae_entries

    where = rulebook.label(rulebook.resolve("endpoints.json", rules_dir=key))
    with rulebook.using(key), rulebook.parsing(where):
        data = _read("endpoints.json")
        for entry in data["endpoints"]:  # each term entry shows its terms at work
            rulebook.examples_of(entry.get("examples"), where, entry.get("id"), need_match=True)
        entries = data["endpoints"] + ctcae_entries(key, data["endpoints"])
        return tuple(load_endpoints({"version": data.get("version"), "endpoints": entries}))


def _labels(rules_dir: str | None = None) -> dict[str, str]:
    """Lowercased phrase -> record label, for the entries that name one (of ``rules_dir``'s
    ``endpoints.json`` when given, else of the rules folder in force)."""
    return _labels_of(rulebook.rules_key(rules_dir))


@functools.lru_cache(maxsize=8)
def _labels_of(key: str | None) -> dict[str, str]:
    with rulebook.using(key):
        entries = endpoints()
    out: dict[str, str] = {}
    for entry in entries:
        if entry.label:
            for terms in entry.terms.values():
                for term in terms:
                    out.setdefault(term.lower(), entry.label)
    return out


def load_assembly(data: dict[str, Any]) -> AssemblyConfig:
    keys = {"version", "skip_sections", "priority", "cues", "confidence"}
    if set(data) - keys:
        raise RuleFileError(f"assembly.json: unknown keys {sorted(set(data) - keys)}")
    for code in data["priority"]:
        if code not in ENDPOINTS:
            raise RuleFileError(f"assembly.json: unknown endpoint {code!r}")
    cues: dict[str, Cue] = {}
    from trialex.extract.numbers import count_noun_macro, count_nouns

    nouns = count_nouns("en")
    # "{COUNT_NOUNS}": the count nouns of en/count_nouns.json ("patients", "women", "eyes" ...)
    count_macro = count_noun_macro(nouns, "en") if nouns else r"(?:patients?|subjects?|cases?)\b"
    for cid, entry in data["cues"].items():
        if set(entry) - {"pattern", "examples"}:
            raise RuleFileError(f"assembly.json: cue {cid}: unknown keys")
        pattern = entry["pattern"].replace("{COUNT_NOUNS}", count_macro)
        # every cue shows what it matches (tests/extract/test_rules.py runs the examples)
        examples = rulebook.examples_of(
            entry.get("examples"), "assembly.json", f"cue {cid}", need_match=True
        )
        cues[cid] = Cue(cid, compile_guarded(pattern), examples)
    return AssemblyConfig(
        frozenset(data["skip_sections"]),
        dict(data["priority"]),
        cues,
        dict(data.get("confidence", {})),
    )


def assembly() -> AssemblyConfig:
    """``assembly.json`` of the rules folder in force."""
    return _assembly(rulebook.rules_key())


@functools.lru_cache(maxsize=8)
def _assembly(key: str | None) -> AssemblyConfig:
    with (
        rulebook.using(key),
        rulebook.parsing(str(rulebook.resolve("assembly.json", rules_dir=key))),
    ):
        return load_assembly(_read("assembly.json"))


def cue(name: str) -> re.Pattern[str]:
    """The compiled cue ``name`` of the rules folder in force."""
    return _cue(name, rulebook.rules_key())


@functools.cache  # called per mention, tens of thousands of times per MB: one C-level lookup
def _cue(name: str, key: str | None) -> re.Pattern[str]:
    return _assembly(key).cues[name].regex


def _is_abbreviation(term: str) -> bool:
    letters = [c for c in term if c.isalpha()]
    return bool(letters) and len(term) <= 8 and sum(c.isupper() for c in letters) >= 2


def trie_pattern(terms: list[str]) -> str:
    """One regex for many literal phrases, shaped as a trie so that a position that cannot
    start a term fails on its first character (a flat alternation retries every phrase)."""
    trie: dict[str, dict] = {}
    for term in set(terms):
        node = trie
        for ch in term:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict[str, dict]) -> str:
        ends = "" in node
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if ends else body

    return build(trie)


def _term_regexes() -> tuple[re.Pattern[str], re.Pattern[str], dict[str, str]]:
    """(case-insensitive phrases, case-sensitive abbreviations and CJK, term -> code), of the
    vocabulary of the rules folder in force."""
    return _term_regexes_of(rulebook.rules_key())


@functools.lru_cache(maxsize=8)
def _term_regexes_of(key: str | None) -> tuple[re.Pattern[str], re.Pattern[str], dict[str, str]]:
    code_of: dict[str, str] = {}
    ci_terms: list[str] = []
    cs_terms: list[str] = []
    with rulebook.using(key):
        entries = endpoints()
    for entry in entries:
        for lang, terms in entry.terms.items():
            for term in terms:
                if _is_abbreviation(term) or lang == "zh":
                    code_of.setdefault(term, entry.code)
                    cs_terms.append(term)
                else:
                    code_of.setdefault(term.lower(), entry.code)
                    ci_terms.append(term.lower())

    def alternation(terms: list[str]) -> str:
        return trie_pattern(terms)

    def first_chars(terms: list[str], fold_case: bool) -> str:
        # a position whose character starts no term fails at once (speed; same matches)
        chars = {t[0] for t in terms} | ({t[0].upper() for t in terms} if fold_case else set())
        return "(?=[" + "".join(re.escape(c) for c in sorted(chars)) + "])"

    # a term starts and ends on a word boundary: "CR" is not in "CRP", "PCR", "CRC", nor "OS"
    # in "PCOS"; a CJK character is a boundary ("2年OS率", "CR率")
    edge_l, edge_r = r"(?<![A-Za-z0-9])", r"(?![A-Za-z0-9])"
    ci = re.compile(
        f"{first_chars(ci_terms, True)}{edge_l}(?:{alternation(ci_terms)}){edge_r}", re.IGNORECASE
    )
    cs_alt = alternation(cs_terms)
    # a Chinese term's CJK end needs no edge ("死亡3例", "总有效率85%"); a Latin end may take a
    # Chinese count or a glued grade ("慢性GVHD9例", "aGVHDI~Ⅱ度"), see GLUED_AFTER
    cs_l = r"(?:(?![A-Za-z0-9])|(?<![A-Za-z0-9]))"
    cs_r = rf"(?:(?<![A-Za-z0-9])|(?![A-Za-z0-9])|(?<=[A-Za-z])(?={GLUED_AFTER.pattern}))"
    cs = re.compile(f"{first_chars(cs_terms, False)}{cs_l}(?:{cs_alt}){cs_r}")
    return ci, cs, code_of


# what may follow a Latin-final term in Chinese text without making it part of a longer word:
# a count with its Chinese count noun or a percentage ("GVHD9例", "CR12例", "CR85%"), or a grade
# in Roman numerals glued on by the converter ("aGVHDI-II度", "GVHDII~IV度")
GLUED_AFTER = re.compile(
    r"\d{1,4}(?:\.\d{1,2})?\s?(?:例|名|位|人|%|％)"
    r"|(?:I{1,3}|IV|V|Ⅰ|Ⅱ|Ⅲ|Ⅳ)\s?(?:[~～\-–]|度|级)"
)


def _inside_word(text: str, start: int, end: int) -> bool:
    """A term that begins or ends with a Latin letter or digit glued to another: "CR" in
    "高CRP组" (the Chinese terms match without word edges, their Latin ends still need one; a
    plural "s" is no word of its own)."""
    first, last = text[start], text[end - 1]
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    if after == "s" and not text[end + 1 : end + 2].isalnum():
        after = ""  # a plural: "PFSs", "CRs"
    if after and last.isalpha() and GLUED_AFTER.match(text, end):
        after = ""  # "慢性GVHD9例", "aGVHDI~Ⅱ度"
    return bool(
        (first.isascii() and first.isalnum() and before.isascii() and before.isalnum())
        or (last.isascii() and last.isalnum() and after.isascii() and after.isalnum())
    )


@functools.lru_cache(maxsize=8)
def _lowercase_twin(ci: re.Pattern[str]) -> tuple[re.Pattern[str], frozenset[str]]:
    """``ci`` without IGNORECASE, which finds the same matches on the lower-cased text (its
    phrases are lower case, about twice as fast), and the characters of a text that forbid it:
    those IGNORECASE folds beyond ``str.lower`` ("ſ" is "s", "ı" is "i", "µ" is "μ") where
    their fold is an ASCII letter or a character of the phrases."""
    unsafe: set[str] = set()
    try:
        from re._casefix import _EXTRA_CASES  # the characters IGNORECASE folds beyond lower()
    except ImportError:  # pragma: no cover - another Python: never lower-case
        return ci, frozenset()
    used = set(ci.pattern.lower()) | set("abcdefghijklmnopqrstuvwxyz")
    for k, extra in _EXTRA_CASES.items():
        group = {chr(k), *map(chr, extra)}
        if group & used:
            unsafe.update(c for c in group if ord(c) > 127)
    return re.compile(ci.pattern, ci.flags & ~re.IGNORECASE), frozenset(unsafe)


def _lowers_alike(text: str, unsafe: frozenset[str]) -> bool:
    """``text.lower()`` is ``text`` lowered character for character as IGNORECASE compares
    (no character that lowers to several, like "İ", nor one of ``unsafe``)."""
    if text.isascii():
        return True
    if len(text.lower()) != len(text):
        return False
    return not any(c in unsafe or c.lower() in unsafe for c in set(text) if ord(c) > 127)


def match_terms(text: str, offset: int = 0) -> list[Term]:
    """Vocabulary terms in ``text`` (longest first, no overlaps)."""
    ci, cs, code_of = _term_regexes()
    found: list[tuple[int, int, str]] = []
    twin, unsafe = _lowercase_twin(ci)
    if twin is not ci and _lowers_alike(text, unsafe):
        for m in twin.finditer(text.lower()):
            found.append((m.start(), m.end(), code_of[m.group(0)]))
    else:
        for m in ci.finditer(text):
            code = code_of.get(m.group(0).lower())  # None: "dıſease" is IGNORECASE's "disease"
            if code is not None:
                found.append((m.start(), m.end(), code))
    for m in cs.finditer(text):
        code = code_of.get(m.group(0))
        if code and not _inside_word(text, m.start(), m.end()):
            found.append((m.start(), m.end(), code))
    found.sort(key=lambda t: (t[0], -(t[1] - t[0])))
    out: list[Term] = []
    last = -1
    labels = _labels()
    for s, e, code in found:
        if s >= last:
            out.append(Term(s + offset, e + offset, code, label=labels.get(text[s:e].lower())))
            last = e
    return out


def find_terms(doc: Doc, text: str | None = None) -> list[Term]:
    """Endpoint terms: the pipeline's ``trialex_terms`` spans if present, else the vocabulary;
    then the term context rules (:func:`trialex.ner.apply_term_context`)."""
    rules_dir = doc.user_data.get("trialex_rules_dir") if hasattr(doc, "user_data") else None
    with rulebook.using(rulebook.rules_key(rules_dir)):  # the vocabulary of the same folder
        return _find_terms(doc, text, rules_dir)


def _find_terms(doc: Doc, text: str | None, rules_dir: str | None) -> list[Term]:
    from trialex.ner import apply_term_context, load_term_context

    text = text if text is not None else doc.text
    group = doc.spans.get("trialex_terms") if hasattr(doc, "spans") else None
    if group is not None and len(group):
        terms = []
        has_source = Span.has_extension("source")
        endpoint = doc.vocab.strings.add("ENDPOINT")  # an int compare per span, no string
        labels = _labels(rules_dir)
        for span in group:
            if span.label != endpoint:
                continue
            code = span.id_
            if code not in ENDPOINTS:
                continue
            source = "vocab"
            if has_source and (value := span._.source):
                source = str(value)
            label = labels.get(text[span.start_char : span.end_char].lower())
            terms.append(Term(span.start_char, span.end_char, code, source, label))
        found = _union(sorted(terms, key=lambda t: t.start), match_terms(text))
    else:
        found = match_terms(text)
    # the open vocabulary: outcome phrases no term names (trialex.extract.outcomes)
    from trialex.extract.outcomes import open_terms

    opened = open_terms(text, found)
    if opened:  # a shorter term of the same code inside an open phrase gives way to it
        found = [
            t
            for t in found
            if not any(o.code == t.code and o.start < t.end and t.start < o.end for o in opened)
        ]
        found = sorted(found + opened, key=lambda t: (t.start, -(t.end - t.start)))
    return apply_term_context(text, found, load_term_context(rules_dir))


def _union(pipeline: list[Term], vocab: list[Term]) -> list[Term]:
    """The pipeline's terms, plus each vocabulary term that overlaps none of them or strictly
    contains the ones it overlaps (a token boundary the tokenizer missed, "(CR)/complete",
    must not hide a phrase of the vocabulary)."""
    out = list(pipeline)
    starts = [t.start for t in pipeline]
    drop: set[int] = set()
    for v in vocab:
        i = bisect.bisect_left(starts, v.start - 200)
        hits = []
        while i < len(pipeline) and pipeline[i].start < v.end:
            if v.start < pipeline[i].end:
                hits.append(i)
            i += 1
        if not hits:
            out.append(v)
        elif all(
            v.start <= pipeline[k].start
            and pipeline[k].end <= v.end
            and v.end - v.start > pipeline[k].end - pipeline[k].start
            and pipeline[k].source == "vocab"
            for k in hits
        ):
            drop.update(hits)
            out.append(v)
    kept = [t for k, t in enumerate(out) if k not in drop or k >= len(pipeline)]
    return sorted(kept, key=lambda t: (t.start, -(t.end - t.start)))
