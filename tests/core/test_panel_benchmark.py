"""The browser benchmark covers every panel the notebooks show, each built the way its notebook builds it."""

from __future__ import annotations

import ast
import importlib.util
import re
import sys

from suite_paths import ROOT, notebook_sources


def _panel_browser():
    for folder in ("tools", "benchmarks"):
        if str(ROOT / folder) not in sys.path:
            sys.path.insert(0, str(ROOT / folder))
    spec = importlib.util.spec_from_file_location("panel_browser", ROOT / "benchmarks" / "panel_browser.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_notebook_panel_is_benchmarked_with_its_arguments() -> None:
    pb = _panel_browser()
    shown = {
        name
        for path in notebook_sources()
        for name in re.findall(r"^\w+ = (?:\w+\.)?(make_\w+_panel)\(", path.read_text(), flags=re.MULTILINE)
    }
    measured = {target.split(":")[1] for target in pb.builders()}
    assert shown == measured
    assert pb.missing_arguments() == []
    for target in pb.builders():
        ast.parse(pb.cell(target))  # every generated notebook cell is valid Python
