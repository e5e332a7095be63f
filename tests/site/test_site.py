"""The course website (`make site`, tools/site.py): launch links, the Colab install cell, and a two-notebook build
checked in headless Chromium with the network blocked.

* Every tutorial and notebook carries the guarded Colab install cell as its first code cell, written from the one
  repository-URL setting (``[project.urls] Repository``), and every launch link points at a file that exists.
* The install cell's requirement, pointed at this checkout instead of the repository, installs a working package
  into a fresh virtual environment (offline, from uv's cache that ``make setup`` filled).
* A site built from two notebooks (t00 and 25: maths, one panel each) passes the build's own checks (no external
  resource, no broken relative link, panels within their size budget, no widget text) and, opened from disk in
  headless Chromium with every non-file request aborted: no request was attempted, MathJax typeset the formulas,
  and moving each slider of each panel changes the pixels of its figure.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from suite_paths import ROOT, notebook_sources

sys.path.insert(0, str(ROOT / "tools"))
# tools/site.py, loaded by path: `import site` would give the standard library's module of that name
_spec = importlib.util.spec_from_file_location("priorscope_site_tool", ROOT / "tools" / "site.py")
assert _spec and _spec.loader
site = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(site)

SOURCES = notebook_sources()
SITE_IDS = ("t00", "25")


def _code_cells(path: Path) -> list[str]:
    import jupytext

    return [c.source for c in jupytext.read(path).cells if c.cell_type == "code"]


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.stem)
def test_first_code_cell_is_the_guarded_colab_install_cell(path: Path) -> None:
    cell = site.install_cell().removeprefix("```{code-cell} ipython3\n").removesuffix("```\n").strip()
    first = _code_cells(path)[0].strip()
    assert first == cell, (
        f"{path.name}: the first code cell must be the Colab install cell, exactly as "
        "`python tools/site.py --sync-install-cells` writes it"
    )
    assert sum("pip" in c for c in _code_cells(path)) == 1, f"{path.name}: no other cell may install anything"


def test_launch_links_come_from_the_repository_setting_and_point_at_existing_files() -> None:
    url = site.repository_url()
    assert (ROOT / ".binder" / "environment.yml").exists(), "Binder builds from .binder/environment.yml"
    for path in SOURCES:
        source = path.relative_to(ROOT).as_posix()
        links = site.launch_links(source)
        slug = url.removeprefix("https://github.com/")
        binder = re.fullmatch(
            rf"https://mybinder\.org/v2/gh/{slug}/{site.BRANCH}\?urlpath=lab/tree/(.+)", links["binder"]
        )
        assert binder and (ROOT / binder.group(1)).is_file(), links["binder"]
        colab = re.fullmatch(
            rf"https://colab\.research\.google\.com/github/{slug}/blob/{site.PAGES_BRANCH}/(.+)", links["colab"]
        )
        assert colab and colab.group(1) == f"ipynb/{path.stem}.ipynb", links["colab"]  # checked in the built site
        assert f'repository = "{url}"' in _code_cells(path)[0]


def test_install_cell_installs_the_package_into_a_fresh_venv(tmp_path: Path) -> None:
    """The cell's requirement (``priorscope @ git+<repository>``), with this checkout in place of the repository,
    builds a non-editable wheel and installs it with its dependencies into a fresh venv, offline from uv's cache;
    the installed package imports and finds its browser front end (package data). It proves the cell's command and
    the package's build and data files; not that GitHub or Colab are reachable."""
    uv = ROOT / ".tools" / "bin" / "uv"
    if not uv.exists():
        pytest.skip("uv is installed by `make setup` under .tools/")
    first = _code_cells(SOURCES[0])[0]
    req = re.search(r'f"(priorscope @ git\+)\{repository\}"', first)
    assert req, "the install cell installs `priorscope @ git+{repository}`"
    checkout = tmp_path / "checkout"
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT, capture_output=True, text=True)
    for rel in files.stdout.split():
        if (ROOT / rel).is_file() and rel.split("/")[0] in ("lib", "pyproject.toml", "README.md"):
            (checkout / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / rel, checkout / rel)
    env = {**os.environ, "UV_COMPILE_BYTECODE": "0", "UV_LINK_MODE": "symlink", "VIRTUAL_ENV": ""}
    venv = tmp_path / "venv"
    run = lambda *a: subprocess.run([str(uv), *a], env=env, capture_output=True, text=True, timeout=300)  # noqa: E731
    made = run("venv", "-q", "--python", sys.executable, str(venv))
    assert made.returncode == 0, made.stderr
    python = venv / "bin" / "python"
    requirement = f"priorscope @ {checkout.as_uri()}"  # the cell's requirement with the checkout as its source
    out = run(
        "pip", "install", "-q", "--offline", "--python", str(python), "-c", str(ROOT / "constraints.txt"), requirement
    )
    assert out.returncode == 0, out.stderr[-3000:]
    probe = (
        "import json, priorscope, priorscope.viz.widget as w; "
        "print(json.dumps([priorscope.__file__, len(w.esm_source())]))"
    )
    shown = subprocess.run([str(python), "-c", probe], capture_output=True, text=True, timeout=300, env={
        "PATH": os.environ["PATH"], "HOME": str(tmp_path), "PRIORSCOPE_JAX_CACHE": "off"})  # fmt: skip
    assert shown.returncode == 0, shown.stderr[-3000:]
    where, js = json.loads(shown.stdout.strip().splitlines()[-1])
    assert Path(where).is_relative_to(venv), f"imported {where}, not the fresh venv's copy"
    assert js > 10_000, "the installed package lacks its browser front end (viz/_static)"


