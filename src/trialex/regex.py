"""Regex compilation with a first-character guard (same matches, fewer failed attempts).

Python's ``re`` scans a pattern that opens with ``\\b``, a lookbehind or a case-insensitive
alternation by trying the whole pattern at every position of the text. When the characters a
match can start with are known and few ("patients|adults|age" can only start with p, a or A),
a lookahead on that class (``(?=[pa])``) lets every other position fail on one character test.
The class is derived from the pattern's own parse tree, so a rule file never has to state it, and
it is a superset of the real first characters, so the matches are exactly those of the plain
pattern. Patterns whose first character can be almost anything (``\\w``, ``.``, a negated class,
more than :data:`MAX_FIRST_CHARS` characters) or which can match the empty string are compiled
unchanged.
"""

from __future__ import annotations

import re
from re import _constants as C  # type: ignore[attr-defined]  # stdlib, Python >= 3.11
from re import _parser  # type: ignore[attr-defined]

# beyond this many possible first characters (after case folding) the guard saves little
MAX_FIRST_CHARS = 40

_GLOBAL_FLAGS = re.compile(r"^\(\?[aiLmsux]+\)")
_ZERO_WIDTH = (C.AT, C.ASSERT, C.ASSERT_NOT)
_REPEATS = (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT)


class _Broad(Exception):
    """The first character is not usefully bounded."""


def _item_source(op: object, av: object) -> tuple[str, int]:
    """(class source, number of characters) of one item of a parsed character class."""
    if op is C.LITERAL:
        return re.escape(chr(av)), 1  # type: ignore[arg-type]
    if op is C.RANGE:
        lo, hi = av  # type: ignore[misc]
        return f"{re.escape(chr(lo))}-{re.escape(chr(hi))}", hi - lo + 1
    if op is C.CATEGORY and av is C.CATEGORY_DIGIT:
        return r"\d", 10
    raise _Broad


def _first(items: list[tuple[object, object]]) -> tuple[dict[str, int], bool]:
    """First-character class items of a sequence, and whether the sequence can be empty."""
    out: dict[str, int] = {}
    for op, av in items:
        if op in _ZERO_WIDTH:
            continue
        if op is C.LITERAL:
            source, size = _item_source(op, av)
            out[source] = size
            return out, False
        if op is C.IN:
            for item_op, item_av in av:  # type: ignore[attr-defined]
                source, size = _item_source(item_op, item_av)  # NEGATE, other categories: broad
                out[source] = size
            return out, False
        if op is C.BRANCH:
            empty = False
            for alternative in av[1]:  # type: ignore[index]
                sub, sub_empty = _first(list(alternative.data))
                out.update(sub)
                empty = empty or sub_empty
            if not empty:
                return out, False
            continue
        if op is C.SUBPATTERN:
            _group, add_flags, del_flags, sub_pattern = av  # type: ignore[misc]
            if add_flags or del_flags:  # "(?i:...)" inside: the guard would not fold case
                raise _Broad
            sub, sub_empty = _first(list(sub_pattern.data))
            out.update(sub)
            if not sub_empty:
                return out, False
            continue
        if op in _REPEATS:
            low, _high, sub_pattern = av  # type: ignore[misc]
            sub, sub_empty = _first(list(sub_pattern.data))
            out.update(sub)
            if low > 0 and not sub_empty:
                return out, False
            continue
        raise _Broad  # ANY, NOT_LITERAL, GROUPREF, conditionals...
    return out, True


def first_char_class(pattern: str, flags: int = 0) -> str | None:
    """A character class (``"[ap\\d]"``) holding every character a match of ``pattern`` can
    start with, or None when that set is unbounded, too large or a match can be empty."""
    try:
        parsed = _parser.parse(pattern, flags)
        items, empty = _first(list(parsed.data))
    except _Broad:
        return None
    if empty or not items:
        return None
    folded = bool(parsed.state.flags & re.IGNORECASE)
    size = 0
    for source, count in items.items():
        # a cased letter matches both cases under IGNORECASE: count it once
        size += count if not folded or not source.isalpha() else 1
    if size > MAX_FIRST_CHARS:
        return None
    return "[" + "".join(items) + "]"


def guarded(pattern: str, flags: int = 0) -> str:
    """``pattern`` with a leading first-character lookahead when one helps (same matches)."""
    char_class = first_char_class(pattern, flags)
    if char_class is None:
        return pattern
    prefix = ""
    if m := _GLOBAL_FLAGS.match(pattern):  # global inline flags must stay at the start
        prefix, pattern = m.group(0), pattern[m.end() :]
    # in verbose mode a trailing comment would swallow the closing parenthesis
    verbose = bool(flags & re.VERBOSE) or "x" in prefix
    close = "\n)" if verbose else ")"
    return f"{prefix}(?={char_class})(?:{pattern}{close}"


def compile_guarded(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile(pattern, flags)`` with the first-character guard of :func:`guarded`.

    The result finds exactly the matches of the plain pattern (same spans and groups);
    ``.pattern`` shows the guard.
    """
    return re.compile(guarded(pattern, flags), flags)
