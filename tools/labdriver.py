"""Drive JupyterLab in headless Chromium (shared by tests/test_browser.py and benchmarks/panel_browser.py).

JupyterLab runs on 127.0.0.1 with temporary config/settings/runtime dirs; Playwright drives the system
``chromium`` (nothing is downloaded). Only localhost is reachable from the page: every other request is aborted.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

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

#: the class the panel's VBox carries, and the class of the figure the anywidget front end draws
PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden) .priorscope-panel"
FIGURE = ".priorscope-figure"


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for_server(url: str, proc: subprocess.Popen, timeout: float = 120.0) -> None:
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


@contextlib.contextmanager
def lab(
    root: Path, tmp: Path, extra_env: dict[str, str] | None = None, settings: dict[str, dict[str, Any]] | None = None
) -> Iterator[str]:
    """A JupyterLab server serving ``root``; yields its base URL and stops it (by process group) afterwards.

    ``settings`` maps a plugin id to user settings written into the server's temporary settings dir, e.g.
    ``{"@jupyterlab/docmanager-extension:plugin": {"autosaveInterval": 2}}``; they apply on top of the shipped
    overrides (``overrides.json`` in the environment), whose other keys stay in force."""
    for plugin, values in (settings or {}).items():
        package, _, name = plugin.partition(":")
        path = tmp / "settings" / package / f"{name}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    port = _free_port()
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(tmp / "config"),
        "JUPYTERLAB_SETTINGS_DIR": str(tmp / "settings"),
        "JUPYTER_RUNTIME_DIR": str(tmp / "runtime"),
        "JUPYTERLAB_WORKSPACES_DIR": str(tmp / "workspaces"),
        "PRIORSCOPE_MODE": "fast",
        "PRIORSCOPE_PROGRESS": "0",
        **(extra_env or {}),
    }
    cmd = [
        sys.executable, "-m", "jupyter", "lab", "--no-browser", f"--port={port}", "--ServerApp.ip=127.0.0.1",
        "--IdentityProvider.token=", "--ServerApp.password=", f"--ServerApp.root_dir={root}",
        "--LabApp.expose_app_in_browser=True", "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]  # fmt: skip
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    log_path = tmp / "lab.log"
    with open(log_path, "w") as log:
        proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            _wait_for_server(f"http://127.0.0.1:{port}/api/status", proc)
            yield f"http://127.0.0.1:{port}"
        finally:
            try:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(timeout=15)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)


def new_page(browser: Any, width: int = 1400, height: int = 1000) -> Any:
    """A page whose network is limited to localhost (any other request is aborted)."""
    page = browser.new_page(viewport={"width": width, "height": height})

    def route(r: Any) -> None:
        url = r.request.url
        local = url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:"))
        r.continue_() if local else r.abort()

    page.route("**/*", route)
    return page


def open_and_run(page: Any, base: str, path: str, timeout_ms: int = 600_000) -> None:
    """Open ``path`` (relative to the server root) as a notebook, run all cells, wait for the kernel to go idle."""
    page.goto(f"{base}/lab/tree/{path}", timeout=180_000)
    page.wait_for_function("window.jupyterapp !== undefined", timeout=180_000)
    page.wait_for_function(
        "(path) => { const w = window.jupyterapp.shell.currentWidget;"
        " return w && w.hasClass('jp-NotebookPanel') && w.context.path === path"
        " && w.sessionContext.session && w.sessionContext.session.kernel; }",
        arg=path,
        timeout=180_000,
    )
    page.evaluate("async () => { await window.jupyterapp.commands.execute('notebook:run-all-cells'); }")
    page.locator(PANEL).first.wait_for(state="attached", timeout=timeout_ms)
    wait_idle(page, timeout_ms)


def wait_idle(page: Any, timeout_ms: int = 600_000) -> None:
    page.wait_for_function(
        "() => { const w = window.jupyterapp.shell.currentWidget;"
        " return w.sessionContext.session.kernel.status === 'idle' && !w.content.widgets.some("
        " c => c.model.type === 'code' && c.model.executionState === 'running'); }",
        timeout=timeout_ms,
    )


def frame_seq(figure: Any) -> str:
    """Which frame the front end has painted (``data-seq`` on the figure)."""
    return figure.get_attribute("data-seq") or ""


def press_and_time(page: Any, panel: Any, key: str = "ArrowRight", timeout_s: float = 60.0) -> tuple[float, bool]:
    """Focus the panel's first slider, press ``key`` and return (seconds until the figure's pixels changed, changed)."""
    figure = panel.locator(FIGURE).first
    handle = panel.locator(".noUi-handle").first
    handle.focus()
    before = figure.screenshot(animations="disabled")
    start = time.perf_counter()
    page.keyboard.press(key)
    while time.perf_counter() - start < timeout_s:
        if figure.screenshot(animations="disabled") != before:
            return time.perf_counter() - start, True
        page.wait_for_timeout(5)
    return time.perf_counter() - start, False


def failure_shot(page: Any, name: str, root: Path) -> Path:
    shot = Path(os.environ.get("PRIORSCOPE_BROWSER_SHOTS", root / "build")) / f"{name}.png"
    shot.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shot), full_page=True)
    return shot
