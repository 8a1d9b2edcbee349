"""Bytes in, :class:`~trialex.records.Document` out: text, Markdown, HTML, PDF, standard input.

* ``.txt``/``.md``: the decoded file exactly as it is (UTF-8 with or without BOM, UTF-16 with BOM;
  no newline translation, so offsets are offsets into the file as a reader sees it);
* ``.html``/``.htm``: the visible text (:mod:`trialex.html`);
* ``.pdf``: text in reading order, tables as pipe tables (:mod:`trialex.pdf`);
* ``.xml``/``.nxml``: a JATS ``<article>`` (:mod:`trialex.jats`) is one document; a MEDLINE
  ``PubmedArticleSet`` (:mod:`trialex.medline`) one document per article, ``pmid<PMID>``
  (:func:`load_documents`); both with their metadata (``Document.meta``).

Text, HTML and PDF documents get the identifiers printed in their front matter (DOI, PMID,
PMCID, NCT numbers; :mod:`trialex.metadata`). Word files, images, archives and other known
binary formats are refused with an error naming the format.

Every failure is an :class:`~trialex.errors.InputError` whose message is one line naming the file
(control characters and undecodable bytes in the name are escaped); a file over a limit of
:class:`~trialex.settings.Settings` (``max_file_mb`` checked from ``stat`` before reading,
``max_pages``) is a :class:`~trialex.errors.LimitExceeded`.
"""

from __future__ import annotations

import codecs
import hashlib
import logging
import os
import re
import stat
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path

from trialex import rulebook
from trialex.errors import InputError
from trialex.limits import check_size
from trialex.records import Document, DocumentMeta, Flag
from trialex.settings import Settings, default_settings

logger = logging.getLogger(__name__)

TEXT_SUFFIXES = frozenset({".txt", ".md"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
PDF_SUFFIXES = frozenset({".pdf"})
XML_SUFFIXES = frozenset({".xml", ".nxml"})
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | PDF_SUFFIXES | XML_SUFFIXES

# Formats refused with a message that names them (by suffix, or by their first bytes).
_CONVERT = "convert it to PDF, HTML or text"
UNSUPPORTED_FORMATS: dict[str, str] = {
    ".docx": "a Word document (.docx)",
    ".doc": "a Word 97-2003 document (.doc)",
    ".odt": "an OpenDocument text (.odt)",
    ".rtf": "a Rich Text Format file (.rtf)",
    ".pages": "an Apple Pages document (.pages)",
    ".xlsx": "an Excel workbook (.xlsx)",
    ".xls": "an Excel 97-2003 workbook (.xls)",
    ".pptx": "a PowerPoint presentation (.pptx)",
    ".ppt": "a PowerPoint 97-2003 presentation (.ppt)",
    ".epub": "an EPUB e-book (.epub)",
    ".png": "a PNG image",
    ".jpg": "a JPEG image",
    ".jpeg": "a JPEG image",
    ".gif": "a GIF image",
    ".tif": "a TIFF image",
    ".tiff": "a TIFF image",
    ".bmp": "a BMP image",
    ".webp": "a WebP image",
    ".heic": "a HEIC image",
    ".svg": "an SVG image",
    ".zip": "a ZIP archive",
    ".gz": "a gzip archive",
    ".tgz": "a gzip archive",
    ".tar": "a tar archive",
    ".7z": "a 7-Zip archive",
    ".rar": "a RAR archive",
    ".bz2": "a bzip2 archive",
    ".xz": "an xz archive",
}
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "a ZIP container (Word .docx, Excel .xlsx, EPUB or ZIP archive)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an OLE container (Word .doc, Excel .xls)"),
    (b"{\\rtf", "a Rich Text Format file (.rtf)"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
)

_UNSAFE_ID = re.compile(r"[^A-Za-z0-9._-]+")
MAX_ID_LENGTH = 120


def safe_doc_id(name: str) -> str:
    """A document id usable as a file name anywhere: ``[A-Za-z0-9._-]``, no leading dot, no ``..``.

    Accents are dropped (``résumé`` -> ``resume``); when other non-ASCII characters are lost
    (``研究.txt``) a short hash of the name is appended, so that two such names stay apart. Ids
    are at most :data:`MAX_ID_LENGTH` characters (long names end with a hash), and the function
    is idempotent: ``safe_doc_id(safe_doc_id(x)) == safe_doc_id(x)``.
    """
    folded = "".join(
        ch for ch in unicodedata.normalize("NFKD", name) if not unicodedata.combining(ch)
    )
    lossy = not folded.isascii()
    stem = _UNSAFE_ID.sub("_", folded).strip("._-")
    stem = re.sub(r"\.{2,}", ".", stem)
    digest = hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:10]
    if not stem:
        stem = "document"
    if lossy or len(stem) > MAX_ID_LENGTH:
        stem = f"{stem[: MAX_ID_LENGTH - 11]}_{digest}"
    return stem


