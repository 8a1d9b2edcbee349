"""Flat exports of document results: one row per record, as CSV, JSON Lines or Parquet.

The columns are fixed (:data:`COLUMNS`) so that a spreadsheet or a notebook built on one export
reads the next one: ``doc_id`` first, then every :class:`~trialex.records.Record` field in the
contract's order, with ``span`` and ``timepoint`` flattened and ``warnings`` joined into one cell,
then the document's metadata (:data:`META_COLUMNS`: title, authors, journal, year, DOI, PMID,
PMCID, NCT ids, licence, source URL; lists joined with ``"; "``), so that each record carries
its citation.
"""

from __future__ import annotations

import csv
import io
import json
import logging
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, Literal, TextIO

from pydantic import ValidationError

from trialex.errors import TrialexError
from trialex.io import atomic_write_text
from trialex.records import DocumentMeta, DocumentResult, Record

logger = logging.getLogger(__name__)

ExportFormat = Literal["csv", "jsonl", "parquet"]
FORMATS: tuple[str, ...] = ExportFormat.__args__  # type: ignore[attr-defined]

# Record fields that are flattened into several columns (or joined into one).
_FLATTENED = {
    "span": ("span_start", "span_end"),
    "timepoint": ("timepoint_value", "timepoint_unit"),
    "warnings": ("warnings",),
}


def _columns() -> tuple[str, ...]:
    columns = ["doc_id"]
    for name in Record.model_fields:
        columns.extend(_FLATTENED.get(name, (name,)))
    return tuple(columns)


# Document metadata columns (after the record columns): column name -> DocumentMeta field.
_META_FIELDS: dict[str, str] = {
    "doc_title": "title",
    "doc_authors": "authors",
    "doc_journal": "journal",
    "doc_year": "year",
    "doi": "doi",
    "pmid": "pmid",
    "pmcid": "pmcid",
    "nct_ids": "nct_ids",
    "licence": "licence",
    "source_url": "source_url",
}
META_COLUMNS: tuple[str, ...] = tuple(_META_FIELDS)

COLUMNS: tuple[str, ...] = _columns() + META_COLUMNS
"""The export columns, in order (stable: derived from the record contract's field order, then
the document metadata)."""

WARNING_SEPARATOR = "; "
LIST_SEPARATOR = "; "


class ExportError(TrialexError):
    """An export that cannot be written (unknown format, missing optional dependency)."""


def record_row(doc_id: str, record: Record, meta: DocumentMeta | None = None) -> dict[str, Any]:
    """One flat row (keys = :data:`COLUMNS`) for ``record`` of document ``doc_id`` (whose
    metadata is ``meta``)."""
    row: dict[str, Any] = {"doc_id": doc_id}
    for name in Record.model_fields:
        value = getattr(record, name)
        if name == "span":
            row["span_start"], row["span_end"] = value.start, value.end
        elif name == "timepoint":
            row["timepoint_value"] = value.value if value else None
            row["timepoint_unit"] = value.unit if value else None
        elif name == "warnings":
            row["warnings"] = WARNING_SEPARATOR.join(f"{w.code}: {w.message}" for w in value)
        else:
            row[name] = value
    meta = meta or DocumentMeta()
    for column, name in _META_FIELDS.items():
        value = getattr(meta, name)
        row[column] = (LIST_SEPARATOR.join(value) or None) if isinstance(value, list) else value
    return row


def result_paths(inputs: Iterable[Path]) -> list[Path]:
    """Expand folders to their ``*.json`` files (sorted); files are kept in the given order."""
    paths: list[Path] = []
    for item in inputs:
        item = Path(item)
        if item.is_dir():
            paths.extend(sorted(p for p in item.glob("*.json") if not p.name.startswith(".")))
        elif item.is_file():
            paths.append(item)
        else:
            raise TrialexError(f"{item}: no such file or folder")
    return paths


def load_result(path: Path) -> DocumentResult | None:
    """Read one ``<doc_id>.json``; ``None`` (logged) for a JSON file that is not a document result.

    A file that looks like a document result (has ``doc_id`` and ``records``) but breaks the
    contract raises :class:`TrialexError` with a one-line message naming the file.
    """
    path = Path(path)
    try:
        raw = path.read_text(encoding="utf-8")
        data = json.loads(raw)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise TrialexError(f"{path}: not a readable JSON document result ({error})") from error
    if not (isinstance(data, dict) and "doc_id" in data and "records" in data):
        logger.info("%s: not a document result, skipped", path)
        return None
    try:
        return DocumentResult.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise TrialexError(
            f"{path}: not a valid document result ({error.error_count()} errors; "
            f"first at {where}: {first['msg']})"
        ) from error


def iter_results(inputs: Iterable[Path]) -> Iterator[DocumentResult]:
    for path in result_paths(inputs):
        result = load_result(path)
        if result is not None:
            yield result


def iter_rows(results: Iterable[DocumentResult]) -> Iterator[dict[str, Any]]:
    for result in results:
        for record in result.records:
            yield record_row(result.doc_id, record, result.meta)


