"""Ingestion: decoding, formats, ids, standard input, discovery, limits and the time limit."""

from __future__ import annotations

import codecs
import os
import signal
import threading
import time
from pathlib import Path

import pytest

from trialex.errors import InputError, LimitExceeded
from trialex.ingest import (
    decode_text,
    discover,
    display_name,
    load_bytes,
    load_path,
    load_stdin,
    safe_doc_id,
)
from trialex.limits import check_size, read_at_most, time_limit
from trialex.settings import Settings

TEXT = "Results\r\nThe ORR was 45% (18/40).\n\u2264 0.05 \u2013 \u00e9\r\n"


@pytest.mark.parametrize(
    "data",
    [
        TEXT.encode("utf-8"),
        codecs.BOM_UTF8 + TEXT.encode("utf-8"),
        TEXT.encode("utf-16"),  # BOM + native order
        codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"),
        codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"),
    ],
    ids=["utf8", "utf8-bom", "utf16", "utf16-le-bom", "utf16-be-bom"],
)
def test_ingest_decodes_exactly(data: bytes) -> None:
    assert decode_text(data, "a.txt") == TEXT  # BOM dropped, \r\n kept


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ("Caf\u00e9 r\u00e9sum\u00e9 \u00b1 1.2".encode("latin-1"), "not valid UTF-8 text"),
        (TEXT.encode("utf-16-le"), "UTF-16 without BOM"),
        (TEXT.encode("utf-16-be"), "UTF-16 without BOM"),
        (b"ok \xff\xfe\xfa bytes", "not valid UTF-8 text"),
        (b"", "empty"),
        (b" \n\t\r\n ", "empty"),
        (b"text\x00with NUL", "NUL"),
        (bytes(range(1, 32)) * 20, "control characters"),
    ],
    ids=[
        "latin-1",
        "utf16le-no-bom",
        "utf16be-no-bom",
        "invalid-utf8",
        "empty",
        "whitespace",
        "nul",
        "control",
    ],
)
def test_ingest_rejects_undecodable_text(data: bytes, reason: str) -> None:
    with pytest.raises(InputError) as caught:
        decode_text(data, "dir/a.txt")
    message = str(caught.value)
    assert message.startswith("dir/a.txt: ") and "\n" not in message
    assert reason in message


@pytest.mark.parametrize(
    ("name", "data", "fmt", "text"),
    [
        ("a.txt", b"plain\r\ntext", "txt", "plain\r\ntext"),
        ("a.md", b"# Title\n\nbody", "txt", "# Title\n\nbody"),
        ("A.HTM", b"<p>one</p><p>two &amp; three</p>", "html", "one\n\ntwo & three"),
        ("a.html", codecs.BOM_UTF8 + b"<h1>T</h1>x", "html", "T\n\nx"),
    ],
)
def test_ingest_load_bytes_formats(name: str, data: bytes, fmt: str, text: str) -> None:
    document = load_bytes(data, name=name)
    assert (document.format, document.text, document.doc_id) == (
        fmt,
        text,
        "a" if name != "A.HTM" else "A",
    )
    assert len(document.sha256) == 64


@pytest.mark.parametrize(
    ("data", "fmt", "text"),
    [
        (b"Plain text.", "txt", "Plain text."),
        (b"  <!DOCTYPE html><p>Hi</p>", "html", "Hi"),
        (b"<html><body><p>Hi</p></body></html>", "html", "Hi"),
        (codecs.BOM_UTF8 + b"<html><p>Hi</p>", "html", "Hi"),
        (b"<b>not a page</b> plain", "txt", "<b>not a page</b> plain"),
    ],
)
def test_ingest_stdin_format_sniffing(data: bytes, fmt: str, text: str) -> None:
    document = load_stdin(data)
    assert (document.format, document.text, document.source) == (fmt, text, "<stdin>")


def test_ingest_stdin_pdf() -> None:
    from test_pdf import make_text_pdf

    document = load_stdin(make_text_pdf())
    assert document.format == "pdf" and "response rate" in document.text


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("000_51d20a1607e21f2f", "000_51d20a1607e21f2f"),
        ("my paper (final)", "my_paper_final"),
        ("../../etc/passwd", "etc_passwd"),
        ("a..b", "a.b"),
        ("...", "document"),
        (".hidden", "hidden"),
        ("résumé", "resume"),
        ("/abs/path", "abs_path"),
        ("C:\\x\\y", "C_x_y"),
    ],
)
def test_ingest_safe_doc_id_table(name: str, expected: str) -> None:
    assert safe_doc_id(name) == expected


