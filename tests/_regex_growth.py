"""Catastrophic backtracking, told apart from a loaded machine.

A pattern is unsafe when its scan time grows faster than the text: on an adversarial string a
linear scan of 100 KB takes about ten times a scan of 10 KB, a backtracking one a hundred times
or more. Absolute time alone is a poor test on a shared 2-core machine (a busy neighbour doubles
every figure), so a scan fails only when it is both over the budget and superlinear: over
``GROWTH`` times the scan of the same string cut to a tenth. Both scans run back to back, best
of ``repeats``, so load slows them alike. How fast the patterns are is measured by ``bench/``.
"""

from __future__ import annotations

import re
import time

BUDGET_S = 0.100
GROWTH = 30.0  # linear: ~10x for 10x the text; quadratic: ~100x


def scan_time(regex: re.Pattern[str], text: str) -> float:
    start = time.perf_counter()
    for _match in regex.finditer(text):
        pass
    return time.perf_counter() - start


def unsafe_scan(regex: re.Pattern[str], text: str, repeats: int = 3) -> str | None:
    """``None`` when the scan of ``text`` is fast or grows linearly, else a description."""
    full = min(scan_time(regex, text) for _ in range(repeats))
    if full <= BUDGET_S:
        return None
    tenth = min(scan_time(regex, text[: len(text) // 10]) for _ in range(repeats))
    growth = full / max(tenth, 1e-6)
    if growth <= GROWTH:
        return None
    return f"{full * 1000:.0f} ms, {growth:.0f}x the scan of a tenth of the text"
