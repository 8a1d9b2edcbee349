"""Catastrophic backtracking, told apart from a loaded machine.

A pattern is unsafe when its scan time grows faster than the text: on an adversarial string a
linear scan of 100 KB takes about ten times a scan of 10 KB, a backtracking one a hundred times
or more. Absolute time alone is a poor test on a shared 2-core machine (a busy neighbour doubles
every figure), so a scan fails only when it is both over the budget and superlinear: over
``GROWTH`` times the scan of the same string cut to a tenth. Both scans run back to back, best
of ``repeats``, in CPU time of the scanning thread, so load slows them alike. How fast the
patterns are is measured by ``bench/``.
"""

from __future__ import annotations

import re
import time

BUDGET_S = 0.100
GROWTH = 30.0  # linear: ~10x for 10x the text; quadratic: ~100x


def scan_time(regex: re.Pattern[str], text: str) -> float:
    """CPU seconds of this thread for one scan: on an oversubscribed machine wall time grows
    with the length of a scan (a 3 ms scan runs inside one time slice, a 100 ms one is
    descheduled for several), which made linear patterns look 35x slower for 10x the text."""
    start = time.thread_time()
    for _match in regex.finditer(text):
        pass
    return time.thread_time() - start


def _growth(regex: re.Pattern[str], text: str, repeats: int) -> tuple[float, float] | None:
    full = min(scan_time(regex, text) for _ in range(repeats))
    if full <= BUDGET_S:
        return None
    tenth = min(scan_time(regex, text[: len(text) // 10]) for _ in range(repeats))
    growth = full / max(tenth, 1e-6)
    return None if growth <= GROWTH else (full, growth)


def unsafe_scan(
    regex: re.Pattern[str], text: str, repeats: int = 3, attempts: int = 3
) -> str | None:
    """``None`` when the scan of ``text`` is fast or grows linearly, else a description.

    A verdict of "superlinear" must hold in ``attempts`` measurements in a row: a scan of a
    tenth of the text takes a few milliseconds, where one preemption on a loaded machine can
    make a linear scan look 30x slower for 10x the text once (seen: 31x on a linear pattern
    whose 10x-longer scan then grew 7x); a backtracking pattern grows ~100x every time.
    """
    found = None
    for _ in range(attempts):
        found = _growth(regex, text, repeats)
        if found is None:
            return None
    assert found is not None
    full, growth = found
    return f"{full * 1000:.0f} ms, {growth:.0f}x the scan of a tenth of the text"
