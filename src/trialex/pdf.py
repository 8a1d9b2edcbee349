"""PDF to plain text with pdfplumber: reading order across columns, ruled tables as pipe tables.

Per page:

1. ruled tables are found with pdfplumber's table finder (``Page.find_tables``); each becomes a
   pipe table (``cell | cell |`` lines, a ``---|---|`` line after the first row) and the words
   inside its area are not repeated in the prose;
2. the other words are grouped into lines; a column gutter is an empty vertical strip in the
   middle half of the page that many lines do not cross. Lines that cross it are full-width
   (titles, abstracts, wide figures); between two full-width blocks, the left column is read
   before the right one, so two-column pages are not interleaved line by line;
3. a vertical gap clearly larger than the line pitch becomes a blank line (paragraph break).

Running headers and footers (page numbers; lines repeated, digits aside, at the top or bottom of
at least half the pages) are dropped. Pages are joined with blank lines.

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

logger = logging.getLogger(__name__)

__all__ = ["PdfText", "extract_pdf", "pdf_to_text"]

MIN_GUTTER = 5.0  # points: narrower empty strips are word spaces, not a gutter
MIDDLE = (0.25, 0.75)  # where a two-column gutter may lie, as fractions of the page width
MIN_COLUMN_LINES = 3  # lines needed on each side of a gutter
MIN_COLUMN_SHARE = 0.25  # share of the page's lines that must not cross the gutter
COLUMN_FILL = 0.6  # a line "fills" a column when it spans this share of the column's width
COLUMN_FULL_SHARE = 0.5  # share of a column's lines that must fill it
COLUMN_SYMMETRY = 0.08  # left and right page margins differ by at most this share of the width
LINE_TOLERANCE = 3.0  # points: words whose tops differ by less are on one line
PARAGRAPH_GAP = 1.6  # a gap over this many line pitches is a paragraph break
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


@dataclass(frozen=True)
class _Item:
    """Something placed on a page: a run of text lines or a rendered table."""

    top: float
    bottom: float
    lines: tuple[str, ...]
    is_table: bool = False


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
        texts: list[str] = []
        warnings: list[Flag] = []
        empty: list[int] = []
        for page in pages:
            try:
                text = _page_text(page)
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
            if text.strip():
                texts.append(text)
            else:
                empty.append(page.page_number)
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
        return PdfText(text="\n\n".join(texts), pages=len(pages), warnings=tuple(warnings))


_PAGE_NUMBER = re.compile(r"(?:page\s*)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?", re.IGNORECASE)


def _running_key(line: str) -> str:
    return re.sub(r"\d+", "#", " ".join(line.split()).casefold())


def _drop_running_lines(pages: list[str]) -> list[str]:
    """Remove running headers and footers: among the first and last ``RUNNING_DEPTH`` lines of
    each page, page numbers and lines (digits aside) repeated on enough pages."""
    if len(pages) < 2:
        return pages
    split = [page.split("\n") for page in pages]

    def edges(lines: list[str]) -> set[int]:
        filled = [i for i, line in enumerate(lines) if line.strip()]
        return set(filled[:RUNNING_DEPTH] + filled[-RUNNING_DEPTH:])

    counts: dict[str, int] = {}
    for lines in split:
        for key in {_running_key(lines[i]) for i in edges(lines)}:
            counts[key] = counts.get(key, 0) + 1
    needed = max(RUNNING_MIN_PAGES, math.ceil(RUNNING_SHARE * len(pages)))
    out: list[str] = []
    for lines in split:
        drop = {
            i
            for i in edges(lines)
            if counts[_running_key(lines[i])] >= needed or _PAGE_NUMBER.fullmatch(lines[i].strip())
        }
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


def _page_text(page: Any) -> str:
    tables = [table for table in page.find_tables() if _is_table(table)]
    boxes = [table.bbox for table in tables]
    words = [
        word
        for word in page.extract_words(x_tolerance_ratio=WORD_GAP_RATIO)
        if not any(_inside(word, box) for box in boxes) and str(word["text"]).strip()
    ]
    upright = [word for word in words if word.get("upright", True)]
    rotated = [word for word in words if not word.get("upright", True)]
    lines = _group_lines(upright)
    table_items = [(table.bbox, _render_table(table.extract())) for table in tables]
    gutter = _find_gutter(lines, float(page.width))
    items = _reading_order(lines, table_items, gutter)
    if rotated:
        items.append(_Item(0.0, 0.0, tuple(line.text for line in _group_lines(rotated))))
    return _join_items(items)


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
    for word in sorted(words, key=lambda w: (w["top"], w["x0"])):
        if lines:
            line = lines[-1]
            height = max(min(word["bottom"] - word["top"], line.bottom - line.top), 0.1)
            overlap = min(word["bottom"], line.bottom) - max(word["top"], line.top)
            if word["top"] - line.top <= LINE_TOLERANCE or overlap >= 0.3 * height:
                line.words.append(word)
                line.bottom = max(line.bottom, word["bottom"])
                continue
        lines.append(_Line(top=word["top"], bottom=word["bottom"], words=[word]))
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
    left_margin = min(x0 for x0, _ in left)
    right_margin = width - max(x1 for _, x1 in right)
    if abs(left_margin - right_margin) > COLUMN_SYMMETRY * width:
        return None  # text columns share the page's margins; a table's columns need not
    return g0, g1


def _extents(parts: Iterable[list[dict[str, Any]]]) -> list[tuple[float, float]]:
    return [(min(w["x0"] for w in p), max(w["x1"] for w in p)) for p in parts if p]


def _looks_like_column(extents: list[tuple[float, float]]) -> bool:
    """Most lines of a text column fill most of its width."""
    start = min(x0 for x0, _ in extents)
    end = max(x1 for _, x1 in extents)
    full = sum(1 for x0, x1 in extents if x1 - x0 >= COLUMN_FILL * (end - start))
    return full >= COLUMN_FULL_SHARE * len(extents)


def _crosses(line: _Line, g0: float, g1: float) -> bool:
    return any(word["x0"] < g1 - 0.5 and word["x1"] > g0 + 0.5 for word in line.words)


def _reading_order(
    lines: list[_Line],
    tables: list[tuple[tuple[float, float, float, float], tuple[str, ...]]],
    gutter: tuple[float, float] | None,
) -> list[_Item]:
    """Items in reading order: full-width runs in page order, each column band left first."""
    # Entries: (top, bottom, side, payload); side None = full width, 0 = left, 1 = right.
    entries: list[tuple[float, float, int | None, _Line | tuple[str, ...]]] = []
    middle = (gutter[0] + gutter[1]) / 2 if gutter else 0.0
    for line in lines:
        if gutter is None or _crosses(line, *gutter):
            entries.append((line.top, line.bottom, None, line))
            continue
        for side in (0, 1):
            words = [w for w in line.words if ((w["x0"] + w["x1"]) / 2 >= middle) == bool(side)]
            if words:
                part = _Line(line.top, max(w["bottom"] for w in words), words)
                entries.append((line.top, part.bottom, side, part))
    for box, rendered in tables:
        if gutter is None or (box[0] < gutter[1] and box[2] > gutter[0]):
            side = None
        else:
            side = 0 if box[2] <= middle else 1
        entries.append((box[1], box[3], side, rendered))
    entries.sort(key=lambda entry: (entry[0], entry[2] or 0))

    items: list[_Item] = []
    band: list[tuple[float, float, int | None, _Line | tuple[str, ...]]] = []

    def flush_band() -> None:
        for side in (0, 1):
            items.extend(_stream_items([e for e in band if e[2] == side]))
        band.clear()

    full: list[tuple[float, float, int | None, _Line | tuple[str, ...]]] = []
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


def _stream_items(
    entries: list[tuple[float, float, int | None, _Line | tuple[str, ...]]],
) -> list[_Item]:
    """Consecutive lines of one column (or of full width) as paragraphs, tables on their own."""
    items: list[_Item] = []
    run: list[_Line] = []

    def flush_run() -> None:
        if not run:
            return
        pitches = [b.top - a.top for a, b in itertools.pairwise(run) if b.top > a.top]
        pitch = statistics.median(pitches) if pitches else 0.0
        paragraph: list[str] = [run[0].text]
        top = run[0].top
        for previous, line in itertools.pairwise(run):
            if pitch and line.top - previous.top > PARAGRAPH_GAP * pitch:
                items.append(_Item(top, previous.bottom, tuple(paragraph)))
                paragraph, top = [], line.top
            paragraph.append(line.text)
        items.append(_Item(top, run[-1].bottom, tuple(paragraph)))
        run.clear()

    for top, bottom, _side, payload in entries:
        if isinstance(payload, _Line):
            run.append(payload)
        else:
            flush_run()
            if payload:
                items.append(_Item(top, bottom, payload, is_table=True))
    flush_run()
    return items


def _join_items(items: list[_Item]) -> str:
    return "\n\n".join("\n".join(item.lines) for item in items if item.lines)
