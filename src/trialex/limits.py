"""Resource limits on inputs: file size (from ``stat``, before reading), pages, time per document.

Every breach is a :class:`~trialex.errors.LimitExceeded` (an :class:`~trialex.errors.InputError`)
whose one-line message names the file, the limit and the setting that raises it.
"""

from __future__ import annotations

import logging
import math
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import BinaryIO

from trialex.errors import LimitExceeded

logger = logging.getLogger(__name__)

__all__ = ["check_file_size", "check_size", "read_at_most", "time_limit"]

MB = 1024 * 1024


def check_size(size: int, max_mb: float, source: str) -> None:
    """Raise :class:`LimitExceeded` when ``size`` bytes is over ``max_mb`` megabytes."""
    if size > max_mb * MB:
        raise LimitExceeded(
            source,
            f"file is {size / MB:.1f} MB, over the limit of {max_mb:g} MB (TRIALEX_MAX_FILE_MB)",
        )


def check_file_size(path: Path, max_mb: float, source: str | None = None) -> int:
    """The size of ``path`` from ``stat`` (nothing is read); raises when it is over the limit."""
    size = Path(path).stat().st_size
    check_size(size, max_mb, source or str(path))
    return size


def read_at_most(stream: BinaryIO, max_mb: float, source: str) -> bytes:
    """Read a whole stream (standard input) but never more than one byte over ``max_mb``:
    a larger stream is a :class:`LimitExceeded`, not an out-of-memory."""
    limit = int(max_mb * MB)
    data = stream.read(limit + 1)
    check_size(len(data), max_mb, source)
    return data


def _signals_usable() -> bool:
    """SIGALRM handlers can only be installed on the main thread of the main interpreter."""
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextmanager
def time_limit(seconds: float | None, source: str) -> Iterator[None]:
    """Raise :class:`LimitExceeded` naming ``source`` if the block runs over ``seconds``.

    Uses ``SIGALRM`` with ``setitimer``, so it interrupts pure-Python work (parsing, regexes
    between bytecodes) but not a single long call in C code. It only works on the main thread of
    the main interpreter on POSIX; anywhere else (worker threads, Dask/Prefect task runners,
    sub-interpreters, Windows) it is a documented no-op and the caller must bound time some
    other way (for example a task timeout). ``None``, zero or a negative value disables it.

    An outer timer that was already armed is re-armed on exit with its remaining time (minus the
    time spent in the block), and the previous ``SIGALRM`` handler is restored.
    """
    if not seconds or seconds <= 0 or math.isinf(seconds) or not _signals_usable():
        yield
        return

    def on_alarm(signum: int, frame: FrameType | None) -> None:
        raise LimitExceeded(
            source, f"processing took over {seconds:g} s, the time limit (TRIALEX_DOC_TIMEOUT_S)"
        )

    try:
        previous_handler = signal.signal(signal.SIGALRM, on_alarm)
    except ValueError:  # not the main thread of the main interpreter after all
        yield
        return
    started = time.monotonic()
    outer_remaining, outer_interval = signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous_handler)
        if outer_remaining > 0:
            left = max(outer_remaining - (time.monotonic() - started), 1e-3)
            signal.setitimer(signal.ITIMER_REAL, left, outer_interval)
