"""Bytes in, :class:`~trialex.records.Document` out: text files, standard input (HTML and PDF: see below).

Every failure is an :class:`~trialex.errors.InputError` whose message is one line naming the file.
"""

from __future__ import annotations

import codecs
import hashlib
import logging
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from trialex.errors import InputError
from trialex.records import Document

logger = logging.getLogger(__name__)

TEXT_SUFFIXES = frozenset({".txt", ".md"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
PDF_SUFFIXES = frozenset({".pdf"})
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | PDF_SUFFIXES

_UNSAFE_ID = re.compile(r"[^A-Za-z0-9._-]+")
MAX_ID_LENGTH = 120


def safe_doc_id(name: str) -> str:
    """A document id usable as a file name anywhere: ``[A-Za-z0-9._-]``, no leading dot, no ``..``."""
    stem = _UNSAFE_ID.sub("_", name).strip("._-")
    stem = re.sub(r"\.{2,}", ".", stem)
    if not stem:
        stem = "document"
    if len(stem) > MAX_ID_LENGTH:
        digest = hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:10]
        stem = f"{stem[: MAX_ID_LENGTH - 11]}_{digest}"
    return stem


def decode_text(data: bytes, source: str) -> str:
    """Decode UTF-8 (with or without BOM) or UTF-16 with BOM; anything else is an error.

    The BOM is removed; nothing else is changed (no newline translation), so that offsets into
    the returned string are offsets into the file as a reader sees it.
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
        raise InputError(
            source,
            f"not valid {encoding.upper()} text (byte {err.start}: {data[err.start : err.start + 1]!r}); "
            "save it as UTF-8 or UTF-16 with BOM",
        ) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\x00" in text:
        raise InputError(source, "contains NUL bytes: binary data, not text")
    if not text.strip():
        raise InputError(source, "empty: no text to extract")
    return text


def document_from_text(
    text: str, *, doc_id: str, source: str, data: bytes | None = None, fmt: str = "txt"
) -> Document:
    raw = data if data is not None else text.encode("utf-8")
    return Document(
        doc_id=safe_doc_id(doc_id),
        source=source,
        sha256=hashlib.sha256(raw).hexdigest(),
        text=text,
        format=fmt,
    )


def load_bytes(data: bytes, *, name: str, source: str | None = None) -> Document:
    """Build a document from the bytes of a file called ``name`` (its suffix picks the format)."""
    source = source or name
    suffix = Path(name).suffix.lower()
    if not data:
        raise InputError(source, "empty: no text to extract")
    doc_id = Path(name).stem if suffix in SUPPORTED_SUFFIXES else Path(name).name
    if suffix in PDF_SUFFIXES:
        from trialex.pdf import pdf_to_text

        text = pdf_to_text(data, source=source)
        return document_from_text(text, doc_id=doc_id, source=source, data=data, fmt="pdf")
    text = decode_text(data, source)
    if suffix in HTML_SUFFIXES:
        from trialex.html import html_to_text

        text = html_to_text(text, source=source)
        return document_from_text(text, doc_id=doc_id, source=source, data=data, fmt="html")
    return document_from_text(text, doc_id=doc_id, source=source, data=data, fmt="txt")


def load_path(path: str | Path) -> Document:
    """Read one file as a document."""
    path = Path(path)
    source = str(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(source, "no such file") from None
    except IsADirectoryError:
        raise InputError(source, "is a folder, not a file") from None
    except OSError as err:
        raise InputError(source, f"cannot read: {err.strerror or err}") from None
    return load_bytes(data, name=path.name, source=source)


def load_stdin(data: bytes, *, name: str = "stdin") -> Document:
    """A document from standard input: text, HTML or PDF, told apart by their first bytes."""
    head = data.lstrip()[:512].lower()
    if data.startswith(b"%PDF"):
        return load_bytes(data, name=f"{name}.pdf", source="<stdin>")
    if head.startswith((b"<!doctype html", b"<html")):
        return load_bytes(data, name=f"{name}.html", source="<stdin>")
    return load_bytes(data, name=f"{name}.txt", source="<stdin>")


def discover(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Expand files and folders (scanned recursively, sorted) into the supported files they hold.

    A path named explicitly is yielded whatever its suffix, so that it gets its own error.
    """
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and child.suffix.lower() in SUPPORTED_SUFFIXES:
                    yield child
        else:
            yield path
