"""Rule data: the endpoint vocabulary, assembly cues, and endpoint-term spans of a document.

The term spans come from the pipeline (``doc.spans["trialex_terms"]``, label ``ENDPOINT``,
``span.id_`` = endpoint code). When a Doc has no such spans (a bare ``spacy.blank`` pipeline),
:func:`find_terms` matches the same vocabulary (``resources/endpoints.json``) with one
precompiled regex, so the extractor does not depend on the component order.
"""

from __future__ import annotations

import bisect
import functools
import json
import re
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from spacy.tokens import Doc, Span

from trialex.records import ENDPOINTS
from trialex.regex import compile_guarded


class RuleFileError(ValueError):
    """A rule file with an unknown key, a duplicate id or an unknown endpoint code."""


@dataclass(frozen=True)
class EndpointEntry:
    id: str
    code: str
    terms: dict[str, list[str]]
    examples: dict[str, list[str]]


@dataclass(frozen=True)
class Term:
    """An endpoint-term mention: absolute offsets, endpoint code and where it came from."""

    start: int
    end: int
    code: str
    source: str = "vocab"


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
    # evidence weights of a record's confidence (see assemble.confidence); {} = the defaults
    confidence: dict[str, Any] = field(default_factory=dict)


def _read(name: str) -> Any:
    return json.loads((resources.files("trialex") / "resources" / name).read_text("utf-8"))


def load_endpoints(data: dict[str, Any]) -> list[EndpointEntry]:
    """Validate the endpoint vocabulary: known keys and codes, unique ids."""
    if set(data) - {"version", "endpoints"}:
        raise RuleFileError(
            f"endpoints.json: unknown keys {sorted(set(data) - {'version', 'endpoints'})}"
        )
    out: list[EndpointEntry] = []
    seen: set[str] = set()
    for entry in data["endpoints"]:
        if set(entry) - {"id", "code", "terms", "examples"}:
            raise RuleFileError(f"endpoints.json: {entry.get('id')}: unknown keys")
        if entry["id"] in seen:
            raise RuleFileError(f"endpoints.json: duplicate id {entry['id']!r}")
        seen.add(entry["id"])
        if entry["code"] not in ENDPOINTS:
            raise RuleFileError(f"endpoints.json: {entry['id']}: unknown code {entry['code']!r}")
        if set(entry["terms"]) - {"en", "zh"}:
            raise RuleFileError(f"endpoints.json: {entry['id']}: unknown language")
        out.append(EndpointEntry(entry["id"], entry["code"], entry["terms"], entry["examples"]))
    return out


@functools.cache
def endpoints() -> tuple[EndpointEntry, ...]:
    return tuple(load_endpoints(_read("endpoints.json")))


def load_assembly(data: dict[str, Any]) -> AssemblyConfig:
    keys = {"version", "skip_sections", "priority", "cues", "confidence"}
    if set(data) - keys:
        raise RuleFileError(f"assembly.json: unknown keys {sorted(set(data) - keys)}")
    for code in data["priority"]:
        if code not in ENDPOINTS:
            raise RuleFileError(f"assembly.json: unknown endpoint {code!r}")
    cues: dict[str, Cue] = {}
    for cid, entry in data["cues"].items():
        if set(entry) - {"pattern", "examples"}:
            raise RuleFileError(f"assembly.json: cue {cid}: unknown keys")
        cues[cid] = Cue(cid, compile_guarded(entry["pattern"]), entry.get("examples", {}))
    return AssemblyConfig(
        frozenset(data["skip_sections"]),
        dict(data["priority"]),
        cues,
        dict(data.get("confidence", {})),
    )


@functools.cache
def assembly() -> AssemblyConfig:
    return load_assembly(_read("assembly.json"))


@functools.cache  # called per mention, tens of thousands of times per MB: one C-level lookup
def cue(name: str) -> re.Pattern[str]:
    return assembly().cues[name].regex


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


@functools.cache
def _term_regexes() -> tuple[re.Pattern[str], re.Pattern[str], dict[str, str]]:
    """(case-insensitive phrases, case-sensitive abbreviations and CJK, term -> code)."""
    code_of: dict[str, str] = {}
    ci_terms: list[str] = []
    cs_terms: list[str] = []
    for entry in endpoints():
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

    edge_l, edge_r = r"(?<![A-Za-z0-9])", r"(?![A-Za-z0-9])"
    ci = re.compile(
        f"{first_chars(ci_terms, True)}{edge_l}(?:{alternation(ci_terms)}){edge_r}", re.IGNORECASE
    )
    cs_alt = alternation(cs_terms)
    cs = re.compile(f"{first_chars(cs_terms, False)}(?:{edge_l}(?:{cs_alt}){edge_r}|(?:{cs_alt}))")
    return ci, cs, code_of


def match_terms(text: str, offset: int = 0) -> list[Term]:
    """Vocabulary terms in ``text`` (longest first, no overlaps)."""
    ci, cs, code_of = _term_regexes()
    found: list[tuple[int, int, str]] = []
    for m in ci.finditer(text):
        found.append((m.start(), m.end(), code_of[m.group(0).lower()]))
    for m in cs.finditer(text):
        code = code_of.get(m.group(0))
        if code:
            found.append((m.start(), m.end(), code))
    found.sort(key=lambda t: (t[0], -(t[1] - t[0])))
    out: list[Term] = []
    last = -1
    for s, e, code in found:
        if s >= last:
            out.append(Term(s + offset, e + offset, code))
            last = e
    return out


def find_terms(doc: Doc, text: str | None = None) -> list[Term]:
    """Endpoint terms: the pipeline's ``trialex_terms`` spans if present, else the vocabulary."""
    group = doc.spans.get("trialex_terms") if hasattr(doc, "spans") else None
    if group is not None and len(group):
        terms = []
        has_source = Span.has_extension("source")
        endpoint = doc.vocab.strings.add("ENDPOINT")  # an int compare per span, no string
        for span in group:
            if span.label != endpoint:
                continue
            code = span.id_
            if code not in ENDPOINTS:
                continue
            source = "vocab"
            if has_source and (value := span._.source):
                source = str(value)
            terms.append(Term(span.start_char, span.end_char, code, source))
        return _union(sorted(terms, key=lambda t: t.start), match_terms(text or doc.text))
    return match_terms(doc.text if text is None else text)


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
