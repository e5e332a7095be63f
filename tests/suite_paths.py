"""Paths shared by the test modules (a plain module: importing `conftest` by name breaks with nested conftests)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "build"


def notebook_sources() -> list[Path]:
    """Every tutorial and notebook, in curriculum order (tutorials t00.. first, then 01..)."""
    tutorials = sorted((ROOT / "tutorials").glob("t[0-9][0-9]_*.md"))
    notebooks = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.md"))
    return tutorials + notebooks
