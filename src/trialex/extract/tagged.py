"""The trained tagger's pass: ARM and OUTCOME spans of the optional tagger turned into arms and
endpoints of values no rule placed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from trialex.extract.arms import MAX_OUTCOME_GAP, TAGGER_NAME, Pending, assign_groups
from trialex.extract.candidate import RATIO_STATISTICS, Candidate
from trialex.extract.exclusions import _design_or_baseline
from trialex.extract.linking import _origin
from trialex.extract.prose import _expand, _no_cohort, _statistic
from trialex.extract.rules import cue
from trialex.extract.units import _in
from trialex.records import Section


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
