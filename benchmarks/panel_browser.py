"""Browser benchmark (not a test): key press on a slider → changed pixels, per panel, in real JupyterLab.

JupyterLab runs on 127.0.0.1 and headless Chromium (the page may reach only localhost) opens a generated notebook
with one cell per panel builder. For each panel drawn by the browser front end, the first slider gets focus and
``--presses`` arrow-key presses (alternating right/left, ``--gap`` ms apart), then a continuous 1.5-s drag
of its handle (frames painted per second). Inside the page, a capturing
``keydown`` listener stamps the press and a MutationObserver stamps the moment the front end has painted the
new frame on its canvas (``data-seq`` is set right after painting); the difference is the latency. The
kernel's own time per update is read from the panel's status line ("updated in N ms"). Results, with the
machine and load average, go to ``benchmarks/results/panel_browser_latency.json``.

Every builder is called the way its notebook calls it: a builder that takes arguments (a trained model, a
geometry, a mixture, sizes) gets a setup snippet from ``ARGUMENTS`` that builds them as the notebook's cells do,
with the notebook's ``config.size`` names, so ``PRIORSCOPE_MODE=fast`` keeps them small. A panel whose cell
fails is recorded with its error and the others are still measured.

Usage: ``python benchmarks/panel_browser.py [--panels priorscope.viz.bayes:make_beta_binomial_panel ...]
[--presses 20]``. By default every ``make_*_panel`` builder of ``priorscope.viz.*`` is measured (``--help`` lists
them); panels still drawn by matplotlib (legacy) are listed as skipped.
"""

from __future__ import annotations

import argparse
import datetime
import importlib
import inspect
import json
import os
import pkgutil
import re
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "benchmarks"))
import labdriver  # noqa: E402
from run import machine  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"

INSTRUMENT = """(fig) => {
  const s = (window.__psBench = { t0: 0, times: [], frames: 0 });
  document.addEventListener("keydown", () => { s.t0 = performance.now(); }, true);
  new MutationObserver(() => { s.frames++; if (s.t0) { s.times.push(performance.now() - s.t0); s.t0 = 0; } })
    .observe(fig, { attributes: true, attributeFilter: ["data-seq"] });
}"""


