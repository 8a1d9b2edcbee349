"""Regex safety: every pattern of the rule files on adversarial 100 KB strings.

Python's ``re`` backtracks, so each pattern (value patterns, cues, the term matcher) must stay
linear on long runs of digits, dots, dashes, spaces and brackets: a scan fails when it is both
over 100 ms and superlinear (``tests/_regex_growth.py``: load slows a linear scan, it does not
make it grow faster than the text). The value macros use atomic groups ``(?>...)`` so that
digit runs are never re-tried at every length.
"""

from __future__ import annotations

import re

import pytest

from _regex_growth import unsafe_scan
from trialex.extract.numbers import patterns_for
from trialex.extract.rules import _term_regexes, assembly

SIZE = 100_000

ADVERSARIAL = {
    "digits": "1" * SIZE,
    "digits_dots": "1." * (SIZE // 2),
    "dots": "." * SIZE,
    "dashes": "-−–" * (SIZE // 3),
    "digit_dash": "1-" * (SIZE // 2),
    "spaces": " " * SIZE,
    "parens": "(" * (SIZE // 2) + ")" * (SIZE // 2),
    "nested_numbers": "(1 (2 [3" * (SIZE // 8),
    "percent_runs": "1% " * (SIZE // 3),
    "comma_digits": "1,000," * (SIZE // 6),
    "n_equals": "n = 1 " * (SIZE // 6),
    "words_digits": "patients 1 of 2 " * (SIZE // 16),
    "cjk_digits": "例1" * (SIZE // 2),
    "pipes": "1 |\n" * (SIZE // 4),
}


def _regexes() -> list[tuple[str, re.Pattern[str]]]:
    out = [(f"{lang}:{p.id}", p.regex) for lang in ("en", "zh") for p in patterns_for(lang)]
    out += [(f"cue:{name}", c.regex) for name, c in assembly().cues.items()]
    ci, cs, _ = _term_regexes()
    out += [("terms:ci", ci), ("terms:cs", cs)]
    return out


@pytest.mark.parametrize(("name", "regex"), _regexes(), ids=[n for n, _ in _regexes()])
def test_regex_safety_adversarial_inputs(name: str, regex: re.Pattern[str]) -> None:
    slow = []
    for label, text in ADVERSARIAL.items():
        problem = unsafe_scan(regex, text)
        if problem is not None:
            slow.append(f"{label}: {problem}")
    assert not slow, f"{name} is too slow on {slow}"
