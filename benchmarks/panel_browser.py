"""Browser benchmark (not a test): key press on a slider → changed pixels, per panel, in real JupyterLab.

JupyterLab runs on 127.0.0.1 and headless Chromium (the page may reach only localhost) opens a generated notebook
with one cell per panel builder. For each panel drawn by the browser front end, the first slider gets focus and
``--presses`` arrow-key presses (alternating right/left, ``--gap`` ms apart), then a continuous 1.5-s drag
of its handle (frames painted per second). Inside the page, a capturing
``keydown`` listener stamps the press and a MutationObserver stamps the moment the front end has painted the
new frame on its canvas (``data-seq`` is set right after painting); the difference is the latency. The
kernel's own time per update is read from the panel's status line ("updated in N ms"). Results, with the
machine and load average, go to ``benchmarks/results/panel_browser_latency.json``.

Usage: ``python benchmarks/panel_browser.py [--panels priorscope.viz.bayes:beta_binomial_panel ...]
[--presses 20]``. By default every ``*_panel`` builder of ``priorscope.viz.*`` is measured; panels still drawn
by matplotlib (legacy) are listed as skipped.
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


def builders() -> list[str]:
    import priorscope.viz as viz

    out = []
    for mod in pkgutil.iter_modules(viz.__path__):
        if mod.name.startswith("_") or mod.name in ("panel", "figure", "widget", "replay", "registry", "controls"):
            continue
        module = importlib.import_module(f"priorscope.viz.{mod.name}")
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if name.endswith("_panel") and fn.__module__ == module.__name__ and not name.startswith("_"):
                out.append(f"{module.__name__}:{name}")
    return out


def notebook(targets: list[str], path: Path) -> None:
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("import json, priorscope.viz as _viz\nPANELS = []"),
        *[
            nbformat.v4.new_code_cell(
                f"from {t.split(':')[0]} import {t.split(':')[1]} as _b\n_p = _b()\n_p.warmup()\nPANELS.append(_p)\n_p"
            )
            for t in targets
        ],
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
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--panels", nargs="*", help="builders as module:function (default: every *_panel)")
    parser.add_argument("--presses", type=int, default=20)
    parser.add_argument("--gap", type=int, default=250, help="ms between presses")
    args = parser.parse_args()
    targets = args.panels or builders()
    chromium = labdriver.chromium()
    if chromium is None:
        sys.exit("Chromium is not installed (Debian: apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    load_before = os.getloadavg()
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
            panels = page.locator(labdriver.PANEL)
            for i, target in enumerate(targets):
                panel = panels.nth(i)
                panel.scroll_into_view_if_needed()
                figure = panel.locator(labdriver.FIGURE)
                if not figure.count():
                    rows[target] = {"skipped": "drawn by matplotlib in the kernel (legacy path)"}
                    print(f"{target}: skipped (legacy matplotlib panel)")
                    continue
                page.evaluate(INSTRUMENT, figure.first.element_handle())
                panel.locator(".noUi-handle").first.focus()
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
        "panels": rows,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "panel_browser_latency.json").write_text(json.dumps(out, indent=1) + "\n")
    print(f"wrote {RESULTS / 'panel_browser_latency.json'} in {time.process_time():.0f} s CPU")


if __name__ == "__main__":
    main()
