"""PDF to plain text with pdfplumber: reading order across columns, tables as pipe tables.

Per page:

1. ruled tables (vertical and horizontal rules) are found with pdfplumber's table finder
   (``Page.find_tables``); each becomes a pipe table (``cell | cell |`` lines, a ``---|---|``
   line after the first row) and the words inside its area are not repeated in the prose;
2. tables ruled only horizontally (booktabs) or not at all are found from their title
   ("Table 2. ...", the section rules' ``table_titles``) or from a pair of rules of one width
   around aligned text, and cut into cells by word positions (see the section "tables without
   vertical rules" below): one header row per column (spanning heads included), a ``---|``
   line, one line per row; a table continued on the next page is appended to its first part;
3. the other words are grouped into lines (on the box of each line's first word, so a heading
   set between two lines of the other column joins neither); a column gutter is an empty
   vertical strip in the middle half of the page that many lines do not cross. Lines that cross
   it are full-width (titles, abstracts, wide figures); between two full-width blocks, the left
   column is read before the right one, so two-column pages are not interleaved line by line;
4. a vertical gap clearly larger than the line pitch becomes a blank line (paragraph break);
   within a paragraph, a line that reaches the column's right edge was wrapped and is joined
   to the next with a space (extraction reads a sentence within a line); headings, run-in
   labels ("Results: ...") and lines in another type size keep their own lines. Lines drawn
   with characters (dot leaders used as rules) are dropped.

Running headers and footers (page numbers; lines repeated, digits aside, at the top or bottom of
at least half the pages, or of half the odd or even pages) are dropped. Pages are joined with
blank lines, except where a sentence runs on over a column or page end. Words broken at a line
end are joined (the hyphen stays when the document writes the word with one elsewhere). The
result is the document text itself: records point into it, so no offset map is needed.

Broken input (not a PDF, truncated, encrypted with a password, no text layer at all) is an
:class:`~trialex.errors.InputError` naming the file; a document over ``max_pages`` pages is a
:class:`~trialex.errors.LimitExceeded`, found from the page tree's declared count before any page
is parsed. A page without text (a scanned page in a text PDF) or one that fails to parse is
skipped with a warning flag.
"""

from __future__ import annotations

import io
import itertools
import logging
import math
import re
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdftypes import resolve1
from pdfplumber.utils.exceptions import PdfminerException

from trialex.errors import InputError, LimitExceeded, TrialexError
from trialex.records import Flag
from trialex.sections import default_rules

logger = logging.getLogger(__name__)

__all__ = ["PdfText", "extract_pdf", "pdf_to_text"]

MIN_GUTTER = 5.0  # points: narrower empty strips are word spaces, not a gutter
MIDDLE = (0.25, 0.75)  # where a two-column gutter may lie, as fractions of the page width
MIN_COLUMN_LINES = 3  # lines needed on each side of a gutter
MIN_COLUMN_SHARE = 0.25  # share of the page's lines that must not cross the gutter
COLUMN_FILL = 0.6  # a line "fills" a column when it spans this share of the column's width
COLUMN_FULL_SHARE = 0.5  # share of a column's lines that must fill it
COLUMN_INDENT = 0.15  # a paragraph's last line starts this near the column's left edge (indents)
COLUMN_SYMMETRY = 0.08  # left and right page margins differ by at most this share of the width
MARGIN_QUANTILE = 0.05  # ... measured where this share of a column's lines start (or end) beyond
LINE_TOLERANCE = 3.0  # points: words whose tops differ by less are on one line
PARAGRAPH_GAP = 1.6  # a gap over this many line pitches is a paragraph break
REGULAR_PITCH = 1.15  # a step up to this many pitches is the run's own line spacing
RUNNING_DEPTH = 2  # lines at the top and at the bottom of a page checked for headers/footers
RUNNING_SHARE = 0.5  # a header/footer is repeated on at least this share of the pages
RUNNING_MIN_PAGES = 3  # ... and on at least this many pages
# A gap between two characters over this share of the font size separates words: PDFs often
# have no space characters, and pdfplumber's fixed 3-point default glues words of tight lines.
WORD_GAP_RATIO = 0.15
ATTACHED_GAP = 0.8  # points: a smaller gap between two words on a line is no space


@dataclass(frozen=True)
class PdfText:
    """The text of a PDF, the number of pages read and ingestion warnings."""

    text: str
    pages: int
    warnings: tuple[Flag, ...] = ()


@dataclass
class _Line:
    top: float
    bottom: float
    words: list[dict[str, Any]] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The words left to right; a word touching the previous one (a superscript citation,
        ``dismal.1,2``) is attached without a space."""
        parts: list[str] = []
        previous_x1: float | None = None
        for word in sorted(self.words, key=lambda w: w["x0"]):
            if previous_x1 is not None:
                parts.append("" if word["x0"] - previous_x1 < ATTACHED_GAP else " ")
            parts.append(word["text"])
            previous_x1 = word["x1"]
        return "".join(parts)


@dataclass
class _Item:
    """Something placed on a page: a run of text lines or a rendered table."""

    top: float
    bottom: float
    lines: tuple[str, ...]
    is_table: bool = False
    table: _TextTable | None = None  # a table read from word positions (mergeable)
    side_text: bool = False  # rotated text (a side bar, "Author Manuscript" down the edge)


def pdf_to_text(data: bytes, *, source: str, max_pages: int | None = None) -> str:
    """The text of a PDF file's bytes (see :func:`extract_pdf`)."""
    return extract_pdf(data, source=source, max_pages=max_pages).text


def extract_pdf(data: bytes, *, source: str, max_pages: int | None = None) -> PdfText:
    """Text in reading order, tables as pipe tables, pages joined with blank lines."""
    if b"%PDF-" not in data[:1024]:
        raise InputError(source, "not a PDF file (no %PDF- header)")
    if b"%%EOF" not in data[-2048:]:
        raise InputError(source, "truncated or damaged PDF (no end-of-file marker)")
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except TrialexError:  # a time limit firing while the file is opened
        raise
    except PdfminerException as err:
        raise _open_error(source, err.args[0] if err.args else err) from None
    except (PDFEncryptionError, PDFPasswordIncorrect) as err:
        raise _open_error(source, err) from None
    except Exception as err:  # pdfminer raises many things on broken files
        raise InputError(source, f"not a readable PDF ({type(err).__name__})") from None
    with pdf:
        declared = _declared_page_count(pdf)
        if max_pages is not None and declared is not None and declared > max_pages:
            raise LimitExceeded(
                source, f"{declared} pages, over the limit of {max_pages} (TRIALEX_MAX_PAGES)"
            )
        try:
            pages = pdf.pages
        except TrialexError:
            raise
        except Exception as err:
            raise InputError(source, f"not a readable PDF ({_reason(err)})") from None
        if max_pages is not None and len(pages) > max_pages:
            raise LimitExceeded(
                source, f"{len(pages)} pages, over the limit of {max_pages} (TRIALEX_MAX_PAGES)"
            )
        page_items: list[list[_Item]] = []
        warnings: list[Flag] = []
        empty: list[int] = []
        numbered: list[tuple[str, float]] = []  # the margin column of line numbers, once seen
        for page in pages:
            try:
                items = _page_items(page, numbered)
            except TrialexError:  # the time limit: not a page problem
                raise
            except Exception as err:
                logger.warning("%s: page %d skipped: %s", source, page.page_number, err)
                warnings.append(
                    Flag(
                        code="pdf_page_unreadable",
                        message=f"page {page.page_number} could not be read ({_reason(err)})",
                    )
                )
                continue
            finally:
                page.close()
            if _join_items(items).strip():
                page_items.append(items)
            else:
                empty.append(page.page_number)
        _drop_side_text(page_items)
        _merge_continued_tables(page_items)
        _close_sentences_around_floats(page_items)
        texts = [text for text in (_join_items(items) for items in page_items) if text.strip()]
        if not texts:
            raise InputError(
                source, "PDF without a text layer (scanned or image-only?): OCR it first"
            )
        if empty:
            warnings.append(
                Flag(
                    code="pdf_page_without_text",
                    message=f"no text layer on page(s) {_ranges(empty)}: not read",
                )
            )
        texts = _drop_running_lines(texts)
        text = texts[0]
        for page in texts[1:]:
            run_on = _runs_on_text(text[text.rfind("\n") + 1 :], page.split("\n", 1)[0])
            text += (SOFT_BREAK if run_on else "\n\n") + page
        text = dehyphenate(text).replace(SOFT_BREAK, " ")
        return PdfText(text=text, pages=len(pages), warnings=tuple(warnings))


