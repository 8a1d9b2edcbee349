"""The corpus flow on the Prefect test harness: outputs, incremental skips, failures, retries,
artifacts, and the Dask runner."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from prefect.artifacts import Artifact
from prefect.states import Completed, Failed

from trialex import corpus
from trialex.records import DocumentResult

pytestmark = [pytest.mark.flow, pytest.mark.usefixtures("prefect_harness")]


def _flows() -> Any:
    import flows.corpus

    return flows.corpus


def run_flow(inputs: Path, out: Path, **parameters: Any) -> tuple[Any, dict[str, Any]]:
    state = _flows().corpus_flow(
        inputs=[str(inputs)], out=str(out), report=False, return_state=True, **parameters
    )
    return state, state.result()


def outputs(out: Path) -> dict[str, str]:
    """Every document output (not the summary), name -> content."""
    return {
        p.name: p.read_text(encoding="utf-8")
        for p in sorted(out.iterdir())
        if p.suffix in {".json", ".txt"} and not p.name.startswith(("_", "."))
    }


def assert_complete(out: Path, count: int) -> None:
    results = [
        DocumentResult.model_validate_json(content)
        for name, content in outputs(out).items()
        if name.endswith(".json")
    ]
    assert len(results) == count
    for result in results:
        text = (out / f"{result.doc_id}.txt").read_text(encoding="utf-8")
        for record in result.records:
            assert text[record.span.start : record.span.end] == record.text


def test_corpus_flow_extracts_a_folder_and_publishes_the_summary(
    corpus_dir: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    state, summary = run_flow(corpus_dir, out, batch_size=2)
    assert state.is_completed() and state.name == "Completed"
    assert summary["counts"]["new"] == 5 and summary["exit_status"] == 0
    assert json.loads((out / "_summary.json").read_text(encoding="utf-8")) == summary
    assert_complete(out, 5)
    artifact = Artifact.get(_flows().SUMMARY_ARTIFACT_KEY)
    assert artifact is not None and artifact.type == "table"
    rows = json.loads(artifact.data) if isinstance(artifact.data, str) else artifact.data
    assert sorted(r["doc_id"] for r in rows) == sorted(p.stem for p in corpus_dir.iterdir())


def test_corpus_flow_runs_one_batch_at_a_time(
    corpus_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Batches are CPU-bound Python: run together in threads they only contend for the GIL
    (Prefect's unbounded thread pool made the flow 1.73x the core time instead of 1.36x)."""
    running: list[int] = []
    peak = 0
    real = corpus.extract_batch

    def tracked(*args: Any, **kwargs: Any) -> Any:
        nonlocal peak
        running.append(1)
        peak = max(peak, len(running))
        time.sleep(0.05)  # long enough for a second thread to start, were there one
        try:
            return real(*args, **kwargs)
        finally:
            running.pop()

    monkeypatch.setattr(corpus, "extract_batch", tracked)
    _, summary = run_flow(corpus_dir, tmp_path / "out", batch_size=1)
    assert summary["counts"]["new"] == 5
    assert peak == 1


