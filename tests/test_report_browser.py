"""The reports in a real headless Chromium: no console errors, every record drawn, a click on a
highlighted span shows its fields in the side panel. Driven over the DevTools protocol.

CI needs Debian's browser: ``apt-get update && apt-get install -y chromium``.
"""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from _report_seeds import SEED_IDS, write_seed_results
from trialex.report import write_reports

pytestmark = pytest.mark.browser

CHROMIUM = next(
    (p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None
)
if CHROMIUM is None:
    pytest.skip("no chromium binary on PATH (apt-get install -y chromium)", allow_module_level=True)

websockets_sync = pytest.importorskip("websockets.sync.client")

STARTUP_S = 30.0
CALL_S = 30.0
GOLD = Path(__file__).resolve().parents[1] / "fixtures" / "gold"


class Page:
    """A minimal DevTools-protocol client for one page target."""

    def __init__(self, ws_url: str) -> None:
        self.ws = websockets_sync.connect(ws_url, max_size=64 * 2**20, open_timeout=CALL_S)
        self.next_id = 0
        self.events: list[dict[str, Any]] = []

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        self.next_id += 1
        call_id = self.next_id
        self.ws.send(json.dumps({"id": call_id, "method": method, "params": params}))
        deadline = time.monotonic() + CALL_S
        while time.monotonic() < deadline:
            message = json.loads(self.ws.recv(timeout=CALL_S))
            if message.get("id") == call_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            if "method" in message:
                self.events.append(message)
        raise TimeoutError(method)

    def wait_event(self, name: str) -> dict[str, Any]:
        deadline = time.monotonic() + CALL_S
        while time.monotonic() < deadline:
            for event in self.events:
                if event["method"] == name:
                    self.events.remove(event)
                    return event
            message = json.loads(self.ws.recv(timeout=CALL_S))
            if "method" in message:
                self.events.append(message)
        raise TimeoutError(name)

    def js(self, expression: str) -> Any:
        result = self.call(
            "Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True
        )
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def open(self, url: str) -> None:
        self.call("Page.navigate", url=url)
        self.wait_event("Page.loadEventFired")

    def errors(self) -> list[str]:
        """Console errors, uncaught exceptions and failed/blocked loads seen so far."""
        self.js("0")  # drain pending events
        found = []
        for event in self.events:
            method, params = event["method"], event.get("params", {})
            if method == "Runtime.exceptionThrown":
                found.append(json.dumps(params["exceptionDetails"])[:300])
            elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                found.append(json.dumps(params.get("args"))[:300])
            elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
                found.append(params["entry"]["text"])
        return found

    def click(self, selector: str, *, hover_only: bool = False) -> None:
        box = self.js(
            f"(() => {{ const n = document.querySelector({json.dumps(selector)});"
            " n.scrollIntoView({block: 'center'}); const r = n.getClientRects()[0];"
            " return [r.left + r.width / 2, r.top + r.height / 2]; })()"
        )
        kinds = ("mouseMoved",) if hover_only else ("mouseMoved", "mousePressed", "mouseReleased")
        for kind in kinds:
            self.call(
                "Input.dispatchMouseEvent",
                type=kind,
                x=box[0],
                y=box[1],
                button="left" if kind != "mouseMoved" else "none",
                clickCount=1,
            )

    def screenshot(self, path: Path) -> Path:
        data = self.call("Page.captureScreenshot", format="png")["data"]
        path.write_bytes(base64.b64decode(data))
        return path


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("browser")
    paths = write_seed_results(root / "extracted")
    index = write_reports(paths, root / "report", gold_dir=GOLD)
    return index.parent


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Page]:
    profile = tmp_path_factory.mktemp("chromium-profile")
    process = subprocess.Popen(
        [
            str(CHROMIUM),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--window-size=1400,1000",
            f"--user-data-dir={profile}",
            "--remote-debugging-port=0",
            "about:blank",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + STARTUP_S
        while not (port_file.is_file() and port_file.read_text().strip()):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"chromium did not start (exit {process.poll()})")
            time.sleep(0.1)
        port = int(port_file.read_text().split()[0])
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=CALL_S) as r:
            targets = json.load(r)
        ws_url = next(t["webSocketDebuggerUrl"] for t in targets if t["type"] == "page")
        client = Page(ws_url)
        for domain in ("Page", "Runtime", "Log"):
            client.call(f"{domain}.enable")
        yield client
        client.ws.close()
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def _fresh(page: Page, url: str) -> None:
    page.events.clear()
    page.open(url)


