"""A record's ``confidence``: a logistic model over the evidence its assembly used.

The features are what assembly knows about a record when it makes it (how the endpoint was
linked, the term's distance, the section, the origin, the validation warnings, the endpoint
class, whether a count noun or denominator stands with the value, table or prose). The
coefficients are data (``resources/confidence.json``), fitted by ``bench/confidence_fit.py``
on records drawn at random from real unannotated literature and judged by hand (the judged
record ids and verdicts are in ``fixtures/confidence/judged.jsonl``; the file holds the
summary of that set). ``confidence`` is the model's probability that value, endpoint and
statistic are right.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from trialex import rulebook
from trialex.records import Record

if TYPE_CHECKING:
    from trialex.extract.candidate import Candidate

CONFIDENCE_FILE = "confidence.json"

_HOWS = ("clause", "respectively", "bracket", "compared", "inherit", "cohort", "table", "sentence")
_TIME = frozenset({"OS", "PFS", "EFS", "RFS", "DFS", "LFS", "TTP", "DOR", "time_to_event"})
_RESPONSE = frozenset({"ORR", "CR", "PR", "VGPR", "CRh", "CRi", "CRp", "CR_CRh", "MRD_response"})
_COUNT_NOUN = re.compile(
    r"(?i)\b(?:patients?|participants?|subjects?|women|men|children|cases|volunteers|"
    r"individuals|persons|people|infants|adults|eyes|episodes)\b|例|人"
)

FEATURES: tuple[str, ...] = (
    *(f"how_{h}" for h in _HOWS),
    "term_gap_100",
    "no_term",
    "short_term",
    "section_results",
    "section_abstract",
    "section_table",
    "section_background",
    "section_discussion",
    "section_other",
    "cited",
    "warnings",
    "endpoint_sample_size",
    "endpoint_other",
    "endpoint_adverse_events",
    "endpoint_time",
    "endpoint_response",
    "endpoint_follow_up",
    "statistic_count",
    "statistic_ratio",
    "statistic_p_value",
    "has_denominator",
    "has_ci",
    "has_p",
    "has_group",
    "count_noun",
    "chinese",
    "open_outcome",
    "event_count",
    "long_span",
)


def features(c: Candidate, record: Record) -> dict[str, float]:
    """The evidence of ``record`` as numbers (0/1 flags, the term gap in hundreds of
    characters, the number of validation warnings)."""
    f = dict.fromkeys(FEATURES, 0.0)
    if c.how in _HOWS:
        f[f"how_{c.how}"] = 1.0
    if c.term_gap is None:
        f["no_term"] = 1.0
    else:
        f["term_gap_100"] = min(c.term_gap, 300) / 100
    if c.term_len is not None and c.term_len <= 3:
        f["short_term"] = 1.0
    section = {"methods": "background", "introduction": "background", "conclusion": "discussion"}
    key = f"section_{section.get(record.section, record.section)}"
    if key in f:
        f[key] = 1.0
    else:
        f["section_other"] = 1.0
    f["cited"] = float(record.origin == "cited")
    f["warnings"] = float(sum(w.code != "low_confidence" for w in record.warnings))
    ep = record.endpoint
    for name, hit in (
        ("endpoint_sample_size", ep == "sample_size"),
        ("endpoint_other", ep == "other"),
        ("endpoint_adverse_events", ep == "adverse_events"),
        ("endpoint_time", ep in _TIME),
        ("endpoint_response", ep in _RESPONSE),
        ("endpoint_follow_up", ep == "follow_up"),
        ("statistic_count", record.statistic == "count"),
        ("statistic_ratio", record.statistic in ("hazard_ratio", "odds_ratio", "risk_ratio")),
        ("statistic_p_value", record.statistic == "p_value"),
        ("has_denominator", record.N is not None or record.n is not None),
        ("has_ci", record.ci_low is not None),
        ("has_p", record.p_value is not None and record.statistic != "p_value"),
        ("has_group", bool(record.group)),
        ("count_noun", bool(_COUNT_NOUN.search(record.text))),
        ("chinese", record.language == "zh"),
        ("open_outcome", c.source == "open"),
        (
            "event_count",
            record.statistic == "count" and record.endpoint != "sample_size" and record.N is None,
        ),
        ("long_span", len(record.text) > 60),
    ):
        f[name] = float(hit)
    return f


@dataclass(frozen=True)
class ConfidenceModel:
    """Intercept and one coefficient per feature (missing features weigh 0)."""

    intercept: float
    weights: dict[str, float]

    def probability(self, f: dict[str, float]) -> float:
        z = self.intercept + sum(self.weights.get(k, 0.0) * v for k, v in f.items())
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def parse_model(data: Any, source: str) -> ConfidenceModel:
    """Validate ``confidence.json``: its keys, and a weight only for a known feature."""
    keys = {"version", "note", "intercept", "weights", "fitted_on"}
    if not isinstance(data, dict) or not {"intercept", "weights"} <= set(data) or set(data) - keys:
        raise rulebook.RuleError(source, "expected an object with 'intercept' and 'weights'")
    weights = data["weights"]
    if not isinstance(weights, dict):
        raise rulebook.RuleError(source, "'weights' must be an object")
    if unknown := set(weights) - set(FEATURES):
        raise rulebook.RuleError(source, f"unknown features {sorted(unknown)}")
    try:
        return ConfidenceModel(float(data["intercept"]), {k: float(v) for k, v in weights.items()})
    except (TypeError, ValueError):
        raise rulebook.RuleError(source, "intercept and weights must be numbers") from None


def load_model(rules_dir: str | None = None) -> ConfidenceModel:
    """``confidence.json`` of ``rules_dir`` or of the rules folder in force (:mod:`.rulebook`)."""
    return _load_model(rules_dir if rules_dir is not None else rulebook.rules_key())


@functools.lru_cache(maxsize=8)
def _load_model(key: str | None) -> ConfidenceModel:
    where = str(rulebook.resolve(CONFIDENCE_FILE, None, key))
    return parse_model(rulebook.load_json(CONFIDENCE_FILE, None, key), where)


def confidence(c: Candidate, record: Record, model: ConfidenceModel | None = None) -> float:
    """The probability that ``record``'s value, endpoint and statistic are right (0-1)."""
    model = model or load_model()
    return round(model.probability(features(c, record)), 3)


__all__ = ["FEATURES", "ConfidenceModel", "confidence", "features", "load_model", "parse_model"]
