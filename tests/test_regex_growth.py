"""The backtracking check the regex-safety tests use (``tests/_regex_growth.py``) can fail."""

from __future__ import annotations

import re

from _regex_growth import unsafe_scan


def test_regex_growth_flags_a_quadratic_scan() -> None:
    # "\d+x" on a run of digits retries every suffix from every start: quadratic
    problem = unsafe_scan(re.compile(r"\d+x"), "1" * 12_000, repeats=1)
    assert problem is not None and "the scan of a tenth" in problem


def test_regex_growth_passes_a_linear_scan() -> None:
    assert unsafe_scan(re.compile(r"(?<!\d)\d+x"), "1" * 12_000) is None  # one start only
    assert unsafe_scan(re.compile(r"1"), "1" * 100_000) is None
