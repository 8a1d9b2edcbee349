"""Review reports: one self-contained HTML page per document result, and an index for a corpus.

A page shows the document text section by section (kind and language visible) with every
record's span highlighted and colour-coded by endpoint (overlapping spans are drawn as stacked
underlines, in the manner of displaCy's span style), a side panel with the fields of the
clicked or hovered record, validation warnings, a summary table of the study's endpoints
(one row per distinct endpoint/statistic/value/group with links to its mentions) and, when a
gold file exists, the misses and false positives found by :mod:`trialex.evaluate`.

Pages have no network resources: CSS, script and data are inlined, and a Content Security
Policy forbids anything else. Article text is HTML-escaped; the record data travels as JSON in a
``<script type="application/json">`` block with ``<``, ``>`` and ``&`` escaped.

One call for the CLI and the corpus flow::

    index_html = write_reports(result_paths, out_dir, gold_dir=Path("fixtures/gold"))
"""

from __future__ import annotations

import html
import json
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from itertools import pairwise
from pathlib import Path
from string import Template
from typing import Any
from urllib.parse import quote

from trialex.endpoints import LiveColours, registry
from trialex.errors import TrialexError
from trialex.evaluate import DocumentScore, GoldDocument, find_all, load_gold, prf, score_document
from trialex.export import load_result
from trialex.io import atomic_write_text, output_path
from trialex.records import ENDPOINTS, DocumentMeta, DocumentResult, Record, Section

logger = logging.getLogger(__name__)

INDEX_NAME = "index.html"

# Endpoint colours, by family (responses green/teal, survival blue/violet, relapse orange, GVHD
# pink, toxicity red, deaths grey-brown, descriptive grey): the endpoint registry's
# (resources/endpoints.json "codes", of the rules folder in force; trialex.endpoints)
ENDPOINT_COLOURS: Mapping[str, str] = LiveColours()
MISS_COLOUR = "#c53030"


# ---- data ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GoldView:
    """What the report shows of a gold comparison (from :func:`trialex.evaluate.score_document`)."""

    score: DocumentScore
    gold: GoldDocument
    status: Mapping[int, str]  # predicted record index -> "tp" | "fp" | "ignored"
    miss_spans: Mapping[int, tuple[tuple[int, int], ...]]  # gold index -> evidence occurrences

    @property
    def scores(self) -> dict[str, float]:
        return prf(self.score.tp, self.score.fp, self.score.fn)


@dataclass(frozen=True)
class ReportSummary:
    """One line of the index: a written report and its counts."""

    doc_id: str
    source: str
    path: Path
    records: int
    warnings: int
    languages: tuple[str, ...]
    endpoints: int
    scores: Mapping[str, float] | None = None
    evidence: tuple[Any, ...] = ()  # trialex.evidence.EvidenceRow: the cross-study table


@dataclass
class _Mark:
    """A highlighted span: a predicted record (``r<i>``) or a missed gold record (``g<i>``)."""

    id: str
    start: int
    end: int
    endpoint: str
    label: str
    classes: tuple[str, ...] = ()
    lane: int = 0
    payload: dict[str, Any] = field(default_factory=dict)


# ---- resources -------------------------------------------------------------------------------


def _resource(name: str) -> str:
    return resources.files("trialex").joinpath("resources", "report", name).read_text("utf-8")


def _endpoint_css() -> str:
    return "\n".join(
        f".ep-{ep} {{ --c: {c}; --bgc: {c}26; }}" for ep, c in ENDPOINT_COLOURS.items()
    )


def _page(
    title: str, body: str, data: Mapping[str, Any] | None, script: bool, js: str | None = None
) -> str:
    return Template(_resource("report.html")).substitute(
        title=html.escape(title),
        css=_resource("report.css") + "\n" + _endpoint_css(),
        body=body,
        data=_script_json(data or {}),
        js=js if js is not None else _resource("report.js") if script else "",
    )


