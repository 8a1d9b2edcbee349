"""Language of sections and paragraphs (to be completed: script check, then seeded langdetect)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from trialex.records import Section

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def detect_language(text: str) -> str | None:
    if not text.strip():
        return None
    return "zh" if len(_CJK.findall(text)) >= 2 else "en"


def document_languages(sections: Iterable[Section]) -> list[str]:
    return sorted({s.language for s in sections if s.language})
