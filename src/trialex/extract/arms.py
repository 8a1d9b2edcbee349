"""The arms pass: the arms and subgroups a document defines, and the ``group`` of every candidate
(parallel phrases, compared pairs, "respectively" pairs, dose arms, Chinese group names).
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from trialex.extract.candidate import Candidate
from trialex.extract.numbers import Mention
from trialex.extract.rules import Term, assembly, cue
from trialex.extract.units import _BRACKET_CHAR, _in, sentences
from trialex.extract.view import current as current_view
from trialex.records import Section

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