def _drop_side_text(pages: list[list[_Item]]) -> None:
    """Rotated text repeated on most pages is furniture printed down the page edge ("NIH-PA
    Author Manuscript" three times a page, a preprint server's identifier, a journal's side
    bar): it is dropped, as running headers are. Rotated text of one page (a landscape table)
    stays."""
    if len(pages) < 2:
        return
    needed = max(RUNNING_MIN_PAGES, math.ceil(RUNNING_SHARE * len(pages)))
    keys = [
        {_running_key(line) for item in items if item.side_text for line in item.lines}
        for items in pages
    ]
    counts: dict[str, int] = {}
    for page_keys in keys:
        for key in page_keys:
            counts[key] = counts.get(key, 0) + 1
    for items in pages:
        for n, item in enumerate(items):
            if not item.side_text:
                continue
            kept = tuple(line for line in item.lines if counts[_running_key(line)] < needed)
            items[n] = _Item(item.top, item.bottom, kept, side_text=True)


_PAGE_NUMBER = re.compile(r"(?:page\s*)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?", re.IGNORECASE)


def _running_key(line: str) -> str:
    return re.sub(r"\d+", "#", " ".join(line.split()).casefold())


def _drop_running_lines(pages: list[str]) -> list[str]:
    """Remove running headers and footers: among the first and last ``RUNNING_DEPTH`` lines of
    each page, page numbers and lines (digits aside) repeated on enough pages, or on enough
    pages of one parity (journals alternate a title header and an authors header)."""
    if len(pages) < 2:
        return pages
    split = [page.split("\n") for page in pages]

    def edges(lines: list[str]) -> set[int]:
        filled = [i for i, line in enumerate(lines) if line.strip()]
        return set(filled[:RUNNING_DEPTH] + filled[-RUNNING_DEPTH:])

    counts: dict[str, int] = {}
    by_parity: dict[tuple[int, str], int] = {}

    def pieces(line: str) -> list[str]:
        # a footer after a sentence broken at the page end was run on into it: its last piece
        parts = line.split(SOFT_BREAK)
        return [line] if len(parts) == 1 else [line, parts[0], parts[-1]]

    for number, lines in enumerate(split):
        for key in {_running_key(piece) for i in edges(lines) for piece in pieces(lines[i])}:
            counts[key] = counts.get(key, 0) + 1
            by_parity[number % 2, key] = by_parity.get((number % 2, key), 0) + 1
    needed = max(RUNNING_MIN_PAGES, math.ceil(RUNNING_SHARE * len(pages)))
    parity_needed = [
        max(RUNNING_MIN_PAGES, math.ceil(RUNNING_SHARE * len(split[parity::2])))
        for parity in (0, 1)
    ]

    def repeated(number: int, line: str) -> bool:
        key = _running_key(line)
        return (
            counts.get(key, 0) >= needed
            or by_parity.get((number % 2, key), 0) >= parity_needed[number % 2]
        )

    def running(number: int, line: str) -> bool:
        return repeated(number, line) or bool(_PAGE_NUMBER.fullmatch(line.strip()))

    out: list[str] = []
    for number, lines in enumerate(split):
        drop = {i for i in edges(lines) if running(number, lines[i])}
        for i in edges(lines) - drop:
            parts = lines[i].split(SOFT_BREAK)
            if len(parts) > 1 and repeated(number, parts[-1]):
                lines[i] = SOFT_BREAK.join(parts[:-1])
            elif len(parts) > 1 and repeated(number, parts[0]):
                lines[i] = SOFT_BREAK.join(parts[1:])
        kept = [line for i, line in enumerate(lines) if i not in drop]
        text = re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip("\n")
        if text.strip():
            out.append(text)
    return out or pages


def _open_error(source: str, err: object) -> InputError:
    if isinstance(err, PDFPasswordIncorrect | PDFEncryptionError):
        return InputError(source, "encrypted PDF: it needs a password; save an unprotected copy")
    return InputError(source, f"not a readable PDF ({_reason(err)})")


def _reason(err: object) -> str:
    text = " ".join(str(err).split())[:120]
    return f"{type(err).__name__}: {text}" if text else type(err).__name__


def _declared_page_count(pdf: pdfplumber.PDF) -> int | None:
    """The /Count of the page tree root, without parsing any page; None when unreadable."""
    try:
        count = resolve1(resolve1(pdf.doc.catalog["Pages"])["Count"])
    except Exception:
        return None
    return count if isinstance(count, int) and count >= 0 else None


def _ranges(numbers: Sequence[int]) -> str:
    parts: list[str] = []
    start = prev = numbers[0]
    for number in [*numbers[1:], None]:
        if number is not None and number == prev + 1:
            prev = number
            continue
        parts.append(str(start) if start == prev else f"{start}-{prev}")
        if number is not None:
            start = prev = number
    return ", ".join(parts)


# -- one page ----------------------------------------------------------------------------------


