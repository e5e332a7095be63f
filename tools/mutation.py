"""Mutation benchmark: apply each curated one-line bug (tests/mutation/mutants.py) to a temporary copy of the
library, one at a time, and report which the unit tests and which the notebooks' claims catch.

    .venv/bin/python tools/mutation.py                         # every mutant, unit tests only
    .venv/bin/python tools/mutation.py --claims                # also execute the mutants' notebooks (slow)
    .venv/bin/python tools/mutation.py --only ei_sign,ess_missing_square

`make mutation` runs it (MUTANTS=a,b,c selects mutants, MUTATION_CLAIMS=1 adds the notebooks). The library in the
working tree is never modified: the mutated copy is put first on PYTHONPATH for the child pytest processes. The
result, with the machine and its load, goes to benchmarks/results/mutation.json (merged per mutant with earlier
runs, so a subset run updates its rows only). A benchmark, not a CI gate.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "results" / "mutation.json"


def load_mutants() -> list[dict]:
    sys.path.insert(0, str(ROOT / "tests" / "mutation"))
    try:
        from mutants import MUTANTS
    finally:
        sys.path.pop(0)
    return MUTANTS


def apply(lib_copy: Path, mutant: dict) -> None:
    path = lib_copy / "priorscope" / mutant["file"]
    src = path.read_text()
    n = src.count(mutant["old"])
    occurrence = mutant.get("occurrence", 1)
    if n == 0 or (n > 1 and "occurrence" not in mutant):
        raise ValueError(f"mutant {mutant['id']}: {n} occurrences of its line in {mutant['file']} (need exactly 1)")
    start = -1
    for _ in range(occurrence):
        start = src.index(mutant["old"], start + 1)
    path.write_text(src[:start] + mutant["new"] + src[start + len(mutant["old"]) :])


def run_pytest(args: list[str], lib_copy: Path, timeout: float) -> tuple[bool, float, str]:
    """True when pytest FAILS (the mutant is caught)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(lib_copy) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    cmd = [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:randomly", "-p", "no:cacheprovider", *args]
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return True, time.perf_counter() - t0, "timeout (counted as caught)"
    tail = (proc.stdout + proc.stderr).strip().splitlines()[-1:] or [""]
    return proc.returncode != 0, time.perf_counter() - t0, tail[0]


def check_clean_copy(lib_copy: Path) -> None:
    """The unmutated copy must import from the temp dir (else PYTHONPATH does not take precedence)."""
    env = dict(os.environ, PYTHONPATH=str(lib_copy))
    out = subprocess.run(
        [sys.executable, "-c", "import priorscope, sys; sys.stdout.write(priorscope.__file__)"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    if not out.startswith(str(lib_copy)):
        raise RuntimeError(f"the mutated copy is not the one imported ({out}); cannot run the mutation benchmark")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", default=os.environ.get("MUTANTS", ""), help="comma-separated mutant ids")
    parser.add_argument("--claims", action="store_true", help="also execute each mutant's notebooks (slow)")
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds per pytest run")
    parser.add_argument("--list", action="store_true", help="list the mutants and exit")
    args = parser.parse_args(argv)

    mutants = load_mutants()
    if args.list:
        for m in mutants:
            print(f"{m['id']:32s} {m['file']:28s} {m['why']}")
        return 0
    if args.only:
        wanted = [s.strip() for s in args.only.split(",") if s.strip()]
        unknown = sorted(set(wanted) - {m["id"] for m in mutants})
        if unknown:
            raise SystemExit(f"unknown mutant ids {unknown}; see --list")
        mutants = [m for m in mutants if m["id"] in wanted]

    previous = json.loads(OUT.read_text()) if OUT.exists() else {}
    rows = {r["id"]: r for r in previous.get("mutants", [])}
    load_start = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="priorscope-mutant-") as tmp:
        for m in mutants:
            lib_copy = Path(tmp) / m["id"]
            shutil.copytree(ROOT / "lib", lib_copy, ignore=shutil.ignore_patterns("__pycache__"))
            check_clean_copy(lib_copy)
            apply(lib_copy, m)
            caught_unit, t_unit, tail_unit = run_pytest(m["tests"], lib_copy, args.timeout)
            row = {
                "id": m["id"],
                "file": m["file"],
                "why": m["why"],
                "tests": m["tests"],
                "caught_by_unit_tests": caught_unit,
                "unit_seconds": round(t_unit, 1),
                "unit_summary": tail_unit,
                "notebooks": m["notebooks"],
                "caught_by_claims": None,
            }
            if args.claims:
                caught_nb, t_nb, tail_nb = run_pytest(
                    ["tests/test_notebooks.py", "-k", " or ".join(m["notebooks"])], lib_copy, args.timeout
                )
                row.update(caught_by_claims=caught_nb, claims_seconds=round(t_nb, 1), claims_summary=tail_nb)
            rows[m["id"]] = row
            flag = "CAUGHT" if caught_unit else "survived"
            print(f"{m['id']:32s} unit tests: {flag:8s} ({t_unit:.0f} s)  {tail_unit}", flush=True)
            if args.claims:
                print(f"{'':32s} claims:     {'CAUGHT' if row['caught_by_claims'] else 'survived'}", flush=True)

    all_rows = [rows[m["id"]] for m in load_mutants() if m["id"] in rows]
    unit_runs = [r for r in all_rows if r["caught_by_unit_tests"] is not None]
    claim_runs = [r for r in all_rows if r.get("caught_by_claims") is not None]
    result = {
        "generated": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {"platform": platform.platform(), "python": platform.python_version(), "cpus": os.cpu_count()},
        "load_average_at_start": [round(x, 2) for x in load_start],
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        "num_curated": len(load_mutants()),
        "score": {
            "unit_tests": f"{sum(r['caught_by_unit_tests'] for r in unit_runs)} of {len(unit_runs)} run",
            "claims": f"{sum(r['caught_by_claims'] for r in claim_runs)} of {len(claim_runs)} run",
            "not_run": [m["id"] for m in load_mutants() if m["id"] not in rows],
        },
        "mutants": all_rows,
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n")
    print(f"unit tests caught {result['score']['unit_tests']}; claims {result['score']['claims']} -> {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
