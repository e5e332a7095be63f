"""Shared test configuration: float64 where references need it, tiers as markers, the notebook list."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "build"

# Tests never show progress bars; notebook kernels inherit these.
os.environ.setdefault("PRIORSCOPE_PROGRESS", "0")
os.environ.setdefault("PRIORSCOPE_JAX_CACHE", str(BUILD / "jax-cache"))


def notebook_sources() -> list[Path]:
    """Every tutorial and notebook, in curriculum order (tutorials t00.. first, then 01..)."""
    tutorials = sorted((ROOT / "tutorials").glob("t[0-9][0-9]_*.md"))
    notebooks = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.md"))
    return tutorials + notebooks


@pytest.fixture
def rng_key():
    import jax

    return jax.random.key(0)


def pytest_terminal_summary(terminalreporter):
    """Print the runtime of every notebook executed in this session (fast mode)."""
    import sys

    module = sys.modules.get("test_notebooks")
    runs = getattr(module, "_RUNS", {}) if module else {}
    if not runs:
        return
    terminalreporter.section("notebook runtimes (fast mode, seconds; budget 90 s each)")
    for nb_id, run in runs.items():
        flag = "" if run["seconds"] <= run["budget_s"] else "  OVER BUDGET"
        status = "ok" if run["error"] is None else "FAILED"
        terminalreporter.write_line(f"{nb_id:40s} {run['seconds']:7.1f}  {status}{flag}")
    total = sum(r["seconds"] for r in runs.values())
    terminalreporter.write_line(f"{'total':40s} {total:7.1f}")
