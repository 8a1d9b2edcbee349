"""The text extraction reads: converted markup (Markdown, LaTeX math, HTML tables) made plain,
with an offset map back to the characters as printed.

PDF-to-Markdown converters (MinerU and the like) and web dumps print values inside markup:
``$6 2 . 5 0 \\%$`` (62.50%), ``$\\scriptstyle P = 0 . 2 1 6$``, ``{\\pm}``, ``*P* < .001``,
``[[12](#cit/section_2.3)]`` citation links, ``<table><tr><td>…`` blocks. :func:`normalize`
builds one :class:`TextView` per document:

* ``view.text``: LaTeX math read (spaced digits joined, ``\\%`` -> ``%``, ``\\pm`` -> ``±``,
  ``\\leq`` -> ``≤``, ``\\times`` -> ``×``, style wrappers such as ``\\scriptstyle``/``\\mathrm``/
  ``\\mathbf`` dropped, ``^{9}`` -> ``^9``), HTML tables as pipe-table lines (``cell | cell |``,
  one line per row, a ``---|`` line after the header row, colspan/rowspan as empty cells: the
  format :mod:`trialex.html` renders and table assembly reads), Markdown emphasis, links,
  images, citation links and backslash escapes made plain, HTML entities decoded;
* :meth:`TextView.to_source` maps a span of the view back to the source: every character of the
  view knows the source characters it stands for (a character of a formula stands for the whole
  formula, an inserted ``|`` for the tag it replaces), so a record found in the view points at
  the characters AS PRINTED, LaTeX included, and ``source[start:end]`` is its text.

Why an explicit offset map rather than a same-length view padded with spaces: padding puts runs
of spaces between a value and what follows it (``53.5%        vs``, ``45%       (29/64)``) where the
value grammar expects at most one, and a table needs new lines and ``---|`` rows that the
markup has no room for. The map costs two integer arrays per document with markup, and nothing
for a document without any (the view is then the source itself, :attr:`TextView.identity`).

The rules are data (``resources/normalize.json``, each with source/view examples a test runs).
"""

from __future__ import annotations

import bisect
import functools
import re
from array import array
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from trialex import rulebook
from trialex.rulebook import RuleError

RULES_FILE = "normalize.json"


# ``normalize.json`` breaks its format (one-line message naming the file): the one rule error
# (trialex.rulebook)
NormalizeRulesError = RuleError


@dataclass(frozen=True)
class TextView:
    """The text extraction reads (``text``) and the way back to ``source``.

    ``starts[i]``/``ends[i]``: the source characters ``[starts[i], ends[i])`` that character
    ``i`` of the view stands for (non-decreasing). ``None`` for both when the view is the source.
    """

    source: str
    text: str
    starts: array | None = None
    ends: array | None = None

    @property
    def identity(self) -> bool:
        return self.starts is None

    def to_source(self, start: int, end: int) -> tuple[int, int]:
        """The source span a view span ``[start, end)`` stands for (whole formulas, tags)."""
        if self.starts is None or self.ends is None:
            return start, end
        n = len(self.text)
        if n == 0:
            return 0, 0
        start = min(max(start, 0), n)
        end = min(max(end, start), n)
        if start == end:
            pos = self.starts[start] if start < n else len(self.source)
            return pos, pos
        return self.starts[start], self.ends[end - 1]

    def to_view(self, start: int, end: int) -> tuple[int, int]:
        """The view span of a source span (a boundary inside a construct moves past it)."""
        if self.starts is None:
            return start, end
        return bisect.bisect_left(self.starts, start), bisect.bisect_left(self.starts, end)


# ----------------------------------------------------------------------------- rules


@dataclass(frozen=True)
class InlineRule:
    id: str
    regex: re.Pattern[str]
    replace: str | None  # None: keep the group "keep" (or decode the group "entity")
    examples: list[dict[str, str]]
    # the rule applies only to a document where every one of these patterns is found (a repair
    # of one conversion's damage, e.g. glued words of MinerU's Chinese papers, is left out of
    # texts that never had it)
    when: tuple[re.Pattern[str], ...] = ()

    def applies(self, text: str) -> bool:
        return all(w.search(text) for w in self.when)


