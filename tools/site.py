"""Build the course as an offline website: `make site` -> build/site/ (Sphinx + MyST-NB + sphinx-book-theme).

What it does, in order:

1. **Stage** the sources into ``build/site-src/`` (``<out>-src`` beside the output folder): ``index.md``,
   ``glossary.md``, the tutorials and notebooks (all, or ``--only`` some), a generated ledger page (claims,
   runtimes, latency from ``benchmarks/results/``) and ``conf.py``. Each notebook page gets its launch links
   (Binder, Colab, the ``.ipynb``) under its title and an anchor before each claim check (the ledger links to
   it); links to pages outside the build become plain text and links to other repository files point at the
   repository.
2. **Execute and render**: Sphinx runs every notebook in fast mode with the project's kernel (the ``python3``
   kernel of this virtual environment); any cell error fails the build. ``PRIORSCOPE_PANELS=replay`` makes each
   panel display its precomputed bundle (``priorscope.viz.replay.site_html``, at most
   ``SITE_BUDGET_BYTES`` per panel), replayed on the page by ``_static/priorscope-replay.js`` without a kernel.
3. **Serve everything locally**: MathJax 3 comes from the npm registry's tarball, pinned by version and sha512
   (fetched once into ``.tools/``, the same place ``make setup`` keeps uv), and is copied into the site; the theme
   bundles its own fonts and scripts; MyST-NB's widget scripts (CDN) are switched off (no widget is displayed).
4. **Check** the result (:func:`check_site`): no external script, style sheet, font or image; every relative link
   and resource resolves to a file of the site; every panel bundle within budget and with every control; no
   widget placeholder or "Error displaying widget" text.

The launch links come from one setting, ``[project.urls] Repository`` in pyproject.toml (:func:`repository_url`):
Binder opens the MyST source in JupyterLab from the repository (``.binder/`` holds its environment), Colab opens
the ``.ipynb`` this build writes under ``build/site/ipynb/`` once the site is published on ``PAGES_BRANCH``.
Each notebook's guarded Colab install cell (:func:`install_cell`) is written from the same setting
(``--sync-install-cells``); ``tests/site/test_site.py`` checks that every source carries it.

Usage: ``python tools/site.py [--only t00,25] [--out build/site] [-j 2]``, ``python tools/site.py
--sync-install-cells``, ``python tools/site.py --check build/site``.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import html
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time
import tomllib
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import curriculum  # noqa: E402

OUT = ROOT / "build" / "site"
BRANCH = "main"  # the branch Binder opens
PAGES_BRANCH = "gh-pages"  # where build/site/ is published; Colab opens build/site/ipynb/*.ipynb from there
BINDER = "https://mybinder.org/v2/gh"
COLAB = "https://colab.research.google.com/github"
MATHJAX = {
    "version": "3.2.2",
    "url": "https://registry.npmjs.org/mathjax/-/mathjax-3.2.2.tgz",
    "integrity": "sha512-Bt+SSVU8eBG27zChVewOicYs7Xsdt40qm4+UpHyX7k0/O9NliPc+x77k1/FEsPsjKPZGJvtRZM1vO+geW0OhGw==",
}
# the parts of MathJax's es5/ tree the pages use: the TeX+MathML->CHTML bundle, its lazily loaded TeX extensions,
# the CHTML fonts, and the menu's accessibility modules (~4 MB of the tarball's 24 MB)
MATHJAX_PARTS = ("tex-mml-chtml.js", "input", "output/chtml", "ui", "a11y", "adaptors")
INSTALL_MARK = "# On Google Colab only: install priorscope first (this cell does nothing anywhere else)."


# ------------------------------------------------------------------------------------------------ settings
def repository_url() -> str:
    """The one repository-URL setting: ``[project.urls] Repository`` in pyproject.toml."""
    urls = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["urls"]
    url = urls["Repository"].rstrip("/")
    if not re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+", url):
        raise SystemExit(f"[project.urls] Repository must be https://github.com/<owner>/<name>, got {url!r}")
    return url


def launch_links(source: str, url: str | None = None) -> dict[str, str]:
    """Binder and Colab URLs for a source path such as ``notebooks/25_judge_scaling_theory.md``."""
    slug = (url or repository_url()).removeprefix("https://github.com/")
    stem = Path(source).stem
    return {
        "binder": f"{BINDER}/{slug}/{BRANCH}?urlpath=lab/tree/{source}",
        "colab": f"{COLAB}/{slug}/blob/{PAGES_BRANCH}/ipynb/{stem}.ipynb",
    }


def install_cell(url: str | None = None) -> str:
    """The guarded install cell every tutorial and notebook carries as its first code cell (MyST source)."""
    return (
        "```{code-cell} ipython3\n"
        f"{INSTALL_MARK}\n"
        "import sys\n\n"
        'if "google.colab" in sys.modules:\n'
        "    import subprocess\n\n"
        f'    repository = "{url or repository_url()}"\n'
        '    subprocess.run([sys.executable, "-m", "pip", "install", "-q", f"priorscope @ git+{repository}"], '
        "check=True)\n"
        "```\n"
    )


def _with_install_cell(text: str, cell: str) -> str:
    """``text`` with ``cell`` as its first code cell (replacing an older version of it)."""
    text = re.sub(r"```\{code-cell\} ipython3\n" + re.escape(INSTALL_MARK) + r"\n.*?```\n\n", "", text, flags=re.S)
    first = text.index("```{code-cell}")
    return text[:first] + cell + "\n" + text[first:]


def sync_install_cells(paths: list[Path]) -> list[Path]:
    """Write the current install cell into each source; return the files that changed."""
    cell, changed = install_cell(), []
    for path in paths:
        text = path.read_text()
        new = _with_install_cell(text, cell)
        if new != text:
            path.write_text(new)
            changed.append(path)
    return changed


# ------------------------------------------------------------------------------------------------ MathJax
def mathjax_dir() -> Path:
    """MathJax's es5/ tree, fetched once from the npm registry and checked against the pinned sha512."""
    dest = ROOT / ".tools" / f"mathjax-{MATHJAX['version']}"
    if (dest / "tex-mml-chtml.js").exists():
        return dest
    print(f"fetching MathJax {MATHJAX['version']} from the npm registry", flush=True)
    with urllib.request.urlopen(MATHJAX["url"], timeout=120) as r:
        data = r.read()
    digest = "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()
    if digest != MATHJAX["integrity"]:
        raise SystemExit(f"MathJax tarball sha512 mismatch: got {digest}, expected {MATHJAX['integrity']}")
    tmp = dest.with_name(dest.name + ".part")
    shutil.rmtree(tmp, ignore_errors=True)
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        for member in tar.getmembers():
            rel = member.name.removeprefix("package/es5/")
            if (
                member.isfile()
                and rel != member.name
                and any(rel == p or rel.startswith(p + "/") for p in MATHJAX_PARTS)
            ):
                target = tmp / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(tar.extractfile(member).read())  # type: ignore[union-attr]
    tmp.rename(dest)
    return dest


