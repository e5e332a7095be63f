"""Tiers 2 and 3: execute every tutorial and notebook in fast mode, then sweep every panel it registered.

Each notebook runs in a fresh kernel (``PRIORSCOPE_MODE=fast``); after its last cell a hidden cell sweeps every
registered panel (each control at min/mid/max; results must be finite). One test per notebook then checks, in
order: it ran without error, its claim checks were recorded and hold, its panels stayed finite, and every static
figure fits a 900-px output area (a hidden first cell checks each figure after the cell that drew it).
Runtimes go to ``build/runtimes/<notebook>.json`` and are printed at the end of the session.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from suite_paths import BUILD, ROOT, notebook_sources

pytestmark = pytest.mark.notebooks

BUDGET_S = 90  # DESIGN.md: each notebook <= 90 s in fast mode on 2 cores (checked by the benchmark, not here)
CELL_TIMEOUT_S = 300  # a hung cell fails the test instead of stalling CI
SOURCES = notebook_sources()
PARAMS = [pytest.param(p, id=p.stem) for p in SOURCES]

SWEEP_CELL = """\
import json as _json, os as _os
import priorscope.viz as _viz
_sweep = _viz.registry.sweep_all(tag={tag!r})
print("PANELS", _json.dumps({{k: len(v) for k, v in _sweep.items()}}))
"""

# Hidden first cell: after every cell, check each open matplotlib figure (static figures and ArviZ plots; panel
# figures belong to the panel layer) with priorscope.viz.style.figure_fit and append the result to a JSON report.
# It runs before the inline backend's own post-execute hook, which closes the figures.
FIGURE_FIT_CELL = """\
def _priorscope_figure_fit(_seen=set(), _report={report!r}):
    import json, sys
    if "matplotlib.pyplot" not in sys.modules:
        return
    from matplotlib._pylab_helpers import Gcf
    from priorscope.viz import registry, style
    panel_figs = {{id(getattr(p, "fig", None)) for p in registry.panels()}}
    rows = []
    for fig in [m.canvas.figure for m in Gcf.get_all_fig_managers()]:
        if id(fig) in _seen or id(fig) in panel_figs:
            continue
        _seen.add(id(fig))
        row = {{"cell": get_ipython().execution_count - 1, "titles": [a.get_title() for a in fig.axes][:3]}}
        try:
            row.update(style.figure_fit(fig)._asdict())
        except Exception as err:
            row.update(fits=False, width_px=0, shown_width_px=0, overflow_px=repr(err))
        rows.append(row)
    if rows:
        with open(_report, "a") as f:
            f.writelines(json.dumps(r) + "\\n" for r in rows)
get_ipython().events.register("post_execute", _priorscope_figure_fit)
"""


def _execute(path: Path) -> dict:
    import jupytext
    import nbclient
    import nbformat

    nb_id = path.stem
    claims_dir, panels_dir = BUILD / "claims", BUILD / "panels"
    for d in (claims_dir, panels_dir, BUILD / "executed"):
        d.mkdir(parents=True, exist_ok=True)
    for stale in (claims_dir / f"{_meta_id(path)}.json", panels_dir / f"{nb_id}.json"):
        stale.unlink(missing_ok=True)
    nb = jupytext.read(path)
    figures = BUILD / "figures" / f"{nb_id}.jsonl"
    figures.parent.mkdir(parents=True, exist_ok=True)
    figures.unlink(missing_ok=True)
    nb.cells.insert(0, nbformat.v4.new_code_cell(FIGURE_FIT_CELL.format(report=str(figures))))
    nb.cells.append(nbformat.v4.new_code_cell(SWEEP_CELL.format(tag=nb_id)))
    env = {
        "PRIORSCOPE_MODE": "fast",
        "PRIORSCOPE_CLAIMS_DIR": str(claims_dir),
        "PRIORSCOPE_PANELS_DIR": str(panels_dir),
        "PRIORSCOPE_PROGRESS": "0",
    }
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    start, error = time.perf_counter(), None
    try:
        client = nbclient.NotebookClient(
            nb,
            timeout=CELL_TIMEOUT_S,
            kernel_name="python3",
            resources={"metadata": {"path": str(path.parent)}},
        )
        client.execute()
    except Exception as err:  # reported by the test below
        error = f"{type(err).__name__}: {err}"
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    seconds = time.perf_counter() - start
    nbformat.write(nb, BUILD / "executed" / f"{nb_id}.ipynb")
    run = {"id": nb_id, "seconds": seconds, "error": error, "budget_s": BUDGET_S}
    _record_runtime(run)
    return run


def _meta_id(path: Path) -> str:
    import jupytext

    return str(jupytext.read(path).metadata.get("priorscope", {}).get("id", path.stem.split("_")[0]))


def _record_runtime(run: dict) -> None:
    out = BUILD / "runtimes"
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{run['id']}.json").write_text(json.dumps(run))


@pytest.mark.panels
@pytest.mark.parametrize("path", PARAMS)
def test_notebook(path: Path) -> None:
    """Tier 2 (executes in fast mode, claims recorded and holding) and tier 3 (panel sweep finite)."""
    run = _execute(path)
    assert run["error"] is None, f"{path.relative_to(ROOT)} failed in fast mode:\n{run['error'][-4000:]}"

    out = BUILD / "claims" / f"{_meta_id(path)}.json"
    assert out.exists(), f"{path.name} recorded no claim check (claims.check)"
    claims = json.loads(out.read_text())
    checked = [c for c in claims if c["status"] != "not reproduced"]
    assert checked, f"{path.name} records only non-reproduced claims; it must also check what does hold"
    failed = [c["id"] for c in claims if c["status"] == "fail"]
    assert not failed, f"failed claims: {failed}"

    report = json.loads((BUILD / "panels" / f"{path.stem}.json").read_text())
    assert report, f"{path.name} registered no panel (priorscope.viz.Panel)"
    bad = [
        (name, row["control"], row["value"], row["error"] or "non-finite output")
        for name, rows in report.items()
        for row in rows
        if not row["finite"]
    ]
    assert not bad, f"panel sweep failures (panel, control, value, problem): {bad}"
    _assert_figures_fit(path)


def _assert_figures_fit(path: Path) -> None:
    """Every static figure fits a 900-px output area with nothing outside its canvas (report of the hidden cell)."""
    from priorscope.viz.style import MAX_WIDTH_PX

    report = BUILD / "figures" / f"{path.stem}.jsonl"
    rows = [json.loads(line) for line in report.read_text().splitlines()] if report.exists() else []
    bad = [
        f"code cell {r['cell']} {r['titles']}: {r['width_px']:.0f} px wide (shown {r['shown_width_px']:.0f} px), "
        f"content outside the canvas (left, bottom, right, top) {r['overflow_px']} px"
        for r in rows
        if not r["fits"]
    ]
    assert not bad, f"figures that do not fit a {MAX_WIDTH_PX}-px output area:\n" + "\n".join(bad)