@dataclass(frozen=True)
class Rules:
    symbols: dict[str, str]
    subscript_symbols: dict[str, str]
    dropped: frozenset[str]
    text_wrappers: frozenset[str]
    table_start: re.Pattern[str]
    table_end: re.Pattern[str]
    tag: re.Pattern[str]
    header_separator: str
    inline: tuple[InlineRule, ...]
    entities: dict[str, str]
    latex_dropped: tuple[re.Pattern[str], ...] = ()
    latex_rewrites: tuple[tuple[re.Pattern[str], str], ...] = ()
    examples: dict[str, list[dict[str, str]]] = field(default_factory=dict)


_MATH = re.compile(
    r"\$\$(?P<display>[^$]{1,4000}?)\$\$"
    # a converter's trailing math space merges with the closing dollar ("$P { < } 0 . 0 1 \$ )"):
    # " \$" closes the formula (else it would run on to the next formula's opening "$")
    r"|(?<![\\$])\$(?=[^\s$])(?P<inline>[^$\n]{1,1000}?)(?<=[^\s$\\])(?:\s\\)?\$(?!\d)"
)
_LATEX_TOKEN = re.compile(r"\\[A-Za-z]+|\\[^A-Za-z]|[{}]|\s+|.", re.DOTALL)
_SPACES = re.compile(r" {2,}")


def parse_rules(data: Any, source: str) -> Rules:
    """Validate ``normalize.json``."""
    if not isinstance(data, dict):
        raise NormalizeRulesError(f"{source}: expected an object")
    known = {"version", "note", "latex", "html_table", "rules", "entities"}
    if unknown := set(data) - known:
        raise NormalizeRulesError(f"{source}: unknown keys {sorted(unknown)}")
    try:
        latex, table = data["latex"], data["html_table"]
        inline: list[InlineRule] = []
        seen: set[str] = set()
        for entry in data["rules"]:
            if set(entry) - {"id", "note", "pattern", "replace", "examples", "when"}:
                raise NormalizeRulesError(f"{source}: rule {entry.get('id')}: unknown keys")
            if entry["id"] in seen:
                raise NormalizeRulesError(f"{source}: duplicate rule id {entry['id']!r}")
            seen.add(entry["id"])
            regex = re.compile(entry["pattern"])
            replace = entry.get("replace")
            if replace is None and not {"keep", "entity"} & set(regex.groupindex):
                raise NormalizeRulesError(
                    f"{source}: rule {entry['id']}: needs 'replace' or a group 'keep'/'entity'"
                )
            when = tuple(re.compile(w) for w in entry.get("when", []))
            inline.append(InlineRule(entry["id"], regex, replace, list(entry["examples"]), when))
        return Rules(
            symbols=dict(latex["symbols"]),
            subscript_symbols=dict(latex.get("subscript_symbols", {})),
            dropped=frozenset(latex["dropped"]),
            text_wrappers=frozenset(latex["text_wrappers"]),
            table_start=re.compile(table["pattern"], re.IGNORECASE),
            table_end=re.compile(table["end"]["pattern"], re.IGNORECASE),
            tag=re.compile(table["tag"]["pattern"]),
            header_separator=table["header_separator"],
            inline=tuple(inline),
            entities=dict(data["entities"]),
            latex_dropped=tuple(
                re.compile(e["pattern"]) for e in latex.get("dropped_patterns", [])
            ),
            latex_rewrites=tuple(
                (re.compile(e["pattern"]), e["replace"]) for e in latex.get("rewrites", [])
            ),
            examples={
                "latex": [
                    *latex["examples"],
                    *(x for e in latex.get("dropped_patterns", []) for x in e["examples"]),
                    *(x for e in latex.get("rewrites", []) for x in e["examples"]),
                ],
                "html_table": list(table["examples"]),
            },
        )
    except (KeyError, TypeError) as error:
        raise NormalizeRulesError(f"{source}: missing or malformed {error}") from None
    except re.error as error:
        raise NormalizeRulesError(f"{source}: bad regex ({error})") from None


