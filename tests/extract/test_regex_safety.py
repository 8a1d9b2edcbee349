"""Regex safety: every pattern of the rule files on adversarial 100 KB strings.

Python's ``re`` backtracks, so each pattern (value patterns, cues, the term matcher) must stay
linear-ish on long runs of digits, dots, dashes, spaces and brackets: the test fails if any
single ``finditer`` pass takes more than 100 ms (best of three runs; the one timing budget the
task allows). The value macros use atomic groups ``(?>...)`` so that digit runs are never
re-tried at every length.
"""

from __future__ import annotations

import re
import time

import pytest

from trialex.extract.numbers import patterns_for
from trialex.extract.rules import _term_regexes, assembly

BUDGET_S = 0.100
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


REPEATS = 3  # best of 3: the machine is shared, the budget is about the pattern, not the load


def _scan_time(regex: re.Pattern[str], text: str) -> float:
    start = time.perf_counter()
    for _ in regex.finditer(text):
        pass
    return time.perf_counter() - start


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
        elapsed = min(_scan_time(regex, text) for _ in range(REPEATS))
        if elapsed > BUDGET_S:
            slow.append(f"{label}: {elapsed * 1000:.0f} ms")
    assert not slow, f"{name} is too slow on {slow}"
