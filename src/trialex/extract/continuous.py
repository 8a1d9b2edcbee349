"""Continuous outcomes: a mean with its deviation, a signed change per arm (GUIDELINES §1).

"Any other clinical outcome of the study reported as a number" is an ``other`` record with a
``label``; a score, a change from baseline, a blood pressure fall or a number of days reported as
a mean is such a record with ``statistic: "mean"``. The value grammar of ``numbers`` keeps these
numbers out of the value kinds (a ``dispersion`` "± 2.5" and a ``diff`` "-16.2" make no record of
their own): :func:`continuous_candidates` reads them by structure, with the cues of
``assembly.json`` (``continuous_*``, each with its examples):

* a value with its standard deviation: "3.3 ± 2.5", "0.5+/-1.5 days", "3.9 points (SD 4.7)";
* a signed value of a change where the sentence reports one (change, reduction, decrease ...):
  "(-16.2)", "[-27.4%]", "was -1.2% with A and -0.4% with placebo";

and never a baseline value ("at baseline", "from 4.3 ± 1.7 to 1.2 ± 1.4": the first), an age,
a dose, or a pharmacokinetic level (GUIDELINES: not annotated). The arm of each value comes from
:func:`~trialex.extract.arms.assign_groups` like every prose value's; p values and CIs
attach to them like to any value before them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from trialex.extract.numbers import Mention, parse_number
from trialex.extract.rules import cue

# the kinds a continuous value may stand inside: its own deviation, nothing else
_INSIDE_OK = frozenset({"dispersion", "diff"})


def _clause_start(text: str, lo: int, pos: int) -> int:
    """Where the phrase before ``pos`` starts: the sentence start, or after the last ';'."""
    cut = max(text.rfind(";", lo, pos), text.rfind(". ", lo, pos))
    return lo if cut < 0 else cut + 1


def _label(text: str, lo: int, pos: int) -> str | None:
    """The outcome a value reports: the subject phrase of its sentence before the first value
    (cut at its verb or first bracket), without the article and 'mean'."""
    head = text[lo:pos]
    stop = cue("continuous_label_stop").search(head)
    if stop is not None:
        head = head[: stop.start()]
    head = re.sub(r"^\W+|\W+$", "", head)
    head = cue("continuous_label_lead").sub("", head).strip()
    words = head.split()
    if not words:
        return None
    return " ".join(words[-10:])


def _checked_unit(m: re.Match[str], group: str, end: int) -> tuple[str | None, int]:
    """The unit word of ``group`` when it is a unit (``continuous_unit``), with where the
    value ends: a word that is no unit ("and", "in") ends the value before it."""
    raw = m[group]
    if not raw:
        return None, end
    if cue("continuous_unit").fullmatch(raw):
        return raw, end
    cut = m.start(group)
    while cut > m.start() and m.string[cut - 1].isspace():
        cut -= 1
    read = m.string[m.start() : cut]
    if read.endswith(")") and read.count(")") > read.count("("):
        cut -= 1  # "(-0.8 ± 2.9) and": the bracket closes before the value, not after it
    return None, cut if end == m.end() else end


def _unit(raw: str | None) -> str | None:
    if not raw:
        return None
    raw = raw.strip()
    return {"h": "hours", "min": "minutes", "s": "seconds"}.get(raw, raw)


def continuous_candidates(
    text: str,
    sent: tuple[int, int],
    mentions: Sequence[Mention],
    taken: Sequence[tuple[int, int]],
    values: Sequence[tuple[int, int]] = (),
) -> list[tuple[Mention, str, str | None]]:
    """The continuous values of one sentence: ``(mention, endpoint, label)`` with the mention
    of kind ``mean`` (value, unit, span over the value and its deviation; ``extra["statistic"]``
    mean or median). ``taken`` are the spans of the sentence's values that are never read
    again (ratios, p values, n = x); ``values`` the other values the grammar found (durations,
    percentages, counts): a value with its SD replaces them, a pair or a change leaves them."""
    s_start, s_end = sent
    sent_text = text[s_start:s_end]
    if cue("continuous_sentence_not").search(sent_text):
        return []
    blocked = [
        (m.start, m.end) for m in mentions if m.kind not in _INSIDE_OK and m.kind != "duration"
    ]
    # (start, end, value, unit, statistic); a value that only opens a change is left out
    found: list[tuple[int, int, float, str | None, str]] = []
    opening: set[int] = set()

    def add(
        start: int, end: int, raw: str, unit: str | None, statistic: str = "mean", sd: bool = False
    ) -> None:
        value = parse_number(raw)
        if value is None or any(a <= start < b for a, b, *_ in found):
            return
        if not sd and any(a < end and start < b for a, b in values):
            return  # "median OS 12.1 vs 8.3 months": the grammar's durations, of their term
        found.append((start, end, value, unit, statistic))

    def statistic_at(pos: int) -> str:
        before = text[_clause_start(text, s_start, pos) : pos]
        return "median" if cue("median").search(before) else "mean"

    for m in cue("continuous_sd_value").finditer(text, s_start, s_end):
        unit, end = _checked_unit(m, "unit2", m.end())
        add(m.start("value"), end, m["value"], _checked_unit(m, "unit", 0)[0] or unit, sd=True)
    for m in cue("continuous_from_to").finditer(text, s_start, s_end):
        if cue("continuous_change_verb_before").search(text, s_start, m.start()):
            opening.add(m.start("a"))
            unit, end = _checked_unit(m, "unit", m.end())
            add(m.start("value"), end, m["value"], unit, statistic_at(m.start()))
    compared = any(m.kind == "p" for m in mentions) or cue("continuous_change").search(sent_text)
    if compared:
        for m in cue("continuous_vs_pair").finditer(text, s_start, s_end):
            unit_a, end_a = _checked_unit(m, "ua", m.end("a"))
            unit, end = _checked_unit(m, "unit", m.end())
            unit = unit or unit_a
            if not unit and "." not in m["a"] + m["value"]:
                continue  # "3 vs 0": counts, no measurement
            stat = statistic_at(m.start())
            add(m.start("a"), end_a, m["a"], unit, stat)
            add(m.start("value"), end, m["value"], unit, stat)
    change = cue("continuous_change").search(sent_text)
    if change is not None:
        for m in cue("continuous_signed_value").finditer(text, s_start, s_end):
            if m.start() < s_start + change.start():
                continue
            before = text[max(s_start, m.start() - 12) : m.start()]
            if cue("continuous_signed_before").search(before):
                unit, end = _checked_unit(m, "unit", m.end())
                add(m.start(), end, m["value"], unit)
    found.sort()
    out: list[tuple[Mention, str, str | None]] = []
    label: str | None = None
    for start, end, value, unit, statistic in found:
        if start in opening:
            continue
        if any(a < end and start < b for a, b in taken):
            continue
        if any(a <= start < b for a, b in blocked):
            continue  # a CI bound, a p value, a percentage of its own
        lo = _clause_start(text, s_start, start)
        before = text[lo:start]
        if cue("continuous_not_outcome").search(before):
            continue  # an age, a dose, a concentration; a baseline value
        after = text[end : end + 30]
        if cue("continuous_dose_after").match(after):
            continue
        if cue("continuous_from_before").search(before) and cue("continuous_to_after").match(after):
            continue  # "from 4.3 ± 1.7 to 1.2 ± 1.4": the value before the change
        if label is None:
            label = _label(text, _clause_start(text, s_start, start), start)
        mention = Mention("mean", start, end, "continuous", value=value, unit=_unit(unit))
        mention.extra["statistic"] = statistic
        timed = mention.unit in ("days", "hours", "minutes", "seconds", "weeks", "months")
        code = (
            "time_to_event"
            if timed and label and cue("continuous_time_label").search(label)
            else "other"
        )
        out.append((mention, code, label))
    return out
