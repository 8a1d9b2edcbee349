"""The one rule loader (trialex.rulebook): one error type, strict JSON, and ``rules_dir``
honoured by every loader (a file the folder lacks is the bundled one)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from trialex import rulebook
from trialex.rulebook import RuleError

BUNDLED = rulebook.BUNDLED


def _loaders() -> dict[str, Callable[[Path], Any]]:
    """Rule file -> a call that loads it from the rules folder ``root``."""
    from trialex import endpoints, metadata, ner, normalize, sections
    from trialex.extract import numbers, outcomes, rules

    def under(call: Callable[[], Any]) -> Callable[[Path], Any]:
        def load(root: Path) -> Any:
            with rulebook.using(root):
                return call()

        return load

    return {
        "endpoints.json": lambda root: endpoints.registry(str(root)),
        "ctcae.json": lambda root: ner.load_rules(root),
        "assembly.json": under(rules.assembly),
        "normalize.json": lambda root: normalize.load_rules(str(root)),
        "tokenizer.json": lambda root: ner.load_text_rules(str(root)),
        "identifiers.json": under(metadata.identifier_rules),
        "en/patterns.json": lambda root: numbers.patterns_for("en", str(root)),
        "zh/patterns.json": lambda root: numbers.patterns_for("zh", str(root)),
        "en/count_nouns.json": lambda root: numbers.count_nouns("en", str(root)),
        "zh/count_nouns.json": lambda root: numbers.count_nouns("zh", str(root)),
        "en/sections.json": lambda root: sections.load_rules(rules_dir=str(root)),
        "zh/sections.json": under(sections.default_rules),
        "en/terms.jsonl": lambda root: ner.load_rules(root),
        "zh/terms.jsonl": lambda root: ner.load_rules(root),
        "en/term_context.json": lambda root: ner.load_term_context(str(root)),
        "en/open_outcomes.json": under(outcomes.open_rules),
    }


RULE_FILES = sorted(_loaders())


def test_rulebook_every_rule_file_has_a_loader_here() -> None:
    """A new rule file gets its line in ``_loaders`` (and so its override test)."""
    bundled = {
        p.relative_to(BUNDLED).as_posix()
        for p in [*BUNDLED.rglob("*.json"), *BUNDLED.rglob("*.jsonl")]
        if p.parts[len(BUNDLED.parts)] not in ("ner", "report", "review")
    }
    new = bundled - set(RULE_FILES) - {"zh/term_context.json", "zh/open_outcomes.json"}
    assert not new, (
        f"rule files {sorted(new)}: load them with trialex.rulebook.load_json (rules_dir and the "
        "one RuleError) and add their loader to _loaders in tests/test_rulebook.py"
    )


@pytest.mark.parametrize("name", RULE_FILES)
def test_rulebook_each_loader_reads_the_rules_dir(tmp_path: Path, name: str) -> None:
    """A broken copy of the file in the rules folder is what the loader reads: one RuleError
    naming that copy."""
    root = tmp_path / "rules"
    (root / name).parent.mkdir(parents=True, exist_ok=True)
    (root / name).write_text("{not json\n", encoding="utf-8")
    with pytest.raises(RuleError, match="invalid JSON") as caught:
        _loaders()[name](root)
    assert str(root / name) in str(caught.value)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("name", RULE_FILES)
def test_rulebook_each_loader_falls_back_to_the_bundled_file(tmp_path: Path, name: str) -> None:
    """An empty rules folder is the bundled rules: every loader loads."""
    (tmp_path / "empty").mkdir()
    assert _loaders()[name](tmp_path / "empty") is not None


def test_rulebook_rejects_a_key_given_twice() -> None:
    with pytest.raises(RuleError, match="key 'a' given twice") as caught:
        rulebook.parse_json('{"a": 1, "b": {"a": 2}, "a": 3}', "x.json")
    assert caught.value.file == "x.json"


def test_rulebook_error_names_file_entry_and_reason() -> None:
    error = RuleError("en/patterns.json", "bad regex (missing ))", entry="pct")
    assert str(error) == "en/patterns.json: pct: bad regex (missing ))"
    assert (error.file, error.entry, error.reason) == ("en/patterns.json", "pct", error.reason)
    assert isinstance(error, ValueError)
    with pytest.raises(RuleError, match=r"x.json: c1: bad regex"):
        rulebook.compile_rule("(unclosed", "x.json", "c1")
    with pytest.raises(RuleError, match="needs at least one 'match' example"):
        rulebook.examples_of({"no_match": ["a"]}, "x.json", "c1", need_match=True)
    with pytest.raises(RuleError, match="'examples' must be"):
        rulebook.examples_of({"hit": []}, "x.json", "c1")
    with pytest.raises(RuleError, match="duplicate id 'a'"):
        rulebook.unique_ids([{"id": "a"}, {"id": "a"}], "x.json")


def test_rulebook_old_error_names_are_the_one_error() -> None:
    from trialex import ner, normalize, sections
    from trialex.extract import numbers, rules

    for error in (
        ner.RulesError,
        normalize.NormalizeRulesError,
        sections.RulesError,
        numbers.PatternFileError,
        rules.RuleFileError,
    ):
        assert error is RuleError


@pytest.mark.parametrize(
    ("name", "broken", "message"),
    [
        ("en/patterns.json", {"patterns": [{"id": "x"}]}, "missing key 'pattern'"),
        ("en/sections.json", {"headings": [{"id": "h", "kind": "nope"}]}, "missing"),
        ("normalize.json", {"version": 1, "bogus": []}, "unknown keys"),
        ("tokenizer.json", {"rules": [{"id": "r", "kind": "prefix", "pattern": "("}]}, "bad regex"),
    ],
)
def test_rulebook_malformed_entries_raise_the_one_error(
    tmp_path: Path, name: str, broken: dict, message: str
) -> None:
    root = tmp_path / "rules"
    (root / name).parent.mkdir(parents=True, exist_ok=True)
    (root / name).write_text(json.dumps(broken), encoding="utf-8")
    with pytest.raises(RuleError, match=message):
        _loaders()[name](root)


def test_rulebook_settings_rules_dir_reaches_every_loader_of_the_pipeline(tmp_path: Path) -> None:
    """``Settings(rules_dir=...)``: the pipeline reads the folder's section rules (a heading only
    it knows), value patterns (no percentages at all) and cues, not the bundled ones."""
    from trialex.nlp import build_nlp
    from trialex.settings import Settings

    root = tmp_path / "rules"
    shutil.copytree(BUNDLED, root, ignore=shutil.ignore_patterns("ner", "report", "review"))
    sections = json.loads((root / "en" / "sections.json").read_text("utf-8"))
    sections["headings"].append(
        {
            "id": "test_outcome_heading",
            "kind": "results",
            "phrases": ["What we counted"],
            "examples": {"match": ["What we counted"], "no_match": []},
        }
    )
    (root / "en" / "sections.json").write_text(json.dumps(sections), "utf-8")
    text = "Background\nWe studied it.\n\nWhat we counted\nThe overall response rate was 64%.\n"
    bundled = build_nlp(Settings())(text)
    custom = build_nlp(Settings(rules_dir=root))(text)
    assert "results" not in {s.kind for s in bundled._.sections}
    assert "results" in {s.kind for s in custom._.sections}
    assert [(r.endpoint, r.value) for r in custom._.records] == [("ORR", 64.0)]
    # a patterns file without percentages: the same text yields no ORR record (rules are read
    # once per folder and process: a changed folder is a new folder)
    other = tmp_path / "other"
    shutil.copytree(root, other)
    patterns = json.loads((other / "en" / "patterns.json").read_text("utf-8"))
    patterns["patterns"] = [p for p in patterns["patterns"] if "pct" not in p["kind"]]
    (other / "en" / "patterns.json").write_text(json.dumps(patterns), "utf-8")
    rebuilt = build_nlp(Settings(rules_dir=other))(text)
    assert [r.value for r in rebuilt._.records if r.endpoint == "ORR"] == []
    # the bundled pipeline is untouched by the folder
    assert [(r.endpoint, r.value) for r in build_nlp(Settings())(text)._.records] == [("ORR", 64.0)]


def test_rulebook_cli_reads_trialex_rules_dir(tmp_path: Path, monkeypatch: Any) -> None:
    """``TRIALEX_RULES_DIR``: a broken rule file of the folder stops ``trialex extract`` with
    the one-line error naming it."""
    from trialex.cli import app

    root = tmp_path / "rules"
    (root / "en").mkdir(parents=True)
    (root / "en" / "patterns.json").write_text('{"patterns": [], "patterns": []}', "utf-8")
    article = tmp_path / "a.txt"
    article.write_text("Abstract\nResults: The overall response rate was 64%.\n", "utf-8")
    monkeypatch.setenv("TRIALEX_RULES_DIR", str(root))
    result = CliRunner().invoke(app, ["extract", str(article), "--out", str(tmp_path / "out")])
    assert result.exit_code != 0
    assert "given twice" in result.output and "patterns.json" in result.output


def test_rulebook_a_rule_without_examples_is_refused(tmp_path: Path) -> None:
    """A cue, an endpoint term entry or an identifier rule without a ``match`` example is a
    RuleError when its file is loaded (not only when the example tests run)."""
    from trialex.extract import rules
    from trialex.extract.rules import load_assembly

    good = json.loads((BUNDLED / "assembly.json").read_text("utf-8"))
    cue = {"pattern": "x", "examples": {"no_match": ["y"]}}
    with pytest.raises(RuleError, match="cue new: needs at least one 'match' example"):
        load_assembly({**good, "cues": {**good["cues"], "new": cue}})
    root = tmp_path / "rules"
    root.mkdir()
    table = json.loads((BUNDLED / "endpoints.json").read_text("utf-8"))
    table["endpoints"].append({"id": "bare", "code": "OS", "terms": {"en": ["bare survival"]}})
    (root / "endpoints.json").write_text(json.dumps(table), "utf-8")
    with rulebook.using(root), pytest.raises(RuleError, match="bare: 'examples' must be"):
        rules.endpoints()


def test_rulebook_activate_reaches_threads_and_using_overrides_it(tmp_path: Path) -> None:
    """The CLI's folder (activate) holds in threads a server starts; ``using`` overrides it
    (``using(None)``: the bundled rules) and restores it."""
    import threading

    restore = rulebook.activate(tmp_path)
    try:
        seen: list[str | None] = []
        thread = threading.Thread(target=lambda: seen.append(rulebook.active_rules_dir()))
        thread.start()
        thread.join()
        assert seen == [str(tmp_path)]
        with rulebook.using(None):
            assert rulebook.active_rules_dir() is None
        assert rulebook.rules_key() == str(tmp_path)
    finally:
        restore()
    assert rulebook.active_rules_dir() is None


def test_rulebook_a_pipeline_follows_its_settings_not_the_active_folder(tmp_path: Path) -> None:
    """A pipeline built for ``Settings()`` reads the bundled rules even where another folder
    is in force (its components load and apply the rules of their settings)."""
    from trialex.nlp import build_nlp
    from trialex.settings import Settings

    broken = tmp_path / "broken"
    for name in RULE_FILES:
        (broken / name).parent.mkdir(parents=True, exist_ok=True)
        (broken / name).write_text("{not json\n", encoding="utf-8")
    text = "Abstract\nResults: The overall response rate was 64%.\n"
    restore = rulebook.activate(broken)
    try:
        records = build_nlp(Settings())(text)._.records
    finally:
        restore()
    assert [(r.endpoint, r.value) for r in records] == [("ORR", 64.0)]
