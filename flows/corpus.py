"""The corpus flow: scan, plan, one task per batch of documents, write, summarise, publish.

Orchestration only: planning, extraction, writing and the summary are
:mod:`trialex.corpus` functions. Runs on Prefect's ephemeral local API when ``PREFECT_API_URL``
is unset, against that server otherwise.

    python -m flows.corpus raw --out extracted          # same as `trialex run raw`
"""

from __future__ import annotations

import contextlib
import logging
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import cloudpickle
from prefect import flow, get_run_logger, task
from prefect.artifacts import create_link_artifact, create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.client.schemas.objects import TaskRun
from prefect.settings import PREFECT_API_URL, get_current_settings, temporary_settings
from prefect.states import Completed, State
from prefect.task_runners import ThreadPoolTaskRunner
from prefect.tasks import Task

from flows import server
from flows.gold import gold_flow
from trialex import PIPELINE_VERSION, corpus
from trialex.corpus import DocStatus
from trialex.settings import Settings

DEFAULT_INPUTS = ("raw",)
DEFAULT_OUT = "extracted"
DEFAULT_DASK_WORKERS = 2
WRITE_RETRIES = 2
SUMMARY_ARTIFACT_KEY = "trialex-corpus-summary"
REPORT_ARTIFACT_KEY = "trialex-report"

# Task functions travel to Dask workers by value: the workers need not find this folder.
cloudpickle.register_pickle_by_value(sys.modules[__name__])


