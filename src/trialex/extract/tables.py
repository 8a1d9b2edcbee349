"""The table pass: pipe tables, cell rows and inline tables read row by row with their row label,
group-header row and column header (arm size ``(n = 165)`` -> ``N``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from trialex.extract.candidate import LABELLED_ENDPOINTS, RATE_ENDPOINTS, TIME_ENDPOINTS, Candidate
from trialex.extract.linking import _is_qualifier, _terms_between
from trialex.extract.numbers import Mention, parse_number
from trialex.extract.rules import Term, assembly, cue
from trialex.records import Timepoint


@dataclass
class Cell:
    text: str
    start: int
    end: int


def table_blocks(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Maximal runs of lines containing "|" inside ``[start, end)``."""
    blocks: list[tuple[int, int]] = []
    pos = start
    run: tuple[int, int] | None = None
    for line in text[start:end].splitlines(keepends=True):
        l_start, l_end = pos, pos + len(line.rstrip("\r\n"))
        pos += len(line)
        if "|" in line:
            run = (run[0], l_end) if run else (l_start, l_end)
        elif line.strip() and run:
            blocks.append(run)
            run = None
    if run:
        blocks.append(run)
    return blocks


def _split_cells(text: str, s: int, e: int) -> list[Cell]:
    cells, pos = [], s
    for part in text[s:e].split("|"):
        raw_s = pos
        pos += len(part) + 1
        stripped = part.strip()
        lead = len(part) - len(part.lstrip())
        cells.append(
            Cell(
                stripped.rstrip(" .").strip() if stripped.endswith(" .") else stripped,
                raw_s + lead,
                raw_s + lead + len(stripped),
            )
        )
    return cells


def _lines(text: str, s: int, e: int) -> list[tuple[int, int]]:
    out, pos = [], s
    for line in text[s:e].split("\n"):
        out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out


_SEPARATOR = re.compile(r"^\s*(?:-{2,}\s*\|\s*)+-*\s*\|?\s*$")


_VALUE_CELL = re.compile(r"^(?:[\d.<>≤≥—–−-]|NR$|NE$|$)")


def _rows(text: str, s: int, e: int) -> Iterator[tuple[str, list[Cell] | None]]:
    """Yield ("header", cells) / ("row", cells) for a table block (one line per row, or one
    line per cell as in web tables ``cell |``)."""
    lines = _lines(text, s, e)
    multi = sum(1 for a, b in lines if text[a:b].count("|") >= 2 and text[a:b].strip("| \t"))
    one_per_line = multi < len(lines) / 2
    if not one_per_line:
        for i, (a, b) in enumerate(lines):
            line = text[a:b]
            if _SEPARATOR.match(line):
                continue
            cells = _split_cells(text, a, b)
            while cells and not cells[-1].text:
                cells.pop()
            nxt = text[lines[i + 1][0] : lines[i + 1][1]] if i + 1 < len(lines) else ""
            yield ("header" if _SEPARATOR.match(nxt) else "row"), cells
        return
    cells: list[Cell] = []
    for a, b in lines:
        line = text[a:b]
        if _SEPARATOR.match(line):
            yield "header", [c for c in cells if c.text and len(c.text) < 80]
            cells = []
            continue
        stripped = line.strip()
        if stripped and set(stripped) == {"|"}:
            cells.extend(Cell("", a, a) for _ in range(len(stripped)))
            continue
        parts = _split_cells(text, a, b)
        cells.extend(p for p in parts[:-1] if True) if line.rstrip().endswith(
            "|"
        ) else cells.extend(parts)
    yield "cells", cells


def _group_cells(cells: list[Cell], header_first: str | None) -> Iterator[tuple[str, list[Cell]]]:
    row: list[Cell] = []
    for cell in cells:
        if cell.text and not _VALUE_CELL.match(cell.text):
            if row:
                yield "row", row
            row = [cell]
            if header_first and cell.text == header_first:
                row = [cell]
        elif row:
            row.append(cell)
    if row:
        yield "row", row