def _page_items(page: Any, numbered: list[tuple[str, float]] | None = None) -> list[_Item]:
    """The page's text runs and tables in reading order. ``numbered`` carries the column of
    line numbers found on earlier pages (a short last page has too few lines to show it)."""
    ruled = [table for table in page.find_tables() if _is_table(table)]
    boxes = [table.bbox for table in ruled]
    words = [
        word
        for word in page.extract_words(x_tolerance_ratio=WORD_GAP_RATIO)
        if not any(_inside(word, box) for box in boxes) and str(word["text"]).strip()
    ]
    width = float(page.width)
    rules = [r for r in _rules(page) if not any(_on_box(r, box) for box in boxes)]
    upright = [word for word in words if word.get("upright", True)]
    rotated = [word for word in words if not word.get("upright", True)]
    numbers = _line_numbers(upright, numbered)
    upright = [word for word in upright if id(word) not in numbers]
    for index, word in enumerate(upright):
        word["_id"] = index
    gutter = _find_gutter(_group_lines(upright), width)
    text_tables = _text_tables(upright, rules, width, gutter)
    taken = {index for table in text_tables for index in table.word_ids}
    upright = [word for word in upright if word["_id"] not in taken]
    lines = [line for line in _group_lines(upright) if not _is_rule_text(line)]
    table_items: list[tuple[tuple[float, float, float, float], tuple[str, ...], Any]] = []
    for table in ruled:
        grid = _ruled_table(table)
        table_items.append((table.bbox, grid.lines() if grid else (), grid))
    table_items += [(table.bbox, table.lines(), table) for table in text_tables]
    gutter = _find_gutter(lines, width) or gutter
    items = _reading_order(lines, table_items, gutter)
    if rotated:
        side = tuple(line.text for line in _group_lines(rotated))
        items.append(_Item(0.0, 0.0, side, side_text=True))
    return items


LINE_NUMBER = re.compile(r"\d{1,4}")
LINE_NUMBERS_MIN = 5  # a margin column of line numbers has at least this many on a page
LINE_NUMBER_ALIGN = 3.0  # points: line numbers are aligned on their right (or left) edge
LINE_NUMBER_GAP = 4.0  # points: a line number ends this far left of the text it numbers


def _line_numbers(
    words: list[dict[str, Any]], numbered: list[tuple[str, float]] | None = None
) -> set[int]:
    """``id()`` of the words that number the lines of a manuscript or preprint: integers in the
    left margin, left of where every line's text begins, aligned in one column and increasing
    down the page (every line or every fifth). A table's first column of numbers starts where
    the other lines start, so it is no margin column. A column found is added to
    ``numbered``; on later pages one number in that column is enough."""
    known = numbered[-1] if numbered else None
    least = 1 if known else LINE_NUMBERS_MIN
    lines = _group_lines(words)
    starts: list[float] = []
    firsts: list[tuple[dict[str, Any], dict[str, Any] | None]] = []
    for line in lines:
        ordered = sorted(line.words, key=lambda w: w["x0"])
        head = ordered[0]
        if LINE_NUMBER.fullmatch(str(head["text"])):
            firsts.append((head, ordered[1] if len(ordered) > 1 else None))
            if len(ordered) > 1:
                starts.append(float(ordered[1]["x0"]))
        else:
            starts.append(float(head["x0"]))
    if len(firsts) < least or not starts:
        return set()
    body_left = min(starts)  # line numbers lie left of every line's text
    margin = [
        (head, after)
        for head, after in firsts
        if head["x1"] <= body_left - LINE_NUMBER_GAP
        and (after is None or after["x0"] - head["x1"] >= LINE_NUMBER_GAP)
    ]
    if len(margin) < least:
        return set()
    edges = (
        [known]
        if known
        else [
            (edge, statistics.median(float(head[edge]) for head, _ in margin))
            for edge in ("x1", "x0")
        ]
    )
    for edge, column in edges:
        aligned = [head for head, _ in margin if abs(head[edge] - column) <= LINE_NUMBER_ALIGN]
        if len(aligned) < least:
            continue
        values = [int(head["text"]) for head in sorted(aligned, key=lambda w: w["top"])]
        rising = sum(b > a for a, b in itertools.pairwise(values))
        if rising >= 0.9 * (len(values) - 1):
            if numbered is not None and not known:
                numbered.append((edge, column))
            return {id(head) for head in aligned}
    return set()


def _page_text(page: Any) -> str:
    return _join_items(_page_items(page))


def _on_box(rule: _Rule, box: tuple[float, float, float, float]) -> bool:
    return box[0] - 2 <= rule.x0 and rule.x1 <= box[2] + 2 and box[1] - 2 <= rule.y <= box[3] + 2


def _merge_continued_tables(pages: list[list[_Item]]) -> None:
    """A table whose title says it is continued, or an untitled one, that opens a page with the
    column count of the previous page's last table is that table's continuation: its rows are
    appended there (a repeated header row is dropped)."""
    for k in range(1, len(pages)):
        first = next((item for item in pages[k] if item.is_table), None)
        previous = next((item for item in reversed(pages[k - 1]) if item.table), None)
        if first is None or first.table is None or previous is None or previous.table is None:
            continue
        before = pages[k][: pages[k].index(first)]
        if not first.table.continued or sum(len(item.lines) for item in before) > 3:
            continue
        if any(default_rules().first("table_titles", item.lines[0]) for item in before):
            continue  # a new table with its own title
        if first.table.width() != previous.table.width():
            continue
        head = previous.table.header
        previous.table.rows.extend(
            row for row in first.table.rows if not (head and _same_row(row, head))
        )
        previous.lines = previous.table.lines()
        pages[k].remove(first)


def _close_sentences_around_floats(pages: list[list[_Item]]) -> None:
    """A table set inside a paragraph (mid-column, or at the top of the next page) splits a
    sentence: the text after the table (and its notes) that goes on in lower case is moved
    before the table."""
    for k, items in enumerate(pages):
        i = 1
        while i < len(items):
            j = _after_float(items, i)
            if j is not None and _continues_sentence(items[i - 1], items[j]):
                items.insert(i, items.pop(j))
            i += 1
        if k == 0 or not pages[k - 1]:
            continue
        heads = 0
        while heads < len(items) and _is_running_head(items[heads]):
            heads += 1
        j = _after_float(items, heads)
        if j is not None and _continues_sentence(pages[k - 1][-1], items[j]):
            pages[k - 1].append(items.pop(j))


def _is_running_head(item: _Item) -> bool:
    return not item.is_table and len(item.lines) == 1 and len(item.lines[0]) <= 80


def _after_float(items: list[_Item], i: int) -> int | None:
    """When a table starts at ``i``: the index of the first text after it and its notes."""
    if i >= len(items) or not items[i].is_table:
        return None
    rules = default_rules()
    j = i
    while j < len(items) and (
        items[j].is_table or rules.first("table_footnotes", items[j].lines[0])
    ):
        j += 1
    return j if j < len(items) else None


def _continues_sentence(before: _Item, after: _Item) -> bool:
    if before.is_table or after.is_table or not before.lines or not after.lines:
        return False
    first = after.lines[0].lstrip()
    return bool(first) and first[0].islower() and _runs_on(before, after)


def _same_row(row: Sequence[str], other: Sequence[str]) -> bool:
    def norm(cells: Sequence[str]) -> list[str]:
        return [" ".join(c.split()).casefold() for c in cells if c]

    return norm(row) == norm(other)


_HYPHENATED = re.compile(r"(?<![\w-])([^\W\d_]{2,})-[\n\u2028]([^\W\d_A-Z][^\W\d_]*)")
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")