# ------------------------------------------------------------------------------------------------ built site
def _build(tmp_path: Path) -> Path:
    out = tmp_path / "site"
    cmd = [sys.executable, str(ROOT / "tools" / "site.py"), "--only", ",".join(SITE_IDS), "--out", str(out)]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=1200)
    assert done.returncode == 0, f"site build failed:\n{done.stdout[-3000:]}\n{done.stderr[-5000:]}"
    print(done.stdout.strip().splitlines()[-1])
    return out


def _passes_the_build_checks(built: Path) -> None:
    assert site.check_site(built) == []
    pages = {p.relative_to(built).as_posix() for p in built.rglob("*.html")}
    assert {"index.html", "glossary.html", "ledger.html", "tutorials/t00_tour.html"} <= pages
    for path in SOURCES:
        if path.stem.split("_")[0] in SITE_IDS:
            assert (built / "ipynb" / f"{path.stem}.ipynb").is_file(), "the Colab link's notebook is missing"
            page = (built / path.relative_to(ROOT)).with_suffix(".html").read_text()
            links = site.launch_links(path.relative_to(ROOT).as_posix())
            assert links["binder"].replace("&", "&amp;") in page or links["binder"] in page
            assert links["colab"] in page
    ledger = (built / "ledger.html").read_text()
    assert "t00.conjugacy" in ledger and 'href="tutorials/t00_tour.html#claim-t00-conjugacy"' in ledger
    assert 'id="claim-t00-conjugacy"' in (built / "tutorials" / "t00_tour.html").read_text()


