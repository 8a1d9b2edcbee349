"""Which outcome a value reports when a sentence names several: the outcome headed right
before it, not the one of an earlier comparison; the outcome of its list, not a term of the
group phrase after it (invented sentences of each phrasing class)."""

from __future__ import annotations

from trialex.extract import doc_with_sections, extract_records
from trialex.records import Record

DEFINED = "Overall survival (OS) and event-free survival (EFS) were the end points. "


def records(text: str) -> dict[float, Record]:
    found, _ = extract_records(doc_with_sections(text))
    return {r.value: r for r in found if r.unit == "%"}


def test_term_rate_comma_value_pairs_take_their_own_term() -> None:
    got = records(
        DEFINED + "In 240 younger patients, the combination improved outcome compared with "
        "chemotherapy alone (EFS rate, 81% vs. 62%, P = .002, and OS rate, 90% vs. 79%, "
        "P = .01 at 3 years)."
    )
    assert {v: r.endpoint for v, r in got.items()} == {81: "EFS", 62: "EFS", 90: "OS", 79: "OS"}


def test_each_bracketed_pair_takes_the_rate_named_before_it() -> None:
    got = records(
        "Treatment-related mortality was higher in the intensive arm (12% vs. 5%, P = .01), "
        "relapse-free survival rates were superior (66% vs. 51%, P < .01) and overall survival "
        "rates were higher in the intensive arm (72% vs. 64%), with a P value of .09."
    )
    assert {v: r.endpoint for v, r in got.items()} == {
        12: "NRM",
        5: "NRM",
        66: "RFS",
        51: "RFS",
        72: "OS",
        64: "OS",
    }


def test_a_term_behind_the_close_of_the_values_bracket_is_not_its_term() -> None:
    got = records(
        DEFINED + "Despite a higher rate of residual disease in the high-dose group after the "
        "first course (41% vs. 30%; P = .03), 5-year EFS and OS rates were similar."
    )
    assert all(r.endpoint not in ("EFS", "OS") for r in got.values())


def test_the_last_value_of_a_list_keeps_the_lists_outcome() -> None:
    got = records(
        "The 3-year probabilities of disease-free survival were 52%, 31%, and 18% for patients "
        "who underwent transplant in first CR, second CR, and with active disease, respectively."
    )
    assert {v: r.endpoint for v, r in got.items()} == {52: "DFS", 31: "DFS", 18: "DFS"}
    got = records(
        "The nonrelapse mortality rates were 11% at 1 year, 19% at 3 years, and 23% at 5 years "
        "after diagnosis of chronic GVHD."
    )
    assert {v: r.endpoint for v, r in got.items()} == {11: "NRM", 19: "NRM", 23: "NRM"}
    assert got[23].timepoint is not None and got[23].timepoint.value == 5


def test_a_value_after_and_still_takes_the_outcome_named_after_it() -> None:
    got = records("The CR rate was 40%, and 20% of the patients relapsed within a year.")
    assert got[40].endpoint == "CR" and got[20].endpoint == "relapse"


def test_the_last_rate_named_before_a_list_of_values_is_their_outcome() -> None:
    found, _ = extract_records(
        doc_with_sections(
            "With a median follow-up of 27.9 months, the 1-year PFS rate was 86% for arm A, 89% "
            "for arm B, and 87% for arm C. The 1-year OS rate was 94% for arm A, 98% for arm "
            "B, and 95% for arm C."
        )
    )
    got = {r.value: r.endpoint for r in found if r.unit == "%"}
    assert got == {86: "PFS", 89: "PFS", 87: "PFS", 94: "OS", 98: "OS", 95: "OS"}