#: builder -> (setup code, call arguments): the minimal cells of the builder's notebook that make its arguments,
#: at the notebook's sizes (``config.size`` with the notebook's names, so fast mode stays small). Each snippet is
#: self-contained (it runs in the benchmark's shared kernel after other panels' snippets).
ARGUMENTS: dict[str, tuple[str, str]] = {
    "priorscope.viz.diffusion:make_langevin_panel": (
        """# as in tutorials/t04_diffusion_basics.md
import numpy as np
from priorscope.diffusion import VPLinear, gmm
mix = gmm.ring(8, radius=2.0, std=0.1, weights=np.array([3.0, 1.0] * 4))
sched = VPLinear(beta_min=0.1, beta_max=20.0)""",
        'mix, sched, num_particles=config.size("t04.panel_particles", fast=500, full=2000), '
        'max_steps=config.size("t04.panel_steps", fast=100, full=300)',
    ),
    "priorscope.viz.diffusion:make_path_panel": (
        """# as in notebooks/17_principles_of_diffusion.md
from priorscope.diffusion import gmm
mix = gmm.ring(8, radius=2.0, std=0.1)""",
        'mix, num_particles=config.size("17.panel_particles", fast=500, full=2000), '
        'max_steps=config.size("17.panel_max_steps", fast=200, full=500)',
    ),
    "priorscope.viz.diffusion:make_solver_panel": (
        """# as in notebooks/19_dpm_solver_pp.md
import jax.numpy as jnp
from priorscope.diffusion import gmm
mix = gmm.ring(8, radius=2.0, std=0.1)
mask = jnp.arange(8) < 2""",
        'mix, mask, num_particles=config.size("19.panel_particles", fast=300, full=1000), '
        'max_steps=config.size("19.panel_max_steps", fast=50, full=100), '
        'ref_steps=config.size("19.panel_ref_steps", fast=200, full=400)',
    ),
    "priorscope.viz.diffusion:make_janus_panel": (
        "# as in notebooks/22_geodream_toy.md",
        'num_steps=config.size("22.panel_steps", fast=150, full=400)',
    ),
    "priorscope.viz.gp:make_rvgp_inpainting_panel": (
        """# as in notebooks/05_rvgp_vector_fields.md
from priorscope.gp import manifold
n_sphere = config.size("05.sphere_points", fast=400, full=800)
k_eig = config.size("05.eigenpairs", fast=50, full=100)
X = manifold.fibonacci_sphere(n_sphere)
geo = manifold.manifold_geometry(X, dim=2, num_eigenpairs=k_eig, num_neighbors=10, frame_neighbors=6)""",
        "geo",
    ),
    "priorscope.viz.particles:make_importance_panel": (
        """# as in tutorials/t05_particles.md
from priorscope import particles as P
model = P.make_bimodal_toy()""",
        "model",
    ),
    "priorscope.viz.particles:make_tempered_smc_panel": (
        """# as in tutorials/t05_particles.md
from priorscope import particles as P
model = P.make_bimodal_toy()""",
        "model",
    ),
    "priorscope.viz.diffusion_smc:make_annealing_panel": (
        """# as in notebooks/20_feynman_kac_correctors.md
import jax.numpy as jnp
from priorscope.diffusion import gmm, schedules
schedule = schedules.VPLinear()
mix = gmm.GaussianMixture.create(jnp.array([0.7, 0.3]), jnp.array([[-2.0], [2.0]]), 0.3)""",
        "mix, schedule",
    ),
    "priorscope.viz.diffusion_smc:make_inverse_panel": (
        "# as in notebooks/21_diffusion_inverse_problems.md",
        'num_steps=config.size("21.panel_steps", fast=150, full=150), '
        'num_seeds=config.size("21.panel_seeds", fast=4, full=4, gpu=8), '
        'num_particles=config.size("21.panel_particles", fast=1000, full=1000, gpu=10_000)',
    ),
    "priorscope.viz.search:make_alphamath_panel": (
        """# as in notebooks/27_alphamath_mcts.md: value model trained on pure-rollout trees, then on its own trees
import jax
from priorscope.scaling import env as E
from priorscope.scaling import prm as P
from priorscope.scaling import tree_search as TS
T, K = 6, 5
env = E.reasoning_env(T, skill=1.0, self_correct=0.05, lucky=0.0)
sig = dict(policy_signal=0.5, value_signal=1.0)
n_train = config.size("27.train_problems", fast=100, full=400, gpu=4000)
sims = config.size("27.simulations", fast=40, full=40)
iters = config.size("27.value_iters", fast=300, full=500)
d_train = jax.random.normal(config.key(1), (n_train,))
value0 = P.init_prm(config.key(2), len(TS.NODE_FEATURE_NAMES), 0)
search_kw = dict(num_simulations=sims, num_candidates=K, c_puct=1.5, **sig)
tree1 = TS.mcts_many(config.key(3), env, d_train, value0, value_weight=0.0, **search_kw)
value1, _ = P.train_prm(config.key(4), *jax.vmap(TS.tree_value_targets)(tree1), num_iters=iters, balance=False)
tree2 = TS.mcts_many(config.key(5), env, d_train, value1, value_weight=0.5, **search_kw)
value2, _ = P.train_prm(config.key(6), *jax.vmap(TS.tree_value_targets)(tree2), num_iters=iters, balance=False)""",
        "value2",
    ),
    "priorscope.viz.prm:make_biprm_panel": (
        """# as in notebooks/30_biprm.md: train_pair(0.5, config.key(2)) without its test set
import jax
from priorscope.scaling import biprm as B
from priorscope.scaling import env as E
from priorscope.scaling import prm as P
T = 8
env = E.reasoning_env(T, skill=2.0)
annot = dict(num_rollouts=1, completer_skill=0.0, judge_hit=1.0, judge_false_alarm=0.0)
n_problems = config.size("30.problems", fast=300, full=1000, gpu=4000)
iters = config.size("30.iters", fast=300, full=500)
spec = E.feature_spec(signal=2.5, state_signal=0.0, late_fraction=0.5, lag=2)
k1, k2, k3 = jax.random.split(config.key(2), 3)
train = P.annotate(k1, env, spec, num_problems=n_problems, num_responses=8, **annot)
y, m = P.first_error_labels(train.traj.first_error, T, label_after=True)
l2r, _ = P.train_prm(k3, B.stream_features(train.features)[0], y, m, num_iters=iters)
bi, _ = B.train_biprm(k3, train.features, y, m, num_iters=iters)""",
        "l2r, bi",
    ),
    "priorscope.viz.minds_lm:make_prior_influence_panel": (
        """# as in notebooks/33_prior_influence_llm.md: the shipped toy language models
from priorscope.minds import prior_influence as pi
models, _ = pi.load_prior_lms()""",
        "models",
    ),
}

