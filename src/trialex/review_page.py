"""The HTML of the review app: the report's text rendering (:func:`trialex.report.render_text`,
its marks and endpoint colours) with each record's review status, a side panel of actions and
an edit form. CSS and script are inlined from ``resources/review/``; the page has a strict
Content Security Policy (no resource outside the page; requests only to the app itself)."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from importlib import resources
from string import Template
from typing import Any
from urllib.parse import quote

from trialex.records import ENDPOINTS, SECTION_KINDS, STATISTICS, DocumentResult, Record
from trialex.report import (
    ENDPOINT_COLOURS,
    _assign_lanes,
    _endpoint_css,
    _Mark,
    _record_fields,
    _record_marks,
    _resource,
    _script_json,
    _text_card,
    citation_html,
    fmt_number,
    record_title,
)
from trialex.review import EDITABLE_FIELDS, ReviewState

META_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; "
    "connect-src 'self'; form-action 'none'; base-uri 'none'"
)
CSP = META_CSP + "; frame-ancestors 'none'"  # the header (frame-ancestors is ignored in <meta>)
STATUS_LABELS = {
    "pending": "not reviewed",
    "accept": "accepted",
    "reject": "rejected",
    "edit": "edited",
    "add": "added",
}
CHOICES = {
    "endpoint": list(ENDPOINTS),
    "statistic": list(STATISTICS),
    "p_op": ["", "=", "<", ">", "<=", ">="],
    "origin": ["this_study", "cited"],
    "section": list(SECTION_KINDS),
}


def _review_resource(name: str) -> str:
    return resources.files("trialex").joinpath("resources", "review", name).read_text("utf-8")


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def form_values(record: Record) -> dict[str, str]:
    """The edit form's field values of ``record`` (strings; empty for null)."""
    data = record.model_dump()
    out: dict[str, str] = {}
    for name in EDITABLE_FIELDS:
        value = data.get(name)
        if name == "timepoint":
            out[name] = f"{fmt_number(value['value'])} {value['unit']}" if value else ""
        elif isinstance(value, float):
            out[name] = fmt_number(value)
        else:
            out[name] = "" if value is None else str(value)
    return out


def _page(title: str, body: str, data: Mapping[str, Any], script: bool) -> str:
    return Template(_review_resource("review.html")).substitute(
        csp=META_CSP,
        title=_e(title),
        css=_resource("report.css")
        + "\n"
        + _endpoint_css()
        + "\n"
        + _review_resource("review.css"),
        body=body,
        data=_script_json(data),
        js=_review_resource("review.js") if script else "",
    )


def _marks(result: DocumentResult, text: str, state: ReviewState) -> list[_Mark]:
    marks = _record_marks(result, text, None)
    by_id = {s.id: s for s in state.records}
    for m in marks:
        s = by_id[m.id]
        m.classes = (*m.classes, f"rv-{s.status}")
    for s in state.records:
        if not s.id.startswith("a"):
            continue
        r = s.original
        marks.append(
            _Mark(
                id=s.id,
                start=r.span.start,
                end=r.span.end,
                endpoint=r.endpoint,
                label="+ " + r.endpoint,
                classes=(f"rv-{s.status}",),
                payload={},
            )
        )
    for m in marks:
        s = by_id[m.id]
        shown = s.current or s.original
        m.payload = {
            **m.payload,
            "kind": "record",
            "endpoint": shown.endpoint,
            "colour": ENDPOINT_COLOURS.get(shown.endpoint, ENDPOINT_COLOURS["other"]),
            "title": record_title(shown),
            "fields": _record_fields(shown),
            "warnings": m.payload.get("warnings", []),
            "review": s.status,
            "review_label": STATUS_LABELS[s.status],
            "decisions": s.decisions,
            "form": form_values(shown),
            "start": m.start,
        }
    return marks


