"""The reviewer's loop without a browser: decisions, undo, reconcile after a re-extraction, gold
export (validated as the evaluator reads gold), review diff, the server's token and document
checks, and a review file that survives kill -9 during saves."""

from __future__ import annotations

import http.client
import json
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from trialex.cli import app as cli_app
from trialex.evaluate import evaluate, load_gold
from trialex.io import write_result
from trialex.records import DocumentResult, Record, Section, Span
from trialex.review import (
    Decision,
    ReviewError,
    ReviewFile,
    apply_decision,
    diff_reviews,
    export_gold,
    load_review,
    reconcile,
    review_path,
    review_state,
    save_review,
    section_anchors,
    selection_span,
    undo,
    validate_gold,
)
from trialex.review_server import ReviewApp, make_server

TEXT = (
    "Results\n"
    "The overall response rate was 64% (29 of 45). Median overall survival was 8.5 months.\n"
    "Grade 3 neutropenia occurred in 12 patients. The 1-year relapse rate was 20%.\n"
)
runner = CliRunner()


def _record(text: str, phrase: str, **fields: object) -> Record:
    start = text.index(phrase)
    base: dict[str, object] = {"endpoint": "ORR", "statistic": "proportion", "value": 64.0}
    base.update(fields)
    return Record(
        **base,  # type: ignore[arg-type]
        span=Span(start=start, end=start + len(phrase)),
        text=phrase,
        extractor="test",
        section="results",
    )


def _result(text: str = TEXT, *, drop_os: bool = False, os_value: float = 8.5) -> DocumentResult:
    records = [
        _record(text, "overall response rate was 64%", unit="%", n=29, N=45),
        _record(
            text,
            "Median overall survival was 8.5 months",
            endpoint="OS",
            statistic="median",
            value=os_value,
            unit="months",
        ),
        _record(text, "1-year relapse rate was 20%", endpoint="relapse", value=20.0),
    ]
    if drop_os:
        del records[1]
    return DocumentResult(
        doc_id="doc1",
        source="doc1.txt",
        sha256="0" * 64,
        pipeline_version="test",
        languages=["en"],
        sections=[
            Section(kind="other", language="en", start=0, end=8),
            Section(kind="results", language="en", start=8, end=len(text)),
        ],
        records=records,
    )


def _four_decisions(result: DocumentResult, text: str = TEXT) -> ReviewFile:
    review = ReviewFile(doc_id=result.doc_id)
    review = apply_decision(result, text, review, "accept", mark_id="r0", reviewer="ann")
    review = apply_decision(
        result, text, review, "edit", mark_id="r1", changes={"value": "8.6"}, reviewer="ann"
    )
    review = apply_decision(result, text, review, "reject", mark_id="r2", reviewer="ann")
    start = text.index("12 patients")
    changes = {"endpoint": "adverse_events", "statistic": "count", "value": "12", "label": "g3"}
    return apply_decision(
        result,
        text,
        review,
        "add",
        span=(start, start + len("12 patients")),
        changes=changes,
        reviewer="ann",
    )


# ---- decisions -------------------------------------------------------------------------------


def test_review_decisions_give_each_record_its_state() -> None:
    result = _result()
    review = _four_decisions(result)
    assert [d.action for d in review.decisions] == ["accept", "edit", "reject", "add"]
    state = review_state(result, TEXT, review)
    by_id = {s.id: s for s in state.records}
    assert by_id["r0"].status == "accept" and by_id["r0"].current == result.records[0]
    assert by_id["r1"].status == "edit" and by_id["r1"].current.value == 8.6
    assert by_id["r1"].current.span == result.records[1].span  # an edit keeps the span
    assert by_id["r2"].status == "reject" and by_id["r2"].current is None
    added = by_id["a0"].current
    assert added.text == "12 patients" == TEXT[added.span.start : added.span.end]
    assert (added.section, added.language, added.label) == ("results", "en", "g3")
    edit = review.decisions[1]
    assert edit.before.value == 8.5 and edit.after.value == 8.6 and edit.reviewer == "ann"
    assert edit.pipeline_version == "test" and edit.at.endswith("Z")