# ------------------------------------------------------------------------------------------------ staging
CONF = """# generated by tools/site.py (make site); edit that file, not this one
project = "priorscope"
author = "the priorscope authors"
extensions = ["myst_nb"]
exclude_patterns = ["_build", "**.ipynb_checkpoints"]
master_doc = "index"
html_theme = "sphinx_book_theme"
html_title = "priorscope"
html_static_path = ["_static"]
html_js_files = ["priorscope-replay.js"]
html_css_files = ["priorscope-replay.css"]
html_theme_options = {{"repository_url": {repo!r}, "use_repository_button": True, "home_page_in_toc": True,
                      "show_toc_level": 2}}
html_last_updated_fmt = None
mathjax_path = "mathjax/tex-mml-chtml.js"
myst_enable_extensions = ["dollarmath", "amsmath", "html_image"]
myst_heading_anchors = 3
# glossary anchors are raw <a id> targets that MyST does not know (tests/core/test_course_text.py checks them)
suppress_warnings = ["myst.header", "myst.xref_missing", "mystnb.unknown_mime_type"]
nb_execution_mode = "force"
nb_execution_raise_on_error = True
nb_execution_timeout = 900
nb_execution_show_tb = True
nb_merge_streams = True
nb_ipywidgets_js = {{}}  # no widget is displayed on the site; MyST-NB would load the widget manager from a CDN
"""


