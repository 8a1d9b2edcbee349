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


# ---- examples: every rule shows itself at work, and a test runs every example ----------------

RULE_FILES = sorted(
    p
    for p in [*RESOURCES.rglob("*.json"), *RESOURCES.rglob("*.jsonl")]
    if p.relative_to(RESOURCES).parts[0] not in ("ner", "report", "review")
)

# where each file's entries with examples sit, and the test that runs them; a new kind of entry
# with examples fails test_resources_every_example_has_a_runner until its runner is named here
EXAMPLE_RUNNERS: dict[tuple[str, str], str] = {
    ("assembly.json", "cues/*"): "tests/extract/test_rules.py::test_rules_cue_examples",
    ("ctcae.json", "terms/[]"): "tests/extract/test_rules.py::test_rules_endpoint_examples",
    ("endpoints.json", "endpoints/[]"): "tests/extract/test_rules.py::test_rules_endpoint_examples",
    ("identifiers.json", "identifiers/[]"): "tests/test_metadata.py::test_metadata_rule_examples",
    (
        "normalize.json",
        "latex",
    ): "tests/test_normalize.py::test_normalize_rule_examples_give_their_view",
    ("normalize.json", "latex/dropped_patterns/[]"): "tests/test_normalize.py",
    ("normalize.json", "html_table"): "tests/test_normalize.py",
    ("normalize.json", "rules/[]"): "tests/test_normalize.py",
    ("tokenizer.json", "rules/[]"): "tests/test_nlp.py::test_nlp_tokenizer_rule_examples",
    ("*/count_nouns.json", ""): "tests/extract/test_count_nouns.py::test_count_nouns_examples",
    ("*/patterns.json", "patterns/[]"): "tests/extract/test_numbers.py::test_numbers_rule_examples",
    ("*/terms.jsonl", ""): "tests/test_ner.py::test_ner_vocabulary_examples",
    ("*/term_context.json", "rules/[]"): "tests/test_ner.py::test_ner_term_context_examples",
    ("*/sections.json", "*/[]"): "tests/test_sections.py::test_sections_rule_examples",
    ("en/open_outcomes.json", "patterns/[]"): "tests/extract/test_open_outcomes.py",
    ("en/open_outcomes.json", "not_outcome"): "tests/extract/test_open_outcomes.py",
    ("en/open_outcomes.json", "not_outcome_raw"): "tests/extract/test_open_outcomes.py",
    ("en/open_outcomes.json", "recode/[]"): "tests/extract/test_open_outcomes.py",
}


def _objects(value: object, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], dict]]:
    """Every JSON object of ``value`` with where it sits (list items as ``[]``)."""
    out: list[tuple[tuple[str, ...], dict]] = []
    if isinstance(value, dict):
        out.append((path, value))
        for key, item in value.items():
            if key != "examples":
                out.extend(_objects(item, (*path, key)))
    elif isinstance(value, list):
        for item in value:
            out.extend(_objects(item, (*path, "[]")))
    return out


def _entries(path: Path) -> list[tuple[tuple[str, ...], dict]]:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".jsonl":
        return [o for line in text.splitlines() if line.strip() for o in _objects(json.loads(line))]
    return _objects(json.loads(text))


def _runner(rel: str, where: tuple[str, ...]) -> str | None:
    lang_free = "*/" + rel.split("/", 1)[1] if "/" in rel else rel
    for (file, shape), runner in EXAMPLE_RUNNERS.items():
        if file not in (rel, lang_free):
            continue
        parts = shape.split("/") if shape else []
        if len(parts) == len(where) and all(
            p in ("*", w) for p, w in zip(parts, where, strict=True)
        ):
            return runner
    return None


@pytest.mark.parametrize("path", RULE_FILES, ids=lambda p: str(p.relative_to(RESOURCES)))
def test_resources_every_example_has_a_runner(path: Path) -> None:
    rel = path.relative_to(RESOURCES).as_posix()
    for where, entry in _entries(path):
        if "examples" in entry:
            assert _runner(rel, where), f"{rel} {'/'.join(where)}: no test runs these examples"


@pytest.mark.parametrize("path", RULE_FILES, ids=lambda p: str(p.relative_to(RESOURCES)))
def test_resources_every_rule_entry_has_examples(path: Path) -> None:
    """An entry with an ``id`` is a rule: it carries its examples. CTCAE terms are exempt (the
    terminology's term names are their examples: test_ner_ctcae_every_phrase_is_a_term_of_its_code
    runs them)."""
    rel = path.relative_to(RESOURCES).as_posix()
    missing = [
        entry["id"]
        for where, entry in _entries(path)
        if "id" in entry and not entry.get("examples") and rel != "ctcae.json"
    ]
    assert not missing, f"{rel}: entries without examples: {missing[:10]}"


def test_resources_example_runners_exist() -> None:
    root = RESOURCES.parents[2]
    for runner in set(EXAMPLE_RUNNERS.values()):
        file, _, name = runner.partition("::")
        text = (root / file).read_text(encoding="utf-8")
        assert not name or f"def {name}(" in text, runner
    assert _runner("en/sections.json", ("notes", "[]")) is not None
    assert _runner("assembly.json", ("new_block", "[]")) is None
