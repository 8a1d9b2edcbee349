"""Linking a value to its endpoint term, origin, label, time point and interval: the term choice of
a clause, abbreviation merging and token-boundary refinement of terms.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence

from trialex.endpoints import live
from trialex.extract.candidate import LABELLED_ENDPOINTS, RATE_ENDPOINTS, TIME_ENDPOINTS, Candidate
from trialex.extract.numbers import Mention
from trialex.extract.rules import GLUED_AFTER, Term, assembly, cue
from trialex.extract.units import _BRACKETED
from trialex.records import Timepoint


def _terms_between(terms: list[Term], starts: list[int], lo: int, hi: int) -> list[Term]:
    i = bisect.bisect_left(starts, lo)
    out = []
    while i < len(terms) and terms[i].start < hi:
        if terms[i].end <= hi:
            out.append(terms[i])
        i += 1
    return out


def _is_qualifier(text: str, term: Term) -> bool:
    after = text[term.end : term.end + 14]
    before = text[max(0, term.start - 30) : term.start]
    if re.search(r"(?i)rates?$", text[term.start : term.end]) or re.match(
        r"(?i)\s?rates?\b", after
    ):
        return False
    if term.code in TIME_ENDPOINTS:
        return bool(cue("qualifier_after_term").search(after))
    return bool(
        cue("qualifier_after_term").search(after) or cue("qualifier_before_term").search(before)
    )


def timed_outcome(term: Term) -> bool:
    """An open outcome measured in time ("fluoroscopy time", "hospital stay", "sleep
    latency"): a duration can report it, as it reports a time endpoint."""
    return (
        term.source == "open"
        and term.code == "other"
        and bool(term.label and cue("timed_outcome_label").search(term.label))
    )


def choose_term(
    text: str,
    pos: int,
    end: int,
    candidates: list[Term],
    kind: str = "pct",
    others: Sequence[tuple[int, int]] = (),
) -> Term | None:
    """The endpoint term a value at ``[pos, end)`` reports: highest priority, then nearest.

    Durations only report time endpoints; percentages never report median-only ones. A clause
    naming both CR and CRh ("CR or CR with partial hematologic recovery (CRh)") is the composite.
    """
    priority = assembly().priority
    best: tuple[int, int, int, int] | None = None
    chosen = None
    codes = {t.code for t in candidates}
    before = [t for t in candidates if t.end <= pos and not _is_qualifier(text, t)]
    if before:
        outcome = _compared_outcome(text, max(before, key=lambda t: t.end), candidates)
        if outcome is not None and not (
            kind in ("pct", "pct_range") and outcome.code in TIME_ENDPOINTS - RATE_ENDPOINTS
        ):
            return outcome
    for t in candidates:
        inside = pos <= t.start and t.end <= end  # "hazard ratio for CR was 2.1"
        if not inside and _is_qualifier(text, t):
            continue
        if kind == "duration" and t.code not in TIME_ENDPOINTS and not timed_outcome(t):
            continue
        if kind in ("pct", "pct_range") and t.code in TIME_ENDPOINTS - RATE_ENDPOINTS:
            continue
        dist = pos - t.end if t.end <= pos else t.start - end if t.start >= end else 0
        gap_lo, gap_hi = (t.end, pos) if t.end <= pos else (end, t.start)
        between = any(gap_lo <= o[0] < gap_hi for o in others)
        gap = text[gap_lo:gap_hi]
        linked = not between and bool(
            cue("link_gap").match(gap)
            or (t.end <= pos and cue("label_gap").match(gap))
            # "the overall response rate (WHO criteria) was 15% (CR, 2%; ...)": a qualifier in
            # brackets between the outcome and its verb does not unlink them
            or (t.end <= pos and "(" in gap and cue("link_gap").match(_unbracketed(gap)))
        )
        if t.start >= end and text[pos:gap_lo].count("(") + gap.count("(") > text[pos:gap_lo].count(
            ")"
        ) + gap.count(")"):
            linked = False  # the term sits in a bracket the value is not in
        # a term after the value that stands behind the close of the value's own bracket ("a
        # higher rate of residual disease (41% vs. 30%), 5-year EFS ...") or in the group or
        # time phrase that follows it ("18% for patients who underwent transplant in first CR",
        # "23% at 5 years after diagnosis of chronic GVHD") is the value's term only when no
        # other term is there
        aside = t.start >= end and (
            gap.count(")") > gap.count("(") or bool(cue("group_after_value").match(gap))
        )
        if aside:
            linked = False
        # "relapse-free survival rates were superior (66% vs. 51%)", "the 1-year OS rate was
        # 94% for A, 98% for B": the last outcome headed by "rate(s)" before the value is the
        # value's outcome, before a term of higher priority named earlier
        headed = (
            t.end <= pos
            and _rate_headed(text, t, pos)
            and not any(
                u is not t and t.end <= u.start and u.end <= pos and _rate_headed(text, u, pos)
                for u in candidates
            )
        )
        if linked and t.start >= end:
            # "24% and non-relapse mortality was 11%": the term introduces the next value
            nxt = [o for o in others if o[0] >= t.end]
            if nxt:
                after = text[t.end : min(o[0] for o in nxt)]
                if cue("link_gap").match(after) and (
                    len(after) <= len(gap) or _own_term_before(text, pos, t, candidates, others)
                ):
                    linked = False
        # "an 80% to 87% overall response rate", "37% partial remission rate": a term right
        # after its value is its modifier, over a linked term of higher priority before it
        adjacent = (
            linked and t.start >= end and not gap.strip(" %") and "%" in text[end - 1 : t.start]
        )
        # "a median follow-up of 8 years, the median OS was 9.8 years in A and 7.1 years in B":
        # a term before the value with another term and its value in between is passed over
        passed = (
            not linked
            and t.end <= pos
            and any(
                t.end <= o.start and o.code != t.code and any(o.end <= v[0] < pos for v in others)
                for o in candidates
            )
        )
        key = (
            0 if linked else 2 if aside else 1,
            0 if adjacent else 1,
            0 if linked or headed else 1,
            1 if passed else 0,
            -priority.get(t.code, 2),
            abs(dist),
        )
        if best is None or key < best:
            best, chosen = key, t
    if chosen is not None and chosen.code in ("CR", "CRh") and {"CR", "CRh"} <= codes:
        chosen = Term(chosen.start, chosen.end, "CR_CRh", chosen.source)
    return chosen


def _rate_headed(text: str, t: Term, limit: int) -> bool:
    """The term heads a rate ("OS rate", "relapse-free survival rates were ...")."""
    return bool(cue("rate_head_after_term").match(text, t.end, min(limit, t.end + 16)))


def _enclosing_open(text: str, lo: int, pos: int) -> int:
    """Where the bracket holding ``pos`` opens (searching back to ``lo``): "(complete response
    (CR), 20.2%)" opens before "complete", not at "(CR)"; the last "(" when none is open."""
    depth = 0
    for i in range(pos - 1, lo - 1, -1):
        ch = text[i]
        if ch == ")":
            depth += 1
        elif ch == "(":
            if depth == 0:
                return i
            depth -= 1
    return text.rfind("(", 0, pos)


def _unbracketed(gap: str) -> str:
    """``gap`` without its (one level nested) bracketed parts."""
    return _BRACKETED.sub("", _BRACKETED.sub("", gap))


def _compared_outcome(text: str, t: Term, candidates: list[Term]) -> Term | None:
    """ "a decreased OS rate at 1 year, compared with CD19-positive relapses (30% vs. 68%)": a
    term right after "compared with"/"than" names the compared group; the values report the
    outcome term nearest before that phrase (None when there is none)."""
    m = cue("compared_group_before").search(text, max(0, t.start - 60), t.start)
    if m is None:
        return None
    prior = [
        o
        for o in candidates
        if o.code != t.code
        and o.end <= m.start()
        and m.start() - o.end <= 120
        and not _is_qualifier(text, o)
    ]
    return max(prior, key=lambda o: o.end) if prior else None


def _own_term_before(
    text: str, pos: int, following: Term, candidates: list[Term], others: Sequence[tuple[int, int]]
) -> bool:
    """Terms and values alternate ("an OS rate of 98% and an EFS rate of 95%"): the value at
    ``pos`` already has a term of its own right before it, with no other value between, so the
    ``following`` term, which introduces the next value, is not its term."""
    for t in candidates:
        if t is following or t.end > pos or t.code == following.code:
            continue
        if any(t.end <= o[0] < pos for o in others):
            continue
        if cue("link_gap").match(text[t.end : pos]) and len(text[t.end : pos]) <= 12:
            return True
    return False


CI_KINDS = frozenset({"pct", "duration", "hr", "or", "rr"})  # values a CI can belong to


def _declared_intervals(text: str, sent: tuple[int, int], values: list[Candidate]) -> None:
    """ "The CR rate (95% CI) was 67% (35-90)", "The median (95% CI) OS was 28.6 mo (0.6-NE)":
    once a sentence declares its brackets as CIs, a bare interval right after a later value is
    that value's CI (a "not estimable"/"NE" bound stays empty)."""
    declared = cue("declared_ci").search(text, sent[0], sent[1])
    if declared is None:
        return
    level = float(declared.group("level"))
    for c in values:
        if (
            c.ci != (None, None, None)
            or c.mention.kind not in CI_KINDS
            or c.mention.start < declared.end()
        ):
            continue
        interval = cue("bracket_interval").match(
            text[c.mention.end : min(sent[1], c.mention.end + 60)]
        )
        if interval is not None:
            high = interval.group("hi")
            c.ci = (float(interval.group("lo")), float(high) if high else None, level)


def _origin(text: str, sent: tuple[int, int], clause: tuple[int, int], kind: str) -> str:
    clause_text = text[clause[0] : clause[1]]
    sent_text = text[sent[0] : sent[1]]
    if cue("own_study").search(clause_text):
        return "this_study"
    if kind == "review":
        # narrative text that cites its sources (a PDQ summary): it reports others' trials
        return "this_study" if cue("own_study").search(sent_text) else "cited"
    if kind not in ("introduction", "discussion", "abstract", "other", "key_points", "conclusion"):
        return "this_study"
    if kind in ("abstract", "key_points", "conclusion"):
        # an abstract summarises its own study ("In this phase 2 trial", "In study 1022"): only
        # a citation or an explicit "previously reported" makes a number cited
        explicit = cue("citation_marker").search(clause_text) or cue("cited_explicit").search(
            clause_text
        )
        return "cited" if explicit else "this_study"
    if cue("citation_marker").search(clause_text) or cue("cited_clause").search(clause_text):
        return "cited"
    if kind in ("introduction", "discussion") and not cue("own_study").search(sent_text):
        if cue("citation_marker").search(sent_text) or cue("cited_clause").search(sent_text):
            return "cited"
        if kind == "introduction":
            return "cited"
    return "this_study"


def _label(text: str, clause: tuple[int, int], term: Term | None, code: str) -> str | None:
    grade = cue("grade").search(text[clause[0] : clause[1]])
    parts = []
    if code in LABELLED_ENDPOINTS and term is not None:
        # vocabulary: the term's own label (an entry's or a context rule's), else as printed
        parts.append(term.label or text[term.start : term.end])
    if grade:
        parts.append(grade.group(0).lower())
    return ", ".join(parts) or None


def _shared_label(source: Candidate) -> str | None:
    """The label a value takes over with the endpoint of the value it continues ("nausea (12%
    vs 5%)": both are nausea): the outcome name of an ``other``, ``adverse_events`` or
    ``time_to_event`` record, without the range-bound suffix of its own expansion."""
    if source.endpoint not in LABELLED_ENDPOINTS or not source.label:
        return None
    return source.label


_WORD_NUMBERS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
}


