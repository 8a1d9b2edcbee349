"""One Prefect test harness (temporary server and database) for the whole session."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
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