#: printed by a benchmark cell whose panel could not be built (the driver records the error and goes on)
FAILED = "PANEL-BUILD-FAILED"


def builders() -> list[str]:
    import priorscope.viz as viz

    out = []
    for mod in pkgutil.iter_modules(viz.__path__):
        if mod.name.startswith("_") or mod.name in ("panel", "figure", "widget", "replay", "registry", "controls"):
            continue
        module = importlib.import_module(f"priorscope.viz.{mod.name}")
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("make_") and name.endswith("_panel") and fn.__module__ == module.__name__:
                out.append(f"{module.__name__}:{name}")
    return out


def missing_arguments() -> list[str]:
    """Builders with a required parameter but no ``ARGUMENTS`` entry, and ``ARGUMENTS`` entries naming no builder."""
    found = builders()
    out = [f"{t}: no builder of that name" for t in ARGUMENTS if t not in found]
    for target in found:
        module, name = target.split(":")
        params = inspect.signature(getattr(importlib.import_module(module), name)).parameters.values()
        required = [p.name for p in params if p.default is inspect.Parameter.empty]
        if required and target not in ARGUMENTS:
            out.append(f"{target}: needs {', '.join(required)} but has no entry in ARGUMENTS")
    return out


def cell(target: str) -> str:
    """The notebook cell that builds, warms up and shows one panel; a failure prints ``FAILED`` and the error."""
    module, name = target.split(":")
    setup, call = ARGUMENTS.get(target, ("", ""))
    body = f"from {module} import {name} as _b\n{setup}\n_p = _b({call})\n_p.warmup()\nPANELS.append(_p)"
    return (
        f"_p = None\ntry:\n{textwrap.indent(body, '    ')}\n"
        f"except Exception as _e:  # recorded by the driver; the next panels still run\n"
        f"    print({FAILED!r}, f'{{type(_e).__name__}}: {{_e}}')\n_p"
    )


def notebook(targets: list[str], path: Path) -> None:
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("import json, priorscope.viz as _viz\nfrom priorscope import config\nPANELS = []"),
        *[nbformat.v4.new_code_cell(cell(t)) for t in targets],
    ]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)


def drag_fps(page, panel, seconds: float = 1.5) -> tuple[float, float]:
    """Frames painted per second while the first slider's handle is dragged continuously for ``seconds``, and
    the mouse moves per second Playwright managed to send (the fps cannot exceed the input rate)."""
    box = panel.locator(".noUi-handle").first.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    before = page.evaluate("() => window.__psBench.frames")
    start = time.perf_counter()
    k = 0
    while time.perf_counter() - start < seconds:
        k += 1
        page.mouse.move(x + 3 * (20 - abs(k % 40 - 20)), y)  # back and forth over 60 px
        page.wait_for_timeout(16)
    elapsed = time.perf_counter() - start
    page.mouse.up()
    return (page.evaluate("() => window.__psBench.frames") - before) / elapsed, k / elapsed


def percentile(values: list[float], q: float) -> float:
    import numpy as np

    return float(np.percentile(np.asarray(values), q)) if values else float("nan")