def dehyphenate(text: str) -> str:
    """Join words broken at a line end (``sep-`` / ``arate`` -> ``separate``): the line and the
    next become one. The hyphen stays when the document writes the word with a hyphen
    elsewhere (``dementia-free``) and not without; table rows (with ``|``) are left alone.

    The result is the document text that records point into, so nothing else maps offsets.
    """
    words = {match.group(0).casefold() for match in _WORD.finditer(text)}

    def join(match: re.Match[str]) -> str:
        head, tail = match.group(1), match.group(2)
        line_end = text.find("\n", match.end())
        if "|" in text[match.end() : line_end if line_end != -1 else len(text)]:
            return match.group(0)
        hyphenated = f"{head}-{tail}".casefold()
        if hyphenated in words and f"{head}{tail}".casefold() not in words:
            return f"{head}-{tail}"
        return f"{head}{tail}"

    return _HYPHENATED.sub(join, text)


def _ruled_table(table: Any) -> _TextTable | None:
    """A grid table as rows of cells (its first row the header); its title, if any, is a line
    of text above it, so by itself it may continue a table of the previous page."""
    stacked = _split_stacked_rows(table.extract())
    rows = [[" ".join(cell.split()) for cell in row] for row in stacked]
    rows = [row for row in rows if any(row)]
    if not rows:
        return None
    return _TextTable(
        bbox=table.bbox,
        caption=None,
        header=rows[0] if len(rows) > 1 else None,
        rows=rows[1:] if len(rows) > 1 else rows,
        word_ids=set(),
        continued=True,
    )


def _is_table(table: Any) -> bool:
    rows = table.rows
    return len(rows) >= 2 and max((len(row.cells) for row in rows), default=0) >= 2


def _inside(word: dict[str, Any], box: tuple[float, float, float, float]) -> bool:
    x = (word["x0"] + word["x1"]) / 2
    y = (word["top"] + word["bottom"]) / 2
    return box[0] - 1 <= x <= box[2] + 1 and box[1] - 1 <= y <= box[3] + 1


def _split_stacked_rows(rows: Iterable[Sequence[str | None]]) -> list[list[str]]:
    """A row whose filled cells all hold the same number (> 1) of lines is several table rows
    drawn without rules between them; any other multi-line cell is one wrapped cell."""
    out: list[list[str]] = []
    for row in rows:
        cells = [(cell or "").split("\n") for cell in row]
        heights = {len(lines) for lines, cell in zip(cells, row, strict=True) if cell}
        if len(heights) == 1 and (height := heights.pop()) > 1:
            for index in range(height):
                out.append([lines[index] if len(lines) == height else "" for lines in cells])
        else:
            out.append([" ".join(lines) for lines in cells])
    return out


def _render_table(rows: Iterable[Sequence[str | None]]) -> tuple[str, ...]:
    cleaned = [[" ".join(cell.split()) for cell in row] for row in _split_stacked_rows(rows)]
    cleaned = [row for row in cleaned if any(row)]
    if not cleaned:
        return ()
    width = max(len(row) for row in cleaned)
    out = [" ".join(f"{cell} |" if cell else "|" for cell in cleaned[0])]
    if len(cleaned) > 1:
        out.append("---|" * width)
    out.extend(" ".join(f"{cell} |" if cell else "|" for cell in row) for row in cleaned[1:])
    return tuple(out)


def _group_lines(words: list[dict[str, Any]]) -> list[_Line]:
    """Words into lines: a word joins the current line when their tops are close or it overlaps
    the line vertically by 30% of the smaller height (superscripts, subscripts, mixed sizes)."""
    lines: list[_Line] = []
    reference: tuple[float, float] = (0.0, 0.0)  # the box of the line's first word
    for word in sorted(words, key=lambda w: (w["top"], w["x0"])):
        if lines:
            line = lines[-1]
            ref_top, ref_bottom = reference
            height = max(min(word["bottom"] - word["top"], ref_bottom - ref_top), 0.1)
            overlap = min(word["bottom"], ref_bottom) - max(word["top"], ref_top)
            if word["top"] - ref_top <= LINE_TOLERANCE or overlap >= 0.3 * height:
                line.words.append(word)
                line.bottom = max(line.bottom, word["bottom"])
                continue
        lines.append(_Line(top=word["top"], bottom=word["bottom"], words=[word]))
        reference = (word["top"], word["bottom"])
    return lines


def _find_gutter(lines: list[_Line], width: float) -> tuple[float, float] | None:
    """The widest strip in the middle of the page crossed by the fewest lines, if it splits
    enough lines into a left and a right column; None for a one-column page."""
    if len(lines) < 2 * MIN_COLUMN_LINES:
        return None
    lo, hi = int(width * MIDDLE[0]), int(width * MIDDLE[1])
    if hi <= lo:
        return None
    occupancy = [0] * (hi - lo)
    for line in lines:
        covered = [False] * (hi - lo)
        for word in line.words:  # x is covered when the strip [x, x + MIN_GUTTER) hits a word
            start = max(int(word["x0"] - MIN_GUTTER) + 1, lo)
            end = min(int(word["x1"]) + 1, hi)
            for x in range(start, end):
                covered[x - lo] = True
        for index, hit in enumerate(covered):
            occupancy[index] += hit
    fewest = min(occupancy)
    best: tuple[int, int] | None = None
    start = None
    for index, count in enumerate([*occupancy, fewest + 1]):
        if count == fewest and start is None:
            start = index
        elif count != fewest and start is not None:
            if best is None or index - start > best[1] - best[0]:
                best = (start, index)
            start = None
    if best is None:
        return None
    g0, g1 = float(lo + best[0]), float(lo + best[1] - 1) + MIN_GUTTER
    free = [line for line in lines if not _crosses(line, g0, g1)]
    if len(free) < MIN_COLUMN_SHARE * len(lines):
        return None
    left = _extents([w for w in line.words if w["x1"] <= g0 + 1] for line in free)
    right = _extents([w for w in line.words if w["x0"] >= g1 - 1] for line in free)
    if len(left) < MIN_COLUMN_LINES or len(right) < MIN_COLUMN_LINES:
        return None
    if not (_looks_like_column(left) and _looks_like_column(right)):
        return None  # narrow cells: an unruled table, not text columns
    # the margins where most lines start and end: a stray word (a long URL run past the edge,
    # a margin note) does not move them
    left_margin = _quantile([x0 for x0, _ in left], MARGIN_QUANTILE)
    right_margin = width - _quantile([x1 for _, x1 in right], 1 - MARGIN_QUANTILE)
    if abs(left_margin - right_margin) > COLUMN_SYMMETRY * width:
        return None  # text columns share the page's margins; a table's columns need not
    return g0, g1


