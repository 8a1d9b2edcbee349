"""A document result as a table a person reads in a terminal (``--format table``)."""

from __future__ import annotations

from rich import box
from rich.console import Console
from rich.table import Table

from trialex.records import DocumentResult
from trialex.report import _ci_text, _nN_text, _p_text, _timepoint_text, _value_text

STATISTICS = {  # short forms, so that the table keeps to 80 columns
    "proportion": "prop",
    "hazard_ratio": "HR",
    "odds_ratio": "OR",
    "relative_risk": "RR",
    "p_value": "p",
    "sample_size": "n",
}


# the widest a column gets before its cells are cut (with an ellipsis); the text takes the rest
CAPS = {"endpoint": 16, "stat": 6, "value": 16, "CI, p": 18, "time": 8, "group": 14}
MIN_TEXT = 20


def _widths(rows: list[dict[str, str]], columns: list[str], width: int) -> dict[str, int]:
    widths = {
        c: min(CAPS[c], max([len(c), *(len(r[c]) for r in rows)])) for c in columns if c in CAPS
    }
    room = width - 2 * (len(columns) - 1) - sum(widths.values())  # a pad and a space per gap
    for column in ("group", "CI, p", "endpoint", "value"):  # the text gets MIN_TEXT columns
        if room >= MIN_TEXT or column not in widths:
            continue
        cut = min(widths[column] - len(column), MIN_TEXT - room)
        widths[column] -= max(cut, 0)
        room += max(cut, 0)
    widths["text"] = max(room, MIN_TEXT)
    return widths


def records_table(result: DocumentResult, width: int = 80) -> Table:
    """One row per record: endpoint, statistic, value with n/N, CI and p, time point, group,
    text.

    Columns no record fills are left out; every cell keeps to one line (cut with an ellipsis:
    the JSON has it all), so the table fits ``width`` columns."""
    rows = []
    for r in result.records:
        endpoint = r.endpoint if not r.label else f"{r.endpoint}: {r.label}"
        value = " ".join(x for x in (_value_text(r), _nN_text(r)) if x)
        ci_p = "; ".join(x for x in (_ci_text(r).replace(" CI ", " "), _p_text(r)) if x)
        rows.append(
            {
                "endpoint": endpoint + (" !" if r.warnings else ""),
                "stat": STATISTICS.get(r.statistic, r.statistic),
                "value": value,
                "CI, p": ci_p,
                "time": _timepoint_text(r),
                "group": r.group or "",
                "text": " ".join(r.text.split()),
            }
        )
    columns = ["endpoint", "stat", "value", "CI, p", "time", "group", "text"]
    used = [c for c in columns if c in ("endpoint", "value", "text") or any(r[c] for r in rows)]
    widths = _widths(rows, used, width)
    title = f"{result.doc_id}: {len(result.records)} records"
    table = Table(
        title=title,
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        show_edge=False,
        collapse_padding=True,
        width=width,
    )
    for column in used:
        right = column == "value"
        table.add_column(
            column,
            width=widths[column],
            no_wrap=True,
            overflow="ellipsis",
            justify="right" if right else "left",
        )
    for row in rows:
        table.add_row(*(row[c] for c in used))
    if any(r.warnings for r in result.records):
        table.caption = "! = validation warnings (see the JSON)"
    return table


def print_table(result: DocumentResult, console: Console | None = None) -> None:
    console = console or Console(width=80)
    console.print(records_table(result, width=console.width))
