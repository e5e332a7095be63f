"""Tier 4: a real browser. JupyterLab on 127.0.0.1 in a temp dir, headless Debian Chromium driven by Playwright.

Opens the course index and t02 (MyST ``.md`` files: the shipped settings override must make them open as
notebooks), runs all cells of t02 in fast mode, drags the first slider of the live panel and checks that the
figure's canvas changed. No browser is downloaded: Playwright drives the system ``chromium``. Skips only where
Chromium is absent, and never in CI.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from suite_paths import ROOT

pytestmark = pytest.mark.browser

NOTEBOOK = "tutorials/t02_numpyro_arviz.md"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("CI must run the browser test, but Debian `chromium` is not installed (.ci/run installs it)")
        pytest.skip("Chromium is not installed here (Debian: apt-get install chromium)")
    return path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for_server(url: str, proc: subprocess.Popen, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"JupyterLab exited with code {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(f"JupyterLab did not answer {url} within {timeout} s")


@pytest.fixture
def lab(tmp_path: Path):
    """A JupyterLab server on 127.0.0.1 serving a copy of the tutorials, with temp config/settings/runtime dirs."""
    overrides = Path(sys.prefix) / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    assert overrides.exists(), f"{overrides} is missing: `make setup` installs the JupyterLab settings override"
    root = tmp_path / "course"
    shutil.copytree(ROOT / "tutorials", root / "tutorials")
    shutil.copy(ROOT / "index.md", root / "index.md")
    port = _free_port()
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
        "JUPYTERLAB_SETTINGS_DIR": str(tmp_path / "settings"),
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
        "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path / "workspaces"),
        "PRIORSCOPE_MODE": "fast",
        "PRIORSCOPE_PROGRESS": "0",
    }
    cmd = [
        sys.executable,
        "-m",
        "jupyter",
        "lab",
        "--no-browser",
        f"--port={port}",
        "--ServerApp.ip=127.0.0.1",
        "--IdentityProvider.token=",
        "--ServerApp.password=",
        f"--ServerApp.root_dir={root}",
        "--LabApp.expose_app_in_browser=True",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    log = open(tmp_path / "lab.log", "w")  # noqa: SIM115 - closed in finally
    proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _wait_for_server(f"http://127.0.0.1:{port}/api/status", proc)
        yield f"http://127.0.0.1:{port}"
    finally:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=15)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()
        if os.environ.get("CI"):
            sys.stdout.write((tmp_path / "lab.log").read_text()[-3000:])


def test_t02_slider_redraws_figure(lab: str) -> None:
    chromium = _chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            # `make lab` opens the course index: it must open as a notebook whose links lead to the tutorials
            page.goto(f"{lab}/lab/tree/index.md", timeout=120_000)
            page.wait_for_selector(".jp-NotebookPanel .jp-MarkdownCell", timeout=120_000)
            page.wait_for_function("window.jupyterapp !== undefined", timeout=60_000)
            link = page.locator(f".jp-NotebookPanel a[href*='{NOTEBOOK}']").first
            link.wait_for(timeout=60_000)
            link.click()  # a learner's click: JupyterLab opens the linked .md with its default viewer
            page.wait_for_function(
                "(path) => { const w = window.jupyterapp.shell.currentWidget;"
                " return w && w.hasClass('jp-NotebookPanel') && w.context.path === path; }",
                arg=NOTEBOOK,
                timeout=120_000,
            )
            page.wait_for_selector(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell", timeout=120_000)
            page.wait_for_function(
                "() => { const w = window.jupyterapp.shell.currentWidget;"
                " return w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel; }",
                timeout=120_000,
            )
            page.evaluate("async () => { await window.jupyterapp.commands.execute('notebook:run-all-cells'); }")
            panel = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .priorscope-panel").first
            panel.wait_for(state="attached", timeout=240_000)
            page.wait_for_function(
                "() => window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.status === 'idle'",
                timeout=240_000,
            )
            # run-all leaves the view at the last cell; JupyterLab and ipympl only paint what is on screen
            panel.scroll_into_view_if_needed()
            canvas = panel.locator(".jupyter-matplotlib-canvas-div").first
            canvas.scroll_into_view_if_needed()
            canvas.wait_for(state="visible", timeout=60_000)
            page.wait_for_timeout(1500)  # let the first frame arrive
            before = canvas.screenshot()
            readout = panel.locator(".widget-readout").first
            value_before = readout.inner_text()
            handle = panel.locator(".noUi-handle").first
            box = handle.bounding_box()
            assert box is not None, "no slider handle found in the panel"
            x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
            page.mouse.move(x, y)
            page.mouse.down()
            page.mouse.move(x + 90, y, steps=8)
            page.mouse.up()
            start = time.monotonic()
            changed = False
            while time.monotonic() - start < 60:
                page.wait_for_timeout(250)
                if canvas.screenshot() != before:
                    changed = True
                    break
            elapsed = time.monotonic() - start
            errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").count()
            assert readout.inner_text() != value_before, "dragging the handle did not move the slider"
            assert changed, f"the figure did not change within 60 s of moving the slider (stderr outputs: {errors})"
            print(f"slider drag -> redrawn canvas in {elapsed:.2f} s")
        except Exception:
            shot = Path(os.environ.get("PRIORSCOPE_BROWSER_SHOTS", ROOT / "build")) / "browser-failure.png"
            shot.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(shot), full_page=True)
            print(f"screenshot of the failing page: {shot}")
            raise
        finally:
            browser.close()