def _rewrite_links(text: str, src: Path, staged: set[Path]) -> str:
    """Links to pages not in this build become plain text; links to repository files point at the repository."""
    repo = repository_url()

    def fix(m: re.Match) -> str:
        label, target = m.group(1), m.group(2)
        if re.match(r"^[a-z]+:", target) or target.startswith("#"):
            return m.group(0)
        file = target.split("#")[0]
        resolved = (src.parent / file).resolve()
        if resolved in staged:
            return m.group(0)
        if file.endswith(".md") and resolved.parent.name in ("notebooks", "tutorials"):
            return label  # a course page left out of this (partial) build
        if resolved.exists() and resolved.is_relative_to(ROOT):
            return f"[{label}]({repo}/blob/{BRANCH}/{resolved.relative_to(ROOT).as_posix()})"
        return m.group(0)

    parts = re.split(r"(```.*?```)", text, flags=re.S)  # leave code blocks alone
    return "".join(p if p.startswith("```") else re.sub(r"(?<!!)\[([^\]]*)\]\(([^)\s]+)\)", fix, p) for p in parts)


def _claim_anchor(claim_id: str) -> str:
    return "claim-" + re.sub(r"[^a-z0-9]+", "-", claim_id.lower()).strip("-")


def _notebook_page(text: str, source: str) -> str:
    """A notebook source with launch links under its title and an anchor before each claim's cell."""
    links = launch_links(source)
    stem = Path(source).stem
    launch = (
        f'\n<p class="priorscope-launch"><a href="{links["binder"]}">Open in Binder</a> · '
        f'<a href="{links["colab"]}">Open in Colab</a> · <a href="../ipynb/{stem}.ipynb" download>download the '
        "notebook (.ipynb)</a> · on this page the panels replay precomputed states; run the notebook to compute "
        "every value live.</p>\n"
    )
    lines = text.split("\n")
    title = next(i for i, line in enumerate(lines) if line.startswith("# "))
    lines.insert(title + 1, launch)
    text = "\n".join(lines)

    def anchor(m: re.Match) -> str:
        ids = re.findall(r"claims\.(?:check|not_reproduced)\(\s*f?[\"']([^\"'{]+)[\"']", m.group(0))
        marks = "".join(f'<a id="{_claim_anchor(i)}"></a>' for i in dict.fromkeys(ids))
        return (marks + "\n\n" if marks else "") + m.group(0)

    return re.sub(r"```\{code-cell\}.*?```", anchor, text, flags=re.S)


def _ledger(built: dict[str, dict], anchors: set[str]) -> str:
    """Claims table (with a link to each claim's cell) and runtime/latency tables from benchmarks/results/."""
    snapshot = json.loads(curriculum.SNAPSHOT.read_text()) if curriculum.SNAPSHOT.exists() else {"claims": []}
    out = [
        "# Ledger: what is checked, and how fast it runs",
        "",
        "Every claim check of the course, as recorded by the last full test run "
        "(`benchmarks/results/claims.json`; `make readme` refreshes it), then the measured runtimes and panel "
        f"latencies. Measured in fast mode on {snapshot.get('machine', '?')} ({snapshot.get('date', '?')}). "
        "*m* is the measured value, *e* the expected one.",
        "",
        "## Claims",
        "",
        "| claim | paper | what is claimed | measured | expected | margin | status | cell |",
        "|---|---|---|---|---|---|---|---|",
    ]
    fmt = curriculum._fmt
    for c in snapshot.get("claims", []):
        nb = built.get(c["id"].split(".", 1)[0])
        cond = {"abs": "\\|m − e\\| ≤ {t}", "rel": "\\|m − e\\| ≤ {t}·\\|e\\|", "<=": "m ≤ e", ">=": "m ≥ e"}[c["op"]]
        cond = cond.format(t=fmt(c["tol"]))
        if c["status"] == "not reproduced":
            cond = "paper's value vs ours (not asserted)"
        status = curriculum_marks()[c["status"]]
        desc = html.escape(c["description"]).replace("|", "\\|")
        if nb:
            paper = html.escape(nb.get("paper") or nb["title"]).replace("|", "\\|").split(". arXiv")[0]
            page = Path(nb["file"]).with_suffix(".html").as_posix()
            anchor = _claim_anchor(c["id"])
            target = f"{page}#{anchor}" if anchor in anchors else page  # ids built at run time get the page
            cell = f'<a href="{target}">{c["id"].split(".")[0]}</a>'
        else:
            paper, cell = "", "not in this build"
        row = [f"`{c['id']}`", paper, desc, fmt(c["measured"]), fmt(c["expected"]), cond, status, cell]
        out.append("| " + " | ".join(row) + " |")
    out += ["", "## Notebook runtimes", ""]
    if curriculum.RUNTIMES.exists():
        rt = json.loads(curriculum.RUNTIMES.read_text())
        out += [
            f"{rt.get('method', '')}; {rt.get('machine', '?')}, {rt.get('date', '?')}, {rt.get('cache', '')}, "
            f"load average {rt.get('load_average_at_end', '?')} at the end.",
            "",
            "| notebook | seconds | ok |",
            "|---|---|---|",
        ]
        out += [f"| {n} | {r['seconds']:.0f} | {'✓' if r['ok'] else '✗'} |" for n, r in rt["notebooks"].items()]
    out += ["", "## Panel latency", "", curriculum.performance_table(), ""]
    return "\n".join(out)


