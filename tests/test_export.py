"""Flat exports: one row per record, stable columns, CSV / JSON Lines / Parquet."""

from __future__ import annotations

import builtins
import io
import json
from pathlib import Path

import pytest

from _report_seeds import SEED_IDS, write_seed_results
from trialex.errors import TrialexError
from trialex.export import COLUMNS, META_COLUMNS, ExportError, export_records, record_row
from trialex.records import DocumentResult, Flag, Record, Span, Timepoint

pd = pytest.importorskip("pandas")


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("extracted")
    write_seed_results(folder)
    (folder / "_manifest.json").write_text('{"runs": []}', encoding="utf-8")  # not a result
    return folder


def _results(folder: Path) -> list[DocumentResult]:
    return [
        DocumentResult.model_validate_json((folder / f"{d}.json").read_text(encoding="utf-8"))
        for d in SEED_IDS
    ]


def test_export_columns_follow_the_record_contract() -> None:
    expected = ["doc_id"]
    for name in Record.model_fields:
        expected += {
            "span": ["span_start", "span_end"],
            "timepoint": ["timepoint_value", "timepoint_unit"],
        }.get(name, [name])
    expected += list(META_COLUMNS)
    assert list(COLUMNS) == expected
    assert len(set(COLUMNS)) == len(COLUMNS)


def test_export_row_flattens_span_timepoint_and_warnings() -> None:
    r = Record(
        endpoint="OS",
        statistic="rate",
        value=36.0,
        unit="%",
        timepoint=Timepoint(value=1, unit="years"),
        span=Span(start=3, end=9),
        text="36% at",
        extractor="t",
        warnings=[Flag(code="a", message="first"), Flag(code="b", message="second")],
    )
    row = record_row("doc", r)
    assert list(row) == list(COLUMNS)
    assert (row["span_start"], row["span_end"]) == (3, 9)
    assert (row["timepoint_value"], row["timepoint_unit"]) == (1, "years")
    assert row["warnings"] == "a: first; b: second"


def test_export_csv_loads_with_pandas_one_row_per_record(extracted: Path) -> None:
    buffer = io.StringIO()
    count = export_records([extracted], "csv", stream=buffer)
    frame = pd.read_csv(io.StringIO(buffer.getvalue()), keep_default_na=False, na_values=[""])
    results = _results(extracted)
    assert count == len(frame) == sum(len(r.records) for r in results)
    assert list(frame.columns) == list(COLUMNS)
    assert sorted(frame["doc_id"].unique()) == SEED_IDS
    first = results[0].records[0]
    row = frame[frame["doc_id"] == results[0].doc_id].iloc[0]
    assert (row["endpoint"], row["value"], row["text"]) == (first.endpoint, first.value, first.text)
    assert (row["span_start"], row["span_end"]) == (first.span.start, first.span.end)
    with_warning = frame[frame["warnings"].notna()]
    assert len(with_warning) == sum(bool(r.warnings) for x in results for r in x.records)


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_export_to_file_equals_stream(extracted: Path, tmp_path: Path, fmt: str) -> None:
    buffer = io.StringIO()
    export_records([extracted], fmt, stream=buffer)
    out = tmp_path / f"records.{fmt}"
    export_records([extracted], fmt, out=out)
    assert out.read_text(encoding="utf-8") == buffer.getvalue()


def test_export_jsonl_rows_round_trip(extracted: Path) -> None:
    buffer = io.StringIO()
    export_records([extracted], "jsonl", stream=buffer)
    rows = [json.loads(line) for line in buffer.getvalue().splitlines()]
    results = _results(extracted)
    expected = [record_row(r.doc_id, rec) for r in results for rec in r.records]
    assert rows == json.loads(json.dumps(expected))


