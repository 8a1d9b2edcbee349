"""The README's first screen is a contract: two commands, the second of which CI runs."""

from __future__ import annotations

import json
import re

from _paths import RAW_DIR, ROOT
from trialex.ingest import load_path
from trialex.pipeline import process
from trialex.records import DocumentResult

README = (ROOT / "README.md").read_text("utf-8")
BLOCKS = re.findall(r"```bash\n(.*?)```", README, flags=re.S)


def test_readme_first_screen_has_the_install_and_test_commands() -> None:
    first_screen = "\n".join(README.splitlines()[:25])
    run, test = BLOCKS[0].strip(), BLOCKS[1].strip()
    assert run in first_screen and test in first_screen
    assert "pip install" in run and "trialex run raw" in run
    assert "pytest" in test


def test_readme_ci_runs_exactly_the_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text("utf-8").splitlines()
    assert BLOCKS[1].strip() in ci


def test_readme_mentions_every_cli_command() -> None:
    from trialex.cli import app

    names = {c.name or c.callback.__name__ for c in app.registered_commands if c.callback}
    for name in names:
        assert f"trialex {name}" in README or name == "schema", name


def test_readme_paths_it_links_exist() -> None:
    for link in re.findall(r"\]\(([^)#]+)\)", README):
        if not link.startswith("http"):
            assert (ROOT / link).exists(), link


def test_readme_example_record_is_what_the_pipeline_produces() -> None:
    """The README's example document result is real: its sections and record come out of raw/."""
    example = json.loads(next(b for b in re.findall(r"```json\n(.*?)```", README, flags=re.S)))
    shown = DocumentResult.model_validate(example)
    result = process(load_path(RAW_DIR / f"{shown.doc_id}.txt"))
    assert result.sha256 == shown.sha256
    assert result.languages == shown.languages
    assert result.sections[: len(shown.sections)] == shown.sections
    assert shown.records[0] in result.records
