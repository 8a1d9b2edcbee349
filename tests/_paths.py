"""Paths of the bundled articles and gold records (never ../shared), importable by any test."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RAW_DIR = ROOT / "raw"
GOLD_DIR = ROOT / "fixtures" / "gold"
GOLD_FILES = sorted(GOLD_DIR.glob("*.gold.json"))
RAW_FILES = sorted(RAW_DIR.glob("*.txt"))
