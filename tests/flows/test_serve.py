"""`trialex serve`: a schedule that really runs, on a Prefect server trialex starts and stops."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from flows import server

ROOT = Path(__file__).resolve().parents[2]


def test_serve_local_server_that_exits_is_a_one_line_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        server, "server_command", lambda host, port: [sys.executable, "-c", "raise SystemExit(3)"]
    )
    with (
        pytest.raises(server.ServerError, match=r"exited with code 3") as raised,
        server.local_server(timeout=30, log=tmp_path / "log"),
    ):
        pass
    assert "\n" not in str(raised.value)


def test_serve_local_server_that_never_answers_times_out_with_advice(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(
        server,
        "server_command",
        lambda host, port: [sys.executable, "-c", "import time; time.sleep(60)"],
    )
    with (
        pytest.raises(server.ServerError, match=r"did not answer within 1 s.*PREFECT_API_URL"),
        server.local_server(timeout=1),
    ):
        pass
    assert "PREFECT_API_URL" not in os.environ


def test_serve_run_retries_a_startup_timeout_once_then_fails_in_one_line() -> None:
    from flows.corpus import _retry_startup

    calls: list[int] = []

    def flaky() -> dict[str, int]:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError(
                "Timed out while attempting to connect to ephemeral Prefect API server."
            )
        return {"ok": 1}

    assert _retry_startup(flaky) == {"ok": 1}
    assert len(calls) == 2

    def always() -> dict[str, int]:
        raise RuntimeError("Timed out while attempting to connect to ephemeral Prefect API server.")

    with pytest.raises(server.ServerError, match="did not start") as raised:
        _retry_startup(always)
    assert "\n" not in str(raised.value)

    def other() -> dict[str, int]:
        raise RuntimeError("something else")

    with pytest.raises(RuntimeError, match="something else"):
        _retry_startup(other)


@pytest.mark.slow
@pytest.mark.flow
def test_serve_schedules_a_run_within_two_minutes_and_stops_cleanly(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    seed = sorted((ROOT / "raw").glob("*.txt"))[0]
    (inputs / seed.name).write_text(seed.read_text("utf-8"), "utf-8")
    out = tmp_path / "out"
    env = {
        **os.environ,
        "PREFECT_HOME": str(tmp_path / "prefect-home"),
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
    }
    env.pop("PREFECT_API_URL", None)
    command = [
        sys.executable,
        "-c",
        "import sys; from trialex.cli import main; sys.argv[0] = 'trialex'; sys.exit(main())",
        "serve",
        str(inputs),
        "--out",
        str(out),
        "--cron",
        "* * * * *",
    ]
    log = (tmp_path / "serve.log").open("wb")
    process = subprocess.Popen(command, env=env, cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 150
        while time.monotonic() < deadline and not (out / "_summary.json").exists():
            assert process.poll() is None, (tmp_path / "serve.log").read_text()
            time.sleep(2)
        assert (out / "_summary.json").exists(), (tmp_path / "serve.log").read_text()[-3000:]
        summary = json.loads((out / "_summary.json").read_text("utf-8"))
        assert summary["counts"]["new"] == 1
        assert (out / f"{seed.stem}.json").exists()
        text = (tmp_path / "serve.log").read_text(errors="replace")
        url = text.split("http://127.0.0.1:", 1)[1].split("/", 1)[0]
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            # a scheduled flow run in progress is finished first (its process imports the
            # pipeline: slow on a loaded machine)
            process.wait(timeout=180)
        except subprocess.TimeoutExpired:
            process.kill()
            raise
        log.close()
    # the server trialex started is gone with it
    with pytest.raises(httpx.HTTPError):
        httpx.get(f"http://127.0.0.1:{url}/api/health", timeout=2)
