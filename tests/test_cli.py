from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from _paths import RAW_FILES
from trialex.cli import EXIT_FAILED, EXIT_USAGE, app
from trialex.records import DocumentResult

runner = CliRunner()
GOOD = RAW_FILES[0]


def _bad_files(folder: Path) -> dict[str, bytes]:
    files = {
        "empty.txt": b"",
        "binary.txt": bytes(range(256)) * 8,
        "latin1.txt": "Réponse globale: 64 % des patients (n = 38), µ ± 2 °C".encode("latin-1"),
        "truncated.pdf": b"%PDF-1.4\n1 0 obj << /Type /Catalog",
    }
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return files


def test_cli_extract_batch_keeps_going_past_bad_files(tmp_path: Path) -> None:
    inbox = tmp_path / "in"
    inbox.mkdir()
    shutil.copy(GOOD, inbox / GOOD.name)
    bad = _bad_files(inbox)
    out = tmp_path / "out"
    result = runner.invoke(app, ["extract", str(inbox), "--out", str(out), "--quiet"])
    assert result.exit_code == EXIT_FAILED
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == len(bad)
    for name in bad:
        assert sum(name in line for line in errors) == 1, name
    written = DocumentResult.model_validate_json((out / f"{GOOD.stem}.json").read_text("utf-8"))
    assert written.doc_id == GOOD.stem
    assert (out / f"{GOOD.stem}.txt").read_text("utf-8") == GOOD.read_text("utf-8")
    assert sorted(p.name for p in out.glob("*.json")) == [f"{GOOD.stem}.json"]


def test_cli_extract_stdin_prints_a_document_result() -> None:
    result = runner.invoke(app, ["extract", "-"], input=GOOD.read_bytes())
    assert result.exit_code == 0, result.stderr
    doc = DocumentResult.model_validate_json(result.stdout)
    assert doc.source == "<stdin>"
    assert doc.sections and doc.sections[-1].end == len(GOOD.read_text("utf-8"))


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_cli_extract_tabular_formats_write_a_records_file(tmp_path: Path, fmt: str) -> None:
    result = runner.invoke(app, ["extract", str(GOOD), "--out", str(tmp_path), "--format", fmt])
    assert result.exit_code == 0, result.stderr
    table = (tmp_path / f"records.{fmt}").read_text("utf-8")
    doc = DocumentResult.model_validate_json((tmp_path / f"{GOOD.stem}.json").read_text("utf-8"))
    rows = table.splitlines()
    assert len(rows) == len(doc.records) + (1 if fmt == "csv" else 0)


def test_cli_extract_without_supported_files_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "notes.docx").write_bytes(b"PK")
    result = runner.invoke(app, ["extract", str(tmp_path)])
    assert result.exit_code == EXIT_USAGE
    assert "no supported files" in result.stderr


def _empty_prediction(folder: Path, gold_dir: Path) -> Path:
    """A prediction folder holding one gold document's result with no records."""
    folder.mkdir(exist_ok=True)
    doc_id = sorted(gold_dir.glob("*.gold.json"))[0].name.removesuffix(".gold.json")
    result = DocumentResult(
        doc_id=doc_id,
        source=f"{doc_id}.txt",
        sha256="0",
        pipeline_version="test",
        languages=[],
        sections=[],
        records=[],
    )
    (folder / f"{doc_id}.json").write_text(result.model_dump_json(), encoding="utf-8")
    return folder


def test_cli_eval_gate_fails_below_min_f1(tmp_path: Path, gold_dir: Path) -> None:
    empty = _empty_prediction(tmp_path / "pred", gold_dir)
    args = ["eval", "--pred", str(empty), "--gold", str(gold_dir), "--no-lists"]
    assert runner.invoke(app, args).exit_code == 0
    gated = runner.invoke(app, [*args, "--min-f1", "0.5"])
    assert gated.exit_code == EXIT_FAILED
    assert "below the gate" in gated.stderr


def test_cli_eval_json_output_has_the_scores(tmp_path: Path, gold_dir: Path) -> None:
    _empty_prediction(tmp_path, gold_dir)
    result = runner.invoke(
        app, ["eval", "--pred", str(tmp_path), "--gold", str(gold_dir), "--json"]
    )
    data = json.loads(result.stdout)
    assert {
        "overall",
        "per_endpoint",
        "per_language",
        "field_accuracy",
        "section_accuracy",
        "documents",
    } <= set(data)


def test_cli_help_and_version_work_from_a_subprocess() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "trialex.cli", "--help"], capture_output=True, text=True, check=True
    ).stdout
    for command in ("extract", "eval", "schema"):
        assert command in out
    version = subprocess.run(
        [sys.executable, "-m", "trialex.cli", "--version"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert version.startswith("trialex ")


# ---- usage polish (issue 14) ----------------------------------------------------------------


def test_cli_help_shows_defaults_and_takes_dash_h() -> None:
    result = runner.invoke(app, ["run", "-h"])
    assert result.exit_code == 0
    assert "[default: raw]" in " ".join(result.output.split())
    assert "<bool>" not in result.output


def test_cli_export_of_a_missing_folder_prints_no_header(tmp_path: Path) -> None:
    result = runner.invoke(app, ["export", str(tmp_path / "missing")])
    assert result.exit_code == 2
    assert "doc_id" not in result.stdout
    assert "no such file or folder" in result.stderr


def test_cli_report_of_an_empty_folder_says_so(tmp_path: Path) -> None:
    result = runner.invoke(app, ["report", str(tmp_path), "--out", str(tmp_path / "r")])
    assert result.exit_code == 1
    assert "no document results" in result.stderr
    assert not (tmp_path / "r").exists()


def test_cli_eval_without_any_matching_gold_document_fails(tmp_path: Path) -> None:
    result = runner.invoke(app, ["eval", "--pred", str(tmp_path)])
    assert result.exit_code == 1
    assert "has gold" in result.stderr


def test_cli_says_when_it_writes_into_a_checkouts_extracted_folder(tmp_path: Path) -> None:
    checkout = tmp_path / "trialex"
    (checkout / ".git").mkdir(parents=True)
    (checkout / "extracted").mkdir()
    (checkout / "extracted" / "README.md").write_text("Output folder.\n", encoding="utf-8")
    result = runner.invoke(app, ["extract", str(GOOD), "--out", str(checkout / "extracted")])
    assert result.exit_code == 0
    assert "note: writing into this checkout's" in result.stderr
    elsewhere = runner.invoke(app, ["extract", str(GOOD), "--out", str(tmp_path / "out")])
    assert "note:" not in elsewhere.stderr
