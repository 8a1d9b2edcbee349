"""JATS / PMC NXML articles to text and metadata, read by element (never by re-parsing text).

Parsing is safe: entity expansion, DTD loading and network access are off
(:func:`parse_xml`), so a crafted file cannot expand entities, read local files or fetch URLs;
a malformed file is an :class:`~trialex.errors.InputError` of one line naming it.

The text follows the conventions of :mod:`trialex.html` so that the section splitter and the
table assembly read it the same way:

* the article title, then each abstract under a heading line of its own ("Abstract", the
  abstract's own ``<title>``, "摘要" for a ``<trans-abstract xml:lang="zh">``), its ``<sec>``
  titles as heading lines (structured-abstract labels stay in the abstract);
* whitespace (no-break, thin and hair spaces included) is one space;
* the body in reading order, under "Main text" when it does not open with a known heading (so
  that it cannot read as the abstract's continuation): each ``<sec>`` title (with its
  ``<label>`` number) on its own line, paragraphs separated by blank lines, lists one item per
  line;
* a ``<table-wrap>`` where it stands (a float inside a paragraph comes right after that
  paragraph): its label and caption on one line, then one line per row ``cell | cell |``, header
  rows merged into one line per column (spanning headers repeated over their columns) followed by
  ``---|---|``; cells spanning columns are padded, cells spanning rows are repeated in the row
  label column and left empty elsewhere; the table's footnotes follow as lines of their own;
* back matter: acknowledgements, appendices, notes, footnotes (under "Footnotes"), and the
  references under "References", one reference per line.
"""

from __future__ import annotations

import html.entities
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass

from lxml import etree

from trialex.errors import InputError
from trialex.metadata import clean_doi, identifiers_in_text
from trialex.records import DocumentMeta

logger = logging.getLogger(__name__)

__all__ = ["XmlText", "jats_to_text", "parse_xml", "xml_kind"]

XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

# Elements whose content is never part of the text.
SKIP = frozenset(
    {"graphic", "inline-graphic", "media", "object-id", "tex-math", "annotation", "alt-text"}
    | {"long-desc", "processing-meta", "x"}
)
# Block elements: inside a paragraph they end it and are rendered after it.
BLOCKS = frozenset(
    {"p", "sec", "list", "table-wrap", "table-wrap-group", "fig", "fig-group", "disp-quote"}
    | {"boxed-text", "statement", "def-list", "disp-formula", "disp-formula-group", "array"}
    | {"supplementary-material", "speech", "verse-group", "code", "preformat", "ref-list"}
    | {"glossary", "fn-group", "table"}
)
# Elements rendered with nothing (their content is pulled elsewhere or is noise).
MOVED = frozenset({"fn"})
ABSTRACT_SKIP_TYPES = frozenset({"graphical", "teaser", "toc", "web-summary"})
HEADING_ZH = "摘要"
NOTES_HEADING = "Notes"  # an untitled <notes> of the back matter (author notes, disclosures)
BODY_HEADING = "Main text"  # BMC's own heading for an article's body; read as its start
MARKER_MAX = 3  # a table footnote's superscript marker ("a", "*", "†‡") is this short
MAX_SPAN = 100  # colspan/rowspan beyond this are read as 1 (a malformed table stays linear)

# Whitespace, including the no-break, thin and hair spaces typesetters put in "n = 3": one space.
_SPACES = re.compile(r"[ \t\n\r\f\v\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+")
_CITATION_SUP = re.compile(r"^[\d\s,;–—\-−]+$")


@dataclass(frozen=True)
class XmlText:
    """The text of an XML article and its metadata."""

    text: str
    meta: DocumentMeta


def parse_xml(data: bytes, source: str) -> etree._Element:
    """The root element of an XML file, parsed without entity expansion, DTDs or network."""
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        message = " ".join(str(error.msg or error).split())
        raise InputError(source, f"malformed XML: {message}") from None
    if root is None:
        raise InputError(source, "malformed XML: no root element")
    return root


def local(element: etree._Element) -> str:
    """The tag of ``element`` without its namespace ("" for entities and other non-elements)."""
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def xml_kind(root: etree._Element) -> str | None:
    """``"jats"`` for an ``<article>``, ``"medline"`` for a ``PubmedArticleSet`` (or a single
    ``PubmedArticle``), None for any other XML."""
    tag = local(root)
    if tag == "article":
        return "jats"
    if tag in {"PubmedArticleSet", "PubmedArticle"}:
        return "medline"
    return None


