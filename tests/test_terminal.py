"""`trialex extract - --format table`: the records as a table a person reads in 80 columns."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from _paths import RAW_FILES
from trialex.cli import app
from trialex.ingest import load_path
from trialex.pipeline import process
from trialex.records import DocumentResult


@pytest.fixture(scope="module")
def seed_result() -> DocumentResult:
    return process(load_path(RAW_FILES[2]))


def test_terminal_table_of_a_seed_fits_80_columns_one_line_per_record(
    seed_result: DocumentResult,
) -> None:
    result = CliRunner().invoke(
        app, ["extract", "-", "--format", "table"], input=RAW_FILES[2].read_bytes()
    )
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    header = next(i for i, line in enumerate(lines) if line.startswith("endpoint"))
    body = [line for line in lines[header + 2 :] if line.strip() and "! = validation" not in line]
    assert len(body) == len(seed_result.records)
    for column in ("stat", "value", "text"):
        assert column in lines[header]
    assert any("/" in line for line in body)  # n/N beside its value


def test_terminal_table_cuts_long_cells_instead_of_wrapping(seed_result: DocumentResult) -> None:
    from rich.console import Console

    from trialex.terminal import print_table

    console = Console(width=60, record=True)
    print_table(seed_result, console)
    text = console.export_text()
    assert max(len(line) for line in text.splitlines()) <= 60
    assert "…" in text
