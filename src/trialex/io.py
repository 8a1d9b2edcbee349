"""Writing results: atomic replaces into the output folder, never outside it."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from trialex.errors import TrialexError
from trialex.ingest import safe_doc_id
from trialex.records import DocumentResult


def output_path(out_dir: Path, doc_id: str, suffix: str) -> Path:
    """``out_dir/<safe doc_id><suffix>``; raises if the result would leave ``out_dir``."""
    out_dir = Path(out_dir)
    name = safe_doc_id(doc_id) + suffix
    target = (out_dir / name).resolve()
    if target.parent != out_dir.resolve():
        raise TrialexError(f"{doc_id}: output name would leave the output folder {out_dir}")
    return out_dir / name


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write_text(path: Path, text: str) -> None:
    """Write to a temporary file in the same folder, fsync, then rename over ``path``.

    A reader (or a run killed half-way) sees the old file or the new one, never a mix.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~_umask())  # mkstemp makes 0600; outputs are ordinary files
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def result_json(result: DocumentResult) -> str:
    return json.dumps(result.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"


def write_result(result: DocumentResult, text: str, out_dir: Path) -> Path:
    """Write ``<doc_id>.txt`` (the text offsets point into), then ``<doc_id>.json``.

    The JSON is written last, so its presence means the pair is complete.
    """
    atomic_write_text(output_path(out_dir, result.doc_id, ".txt"), text)
    target = output_path(out_dir, result.doc_id, ".json")
    atomic_write_text(target, result_json(result))
    return target


def read_result(path: Path) -> DocumentResult:
    return DocumentResult.model_validate_json(Path(path).read_text(encoding="utf-8"))
