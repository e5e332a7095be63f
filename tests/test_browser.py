"""Tier 4: a real browser. JupyterLab on 127.0.0.1 in a temp dir, headless Debian Chromium driven by Playwright.

1. Two panels (a closed-form one, t00's Beta–binomial, and an inference one, t02's NUTS) are drawn by the browser
   front end (anywidget + uPlot): a key press on a slider must change the figure's pixels.
2. At 1400×1000 with the file browser open, the course index opens as a notebook, its link opens a tutorial, and
   the first panel of three notebooks (t00, t01 and the reasoning notebook 25, run in full) lies wholly inside the
   viewport; after they were opened, run and left open for an autosave interval, ``git status`` of the checkout
   is what it was before (issue 8: opening a notebook must not rewrite its ``.md``).
3. A static page draws the figure options both renderers share (inverted axis, marker size in CSS px, stacked
   bars, per-point scatter colours, legend positions) without errors.

The server serves a copy of the checkout (every file ``git ls-files`` lists, tracked or new, so a root
``jupytext.toml`` applies as it does under ``make lab``), made a git repository so that ``git status`` there shows
any file the browser session changed, without touching the working tree.

No browser is downloaded: Playwright drives the system ``chromium``; the page can reach only localhost. Skips
only where Chromium is absent, and never in CI. Failure screenshots go to ``build/`` (or
``$PRIORSCOPE_BROWSER_SHOTS``).
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import numpy as np
import pytest
from suite_paths import ROOT

sys.path.insert(0, str(ROOT / "tools"))
import labdriver  # noqa: E402

pytestmark = pytest.mark.browser

FIT_NOTEBOOKS = ("tutorials/t00_tour.md", "tutorials/t01_jax_essentials.md", "notebooks/25_judge_scaling_theory.md")
#: JupyterLab's autosave interval for the test (seconds; the default is 120)
AUTOSAVE_S = 2
DEMO_CELLS = (
    "from priorscope.viz.bayes import make_beta_binomial_panel, make_normal_mean_panel\nmake_beta_binomial_panel()",
    "make_normal_mean_panel()",
)


def _chromium() -> str:
    path = labdriver.chromium()
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("CI must run the browser test, but Debian `chromium` is not installed (.ci/run installs it)")
        pytest.skip("Chromium is not installed here (Debian: apt-get install chromium)")
    return path


def _git(root: Path, *args: str) -> str:
    cmd = ["git", "-c", "user.name=test", "-c", "user.email=test@localhost", "-c", "core.autocrlf=false", *args]
    return subprocess.run(cmd, cwd=root, check=True, capture_output=True, text=True).stdout


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory):
    """A JupyterLab server (autosave every AUTOSAVE_S s) serving a git copy of the checkout and a demo notebook."""
    import nbformat

    overrides = Path(sys.prefix) / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    assert overrides.exists(), f"{overrides} is missing: `make setup` installs the JupyterLab settings override"
    tmp = tmp_path_factory.mktemp("lab")
    root = tmp / "course"
    files = _git(ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard").split("\0")
    for rel in filter(None, files):
        src = ROOT / rel
        if src.is_file():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, root / rel)
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "checkout as the learner cloned it")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src) for src in DEMO_CELLS]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, root / "panels_demo.ipynb")  # *.ipynb is ignored: it never shows in git status
    settings = {"@jupyterlab/docmanager-extension:plugin": {"autosave": True, "autosaveInterval": AUTOSAVE_S}}
    with labdriver.lab(root, tmp, settings=settings) as base:
        yield base, root


def _last_modified(base: str, path: str) -> str:
    with urllib.request.urlopen(f"{base}/api/contents/{path}?content=0", timeout=30) as response:
        return json.load(response)["last_modified"]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=_chromium(), args=labdriver.CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


def test_two_panels_redraw_in_the_browser_on_a_key_press(lab: tuple[str, Path], browser) -> None:
    lab, _ = lab
    page = labdriver.new_page(browser)
    try:
        labdriver.open_and_run(page, lab, "panels_demo.ipynb")
        panels = page.locator(labdriver.PANEL)
        assert panels.count() == 2, f"expected 2 panels, found {panels.count()}"
        for i, name in enumerate(("t00 Beta–binomial (closed form)", "t02 NUTS (inference)")):
            panel = panels.nth(i)
            panel.scroll_into_view_if_needed()
            figure = panel.locator(labdriver.FIGURE).first
            figure.wait_for(state="visible", timeout=60_000)
            page.wait_for_function(  # the first frame is painted
                "(el) => el.dataset.seq !== undefined && el.querySelector('canvas')", arg=figure.element_handle()
            )
            assert not panel.locator(".jupyter-matplotlib").count(), f"{name}: still drawn by ipympl"
            seconds, changed = labdriver.press_and_time(page, panel, timeout_s=90)
            assert changed, f"{name}: the figure did not change within 90 s of a key press on its slider"
            print(f"{name}: key press -> changed pixels in {1000 * seconds:.0f} ms (screenshot polling)")
    except Exception:
        print(f"screenshot of the failing page: {labdriver.failure_shot(page, 'browser-failure-panels', ROOT)}")
        raise
    finally:
        page.close()


def test_index_opens_first_panels_fit_and_autosave_leaves_the_checkout_unmodified(
    lab: tuple[str, Path], browser
) -> None:
    lab, root = lab
    status_before = _git(root, "status", "--porcelain")
    saved: dict[str, bool] = {}
    page = labdriver.new_page(browser, 1400, 1000)
    try:
        # `make lab` opens the course index: it must open as a notebook whose links lead to the tutorials
        page.goto(f"{lab}/lab/tree/index.md", timeout=180_000)
        page.wait_for_selector(".jp-NotebookPanel .jp-MarkdownCell", timeout=180_000)
        page.wait_for_function("window.jupyterapp !== undefined", timeout=60_000)
        link = page.locator(f".jp-NotebookPanel a[href*='{FIT_NOTEBOOKS[0]}']").first
        link.wait_for(timeout=60_000)
        link.click()
        page.wait_for_function(
            "(path) => { const w = window.jupyterapp.shell.currentWidget;"
            " return w && w.hasClass('jp-NotebookPanel') && w.context.path === path; }",
            arg=FIT_NOTEBOOKS[0],
            timeout=180_000,
        )
        build = Path(os.environ.get("PRIORSCOPE_BROWSER_SHOTS", ROOT / "build"))
        build.mkdir(parents=True, exist_ok=True)
        for path in FIT_NOTEBOOKS:
            opened_at = _last_modified(lab, path)
            labdriver.open_and_run(page, lab, path)
            page.evaluate("() => window.jupyterapp.shell.activateById('filebrowser')")  # the file browser is open
            page.wait_for_selector("#filebrowser:not(.lm-mod-hidden)", timeout=30_000)
            panel = page.locator(labdriver.PANEL).first
            panel.scroll_into_view_if_needed()
            page.wait_for_timeout(1000)
            shot = build / f"browser-first-panel-{Path(path).stem}.png"
            page.screenshot(path=str(shot))
            box = panel.bounding_box()
            area = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-WindowedPanel-outer").first.bounding_box()
            assert box is not None and area is not None
            inside = (
                box["x"] >= area["x"] - 1
                and box["x"] + box["width"] <= min(1400, area["x"] + area["width"]) + 1
                and box["y"] >= 0
                and box["y"] + box["height"] <= 1000 + 1
            )
            assert inside, f"{path}: first panel {box} is not inside the notebook area {area} (see {shot})"
            clipped = panel.evaluate(
                "(el) => [...el.querySelectorAll('*')].some(c => c.scrollWidth > c.clientWidth + 1"
                " && getComputedStyle(c).overflowX !== 'visible' && c.clientWidth > 0)"
            )
            assert not clipped, f"{path}: part of the first panel is scrolled out of view (see {shot})"
            # left open: running it made the document dirty, so autosave writes it within an interval or two
            deadline = time.monotonic() + 10 * AUTOSAVE_S + 30
            while _last_modified(lab, path) == opened_at and time.monotonic() < deadline:
                page.wait_for_timeout(500)
            page.wait_for_timeout(1000 * AUTOSAVE_S)
            saved[path] = _last_modified(lab, path) != opened_at
        assert all(saved.values()), f"autosave never wrote these notebooks, so the check below proves nothing: {saved}"
        status_after = _git(root, "status", "--porcelain")
        diff = _git(root, "diff", "--stat")
        assert status_after == status_before, (
            f"opening, running and autosaving {list(FIT_NOTEBOOKS)} changed the checkout:\n{status_after}\n{diff}"
        )
    except Exception:
        print(f"screenshot of the failing page: {labdriver.failure_shot(page, 'browser-failure-fit', ROOT)}")
        raise
    finally:
        page.close()


def test_precomputed_bundle_replays_without_a_kernel(browser, tmp_path: Path) -> None:
    """A static page (no server, no network) replays a precomputed panel; moving a control changes the pixels."""
    from priorscope.viz import registry, replay
    from priorscope.viz.bayes import make_beta_binomial_panel

    panel = make_beta_binomial_panel("test.replay")
    registry.clear()
    bundle = panel.precompute(budget_bytes=400_000)
    page_path = tmp_path / "replay.html"
    page_path.write_text("<!doctype html><html><body>" + replay.bundle_html(bundle) + "</body></html>")
    page = browser.new_page(viewport={"width": 1000, "height": 700})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
    try:
        page.goto(page_path.as_uri())
        figure = page.locator(".priorscope-figure")
        page.wait_for_selector(".priorscope-figure canvas", timeout=30_000)
        before = figure.screenshot()
        page.locator("input[data-control=trials]").focus()
        page.keyboard.press("ArrowRight")
        page.wait_for_timeout(300)
        assert figure.screenshot() != before, "moving a replayed control did not change the figure"
        assert not errors, errors
    except Exception:
        print(f"screenshot of the failing page: {labdriver.failure_shot(page, 'browser-failure-replay', ROOT)}")
        raise
    finally:
        page.close()


def test_figure_options_draw_the_same_in_the_browser(browser, tmp_path: Path) -> None:
    """The browser front end draws what the PNG tests check (tests/core/test_figure.py): an inverted y axis puts
    y = 0 near the top, a ``size=20`` dot is 20 CSS px across, and the other options draw without errors."""
    import io

    from matplotlib.image import imread

    from priorscope.viz import replay
    from priorscope.viz.figure import Figure

    fig = Figure(width=600, row_height=300)
    a, b = fig.grid(1, 2)
    a.scatter("dot", [0.5], [0.0], size=20, color="#ff0000", alpha=1.0)
    a.set(xlim=(0, 1), ylim=(1.0, -0.1), title="inverted")
    b.bars("lo", [0, 1, 2], [1, 2, 1], color="#1f77b4", label="lower")
    b.bars("hi", [0, 1, 2], [1, 1, 1], bottom=[1, 2, 1], color="#2ca02c", label="upper")
    b.scatter("pts", [0, 1, 2], [3, 3.5, 3], sizes=[4, 8, 12], values=[0, 1, 2], cmap="magma", label="pts")
    b.line("l", [0, 2], [0.5, 0.5], marker=True, marker_size=8, color="#9467bd", label="line")
    b.set(legend="upper center", legend_ncol=2, yticks=[0, 2, 4], yticklabels=["0", "two", "four"])
    b.set(aspect="equal", xaxis=False)
    packer = replay._Packer()
    state = {"params": {}, "frame": replay._encode_frame(fig.frame(), packer)}
    blob = base64.b64encode(b"".join(packer.chunks)).decode()
    bundle = {"name": "test.options", "title": "", "caption": "", "spec": fig.spec(), "controls": {}}
    page_path = tmp_path / "options.html"
    html = replay.bundle_html({**bundle, "states": [state], "blob": blob})
    page_path.write_text("<!doctype html><html><body style='margin:0'>" + html + "</body></html>")
    page = browser.new_page(viewport={"width": 800, "height": 500})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
    try:
        page.goto(page_path.as_uri())
        page.wait_for_selector(".priorscope-figure canvas", timeout=30_000)
        page.wait_for_timeout(300)
        assert not errors, errors
        canvases = page.locator(".priorscope-figure canvas")
        assert canvases.count() == 2
        rgb = imread(io.BytesIO(canvases.first.screenshot()), format="png")[..., :3]
        redness = np.clip(rgb[..., 0] - rgb[..., 1], 0, 1)
        assert redness.sum() > 0, "the red dot was not drawn"
        diameter = 2 * np.sqrt(redness.sum() / np.pi)
        assert abs(diameter - 20) <= 2, f"a size=20 dot is {diameter:.1f} px across in the browser"
        rows = np.nonzero(redness.sum(axis=1))[0]
        centre = rows.mean() / rgb.shape[0]
        assert centre < 0.35, f"with ylim=(1, -0.1) y=0 must lie near the top, found at {centre:.2f} of the height"
        # aspect="equal": the middle lower bar (0.8 wide, 2 high in data units) is 2.5 times as tall as wide
        rgb = imread(io.BytesIO(canvases.nth(1).screenshot()), format="png")[..., :3]
        blue = 0.8 * np.array([0x1F, 0x77, 0xB4]) / 255 + 0.2  # #1f77b4 at alpha 0.8 on white
        cols = (np.abs(rgb - blue).max(axis=-1) < 0.08).sum(axis=0)
        tall = cols >= 0.75 * cols.max()
        ratio = cols.max() / tall.sum()
        assert abs(ratio - 2.5) < 0.25, f"with aspect='equal' a 0.8 x 2 bar is drawn {tall.sum()} x {cols.max()} px"
    except Exception:
        print(f"screenshot of the failing page: {labdriver.failure_shot(page, 'browser-failure-options', ROOT)}")
        raise
    finally:
        page.close()