def test_export_parquet(extracted: Path, tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    out = tmp_path / "records.parquet"
    count = export_records([extracted], "parquet", out=out)
    frame = pd.read_parquet(out)
    assert len(frame) == count == sum(len(r.records) for r in _results(extracted))
    assert list(frame.columns) == list(COLUMNS)
    assert str(frame["span_start"].dtype) == "int64"


def test_export_parquet_without_pyarrow_says_how_to_install(
    extracted: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_import = builtins.__import__

    def no_pyarrow(name: str, *args, **kwargs):  # type: ignore[no-untyped-def]
        if name == "pyarrow" or name.startswith("pyarrow."):
            raise ImportError("No module named 'pyarrow'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pyarrow)
    with pytest.raises(ExportError, match="pip install pyarrow"):
        export_records([extracted], "parquet", out=tmp_path / "x.parquet")
    assert not (tmp_path / "x.parquet").exists()


@pytest.mark.parametrize(
    ("fmt", "out", "message"),
    [
        ("xlsx", None, "unknown export format"),
        ("parquet", None, "give an output file"),
    ],
)
def test_export_usage_errors(extracted: Path, fmt: str, out: Path | None, message: str) -> None:
    with pytest.raises(ExportError, match=message):
        export_records([extracted], fmt, out=out, stream=io.StringIO())


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not a readable JSON document result"),
        ('{"doc_id": "x", "records": [{"endpoint": "nope"}]}', "not a valid document result"),
    ],
)
def test_export_bad_result_is_a_one_line_error_naming_the_file(
    tmp_path: Path, content: str, message: str
) -> None:
    bad = tmp_path / "broken.json"
    bad.write_text(content, encoding="utf-8")
    with pytest.raises(TrialexError, match=message) as info:
        export_records([tmp_path], "csv", stream=io.StringIO())
    assert "broken.json" in str(info.value) and "\n" not in str(info.value)


def test_export_empty_folder_writes_the_header_only(tmp_path: Path) -> None:
    buffer = io.StringIO()
    assert export_records([tmp_path], "csv", stream=buffer) == 0
    assert buffer.getvalue() == ",".join(COLUMNS) + "\n"


def test_export_cli_writes_csv_to_standard_output(extracted: Path) -> None:
    from typer.testing import CliRunner

    from trialex.cli import app

    result = CliRunner().invoke(app, ["export", str(extracted), "--format", "csv"])
    assert result.exit_code == 0, result.stderr
    frame = pd.read_csv(io.StringIO(result.stdout))
    assert len(frame) == sum(len(r.records) for r in _results(extracted))


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--format", "parquet"], 2, "give an output file"),
        (["--format", "xml"], 2, "xml"),
    ],
)
def test_export_cli_usage_errors(extracted: Path, args: list[str], code: int, message: str) -> None:
    from typer.testing import CliRunner

    from trialex.cli import app

    result = CliRunner().invoke(app, ["export", str(extracted), *args])
    assert result.exit_code == code
    assert message in result.stderr


# ---- --wide: the evidence table across studies ------------------------------------------------


def test_export_wide_one_row_per_distinct_value_with_every_mention(extracted: Path) -> None:
    from trialex.export import WIDE_COLUMNS

    stream = io.StringIO()
    count = export_records([extracted], "jsonl", stream=stream, wide=True)
    rows = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert count == len(rows) > 0
    assert all(tuple(r) == WIDE_COLUMNS for r in rows)
    results = {r.doc_id: r for r in _results(extracted)}
    assert len(rows) < sum(len(r.records) for r in results.values())  # copies merged
    keys = {(r["doc_id"], r["endpoint"], r["statistic"], r["value"], r["group"]) for r in rows}
    assert len(keys) >= len(rows) * 0.9
    bilingual = [r for r in rows if r["languages"] == "en; zh"]
    assert bilingual  # an English and a Chinese mention of one value: one row, both spans
    for row in bilingual[:5]:
        spans = row["spans"].split("; ")
        assert row["mentions"] == len(spans) >= 2
        text = results[row["doc_id"]]
        starts = {r.span.start for r in text.records}
        assert all(int(s.split("-")[0]) in starts for s in spans)


def test_export_wide_refuses_parquet(extracted: Path, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="csv or jsonl"):
        export_records([extracted], "parquet", out=tmp_path / "x.parquet", wide=True)
