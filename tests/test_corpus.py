"""Incremental corpus runs (library side, no Prefect): planning, extraction, summary, locking,
crash safety and concurrent runs."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from trialex import PIPELINE_VERSION, corpus
from trialex.io import read_result
from trialex.records import DocumentResult

RAW_DIR = Path(__file__).resolve().parent.parent / "raw"


@pytest.fixture
def raw_copy(tmp_path: Path) -> Path:
    target = tmp_path / "raw"
    shutil.copytree(RAW_DIR, target)
    for path in target.iterdir():
        path.chmod(0o644)
    return target


def assert_outputs_complete(out: Path) -> list[DocumentResult]:
    """Every visible file is complete: each JSON parses as a document result, its ``.txt`` is
    there with the bytes it was made from, and every record span reproduces its text."""
    results = []
    for path in sorted(out.iterdir()):
        if path.name.startswith("."):
            continue
        if path.suffix == ".json":
            data = json.loads(path.read_text(encoding="utf-8"))
            if path.name == corpus.SUMMARY_NAME:
                assert "counts" in data
                continue
            result = DocumentResult.model_validate(data)
            text_path = path.with_suffix(".txt")
            assert text_path.is_file(), f"{text_path} missing"
            raw = text_path.read_bytes()
            assert hashlib.sha256(raw).hexdigest() == result.sha256, f"{text_path} incomplete"
            text = raw.decode("utf-8")
            for record in result.records:
                assert text[record.span.start : record.span.end] == record.text
            results.append(result)
        else:  # a text without its JSON (killed in between) is complete too: written atomically
            assert path.suffix == ".txt", path
    return results


# ---- planning ---------------------------------------------------------------------------------


def _write_output(out: Path, doc_id: str, **fields: object) -> None:
    out.mkdir(parents=True, exist_ok=True)
    data = {"doc_id": doc_id, "sha256": "", "pipeline_version": PIPELINE_VERSION, "records": []}
    data.update(fields)
    (out / f"{doc_id}.json").write_text(json.dumps(data), encoding="utf-8")
    (out / f"{doc_id}.txt").write_text("text", encoding="utf-8")


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@pytest.mark.parametrize(
    ("output", "force", "status", "reason"),
    [
        (None, False, "new", None),
        ({"sha256": "SAME"}, False, "skipped", None),
        ({"sha256": "SAME"}, True, "forced", "forced"),
        ({"sha256": "0" * 64}, False, "changed", "file content changed"),
        ({"sha256": "SAME", "pipeline_version": "0.0.1"}, False, "changed", "pipeline version"),
        ("truncated", False, "changed", "previous output incomplete"),
        ("no-text", False, "changed", "previous output incomplete"),
    ],
)
def test_corpus_plan_file_status(
    tmp_path: Path, output: object, force: bool, status: str, reason: str | None
) -> None:
    source = tmp_path / "in" / "a.txt"
    source.parent.mkdir()
    source.write_text("Overall response rate was 50%.", encoding="utf-8")
    out = tmp_path / "out"
    if isinstance(output, dict):
        fields = {k: (_sha(source.read_text()) if v == "SAME" else v) for k, v in output.items()}
        _write_output(out, "a", **fields)
    elif output == "truncated":
        _write_output(out, "a", sha256=_sha(source.read_text()))
        (out / "a.json").write_text('{"doc_id": "a", "sha2', encoding="utf-8")
    elif output == "no-text":
        _write_output(out, "a", sha256=_sha(source.read_text()))
        (out / "a.txt").unlink()
    item = corpus.plan_file(source, out, force=force)
    assert item.status == status
    assert item.doc_id == "a"
    assert item.sha256 == _sha(source.read_text())
    if reason is None:
        assert item.reason is None
    else:
        assert item.reason is not None and reason in item.reason


def test_corpus_plan_reports_missing_file_and_duplicate_doc_id(tmp_path: Path) -> None:
    (tmp_path / "in" / "sub").mkdir(parents=True)
    (tmp_path / "in" / "a.txt").write_text("one", encoding="utf-8")
    (tmp_path / "in" / "sub" / "a.md").write_text("two", encoding="utf-8")
    plan = corpus.plan_corpus(
        [tmp_path / "in", tmp_path / "missing.txt"], tmp_path / "out", force=False
    )
    by_source = {Path(item.source).name: item for item in plan}
    assert by_source["a.txt"].status == "new"
    assert by_source["a.md"].status == "failed"
    assert "already used by" in (by_source["a.md"].reason or "")
    assert by_source["missing.txt"].status == "failed"
    assert by_source["missing.txt"].reason == f"{tmp_path / 'missing.txt'}: no such file"


def test_corpus_plan_never_reads_a_fifo(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    os.mkfifo(tmp_path / "in" / "pipe.txt")
    [item] = corpus.plan_corpus([tmp_path / "in" / "pipe.txt"], tmp_path / "out")
    assert item.status == "failed"
    assert item.reason == f"{tmp_path / 'in' / 'pipe.txt'}: not a regular file"


def test_corpus_plan_expands_globs(raw_copy: Path, tmp_path: Path) -> None:
    plan = corpus.plan_corpus(
        [str(raw_copy / "00[01]_*.txt"), str(raw_copy / "nothing*.txt")], tmp_path / "out"
    )
    assert [item.doc_id[:3] for item in plan] == ["000", "001", "not"]
    assert [item.status for item in plan] == ["new", "new", "failed"]


def test_corpus_batches_cover_every_item_in_order() -> None:
    items = [corpus.DocStatus(str(i), str(i), "new") for i in range(7)]
    groups = corpus.batches(items, 3)
    assert [len(g) for g in groups] == [3, 3, 1]
    assert [i for g in groups for i in g] == items
    with pytest.raises(ValueError):
        corpus.batches(items, 0)


# ---- runs -------------------------------------------------------------------------------------


def test_corpus_run_extracts_then_skips_then_only_the_changed_file(
    raw_copy: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    first = corpus.run_corpus([raw_copy], out)
    assert first["counts"]["new"] == 5 and first["counts"]["failed"] == 0
    assert first["exit_status"] == 0
    results = assert_outputs_complete(out)
    assert sorted(r.doc_id for r in results) == sorted(p.stem for p in raw_copy.iterdir())
    assert json.loads((out / "_summary.json").read_text()) == first
    assert first["records"] == sum(len(r.records) for r in results)
    mtimes = {p.name: p.stat().st_mtime_ns for p in out.glob("*.json")}

    target = sorted(raw_copy.iterdir())[1]
    os.utime(target)  # touched, same bytes: still skipped
    second = corpus.run_corpus([raw_copy], out)
    assert second["counts"] | {"total": 0} == {
        "new": 0, "changed": 0, "forced": 0, "skipped": 5, "failed": 0, "total": 0, "extracted": 0
    }  # fmt: skip
    assert second["records"] == first["records"]
    assert second["records_per_endpoint"] == first["records_per_endpoint"]
    assert all(
        p.stat().st_mtime_ns == mtimes[p.name] for p in out.glob("*.json") if p.name[0] != "_"
    )

    target.write_text(target.read_text(encoding="utf-8") + "\nAddendum.\n", encoding="utf-8")
    third = corpus.run_corpus([raw_copy], out)
    assert third["counts"]["changed"] == 1 and third["counts"]["skipped"] == 4
    changed = [d for d in third["documents"] if d["status"] == "changed"]
    assert changed[0]["doc_id"] == target.stem
    assert read_result(out / f"{target.stem}.json").sha256 == _sha(target.read_text())
    assert_outputs_complete(out)

    forced = corpus.run_corpus([raw_copy], out, force=True)
    assert forced["counts"]["forced"] == 5


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.txt", b"", "empty"),
        ("binary.txt", b"abc\x00def", "NUL bytes"),
        ("latin1.txt", "réponse complète".encode("latin-1"), "not valid UTF-8"),
    ],
)
def test_corpus_run_reports_bad_input_and_completes_the_others(
    raw_copy: Path, tmp_path: Path, name: str, content: bytes, reason: str
) -> None:
    (raw_copy / name).write_bytes(content)
    out = tmp_path / "out"
    summary = corpus.run_corpus([raw_copy], out)
    assert summary["counts"]["new"] == 5
    assert summary["counts"]["failed"] == 1
    assert summary["exit_status"] == corpus.exit_status(summary) == 1
    [failure] = summary["failed"]
    assert failure["source"] == str(raw_copy / name)
    assert failure["reason"].startswith(f"{raw_copy / name}: ")
    assert reason in failure["reason"]
    assert "\n" not in failure["reason"]
    assert not (out / f"{Path(name).stem}.json").exists()
    assert len(assert_outputs_complete(out)) == 5


def test_corpus_extract_batch_isolates_a_processing_error(raw_copy: Path, tmp_path: Path) -> None:
    plan = corpus.plan_corpus([raw_copy], tmp_path / "out")

    def load(path: Path):  # type: ignore[no-untyped-def]
        if path.name.startswith("001"):
            raise RuntimeError("boom\nsecond line")
        from trialex.ingest import load_path

        return load_path(path)

    outcomes = corpus.extract_batch(plan, tmp_path / "out", load=load)
    assert [o.status for o in outcomes] == ["new", "failed", "new", "new", "new"]
    assert outcomes[1].reason == f"{plan[1].source}: RuntimeError: boom second line"


def test_corpus_write_error_is_marked_for_retry_and_recovered(
    raw_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    plan = corpus.plan_corpus([raw_copy], out)
    real_write = corpus.write_result

    def flaky(result, text, out_dir):  # type: ignore[no-untyped-def]
        if result.doc_id.startswith("002"):
            raise OSError(28, "No space left on device")
        return real_write(result, text, out_dir)

    monkeypatch.setattr(corpus, "write_result", flaky)
    outcomes = corpus.extract_batch(plan, out)
    assert corpus.has_write_errors(outcomes)
    with pytest.raises(corpus.OutputWriteError, match="No space left"):
        corpus.raise_on_write_errors(outcomes)
    recovered = corpus.recover_batch(plan, out, OSError(28, "No space left on device"))
    assert [o.status for o in recovered] == ["new", "new", "failed", "new", "new"]
    assert "No space left" in (recovered[2].reason or "")


def test_corpus_extract_text_returns_a_result_without_writing(tmp_path: Path) -> None:
    text = (RAW_DIR / sorted(p.name for p in RAW_DIR.iterdir())[0]).read_text(encoding="utf-8")
    result = corpus.extract_text(text, doc_id="my paste")
    assert result.doc_id == "my_paste"
    assert result.source == "<text>"
    for record in result.records:
        assert text[record.span.start : record.span.end] == record.text
    with pytest.raises(corpus.InputError, match="empty"):
        corpus.extract_text("  \n", doc_id="blank")


def test_corpus_merge_outcomes_keeps_plan_order(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("one", encoding="utf-8")
    plan = corpus.plan_corpus([tmp_path, tmp_path / "a.txt"], tmp_path / "out")
    assert [i.status for i in plan] == ["new", "failed"]  # the same file named twice
    done = [corpus.DocStatus(plan[0].source, "a", "new", records=3)]
    merged = corpus.merge_outcomes(plan, done)
    assert [(i.status, i.records) for i in merged] == [("new", 3), ("failed", 0)]
    with pytest.raises(ValueError):
        corpus.merge_outcomes(plan, done * 2)


def test_corpus_summary_counts_and_rows() -> None:
    outcomes = [
        corpus.DocStatus("a.txt", "a", "new", "x", None, 2, {"ORR": 2}, {"W1": 1}),
        corpus.DocStatus("b.txt", "b", "skipped", "y", None, 1, {"ORR": 1}, {}),
        corpus.DocStatus("c.txt", "c", "failed", None, "c.txt: empty: no text to extract"),
    ]
    summary = corpus.summarize(outcomes, inputs=["in"], out_dir="out")
    assert summary["counts"] == {
        "new": 1, "changed": 0, "forced": 0, "skipped": 1, "failed": 1, "total": 3, "extracted": 1
    }  # fmt: skip
    assert summary["records"] == 3
    assert summary["records_per_endpoint"] == {"ORR": 3}
    assert summary["warnings"] == {"W1": 1}
    assert summary["failed"] == [{"source": "c.txt", "reason": "c.txt: empty: no text to extract"}]
    assert summary["exit_status"] == 1
    assert [r["status"] for r in corpus.summary_rows(summary)] == ["new", "skipped", "failed"]
    json.dumps(summary)


# ---- locking, crash safety, concurrent runs ---------------------------------------------------


def test_corpus_lock_excludes_a_second_holder_and_cleans_temp_files(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    stale = out / ".a.json.abc123.tmp"
    stale.write_text('{"half', encoding="utf-8")
    with corpus.corpus_lock(out):
        assert not stale.exists()
        with pytest.raises(corpus.LockTimeout), corpus.corpus_lock(out, timeout=0.2):
            pass
    with corpus.corpus_lock(out, timeout=0.2):
        pass


def build_corpus(folder: Path, count: int) -> Path:
    """``count`` articles made from the raw texts, each slightly different (distinct hashes)."""
    folder.mkdir(parents=True, exist_ok=True)
    texts = [p.read_text(encoding="utf-8") for p in sorted(RAW_DIR.glob("*.txt"))]
    for i in range(count):
        text = texts[i % len(texts)]
        (folder / f"doc{i:05d}.txt").write_text(f"{text}\nCopy {i}.\n", encoding="utf-8")
    return folder


RUN_SCRIPT = textwrap.dedent(
    """
    import json, sys
    from trialex.corpus import run_corpus
    summary = run_corpus([sys.argv[1]], sys.argv[2])
    print(json.dumps(summary["counts"]))
    sys.exit(summary["exit_status"])
    """
)


def _start_run(inputs: Path, out: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", RUN_SCRIPT, str(inputs), str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


CRASH_DOCS = 80


def test_corpus_run_killed_while_writing_leaves_complete_files_and_resumes(
    tmp_path: Path,
) -> None:
    inputs = build_corpus(tmp_path / "in", CRASH_DOCS)
    out = tmp_path / "out"
    process = _start_run(inputs, out)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if len(list(out.glob("doc*.json"))) >= 5:
            break
        time.sleep(0.01)
    assert process.poll() is None, "the run ended before it could be killed: make it bigger"
    process.send_signal(signal.SIGKILL)
    process.wait()
    done = assert_outputs_complete(out)
    assert 5 <= len(done) < CRASH_DOCS
    assert not (out / corpus.SUMMARY_NAME).exists()

    rerun = _start_run(inputs, out)
    stdout, stderr = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, stderr
    counts = json.loads(stdout)
    assert counts["failed"] == 0
    assert counts["skipped"] >= len(done)
    assert counts["new"] + counts["changed"] + counts["skipped"] == CRASH_DOCS
    assert len(assert_outputs_complete(out)) == CRASH_DOCS
    assert not list(out.glob(".*.tmp"))


def test_corpus_two_runs_at_once_do_not_corrupt_each_other(tmp_path: Path) -> None:
    inputs = build_corpus(tmp_path / "in", 30)
    out = tmp_path / "out"
    runs = [_start_run(inputs, out), _start_run(inputs, out)]
    counts = []
    for run in runs:
        stdout, stderr = run.communicate(timeout=300)
        assert run.returncode == 0, stderr
        counts.append(json.loads(stdout))
    assert len(assert_outputs_complete(out)) == 30
    # the lock serialises the runs: every file is extracted once, the later run skips it
    assert sorted(c["new"] for c in counts) == [0, 30]
    assert sorted(c["skipped"] for c in counts) == [0, 30]