@pytest.mark.parametrize(
    "name", ["研究", "研究 2024", "肺癌", "a" * 500, "é" * 300, "..\n..", "x\udcff", "\u200b"]
)
def test_ingest_safe_doc_id_is_safe_and_idempotent(name: str) -> None:
    doc_id = safe_doc_id(name)
    assert doc_id and len(doc_id) <= 120
    assert all(ch.isascii() and (ch.isalnum() or ch in "._-") for ch in doc_id)
    assert not doc_id.startswith(".") and ".." not in doc_id
    assert safe_doc_id(doc_id) == doc_id


def test_ingest_safe_doc_id_keeps_non_ascii_names_apart() -> None:
    assert safe_doc_id("研究") != safe_doc_id("肺癌")


@pytest.mark.parametrize(
    ("source", "expected"),
    [("a b/é.txt", "a b/é.txt"), ("a\nb.txt", "a\\nb.txt"), ("x\udce9.txt", "x\\xe9.txt")],
)
def test_ingest_display_name_is_one_printable_line(source: str, expected: str) -> None:
    assert display_name(source) == expected


# -- load_path and limits ---------------------------------------------------------------------


def test_ingest_load_path_reads_file(tmp_path: Path) -> None:
    path = tmp_path / "paper one.txt"
    path.write_bytes(b"Line\r\n")
    document = load_path(path)
    assert (document.doc_id, document.text, document.source) == ("paper_one", "Line\r\n", str(path))


def test_ingest_size_limit_checked_before_reading(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "big.txt"
    with path.open("wb") as handle:  # sparse: 3 MB on paper, nothing on disk
        handle.truncate(3 * 1024 * 1024)

    def no_open(*args: object, **kwargs: object) -> None:
        raise AssertionError("the file was opened")

    monkeypatch.setattr(Path, "open", no_open)
    with pytest.raises(LimitExceeded) as caught:
        load_path(path, settings=Settings(max_file_mb=1))
    assert str(caught.value) == (
        f"{path}: file is 3.0 MB, over the limit of 1 MB (TRIALEX_MAX_FILE_MB)"
    )


def test_ingest_size_limit_on_bytes() -> None:
    with pytest.raises(LimitExceeded, match="stdin"):
        load_stdin(b"x" * 2048, settings=Settings(max_file_mb=0.001))
    check_size(1024, 0.001, "ok.txt")  # exactly at the limit is fine


def test_ingest_read_at_most_bounds_a_stream() -> None:
    import io

    assert read_at_most(io.BytesIO(b"x" * 1024), 0.001, "<stdin>") == b"x" * 1024
    with pytest.raises(LimitExceeded, match=r"^<stdin>: file is 0\.0 MB, over the limit of 0\.001"):
        read_at_most(io.BytesIO(b"x" * 10_000), 0.001, "<stdin>")


def test_ingest_page_limit_from_settings() -> None:
    from test_pdf import make_text_pdf

    with pytest.raises(LimitExceeded, match=r"^a\.pdf: 3 pages, over the limit of 2"):
        load_bytes(make_text_pdf(pages=3), name="a.pdf", settings=Settings(max_pages=2))


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda p: p, "no such file"),
        (lambda p: (p.mkdir(), p)[1], "is a folder, not a file"),
        (lambda p: (os.mkfifo(p), p)[1], "not a regular file"),
    ],
    ids=["missing", "folder", "fifo"],
)
def test_ingest_load_path_unreadable(tmp_path: Path, make, reason: str) -> None:
    path = make(tmp_path / "thing.txt")
    with pytest.raises(InputError) as caught:
        load_path(path)
    assert str(caught.value) == f"{path}: {reason}"


def test_ingest_pdf_warnings_reach_the_document() -> None:
    from test_pdf import make_mixed_scan_pdf

    document = load_bytes(make_mixed_scan_pdf(), name="scan.pdf")
    assert document.format == "pdf"
    assert [flag.code for flag in document.warnings] == ["pdf_page_without_text"]


# -- discover ---------------------------------------------------------------------------------


