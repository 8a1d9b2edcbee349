"""Identifiers of a document found by pattern: DOI, PMID, PMCID and trial registration numbers.

The patterns are data (``resources/identifiers.json``, each with its examples). For plain text
and HTML they are looked for in the front matter only (the first ``front_matter_chars``
characters), where an article prints its own identifiers; further on, a DOI or a trial number is
more likely a cited one.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

from trialex import rulebook
from trialex.records import DocumentMeta
from trialex.rulebook import RuleError

__all__ = ["IdentifierRule", "clean_doi", "identifier_rules", "identifiers_in_text", "merge_meta"]

FIELDS = frozenset({"doi", "pmid", "pmcid", "nct_ids"})
_RULE_KEYS = frozenset({"id", "field", "pattern", "examples"})
_DOI_TRAILING = ".,;:'\"”’"


@dataclass(frozen=True)
class IdentifierRule:
    id: str
    field: str
    regex: re.Pattern[str]
    examples: dict[str, tuple[str, ...]]


def _resource() -> dict[str, Any]:
    return _resource_of(rulebook.rules_key())


@functools.lru_cache(maxsize=4)
def _resource_of(key: str | None) -> dict[str, Any]:
    data: dict[str, Any] = rulebook.load_json("identifiers.json", rules_dir=key)
    return data


def identifier_rules() -> tuple[IdentifierRule, ...]:
    """The identifier rules (``identifiers.json`` of the rules folder in force); unknown keys,
    unknown fields and duplicate ids are errors."""
    return _identifier_rules(rulebook.rules_key())


@functools.lru_cache(maxsize=4)
def _identifier_rules(key: str | None) -> tuple[IdentifierRule, ...]:
    with rulebook.using(key), rulebook.parsing(str(rulebook.resolve("identifiers.json"))):
        return _parse_identifier_rules()


def _parse_identifier_rules() -> tuple[IdentifierRule, ...]:
    rules: list[IdentifierRule] = []
    seen: set[str] = set()
    for raw in _resource()["identifiers"]:
        unknown = set(raw) - _RULE_KEYS
        if unknown:
            raise RuleError(f"identifiers.json {raw.get('id')}: unknown keys {sorted(unknown)}")
        if raw["id"] in seen:
            raise RuleError(f"identifiers.json: duplicate id {raw['id']}")
        if raw["field"] not in FIELDS:
            raise RuleError(f"identifiers.json {raw['id']}: unknown field {raw['field']}")
        seen.add(raw["id"])
        checked = rulebook.examples_of(
            raw.get("examples"), "identifiers.json", raw["id"], need_match=True
        )
        examples = {k: tuple(v) for k, v in checked.items()}
        rules.append(IdentifierRule(raw["id"], raw["field"], re.compile(raw["pattern"]), examples))
    return tuple(rules)


def front_matter_chars() -> int:
    return int(_resource()["front_matter_chars"])


def clean_doi(doi: str) -> str | None:
    """A DOI without trailing punctuation or an unbalanced closing bracket; None if not a DOI."""
    doi = doi.strip()
    for prefix in ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "doi:"):
        if doi.lower().startswith(prefix):
            doi = doi[len(prefix) :].strip()
    while doi and (
        doi[-1] in _DOI_TRAILING
        or (doi[-1] == ")" and doi.count(")") > doi.count("("))
        or (doi[-1] == "]" and doi.count("]") > doi.count("["))
    ):
        doi = doi[:-1]
    return doi if re.fullmatch(r"10\.\d{4,9}/\S+", doi) else None


def identifiers_in_text(text: str, *, limit: int | None = None) -> DocumentMeta:
    """The first DOI, PMID and PMCID, and every distinct NCT number, in ``text[:limit]``
    (``limit`` defaults to the front matter length of ``identifiers.json``)."""
    window = text[: front_matter_chars() if limit is None else limit]
    found: dict[str, Any] = {}
    ncts: list[str] = []
    for rule in identifier_rules():
        for match in rule.regex.finditer(window):
            value = match.group("id")
            if rule.field == "nct_ids":
                if value not in ncts:
                    ncts.append(value)
                continue
            if rule.field == "doi":
                value = clean_doi(value)
                if value is None:
                    continue
            found[rule.field] = value
            break
    return DocumentMeta(**found, nct_ids=ncts)


def merge_meta(primary: DocumentMeta, fallback: DocumentMeta) -> DocumentMeta:
    """``primary`` with its empty fields taken from ``fallback`` (NCT ids: the union)."""
    data = primary.model_dump()
    for name, value in fallback.model_dump().items():
        if name == "nct_ids":
            data[name] = list(dict.fromkeys([*data[name], *value]))
        elif data[name] in (None, []):
            data[name] = value
    return DocumentMeta(**data)
