"""Opening and saving a notebook in JupyterLab must leave its MyST source byte-identical.

JupyterLab reads and writes `.md` notebooks through jupytext's contents manager (the `jupyterlab_jupytext` server
extension derives it from the server's `AsyncLargeFileManager`). Without the repository's `jupytext.toml` that
manager drops the `priorscope:` front matter and adds a `jupytext_version` line. These tests load and save every
tutorial, notebook and the course index through the same class, in a copy of the repository layout, and compare
bytes — once as opened, once after a simulated session (outputs, execution counts, kernel and widget metadata).
"""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest
from suite_paths import ROOT, notebook_sources

SOURCES = [*notebook_sources(), ROOT / "index.md", ROOT / "glossary.md"]
PARAMS = [pytest.param(p, id=p.relative_to(ROOT).as_posix()) for p in SOURCES]


def _manager(root: Path):
    from jupyter_server.services.contents.largefilemanager import AsyncLargeFileManager
    from jupytext.async_contentsmanager import build_async_jupytext_contents_manager_class

    return build_async_jupytext_contents_manager_class(AsyncLargeFileManager)(root_dir=str(root))


def _copy(tmp_path: Path, path: Path, with_config: bool = True) -> str:
    rel = path.relative_to(ROOT).as_posix()
    (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(path, tmp_path / rel)
    if with_config:
        shutil.copyfile(ROOT / "jupytext.toml", tmp_path / "jupytext.toml")
    return rel


def _simulate_session(nb: dict) -> None:
    """What running and poking at a notebook in JupyterLab adds to the model before an autosave."""
    nb["metadata"]["language_info"] = {"name": "python", "version": "3.12.0", "mimetype": "text/x-python"}
    nb["metadata"]["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}, "version_major": 2}}
    for i, cell in enumerate(nb["cells"]):
        cell["metadata"].update({"trusted": True, "scrolled": True, "collapsed": False})
        if cell["cell_type"] == "code":
            cell["execution_count"] = i + 1
            cell["metadata"]["execution"] = {"iopub.status.idle": "2026-01-01T00:00:00.000Z"}
            cell["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "hello\n"}]
            cell["metadata"]["jupyter"] = {"outputs_hidden": True, "source_hidden": True}
        else:
            cell["metadata"]["jp-MarkdownHeadingCollapsed"] = True


async def _open_save(root: Path, rel: str, session: bool) -> None:
    manager = _manager(root)
    model = await manager.get(rel, content=True, type="notebook")
    if session:
        _simulate_session(model["content"])
    await manager.save({"type": "notebook", "format": "json", "content": model["content"]}, rel)


@pytest.mark.parametrize("session", [False, True], ids=["open-save", "run-save"])
@pytest.mark.parametrize("path", PARAMS)
def test_jupyterlab_save_is_lossless(tmp_path: Path, path: Path, session: bool) -> None:
    rel = _copy(tmp_path, path)
    asyncio.run(_open_save(tmp_path, rel, session))
    saved = (tmp_path / rel).read_bytes()
    if saved != path.read_bytes():
        import difflib

        diff = difflib.unified_diff(
            path.read_text().splitlines(), saved.decode().splitlines(), "source", "after save", lineterm=""
        )
        pytest.fail(f"saving {rel} through JupyterLab's contents manager changed it:\n" + "\n".join(list(diff)[:40]))


def test_without_the_config_a_save_loses_front_matter(tmp_path: Path) -> None:
    """The test above has power: without jupytext.toml the same save drops the `priorscope:` block."""
    path = SOURCES[0]
    rel = _copy(tmp_path, path, with_config=False)
    asyncio.run(_open_save(tmp_path, rel, session=False))
    saved = (tmp_path / rel).read_text()
    assert "priorscope:" in path.read_text() and "priorscope:" not in saved


def test_lab_starts_at_the_repository_root_on_the_index() -> None:
    """`make lab` starts the server in the repository root (where jupytext finds jupytext.toml) and lands on the
    course index: its default URL, which the server prints and the browser opens, is /lab/tree/index.md."""
    makefile = (ROOT / "Makefile").read_text()
    lab = makefile.split("\nlab:", 1)[1].split("\n\n", 1)[0]
    assert "cd " not in lab and "--notebook-dir" not in lab and "root_dir" not in lab, lab
    assert "--LabApp.default_url=$(LAB_URL)" in lab and "LAB_URL := /lab/tree/index.md" in makefile
    assert (ROOT / "jupytext.toml").exists() and (ROOT / "index.md").exists()