def main() -> None:
    every = builders()
    listing = "\n".join(f"  {t}{'  (setup from its notebook)' if t in ARGUMENTS else ''}" for t in every)
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        epilog=f"default panels ({len(every)}, every make_*_panel builder of priorscope.viz):\n{listing}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--panels", nargs="*", help="builders as module:function (default: every make_*_panel)")
    parser.add_argument("--presses", type=int, default=20)
    parser.add_argument("--gap", type=int, default=250, help="ms between presses")
    args = parser.parse_args()
    problems = missing_arguments()
    if problems:
        sys.exit("benchmarks/panel_browser.py ARGUMENTS is out of date:\n" + "\n".join(problems))
    targets = args.panels or every
    unknown = sorted(set(targets) - set(every))
    if unknown:
        sys.exit(f"--panels: unknown builders {unknown}; choose from --help's list")
    chromium = labdriver.chromium()
    if chromium is None:
        sys.exit("Chromium is not installed (Debian: apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    load_before = os.getloadavg()
    started = time.perf_counter()
    rows = {}
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        root = tmp / "course"
        root.mkdir()
        notebook(targets, root / "bench.ipynb")
        with labdriver.lab(root, tmp) as base, sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium, args=labdriver.CHROMIUM_ARGS)
            page = labdriver.new_page(browser)
            labdriver.open_and_run(page, base, "bench.ipynb", timeout_ms=1_800_000)
            cells = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell")
            for i, target in enumerate(targets):
                code_cell = cells.nth(i + 1)  # cell 0 is the imports
                code_cell.scroll_into_view_if_needed()
                panel = code_cell.locator(".priorscope-panel").first
                if not panel.count():
                    text = code_cell.locator(".jp-OutputArea").inner_text()
                    error = text.split(FAILED, 1)[1].strip() if FAILED in text else text.strip() or "no output"
                    rows[target] = {"error": error[:500]}
                    print(f"{target}: not built ({error[:200]})")
                    continue
                panel.scroll_into_view_if_needed()
                figure = panel.locator(labdriver.FIGURE)
                if not figure.count():
                    rows[target] = {"skipped": "drawn by matplotlib in the kernel (legacy path)"}
                    print(f"{target}: skipped (legacy matplotlib panel)")
                    continue
                handle = panel.locator(".noUi-handle")
                if not handle.count():  # e.g. 36's meta-prior panel: one Choice, no slider to press
                    rows[target] = {"skipped": "no slider to press (its controls are choices or toggles)"}
                    print(f"{target}: skipped (no slider)")
                    continue
                page.evaluate(INSTRUMENT, figure.first.element_handle())
                handle.first.focus()
                missed, kernel = 0, []
                status = panel.locator(".widget-html", has_text="updated in").first
                for k in range(args.presses):
                    n = page.evaluate("() => window.__psBench.times.length")
                    page.keyboard.press("ArrowRight" if k % 2 == 0 else "ArrowLeft")
                    try:
                        page.wait_for_function(f"() => window.__psBench.times.length > {n}", timeout=30_000)
                    except Exception:  # noqa: BLE001 - a press that changed nothing (slider at its end)
                        missed += 1
                    page.wait_for_timeout(args.gap)
                    found = re.search(r"updated in (\d+) ms", status.inner_text()) if status.count() else None
                    if found:
                        kernel.append(float(found.group(1)))
                times = page.evaluate("() => window.__psBench.times")
                fps, moves = drag_fps(page, panel)
                rows[target] = {
                    "presses": args.presses,
                    "missed": missed,
                    "p50_ms": round(percentile(times, 50), 1),
                    "p95_ms": round(percentile(times, 95), 1),
                    "max_ms": round(max(times, default=0), 1),
                    "kernel_p50_ms": round(percentile(kernel, 50), 1),
                    "drag_fps": round(fps, 1),
                    "drag_mouse_moves_per_s": round(moves, 1),
                }
                r = rows[target]
                print(f"{target}: p50 {r['p50_ms']} ms, p95 {r['p95_ms']} ms, drag {fps:.0f} fps ({moves:.0f} moves/s)")
            browser.close()
    out = {
        "written": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "load_average_before": [round(v, 2) for v in load_before],
        "load_average_after": [round(v, 2) for v in os.getloadavg()],
        "method": "JupyterLab 127.0.0.1 + headless Chromium, localhost only; in-page keydown -> frame painted",
        "wall_s": round(time.perf_counter() - started, 1),
        "panels": rows,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "panel_browser_latency.json").write_text(json.dumps(out, indent=1) + "\n")
    print(f"wrote {RESULTS / 'panel_browser_latency.json'} in {time.process_time():.0f} s CPU")


if __name__ == "__main__":
    main()
