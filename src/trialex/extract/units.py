"""Text units of prose: sentences, clauses and bracket depths in character offsets (answered from
the document's :class:`~trialex.extract.view.DocView` when one is being read).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from trialex.extract.view import current as current_view

# an initial is a capital letter ("J. Smith"): "26 y. For" and "the 2a. The" end sentences
# ("in arm B. The" and "group A. In" end sentences: a capital after an arm word is no initial)
_ABBREV_END = re.compile(
    r"(?:\b(?i:vs|e\.g|i\.e|al|fig|approx|no|ref|refs|dr|st|ca)"
    r"|(?<![Aa]rm )(?<!ARM )(?<![Gg]roup )(?<![Cc]ohort )(?<![Pp]art )(?<![Ss]tratum )\b[A-Z])\.$"
)


_SENT_END = re.compile(
    r"(?<=[.!?])\s+(?=[A-Z“\"(\[\u4e00-\u9fff])"
    r"|(?<=[A-Za-z0-9)\]][.])\d{1,3}(?:[,−–-]\d{1,3})*\s+(?=[A-Z][a-z])"
    r"|(?<=[。！？；])|(?<=;)(?=[\u4e00-\u9fff])|\n+"  # Chinese results run on with "；"
    r"|(?<=[a-z]{3}\.)(?=[A-Z][a-z]{2})"  # a conversion lost the space: "respectively.Compared"
)


_NUMERIC = re.compile(
    r"[\d%]|(?i:\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|teen|"
    r"twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|none|neither|no patients?)\b)|"
    r"(?i:teen\b)"
)


_DIGIT = re.compile(r"[\d%]")  # the first alternative of _NUMERIC, scanned quickly alone


_PARAGRAPH = re.compile(r"\n[ \t]*\n")


_BRACKETED = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")


_CLAUSE = re.compile(
    r";|；|:\s(?![∼~]?\d)|(?<=[)\]]):\s"  # "MRD negativity: 81%" stays one clause
    r"|,\s(?=(?:while|whereas|which|in which|where|but|although|with|contrariwise)\b)"
    # "52%, 31%, and 18% for ...", "11% at 1 year, and 23% at 5 years": a list of values is
    # one clause
    r"|,\s(?=and\b(?!\s[∼~]?\d))"
    r"|[，,](?=[\u4e00-\u9fff][^，,。；;()（）]{0,11}?组)"  # Chinese: "…，高剂量组…" a new group
)


def sentences(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Sentence offsets in ``text[start:end]`` (no split after "vs.", "e.g.", initials); split
    once per document (:class:`trialex.extract.view.DocView`)."""
    view = current_view(text)
    if view is None:
        return _split_sentences(text, start, end)
    return iter(view.sentences(start, end, _split_sentences))


def _split_sentences(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    pos = start
    chunk = text[start:end]
    for m in _SENT_END.finditer(chunk):
        cut = start + m.start()
        if (
            m.group(0)
            and "\n" not in m.group(0)
            and _ABBREV_END.search(text[max(pos, cut - 8) : cut])
        ):
            continue
        if not m.group(0) and text[cut - 1 : cut] in "；;" and _in_bracket(text, pos, cut, end):
            continue  # "(40% vs 20%，P=0.09；15% vs 5%，P=0.28)": one bracket, one sentence
        if cut > pos:
            yield pos, cut
        pos = start + m.end()
    if pos < end:
        yield pos, end


_BRACKET_CHAR = re.compile(r"[(\[（)\]）]")


def _in_bracket(text: str, start: int, pos: int, end: int) -> bool:
    """``pos`` lies in a bracket opened after ``start`` and closed before the sentence ends
    (converted text leaves brackets unclosed: both sides must agree)."""

    def excess(segment: str, opening: bool) -> int:
        opens = segment.count("(") + segment.count("（")
        closes = segment.count(")") + segment.count("）")
        return opens - closes if opening else closes - opens

    after = text[pos : min(end, pos + 300)]
    stop = min((i for i in (after.find("。"), after.find("\n")) if i >= 0), default=len(after))
    return excess(text[max(start, pos - 300) : pos], True) > 0 and excess(after[:stop], False) > 0


def paren_depths(text: str) -> list[int]:
    """The bracket depth at each character (an opening bracket counts as inside, a closing one
    too); the loop runs over brackets only, the runs between them are filled in one step."""
    depth, pos, out = 0, 0, []
    for m in _BRACKET_CHAR.finditer(text):
        i = m.start()
        out.extend([depth] * (i - pos))
        if text[i] in "([（":
            depth += 1
            out.append(depth)
        else:
            out.append(depth)
            depth = max(depth - 1, 0)
        pos = i + 1
    out.extend([depth] * (len(text) - pos))
    return out


def clauses(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Clause offsets of a sentence: split at ";", ":", ", while/which/and ..." outside brackets;
    split once per document (:class:`trialex.extract.view.DocView`)."""
    view = current_view(text)
    if view is None:
        return _split_clauses(text, start, end)
    return view.clauses(start, end, _split_clauses)


def _split_clauses(text: str, start: int, end: int) -> list[tuple[int, int]]:
    seg = text[start:end]
    depths = paren_depths(seg)
    cuts = [m for m in _CLAUSE.finditer(seg) if depths[m.start()] == 0]
    out, pos = [], 0
    for m in cuts:
        if m.start() > pos:
            out.append((start + pos, start + m.start()))
        pos = m.end()
    out.append((start + pos, end))
    return out


def _in(spans: Sequence[tuple[int, int]], pos: int) -> tuple[int, int]:
    for s, e in spans:
        if s <= pos < e:
            return s, e
    return spans[-1]
