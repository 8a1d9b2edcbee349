"""The prose pass: values of a sentence, clause by clause, made into candidates (lists read
"respectively", "x vs y" pairs, coordinated values, counts and cohort sizes, p-value scope,
English and Chinese). Cue words are data (``resources/assembly.json``).
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from trialex.extract.arms import OUTCOME_KINDS, ArmContext, Pending, assign_groups, define_arms
from trialex.extract.candidate import (
    COHORT_AFTER,
    COUNTLESS_ENDPOINTS,
    LABELLED_ENDPOINTS,
    RATE_ENDPOINTS,
    RATIO_STATISTICS,
    SENTENCE_KINDS,
    TIME_ENDPOINTS,
    VALUE_KINDS,
    Candidate,
)
from trialex.extract.continuous import continuous_candidates
from trialex.extract.linking import (
    _declared_intervals,
    _enclosing_open,
    _in_number_list,
    _is_qualifier,
    _label,
    _number_list_timepoint,
    _origin,
    _shared_label,
    _terms_between,
    _timepoint,
    _timepoint_list,
    choose_term,
)
from trialex.extract.numbers import Mention, find_mentions, parse_number
from trialex.extract.rules import Term, cue
from trialex.extract.units import (
    _BRACKETED,
    _DIGIT,
    _NUMERIC,
    _PARAGRAPH,
    _in,
    clauses,
    paren_depths,
    sentences,
)
from trialex.records import Timepoint


@dataclass
class LeadIn:
    """A sentence that introduces a list ("The 1-year nonrelapse mortality rates were:"): its
    endpoint term and time point, for the bullet items after it that name none."""

    term: Term
    timepoint: Timepoint | None
    median: bool = False  # "The median OS times were:" lists durations


LEAD_KINDS = frozenset({"pct", "pct_range", "duration"})  # values a bullet item lists


def lead_in(
    text: str, sent: tuple[int, int], terms: list[Term], starts: list[int], language: str
) -> LeadIn | None:
    """The lead-in a sentence ending in a colon makes: its last endpoint term (not a
    qualifier) and its time point, when it reports no value of its own."""
    s_start, s_end = sent
    if not cue("lead_in_colon").search(text[s_start:s_end]):
        return None
    named = [t for t in _terms_between(terms, starts, s_start, s_end) if not _is_qualifier(text, t)]
    if not named:
        return None
    mentions = find_mentions(text[s_start:s_end], language, s_start)
    if any(m.kind in VALUE_KINDS for m in mentions):
        return None
    points = [m for m in mentions if m.kind == "timepoint"]
    tp = Timepoint(value=points[0].value or 0.0, unit=points[0].unit or "years") if points else None
    median = bool(cue("median").search(text, s_start, s_end))
    return LeadIn(named[-1], tp, median)


def _lead_value(text: str, m: Mention, lead: LeadIn) -> bool:
    """A bullet value a lead-in names: a percentage, or a duration under a median lead-in;
    never the term of a definition list ("- 41-60 years: 1.")."""
    if m.kind not in LEAD_KINDS or (m.kind == "duration" and not lead.median):
        return False
    return not re.match(r"\s?[:=]", text[m.end : m.end + 2])


def bullet_item(text: str, s_start: int) -> bool:
    """The sentence at ``s_start`` sits on a bullet line ("- 10% for patients with ...")."""
    line = text.rfind("\n", 0, s_start) + 1
    return bool(cue("bullet_item_start").match(text[line : s_start + 4]))


def prose_candidates(
    text: str,
    start: int,
    end: int,
    language: str,
    kind: str,
    terms: list[Term],
    starts: list[int] | None = None,
    arms: ArmContext | None = None,
) -> list[Candidate]:
    """``starts`` (the start offsets of ``terms``) is computed once per document by the caller:
    building it per block made long documents quadratic. ``arms`` carries the arms the
    document has defined so far from block to block (a fresh context when None)."""
    if starts is None:
        starts = [t.start for t in terms]
    if arms is None:
        arms = ArmContext()
    out: list[Candidate] = []
    paragraphs = [m.end() for m in _PARAGRAPH.finditer(text, start, end)]
    next_paragraph = start
    sents = list(sentences(text, start, end))
    lead: LeadIn | None = None  # the list a colon-ended sentence opened, for its bullet items
    timed: list[Candidate] = []  # the rates with a time point of the sentence before
    for i, (s_start, s_end) in enumerate(sents):
        sent_text = text[s_start:s_end]
        if s_start >= next_paragraph:
            # a paragraph that defines a trial's arms names them for its sentences before the
            # definition too ("A randomized trial included 419 patients. Patients received
            # either X or Y."); no sentence spans a line break, so the paragraph's sentences
            # are the block's from this one on
            k = bisect.bisect_right(paragraphs, s_start)
            next_paragraph = paragraphs[k] if k < len(paragraphs) else end
            ahead = ArmContext(list(arms.arms), arms.randomized)
            for a, b in sents[i:]:
                if a >= next_paragraph:
                    break
                before = ahead.arms
                define_arms(text, a, b, ahead)
                if ahead.arms is not before:
                    arms.arms, arms.randomized = ahead.arms, ahead.randomized
                    break
        define_arms(text, s_start, s_end, arms)
        if not (lead is not None and bullet_item(text, s_start)):
            lead = lead_in(text, (s_start, s_end), terms, starts, language)
            item_lead = None
        else:
            item_lead = lead
        # a digit or "%" (a quick scan) settles most sentences before the word-number test
        if not _DIGIT.search(sent_text) and not _NUMERIC.search(sent_text):
            continue
        mentions = find_mentions(sent_text, language, s_start)
        if not any(m.kind in SENTENCE_KINDS for m in mentions):
            continue
        if cue("design_sentence").search(sent_text):
            continue  # power, planned sizes, allocation ratios, simulations: design figures
        excluded = bool(cue("exclude_sentence").search(sent_text))
        mentions = coordinated_ratios(text, mentions)
        found = _sentence(
            text, (s_start, s_end), mentions, terms, starts, language, kind, arms, item_lead
        )
        if excluded and arms.pending and arms.pending[-1].sent == (s_start, s_end):
            last = arms.pending[-1]
            last.excluded = True  # its values keep no endpoint: tagged only for their groups
            if not last.fallback and not last.unlabelled:
                arms.pending.pop()
        found = [c for c in found if not _no_cohort(text, c, (s_start, s_end))]
        if bullet_item(text, s_start):
            _sibling_timepoints(text, found, timed, s_start)
        timed = [c for c in found if c.timepoint is not None] or (
            timed if bullet_item(text, s_start) and not found else []
        )
        out.extend(c for c in found if not excluded or c.endpoint == "sample_size")
    return out


def _no_cohort(text: str, c: Candidate, sent: tuple[int, int]) -> bool:
    """A value that reports no endpoint: a relative change ("a 20% relative decrease"), and a
    count that is no cohort size: patients excluded or withdrawn and their reasons
    ("excluded ... due to insufficient blood (n = 102)"), and counts of things that are not
    patients ("N = 31 parishes", "rats (N = 90)", "bootstrap sampling (n = 1000)", samples,
    genes, ears, cycles)."""
    m = c.mention
    if m.kind == "pct" and cue("relative_change_after").match(text[m.end : m.end + 30]):
        return True  # "a 20% relative decrease in mortality", "12% higher overall survival"
    if c.endpoint != "sample_size":
        return False
    clause = _in(clauses(text, sent[0], sent[1]), m.start)
    if m.kind == "n_eq" and cue("item_count_before").search(text[max(0, m.start - 8) : m.start]):
        return True  # "pharyngitis and bronchitis (each n = 2)": counts of events
    after = " ".join(text[m.end : m.end + 40].split()[:3]).removeprefix("of ")
    if cue("non_patient_unit").search(" ".join(after.split()[:2])):
        return True  # "22 cases of tumour specimens", "40 samples"
    enrolled = cue("cohort_verb_right_after").match(text[m.end : m.end + 120])
    # a bracketed "(n = 6)" of a list of reasons reaches back to the start of its clause
    near = (
        clause[0] if m.kind == "n_eq" else max(clause[0], m.start - 80),
        min(clause[1], m.end + 50),
    )
    if not enrolled and cue("exclusion_sentence").search(text, *near):
        return True  # not "44 patients were enrolled, of which 7 were ineligible"
    if cue("person_noun").search(text, m.start, m.end):
        return False
    lo = clause[0] if m.kind == "n_eq" else max(clause[0], m.start - 30)
    return bool(cue("non_patient_unit").search(text[lo : m.end + 20]))


def _elliptical_arm_size(
    text: str, m: Mention, sent: tuple[int, int], mentions: list[Mention]
) -> str | None:
    """ "1102 patients were randomised, with 554 in the eribulin arm and 548 in the
    capecitabine arm", "(322 to the nivolumab group and 318 to the docetaxel group)": a bare
    whole number that leaves out the count noun of an earlier cohort size of the sentence and
    is placed in an arm is that arm's size. The arm's name, or None."""
    if m.kind != "count" or m.N is not None or m.value is None or not m.value.is_integer():
        return None
    if not cue("elliptical_arm_size_before").search(text[max(sent[0], m.start - 12) : m.start]):
        return None
    arm = cue("elliptical_arm_size_after").match(text, m.end)
    if arm is None or arm.end() > sent[1]:
        return None
    sized = [
        x
        for x in mentions
        if x.kind == "count"
        and sent[0] <= x.start < m.start
        and x.value is not None
        and x.value > m.value
        and cue("person_noun").search(text, x.start, x.end + 14)
        and _cohort_size_mention(text, x, sent)
    ]
    return arm.group("arm").strip() if sized else None


def _cohort_size_mention(text: str, x: Mention, sent: tuple[int, int]) -> bool:
    """Whether the count ``x`` is written as the size of a cohort ("comprised 1102 patients",
    "a total of 210 patients were randomised", "640 patients in the ITT population"), not as a
    count of events ("twelve patients died")."""
    return bool(
        cue("cohort_before_count").search(text[max(sent[0], x.start - 40) : x.start])
        or cue("cohort_after_count").match(text[x.end : x.end + 120])
        or cue("cohort_verb_after").search(text, x.end, min(sent[1], x.end + 40))
        or re.match(r"\s?in\s(?:the\s)?(?:[\w-]+\s){0,2}?population\b", text[x.end : x.end + 50])
    )


def _sentence(
    text: str,
    sent: tuple[int, int],
    mentions: list[Mention],
    terms: list[Term],
    starts: list[int],
    language: str,
    kind: str,
    arms: ArmContext | None = None,
    lead: LeadIn | None = None,
) -> list[Candidate]:
    s_start, s_end = sent
    cls = clauses(text, s_start, s_end)
    depths = paren_depths(text[s_start:s_end])
    sent_terms = _terms_between(terms, starts, s_start, s_end)
    sent_terms = _drop_composite_definitions(text, sent_terms)
    cands: list[Candidate] = []
    origins: dict[tuple[int, int], str] = {}
    last_count: int | None = None
    for m in mentions:
        clause = _in(cls, m.start)
        clause_terms = [t for t in sent_terms if clause[0] <= t.start < clause[1]]
        if m.kind == "n_eq":
            prev = cands[-1] if cands else None
            if (
                prev is not None
                and prev.mention.kind == "pct"
                and prev.n is None
                and m.start - prev.span[1] < 40
                and _in(cls, prev.mention.start) == clause
                and not cue("subgroup_between").search(text, prev.mention.end, m.start)
            ):
                # "45% (n = 29)", "43% of these patients (n = 38)": the numerator; not "67% for
                # pts < 26 y (n = 12)": the size of the subgroup named in between
                prev.n = int(m.value or 0)
                continue
            c = Candidate(m, value=m.value, span=(m.start, m.end))
            # an open outcome phrase names no population: "(n = 6)" after it is a size
            sized = [t for t in clause_terms if t.source != "open"]
            head = _n_eq_term(text, m, clause, sized, s_start, depths)
            cause = _death_cause(text, m, sent_terms, s_start)
            if cause is not None:
                c.endpoint, c.statistic, c.unit, c.label = cause, "count", "patients", "cause"
                c.how = "cause"
            elif head is not None and cue("population_right_before_n_eq").search(
                text[max(s_start, m.start - 20) : m.start]
            ):
                # "an increased risk of death compared with all other patients (n = 682)": the
                # size of the population just named, not a count of the endpoint's events
                c.endpoint, c.statistic, c.unit = "sample_size", "count", "patients"
                c.how = "n_eq_population"
            elif (
                head is not None
                and not text.startswith("N", m.start)
                and not cue("subgroup_between").search(text, max(clause[0], m.start - 40), m.start)
            ):
                # "(N = 78)": a capital N is the size of the population before it, even after an
                # endpoint word ("median follow-up in all patients (N = 78)"); so is the n of a
                # subgroup just named ("67% for pts < 26 y (n = 12)", "in pts with CR (n = 31)")
                c.endpoint, c.statistic, c.unit, c.source = (
                    head.code,
                    "count",
                    "patients",
                    head.source,
                )
                c.label = _label(text, clause, head, head.code)
                c.how = "n_eq_term"
            elif any(x.mention.kind != "n_eq" for x in cands) and _in_list(
                text, m, s_start, depths
            ):
                continue
            elif _event_list_sibling(text, m, cands):
                continue  # "stroke (n = 5), epilepsy (n = 2)": an item the terms do not name
            else:
                c.endpoint, c.statistic, c.unit = "sample_size", "count", "patients"
                c.how = "n_eq"
            cands.append(c)
            continue
        if m.kind not in VALUE_KINDS:
            continue
        if _bracketed_threshold(text, m):
            continue
        c = Candidate(m, value=m.value, unit=m.unit, n=m.n, N=m.N, span=(m.start, m.end))
        arm_name = _elliptical_arm_size(text, m, sent, mentions)
        if arm_name is not None:
            c.endpoint, c.statistic, c.unit, c.n = "sample_size", "count", "patients", None
            c.how = "arm_size"
        of_these = cue("of_these").search(text[max(clause[0], m.start - 12) : m.end + 24])
        if of_these and last_count and c.N is None and m.kind in ("pct", "count"):
            c.N = last_count
        if m.kind in ("count", "pct") and m.n is not None:
            last_count = m.n
        if (
            m.rule == "pct_paren_count"
            and kind in ("introduction", "discussion")
            and re.search(r"\(\s?\d{1,3}\s?\)$", text[m.start : m.end])
        ):
            c.n = None  # "87.5% (12)" in a literature review is a reference number
        cands.append(c)

    if language == "en":
        _continuous(text, sent, mentions, cands, sent_terms)
    # CIs and p values attach to the values before them
    values = [c for c in cands]
    for m in mentions:
        if m.kind == "ci":
            prev = [c for c in values if c.span[1] <= m.start and m.start - c.span[1] < 60]
            if prev and prev[-1].ci == (None, None, None):
                prev[-1].ci = (m.ci_low, m.ci_high, m.ci_level)
    _declared_intervals(text, (s_start, s_end), values)
    last_p = s_start
    for m in mentions:
        if m.kind != "p":
            continue
        targets = [
            c
            for c in values
            if last_p <= c.span[0] < m.start
            and c.p == (None, None)
            and c.endpoint != "sample_size"
            and not _time_threshold(text, c.mention)
        ]
        between = [
            b.end()
            for b in re.finditer(r"\bbetween\b", text[last_p : m.start])
            if depths[last_p + b.start() - s_start] <= depths[m.start - s_start]
        ]
        if between and [c for c in targets if c.span[0] >= last_p + between[-1]]:
            targets = [c for c in targets if c.span[0] >= last_p + between[-1]]
        targets = _p_scope(text, m, targets, cls, depths, s_start)
        if targets:
            for c in targets:
                c.p = (m.p_op, m.p_value)
        else:
            c = Candidate(m, value=m.p_value, statistic="p_value", span=(m.start, m.end))
            c.how = "p_alone"
            c.p = (m.p_op, m.p_value)
            cands.append(c)
        last_p = m.end
    cands.sort(key=lambda c: c.span[0])
    if language == "zh":
        _zh_count_then_share(text, cands)
        _zh_among_denominator(text, cands)
    _denominators(cands)

    # "respectively": terms in order map onto top-level values in order
    resp = cue("respectively").search(text, s_start, s_end)
    assigned: dict[int, Term] = {}
    if language == "zh":
        assigned = _zh_respectively(text, (s_start, s_end), cands, sent_terms)
        resp = None  # "分别" comes before its values: read by _zh_respectively
    if resp:
        r_clause = _in(cls, resp.start())
        in_scope = [
            c for c in cands if r_clause[0] <= c.span[0] < resp.start() and c.endpoint is None
        ]
        if in_scope:
            top = min(depths[c.span[0] - s_start] for c in in_scope)
            tops = [c for c in in_scope if depths[c.span[0] - s_start] == top]
            # the values a "respectively" distributes follow its terms: values before them
            # ("At a median follow-up of 46 months, 5-year DFS and OS were x and y,
            # respectively") are none of them, so leading values are let go until the terms
            # before the rest can take them
            for skip in range(len(tops)):
                listed_values = tops[skip:]
                items = _respective_terms(text, sent_terms, r_clause, listed_values)
                if items:
                    size = len(listed_values) // len(items)
                    for i, c in enumerate(listed_values):
                        assigned[id(c)] = items[i // size]
                    break

    if resp and assigned:
        _repeated_respectively(
            text, resp.end(), s_start, s_end, cands, sent_terms, depths, assigned
        )
    if language == "zh" and not assigned:
        assigned = _zh_listed(text, cands, sent_terms, mentions)
    if language == "en" and not resp and not assigned:
        assigned = _paired_values(text, cls, cands, sent_terms, depths, s_start)

    result: list[Candidate] = []
    unresolved: list[Candidate] = []  # values the rules give no endpoint (the tagger may)
    prev_top: Candidate | None = None
    value_spans = [c.span for c in cands if c.mention.kind != "n_eq"]
    for c in cands:
        others = [v for v in value_spans if v != c.span]
        m = c.mention
        clause = _in(cls, c.span[0])
        clause_terms = [t for t in sent_terms if clause[0] <= t.start < clause[1]]
        depth = depths[c.span[0] - s_start]
        term = assigned.get(id(c))
        if (
            language == "zh"
            and m.kind == "count"
            and c.endpoint is None
            and cue("zh_negated_before").search(text, max(clause[0], c.span[0] - 14), c.span[0])
        ):
            continue  # "未达CR16例": a count of patients without the response
        if c.endpoint is None and term is None and language == "zh" and m.kind == "count":
            # "低CRP组16人发生aGVHD，高CRP组22人": the parallel clause's event, else a cohort
            twin = next(
                (
                    r
                    for r in reversed(cands)
                    if r.mention.kind == "count" and r.span[0] < c.span[0] and r.endpoint
                ),
                None,
            )
            same_bracket = (
                twin is not None
                and depth > 0
                and depths[twin.span[0] - s_start] == depth
                and not re.search(r"[)）]", text[twin.span[1] : c.span[0]])
            )
            if (
                twin is not None
                and not clause_terms
                and (twin.endpoint != "sample_size" or same_bracket)
            ):  # "(r/r 103 例, MRD+ 29 例)": the sizes of one list
                c.endpoint, c.source, c.label = twin.endpoint, twin.source, twin.label
                c.statistic, c.unit = twin.statistic, twin.unit
            elif _zh_cohort(text, m):
                c.endpoint, c.statistic, c.unit = "sample_size", "count", "patients"
        if c.endpoint is None and term is None:
            if (
                prev_top is not None
                and prev_top.endpoint not in (None, "sample_size")
                and _in(cls, prev_top.span[0]) == clause
                and not [
                    t
                    for t in clause_terms
                    if max(prev_top.mention.end, _enclosing_open(text, prev_top.span[1], c.span[0]))
                    <= t.start
                    < c.span[0]
                    # "including 28 CRs (34.1%)": the term right before the bracket is its own
                    or (
                        prev_top.mention.end <= t.start
                        and _term_opens_bracket(
                            text, t, _enclosing_open(text, prev_top.span[1], c.span[0])
                        )
                        and not _is_qualifier(text, t)
                    )
                ]
                and depth > depths[prev_top.mention.start - s_start]
                and prev_top.span[1] <= c.span[0]
            ):
                own = _linked_after(text, c, clause_terms, others)
                c.endpoint = own.code if own is not None else prev_top.endpoint
                c.how = "bracket"
                if own is None:
                    c.label = c.label or _shared_label(prev_top)
            elif cue("arm_definition").match(text[c.span[1] : c.span[1] + 80]):
                c.endpoint, c.statistic, c.unit = "sample_size", "count", "patients"
                c.how = "cohort"
                c.value = float(c.n) if c.n is not None else c.value
            elif (
                m.kind == "count"
                and m.N is None
                and not _predicate_term(text, c, clause_terms)
                and _cohort_count(text, c, clause, language)
            ):
                c.endpoint, c.statistic, c.unit = "sample_size", "count", "patients"
                c.how = "cohort"
            elif cue("exposure_after").match(text[c.span[1] : c.span[1] + 60]):
                continue
            elif (
                m.kind == "count"
                and m.rule == "of_whom"
                and cue("cohort_subset_after").match(text[m.end : m.end + 60])
            ):
                # "154 patients, 98 of whom were classified as standard risk": a stratum
                c.endpoint, c.statistic, c.unit = "sample_size", "count", "patients"
                c.how = "cohort"
            elif (
                m.kind == "count"
                and re.match(r"\s?(?:from|due to|of)\b", text[m.end : m.end + 8])
                and (cause := _death_cause(text, m, sent_terms, s_start))
            ):
                c.endpoint, c.label, c.how = cause, "cause", "cause"
            elif m.kind == "count" and m.extra.get("pair") is None:
                term = _count_term(text, c, clause, clause_terms, language, others)
                inherited = (
                    _inherit(text, c, cands, clause_terms, depths, s_start)
                    if term is None
                    else None
                )
                if inherited is not None:
                    c.endpoint, c.source, c.how = inherited.endpoint, inherited.source, "inherit"
                    c.label = c.label or _shared_label(inherited)
                elif term is None and m.N is None and _cohort_count(text, c, clause, language):
                    c.endpoint, c.statistic, c.unit = "sample_size", "count", "patients"
                    c.how = "cohort"
                elif term is None and m.N is not None:
                    term = choose_term(text, c.span[0], c.span[1], clause_terms, m.kind, others)
            else:
                term = choose_term(text, c.span[0], c.span[1], clause_terms, m.kind, others)
                term = _ratio_for_term(text, c, sent_terms) or term
                inherited = _inherit(text, c, cands, clause_terms, depths, s_start)
                compared = _compared(text, c, cls, clause, clause_terms, prev_top)
                partner = _vs_partner(text, c, cands, term)
                named, own_term = _outcome_named_after(text, c, sent_terms)
                if named and own_term is None:
                    continue  # "1 (3.0%) exhibited SD": its own outcome, none of the terms
                if own_term is not None:
                    term, partner = own_term, None  # "and 5 (10%) had stable disease"
                if partner is not None:
                    term = None
                    c.endpoint, c.source, c.how = partner.endpoint, partner.source, "compared"
                    c.label = c.label or _shared_label(partner)
                    c.term_gap, c.term_len = partner.term_gap, partner.term_len
                elif term is None and inherited is not None:
                    c.endpoint, c.source, c.how = inherited.endpoint, inherited.source, "inherit"
                    c.label = c.label or _shared_label(inherited)
                elif term is None and compared is not None:
                    c.endpoint, c.source, c.how = compared.endpoint, compared.source, "compared"
                    c.label = c.label or _shared_label(compared)
                elif term is None:
                    near = [
                        t
                        for t in sent_terms
                        if abs(t.start - c.span[0]) < 200
                        and not cue("contrast").search(
                            _BRACKETED.sub(
                                "", text[min(t.end, c.span[1]) : max(t.start, c.span[0])]
                            )
                        )
                        # "60% of patients have the variant, which predicts improved
                        # survival": an outcome of a relative clause after the value is
                        # what the value predicts, not what it reports
                        and not (
                            t.start >= c.span[1]
                            and cue("relative_clause_open").search(text, c.span[1], t.start)
                        )
                    ]
                    term = choose_term(text, c.span[0], c.span[1], near, m.kind, others)
                    c.how = "sentence"
        if c.endpoint is None and term is None and lead is not None and _lead_value(text, m, lead):
            term, c.how = lead.term, "lead_in"  # "- 10% for patients with scores of 0."
        if term is not None:
            c.endpoint, c.source = term.code, term.source
            if not c.how:
                c.how = "respectively" if id(c) in assigned else "clause"
            c.term_gap = max(0, term.start - c.span[1], c.span[0] - term.end)
            c.term_len = term.end - term.start
            if m.kind == "hr" and term.code in ("mortality", "relapse"):
                # "hazard ratio for death" compares overall survival; "for relapse or death"
                # relapse-free, "for progression or death" progression-free survival
                both = cue("composite_event").search(text, clause[0], c.span[1])
                if both is not None:
                    c.endpoint = "RFS" if both.group("rfs") else "PFS"
                elif term.code == "mortality":
                    c.endpoint = "OS"
            c.label = c.label or _label(text, clause, term, term.code)
        if (
            c.endpoint is None
            and m.kind == "hr"
            and cue("anaphoric_ratio").search(text, s_start, m.start)
        ):
            # "Adjustment did not change the hazard ratio (hazard ratio, 1.15)": the ratio of the
            # survival endpoint the sentence before named
            before = [
                t
                for t in _terms_between(terms, starts, max(0, s_start - 300), s_start)
                if t.code in TIME_ENDPOINTS and not _is_qualifier(text, t)
            ]
            if before:
                c.endpoint, c.source, c.how = before[-1].code, before[-1].source, "previous"
        if c.endpoint is None and m.kind in RATIO_STATISTICS:
            c.endpoint = "other"  # a ratio compares an outcome: none of the listed ones here
        if c.endpoint is None and result and _cohort_sibling(text, result[-1], c):
            c.endpoint, c.statistic, c.unit, c.how = (
                "sample_size",
                "count",
                "patients",
                "cohort_list",
            )
        if c.endpoint is None:
            if _open_value(text, c, clause):
                unresolved.append(c)
            continue
        if not _statistic(text, c, clause, (s_start, s_end), mentions):
            continue
        if c.how == "lead_in" and lead is not None:
            _lead_timepoint(c, lead)
        if clause not in origins:  # one answer per clause of the sentence
            origins[clause] = _origin(text, (s_start, s_end), clause, kind)
        c.origin = origins[clause]
        if term is not None and clause[0] <= term.start and term.end <= clause[1]:
            lo, hi = min(term.start, c.span[0]), max(term.end, c.span[1])
            crossing = any(lo <= o[0] < hi and o != c.span for o in others)
            if hi - lo <= 160 and not crossing:
                c.span = (lo, hi)
        if depth == 0 or prev_top is None:
            prev_top = c
        result.extend(_expand(c))
        if term is not None and c.statistic == "count" and term.start >= c.mention.end:
            result.extend(_coordinated(text, c, term, sent_terms))
    _cohort_list_siblings(text, result)
    if language == "zh":
        _zh_among(text, result)
    value_spans_all = [(m.start, m.end) for m in mentions if m.kind in VALUE_KINDS]
    ctx = arms if arms is not None else ArmContext()
    fallback = assign_groups(text, sent, cls, result, ctx, value_spans_all, sent_terms)
    if ctx.tagger is not None and ctx.pending is not None and ctx.section is not None:
        unlabelled = [c for c in result if c.endpoint == "other" and not c.label]
        if fallback or unresolved or unlabelled:
            ctx.pending.append(
                Pending(
                    sent=sent,
                    cls=cls,
                    found=result,
                    fallback=fallback,
                    unresolved=unresolved,
                    unlabelled=unlabelled,
                    mentions=mentions,
                    value_spans=value_spans_all,
                    terms=sent_terms,
                    ctx=ctx.snapshot(),
                    kind=kind,
                    section=ctx.section,
                    baseline=ctx.baseline,
                )
            )
    return result


_ZH_RESPECTIVELY = re.compile(r"分别")


def _continuous(
    text: str,
    sent: tuple[int, int],
    mentions: list[Mention],
    cands: list[Candidate],
    terms: Sequence[Term] = (),
) -> None:
    """Add the sentence's continuous outcomes (a mean with its SD, a signed change per arm) to
    ``cands``; a value read there replaces what the value grammar took inside it (the SD of
    "75.9 ± 19.4 min" is no duration of its own)."""
    soft = ("duration", "pct", "count")
    taken = [c.span for c in cands if c.mention.kind not in soft]
    values = [c.span for c in cands if c.mention.kind in soft]
    timed = any(t.code in TIME_ENDPOINTS and t.source != "open" for t in terms)
    for mention, code, label in continuous_candidates(text, sent, mentions, taken, values):
        if timed and any(
            c.span[0] == mention.start and c.mention.kind == "duration" for c in cands
        ):
            continue  # "mean follow-up 7.8 years (SD 4.6)": the duration of its time endpoint
        for c in [
            c
            for c in cands
            if mention.start <= c.span[0] < mention.end
            and c.mention.kind in ("duration", "pct", "count")
        ]:
            cands.remove(c)
        c = Candidate(
            mention, value=mention.value, unit=mention.unit, span=(mention.start, mention.end)
        )
        c.endpoint, c.statistic, c.label, c.source, c.how = (
            code,
            "mean",
            label,
            "open",
            "continuous",
        )
        cands.append(c)
    cands.sort(key=lambda c: c.span[0])


def _bracketed_threshold(text: str, m: Mention) -> bool:
    """ "significant coronary disease (>or=50%)": a threshold alone in brackets, no result."""
    return (
        m.kind == "pct"
        and bool(cue("bracketed_threshold").search(text, max(0, m.start - 10), m.start))
        and bool(re.match(r"\s?[)\]]", text[m.end : m.end + 2]))
    )


def _paired_values(
    text: str,
    cls: list[tuple[int, int]],
    cands: list[Candidate],
    sent_terms: list[Term],
    depths: list[int],
    s_start: int,
) -> dict[int, Term]:
    """Outcomes and values coordinated in the same order without "respectively": "The rates of
    CR and MRD negativity were 67.6% and 81%"; "Partial response and stabilization rates were 2%
    and 32%" (the outcome the vocabulary does not name is an open one, labelled as printed)."""
    assigned: dict[int, Term] = {}
    for clause in cls:
        vals = [
            c
            for c in cands
            if clause[0] <= c.span[0] < clause[1]
            and c.endpoint is None
            and c.mention.kind == "pct"
            and depths[c.span[0] - s_start] == 0
        ]
        if len(vals) < 2 or not all(
            cue("paired_value_gap").match(text[a.mention.end : b.mention.start])
            for a, b in itertools.pairwise(vals)
        ):
            continue
        lead_end = vals[0].mention.start
        if not cue("paired_subject_end").search(text, clause[0], lead_end):
            continue
        firsts: list[Term] = []
        for t in sent_terms:
            if (
                clause[0] <= t.start
                and t.end <= lead_end
                and not _is_qualifier(text, t)
                and t.code not in [f.code for f in firsts]
            ):
                firsts.append(t)
        if len(firsts) == len(vals):
            for c, t in zip(vals, firsts, strict=True):
                assigned[id(c)] = t
        elif len(firsts) == 1 and len(vals) == 2:
            o = cue("paired_open_second").match(text, firsts[0].end, lead_end)
            if o:
                second = Term(o.start("label"), o.end("label"), "other", "open", o.group("label"))
                assigned[id(vals[0])], assigned[id(vals[1])] = firsts[0], second
    return assigned