def display_name(source: str) -> str:
    """``source`` made safe for a one-line message and for JSON: control characters, line
    breaks and undecodable bytes (``surrogateescape``) become backslash escapes."""
    raw = source.encode("utf-8", "surrogateescape")
    text = raw.decode("utf-8", "backslashreplace")
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in text)


_CONTROL = re.compile(r"[\x01-\x08\x0b\x0e-\x1f\x7f\ue000-\uf8ff\ufffe\uffff]")
_VISIBLE = re.compile(r"\S")
_SAMPLE = 200_000  # characters looked at for control characters


def decode_text(data: bytes, source: str) -> str:
    """Decode UTF-8 (with or without BOM) or UTF-16 with BOM; anything else is an error.

    The BOM is removed; nothing else is changed (no newline translation), so that offsets into
    the returned string are offsets into the file as a reader sees it. Empty or whitespace-only
    text, NUL characters and control-character noise (binary data) are errors too.
    """
    if data.startswith(codecs.BOM_UTF8):
        data, encoding = data[len(codecs.BOM_UTF8) :], "utf-8"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    else:
        encoding = "utf-8"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as err:
        if encoding == "utf-8" and _looks_like_utf16(data):
            raise InputError(
                source, "looks like UTF-16 without BOM: save it as UTF-8 or UTF-16 with BOM"
            ) from None
        hint = (
            "binary data, not text"
            if b"\x00" in data[:_SAMPLE]
            else "save it as UTF-8 or UTF-16 with BOM"
        )
        raise InputError(
            source,
            f"not valid {encoding.upper()} text (byte {err.start}: "
            f"{data[err.start : err.start + 1]!r}); {hint}",
        ) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\x00" in text:
        if _looks_like_utf16(data):
            raise InputError(
                source, "looks like UTF-16 without BOM: save it as UTF-8 or UTF-16 with BOM"
            )
        raise InputError(source, "contains NUL bytes: binary data, not text")
    if not _VISIBLE.search(text):  # (not text.strip(): would copy a large text)
        raise InputError(source, "empty: no text to extract")
    sample = text[:_SAMPLE]
    if len(_CONTROL.findall(sample)) > max(8, len(sample) // 100):
        raise InputError(source, "mostly control characters: binary data, not text")
    return text


def _looks_like_utf16(data: bytes) -> bool:
    """Text in UTF-16 without BOM: NUL in nearly every other byte (ASCII-range characters)."""
    sample = data[:4096]
    if len(sample) < 8:
        return False
    even, odd = sample[0::2], sample[1::2]
    return max(even.count(0) / len(even), odd.count(0) / len(odd)) > 0.7


def document_from_text(
    text: str,
    *,
    doc_id: str,
    source: str,
    data: bytes | None = None,
    fmt: str = "txt",
    warnings: tuple[Flag, ...] = (),
    meta: DocumentMeta | None = None,
    sha256: str | None = None,
) -> Document:
    """A document of ``text``; ``meta`` defaults to the identifiers in its front matter."""
    if sha256 is None:
        raw = data if data is not None else text.encode("utf-8", "surrogatepass")
        sha256 = hashlib.sha256(raw).hexdigest()
    if meta is None:
        from trialex.metadata import identifiers_in_text

        meta = identifiers_in_text(text)
    return Document(
        doc_id=safe_doc_id(doc_id),
        source=source,
        sha256=sha256,
        text=text,
        format=fmt,
        warnings=warnings,
        meta=meta,
    )


def unsupported_format(name: str, data: bytes = b"") -> str | None:
    """The name of a known format trialex does not read (by suffix, then first bytes), or None."""
    suffix = Path(name).suffix.lower()
    if suffix in UNSUPPORTED_FORMATS:
        return UNSUPPORTED_FORMATS[suffix]
    if suffix in SUPPORTED_SUFFIXES:
        return None
    for magic, label in _MAGIC:
        if data.startswith(magic):
            return label
    return None


def _refuse(source: str, label: str) -> InputError:
    return InputError(source, f"{label} is not a supported format: {_CONVERT}")


def doc_id_for_name(name: str) -> str:
    """The document id of a file called ``name``: its stem for a supported suffix."""
    suffix = Path(name).suffix.lower()
    return safe_doc_id(Path(name).stem if suffix in SUPPORTED_SUFFIXES else Path(name).name)


def load_bytes(
    data: bytes, *, name: str, source: str | None = None, settings: Settings | None = None
) -> Document:
    """Build a document from the bytes of a file called ``name`` (its suffix picks the format).

    ``settings`` gives the limits (``max_file_mb`` on ``len(data)``, ``max_pages``); the
    defaults of :class:`~trialex.settings.Settings` when omitted.
    """
    settings = settings or default_settings()
    with rulebook.using(settings.rules_dir):  # heading and identifier rules of the settings
        return _load_bytes(data, name, source, settings)


def _load_bytes(data: bytes, name: str, source: str | None, settings: Settings) -> Document:
    source = display_name(source or name)
    suffix = Path(name).suffix.lower()
    check_size(len(data), settings.max_file_mb, source)
    if not data:
        raise InputError(source, "empty: no text to extract")
    label = unsupported_format(name, data[:16])
    if label is not None:
        raise _refuse(source, label)
    doc_id = doc_id_for_name(name)
    if suffix in XML_SUFFIXES:
        documents = xml_documents(data, doc_id=doc_id, source=source)
        if len(documents) != 1:
            raise InputError(
                source,
                f"MEDLINE file of {len(documents)} articles: read it with load_documents "
                "(trialex extract and trialex run do)",
            )
        return documents[0]
    if suffix in PDF_SUFFIXES:
        from trialex.pdf import extract_pdf

        pdf = extract_pdf(data, source=source, max_pages=settings.max_pages)
        return document_from_text(
            pdf.text, doc_id=doc_id, source=source, data=data, fmt="pdf", warnings=pdf.warnings
        )
    text = decode_text(data, source)
    if suffix in HTML_SUFFIXES:
        from trialex.html import html_to_text

        text = html_to_text(text, source=source)
        return document_from_text(text, doc_id=doc_id, source=source, data=data, fmt="html")
    return document_from_text(text, doc_id=doc_id, source=source, data=data, fmt="txt")


def xml_documents(data: bytes, *, doc_id: str, source: str) -> list[Document]:
    """The documents of an XML file: one for a JATS article, one per article of a MEDLINE set."""
    from trialex.jats import jats_to_text, local, parse_xml, xml_kind

    root = parse_xml(data, source)
    kind = xml_kind(root)
    if kind == "jats":
        article = jats_to_text(root, source=source)
        return [
            document_from_text(
                article.text, doc_id=doc_id, source=source, data=data, fmt="jats", meta=article.meta
            )
        ]
    if kind == "medline":
        from trialex.medline import medline_articles

        articles = medline_articles(root, fallback_id=doc_id)
        documents = [
            document_from_text(
                a.text, doc_id=a.doc_id, source=source, fmt="medline", meta=a.meta, sha256=a.sha256
            )
            for a in articles
            if a.text.strip()
        ]
        if not documents:
            raise InputError(source, "MEDLINE file without articles with a title or abstract")
        return documents
    raise InputError(
        source,
        f"XML of an unknown kind (root element <{local(root) or root.tag}>): trialex reads "
        "JATS <article> and MEDLINE <PubmedArticleSet> files",
    )


def is_multi_document(path: Path) -> bool:
    """True for a file that may hold several documents (a MEDLINE ``.xml``), from its first
    bytes only."""
    if path.suffix.lower() not in XML_SUFFIXES:
        return False
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError:
        return False
    return (
        b"<PubmedArticleSet" in head
        or b"<PubmedBookArticle" in head
        or (b"<PubmedArticle>" in head or b"<PubmedArticle " in head)
    )


def load_documents(path: str | Path, settings: Settings | None = None) -> list[Document]:
    """Every document of one file: one for most formats, one per article of a MEDLINE set."""
    settings = settings or default_settings()
    path = Path(path)
    if path.suffix.lower() not in XML_SUFFIXES:
        return [load_path(path, settings)]
    source = display_name(str(path))
    data = _read(path, source, settings)
    check_size(len(data), settings.max_file_mb, source)
    with rulebook.using(settings.rules_dir):
        return xml_documents(data, doc_id=doc_id_for_name(path.name), source=source)


def load_path(path: str | Path, settings: Settings | None = None) -> Document:
    """Read one file as a document, within the limits of ``settings``.

    The size limit is checked from ``stat`` before anything is read; only regular files (or
    links to them) are read, so a FIFO or a device cannot hang or flood the run.
    """
    settings = settings or default_settings()
    path = Path(path)
    source = display_name(str(path))
    data = _read(path, source, settings)
    return load_bytes(data, name=path.name, source=source, settings=settings)


def _read(path: Path, source: str, settings: Settings) -> bytes:
    """The bytes of a regular file, within the size limit (checked from ``stat`` first)."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise InputError(source, "no such file") from None
    except OSError as err:
        raise InputError(source, f"cannot read: {err.strerror or err}") from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError(source, "is a folder, not a file")
    if not stat.S_ISREG(info.st_mode):
        raise InputError(source, "not a regular file")
    check_size(info.st_size, settings.max_file_mb, source)
    try:
        with path.open("rb") as handle:
            # read at most one byte over the limit: the file may have grown since stat
            data = handle.read(int(settings.max_file_mb * 1024 * 1024) + 1)
    except OSError as err:
        raise InputError(source, f"cannot read: {err.strerror or err}") from None
    return data


def load_stdin(data: bytes, *, name: str = "stdin", settings: Settings | None = None) -> Document:
    """A document from standard input: text, HTML, PDF or XML, told apart by their first bytes."""
    head = data.lstrip()[:512].lower()
    if head.startswith(codecs.BOM_UTF8.lower()):
        head = head[len(codecs.BOM_UTF8) :].lstrip()
    if data[:1024].lstrip().startswith(b"%PDF"):
        fmt = "pdf"
    elif head.startswith((b"<!doctype html", b"<html", b"<!--", b"<head", b"<body")):
        fmt = "html"
    elif head.startswith((b"<?xml", b"<!doctype article", b"<!doctype pubmed", b"<article")) or (
        head.startswith(b"<pubmedarticle")
    ):
        fmt = "xml"
    else:
        fmt = "txt"
    return load_bytes(data, name=f"{name}.{fmt}", source="<stdin>", settings=settings)


def discover(paths: Iterable[str | Path], *, follow_symlinks: bool = False) -> Iterator[Path]:
    """Expand files and folders (scanned recursively, sorted) into the supported files they hold.

    A path named explicitly is yielded whatever its suffix, so that it gets its own error.
    Inside a folder, symbolic links (to files or folders) are followed only while they stay
    inside that folder, unless ``follow_symlinks=True``; hidden files and folders (``.name``)
    are skipped. Link cycles are never followed twice.
    """
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            yield from _scan(path, follow_symlinks=follow_symlinks)
        else:
            yield path


def _scan(root: Path, *, follow_symlinks: bool) -> Iterator[Path]:
    real_root = root.resolve()
    seen_dirs: set[tuple[int, int]] = set()
    found: list[Path] = []
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            info = folder.stat()
        except OSError:
            continue
        if (info.st_dev, info.st_ino) in seen_dirs:
            continue  # a link cycle, or a folder reached twice
        seen_dirs.add((info.st_dev, info.st_ino))
        try:
            entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
        except OSError as err:
            logger.warning("%s: cannot list folder: %s", display_name(str(folder)), err)
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            child = Path(entry.path)
            if entry.is_symlink() and not follow_symlinks and not _within(child, real_root):
                logger.warning(
                    "%s: symbolic link out of %s not followed (follow_symlinks=False)",
                    display_name(str(child)),
                    display_name(str(root)),
                )
                continue
            try:
                is_dir = entry.is_dir()
                is_file = entry.is_file()
            except OSError:
                continue
            if is_dir:
                stack.append(child)
            elif is_file and child.suffix.lower() in SUPPORTED_SUFFIXES:
                found.append(child)
    yield from sorted(found)


def _within(path: Path, real_root: Path) -> bool:
    try:
        path.resolve().relative_to(real_root)
    except (ValueError, OSError, RuntimeError):
        return False
    return True
