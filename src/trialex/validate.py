"""Validation of records: every problem becomes a :class:`Flag` on the record (nothing dropped).

Document-level: in a bilingual abstract each zh record is paired with its en counterpart
(endpoint, statistic, order) and a value that does not agree becomes a document warning.
"""

from __future__ import annotations

import logging
from collections import defaultdict

from trialex.records import Flag, Record

logger = logging.getLogger(__name__)

PCT_TOLERANCE = 0.6  # percentage points: printed percentages are rounded
MEDIAN_UNITS = frozenset({"months", "days", "weeks", "years"})


def record_flags(r: Record) -> list[Flag]:
    """The validation flags of one record (empty when it is consistent)."""
    flags: list[Flag] = []
    if r.unit == "%" and not 0 <= r.value <= 100:
        flags.append(Flag(code="proportion_out_of_range", message=f"{r.value}% is outside 0-100"))
    if r.unit == "%" and r.n is not None and r.N:
        expected = 100.0 * r.n / r.N
        if abs(expected - r.value) > PCT_TOLERANCE:
            flags.append(
                Flag(
                    code="percent_mismatch",
                    message=f"{r.value}% does not match {r.n}/{r.N} = {expected:.1f}%",
                )
            )
    if r.n is not None and r.N is not None and r.n > r.N:
        flags.append(Flag(code="n_exceeds_N", message=f"n {r.n} is larger than N {r.N}"))
    if r.ci_low is not None and r.ci_high is not None:
        if r.ci_low > r.ci_high:
            flags.append(
                Flag(code="ci_order", message=f"CI low {r.ci_low} is above CI high {r.ci_high}")
            )
        elif not r.ci_low <= r.value <= r.ci_high:
            flags.append(
                Flag(
                    code="ci_excludes_estimate",
                    message=f"{r.value} is outside its CI {r.ci_low}-{r.ci_high}",
                )
            )
    if r.p_value is not None and not 0 < r.p_value <= 1:
        flags.append(Flag(code="p_out_of_range", message=f"p = {r.p_value} is outside (0, 1]"))
    if r.statistic == "p_value" and (r.p_value is None or r.p_value != r.value):
        flags.append(Flag(code="p_value_mismatch", message="p_value record without equal p_value"))
    if r.statistic == "median" and r.unit not in MEDIAN_UNITS:
        flags.append(Flag(code="median_without_unit", message="a median needs a time unit"))
    if r.statistic == "rate" and r.timepoint is None:
        flags.append(Flag(code="rate_without_timepoint", message="a rate needs a time point"))
    if r.text == "" or r.span.end <= r.span.start:
        flags.append(Flag(code="empty_span", message="the record has no evidence text"))
    return flags


def validate_record(r: Record) -> Record:
    """``r`` with its validation flags added (existing flags kept, no duplicates)."""
    known = {f.code for f in r.warnings}
    new = [f for f in record_flags(r) if f.code not in known]
    if not new:
        return r
    return r.model_copy(update={"warnings": [*r.warnings, *new]})


def _same(a: Record, b: Record) -> bool:
    return (
        abs(a.value - b.value) < 1e-6
        and a.n == b.n
        and (a.p_value is None or b.p_value is None or abs(a.p_value - b.p_value) < 1e-9)
    )


def bilingual_mismatches(records: list[Record]) -> list[Flag]:
    """Pair zh abstract records with en ones (endpoint, statistic, order); flag disagreements."""
    by_key: dict[tuple[str, str, str], list[Record]] = defaultdict(list)
    for r in records:
        if r.section == "abstract" and r.language in ("en", "zh"):
            by_key[(r.language, r.endpoint, r.statistic)].append(r)
    if not any(k[0] == "zh" for k in by_key) or not any(k[0] == "en" for k in by_key):
        return []
    flags: list[Flag] = []
    for (lang, endpoint, statistic), zh_records in sorted(by_key.items()):
        if lang != "zh":
            continue
        en_records = by_key.get(("en", endpoint, statistic), [])
        for i, zh in enumerate(zh_records):
            en = en_records[i] if i < len(en_records) else None
            if en is None:
                flags.append(
                    Flag(
                        code="bilingual_unpaired",
                        message=f"zh {endpoint} {statistic} {zh.value:g} at {zh.span.start} "
                        "has no English counterpart",
                    )
                )
            elif not _same(en, zh):
                flags.append(
                    Flag(
                        code="bilingual_mismatch",
                        message=f"{endpoint} {statistic}: zh {zh.value:g} at {zh.span.start} "
                        f"vs en {en.value:g} at {en.span.start}",
                    )
                )
    return flags


def validate_document(records: list[Record]) -> list[Flag]:
    """Document-level warnings (cross-language agreement of a bilingual abstract)."""
    return bilingual_mismatches(records)
