"""The environment files agree, the setup refuses old Pythons, and the layers respect the dependency rule."""

from __future__ import annotations

import ast
import os
import subprocess
import tomllib
from pathlib import Path

import yaml
from packaging.requirements import Requirement
from suite_paths import ROOT

LIB = ROOT / "lib" / "priorscope"
UI_MODULES = ("matplotlib", "ipywidgets", "IPython", "priorscope.viz", "ipympl")


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_environment_yml_installs_the_same_package_with_the_same_ranges():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d)
    assert '-e ".[dev]"' in pip or "-e .[dev]" in pip, "environment.yml must install this package with its dev extra"
    conda_reqs = {Requirement(r).name: Requirement(r).specifier for r in pip if not r.startswith("-e")}
    project = _pyproject()["project"]
    runtime = {Requirement(r).name: Requirement(r).specifier for r in project["dependencies"]}
    assert conda_reqs == runtime, "environment.yml pip list must repeat pyproject's runtime dependencies exactly"
    python = next(d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python"))
    assert python == "python" + project["requires-python"]


def test_constraints_pin_every_runtime_dependency():
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        if line and not line.startswith("#"):
            req = Requirement(line)
            pins[req.name.lower().replace("_", "-")] = req
    for raw in _pyproject()["project"]["dependencies"]:
        req = Requirement(raw)
        pinned = pins.get(req.name.lower())
        assert pinned is not None, f"{req.name} is not pinned in constraints.txt"
        version = next(iter(pinned.specifier)).version
        assert req.specifier.contains(version), f"{req.name}=={version} is outside pyproject's range {req.specifier}"


def test_python_requirement_is_312():
    assert _pyproject()["project"]["requires-python"] == ">=3.12"


def test_find_python_refuses_an_old_interpreter(tmp_path):
    fake = tmp_path / "python3"
    fake.write_text(
        '#!/bin/sh\nif [ "$1" = -c ] && echo "$2" | grep -q platform; then echo 3.11.7; exit 0; fi\nexit 1\n'
    )
    fake.chmod(0o755)
    env = {"PATH": f"{tmp_path}:/usr/bin:/bin", "HOME": str(tmp_path), "PYTHON": str(fake)}
    out = subprocess.run([str(ROOT / "tools" / "find-python")], env=env, capture_output=True, text=True)
    assert out.returncode == 1
    assert "priorscope needs Python >= 3.12" in out.stderr and "3.11.7" in out.stderr


def test_settings_override_opens_markdown_as_notebooks():
    import json

    data = json.loads((ROOT / ".binder" / "overrides.json").read_text())
    viewers = data["@jupyterlab/docmanager-extension:plugin"]["defaultViewers"]
    assert viewers["markdown"] == "Jupytext Notebook"
    # render every cell: with windowed rendering, ipympl figures created off screen (e.g. by "run all") stay blank
    assert data["@jupyterlab/notebook-extension:tracker"]["windowingMode"] == "none"


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_compute_modules_never_import_plotting_or_widgets():
    offenders = []
    for path in LIB.rglob("*.py"):
        if "viz" in path.relative_to(LIB).parts:
            continue
        for name in _imports(path):
            if any(name == ui or name.startswith(ui + ".") for ui in UI_MODULES):
                offenders.append(f"{path.relative_to(ROOT)} imports {name}")
    assert not offenders, "compute modules must not import viz/matplotlib/ipywidgets:\n" + "\n".join(offenders)


def test_only_config_reads_the_environment():
    offenders = [
        str(p.relative_to(ROOT))
        for p in LIB.rglob("*.py")
        if p.name != "config.py" and ("os.environ" in p.read_text() or "getenv(" in p.read_text())
    ]
    assert not offenders, f"only priorscope/config.py may read environment variables: {offenders}"


def test_no_committed_notebook_outputs():
    tracked = subprocess.run(["git", "ls-files", "*.ipynb"], cwd=ROOT, capture_output=True, text=True).stdout
    assert tracked.strip() == "", f".ipynb files are build products, never committed: {tracked.split()}"


def test_every_notebook_has_the_contract_front_matter():
    import jupytext

    for path in sorted((ROOT / "tutorials").glob("*.md")) + sorted((ROOT / "notebooks").glob("*.md")):
        nb = jupytext.read(path)
        meta = nb.metadata.get("priorscope", {})
        assert {"id", "title", "track"} <= set(meta), f"{path.name}: priorscope front matter needs id, title, track"
        assert nb.metadata.get("kernelspec", {}).get("name") == "python3", f"{path.name}: kernelspec python3"
        code = [c.source for c in nb.cells if c.cell_type == "code"]
        sources = "\n".join(code)
        assert "config.report()" in sources, f"{path.name}: the setup cell must call config.report()"
        # the one exception: the first cell installs the package on Colab only (tests/site/test_site.py checks it)
        assert code[0].startswith("# On Google Colab only") and 'if "google.colab" in sys.modules:' in code[0]
        assert "pip" not in "\n".join(code[1:]), f"{path.name}: no pip installs in notebooks"
        text = path.read_text()
        assert ":::{dropdown}" not in text, f"{path.name}: JupyterLab shows MyST dropdowns as raw text; use <details>"
        assert "<details>" in text and "<summary>" in text, f"{path.name}: exercises need collapsed solutions"
        assert os.path.basename(path).split("_")[0] == str(meta["id"]), f"{path.name}: file prefix != id"