WIDE_COLUMNS: tuple[str, ...] = (
    "doc_id",
    "endpoint",
    "statistic",
    "value",
    "n_N",
    "ci",
    "p",
    "timepoint",
    "group",
    "label",
    "origin",
    "languages",
    "mentions",
    "spans",
    "sections",
    "review",
    "suspect",
    "doc_title",
    "doi",
    "pmid",
)
"""The evidence table's columns (``--wide``): one row per study x endpoint x arm x value."""


def wide_rows(paths: Iterable[Path]) -> Iterator[dict[str, Any]]:
    """The evidence table across studies as flat rows: a value printed in prose and again in a
    table (or in both languages) is one row listing every mention's span and section."""
    from trialex.evidence import evidence_rows, review_statuses

    for path in result_paths(paths):
        result = load_result(path)
        if result is None:
            continue
        meta = result.meta
        for row in evidence_rows(result, "", review_statuses(path, result)):
            records = [result.records[int(mark[1:])] for mark, _ in row.mentions]
            yield {
                "doc_id": row.doc_id,
                "endpoint": row.endpoint,
                "statistic": row.statistic,
                "value": row.value,
                "n_N": row.nN,
                "ci": row.ci,
                "p": row.p,
                "timepoint": row.timepoint,
                "group": row.group,
                "label": row.label,
                "origin": row.origin,
                "languages": LIST_SEPARATOR.join(row.languages),
                "mentions": len(records),
                "spans": LIST_SEPARATOR.join(f"{r.span.start}-{r.span.end}" for r in records),
                "sections": LIST_SEPARATOR.join(section for _, section in row.mentions),
                "review": row.review,
                "suspect": LIST_SEPARATOR.join(row.suspect),
                "doc_title": meta.title if meta else None,
                "doi": meta.doi if meta else None,
                "pmid": meta.pmid if meta else None,
            }


def _csv_cell(value: Any) -> Any:
    return "" if value is None else value


def rows_to_csv(
    rows: Iterable[dict[str, Any]], stream: TextIO, columns: Sequence[str] = COLUMNS
) -> int:
    writer = csv.DictWriter(stream, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    count = 0
    for row in rows:
        writer.writerow({k: _csv_cell(v) for k, v in row.items()})
        count += 1
    return count


def rows_to_jsonl(rows: Iterable[dict[str, Any]], stream: TextIO) -> int:
    count = 0
    for row in rows:
        stream.write(json.dumps(row, ensure_ascii=False) + "\n")
        count += 1
    return count


def _pyarrow() -> Any:
    try:
        import pyarrow
        import pyarrow.parquet
    except ImportError as error:
        raise ExportError(
            "parquet export needs pyarrow, which is not installed: "
            "pip install pyarrow (or export --format csv / jsonl)"
        ) from error
    return pyarrow


def _arrow_schema(pa: Any) -> Any:
    types = {
        "value": pa.float64(),
        "ci_low": pa.float64(),
        "ci_high": pa.float64(),
        "ci_level": pa.float64(),
        "p_value": pa.float64(),
        "timepoint_value": pa.float64(),
        "n": pa.int64(),
        "N": pa.int64(),
        "span_start": pa.int64(),
        "span_end": pa.int64(),
        "doc_year": pa.int64(),
    }
    return pa.schema([(name, types.get(name, pa.string())) for name in COLUMNS])


def rows_to_parquet(rows: Iterable[dict[str, Any]], path: Path) -> int:
    pa = _pyarrow()
    schema = _arrow_schema(pa)
    data = list(rows)
    table = pa.Table.from_pylist(data, schema=schema)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        pa.parquet.write_table(table, tmp)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
    return len(data)


def export_records(
    inputs: Sequence[Path],
    fmt: str = "csv",
    out: Path | None = None,
    stream: TextIO | None = None,
    *,
    wide: bool = False,
) -> int:
    """Export every record of the results in ``inputs`` (files or folders); returns the row count.

    With ``wide``, the evidence table instead (:func:`wide_rows`, csv or jsonl). Writes to
    ``out`` (atomically) when given, else to ``stream`` (text formats only).
    """
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if wide and fmt == "parquet":
        raise ExportError("--wide is written as csv or jsonl")
    rows = wide_rows(inputs) if wide else iter_rows(iter_results(inputs))
    if fmt == "parquet":
        if out is None:
            raise ExportError("parquet is binary: give an output file (--out FILE.parquet)")
        return rows_to_parquet(rows, out)
    columns = WIDE_COLUMNS if wide else COLUMNS

    def writer(rows: Iterable[dict[str, Any]], stream: TextIO) -> int:
        if fmt == "csv":
            return rows_to_csv(rows, stream, columns)
        return rows_to_jsonl(rows, stream)

    if out is None:
        if stream is None:
            raise ExportError("give an output file or a stream")
        return writer(rows, stream)
    buffer = io.StringIO()
    count = writer(rows, buffer)
    atomic_write_text(Path(out), buffer.getvalue())
    return count
