"""`trialex review` in a real headless Chromium (DevTools protocol, the helpers of
test_report_browser.py): on a copy of a seed's extracted output, accept one record, edit
another's value, reject a third and add a missed one by selecting text with the mouse; the
review file then holds exactly those four decisions, `trialex gold export` turns it into a gold
file and `trialex eval` scores it. Screenshots of the review page go to the test's tmp path.

CI needs Debian's browser: ``apt-get update && apt-get install -y chromium``.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from _report_seeds import SEED_IDS
from test_report_browser import Page, page  # noqa: F401  (the Chromium fixture)
from trialex.evaluate import load_gold
from trialex.review import load_review, review_path, validate_gold

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
DOC = SEED_IDS[0]
CLI = [sys.executable, "-m", "trialex.cli"]
NEW_VALUE = "77.7"


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=300, cwd=ROOT)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("review") / "extracted"
    done = _cli("extract", str(ROOT / "raw" / f"{DOC}.txt"), "--out", str(out), "--quiet")
    assert done.returncode == 0, done.stderr
    return out


@pytest.fixture(scope="module")
def app_url(extracted: Path) -> Iterator[str]:
    process = subprocess.Popen(
        [*CLI, "review", str(extracted), "--reviewer", "tester"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        cwd=ROOT,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        found = re.search(r"(http://127\.0\.0\.1:\d+/)\?token=(\S+)", line)
        assert found, line
        yield found.group(0)
    finally:
        process.terminate()
        process.wait(timeout=30)


def _key(tab: Page, key: str) -> None:
    code = "Enter" if key == "Enter" else f"Key{key.upper()}"
    vk = 13 if key == "Enter" else ord(key.upper())
    text = "\r" if key == "Enter" else key
    tab.call(
        "Input.dispatchKeyEvent",
        type="keyDown",
        key=key,
        code=code,
        text=text,
        windowsVirtualKeyCode=vk,
    )
    tab.call("Input.dispatchKeyEvent", type="keyUp", key=key, code=code, windowsVirtualKeyCode=vk)


def _reloaded(tab: Page, action: object) -> None:
    """Run ``action`` (a decision: the tab saves, then reloads) and wait for the new tab."""
    tab.events.clear()
    action()  # type: ignore[operator]
    tab.wait_event("Page.loadEventFired")
    assert tab.js("document.body.dataset.ready") == "1"


def _review_file(extracted: Path) -> list[dict[str, object]]:
    path = review_path(extracted, DOC)
    return [d.model_dump(mode="json") for d in load_review(path, DOC).decisions]


def _drag_select(tab: Page) -> str:
    """Select, with the mouse, a stretch of unhighlighted text holding a number; returns it."""
    box = tab.js(
        r"""(() => {
        const walker = document.createTreeWalker(
          document.querySelector('#text'), NodeFilter.SHOW_TEXT);
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
          if (!n.parentNode.classList.contains('text')) continue;  // outside every record
          const m = /[A-Za-z]+ \d+ [A-Za-z]+/.exec(n.data);
          if (!m) continue;
          const r = document.createRange();
          r.setStart(n, m.index); r.setEnd(n, m.index + 1);
          n.parentNode.closest('.doc-section').scrollIntoView({block: 'center'});
          const first = r.getClientRects()[0];
          r.setStart(n, m.index + m[0].length - 1); r.setEnd(n, m.index + m[0].length);
          const last = r.getClientRects()[0];
          if (!first || !last || Math.abs(first.top - last.top) > 2) continue;  // one line
          const a = r.getClientRects()[0];
          return [m[0], first.left + first.width * 0.2, first.top + first.height / 2,
                  last.right - last.width * 0.2, last.top + last.height / 2];
        }
        return null; })()"""
    )
    assert box, "no unhighlighted number in the tab"
    target, x0, y0, x1, y1 = box
    tab.call("Input.dispatchMouseEvent", type="mouseMoved", x=x0, y=y0, button="none")
    tab.call(
        "Input.dispatchMouseEvent", type="mousePressed", x=x0, y=y0, button="left", clickCount=1
    )
    tab.call("Input.dispatchMouseEvent", type="mouseMoved", x=x1, y=y1, button="left", buttons=1)
    tab.call(
        "Input.dispatchMouseEvent", type="mouseReleased", x=x1, y=y1, button="left", clickCount=1
    )
    assert tab.js("window.getSelection().toString()") == target
    return str(target)


def test_review_browser_four_decisions_become_gold(
    page: Page,  # noqa: F811
    app_url: str,
    extracted: Path,
    tmp_path: Path,
) -> None:
    base, token = app_url.split("?token=")
    page.events.clear()
    page.open(app_url)
    assert page.js("document.querySelectorAll('table.index a').length") == 1
    page.open(f"{base}doc/{DOC}?token={token}")
    assert page.js("document.body.dataset.ready") == "1"
    order = page.js("JSON.parse(document.getElementById('trialex-data').textContent).order")
    assert len(order) >= 3
    marks = page.js("JSON.parse(document.getElementById('trialex-data').textContent).marks")
    page.screenshot(tmp_path / "review-start.png")

    # 1. accept the first record: j selects it, a accepts (and moves on)
    _key(page, "j")
    assert page.js("document.querySelector('.rec').dataset.id") == order[0]
    _reloaded(page, lambda: _key(page, "a"))
    assert page.js("document.querySelector('.rec').dataset.id") == order[1]  # moved on
    assert page.js(f"document.querySelector('.hl[data-marks~=\"{order[0]}\"]').className")

    # 2. edit the value of the second: e opens the form, type the value, Enter saves
    _key(page, "e")
    assert page.js("document.activeElement.name") == "value"
    page.call("Input.insertText", text=NEW_VALUE)  # replaces the selected old value
    _reloaded(page, lambda: _key(page, "Enter"))
    assert page.js("document.querySelector('.review-status').textContent") == "edited"

    # 3. reject the third: click its span, press r
    page.click(f'.hl[data-marks~="{order[2]}"]')
    assert page.js("document.querySelector('.rec').dataset.id") == order[2]
    _reloaded(page, lambda: _key(page, "r"))

    # 4. add a missed record: select text with the mouse, press n, fill in, save
    selected = _drag_select(page)
    _key(page, "n")
    assert page.js("document.querySelector('#rv-form .quote + .quote').textContent") == selected
    page.js(
        "(() => { const f = document.getElementById('rv-form');"
        " f.elements.endpoint.value = 'other'; f.elements.statistic.value = 'count';"
        " f.elements.label.value = 'added in the browser test'; })()"
    )
    page.screenshot(tmp_path / "review-add-form.png")
    _reloaded(page, lambda: page.click("#rv-save"))
    assert page.js("document.querySelector('.review-status').textContent") == "added"
    shot = page.screenshot(tmp_path / "review-done.png")
    assert shot.stat().st_size > 10_000
    assert page.errors() == []

    # the review file holds exactly those four decisions
    decisions = _review_file(extracted)
    assert [d["action"] for d in decisions] == ["accept", "edit", "reject", "add"]
    assert {d["reviewer"] for d in decisions} == {"tester"}
    for d, mark_id in zip(decisions[:3], order[:3], strict=True):
        start = d["target"]["span"]["start"]  # type: ignore[index]
        assert start == marks[mark_id]["start"]
    assert decisions[1]["after"]["value"] == float(NEW_VALUE)  # type: ignore[index]
    assert decisions[1]["before"]["value"] != float(NEW_VALUE)  # type: ignore[index]
    assert decisions[2]["after"] is None
    added = decisions[3]["after"]
    text = (extracted / f"{DOC}.txt").read_text(encoding="utf-8")
    span = added["span"]  # type: ignore[index]
    assert text[span["start"] : span["end"]] == selected == added["text"]  # type: ignore[index]

    # corrections become gold, and eval scores against it
    gold_dir = tmp_path / "gold"
    done = _cli("gold", "export", str(extracted), "--to", str(gold_dir))
    assert done.returncode == 0, done.stderr
    gold_path = gold_dir / f"{DOC}.gold.json"
    assert validate_gold(gold_path, text) == []
    gold = load_gold(gold_path)
    assert len(gold.records) == 3  # accepted, edited, added; the rejected one left out
    assert float(NEW_VALUE) in [g.value for g in gold.records]
    assert selected in [g.evidence for g in gold.records]
    scored = _cli("eval", "--pred", str(extracted), "--gold", str(gold_dir), "--json")
    assert scored.returncode == 0, scored.stderr
    overall = json.loads(scored.stdout)["overall"]
    assert overall["tp"] >= 1 and overall["fn"] >= 2  # accepted kept; edit and add missed

    # the report index's evidence table shows the review state; its filters work
    done = _cli(
        "report", str(extracted), "--out", str(tmp_path / "report"), "--gold", str(gold_dir)
    )
    assert done.returncode == 0, done.stderr
    page.events.clear()
    page.open((tmp_path / "report" / "index.html").as_uri())
    assert page.js("document.body.dataset.ready") == "1"
    total = page.js("document.querySelectorAll('table.evidence tbody tr').length")
    assert total >= 3
    reviews = page.js(
        "Array.from(document.querySelectorAll('table.evidence tbody tr'))"
        ".map(r => r.dataset.review)"
    )
    assert "pending" in reviews and len(set(reviews)) >= 2  # reviewed rows are told apart
    reviewed = next(r for r in reviews if r != "pending")
    page.js(
        "(() => { const s = document.querySelector('select[data-filter=review]');"
        f" s.value = {json.dumps(reviewed)}; s.dispatchEvent(new Event('change')); }})()"
    )
    shown = page.js("document.querySelectorAll('table.evidence tbody tr:not([hidden])').length")
    assert shown == reviews.count(reviewed) < total
    page.js(
        "(() => { const s = document.querySelector('select[data-filter=review]');"
        " s.value = ''; s.dispatchEvent(new Event('change'));"
        " document.getElementById('evidence').scrollIntoView(); })()"
    )
    page.screenshot(tmp_path / "evidence-table.png")
    assert page.errors() == []


def test_review_browser_undo_removes_the_last_decision(
    page: Page,  # noqa: F811
    app_url: str,
    extracted: Path,
    tmp_path: Path,
) -> None:
    base, token = app_url.split("?token=")
    before = len(_review_file(extracted))
    page.events.clear()
    page.open(f"{base}doc/{DOC}?token={token}")
    _key(page, "j")
    _reloaded(page, lambda: _key(page, "a"))
    assert len(_review_file(extracted)) == before + 1
    _reloaded(page, lambda: _key(page, "u"))
    assert len(_review_file(extracted)) == before
    assert page.errors() == []