def _timepoint_list(
    text: str, mentions: list[Mention], m: Mention, clause: tuple[int, int]
) -> Timepoint | None:
    """ "1-, 3- and 5-year OS were 80%, 60% and 40%": a time point whose suspended hyphens list
    earlier time points gives one to each value of the clause after it, in order."""
    for t in mentions:
        if t.kind != "timepoint" or not (clause[0] <= t.start < clause[1]) or t.start > m.start:
            continue
        # (the list may straddle a clause cut: "1-, 2-, and 3-year")
        lead = cue("timepoint_list_before").search(text, max(0, t.start - 40), t.start)
        if lead is None or lead.end() != t.start:
            continue
        points = [
            float(_WORD_NUMBERS.get(x.lower(), x) if not x.isdigit() else x)
            for x in re.findall(
                r"(?i)\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten", lead.group(0)
            )
        ] + [t.value or 0.0]
        values = [v for v in mentions if v.kind == "pct" and t.end < v.start < clause[1]]
        if len(values) == len(points) and m in values:
            return Timepoint(value=points[values.index(m)], unit=t.unit or "years")
    return None


def _number_list_timepoint(
    text: str, mentions: list[Mention], m: Mention, span: tuple[int, int]
) -> Timepoint | None:
    """ "the local control rate of 3, 6, 12, 24, 36 months was 88%, 86%, 79%, 63%, 56%",
    "OS at 1, 2 and 3 years was 90%, 70% and 50%": a list of bare numbers before one time unit
    gives its time points, in order, to the percentages after it (to each run of them when the
    sentence lists several outcomes over the same time points)."""
    for lst in cue("timepoint_number_list").finditer(text, span[0], span[1]):
        if lst.end() > m.start:
            break
        points = [float(x) for x in re.findall(r"\d{1,3}", lst.group("points"))]
        values = [v for v in mentions if v.kind == "pct" and lst.end() < v.start < span[1]]
        if len(points) < 2 or m not in values or len(values) % len(points):
            continue
        unit = lst.group("unit").lower()
        unit = unit if unit.endswith("s") else unit + "s"
        return Timepoint(value=points[values.index(m) % len(points)], unit=unit)
    return None


