"""Benchmarks (not tests): per-notebook fast-mode runtime and per-panel update latency.

Each notebook is executed in fast mode in a fresh kernel with JAX's persistent compilation cache off, cell by
cell: its runtime is the wall time of its own cells, kernel start excluded, every compilation paid. Then, in the
same kernel, every registered panel is warmed up and driven through `num_updates` random slider moves, each timed
from value change to a fully rendered canvas (`Panel.benchmark`). Results go to
`benchmarks/results/{notebook_runtimes,panel_latency}.json` and a Markdown summary to `benchmarks/README.md`,
each naming the machine.

Usage: `make benchmark` or `python benchmarks/run.py [--only t02 19 ...] [--updates 30]`.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
TARGETS = {"p50_ms": 100.0, "p95_ms": 250.0, "notebook_s": 90.0}

BENCH_CELL = """\
import json as _json
import priorscope.viz as _viz
print("BENCH" + _json.dumps(_viz.registry.benchmark_all(num_updates={n})))
"""


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    gpu = ""
    try:
        gpu = subprocess.run(
            ["nvidia-smi", "--query-gpu=name", "--format=csv,noheader"],
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        pass
    return f"{cpu}, {os.cpu_count()} cores" + (f", GPU: {gpu}" if gpu else ", no GPU")


def sources(only: list[str]) -> list[Path]:
    paths = sorted((ROOT / "tutorials").glob("t[0-9][0-9]_*.md")) + sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.md"))
    return [p for p in paths if not only or p.stem.split("_")[0] in only]


def run_one(path: Path, updates: int) -> tuple[dict, list[dict]]:
    import jupytext
    import nbclient
    import nbformat

    nb = jupytext.read(path)
    client = nbclient.NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    error, latency = None, []
    with client.setup_kernel():
        start = time.perf_counter()
        try:
            for index, cell in enumerate(nb.cells):
                client.execute_cell(cell, index)
        except Exception as err:  # reported in the table
            error = f"{type(err).__name__}: {str(err)[-300:]}"
        seconds = time.perf_counter() - start
        if error is None:
            cell = nbformat.v4.new_code_cell(BENCH_CELL.format(n=updates))
            nb.cells.append(cell)
            client.execute_cell(cell, len(nb.cells) - 1)
            for out in cell.outputs:
                for line in out.get("text", "").splitlines():
                    if line.startswith("BENCH"):
                        latency = json.loads(line[5:])
    return {"seconds": round(seconds, 1), "ok": error is None, "error": error}, latency


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", nargs="*", default=[], help="notebook ids (t02, 19, ...)")
    parser.add_argument("--updates", type=int, default=30, help="random slider moves per panel")
    parser.add_argument("--summary-only", action="store_true", help="rewrite benchmarks/README.md from the JSON")
    parser.add_argument(
        "--from-test-run",
        metavar="BUILD",
        help="record the notebook runtimes of a finished `make test` (BUILD/runtimes/*.json, e.g. a fresh clone's "
        "build/ after .ci/run: cold compilation cache, panel sweep and figure check included) instead of running",
    )
    parser.add_argument("--load", type=float, default=None, help="with --from-test-run: load average during the run")
    args = parser.parse_args()
    latency_file = RESULTS / "panel_latency.json"
    if args.from_test_run:
        rows = [json.loads(f.read_text()) for f in sorted(Path(args.from_test_run, "runtimes").glob("*.json"))]
        runtimes = {
            "notebooks": {r["id"]: {"seconds": round(r["seconds"], 1), "ok": r["error"] is None} for r in rows},
            "machine": machine(),
            "date": datetime.date.today().isoformat(),
            "mode": "fast",
            "cache": "cold (fresh clone, empty compilation cache)",
            "method": "`make test` in a fresh clone: each notebook's whole test (kernel start, cells, panel sweep, "
            "figure check), 2 notebooks at a time on 2 cores",
            "load_average_at_end": args.load if args.load is not None else round(os.getloadavg()[0], 2),
            "python": platform.python_version(),
            "targets": TARGETS,
        }
        (RESULTS / "notebook_runtimes.json").write_text(json.dumps(runtimes, indent=1, sort_keys=True) + "\n")
        args.summary_only = True
    if args.summary_only:
        load = json.loads((RESULTS / "notebook_runtimes.json").read_text())
        write_summary(load, json.loads(latency_file.read_text()) if latency_file.exists() else {"panels": {}})
        return 0
    # cold compilation: no persistent cache, so runtimes are what a first run (and CI) pays
    os.environ.update({"PRIORSCOPE_MODE": "fast", "PRIORSCOPE_PROGRESS": "0", "PRIORSCOPE_JAX_CACHE": "off"})
    RESULTS.mkdir(parents=True, exist_ok=True)
    runtimes_path, latency_path = RESULTS / "notebook_runtimes.json", RESULTS / "panel_latency.json"
    runtimes = json.loads(runtimes_path.read_text()) if runtimes_path.exists() and args.only else {}
    latency = json.loads(latency_path.read_text()) if latency_path.exists() and args.only else {}
    runtimes.setdefault("notebooks", {})
    latency.setdefault("panels", {})
    for path in sources(args.only):
        print(f"{path.stem} ...", end=" ", flush=True)
        row, panels = run_one(path, args.updates)
        runtimes["notebooks"][path.stem] = row
        for p in panels:
            latency["panels"][p["panel"]] = {k: round(v, 1) if isinstance(v, float) else v for k, v in p.items()}
        print(f"{row['seconds']} s, {len(panels)} panel(s)" + ("" if row["ok"] else f"  FAILED: {row['error']}"))
    stamp = {
        "machine": machine(),
        "date": datetime.date.today().isoformat(),
        "mode": "fast",
        "cache": "off",
        "load_average_at_end": round(os.getloadavg()[0], 2),
        "python": platform.python_version(),
        "targets": TARGETS,
    }
    runtimes.update(stamp)
    latency.update(stamp)
    runtimes_path.write_text(json.dumps(runtimes, indent=1, sort_keys=True) + "\n")
    latency_path.write_text(json.dumps(latency, indent=1, sort_keys=True) + "\n")
    write_summary(runtimes, latency)
    return 0


def write_summary(runtimes: dict, latency: dict) -> None:
    lines = [
        "# Benchmarks",
        "",
        "Written by `benchmarks/run.py` (`make benchmark`); not tests. Fast mode, after warm-up for panels.",
        f"Notebook runtimes: {runtimes.get('method', 'cells only, compilation cache off')}. "
        f"Machine: {runtimes['machine']} — {runtimes['date']}, Python {runtimes['python']}; "
        f"1-min load average at the end of the run: {runtimes['load_average_at_end']:.1f}.",
    ]
    if latency["panels"]:
        lines += [
            "",
            "## Panel latency in the kernel (value change → compute → frame)",
            "",
            f"Targets: p50 ≤ {TARGETS['p50_ms']:.0f} ms, p95 ≤ {TARGETS['p95_ms']:.0f} ms.",
            "",
            "| panel | updates | p50 ms | p95 ms | max ms | meets target |",
            "|---|---|---|---|---|---|",
        ]
    for name, p in sorted(latency["panels"].items()):
        ok = p["p50_ms"] <= TARGETS["p50_ms"] and p["p95_ms"] <= TARGETS["p95_ms"]
        lines.append(
            f"| `{name}` | {p['updates']} | {p['p50_ms']} | {p['p95_ms']} | {p['max_ms']} | {'✅' if ok else '❌'} |"
        )
    lines += [
        "",
        "## Notebook runtime (fast mode, cells only)",
        "",
        f"Target: ≤ {TARGETS['notebook_s']:.0f} s each.",
        "",
        "| notebook | seconds | ok |",
        "|---|---|---|",
    ]
    total = 0.0
    for name, r in sorted(runtimes["notebooks"].items()):
        total += r["seconds"]
        ok = r["ok"] and r["seconds"] <= TARGETS["notebook_s"]
        lines.append(f"| {name} | {r['seconds']} | {'✅' if ok else '❌'} |")
    lines.append(f"| **total** | {total:.0f} | |")
    browser = RESULTS / "panel_browser_latency.json"
    if browser.exists():  # written by benchmarks/panel_browser.py
        b = json.loads(browser.read_text())
        lines += [
            "",
            "## Browser: key press on a slider → changed pixels (`benchmarks/panel_browser.py`)",
            "",
            f"{b['method']}. Machine: {b['machine']}, {b['written']}; load average before/after: "
            f"{b['load_average_before'][0]:.1f} / {b['load_average_after'][0]:.1f}.",
            "",
            "| panel | presses | p50 ms | p95 ms | kernel p50 ms | drag fps |",
            "|---|---|---|---|---|---|",
        ]
        for name, r in sorted(b["panels"].items()):
            if "skipped" in r:
                lines.append(f"| `{name}` | skipped: {r['skipped']} | | | | |")
            elif "error" in r:
                error = " ".join(r["error"].split()).replace("|", "\\|")
                lines.append(f"| `{name}` | not built: {error} | | | | |")
            else:
                cells = [r["presses"], r["p50_ms"], r["p95_ms"], r["kernel_p50_ms"], r.get("drag_fps", "—")]
                lines.append(f"| `{name}` | " + " | ".join(str(c) for c in cells) + " |")
    (ROOT / "benchmarks" / "README.md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    sys.exit(main())
