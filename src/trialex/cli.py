"""The ``trialex`` command: a thin shell over the library.

Exit codes: 0 success; 1 at least one document failed (the others are still written) or an
evaluation gate was missed; 2 usage error (no input, bad option).
"""

from __future__ import annotations

import io
import json
import re
import sys
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from trialex import PIPELINE_VERSION, __version__
from trialex.errors import InputError
from trialex.records import Document, DocumentResult

app = typer.Typer(
    name="trialex",
    help=(
        "Extract numeric clinical endpoints (response rates, survival, hazard ratios, "
        "adverse-event rates) from articles into validated JSON records, each with the exact "
        "character span it came from."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Plain (click) help: Rich's help swallowed "[default: raw]" as markup and showed <bool>
    # against every flag; -h is --help.
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
err = Console(stderr=True, highlight=False)

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
PROGRESS_MIN_FILES = 4


class OutputFormat(StrEnum):
    json = "json"
    jsonl = "jsonl"
    csv = "csv"
    table = "table"


def _error(message: str) -> None:
    """Print ``error: <message>`` as one line on standard error (never wrapped)."""
    typer.echo(f"error: {' '.join(message.split())}", err=True)


def _note_checkout_output(out: Path) -> None:
    """Say so when the outputs go into a trialex checkout's own ``extracted/`` folder (its
    README is tracked; earlier outputs of the same articles are replaced)."""
    folder = out.resolve()
    if (folder / "README.md").is_file() and (folder.parent / ".git").exists():
        earlier = sum(1 for p in folder.glob("*.json") if not p.name.startswith("_"))
        err.print(
            f"note: writing into this checkout's {out}/ ({earlier} earlier results there; "
            "--out DIR writes elsewhere)",
            markup=False,
        )


def one_line_error(source: str, error: Exception) -> str:
    """``<file>: <reason>`` for any failure; InputError messages already name their file."""
    if isinstance(error, InputError):
        return str(error)
    return f"{source}: {type(error).__name__}: {error}"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"trialex {__version__} (pipeline {PIPELINE_VERSION})")
        raise typer.Exit()


@app.callback()
def _root(
    ctx: typer.Context,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    """trialex: clinical endpoints from text, HTML and PDF articles."""
    from trialex import rulebook
    from trialex.settings import default_settings

    # every command reads the rules of TRIALEX_RULES_DIR (report colours, codes of results)
    ctx.call_on_close(rulebook.activate(default_settings().rules_dir))


def _emit(result: DocumentResult, fmt: OutputFormat, stream: io.TextIOBase) -> None:
    from trialex.export import iter_rows, rows_to_csv, rows_to_jsonl

    if fmt is OutputFormat.json:
        stream.write(json.dumps(result.model_dump(mode="json"), ensure_ascii=False, indent=2))
        stream.write("\n")
    elif fmt is OutputFormat.table:
        from trialex.terminal import print_table

        width = Console(file=stream).width if stream.isatty() else 80  # type: ignore[arg-type]
        print_table(result, Console(file=stream, width=width))  # type: ignore[arg-type]
    elif fmt is OutputFormat.jsonl:
        rows_to_jsonl(iter_rows([result]), stream)  # type: ignore[arg-type]
    else:
        rows_to_csv(iter_rows([result]), stream)  # type: ignore[arg-type]


@app.command(
    short_help="Extract records from files, folders or standard input (always re-extracts)."
)
def extract(
    paths: Annotated[
        list[str],
        typer.Argument(
            help="Files or folders (scanned for .txt .md .html .htm .pdf .xml .nxml); '-' reads "
            "standard input and prints the result to standard output.",
            show_default=False,
            metavar="ARTICLES",
        ),
    ],
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Output folder for <doc_id>.json and <doc_id>.txt.")
    ] = Path("extracted"),
    fmt: Annotated[
        OutputFormat,
        typer.Option(
            "--format",
            "-f",
            help="json: one document result per article (the contract). jsonl / csv: one row per "
            "record; written as records.jsonl / records.csv in --out beside the per-article JSON, "
            "or printed for '-'. table: a readable table of the records (printed; the JSON is "
            "still written for files).",
        ),
    ] = OutputFormat.json,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Extract endpoint records from articles (always re-extracts; see `trialex run` for
    incremental corpus runs).

    A file that cannot be read gets a one-line error naming it; the others are still extracted.
    Exit status 1 when any document failed.
    """
    from trialex.ingest import discover, load_documents, load_stdin
    from trialex.io import write_result
    from trialex.limits import read_at_most, time_limit
    from trialex.pipeline import process, process_many
    from trialex.settings import Settings

    settings = Settings()
    if paths == ["-"]:
        try:
            data = read_at_most(sys.stdin.buffer, settings.max_file_mb, "<stdin>")
            document = load_stdin(data, settings=settings)
            with time_limit(settings.doc_timeout_s, "<stdin>"):
                result = process(document, settings=settings)
        except Exception as error:
            _error(one_line_error("<stdin>", error))
            raise typer.Exit(EXIT_FAILED) from None
        _emit(result, fmt, sys.stdout)  # type: ignore[arg-type]
        return
    if "-" in paths:
        _error("'-' (standard input) cannot be mixed with paths")
        raise typer.Exit(EXIT_USAGE)

    _note_checkout_output(out)
    files = list(discover(paths, follow_symlinks=settings.follow_symlinks))
    if not files:
        _error(f"no supported files in {' '.join(paths)}")
        raise typer.Exit(EXIT_USAGE)

    failures: list[str] = []

    def report(source: str, error: Exception) -> None:
        failures.append(one_line_error(source, error))
        _error(failures[-1])

    def documents() -> Iterator[Document]:
        for path in files:
            try:
                yield from load_documents(path, settings=settings)
            except Exception as error:  # one bad file never stops the batch
                report(str(path), error)
            finally:
                progress.advance(task)

    show = not quiet and len(files) >= PROGRESS_MIN_FILES
    written: list[Path] = []
    with Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        disable=not show,
        transient=True,
    ) as progress:
        task = progress.add_task("extracting", total=len(files))
        for document, result in process_many(
            documents(), settings=settings, on_error=lambda d, e: report(d.source, e)
        ):
            written.append(write_result(result, document.text, out))

    if fmt is OutputFormat.table:
        from trialex.io import read_result

        for path in written:
            _emit(read_result(path), fmt, sys.stdout)  # type: ignore[arg-type]
    elif fmt is not OutputFormat.json:  # the records table of this run, read back from its files
        from trialex.export import export_records

        export_records(written, fmt.value, out / f"records.{fmt.value}")

    ok = len(written)
    total = max(len(files), ok + len(failures))  # a MEDLINE file holds several documents
    err.print(f"{ok} of {total} documents extracted into {out}/", markup=False)
    if failures:
        err.print(f"{len(failures)} failed", markup=False)
        raise typer.Exit(EXIT_FAILED)


@app.command("eval", short_help="Score extracted records and sections against gold records.")
def eval_(
    pred: Annotated[
        Path, typer.Option(help="Folder of extracted <doc_id>.json (and .txt).")
    ] = Path("extracted"),
    gold: Annotated[Path, typer.Option(help="Folder of <doc_id>.gold.json.")] = Path(
        "fixtures/gold"
    ),
    raw: Annotated[
        Path, typer.Option(help="Where source texts are when --pred holds no <doc_id>.txt.")
    ] = Path("raw"),
    as_json: Annotated[bool, typer.Option("--json", help="Print the scores as JSON.")] = False,
    min_f1: Annotated[
        float | None,
        typer.Option(help="Exit 1 when the overall micro F1 is below this gate (0-1)."),
    ] = None,
    lists: Annotated[
        bool, typer.Option("--lists/--no-lists", help="Print misses and false positives.")
    ] = True,
) -> None:
    """Compare extracted records with gold records: precision, recall and F1 (overall, per
    document, per endpoint, per language), attribute accuracy on matched records, section
    accuracy, and the lists of misses and false positives."""
    from trialex.evaluate import evaluate, format_report, scores_json

    if not gold.is_dir():
        _error(f"gold folder not found: {gold}")
        raise typer.Exit(EXIT_USAGE)
    if not pred.is_dir():
        _error(f"prediction folder not found: {pred}")
        raise typer.Exit(EXIT_USAGE)
    evaluation = evaluate(pred, gold, raw_dirs=[raw])
    if not evaluation.gold:
        _error(f"no gold records (<doc_id>.gold.json) in {gold}")
        raise typer.Exit(EXIT_FAILED)
    if not set(evaluation.gold) & set(evaluation.results):
        _error(f"no document in {pred} has gold in {gold} (doc ids differ, or nothing extracted)")
        raise typer.Exit(EXIT_FAILED)
    typer.echo(scores_json(evaluation) if as_json else format_report(evaluation, show_lists=lists))
    f1 = evaluation.overall()["f1"]
    if min_f1 is not None and f1 < min_f1:
        err.print(f"F1 {f1:.3f} is below the gate {min_f1:.3f}", markup=False)
        raise typer.Exit(EXIT_FAILED)


_SCHEDULER = re.compile(r"^[a-z][a-z0-9+.-]*://")


def _corpus_flows():  # type: ignore[no-untyped-def]
    """``flows.corpus`` (Prefect is imported only by the commands that run flows)."""
    try:
        import flows.corpus as module
    except ModuleNotFoundError:  # not installed: the flows/ folder of this checkout
        sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
        import flows.corpus as module
    return module


@app.command(short_help="Incremental corpus run as a Prefect flow (new and changed files only).")
def run(
    inputs: Annotated[
        list[str] | None,
        typer.Argument(
            help="Folders, files or glob patterns of articles [default: raw]",
            show_default=False,
            metavar="ARTICLES",
        ),
    ] = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder.")] = Path("extracted"),
    force: Annotated[
        bool, typer.Option("--force", help="Re-extract files whose output is up to date.")
    ] = False,
    dask: Annotated[
        bool,
        typer.Option(
            "--dask",
            help="Run the batches on Dask: a local cluster of --workers processes, or the "
            "scheduler whose address follows (--dask tcp://host:8786).",
        ),
    ] = False,
    workers: Annotated[int, typer.Option(min=1, help="Local Dask worker processes.")] = 2,
    batch_size: Annotated[
        int | None, typer.Option(min=1, help="Documents per task [default: settings]")
    ] = None,
    pubmed: Annotated[
        str | None,
        typer.Option(
            help="Also fetch what this PubMed query matches since the last run (MEDLINE XML, "
            "or the PMC full text where open) into <out>/sources/pubmed and extract it; "
            "TRIALEX_PUBMED_EMAIL / TRIALEX_PUBMED_API_KEY identify you to NCBI.",
        ),
    ] = None,
) -> None:
    """Incremental corpus run as a Prefect flow: extract new and changed files only, write
    <out>/_summary.json. Uses the Prefect server at PREFECT_API_URL, or a temporary local one.
    Exit status 1 when any document failed."""
    addresses = [i for i in inputs or [] if _SCHEDULER.match(i)]
    if (addresses and not dask) or len(addresses) > 1:
        _error(f"a scheduler address goes after --dask, once: {' '.join(addresses)}")
        raise typer.Exit(EXIT_USAGE)
    paths = [i for i in inputs or [] if i not in addresses]
    _note_checkout_output(out)
    from flows.server import ServerError

    try:
        summary = _corpus_flows().run(
            paths or None,
            str(out),
            force=force,
            dask=dask,
            address=addresses[0] if addresses else None,
            workers=workers,
            batch_size=batch_size,
            pubmed=pubmed,
        )
    except ServerError as error:
        _error(str(error))
        raise typer.Exit(1) from None
    counts = summary["counts"]
    for failure in summary["failed"]:
        _error(failure["reason"])
    fetched = summary.get("pubmed")
    if fetched and "error" in fetched:
        _error(f"pubmed: {fetched['error']}")
    elif fetched:
        typer.echo(
            f"pubmed {fetched['query']!r}: {fetched['found']} found since {fetched['mindate']}, "
            f"{fetched['new']} new ({fetched['full_texts']} PMC full texts)",
            err=True,
        )
    typer.echo(
        ", ".join(f"{counts[s]} {s}" for s in ("new", "changed", "forced", "skipped", "failed"))
        + f"; {summary['records']} records; summary in {out / '_summary.json'}",
        err=True,
    )
    raise typer.Exit(int(summary["exit_status"]))


@app.command(short_help="Serve the corpus flow on a cron schedule (default daily at 03:00).")
def serve(
    inputs: Annotated[
        list[str] | None,
        typer.Argument(
            help="Folders, files or glob patterns of articles [default: raw]",
            show_default=False,
            metavar="ARTICLES",
        ),
    ] = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder.")] = Path("extracted"),
    cron: Annotated[
        str, typer.Option(help="Schedule of the corpus run (cron syntax, server time zone).")
    ] = "0 3 * * *",
    name: Annotated[str, typer.Option(help="Deployment name.")] = "trialex-corpus-daily",
    server_timeout: Annotated[
        float,
        typer.Option(min=1, help="Seconds to wait for the local Prefect server to answer."),
    ] = 120.0,
    pubmed: Annotated[
        str | None,
        typer.Option(help="A PubMed query whose new articles every scheduled run fetches."),
    ] = None,
) -> None:
    """Serve the corpus flow on a schedule (default daily at 03:00) until interrupted (Ctrl-C
    or SIGTERM). With PREFECT_API_URL set, against that server; otherwise trialex starts a local
    Prefect server (API and scheduler) as a child process for as long as it serves, and stops it
    on the way out. Its log: <out>/.prefect-server.log."""
    flows = _corpus_flows()
    from flows.server import ServerError

    try:
        flows.serve(
            inputs or None,
            str(out),
            cron=cron,
            name=name,
            server_timeout=server_timeout,
            pubmed=pubmed,
        )
    except ServerError as error:
        _error(str(error))
        raise typer.Exit(1) from None


class ExportFormat(StrEnum):
    csv = "csv"
    jsonl = "jsonl"
    parquet = "parquet"


@app.command(short_help="Write HTML review pages (highlighted records, summary, gold diff).")
def report(
    results: Annotated[
        list[Path],
        typer.Argument(
            help="Document results (<doc_id>.json with <doc_id>.txt beside it) or folders of them.",
            show_default=False,
            metavar="RESULTS",
        ),
    ],
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Output folder for <doc_id>.html and index.html.")
    ] = Path("reports"),
    gold: Annotated[
        Path | None,
        typer.Option(
            help="Folder of <doc_id>.gold.json: show misses and false positives "
            "(default: fixtures/gold when it exists).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Write a self-contained HTML review page per document (text by section, highlighted
    records, endpoint summary, gold differences) and an index.html linking them."""
    from trialex.errors import TrialexError
    from trialex.report import default_gold_dir, write_reports

    if gold is not None and not gold.is_dir():
        _error(f"gold folder not found: {gold}")
        raise typer.Exit(EXIT_USAGE)
    missing = [p for p in results if not p.exists()]
    if missing:
        _error(f"{missing[0]}: no such file or folder")
        raise typer.Exit(EXIT_USAGE)
    if not any(_result_files(p) for p in results):
        _error(f"no document results (<doc_id>.json) in {' '.join(map(str, results))}")
        raise typer.Exit(EXIT_FAILED)
    failures: list[str] = []

    def failed(path: Path, error: TrialexError) -> None:
        failures.append(str(error))
        _error(str(error))

    try:
        index = write_reports(
            results, out, gold if gold is not None else default_gold_dir(), on_error=failed
        )
    except TrialexError as error:
        _error(str(error))
        raise typer.Exit(EXIT_USAGE) from None
    typer.echo(str(index))
    if failures:
        raise typer.Exit(EXIT_FAILED)


def _result_files(path: Path) -> list[Path]:
    """The document results a report would read at ``path`` (a file or a folder)."""
    if path.is_file():
        return [path] if path.suffix == ".json" else []
    return [p for p in path.glob("*.json") if not p.name.startswith("_")]


@app.command("export", short_help="Export every record as one row: CSV, JSON Lines or Parquet.")
def export_(
    inputs: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Folders of document results or <doc_id>.json files (default: extracted).",
            show_default=False,
            metavar="RESULTS",
        ),
    ] = None,
    fmt: Annotated[ExportFormat, typer.Option("--format", "-f", help="Row format.")] = (
        ExportFormat.csv
    ),
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", help="Output file (default: standard output; parquet needs a file)."
        ),
    ] = None,
    wide: Annotated[
        bool,
        typer.Option(
            "--wide",
            help="The evidence table instead: one row per study x endpoint x arm x value, "
            "prose and table mentions of a value in one row (csv or jsonl).",
        ),
    ] = False,
) -> None:
    """Export every record as one row (doc_id and all fields, stable column order), or with
    --wide the evidence table across studies."""
    from trialex.errors import TrialexError
    from trialex.export import ExportError, export_records

    missing = [p for p in inputs or [Path("extracted")] if not p.exists()]
    if missing:  # before any header is written
        _error(f"{missing[0]}: no such file or folder")
        raise typer.Exit(EXIT_USAGE)
    try:
        count = export_records(
            inputs or [Path("extracted")], fmt.value, out=out, stream=sys.stdout, wide=wide
        )
    except ExportError as error:
        _error(str(error))
        raise typer.Exit(EXIT_USAGE) from None
    except TrialexError as error:
        _error(str(error))
        raise typer.Exit(EXIT_FAILED) from None
    if out is not None:
        typer.echo(f"{count} {'rows' if wide else 'records'} written to {out}", err=True)