def _in_number_list(text: str, m: Mention, span: tuple[int, int]) -> bool:
    """Whether ``m`` is one of the time points of a "at 1, 2 and 3 years" list."""
    return any(
        lst.start() <= m.start < lst.end()
        for lst in cue("timepoint_number_list").finditer(text, span[0], span[1])
    )


def _timepoint(mentions: list[Mention], m: Mention, clause: tuple[int, int]) -> Timepoint | None:
    pair = [t for t in mentions if t.kind == "timepoint" and clause[0] <= t.start < clause[1]]
    if len(pair) >= 2 and m.start > pair[-1].end:
        # "OS at 1 and 2 years was 36% and 20%", "1年、3年、5年的总生存率分别为81.8%、72.7%和
        # 63.6%": as many values as time points after them take the time points in order
        values = [v for v in mentions if v.kind == "pct" and pair[-1].end < v.start < clause[1]]
        if len(values) == len(pair) and m in values:
            t = pair[values.index(m)]
            return Timepoint(value=t.value or 0.0, unit=t.unit or "years")
    best = None
    for t in mentions:
        if t.kind != "timepoint" or not (clause[0] <= t.start < clause[1]) or t.value is None:
            continue
        dist = t.start - m.end if t.start >= m.end else (m.start - t.end) + 40
        if best is None or dist < best[0]:
            best = (dist, t)
    if best is None:
        return None
    return Timepoint(value=best[1].value or 0.0, unit=best[1].unit or "years")


