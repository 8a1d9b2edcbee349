"""HTML to plain text: the visible text, its block structure and its tables as pipe-table lines.

Built on the standard library's :class:`html.parser.HTMLParser`, which is event driven: the
converter keeps no tree and no recursion, only two small stacks (elements whose content is
hidden, open tables), so deeply nested or unclosed markup costs linear time and flat memory.

Output conventions (other modules rely on them):

* paragraphs, headings, lists, block quotes and tables are separated by a blank line; other
  block elements and ``<br>`` end a line; runs of whitespace inside a line become one space;
* ``<pre>`` keeps its whitespace and line breaks;
* a table is its caption on its own line, then one line per row ``cell | cell | cell |``, with
  a ``---|---|---|`` line after the header rows (``<thead>`` rows or rows of ``<th>`` only);
* nothing from ``<head>``, ``<script>``, ``<style>``, ``<template>``, ``<noscript>``, ``<svg>``,
  ``<iframe>``, ``<object>``, elements marked ``hidden`` or styled ``display: none``, or
  comments; entities are decoded and non-breaking spaces become spaces.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from trialex.errors import InputError

logger = logging.getLogger(__name__)

__all__ = ["html_to_text"]

# Elements whose content is never shown.
HIDDEN = frozenset(
    {"head", "title", "script", "style", "template", "noscript", "svg", "iframe", "object"}
    | {"annotation", "annotation-xml"}  # MathML source (TeX) next to the rendered formula
)
# Elements that may appear inside <head>; any other start tag implicitly ends the head.
HEAD_CONTENT = frozenset(
    {"title", "meta", "link", "style", "script", "base", "noscript", "template"}
)
# Blank line before and after.
PARAGRAPH_BLOCKS = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "ul", "ol", "dl", "pre", "table"}
    | {"figure", "hr"}
)
# Line break before and after.
LINE_BLOCKS = frozenset(
    {"div", "li", "dt", "dd", "section", "article", "header", "footer", "nav", "aside", "main"}
    | {"figcaption", "address", "form", "fieldset", "legend", "details", "summary", "center"}
    | {"tr", "caption", "body", "html", "option", "menu", "hgroup", "search", "dialog"}
)
CELLS = frozenset({"td", "th"})
# Tables nested deeper than this are read as plain cell text (keeps nesting linear in cost).
MAX_TABLE_DEPTH = 8
VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
    | {"track", "wbr", "param", "keygen"}
)

_SPACES = re.compile(r"[ \t\n\r\f\v\u00a0]+")


@dataclass
class _Table:
    rows: list[tuple[list[str], bool]] = field(default_factory=list)
    row: list[str] | None = None
    row_header: bool = True  # every cell so far is a <th>
    cell: list[str] | None = None
    caption: list[str] | None = None
    caption_text: str = ""
    in_thead: bool = False
    row_in_thead: bool = False
    pad: int = 0

    def close_cell(self) -> None:
        if self.cell is not None and self.row is not None:
            self.row.append(_collapse("".join(self.cell)))
        self.cell = None

    def close_row(self) -> None:
        self.finish_cell()
        if self.row is not None and any(self.row):
            self.rows.append((self.row, self.row_in_thead or self.row_header))
        self.row = None

    def open_row(self) -> None:
        self.close_row()
        self.row = []
        self.row_header = True
        self.row_in_thead = self.in_thead

    def open_cell(self, header: bool, colspan: int) -> None:
        self.finish_cell()
        if self.row is None:
            self.open_row()
        self.pad = colspan - 1  # the empty cells a colspan stands for, after the cell's text
        self.row_header = self.row_header and header
        self.cell = []

    def finish_cell(self) -> None:
        had_cell = self.cell is not None
        self.close_cell()
        if had_cell and self.row is not None and self.pad:
            self.row.extend([""] * self.pad)
        self.pad = 0

    def add_text(self, text: str) -> None:
        if self.caption is not None:
            self.caption.append(text)
        elif self.cell is not None:
            self.cell.append(text)
        elif text.strip():  # stray text between cells: keep it, as a row of its own
            self.finish_cell()
            self.close_row()
            self.rows.append(([_collapse(text)], False))

    def lines(self) -> list[str]:
        self.finish_cell()
        self.close_row()
        out: list[str] = []
        caption = _collapse(self.caption_text)
        if caption:
            out.append(caption)
        width = max((len(cells) for cells, _ in self.rows), default=0)
        header_done = False
        for index, (cells, header) in enumerate(self.rows):
            out.append(" ".join(f"{cell} |" if cell else "|" for cell in cells))
            is_last_header = header and (index + 1 == len(self.rows) or not self.rows[index + 1][1])
            if not header_done and is_last_header and index + 1 < len(self.rows):
                out.append("---|" * width)
                header_done = True
            if not header:
                header_done = True
        return out


def _collapse(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


class _Converter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []  # finished lines and separators
        self.line: list[str] = []  # pieces of the current line
        self.need = 0  # newlines owed before the next text: 1 = line break, 2 = blank line
        self.hidden: list[str] = []  # open elements inside hidden content, outermost first
        self.hidden_count: dict[str, int] = {}  # tag -> occurrences in self.hidden
        self.tables: list[_Table] = []
        self.pre = 0
        self.deep_tables = 0  # <table> start tags beyond MAX_TABLE_DEPTH still open

    # -- output ---------------------------------------------------------------------------
    def _break(self, n: int) -> None:
        if self.line:
            text = "".join(self.line)
            self.line = []
            if not self.pre:
                text = text.rstrip(" ")
            if text:
                self.out.append(text)
        if self.out:
            self.need = max(self.need, n)

    def _write(self, text: str) -> None:
        if not self.line:
            if not self.pre:
                text = text.lstrip(" ")
            if not text:
                return
            if self.out:
                self.out.append("\n" * max(self.need, 1))
            self.need = 0
        self.line.append(text)

    def _write_lines(self, lines: list[str]) -> None:
        for line in lines:
            self._write(line)
            self._break(1)

    def _push_hidden(self, tag: str) -> None:
        self.hidden.append(tag)
        self.hidden_count[tag] = self.hidden_count.get(tag, 0) + 1

    def _pop_hidden(self) -> str:
        tag = self.hidden.pop()
        self.hidden_count[tag] -= 1
        return tag

    # -- parser events --------------------------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.hidden:
            if self.hidden == ["head"] and tag not in HEAD_CONTENT:
                self._pop_hidden()  # implied end of <head>
            else:
                if tag not in VOID:
                    self._push_hidden(tag)  # so that the matching end tag is found
                return
        if tag in HIDDEN or (tag not in VOID and _hidden_by_attribute(attrs)):
            self._push_hidden(tag)
            return
        if self.tables:
            self._table_start(tag, attrs)
            return
        if tag == "table":
            self._break(2)
            self.tables.append(_Table())
        elif tag == "br":
            self._break(1)
        elif tag in PARAGRAPH_BLOCKS:
            self._break(2)
            if tag == "pre":
                self.pre += 1
        elif tag in LINE_BLOCKS or tag in CELLS:
            self._break(1)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID and tag not in HIDDEN:
            self.handle_endtag(tag)
        elif tag in HIDDEN and self.hidden and self.hidden[-1] == tag:
            self._pop_hidden()  # <svg/>: nothing inside

    def handle_endtag(self, tag: str) -> None:
        if self.hidden:
            if self.hidden_count.get(tag):
                while self.hidden and self._pop_hidden() != tag:
                    pass
            return
        if self.tables:
            self._table_end(tag)
            return
        if tag in PARAGRAPH_BLOCKS:
            if tag == "pre" and self.pre:
                self.pre -= 1
            self._break(2)
        elif tag in LINE_BLOCKS or tag in CELLS:
            self._break(1)

    def handle_data(self, data: str) -> None:
        if self.hidden == ["head"] and data.strip():
            self._pop_hidden()  # text implies the end of <head>
        if self.hidden or not data:
            return
        if self.tables:
            self.tables[-1].add_text(data)
            return
        if self.pre:
            first, *rest = data.replace("\r\n", "\n").replace("\r", "\n").split("\n")
            if first:
                self._write(first.replace("\u00a0", " "))
            for piece in rest:
                self._break(1)
                if piece:
                    self._write(piece.replace("\u00a0", " "))
            return
        self._write(_SPACES.sub(" ", data))

    # -- tables ---------------------------------------------------------------------------
    def _table_start(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        table = self.tables[-1]
        if tag == "table":
            table.add_text(" ")
            if len(self.tables) < MAX_TABLE_DEPTH:
                self.tables.append(_Table())
            else:
                self.deep_tables += 1
        elif tag == "caption":
            table.finish_cell()
            table.caption = []
        elif tag == "thead":
            table.in_thead = True
        elif tag in {"tbody", "tfoot"}:
            table.in_thead = False
        elif tag == "tr":
            table.finish_cell()
            table.open_row()
        elif tag in CELLS:
            table.finish_cell()
            table.open_cell(tag == "th", _colspan(attrs))
        elif tag in PARAGRAPH_BLOCKS or tag in LINE_BLOCKS or tag == "br":
            table.add_text(" ")

    def _table_end(self, tag: str) -> None:
        table = self.tables[-1]
        if tag == "table" and self.deep_tables:
            self.deep_tables -= 1
            table.add_text(" ")
        elif tag == "table":
            self.tables.pop()
            lines = table.lines()
            if self.tables:  # a table inside a cell: its rows go into that cell
                rows = [line.rstrip(" |") for line in lines if not line.startswith("---|")]
                self.tables[-1].add_text(" " + "; ".join(row for row in rows if row) + " ")
            else:
                self._break(2)
                self._write_lines(lines)
                self._break(2)
        elif tag == "caption" and table.caption is not None:
            table.caption_text += " " + "".join(table.caption)
            table.caption = None
        elif tag == "thead":
            table.finish_cell()
            table.close_row()
            table.in_thead = False
        elif tag == "tr":
            table.finish_cell()
            table.close_row()
        elif tag in CELLS:
            table.finish_cell()
        elif tag in PARAGRAPH_BLOCKS or tag in LINE_BLOCKS:
            table.add_text(" ")

    def finish(self) -> str:
        self.close()
        self.hidden.clear()
        self.hidden_count.clear()
        while self.tables:
            self._table_end("table")
        self._break(1)
        return "".join(self.out)


_DISPLAY_NONE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)


def _hidden_by_attribute(attrs: list[tuple[str, str | None]]) -> bool:
    """``hidden`` or an inline ``display: none`` / ``visibility: hidden`` style."""
    for name, value in attrs:
        if name == "hidden" or (name == "style" and value and _DISPLAY_NONE.search(value)):
            return True
    return False


def _colspan(attrs: list[tuple[str, str | None]]) -> int:
    for name, value in attrs:
        if name == "colspan" and value and value.strip().isdigit():
            return max(1, min(int(value.strip()), 100))
    return 1


def html_to_text(text: str, *, source: str) -> str:
    """The visible text of an HTML document (see the module docstring for the layout).

    Raises :class:`~trialex.errors.InputError` naming ``source`` when nothing visible remains.
    """
    converter = _Converter()
    converter.feed(text)
    result = converter.finish()
    if not result.strip():
        raise InputError(source, "HTML without visible text")
    logger.debug("%s: %d characters of HTML -> %d of text", source, len(text), len(result))
    return result