def curriculum_marks() -> dict[str, str]:
    return {"pass": "✓ pass", "fail": "✗ FAIL", "not reproduced": "⚠ not reproduced"}


def stage(only: list[str] | None, out: Path) -> tuple[Path, list[Path]]:
    """Write build/site-src/ (sources, ledger, conf.py, static files); return it and the notebook sources."""
    rows = {r["id"]: r for r in curriculum.entries() if r["exists"]}
    chosen = [r for r in rows.values() if not only or r["id"] in only]
    if only and len(chosen) != len(set(only)):
        raise SystemExit(f"--only: unknown ids {sorted(set(only) - {r['id'] for r in chosen})}")
    sources = [ROOT / r["file"] for r in chosen]
    stage_dir = out.with_name(out.name + "-src")  # build/site-src/ next to build/site/
    shutil.rmtree(stage_dir, ignore_errors=True)
    stage_dir.mkdir(parents=True)
    pages = [ROOT / "index.md", ROOT / "glossary.md", *sources]
    staged = {p.resolve() for p in pages}
    anchors: set[str] = set()
    for src in pages:
        text = _rewrite_links(src.read_text(), src, staged)
        if src in sources:
            text = _notebook_page(text, src.relative_to(ROOT).as_posix())
            anchors.update(re.findall(r'<a id="(claim-[^"]+)"></a>', text))
        dest = stage_dir / src.relative_to(ROOT)
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text(text)
    built = {r["id"]: {**r, "paper": _paper(ROOT / r["file"])} for r in chosen}
    (stage_dir / "ledger.md").write_text(_ledger(built, anchors))
    toc = ["", "```{toctree}", ":hidden:", ":maxdepth: 1", "", "glossary", "ledger"]
    toc += [Path(r["file"]).with_suffix("").as_posix() for r in chosen] + ["```", ""]
    index = stage_dir / "index.md"
    index.write_text(
        index.read_text()
        + "\n".join(
            [
                "",
                "## On this site",
                "",
                "- [Glossary](glossary.md)",
                "- [Ledger](ledger.md): every claim "
                "check with its measured and expected values, notebook runtimes and panel latencies",
            ]
        )  # fmt: skip
        + "\n"
        + "\n".join(toc)
    )
    (stage_dir / "conf.py").write_text(CONF.format(repo=repository_url()))
    static = stage_dir / "_static"
    static.mkdir()
    shutil.copytree(mathjax_dir(), static / "mathjax")
    from priorscope.viz import replay

    (static / "priorscope-replay.js").write_text(replay.site_script())
    (static / "priorscope-replay.css").write_text(
        replay.site_css() + ".priorscope-launch { font-size: 0.9em; margin: 0.2em 0 1em; }\n"
    )
    return stage_dir, sources


def _paper(path: Path) -> str | None:
    import yaml

    meta = yaml.safe_load(path.read_text().split("\n---\n", 1)[0].removeprefix("---\n"))["priorscope"]
    return meta.get("paper")


def write_ipynb(sources: list[Path], out: Path) -> None:
    """The unexecuted notebooks as .ipynb under out/ipynb/ (what the Colab links open once published)."""
    import jupytext
    import nbformat

    (out / "ipynb").mkdir(parents=True, exist_ok=True)
    for src in sources:
        nbformat.write(jupytext.read(src), out / "ipynb" / f"{src.stem}.ipynb")


# ------------------------------------------------------------------------------------------------ checks
_ATTR = re.compile(r"""<(script|link|img|iframe|source|a)\b[^>]*?\b(src|href)=["']([^"']+)["']""", re.I)


