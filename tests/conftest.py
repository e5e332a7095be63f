"""Shared test configuration: float64 where references need it, tiers as markers, the notebook list."""

from __future__ import annotations

import json
import os

import pytest
from suite_paths import BUILD

# Tests never show progress bars; notebook kernels inherit these.
os.environ.setdefault("PRIORSCOPE_PROGRESS", "0")
os.environ.setdefault("PRIORSCOPE_JAX_CACHE", str(BUILD / "jax-cache"))


@pytest.fixture
def rng_key():
    import jax

    return jax.random.key(0)


def pytest_terminal_summary(terminalreporter):
    """Print the fast-mode runtime of every notebook tested in this session (read from build/runtimes/)."""
    ids = set()
    for outcome in ("passed", "failed"):
        for report in terminalreporter.stats.get(outcome, []):
            nodeid = getattr(report, "nodeid", "")
            if "test_notebooks.py::test_notebook[" in nodeid and report.when == "call":
                ids.add(nodeid.split("[", 1)[1].rstrip("]"))
    runs = [
        json.loads((BUILD / "runtimes" / f"{i}.json").read_text())
        for i in sorted(ids)
        if (BUILD / "runtimes" / f"{i}.json").exists()
    ]
    if not runs:
        return
    terminalreporter.section("notebook runtimes (fast mode, seconds; budget 90 s each)")
    for run in runs:
        flag = "" if run["seconds"] <= run["budget_s"] else "  OVER BUDGET"
        status = "ok" if run["error"] is None else "FAILED"
        terminalreporter.write_line(f"{run['id']:40s} {run['seconds']:7.1f}  {status}{flag}")
    terminalreporter.write_line(f"{'total (sum over workers)':40s} {sum(r['seconds'] for r in runs):7.1f}")
