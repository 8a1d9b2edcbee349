"""The unit of assembly: a value mention on its way to a record (:class:`Candidate`), the code sets
of the endpoint registry in force, and a section's kind.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from trialex.endpoints import live
from trialex.extract.numbers import Mention
from trialex.extract.rules import cue
from trialex.records import Section, Timepoint

# code sets of the endpoint registry in force (resources/endpoints.json, trialex.endpoints):
# durations report the codes allowing "median", time-point percentages (rates) those allowing
# "rate", counts those allowing "count"; labelled codes name their outcome in ``label``
TIME_ENDPOINTS = live(lambda r: r.allowing("median"))


RATE_ENDPOINTS = live(lambda r: r.allowing("rate"))


COUNTLESS_ENDPOINTS = live(lambda r: r.not_allowing("count"))


LABELLED_ENDPOINTS = live(lambda r: r.labelled())


VALUE_KINDS = frozenset({"pct", "pct_range", "count", "n_eq", "duration", "hr", "or", "rr"})


# a sentence is read for its values when it holds one of these (a deviation or a signed change
# may be a continuous outcome: :mod:`trialex.extract.continuous`)
SENTENCE_KINDS = VALUE_KINDS | {"p", "dispersion", "diff"}


RATIO_STATISTICS = {"hr": "hazard_ratio", "or": "odds_ratio", "rr": "risk_ratio"}


# how far after a count its cohort verb may come ("26 patients with a median age of 46 years
# (range, 19-70) were treated")
COHORT_AFTER = 200


@dataclass
class Candidate:
    """A value mention on its way to becoming a record."""

    mention: Mention
    endpoint: str | None = None
    statistic: str | None = None
    value: float | None = None
    unit: str | None = None
    n: int | None = None
    N: int | None = None
    ci: tuple[float | None, float | None, float | None] = (None, None, None)
    p: tuple[str | None, float | None] = (None, None)
    timepoint: Timepoint | None = None
    group: str | None = None
    label: str | None = None
    origin: str = "this_study"
    span: tuple[int, int] = (0, 0)
    source: str = "vocab"
    flags: list[str] = field(default_factory=list)
    # the evidence assembly used, read by :func:`confidence`: how the endpoint was found
    # ("clause", "sentence", "respectively", "table", "cohort", ...) and the term's distance
    how: str = ""
    term_gap: int | None = None
    term_len: int | None = None  # a bare abbreviation ("CR") is weaker evidence than a phrase


_PATH_KINDS = ("references", "results", "discussion", "conclusion", "introduction", "methods")


_PATH_NUMBERING = re.compile(r"^[\d.\s]+")


def section_kind(section: Section) -> str:
    """The kind of a section, read from a PMC label path when its title is one ("ABSTRACT:",
    "BODY.RESULTS.TOXICITY:", "BODY.MATERIALS AND METHODS.STATISTICAL METHODS:"): the first
    component names the kind, whatever kind the section was given."""
    m = cue("label_path").match((section.title or "").strip())
    if m is None:
        return section.kind
    if m.group("root") == "ABSTRACT":
        return "abstract"
    head = _PATH_NUMBERING.sub("", m.group("head") or "").split(".")[0]
    for kind in _PATH_KINDS:
        if head and cue(f"label_path_kind_{kind}").search(head):
            return kind
    return "other" if section.kind == "abstract" else section.kind
