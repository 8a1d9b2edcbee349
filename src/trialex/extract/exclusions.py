"""What is no endpoint: design figures, baseline values, treatment times, thresholds, reference
ratios, sex breakdowns, laboratory-only and protocol-only documents.
"""

from __future__ import annotations

from trialex.extract.candidate import RATIO_STATISTICS, Candidate
from trialex.extract.prose import _zh_cohort
from trialex.extract.rules import cue
from trialex.records import Section


def _zh_baseline_path(path: str, kind: str) -> bool:
    """A results subsection on the patients' baseline ("2.1基线资料", "2.1 患者一般资料"). In
    methods the same heading ("1.1一般资料") is where the cohort and its follow-up are told."""
    return kind != "methods" and bool(cue("zh_label_path_baseline").search(path))


def _planned_size(text: str, c: Candidate) -> bool:
    """A cohort size the study plans or needs, wherever it stands (a protocol's abstract, a
    results section restating the design): "a total of 204 patients are to be enrolled",
    "28 participants is targeted", "the planned sample size of 62"."""
    if c.endpoint != "sample_size":
        return False
    m = c.mention
    return bool(
        cue("planned_size_after").match(text[m.end : m.end + 100])
        or cue("planned_size_before").search(text[max(0, m.start - 60) : m.start])
    )


def _design_or_baseline(
    text: str, c: Candidate, kind: str, baseline: bool, language: str = "en"
) -> bool:
    """Numbers that report no endpoint of the study by where they stand: a baseline
    subsection gives only its cohort sizes; a methods section only the sizes of the cohorts
    actually treated and the follow-up (doses, thresholds, power and planned sizes are
    design figures). A cohort size there is a count with a cohort verb ("35 patients were
    treated", "of the 68 patients accrued"), not "in 6 patients" with a characteristic."""
    if not baseline and kind != "methods":
        return False
    if c.endpoint == "follow_up":
        return baseline
    if c.endpoint != "sample_size":
        return True
    m = c.mention
    before = text[max(0, m.start - 40) : m.start]
    return not (
        cue("cohort_verb_right_after").match(text[m.end : m.end + 120])
        or cue("arm_definition").match(text[c.span[1] : c.span[1] + 80])
        or cue("cohort_before_count").search(before)
        or m.kind == "n_eq"
        or (language == "zh" and _zh_cohort(text, m))  # "纳入…患者78例", "回顾性分析86例患者"
    )


def _treatment_time(text: str, c: Candidate) -> bool:
    """ "after 4 weeks and 6 weeks of treatment", "12 months of therapy": a time of
    treatment or exposure is no survival median (a follow-up is read by its own term)."""
    if c.mention.kind != "duration" or c.endpoint == "follow_up" or c.statistic != "median":
        return False
    before = text[max(0, c.mention.start - 80) : c.mention.start]
    return bool(
        cue("treatment_time_after").match(text[c.mention.end : c.mention.end + 80])
        or cue("treatment_for_before").search(before)
        or cue("time_window_before").search(before)  # "within 6 months of starting ADT"
    )


def _baseline_finding(text: str, c: Candidate) -> bool:
    """ "In the pre-treatment evaluation, signs of heart disease were found in 33 patients
    (43%)", "at diagnosis, anaemia in 40%": a finding before treatment describes the cohort;
    it is no adverse event or outcome of the study."""
    if c.endpoint not in ("other", "adverse_events", "neurotoxicity"):
        return False
    lo = c.mention.start
    before = text[max(0, lo - 160) : lo]
    cut = max(before.rfind(". "), before.rfind("\n"), before.rfind("; "))
    return bool(cue("baseline_before_value").search(before[cut + 1 :]))


def _reference_ratio(c: Candidate) -> bool:
    """A ratio of exactly 1 with neither interval nor p ("HR 1.00 (reference)", a footnote
    mark read as "HR 1") is the reference level of a comparison, no result."""
    return (
        c.mention.kind in RATIO_STATISTICS
        and c.value == 1.0
        and c.ci[0] is None
        and c.ci[1] is None
        and c.p[1] is None
    )


def _sex_breakdown(text: str, c: Candidate) -> bool:
    """A count inside a cohort's breakdown by sex ("51 patients (43 men and 8 women)",
    "24 males, 20 females") describes the cohort: it reports no endpoint, not even a size."""
    m = c.mention
    if m.kind != "count":
        return False
    lo = max(0, m.start - 30)
    return any(
        b.start() <= m.start < b.end()
        for b in cue("sex_breakdown").finditer(text, lo, min(len(text), m.end + 30))
    )


def _laboratory_only(text: str) -> bool:
    """A laboratory or animal study (rats, mice, cell lines, xenografts, in vitro) that names
    hardly any patients or participants reports no clinical outcome: no records."""
    lab = len(cue("lab_study_noun").findall(text))
    if lab < 5:
        return False
    return len(cue("human_study_noun").findall(text)) < lab


def _protocol_only(sections: list[Section], kinds: list[str]) -> bool:
    """A trial protocol (PMC label paths with methods/design sections and no results section
    anywhere, the abstract included; no discussion either unless the methods are labelled as
    a design) reports no outcome: no records."""
    labelled = [
        k
        for s, k in zip(sections, kinds, strict=True)
        if cue("label_path").match((s.title or "").strip())
    ]
    if not labelled or "methods" not in labelled or "results" in labelled:
        return False
    design = any(cue("label_path_design").match((s.title or "").strip()) for s in sections)
    if "discussion" in labelled and not design:
        return False  # a protocol ("METHODS AND DESIGN", "TRIAL STATUS") may discuss its design
    return not any(
        cue("label_path_kind_results").search(s.title or "")
        for s in sections
        if (s.title or "").startswith("ABSTRACT")
    )
