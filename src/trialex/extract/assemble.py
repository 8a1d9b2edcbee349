"""Assembly: link value mentions to endpoints, statistics and populations, and build records.

Prose is read sentence by sentence and clause by clause (value mentions from
:mod:`trialex.extract.numbers`, endpoint terms from :mod:`trialex.extract.rules`); tables are read
row by row with their row label, group-header row and column header (arm size ``(n = 165)`` ->
``N``). All cue words are data (``resources/assembly.json``).
"""

from __future__ import annotations

import bisect
import functools
import itertools
import logging
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from trialex.endpoints import live
from trialex.extract.continuous import continuous_candidates
from trialex.extract.numbers import DASHES, Mention, find_mentions, parse_number
from trialex.extract.rules import GLUED_AFTER, Term, assembly, cue
from trialex.extract.view import current as current_view
from trialex.records import Flag, Record, Section, Span, Timepoint

logger = logging.getLogger(__name__)

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
# an initial is a capital letter ("J. Smith"): "26 y. For" and "the 2a. The" end sentences
# ("in arm B. The" and "group A. In" end sentences: a capital after an arm word is no initial)
_ABBREV_END = re.compile(
    r"(?:\b(?i:vs|e\.g|i\.e|al|fig|approx|no|ref|refs|dr|st|ca)"
    r"|(?<![Aa]rm )(?<!ARM )(?<![Gg]roup )(?<![Cc]ohort )(?<![Pp]art )(?<![Ss]tratum )\b[A-Z])\.$"
)
_SENT_END = re.compile(
    r"(?<=[.!?])\s+(?=[A-Z“\"(\[\u4e00-\u9fff])"
    r"|(?<=[A-Za-z0-9)\]][.])\d{1,3}(?:[,−–-]\d{1,3})*\s+(?=[A-Z][a-z])"
    r"|(?<=[。！？；])|(?<=;)(?=[\u4e00-\u9fff])|\n+"  # Chinese results run on with "；"
    r"|(?<=[a-z]{3}\.)(?=[A-Z][a-z]{2})"  # a conversion lost the space: "respectively.Compared"
)
_NUMERIC = re.compile(
    r"[\d%]|(?i:\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|teen|"
    r"twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|none|neither|no patients?)\b)|"
    r"(?i:teen\b)"
)
_DIGIT = re.compile(r"[\d%]")  # the first alternative of _NUMERIC, scanned quickly alone
_PARAGRAPH = re.compile(r"\n[ \t]*\n")
_BRACKETED = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
# how far after a count its cohort verb may come ("26 patients with a median age of 46 years
# (range, 19-70) were treated")
COHORT_AFTER = 200
_CLAUSE = re.compile(
    r";|；|:\s(?![∼~]?\d)|(?<=[)\]]):\s"  # "MRD negativity: 81%" stays one clause
    r"|,\s(?=(?:while|whereas|which|in which|where|but|although|with|contrariwise)\b)"
    # "52%, 31%, and 18% for ...", "11% at 1 year, and 23% at 5 years": a list of values is
    # one clause
    r"|,\s(?=and\b(?!\s[∼~]?\d))"
    r"|[，,](?=[\u4e00-\u9fff][^，,。；;()（）]{0,11}?组)"  # Chinese: "…，高剂量组…" a new group
)


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


# ----------------------------------------------------------------------------- text structure