def _drop_composite_definitions(text: str, sent_terms: list[Term]) -> list[Term]:
    """ "The overall response rate (CR + PR) was 45%", "[complete response (CR) plus partial
    response (PR)]": a bracket after a term that spells out what it is made of (terms joined by
    "+", "plus", "and", "or", no number) holds no outcome of its own."""
    inside: list[tuple[int, int]] = []
    for o in sent_terms:
        if any(a <= o.start < b for a, b in inside):
            continue
        opened = cue("composite_bracket_open").match(text, o.end, o.end + 12)
        if not opened:
            continue
        depth, k, limit = 0, opened.end() - 1, min(len(text), opened.end() + 150)
        while k < limit:
            if text[k] in "([":
                depth += 1
            elif text[k] in ")]":
                depth -= 1
            if depth == 0:
                break
            k += 1
        inner = text[opened.end() : k]
        if depth == 0 and cue("composite_join").search(inner) and not re.search(r"\d", inner):
            inside.append((opened.end(), k))
    if not inside:
        return sent_terms
    return [t for t in sent_terms if not any(a <= t.start < b for a, b in inside)]


def _cohort_sibling(text: str, prev: Candidate, c: Candidate) -> bool:
    """``c`` is listed right after the cohort size ``prev`` ("29 patients with PD, 27 with MDP
    and 28 healthy volunteers")."""
    return (
        prev.endpoint == "sample_size"
        and c.endpoint != "sample_size"
        and c.mention.kind == "count"
        and c.N is None
        and c.statistic in (None, "count")
        and prev.mention.end <= c.mention.start
        and bool(cue("cohort_list_gap").match(text[prev.mention.end : c.mention.start]))
        and (
            c.mention.rule == "count"  # the value carries its noun: "28 healthy volunteers"
            or bool(cue("cohort_list_after").match(text[c.mention.end : c.mention.end + 40]))
        )
    )


