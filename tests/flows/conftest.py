"""One Prefect test harness (temporary server and database) for the whole session."""

from __future__ import annotations

import hashlib
import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # the flows/ package of this checkout
    sys.path.insert(0, str(ROOT))


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    """A writable copy of raw/."""
    target = tmp_path / "raw"
    shutil.copytree(ROOT / "raw", target)
    for path in target.iterdir():
        path.chmod(0o644)
    return target


def source_fingerprint() -> str:
    """A hash of the library's code and rules (what a Dask worker imports when it starts)."""
    import trialex

    digest = hashlib.sha256()
    package = Path(trialex.__file__).parent
    for path in sorted(package.rglob("*")):
        if path.is_file() and path.suffix in {".py", ".json", ".jsonl"}:
            digest.update(str(path.relative_to(package)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


# taken when the test modules (and through them the library) are about to be imported
SESSION_FINGERPRINT = source_fingerprint()


@pytest.fixture
def skip_if_code_changed() -> Callable[[], None]:
    """For tests comparing this process's output with fresh processes' (Dask workers): call it
    before comparing; the comparison means nothing if the sources were edited after this
    process imported them (several people edit this tree at once)."""

    def check() -> None:
        if source_fingerprint() != SESSION_FINGERPRINT:
            pytest.skip("library sources changed during the session: outputs cannot be compared")

    return check
