"""Tiers 2 and 3: execute every tutorial and notebook in fast mode, then sweep every panel it registered.

Each notebook runs in a fresh kernel (``PRIORSCOPE_MODE=fast``); after its last cell a hidden cell sweeps every
registered panel (each control at min/mid/max; results must be finite). One test per notebook then checks, in
order: it ran without error, its claim checks were recorded and hold, its panels stayed finite, and every static
figure fits a 900-px output area (a hidden first cell checks each figure as it is displayed).
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

# Hidden first cell: every matplotlib figure the notebook displays (inline flush, plt.show(), display(fig); ArviZ
# included; panel figures belong to the panel layer) goes through IPython's display formatter, which this cell wraps
# to run priorscope.viz.style.figure_fit first and append the result to a JSON-lines report.
FIGURE_FIT_CELL = """\
def _priorscope_install_figure_fit(report={report!r}):
    import json, sys, weakref
    shell = get_ipython()
    seen, original, cell = weakref.WeakSet(), shell.display_formatter.format, [0]
    # the notebook's own code-cell number (1 = its first code cell; the counter is already one ahead here)
    shell.events.register("pre_run_cell", lambda info: cell.__setitem__(0, shell.execution_count - 2))

    def format(obj, *args, **kwargs):
        module = sys.modules.get("matplotlib.figure")
        if module is not None and isinstance(obj, module.Figure) and obj not in seen:
            seen.add(obj)
            from priorscope.viz import registry, style
            if not any(obj is getattr(p, "fig", None) for p in registry.panels()):
                row = {{"cell": cell[0], "titles": [a.get_title() for a in obj.axes][:3]}}
                try:
                    row.update(style.figure_fit(obj)._asdict())
                except Exception as err:
                    row.update(fits=False, width_px=0, shown_width_px=0, overflow_px=repr(err))
                with open(report, "a") as f:
                    f.write(json.dumps(row) + "\\n")
        return original(obj, *args, **kwargs)

    shell.display_formatter.format = format
_priorscope_install_figure_fit()
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