def _stale_card(state: ReviewState) -> str:
    if not state.stale:
        return ""
    rows = []
    for d in state.stale:
        r = d.target or d.after
        what = (
            f"{_e(r.endpoint)} {_e(record_title(r))} at {r.span.start}–{r.span.end}: "
            f"<q>{_e(r.text)}</q>"
            if r
            else ""
        )
        rows.append(
            f"<li><b>{_e(STATUS_LABELS.get(d.action, d.action))}</b> by {_e(d.reviewer)} "
            f"({_e(d.at)}, pipeline {_e(d.pipeline_version)}): {what}</li>"
        )
    return (
        f'<section class="card stale" id="stale"><h2>Stale reviews <span class="count">'
        f"({len(rows)}; their record is gone after a re-extraction)</span></h2>"
        f'<ul class="flags">{"".join(rows)}</ul></section>'
    )


def render_review_page(
    result: DocumentResult,
    text: str,
    state: ReviewState,
    *,
    reviewer: str,
    doc_key: str,
    query: str = "",
) -> str:
    """The review page of one document (``doc_key``: its id in the app's URLs)."""
    marks = _marks(result, text, state)
    _assign_lanes(marks)
    counts = {k: 0 for k in STATUS_LABELS}
    for s in state.records:
        counts[s.status] += 1
    meta = [
        f"source {_e(result.source)}",
        f"{len(result.records)} records",
        *(f"{n} {STATUS_LABELS[k]}" for k, n in counts.items() if n),
        f"pipeline {_e(result.pipeline_version)}",
        f"reviewer {_e(reviewer)}",
    ]
    header = (
        f'<header class="top"><div class="nav"><a href="../{_e(query)}" data-nav="index">'
        "all documents</a>"
        f"</div><h1>{_e(result.doc_id)}</h1>{citation_html(result.meta)}"
        '<div class="meta">' + "".join(f"<span>{m}</span>" for m in meta) + "</div>"
        '<div class="keys">keys: <kbd>j</kbd>/<kbd>k</kbd> next/previous · <kbd>a</kbd> accept'
        " · <kbd>r</kbd> reject · <kbd>e</kbd> edit · <kbd>u</kbd> undo · select text then "
        "<kbd>n</kbd> add a missed record</div></header>"
    )
    panel = (
        '<aside class="panel card" id="panel"><h2>Record</h2><div class="actions">'
        '<button type="button" id="rv-add">Add selected text (n)</button>'
        '</div><div id="msg" role="status"></div>'
        '<div id="panel-body"><p class="hint">Click a highlighted span, or press j.</p></div>'
        "</aside>"
    )
    body = (
        f'{header}<main class="layout"><div class="content">{_stale_card(state)}'
        f"{_text_card(result, text, marks)}</div>{panel}</main>"
    )
    order = [m.id for m in sorted(marks, key=lambda m: (m.start, m.end, m.id))]
    data = {
        "doc_id": result.doc_id,
        "doc_key": doc_key,
        "marks": {m.id: m.payload for m in marks},
        "order": order,
        "choices": {**CHOICES, "endpoint": list(ENDPOINTS)},  # the registry in force
        "editable": list(EDITABLE_FIELDS),
        "stale": len(state.stale),
    }
    return _page(f"trialex review · {result.doc_id}", body, data, script=True)


def render_review_index(
    rows: Sequence[Mapping[str, Any]], out_dir: str, reviewer: str, query: str = ""
) -> str:
    """The app's start page: one row per document with its review counts."""
    lines = []
    for row in rows:
        href = "doc/" + quote(str(row["key"]), safe="") + query
        lines.append(
            f'<tr><td><a href="{_e(href)}">{_e(row["doc_id"])}</a></td>'
            f'<td class="num">{row["records"]}</td><td class="num">{row["reviewed"]}</td>'
            f'<td class="num">{row["added"]}</td><td class="num">{row["pending"]}</td>'
            f'<td class="num">{row["stale"]}</td></tr>'
        )
    head = (
        "<tr><th>document</th><th>records</th><th>reviewed</th><th>added</th>"
        "<th>not reviewed</th><th>stale</th></tr>"
    )
    body = (
        f'<header class="top"><h1>trialex review</h1><div class="meta"><span>{_e(out_dir)}'
        f"</span><span>{len(rows)} documents</span><span>reviewer {_e(reviewer)}</span></div>"
        f'</header><main class="layout" style="grid-template-columns:1fr"><div class="content">'
        f'<section class="card" id="index"><table class="grid index">{head}{"".join(lines)}'
        "</table></section></div></main>"
    )
    return _page("trialex review", body, {}, script=False)
