"""The reviewer's commands (``trialex review``, ``trialex gold export``): a thin shell over
:mod:`trialex.review` and :mod:`trialex.review_server`, registered on the main app."""

from __future__ import annotations

import getpass
import json
import os
from pathlib import Path
from typing import Annotated

import typer

EXIT_FAILED = 1
EXIT_USAGE = 2


def _error(message: str) -> None:
    typer.echo(f"error: {' '.join(message.split())}", err=True)


def _default_reviewer() -> str:
    try:
        return os.environ.get("USER") or getpass.getuser()
    except (KeyError, OSError):
        return "reviewer"


def review(
    args: Annotated[
        list[str] | None,
        typer.Argument(
            help="OUT_DIR (default: extracted) to review it in the browser, or: diff A B to "
            "compare two reviewers' <doc_id>.review.json of one document.",
            metavar="[OUT_DIR] | diff A B",
            show_default=False,
        ),
    ] = None,
    reviewer: Annotated[
        str | None,
        typer.Option(help="Your name in the review files [default: $USER]", show_default=False),
    ] = None,
    host: Annotated[str, typer.Option(help="Address to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port (0: any free one).")] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="diff: print JSON.")] = False,
) -> None:
    """Review extracted records in the browser: accept (a), reject (r), edit (e), undo (u),
    select text and press n to add a record the extractor missed; j/k move between records.

    Every decision is saved at once to <doc_id>.review.json beside the output. The app listens
    on 127.0.0.1 with a random token in the URL it prints; stop it with Ctrl-C.

    `trialex review diff A B` compares two review files of one document: agreement rate and
    the records the reviewers decided differently (exit 1 when they differ).
    """
    args = list(args or [])
    if args[:1] == ["diff"]:
        _diff(args[1:], as_json)
        return
    if len(args) > 1:
        _error(f"one output folder, not {len(args)} (or: diff A B)")
        raise typer.Exit(EXIT_USAGE)
    out_dir = Path(args[0] if args else "extracted")
    from trialex.review import result_files
    from trialex.review_server import ReviewApp, app_url, make_server

    if not out_dir.is_dir():
        _error(f"{out_dir}: no such folder")
        raise typer.Exit(EXIT_USAGE)
    if not result_files(out_dir):
        _error(f"no document results (<doc_id>.json with <doc_id>.txt) in {out_dir}")
        raise typer.Exit(EXIT_FAILED)
    app = ReviewApp(out_dir=out_dir, reviewer=reviewer or _default_reviewer())
    try:
        server = make_server(app, host, port)
    except OSError as error:
        _error(f"cannot listen on {host}:{port}: {error}")
        raise typer.Exit(EXIT_USAGE) from None
    typer.echo(f"trialex review of {out_dir}/ as {app.reviewer}: {app_url(server, app)}", err=False)
    typer.echo("Ctrl-C to stop.", err=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def _diff(paths: list[str], as_json: bool) -> None:
    from trialex.errors import TrialexError
    from trialex.review import diff_reviews, read_review_file

    if len(paths) != 2:
        _error("diff takes two review files: trialex review diff A B")
        raise typer.Exit(EXIT_USAGE)
    try:
        result = diff_reviews(read_review_file(Path(paths[0])), read_review_file(Path(paths[1])))
    except TrialexError as error:
        _error(str(error))
        raise typer.Exit(EXIT_USAGE) from None
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "doc_id": result.doc_id,
                    "compared": result.compared,
                    "agreed": result.agreed,
                    "agreement": result.agreement,
                    "differences": list(result.differences),
                },
                ensure_ascii=False,
                indent=1,
            )
        )
    else:
        typer.echo(
            f"{result.doc_id}: {result.agreed} of {result.compared} records agree "
            f"({result.agreement:.1%})"
        )
        for d in result.differences:
            where = f"span {d['span'][0]}-{d['span'][1]} value {d['value']:g}"
            typer.echo(f"  {where}: A {_short(d['a'])} | B {_short(d['b'])}")
            if d["fields"]:
                typer.echo(f"    fields: {', '.join(d['fields'])}")
    if result.differences:
        raise typer.Exit(EXIT_FAILED)


def _short(view: object) -> str:
    if not isinstance(view, dict):
        return str(view)
    return f"{view['endpoint']}/{view['statistic']}={view['value']:g}"


gold_app = typer.Typer(
    help="Gold records from reviews.",
    no_args_is_help=True,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@gold_app.command("export")
def gold_export(
    out_dir: Annotated[
        Path, typer.Argument(help="Output folder with <doc_id>.review.json files.")
    ] = Path("extracted"),
    to: Annotated[Path, typer.Option("--to", help="Gold folder to write.")] = Path("fixtures/gold"),
    force: Annotated[
        bool, typer.Option("--force", help="Replace hand-made gold files of the same documents.")
    ] = False,
    raw: Annotated[
        Path | None,
        typer.Option(
            help="Also copy each exported document's text here (e.g. raw/).", show_default=False
        ),
    ] = None,
) -> None:
    """Write every reviewed document of OUT_DIR as <doc_id>.gold.json (fixtures/gold/GUIDELINES.md
    format): accepted, edited and added records, rejected and unreviewed ones left out; evidence
    is each record's span text; sections become anchors. Each file is validated as the evaluator
    reads it before it is written; `trialex eval --gold DIR` scores against it."""
    from trialex.errors import TrialexError
    from trialex.review import export_gold

    if not out_dir.is_dir():
        _error(f"{out_dir}: no such folder")
        raise typer.Exit(EXIT_USAGE)
    try:
        written = export_gold(out_dir, to, overwrite=force, raw_dir=raw)
    except TrialexError as error:
        _error(str(error))
        raise typer.Exit(EXIT_FAILED) from None
    if not written:
        _error(f"no reviewed documents (<doc_id>.review.json) in {out_dir}")
        raise typer.Exit(EXIT_FAILED)
    for g in written:
        extra = f", {g.unreviewed} unreviewed left out" if g.unreviewed else ""
        extra += f", {g.stale} stale reviews ignored" if g.stale else ""
        typer.echo(f"{g.path}: {g.records} records{extra}")


def register(app: typer.Typer) -> None:
    """Add ``review`` and ``gold`` to the ``trialex`` command."""
    app.command(short_help="Review, correct and add records in the browser; or diff two reviews.")(
        review
    )
    app.add_typer(gold_app, name="gold", short_help="Gold records from reviews (export).")
