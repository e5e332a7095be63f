"""CPU vs GPU scaling (not a test): every notebook in full mode, then every panel it registered, timed.

In full mode ``config.size`` picks each knob's GPU value on an accelerator (≥ 10× the fast sizes), so the same
command measures CPU sizes on a CPU host and GPU sizes on a GPU host. Per notebook: wall time of its cells
(kernel start excluded, JAX's persistent cache off so compilations are paid); per panel (``Panel.benchmark``):
update p50/p95 (compute + draw + frame serialisation), compute p50 and the bytes one update sends.

Writes ``benchmarks/results/gpu_scaling_<backend>.json`` (backend = cpu or gpu, with the machine named) and, from
whichever of the two files exist, the table ``benchmarks/results/gpu_scaling.md``. Installs nothing: on a GPU
host follow ``../shared/gpu/`` (JAX with CUDA), then ``python benchmarks/gpu_scaling.py``.

Usage: ``python benchmarks/gpu_scaling.py [--only t00 21 ...] [--updates 20] [--table-only]``.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from run import machine, run_one, sources  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"


def backend() -> str:
    import subprocess

    code = "import jax; print(jax.default_backend())"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    return "cpu" if out.stdout.strip() in ("", "cpu") else "gpu"


def table() -> str:
    runs = {}
    for kind in ("cpu", "gpu"):
        path = RESULTS / f"gpu_scaling_{kind}.json"
        if path.exists():
            runs[kind] = json.loads(path.read_text())
    if not runs:
        return ""
    lines = ["# CPU vs GPU, full mode (GPU sizes on the GPU)", ""]
    for kind, run in runs.items():
        lines.append(f"- {kind}: {run['machine']}, {run['date']}, load {run['load_average_at_end']}")
    kinds = list(runs)
    lines += ["", "## Notebooks (s, cold compile)", "", "| notebook | " + " | ".join(kinds) + " |",
              "|---|" + "---|" * len(kinds)]  # fmt: skip
    names = sorted({n for r in runs.values() for n in r["notebooks"]})
    for n in names:
        cells = []
        for k in kinds:
            row = runs[k]["notebooks"].get(n)
            cells.append("—" if row is None else (f"{row['seconds']}" + ("" if row["ok"] else " (failed)")))
        lines.append(f"| {n} | " + " | ".join(cells) + " |")
    lines += ["", "## Panels (per update, ms; KB sent)", "",
              "| panel | " + " | ".join(f"{k} p50 / p95 / compute / KB" for k in kinds) + " |",
              "|---|" + "---|" * len(kinds)]  # fmt: skip
    panels = sorted({p for r in runs.values() for p in r["panels"]})
    for p in panels:
        cells = []
        for k in kinds:
            row = runs[k]["panels"].get(p)
            cells.append(
                "—"
                if row is None
                else f"{row['p50_ms']:.1f} / {row['p95_ms']:.1f} / {row.get('compute_p50_ms', float('nan')):.1f}"
                f" / {row.get('frame_bytes', 0) / 1024:.0f}"
            )
        lines.append(f"| {p} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", default=[], help="notebook ids (t00, 21, ...)")
    parser.add_argument("--updates", type=int, default=20, help="random slider moves per panel")
    parser.add_argument("--table-only", action="store_true", help="only rewrite gpu_scaling.md from the JSON files")
    args = parser.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    if not args.table_only:
        os.environ.update({"PRIORSCOPE_MODE": "full", "PRIORSCOPE_PROGRESS": "0", "PRIORSCOPE_JAX_CACHE": "off"})
        kind = backend()
        path = RESULTS / f"gpu_scaling_{kind}.json"
        old = json.loads(path.read_text()) if path.exists() and args.only else {}
        out = {"notebooks": old.get("notebooks", {}), "panels": old.get("panels", {})}
        for nb in sources(args.only):
            print(f"{nb.stem} ({kind}, full mode) ...", end=" ", flush=True)
            row, panels = run_one(nb, args.updates)
            out["notebooks"][nb.stem] = row
            for p in panels:
                out["panels"][p["panel"]] = {k: round(v, 2) if isinstance(v, float) else v for k, v in p.items()}
            print(f"{row['seconds']} s, {len(panels)} panel(s)" + ("" if row["ok"] else f"  FAILED: {row['error']}"))
        out.update(
            {
                "machine": machine(),
                "backend": kind,
                "date": datetime.date.today().isoformat(),
                "mode": "full",
                "cache": "off",
                "load_average_at_end": round(os.getloadavg()[0], 2),
                "updates_per_panel": args.updates,
            }
        )
        path.write_text(json.dumps(out, indent=1, sort_keys=True) + "\n")
        print(f"wrote {path}")
    text = table()
    if text:
        (RESULTS / "gpu_scaling.md").write_text(text)
        print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
