"""A local Prefect server managed by trialex, for schedules that really run.

Prefect's temporary (ephemeral) API answers flow runs but runs no scheduler, so a deployment
served against it never gets a scheduled run. :func:`local_server` starts a real
``prefect server start`` (API and services, no UI) as a child process on a free port of
127.0.0.1, waits until it answers ``/api/health``, points this process (and every flow-run
process it starts) at it, and stops it on the way out, whatever ends the block.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

logger = logging.getLogger(__name__)

DEFAULT_STARTUP_TIMEOUT_S = 120.0
HEALTH_POLL_S = 0.5


class ServerError(RuntimeError):
    """The local Prefect server could not be started (the message is one line)."""


def free_port(host: str = "127.0.0.1") -> int:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def server_command(host: str, port: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "prefect",
        "server",
        "start",
        "--host",
        host,
        "--port",
        str(port),
        "--no-ui",
        "--analytics-off",
        "--log-level",
        "WARNING",
    ]


def wait_healthy(
    url: str, process: subprocess.Popen[bytes], timeout: float, log: Path | None = None
) -> None:
    """Return once ``url``/health answers 200; :class:`ServerError` if the process ends first or
    ``timeout`` seconds pass."""
    deadline = time.monotonic() + timeout
    with httpx.Client(timeout=2.0) as client:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                where = f" (log: {log})" if log else ""
                raise ServerError(
                    f"the local Prefect server exited with code {process.returncode}{where}"
                )
            with contextlib.suppress(httpx.HTTPError):
                if client.get(f"{url}/health").status_code == 200:
                    return
            time.sleep(HEALTH_POLL_S)
    raise ServerError(
        f"the local Prefect server did not answer within {timeout:.0f} s; start one yourself "
        "(`prefect server start`) and set PREFECT_API_URL=http://127.0.0.1:4200/api"
    )


def _terminate(process: subprocess.Popen[bytes], grace: float = 10.0) -> None:
    if process.poll() is not None:
        return
    # The server runs uvicorn and its services in one process group of its own.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@contextlib.contextmanager
def local_server(
    *,
    host: str = "127.0.0.1",
    port: int | None = None,
    timeout: float = DEFAULT_STARTUP_TIMEOUT_S,
    log: Path | None = None,
) -> Iterator[str]:
    """Run a Prefect server (API + scheduler) as a child process; yield its API URL.

    While the block runs, ``PREFECT_API_URL`` points at it (in ``os.environ``, so the flow-run
    processes a runner starts inherit it); the variable and the server are gone afterwards.
    """
    port = port or free_port(host)
    url = f"http://{host}:{port}/api"
    sink = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115 - closed below
    env = {**os.environ, "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    env.pop("PREFECT_API_URL", None)
    process = subprocess.Popen(
        server_command(host, port),
        stdout=sink,
        stderr=subprocess.STDOUT,
        env=env,
        start_new_session=True,
    )
    previous = os.environ.get("PREFECT_API_URL")
    try:
        wait_healthy(url, process, timeout, log)
        logger.info("local Prefect server at %s (pid %d)", url, process.pid)
        os.environ["PREFECT_API_URL"] = url
        from prefect.settings import PREFECT_API_URL, temporary_settings

        with temporary_settings(updates={PREFECT_API_URL: url}):
            yield url
    finally:
        if previous is None:
            os.environ.pop("PREFECT_API_URL", None)
        else:
            os.environ["PREFECT_API_URL"] = previous
        _terminate(process)
        if log:
            sink.close()  # type: ignore[union-attr]


@contextlib.contextmanager
def stop_on_sigterm() -> Iterator[None]:
    """Turn SIGTERM into ``KeyboardInterrupt`` in the main thread, so ``finally`` blocks (the
    child server's stop) run when a service manager stops us."""

    def handler(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