def _skip_caption(caption: str) -> bool:
    """A table of baseline characteristics (English or Chinese caption) reports no endpoint.
    The caption is read from its first printed line (a blank line may stand before it)."""
    caption = caption.lstrip()
    return bool(
        cue("table_skip_caption").search(caption) or cue("zh_table_skip_caption").search(caption)
    )


def table_candidates(
    text: str,
    start: int,
    end: int,
    caption: str,
    terms: list[Term],
    seen: set[tuple[str, ...]],
    starts: list[int] | None = None,
) -> list[Candidate]:
    if _skip_caption(caption):
        return []
    if starts is None:
        starts = [t.start for t in terms]
    header: list[Cell] = []
    group: Cell | None = None
    group_p: tuple[str | None, float | None] = (None, None)
    out: list[Candidate] = []
    stream: list[tuple[str, list[Cell]]] = []
    for kind, cells in _rows(text, start, end):
        if kind == "cells":
            stream.extend(_group_cells(cells or [], header[0].text if header else None))
        else:
            stream.append((kind, cells or []))
    pending_header: list[Cell] = []
    parent: Term | None = None
    for kind, cells in stream:
        if kind == "header":
            header = cells
            group, group_p = None, (None, None)
            out.extend(_header_sizes(text, header, terms, starts, seen))
            continue
        if not cells:
            continue
        label, values = cells[0], cells[1:]
        if cue("group_end_row").search(label.text):
            group, group_p = None, (None, None)
        if header and label.text == header[0].text and not any(v.text for v in values):
            pending_header = [label]
            continue
        if pending_header:
            if not any(v.text for v in values) and len(pending_header) < max(len(header), 2):
                pending_header.append(label)
                if len(pending_header) == len(header):
                    header, pending_header = pending_header, []
                continue
            header, pending_header = pending_header + header[len(pending_header) :], []
        filled = [v for v in values if v.text]
        if not filled or all(cue("cell_p").match(v.text) for v in filled):
            group = label
            ps = [cue("cell_p").match(v.text) for v in filled]
            group_p = (None, None)
            if ps and ps[0]:
                group_p = (ps[0].group("p_op") or "=", parse_number(ps[0].group("p_value")))
            continue
        key = (label.text, *(v.text for v in values))
        if key in seen:
            continue
        seen.add(key)
        heads = [h.text for h in header[1:] if h.text]
        # a table of ratios ("HR | 95% CI | P"): its rows are results, whatever their label
        hr_only = any(_ratio_header(h) for h in heads) and all(
            _ratio_header(h) or cue("header_ratio_aux").search(h) for h in heads
        )
        if not hr_only and (  # rows of hazard ratios are results, whatever their label
            cue("exclude_row").search(label.text)
            or (group and cue("exclude_row").search(group.text))
        ):
            continue
        rows = _row(text, label, values, header, group, group_p, caption, terms, starts, parent)
        if rows:
            parent = Term(label.start, label.end, rows[0].endpoint or "other", rows[0].source)
        out.extend(rows)
    return out


def _header_sizes(
    text: str, header: list[Cell], terms: list[Term], starts: list[int], seen: set[tuple[str, ...]]
) -> list[Candidate]:
    out = []
    key = ("#header", *(c.text for c in header))
    if key in seen:
        return out
    seen.add(key)
    for cell in header[1:]:
        m = cue("header_arm_n").search(cell.text)
        if not m:
            continue
        value = float(m.group("N"))
        mention = Mention(
            "n_eq", cell.start + m.start("N"), cell.start + m.end("N"), "header_arm_n", value=value
        )
        c = Candidate(
            mention, endpoint="sample_size", statistic="count", value=value, unit="patients"
        )
        c.span = (cell.start, cell.end)
        c.how = "table"
        c.group = cue("header_arm_n").sub("", cell.text).strip(" ()[].") or None
        out.append(c)
    return out


