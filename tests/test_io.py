"""Output paths stay inside the output folder; atomic writes leave no temporary files behind."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from trialex.io import atomic_write_text, output_path, read_result, write_result
from trialex.records import DocumentResult

HOSTILE_IDS = [
    "..",
    ".",
    "",
    "../escape",
    "../../../../etc/passwd",
    "/etc/passwd",
    "/abs/olute/../../name",
    "C:\\Windows\\system32",
    "sub/dir/name",
    "name\x00with\nnul",
    "研究 論文",
    "résumé",
    "a" * 1000,
    "研" * 400,
    "..\\..\\x",
    "~root",
    "-rf",
    ".hidden",
    "x" + "/.." * 50,
]


def _result(doc_id: str) -> DocumentResult:
    return DocumentResult(
        doc_id=doc_id,
        source=f"{doc_id}.txt",
        sha256="0" * 64,
        pipeline_version="test",
        languages=["en"],
        sections=[],
        records=[],
    )


def _all_files(root: Path) -> set[Path]:
    return {path for path in root.rglob("*")}


@pytest.mark.parametrize("doc_id", HOSTILE_IDS)
def test_io_output_path_stays_in_output_folder(tmp_path: Path, doc_id: str) -> None:
    out = tmp_path / "out"
    path = output_path(out, doc_id, ".json")
    assert path.parent == out
    assert path.resolve().parent == out.resolve()
    assert path.name.endswith(".json") and not path.name.startswith(".")
    assert len(path.name) <= 255


@pytest.mark.parametrize("doc_id", HOSTILE_IDS)
def test_io_write_result_writes_nothing_outside(tmp_path: Path, doc_id: str) -> None:
    out = tmp_path / "nested" / "out"
    before = _all_files(tmp_path)
    target = write_result(_result(doc_id), "text", out)
    created = _all_files(tmp_path) - before
    files = {path for path in created if path.is_file()}
    assert files == {target, target.with_suffix(".txt")}
    folders = {out, out.parent}  # made by write_result on the way
    assert all(path.resolve().is_relative_to(out.resolve()) for path in created - folders)
    assert read_result(target).doc_id == doc_id
    assert target.with_suffix(".txt").read_text(encoding="utf-8") == "text"


def test_io_distinct_non_ascii_ids_do_not_overwrite(tmp_path: Path) -> None:
    first = write_result(_result("研究"), "one", tmp_path)
    second = write_result(_result("肺癌"), "two", tmp_path)
    assert first != second


def test_io_atomic_write_replaces_whole_file(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    atomic_write_text(path, "old\r\n")
    atomic_write_text(path, "new\r\n")
    assert path.read_bytes() == b"new\r\n"  # no newline translation
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json"]


@pytest.mark.parametrize("failure", ["encode", "replace"])
def test_io_atomic_write_leaves_no_temp_file_on_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failure: str
) -> None:
    path = tmp_path / "a.json"
    atomic_write_text(path, "old")
    text = "new"
    if failure == "encode":
        text = "bad \udcff surrogate"  # cannot be written as UTF-8
    else:

        def broken_replace(src: object, dst: object) -> None:
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises((UnicodeEncodeError, OSError)):
        atomic_write_text(path, text)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json"]
    assert path.read_text(encoding="utf-8") == "old"
