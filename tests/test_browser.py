"""Tier 4: a real browser. JupyterLab on 127.0.0.1 in a temp dir, headless Debian Chromium driven by Playwright.

1. Two panels (a closed-form one, t00's Beta–binomial, and an inference one, t02's NUTS) are drawn by the browser
   front end (anywidget + uPlot): a key press on a slider must change the figure's pixels.
2. At 1400×1000 with the file browser open, the course index opens as a notebook, its link opens a tutorial, and
   the first panel of three tutorials (run in full) lies wholly inside the viewport (issue 8).

No browser is downloaded: Playwright drives the system ``chromium``; the page can reach only localhost. Skips
only where Chromium is absent, and never in CI. Failure screenshots go to ``build/`` (or
``$PRIORSCOPE_BROWSER_SHOTS``).
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest
from suite_paths import ROOT

sys.path.insert(0, str(ROOT / "tools"))
import labdriver  # noqa: E402

pytestmark = pytest.mark.browser

FIT_NOTEBOOKS = ("tutorials/t00_tour.md", "tutorials/t01_jax_essentials.md", "tutorials/t02_numpyro_arviz.md")
DEMO_CELLS = (
    "from priorscope.viz.bayes import beta_binomial_panel, normal_mean_panel\nbeta_binomial_panel()",
    "normal_mean_panel()",
)


def _chromium() -> str:
    path = labdriver.chromium()
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("CI must run the browser test, but Debian `chromium` is not installed (.ci/run installs it)")
        pytest.skip("Chromium is not installed here (Debian: apt-get install chromium)")
    return path


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory):
    """A JupyterLab server serving a copy of the tutorials, the index and a two-panel demo notebook."""
    import nbformat

    overrides = Path(sys.prefix) / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    assert overrides.exists(), f"{overrides} is missing: `make setup` installs the JupyterLab settings override"
    tmp = tmp_path_factory.mktemp("lab")
    root = tmp / "course"
    shutil.copytree(ROOT / "tutorials", root / "tutorials")
    shutil.copy(ROOT / "index.md", root / "index.md")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src) for src in DEMO_CELLS]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, root / "panels_demo.ipynb")
    with labdriver.lab(root, tmp) as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=_chromium(), args=labdriver.CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


def test_two_panels_redraw_in_the_browser_on_a_key_press(lab: str, browser) -> None:
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


def test_index_opens_and_first_panels_fit_the_viewport(lab: str, browser) -> None:
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
    except Exception:
        print(f"screenshot of the failing page: {labdriver.failure_shot(page, 'browser-failure-fit', ROOT)}")
        raise
    finally:
        page.close()


def test_precomputed_bundle_replays_without_a_kernel(browser, tmp_path: Path) -> None:
    """A static page (no server, no network) replays a precomputed panel; moving a control changes the pixels."""
    from priorscope.viz import registry, replay
    from priorscope.viz.bayes import beta_binomial_panel

    panel = beta_binomial_panel("test.replay")
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
