"""Every rule and vocabulary file parses strictly: JSON with no key given twice.

``json.load`` keeps the last of two equal keys silently; a merge that added a cue of the same
name twice once dropped a rule that way (``cohort_verb_after`` in ``assembly.json``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

RESOURCES = Path(__file__).resolve().parents[1] / "src" / "trialex" / "resources"
FILES = sorted(p for p in RESOURCES.rglob("*.json") if "model" not in p.parts)


def _no_duplicates(pairs: list[tuple[str, object]]) -> dict[str, object]:
    keys = [k for k, _ in pairs]
    twice = sorted({k for k in keys if keys.count(k) > 1})
    assert not twice, f"keys given twice: {twice}"
    return dict(pairs)


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(RESOURCES)))
def test_resources_json_has_no_duplicate_keys(path: Path) -> None:
    json.loads(path.read_text(encoding="utf-8"), object_pairs_hook=_no_duplicates)


@pytest.mark.parametrize(
    "path", sorted(RESOURCES.rglob("*.jsonl")), ids=lambda p: str(p.relative_to(RESOURCES))
)
def test_resources_jsonl_lines_have_no_duplicate_keys(path: Path) -> None:
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            json.loads(line, object_pairs_hook=_no_duplicates)


def test_resources_duplicate_keys_are_caught() -> None:
    with pytest.raises(AssertionError, match="given twice"):
        json.loads('{"a": 1, "a": 2}', object_pairs_hook=_no_duplicates)