def _quantile(values: Sequence[float], share: float) -> float:
    """The value below which ``share`` of ``values`` lie (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))]


def _extents(parts: Iterable[list[dict[str, Any]]]) -> list[tuple[float, float]]:
    return [(min(w["x0"] for w in p), max(w["x1"] for w in p)) for p in parts if p]


def _looks_like_column(extents: list[tuple[float, float]]) -> bool:
    """Most lines of a text column fill most of its width, or are the short last line of a
    paragraph or reference entry that did (a line under a full one, starting near the column's
    left edge): a reference list of two-line entries is a column; narrow cells are not."""
    start = _quantile([x0 for x0, _ in extents], MARGIN_QUANTILE)
    end = _quantile([x1 for _, x1 in extents], 1 - MARGIN_QUANTILE)  # not a stray word's end
    span = max(end - start, 1.0)
    full = 0
    above_full = False
    for x0, x1 in extents:
        fills = x1 - x0 >= COLUMN_FILL * span
        if fills or (above_full and x0 - start <= COLUMN_INDENT * span):
            full += 1
        above_full = fills
    return full >= COLUMN_FULL_SHARE * len(extents)


def _crosses(line: _Line, g0: float, g1: float) -> bool:
    return any(word["x0"] < g1 - 0.5 and word["x1"] > g0 + 0.5 for word in line.words)


_Payload = _Line | tuple[tuple[str, ...], Any]
_Entry = tuple[float, float, int | None, _Payload]


def _reading_order(
    lines: list[_Line],
    tables: list[tuple[tuple[float, float, float, float], tuple[str, ...], Any]],
    gutter: tuple[float, float] | None,
) -> list[_Item]:
    """Items in reading order: full-width runs in page order, each column band left first.

    A line on one side of the gutter right under a full-width line, with nothing beside it, is
    that paragraph's short last line (or a title's second line), not the start of a column."""
    # Entries: (top, bottom, side, payload); side None = full width, 0 = left, 1 = right.
    entries: list[_Entry] = []
    middle = (gutter[0] + gutter[1]) / 2 if gutter else 0.0
    previous_full: _Line | None = None
    for index, line in enumerate(lines):
        if (
            gutter is None
            or _crosses(line, *gutter)
            or _ends_full_block(line, previous_full, middle)
            or (index == 0 and _stands_alone(line, lines[1:2]))
        ):
            entries.append((line.top, line.bottom, None, line))
            previous_full = line
            continue
        previous_full = None
        for side in (0, 1):
            words = [w for w in line.words if ((w["x0"] + w["x1"]) / 2 >= middle) == bool(side)]
            if words:
                part = _Line(line.top, max(w["bottom"] for w in words), words)
                entries.append((line.top, part.bottom, side, part))
    for box, rendered, table in tables:
        if gutter is None or (box[0] < gutter[1] and box[2] > gutter[0]):
            side = None
        else:
            side = 0 if box[2] <= middle else 1
        entries.append((box[1], box[3], side, (rendered, table)))
    entries.sort(key=lambda entry: (entry[0], entry[2] or 0))

    items: list[_Item] = []
    band: list[_Entry] = []

    def flush_band() -> None:
        for side in (0, 1):
            items.extend(_stream_items([e for e in band if e[2] == side]))
        band.clear()

    full: list[_Entry] = []
    for entry in entries:
        if entry[2] is None:
            flush_band()
            full.append(entry)
        else:
            if full:
                items.extend(_stream_items(full))
                full = []
            band.append(entry)
    flush_band()
    items.extend(_stream_items(full))
    return items


def _ends_full_block(line: _Line, previous: _Line | None, middle: float) -> bool:
    if previous is None:
        return False
    height = max(line.bottom - line.top, 1.0)
    one_side = {(w["x0"] + w["x1"]) / 2 >= middle for w in line.words}
    return len(one_side) == 1 and 0 <= line.top - previous.bottom < 0.8 * height


SOFT_BREAK = "\u2028"  # a line wrapped inside a paragraph: a space in the output text
WRAP_SLACK = 0.15  # a line ending this share of the column's width short of its right edge ends
_RUN_IN_LABEL = re.compile(r"^(?:[A-Z][\w'’-]*)(?: [\w'’-]+){0,3}:\s")  # "Methods: ..."


def _wrapped(line: _Line, following: _Line, left: float, right: float) -> bool:
    """The line was wrapped: it reaches the column's right edge and the next one goes on: not
    a run-in label (``Results: ...``), not a heading (another type size, or a short line
    without punctuation after a sentence's end)."""
    end = max(w["x1"] for w in line.words)
    if end < right - WRAP_SLACK * (right - left) or _RUN_IN_LABEL.match(following.text):
        return False
    if abs(_height(following) - _height(line)) > 0.15 * _height(line):
        return False
    short = max(w["x1"] for w in following.words) < right - WRAP_SLACK * (right - left)
    text = following.text.rstrip()
    return not (short and line.text.rstrip().endswith((".", ":")) and not text.endswith(_ENDS))


_ENDS = (".", ",", ";", ":", "!", "?", ")")


def _height(line: _Line) -> float:
    return statistics.median(w["bottom"] - w["top"] for w in line.words)


def _stands_alone(line: _Line, following: list[_Line]) -> bool:
    """A page's top line set apart from what follows (a running header on one side)."""
    height = max(line.bottom - line.top, 1.0)
    return not following or following[0].top - line.bottom > height


def _stream_items(entries: list[_Entry]) -> list[_Item]:
    """Consecutive lines of one column (or of full width) as paragraphs, tables on their own."""
    items: list[_Item] = []
    run: list[_Line] = []

    def flush_run() -> None:
        if not run:
            return
        pitches = [b.top - a.top for a, b in itertools.pairwise(run) if b.top > a.top]
        pitch = statistics.median(pitches) if pitches else 0.0
        right = max(w["x1"] for line in run for w in line.words)
        left = min(w["x0"] for line in run for w in line.words)
        paragraph: list[str] = [run[0].text]
        top = run[0].top
        for previous, line in itertools.pairwise(run):
            step = line.top - previous.top
            # double-spaced text (manuscripts) leaves a line's height between its lines: a gap
            # at the run's usual pitch is no blank line
            regular = (
                len(pitches) >= MIN_COLUMN_LINES
                and step <= REGULAR_PITCH * pitch
                and abs(_height(line) - _height(previous)) <= 0.2 * _height(previous)
            )
            blank = line.top - previous.bottom > max(_height(line), _height(previous))
            if (blank and not regular) or (pitch and step > PARAGRAPH_GAP * pitch):
                items.append(_Item(top, previous.bottom, tuple(paragraph)))
                paragraph, top = [], line.top
                paragraph.append(line.text)
            elif _wrapped(previous, line, left, right):
                paragraph[-1] += SOFT_BREAK + line.text
            else:
                paragraph.append(line.text)
        items.append(_Item(top, run[-1].bottom, tuple(paragraph)))
        run.clear()

    for top, bottom, _side, payload in entries:
        if isinstance(payload, _Line):
            run.append(payload)
        else:
            flush_run()
            rendered, table = payload
            if rendered:
                items.append(_Item(top, bottom, rendered, is_table=True, table=table))
    flush_run()
    return items


def _join_items(items: list[_Item]) -> str:
    """Items separated by blank lines, except a paragraph broken by a column or page end."""
    parts: list[str] = []
    previous: _Item | None = None
    for item in items:
        if not item.lines:
            continue
        if previous is not None:
            joined = _runs_on(previous, item)
            parts.append(SOFT_BREAK if joined else "\n\n")
        parts.append("\n".join(item.lines))
        previous = item
    return "".join(parts)


MIN_RUN_ON_LINE = 25  # characters: a shorter last line ends a paragraph (or is a heading)


def _runs_on(previous: _Item, item: _Item) -> bool:
    """The previous text ends mid-sentence on a full line and the next text goes on with
    prose: one paragraph across a column or page end."""
    if previous.is_table or item.is_table:
        return False
    return _runs_on_text(previous.lines[-1], item.lines[0])


def _runs_on_text(last: str, first: str) -> bool:
    last, first = last.split(SOFT_BREAK)[-1].strip(), first.split(SOFT_BREAK)[0].strip()
    if min(len(last), len(first)) < MIN_RUN_ON_LINE or "|" in last or "|" in first:
        return False
    if not (last[-1].isalpha() or last[-1] in ",;(-–"):
        return False
    rules = default_rules()
    if rules.first("table_titles", first) or rules.first("figure_captions", first):
        return False
    return first[0].isalnum() or first[0] == "("


# -- tables without vertical rules ---------------------------------------------------------------
#
# Journals print most tables with horizontal rules only (booktabs: a top rule, a rule under the
# column headers, a bottom rule; sometimes short rules under spanning headers) or with no rules.
# Such a table is found from its title ("Table 2. ...") or from a pair of rules of one width
# enclosing lines with aligned gaps; its cells come from word positions:
#
# * column separators are x ranges that no word of the body rows covers (a word over a
#   separator in a minority of rows is a spanning or overflowing cell);
# * the header is what lies above the rule under it (or above the first row with numbers); a
#   header word over several columns (a spanning header, often underlined by a short rule)
#   belongs to each of them, and each column's header reads its header lines top down;
# * a label-only line before or after a row is the row label's wrapped part when it starts in
#   lower case or the previous part ends in a hyphen, a comma or a continuation word;
#   otherwise it is a row of its own (a group heading such as "Alcohol use").


@dataclass(frozen=True)
class _Rule:
    x0: float
    x1: float
    y: float

    def same_width(self, other: _Rule, slack: float = 15.0) -> bool:
        return abs(self.x0 - other.x0) <= slack and abs(self.x1 - other.x1) <= slack


@dataclass
class _TextTable:
    """A table read from word positions, before rendering."""

    bbox: tuple[float, float, float, float]
    caption: str | None
    header: list[str] | None
    rows: list[list[str]]
    word_ids: set[int]
    continued: bool = False

    def width(self) -> int:
        return max([len(self.header or [])] + [len(row) for row in self.rows])

    def lines(self) -> tuple[str, ...]:
        out: list[str] = [self.caption] if self.caption else []
        width = self.width()
        if self.header and any(self.header):
            out.append(_pipe_row(self.header, width))
            out.append("---|" * width)
        out.extend(_pipe_row(row, width) for row in self.rows if any(row))
        return tuple(out)


def _pipe_row(cells: Sequence[str], width: int) -> str:
    padded = [*cells, *[""] * (width - len(cells))]
    return " ".join(f"{cell} |" if cell else "|" for cell in padded)


RULE_TEXT = re.compile(r"^[.·…_\-–—=]{12,}$")  # a rule drawn with characters (dots, dashes)
CONTINUED = re.compile(r"\(\s*cont(?:inued|'d|\.)?\s*\)|\bcontinued\b", re.IGNORECASE)
CONTINUES = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "of",
        "in",
        "on",
        "at",
        "to",
        "for",
        "with",
        "without",
        "by",
        "from",
        "vs",
        "vs.",
        "versus",
        "per",
    ]
)
MIN_RULE_WIDTH = 60.0  # points: shorter horizontal lines are underlines, not table rules
CELL_GAP = 0.55  # a gap over this share of the body's text height separates two cells
MAX_CROSSING = 0.15  # share of body rows whose words may lie over a column separator
CAPTION_TO_RULE = 45.0  # points: a top rule this close under a title belongs to its table
TABLE_LINE_GAP = 3.0  # an unruled table ends at a gap over this many line heights
_NUMERIC_CELL = re.compile(r"^[<>≤≥~±+−–-]?\s?[.(]?\d")