def _tree(root: Path) -> None:
    (root / "sub" / "deeper").mkdir(parents=True)
    for name in ["b.txt", "a.md", "c.HTML", "d.pdf", "skip.docx", ".hidden.txt"]:
        (root / name).write_text("x")
    (root / "sub" / "e.htm").write_text("x")
    (root / "sub" / "deeper" / "f.txt").write_text("x")


def test_ingest_discover_sorted_supported_files(tmp_path: Path) -> None:
    _tree(tmp_path)
    found = [p.relative_to(tmp_path).as_posix() for p in discover([tmp_path])]
    assert found == ["a.md", "b.txt", "c.HTML", "d.pdf", "sub/deeper/f.txt", "sub/e.htm"]


def test_ingest_discover_yields_named_files_whatever_their_suffix(tmp_path: Path) -> None:
    named = tmp_path / "notes.docx"
    assert list(discover([named])) == [named]


@pytest.fixture
def linked(tmp_path: Path) -> tuple[Path, Path]:
    inside, outside = tmp_path / "in", tmp_path / "out"
    (inside / "sub").mkdir(parents=True)
    (outside / "folder").mkdir(parents=True)
    (inside / "own.txt").write_text("x")
    (outside / "secret.txt").write_text("x")
    (outside / "folder" / "more.txt").write_text("x")
    (inside / "link_file.txt").symlink_to(outside / "secret.txt")
    (inside / "link_dir").symlink_to(outside / "folder", target_is_directory=True)
    (inside / "alias.txt").symlink_to(inside / "own.txt")  # stays inside: followed
    (inside / "sub" / "loop").symlink_to(inside, target_is_directory=True)  # a cycle
    return inside, outside


def test_ingest_discover_does_not_follow_links_out(linked: tuple[Path, Path]) -> None:
    inside, _ = linked
    found = sorted(p.relative_to(inside).as_posix() for p in discover([inside]))
    assert found == ["alias.txt", "own.txt"]


def test_ingest_discover_follows_links_when_asked(linked: tuple[Path, Path]) -> None:
    inside, _ = linked
    found = sorted(
        p.relative_to(inside).as_posix() for p in discover([inside], follow_symlinks=True)
    )
    assert found == ["alias.txt", "link_dir/more.txt", "link_file.txt", "own.txt"]


# -- time limit -------------------------------------------------------------------------------


def test_ingest_time_limit_interrupts_long_work() -> None:
    with pytest.raises(LimitExceeded) as caught, time_limit(0.05, "slow.txt"):
        while True:
            sum(range(1000))
    assert str(caught.value) == (
        "slow.txt: processing took over 0.05 s, the time limit (TRIALEX_DOC_TIMEOUT_S)"
    )
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_ingest_time_limit_restores_handler_and_passes_through() -> None:
    before = signal.getsignal(signal.SIGALRM)
    with time_limit(5, "quick.txt"):
        value = 1 + 1
    assert value == 2
    assert signal.getsignal(signal.SIGALRM) is before
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_ingest_time_limit_is_a_no_op_off_the_main_thread() -> None:
    outcome: list[object] = []

    def work() -> None:
        try:
            with time_limit(0.01, "thread.txt"):
                time.sleep(0.05)
            outcome.append("done")
        except BaseException as error:  # pragma: no cover - would be the failure
            outcome.append(error)

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    assert outcome == ["done"]


@pytest.mark.parametrize("seconds", [None, 0, -1, float("inf")])
def test_ingest_time_limit_disabled(seconds: float | None) -> None:
    with time_limit(seconds, "x.txt"):
        pass
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


@pytest.mark.parametrize(
    ("name", "data", "label"),
    [
        ("paper.docx", b"PK\x03\x04rest", "Word document (.docx)"),
        ("paper.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "Word 97-2003 document (.doc)"),
        ("scan.png", b"\x89PNG\r\n\x1a\nrest", "PNG image"),
        ("scan.jpg", b"\xff\xd8\xffrest", "JPEG image"),
        ("papers.zip", b"PK\x03\x04rest", "ZIP archive"),
        ("paper", b"PK\x03\x04rest", "ZIP container"),  # no suffix: told by its first bytes
    ],
)
def test_ingest_unsupported_formats_are_named(name: str, data: bytes, label: str) -> None:
    from trialex.ingest import load_bytes

    with pytest.raises(InputError) as info:
        load_bytes(data, name=name)
    message = str(info.value)
    assert message.startswith(name) and label in message and "not a supported format" in message
    assert "\n" not in message and "UTF-8" not in message