def test_review_undo_removes_the_last_decision() -> None:
    result = _result()
    review = _four_decisions(result)
    once = undo(review)
    assert [d.action for d in once.decisions] == ["accept", "edit", "reject"]
    state = review_state(result, TEXT, undo(undo(once)))
    assert [s.status for s in state.records] == ["accept", "pending", "pending"]
    assert undo(ReviewFile(doc_id="doc1")).decisions == []


def test_review_rejects_bad_edits_and_selections() -> None:
    result = _result()
    empty = ReviewFile(doc_id="doc1")
    with pytest.raises(ReviewError, match="n"):
        apply_decision(result, TEXT, empty, "edit", mark_id="r0", changes={"n": "x"}, reviewer="a")
    with pytest.raises(ReviewError, match="endpoint"):
        apply_decision(
            result, TEXT, empty, "edit", mark_id="r0", changes={"endpoint": "XX"}, reviewer="a"
        )
    with pytest.raises(ReviewError, match="not editable"):
        apply_decision(
            result, TEXT, empty, "edit", mark_id="r0", changes={"span": "1"}, reviewer="a"
        )
    with pytest.raises(ReviewError, match="no record"):
        apply_decision(result, TEXT, empty, "accept", mark_id="r9", reviewer="a")
    with pytest.raises(ReviewError, match="inside the text"):
        apply_decision(
            result, TEXT, empty, "add", span=(5, 10_000), changes={"value": 1}, reviewer="a"
        )


def test_review_timepoint_and_numbers_parse_from_the_form() -> None:
    result = _result()
    review = apply_decision(
        result,
        TEXT,
        ReviewFile(doc_id="doc1"),
        "edit",
        mark_id="r2",
        changes={"statistic": "rate", "timepoint": "1 years", "ci_low": "10", "p_op": ""},
        reviewer="a",
    )
    after = review.decisions[0].after
    assert after.timepoint.value == 1 and after.timepoint.unit == "years"
    assert after.ci_low == 10.0 and after.p_op is None


def test_review_selection_offsets_count_a_crlf_as_one_character() -> None:
    text = "Intro\r\nThe ORR was 64%.\r\nOS was 8 months."
    # the browser sees "Intro\nThe ORR was 64%.\nOS ..." (CR LF read as LF)
    browser = text.replace("\r\n", "\n")
    at = browser.index("OS was 8")
    span = selection_span(text, 0, at, at + len("OS was 8"), "OS was 8")
    assert text[span.start : span.end] == "OS was 8"
    with pytest.raises(ReviewError, match="does not match"):
        selection_span(text, 0, at, at + 8, "ORR was ")


# ---- files and reconcile -----------------------------------------------------------------------


def test_review_file_round_trips(tmp_path: Path) -> None:
    result = _result()
    review = _four_decisions(result)
    path = review_path(tmp_path, "doc1")
    save_review(path, review)
    assert path.name == "doc1.review.json"
    assert load_review(path, "doc1") == review
    assert load_review(tmp_path / "missing.review.json", "doc1").decisions == []
    with pytest.raises(Exception, match="review of"):
        load_review(path, "other")


def test_reconcile_keeps_matching_reviews_and_flags_the_rest() -> None:
    review = _four_decisions(_result())
    # Re-extraction: the OS value is now read as 8.0 (its span is the same, the value is not),
    # the relapse record is unchanged.
    again = _result(os_value=8.0)
    flagged = reconcile(again, TEXT, review)
    assert [d.stale for d in flagged.decisions] == [False, True, False, False]
    state = review_state(again, TEXT, flagged)
    assert [s.status for s in state.records] == ["accept", "pending", "reject", "add"]
    assert [d.action for d in state.stale] == ["edit"]
    # the record disappears altogether: stale too; it comes back: the review applies again
    assert reconcile(_result(drop_os=True), TEXT, review).decisions[1].stale
    assert not any(d.stale for d in reconcile(_result(), TEXT, flagged).decisions)


def test_reconcile_flags_an_added_record_whose_text_changed() -> None:
    review = _four_decisions(_result())
    changed = TEXT.replace("12 patients", "14 patients")
    flagged = reconcile(_result(changed), changed, review)
    assert [d.stale for d in flagged.decisions] == [False, False, False, True]


