"""Shared test configuration (the only conftest): float64 where references need it, tiers as markers, the notebook
list."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from suite_paths import BUILD

# Unit tests of these topics compare against float64 NumPy / SciPy / scikit-learn references (to ~1e-8 and
# tighter), so they run with JAX's float64 switched on; every other test runs in JAX's default float32.
X64_DIRS = {"bo", "diffusion", "gp"}

# Tests never show progress bars; notebook kernels inherit these.
os.environ.setdefault("PRIORSCOPE_PROGRESS", "0")
os.environ.setdefault("PRIORSCOPE_JAX_CACHE", str(BUILD / "jax-cache"))


@pytest.fixture(autouse=True)
def _x64(request):
    """float64 for the tests under ``tests/{bo,diffusion,gp}/`` (one place instead of a conftest per folder)."""
    if Path(str(request.node.fspath)).parent.name in X64_DIRS:
        import jax

        with jax.enable_x64(True):
            yield
    else:
        yield


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