def _rules(page: Any) -> list[_Rule]:
    """Horizontal rules of the page (lines and hairline rectangles), merged when they overlap."""
    found: list[_Rule] = []
    for line in page.lines:
        if abs(line["top"] - line["bottom"]) < 1.0:
            found.append(_Rule(float(line["x0"]), float(line["x1"]), float(line["top"])))
    for rect in page.rects:
        if rect["bottom"] - rect["top"] < 2.5:
            y = (rect["top"] + rect["bottom"]) / 2
            found.append(_Rule(float(rect["x0"]), float(rect["x1"]), float(y)))
    merged: list[_Rule] = []
    for rule in sorted(found, key=lambda r: (round(r.y), r.x0)):
        last = merged[-1] if merged else None
        if last and abs(last.y - rule.y) < 1.5 and rule.x0 <= last.x1 + 2:
            merged[-1] = _Rule(min(last.x0, rule.x0), max(last.x1, rule.x1), last.y)
        else:
            merged.append(rule)
    return [rule for rule in merged if rule.x1 - rule.x0 >= 20.0]


def _is_rule_text(line: _Line) -> bool:
    return bool(RULE_TEXT.match(line.text.replace(" ", "")))


def _segments(words: list[dict[str, Any]], gap: float) -> list[list[dict[str, Any]]]:
    """Words of one line (left to right) cut where the space between two words exceeds gap."""
    out: list[list[dict[str, Any]]] = []
    for word in sorted(words, key=lambda w: w["x0"]):
        if out and word["x0"] - out[-1][-1]["x1"] <= gap:
            out[-1].append(word)
        else:
            out.append([word])
    return out


def _seg_text(segment: list[dict[str, Any]]) -> str:
    return _Line(0.0, 0.0, list(segment)).text


def _seg_box(segment: list[dict[str, Any]]) -> tuple[float, float]:
    return min(w["x0"] for w in segment), max(w["x1"] for w in segment)


def _text_tables(
    words: list[dict[str, Any]],
    rules: list[_Rule],
    width: float,
    gutter: tuple[float, float] | None,
) -> list[_TextTable]:
    """Tables printed without vertical rules: titled ones, then untitled ones between rules.
    Words carry an ``_id``; each table names the words it took."""
    section_rules = default_rules()
    lines = _group_lines(words)
    tables: list[_TextTable] = []
    used: set[int] = set()
    heights = [line.bottom - line.top for line in lines]
    height = statistics.median(heights) if heights else 10.0
    for line in lines:
        for segment in _segments(line.words, max(1.5 * height, 12.0)):
            text = _seg_text(segment)
            if not section_rules.first("table_titles", text) or segment[0]["_id"] in used:
                continue
            table = _titled_table(lines, segment, rules, width, gutter, section_rules)
            if table is not None and not (table.word_ids & used):
                tables.append(table)
                used |= table.word_ids
    free = [r for r in rules if not any(_on_box(r, table.bbox) for table in tables)]
    for top, bottom in _rule_pairs(free):
        inside = [w for w in words if _in_band(w, top, bottom)]
        if len(inside) < 4 or any(w["_id"] in used for w in inside):
            continue
        body = _group_lines(inside)
        if any(_is_prose(line, top.x0, top.x1) for line in body):
            continue
        table = _build_table(body, rules, top.y, bottom.y, caption=None)
        if table is not None and len(table.rows) >= 2:
            table.bbox = (top.x0, top.y, top.x1, bottom.y)
            table.word_ids = {w["_id"] for w in inside}
            table.continued = True
            tables.append(table)
            used |= table.word_ids
    return tables