def test_corpus_flow_is_incremental(corpus_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_flow(corpus_dir, out)
    before = outputs(out)
    mtimes = {p.name: p.stat().st_mtime_ns for p in out.glob("*.json")}

    _, again = run_flow(corpus_dir, out)
    assert again["counts"]["skipped"] == 5 and again["counts"]["extracted"] == 0
    assert outputs(out) == before
    assert {p.name: p.stat().st_mtime_ns for p in out.glob("[!_]*.json")} == {
        k: v for k, v in mtimes.items() if not k.startswith("_")
    }

    changed = sorted(corpus_dir.iterdir())[2]
    changed.write_text(changed.read_text(encoding="utf-8") + "\nErratum.\n", encoding="utf-8")
    _, third = run_flow(corpus_dir, out)
    assert third["counts"]["changed"] == 1 and third["counts"]["skipped"] == 4
    assert [d["doc_id"] for d in third["documents"] if d["status"] == "changed"] == [changed.stem]

    (corpus_dir / "broken.txt").write_bytes(b"\x00\x01binary")
    state, fourth = run_flow(corpus_dir, out)
    assert state.is_completed() and state.name == "CompletedWithFailures"
    assert fourth["exit_status"] == 1
    assert fourth["counts"]["failed"] == 1 and fourth["counts"]["skipped"] == 5
    assert fourth["failed"][0]["reason"].startswith(str(corpus_dir / "broken.txt"))
    assert_complete(out, 5)


def test_corpus_flow_retries_a_transient_write_error(
    corpus_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_write = corpus.write_result
    calls: list[str] = []

    def flaky(result, text, out_dir):  # type: ignore[no-untyped-def]
        calls.append(result.doc_id)
        if len(calls) == 2:
            raise OSError(5, "Input/output error")
        return real_write(result, text, out_dir)

    monkeypatch.setattr(corpus, "write_result", flaky)
    out = tmp_path / "out"
    _, summary = run_flow(corpus_dir, out, batch_size=5)
    assert summary["counts"]["new"] == 5 and summary["exit_status"] == 0
    assert len(calls) == 10  # the failed batch ran again
    assert_complete(out, 5)


def test_corpus_flow_reports_a_lasting_write_error_as_failed(
    corpus_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_write = corpus.write_result

    def broken(result, text, out_dir):  # type: ignore[no-untyped-def]
        if result.doc_id.startswith("003"):
            raise OSError(28, "No space left on device")
        return real_write(result, text, out_dir)

    monkeypatch.setattr(corpus, "write_result", broken)
    out = tmp_path / "out"
    state, summary = run_flow(corpus_dir, out, batch_size=2)
    assert state.name == "CompletedWithFailures"
    assert summary["counts"]["failed"] == 1 and summary["counts"]["new"] == 4
    assert "No space left on device" in summary["failed"][0]["reason"]
    assert_complete(out, 4)


@pytest.mark.parametrize(
    ("state", "retry"),
    [
        (Failed(data=OSError(5, "Input/output error")), True),
        (Failed(data=corpus.OutputWriteError(5, "x: cannot write output")), True),
        (Failed(data=ValueError("bad input")), False),
        (Failed(data=TimeoutError("batch over its time limit")), False),
        (Completed(data=[]), False),
    ],
)
def test_corpus_flow_retries_only_io_errors(state: Any, retry: bool) -> None:
    assert _flows()._transient_io(None, None, state) is retry


def test_corpus_flow_on_dask_writes_what_the_default_runner_writes(
    corpus_dir: Path, tmp_path: Path
) -> None:
    (corpus_dir / "empty.txt").write_bytes(b"")
    run_flow(corpus_dir, tmp_path / "default", batch_size=2)
    summary = _flows().run(
        [str(corpus_dir)], str(tmp_path / "dask"), dask=True, workers=2, batch_size=2
    )
    assert summary["counts"]["new"] == 5 and summary["counts"]["failed"] == 1
    assert outputs(tmp_path / "dask") == outputs(tmp_path / "default")
    assert_complete(tmp_path / "dask", 5)


def test_corpus_flow_reports_a_batch_over_its_time_limit(
    corpus_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from trialex import ingest

    def slow(path: Path, settings: Any = None) -> Any:
        deadline = time.monotonic() + 120
        while path.name.startswith("001") and time.monotonic() < deadline:
            time.sleep(0.02)  # Python code between short waits: the task timeout interrupts it
        return ingest.load_path(path, settings)

    monkeypatch.setattr(corpus, "load_path", slow)
    monkeypatch.setenv("TRIALEX_DOC_TIMEOUT_S", "15")
    state, summary = run_flow(corpus_dir, tmp_path / "out", batch_size=1)
    assert state.name == "CompletedWithFailures"
    assert summary["counts"]["new"] == 4 and summary["counts"]["failed"] == 1
    [failure] = summary["failed"]
    assert Path(failure["source"]).name.startswith("001")
    assert "Timeout" in failure["reason"]


def test_corpus_flow_cli_run_exit_status(corpus_dir: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from trialex.cli import app

    out = tmp_path / "out"
    runner = CliRunner()
    ok = runner.invoke(app, ["run", str(corpus_dir), "--out", str(out)])
    assert ok.exit_code == 0, ok.output
    assert "5 new" in ok.output
    (corpus_dir / "empty.txt").write_bytes(b"")
    failed = runner.invoke(app, ["run", str(corpus_dir), "--out", str(out)])
    assert failed.exit_code == 1
    assert f"error: {corpus_dir / 'empty.txt'}: empty" in failed.output
    assert "5 skipped" in failed.output
    usage = runner.invoke(app, ["run", str(corpus_dir), "tcp://127.0.0.1:8786"])
    assert usage.exit_code == 2


def test_corpus_flow_deployment_file_matches_the_flow() -> None:
    import yaml
    from prefect.flows import load_flow_from_entrypoint

    root = Path(__file__).resolve().parents[2]
    config = yaml.safe_load((root / "prefect.yaml").read_text(encoding="utf-8"))
    [deployment] = config["deployments"]
    flow = load_flow_from_entrypoint(str(root / deployment["entrypoint"]))
    assert flow.name == "trialex-corpus"
    assert set(deployment["parameters"]) <= set(flow.parameters.properties)
    assert deployment["name"] == "trialex-corpus-daily"
    assert deployment["schedules"][0]["cron"] == "0 3 * * *"


def test_corpus_flow_cli_serve_passes_the_schedule(monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from trialex.cli import app

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(_flows().corpus_flow, "serve", lambda **kwargs: calls.append(kwargs))
    result = CliRunner().invoke(app, ["serve", "articles", "--out", "o", "--cron", "*/5 * * * *"])
    assert result.exit_code == 0, result.output
    [call] = calls
    assert call["cron"] == "*/5 * * * *"
    assert call["name"] == "trialex-corpus-daily"
    # absolute paths: the runner's flow-run processes need not share the caller's directory
    assert call["parameters"] == {
        "inputs": [str(Path("articles").resolve())],
        "out": str(Path("o").resolve()),
        "pubmed": None,
    }


def test_corpus_flow_on_an_existing_dask_scheduler(corpus_dir: Path, tmp_path: Path) -> None:
    from distributed import LocalCluster

    run_flow(corpus_dir, tmp_path / "default", batch_size=3)
    with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster:
        summary = _flows().run(
            [str(corpus_dir)], str(tmp_path / "remote"), address=cluster.scheduler_address
        )
    assert summary["counts"]["new"] == 5
    assert outputs(tmp_path / "remote") == outputs(tmp_path / "default")