def _column(header: list[Cell], i: int, count: int) -> Cell | None:
    cols = header[1:]
    if not cols:
        return None
    if len(cols) == count:
        return cols[i]
    if count % len(cols) == 0:
        return cols[i // (count // len(cols))]
    return cols[min(i, len(cols) - 1)]


def _row(
    text: str,
    label: Cell,
    values: list[Cell],
    header: list[Cell],
    group: Cell | None,
    group_p: tuple[str | None, float | None],
    caption: str,
    terms: list[Term],
    starts: list[int],
    parent: Term | None = None,
) -> list[Candidate]:
    def term_in(cell: Cell | None) -> Term | None:
        if cell is None:
            return None
        found = [t for t in _terms_between(terms, starts, cell.start, cell.end)]
        heads = [t for t in found if not _is_qualifier(text, t)]
        return heads[0] if heads else None

    row_p: tuple[str | None, float | None] = group_p
    if header and len(values) >= len(header) - 1 and cue("header_p").match(header[-1].text):
        last = values[len(header) - 2] if len(values) >= len(header) - 1 else None
        pm = cue("cell_p").match(last.text) if last is not None and last.text else None
        if pm:
            row_p = (pm.group("p_op") or "=", parse_number(pm.group("p_value")))
        values = values[: len(header) - 2]
    out = []
    row_term = term_in(label)
    if row_term is None and parent is not None and cue("sub_row").search(label.text):
        row_term = parent
    # what the caption says of every cell: its endpoint (a table of one outcome by study or
    # subgroup), "median" (a table of median times) and a time point ("... at 12 months")
    at = text.rfind(caption.strip(), 0, label.start) if caption.strip() else -1
    caption_cell = Cell(caption.strip(), at, at + len(caption.strip())) if at >= 0 else None
    caption_codes = (
        {
            t.code
            for t in _terms_between(terms, starts, at, at + len(caption.strip()))
            if not _is_qualifier(text, t)
        }
        if caption_cell
        else set()
    )
    caption_term = term_in(caption_cell) if len(caption_codes) == 1 else None
    event_table = bool(cue("table_event_caption").search(caption))
    context = " ".join(x.text for x in (group, label) if x is not None) + " " + caption
    skip: set[int] = set()
    for i, cell in enumerate(values):
        if not cell.text or i in skip:
            continue
        col = _column(header, i, len(values))
        col_text = col.text if col else ""
        short_label = len(label.text.split()) <= 3
        term = term_in(col) or row_term or (term_in(group) if short_label else None)
        if term is None:
            for h in header[1:]:
                term = term or term_in(h)
        if caption_term is not None and (term is None or term.code == "other"):
            # a row of covariates or of unlisted events under a caption that names the endpoint
            term = caption_term
        if term is None and _ratio_header(col_text):
            # a hazard-ratio column of an outcome that is none of the listed endpoints
            term = Term(label.start, label.end, "other", "table")
        if term is None and event_table and _count_cell(cell.text):
            # a row of a toxicity table that names no listed event: an adverse event by its label
            term = Term(label.start, label.end, "adverse_events", "table")
        if term is None:
            continue
        c = _cell(text, cell, col_text, term, context)
        if c is None:
            continue
        if c.statistic in ("hazard_ratio", "odds_ratio") and c.ci == (None, None, None):
            # the interval printed in the next column ("1.23 | 1.01-1.49")
            nxt = values[i + 1] if i + 1 < len(values) else None
            nxt_col = _column(header, i + 1, len(values)) if nxt is not None else None
            ci = cue("cell_interval").match(nxt.text) if nxt is not None else None
            if ci and nxt_col is not None and cue("header_ci").search(nxt_col.text):
                level = re.search(r"(\d{2})\s?%", nxt_col.text)
                lo, hi = float(ci.group("lo")), float(ci.group("hi"))
                c.ci = (lo, hi, float(level.group(1)) if level else 95.0)
                skip.add(i + 1)
        if c.statistic == "proportion" and c.timepoint is None and term.code in RATE_ENDPOINTS:
            tp = cue("caption_timepoint").search(f"{col_text} {caption}")
            if tp:
                unit = tp.group("unit").lower()
                c.statistic = "rate"
                c.timepoint = Timepoint(
                    value=float(tp.group("value")), unit=unit if unit.endswith("s") else unit + "s"
                )
        if c.statistic == "proportion" and c.N is None:
            arm = cue("header_arm_n").search(col_text)
            if arm:
                c.N = int(arm.group("N"))
        if c.p == (None, None):
            c.p = row_p
        c.group = (
            label.text
            if not col_text
            else f"{label.text}; {cue('header_arm_n').sub('', col_text).strip(' ().')}"
        )
        c.label = label.text if term.code in LABELLED_ENDPOINTS else None
        c.span = (
            (label.start, cell.end) if cell.end - label.start <= 200 else (cell.start, cell.end)
        )
        out.append(c)
    return out


def _ratio_header(col: str) -> str | None:
    """The statistic of a column of ratios ("HR (95% CI)", "OR"), else None."""
    if cue("header_hr").search(col):
        return "hazard_ratio"
    if cue("header_or").search(col):
        return "odds_ratio"
    return None


def _count_cell(t: str) -> bool:
    return bool(cue("cell_n_pct").match(t) or cue("cell_frac_pct").match(t))


def _cell(text: str, cell: Cell, col: str, term: Term, context: str = "") -> Candidate | None:
    """A record of one table cell; ``context`` is the row's group, label and the caption (a
    bare number is a median only where one of them, or the column, says so)."""
    t = cell.text
    mention = Mention("cell", cell.start, cell.end, "table")
    c = Candidate(mention, endpoint=term.code, source=term.source, span=(cell.start, cell.end))
    c.how = "table"
    if m := cue("cell_frac_pct").match(t):
        c.statistic, c.value, c.unit = "proportion", float(m.group("value")), "%"
        c.n, c.N = int(m.group("n")), int(m.group("N"))
        return c
    if m := cue("cell_n_pct").match(t):
        c.statistic, c.value, c.unit, c.n = (
            "proportion",
            float(m.group("value")),
            "%",
            int(m.group("n")),
        )
        if m.group("ci_low"):
            c.ci = (float(m.group("ci_low")), float(m.group("ci_high")), None)
        return c
    ratio = _ratio_header(col)
    if ratio and (m := cue("cell_hr_p").match(t)):
        c.statistic, c.value = ratio, float(m.group("value"))
        if m.group("p_value"):
            op = m.group("p_op")
            c.p = ({"≤": "<=", "≥": ">="}.get(op, op), parse_number(m.group("p_value")))
        return c
    if ratio and (m := cue("cell_est_interval").match(t)):
        hi = parse_number(m.group("hi"))  # "HR (95% CI)" cells: 0.99 (0.96-1.03)
        if hi is not None:
            c.statistic, c.value = ratio, float(m.group("value"))
            level = re.search(r"(\d{2})\s?%", col)
            c.ci = (float(m.group("lo")), hi, float(level.group(1)) if level else 95.0)
            return c
    if (m := cue("cell_number").match(t)) and term.code in TIME_ENDPOINTS:
        # a bare number in a table of median times: "Survival (months) ... Total | 13.0 | 11.0"
        if not (cue("median").search(col) or cue("median").search(context)):
            return None
        unit = cue("header_unit").search(col) or cue("header_unit").search(context)
        if unit is None:
            return None
        c.statistic, c.value = "median", float(m.group("value"))
        c.unit = {"d": "days", "mo": "months", "y": "years"}.get(
            unit.group("unit"), unit.group("unit")
        )
        return c
    if m := cue("cell_est_interval").match(t):
        c.value = float(m.group("value"))
        unit = cue("header_unit").search(col)
        is_time = term.code in TIME_ENDPOINTS or bool(cue("median").search(col))
        if not is_time:
            return None
        c.statistic = "median"
        c.unit = (
            {"d": "days", "mo": "months", "y": "years"}.get(unit.group("unit"), unit.group("unit"))
            if unit
            else None
        )
        if term.code not in TIME_ENDPOINTS:
            c.endpoint = "time_to_event"
        if cue("header_ci").search(col):
            hi = parse_number(m.group("hi"))
            level = re.search(r"(\d{2})\s?%", col)
            c.ci = (float(m.group("lo")), hi, float(level.group(1)) if level else 95.0)
        return c
    return None


def _caption(text: str, start: int) -> str:
    window = text[max(0, start - 400) : start]
    found = list(cue("table_caption").finditer(window))
    return found[-1].group(0) if found else ""


_TABLE_LABEL = re.compile(r"(?:Table|TABLE)\s?\d{1,2}[A-Za-z]?\.?")


_P_HEADER = re.compile(r"\s*(?i:p\s?-?\s?values?|p)\b\.?")


def inline_tables(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Tables flattened into a line of running text, as PMC plain-text renderings print them
    ("...arms (Table 1).   Table 1 Baseline characteristics PCR-B (N=33) ... 0.43   Compared
    with ..."): from the table label after a run of spaces to the end of the line, the next
    table or figure label, or the first prose sentence after a run of spaces."""
    out: list[tuple[int, int]] = []
    pos = start
    while pos < end:
        head = _TABLE_LABEL.match(text, pos) if pos == start else None
        m = head or cue("inline_table_start").search(text, pos, end)
        if m is None:
            break
        t_start = m.start("label") if m is not head else m.start()
        stop = cue("inline_table_end").search(text, m.end(), end)
        t_end = stop.start() if stop else end
        while t_end > t_start and text[t_end - 1].isspace():
            t_end -= 1
        if t_end > m.end():
            out.append((t_start, t_end))
        pos = max(t_end, m.end())
    return out


_HEAD_TOKEN = re.compile(r"\([^()]{0,30}\)|[^\s()]+")


def _column_name(text: str, lo: int, hi: int, words: int | None = None) -> str:
    """The name of an arm column, printed before its size: "PCR-B (Arm A)" before "(N=33)",
    "PCR Arm B" before "( N = 32)" (``words`` tokens, else a bracket and the word before it,
    else three words)."""
    tokens = list(_HEAD_TOKEN.finditer(text, max(lo, hi - 60), hi))
    if not tokens:
        return ""
    take = words or (2 if tokens[-1].group(0).startswith("(") else 3)
    first = tokens[max(0, len(tokens) - take)].start()
    return text[first:hi].strip()


def _p_cell(cell: Cell) -> tuple[str | None, float | None] | None:
    pm = cue("cell_p").match(cell.text.replace(" ", ""))
    if pm is None or "." not in cell.text:
        return None
    op = pm.group("p_op") or "="
    return {"≤": "<=", "≥": ">="}.get(op, op), parse_number(pm.group("p_value"))


def inline_table_candidates(
    text: str, start: int, end: int, terms: list[Term], starts: list[int]
) -> list[Candidate]:
    """Rows of a flattened table read as cells: a row is its label (the words since the last
    value) and the run of value cells after it; the arm columns are the ``(N = 33)`` headers
    before the first row, a trailing p column is the row's p value, and surplus leading
    cells (footnote marks, a "1" after "Thrombocytopenia") are dropped. Baseline tables give
    only their header arm sizes; an adverse-event table (by its caption) reports each row as
    ``adverse_events`` with the row label when the label names no endpoint."""
    label_m = _TABLE_LABEL.match(text, start)
    body_start = label_m.end() if label_m else start
    cells = [
        Cell(m.group(0), m.start(), m.end())
        for m in cue("inline_cell").finditer(text, body_start, end)
    ]
    if not cells:
        return []
    # the header: the arm sizes "(N = 33)" before the first compound cell ("18 (54.5%)")
    first_compound = next((c.start for c in cells if "(" in c.text or "/" in c.text), end)
    header_arms = list(cue("header_arm_n").finditer(text, body_start, first_compound))
    head_end = header_arms[-1].end() if header_arms else body_start
    if header_arms and text[head_end : head_end + 1] in ")]":
        head_end += 1
    caption = text[start : header_arms[0].start() if header_arms else first_compound]
    columns: list[Cell] = []
    prev = body_start
    for m in header_arms:
        name = _column_name(text, prev, m.start())
        lo = text.rfind(name, prev, m.start()) if name else m.start()
        columns.append(Cell(text[lo : m.end()].strip(), lo, m.end()))
        prev = m.end()
    if len(header_arms) >= 2:
        # the first name has no left edge: as many words as the next column's name
        words = len(_HEAD_TOKEN.findall(cue("header_arm_n").sub("", columns[1].text)))
        m = header_arms[0]
        name = _column_name(text, body_start, m.start(), words)
        lo = text.rfind(name, body_start, m.start()) if name else m.start()
        columns[0] = Cell(text[lo : m.end()].strip(), lo, m.end())
    p_head = _P_HEADER.match(text, head_end)
    p_column = p_head is not None
    if p_head is not None:
        head_end = p_head.end()
    cells = [c for c in cells if c.start >= head_end]
    out: list[Candidate] = []
    header = [Cell("", start, start), *columns]
    out.extend(_header_sizes(text, header, terms, starts, set()))
    if _skip_caption(caption):
        return out
    event_table = bool(cue("table_event_caption").search(caption))
    caption_term = next(
        (t for t in _terms_between(terms, starts, start, head_end) if not _is_qualifier(text, t)),
        None,
    )
    body = cells
    rows: list[tuple[Cell, list[Cell]]] = []
    label_start = head_end
    run: list[Cell] = []
    for c in body:
        if run and text[run[-1].end : c.start].strip():
            rows.append(
                (Cell(text[label_start : run[0].start].strip(), label_start, run[0].start), run)
            )
            label_start, run = run[-1].end, []
        if not run and not text[label_start : c.start].strip():
            label_start = c.start  # a value run with no label continues nothing
            continue
        run.append(c)
    if run:
        rows.append(
            (Cell(text[label_start : run[0].start].strip(), label_start, run[0].start), run)
        )
    k = len(columns)
    ratio_out, taken = _inline_ratio_cells(text, start, rows, terms, starts)
    out.extend(ratio_out)
    rows = [(label, [v for v in values if v.start not in taken]) for label, values in rows]
    rows = [(label, values) for label, values in rows if values]
    for label, values in rows:
        lead = len(label.text) - len(label.text.lstrip())
        label = Cell(label.text.strip(" \u2003\u2002\u00a0"), label.start, label.end)
        label = Cell(label.text, label.start + lead, label.end)
        if not re.search(r"[A-Za-z]", label.text) or len(label.text) > 120:
            continue
        if cue("exclude_row").search(label.text):
            continue
        p: tuple[str | None, float | None] = (None, None)
        if p_column and len(values) > max(k, 1) and (pv := _p_cell(values[-1])):
            p, values = pv, values[:-1]
        if k and len(values) > k:
            values = values[-k:]
        heads = [
            t
            for t in _terms_between(terms, starts, label.start, label.end)
            if not _is_qualifier(text, t)
        ]
        priority = assembly().priority
        row_term = max(heads, key=lambda t: priority.get(t.code, 2)) if heads else None
        if row_term is None and event_table:
            row_term = Term(label.start, label.end, "adverse_events")
        term = row_term or (caption_term if event_table else None)
        if term is None:
            continue
        for i, cell in enumerate(values):
            col = columns[i] if i < len(columns) else None
            c = _cell(
                text, Cell(cell.text.strip(), cell.start, cell.end), col.text if col else "", term
            )
            if c is None:
                continue
            if c.statistic == "proportion" and c.N is None and col is not None:
                arm = cue("header_arm_n").search(col.text)
                if arm:
                    c.N = int(arm.group("N"))
            if c.p == (None, None) and c.statistic != "hazard_ratio":
                c.p = p
            arm_name = cue("header_arm_n").sub("", col.text).strip(" ()[].") if col else ""
            c.group = f"{label.text}; {arm_name}" if arm_name else label.text
            if term.code in LABELLED_ENDPOINTS:
                c.label = label.text
            c.span = (label.start, cell.end) if cell.end - label.start <= 200 else c.span
            out.append(c)
    return out


def _inline_ratio_cells(
    text: str, start: int, rows: list[tuple[Cell, list[Cell]]], terms: list[Term], starts: list[int]
) -> tuple[list[Candidate], set[int]]:
    """The ratio cells of a flattened table whose header prints ratio columns ("Distant
    recurrence Breast cancer death Hazard ratio (95% CI) P value Hazard ratio (95% CI) P value"):
    in each row the j-th "0.38 (0.23 to 0.60)" cell is the ratio of the j-th ratio column, with
    the p value printed after it. Its endpoint is the row's when the row label names one, else
    the header's j-th endpoint when the header names one per ratio column, else its only one,
    else ``other`` labelled by the row. Returns the candidates and the start offsets of the cells
    they read."""
    if not rows:
        return [], set()
    first_cells = next((cells for _, v in rows if (cells := _ratio_interval(v))), None)
    if not first_cells:
        return [], set()
    head_end = first_cells[0][1].start
    heads = list(cue("inline_ratio_head").finditer(text, start, head_end))
    if not heads:
        return [], set()
    stats = ["odds_ratio" if cue("header_or").search(h.group(0)) else "hazard_ratio" for h in heads]
    codes: list[str] = []
    for t in _terms_between(terms, starts, start, heads[0].start()):
        if not _is_qualifier(text, t) and (not codes or codes[-1] != t.code):
            codes.append(t.code)
    column_codes: list[str | None]
    if len(codes) == len(heads):
        column_codes = list(codes)
    elif len(set(codes)) == 1:
        column_codes = [codes[0]] * len(heads)
    else:
        column_codes = [None] * len(heads)
    level = re.search(r"(\d{2})\s?%", heads[0].group(0))
    out: list[Candidate] = []
    taken: set[int] = set()
    priority = assembly().priority
    for label, values in rows:
        ratio_cells = _ratio_interval(values)
        if not ratio_cells or len(ratio_cells) > len(heads):
            continue
        # the first row's label begins where the header ends ("... (95% CI) P value Low marker")
        lo = max(label.start, heads[-1].end())
        tail = cue("header_tail").match(text, lo, label.end)
        lo += len(tail.group(0)) if tail else 0
        name = text[lo : label.end].strip(" \u2003\u2002\u00a0")
        if not re.search(r"[A-Za-z]", name):
            continue
        lo = text.find(name, lo)
        row_terms = [
            t
            for t in _terms_between(terms, starts, lo, lo + len(name))
            if not _is_qualifier(text, t)
        ]
        row_term = max(row_terms, key=lambda t: priority.get(t.code, 2)) if row_terms else None
        for j, (i, cell, m) in enumerate(ratio_cells):
            code = row_term.code if row_term else (column_codes[j] or "other")
            source = row_term.source if row_term else "table"
            mention = Mention("cell", cell.start, cell.end, "table")
            c = Candidate(mention, endpoint=code, source=source, span=(cell.start, cell.end))
            c.how = "table"
            c.statistic, c.value = stats[j], float(m.group("value"))
            hi = parse_number(m.group("hi"))
            if hi is not None:
                c.ci = (float(m.group("lo")), hi, float(level.group(1)) if level else 95.0)
            nxt = values[i + 1] if i + 1 < len(values) else None
            if nxt is not None and (pv := _p_cell(Cell(nxt.text.strip(), nxt.start, nxt.end))):
                c.p = pv
            c.group = name
            if code in LABELLED_ENDPOINTS:
                c.label = name
            c.span = (lo, cell.end) if cell.end - lo <= 200 else c.span
            out.append(c)
            taken.add(cell.start)
    return out, taken


def _ratio_interval(values: list[Cell]) -> list[tuple[int, Cell, re.Match[str]]]:
    found = []
    for i, v in enumerate(values):
        m = cue("cell_est_interval").match(v.text.strip())
        if m:
            found.append((i, v, m))
    return found
