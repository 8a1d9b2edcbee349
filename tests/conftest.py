"""Shared fixtures: paths of the bundled articles and gold records (never ../shared)."""

from __future__ import annotations

from pathlib import Path

import pytest

from _paths import GOLD_DIR, RAW_DIR, ROOT


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def raw_dir() -> Path:
    return RAW_DIR


@pytest.fixture(scope="session")
def gold_dir() -> Path:
    return GOLD_DIR