def check_site(out: Path) -> list[str]:
    """Problems with a built site: external resources, broken relative links, panels out of budget, widget text."""
    from priorscope.viz import replay

    problems = []
    for page in sorted(out.rglob("*.html")):
        rel = page.relative_to(out)
        if rel.parts[0] == "_static":
            continue  # the theme's Jinja macro files, not pages
        text = page.read_text(errors="replace")
        for tag, attr, target in _ATTR.findall(text):
            if target.startswith(("#", "mailto:", "data:", "javascript:")):
                continue
            if re.match(r"^(https?:)?//", target):
                if tag.lower() != "a":  # a link the reader may follow is fine; a resource the page loads is not
                    problems.append(f"{rel}: external {tag} {attr}={target}")
                continue
            file = target.split("#")[0].split("?")[0]
            if file and not (page.parent / file).resolve().exists():
                problems.append(f"{rel}: broken {tag} {attr}={target}")
        for bad in ("Error displaying widget", "application/vnd.jupyter.widget-view+json", "FigureWidget(", "VBox("):
            if bad in text:
                problems.append(f"{rel}: widget text {bad!r} on the page")
        for m in re.finditer(r'<script type="application/json" id="(ps-[0-9a-f]+)">(.*?)</script>', text, re.S):
            bundle = json.loads(m.group(2).replace("<\\/", "</"))
            size = replay.bundle_size(bundle)
            if size > replay.SITE_BUDGET_BYTES:
                problems.append(f"{rel}: panel {bundle['name']} is {size} bytes > {replay.SITE_BUDGET_BYTES}")
            for name, control in bundle["controls"].items():
                moved = {json.dumps(s["params"].get(name)) for s in bundle["states"]}
                if len(control["values"]) > 1 and len(moved) < 2:
                    problems.append(f"{rel}: panel {bundle['name']}: control {name} has no state away from default")
    for css in sorted(out.rglob("*.css")):
        for url in re.findall(r"url\(\s*['\"]?(https?:)?//", css.read_text(errors="replace")):
            problems.append(f"{css.relative_to(out)}: external url() in a style sheet {url}")
    return problems


# ------------------------------------------------------------------------------------------------ build
def build(only: list[str] | None, out: Path, jobs: int) -> int:
    start = time.perf_counter()
    src, sources = stage(only, out)
    env = {
        **os.environ,
        "PRIORSCOPE_MODE": "fast",
        "PRIORSCOPE_PANELS": "replay",
        "PRIORSCOPE_PROGRESS": "0",
        "PRIORSCOPE_CLAIMS_DIR": str(out.with_name(out.name + "-claims")),
    }
    shutil.rmtree(out, ignore_errors=True)
    doctrees = out.with_name(out.name + "-doctrees")
    shutil.rmtree(doctrees, ignore_errors=True)
    # Sphinx runs in its own process: its parallel readers fork, and this process has imported JAX (forking a
    # process with JAX's threads can deadlock)
    cmd = [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-d", str(doctrees), "-j", str(jobs), str(src), str(out)]
    code = subprocess.run(cmd, env=env).returncode
    if code:
        print(f"site build failed (sphinx exit code {code})", file=sys.stderr)
        return code
    write_ipynb(sources, out)
    (out / ".nojekyll").write_text("")
    problems = check_site(out)
    seconds = time.perf_counter() - start
    load = os.getloadavg()[0]
    print(f"site: {len(sources)} notebooks in {seconds:.0f} s (load average {load:.1f}) -> {out}/index.html")
    if problems:
        print("site check failed:\n  " + "\n  ".join(problems), file=sys.stderr)
        return 1
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", help="comma-separated course ids to build (default: all)")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("-j", "--jobs", type=int, default=2, help="notebooks executed in parallel")
    parser.add_argument("--check", type=Path, metavar="SITE", help="only check an already built site")
    parser.add_argument("--sync-install-cells", action="store_true", help="write the Colab install cell into sources")
    args = parser.parse_args()
    if args.sync_install_cells:
        sources = sorted((ROOT / "tutorials").glob("t[0-9][0-9]_*.md"))
        sources += sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.md"))
        for path in sync_install_cells(sources):
            print(f"updated {path.relative_to(ROOT)}")
        return 0
    if args.check:
        problems = check_site(args.check)
        print("\n".join(problems) or "site ok")
        return 1 if problems else 0
    return build(args.only.split(",") if args.only else None, args.out.resolve(), args.jobs)


if __name__ == "__main__":
    sys.exit(main())
