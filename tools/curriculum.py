"""Generate the curriculum and claims tables (README.md, index.md) from the notebook sources and the last run.

* The curriculum table lists every tutorial and notebook of the course map in order; an entry whose MyST source
  exists is "in CI" (it is executed by `make test`), the others are "planned". Titles, tracks and paper references
  come from each source's `priorscope:` front matter.
* The claims table lists every claim the notebooks recorded in the last full test run, read from
  `build/claims/*.json` (written by the notebook tests) and snapshotted in `benchmarks/results/claims.json`.

Usage: `python tools/curriculum.py --write` (after `make test`), `python tools/curriculum.py --check` (in `make test`:
fails when README.md or index.md is out of date with respect to the sources and the snapshot).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SNAPSHOT = ROOT / "benchmarks" / "results" / "claims.json"
RUNTIMES = ROOT / "benchmarks" / "results" / "notebook_runtimes.json"
LATENCY = ROOT / "benchmarks" / "results" / "panel_latency.json"

# The course map (shared DESIGN.md §5): id, slug, track, title. Sources override titles once they exist.
TUTORIALS = [
    ("t00", "tour", "Tour: how to use priorscope"),
    ("t01", "jax_essentials", "JAX essentials: keys, jit, vmap, grad"),
    ("t02", "numpyro_arviz", "NumPyro + ArviZ: from prior to posterior"),
    ("t03", "gaussian_processes", "Gaussian processes"),
    ("t04", "diffusion_basics", "Diffusion basics"),
    ("t05", "particles", "Particles: importance sampling, ESS, resampling, SMC"),
    ("t06", "tiny_transformers", "Tiny transformers"),
]
A, B, C, D = (
    "A. GPs and decisions",
    "B. Priors for Bayesian deep learning",
    "C. Amortized inference",
    "D. Diffusion",
)
E, F, G = (
    "E. Discrete diffusion LMs",
    "F. Judges and inference-time scaling",
    "G. Priors inside models and minds",
)
NOTEBOOKS = [
    ("01", "bayesopt_tutorial", A, "A Tutorial on Bayesian Optimization"),
    (
        "02",
        "few_unique_candidates",
        A,
        "Scaling GP Optimization by Evaluating a Few Unique Candidates Multiple Times",
    ),
    ("03", "bnn_surrogates_bo", A, "A Study of Bayesian Neural Network Surrogates for Bayesian Optimization"),
    ("04", "gp_pde_solver", A, "Solving High Frequency and Multi-Scale PDEs with Gaussian Processes"),
    (
        "05",
        "rvgp_vector_fields",
        A,
        "Implicit GP representation of vector fields over arbitrary latent manifolds",
    ),
    (
        "06",
        "gpdp_fisheries",
        A,
        "Avoiding tipping points in fisheries management through GP Dynamic Programming",
    ),
    ("07", "scale_mixture_nngp", B, "Scale Mixtures of Neural Network Gaussian Processes"),
    ("08", "functional_priors", B, "All You Need is a Good Functional Prior for Bayesian Deep Learning"),
    (
        "09",
        "deep_kernel_machines",
        B,
        "A theory of representation learning gives a deep generalisation of kernel methods",
    ),
    ("10", "martingale_posterior_np", B, "Martingale Posterior Neural Processes"),
    (
        "11",
        "universality_lens",
        B,
        "The Universality Lens: Why Even Highly Over-Parametrized Models Learn Well",
    ),
    ("12", "hierarchical_few_shot", B, "A Hierarchical Bayesian Model for Deep Few-Shot Meta Learning"),
    ("13", "sequential_bayes_continual", B, "On Sequential Bayesian Inference for Continual Learning"),
    ("14", "pfn", C, "Transformers Can Do Bayesian Inference"),
    ("15", "lc_pfn", C, "Efficient Bayesian Learning Curve Extrapolation using PFNs"),
    ("16", "distribution_transformers", C, "Distribution Transformers: Fast Approximate Bayesian Inference"),
    ("17", "principles_of_diffusion", D, "The Principles of Diffusion Models"),
    (
        "18",
        "stochastic_interpolants",
        D,
        "Stochastic Interpolants: A Unifying Framework for Flows and Diffusions",
    ),
    (
        "19",
        "dpm_solver_pp",
        D,
        "DPM-Solver++: Fast Solver for Guided Sampling of Diffusion Probabilistic Models",
    ),
    ("20", "feynman_kac_correctors", D, "Feynman-Kac Correctors in Diffusion"),
    ("21", "diffusion_inverse_problems", D, "Solving Inverse Problems via Diffusion-Based Priors (ensemble)"),
    ("22", "geodream_toy", D, "GeoDream: Disentangling 2D and Geometric Priors (toy analogue)"),
    (
        "23",
        "dimple_confident_decoding",
        E,
        "Dimple: Discrete Diffusion Multimodal LLM with Parallel Decoding",
    ),
    ("24", "energy_diffusion_lm", E, "Energy-Based Diffusion Language Models for Text Generation"),
    ("25", "judge_scaling_theory", F, "Demystifying LLM-as-a-Judge: Analytically Tractable Model"),
    ("26", "judging_on_simplex", F, "Judging LLMs on a Simplex"),
    ("27", "alphamath_mcts", F, "AlphaMath Almost Zero: process Supervision without process"),
    ("28", "prm_lessons", F, "The Lessons of Developing Process Reward Models in Mathematical Reasoning"),
    (
        "29",
        "scan_denoising",
        F,
        "SCAN: Self-Denoising Monte Carlo Annotation for Robust Process Reward Learning",
    ),
    ("30", "biprm", F, "The Bidirectional Process Reward Model"),
    (
        "31",
        "early_rejection",
        F,
        "Accelerating LLM Reasoning via Early Rejection with Partial Reward Modeling",
    ),
    ("32", "canon_advantage", F, "Conditional Advantage Estimation for RL in Large Reasoning Models"),
    (
        "33",
        "prior_influence_llm",
        G,
        "Identifying and Mitigating the Influence of the Prior Distribution in LLMs",
    ),
    (
        "34",
        "visual_priors_from_text",
        G,
        "Learning to See Before Seeing: LLM Visual Priors from Language Pre-training",
    ),
    ("35", "consciousness_prior", G, "The Consciousness Prior"),
    ("36", "pv_rnn_meta_prior", G, "A Predictive-Coding-Inspired Variational RNN Model"),
]


def _front_matter(path: Path) -> dict:
    import yaml

    text = path.read_text()
    match = re.match(r"^---\n(.*?)\n---\n", text, re.S)
    if not match:
        raise SystemExit(f"{path}: missing YAML front matter")
    meta = yaml.safe_load(match.group(1)) or {}
    ps = meta.get("priorscope")
    if not isinstance(ps, dict) or "id" not in ps or "title" not in ps:
        raise SystemExit(f"{path}: front matter needs a `priorscope:` block with at least `id` and `title`")
    return ps


def entries() -> list[dict]:
    """Every course entry in order, with its source path if it exists."""
    rows = []
    for nb_id, slug, title in TUTORIALS:
        rows.append({"id": nb_id, "file": f"tutorials/{nb_id}_{slug}.md", "track": "Foundations", "title": title})
    for nb_id, slug, track, title in NOTEBOOKS:
        rows.append({"id": nb_id, "file": f"notebooks/{nb_id}_{slug}.md", "track": track, "title": title})
    known = {r["file"] for r in rows}
    for path in sorted((ROOT / "tutorials").glob("*.md")) + sorted((ROOT / "notebooks").glob("*.md")):
        rel = path.relative_to(ROOT).as_posix()
        if rel not in known and path.name != "README.md":
            raise SystemExit(f"{rel} is not in the course map: name it <id>_<slug>.md as in tools/curriculum.py")
    runtimes = json.loads(RUNTIMES.read_text()) if RUNTIMES.exists() else {}
    for row in rows:
        path = ROOT / row["file"]
        row["exists"] = path.exists()
        if row["exists"]:
            meta = _front_matter(path)
            if str(meta["id"]) != row["id"]:
                raise SystemExit(f"{row['file']}: front matter id {meta['id']!r} != {row['id']!r}")
            row["title"] = meta["title"]
            row["paper"] = meta.get("paper", "")
            row["seconds"] = runtimes.get("notebooks", {}).get(path.stem, {}).get("seconds")
    return rows


def curriculum_table(rows: list[dict], link_prefix: str = "") -> str:
    lines = ["| # | track | title | status | fast-mode runtime |", "|---|---|---|---|---|"]
    for r in rows:
        if r["exists"]:
            title = f"[{r['title']}]({link_prefix}{r['file']})"
            status = "✅ in CI"
            secs = f"{r['seconds']:.0f} s" if r.get("seconds") is not None else "—"
        else:
            title, status, secs = r["title"], "planned", ""
        lines.append(f"| {r['id']} | {r['track']} | {title} | {status} | {secs} |")
    return "\n".join(lines)


def _fmt(x: float | None) -> str:
    if x is None:
        return "—"
    return f"{x:.4g}" if x == 0 or 1e-3 <= abs(x) < 1e4 else f"{x:.2e}"


def claims_table(snapshot: dict) -> str:
    lines = [
        f"Measured in fast mode on {snapshot.get('machine', 'unknown machine')} ({snapshot.get('date', '?')}).",
        "",
        "| claim | what is claimed | measured | expected | condition | status |",
        "|---|---|---|---|---|---|",
    ]
    for c in snapshot.get("claims", []):
        cond = {
            "abs": f"\\|m − e\\| ≤ {_fmt(c['tol'])}",
            "rel": f"\\|m − e\\| ≤ {_fmt(c['tol'])}·\\|e\\|",
            "<=": "m ≤ e",
            ">=": "m ≥ e",
        }[c["op"]]
        if c["status"] == "not reproduced":
            cond = "paper's value vs ours (not asserted)"
        status = {"pass": "✅", "fail": "❌", "not reproduced": "⚠️ not reproduced"}[c["status"]]
        desc = c["description"].replace("|", "\\|")
        lines.append(f"| `{c['id']}` | {desc} | {_fmt(c['measured'])} | {_fmt(c['expected'])} | {cond} | {status} |")
    return "\n".join(lines)


def performance_table() -> str:
    """Panel latency summary from the last `make benchmark` (benchmarks/results/panel_latency.json)."""
    if not LATENCY.exists():
        return "No benchmark results yet: run `make benchmark`."
    data = json.loads(LATENCY.read_text())
    panels = data.get("panels", {})
    p50_max, p95_max = data["targets"]["p50_ms"], data["targets"]["p95_ms"]
    ok = [n for n, p in panels.items() if p["p50_ms"] <= p50_max and p["p95_ms"] <= p95_max]
    lines = [
        f"Panel update latency after warm-up (value change → in-place draw → full canvas render), fast sizes, on "
        f"{data['machine']} ({data['date']}): **{len(ok)} of {len(panels)} panels** meet p50 ≤ {p50_max:.0f} ms and "
        f"p95 ≤ {p95_max:.0f} ms.",
        "",
        "| panel | p50 ms | p95 ms | target |",
        "|---|---|---|---|",
    ]
    for name, p in sorted(panels.items()):
        mark = "✅" if name in ok else "❌"
        lines.append(f"| `{name}` | {p['p50_ms']:.0f} | {p['p95_ms']:.0f} | {mark} |")
    return "\n".join(lines)


def _replace(text: str, marker: str, body: str) -> str:
    start, end = f"<!-- {marker}:start -->", f"<!-- {marker}:end -->"
    if start not in text or end not in text:
        raise SystemExit(f"missing markers {start} ... {end}")
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    return f"{head}{start}\n{body}\n{end}{tail}"


def collect_snapshot() -> dict:
    """Gather build/claims/*.json (the last test run) into the committed snapshot format."""
    import datetime
    import os
    import platform

    build = ROOT / "build" / "claims"
    order = {r["id"]: i for i, r in enumerate(entries())}
    claims = []
    for path in sorted(build.glob("*.json"), key=lambda p: order.get(p.stem, 999)):
        claims.extend(json.loads(path.read_text()))
    cpu = f"{os.cpu_count()} CPU cores"
    return {
        "machine": f"{platform.machine()} Linux, {cpu}, no GPU",
        "date": datetime.date.today().isoformat(),
        "claims": claims,
    }


def render() -> dict[Path, str]:
    rows = entries()
    snapshot = json.loads(SNAPSHOT.read_text()) if SNAPSHOT.exists() else {"claims": []}
    out = {}
    readme = ROOT / "README.md"
    text = _replace(readme.read_text(), "curriculum", curriculum_table(rows))
    text = _replace(text, "claims", claims_table(snapshot))
    out[readme] = _replace(text, "performance", performance_table())
    index = ROOT / "index.md"
    out[index] = _replace(index.read_text(), "curriculum", curriculum_table(rows))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write", action="store_true", help="snapshot build/claims and rewrite README.md, index.md")
    mode.add_argument("--check", action="store_true", help="fail if README.md or index.md is out of date")
    args = parser.parse_args()
    if args.write:
        if (ROOT / "build" / "claims").exists():
            SNAPSHOT.parent.mkdir(parents=True, exist_ok=True)
            SNAPSHOT.write_text(json.dumps(collect_snapshot(), indent=1) + "\n")
        for path, text in render().items():
            path.write_text(text)
        print("updated README.md and index.md")
        return 0
    stale = [p.name for p, text in render().items() if p.read_text() != text]
    if stale:
        print(f"{', '.join(stale)} out of date: run `make readme` (after `make test`)", file=sys.stderr)
        return 1
    missing = [r["id"] for r in entries() if r["exists"]]
    snapshot = json.loads(SNAPSHOT.read_text()) if SNAPSHOT.exists() else {"claims": []}
    have = {c["id"].split(".", 1)[0] for c in snapshot["claims"]}
    missing = [m for m in missing if m not in have]
    if missing:
        print(
            f"no recorded claims for {missing} in {SNAPSHOT.relative_to(ROOT)}: run `make test` then `make readme`",
            file=sys.stderr,
        )
        return 1
    print("README.md and index.md are up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