def sentences(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Sentence offsets in ``text[start:end]`` (no split after "vs.", "e.g.", initials); split
    once per document (:class:`trialex.extract.view.DocView`)."""
    view = current_view(text)
    if view is None:
        return _split_sentences(text, start, end)
    return iter(view.sentences(start, end, _split_sentences))


def _split_sentences(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    pos = start
    chunk = text[start:end]
    for m in _SENT_END.finditer(chunk):
        cut = start + m.start()
        if (
            m.group(0)
            and "\n" not in m.group(0)
            and _ABBREV_END.search(text[max(pos, cut - 8) : cut])
        ):
            continue
        if not m.group(0) and text[cut - 1 : cut] in "；;" and _in_bracket(text, pos, cut, end):
            continue  # "(40% vs 20%，P=0.09；15% vs 5%，P=0.28)": one bracket, one sentence
        if cut > pos:
            yield pos, cut
        pos = start + m.end()
    if pos < end:
        yield pos, end


_BRACKET_CHAR = re.compile(r"[(\[（)\]）]")


def _in_bracket(text: str, start: int, pos: int, end: int) -> bool:
    """``pos`` lies in a bracket opened after ``start`` and closed before the sentence ends
    (converted text leaves brackets unclosed: both sides must agree)."""

    def excess(segment: str, opening: bool) -> int:
        opens = segment.count("(") + segment.count("（")
        closes = segment.count(")") + segment.count("）")
        return opens - closes if opening else closes - opens

    after = text[pos : min(end, pos + 300)]
    stop = min((i for i in (after.find("。"), after.find("\n")) if i >= 0), default=len(after))
    return excess(text[max(start, pos - 300) : pos], True) > 0 and excess(after[:stop], False) > 0


def paren_depths(text: str) -> list[int]:
    """The bracket depth at each character (an opening bracket counts as inside, a closing one
    too); the loop runs over brackets only, the runs between them are filled in one step."""
    depth, pos, out = 0, 0, []
    for m in _BRACKET_CHAR.finditer(text):
        i = m.start()
        out.extend([depth] * (i - pos))
        if text[i] in "([（":
            depth += 1
            out.append(depth)
        else:
            out.append(depth)
            depth = max(depth - 1, 0)
        pos = i + 1
    out.extend([depth] * (len(text) - pos))
    return out


def clauses(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Clause offsets of a sentence: split at ";", ":", ", while/which/and ..." outside brackets;
    split once per document (:class:`trialex.extract.view.DocView`)."""
    view = current_view(text)
    if view is None:
        return _split_clauses(text, start, end)
    return view.clauses(start, end, _split_clauses)


def _split_clauses(text: str, start: int, end: int) -> list[tuple[int, int]]:
    seg = text[start:end]
    depths = paren_depths(seg)
    cuts = [m for m in _CLAUSE.finditer(seg) if depths[m.start()] == 0]
    out, pos = [], 0
    for m in cuts:
        if m.start() > pos:
            out.append((start + pos, start + m.start()))
        pos = m.end()
    out.append((start + pos, end))
    return out


def _in(spans: Sequence[tuple[int, int]], pos: int) -> tuple[int, int]:
    for s, e in spans:
        if s <= pos < e:
            return s, e
    return spans[-1]


def _terms_between(terms: list[Term], starts: list[int], lo: int, hi: int) -> list[Term]:
    i = bisect.bisect_left(starts, lo)
    out = []
    while i < len(terms) and terms[i].start < hi:
        if terms[i].end <= hi:
            out.append(terms[i])
        i += 1
    return out


# ----------------------------------------------------------------------------- prose


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
        if _term_key(text, t) not in seen:
            seen.append(_term_key(text, t))
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


# ----------------------------------------------------------------------------- arms


_CONTRAST = re.compile(r"(?i)\b(?:than|while|whereas|but)\b")
_THAN = re.compile(r"(?i)\bthan\b")
_COUNT_NOUN = (
    r"(?i)\b(?:patients|children|women|men|participants|subjects|adults|cases|recipients|infants)\b"
)
WHOLE_COHORT = "all patients"  # the group of a value no arm or subgroup of the study claims


@dataclass
class Arm:
    """An arm (or stratum) the document defines: its name as written and the aliases it is
    referred to by later ("PCR in combination with bevacizumab (PCR-B; Arm A)" -> name
    "PCR-B (Arm A)", aliases pcr-b, arm a, pcr in combination with bevacizumab)."""

    name: str
    aliases: frozenset[str]


@dataclass
class ArmContext:
    """The arms in force while a document is read in order: the last randomisation ("randomly
    assigned to X or Y", "compared X versus Y") or treated cohort ("X was given to 165
    patients") seen; a later definition replaces it."""

    arms: list[Arm] = field(default_factory=list)
    randomized: bool = False  # the arms come from a randomisation or a trial's comparison
    # the trained tagger (trialex.tagger.SentenceTagger): a sentence's ARM spans, asked for
    # only where the rules name no arm
    tagger: Callable[[str], Sequence[tuple[int, int]]] | None = None
    # "one prior platinum-based regimen (stratum 1)": what the document says a label stands for
    labels: dict[str, str] = field(default_factory=dict)
    cohort: str | None = None  # the study population as the document first describes it
    zh_groups: list[str] = field(default_factory=list)  # Chinese group names, as first seen
    # with a tagger, the sentences that need it are collected here while the rules read the
    # document, then tagged in one batch (:func:`resolve_pending`); None: the tagger is asked
    # at once, sentence by sentence
    pending: list[Pending] | None = None
    section: Section | None = None  # the section being read, and whether its path is baseline
    baseline: bool = False

    def snapshot(self) -> ArmContext:
        """The arms in force now, for a sentence read again later (with the tagger)."""
        return ArmContext(
            list(self.arms),
            self.randomized,
            self.tagger,
            self.labels,
            self.cohort,
            self.zh_groups,
        )

    def whole(self) -> str:
        if not self.cohort:
            return WHOLE_COHORT
        noun = re.search(_COUNT_NOUN, self.cohort)  # "all participants (...)", "all children"
        return f"all {noun.group(0).lower() if noun else 'patients'} ({self.cohort})"

    def comparison(self) -> str | None:
        return " vs ".join(a.name for a in self.arms) if len(self.arms) >= 2 else None

    def find(self, phrase: str) -> Arm | None:
        key = _arm_key(phrase)
        if not key:
            return None
        words = key.split()
        best: tuple[int, int] = (0, 0)
        found = None
        for a in self.arms:
            for alias in a.aliases:
                if alias == key:
                    return a
                other = alias.split()
                common = 0
                while common < min(len(words), len(other)) and words[common] == other[common]:
                    common += 1
                score = (common, -abs(len(other) - len(words)))
                if common and len(" ".join(words[:common])) >= 2 and score > best:
                    best, found = score, a
        return found


_ARM_TOKEN = re.compile(r"\([^()]{0,60}\)|[\w+/.’'-]+|[,;:.\[\]]")


def _arm_key(phrase: str) -> str:
    phrase = re.sub(r"(?<=[a-z])-(?=[a-z])", " ", phrase)  # "standard-of-care"
    words = re.sub(r"(?i)^(?:the|an?)\s+|\s+(?:alone|group|arm|cohort)$", "", phrase.strip())
    return re.sub(r"\s+", " ", words).strip(" ,.").lower()


def _arm_phrase(text: str, pos: int, limit: int, max_words: int = 6) -> tuple[str, int]:
    """The noun phrase of an arm starting at ``pos``: words up to a stop word or a comma,
    with a bracket that follows it ("PCR alone (Arm B)")."""
    words: list[str] = []
    end = pos
    toks = list(_ARM_TOKEN.finditer(text, pos, min(limit, pos + 200)))
    for i, m in enumerate(toks):
        tok = m.group(0)
        if tok.startswith("("):
            if words and not re.search(r"[\d%=]", tok):  # "(PCR-B; Arm A)", not "(42%)"
                words.append(tok)
                end = m.end()
            break
        if text[end : m.start()].strip() or len(words) >= max_words:
            break
        if tok.lower() == "and" and words:
            # "bortezomib and dexamethasone or Vd" joins two drugs; "Pd and showed no" ends
            nxt = toks[i + 1].group(0) if i + 1 < len(toks) else ""
            after = toks[i + 2].group(0) if i + 2 < len(toks) else ""
            if (
                not nxt
                or _arm_stop(nxt)
                or not (not after or _arm_stop(after) or after[0] in "(,;:.[")
            ):
                break
        elif tok.lower() == "in" and re.match(r"\s+combination\s+with\s", text[m.end() :]):
            pass  # "PCR in combination with bevacizumab" names one arm
        elif _arm_stop(tok) and not (
            words and words[-1].lower() == "in" and tok.lower() in ("with",)
        ):
            break
        words.append(tok)
        end = m.end()
    while words and words[-1].lower() in ("and", "or", "with", "plus"):
        words.pop()
    return " ".join(words).rstrip(" .,"), end


def _arm_stop(tok: str) -> bool:
    return tok in ",;:.[]" or bool(cue("arm_phrase_stop").match(tok))


def _make_arm(phrase: str) -> Arm | None:
    phrase = re.sub(r"(?i)^(?:either|the|an?)\s+", "", phrase).strip()
    if not phrase or not re.search(r"[A-Za-z]{2}", phrase) or cue("arm_not_arm").match(phrase):
        return None
    aliases = {_arm_key(phrase)}
    name = phrase
    br = re.search(r"\(([^()]{1,60})\)$", phrase)
    if br:
        head = phrase[: br.start()].strip()
        parts = [p.strip() for p in re.split(r"[;,]", br.group(1)) if p.strip()]
        aliases.add(_arm_key(head))
        aliases.update(_arm_key(p) for p in parts)
        labels = [p for p in parts if cue("arm_label").fullmatch(p)]
        abbrevs = [p for p in parts if p not in labels and len(p) <= 12]
        if cue("arm_label").fullmatch(head):  # "arm A (gemcitabine)"
            name = phrase
        elif abbrevs:
            name = abbrevs[0] + (f" ({labels[0]})" if labels else "")
        elif labels:
            name = f"{head} ({labels[0]})"
        else:
            name = head
    aliases.discard("")
    return Arm(name, frozenset(aliases))


def _arm_list(text: str, pos: int, limit: int, compared: bool = False) -> list[Arm]:
    """ "X or Y", "X, Y, or Z", "X versus Y" after a randomisation verb; "compared X with Y"
    (two arms; the comparison may join with "with" or "to")."""
    if compared:
        seg = text[pos:limit]
        split = re.search(r"\s+(?:versus|vs\.?|with|to)\s+(?:the\s+)?", seg)
        if split is None:
            return []
        a = _make_arm(seg[: split.start()]) if len(seg[: split.start()].split()) <= 8 else None
        b_phrase, _ = _arm_phrase(text, pos + split.end(), limit)
        b = _make_arm(b_phrase) if b_phrase else None
        return [a, b] if a is not None and b is not None else []
    arms: list[Arm] = []
    while pos < limit and len(arms) < 6:
        phrase, end = _arm_phrase(text, pos, limit)
        arm = _make_arm(phrase) if phrase else None
        if arm is None:
            break
        arms.append(arm)
        sep = re.match(
            r"(?:\s*\(\s*(?:n\s*=\s*)?\d[\d,]*(?:\s+(?:patients|participants|subjects))?\s*\))?"
            r",?\s*(?:(?:or|versus|vs\.?|with|and)\s+(?:either\s+|the\s+)?|,\s*)",
            text[end:limit],
        )  # "placebo (n = 51) or aripiprazole (n = 47)": the size between two arms
        if sep is None or not sep.group(0).strip(" "):
            break
        pos = end + sep.end()
    return arms


def _dose_arms(text: str, pos: int, limit: int) -> list[Arm]:
    """ "one of four granisetron doses (5, 10, 20, or 40 micrograms/kg)": one arm per dose."""
    m = re.match(
        r"(?i)(?:\w+\s){0,2}?(?P<drug>[\w-]+)\s+dos(?:es|e\s+levels)\s*\((?P<doses>[\d.,\s]+(?:or|and)\s+[\d.]+)\s+(?P<unit>[^()\s]{1,20})\)",
        text[pos:limit],
    )
    if m is None:
        return []
    doses = re.findall(r"\d+(?:\.\d+)?", m.group("doses"))
    return [Arm(f"{m.group('drug')} {d} {m.group('unit')}", frozenset({d})) for d in doses]


def define_arms(text: str, s_start: int, s_end: int, ctx: ArmContext) -> None:
    """Update ``ctx`` from the arm definitions of one sentence. A comparison ("comparing
    responders to non-responders") replaces randomised arms only in a sentence about a trial
    ("a randomized study of 351 patients compared X versus Y"). The definitions of a sentence
    are found once per document (:class:`trialex.extract.view.DocView`)."""
    view = current_view(text)
    if view is None:
        found = _arm_definition(text, s_start, s_end)
    else:
        found = view.arm_definition(s_start, s_end, _arm_definition)
    if found is not None:
        ctx.arms, ctx.randomized = list(found[0]), found[1]


def _arm_definition(text: str, s_start: int, s_end: int) -> tuple[tuple[Arm, ...], bool] | None:
    """The arms one sentence defines and whether they are randomised, or None."""
    for name in ("arm_randomized", "arm_compared"):
        m = cue(name).search(text, s_start, s_end)
        if m is None:
            continue
        if name == "arm_compared" and not cue("trial_sentence").search(text, s_start, s_end):
            continue
        arms = _dose_arms(text, m.end(), s_end) or _arm_list(
            text, m.end(), s_end, compared=name == "arm_compared"
        )
        if len(arms) >= 2:
            return tuple(arms), True
    m = cue("arm_given_to").search(text, s_start, s_end)
    if m is not None:
        lo = max(s_start, m.start() - 60)
        before = text[lo : m.start()].rstrip()
        words = re.findall(r"[\w+/.-]+(?:\s(?:plus|and|\+|with)\s[\w+/.-]+)*$", before)
        of_what = re.search(r"(?i)\bof\s+\S+$", before)  # "2 cycles of therapy was given to"
        arm = _make_arm(words[0]) if words and not of_what else None
        if arm is not None:
            return (arm,), False
    return None


TAGGER_NAME = "trialex_arms_outcomes"
TAGGED_KINDS = frozenset({"abstract", "results"})


class TaggedArm(str):
    """An arm name that came from the trained tagger's span (its record says
    ``extractor="rules+ner:trialex_arms_outcomes"``)."""

    __slots__ = ()


def _tagged_arms(
    text: str,
    s_start: int,
    s_end: int,
    tagger: Callable[[str], Sequence[tuple[int, int]]],
    ctx: ArmContext,
) -> list[tuple[int, int, str]]:
    """The tagger's ARM spans of a sentence as arm mentions, named as the document defines the
    arm when it does (a defined arm's name), else by the phrase itself."""
    out = []
    for rel_start, rel_end in tagger(text[s_start:s_end]):
        start, end = s_start + rel_start, s_start + rel_end
        phrase = text[start:end].strip()
        made = ctx.find(phrase) or _make_arm(phrase)
        if made is not None:
            out.append((start, end, TaggedArm(made.name)))
    return out


OUTCOME_KINDS = frozenset({"pct", "pct_range", "duration", "count"})  # the tagger may name
MAX_OUTCOME_GAP = 150  # chars between an OUTCOME span and the value it names


@dataclass
class Pending:
    """A sentence the rules leave open, for the tagger: values with a default group or none
    (``fallback``), with no endpoint (``unresolved``), or ``other`` without a label."""

    sent: tuple[int, int]
    cls: list[tuple[int, int]]
    found: list[Candidate]
    fallback: list[Candidate]
    unresolved: list[Candidate]
    unlabelled: list[Candidate]
    mentions: list[Mention]
    value_spans: Sequence[tuple[int, int]]
    terms: Sequence[Term]
    ctx: ArmContext
    kind: str
    section: Section
    baseline: bool
    excluded: bool = False


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


def outcome_endpoint(phrase: str) -> tuple[str, str | None] | None:
    """``(code, label)`` an OUTCOME phrase of the tagger names: a vocabulary term in it gives
    the code ("the rate of complete remission" -> CR), an open-outcome recode ("time to ...")
    else, and otherwise ``other`` with the phrase as label; None for what names no outcome
    (age, dose, a group: the open vocabulary's ``not_outcome``)."""
    from trialex.extract.outcomes import open_rules
    from trialex.extract.rules import match_terms

    phrase = re.sub(r"(?i)^(?:the|an?|of|in)\s+", "", phrase.strip(" ,.;:()[]"))
    rules = open_rules()
    if len(phrase) < 3 or not re.search(r"[A-Za-z]{3}", phrase) or len(phrase.split()) > 10:
        return None
    if rules.not_outcome.search(phrase) or rules.not_outcome_raw.search(phrase):
        return None
    if cue("tagger_not_outcome").search(phrase):
        return None  # "forty-four patients", "33 PCR-B": a count of a group, not an outcome
    terms = match_terms(phrase)
    codes = {t.code for t in terms}
    if len(codes) == 1:
        t = terms[0]
        labelled = t.code in ("other", "adverse_events", "time_to_event")
        return t.code, (t.label or phrase) if labelled else None
    if codes:
        return None  # two outcomes in one span: the rules' business
    if phrase.split(" ", 1)[0][1:].islower():
        phrase = phrase[:1].lower() + phrase[1:]
    code = next((r.code for r in rules.recodes if r.regex.search(phrase)), "other")
    return code, phrase if code in ("other", "adverse_events", "time_to_event") else None


def _outcome_for(
    text: str, c: Candidate, p: Pending, spans: Sequence[tuple[int, int]]
) -> tuple[int, int, str, str | None] | None:
    """The OUTCOME span of the value's clause that names it: the nearest before the value, else
    the nearest after it (no other value in between); ``(start, end, code, label)``."""
    clause = _in(p.cls, c.span[0])
    best: tuple[tuple[int, int], tuple[int, int]] | None = None
    for a, b in spans:
        if a < clause[0] or b > clause[1] or (a < c.span[1] and c.span[0] < b):
            continue
        lo, hi = (b, c.span[0]) if b <= c.span[0] else (c.span[1], a)
        if hi - lo > MAX_OUTCOME_GAP or any(lo <= v[0] < hi and v != c.span for v in p.value_spans):
            continue
        key = (0 if b <= c.span[0] else 1, hi - lo)
        if best is None or key < best[0]:
            best = (key, (a, b))
    if best is None:
        return None
    a, b = best[1]
    if p.ctx.find(text[a:b]) is not None:
        return None  # a defined arm's name ("PCR-B") the tagger took for an outcome
    named = outcome_endpoint(text[a:b])
    if named is None:
        return None
    from trialex.extract.rules import match_terms

    if match_terms(text[a:b]) and not any(
        t.code == named[0] and t.start < b and a < t.end for t in p.terms
    ):
        return None  # a vocabulary term the document's context rules dropped ("survey response")
    return a, b, named[0], named[1]


def resolve_pending(
    text: str, pending: list[Pending], tagger: Callable[[str], Sequence[tuple[int, int]]]
) -> list[tuple[Candidate, Section]]:
    """Tag the sentences the rules left open in one batch (``tagger.prefetch``), then fill from
    the tagger's spans: ARM spans give the groups the rules could only default
    (:func:`assign_groups` again, now with the tagger), OUTCOME spans the endpoint of a value
    that had none and the label of an ``other``. Rules stay where they decided. Returns the
    new candidates (the values that now have an endpoint)."""
    sentences = [text[p.sent[0] : p.sent[1]] for p in pending]
    prefetch = getattr(tagger, "prefetch", None)
    if prefetch is not None:
        prefetch(sentences)
    outcomes = getattr(tagger, "outcomes", None)
    source = f"model:{getattr(tagger, 'name', TAGGER_NAME)}"
    out: list[tuple[Candidate, Section]] = []
    for p, sentence in zip(pending, sentences, strict=True):
        spans: list[tuple[int, int]] = []
        if outcomes is not None and (p.unresolved or p.unlabelled):
            spans = [(p.sent[0] + a, p.sent[0] + b) for a, b in outcomes(sentence)]
        for c in p.unlabelled:
            hit = _outcome_for(text, c, p, spans)
            if hit is not None:
                c.endpoint = hit[2] if c.mention.kind not in RATIO_STATISTICS else c.endpoint
                c.label = hit[3] or text[hit[0] : hit[1]]
                c.source = source
        new: list[Candidate] = []
        for c in p.unresolved if not p.excluded else ():
            hit = _outcome_for(text, c, p, spans)
            if hit is None:
                continue
            a, b, c.endpoint, c.label = hit
            c.source, c.how = source, "tagger"
            c.term_gap = max(0, a - c.span[1], c.span[0] - b)
            c.term_len = b - a
            clause = _in(p.cls, c.span[0])
            if not _statistic(text, c, clause, p.sent, p.mentions):
                continue
            c.origin = _origin(text, p.sent, clause, p.kind)
            lo, hi = min(a, c.span[0]), max(b, c.span[1])
            if hi - lo <= 160 and not any(lo <= v[0] < hi and v != c.span for v in p.value_spans):
                c.span = (lo, hi)
            new.extend(
                e
                for e in _expand(c)
                if not _no_cohort(text, e, p.sent)
                and not _design_or_baseline(text, e, p.section.kind, p.baseline)
            )
        if (p.fallback and tagger(sentence)) or new:
            for c in p.fallback:
                c.group = None
            assign_groups(text, p.sent, p.cls, [*p.found, *new], p.ctx, p.value_spans, p.terms)
        out.extend((c, p.section) for c in new)
    return out


def document_arms(text: str, sections: list[Section]) -> ArmContext:
    """The arms a document's one trial defines, known before its results are read (a full text
    may define them in methods after the results): the randomisation stated anywhere, when
    every statement of it names the same arms; else an empty context (a review of several
    trials defines its arms paragraph by paragraph, as it is read)."""
    ctx = ArmContext()
    seen: list[tuple[str, ...]] = []
    skip = assembly().skip_sections
    for section in sections:
        if section.kind in skip:
            continue
        for m in cue("arm_randomized").finditer(text, section.start, section.end):
            end = text.find(".", m.end(), section.end)
            end = section.end if end < 0 else end
            local = ArmContext()
            define_arms(text, max(section.start, m.start() - 1), end, local)
            if len(local.arms) >= 2:
                names = tuple(a.name for a in local.arms)
                if names not in seen:
                    seen.append(names)
                    ctx.arms = ctx.arms or local.arms
    labels = _label_definitions(text, sections)
    cohort = _cohort_description(text, sections)
    if len(seen) != 1:
        return ArmContext(labels=labels, cohort=cohort)
    ctx.randomized = True
    ctx.labels, ctx.cohort = labels, cohort
    return ctx


def _cohort_description(text: str, sections: list[Section]) -> str | None:
    """The study population as the document first states it (its first 4,000 characters of
    body): "Twenty children with ALL who developed meningeal disease were treated with high-dose
    methotrexate" -> "children with ALL who developed meningeal disease treated with high-dose
    methotrexate"."""
    skip = assembly().skip_sections
    budget = 4000
    for section in sections:
        if section.kind in skip or section.language != "en" or budget <= 0:
            continue
        end_at = min(section.end, section.start + budget)
        budget -= end_at - section.start
        for a, b in sentences(text, section.start, end_at):
            m = cue("cohort_sentence").search(text, a, b)
            if m is None:
                continue
            verb_after = cue("cohort_verb_after").search(text, m.end(), min(b, m.end() + 200))
            if verb_after is None and not cue("cohort_verb_before").search(text, a, m.start()):
                continue
            end = min(b, m.start("desc") + 160)
            stop = re.search(
                r"[;:(]|,\s(?:and\s)?(?:\d|of\s+whom|median|mean)|\.\s", text[m.start("desc") : end]
            )
            desc = text[m.start("desc") : m.start("desc") + stop.start() if stop else end]
            desc = re.sub(r"(?i)\b(?:were|was|had\sbeen|have\sbeen)\s", "", desc)
            desc = re.sub(
                r"(?i)(?:\s+(?:enrolled|included|studied|evaluated|analy[sz]ed|recruited|"
                r"registered|accrued|randomi[sz]ed|in\s+(?:the|this)\s+(?:study|trial)))+\s*$",
                "",
                desc.strip().rstrip(" .,"),
            )
            words = desc.split()[:14]
            if len(words) >= 2:
                return " ".join(words).rstrip(" ,.")
    return None


def _label_definitions(text: str, sections: list[Section]) -> dict[str, str]:
    """ "patients with one prior regimen (stratum 1) or two (stratum 2)": a bracketed arm label
    after a description defines it; the first definition of each label counts."""
    out: dict[str, str] = {}
    skip = assembly().skip_sections
    for section in sections:
        if section.kind in skip:
            continue
        for m in cue("arm_label_bracket").finditer(text, section.start, section.end):
            label = m.group("label").lower()
            if label in out:
                continue
            lo = max(section.start, m.start() - 120)
            before = re.split(r"[(),;:.\[\]]", text[lo : m.start()])[-1]
            words = re.sub(
                r"(?i)^\s*(?:(?:or|and|both|either|vs\.?|versus|the|with|in|from|patients|"
                r"subjects|participants|had|who|received|were)\s+)*",
                "",
                before,
            ).split()[-10:]
            if len(words) >= 1 and not cue("arm_not_arm").match(" ".join(words)):
                out[label] = f"{m.group('label')} ({' '.join(words)})"
    return out


@functools.lru_cache(maxsize=64)
def _alias_regex(
    arms: tuple[tuple[str, tuple[str, ...]], ...],
) -> tuple[dict[str, str], re.Pattern[str]]:
    """One pattern for every alias of the arms in force ("with X", "for the X", "after X")."""
    names: dict[str, str] = {}
    for name, aliases in arms:
        for alias in aliases:
            if len(alias) >= 2:
                names.setdefault(alias, name)
    alternatives = "|".join(re.escape(a) for a in sorted(names, key=len, reverse=True))
    regex = re.compile(
        rf"(?i)\b(?:with|for|in|on|after|receiving|of)\s+(?:the\s+)?(?P<alias>{alternatives})"
        r"(?![\w-])"
    )
    return names, regex


_CJK_CHAR = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_CJK_TEXT: list[object] = [None, False]  # the last text asked about, and its answer


def _has_cjk(text: str) -> bool:
    """Whether ``text`` holds a Chinese character (asked per sentence, answered per text)."""
    if _CJK_TEXT[0] is not text:
        _CJK_TEXT[:] = [text, not text.isascii() and _CJK_CHAR.search(text) is not None]
    return bool(_CJK_TEXT[1])


def _arm_mentions(
    text: str, s_start: int, s_end: int, ctx: ArmContext
) -> list[tuple[int, int, str]]:
    """Where a sentence names an arm: "stratum 1", "in the ide-cel group", "patients who received
    Pd", or a defined arm's alias after with/for/in ("with PCR-B"); (start, end, name)."""
    found: list[tuple[int, int, str]] = []
    for m in cue("arm_label_pair").finditer(text, s_start, s_end):
        noun = m.group(0).split()[0].rstrip("s").lower().replace("strata", "stratum")
        noun = "stratum" if noun.startswith("strat") else noun
        for g in ("a", "b"):
            label = f"{noun} {m.group(g)}"
            arm = ctx.find(label)
            found.append((m.start(g), m.end(g), arm.name if arm else label))
    for m in cue("arm_label").finditer(text, s_start, s_end):
        arm = ctx.find(m.group(0))
        label = m.group(0).lower()
        found.append((m.start(), m.end(), arm.name if arm else ctx.labels.get(label, label)))
    for m in cue("arm_group_noun").finditer(text, s_start, s_end):
        phrase = m.group("arm")
        if (
            cue("arm_not_arm").match(phrase)
            or not re.search(r"[A-Za-z]{2}", phrase)
            or re.search(r"%|^\d", phrase)
        ):
            continue
        arm = ctx.find(phrase)
        found.append(
            (
                m.start("arm"),
                m.end(),
                arm.name if arm else phrase,
            )
        )
    for m in cue("arm_treated_with").finditer(text, s_start, s_end):
        phrase, end = _arm_phrase(text, m.end(), s_end, 5)
        made = _make_arm(phrase) if phrase else None
        if made is None:
            continue
        arm = ctx.find(phrase)
        found.append((m.start(), end, arm.name if arm else made.name))
    if _has_cjk(text):  # a Chinese arm group names 组: no English text holds one
        for m in cue("zh_arm_group").finditer(text, s_start, s_end):
            found.append((m.start(), m.end(), m.group(0)))  # "高CRP组", "治疗组", "ASCT组"
    if ctx.arms:
        names, regex = _alias_regex(tuple((a.name, tuple(sorted(a.aliases))) for a in ctx.arms))
        for m in regex.finditer(text, s_start, s_end):
            found.append((m.start(), m.end(), names[m.group("alias").lower()]))
    if not found and ctx.tagger is not None and ctx.pending is None:
        found.extend(_tagged_arms(text, s_start, s_end, ctx.tagger, ctx))
    found.sort()
    out: list[tuple[int, int, str]] = []
    for f in found:  # overlapping readings: the first (longest from the same start) wins
        if out and f[0] < out[-1][1]:
            continue
        out.append(f)
    return out


def _value_arms(
    text: str,
    spans: Sequence[tuple[int, int]],
    ctx: ArmContext,
    terms: Sequence[Term],
) -> list[tuple[int, int, str]]:
    """Arms written right at a value: "58% for CMF", "5.1 months with placebo", "(CPM: 97.2%
    versus MP: 92.4%)"; a name that is an endpoint term ("CR: 20%") is none."""
    out: list[tuple[int, int, str]] = []

    def add(a: int, b: int, name: str) -> None:
        if any(t.start < b and a < t.end for t in terms) or cue("arm_not_arm").match(name):
            return
        arm = ctx.find(name)
        out.append((a, b, arm.name if arm else name))

    for start, end in spans:
        after = cue("arm_drug_after").match(text[end : end + 60])
        if after:
            add(end + after.start("arm"), end + after.end("arm"), after.group("arm"))
        before = cue("arm_colon_before").search(text[max(0, start - 20) : start])
        if before:
            lo = max(0, start - 20)
            add(lo + before.start("arm"), lo + before.end("arm"), before.group("arm"))
    return out


def _parallel_arms(
    text: str,
    spans: Sequence[tuple[int, int]],
    sent: tuple[int, int],
    ctx: ArmContext,
    terms: Sequence[Term],
) -> list[tuple[int, int, str]]:
    """Arms a sentence names by its parallel structure, not by a vocabulary: two or more
    values each followed ("14.9% for aripiprazole and 8.0% for placebo", "6% with warming and
    30% with passive insulation") or each preceded by a bracket after ("deaths with losartan
    (420, 15%) than with captopril (363, 13%)") a phrase of the same preposition; the phrases
    are the arms. A time point, population or grade phrase is none (``arm_parallel_not``)."""
    s_start, s_end = sent
    found: dict[str, list[tuple[int, int, str]]] = {}
    for start, end in spans:
        after = cue("arm_parallel_after").match(text[end : min(s_end, end + 60)])
        if after is not None:
            at = end + after.end()
            phrase, _ = _arm_phrase(text, at, s_end, 4)
            if phrase:
                found.setdefault("a:" + after.group("prep").lower(), []).append(
                    (at, at + len(phrase), phrase)
                )
        lo = max(s_start, start - 60)
        before = cue("arm_parallel_before").search(text, lo, start)
        if before is not None and not _BRACKET_CHAR.search(text, before.end(), start):
            words = before.group("arm").split()
            keep: list[str] = []
            for w in reversed(words):  # the words after the last stop word
                if _arm_stop(w):
                    break
                keep.insert(0, w)
            if keep:
                phrase = " ".join(keep)
                a = before.end("arm") - len(phrase)
                found.setdefault("b:" + before.group("prep").lower(), []).append(
                    (a, before.end("arm"), phrase)
                )
        _more_parallel(text, start, end, sent, ctx, found)
    out: list[tuple[int, int, str]] = []
    for group in found.values():
        keys = {_arm_key(p) for _, _, p in group}
        if len(group) < 2 or len(keys) < 2:
            continue
        for a, b, phrase in group:
            if cue("arm_parallel_not").search(phrase) or any(
                t.start < b and a < t.end for t in terms
            ):
                continue
            made = _make_arm(phrase)
            if made is None:
                continue
            arm = ctx.find(phrase)
            out.append((a, b, arm.name if arm else made.name))
    return out


def _more_parallel(
    text: str,
    start: int,
    end: int,
    sent: tuple[int, int],
    ctx: ArmContext,
    found: dict[str, list[tuple[int, int, str]]],
) -> None:
    """The other parallel positions of an arm at a value: the modifier of its count noun
    ("109 of 211 warfarin recipients (51.7%) ... 76 of 206 enoxaparin recipients"), a bracket
    right after it ("3.4% (induction) and 4.5% (noninduction)"), a bare name right before it
    ("(induction, 32.5% vs. noninduction, 19.0%)", "SH 2.2 versus MM 3.1"), and a defined arm
    right before the bracket it opens ("placebo (n = 51) or aripiprazole (n = 47)")."""
    s_start, s_end = sent
    space = text.find(" ", start, end)  # "Twenty-two warfarin recipients (10.4%)": inside
    for key, regex, at in (
        ("n", "arm_count_modifier", end),
        ("n", "arm_count_modifier", space if space > 0 and "(" in text[space:end] else -1),
        ("p", "arm_bracket_after", end),
    ):
        m = cue(regex).match(text[at : min(s_end, at + 50)]) if at >= 0 else None
        if m is not None:
            noun = m.groupdict().get("noun") or ""
            found.setdefault(f"{key}:{noun.rstrip('s')}", []).append(
                (at + m.start("arm"), at + m.end("arm"), m.group("arm"))
            )
    lo = max(s_start, start - 40)
    m = cue("arm_name_before").search(text[lo:start])
    if m is not None:
        found.setdefault("c:", []).append((lo + m.start("arm"), lo + m.end("arm"), m.group("arm")))
    m = cue("arm_bracket_bare").search(text[lo:start])
    if m is not None and ctx.arms:
        words = m.group("arm").split()
        for k in range(len(words)):
            phrase = " ".join(words[k:])
            arm = ctx.find(phrase)
            if arm is not None and _arm_key(phrase) in arm.aliases:
                a = lo + m.end("arm") - len(phrase)
                found.setdefault("q:", []).append((a, lo + m.end("arm"), phrase))
                break


def _respective_pairs(
    text: str,
    sent: tuple[int, int],
    order: Sequence[tuple[int, int]],
    mentions: Sequence[tuple[int, int, str]],
    by_pos: dict[tuple[int, int], str],
) -> None:
    """ "The respective event rates for A and B were 1.3% and 1.1% for death, 4.6% and 2.1%
    for stroke": one coordinated pair of arms of a sentence of "respective(ly)" names every
    pair of values "x and y" / "x vs y" in order."""
    if not cue("arm_respective").search(text, *sent):
        return
    pairs = [
        (m1, m2)
        for m1, m2 in itertools.pairwise(mentions)
        if m1[2] != m2[2]
        and re.fullmatch(
            r"(?i)\s*(?:,\s*)?(?:and|or|vs\.?|versus)\s*(?:the\s+)?", text[m1[1] : m2[0]]
        )
    ]
    if len(pairs) != 1:
        return
    arms = (pairs[0][0][2], pairs[0][1][2])
    for a, b in itertools.pairwise(order):
        if a in by_pos or b in by_pos:
            continue
        if re.fullmatch(
            r"(?i)\s*%?\s*(?:percent\s*)?(?:\([^()]{0,40}\)\s*)?(?:and|vs\.?|versus|v)\s*",
            text[a[1] : b[0]],
        ):
            by_pos[a], by_pos[b] = arms


def _dose_phrase(text: str, start: int, phrase: str, end: int) -> tuple[str, int]:
    """ "FEC 75", "the 50-mg arm": an arm name may end in its dose number."""
    m = re.match(r"[\w+/.-]+(?:\s[\w+/.-]+)?\s\d+(?:\.\d+)?(?:\s?mg)?\b", text[start : start + 40])
    return (m.group(0), start + m.end()) if m else (phrase, end)


def _comparison_arms(
    text: str, sent: tuple[int, int], ctx: ArmContext, terms: Sequence[Term]
) -> tuple[str, str] | None:
    """The two arms a sentence compares by name: "more often associated with doxorubicin
    than PLD", "better with FEC 100 than with FEC 75", "comparing GD (...) and CD (...)";
    None unless exactly one such comparison of two arm-like phrases (no endpoint term, time
    point or population) stands in the sentence."""
    s_start, s_end = sent
    found: list[tuple[str, str]] = []
    for m in cue("arm_sentence_comparison").finditer(text, s_start, s_end):
        b_phrase, b_end = _arm_phrase(text, m.end(), s_end, 4)
        a_phrase = m.group("a")
        if not b_phrase or any(_arm_stop(w) and not w.isdigit() for w in a_phrase.split()):
            continue
        if m.end() + len(b_phrase) < b_end or re.match(r"\s\d", text[b_end : b_end + 2]):
            b_phrase, b_end = _dose_phrase(text, m.end(), b_phrase, b_end)
        spans = ((m.start("a"), m.end("a")), (m.end(), b_end))
        if any(t.start < hi and lo < t.end for t in terms for lo, hi in spans):
            continue
        made = [_make_arm(a_phrase), _make_arm(b_phrase)]
        if any(x is None for x in made) or any(
            cue("arm_comparison_not").search(p) for p in (a_phrase, b_phrase)
        ):
            continue
        names = []
        for phrase, arm in zip((a_phrase, b_phrase), made, strict=True):
            known = ctx.find(phrase)
            names.append(known.name if known else arm.name if arm else phrase)
        if _arm_key(names[0]) != _arm_key(names[1]):
            found.append((names[0], names[1]))
    return found[0] if len(set(found)) == 1 else None


def _listed_arms(
    text: str, sent: tuple[int, int], spans: Sequence[tuple[int, int]], ctx: ArmContext
) -> list[tuple[int, int, str]]:
    """Two arms listed for the values before them: "(17 versus 23% for losartan and captopril,
    respectively)", "72.5% versus 7.7% of subjects (risperidone vs placebo)"."""
    s_start, s_end = sent
    out: list[tuple[int, int, str]] = []
    pairs = [
        (m.start("a"), m.end("a"), m.group("a"), m.start("b"), m.end("b"), m.group("b"))
        for name in ("arm_pair_respectively", "arm_pair_respective")
        for m in cue(name).finditer(text, s_start, s_end)
    ]
    for _, end in spans:
        m = cue("arm_bracket_pair").match(text[end : min(s_end, end + 90)])
        if m is not None:
            pairs.append(
                (
                    *(end + m.start("a"), end + m.end("a"), m.group("a")),
                    *(end + m.start("b"), end + m.end("b"), m.group("b")),
                )
            )
    for a0, a1, a, b0, b1, b in pairs:
        made = [_make_arm(a), _make_arm(b)]
        if (
            made[0] is None
            or made[1] is None
            or cue("arm_parallel_not").search(a)
            or cue("arm_parallel_not").search(b)
        ):
            continue
        for lo, hi, phrase, arm in ((a0, a1, a, made[0]), (b0, b1, b, made[1])):
            known = ctx.find(phrase)
            out.append((lo, hi, known.name if known else arm.name))
    return sorted(set(out))


def _pair_after_arms(
    text: str,
    order: Sequence[tuple[int, int]],
    mentions: Sequence[tuple[int, int, str]],
    by_pos: dict[tuple[int, int], str],
) -> None:
    """ "in the A group compared with the B group (10% vs. 6%)", "in the A group than in the
    B group [4 (3.8%) vs 13 (11.9%)]": a pair of values after two arms compared names them in
    order."""
    for a, b in itertools.pairwise(order):
        if a in by_pos or b in by_pos:
            continue
        if not re.fullmatch(
            r"(?i)\s*%?\s*(?:\([^()]{0,60}\)\s*)?(?:vs\.?|versus|v)\s*", text[a[1] : b[0]]
        ):
            continue
        before = [m for m in mentions if m[1] <= a[0]]
        if len(before) < 2:
            continue
        m1, m2 = before[-2], before[-1]
        if (
            m1[2] == m2[2]
            or a[0] - m2[1] > 60
            or any(m2[1] <= o[0] < a[0] for o in order)
            or not (cue("vs").search(text, m1[1], m2[0]) or _THAN.search(text, m1[1], m2[0]))
            or any(m1[1] <= o[0] < m2[0] for o in order)
        ):
            continue
        by_pos[a], by_pos[b] = m1[2], m2[2]
    # "72.5% versus 7.7% of subjects (risperidone vs placebo)": the two arms listed right after
    for a, b in itertools.pairwise(order):
        if a in by_pos or b in by_pos or not cue("vs").search(text, a[1], b[0]):
            continue
        if len(text[a[1] : b[0]]) > 40:
            continue
        after = [m for m in mentions if m[0] >= b[1]]
        if len(after) < 2:
            continue
        m1, m2 = after[0], after[1]
        if (
            m1[2] != m2[2]
            and m1[0] - b[1] <= 60
            and not any(b[1] <= o[0] < m2[0] for o in order)
            and re.fullmatch(r"(?i)\s*(?:vs\.?|versus|v|and)\s*(?:the\s+)?", text[m1[1] : m2[0]])
            and "(" in text[b[1] : m1[0]]
        ):
            by_pos[a], by_pos[b] = m1[2], m2[2]


def _sentence_pairs(
    text: str,
    order: Sequence[tuple[int, int]],
    by_pos: dict[tuple[int, int], str],
    compared: tuple[str, str] | None = None,
) -> None:
    """A sentence of parallel comparisons names its arms once: "death (4.3% in the aspirin
    group vs. 9.7% in the warfarin group), major hemorrhage (3.2% vs. 8.3%, respectively)":
    a later pair of values that names no arm takes the arms of the first named pair, in order."""
    gap = r"(?i)\s*%?\s*(?:percent\s*)?(?:\([^()]{0,60}\)\s*)?(?:vs\.?|versus|v|and)\s*"
    arms: tuple[str, str] | None = compared  # "(66% versus 20%) ... with A than B"
    pairs = list(itertools.pairwise(order))
    for a, b in pairs:
        if a in by_pos and b in by_pos and by_pos[a] != by_pos[b]:
            between = text[a[1] : b[0]]
            if re.search(r"(?i)\b(?:vs\.?|versus|v|and|compared\s+with)\b", between):
                arms = (by_pos[a], by_pos[b])
                break
    if arms is None:
        return
    for a, b in pairs:
        if compared is not None and (by_pos.get(a), by_pos.get(b)) == compared[::-1]:
            return  # the sentence names its pairs the other way round: no order to borrow
        if a in by_pos or b in by_pos or not re.fullmatch(gap, text[a[1] : b[0]]):
            continue
        by_pos[a], by_pos[b] = arms


_ZH_VALUE_JOIN = re.compile(r"\s?%?\s?(?:和|及|与|、|,|，|vs\.?|比)\s?")
_ZH_PAIR_GAP = re.compile(r"\s?%?\s?(?:vs\.?|VS|versus|比)\s?")


def _zh_compared_groups(
    text: str,
    s_start: int,
    order: list[tuple[int, int]],
    mentions: list[tuple[int, int, str]],
    by_pos: dict[tuple[int, int], str],
    ctx: ArmContext | None = None,
) -> None:
    """ "高CRP组2年OS率较低CRP组显著降低(42.5% vs 78.4%)": a pair of values that names no arm,
    after a sentence part that names two Chinese groups, takes them in the order written (the
    group compared and the group it is compared with); "高CRP组EBV血症发生率也较高(41.9% vs
    22.9%)" names one of the document's two groups: the other value is the other group's."""
    if ctx is not None:
        for _, _, name in mentions:
            if name.endswith("组") and name not in ctx.zh_groups:
                ctx.zh_groups.append(name)
    for a, b in itertools.pairwise(order):
        if a in by_pos or b in by_pos or not _ZH_PAIR_GAP.fullmatch(text, a[1], b[0]):
            continue
        named = [m for m in mentions if s_start <= m[0] and m[1] <= a[0]]
        zh = list(dict.fromkeys(n for _, _, n in named if n.endswith("组")))
        if len(zh) >= 2:
            by_pos[a], by_pos[b] = zh[-2], zh[-1]
        elif len(zh) == 1 and ctx is not None and len(ctx.zh_groups) == 2:
            other = next(g for g in ctx.zh_groups if g != zh[0]) if zh[0] in ctx.zh_groups else None
            if other is not None:
                by_pos[a], by_pos[b] = zh[0], other


def _respectively_in_arm_order(
    values: list[Candidate],
    before: list[tuple[int, int]],
    ctx: ArmContext,
    by_pos: dict[tuple[int, int], str],
) -> None:
    """ "Patients were randomly assigned to A or B. ... The 5-year DFS was 60% and 45%,
    respectively": a sentence that names no arm, with as many values of each outcome before its
    "respectively" as the trial has arms, lists them in the order the arms were defined. A
    list of different outcomes ("PFS and OS were 8 and 12 months, respectively") is not one."""
    per_outcome: dict[tuple[str | None, str | None], list[tuple[int, int]]] = {}
    for c in values:
        o = (c.mention.start, c.mention.end)
        if o not in before or c.endpoint == "sample_size":
            continue
        if c.statistic in ("hazard_ratio", "odds_ratio", "risk_ratio", "p_value"):
            continue
        per_outcome.setdefault((c.endpoint, c.label), []).append(o)
    if not per_outcome or any(len(v) != len(ctx.arms) for v in per_outcome.values()):
        return
    for spans in per_outcome.values():
        for arm, o in zip(ctx.arms, sorted(spans), strict=True):
            by_pos[o] = arm.name


def assign_groups(
    text: str,
    sent: tuple[int, int],
    cls: list[tuple[int, int]],
    found: list[Candidate],
    ctx: ArmContext,
    value_spans: Sequence[tuple[int, int]] = (),
    terms: Sequence[Term] = (),
) -> list[Candidate]:
    """Fill ``group`` for the values of one sentence, from what the document defines:

    * "A, B and C were x, y and z, respectively", "x% and y% in A and B, respectively": arms in
      order onto values in order;
    * an arm named right after the value in its clause ("13.8 months in the ide-cel group",
      "7.1% stratum 1"), else before it ("In arm B, the ORR was 40%");
    * "x% vs y% in the B group": the other value of the pair is the other defined arm;
    * a list of as many values as the trial has arms (three or more, e.g. dose levels) names
      none: the arms in order;
    * a hazard/odds/risk ratio or a p value compares the arms: "A vs B";
    * otherwise the cohort the document treats (one arm), or a subgroup phrase of the clause.

    Returns the values it grouped when one of them got no arm of its own (a default or none) in
    a sentence where the rules name no arm and a tagger is to read it later (``ctx.pending``)."""
    s_start, s_end = sent
    mentions = _arm_mentions(text, s_start, s_end, ctx)
    deferring = ctx.tagger is not None and ctx.pending is not None and not mentions
    spans = sorted({(c.mention.start, c.mention.end) for c in found} | set(value_spans))
    listed = _listed_arms(text, sent, spans, ctx)  # "in the A and B groups, respectively"
    mentions = [m for m in mentions if not any(x[0] < m[1] and m[0] < x[1] for x in listed)]
    extra: list[tuple[int, int, str]] = list(listed)
    for m in [
        *_value_arms(text, spans, ctx, terms),
        *_parallel_arms(text, spans, sent, ctx, terms),
    ]:
        if not any(x[0] < m[1] and m[0] < x[1] for x in [*mentions, *extra]):
            extra.append(m)
    mentions = sorted(mentions + extra)
    lead = cue("subgroup_lead").match(text, s_start, s_end)
    if lead is not None:  # the arm inside "Of the 25 patients who received X, ..." is the lead's
        mentions = [m for m in mentions if not lead.start() <= m[0] < lead.end()]
    values = [c for c in found if c.group is None]
    if not values:
        return []
    order = sorted({(c.mention.start, c.mention.end) for c in values})
    by_pos: dict[tuple[int, int], str] = {}
    resp = cue("respectively").search(text, s_start, s_end)
    names = [n for _, _, n in mentions]
    distinct = list(dict.fromkeys(names))
    if resp:
        # the arms of a "respectively" are coordinated ("in A and B, respectively", "A, B and
        # C were"); two arms in two comparisons ("in A (x and y, respectively) than in B")
        # are not
        r_clause = _in(cls, resp.start())
        listed = [m for m in mentions if r_clause[0] <= m[0] < resp.start()]
        run: list[tuple[int, int, str]] = []
        for m in listed:
            if run and not re.fullmatch(
                r"(?i)\s*(?:,\s*(?:and|or)?|and|or|vs\.?|versus|与|和|及|、|比)\s*(?:the\s+)?",
                text[run[-1][1] : m[0]],
            ):
                run = []
            run.append(m)
        coordinated = list(dict.fromkeys(n for _, _, n in run))
        before = [o for o in order if r_clause[0] <= o[0] < resp.start()]
        if resp.group(0) == "分别":  # "A组与B组的有效率分别为x和y": the values follow it
            after_resp = [o for o in order if resp.end() <= o[0] < r_clause[1]]
            before = after_resp[: len(coordinated)]
            if not all(
                _ZH_VALUE_JOIN.fullmatch(text, a[1], b[0]) for a, b in itertools.pairwise(before)
            ):
                before = []
        if len(coordinated) >= 2 and len(before) == len(coordinated):
            for i, o in enumerate(before):
                by_pos[o] = coordinated[i]
        elif not mentions and ctx.randomized and len(ctx.arms) >= 2:
            _respectively_in_arm_order(values, before, ctx, by_pos)
    _pair_after_arms(text, order, mentions, by_pos)
    _respective_pairs(text, sent, order, mentions, by_pos)
    for o in order:  # "Twenty-two warfarin recipients (10.4%)": the arm inside the value
        inside = [m for m in mentions if o[0] <= m[0] and m[1] <= o[1]]
        if inside and o not in by_pos:
            by_pos[o] = inside[0][2]
    _zh_compared_groups(text, s_start, order, mentions, by_pos, ctx)
    taken: set[int] = set()
    for o in order:
        if o in by_pos:
            continue
        clause = _in(cls, o[0])
        later = [v for v in sorted({*order, *value_spans}) if v[0] >= o[1]]
        nxt = later[0][0] if later else s_end
        after = [
            m
            for m in mentions
            if o[1] <= m[0] < min(nxt, clause[1], o[1] + 80)
            and not cue("vs").search(text, o[1], m[0])
            and not _THAN.search(text, o[1], m[0])
            # "placebo (n = 51)": an arm that opens the next value's bracket is that value's
            and not (
                re.fullmatch(r"\s?[(\[]\s?", text[m[1] : nxt])
                and re.match(r"(?i)[-+]?\d|n\s?=", text[nxt : nxt + 4])
            )
            and not m[2].endswith("组")  # a Chinese group is named before its values
        ]
        if after:
            by_pos[o] = after[0][2]
            taken.add(after[0][0])
            continue
        earlier = [v for v in order if v[1] <= o[0]]
        prev_end = earlier[-1][1] if earlier else clause[0]
        before_m = [
            m
            for m in mentions
            if m[1] <= o[0]
            and o[0] - m[1] < 400
            and ";" not in text[m[1] : o[0]]
            and m[0] not in taken
            and not cue("vs").search(text, m[1], o[0])
            and not _CONTRAST.search(text, m[1], o[0])
        ]
        if (
            before_m
            and before_m[-1][1] <= o[0]
            and (
                before_m[-1][0] >= prev_end
                or not earlier
                or all(by_pos.get(e) == before_m[-1][2] for e in earlier if e[0] >= before_m[-1][1])
            )
        ):
            by_pos[o] = before_m[-1][2]
    # "x% vs y% in the B group": the other value of the pair is the other arm
    if len(ctx.arms) == 2:
        for i, o in enumerate(order):
            if o in by_pos:
                continue
            for j in (i + 1, i - 1):
                if 0 <= j < len(order) and order[j] in by_pos:
                    a, b = sorted((o, order[j]))
                    if cue("vs").search(text, a[1], b[0]) and len(text[a[1] : b[0]]) < 120:
                        other = [x.name for x in ctx.arms if x.name != by_pos[order[j]]]
                        if len(other) == 1:
                            by_pos[o] = other[0]
                            break
    # "68.4% vs 47.1%" naming no arm in a two-arm trial: the arms in the order defined
    if len(ctx.arms) == 2:
        for a, b in itertools.pairwise(order):
            if a in by_pos or b in by_pos or _in(cls, a[0]) != _in(cls, b[0]):
                continue
            gap = text[a[1] : b[0]]
            clause = _in(cls, a[0])
            if re.fullmatch(
                r"(?i)\s*%?\s*(?:\([^()]{0,60}\)\s*)?(?:vs\.?|versus)\s*", gap
            ) and not [m for m in mentions if clause[0] <= m[0] < clause[1]]:
                by_pos[a], by_pos[b] = ctx.arms[0].name, ctx.arms[1].name
    if len(ctx.arms) != 2:
        _sentence_pairs(text, order, by_pos, _comparison_arms(text, sent, ctx, terms))
    # a bare list of as many values as the trial has arms (dose levels)
    if len(ctx.arms) >= 3 and not mentions:
        free = [o for o in order if o not in by_pos]
        if len(free) == len(ctx.arms):
            gaps = [text[a[1] : b[0]] for a, b in itertools.pairwise(free)]
            if all(re.fullmatch(r"\s*(?:%\s*)?,?\s*(?:and|or)?\s*", g) for g in gaps):
                for o, arm in zip(free, ctx.arms, strict=True):
                    by_pos[o] = arm.name
    # "Of the 25 patients who received X as first line, 13 (52%) achieved CR": the subgroup the
    # sentence opens with holds its values that name no arm of their own
    if lead is not None:
        for o in order:
            if o not in by_pos and o[0] >= lead.end("group"):
                by_pos[o] = lead.group("group").strip()
    comparison = ctx.comparison()
    if comparison is None and len(distinct) == 2:
        comparison = " vs ".join(distinct)
    fallback: list[Candidate] = []
    for c in values:
        o = (c.mention.start, c.mention.end)
        if o in by_pos:
            c.group = by_pos[o]
            continue
        fallback.append(c)
        if c.statistic in ("hazard_ratio", "odds_ratio", "risk_ratio", "p_value") and comparison:
            c.group = comparison
        else:
            clause = _in(cls, c.mention.start)
            pop = cue("population").search(text, clause[0], clause[1])
            sub = cue("subgroup_after_value").match(text[c.mention.end : clause[1]])
            if sub and c.endpoint != "sample_size":
                # "Six of 30 patients (20%) without prior chemotherapy achieved a PR"
                noun = re.search(_COUNT_NOUN, text[c.mention.start : c.mention.end])
                c.group = f"{noun.group(0).lower() if noun else 'patients'} {sub.group('group')}"
            elif (adj := cue("population_adjective").search(text, clause[0], clause[1])) and (
                c.endpoint != "sample_size"
            ):
                c.group = adj.group("group")  # "median follow-up among living patients"
            elif pop and c.endpoint != "sample_size":
                group = cue("group_stop").sub("", pop.group("group")).rstrip(" <>≤≥=.,:")
                group = re.sub(
                    r"(?i)(?:\s+(?:and|or|compared\s+with|versus|vs\.?|than))+$", "", group
                )
                c.group = group or None
            elif len(ctx.arms) == 1:
                c.group = ctx.arms[0].name
            elif c.endpoint in ("sample_size", "follow_up") and comparison:
                c.group = comparison
            elif not ctx.arms and c.origin == "this_study":
                c.group = ctx.whole()
            elif c.origin == "this_study" and len(ctx.arms) >= 2:
                # a trial's own value that names no arm is pooled over its arms
                c.group = "both arms" if len(ctx.arms) == 2 else "all arms"
    # the tagger reads the sentence again with all of its values open, as if asked at once
    return values if deferring and fallback else []


# ----------------------------------------------------------------------------- tables


@dataclass
class Cell:
    text: str
    start: int
    end: int


def table_blocks(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Maximal runs of lines containing "|" inside ``[start, end)``."""
    blocks: list[tuple[int, int]] = []
    pos = start
    run: tuple[int, int] | None = None
    for line in text[start:end].splitlines(keepends=True):
        l_start, l_end = pos, pos + len(line.rstrip("\r\n"))
        pos += len(line)
        if "|" in line:
            run = (run[0], l_end) if run else (l_start, l_end)
        elif line.strip() and run:
            blocks.append(run)
            run = None
    if run:
        blocks.append(run)
    return blocks


def _split_cells(text: str, s: int, e: int) -> list[Cell]:
    cells, pos = [], s
    for part in text[s:e].split("|"):
        raw_s = pos
        pos += len(part) + 1
        stripped = part.strip()
        lead = len(part) - len(part.lstrip())
        cells.append(
            Cell(
                stripped.rstrip(" .").strip() if stripped.endswith(" .") else stripped,
                raw_s + lead,
                raw_s + lead + len(stripped),
            )
        )
    return cells


def _lines(text: str, s: int, e: int) -> list[tuple[int, int]]:
    out, pos = [], s
    for line in text[s:e].split("\n"):
        out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out


_SEPARATOR = re.compile(r"^\s*(?:-{2,}\s*\|\s*)+-*\s*\|?\s*$")
_VALUE_CELL = re.compile(r"^(?:[\d.<>≤≥—–−-]|NR$|NE$|$)")


def _rows(text: str, s: int, e: int) -> Iterator[tuple[str, list[Cell] | None]]:
    """Yield ("header", cells) / ("row", cells) for a table block (one line per row, or one
    line per cell as in web tables ``cell |``)."""
    lines = _lines(text, s, e)
    multi = sum(1 for a, b in lines if text[a:b].count("|") >= 2 and text[a:b].strip("| \t"))
    one_per_line = multi < len(lines) / 2
    if not one_per_line:
        for i, (a, b) in enumerate(lines):
            line = text[a:b]
            if _SEPARATOR.match(line):
                continue
            cells = _split_cells(text, a, b)
            while cells and not cells[-1].text:
                cells.pop()
            nxt = text[lines[i + 1][0] : lines[i + 1][1]] if i + 1 < len(lines) else ""
            yield ("header" if _SEPARATOR.match(nxt) else "row"), cells
        return
    cells: list[Cell] = []
    for a, b in lines:
        line = text[a:b]
        if _SEPARATOR.match(line):
            yield "header", [c for c in cells if c.text and len(c.text) < 80]
            cells = []
            continue
        stripped = line.strip()
        if stripped and set(stripped) == {"|"}:
            cells.extend(Cell("", a, a) for _ in range(len(stripped)))
            continue
        parts = _split_cells(text, a, b)
        cells.extend(p for p in parts[:-1] if True) if line.rstrip().endswith(
            "|"
        ) else cells.extend(parts)
    yield "cells", cells


def _group_cells(cells: list[Cell], header_first: str | None) -> Iterator[tuple[str, list[Cell]]]:
    row: list[Cell] = []
    for cell in cells:
        if cell.text and not _VALUE_CELL.match(cell.text):
            if row:
                yield "row", row
            row = [cell]
            if header_first and cell.text == header_first:
                row = [cell]
        elif row:
            row.append(cell)
    if row:
        yield "row", row


def _skip_caption(caption: str) -> bool:
    """A table of baseline characteristics (English or Chinese caption) reports no endpoint.
    The caption is read from its first printed line (a blank line may stand before it)."""
    caption = caption.lstrip()
    return bool(
        cue("table_skip_caption").search(caption) or cue("zh_table_skip_caption").search(caption)
    )


def table_candidates(
    text: str,
    start: int,
    end: int,
    caption: str,
    terms: list[Term],
    seen: set[tuple[str, ...]],
    starts: list[int] | None = None,
) -> list[Candidate]:
    if _skip_caption(caption):
        return []
    if starts is None:
        starts = [t.start for t in terms]
    header: list[Cell] = []
    group: Cell | None = None
    group_p: tuple[str | None, float | None] = (None, None)
    out: list[Candidate] = []
    stream: list[tuple[str, list[Cell]]] = []
    for kind, cells in _rows(text, start, end):
        if kind == "cells":
            stream.extend(_group_cells(cells or [], header[0].text if header else None))
        else:
            stream.append((kind, cells or []))
    pending_header: list[Cell] = []
    parent: Term | None = None
    for kind, cells in stream:
        if kind == "header":
            header = cells
            group, group_p = None, (None, None)
            out.extend(_header_sizes(text, header, terms, starts, seen))
            continue
        if not cells:
            continue
        label, values = cells[0], cells[1:]
        if cue("group_end_row").search(label.text):
            group, group_p = None, (None, None)
        if header and label.text == header[0].text and not any(v.text for v in values):
            pending_header = [label]
            continue
        if pending_header:
            if not any(v.text for v in values) and len(pending_header) < max(len(header), 2):
                pending_header.append(label)
                if len(pending_header) == len(header):
                    header, pending_header = pending_header, []
                continue
            header, pending_header = pending_header + header[len(pending_header) :], []
        filled = [v for v in values if v.text]
        if not filled or all(cue("cell_p").match(v.text) for v in filled):
            group = label
            ps = [cue("cell_p").match(v.text) for v in filled]
            group_p = (None, None)
            if ps and ps[0]:
                group_p = (ps[0].group("p_op") or "=", parse_number(ps[0].group("p_value")))
            continue
        key = (label.text, *(v.text for v in values))
        if key in seen:
            continue
        seen.add(key)
        heads = [h.text for h in header[1:] if h.text]
        # a table of ratios ("HR | 95% CI | P"): its rows are results, whatever their label
        hr_only = any(_ratio_header(h) for h in heads) and all(
            _ratio_header(h) or cue("header_ratio_aux").search(h) for h in heads
        )
        if not hr_only and (  # rows of hazard ratios are results, whatever their label
            cue("exclude_row").search(label.text)
            or (group and cue("exclude_row").search(group.text))
        ):
            continue
        rows = _row(text, label, values, header, group, group_p, caption, terms, starts, parent)
        if rows:
            parent = Term(label.start, label.end, rows[0].endpoint or "other", rows[0].source)
        out.extend(rows)
    return out


def _header_sizes(
    text: str, header: list[Cell], terms: list[Term], starts: list[int], seen: set[tuple[str, ...]]
) -> list[Candidate]:
    out = []
    key = ("#header", *(c.text for c in header))
    if key in seen:
        return out
    seen.add(key)
    for cell in header[1:]:
        m = cue("header_arm_n").search(cell.text)
        if not m:
            continue
        value = float(m.group("N"))
        mention = Mention(
            "n_eq", cell.start + m.start("N"), cell.start + m.end("N"), "header_arm_n", value=value
        )
        c = Candidate(
            mention, endpoint="sample_size", statistic="count", value=value, unit="patients"
        )
        c.span = (cell.start, cell.end)
        c.how = "table"
        c.group = cue("header_arm_n").sub("", cell.text).strip(" ()[].") or None
        out.append(c)
    return out


def _column(header: list[Cell], i: int, count: int) -> Cell | None:
    cols = header[1:]
    if not cols:
        return None
    if len(cols) == count:
        return cols[i]
    if count % len(cols) == 0:
        return cols[i // (count // len(cols))]
    return cols[min(i, len(cols) - 1)]


def _row(
    text: str,
    label: Cell,
    values: list[Cell],
    header: list[Cell],
    group: Cell | None,
    group_p: tuple[str | None, float | None],
    caption: str,
    terms: list[Term],
    starts: list[int],
    parent: Term | None = None,
) -> list[Candidate]:
    def term_in(cell: Cell | None) -> Term | None:
        if cell is None:
            return None
        found = [t for t in _terms_between(terms, starts, cell.start, cell.end)]
        heads = [t for t in found if not _is_qualifier(text, t)]
        return heads[0] if heads else None

    row_p: tuple[str | None, float | None] = group_p
    if header and len(values) >= len(header) - 1 and cue("header_p").match(header[-1].text):
        last = values[len(header) - 2] if len(values) >= len(header) - 1 else None
        pm = cue("cell_p").match(last.text) if last is not None and last.text else None
        if pm:
            row_p = (pm.group("p_op") or "=", parse_number(pm.group("p_value")))
        values = values[: len(header) - 2]
    out = []
    row_term = term_in(label)
    if row_term is None and parent is not None and cue("sub_row").search(label.text):
        row_term = parent
    # what the caption says of every cell: its endpoint (a table of one outcome by study or
    # subgroup), "median" (a table of median times) and a time point ("... at 12 months")
    at = text.rfind(caption.strip(), 0, label.start) if caption.strip() else -1
    caption_cell = Cell(caption.strip(), at, at + len(caption.strip())) if at >= 0 else None
    caption_codes = (
        {
            t.code
            for t in _terms_between(terms, starts, at, at + len(caption.strip()))
            if not _is_qualifier(text, t)
        }
        if caption_cell
        else set()
    )
    caption_term = term_in(caption_cell) if len(caption_codes) == 1 else None
    event_table = bool(cue("table_event_caption").search(caption))
    context = " ".join(x.text for x in (group, label) if x is not None) + " " + caption
    skip: set[int] = set()
    for i, cell in enumerate(values):
        if not cell.text or i in skip:
            continue
        col = _column(header, i, len(values))
        col_text = col.text if col else ""
        short_label = len(label.text.split()) <= 3
        term = term_in(col) or row_term or (term_in(group) if short_label else None)
        if term is None:
            for h in header[1:]:
                term = term or term_in(h)
        if caption_term is not None and (term is None or term.code == "other"):
            # a row of covariates or of unlisted events under a caption that names the endpoint
            term = caption_term
        if term is None and _ratio_header(col_text):
            # a hazard-ratio column of an outcome that is none of the listed endpoints
            term = Term(label.start, label.end, "other", "table")
        if term is None and event_table and _count_cell(cell.text):
            # a row of a toxicity table that names no listed event: an adverse event by its label
            term = Term(label.start, label.end, "adverse_events", "table")
        if term is None:
            continue
        c = _cell(text, cell, col_text, term, context)
        if c is None:
            continue
        if c.statistic in ("hazard_ratio", "odds_ratio") and c.ci == (None, None, None):
            # the interval printed in the next column ("1.23 | 1.01-1.49")
            nxt = values[i + 1] if i + 1 < len(values) else None
            nxt_col = _column(header, i + 1, len(values)) if nxt is not None else None
            ci = cue("cell_interval").match(nxt.text) if nxt is not None else None
            if ci and nxt_col is not None and cue("header_ci").search(nxt_col.text):
                level = re.search(r"(\d{2})\s?%", nxt_col.text)
                lo, hi = float(ci.group("lo")), float(ci.group("hi"))
                c.ci = (lo, hi, float(level.group(1)) if level else 95.0)
                skip.add(i + 1)
        if c.statistic == "proportion" and c.timepoint is None and term.code in RATE_ENDPOINTS:
            tp = cue("caption_timepoint").search(f"{col_text} {caption}")
            if tp:
                unit = tp.group("unit").lower()
                c.statistic = "rate"
                c.timepoint = Timepoint(
                    value=float(tp.group("value")), unit=unit if unit.endswith("s") else unit + "s"
                )
        if c.statistic == "proportion" and c.N is None:
            arm = cue("header_arm_n").search(col_text)
            if arm:
                c.N = int(arm.group("N"))
        if c.p == (None, None):
            c.p = row_p
        c.group = (
            label.text
            if not col_text
            else f"{label.text}; {cue('header_arm_n').sub('', col_text).strip(' ().')}"
        )
        c.label = label.text if term.code in LABELLED_ENDPOINTS else None
        c.span = (
            (label.start, cell.end) if cell.end - label.start <= 200 else (cell.start, cell.end)
        )
        out.append(c)
    return out


def _ratio_header(col: str) -> str | None:
    """The statistic of a column of ratios ("HR (95% CI)", "OR"), else None."""
    if cue("header_hr").search(col):
        return "hazard_ratio"
    if cue("header_or").search(col):
        return "odds_ratio"
    return None


def _count_cell(t: str) -> bool:
    return bool(cue("cell_n_pct").match(t) or cue("cell_frac_pct").match(t))


def _cell(text: str, cell: Cell, col: str, term: Term, context: str = "") -> Candidate | None:
    """A record of one table cell; ``context`` is the row's group, label and the caption (a
    bare number is a median only where one of them, or the column, says so)."""
    t = cell.text
    mention = Mention("cell", cell.start, cell.end, "table")
    c = Candidate(mention, endpoint=term.code, source=term.source, span=(cell.start, cell.end))
    c.how = "table"
    if m := cue("cell_frac_pct").match(t):
        c.statistic, c.value, c.unit = "proportion", float(m.group("value")), "%"
        c.n, c.N = int(m.group("n")), int(m.group("N"))
        return c
    if m := cue("cell_n_pct").match(t):
        c.statistic, c.value, c.unit, c.n = (
            "proportion",
            float(m.group("value")),
            "%",
            int(m.group("n")),
        )
        if m.group("ci_low"):
            c.ci = (float(m.group("ci_low")), float(m.group("ci_high")), None)
        return c
    ratio = _ratio_header(col)
    if ratio and (m := cue("cell_hr_p").match(t)):
        c.statistic, c.value = ratio, float(m.group("value"))
        if m.group("p_value"):
            op = m.group("p_op")
            c.p = ({"≤": "<=", "≥": ">="}.get(op, op), parse_number(m.group("p_value")))
        return c
    if ratio and (m := cue("cell_est_interval").match(t)):
        hi = parse_number(m.group("hi"))  # "HR (95% CI)" cells: 0.99 (0.96-1.03)
        if hi is not None:
            c.statistic, c.value = ratio, float(m.group("value"))
            level = re.search(r"(\d{2})\s?%", col)
            c.ci = (float(m.group("lo")), hi, float(level.group(1)) if level else 95.0)
            return c
    if (m := cue("cell_number").match(t)) and term.code in TIME_ENDPOINTS:
        # a bare number in a table of median times: "Survival (months) ... Total | 13.0 | 11.0"
        if not (cue("median").search(col) or cue("median").search(context)):
            return None
        unit = cue("header_unit").search(col) or cue("header_unit").search(context)
        if unit is None:
            return None
        c.statistic, c.value = "median", float(m.group("value"))
        c.unit = {"d": "days", "mo": "months", "y": "years"}.get(
            unit.group("unit"), unit.group("unit")
        )
        return c
    if m := cue("cell_est_interval").match(t):
        c.value = float(m.group("value"))
        unit = cue("header_unit").search(col)
        is_time = term.code in TIME_ENDPOINTS or bool(cue("median").search(col))
        if not is_time:
            return None
        c.statistic = "median"
        c.unit = (
            {"d": "days", "mo": "months", "y": "years"}.get(unit.group("unit"), unit.group("unit"))
            if unit
            else None
        )
        if term.code not in TIME_ENDPOINTS:
            c.endpoint = "time_to_event"
        if cue("header_ci").search(col):
            hi = parse_number(m.group("hi"))
            level = re.search(r"(\d{2})\s?%", col)
            c.ci = (float(m.group("lo")), hi, float(level.group(1)) if level else 95.0)
        return c
    return None


# ----------------------------------------------------------------------------- driver


def _caption(text: str, start: int) -> str:
    window = text[max(0, start - 400) : start]
    found = list(cue("table_caption").finditer(window))
    return found[-1].group(0) if found else ""


_TABLE_LABEL = re.compile(r"(?:Table|TABLE)\s?\d{1,2}[A-Za-z]?\.?")
_P_HEADER = re.compile(r"\s*(?i:p\s?-?\s?values?|p)\b\.?")
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


def inline_tables(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Tables flattened into a line of running text, as PMC plain-text renderings print them
    ("...arms (Table 1).   Table 1 Baseline characteristics PCR-B (N=33) ... 0.43   Compared
    with ..."): from the table label after a run of spaces to the end of the line, the next
    table or figure label, or the first prose sentence after a run of spaces."""
    out: list[tuple[int, int]] = []
    pos = start
    while pos < end:
        head = _TABLE_LABEL.match(text, pos) if pos == start else None
        m = head or cue("inline_table_start").search(text, pos, end)
        if m is None:
            break
        t_start = m.start("label") if m is not head else m.start()
        stop = cue("inline_table_end").search(text, m.end(), end)
        t_end = stop.start() if stop else end
        while t_end > t_start and text[t_end - 1].isspace():
            t_end -= 1
        if t_end > m.end():
            out.append((t_start, t_end))
        pos = max(t_end, m.end())
    return out


_HEAD_TOKEN = re.compile(r"\([^()]{0,30}\)|[^\s()]+")


def _column_name(text: str, lo: int, hi: int, words: int | None = None) -> str:
    """The name of an arm column, printed before its size: "PCR-B (Arm A)" before "(N=33)",
    "PCR Arm B" before "( N = 32)" (``words`` tokens, else a bracket and the word before it,
    else three words)."""
    tokens = list(_HEAD_TOKEN.finditer(text, max(lo, hi - 60), hi))
    if not tokens:
        return ""
    take = words or (2 if tokens[-1].group(0).startswith("(") else 3)
    first = tokens[max(0, len(tokens) - take)].start()
    return text[first:hi].strip()


def _p_cell(cell: Cell) -> tuple[str | None, float | None] | None:
    pm = cue("cell_p").match(cell.text.replace(" ", ""))
    if pm is None or "." not in cell.text:
        return None
    op = pm.group("p_op") or "="
    return {"≤": "<=", "≥": ">="}.get(op, op), parse_number(pm.group("p_value"))


def inline_table_candidates(
    text: str, start: int, end: int, terms: list[Term], starts: list[int]
) -> list[Candidate]:
    """Rows of a flattened table read as cells: a row is its label (the words since the last
    value) and the run of value cells after it; the arm columns are the ``(N = 33)`` headers
    before the first row, a trailing p column is the row's p value, and surplus leading
    cells (footnote marks, a "1" after "Thrombocytopenia") are dropped. Baseline tables give
    only their header arm sizes; an adverse-event table (by its caption) reports each row as
    ``adverse_events`` with the row label when the label names no endpoint."""
    label_m = _TABLE_LABEL.match(text, start)
    body_start = label_m.end() if label_m else start
    cells = [
        Cell(m.group(0), m.start(), m.end())
        for m in cue("inline_cell").finditer(text, body_start, end)
    ]
    if not cells:
        return []
    # the header: the arm sizes "(N = 33)" before the first compound cell ("18 (54.5%)")
    first_compound = next((c.start for c in cells if "(" in c.text or "/" in c.text), end)
    header_arms = list(cue("header_arm_n").finditer(text, body_start, first_compound))
    head_end = header_arms[-1].end() if header_arms else body_start
    if header_arms and text[head_end : head_end + 1] in ")]":
        head_end += 1
    caption = text[start : header_arms[0].start() if header_arms else first_compound]
    columns: list[Cell] = []
    prev = body_start
    for m in header_arms:
        name = _column_name(text, prev, m.start())
        lo = text.rfind(name, prev, m.start()) if name else m.start()
        columns.append(Cell(text[lo : m.end()].strip(), lo, m.end()))
        prev = m.end()
    if len(header_arms) >= 2:
        # the first name has no left edge: as many words as the next column's name
        words = len(_HEAD_TOKEN.findall(cue("header_arm_n").sub("", columns[1].text)))
        m = header_arms[0]
        name = _column_name(text, body_start, m.start(), words)
        lo = text.rfind(name, body_start, m.start()) if name else m.start()
        columns[0] = Cell(text[lo : m.end()].strip(), lo, m.end())
    p_head = _P_HEADER.match(text, head_end)
    p_column = p_head is not None
    if p_head is not None:
        head_end = p_head.end()
    cells = [c for c in cells if c.start >= head_end]
    out: list[Candidate] = []
    header = [Cell("", start, start), *columns]
    out.extend(_header_sizes(text, header, terms, starts, set()))
    if _skip_caption(caption):
        return out
    event_table = bool(cue("table_event_caption").search(caption))
    caption_term = next(
        (t for t in _terms_between(terms, starts, start, head_end) if not _is_qualifier(text, t)),
        None,
    )
    body = cells
    rows: list[tuple[Cell, list[Cell]]] = []
    label_start = head_end
    run: list[Cell] = []
    for c in body:
        if run and text[run[-1].end : c.start].strip():
            rows.append(
                (Cell(text[label_start : run[0].start].strip(), label_start, run[0].start), run)
            )
            label_start, run = run[-1].end, []
        if not run and not text[label_start : c.start].strip():
            label_start = c.start  # a value run with no label continues nothing
            continue
        run.append(c)
    if run:
        rows.append(
            (Cell(text[label_start : run[0].start].strip(), label_start, run[0].start), run)
        )
    k = len(columns)
    ratio_out, taken = _inline_ratio_cells(text, start, rows, terms, starts)
    out.extend(ratio_out)
    rows = [(label, [v for v in values if v.start not in taken]) for label, values in rows]
    rows = [(label, values) for label, values in rows if values]
    for label, values in rows:
        lead = len(label.text) - len(label.text.lstrip())
        label = Cell(label.text.strip(" \u2003\u2002\u00a0"), label.start, label.end)
        label = Cell(label.text, label.start + lead, label.end)
        if not re.search(r"[A-Za-z]", label.text) or len(label.text) > 120:
            continue
        if cue("exclude_row").search(label.text):
            continue
        p: tuple[str | None, float | None] = (None, None)
        if p_column and len(values) > max(k, 1) and (pv := _p_cell(values[-1])):
            p, values = pv, values[:-1]
        if k and len(values) > k:
            values = values[-k:]
        heads = [
            t
            for t in _terms_between(terms, starts, label.start, label.end)
            if not _is_qualifier(text, t)
        ]
        priority = assembly().priority
        row_term = max(heads, key=lambda t: priority.get(t.code, 2)) if heads else None
        if row_term is None and event_table:
            row_term = Term(label.start, label.end, "adverse_events")
        term = row_term or (caption_term if event_table else None)
        if term is None:
            continue
        for i, cell in enumerate(values):
            col = columns[i] if i < len(columns) else None
            c = _cell(
                text, Cell(cell.text.strip(), cell.start, cell.end), col.text if col else "", term
            )
            if c is None:
                continue
            if c.statistic == "proportion" and c.N is None and col is not None:
                arm = cue("header_arm_n").search(col.text)
                if arm:
                    c.N = int(arm.group("N"))
            if c.p == (None, None) and c.statistic != "hazard_ratio":
                c.p = p
            arm_name = cue("header_arm_n").sub("", col.text).strip(" ()[].") if col else ""
            c.group = f"{label.text}; {arm_name}" if arm_name else label.text
            if term.code in LABELLED_ENDPOINTS:
                c.label = label.text
            c.span = (label.start, cell.end) if cell.end - label.start <= 200 else c.span
            out.append(c)
    return out


def _inline_ratio_cells(
    text: str, start: int, rows: list[tuple[Cell, list[Cell]]], terms: list[Term], starts: list[int]
) -> tuple[list[Candidate], set[int]]:
    """The ratio cells of a flattened table whose header prints ratio columns ("Distant
    recurrence Breast cancer death Hazard ratio (95% CI) P value Hazard ratio (95% CI) P value"):
    in each row the j-th "0.38 (0.23 to 0.60)" cell is the ratio of the j-th ratio column, with
    the p value printed after it. Its endpoint is the row's when the row label names one, else
    the header's j-th endpoint when the header names one per ratio column, else its only one,
    else ``other`` labelled by the row. Returns the candidates and the start offsets of the cells
    they read."""
    if not rows:
        return [], set()
    first_cells = next((cells for _, v in rows if (cells := _ratio_interval(v))), None)
    if not first_cells:
        return [], set()
    head_end = first_cells[0][1].start
    heads = list(cue("inline_ratio_head").finditer(text, start, head_end))
    if not heads:
        return [], set()
    stats = ["odds_ratio" if cue("header_or").search(h.group(0)) else "hazard_ratio" for h in heads]
    codes: list[str] = []
    for t in _terms_between(terms, starts, start, heads[0].start()):
        if not _is_qualifier(text, t) and (not codes or codes[-1] != t.code):
            codes.append(t.code)
    column_codes: list[str | None]
    if len(codes) == len(heads):
        column_codes = list(codes)
    elif len(set(codes)) == 1:
        column_codes = [codes[0]] * len(heads)
    else:
        column_codes = [None] * len(heads)
    level = re.search(r"(\d{2})\s?%", heads[0].group(0))
    out: list[Candidate] = []
    taken: set[int] = set()
    priority = assembly().priority
    for label, values in rows:
        ratio_cells = _ratio_interval(values)
        if not ratio_cells or len(ratio_cells) > len(heads):
            continue
        # the first row's label begins where the header ends ("... (95% CI) P value Low marker")
        lo = max(label.start, heads[-1].end())
        tail = cue("header_tail").match(text, lo, label.end)
        lo += len(tail.group(0)) if tail else 0
        name = text[lo : label.end].strip(" \u2003\u2002\u00a0")
        if not re.search(r"[A-Za-z]", name):
            continue
        lo = text.find(name, lo)
        row_terms = [
            t
            for t in _terms_between(terms, starts, lo, lo + len(name))
            if not _is_qualifier(text, t)
        ]
        row_term = max(row_terms, key=lambda t: priority.get(t.code, 2)) if row_terms else None
        for j, (i, cell, m) in enumerate(ratio_cells):
            code = row_term.code if row_term else (column_codes[j] or "other")
            source = row_term.source if row_term else "table"
            mention = Mention("cell", cell.start, cell.end, "table")
            c = Candidate(mention, endpoint=code, source=source, span=(cell.start, cell.end))
            c.how = "table"
            c.statistic, c.value = stats[j], float(m.group("value"))
            hi = parse_number(m.group("hi"))
            if hi is not None:
                c.ci = (float(m.group("lo")), hi, float(level.group(1)) if level else 95.0)
            nxt = values[i + 1] if i + 1 < len(values) else None
            if nxt is not None and (pv := _p_cell(Cell(nxt.text.strip(), nxt.start, nxt.end))):
                c.p = pv
            c.group = name
            if code in LABELLED_ENDPOINTS:
                c.label = name
            c.span = (lo, cell.end) if cell.end - lo <= 200 else c.span
            out.append(c)
            taken.add(cell.start)
    return out, taken


def _ratio_interval(values: list[Cell]) -> list[tuple[int, Cell, re.Match[str]]]:
    found = []
    for i, v in enumerate(values):
        m = cue("cell_est_interval").match(v.text.strip())
        if m:
            found.append((i, v, m))
    return found


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


def _time_threshold(text: str, m: Mention) -> bool:
    """ "lost CAR T-cell function before 63 days", "relapse within 6 months": a duration that
    bounds a subgroup or an event window is no median of the endpoint (nor a p value's)."""
    if m.kind != "duration" or m.extra.get("statistic") == "mean":
        return False
    before = text[max(0, m.start - 30) : m.start]
    return bool(cue("threshold_before_duration").search(before))


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


# ----------------------------------------------------------------------------- confidence


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