def _in_band(word: dict[str, Any], top: _Rule, bottom: _Rule) -> bool:
    x = (word["x0"] + word["x1"]) / 2
    return top.x0 - 2 <= x <= top.x1 + 2 and top.y < word["top"] and word["bottom"] < bottom.y


def _rule_pairs(rules: list[_Rule]) -> list[tuple[_Rule, _Rule]]:
    """Long rules of one width, first and last of a run: the top and bottom of an untitled
    table (the rules between them are its header rule)."""
    long = sorted((r for r in rules if r.x1 - r.x0 >= MIN_RULE_WIDTH * 2), key=lambda r: r.y)
    pairs: list[tuple[_Rule, _Rule]] = []
    taken: set[int] = set()
    for i, top in enumerate(long):
        if i in taken:
            continue
        same = [j for j in range(i + 1, len(long)) if long[j].same_width(top)]
        if same:
            pairs.append((top, long[same[-1]]))
            taken.update([i, *same])
    return pairs


def _titled_table(
    lines: list[_Line],
    title: list[dict[str, Any]],
    rules: list[_Rule],
    width: float,
    gutter: tuple[float, float] | None,
    section_rules: Any,
) -> _TextTable | None:
    t_x0, t_x1 = _seg_box(title)
    t_top = min(w["top"] for w in title)
    t_bottom = max(w["bottom"] for w in title)
    t_height = t_bottom - t_top
    below = [r for r in rules if t_bottom - 2 < r.y < t_bottom + CAPTION_TO_RULE]
    top_rule = next(
        (r for r in below if r.x1 - r.x0 >= MIN_RULE_WIDTH * 2 and r.x0 <= t_x0 + 10), None
    )
    if top_rule is not None and any(  # column heads above it: the rule under the header
        _is_tabular(line)
        for line in lines
        if t_bottom - 1 < line.top
        and line.bottom < top_rule.y
        and any(top_rule.x0 - 3 <= w["x0"] <= top_rule.x1 for w in line.words)
    ):
        top_rule = None
    if top_rule is not None:
        x0, x1 = top_rule.x0, top_rule.x1
    elif gutter is not None and t_x1 <= gutter[0] + 1:
        x0, x1 = 0.0, gutter[0]  # a table in the left column
    elif gutter is not None and t_x0 >= gutter[1] - 1:
        x0, x1 = gutter[1], width
    else:
        x0, x1 = 0.0, width
    # words in the table's column, below the title line
    region = [
        w
        for line in lines
        for w in line.words
        if line.top >= t_top - 1 and x0 - 3 <= (w["x0"] + w["x1"]) / 2 <= x1 + 3
    ]
    region_lines = _group_lines(region)
    caption_words = list(title)
    # the title's own line and its wrapped lines (down to the top rule, if any)
    start = -1
    for line in region_lines:
        start += 1
        if line.top < t_bottom - 1:
            continue  # the title's own line
        if top_rule is not None:
            if line.top < top_rule.y:
                caption_words.extend(line.words)
                continue
            break
        previous_bottom = max(w["bottom"] for w in caption_words)
        gap = line.top - previous_bottom
        segments = _segments(line.words, max(1.5 * t_height, 12.0))
        if len(segments) == 1 and gap < 0.8 * t_height and not _is_rule_text(line):
            caption_words.extend(line.words)
            continue
        break
    else:
        return None
    caption = " ".join(" ".join(ln.text for ln in _group_lines(caption_words)).split())
    caption_bottom = max(w["bottom"] for w in caption_words)
    body_top = top_rule.y if top_rule is not None else caption_bottom
    bottom_y: float | None = None
    if top_rule is not None:
        bottom_y = _bottom_rule(region_lines[start:], rules, top_rule)
    body: list[_Line] = []
    previous: _Line | None = None
    for line in region_lines[start:]:
        if bottom_y is not None:
            if line.top >= bottom_y:
                break
        else:
            text = line.text
            line_height = max(line.bottom - line.top, 1.0)
            if previous is not None and line.top - previous.bottom > TABLE_LINE_GAP * line_height:
                break
            if section_rules.first("table_footnotes", text) or section_rules.first(
                "figure_captions", text
            ):
                break
            if section_rules.first("table_titles", text):
                break
            if body and _is_prose(line, x0, x1):
                break
        body.append(line)
        previous = line
    if not body:
        return None
    table = _build_table(body, rules, body_top, bottom_y, caption=caption)
    if table is None:
        return None
    right = max([x1 if top_rule is not None else 0.0] + [w["x1"] for ln in body for w in ln.words])
    bottom = bottom_y if bottom_y is not None else max(ln.bottom for ln in body)
    table.bbox = (min(x0, t_x0), t_top, right, bottom)
    table.word_ids = {w["_id"] for w in caption_words} | {w["_id"] for ln in body for w in ln.words}
    table.continued = bool(CONTINUED.search(caption))
    return table


def _bottom_rule(lines: list[_Line], rules: list[_Rule], top: _Rule) -> float | None:
    """The rule ending a booktabs table: the first rule of the top rule's width after which
    the text is no longer tabular (a note, prose or nothing)."""
    same = sorted((r for r in rules if r.y > top.y + 2 and r.same_width(top)), key=lambda r: r.y)
    for rule in same:
        after = [ln for ln in lines if ln.top > rule.y]
        if not after or not _is_tabular(after[0]) or after[0].top - rule.y > 30:
            return rule.y
    return same[-1].y if same else None


def _is_tabular(line: _Line) -> bool:
    height = max(line.bottom - line.top, 1.0)
    return len(_segments(line.words, max(CELL_GAP * height * 1.8, 6.0))) >= 2


def _is_prose(line: _Line, x0: float, x1: float) -> bool:
    """A line of running text: one run of many words, over most of the table's width or
    ending a sentence."""
    height = max(line.bottom - line.top, 1.0)
    segments = _segments(line.words, max(CELL_GAP * height * 1.8, 6.0))
    if len(segments) != 1 or len(segments[0]) < 6:
        return False
    s0, s1 = _seg_box(segments[0])
    text = _seg_text(segments[0])
    return s1 - s0 >= 0.75 * (x1 - x0) or len(segments[0]) >= 10 or text.endswith((".", ":"))