def merge_abbreviations(text: str, terms: list[Term]) -> list[Term]:
    """Join "complete remission (CR)" into one term: an abbreviation in brackets right after a
    term belongs to it (and so is never read as a second endpoint)."""
    out: list[Term] = []
    for t in terms:
        if out:
            prev = out[-1]
            gap = text[prev.end : t.start]
            if gap.strip() == "(" and text[t.end : t.end + 1] == ")" and len(gap) <= 2:
                out[-1] = Term(prev.start, t.end + 1, prev.code, prev.source)
                continue
        out.append(t)
    return out


_SUBTYPES = live(lambda r: r.subtypes("CR"))


_LATIN = re.compile(r"[A-Za-z]")


def _inside_word(text: str, term: Term) -> bool:
    """An abbreviation term that is part of a longer word is no endpoint: "CR" in "PCR",
    "PCR-B", "CRP", "ACR", "CRC"; "OS" in "PCOS". A plural "CRs" and a word glued on by a
    PDF ("MRDnegative") keep their term."""
    word = text[term.start : term.end]
    if not word.isascii() or sum(c.isupper() for c in word) < 2:
        return False
    before = text[term.start - 1 : term.start] if term.start else ""
    after = text[term.end : term.end + 1]
    if after and GLUED_AFTER.match(text, term.end):
        after = ""  # a grade glued on in Chinese text: "aGVHDI~Ⅱ度"
    return bool(_LATIN.match(before)) or (after.isascii() and after.isupper())


