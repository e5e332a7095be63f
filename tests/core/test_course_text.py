"""What a learner reads: titles "NN · Title", links that resolve, and a glossary every notebook links to."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from suite_paths import ROOT, notebook_sources

NOTEBOOKS = notebook_sources()
PAGES = [*NOTEBOOKS, ROOT / "index.md", ROOT / "glossary.md", ROOT / "README.md", ROOT / "CONTRIBUTING.md"]
GLOSSARY = ROOT / "glossary.md"
# [text](target): the target up to the first space or closing parenthesis (titles after a space are ignored)
LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)[^)]*\)")
CODE = re.compile(r"```.*?```|`[^`\n]*`", re.S)


def _links(path: Path) -> list[str]:
    return LINK.findall(CODE.sub("", path.read_text()))


def _anchors(path: Path) -> set[str]:
    return set(re.findall(r'<a id="([^"]+)"></a>', path.read_text()))


def _front_matter(path: Path) -> dict:
    return yaml.safe_load(path.read_text().split("\n---\n", 1)[0].removeprefix("---\n"))["priorscope"]


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_relative_links_resolve(path: Path) -> None:
    bad = []
    for target in _links(path):
        if re.match(r"^[a-z]+:", target) or target.startswith("#"):
            continue  # web links and in-page anchors
        file, _, fragment = target.partition("#")
        resolved = (path.parent / file).resolve()
        if not resolved.exists():
            bad.append(f"{target} (no such file)")
        elif fragment and resolved == GLOSSARY and fragment not in _anchors(GLOSSARY):
            bad.append(f"{target} (glossary.md has no entry with id {fragment!r})")
    assert not bad, f"{path.relative_to(ROOT)}: broken links: {bad}"


def test_glossary_entries_have_anchors_and_say_where_they_are_taught() -> None:
    text = GLOSSARY.read_text()
    entries = [e for e in text.split("\n\n") if e.startswith("<a id=")]
    assert len(entries) >= 30
    ids = [re.match(r'<a id="([^"]+)"></a>', e).group(1) for e in entries]
    assert len(ids) == len(set(ids)), "duplicate glossary ids"
    untaught = [i for i, e in zip(ids, entries, strict=True) if "Taught in" not in e]
    assert not untaught, f"glossary entries without 'Taught in [notebook](...)': {untaught}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_links_the_glossary_and_is_titled_id_dot_title(path: Path) -> None:
    links = [t for t in _links(path) if t.split("#")[0].endswith("glossary.md")]
    assert links, f"{path.name} never links to the glossary (link each term at its first use)"
    nb_id = str(_front_matter(path)["id"])
    title = next(line for line in path.read_text().splitlines() if line.startswith("# "))
    assert title.startswith(f"# {nb_id} · "), f"{path.name}: the title must read '# {nb_id} · <title>', got {title!r}"
