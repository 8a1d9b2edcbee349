"""The Chinese open outcome rules (resources/zh/open_outcomes.json): each example holds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from trialex.extract.outcomes import zh_open_rules

DATA = json.loads(
    (Path(__file__).resolve().parents[2] / "src/trialex/resources/zh/open_outcomes.json").read_text(
        "utf-8"
    )
)
CASES = [
    (e["id"], kind, text)
    for e in DATA["patterns"]
    for kind in ("match", "no_match")
    for text in e["examples"][kind]
]


@pytest.mark.parametrize(("rule_id", "kind", "text"), CASES)
def test_zh_open_outcome_examples(rule_id: str, kind: str, text: str) -> None:
    patterns, not_outcome = zh_open_rules()
    regex = next(r for i, _, r in patterns if i == rule_id)
    found = [m.group("outcome") for m in regex.finditer(text)]
    found = [f for f in found if not not_outcome.search(f)]
    assert bool(found) is (kind == "match"), (text, found)


def test_zh_not_outcome_examples_are_rejected() -> None:
    _, not_outcome = zh_open_rules()
    assert all(not_outcome.search(x) for x in DATA["not_outcome"]["examples"])