def _build_table(
    body: list[_Line],
    rules: list[_Rule],
    top: float,
    bottom: float | None,
    *,
    caption: str | None,
) -> _TextTable | None:
    lines = [line for line in body if not _is_rule_text(line)]
    if len(lines) < 2:
        return None
    heights = [w["bottom"] - w["top"] for line in lines for w in line.words]
    gap = max(CELL_GAP * statistics.median(heights), 4.0)
    # header: above the rule under the column heads, else above the first row with numbers
    low = bottom if bottom is not None else float("inf")
    span = max(w["x1"] for ln in lines for w in ln.words) - min(
        w["x0"] for ln in lines for w in ln.words
    )
    mid = [  # a rule across the table (not one under a spanning head)
        r.y for r in rules if top + 2 < r.y < low - 2 and r.x1 - r.x0 >= 0.8 * span
    ] + [line.top for line in body if _is_rule_text(line)]
    first_data = next(
        (
            i
            for i, line in enumerate(lines)
            if any(_NUMERIC_CELL.match(_seg_text(seg)) for seg in _segments(line.words, gap)[1:])
        ),
        None,
    )
    if first_data is None:
        return None
    split = first_data
    if mid:
        rule_y = min(mid)
        above = [i for i, line in enumerate(lines) if line.bottom <= rule_y + 1]
        if above and len(above) < len(lines) and len(above) <= first_data + 1:
            split = len(above)
    header_lines, data_lines = lines[:split], lines[split:]
    separators = _separators(data_lines, gap)
    if not separators:
        return None
    while data_lines and len(_segments(data_lines[-1].words, gap)) == 1:
        s0, s1 = _seg_box(data_lines[-1].words)
        if not any(s0 < sep < s1 for sep in separators):
            break
        data_lines = data_lines[:-1]  # running text after the table
    if not data_lines:
        return None
    body[:] = [line for line in body if line.top <= data_lines[-1].top]
    slots = len(separators) + 1
    rows = _rows(data_lines, separators, gap)
    if sum(1 for row in rows if sum(1 for c in row[1:] if c) >= 1) < 1:
        return None
    left = min(w["x0"] for line in data_lines for w in line.words)
    right = max(w["x1"] for line in data_lines for w in line.words)
    partial = [  # short rules under spanning heads, not the rules across the table
        r for r in rules if top - 2 < r.y < low and r.x1 - r.x0 < 0.8 * (right - left)
    ]
    header = _header(header_lines, separators, gap, partial) if header_lines else None
    if header is not None and len(header) < slots:
        header += [""] * (slots - len(header))
    return _TextTable(
        bbox=(0.0, 0.0, 0.0, 0.0), caption=caption, header=header, rows=rows, word_ids=set()
    )


def _separators(lines: list[_Line], gap: float) -> list[float]:
    """x positions between columns: empty strips (of at least ``gap``) in nearly all rows."""
    boxes = [[_seg_box(seg) for seg in _segments(line.words, gap)] for line in lines]
    boxes = [b for b in boxes if len(b) >= 2]  # label-only lines and spanning text aside
    multi = boxes
    if not multi:
        return []
    lo = int(min(b[0][0] for b in multi))
    hi = int(max(b[-1][1] for b in multi)) + 1
    coverage = [0] * (hi - lo + 1)
    for row in boxes:
        for s0, s1 in row:
            for x in range(max(int(s0), lo), min(int(s1) + 1, hi + 1)):
                coverage[x - lo] += 1
    allowed = int(MAX_CROSSING * len(boxes))
    separators: list[float] = []
    start: int | None = None
    for x, count in enumerate([*coverage, allowed + 1]):
        if count <= allowed and start is None:
            start = x
        elif count > allowed and start is not None:
            if x - start >= gap and start > 0 and x < len(coverage):
                separators.append(lo + (start + x) / 2)
            start = None
    return separators


def _slot(s0: float, s1: float, separators: list[float]) -> int:
    centre = (s0 + s1) / 2
    crossing = any(s0 < sep - 2 and s1 > sep + 2 for sep in separators)
    x = s0 if crossing else centre
    return sum(1 for sep in separators if x > sep)


def _cells(line: _Line, separators: list[float], gap: float) -> list[str]:
    cells = [""] * (len(separators) + 1)
    for seg in _segments(line.words, gap):
        s0, s1 = _seg_box(seg)
        slot = _slot(s0, s1, separators)
        cells[slot] = f"{cells[slot]} {_seg_text(seg)}".strip()
    return cells


def _continues(text: str) -> bool:
    """A wrapped cell goes on: it ends in a hyphen, a comma, an open bracket or a small word."""
    stripped = text.rstrip()
    if not stripped:
        return False
    if stripped[-1] in "-–,(/":
        return True
    return stripped.split()[-1].casefold() in CONTINUES


def _rows(lines: list[_Line], separators: list[float], gap: float) -> list[list[str]]:
    rows: list[list[str]] = []
    pending: list[str] | None = None  # a label-only row that may be the first part of a label
    for line in lines:
        cells = _cells(line, separators, gap)
        label, values = cells[0], cells[1:]
        has_values = any(values)
        previous = rows[-1] if rows else None
        if label and not has_values:
            if (
                previous is not None
                and previous is not pending
                and any(previous[1:])
                and (label[0].islower() or _continues(previous[0]))
            ):
                previous[0] = _join_label(previous[0], label)  # the label's wrapped end
                continue
            rows.append(cells)
            pending = cells
            continue
        if (
            label
            and has_values
            and pending is not None
            and previous is pending
            and (label[0].islower() or _continues(pending[0]))
        ):
            pending[1:] = values  # the wrapped label's last line carries the values
            pending[0] = _join_label(pending[0], label)
            pending = None
            continue
        if not label and has_values and previous is not None:
            filled = [i for i, cell in enumerate(values, 1) if cell]
            if all(previous[i] and _continues(previous[i]) for i in filled):
                for i in filled:
                    previous[i] = _join_label(previous[i], cells[i])
                continue
        rows.append(cells)
        pending = None
    return rows


def _join_label(first: str, second: str) -> str:
    if first.endswith("-") and second[:1].islower():
        return first + second
    return f"{first} {second}"


def _header(
    lines: list[_Line], separators: list[float], gap: float, partial: list[_Rule]
) -> list[str]:
    """Each column's header lines read top down; a spanning head belongs to every column under
    it (its extent widened to a short rule drawn under it)."""
    slots = len(separators) + 1
    bounds = [-1e9, *separators, 1e9]
    parts: list[list[str]] = [[] for _ in range(slots)]
    for line in lines:
        for seg in _segments(line.words, gap):
            s0, s1 = _seg_box(seg)
            s_bottom = max(w["bottom"] for w in seg)
            for rule in partial:
                if (
                    s_bottom - 2 <= rule.y <= s_bottom + 12
                    and rule.x0 - 3 <= s0
                    and s1 <= rule.x1 + 3
                ):
                    s0, s1 = min(s0, rule.x0), max(s1, rule.x1)
                    break
            text = _seg_text(seg)
            crossing = [sep for sep in separators if s0 < sep - 2 and s1 > sep + 2]
            if not crossing:
                parts[_slot(s0, s1, separators)].append(text)
                continue
            for slot in range(slots):
                lo, hi = bounds[slot], bounds[slot + 1]
                if min(s1, hi) - max(s0, lo) > 4:
                    parts[slot].append(text)
    return [" ".join(p) for p in parts]