# ---- gold export -------------------------------------------------------------------------------


def _reviewed_folder(tmp_path: Path) -> Path:
    out = tmp_path / "extracted"
    result = _result()
    write_result(result, TEXT, out)
    save_review(review_path(out, "doc1"), _four_decisions(result))
    return out


def test_gold_export_writes_valid_gold_that_eval_scores(tmp_path: Path) -> None:
    out = _reviewed_folder(tmp_path)
    gold_dir = tmp_path / "gold"
    [written] = export_gold(out, gold_dir)
    assert written.records == 3 and written.unreviewed == 0
    assert validate_gold(written.path, TEXT) == []
    gold = load_gold(written.path)
    assert [(g.endpoint, g.value) for g in gold.records] == [
        ("ORR", 64.0),
        ("OS", 8.6),
        ("adverse_events", 12.0),
    ]  # the rejected relapse record is left out; in text order
    assert [g.evidence for g in gold.records][2] == "12 patients"
    assert [(a.kind, a.anchor) for a in gold.sections][1][0] == "results"
    evaluation = evaluate(out, gold_dir, raw_dirs=[])
    assert evaluation.overall()["tp"] == 1  # ORR accepted as extracted
    assert evaluation.overall()["fn"] == 2  # the corrected OS value and the added record
    assert evaluation.documents[0].anchors_correct == evaluation.documents[0].anchors_total == 2


def test_gold_export_never_replaces_hand_made_gold(tmp_path: Path) -> None:
    out = _reviewed_folder(tmp_path)
    gold_dir = tmp_path / "gold"
    gold_dir.mkdir()
    hand = gold_dir / "doc1.gold.json"
    hand.write_text('{"doc_id": "doc1", "records": []}', encoding="utf-8")
    with pytest.raises(Exception, match="hand-made"):
        export_gold(out, gold_dir)
    assert json.loads(hand.read_text(encoding="utf-8"))["records"] == []
    export_gold(out, gold_dir, overwrite=True)
    export_gold(out, gold_dir)  # an exported file may be exported again
    export_gold(out, gold_dir, raw_dir=tmp_path / "raw")  # the text goes beside the seeds
    assert (tmp_path / "raw" / "doc1.txt").read_text(encoding="utf-8") == TEXT
    (tmp_path / "raw" / "doc1.txt").write_text("another text", encoding="utf-8")
    with pytest.raises(Exception, match="different text"):
        export_gold(out, gold_dir, raw_dir=tmp_path / "raw")
    assert len(load_gold(hand).records) == 3


def test_validate_gold_reports_evidence_missing_from_the_source(tmp_path: Path) -> None:
    path = tmp_path / "x.gold.json"
    record = {"endpoint": "ORR", "statistic": "proportion", "value": 5, "evidence": "not there"}
    path.write_text(json.dumps({"doc_id": "x", "records": [record]}), encoding="utf-8")
    assert any("evidence not in the source" in p for p in validate_gold(path, TEXT))
    record.update(endpoint="NOPE", evidence="64%")
    path.write_text(json.dumps({"doc_id": "x", "records": [record]}), encoding="utf-8")
    assert validate_gold(path, TEXT) and "evidence" not in validate_gold(path, TEXT)[0]


def test_section_anchors_land_in_their_section() -> None:
    text = "Abstract\nResponse 64%.\n\nResponse 64%. More text here."
    sections = [
        Section(kind="abstract", language="en", start=0, end=23),
        Section(kind="results", language="en", start=23, end=len(text)),
    ]
    anchors = section_anchors(text, sections)
    assert [a["kind"] for a in anchors] == ["abstract", "results"]
    cursor = 0
    for anchor, section in zip(anchors, sections, strict=True):
        pos = text.find(anchor["anchor"], cursor)
        assert section.start <= pos < section.end
        cursor = pos + 1