def load_rules(rules_dir: str | None = None) -> Rules:
    """``normalize.json`` of ``rules_dir`` (Settings.rules_dir), else of the rules folder in
    force, else the bundled one (:mod:`trialex.rulebook`)."""
    return _rules_of(rulebook.rules_key(rules_dir))


@functools.lru_cache(maxsize=4)
def _rules_of(key: str | None) -> Rules:
    path = rulebook.resolve(RULES_FILE, rules_dir=key)
    return parse_rules(rulebook.load_json(RULES_FILE, rules_dir=key), str(path))


# ----------------------------------------------------------------------------- building


class _Builder:
    """Pieces of the view, each with the source characters it stands for.

    The per-character offsets are built only when asked for (:meth:`offsets`): most texts that
    trigger the normaliser hold no markup after all, and the view is then the text itself.
    """

    def __init__(self) -> None:
        self.parts: list[str] = []
        # (a, b, length, copied): a copy of source[a:b], or a piece of `length` standing for it
        self._spans: list[tuple[int, int, int, bool]] = []

    def copy(self, text: str, a: int, b: int, newlines: bool = True) -> None:
        """``source[a:b]`` as it is (or with its line breaks made spaces)."""
        if b <= a:
            return
        piece = text[a:b]
        if not newlines:
            piece = piece.replace("\r", " ").replace("\n", " ")
        self.parts.append(piece)
        self._spans.append((a, b, b - a, True))

    def put(self, piece: str, a: int, b: int) -> None:
        """``piece`` standing for the whole of ``source[a:b]``."""
        if not piece:
            return
        self.parts.append(piece)
        self._spans.append((a, b, len(piece), False))

    def offsets(self) -> tuple[array, array]:
        """The source start and end of every character of the view."""
        starts, ends = array("q"), array("q")
        for a, b, length, copied in self._spans:
            if copied:
                starts.extend(range(a, b))
                ends.extend(range(a + 1, b + 1))
            else:
                starts.extend([a] * length)
                ends.extend([b] * length)
        return starts, ends

    def last_char(self) -> str:
        for part in reversed(self.parts):
            if part:
                return part[-1]
        return ""


def read_latex(body: str, rules: Rules) -> str:
    """What a formula says, as plain text (math-mode spaces are not text, ``~`` is a space)."""
    out: list[str] = []
    depth = 0
    text_depth: int | None = None
    pending_text = False
    subscript = False
    for dropped in rules.latex_dropped:
        body = dropped.sub("", body)
    for tok in _LATEX_TOKEN.findall(body):
        if tok[0] == "\\" and len(tok) > 1:
            if tok in rules.text_wrappers:
                pending_text = True
            elif subscript and tok in rules.subscript_symbols:
                out.append(rules.subscript_symbols[tok])
                subscript = False
            elif tok in rules.symbols:
                out.append(rules.symbols[tok])
                subscript = False
            elif tok in rules.dropped or tok[1].isalpha():
                pass  # a style wrapper or an unknown command: its argument is read on
            else:
                out.append(tok[1:])
            continue
        if tok == "{":
            depth += 1
            if pending_text:
                text_depth, pending_text = depth, False
        elif tok == "}":
            if text_depth == depth:
                text_depth = None
            depth = max(depth - 1, 0)
        elif tok.isspace():
            if text_depth is not None:
                out.append(" ")
        elif tok == "~":
            out.append(" ")
        elif tok == "_":
            subscript = True
        else:
            out.append(tok)
            subscript = False
    read = _SPACES.sub(" ", "".join(out)).strip()
    for pattern, replace in rules.latex_rewrites:
        read = pattern.sub(replace, read)
    return read


