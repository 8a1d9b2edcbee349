"""Incremental corpus runs: scan, plan, extract in batches, write atomically, summarise.

A corpus run turns a folder (or files, or globs) of articles into ``<out>/<doc_id>.json`` +
``<doc_id>.txt`` pairs and a ``<out>/_summary.json``:

1. :func:`plan_corpus` scans the inputs (:func:`trialex.ingest.discover`) and decides per
   document (one per file, except a MEDLINE ``.xml``: one per article, each planned on the
   sha256 of its own XML, so that a re-fetched file re-extracts only the articles that changed):
   ``new`` (no output yet), ``changed`` (output from other bytes, another pipeline version, or
   incomplete), ``forced`` (up to date but ``force`` asked for a re-run), ``skipped`` (output has
   the same sha256 and pipeline version) or ``failed`` (unreadable, duplicate doc_id).
2. :func:`extract_batch` extracts a batch of planned files through
   :func:`trialex.pipeline.process_many` and writes each result as soon as it is made
   (:func:`trialex.io.write_result`: temp file + rename, text first, JSON last). A document that
   cannot be read or processed is recorded as ``failed`` with a one-line reason; it never stops
   the others. Writing errors (``OSError``) are recorded with ``write_error=True`` so that a
   caller (the Prefect flow) can retry the batch.
3. :func:`summarize` / :func:`write_summary` build and write the run summary; its
   ``exit_status`` is 1 when a document failed.

Crash safety: every output file is replaced atomically, so a run killed at any point leaves
complete files only (and perhaps a hidden ``.<name>.*.tmp``, removed by the next run); the next
run re-plans and finishes the job. Concurrent runs on one output folder are serialised by an
advisory lock (:func:`corpus_lock`, ``fcntl.flock`` on ``<out>/.trialex.lock``): the second run
waits, then finds the work done. The kernel drops the lock when its holder dies, so a killed run
leaves no stale lock.

:func:`run_corpus` chains the steps in one process (no Prefect); ``flows/corpus.py`` runs the same
steps as Prefect tasks.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import functools
import hashlib
import json
import logging
import os
import stat
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from trialex import PIPELINE_VERSION
from trialex.errors import InputError, TrialexError
from trialex.ingest import (
    discover,
    display_name,
    doc_id_for_name,
    document_from_text,
    is_multi_document,
    load_documents,
    load_path,
)
from trialex.io import atomic_write_text, output_path, write_result
from trialex.limits import time_limit
from trialex.pipeline import process_many
from trialex.records import Document, DocumentResult
from trialex.settings import Settings, default_settings

logger = logging.getLogger(__name__)

Status = Literal["new", "changed", "forced", "skipped", "failed"]
STATUSES: tuple[str, ...] = ("new", "changed", "forced", "skipped", "failed")
TO_EXTRACT: frozenset[str] = frozenset({"new", "changed", "forced"})

SUMMARY_NAME = "_summary.json"
LOCK_NAME = ".trialex.lock"
EXIT_OK = 0
EXIT_FAILED = 1


@dataclass(frozen=True)
class DocStatus:
    """One input file of a corpus run: what the plan decided and, after extraction, what happened.

    ``records``/``endpoints``/``warnings`` describe the document's current output (for a skipped
    file: the output already there). ``reason`` says why a file is ``changed`` or ``failed``
    (one line, naming the file for failures). ``member`` is set for one article of a file that
    holds several (a MEDLINE set): the doc_id of that article in the file.
    """

    source: str
    doc_id: str
    status: Status
    sha256: str | None = None
    reason: str | None = None
    records: int = 0
    endpoints: dict[str, int] = field(default_factory=dict)
    warnings: dict[str, int] = field(default_factory=dict)
    write_error: bool = False
    member: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        del data["write_error"]
        if data["member"] is None:
            del data["member"]
        return data


# ---- planning ---------------------------------------------------------------------------------


def doc_id_for(path: Path) -> str:
    """The doc_id :func:`trialex.ingest.load_path` gives ``path`` (without reading it)."""
    return doc_id_for_name(path.name)


def file_sha256(path: Path, chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def _counts(data: dict[str, Any]) -> tuple[int, dict[str, int], dict[str, int]]:
    records = data.get("records") or []
    endpoints = Counter(str(r.get("endpoint")) for r in records)
    warnings = Counter(str(w.get("code")) for w in data.get("warnings") or [])
    for r in records:
        warnings.update(str(w.get("code")) for w in r.get("warnings") or [])
    return len(records), dict(sorted(endpoints.items())), dict(sorted(warnings.items()))


def result_counts(result: DocumentResult) -> tuple[int, dict[str, int], dict[str, int]]:
    """Record count, records per endpoint and warning codes of a document result."""
    return _counts(result.model_dump(mode="json"))


def existing_output(out_dir: Path, doc_id: str) -> dict[str, Any] | None:
    """The parsed ``<out>/<doc_id>.json`` if it and its ``.txt`` are there and readable."""
    try:
        json_path = output_path(out_dir, doc_id, ".json")
        if not output_path(out_dir, doc_id, ".txt").is_file():
            return None
        data = json.loads(json_path.read_text(encoding="utf-8"))
    except (OSError, ValueError, TrialexError):
        return None
    return data if isinstance(data, dict) else None


def plan_file(path: Path, out_dir: Path, *, force: bool = False) -> DocStatus:
    """Decide what a corpus run does with one file (only regular files are read: a FIFO or a
    device cannot hang the plan)."""
    source = str(path)
    name = display_name(source)
    doc_id = doc_id_for(path)
    try:
        mode = path.stat().st_mode
        if stat.S_ISDIR(mode):
            raise InputError(name, "is a folder, not a file")
        if not stat.S_ISREG(mode):
            raise InputError(name, "not a regular file")
        sha = file_sha256(path)
    except FileNotFoundError:
        return DocStatus(source, doc_id, "failed", reason=f"{name}: no such file")
    except InputError as error:
        return DocStatus(source, doc_id, "failed", reason=str(error))
    except OSError as error:
        reason = f"{name}: cannot read: {error.strerror or error}"
        return DocStatus(source, doc_id, "failed", reason=reason)
    return _decide(source, doc_id, sha, out_dir, force=force)


def _decide(
    source: str, doc_id: str, sha: str, out_dir: Path, *, force: bool, member: str | None = None
) -> DocStatus:
    """The status of one document of content ``sha`` against its output in ``out_dir``."""
    previous = existing_output(out_dir, doc_id)
    if previous is None:
        json_exists = (Path(out_dir) / f"{doc_id}.json").exists()
        if json_exists:
            reason = "previous output incomplete"
            return DocStatus(source, doc_id, "changed", sha, reason=reason, member=member)
        return DocStatus(source, doc_id, "new", sha, member=member)
    if previous.get("sha256") != sha:
        reason = "file content changed" if member is None else "article changed"
        return DocStatus(source, doc_id, "changed", sha, reason=reason, member=member)
    if previous.get("pipeline_version") != PIPELINE_VERSION:
        old = previous.get("pipeline_version")
        reason = f"pipeline version {old} -> {PIPELINE_VERSION}"
        return DocStatus(source, doc_id, "changed", sha, reason=reason, member=member)
    if force:
        return DocStatus(source, doc_id, "forced", sha, reason="forced", member=member)
    records, endpoints, warnings = _counts(previous)
    return DocStatus(
        source, doc_id, "skipped", sha, None, records, endpoints, warnings, member=member
    )


def plan_path(
    path: Path, out_dir: Path, *, force: bool = False, settings: Settings | None = None
) -> list[DocStatus]:
    """The plan of one file: one item, or one per article of a MEDLINE set (each planned on the
    sha256 of its own XML; the file is parsed to list them)."""
    if not is_multi_document(path):
        return [plan_file(path, out_dir, force=force)]
    settings = settings or default_settings()
    try:
        documents = _file_documents(path, settings)
    except Exception as error:  # InputError (malformed XML, too big), or a bug: report, go on
        return [DocStatus(str(path), doc_id_for(path), "failed", reason=_reason(str(path), error))]
    return [
        _decide(str(path), d.doc_id, d.sha256, Path(out_dir), force=force, member=d.doc_id)
        for d in documents
    ]


@functools.lru_cache(maxsize=2)
def _cached_documents(
    path: str, mtime_ns: int, size: int, settings: Settings
) -> tuple[Document, ...]:
    return tuple(load_documents(path, settings))


def _file_documents(path: Path, settings: Settings) -> tuple[Document, ...]:
    """The documents of a multi-document file, parsed once for the plan and its batch (cached
    on path, modification time and size: a file rewritten in between is read again)."""
    info = Path(path).stat()
    return _cached_documents(str(path), info.st_mtime_ns, info.st_size, settings)


def load_member(path: Path, member: str, settings: Settings) -> Document:
    """The article ``member`` (its doc_id) of a multi-document file."""
    for document in _file_documents(path, settings):
        if document.doc_id == member:
            return document
    raise InputError(display_name(str(path)), f"article {member} is no longer in the file")


def plan_corpus(
    inputs: Iterable[str | Path],
    out_dir: str | Path,
    *,
    force: bool = False,
    settings: Settings | None = None,
) -> list[DocStatus]:
    """One :class:`DocStatus` per file found in ``inputs`` (folders, files or glob patterns).

    Two files with the same doc_id (``a.txt`` and ``a.md``, or equal names in two sub-folders)
    would overwrite each other's output: the second is ``failed``.
    """
    out_dir = Path(out_dir)
    settings = settings or default_settings()
    plan: list[DocStatus] = []
    seen: dict[str, str] = {}
    for path in discover(expand_globs(inputs), follow_symlinks=settings.follow_symlinks):
        for item in plan_path(path, out_dir, force=force, settings=settings):
            if item.doc_id in seen:
                reason = (
                    f"{display_name(item.source)}: doc_id {item.doc_id!r} already used by "
                    f"{display_name(seen[item.doc_id])}"
                )
                item = DocStatus(item.source, item.doc_id, "failed", item.sha256, reason)
            else:
                seen[item.doc_id] = item.source
            plan.append(item)
    return plan


def expand_globs(inputs: Iterable[str | Path]) -> Iterator[Path]:
    """Paths as given, glob patterns (``*``, ``?``, ``[``) expanded and sorted."""
    for raw in inputs:
        text = str(raw)
        if any(ch in text for ch in "*?[") and not Path(text).exists():
            anchor = Path(text).anchor or "."
            pattern = text[len(Path(text).anchor) :] if Path(text).anchor else text
            matches = sorted(Path(anchor).glob(pattern))
            if not matches:
                yield Path(text)  # reported as "no such file"
            yield from matches
        else:
            yield Path(text)


def pending(plan: Iterable[DocStatus]) -> list[DocStatus]:
    """The planned files that need extracting."""
    return [item for item in plan if item.status in TO_EXTRACT]


def batches(items: Sequence[DocStatus], size: int) -> list[list[DocStatus]]:
    if size <= 0:
        raise ValueError(f"batch size must be positive, got {size}")
    return [list(items[i : i + size]) for i in range(0, len(items), size)]


# ---- extraction -------------------------------------------------------------------------------


def _time_limit(settings: Settings, source: str) -> contextlib.AbstractContextManager[None]:
    return time_limit(settings.doc_timeout_s, display_name(source))


def _reason(source: str, error: BaseException) -> str:
    """One line naming the file: ``<file>: <reason>``."""
    if isinstance(error, InputError):  # includes LimitExceeded
        return " ".join(str(error).split())
    text = " ".join(str(error).split()) or type(error).__name__
    return f"{display_name(source)}: {type(error).__name__}: {text}"


def extract_batch(
    items: Sequence[DocStatus],
    out_dir: str | Path,
    *,
    settings: Settings | None = None,
    load: Callable[[Path], Document] | None = None,
) -> list[DocStatus]:
    """Extract and write a batch of planned files; one :class:`DocStatus` per item, in order.

    Each document is read (``load``, default :func:`trialex.ingest.load_path` with the limits of
    ``settings``) and processed (``process_many``) under the per-document time limit
    (:func:`trialex.limits.time_limit`: on the main thread only; in a worker thread or process
    the caller bounds time, e.g. the flow's task timeout), then written before the next document
    starts, so a crash loses at most the document in hand. Failures become ``failed`` items with
    a one-line reason.
    """
    settings = settings or default_settings()
    load = load or functools.partial(load_path, settings=settings)
    out_dir = Path(out_dir)
    outcomes: list[DocStatus] = []
    for item in items:
        if item.status not in TO_EXTRACT:
            outcomes.append(item)
            continue
        outcomes.append(_extract_one(item, out_dir, settings, load))
    return outcomes


def _extract_one(
    item: DocStatus, out_dir: Path, settings: Settings, load: Callable[[Path], Document]
) -> DocStatus:
    errors: list[BaseException] = []
    try:
        with _time_limit(settings, item.source):
            if item.member is not None:
                document = load_member(Path(item.source), item.member, settings)
            else:
                document = load(Path(item.source))
            produced = list(
                process_many([document], settings=settings, on_error=lambda _d, e: errors.append(e))
            )
    except Exception as error:  # InputError, LimitExceeded, or a bug: report, go on
        logger.info("failed: %s", _reason(item.source, error))
        return replace(item, status="failed", reason=_reason(item.source, error))
    if errors or not produced:
        error = errors[0] if errors else RuntimeError("no result")
        logger.info("failed: %s", _reason(item.source, error))
        return replace(item, status="failed", reason=_reason(item.source, error))
    document, result = produced[0]
    try:
        write_result(result, document.text, out_dir)
    except OSError as error:
        reason = f"{display_name(item.source)}: cannot write output: {error.strerror or error}"
        logger.warning("%s", reason)
        return replace(item, status="failed", reason=reason, write_error=True)
    records, endpoints, warnings = result_counts(result)
    return replace(
        item,
        sha256=document.sha256,
        records=records,
        endpoints=endpoints,
        warnings=warnings,
    )


def has_write_errors(outcomes: Iterable[DocStatus]) -> bool:
    return any(item.write_error for item in outcomes)


class OutputWriteError(OSError):
    """A batch could not write some of its outputs (a transient I/O error: worth a retry)."""


def raise_on_write_errors(outcomes: Sequence[DocStatus]) -> list[DocStatus]:
    """``outcomes`` unchanged, or :class:`OutputWriteError` when some output was not written."""
    failed = [item.reason for item in outcomes if item.write_error]
    if failed:
        raise OutputWriteError(errno.EIO, "; ".join(r or "" for r in failed))
    return list(outcomes)


def recover_batch(
    items: Sequence[DocStatus], out_dir: str | Path, error: BaseException
) -> list[DocStatus]:
    """After a batch gave up (``error``): items whose output is now current count as done, the
    others as failed with the error as reason."""
    out_dir = Path(out_dir)
    outcomes = []
    for item in items:
        if item.status not in TO_EXTRACT:
            outcomes.append(item)
            continue
        data = existing_output(out_dir, item.doc_id)
        if (
            data is not None
            and data.get("sha256") == item.sha256
            and data.get("pipeline_version") == PIPELINE_VERSION
        ):
            records, endpoints, warnings = _counts(data)
            outcomes.append(replace(item, records=records, endpoints=endpoints, warnings=warnings))
        else:
            outcomes.append(replace(item, status="failed", reason=_reason(item.source, error)))
    return outcomes


def extract_text(
    text: str, *, doc_id: str = "pasted", settings: Settings | None = None
) -> DocumentResult:
    """Extract one pasted article (not written anywhere)."""
    if not text.strip():
        raise InputError(doc_id, "empty: no text to extract")
    settings = settings or default_settings()
    document = document_from_text(text, doc_id=doc_id, source="<text>")
    errors: list[Exception] = []
    with _time_limit(settings, document.source):
        produced = list(
            process_many([document], settings=settings, on_error=lambda _d, e: errors.append(e))
        )
    if errors:
        raise errors[0]
    return produced[0][1]


# ---- summary ----------------------------------------------------------------------------------


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def summarize(
    outcomes: Sequence[DocStatus],
    *,
    inputs: Sequence[str | Path] = (),
    out_dir: str | Path = "",
    force: bool = False,
    started: str | None = None,
    finished: str | None = None,
) -> dict[str, Any]:
    """The run summary: counts per status, failures with their reasons, records per endpoint
    and warning codes over every document whose output is current, and the exit status."""
    counts = Counter(item.status for item in outcomes)
    endpoints: Counter[str] = Counter()
    warnings: Counter[str] = Counter()
    for item in outcomes:
        if item.status != "failed":
            endpoints.update(item.endpoints)
            warnings.update(item.warnings)
    failed = [{"source": i.source, "reason": i.reason} for i in outcomes if i.status == "failed"]
    return {
        "pipeline_version": PIPELINE_VERSION,
        "inputs": [str(p) for p in inputs],
        "out_dir": str(out_dir),
        "force": force,
        "started": started or _now(),
        "finished": finished or _now(),
        "counts": {status: counts.get(status, 0) for status in STATUSES}
        | {"total": len(outcomes), "extracted": sum(counts[s] for s in TO_EXTRACT)},
        "records": sum(item.records for item in outcomes if item.status != "failed"),
        "records_per_endpoint": dict(sorted(endpoints.items())),
        "warnings": dict(sorted(warnings.items())),
        "failed": failed,
        "documents": [item.to_dict() for item in outcomes],
        "exit_status": EXIT_FAILED if failed else EXIT_OK,
    }


def exit_status(summary: dict[str, Any]) -> int:
    return int(summary["exit_status"])


def write_summary(summary: dict[str, Any], out_dir: str | Path) -> Path:
    target = Path(out_dir) / SUMMARY_NAME
    atomic_write_text(target, json.dumps(summary, ensure_ascii=False, indent=2) + "\n")
    return target


def summary_rows(summary: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per document (for a table artifact or a printed table)."""
    return [
        {
            "doc_id": d["doc_id"],
            "status": d["status"],
            "records": d["records"] if d["status"] != "failed" else None,
            "reason": d["reason"] or "",
        }
        for d in summary["documents"]
    ]


# ---- locking and clean-up ---------------------------------------------------------------------


class LockTimeout(TrialexError):
    """Another run holds the output folder's lock for longer than we were willing to wait."""


@contextlib.contextmanager
def corpus_lock(out_dir: str | Path, *, timeout: float | None = None) -> Iterator[Path]:
    """Hold the advisory lock of ``out_dir`` (waiting up to ``timeout`` s; None: for ever).

    Under the lock, leftovers of killed runs (hidden ``.*.tmp`` files) are removed.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    lock_path = out_dir / LOCK_NAME
    deadline = None if timeout is None else time.monotonic() + timeout
    with lock_path.open("a+") as handle:
        waited = False
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if deadline is not None and time.monotonic() >= deadline:
                    raise LockTimeout(f"{out_dir}: another trialex run is writing here") from None
                if not waited:
                    logger.info("%s: waiting for another run to finish", out_dir)
                    waited = True
                time.sleep(0.1)
        try:
            handle.seek(0)
            handle.truncate()
            handle.write(f"{os.getpid()}\n")
            handle.flush()
            remove_stale_temp_files(out_dir)
            yield lock_path
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def remove_stale_temp_files(out_dir: Path) -> list[Path]:
    """Remove the temporary files of interrupted atomic writes (call only under the lock)."""
    removed = []
    for path in Path(out_dir).glob(".*.tmp"):
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
            removed.append(path)
    if removed:
        logger.info("removed %d temporary file(s) of an interrupted run", len(removed))
    return removed


# ---- the whole run, in one process ------------------------------------------------------------


def run_corpus(
    inputs: Sequence[str | Path],
    out_dir: str | Path,
    *,
    force: bool = False,
    settings: Settings | None = None,
    lock_timeout: float | None = None,
) -> dict[str, Any]:
    """Plan, extract and summarise a corpus in this process; returns the summary (also written
    to ``<out>/_summary.json``)."""
    settings = settings or default_settings()
    out_dir = Path(out_dir)
    started = _now()
    with corpus_lock(out_dir, timeout=lock_timeout):
        plan = plan_corpus(inputs, out_dir, force=force, settings=settings)
        outcomes = merge_outcomes(plan, extract_batch(pending(plan), out_dir, settings=settings))
        summary = summarize(outcomes, inputs=inputs, out_dir=out_dir, force=force, started=started)
        write_summary(summary, out_dir)
    return summary


def merge_outcomes(plan: Sequence[DocStatus], done: Iterable[DocStatus]) -> list[DocStatus]:
    """The plan with its pending items replaced, in order, by their outcomes (``done`` holds one
    outcome per :func:`pending` item, in the same order)."""
    outcomes = iter(done)
    merged = [next(outcomes) if item.status in TO_EXTRACT else item for item in plan]
    if next(outcomes, None) is not None:
        raise ValueError("more outcomes than pending items")
    return merged
