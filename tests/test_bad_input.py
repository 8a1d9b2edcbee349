"""A corpus of hostile inputs, generated here (no committed binaries).

Each input gives either a correct Document or an InputError whose ``str()`` is one line that
contains the file's name.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from test_pdf import (
    make_encrypted_pdf,
    make_image_only_pdf,
    make_table_pdf,
    make_truncated_pdf,
    make_two_column_pdf,
)
from trialex.errors import InputError, LimitExceeded
from trialex.ingest import discover, display_name, load_path
from trialex.records import Document
from trialex.settings import Settings

NOISE = bytes((i * 7919 + 13) % 256 for i in range(64 * 1024))  # deterministic binary noise
SENTENCE = "The overall response rate was 45% (18 of 40; 95% CI, 29-62). "

# (file name, content builder, expected outcome: None = a Document, else a part of the error)
CASES: list[tuple[str, Callable[[], bytes], str | None]] = [
    ("empty.txt", lambda: b"", "empty"),
    ("blank.txt", lambda: b" \n\t \r\n\n", "empty"),
    ("noise.txt", lambda: NOISE, "not valid UTF-8"),
    ("noise.html", lambda: NOISE, "not valid UTF-8"),
    ("nul inside.txt", lambda: b"Results\x00\x00 more text", "NUL"),
    ("invalid utf8.txt", lambda: b"Response \xe9t\xe9 45%\n", "not valid UTF-8"),
    ("utf16 no bom.txt", lambda: SENTENCE.encode("utf-16-le"), "UTF-16 without BOM"),
    ("latin1.md", lambda: "Réponse globale ± 5 %".encode("latin-1"), "not valid UTF-8"),
    ("utf16 bom.txt", lambda: SENTENCE.encode("utf-16"), None),
    ("one long line.txt", lambda: (SENTENCE * 80_000).encode(), None),  # ~5 MB, no newline
    ("many lines.txt", lambda: b"n = 12\n" * 100_000, None),
    ("deep.html", lambda: b"<div>" * 100_000 + b"deep" + b"</div>" * 100_000, None),
    ("unclosed.html", lambda: b"<p>" + b"<span><b>" * 100_000 + b"text", None),
    ("two columns.pdf", make_two_column_pdf, None),
    ("table.pdf", make_table_pdf, None),
    ("truncated.pdf", make_truncated_pdf, "truncated"),
    ("encrypted.pdf", make_encrypted_pdf, "encrypted"),
    ("scanned.pdf", make_image_only_pdf, "without a text layer"),
    ("noise.pdf", lambda: NOISE, "not a PDF"),
    ("text named.pdf", lambda: SENTENCE.encode(), "not a PDF"),
    ("with spaces in name.txt", lambda: SENTENCE.encode(), None),
    ("résumé 研究 論文.txt", lambda: SENTENCE.encode(), None),
    ("..double..dots...txt", lambda: SENTENCE.encode(), None),
    ("..txt", lambda: SENTENCE.encode(), None),
    ("new\nline name.txt", lambda: b"", "empty"),
    ("tab\tand\x1bescape.txt", lambda: NOISE, "not valid UTF-8"),
    ("x" * 240 + ".txt", lambda: SENTENCE.encode(), None),
    ("no_suffix", lambda: SENTENCE.encode(), None),
]


def _check(path: Path, expected: str | None, settings: Settings | None = None) -> Document | None:
    if expected is None:
        document = load_path(path, settings=settings)
        assert document.text.strip()
        assert document.source == str(path)
        assert document.doc_id and "/" not in document.doc_id and ".." not in document.doc_id
        return document
    with pytest.raises(InputError) as caught:
        load_path(path, settings=settings)
    message = str(caught.value)
    assert "\n" not in message and "\r" not in message
    assert display_name(path.name) in message
    assert expected in message
    return None


@pytest.mark.parametrize(("name", "build", "expected"), CASES, ids=[c[0] for c in CASES])
def test_bad_input_gives_document_or_one_line_error(
    tmp_path: Path, name: str, build: Callable[[], bytes], expected: str | None
) -> None:
    path = tmp_path / name
    path.write_bytes(build())
    _check(path, expected)


@pytest.mark.parametrize(
    ("name", "build", "check"),
    [
        ("one long line.txt", lambda: (SENTENCE * 80_000).encode(), SENTENCE * 80_000),
        ("many lines.txt", lambda: b"n = 12\r\n" * 100_000, "n = 12\r\n" * 100_000),
        ("deep.html", lambda: b"<div>" * 100_000 + b"deep" + b"</div>" * 100_000, "deep"),
        ("unclosed.html", lambda: b"<p>" + b"<span><b>" * 100_000 + b"text", "text"),
    ],
)
def test_bad_input_large_shapes_extracted_exactly(
    tmp_path: Path, name: str, build: Callable[[], bytes], check: str
) -> None:
    path = tmp_path / name
    path.write_bytes(build())
    assert load_path(path).text == check


def test_bad_input_oversized_file_is_a_limit_error(tmp_path: Path) -> None:
    path = tmp_path / "big file.txt"
    path.write_bytes(b"a" * (2 * 1024 * 1024 + 1))
    with pytest.raises(LimitExceeded) as caught:
        load_path(path, settings=Settings(max_file_mb=2))
    assert str(caught.value) == (
        f"{path}: file is 2.0 MB, over the limit of 2 MB (TRIALEX_MAX_FILE_MB)"
    )


def test_bad_input_symlink_out_of_input_folder_not_followed(tmp_path: Path) -> None:
    inputs, elsewhere = tmp_path / "inputs", tmp_path / "elsewhere"
    inputs.mkdir()
    elsewhere.mkdir()
    (elsewhere / "private.txt").write_text(SENTENCE)
    (inputs / "paper.txt").write_text(SENTENCE)
    (inputs / "innocent.txt").symlink_to(elsewhere / "private.txt")
    (inputs / "etc").symlink_to(elsewhere, target_is_directory=True)
    assert list(discover([inputs])) == [inputs / "paper.txt"]
    followed = list(discover([inputs], follow_symlinks=True))
    assert followed == [
        inputs / "etc" / "private.txt",
        inputs / "innocent.txt",
        inputs / "paper.txt",
    ]


def test_bad_input_every_discovered_file_loads_or_fails_cleanly(tmp_path: Path) -> None:
    for name, build, _ in CASES:
        (tmp_path / name).write_bytes(build())
    outcomes = {}
    for path in discover([tmp_path]):
        try:
            outcomes[path.name] = load_path(path).doc_id
        except InputError as error:
            assert "\n" not in str(error) and display_name(path.name) in str(error)
            outcomes[path.name] = None
    assert "no_suffix" not in outcomes  # unsupported suffix: not discovered in a folder
    ids = [doc_id for doc_id in outcomes.values() if doc_id]
    assert len(ids) == len(set(ids))


# VmHWM, not ru_maxrss: on Linux a child's ru_maxrss keeps the parent's high-water mark from
# before exec (the pytest process), so it measured the test runner, not the load.
_PEAK_SCRIPT = """
import json, sys
from trialex.ingest import load_path
document = load_path(sys.argv[1])
with open("/proc/self/status") as status:
    peak_kb = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
print(json.dumps({"chars": len(document.text), "peak_mb": peak_kb / 1024}))
"""


@pytest.mark.slow
def test_bad_input_50mb_text_within_memory(tmp_path: Path) -> None:
    path = tmp_path / "fifty megabytes.txt"
    line = (SENTENCE * 20)[:1023] + "\n"
    with path.open("w", encoding="utf-8") as handle:
        for _ in range(50 * 1024):
            handle.write(line)
    assert path.stat().st_size == 50 * 1024 * 1024
    run = subprocess.run(
        [sys.executable, "-c", _PEAK_SCRIPT, str(path)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "TRIALEX_MAX_FILE_MB": "64"},
    )
    report = json.loads(run.stdout)
    assert report["chars"] == 50 * 1024 * 1024
    # bytes + str + one transient copy, on top of the interpreter and pydantic/spacy imports
    assert report["peak_mb"] < 400, report