def refine_terms(text: str, terms: list[Term]) -> list[Term]:
    """Context rules on the endpoint terms of a document (both the pipeline's and the
    vocabulary's), applied in order:

    * population phrases are not endpoints: "relapsed/refractory ALL", "relapsed or refractory",
      "refractory-relapsed", "relapsed ALL", "in first relapse" (the relapse endpoint keeps
      "12 (40%) relapsed", "cumulative incidence of relapse");
    * a bare "MRD" reports MRD response only as a label ("MRD = 81%", "MRD: 81%"), never in
      "MRD+ disease", "MRD-positive ALL", "MRD at the time of treatment";
    * a term naming a group is not the endpoint of its values: "in the chemotherapy and HSCT
      groups", "the transplant arm", "CR cohort";
    * an abbreviation in brackets defines the phrase before it: "a CR with no platelet
      recovery (CRp)" is CRp, "marrow CR without count recovery (CRi)" is CRi;
    * composite names read as one endpoint: "CR/CRi", "CR or CRi", "CR + CRi" are the paper's
      CR rate, "CR/CRh" (and "CR/CRh/CRi") is CR_CRh.
    """
    kept: list[Term] = []
    for t in terms:
        if _inside_word(text, t):
            continue
        if t.code in ("ORR", "CR", "PR") and cue("nonclinical_response_before").search(
            text[max(0, t.start - 40) : t.start]
        ):
            continue  # "the survey response rate", "questionnaire response"
        if t.code == "relapse" and (
            cue("population_before_relapse").search(text[max(0, t.start - 20) : t.start])
            or cue("population_after_relapse").match(text[t.end : t.end + 60])
        ):
            continue
        if (
            t.code == "MRD_response"
            and text[t.start : t.end] == "MRD"
            and not cue("mrd_outcome_after").match(text[t.end : t.end + 12])
        ):
            continue
        if cue("group_noun_after").match(text[t.end : t.end + 12]):
            continue
        kept.append(t)
    defined: list[Term] = []
    for t in kept:
        prev = defined[-1] if defined else None
        if (
            prev is not None
            and t.code != prev.code
            and text[t.start - 1 : t.start] == "("
            and text[t.end : t.end + 1] == ")"
            and t.end - t.start <= 8
            and cue("definition_gap").match(text[prev.end : t.start])
        ):
            defined[-1] = Term(prev.start, t.end + 1, t.code, t.source)
            continue
        defined.append(t)
    out: list[Term] = []
    for t in defined:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.code in ("CR", "CR_CRh")
            and (t.code in _SUBTYPES or (t.code == "CR_CRh" and prev.code == "CR"))
            and cue("composite_gap").match(text[prev.end : t.start])
        ):
            code = "CR_CRh" if "CR_CRh" in (prev.code, t.code) or t.code == "CRh" else "CR"
            out[-1] = Term(prev.start, t.end, code, prev.source)
            continue
        out.append(t)
    return out
