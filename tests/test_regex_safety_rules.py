"""Regex safety of the other rule files: section rules, tokenizer rules and term regexes.

The value patterns and assembly cues are covered by ``tests/extract/test_regex_safety.py`` (they
are expanded from macros in code); this test walks the remaining data files generically, so a
pattern added to any of them is exercised without editing the test. A scan of a 100 KB
adversarial string fails when it is over 100 ms and superlinear (``tests/_regex_growth.py``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from _regex_growth import unsafe_scan

RESOURCES = Path(__file__).resolve().parents[1] / "src" / "trialex" / "resources"
COVERED_ELSEWHERE = {"patterns.json", "assembly.json"}
REGEX_KEYS = {"pattern", "patterns", "heading_patterns", "regex", "requires"}
SIZE = 100_000
ADVERSARIAL = {
    "digits": "1" * SIZE,
    "dots": "." * SIZE,
    "dashes": "-−–" * (SIZE // 3),
    "spaces": " " * SIZE,
    "parens": "(" * (SIZE // 2) + ")" * (SIZE // 2),
    "digit_dot_space": "1. " * (SIZE // 3),
    "words": "Results and methods " * (SIZE // 20),
    "cjk": "结果方法" * (SIZE // 4),
    "pipes": "a |" * (SIZE // 3),
}


def _strings(node: object, key: str | None = None) -> Iterator[str]:
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _strings(v, k)
    elif isinstance(node, list):
        for item in node:
            yield from _strings(item, key)
    elif isinstance(node, str) and key in REGEX_KEYS:
        yield node


def _patterns() -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for path in sorted(RESOURCES.rglob("*.json*")):
        if path.name in COVERED_ELSEWHERE or path.parent.name == "report":
            continue
        text = path.read_text("utf-8")
        docs = (
            [json.loads(line) for line in text.splitlines() if line.strip()]
            if path.suffix == ".jsonl"
            else [json.loads(text)]
        )
        name = str(path.relative_to(RESOURCES))
        for doc in docs:
            found += [(name, p) for p in _strings(doc)]
    return found


PATTERNS = _patterns()


def test_regex_safety_rules_found_patterns_in_every_rule_file() -> None:
    files = {name for name, _ in PATTERNS}
    assert {"en/sections.json", "zh/sections.json", "tokenizer.json"} <= files


@pytest.mark.parametrize(
    ("source", "pattern"), PATTERNS, ids=[f"{s}:{p[:40]}" for s, p in PATTERNS]
)
def test_regex_safety_rules_adversarial_inputs(source: str, pattern: str) -> None:
    regex = re.compile(pattern, re.IGNORECASE | re.MULTILINE)
    slow = []
    for label, text in ADVERSARIAL.items():
        problem = unsafe_scan(regex, text)
        if problem is not None:
            slow.append(f"{label}: {problem}")
    assert not slow, f"{source} pattern {pattern!r} is too slow on {slow}"