def test_cli_gold_export_and_eval(tmp_path: Path) -> None:
    out = _reviewed_folder(tmp_path)
    gold_dir = tmp_path / "gold"
    done = runner.invoke(cli_app, ["gold", "export", str(out), "--to", str(gold_dir)])
    assert done.exit_code == 0, done.output
    assert "3 records" in done.output
    scored = runner.invoke(cli_app, ["eval", "--pred", str(out), "--gold", str(gold_dir), "--json"])
    assert scored.exit_code == 0, scored.output
    nothing = runner.invoke(cli_app, ["gold", "export", str(tmp_path / "gold"), "--to", "x"])
    assert nothing.exit_code == 1


# ---- diff --------------------------------------------------------------------------------------


def test_review_diff_gives_agreement_and_the_differing_records(tmp_path: Path) -> None:
    result = _result()
    a = _four_decisions(result)
    b = ReviewFile(doc_id="doc1")
    b = apply_decision(result, TEXT, b, "accept", mark_id="r0", reviewer="bob")
    b = apply_decision(
        result, TEXT, b, "edit", mark_id="r1", changes={"value": "8.6"}, reviewer="bob"
    )
    b = apply_decision(result, TEXT, b, "accept", mark_id="r2", reviewer="bob")
    diff = diff_reviews(a, b)
    assert (diff.compared, diff.agreed) == (4, 2)
    assert diff.agreement == 0.5
    kinds = sorted(
        (
            d["a"] if isinstance(d["a"], str) else "kept",
            d["b"] if isinstance(d["b"], str) else "kept",
        )
        for d in diff.differences
    )
    assert kinds == [("kept", "unreviewed"), ("rejected", "kept")]  # the added one; relapse
    assert diff_reviews(a, a).agreement == 1.0
    pa, pb = tmp_path / "a.review.json", tmp_path / "b.review.json"
    save_review(pa, a)
    save_review(pb, b)
    shown = runner.invoke(cli_app, ["review", "diff", str(pa), str(pb)])
    assert shown.exit_code == 1 and "2 of 4 records agree (50.0%)" in shown.output
    same = runner.invoke(cli_app, ["review", "diff", str(pa), str(pa), "--json"])
    assert same.exit_code == 0 and json.loads(same.output)["agreement"] == 1.0


# ---- server ------------------------------------------------------------------------------------


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[ReviewApp, int, Path]]:
    out = tmp_path / "extracted"
    write_result(_result(), TEXT, out)
    (tmp_path / "secret.json").write_text('{"doc_id": "secret", "records": []}', "utf-8")
    (tmp_path / "secret.txt").write_text("secret", "utf-8")
    review_app = ReviewApp(out_dir=out, reviewer="ann")
    httpd = make_server(review_app, "127.0.0.1", 0)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield review_app, httpd.server_address[1], out
    finally:
        httpd.shutdown()
        httpd.server_close()


def _request(
    port: int,
    path: str,
    *,
    method: str = "GET",
    body: dict[str, object] | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, bytes, dict[str, str]]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    data = json.dumps(body).encode() if body is not None else None
    conn.request(method, path, body=data, headers=headers or {})
    response = conn.getresponse()
    answer = response.status, response.read(), dict(response.getheaders())
    conn.close()
    return answer


def test_review_server_refuses_requests_without_the_token(server) -> None:  # type: ignore[no-untyped-def]
    app, port, out = server
    for path in ("/", "/doc/doc1", "/api/doc/doc1", "/doc/doc1?token=", "/doc/doc1?token=x"):
        assert _request(port, path)[0] == 403, path
    status, _, _ = _request(
        port, "/api/doc/doc1/decide", method="POST", body={"action": "accept", "mark": "r0"}
    )
    assert status == 403
    assert not review_path(out, "doc1").exists()  # nothing written
    status, body, headers = _request(port, f"/doc/doc1?token={app.token}")
    assert status == 200 and b"overall response rate" in body
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    assert headers["Referrer-Policy"] == "no-referrer"
    assert _request(port, "/api/doc/doc1", headers={"X-Trialex-Token": app.token})[0] == 200
    # DNS rebinding: a page of another name that reaches the port is refused
    wrong_host = {"Host": f"evil.example:{port}", "X-Trialex-Token": app.token}
    assert _request(port, "/api/doc/doc1", headers=wrong_host)[0] == 403