def collapse(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def _entity_text(node: etree._Element) -> str:
    name = str(node.text or "").strip("&;")
    code = html.entities.name2codepoint.get(name)
    return chr(code) if code is not None else ""


# ---- inline text --------------------------------------------------------------------------


def inline_text(element: etree._Element, *, skip_blocks: bool = False) -> str:
    """The text of ``element`` and its descendants, whitespace collapsed (superscript citation
    numbers bracketed so that they cannot join a value: ``45%<sup>12</sup>`` -> ``45% [12]``)."""
    parts: list[str] = []
    _inline(element, parts, skip_blocks=skip_blocks, top=True)
    return collapse("".join(parts))


def _inline(node: etree._Element, parts: list[str], *, skip_blocks: bool, top: bool) -> None:
    if node.tag is etree.Entity:
        parts.append(_entity_text(node))
        return
    tag = local(node)
    if not top:
        if tag in SKIP or tag in MOVED or (skip_blocks and tag in BLOCKS):
            return
        if tag == "sup" and _is_citation_sup(node):
            parts.append(" [" + collapse("".join(node.itertext())) + "]")
            return
        if tag in {"break"}:
            parts.append(" ")
            return
        if tag == "alternatives":
            child = _preferred_alternative(node)
            if child is not None:
                _inline(child, parts, skip_blocks=skip_blocks, top=False)
            return
    if node.text:
        parts.append(node.text)
    for child in node:
        _inline(child, parts, skip_blocks=skip_blocks, top=False)
        if child.tail:
            parts.append(child.tail)
        elif local(child) in {"p", "title", "td", "th", "list-item", "label"}:
            parts.append(" ")


def _is_citation_sup(node: etree._Element) -> bool:
    refs = [c for c in node if local(c) == "xref"]
    if not refs or any(c.get("ref-type") not in {"bibr", None} for c in refs):
        return False
    return bool(_CITATION_SUP.match("".join(node.itertext())))


def _preferred_alternative(node: etree._Element) -> etree._Element | None:
    children = [c for c in node if local(c) not in SKIP]
    for child in children:
        if local(child) in {"math", "table"}:
            return child
    return children[0] if children else None


# ---- blocks -------------------------------------------------------------------------------


class _Writer:
    """Blocks of text separated by blank lines; footnotes met in the body kept for the end."""

    def __init__(self) -> None:
        self.blocks: list[str] = []
        self.footnotes: list[str] = []

    def add(self, text: str) -> None:
        text = text.strip("\n")
        if text.strip():
            self.blocks.append(text)

    def text(self) -> str:
        return "\n\n".join(self.blocks) + "\n" if self.blocks else ""


def _heading(sec: etree._Element) -> str:
    label = title = ""
    for child in sec:
        name = local(child)
        if name == "label" and not label:
            label = inline_text(child)
        elif name == "title" and not title:
            title = inline_text(child)
    if label and title and not title.startswith(label):
        return f"{label} {title}"
    return title or label


def _render_children(parent: etree._Element, out: _Writer) -> None:
    for child in parent:
        _render_block(child, out)


def _render_block(node: etree._Element, out: _Writer) -> None:
    tag = local(node)
    if not tag or tag in SKIP or tag in {"label", "title", "sec-meta"}:
        return
    if tag in {"sec", "app", "boxed-text", "notes", "bio"}:
        heading = _heading(node)
        if heading:
            out.add(heading)
        _render_children(node, out)
    elif tag == "p":
        _render_paragraph(node, out)
    elif tag in {"list"}:
        _render_list(node, out)
    elif tag in {"table-wrap"}:
        out.add(render_table_wrap(node))
    elif tag in {"table-wrap-group", "fig-group", "disp-formula-group"}:
        _render_children(node, out)
    elif tag == "table":
        out.add("\n".join(table_lines(node)))
    elif tag == "fig":
        out.add(_caption_line(node))
    elif tag in {"disp-quote", "statement", "speech", "verse-group", "app-group", "body"}:
        _render_children(node, out)
    elif tag == "def-list":
        lines = []
        for item in node.iter("def-item"):
            term = " ".join(inline_text(t) for t in item if local(t) == "term")
            definition = " ".join(inline_text(d) for d in item if local(d) == "def")
            lines.append(f"{term}: {definition}" if term and definition else term or definition)
        heading = _heading(node)
        out.add("\n".join([heading, *lines] if heading else lines))
    elif tag in {"fn-group", "glossary", "ref-list", "ack"}:
        return  # back matter: rendered by jats_to_text
    elif tag in {"supplementary-material"}:
        out.add(_caption_line(node))
    else:
        out.add(inline_text(node))


def _render_paragraph(node: etree._Element, out: _Writer) -> None:
    """A paragraph; block children (tables, figures, lists, formulas) end it and follow it."""
    pieces: list[str] = [node.text or ""]
    floats: list[etree._Element] = []
    for child in node:
        tag = local(child)
        if tag == "fn":  # a footnote inside the prose: kept apart, under "Footnotes"
            note = inline_text(child)
            if note:
                out.footnotes.append(note)
        elif tag in BLOCKS:
            if tag in {"table-wrap", "fig", "table-wrap-group", "fig-group"}:
                floats.append(child)  # floats: after the paragraph, which reads on
            else:
                out.add(collapse("".join(pieces)))
                pieces = []
                _render_block(child, out)
        else:
            sub: list[str] = []
            _inline(child, sub, skip_blocks=True, top=False)
            pieces.extend(sub)
        if child.tail:
            pieces.append(child.tail)
    out.add(collapse("".join(pieces)))
    for child in floats:
        _render_block(child, out)


def _render_list(node: etree._Element, out: _Writer) -> None:
    lines: list[str] = []
    for item in node:
        if local(item) != "list-item":
            continue
        label = ""
        texts: list[str] = []
        for child in item:
            if local(child) == "label":
                label = inline_text(child)
            elif local(child) == "list":
                nested = _Writer()
                _render_list(child, nested)
                texts.extend(nested.blocks)
            else:
                texts.append(inline_text(child))
        if not texts and item.text:
            texts.append(collapse(item.text))
        line = " ".join(t for t in texts if t)
        lines.append(f"{label} {line}".strip() if label else line)
    out.add("\n".join(line for line in lines if line))


def _caption_line(node: etree._Element) -> str:
    label = ""
    caption = ""
    for child in node:
        if local(child) == "label":
            label = inline_text(child)
        elif local(child) == "caption":
            caption = inline_text(child)
    if label and caption:
        sep = " " if label.endswith((".", ":")) else ". "
        return f"{label}{sep}{caption}"
    return label or caption


# ---- tables -------------------------------------------------------------------------------


def render_table_wrap(node: etree._Element) -> str:
    """A ``<table-wrap>``: caption line, row lines, then footnote lines (blank-line apart)."""
    head = _caption_line(node)
    rows: list[str] = []
    for table in node.iter():
        if local(table) == "table":
            rows.extend(table_lines(table))
    notes: list[str] = []
    for foot in node:
        if local(foot) == "table-wrap-foot":
            for child in foot:
                text = _foot_text(child)
                if text:
                    notes.append(text)
            if not len(foot) and foot.text and foot.text.strip():
                notes.append(collapse(foot.text))
    blocks = ["\n".join(([head] if head else []) + rows)]
    if notes:
        blocks.append("\n".join(notes))
    return "\n\n".join(b for b in blocks if b.strip())


def _foot_text(node: etree._Element) -> str:
    """A table footnote, its leading superscript marker set off ("<sup>a</sup>One sample" ->
    "a One sample") so that the marker reads as a footnote's and not as part of a word."""
    text = inline_text(node)
    lead = node
    while True:
        if (lead.text or "").strip() or not len(lead):
            return text
        first = lead[0]
        if local(first) == "p":
            lead = first
            continue
        break
    if local(first) != "sup" or _is_citation_sup(first):
        return text
    marker = collapse("".join(first.itertext()))
    glued = len(text) > len(marker) and not text[len(marker)].isspace()
    if 0 < len(marker) <= MARKER_MAX and text.startswith(marker) and glued:
        return f"{marker} {text[len(marker) :]}"
    return text


def _cell_text(cell: etree._Element) -> str:
    text = inline_text(cell)
    return text.replace("|", "/")


def _span(cell: etree._Element, name: str) -> int:
    value = (cell.get(name) or "1").strip()
    if not value.isdigit():
        return 1
    number = int(value)
    return number if 1 <= number <= MAX_SPAN else 1


def _table_rows(table: etree._Element) -> Iterator[tuple[etree._Element, bool]]:
    """``(tr, in_thead)`` in document order."""
    for row in table.iter():
        if local(row) != "tr":
            continue
        parent = row.getparent()
        yield row, parent is not None and local(parent) == "thead"


def _fill_spanned(cells: list[str], column: int, pending: dict[int, tuple[str, int]]) -> int:
    """Append the cells that rows above span into, from ``column`` on; the next free column."""
    while column in pending:
        text, left = pending[column]
        cells.append(text if column == 0 else "")  # a row label spanning rows labels each row
        if left <= 1:
            del pending[column]
        else:
            pending[column] = (text, left - 1)
        column += 1
    return column


def table_grid(table: etree._Element) -> list[tuple[list[str], bool]]:
    """The rows of a ``<table>`` as ``(cells, is_header)``, spans expanded into a grid."""
    grid: list[tuple[list[str], bool]] = []
    pending: dict[int, tuple[str, int]] = {}  # column -> (text, rows still covered)
    for row, in_thead in _table_rows(table):
        cells: list[str] = []
        all_th = True
        column = 0

        for cell in row:
            if local(cell) not in {"td", "th"}:
                continue
            column = _fill_spanned(cells, column, pending)
            all_th = all_th and local(cell) == "th"
            text = _cell_text(cell)
            colspan, rowspan = _span(cell, "colspan"), _span(cell, "rowspan")
            for offset in range(colspan):
                cells.append(text if offset == 0 or in_thead or all_th else "")
                if rowspan > 1:
                    pending[column] = (text, rowspan - 1)
                column += 1
        column = _fill_spanned(cells, column, pending)
        if any(cells):
            grid.append((cells, in_thead or all_th))
    return grid


def table_lines(table: etree._Element) -> list[str]:
    """Row lines ``cell | cell |`` as :mod:`trialex.html` writes them; leading header rows are
    merged into one line (each column's header texts joined top-down) followed by ``---|``."""
    grid = table_grid(table)
    if not grid:
        return []
    width = max(len(cells) for cells, _ in grid)
    header_rows = 0
    while header_rows < len(grid) and grid[header_rows][1]:
        header_rows += 1
    if header_rows == len(grid):
        header_rows = 1 if len(grid) > 1 else 0
    lines: list[str] = []
    if header_rows:
        merged: list[str] = []
        for col in range(width):
            texts: list[str] = []
            for cells, _ in grid[:header_rows]:
                text = cells[col] if col < len(cells) else ""
                if text and text not in texts:
                    texts.append(text)
            merged.append(" ".join(texts))
        lines.append(_row_line(merged))
        lines.append("---|" * width)
    for cells, _ in grid[header_rows:]:
        lines.append(_row_line(cells))
    return lines


def _row_line(cells: list[str]) -> str:
    return " ".join(f"{cell} |" if cell else "|" for cell in cells)


# ---- the article --------------------------------------------------------------------------


def _children(node: etree._Element | None, name: str) -> list[etree._Element]:
    if node is None:
        return []
    return [c for c in node if local(c) == name]


def _child(node: etree._Element | None, name: str) -> etree._Element | None:
    found = _children(node, name)
    return found[0] if found else None


def _abstracts(meta: etree._Element | None) -> list[tuple[etree._Element, str | None]]:
    """``(abstract, language)`` for the abstracts worth reading: main ones first."""
    if meta is None:
        return []
    main: list[tuple[etree._Element, str | None]] = []
    other: list[tuple[etree._Element, str | None]] = []
    for child in meta:
        name = local(child)
        kind = (child.get("abstract-type") or "").lower()
        if name == "abstract" and kind not in ABSTRACT_SKIP_TYPES:
            (other if kind else main).append((child, child.get(XML_LANG)))
        elif name == "trans-abstract":
            other.append((child, child.get(XML_LANG) or "und"))
    return main + other


def _render_abstract(node: etree._Element, language: str | None, out: _Writer) -> None:
    title = inline_text(_child(node, "title")) if _child(node, "title") is not None else ""
    if not title:
        title = HEADING_ZH if (language or "").lower().startswith("zh") else "Abstract"
    out.add(title)
    _render_children(node, out)


def _render_back(back: etree._Element | None, out: _Writer) -> None:
    if back is None:
        _render_footnotes([], out)
        return
    footnotes: list[etree._Element] = []
    references: list[etree._Element] = []
    for child in back:
        tag = local(child)
        if tag == "ack":
            # its own title ("Acknowledgements", "Conflict of interest") always; "Acknowledgments"
            # when it has none and does not open with a titled section either
            own = _heading(child)
            first = next(
                (c for c in child if local(c) and local(c) not in {"label", "title"}), None
            )
            titled = first is not None and local(first) == "sec" and bool(_heading(first))
            if own or not titled:
                out.add(own or "Acknowledgments")
            _render_children(child, out)
        elif tag == "notes" and not _heading(child):
            out.add(NOTES_HEADING)  # untitled author notes ("The authors declare no conflict")
            _render_children(child, out)
        elif tag == "fn-group":
            footnotes.append(child)
        elif tag == "ref-list":
            references.append(child)
        elif tag == "glossary":
            out.add(_heading(child) or "Abbreviations")
            _render_children(child, out)
        elif tag in {"app-group", "sec", "notes", "app", "bio"}:
            _render_block(child, out)
    _render_footnotes(footnotes, out)
    _render_references(references, out)


def _render_footnotes(groups: list[etree._Element], out: _Writer) -> None:
    lines: list[str] = list(out.footnotes)
    for group in groups:
        for fn in group.iter():
            if local(fn) == "fn":
                text = inline_text(fn)
                if text:
                    lines.append(text)
    if lines:
        out.add("Footnotes")
        out.add("\n".join(lines))


def _render_references(groups: list[etree._Element], out: _Writer) -> None:
    lines: list[str] = []
    title = ""
    for group in groups:
        title = title or _heading(group)
        for ref in group.iter():
            if local(ref) != "ref":
                continue
            label = inline_text(_child(ref, "label")) if _child(ref, "label") is not None else ""
            parts = [
                _citation_text(c)
                for c in ref
                if local(c) in {"mixed-citation", "element-citation", "citation", "nlm-citation"}
            ]
            text = " ".join(p for p in parts if p)
            if text:
                lines.append(f"{label} {text}".strip() if label else text)
    if lines:
        out.add(title or "References")
        out.add("\n".join(lines))


def _citation_text(citation: etree._Element) -> str:
    if local(citation) == "mixed-citation" or (citation.text and citation.text.strip()):
        return inline_text(citation)
    pieces = [
        collapse("".join(child.itertext()))
        for child in citation.iter()
        if child is not citation and not len(child)
    ]
    return collapse(" ".join(p for p in pieces if p))


def _article_meta(root: etree._Element) -> tuple[etree._Element | None, etree._Element | None]:
    front = _child(root, "front")
    return _child(front, "journal-meta"), _child(front, "article-meta")


def jats_meta(root: etree._Element) -> DocumentMeta:
    """Title, authors, journal, year, DOI, PMID, PMCID, licence and NCT ids of an article."""
    journal_meta, meta = _article_meta(root)
    data: dict[str, object] = {}
    if meta is not None:
        group = _child(meta, "title-group")
        title = _child(group, "article-title")
        if title is not None:
            data["title"] = inline_text(title) or None
        data["authors"] = _authors(meta)
        for article_id in _children(meta, "article-id"):
            kind = (article_id.get("pub-id-type") or "").lower()
            value = collapse("".join(article_id.itertext()))
            if not value:
                continue
            if kind == "doi" and "doi" not in data:
                data["doi"] = clean_doi(value)
            elif kind == "pmid" and "pmid" not in data and value.isdigit():
                data["pmid"] = value
            elif kind in {"pmc", "pmcid"} and "pmcid" not in data:
                digits = value.upper().removeprefix("PMC")
                if digits.isdigit():
                    data["pmcid"] = f"PMC{digits}"
        data["year"] = _year(meta)
        data["licence"] = _licence(meta)
    if journal_meta is not None:
        journal = None
        for node in journal_meta.iter():
            if local(node) == "journal-title":
                journal = inline_text(node) or None
                break
        if journal is None:
            for node in _children(journal_meta, "journal-id"):
                journal = collapse(node.text or "") or None
                if journal:
                    break
        data["journal"] = journal
    if data.get("pmcid"):
        data["source_url"] = f"https://www.ncbi.nlm.nih.gov/pmc/articles/{data['pmcid']}/"
    elif data.get("doi"):
        data["source_url"] = f"https://doi.org/{data['doi']}"
    data["nct_ids"] = _trial_numbers(root, meta)
    return DocumentMeta(**{k: v for k, v in data.items() if v not in (None, [])})


def _authors(meta: etree._Element) -> list[str]:
    authors: list[str] = []
    for group in _children(meta, "contrib-group"):
        for contrib in _children(group, "contrib"):
            if (contrib.get("contrib-type") or "author") != "author":
                continue
            name = _child(contrib, "name")
            if name is None:
                name = _child(contrib, "string-name")
            if name is not None:
                given = _child(name, "given-names")
                surname = _child(name, "surname")
                parts = [inline_text(p) for p in (given, surname) if p is not None]
                full = " ".join(p for p in parts if p) or inline_text(name)
            else:
                collab = _child(contrib, "collab")
                full = inline_text(collab) if collab is not None else ""
            if full:
                authors.append(full)
    return authors


def _year(meta: etree._Element) -> int | None:
    years: dict[str, int] = {}
    for date in _children(meta, "pub-date"):
        kind = date.get("pub-type") or date.get("date-type") or "pub"
        year = _child(date, "year")
        if year is not None and (year.text or "").strip().isdigit():
            years.setdefault(kind, int((year.text or "").strip()))
    for kind in ("epub", "ppub", "pub", "epub-ppub", "collection", "pmc-release"):
        if kind in years:
            return years[kind]
    return min(years.values()) if years else None


def _licence(meta: etree._Element) -> str | None:
    permissions = _child(meta, "permissions")
    for licence in _children(permissions, "license"):
        href = licence.get(XLINK_HREF)
        if href:
            return href.strip()
        for node in licence.iter():
            if local(node) == "ext-link" and node.get(XLINK_HREF):
                return str(node.get(XLINK_HREF)).strip()
        kind = licence.get("license-type")
        if kind:
            return kind.strip()
        text = inline_text(licence)
        if text:
            return text[:300]
    return None


_NCT = re.compile(r"NCT\d{8}(?!\d)")


def _trial_numbers(root: etree._Element, meta: etree._Element | None) -> list[str]:
    """NCT numbers the article gives as its own: in the article metadata (abstracts included)
    and in trial-registration links anywhere; not in the references or the body prose."""
    found: list[str] = []
    texts: list[str] = []
    if meta is not None:
        texts.append(" ".join(meta.itertext()))
    for node in root.iter():
        tag = local(node)
        if (tag == "ext-link" and node.get("ext-link-type") == "clinical-trial") or tag in {
            "related-object"
        }:
            texts.append(" ".join(node.itertext()) + " " + (node.get(XLINK_HREF) or ""))
    for text in texts:
        for number in _NCT.findall(text):
            if number not in found:
                found.append(number)
    return found


def _needs_body_heading(body: etree._Element) -> bool:
    """True when the body does not open with a section whose title is a known heading
    (untitled paragraphs, a box, "Commentary"): without a heading line, the splitter would
    read the start of the body as the end of the abstract above it."""
    first = next((c for c in body if local(c) and local(c) not in SKIP), None)
    if first is None:
        return False
    if local(first) != "sec":
        return True
    heading = _heading(first)
    if not heading:
        return True
    from trialex.sections import default_rules

    rule, _depth = default_rules().heading(heading)
    return rule is None


def jats_to_text(root: etree._Element, *, source: str) -> XmlText:
    """The text (see the module docstring) and metadata of a JATS ``<article>``."""
    out = _Writer()
    journal_meta, meta = _article_meta(root)
    del journal_meta
    info = jats_meta(root)
    if info.title:
        out.add(info.title)
    for abstract, language in _abstracts(meta):
        _render_abstract(abstract, language, out)
    body = _child(root, "body")
    if body is not None:
        if out.blocks and _needs_body_heading(body):
            out.add(BODY_HEADING)
        _render_children(body, out)
    for name in ("floats-group", "floats-wrap"):
        floats = _child(root, name)
        if floats is not None:
            _render_children(floats, out)
    _render_back(_child(root, "back"), out)
    for sub in _children(root, "sub-article") + _children(root, "response"):
        sub_body = _child(sub, "body")
        _render_children(sub if sub_body is None else sub_body, out)
    text = out.text()
    if not text.strip():
        raise InputError(source, "JATS article without text (no title, abstract or body)")
    if not info.nct_ids:
        found = identifiers_in_text(text).nct_ids
        if found:
            info = info.model_copy(update={"nct_ids": found})
    logger.debug("%s: JATS article, %d characters of text", source, len(text))
    return XmlText(text, info)