def _script_json(data: Mapping[str, Any]) -> str:
    """JSON safe inside ``<script type="application/json">`` (cannot close the element)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


# ---- formatting ------------------------------------------------------------------------------


def fmt_number(value: float | int | None) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return f"{value:g}" if isinstance(value, float) else str(value)


def _join_unit(number: str, unit: str | None) -> str:
    if not unit:
        return number
    return f"{number}{unit}" if unit == "%" else f"{number} {unit}"


def _value_text(r: Record) -> str:
    return _join_unit(fmt_number(r.value), r.unit)


def _ci_text(r: Record) -> str:
    if r.ci_low is None and r.ci_high is None:
        return ""
    level = f"{fmt_number(r.ci_level)}% CI " if r.ci_level is not None else "CI "
    return f"{level}{fmt_number(r.ci_low)}–{fmt_number(r.ci_high)}"


def _p_text(r: Record) -> str:
    return f"P {r.p_op or '='} {fmt_number(r.p_value)}" if r.p_value is not None else ""


def _nN_text(r: Record) -> str:
    if r.n is None and r.N is None:
        return ""
    return f"{'' if r.n is None else r.n}/{'' if r.N is None else r.N}"


def _timepoint_text(r: Record) -> str:
    return f"{fmt_number(r.timepoint.value)} {r.timepoint.unit}" if r.timepoint else ""


def record_title(r: Record) -> str:
    parts = [f"{r.statistic} {_value_text(r)}"]
    if r.timepoint:
        parts.append(f"at {_timepoint_text(r)}")
    return " ".join(parts)


def _record_fields(r: Record) -> list[tuple[str, str]]:
    rows = [
        ("endpoint", r.endpoint),
        ("statistic", r.statistic),
        ("value", _value_text(r)),
        ("n / N", _nN_text(r)),
        ("CI", _ci_text(r)),
        ("p", _p_text(r)),
        ("timepoint", _timepoint_text(r)),
        ("group", r.group or ""),
        ("label", r.label or ""),
        ("origin", r.origin),
        ("language", r.language),
        ("section", r.section),
        ("span", f"{r.span.start}–{r.span.end}"),
        ("text", r.text),
        ("extractor", r.extractor),
        ("confidence", f"{r.confidence:.2f}"),
    ]
    return [(k, v) for k, v in rows if v != ""]


def _gold_fields(fields: Mapping[str, Any]) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    for key in ("endpoint", "statistic", "value", "unit", "n", "N", "ci_low", "ci_high"):
        if fields.get(key) is not None:
            rows.append((key, fmt_number(fields[key]) if key != "unit" else str(fields[key])))
    if fields.get("p_value") is not None:
        rows.append(("p", f"P {fields.get('p_op') or '='} {fmt_number(fields['p_value'])}"))
    tp = fields.get("timepoint")
    if isinstance(tp, Mapping):
        rows.append(("timepoint", f"{fmt_number(tp.get('value'))} {tp.get('unit', '')}"))
    for key in ("group", "label", "origin", "language", "section", "evidence"):
        if fields.get(key):
            rows.append((key, str(fields[key])))
    if fields.get("optional"):
        rows.append(("optional", "yes"))
    return rows


# ---- gold ------------------------------------------------------------------------------------


def gold_view(result: DocumentResult, text: str, gold_path: Path) -> GoldView:
    """Match ``result`` against the gold file with :func:`trialex.evaluate.score_document`."""
    gold = load_gold(gold_path)
    score = score_document(text, result, gold)
    status: dict[int, str] = {i: "ignored" for i in range(len(result.records))}
    for pair in score.pairs:
        status[pair.pred] = "tp"
    false_ids = {id(r) for r in score.false_positives}
    for i, r in enumerate(result.records):
        if id(r) in false_ids:
            status[i] = "fp"
    miss_spans = {g.index: tuple(find_all(text, g.evidence)) for g in score.misses}
    return GoldView(score=score, gold=gold, status=status, miss_spans=miss_spans)


def gold_path_for(doc_id: str, gold_dir: Path | None) -> Path | None:
    if gold_dir is None:
        return None
    path = Path(gold_dir) / f"{doc_id}.gold.json"
    return path if path.is_file() else None


# ---- text rendering --------------------------------------------------------------------------


def _span_problem(r: Record, text: str) -> str | None:
    if r.span.end > len(text):
        return f"span {r.span.start}–{r.span.end} ends after the text ({len(text)} characters)"
    if text[r.span.start : r.span.end] != r.text:
        return "the text at the span differs from the record's text"
    return None


def _assign_lanes(marks: list[_Mark]) -> int:
    """Greedy interval colouring: overlapping marks get different lanes; returns the lane count."""
    lanes_end: list[int] = []
    for mark in sorted(marks, key=lambda m: (m.start, -m.end, m.id)):
        for lane, end in enumerate(lanes_end):
            if end <= mark.start:
                mark.lane = lane
                lanes_end[lane] = mark.end
                break
        else:
            mark.lane = len(lanes_end)
            lanes_end.append(mark.end)
    return len(lanes_end)


def _tiles(sections: Sequence[Section], length: int) -> list[tuple[int, int, Section | None]]:
    """The sections in order, clipped to the text, with any gap shown as an unsectioned block."""
    tiles: list[tuple[int, int, Section | None]] = []
    cursor = 0
    for section in sorted(sections, key=lambda s: (s.start, s.end)):
        start, end = max(section.start, cursor), min(section.end, length)
        if end <= start:
            continue
        if start > cursor:
            tiles.append((cursor, start, None))
        tiles.append((start, end, section))
        cursor = end
    if cursor < length or not tiles:
        tiles.append((cursor, length, None))
    return tiles


def render_text(text: str, start: int, end: int, marks: Sequence[_Mark]) -> str:
    """HTML of ``text[start:end]`` with ``marks`` as highlighted, possibly overlapping, spans.

    The text is cut at every mark boundary; each piece is one ``<span class="hl">`` listing the
    marks that cover it, with one underline bar per mark in that mark's lane. Labels are empty
    elements drawn by CSS, so the element's text content is exactly the document text.
    """
    inside = [
        m for m in marks if (m.start < end and m.end > start) or start <= m.start == m.end < end
    ]
    cuts = {start, end}
    for m in inside:
        cuts.update(p for p in (m.start, m.end) if start < p < end)
    points = sorted(cuts)
    starts_at: dict[int, list[_Mark]] = {}
    for m in inside:
        if start <= m.start < end:  # the label goes where the mark starts (once per page)
            starts_at.setdefault(m.start, []).append(m)
    out: list[str] = []
    for a, b in pairwise(points):
        active = [m for m in inside if m.start <= a and m.end >= b and m.end > m.start]
        tags = "".join(
            f'<span class="tag {" ".join((f"ep-{m.endpoint}", *m.classes))}" '
            f'data-mark="{m.id}" data-label="{_e(m.label)}" id="m-{m.id}"></span>'
            for m in sorted(starts_at.get(a, []), key=lambda m: m.lane)
        )
        piece = _e(text[a:b])
        if not active:
            out.append(tags + piece)
            continue
        active.sort(key=lambda m: m.lane)
        first = active[0]
        classes = ["hl", f"ep-{first.endpoint}"]
        if any("warn" in m.classes for m in active):
            classes.append("has-warn")
        bars = "".join(
            f'<span class="bar ep-{m.endpoint}{" miss" if "miss" in m.classes else ""}" '
            f'style="--lane:{m.lane}"></span>'
            for m in active
        )
        ids = " ".join(m.id for m in active)
        out.append(
            f'<span class="{" ".join(classes)}" data-marks="{ids}">{tags}{piece}{bars}</span>'
        )
    return "".join(out)


# ---- page ------------------------------------------------------------------------------------


def _record_marks(result: DocumentResult, text: str, gold: GoldView | None) -> list[_Mark]:
    marks: list[_Mark] = []
    for i, r in enumerate(result.records):
        warnings = [{"code": w.code, "message": w.message, "bad": False} for w in r.warnings]
        problem = _span_problem(r, text)
        if problem:
            warnings.append({"code": "span_mismatch", "message": problem, "bad": True})
        status = gold.status.get(i) if gold else None
        classes: list[str] = []
        label = r.endpoint
        if warnings:
            classes.append("warn")
            label = "⚠ " + label
        if status == "fp":
            classes.append("fp")
        marks.append(
            _Mark(
                id=f"r{i}",
                start=min(r.span.start, len(text)),
                end=min(r.span.end, len(text)),
                endpoint=r.endpoint,
                label=label,
                classes=tuple(classes),
                payload={
                    "kind": "record",
                    "endpoint": r.endpoint,
                    "colour": ENDPOINT_COLOURS[r.endpoint],
                    "title": record_title(r),
                    "fields": _record_fields(r),
                    "warnings": warnings,
                    "status": status,
                    "status_label": {
                        "tp": "matches gold",
                        "fp": "false positive",
                        "ignored": "repeat / optional",
                    }.get(status or "", ""),
                },
            )
        )
    if gold:
        for g in gold.score.misses:
            for k, (start, end) in enumerate(gold.miss_spans.get(g.index, ())):
                marks.append(
                    _Mark(
                        id=f"g{g.index}" + (f"o{k}" if k else ""),
                        start=start,
                        end=end,
                        endpoint=g.endpoint if g.endpoint in ENDPOINT_COLOURS else "other",
                        label=f"missed {g.endpoint}",
                        classes=("miss",),
                        payload={
                            "kind": "miss",
                            "endpoint": g.endpoint,
                            "colour": ENDPOINT_COLOURS.get(g.endpoint, MISS_COLOUR),
                            "title": f"{g.statistic} {fmt_number(g.value)}",
                            "fields": _gold_fields(g.fields),
                            "warnings": [],
                            "status": "miss",
                            "status_label": "missed (gold)",
                        },
                    )
                )
    return marks


def _summary_rows(result: DocumentResult) -> list[tuple[Record, list[int]]]:
    """Distinct endpoints: one row per endpoint/statistic/value/unit/timepoint/group/origin."""
    rows: dict[tuple[Any, ...], tuple[Record, list[int]]] = {}
    for i, r in enumerate(result.records):
        key = (
            r.endpoint,
            r.statistic,
            round(r.value, 9),
            r.unit,
            (r.timepoint.value, r.timepoint.unit.casefold()) if r.timepoint else None,
            " ".join((r.group or "").casefold().split()),
            r.origin,
        )
        rows.setdefault(key, (r, []))[1].append(i)
    order = {ep: k for k, ep in enumerate(ENDPOINTS)}
    return sorted(
        rows.values(),
        key=lambda row: (
            order.get(row[0].endpoint, 99),
            row[0].statistic,
            row[0].group or "",
            row[1][0],
        ),
    )


def _chip(endpoint: str) -> str:
    ep = endpoint if endpoint in ENDPOINT_COLOURS else "other"
    name = registry().name(endpoint)  # the registry's display name, as a tooltip
    return f'<span class="chip ep-{ep}" title="{_e(name)}">{_e(endpoint)}</span>'


def _links(ids: Iterable[str]) -> str:
    return "".join(f'<a href="#m-{i}" data-goto="{i}">{k}</a>' for k, i in enumerate(ids, start=1))


_SUMMARY_COLUMNS: tuple[tuple[str, Callable[[Record], str], str], ...] = (
    ("value", _value_text, "num"),
    ("n/N", _nN_text, "num"),
    ("CI", _ci_text, "num"),
    ("p", _p_text, "num"),
    ("at", _timepoint_text, ""),
    ("group", lambda r: r.group or "", "wide"),
    ("label", lambda r: r.label or "", ""),
)


def _summary_table(rows: Sequence[tuple[Record, list[int]]]) -> str:
    """The distinct endpoints; columns that are empty in every row are left out."""
    columns = [c for c in _SUMMARY_COLUMNS if any(c[1](r) for r, _ in rows)]
    head = (
        "<tr><th>endpoint</th><th>statistic</th>"
        + "".join(f"<th>{_e(name)}</th>" for name, _, _ in columns)
        + "<th>mentions</th></tr>"
    )
    body = []
    for r, indices in rows:
        cells = "".join(f'<td class="{cls}">{_e(cell(r))}</td>' for _, cell, cls in columns)
        body.append(
            f"<tr><td>{_chip(r.endpoint)}</td><td>{_e(r.statistic)}</td>{cells}"
            f'<td class="links">{len(indices)}: {_links(f"r{i}" for i in indices)}</td></tr>'
        )
    return (
        f'<div class="scroll"><table class="grid summary"><thead>{head}</thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )


def _summary_card(result: DocumentResult) -> str:
    rows = _summary_rows(result)
    own = [row for row in rows if row[0].origin == "this_study"]
    cited = [row for row in rows if row[0].origin != "this_study"]
    parts = [
        '<section class="card" id="summary">',
        f'<h2>Endpoints of this study <span class="count">({len(own)} distinct, '
        f"{sum(len(r[1]) for r in own)} mentions)</span></h2>",
        _summary_table(own) if own else '<p class="muted">No records of this study.</p>',
    ]
    if cited:
        parts.append(
            f"<details><summary>Cited from other studies ({len(cited)} distinct, "
            f"{sum(len(r[1]) for r in cited)} mentions)</summary>{_summary_table(cited)}</details>"
        )
    parts.append("</section>")
    return "".join(parts)


def _warnings_card(result: DocumentResult, marks: Sequence[_Mark]) -> str:
    items = [
        f'<li><span class="flag-code">{_e(w.code)}</span> {_e(w.message)} '
        '<span class="muted">(document)</span></li>'
        for w in result.warnings
    ]
    for m in marks:
        if m.payload.get("kind") != "record":
            continue
        for w in m.payload["warnings"]:
            items.append(
                f'<li><span class="flag-code">{_e(w["code"])}</span> {_e(w["message"])} '
                f'— <a href="#m-{m.id}" data-goto="{m.id}">{_e(m.endpoint)} '
                f"{_e(m.payload['title'])}</a></li>"
            )
    if not items:
        return ""
    return (
        f'<section class="card" id="warnings"><h2>Warnings <span class="count">({len(items)})'
        f'</span></h2><ul class="flags">{"".join(items)}</ul></section>'
    )


def _gold_card(gold: GoldView, result: DocumentResult) -> str:
    s = gold.scores
    score_html = (
        f'<div class="scores"><span>precision <b>{s["precision"]:.2f}</b></span>'
        f"<span>recall <b>{s['recall']:.2f}</b></span><span>F1 <b>{s['f1']:.2f}</b></span>"
        f"<span>{int(s['tp'])} matched · {int(s['fp'])} false positives · {int(s['fn'])} missed"
        f" · {gold.score.ignored} ignored</span></div>"
    )
    miss_rows = []
    for g in gold.score.misses:
        spans = gold.miss_spans.get(g.index, ())
        ids = [f"g{g.index}" + (f"o{k}" if k else "") for k in range(len(spans))]
        where = _links(ids) if ids else '<span class="muted">evidence not in text</span>'
        f = g.fields
        miss_rows.append(
            f"<tr><td>{_chip(g.endpoint)}</td><td>{_e(g.statistic)}</td>"
            f'<td class="num">{_e(_join_unit(fmt_number(g.value), f.get("unit")))}</td>'
            f"<td>{_e(f.get('group') or '')}</td><td>{_e(g.language)}</td>"
            f'<td class="ev">{_e(g.evidence)}</td><td class="links">{where}</td></tr>'
        )
    fp_rows = []
    for i, r in enumerate(result.records):
        if gold.status.get(i) != "fp":
            continue
        fp_rows.append(
            f"<tr><td>{_chip(r.endpoint)}</td><td>{_e(r.statistic)}</td>"
            f'<td class="num">{_e(_value_text(r))}</td><td>{_e(r.group or "")}</td>'
            f'<td>{_e(r.language)}</td><td class="ev">{_e(r.text)}</td>'
            f'<td class="links">{_links([f"r{i}"])}</td></tr>'
        )
    head = (
        "<tr><th>endpoint</th><th>statistic</th><th>value</th><th>group</th><th>lang</th>"
        "<th>evidence</th><th>where</th></tr>"
    )
    misses = (
        f"<details open><summary>Missed gold records ({len(miss_rows)})</summary>"
        f'<div class="scroll"><table class="grid misses">{head}{"".join(miss_rows)}</table>'
        "</div></details>"
        if miss_rows
        else '<p class="muted">No missed gold records.</p>'
    )
    fps = (
        f"<details open><summary>False positives ({len(fp_rows)})</summary>"
        f'<div class="scroll"><table class="grid false-positives">{head}{"".join(fp_rows)}'
        "</table></div></details>"
        if fp_rows
        else '<p class="muted">No false positives.</p>'
    )
    return (
        f'<section class="card" id="gold"><h2>Against gold</h2>{score_html}{misses}{fps}'
        f"{_anchor_list(gold)}</section>"
    )


def _anchor_list(gold: GoldView) -> str:
    if not gold.score.anchors_total:
        return ""
    errors = gold.score.anchor_errors
    items = "".join(f"<li>{_e(e)}</li>" for e in errors)
    return (
        f"<details{' open' if errors else ''}><summary>Sections: "
        f"{gold.score.anchors_correct} of {gold.score.anchors_total} gold anchors in a section "
        f'of the right kind and language</summary><ul class="flags">{items}</ul></details>'
    )


def _legend(result: DocumentResult) -> str:
    used = sorted({r.endpoint for r in result.records}, key=ENDPOINTS.index)
    return '<div class="legend">' + "".join(_chip(ep) for ep in used) + "</div>"


def _text_card(result: DocumentResult, text: str, marks: Sequence[_Mark]) -> str:
    blocks = []
    for k, (start, end, section) in enumerate(_tiles(result.sections, len(text))):
        if section is None:
            head = '<span class="badge">unsectioned</span>'
            attrs = 'data-kind="" data-language=""'
        else:
            lang_class = "lang lang-zh" if section.language.startswith("zh") else "lang"
            head = (
                f'<span class="badge kind">{_e(section.kind)}</span>'
                f'<span class="badge {lang_class}">{_e(section.language)}</span>'
                + (f'<span class="sec-title">{_e(section.title)}</span>' if section.title else "")
            )
            attrs = f'data-kind="{_e(section.kind)}" data-language="{_e(section.language)}"'
        blocks.append(
            f'<section class="doc-section" id="s{k}" {attrs} data-start="{start}" '
            f'data-end="{end}"><div class="sec-head">{head}'
            f'<span class="sec-range">{start}–{end}</span></div>'
            f'<div class="text">{render_text(text, start, end, marks)}</div></section>'
        )
    return (
        f'<section class="card" id="text"><h2>Text <span class="count">({len(text)} characters, '
        f"{len(result.sections)} sections)</span></h2>{_legend(result)}{''.join(blocks)}</section>"
    )


MAX_AUTHORS_SHOWN = 3


def citation_html(meta: DocumentMeta) -> str:
    """The document's citation for the report header: title, then authors, journal, year and
    identifiers (DOI, PMID, PMCID and NCT numbers linked to their registries), licence."""
    if meta.is_empty():
        return ""
    parts: list[str] = []
    if meta.authors:
        shown = ", ".join(meta.authors[:MAX_AUTHORS_SHOWN])
        parts.append(_e(shown + (" et al." if len(meta.authors) > MAX_AUTHORS_SHOWN else "")))
    journal = " ".join(str(x) for x in (meta.journal, meta.year) if x)
    if journal:
        parts.append(_e(journal))
    if meta.doi:
        href = "https://doi.org/" + quote(meta.doi, safe="/:;()._-<>")
        parts.append(f'DOI <a href="{_e(href)}">{_e(meta.doi)}</a>')
    if meta.pmid:
        href = f"https://pubmed.ncbi.nlm.nih.gov/{quote(meta.pmid)}/"
        parts.append(f'PMID <a href="{_e(href)}">{_e(meta.pmid)}</a>')
    if meta.pmcid:
        href = f"https://www.ncbi.nlm.nih.gov/pmc/articles/{quote(meta.pmcid)}/"
        parts.append(f'<a href="{_e(href)}">{_e(meta.pmcid)}</a>')
    for nct in meta.nct_ids:
        href = f"https://clinicaltrials.gov/study/{quote(nct)}"
        parts.append(f'<a href="{_e(href)}">{_e(nct)}</a>')
    if meta.licence:
        parts.append(f"licence {_e(meta.licence)}")
    title = f'<div class="doc-title">{_e(meta.title)}</div>' if meta.title else ""
    line = "".join(f"<span>{p}</span>" for p in parts)
    return f'<div class="citation">{title}<div class="meta">{line}</div></div>'


def render_report(result: DocumentResult, text: str, gold: GoldView | None = None) -> str:
    """The HTML page of one document result (``text``: the exact text its spans point into)."""
    marks = _record_marks(result, text, gold)
    _assign_lanes(marks)
    n_warn = len(result.warnings) + sum(len(r.warnings) for r in result.records)
    meta = [
        f"source {_e(result.source)}",
        f"{len(result.records)} records",
        f"{n_warn} warnings",
        f"languages {_e(', '.join(result.languages) or '-')}",
        f"pipeline {_e(result.pipeline_version)}",
        f"sha256 {_e(result.sha256[:12])}",
    ]
    header = (
        f'<header class="top"><h1>{_e(result.doc_id)}</h1>{citation_html(result.meta)}'
        '<div class="meta">' + "".join(f"<span>{m}</span>" for m in meta) + "</div></header>"
    )
    content = [
        _summary_card(result),
        _gold_card(gold, result) if gold else "",
        _warnings_card(result, marks),
        _text_card(result, text, marks),
    ]
    panel = (
        '<aside class="panel card" id="panel"><h2>Record</h2><div id="panel-body">'
        '<p class="hint">Click a highlighted span to see its record.</p></div></aside>'
    )
    body = (
        f'{header}<main class="layout"><div class="content">{"".join(content)}</div>{panel}</main>'
    )
    data = {"doc_id": result.doc_id, "marks": {m.id: m.payload for m in marks}}
    return _page(f"trialex · {result.doc_id}", body, data, script=True)


# ---- files -----------------------------------------------------------------------------------


def read_text_for(result_path: Path) -> str:
    """The text next to ``<doc_id>.json`` (``<doc_id>.txt``), exactly as written."""
    path = Path(result_path).with_suffix(".txt")
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            return handle.read()
    except OSError as error:
        raise TrialexError(f"{path}: the text of {Path(result_path).name} is missing") from error


def _up_to_date(target: Path, inputs: Iterable[Path | None]) -> bool:
    """``target`` exists and is newer than every one of ``inputs`` that exists."""
    try:
        built = target.stat().st_mtime_ns
    except OSError:
        return False
    for path in inputs:
        if path is None:
            continue
        try:
            if path.stat().st_mtime_ns > built:
                return False
        except OSError:
            continue
    return True


def write_report(
    result_path: Path,
    out_dir: Path,
    gold_dir: Path | None = None,
    *,
    changed_only: bool = False,
) -> ReportSummary | None:
    """Write ``out_dir/<doc_id>.html`` for one ``<doc_id>.json``; ``None`` for non-result JSON.

    With ``changed_only``, a page newer than its result, text, gold and review files is kept as
    it is (the index still gets its summary)."""
    result = load_result(result_path)
    if result is None:
        return None
    text = read_text_for(result_path)
    gold_path = gold_path_for(result.doc_id, gold_dir)
    try:
        gold = gold_view(result, text, gold_path) if gold_path else None
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise TrialexError(f"{gold_path}: cannot read the gold file ({error!r})") from error
    target = output_path(Path(out_dir), result.doc_id, ".html")
    from trialex.evidence import evidence_rows, review_statuses
    from trialex.review import review_path

    inputs = (
        Path(result_path),
        Path(result_path).with_suffix(".txt"),
        gold_path,
        review_path(Path(result_path).parent, result.doc_id),
    )
    if not (changed_only and _up_to_date(target, inputs)):
        atomic_write_text(target, render_report(result, text, gold))

    evidence = evidence_rows(result, target.name, review_statuses(result_path, result))
    return ReportSummary(
        doc_id=result.doc_id,
        source=result.source,
        path=target,
        records=len(result.records),
        warnings=len(result.warnings) + sum(len(r.warnings) for r in result.records),
        languages=tuple(result.languages),
        endpoints=len(_summary_rows(result)),
        scores=gold.scores if gold else None,
        evidence=tuple(evidence),
    )


def render_index(summaries: Sequence[ReportSummary], out_dir: Path) -> str:
    from trialex.evidence import evidence_script, render_evidence_card

    evidence = [row for s in sorted(summaries, key=lambda s: s.doc_id) for row in s.evidence]
    rows = []
    totals = {"tp": 0, "fp": 0, "fn": 0}
    scored = 0
    for s in sorted(summaries, key=lambda s: s.doc_id):
        href = _e(Path(s.path).resolve().relative_to(Path(out_dir).resolve()).as_posix())
        if s.scores:
            scored += 1
            for key in totals:
                totals[key] += int(s.scores[key])
            score = "".join(
                f'<td class="num">{s.scores[k]:.2f}</td>' for k in ("precision", "recall", "f1")
            )
        else:
            score = '<td class="num muted" colspan="3">no gold</td>'
        rows.append(
            f'<tr><td><a href="{href}">{_e(s.doc_id)}</a></td><td>{_e(s.source)}</td>'
            f"<td>{_e(', '.join(s.languages))}</td>"
            f'<td class="num">{s.records}</td><td class="num">{s.endpoints}</td>'
            f'<td class="num">{s.warnings}</td>{score}</tr>'
        )
    overall = ""
    if scored:
        o = prf(totals["tp"], totals["fp"], totals["fn"])
        overall = (
            f'<div class="scores"><span>{scored} documents with gold</span>'
            f"<span>precision <b>{o['precision']:.2f}</b></span>"
            f"<span>recall <b>{o['recall']:.2f}</b></span><span>F1 <b>{o['f1']:.2f}</b></span>"
            f"<span>{o['tp']} matched · {o['fp']} false positives · {o['fn']} missed "
            "(micro)</span></div>"
        )
    head = (
        "<tr><th>document</th><th>source</th><th>languages</th><th>records</th>"
        "<th>distinct endpoints</th><th>warnings</th><th>precision</th><th>recall</th>"
        "<th>F1</th></tr>"
    )
    body = (
        f'<header class="top"><h1>trialex reports</h1><div class="meta"><span>'
        f"{len(summaries)} documents</span><span>"
        f"{sum(s.records for s in summaries)} records</span><span>"
        f"{sum(s.warnings for s in summaries)} warnings</span></div></header>"
        f'<main class="layout" style="grid-template-columns:1fr"><div class="content">'
        f'<section class="card" id="index">{overall}'
        f'<table class="grid index">{head}{"".join(rows)}</table></section>'
        f"{render_evidence_card(evidence)}</div></main>"
    )
    return _page("trialex reports", body, None, script=False, js=evidence_script())


def report_index(summaries: Sequence[ReportSummary], out_dir: Path) -> Path:
    """Write ``out_dir/index.html`` linking every report, with counts and gold scores."""
    target = Path(out_dir) / INDEX_NAME
    atomic_write_text(target, render_index(summaries, out_dir))
    return target


write_index = report_index


def default_gold_dir() -> Path | None:
    """``fixtures/gold`` under the working folder, when it exists."""
    path = Path("fixtures/gold")
    return path if path.is_dir() else None


ReportErrorHandler = Callable[[Path, TrialexError], None]


def write_reports(
    result_paths: Iterable[Path],
    out_dir: Path,
    gold_dir: Path | None = None,
    *,
    on_error: ReportErrorHandler | None = None,
    changed_only: bool = False,
) -> Path:
    """Write one report per document result (files or folders of ``<doc_id>.json``) and the
    index; returns the path of ``index.html``. With ``changed_only`` only the pages of documents
    whose result, text, gold or review changed since their page was written are rendered again.

    A result that cannot be reported (broken JSON, missing text) raises, or with ``on_error``
    is passed to it and left out of the index while the others are still written.
    """
    from trialex.export import result_paths as expand

    out_dir = Path(out_dir)
    summaries = []
    for path in expand(result_paths):
        try:
            summary = write_report(path, out_dir, gold_dir, changed_only=changed_only)
        except TrialexError as error:
            if on_error is None:
                raise
            on_error(path, error)
            continue
        if summary is not None:
            logger.debug("report %s", summary.path)
            summaries.append(summary)
    return report_index(summaries, out_dir)