@app.command("train-ner", short_help="Train the outcome/arm tagger from ../shared/training.")
def train_ner(
    data: Annotated[
        Path, typer.Option(help="The training folder (rct_art/gold_corpus, rct_art/ebm_nlp_iob).")
    ] = Path("../shared/training"),
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Model folder [default: the packaged model]"),
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed of the split and of training.")] = 0,
) -> None:
    """Train the OUTCOME/ARM tagger (spaCy tok2vec + ner, CPU, a few minutes) and print its
    span F1 per label on held-out splits it never saw (also <out>/scores.json)."""
    from trialex.ner_train import DEFAULT_MODEL, train_and_score

    if not data.is_dir():
        _error(f"{data}: training folder not found")
        raise typer.Exit(EXIT_USAGE)
    scores = train_and_score(data, out or DEFAULT_MODEL, seed=seed)
    for split in ("test_rct_art", "test_all"):
        for label, s in scores[split].items():
            typer.echo(f"{split:<13} {label:<8} P {s['p']:.3f} R {s['r']:.3f} F1 {s['f']:.3f}")


@app.command(short_help="Print the JSON Schema of a document result.")
def schema() -> None:
    """Print the JSON Schema of a document result (extracted/<doc_id>.json)."""
    from trialex.records import schema_text

    typer.echo(schema_text(), nl=False)


# The reviewer's loop: `trialex review`, `trialex gold export` (src/trialex/cli_review.py).
from trialex.cli_review import register as _register_review  # noqa: E402

_register_review(app)


def main() -> None:
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