@pytest.mark.parametrize("doc_id", SEED_IDS)
def test_report_browser_seed_renders_without_errors(page: Page, reports: Path, doc_id: str) -> None:
    _fresh(page, (reports / f"{doc_id}.html").as_uri())
    assert page.js("document.body.dataset.ready") == "1"
    assert page.errors() == []
    drawn = page.js(
        "(() => { const d = JSON.parse(document.getElementById('trialex-data').textContent);"
        " const ids = Object.keys(d.marks).filter(k => d.marks[k].kind === 'record');"
        " return [ids.length, ids.filter(k => document.querySelector("
        "'.hl[data-marks~=\"' + k + '\"]')).length,"
        " document.querySelectorAll('#summary a[data-goto]').length]; })()"
    )
    records, highlighted, summary_links = drawn
    assert records > 0
    assert highlighted == records  # every record has a highlighted span
    assert summary_links == records  # every mention is linked from the summary table


def test_report_browser_click_shows_fields(page: Page, reports: Path, tmp_path: Path) -> None:
    doc_id = SEED_IDS[0]
    _fresh(page, (reports / f"{doc_id}.html").as_uri())
    page.click('.hl[data-marks~="r3"]')
    panel = page.js("document.getElementById('panel-body').innerText")
    expected = page.js(
        "JSON.parse(document.getElementById('trialex-data').textContent).marks.r3.fields"
        ".map(f => f[1])"
    )
    for value in expected:
        assert str(value).split("\n")[0] in panel
    assert page.js("document.querySelectorAll('.hl.sel').length") >= 1
    shot = page.screenshot(tmp_path / f"{doc_id}.png")
    assert shot.stat().st_size > 10_000
    assert page.errors() == []


def test_report_browser_hover_previews_then_restores(page: Page, reports: Path) -> None:
    _fresh(page, (reports / f"{SEED_IDS[2]}.html").as_uri())
    hint = page.js("document.getElementById('panel-body').innerText")
    page.click('.hl[data-marks~="r2"]', hover_only=True)
    title = page.js(
        "JSON.parse(document.getElementById('trialex-data').textContent).marks.r2.title"
    )
    assert title in page.js("document.getElementById('panel-body').innerText")
    assert page.js("document.querySelectorAll('.hl.sel').length") == 0  # hover does not pin
    page.click("header.top h1", hover_only=True)
    assert page.js("document.getElementById('panel-body').innerText") == hint
    assert page.errors() == []


def test_report_browser_summary_link_selects_mention(page: Page, reports: Path) -> None:
    _fresh(page, (reports / f"{SEED_IDS[1]}.html").as_uri())
    page.click("#summary a[data-goto]")
    target = page.js("document.querySelector('#summary a[data-goto]').dataset.goto")
    selected = page.js("Array.from(document.querySelectorAll('.hl.sel')).map(n => n.dataset.marks)")
    assert selected and all(target in marks.split() for marks in selected)
    assert page.errors() == []


def test_report_browser_index_links_every_report(page: Page, reports: Path) -> None:
    _fresh(page, (reports / "index.html").as_uri())
    hrefs = page.js("Array.from(document.querySelectorAll('table.index a')).map(a => a.href)")
    assert sorted(Path(h).name for h in hrefs) == sorted(f"{d}.html" for d in SEED_IDS)
    assert page.errors() == []