def _word_char(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


class _Normalizer:
    def __init__(self, text: str, rules: Rules) -> None:
        self.text = text
        self.rules = rules
        self.out = _Builder()
        self.changed = False
        self.no_table_end = len(text) + 1  # no "</table>" after this position
        self.inline_rules = tuple(r for r in rules.inline if r.applies(text))

    # -- inline constructs -----------------------------------------------------------------
    def run(self, start: int, end: int, *, tables: bool, newlines: bool = True) -> None:
        """Emit ``text[start:end]`` normalised (tables only at the top level)."""
        text = self.text
        finders: list[tuple[str, Callable[[int], re.Match[str] | None]]] = []
        if tables:
            finders.append(("table", lambda p: self.rules.table_start.search(text, p, end)))
        finders.append(("math", lambda p: _MATH.search(text, p, end)))
        for rule in self.inline_rules:
            finders.append((rule.id, functools.partial(rule.regex.search, text, endpos=end)))
        nxt: dict[str, re.Match[str] | None] = {}
        for name, find in finders:
            nxt[name] = find(start)
        order = [name for name, _ in finders]
        by_name = dict(finders)
        pos = start
        while True:
            best: re.Match[str] | None = None
            best_name = ""
            for name in order:
                m = nxt[name]
                if m is not None and m.start() < pos:
                    m = nxt[name] = by_name[name](pos)
                if m is not None and (best is None or m.start() < best.start()):
                    best, best_name = m, name
            if best is None:
                break
            a = best.start()
            self.changed = True
            self.out.copy(text, pos, a, newlines)
            if best_name == "table":
                b = self.table(a, best.end(), end)
            elif best_name == "math":
                b = self.math(best, end)
            else:
                b = self.inline(best_name, best, newlines)
            pos = max(b, a + 1) if b > a else a + 1
            if b <= a:  # nothing consumed: copy one character and go on
                self.out.copy(text, a, a + 1, newlines)
        self.out.copy(text, pos, end, newlines)

    def math(self, m: re.Match[str], limit: int) -> int:
        a, b = m.start(), m.end()
        body = m.group("display") if m.group("display") is not None else m.group("inline")
        clean = read_latex(body, self.rules)
        before = self.out.last_char()
        after = self.text[b] if b < limit else ""
        if clean:
            if _word_char(before) and _word_char(clean[0]):
                clean = " " + clean
            if _word_char(after) and _word_char(clean[-1]):
                clean += " "
        elif before and not before.isspace() and after and not after.isspace():
            clean = " "
        self.out.put(clean, a, b)
        return b

    def inline(self, rule_id: str, m: re.Match[str], newlines: bool) -> int:
        rule = next(r for r in self.rules.inline if r.id == rule_id)
        a, b = m.start(), m.end()
        if rule.replace is not None:
            self.out.put(rule.replace, a, b)
        elif "entity" in rule.regex.groupindex and m.group("entity") is not None:
            name = m.group("entity")
            char = chr(int(name[1:])) if name.startswith("#") else self.rules.entities.get(name)
            self.out.put(char if char is not None else m.group(0), a, b)
        else:
            ks, ke = m.span("keep")
            self.run(ks, ke, tables=False, newlines=newlines)  # "[*P* value](url)"
        return b

    # -- tables ----------------------------------------------------------------------------
    def table(self, a: int, open_end: int, limit: int) -> int:
        text = self.text
        close = None
        if open_end < self.no_table_end:
            close = self.rules.table_end.search(text, open_end, limit)
        if close is None:  # none later either: later openings need not look again
            self.no_table_end = min(self.no_table_end, open_end)
            self.out.copy(text, a, open_end)
            return open_end
        b = close.end()
        rows: list[list[tuple[int, int, int, int, bool, int, int]]] = []
        header_rows: list[bool] = []
        row: list[tuple[int, int, int, int, bool, int, int]] | None = None
        row_header = True
        in_thead = False
        cell: tuple[int, bool, int, int] | None = None  # content start, th, colspan, rowspan
        row_end: list[tuple[int, int]] = []

        def close_cell(at: int, tag_end: int) -> None:
            nonlocal cell, row
            if cell is None:
                return
            if row is None:
                row = []
            cs, th, colspan, rowspan = cell
            row.append((cs, at, colspan, rowspan, th, at, tag_end))
            cell = None

        def close_row(at: int, tag_end: int) -> None:
            nonlocal row, row_header
            if row is not None and row:
                rows.append(row)
                header_rows.append(in_thead or row_header)
                row_end.append((at, tag_end))
            row, row_header = None, True

        for tag in self.rules.tag.finditer(text, open_end, close.start()):
            name = tag.group("name").lower()
            closing = bool(tag.group("close"))
            if name in ("td", "th"):
                close_cell(tag.start(), tag.end() if closing else tag.start())
                if not closing:
                    attrs = tag.group("attrs")
                    row_header = row_header and name == "th"
                    cell = (
                        tag.end(),
                        name == "th",
                        _span_attr(attrs, "colspan"),
                        _span_attr(attrs, "rowspan"),
                    )
                    if row is None:
                        row = []
            elif name == "tr":
                close_cell(tag.start(), tag.start())
                close_row(tag.start(), tag.end())
                if not closing:
                    row = []
            elif name == "thead":
                close_cell(tag.start(), tag.start())
                close_row(tag.start(), tag.start())
                in_thead = not closing
            elif name in ("tbody", "tfoot", "table"):
                close_cell(tag.start(), tag.start())
                close_row(tag.start(), tag.start())
        close_cell(close.start(), close.start())
        close_row(close.start(), close.start())

        out = self.out
        out.put("\n", a, open_end)
        if not any(header_rows) and len(rows) >= 2:
            header_rows[0] = True  # converted tables print their column headers first
        last_header = -1  # the leading run of header rows ends here
        while last_header + 1 < len(rows) and header_rows[last_header + 1]:
            last_header += 1
        carry: dict[int, int] = {}
        widths: list[int] = []
        for index, cells in enumerate(rows):
            col = 0
            first = True
            emitted = 0

            def empty(at: int) -> None:
                nonlocal first, emitted
                out.put("|" if first else " |", at, at)
                first = False
                emitted += 1

            for cs, ce, colspan, rowspan, _th, tag_a, tag_b in cells:
                while carry.get(col, 0) > 0:
                    carry[col] -= 1
                    empty(cs)
                    col += 1
                if not first:
                    out.put(" ", cs, cs)
                self.run(cs, ce, tables=False, newlines=False)
                filled = bool(text[cs:ce].strip())
                out.put(" |" if filled else "|", tag_a, tag_b)
                first = False
                emitted += 1
                if rowspan > 1:
                    carry[col] = rowspan - 1
                col += 1
                for _ in range(colspan - 1):
                    empty(tag_b)
                    col += 1
            while any(v > 0 for c, v in carry.items() if c >= col):
                if carry.get(col, 0) > 0:
                    carry[col] -= 1
                    empty(row_end[index][0])
                else:
                    empty(row_end[index][0])
                col += 1
            widths.append(emitted)
            ra, rb = row_end[index]
            out.put("\n", ra, rb)
            if index == last_header and index + 1 < len(rows):
                width = max(emitted, *(len(r) for r in rows))
                out.put(self.rules.header_separator * width + "\n", rb, rb)
        out.put("\n", close.start(), b)
        return b


_SPAN_ATTR = re.compile(r"""(?i)\b(colspan|rowspan)\s{0,3}=\s{0,3}["']?(\d{1,3})""")


def _span_attr(attrs: str, name: str) -> int:
    for m in _SPAN_ATTR.finditer(attrs):
        if m.group(1).lower() == name:
            return max(1, min(int(m.group(2)), 50))
    return 1


_TRIGGER = re.compile(r"[$<\[*_\\!&]|U[sS]")


def normalize(text: str, rules: Rules | None = None) -> TextView:
    """The view of ``text`` extraction reads (see the module docstring)."""
    rules = rules or load_rules()
    if not _TRIGGER.search(text):
        return TextView(text, text)
    normalizer = _Normalizer(text, rules)
    normalizer.run(0, len(text), tables=True)
    out = normalizer.out
    if not normalizer.changed:
        return TextView(text, text)
    starts, ends = out.offsets()
    return TextView(text, "".join(out.parts), starts, ends)


__all__ = ["NormalizeRulesError", "Rules", "TextView", "load_rules", "normalize", "read_latex"]
