"""Shared fixtures: paths of the bundled articles and gold records (never ../shared)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RAW_DIR = ROOT / "raw"
GOLD_DIR = ROOT / "fixtures" / "gold"
GOLD_FILES = sorted(GOLD_DIR.glob("*.gold.json"))
RAW_FILES = sorted(RAW_DIR.glob("*.txt"))


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def raw_dir() -> Path:
    return RAW_DIR


@pytest.fixture(scope="session")
def gold_dir() -> Path:
    return GOLD_DIR