def test_review_server_serves_only_documents_of_the_folder(server) -> None:  # type: ignore[no-untyped-def]
    app, port, out = server
    q = f"?token={app.token}"
    for name in ("secret", "..%2Fsecret", "%2e%2e%2fsecret", "doc1.txt", "doc1.review", "/etc"):
        assert _request(port, f"/doc/{name}{q}")[0] == 404, name
        assert _request(port, f"/api/doc/{name}{q}")[0] == 404, name
    assert _request(port, f"/doc/../secret{q}")[0] == 404
    assert _request(port, f"/../../etc/passwd{q}")[0] == 404
    status, _, _ = _request(
        port, f"/api/doc/..%2Fsecret/decide{q}", method="POST", body={"action": "accept"}
    )
    assert status == 404
    assert not (out.parent / "secret.review.json").exists()


def test_review_server_saves_each_decision_and_undoes(server) -> None:  # type: ignore[no-untyped-def]
    app, port, out = server
    q = f"?token={app.token}"
    accept = {"action": "accept", "mark": "r0"}
    status, body, _ = _request(port, f"/api/doc/doc1/decide{q}", method="POST", body=accept)
    assert status == 200 and json.loads(body)["records"][0]["status"] == "accept"
    assert [d.action for d in load_review(review_path(out, "doc1"), "doc1").decisions] == ["accept"]
    at = TEXT.index("12 patients")
    add = {
        "action": "add",
        "selection": {"section_start": 8, "from": at - 8, "to": at - 6, "text": "12"},
        "changes": {"endpoint": "adverse_events", "statistic": "count", "value": "12"},
    }
    status, body, _ = _request(port, f"/api/doc/doc1/decide{q}", method="POST", body=add)
    assert status == 200 and json.loads(body)["focus"] == "a0"
    bad = {"action": "edit", "mark": "r1", "changes": {"n": "many"}}
    status, body, _ = _request(port, f"/api/doc/doc1/decide{q}", method="POST", body=bad)
    assert status == 400 and "not a number" in json.loads(body)["error"]
    assert _request(port, f"/api/doc/doc1/undo{q}", method="POST", body={})[0] == 200
    kept = load_review(review_path(out, "doc1"), "doc1").decisions
    assert [d.action for d in kept] == ["accept"]
    assert app.reviewer == kept[0].reviewer


# ---- kill -9 -----------------------------------------------------------------------------------


SAVER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from trialex.review import Decision, ReviewFile, save_review
    path = Path(sys.argv[1])
    decisions = []
    k = 0
    while True:
        k += 1
        decisions.append(Decision(action="reject", reviewer="x" * (k % 50), at=str(k),
                                  pipeline_version="test"))
        save_review(path, ReviewFile(doc_id="doc1", decisions=decisions[-400:]))
        if k == 3:
            print("saving", flush=True)
    """
)


def test_review_file_survives_kill_9_during_saves(tmp_path: Path) -> None:
    path = tmp_path / "doc1.review.json"
    for attempt in range(4):
        child = subprocess.Popen(
            [sys.executable, "-c", SAVER, str(path)], stdout=subprocess.PIPE, text=True
        )
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "saving"  # the save loop is running
        time.sleep(0.05 * attempt)  # a different point of the loop each time (no timing assert)
        child.send_signal(signal.SIGKILL)
        child.wait()
        assert child.returncode == -signal.SIGKILL
        review = load_review(path, "doc1")  # parses: the old file or the new one, never half
        assert review.decisions and isinstance(review.decisions[0], Decision)
    leftovers = [p.name for p in tmp_path.iterdir() if p.name != path.name]
    assert all(name.endswith(".tmp") for name in leftovers)  # at most the killed save's temp


def test_review_page_shows_stale_reviews_and_status() -> None:
    from trialex.review_page import render_review_page

    review = reconcile(_result(os_value=8.0), TEXT, _four_decisions(_result()))
    state = review_state(_result(os_value=8.0), TEXT, review)
    page = render_review_page(_result(os_value=8.0), TEXT, state, reviewer="ann", doc_key="doc1")
    assert 'id="stale"' in page and "Stale reviews" in page and "8.5" in page
    assert "rv-accept" in page and "rv-reject" in page and "rv-add" in page
    assert "connect-src 'self'" in page and "<link" not in page and "src=" not in page