def _cohort_list_siblings(text: str, result: list[Candidate]) -> None:
    """Counts listed after a cohort size are sizes too, whatever term the condition names
    ("27 with depression", "25 with anaemia")."""
    for prev, c in itertools.pairwise(list(result)):
        if _cohort_sibling(text, prev, c):
            c.endpoint, c.unit, c.label, c.how = "sample_size", "patients", None, "cohort_list"
            c.span = (c.mention.start, c.mention.end)


def _zh_respectively(
    text: str, sent: tuple[int, int], cands: list[Candidate], sent_terms: list[Term]
) -> dict[int, Term]:
    """ "5年无病生存率和总生存率分别为48.7%及59.4%": the terms of the sentence part before each
    "分别" take the values after it in order (one term for all of them: "两组的CR分别为59%和
    48%"); a part ends at the next "分别" or the next term."""
    out: dict[int, Term] = {}
    lo = sent[0]
    marks = list(_ZH_RESPECTIVELY.finditer(text, sent[0], sent[1]))
    for i, resp in enumerate(marks):
        later_terms = [t for t in sent_terms if t.start >= resp.end()]
        hi = min(
            marks[i + 1].start() if i + 1 < len(marks) else sent[1],
            later_terms[0].start if later_terms else sent[1],
        )
        values = [
            c
            for c in cands
            if resp.end() <= c.span[0] < hi
            and c.endpoint is None
            and c.mention.kind in ("pct", "duration", "count", "hr", "or", "rr")
        ]
        part = text.rfind("，", lo, resp.start())
        start = max(lo, part + 1 if part >= 0 else lo)
        firsts: list[Term] = []
        for t in sent_terms:
            if (
                start <= t.start
                and t.end <= resp.start()
                and not _is_qualifier(text, t)
                and t.code not in [f.code for f in firsts]
            ):
                firsts.append(t)
        if not values or not firsts or len(values) % len(firsts):
            firsts = firsts[-1:] if firsts else []
        if firsts:
            size = len(values) // len(firsts)
            for k, c in enumerate(values):
                out[id(c)] = firsts[min(k // size, len(firsts) - 1)]
        lo = hi
    return out


_ZH_LIST_JOIN = re.compile(r"\s?(?:[(（][^()（）]{1,16}[)）])?\s?(?:、|及|和|与|或|以及|，|,)\s?")


def _zh_listed(
    text: str, cands: list[Candidate], sent_terms: list[Term], mentions: list[Mention]
) -> dict[int, Term]:
    """Chinese lists without "分别": "A、B及C发生率无统计学差异(x% vs y%，P=…；x% vs y%，P=…；…)".
    The terms joined by 、/及/和 take the groups of rates after them in order, one group per
    term, a group ending at its p value."""
    runs: list[list[Term]] = []
    run: list[Term] = []
    for t in sent_terms:
        if run and t.start < run[-1].end:
            continue  # a term inside the one before ("GVHD" in "急性GVHD")
        if run and _ZH_LIST_JOIN.fullmatch(text, run[-1].end, t.start):
            run.append(t)
            continue
        if len(run) >= 2:
            runs.append(run)
        run = [t]
    if len(run) >= 2:
        runs.append(run)
    out: dict[int, Term] = {}
    for terms in runs:
        values = [
            c
            for c in cands
            if c.span[0] >= terms[-1].end and c.endpoint is None and c.mention.kind == "pct"
        ]
        if not values:
            continue
        ps = [m.start for m in mentions if m.kind == "p" and m.start > values[0].span[0]]
        groups: list[list[Candidate]] = [[]]
        for c in values:
            while ps and ps[0] < c.span[0]:
                ps.pop(0)
                if groups[-1]:
                    groups.append([])
            groups[-1].append(c)
        if len(groups) != len(terms):
            continue
        for term, group in zip(terms, groups, strict=True):
            for c in group:
                out[id(c)] = term
    return out


def _compared(
    text: str,
    c: Candidate,
    cls: list[tuple[int, int]],
    clause: tuple[int, int],
    clause_terms: list[Term],
    prev_top: Candidate | None,
) -> Candidate | None:
    """ "The CR rate was 90% with A, while it was 50% with B": a value in a clause that opens
    with a comparison ("while", "whereas", "compared with") and names no endpoint reports the
    endpoint of the value it is compared with (the last one of the clause before)."""
    if clause_terms or prev_top is None or prev_top.endpoint in (None, "sample_size"):
        return None
    k = cls.index(clause) if clause in cls else 0
    if k == 0 or not (cls[k - 1][0] <= prev_top.span[0] < cls[k - 1][1]):
        return None
    if prev_top.mention.kind != c.mention.kind:
        return None
    if not cue("comparison_join").match(text[cls[k - 1][1] : clause[1]]):
        return None
    if not cue("comparison_anaphor").search(text, clause[0], clause[1]):
        return None  # "whereas 14 (56%) had persistent CD19 expression" names its own outcome
    return prev_top


def _outcome_named_after(
    text: str, c: Candidate, sent_terms: list[Term]
) -> tuple[bool, Term | None]:
    """ "4 (12.1%) achieved CR, 26 (78.8%) PR, 1 (3.0%) exhibited SD": a value whose own verb
    names its outcome ("achieved", "had", "exhibited" ...) reports that outcome: (True, the
    term of that predicate), or (True, None) when no endpoint term stands there (no term
    elsewhere in the sentence is its own); (False, None) without such a verb."""
    lo = c.mention.end
    verb = cue("outcome_verb_after").match(text[lo : lo + 40])
    if verb is None:
        return False, None
    rest = text[lo + verb.end() : lo + verb.end() + 60]
    stop = re.search(r"[,;.)(]|\b(?:and|or|in|after|with|vs)\b", rest)
    end = lo + verb.end() + (stop.start() if stop else len(rest))
    own = [t for t in sent_terms if lo <= t.start < end and not _is_qualifier(text, t)]
    return True, own[0] if own else None


def _respective_terms(
    text: str, sent_terms: list[Term], clause: tuple[int, int], values: list[Candidate]
) -> list[Term]:
    """The terms before ``values`` in ``clause`` that a "respectively" maps them onto, in order
    (one term per equal share of the values), or none."""
    first = values[0].span[0]
    seen: list[tuple[str, ...]] = []
    terms: list[Term] = []
    for t in sent_terms:
        if t.start >= first or t.start < clause[0] or _is_qualifier(text, t):
            continue
        key = _term_key(text, t)
        if key not in seen:
            seen.append(key)
            terms.append(t)
    listed = _term_list(text, terms, len(values))
    if listed:
        return listed
    k = len(terms)
    while k >= 2 and len(values) % k:
        k -= 1
    return terms[-k:] if k >= 2 else []


def _term_key(text: str, t: Term) -> tuple[str, ...]:
    """What tells two terms of a "respectively" list apart: the endpoint code, and for codes
    that name their outcome in ``label`` (adverse events, other) the outcome itself ("nausea and
    vomiting ... 62% and 41%, respectively" are two outcomes of one code)."""
    if t.code in LABELLED_ENDPOINTS:
        return (t.code, (t.label or text[t.start : t.end]).lower())
    return (t.code,)


def _term_list(text: str, terms: list[Term], values: int) -> list[Term]:
    """The last run of terms joined only by list joiners ("A, B and C", "A and/or B") whose
    length divides the number of values: the items a "respectively" distributes, rather than a
    category noun nearer the values ("nausea and vomiting were the most frequent toxicities,
    occurring in 62% and 41%, respectively")."""
    joiner = cue("term_list_joiner")
    runs: list[list[Term]] = []
    for t in terms:
        if runs and joiner.search(text[runs[-1][-1].end : t.start]):
            runs[-1].append(t)
        else:
            runs.append([t])
    for run in reversed(runs):
        if len(run) >= 2 and values % len(run) == 0:
            return run
    return []


def _repeated_respectively(
    text: str,
    pos: int,
    s_start: int,
    s_end: int,
    cands: list[Candidate],
    sent_terms: list[Term],
    depths: list[int],
    assigned: dict[int, Term],
) -> None:
    """ "PFS and OS were 2.7 and 5.3 months, respectively, for arm A, and 3.8 and 6.9 months,
    respectively, for arm B": each later "respectively" whose values name no term of their
    own takes the terms of the first, in order (``assigned`` is extended in place)."""
    order: list[Term] = []
    for c in cands:
        t = assigned.get(id(c))
        if t is not None and t not in order:
            order.append(t)
    if len(order) < 2:
        return
    for resp in cue("respectively").finditer(text, pos, s_end):
        scope = [
            c
            for c in cands
            if pos <= c.span[0] < resp.start() and c.endpoint is None and id(c) not in assigned
        ]
        if not scope or any(
            pos <= t.start < resp.start() and not _is_qualifier(text, t) for t in sent_terms
        ):
            return
        top = min(depths[c.span[0] - s_start] for c in scope)
        tops = [c for c in scope if depths[c.span[0] - s_start] == top]
        if len(tops) != len(order):
            return
        for c, t in zip(tops, order, strict=True):
            assigned[id(c)] = t
        pos = resp.end()


def _term_opens_bracket(text: str, t: Term, open_at: int) -> bool:
    """The bracket at ``open_at`` opens right after the term ("CRs (", "OS rate (", "overall
    survival rates (OS) (")."""
    if open_at < t.end:
        return False
    return open_at - t.end <= 2 or bool(cue("label_gap").match(text[t.end : open_at + 1]))


def _vs_partner(
    text: str, c: Candidate, cands: list[Candidate], term: Term | None
) -> Candidate | None:
    """ "98% vs. 95%", "10.2 vs 10.8 months": the second value of a comparison reports the
    endpoint of the first (its own clause may name an earlier endpoint nearer to neither),
    unless the term chosen for it stands between the two or after it."""
    before = [p for p in cands if p.mention.end <= c.mention.start and p is not c]
    if not before:
        return None
    p = before[-1]
    if p.endpoint in (None, "sample_size") or p.mention.kind != c.mention.kind:
        return None
    if not cue("vs_partner_gap").match(text[p.mention.end : c.mention.start]):
        return None
    if term is not None and term.start >= p.mention.start:
        return None
    return p


def _p_scope(
    text: str,
    p: Mention,
    targets: list[Candidate],
    cls: list[tuple[int, int]],
    depths: list[int],
    s_start: int,
) -> list[Candidate]:
    """The values a p value belongs to: those of the comparison it closes. Inside a bracket
    with values before it ("(hazard ratio, 0.77; 97.5% CI ...; P = .02)") only the bracket's
    values; else the values of its clause (or of the clause it follows: "53% vs 24%; P = .005"),
    and of those only the last "X vs Y" pair when the clause holds one."""
    if not targets:
        return targets
    depth = depths[p.start - s_start]
    anchor = p.start
    if depth > 0:
        while anchor > s_start and depths[anchor - s_start] >= depth:
            anchor -= 1
        inner = [c for c in targets if c.span[0] > anchor]
        if inner:
            return inner
    k = next((i for i, (a, b) in enumerate(cls) if a <= anchor < b), len(cls) - 1)
    first_k = k  # "X, while Y (p = .02)" and "X; contrariwise, Y (p = .03)" compare X and Y
    while first_k > 0 and cue("comparison_join").match(text[cls[first_k - 1][1] : cls[first_k][1]]):
        first_k -= 1
    scoped = [c for c in targets if cls[first_k][0] <= c.span[0] < cls[k][1]]
    if not scoped and k > 0:
        scoped = [c for c in targets if cls[k - 1][0] <= c.span[0] < cls[k - 1][1]]
    if not scoped:
        return targets
    top = min(depths[c.span[0] - s_start] for c in scoped)
    tops = [c for c in scoped if depths[c.span[0] - s_start] == top]
    for i in range(len(tops) - 1, 0, -1):
        if cue("vs").search(text, tops[i - 1].span[1], tops[i].span[0]):
            first = tops[i - 1].span[0]
            return [c for c in scoped if c.span[0] >= first]
    return scoped


def _coordinated(text: str, c: Candidate, term: Term, sent_terms: list[Term]) -> list[Candidate]:
    """ "1 patient developed grade 1 CRS and grade 1 ICANS": the count also reports the
    endpoint joined to its term by and/or (one record per endpoint)."""
    out: list[Candidate] = []
    last = term
    for t in sent_terms:
        if t.start < last.end:
            continue
        if not cue("coordination").match(text[last.end : t.start]) or t.code == c.endpoint:
            break
        twin = Candidate(
            c.mention,
            endpoint=t.code,
            statistic=c.statistic,
            value=c.value,
            unit=c.unit,
            n=c.n,
            N=c.N,
            label=c.label,
            origin=c.origin,
            span=(c.mention.start, t.end),
            source=t.source,
            how="coordinated",
        )
        out.append(twin)
        last = t
    return out


def _death_cause(text: str, m: Mention, sent_terms: list[Term], s_start: int) -> str | None:
    """In a sentence about deaths, a count of one cause ("infection (n = 1)", "5 from
    treatment-related toxicity") is NRM for non-relapse causes, else mortality (GUIDELINES §4)."""
    if not any(t.code in ("mortality", "NRM") and t.end <= m.start for t in sent_terms):
        return None
    item_start = max(s_start, m.start - 60)
    item_end = m.start
    while item_end > item_start and text[item_end - 1] in " ,;(":
        item_end -= 1
    for sep in (",", ";", "(", ":"):
        k = text.rfind(sep, item_start, item_end)
        if k >= 0:
            item_start = max(item_start, k + 1)
    item = text[item_start : m.start] + text[m.end : m.end + 40].split(",")[0].split(";")[0]
    if cue("nonrelapse_cause").search(item):
        return "NRM"
    if cue("relapse_cause").search(item):
        return "mortality"
    return None


_ZH_SHARE_GAP = re.compile(r"[^，。；,;\d%()（）]{0,16}[(（]\s?(?:占|约占|约)?\s?")


def _zh_count_then_share(text: str, cands: list[Candidate]) -> None:
    """ "6例接受化疗，4例完全缓解（占66.7%）": the share in brackets after a count and its
    event is that count's (n), so its denominator can be found (:func:`_denominators`)."""
    for prev, c in itertools.pairwise(cands):
        if (
            c.mention.kind == "pct"
            and c.n is None
            and prev.mention.kind == "count"
            and prev.mention.n is not None
            and prev.mention.N is None
            and _ZH_SHARE_GAP.fullmatch(text, prev.span[1], c.span[0])
        ):
            c.n = prev.mention.n


def _zh_among_pairs(text: str, cands: list[Candidate]) -> Iterator[tuple[Candidate, Candidate]]:
    """Pairs of counts "N例中，M例" (M <= N): the first is the denominator of the second."""
    counts = sorted((c for c in cands if c.mention.kind == "count"), key=lambda c: c.mention.start)
    for prev, c in itertools.pairwise(counts):
        whole, part = prev.mention.n, c.mention.n
        if whole is None or part is None or part > whole or prev.mention.N is not None:
            continue
        if cue("zh_among_gap").fullmatch(text, prev.mention.end, c.mention.start):
            yield prev, c
        elif cue("zh_among_named_subset").fullmatch(text, prev.mention.end, c.mention.start):
            yield prev, c  # "45例阳性表达患者中首疗程完全缓解(CR)31例": a named subset


def _zh_among_denominator(text: str, cands: list[Candidate]) -> None:
    """ "92例中，24例出现复发": the count after "N例中" has N as its denominator."""
    for prev, c in _zh_among_pairs(text, cands):
        if c.N is None:
            c.N = prev.mention.n


def _zh_among(text: str, found: list[Candidate]) -> None:
    """ "阳性的26例中，22例出现复发": a count closed by 中 ("among") is the denominator of the
    count right after it, not an event of its own. The later count takes it as N; the earlier
    one is the size of the subset it names (a sample size), whatever term came before it."""
    for prev, _part in _zh_among_pairs(text, found):
        if prev.endpoint not in (None, "sample_size"):
            prev.endpoint, prev.statistic, prev.unit = "sample_size", "count", "patients"
            prev.label, prev.n, prev.N = None, None, None
            prev.span = (prev.mention.start, prev.mention.end)
            prev.how = "cohort"


def _denominators(cands: list[Candidate]) -> None:
    """ "Of the 25 patients ..., 6 (24%) underwent alloHSCT": a percentage with n but no N takes
    the nearest earlier number of its sentence that reproduces it (n/N rounds to the value)."""
    for i, c in enumerate(cands):
        if c.mention.kind != "pct" or c.n is None or c.N is not None or not c.value:
            continue
        for prev in reversed(cands[:i]):
            pm = prev.mention
            options = [prev.N, prev.n if pm.kind == "count" else None]
            if pm.kind == "n_eq" and prev.value is not None:
                options.append(int(prev.value))
            found = next(
                (d for d in options if d and d >= c.n and abs(100 * c.n / d - c.value) <= 0.6),
                None,
            )
            if found:
                c.N = found
                break


def _linked_after(
    text: str, c: Candidate, clause_terms: list[Term], others: Sequence[tuple[int, int]]
) -> Term | None:
    """The term a value names right after itself ("2 with isolated CNS relapse")."""
    for t in clause_terms:
        if t.start < c.span[1]:
            continue
        gap = text[c.span[1] : t.start]
        if len(gap) > 40 or not cue("link_gap").match(gap):
            return None
        if any(c.span[1] <= o[0] < t.start for o in others):
            return None
        return None if _is_qualifier(text, t) else t
    return None


def _in_list(text: str, m: Mention, s_start: int, depths: list[int]) -> bool:
    """An "n = 3" inside a bracketed list of items ("(regimen A, n = 3; regimen B, n = 1)")
    counts a breakdown, not a cohort."""
    depth = depths[m.start - s_start]
    if depth == 0:
        return False
    lo = m.start
    while lo > s_start and depths[lo - s_start] >= depth:
        lo -= 1
    hi = m.end
    while hi < s_start + len(depths) and depths[hi - s_start] >= depth:
        hi += 1
    return ";" in text[lo:hi]


def _inherit(
    text: str,
    c: Candidate,
    cands: list[Candidate],
    clause_terms: list[Term],
    depths: list[int],
    s_start: int,
) -> Candidate | None:
    """A breakdown after a colon or in a list ("achieved CR: 13 of 25 after X, and 3 of 4 after
    Y") reports the endpoint of the value it elaborates."""
    if clause_terms:
        return None
    depth = depths[c.span[0] - s_start]
    before = [
        p
        for p in cands
        if p.span[1] <= c.span[0]
        and p.endpoint not in (None, "sample_size")
        and depths[p.span[0] - s_start] <= depth
    ]
    if not before:
        return None
    prev = before[-1]
    gap = text[prev.span[1] : c.span[0]]
    if ":" not in gap and not re.search(r",\s(?:and\s)?$", gap[-6:]):
        return None
    if re.search(r";|\b(?:whereas|while|but)\b", gap):
        return None
    return prev


def _n_eq_term(
    text: str,
    m: Mention,
    clause: tuple[int, int],
    clause_terms: list[Term],
    s_start: int,
    depths: list[int],
) -> Term | None:
    """The endpoint an "n = 7" counts: a term just before it in its own bracket or list item
    ("CD22neg/dim, n = 7"), else the head term before the bracket that holds the list ("died
    (progressive disease, n = 4; infection, n = 1)"); None means a cohort size."""
    depth = depths[m.start - s_start]
    open_at = m.start
    while open_at > clause[0] and depths[open_at - s_start] >= depth and depth > 0:
        open_at -= 1
    item_start = max(clause[0], m.start - 40)
    for sep in (";", "(", "["):
        k = text.rfind(sep, item_start, m.start)
        if k >= 0:
            item_start = max(item_start, k)
    near = [t for t in clause_terms if item_start <= t.start and t.end <= m.start]
    if near and near[-1].code not in ("transplant", "relapse"):
        return near[-1]
    if depth > 0:
        heads = [
            t
            for t in clause_terms
            if t.end <= open_at
            and open_at - t.end < 40
            and not _is_qualifier(text, t)
            and not _closed_item_between(text, t.end, open_at)
        ]
        if heads:
            return heads[-1]
    return None


def _event_list_sibling(text: str, m: Mention, cands: list[Candidate]) -> bool:
    """An "n = x" after an earlier "n = y" of an event list ("leukoencephalopathy (n = 10),
    stroke (n = 5), epilepsy (n = 2)") counts an event too, never a cohort size."""
    prev = [x for x in cands if x.mention.kind == "n_eq" and x.mention.end <= m.start]
    if not prev or prev[-1].endpoint in (None, "sample_size"):
        return False
    gap = text[prev[-1].mention.end : m.start]
    return len(gap) < 80 and bool(re.match(r"\s?[)\]）]\s?[,;，；]", gap))


def _cohort_with_condition(text: str, c: Candidate, clause: tuple[int, int]) -> bool:
    """ "In a series of 16 patients with Sezary syndrome after transplant", "studied in 6
    patients with haemorrhagic fever": a count a study is made of, defined by a condition
    after it (which names no event the count reports)."""
    m = c.mention
    if not cue("cohort_with_after").match(text[m.end : m.end + 60]):
        return False
    before = text[max(clause[0], m.start - 50) : m.start]
    if cue("cohort_context_before").search(before):
        return True
    if clause[0] >= m.start - 50 and cue("cohort_of_opening").match(before):
        return True  # "Of 14 patients with CNS involvement, 6 achieved CR": a denominator
    # "5 patients with acute renal failure induced by X are described": a case series;
    # "52 adults with chronic kidney disease or hypertension were randomized": the cohort
    stop = text.find(". ", m.end, m.end + 200)
    stop = stop if stop > 0 else m.end + 200
    return bool(
        cue("case_report_verb").search(text, m.end, stop)
        or cue("cohort_design_verb").search(text, m.end, stop)
    )


def _closed_item_between(text: str, lo: int, hi: int) -> bool:
    """ "stroke (n = 5), epilepsy (n = 2)": a bracket closes between a term and the next
    bracket, so the term heads an earlier list item, not this one."""
    return ")" in text[lo:hi] or "）" in text[lo:hi]


def _count_term(
    text: str,
    c: Candidate,
    clause: tuple[int, int],
    clause_terms: list[Term],
    language: str,
    others: Sequence[tuple[int, int]] = (),
) -> Term | None:
    """Which endpoint a bare count reports: a term after it with no relative clause in between,
    or a term right before it in the same clause ("grade 3 CRS in 2 patients")."""
    if _cohort_with_condition(text, c, clause):
        return None  # "in a series of 16 patients with X after transplant": a cohort
    after = [t for t in clause_terms if t.start >= c.span[1]]
    own_before = _term_before_in_clause(text, c, clause, clause_terms)
    for t in after:
        gap = text[c.span[1] : t.start]
        if len(gap) > 90 or cue("relative_pronoun").search(gap) or "(" in gap:
            break
        if own_before is not None and cue("next_coordinate_gap").match(gap):
            break  # "CR was obtained in 12 patients and PR in 5": the next item's term
        if language == "zh" and _ZH_BREAK_WORDS.search(gap):
            break  # "复发3例，死亡2例": the term after the comma is the next count's
        if any(c.span[1] <= o[0] < t.start for o in others):
            break
        if not _is_qualifier(text, t):
            return t
    before_text = text[max(clause[0], c.span[0] - 40) : c.span[0]]
    if c.N is None and (
        cue("cohort_strict").search(before_text) or _cohort_count(text, c, clause, language)
    ):
        return None
    before = [t for t in clause_terms if t.end <= c.span[0] and c.span[0] - t.end < 60]
    if before and language == "zh":
        t = before[-1]
        # "4例PR，另10例…", "1例死亡，1例失访": a term another count holds (a value between, or
        # a count right before the term) is not this count's
        if any(
            t.end <= o[0] < c.span[0] or (o[1] <= t.start and not text[o[1] : t.start].strip())
            for o in others
        ):
            return None
    if before and not _is_qualifier(text, before[-1]):
        return before[-1]
    return None


def _term_before_in_clause(
    text: str, c: Candidate, clause: tuple[int, int], clause_terms: list[Term]
) -> Term | None:
    """The outcome a verb ties to the count after it in the same clause: "CR was obtained in
    12 patients", "remission occurred in 9"."""
    before = [t for t in clause_terms if clause[0] <= t.start and t.end <= c.span[0]]
    if not before or _is_qualifier(text, before[-1]):
        return None
    gap = text[before[-1].end : c.span[0]]
    return before[-1] if cue("outcome_verb_gap").match(gap) else None


def _predicate_term(text: str, c: Candidate, clause_terms: list[Term]) -> Term | None:
    """The endpoint a count's own verb names: "20 patients were treated with HSCT" (a term
    within the verb phrase), not "49 patients were treated and the CR rate was 68%"."""
    after = text[c.span[1] : c.span[1] + COHORT_AFTER]
    verb = cue("cohort_after_count").match(after)
    if verb is None:
        return _count_term(text, c, (c.span[0], c.span[1] + 90), clause_terms, "en")
    end = c.span[1] + verb.end()
    reach = end + 25
    for t in clause_terms:
        if c.span[1] <= t.start < reach and not re.search(r",|;|\band\b", text[end : t.start]):
            return t
    return None


def _zh_cohort(text: str, m: Mention) -> bool:
    """A Chinese count of patients studied: "78例异基因移植患者", "患者78例" (not "6例患者发生")."""
    if m.kind != "count" or m.N is not None or m.extra.get("pair") is not None:
        return False
    lo = m.end
    if cue("zh_subset_before_count").search(text, max(0, m.start - 6), m.start):
        # "其中8例患儿经多种抗生素联合治疗": a part of the cohort just named, unless an arm is
        # defined there ("其中50例复发患者作为研究组")
        close = _ZH_BREAK_WORDS.search(text, lo, min(len(text), lo + 40))
        return bool(cue("zh_arm_group").search(text, lo, close.start() if close else lo + 40))
    noun = cue("zh_cohort_noun").search(text, lo, min(len(text), lo + 40))
    if noun and noun.start() - lo <= 14 and not _ZH_BREAK.search(text, lo, noun.start()):
        return True  # "78例异基因移植患者": the patients noun closes the count's phrase
    if (
        noun
        and text.startswith("的", noun.start() - 1)
        and not _ZH_BREAK_WORDS.search(text, lo, noun.start())
    ):
        return True  # "416例重型β地中海贫血行异基因造血干细胞移植治疗的患儿": a longer 的 phrase
    return bool(
        cue("zh_cohort_verb").match(text, lo, min(len(text), lo + 24))
        or cue("zh_cohort_before_count").search(text[max(0, m.start - 6) : m.start])
    )


_ZH_BREAK = re.compile(r"[，。；,;:：\d\n]")


_ZH_BREAK_WORDS = re.compile(r"[，。；、,;：:]")


def _cohort_count(text: str, c: Candidate, clause: tuple[int, int], language: str) -> bool:
    if language == "zh":
        return _zh_cohort(text, c.mention)
    m = c.mention
    if m.rule == "bare_count" and m.kind == "count":  # "218 were evaluable"
        return bool(cue("cohort_after_count").match(text[m.end : m.end + COHORT_AFTER]))
    if m.rule not in ("count",):
        return False
    if cue("characteristic_count").search(text, m.start, m.end):
        return False  # "4 Philadelphia chromosome-positive patients": a characteristic
    if cue("cohort_adjective").search(text, m.start, m.end):
        return True  # "in 90 evaluable patients", "405 randomized patients"
    before = text[max(clause[0], m.start - 40) : m.start]
    if cue("cohort_before_count").search(before) or cue("cohort_ordinal_before").search(before):
        return True
    if (
        before.endswith(("(", "["))
        and re.match(r"\s?[)\]]", text[m.end : m.end + 2])
        and cue("arm_size_context").search(text, clause[0], m.start)
    ):
        return True  # "randomly assigned to receive X (271 patients) or Y (134 patients)"
    after = text[m.end : m.end + COHORT_AFTER]
    if cue("cohort_after_count").match(after):
        return True  # "Ninety patients were treated", "16 patients in study B received"
    return bool(
        cue("cohort_in").search(before) and cue("cohort_defined_after").match(after)
    ) or _cohort_with_condition(text, c, clause)


def _statistic(
    text: str,
    c: Candidate,
    clause: tuple[int, int],
    sent: tuple[int, int],
    mentions: list[Mention],
) -> bool:
    """Fill statistic/unit/timepoint; False when the value is not a record of its endpoint."""
    m = c.mention
    code = c.endpoint or ""
    if c.statistic:
        return True
    if m.kind in RATIO_STATISTICS:
        c.statistic, c.unit = RATIO_STATISTICS[m.kind], None
        return True
    if m.kind == "duration":
        if _in_number_list(text, m, sent):
            return False  # "OS at 1, 2 and 3 years was ...": time points, not medians
        if code not in TIME_ENDPOINTS and not (
            c.source == "open" and c.label and cue("timed_outcome_label").search(c.label)
        ):
            return False
        # "mean follow-up of 7.8 years", "11.4 years (SD = 5.6)": the value parser says so;
        # "the mean follow-up time was 7.8 years": the clause does
        before = text[clause[0] : m.start]
        mean = cue("mean").search(before) and not cue("median").search(before)
        c.statistic = "mean" if m.extra.get("statistic") == "mean" or mean else "median"
        return True
    if m.kind in ("pct", "pct_range"):
        clause_text = text[clause[0] : clause[1]]
        listed = _number_list_timepoint(text, mentions, m, sent)
        tp = (
            listed
            or _timepoint_list(text, mentions, m, clause)
            or _timepoint(mentions, m, clause)
            or _timepoint(mentions, m, sent)
        )
        if listed and code != "sample_size" and code not in TIME_ENDPOINTS - RATE_ENDPOINTS:
            c.statistic, c.timepoint = "rate", listed  # an estimate at each listed time point
        elif code in RATE_ENDPOINTS and (tp or cue("rate_stat").search(clause_text)):
            tp = tp or _timepoint(mentions, m, sent)
            c.statistic, c.timepoint = "rate", tp
        elif code in TIME_ENDPOINTS - RATE_ENDPOINTS:
            return False
        else:
            c.statistic = "proportion"
        c.unit = "%"
        return True
    if m.kind == "count":
        if code in COUNTLESS_ENDPOINTS:
            return False
        c.statistic, c.unit = "count", "patients"
        if c.N is None:  # a bare count is its value; n is kept only with a denominator
            c.n = None
        elif c.n is None and c.value is not None and c.value.is_integer():
            c.n = int(c.value)
        if code == "sample_size":
            c.n = c.N = None
        return True
    return False


def _ratio_for_term(text: str, c: Candidate, sent_terms: list[Term]) -> Term | None:
    """ "a hazard ratio of 3.54 (95% CI, 2.0-6.3) for nonrelapse mortality": the outcome a
    ratio names with "for" right after its interval is the ratio's own, whatever comes later."""
    if c.mention.kind not in RATIO_STATISTICS:
        return None
    for t in sent_terms:
        if t.start < c.mention.end:
            continue
        if cue("ratio_for_gap").match(text[c.mention.end : t.start]):
            return t
        return None
    return None


def _sibling_timepoints(
    text: str, found: list[Candidate], timed: list[Candidate], s_start: int
) -> None:
    """ "- The 3-year OS rate was 94%.\n- Patients with standard-risk disease had an OS rate of
    98%": a bullet's rate that prints no time point takes the one of the same endpoint in the
    sentence right before it, when only a line break parts them."""
    if not timed or "\n\n" in text[timed[-1].span[1] : s_start]:
        return
    for c in found:
        if (
            c.statistic != "proportion"
            or c.mention.kind != "pct"
            or c.endpoint not in RATE_ENDPOINTS
        ):
            continue
        if not cue("rate_word_before").search(text, max(0, c.mention.start - 20), c.mention.start):
            continue
        prev = [t for t in timed if t.endpoint == c.endpoint]
        if prev:
            c.statistic, c.timepoint = "rate", prev[-1].timepoint


def coordinated_ratios(text: str, mentions: list[Mention]) -> list[Mention]:
    """ "a hazard ratio of 3.54 (95% CI, 2.0-6.3) for NRM and 2.69 (95% CI, 1.8-4.1) for
    survival": a bare number with an interval, joined by "and" to a ratio of the sentence
    before it, is a second ratio of the same kind."""
    ratio: Mention | None = None
    out: list[Mention] = []
    for m in mentions:
        if m.kind in RATIO_STATISTICS:
            ratio = m
        elif m.kind == "ci" and ratio is not None:
            last = out[-1] if out else None
            lo = last.end if last is not None else ratio.end
            bare = cue("coordinated_ratio_before_ci").search(text, lo, m.start)
            if bare is not None and lo > ratio.start:
                value = parse_number(bare.group("value"))
                twin = Mention(
                    ratio.kind, bare.start("value"), bare.end("value"), "coordinated_ratio"
                )
                twin.value = value
                out.append(twin)
        out.append(m)
    return out


def _lead_timepoint(c: Candidate, lead: LeadIn) -> None:
    """A bullet value takes the time point of its lead-in ("The 1-year OS rates were:")."""
    if (
        lead.timepoint is not None
        and c.timepoint is None
        and c.mention.kind in ("pct", "pct_range")
        and c.endpoint in RATE_ENDPOINTS
    ):
        c.statistic, c.timepoint = "rate", lead.timepoint


def _expand(c: Candidate) -> list[Candidate]:
    m = c.mention
    if m.kind != "pct_range":
        return [c]
    out = []
    for value, label in ((m.lo, "lower bound"), (m.hi, "upper bound")):
        if value is None:
            continue
        out.append(
            Candidate(
                m,
                endpoint=c.endpoint,
                statistic=c.statistic,
                value=value,
                unit="%",
                timepoint=c.timepoint,
                group=c.group,
                label=label if not c.label else f"{c.label}; {label}",
                origin=c.origin,
                span=c.span,
                source=c.source,
                how=c.how,
                term_gap=c.term_gap,
                term_len=c.term_len,
            )
        )
    return out


def _open_value(text: str, c: Candidate, clause: tuple[int, int]) -> bool:
    """A value without endpoint the tagger may name: a percentage, a count of a denominator
    ("12/40"), a median or mean duration (not "within 10 days", "3-6 years before")."""
    m = c.mention
    if m.kind not in OUTCOME_KINDS or (m.kind == "count" and c.N is None):
        return False
    if m.kind == "duration":
        before = text[clause[0] : m.start]
        return bool(cue("median").search(before) or cue("mean").search(before))
    return True


def _time_threshold(text: str, m: Mention) -> bool:
    """ "lost CAR T-cell function before 63 days", "relapse within 6 months": a duration that
    bounds a subgroup or an event window is no median of the endpoint (nor a p value's)."""
    if m.kind != "duration" or m.extra.get("statistic") == "mean":
        return False
    before = text[max(0, m.start - 30) : m.start]
    return bool(cue("threshold_before_duration").search(before))