@pytest.mark.site
@pytest.mark.browser
def test_two_notebook_site_builds_offline_and_its_panels_move_in_chromium(tmp_path: Path) -> None:
    """One test, one build (a shared fixture would build once per xdist worker)."""
    import labdriver
    from playwright.sync_api import sync_playwright

    built = _build(tmp_path)
    _passes_the_build_checks(built)

    chromium = labdriver.chromium()
    if chromium is None:
        if os.environ.get("CI"):
            pytest.fail("CI must run the browser test, but Debian `chromium` is not installed (.ci/run installs it)")
        pytest.skip("Chromium is not installed here (Debian: apt-get install chromium)")
    external: list[str] = []

    def route(r) -> None:
        if r.request.url.startswith("file:"):
            r.continue_()
        else:
            external.append(r.request.url)
            r.abort()

    pages = ["index.html", "ledger.html", "tutorials/t00_tour.html", "notebooks/25_judge_scaling_theory.html"]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=labdriver.CHROMIUM_ARGS)
        try:
            for rel in pages:
                page = browser.new_page(viewport={"width": 1300, "height": 900})
                errors: list[str] = []
                page.on("pageerror", lambda e, errors=errors: errors.append(str(e)))
                page.route("**/*", route)
                try:
                    page.goto((built / rel).as_uri())
                    page.wait_for_load_state("load")
                    text = page.inner_text("body")
                    for bad in ("Error displaying widget", "VBox(", "FloatSlider(", "could not be drawn"):
                        assert bad not in text, f"{rel}: {bad!r} on the page"
                    if rel.endswith(("t00_tour.html", "25_judge_scaling_theory.html")):
                        page.wait_for_selector("mjx-container", state="attached", timeout=60_000)
                        page.wait_for_function("() => !document.querySelector('mjx-merror')", timeout=10_000)
                        assert page.locator("mjx-container").count() > 3, f"{rel}: formulas were not typeset"
                        assert not re.search(r"\$\$|\\\(|\\frac", text), f"{rel}: raw TeX left on the page"
                        _every_slider_moves_its_figure(page, rel)
                    assert not errors, f"{rel}: {errors}"
                except Exception:
                    print(f"screenshot: {labdriver.failure_shot(page, 'site-failure-' + Path(rel).stem, ROOT)}")
                    raise
                finally:
                    page.close()
        finally:
            browser.close()
    assert not external, f"the site requested {len(external)} external resources: {external[:5]}"


def _every_slider_moves_its_figure(page, rel: str) -> None:
    panels = page.locator(".priorscope-replay")
    assert panels.count() >= 1, f"{rel}: no precomputed panel on the page"
    for i in range(panels.count()):
        panel = panels.nth(i)
        panel.scroll_into_view_if_needed()
        panel.locator(".priorscope-figure canvas").first.wait_for(timeout=30_000)
        figure = panel.locator(".priorscope-figure")
        sliders = panel.locator("input[data-control]")
        assert sliders.count() >= 1
        for j in range(sliders.count()):
            slider = sliders.nth(j)
            name = slider.get_attribute("data-control")
            start, top = slider.input_value(), slider.get_attribute("max")
            before = figure.screenshot()
            slider.focus()
            page.keyboard.press("Home" if start == top else "End")  # to the other end of the computed values
            page.wait_for_timeout(150)
            assert slider.input_value() != start, f"{rel}: slider {name} did not move"
            assert figure.screenshot() != before, f"{rel}: moving {name} did not change the figure"
            page.keyboard.press("End" if start == top else "Home")
            slider.evaluate("(el, v) => { el.value = v; el.dispatchEvent(new Event('input')); }", start)


@pytest.mark.site
def test_a_failing_cell_fails_the_build(tmp_path: Path) -> None:
    """The site's Sphinx configuration makes a cell error fatal (MyST-NB would otherwise only warn)."""
    (tmp_path / "_static").mkdir()
    (tmp_path / "conf.py").write_text(site.CONF.format(repo=site.repository_url()))
    for name in ("priorscope-replay.js", "priorscope-replay.css"):
        (tmp_path / "_static" / name).write_text("")
    header = (
        "---\njupytext:\n  text_representation:\n    extension: .md\n    format_name: myst\n"
        "kernelspec:\n  name: python3\n  display_name: Python 3 (ipykernel)\n  language: python\n---\n"
    )
    cells = '# t\n\n```{code-cell} ipython3\nraise ValueError("a failing cell")\n```\n'
    (tmp_path / "index.md").write_text(header + "\n" + cells)
    cmd = [sys.executable, "-m", "sphinx", "-b", "html", "-q", str(tmp_path), str(tmp_path / "_out")]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert done.returncode != 0, "a failing cell must fail the site build"
    assert "a failing cell" in done.stdout + done.stderr + "".join(
        p.read_text() for p in Path(tempfile.gettempdir()).glob("sphinx-err-*.log")
    )
