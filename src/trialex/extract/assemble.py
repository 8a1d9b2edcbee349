"""Assembly: link value mentions to endpoints, statistics and populations, and build records.

This module orchestrates the passes over one document (:func:`candidates`) and makes records of
their candidates (:func:`to_record`, :func:`with_confidence`). The passes, each a module:

* :mod:`~trialex.extract.units`: sentences, clauses and bracket depths (from the document's
  :class:`~trialex.extract.view.DocView`);
* :mod:`~trialex.extract.linking`: the endpoint term, origin, label, time point and interval of
  a value;
* :mod:`~trialex.extract.prose`: the values of a sentence, clause by clause ("respectively"
  lists, "x vs y" pairs, coordinated values, counts and cohort sizes, p-value scope);
* :mod:`~trialex.extract.continuous`: means, SDs and changes of continuous outcomes;
* :mod:`~trialex.extract.arms`: the arms a document defines and every value's ``group``;
* :mod:`~trialex.extract.tables`: table rows with their row label, group-header row and column
  header (arm size ``(n = 165)`` -> ``N``);
* :mod:`~trialex.extract.tagged`: the optional trained tagger's pass;
* :mod:`~trialex.extract.exclusions`: what is no endpoint (design, baseline, thresholds ...).

Value mentions come from :mod:`trialex.extract.numbers`, endpoint terms from
:mod:`trialex.extract.rules`; all cue words are data (``resources/assembly.json``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence

from trialex.extract.arms import TAGGED_KINDS, TAGGER_NAME, ArmContext, TaggedArm, document_arms
from trialex.extract.candidate import Candidate, section_kind
from trialex.extract.exclusions import (
    _baseline_finding,
    _design_or_baseline,
    _laboratory_only,
    _planned_size,
    _protocol_only,
    _reference_ratio,
    _sex_breakdown,
    _treatment_time,
    _zh_baseline_path,
)
from trialex.extract.linking import merge_abbreviations, refine_terms
from trialex.extract.numbers import DASHES
from trialex.extract.prose import _time_threshold, prose_candidates
from trialex.extract.rules import Term, assembly, cue
from trialex.extract.tables import (
    _caption,
    inline_table_candidates,
    inline_tables,
    table_blocks,
    table_candidates,
)
from trialex.extract.tagged import resolve_pending
from trialex.records import Flag, Record, Section, Span

logger = logging.getLogger(__name__)


def _regions(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    """The table regions of a section, in order: Markdown/pipe blocks and flattened tables."""
    found = [(s, e, "pipe") for s, e in table_blocks(text, start, end)]
    for s, e in inline_tables(text, start, end):
        if not any(a < e and s < b for a, b, _ in found):
            found.append((s, e, "inline"))
    return sorted(found)


def candidates(
    text: str,
    sections: list[Section],
    terms: list[Term],
    source: str | None = None,
    *,
    citing: Iterable[int] = (),
    tagger: Callable[[str], Sequence[tuple[int, int]]] | None = None,
) -> list[tuple[Candidate, Section]]:
    """Candidates of every section. ``source`` is the document as printed when ``text`` is a
    normalised view of it: the document-level cues (a PDQ summary's citation links and
    evidence levels, which the view drops) are read there. ``citing`` are the indices of
    `other` sections whose printed text cites its sources (a narrative review), whose numbers
    are then cited. ``tagger`` gives a sentence's ARM spans (:mod:`trialex.tagger`), asked
    where the rules name no arm."""
    skip = assembly().skip_sections
    terms = refine_terms(text, merge_abbreviations(text, terms))
    starts = [t.start for t in terms]
    seen: set[tuple[str, ...]] = set()
    out: list[tuple[Candidate, Section]] = []
    review = bool(cue("review_document").search(source or text))
    kinds = [section_kind(s) for s in sections]
    if _protocol_only(sections, kinds) or _laboratory_only(text):
        return []
    citing = set(citing)
    arms = document_arms(text, sections)  # carried through the document in reading order
    if tagger is not None:
        arms.pending = []  # the sentences the tagger reads, in one batch at the end
    path, prev_kind = "", ""
    for index, (section, kind) in enumerate(zip(sections, kinds, strict=True)):
        if kind in skip or section.end <= section.start:
            continue
        if kind != section.kind:
            section = section.model_copy(update={"kind": kind})
        if section.title and kind not in ("table", "other"):
            path = section.title
        elif not section.title and prev_kind not in ("table", "other"):
            path = ""  # only prose resuming after a table or figure stays in its subsection
        prev_kind = kind
        baseline = bool(cue("label_path_baseline").search(path)) or _zh_baseline_path(path, kind)
        pos = section.start
        # the tagger is asked only where a study reports its own results, in English
        tagged = kind in TAGGED_KINDS and section.language == "en"
        arms.tagger = tagger if tagged else None
        arms.section, arms.baseline = section, baseline
        found: list[tuple[Candidate, Section]] = []
        cites = index in citing
        for b_start, b_end, form in _regions(text, section.start, section.end):
            found.extend(_prose(text, pos, b_start, section, terms, starts, baseline, arms, cites))
            if form == "pipe":
                caption = _caption(text, b_start)
                for c in table_candidates(text, b_start, b_end, caption, terms, seen, starts):
                    found.append((c, section))
            else:
                table = section.model_copy(update={"kind": "table"})
                for c in inline_table_candidates(text, b_start, b_end, terms, starts):
                    found.append((c, table))
            pos = b_end
        found.extend(_prose(text, pos, section.end, section, terms, starts, baseline, arms, cites))
        out.extend(found)
    if tagger is not None and arms.pending:
        out.extend(resolve_pending(text, arms.pending, tagger))
    if review:
        for c, _ in out:
            c.origin = "cited"
    return out


def _prose(
    text: str,
    lo: int,
    hi: int,
    section: Section,
    terms: list[Term],
    starts: list[int],
    baseline: bool,
    arms: ArmContext | None = None,
    cites: bool = False,
) -> list[tuple[Candidate, Section]]:
    kind = section.kind
    if kind == "other" and (
        cites or cue("citation_marker").search(text, section.start, section.end)
    ):
        kind = "review"  # narrative text citing others; figure captions rarely cite
    found = prose_candidates(text, lo, hi, section.language, kind, terms, starts, arms)
    _follow_up_outside_comparison(found)
    return [
        (c, section)
        for c in found
        if not _design_or_baseline(text, c, section.kind, baseline, section.language)
        and not _planned_size(text, c)
        and not _sex_breakdown(text, c)
        and not _reference_ratio(c)
        and not _treatment_time(text, c)
        and not (c.statistic == "median" and _time_threshold(text, c.mention))
        and not _baseline_finding(text, c)
    ]


def _follow_up_outside_comparison(found: list[Candidate]) -> None:
    """ "With a median follow-up of 8 years, OS was 60% vs. 45% (P = .01)": the follow-up frames
    the comparison its p value closes; it keeps no p value another value of it carries."""
    for c in found:
        if c.endpoint != "follow_up" or c.p == (None, None):
            continue
        if any(
            o is not c
            and o.endpoint != "follow_up"
            and o.p == c.p
            and o.mention.p_value is None
            and 0 <= o.span[0] - c.span[1] <= 300
            for o in found
        ):
            c.p = (None, None)


def to_record(text: str, c: Candidate, section: Section) -> Record | None:
    if c.endpoint is None or c.statistic is None or c.value is None:
        return None
    start, end = c.span
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if c.endpoint == "sample_size":  # GUIDELINES §4: sample sizes leave n and N empty
        c.n = c.N = None
    p_op, p_value = c.p
    ci_low, ci_high, ci_level = c.ci
    extractor = "rules"
    if c.source.startswith("model:"):
        extractor = f"rules+ner:{c.source.split(':', 1)[1]}"
    elif isinstance(c.group, TaggedArm):
        extractor = f"rules+ner:{TAGGER_NAME}"
    kind = "table" if c.mention.kind == "cell" or c.mention.rule == "header_arm_n" else section.kind
    if section.kind != "other":
        kind = section.kind
    return Record(
        endpoint=c.endpoint,  # type: ignore[arg-type]
        statistic=c.statistic,  # type: ignore[arg-type]
        value=c.value,
        unit=c.unit,
        n=c.n,
        N=c.N,
        ci_low=ci_low,
        ci_high=ci_high,
        ci_level=ci_level,
        p_op=p_op,  # type: ignore[arg-type]
        p_value=p_value,
        timepoint=c.timepoint,
        group=str(c.group) if c.group is not None else None,
        label=c.label,
        origin=c.origin,  # type: ignore[arg-type]
        language=section.language,
        section=kind,  # type: ignore[arg-type]
        span=Span(start=start, end=end),
        text=text[start:end],
        extractor=extractor,
    )


def confidence(c: Candidate, record: Record) -> float:
    """How sure assembly is of ``record`` (0-1): the calibrated probability that its value,
    endpoint and statistic are right, from the evidence it used (:mod:`.confidence`: how the
    endpoint was found, the term's distance, section, origin, validation warnings, endpoint
    class, count noun or denominator, table or prose; coefficients in ``confidence.json``)."""
    from trialex.extract.confidence import confidence as calibrated

    return calibrated(c, record)


def with_confidence(c: Candidate, record: Record, threshold: float) -> Record:
    """``record`` with its :func:`confidence`, and a ``low_confidence`` warning below
    ``threshold`` (the record is kept: a reviewer sorts and checks, nothing is dropped)."""
    score = confidence(c, record)
    warnings = list(record.warnings)
    if score < threshold and not any(f.code == "low_confidence" for f in warnings):
        warnings.append(
            Flag(
                code="low_confidence",
                message=f"confidence {score:.2f} is below {threshold:.2f} "
                f"(endpoint found by: {c.how or 'unknown'})",
            )
        )
    return record.model_copy(update={"confidence": score, "warnings": warnings})


__all__ = ["DASHES", "Candidate", "candidates", "confidence", "to_record", "with_confidence"]