class _ThreadTimeoutNotice(logging.Filter):
    """Drop Prefect's per-task warning that a timeout cannot interrupt a blocking call in a worker
    thread: known and accepted here (the batch limit is a backstop; see ``corpus_flow``)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "running in a worker thread" not in str(record.msg)


logging.getLogger("prefect.task_runs").addFilter(_ThreadTimeoutNotice())


def _transient_io(task: Task[..., Any], task_run: TaskRun, state: State[Any]) -> bool:
    """Retry a batch only for an output-writing error (``OSError``), never for bad input or a
    batch over its time limit."""
    try:
        state.result(raise_on_failure=True)
    except TimeoutError:
        return False
    except OSError:
        return True
    except BaseException:
        return False
    return False


@task(
    name="extract-batch",
    task_run_name="extract-batch-{index}",
    retries=WRITE_RETRIES,
    retry_delay_seconds=1,
    retry_condition_fn=_transient_io,
    cache_policy=NO_CACHE,
)
def extract_batch_task(
    items: list[DocStatus], out: str, settings: Settings, index: int
) -> list[DocStatus]:
    """Extract and write one batch; raises ``OSError`` (retried) when an output was not written."""
    return corpus.raise_on_write_errors(corpus.extract_batch(items, out, settings=settings))


# Extraction is CPU-bound Python: threads only contend for the GIL (and keep more batches in
# memory). Measured on 300 documents: 1 thread 1.36x the core time, 2 threads 1.51x, Prefect's
# unbounded default 1.73x. Batches run one after another here; --dask scales out.
@flow(
    name="trialex-corpus",
    version=PIPELINE_VERSION,
    validate_parameters=True,
    task_runner=ThreadPoolTaskRunner(max_workers=1),
)
def corpus_flow(
    inputs: list[str] | None = None,
    out: str = DEFAULT_OUT,
    force: bool = False,
    batch_size: int | None = None,
    lock_timeout: float | None = None,
    report: bool = True,
    report_dir: str | None = None,
    gold: str | None = None,
    pubmed: str | None = None,
) -> State[dict[str, Any]]:
    """Extract every new or changed article under ``inputs`` (default ``raw/``) into ``out``.

    With ``pubmed`` (a PubMed query), the articles it matches that earlier runs did not fetch
    are fetched first (:mod:`trialex.pubmed`: MEDLINE XML, or the PMC full text where open)
    into ``<out>/sources/pubmed/`` and extracted with the rest; without ``inputs`` only they
    are. A PubMed failure is logged and makes the run's exit status 1; the other inputs still
    run.

    Returns the run summary (also ``<out>/_summary.json`` and the ``trialex-corpus-summary``
    table artifact); its ``exit_status`` is 1 when a document failed. The flow run ends
    ``Completed``, named "CompletedWithFailures" when a document failed. With ``report`` the
    HTML reports go to ``report_dir`` (default: ``<out>/reports/``, never outside ``out``) and
    the index is linked as an artifact; with ``gold`` (a folder of ``*.gold.json``) the gold
    comparison runs as a sub-flow and its scores are published too.
    """
    logger = get_run_logger()
    inputs = list(inputs or ([] if pubmed else DEFAULT_INPUTS))
    settings = Settings() if batch_size is None else Settings(batch_size=batch_size)
    started = corpus._now()
    with corpus.corpus_lock(out, timeout=lock_timeout):
        fetched: dict[str, Any] | None = None
        if pubmed:
            fetched = fetch_pubmed_task(pubmed, out, settings)
            if "error" not in fetched:
                inputs.append(fetched["folder"])
        plan = corpus.plan_corpus(inputs, out, force=force, settings=settings)
        groups = corpus.batches(corpus.pending(plan), settings.batch_size)
        logger.info(
            "%d files: %d to extract in %d batches", len(plan), sum(map(len, groups)), len(groups)
        )
        # the per-document time limit (SIGALRM) is a no-op in worker threads and processes:
        # bound each batch instead (Prefect interrupts Python code, not a blocking C call)
        futures = [
            extract_batch_task.with_options(
                timeout_seconds=settings.doc_timeout_s * len(group)
            ).submit(group, out, settings, index)
            for index, group in enumerate(groups)
        ]
        done: list[DocStatus] = []
        for group, future in zip(groups, futures, strict=True):
            try:
                done += future.result()
            except Exception as error:
                done += corpus.recover_batch(group, out, error)
        outcomes = corpus.merge_outcomes(plan, done)
        summary = corpus.summarize(
            outcomes, inputs=inputs, out_dir=out, force=force, started=started
        )
        if fetched is not None:
            summary["pubmed"] = fetched
            if "error" in fetched:
                summary["exit_status"] = 1
        corpus.write_summary(summary, out)
    publish_summary(summary)
    if gold:
        gold_flow(pred=out, gold=gold, raw=inputs)
    if report:
        publish_report(Path(out), Path(report_dir or Path(out) / "reports"), _path(gold))
    counts = summary["counts"]
    message = ", ".join(f"{counts[s]} {s}" for s in corpus.STATUSES if counts[s])
    logger.info("corpus run: %s", message or "no files")
    name = "CompletedWithFailures" if summary["exit_status"] else "Completed"
    return Completed(name=name, message=message, data=summary)


@task(name="fetch-pubmed", cache_policy=NO_CACHE)
def fetch_pubmed_task(query: str, out: str, settings: Settings) -> dict[str, Any]:
    """New articles of a PubMed query into ``<out>/sources/pubmed`` (the client retries)."""
    from trialex.pubmed import PubMedError, fetch_for_run

    try:
        fetched = fetch_for_run(query, Path(out), settings)
    except (PubMedError, OSError) as error:
        get_run_logger().error("pubmed: %s", error)
        return {"query": query, "error": str(error)}
    get_run_logger().info(
        "pubmed %r: %d found, %d new (%d full texts)",
        query,
        fetched["found"],
        fetched["new"],
        fetched["full_texts"],
    )
    return fetched


def _path(value: str | None) -> Path | None:
    return Path(value) if value else None


def publish_summary(summary: dict[str, Any]) -> None:
    """The run summary as a table artifact (one row per document) plus a markdown digest."""
    counts = summary["counts"]
    rows = corpus.summary_rows(summary)
    if rows:
        create_table_artifact(
            rows,
            key=SUMMARY_ARTIFACT_KEY,
            description=", ".join(f"{counts[s]} {s}" for s in corpus.STATUSES),
        )
    endpoints = summary["records_per_endpoint"]
    lines = [
        f"# trialex corpus run ({summary['pipeline_version']})",
        "",
        "| " + " | ".join(corpus.STATUSES) + " |",
        "|" + "---|" * len(corpus.STATUSES),
        "| " + " | ".join(str(counts[s]) for s in corpus.STATUSES) + " |",
        "",
        f"Records: {summary['records']}"
        + (" (" + ", ".join(f"{k} {v}" for k, v in endpoints.items()) + ")" if endpoints else ""),
    ]
    for failure in summary["failed"]:
        lines.append(f"- FAILED {failure['reason']}")
    create_markdown_artifact("\n".join(lines), key=f"{SUMMARY_ARTIFACT_KEY}-digest")


def publish_report(out: Path, report_dir: Path, gold: Path | None = None) -> Path | None:
    """Write the HTML reports and their index (``trialex.report``) and link the index."""
    try:
        from trialex.report import write_reports
    except ImportError:  # the report module is optional for a corpus run
        return None
    try:
        index = Path(write_reports([out], report_dir, gold, changed_only=True))
    except Exception:  # a report is a convenience: never fail the run for it
        get_run_logger().warning("report not written", exc_info=True)
        return None
    create_link_artifact(
        index.resolve().as_uri(), link_text="trialex report index", key=REPORT_ARTIFACT_KEY
    )
    return index


def dask_runner(address: str | None = None, workers: int = DEFAULT_DASK_WORKERS) -> Any:
    """A ``DaskTaskRunner``: on ``address`` (an existing scheduler) or a local cluster of
    ``workers`` worker processes (one thread each: the pipeline is CPU-bound Python)."""
    from prefect_dask import DaskTaskRunner

    if address:
        return DaskTaskRunner(address=address)
    return DaskTaskRunner(
        cluster_kwargs={"n_workers": workers, "threads_per_worker": 1, "processes": True}
    )


def run(
    inputs: Sequence[str] | None = None,
    out: str = DEFAULT_OUT,
    *,
    force: bool = False,
    dask: bool = False,
    address: str | None = None,
    workers: int = DEFAULT_DASK_WORKERS,
    batch_size: int | None = None,
    pubmed: str | None = None,
) -> dict[str, Any]:
    """Run the corpus flow (on Dask if asked) and return its summary."""
    parameters: dict[str, Any] = {
        "inputs": list(inputs) if inputs else None,
        "out": out,
        "force": force,
        "batch_size": batch_size,
        "pubmed": pubmed,
    }
    if not (dask or address):
        return _retry_startup(lambda: corpus_flow(**parameters, return_state=True).result())
    with shared_api():
        selected = corpus_flow.with_options(task_runner=dask_runner(address, workers))
        return selected(**parameters, return_state=True).result()  # type: ignore[no-any-return]


_STARTUP_TIMEOUT = "Timed out while attempting to connect to ephemeral Prefect API server"


def _retry_startup(call: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """Run ``call``; when Prefect's temporary API times out starting (a busy machine), try once
    more, then fail with one line that says what to do."""
    for attempt in (1, 2):
        try:
            return call()
        except RuntimeError as error:
            if _STARTUP_TIMEOUT not in str(error):
                raise
            if attempt == 2:
                timeout = get_current_settings().server.ephemeral.startup_timeout_seconds
                raise server.ServerError(
                    f"Prefect's temporary API did not start within {timeout} s (twice); raise "
                    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS or start a server "
                    "(`prefect server start`) and set PREFECT_API_URL"
                ) from None
    raise AssertionError("unreachable")


@contextlib.contextmanager
def shared_api() -> Iterator[None]:
    """Without ``PREFECT_API_URL``, start the temporary local server here and point this process
    at it, so that the Dask workers (which inherit the flow's settings) report to the same API
    instead of each starting a temporary server of its own."""
    if get_current_settings().api.url:
        yield
        return
    from prefect.server.api.server import SubprocessASGIServer

    server = SubprocessASGIServer()
    server.start()
    try:
        with temporary_settings(updates={PREFECT_API_URL: server.api_url}):
            yield
    finally:
        server.stop()


def serve(
    inputs: Sequence[str] | None = None,
    out: str = DEFAULT_OUT,
    *,
    cron: str = "0 3 * * *",
    name: str = "trialex-corpus-daily",
    server_timeout: float = server.DEFAULT_STARTUP_TIMEOUT_S,
    pubmed: str | None = None,
) -> None:
    """Serve the corpus flow on a cron schedule (default daily at 03:00) until interrupted.

    With ``PREFECT_API_URL`` set, the deployment is served against that server. Without it, a
    local Prefect server (API and scheduler; the temporary API cannot schedule) is started as a
    child process for as long as this serves, its log in ``<out>/.prefect-server.log``.
    """
    default = () if pubmed else DEFAULT_INPUTS
    parameters = {
        "inputs": [str(Path(i).resolve()) for i in (inputs or default)],
        "out": str(Path(out).resolve()),
        "pubmed": pubmed,
    }

    def serve_flow() -> None:
        corpus_flow.serve(name=name, cron=cron, parameters=parameters, tags=["trialex"])

    if get_current_settings().api.url:
        serve_flow()
        return
    Path(out).mkdir(parents=True, exist_ok=True)
    log = Path(out) / ".prefect-server.log"
    with (
        server.stop_on_sigterm(),
        server.local_server(timeout=server_timeout, log=log),
        contextlib.suppress(KeyboardInterrupt),
    ):
        serve_flow()


if __name__ == "__main__":  # pragma: no cover - convenience entry point
    import argparse

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("inputs", nargs="*", default=list(DEFAULT_INPUTS))
    parser.add_argument("--out", default=DEFAULT_OUT)
    parser.add_argument("--force", action="store_true")
    parser.add_argument("--dask", nargs="?", const="", default=None, metavar="ADDRESS")
    args = parser.parse_args()
    result = run(
        args.inputs,
        args.out,
        force=args.force,
        dask=args.dask is not None,
        address=args.dask or None,
    )
    sys.exit(corpus.exit_status(result))
