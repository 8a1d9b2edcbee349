"""Review reports: escaping, exact text, overlapping spans, summary, gold, index."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from _report_seeds import GOLD, SEED_IDS, seed_result, write_seed_results
from trialex.errors import TrialexError
from trialex.evaluate import load_gold, score_document
from trialex.io import write_result
from trialex.records import ENDPOINTS, DocumentResult, Flag, Record, Section, Span
from trialex.report import (
    ENDPOINT_COLOURS,
    gold_view,
    render_report,
    write_report,
    write_reports,
)


class _Page(HTMLParser):
    """Collects, per document section, its text and the record ids over each character."""

    def __init__(self) -> None:
        super().__init__()
        self.sections: list[dict[str, object]] = []
        self.stack: list[tuple[str, dict[str, str]]] = []
        self.scripts: list[str] = []
        self.tags: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        self.tags.append((tag, a))
        self.stack.append((tag, a))
        if tag == "section" and "doc-section" in a.get("class", ""):
            self.sections.append({"attrs": a, "text": "", "marks": [], "badges": []})

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def _in(self, cls: str) -> dict[str, str] | None:
        for _, a in reversed(self.stack):
            if cls in a.get("class", "").split():
                return a
        return None

    def handle_data(self, data: str) -> None:
        if self.stack and self.stack[-1][0] == "script":
            self.scripts.append(data)
            return
        if not self.sections:
            return
        section = self.sections[-1]
        if self._in("badge"):
            section["badges"].append(data)  # type: ignore[union-attr]
        elif self._in("text"):
            hl = self._in("hl")
            ids = frozenset(hl["data-marks"].split()) if hl else frozenset()
            section["marks"].extend([ids] * len(data))  # type: ignore[union-attr]
            section["text"] += data  # type: ignore[operator]


def parse(page: str) -> _Page:
    parser = _Page()
    parser.feed(page)
    parser.close()
    return parser


def record(start: int, end: int, text: str, **fields: object) -> Record:
    base: dict[str, object] = {"endpoint": "ORR", "statistic": "proportion", "value": 45.0}
    base.update(fields)
    return Record(span=Span(start=start, end=end), text=text[start:end], extractor="t", **base)


def result_for(text: str, records: list[Record], sections: list[Section] | None = None):
    return DocumentResult(
        doc_id="doc",
        source="doc.txt",
        sha256="0" * 64,
        pipeline_version="test",
        languages=["en"],
        sections=sections
        if sections is not None
        else [Section(kind="results", language="en", start=0, end=len(text))],
        records=records,
    )


TEXT = (
    "The ORR was 45% (29 of 64); median OS 8.5 months (95% CI, 6.1-10.2); P = .01.\n"
    "中文 总缓解率为 64%。"
)

# (name, list of (start, end)) — spans over TEXT, including nested, crossing, identical,
# adjacent, zero-length and whole-text spans.
SPAN_CASES = [
    ("single", [(4, 15)]),
    ("nested", [(0, 26), (12, 15)]),
    ("crossing", [(4, 20), (12, 30)]),
    ("identical", [(12, 15), (12, 15)]),
    ("adjacent", [(4, 12), (12, 15)]),
    ("zero_length", [(12, 12), (4, 15)]),
    ("whole", [(0, len(TEXT)), (38, 49), (40, 60)]),
    ("cjk", [(len(TEXT) - 8, len(TEXT) - 1)]),
]


def _expected_marks(spans: list[tuple[int, int]], length: int) -> list[frozenset[str]]:
    return [
        frozenset(f"r{i}" for i, (a, b) in enumerate(spans) if a <= pos < b)
        for pos in range(length)
    ]


@pytest.mark.parametrize(("name", "spans"), SPAN_CASES, ids=[c[0] for c in SPAN_CASES])
def test_report_overlapping_spans_cover_exactly_their_characters(name: str, spans) -> None:
    result = result_for(TEXT, [record(a, b, TEXT) for a, b in spans])
    page = parse(render_report(result, TEXT))
    text = "".join(s["text"] for s in page.sections)
    marks = [m for s in page.sections for m in s["marks"]]
    assert text == TEXT
    assert marks == _expected_marks(spans, len(TEXT))
    # every record has exactly one label, placed where its span starts
    labels = [a["data-mark"] for tag, a in page.tags if "tag" in a.get("class", "").split()]
    assert sorted(labels) == sorted(f"r{i}" for i in range(len(spans)))


def test_report_overlapping_spans_get_distinct_lanes() -> None:
    spans = [(0, 26), (4, 20), (12, 30), (12, 15)]
    page = render_report(result_for(TEXT, [record(a, b, TEXT) for a, b in spans]), TEXT)
    pieces = re.findall(
        r'<span class="hl[^"]*" data-marks="([^"]+)">(.*?)(?=<span class="hl|$)', page
    )
    full = [body for ids, body in pieces if set(ids.split()) == {"r0", "r1", "r2", "r3"}]
    assert full
    lanes = re.findall(r"--lane:(\d+)", full[0])
    assert len(lanes) == 4 and len(set(lanes)) == 4


HOSTILE = [
    "<script>alert('x')</script>",
    "</script><script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "&lt;already escaped&gt; & <b>bold</b>",
]


@pytest.mark.parametrize("payload", HOSTILE)
def test_report_escapes_article_text_and_fields(payload: str) -> None:
    text = f"Intro {payload} the ORR was 45% {payload} end."
    start = text.index("the ORR")
    r = record(start - len(payload) - 1, start + 18, text, group=payload, label=payload)
    result = result_for(text, [r]).model_copy(
        update={"warnings": [Flag(code="x", message=payload)], "doc_id": "d<script>"}
    )
    page = render_report(result, text)
    parsed = parse(page)
    assert "".join(s["text"] for s in parsed.sections) == text
    assert [t for t, _ in parsed.tags].count("script") == 2  # the data block and the viewer
    assert not any(t == "img" for t, _ in parsed.tags)
    assert not any(k.startswith("on") for _, a in parsed.tags for k in a)
    data = json.loads(parsed.scripts[0])
    fields = dict(data["marks"]["r0"]["fields"])
    assert fields["group"] == payload and fields["text"] == r.text


def test_report_is_self_contained() -> None:
    result, text = seed_result(SEED_IDS[0])
    page = render_report(result, text)
    parsed = parse(page)
    assert not [a for t, a in parsed.tags if t in ("link", "img", "iframe") or "src" in a]
    hrefs = [a["href"] for t, a in parsed.tags if t == "a"]
    assert hrefs and all(h.startswith("#") for h in hrefs)
    assert "default-src 'none'" in page


def test_report_sections_show_kind_and_language() -> None:
    text = "Abstract text 45%. 摘要 总缓解率为 64%。 Results here."
    cut1, cut2 = text.index("摘要"), text.index(" Results")
    sections = [
        Section(kind="abstract", language="en", start=0, end=cut1),
        Section(kind="abstract", language="zh", start=cut1, end=cut2),
        Section(kind="results", language="en", start=cut2 + 1, end=len(text)),  # gap of 1
    ]
    page = parse(render_report(result_for(text, [], sections), text))
    seen = [(s["attrs"]["data-kind"], s["attrs"]["data-language"]) for s in page.sections]
    assert seen == [("abstract", "en"), ("abstract", "zh"), ("", ""), ("results", "en")]
    assert [s["badges"] for s in page.sections] == [
        ["abstract", "en"],
        ["abstract", "zh"],
        ["unsectioned"],
        ["results", "en"],
    ]
    assert "".join(s["text"] for s in page.sections) == text


def test_report_span_across_sections_is_drawn_in_both() -> None:
    text = "First part 45% and second part 64%."
    sections = [
        Section(kind="abstract", language="en", start=0, end=15),
        Section(kind="results", language="en", start=15, end=len(text)),
    ]
    page = parse(render_report(result_for(text, [record(11, 20, text)], sections), text))
    marks = [m for s in page.sections for m in s["marks"]]
    assert marks == _expected_marks([(11, 20)], len(text))


def test_report_summary_deduplicates_mentions() -> None:
    text = "ORR 45% here. Again ORR 45% there. In arm B ORR 45% too."
    spans = [(m.start(), m.end()) for m in re.finditer(r"ORR 45%", text)]
    records = [
        record(*spans[0], text, group="arm A"),
        record(*spans[1], text, group=" Arm  A"),
        record(*spans[2], text, group="arm B"),
    ]
    page = render_report(result_for(text, records), text)
    summary = page[page.index('id="summary"') : page.index('id="text"')]
    rows = re.findall(r"<tr><td>.*?</tr>", summary)
    assert len(rows) == 2
    assert re.findall(r'data-goto="(r\d+)"', rows[0]) == ["r0", "r1"]
    assert re.findall(r'data-goto="(r\d+)"', rows[1]) == ["r2"]


def test_report_cited_values_listed_apart_from_the_study() -> None:
    text = "TOWER reported 44%; we saw 64%."
    records = [record(15, 18, text, origin="cited", value=44.0), record(27, 30, text, value=64.0)]
    page = render_report(result_for(text, records), text)
    own = page[page.index('id="summary"') : page.index("Cited from other studies")]
    assert 'data-goto="r1"' in own and 'data-goto="r0"' not in own
    assert "Cited from other studies (1 distinct, 1 mentions)" in page


def test_report_marks_warnings_and_span_mismatch() -> None:
    text = "The ORR was 45%."
    ok = record(12, 15, text, warnings=[Flag(code="no_denominator", message="N missing")])
    bad = Record(
        endpoint="CR",
        statistic="proportion",
        value=45.0,
        span=Span(start=4, end=7),
        text="something else",
        extractor="t",
    )
    page = render_report(result_for(text, [ok, bad]), text)
    data = json.loads(parse(page).scripts[0])
    assert [w["code"] for w in data["marks"]["r0"]["warnings"]] == ["no_denominator"]
    assert [w["code"] for w in data["marks"]["r1"]["warnings"]] == ["span_mismatch"]
    warnings_card = page[page.index('id="warnings"') : page.index('id="text"')]
    assert "no_denominator" in warnings_card and "span_mismatch" in warnings_card
    assert page.count('class="tag ep-ORR warn"') == 1


def test_report_every_endpoint_has_a_colour() -> None:
    assert set(ENDPOINT_COLOURS) == set(ENDPOINTS)
    assert all(re.fullmatch(r"#[0-9a-f]{6}", c) for c in ENDPOINT_COLOURS.values())


@pytest.mark.parametrize("doc_id", SEED_IDS)
def test_report_seed_shows_every_record_and_gold_differences(doc_id: str) -> None:
    result, text = seed_result(doc_id, drop_every=5, invent=3)
    gold = gold_view(result, text, GOLD / f"{doc_id}.gold.json")
    score = score_document(text, result, load_gold(GOLD / f"{doc_id}.gold.json"))
    page = render_report(result, text, gold)
    parsed = parse(page)
    assert "".join(s["text"] for s in parsed.sections) == text
    covered = set().union(*(m for s in parsed.sections for m in s["marks"]))
    assert {f"r{i}" for i in range(len(result.records))} <= covered
    for r in result.records:  # every span reproduces its text
        assert text[r.span.start : r.span.end] == r.text
    assert score.fp == 3 and score.fn > 0
    fp_table = page[page.index('class="grid false-positives"') :]
    assert len(re.findall(r"<tr><td>", fp_table.split("</table>")[0])) == score.fp
    miss_table = page[page.index('class="grid misses"') :]
    assert len(re.findall(r"<tr><td>", miss_table.split("</table>")[0])) == score.fn
    anchors = f"{score.anchors_correct} of {score.anchors_total} gold anchors in a section"
    assert anchors in page
    statuses = json.loads(parsed.scripts[0])["marks"]
    assert sum(m.get("status") == "fp" for m in statuses.values()) == score.fp
    assert sum(m.get("status") == "tp" for m in statuses.values()) == score.tp


def test_report_write_reports_index_links_counts_and_scores(tmp_path: Path) -> None:
    paths = write_seed_results(tmp_path / "extracted")
    (tmp_path / "extracted" / "_manifest.json").write_text('{"runs": []}', encoding="utf-8")
    index = write_reports([tmp_path / "extracted"], tmp_path / "report", gold_dir=GOLD)
    assert index == tmp_path / "report" / "index.html"
    page = index.read_text(encoding="utf-8")
    links = re.findall(r'<a href="([^"]+)">', page)
    assert sorted(links) == sorted(f"{d}.html" for d in SEED_IDS)
    assert all((index.parent / link).is_file() for link in links)
    assert "F1 <b>" in page and "no gold" not in page
    for path in paths:
        result = DocumentResult.model_validate_json(path.read_text(encoding="utf-8"))
        row = re.search(rf">{result.doc_id}</a></td>.*?</tr>", page)
        assert row is not None
        assert f'<td class="num">{len(result.records)}</td>' in row.group(0)


def test_report_without_gold_has_no_gold_section(tmp_path: Path) -> None:
    result, text = seed_result(SEED_IDS[0])
    path = write_result(result, text, tmp_path / "extracted")
    summary = write_report(path, tmp_path / "report", gold_dir=tmp_path / "nowhere")
    assert summary is not None and summary.scores is None
    page = summary.path.read_text(encoding="utf-8")
    assert 'id="gold"' not in page and 'id="summary"' in page
    index = write_reports([path], tmp_path / "report", gold_dir=None)
    assert "no gold" in index.read_text(encoding="utf-8")


def test_report_missing_text_is_a_one_line_error(tmp_path: Path) -> None:
    result, text = seed_result(SEED_IDS[0])
    path = write_result(result, text, tmp_path)
    path.with_suffix(".txt").unlink()
    with pytest.raises(TrialexError) as info:
        write_report(path, tmp_path / "report")
    assert "\n" not in str(info.value) and path.with_suffix(".txt").name in str(info.value)


def test_report_cli_writes_pages_and_reports_broken_results(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from trialex.cli import app

    paths = write_seed_results(tmp_path / "extracted")
    paths[0].with_suffix(".txt").unlink()  # one broken pair: the others are still reported
    out = tmp_path / "report"
    result = CliRunner().invoke(app, ["report", *map(str, paths), "--out", str(out)])
    assert result.exit_code == 1
    assert result.stdout.strip() == str(out / "index.html")
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and paths[0].with_suffix(".txt").name in errors[0]
    assert sorted(p.name for p in out.glob("*.html")) == sorted(
        ["index.html", *(f"{p.stem}.html" for p in paths[1:])]
    )
    missing_gold = CliRunner().invoke(app, ["report", str(paths[1]), "--gold", str(tmp_path / "x")])
    assert missing_gold.exit_code == 2 and "gold folder not found" in missing_gold.stderr


def test_report_changed_only_renders_just_the_pages_whose_inputs_changed(tmp_path: Path) -> None:
    import os
    import shutil

    extracted = tmp_path / "extracted"
    write_seed_results(extracted)
    out = tmp_path / "report"
    write_reports([extracted], out, gold_dir=GOLD, changed_only=True)
    pages = sorted(out.glob("0*.html"))
    assert len(pages) == len(SEED_IDS)
    old = {p.name: p.stat().st_mtime_ns for p in pages}
    for page in pages:  # mark every page as written long ago, yet after its inputs
        os.utime(page, ns=(old[page.name], old[page.name]))
    touched = extracted / f"{SEED_IDS[0]}.json"
    later = max(old.values()) + 10**9
    os.utime(touched, ns=(later, later))
    shutil.copy(out / "index.html", tmp_path / "index-before.html")
    write_reports([extracted], out, gold_dir=GOLD, changed_only=True)
    new = {p.name: p.stat().st_mtime_ns for p in sorted(out.glob("0*.html"))}
    changed = sorted(name for name in new if new[name] != old[name])
    assert changed == [f"{SEED_IDS[0]}.html"]
    assert (out / "index.html").read_text() == (tmp_path / "index-before.html").read_text()
