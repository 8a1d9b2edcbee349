"""The gold-dev split (``fixtures/gold-dev-split.md``), for every script that reads ``../shared``.

``check_ids()`` are the check documents (scored, never inspected); ``is_check_copy(path)`` says
whether a corpus file is a copy of one of them, which corpus spot checks must skip.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SPLIT = ROOT / "fixtures" / "gold-dev-split.md"


def _line(key: str, split: Path = SPLIT) -> list[str]:
    match = re.search(rf"^{key}:\s*(.+)$", split.read_text(encoding="utf-8"), re.MULTILINE)
    if not match:
        raise SystemExit(f"{split}: no '{key}:' line")
    return match.group(1).split()


def check_ids(split: Path = SPLIT) -> list[str]:
    """The doc ids of the check half."""
    return _line("check", split)


def check_copies(split: Path = SPLIT) -> list[str]:
    """Corpus paths (relative to ``../shared/corpus``) that hold a check document's text."""
    return _line("check-copies", split)


def is_check_copy(path: str | Path, split: Path = SPLIT) -> bool:
    """True when ``path`` (anywhere) is one of :func:`check_copies`."""
    text = Path(path).as_posix()
    return any(text.endswith("/" + copy) or text == copy for copy in check_copies(split))
