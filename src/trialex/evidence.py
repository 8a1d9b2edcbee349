"""The evidence table across studies (the report index): one row per study x endpoint x arm x
value, with n/N, CI, p and time point, links to every mention (a value printed in prose and
again in a table is one row with both mentions), the review state of its mentions, validation
warnings marked, and filters by endpoint, statistic, arm, language, origin and review state
(``resources/report/evidence.js``)."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from trialex.errors import TrialexError
from trialex.records import DocumentResult
from trialex.report import (
    _ci_text,
    _nN_text,
    _p_text,
    _summary_rows,
    _timepoint_text,
    _value_text,
)

REVIEW_LABELS = {
    "pending": "not reviewed",
    "accept": "accepted",
    "edit": "edited",
    "reject": "rejected",
    "mixed": "mixed",
}


@dataclass(frozen=True)
class EvidenceRow:
    doc_id: str
    href: str  # the document's report page, relative to the index
    endpoint: str
    statistic: str
    value: str
    nN: str
    ci: str
    p: str
    timepoint: str
    group: str
    label: str
    origin: str
    languages: tuple[str, ...]
    mentions: tuple[tuple[str, str], ...]  # (mark id, section kind)
    review: str  # pending | accept | edit | reject | mixed
    suspect: tuple[str, ...]  # warning codes of its mentions


def review_statuses(result_path: Path, result: DocumentResult) -> dict[str, str]:
    """``r<i> -> status`` from ``<doc_id>.review.json`` beside the result (empty when none)."""
    from trialex.report import read_text_for
    from trialex.review import load_review, reconcile, review_path, review_state

    path = review_path(Path(result_path).parent, result.doc_id)
    if not path.is_file():
        return {}
    try:
        text = read_text_for(result_path)
        review = reconcile(result, text, load_review(path, result.doc_id))
    except TrialexError:
        return {}
    return {s.id: s.status for s in review_state(result, text, review).records}


def evidence_rows(
    result: DocumentResult, href: str, statuses: Mapping[str, str] | None = None
) -> list[EvidenceRow]:
    """The document's rows of the cross-study table (its distinct endpoint values)."""
    statuses = statuses or {}
    rows = []
    for r, indices in _summary_rows(result):
        records = [result.records[i] for i in indices]
        states = {statuses.get(f"r{i}", "pending") for i in indices}
        review = states.pop() if len(states) == 1 else "mixed"
        rows.append(
            EvidenceRow(
                doc_id=result.doc_id,
                href=href,
                endpoint=r.endpoint,
                statistic=r.statistic,
                value=_value_text(r),
                nN=_nN_text(r),
                ci=_ci_text(r),
                p=_p_text(r),
                timepoint=_timepoint_text(r),
                group=r.group or "",
                label=r.label or "",
                origin=r.origin,
                languages=tuple(sorted({x.language for x in records})),
                mentions=tuple((f"r{i}", result.records[i].section) for i in indices),
                review=review,
                suspect=tuple(sorted({w.code for x in records for w in x.warnings})),
            )
        )
    return rows


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _options(name: str, values: Sequence[str], labels: Mapping[str, str] | None = None) -> str:
    options = "".join(
        f'<option value="{_e(v)}">{_e((labels or {}).get(v, v))}</option>' for v in values
    )
    return (
        f'<label>{_e(name)} <select data-filter="{_e(name)}"><option value="">all</option>'
        f"{options}</select></label>"
    )


def evidence_script() -> str:
    return (
        resources.files("trialex").joinpath("resources", "report", "evidence.js").read_text("utf-8")
    )


def render_evidence_card(rows: Sequence[EvidenceRow]) -> str:
    """The cross-study table with its filters (empty string when there are no rows)."""
    if not rows:
        return ""
    body = []
    for row in rows:
        links = "".join(
            f'<a href="{_e(row.href)}#m-{_e(mark)}" title="{_e(kind)}">{k}</a> '
            for k, (mark, kind) in enumerate(row.mentions, start=1)
        )
        kinds = ", ".join(sorted({kind for _, kind in row.mentions}))
        suspect = (
            f'<span class="flag-code" title="{_e(", ".join(row.suspect))}">⚠</span>'
            if row.suspect
            else ""
        )
        flag = ' data-suspect="1"' if row.suspect else ""
        body.append(
            f'<tr data-endpoint="{_e(row.endpoint)}" data-statistic="{_e(row.statistic)}" '
            f'data-arm="{_e(row.group.casefold())}" data-language="{_e(" ".join(row.languages))}" '
            f'data-origin="{_e(row.origin)}" data-review="{_e(row.review)}"'
            f"{flag}>"
            f'<td><a href="{_e(row.href)}" class="study">{_e(row.doc_id)}</a></td>'
            f'<td><span class="chip ep-{_e(row.endpoint)}">{_e(row.endpoint)}</span></td>'
            f"<td>{_e(row.statistic)}</td><td>{_e(row.group)}</td>"
            f'<td class="num">{suspect}{_e(row.value)}</td><td class="num">{_e(row.nN)}</td>'
            f'<td class="num">{_e(row.ci)}</td><td class="num">{_e(row.p)}</td>'
            f"<td>{_e(row.timepoint)}</td><td>{_e(row.label)}</td><td>{_e(row.origin)}</td>"
            f"<td>{_e(', '.join(row.languages))}</td>"
            f"<td>{_e(REVIEW_LABELS.get(row.review, row.review))}</td>"
            f'<td class="links">{links}<span class="muted">{_e(kinds)}</span></td></tr>'
        )
    head = (
        "<tr><th>study</th><th>endpoint</th><th>statistic</th><th>arm / group</th><th>value</th>"
        "<th>n/N</th><th>CI</th><th>p</th><th>at</th><th>label</th><th>origin</th><th>lang</th>"
        "<th>review</th><th>mentions</th></tr>"
    )
    filters = (
        '<div class="filters" id="evidence-filters">'
        + _options("endpoint", sorted({r.endpoint for r in rows}))
        + _options("statistic", sorted({r.statistic for r in rows}))
        + _options("language", sorted({lang for r in rows for lang in r.languages}))
        + _options("origin", sorted({r.origin for r in rows}))
        + _options("review", sorted({r.review for r in rows}), REVIEW_LABELS)
        + '<label>arm <input type="search" data-filter="arm" placeholder="contains"></label>'
        + '<label><input type="checkbox" data-filter="suspect"> suspect only</label>'
        + '<span class="muted" id="evidence-count"></span></div>'
    )
    return (
        f'<section class="card" id="evidence"><h2>Evidence across studies <span class="count">'
        f"({len(rows)} rows: study × endpoint × arm × value; ⚠ validation warnings)</span></h2>"
        f'{filters}<div class="scroll"><table class="grid evidence"><thead>{head}</thead>'
        f"<tbody>{''.join(body)}</tbody></table></div></section>"
    )
