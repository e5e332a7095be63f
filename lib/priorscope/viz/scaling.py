"""Panels of track F, part 1: judge scaling theory (25), judging on a simplex (26), CANON advantages (32)."""

from __future__ import annotations

from functools import partial
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from priorscope import config
from priorscope.scaling.advantages import make_direction_flip_bandit, train_canon_family
from priorscope.scaling.blr import judge_geometry
from priorscope.scaling.judges import discretized_judge, expected_score, mixing_pair, observed_scores
from priorscope.scaling.selection import best_of_k_curve, best_of_k_error, random_pick_error
from priorscope.viz.controls import Choice, FloatSlider, IntSlider
from priorscope.viz.panel import Panel
from priorscope.viz.style import COLORS

__all__ = [
    "judge_scaling_panel",
    "canon_panel",
    "simplex_panel",
    "ternary",
    "SIMPLEX_CANDIDATES",
    "plot_error_vs_k",
    "JUDGE_PANEL_KS",
    "JUDGE_PANEL_TS",
]

#: k grid of the judge-scaling panel (log-spaced) and its temperature grid.
JUDGE_PANEL_KS = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024)
JUDGE_PANEL_TS = tuple(np.logspace(-3, 1.5, 19).tolist())
#: Monte Carlo test points of the panel's softmax curves, and the largest k of its temperature plot.
JUDGE_PANEL_SETS = 256
JUDGE_PANEL_K_MAX = 256


def _judge_scaling_compute(
    key: Any, angle_deg: Any, ratio: Any, noise_std: Any, temperature: Any, k: Any, *, sets: int = JUDGE_PANEL_SETS
) -> dict[str, Any]:
    geometry = judge_geometry(ratio, noise_std, jnp.deg2rad(angle_deg))
    dtype = jnp.result_type(float)
    ks = jnp.asarray(JUDGE_PANEL_KS, dtype=dtype)
    greedy = best_of_k_curve(ks, geometry, num_points=8, judge_points=6, num_nodes=24)
    # Softmax selection by Monte Carlo on one shared set of draws (common random numbers); k enters as a mask.
    k_ab, k_y = jax.random.split(key)
    z = jax.random.normal(k_ab, (2, sets), dtype)
    v = geometry.target_var
    slope = geometry.cross / jnp.maximum(v, jnp.finfo(dtype).tiny)
    b = jnp.sqrt(v) * z[0]
    a = slope * b + jnp.sqrt(jnp.maximum(geometry.judge_var - slope * geometry.cross, 0.0)) * z[1]
    y = jnp.sqrt(geometry.pred_var) * jax.random.normal(k_y, (sets, JUDGE_PANEL_K_MAX), dtype)
    dist2, err2 = (y - a[:, None]) ** 2, (y - b[:, None]) ** 2
    idx = jnp.arange(JUDGE_PANEL_K_MAX)
    ks_soft = jnp.asarray([kk for kk in JUDGE_PANEL_KS if kk <= JUDGE_PANEL_K_MAX], dtype=dtype)

    def soft_error(kk: Any, t: Any, width: int) -> Any:
        logits = jnp.where(idx[:width] < kk, -dist2[:, :width] / t, -jnp.inf)
        return jnp.mean(jnp.sum(jax.nn.softmax(logits, axis=-1) * err2[:, :width], axis=-1))

    soft_k = jax.vmap(lambda kk: soft_error(kk, temperature, JUDGE_PANEL_K_MAX))(ks_soft)
    ts = jnp.asarray(JUDGE_PANEL_TS, dtype=dtype)
    soft_t = jax.vmap(lambda t: soft_error(k, t, JUDGE_PANEL_K_MAX))(ts)
    s2 = geometry.pred_var
    ok = v < 0.5 * s2
    c = jnp.where(ok, jnp.pi * s2 / jnp.sqrt(jnp.where(ok, 1.0 - 2.0 * v / s2, 1.0)), 0.0)
    at_k = best_of_k_error(k.astype(dtype), geometry, num_points=8, judge_points=6, num_nodes=24)
    return {
        "ks": ks,
        "greedy": greedy,
        "ks_soft": ks_soft,
        "soft_k": soft_k,
        "ts": ts,
        "soft_t": soft_t,
        "soft_at_t": soft_error(k, temperature, JUDGE_PANEL_K_MAX),
        "random": random_pick_error(geometry),
        "judge_floor": 2.0 * (1.0 - jnp.cos(jnp.deg2rad(angle_deg))),
        "constant": c,
        "constant_ok": ok,
        "greedy_at_k": at_k,
        "v": v,
        "s2": s2,
    }


def judge_scaling_panel(name: str = "25.judge_scaling") -> Panel:
    """Error of the selected candidate vs k (exact best-of-k, Monte Carlo softmax) and vs temperature."""

    def setup(fig: Any) -> dict[str, Any]:
        ax1, ax2 = fig.subplots(1, 2)
        art = {
            "ax1": ax1,
            "ax2": ax2,
            "greedy": ax1.plot([], [], "o-", color=COLORS[0], ms=3, label="best-of-k (T→0, exact)")[0],
            "soft": ax1.plot([], [], "s--", color=COLORS[1], ms=3, label="softmax at T (MC, 256 tests)")[0],
            "guide": ax1.plot([], [], ":", color="k", label="teacher's C/k²")[0],
            "rand1": ax1.axhline(1.0, color="grey", lw=1, label="k = 1"),
            "floor": ax1.axhline(1.0, color=COLORS[2], lw=1, ls="-.", label="judge's own error (k→∞)"),
            "soft_t": ax2.plot([], [], "s-", color=COLORS[1], ms=3, label="softmax (MC)")[0],
            "marker": ax2.plot([], [], "o", color=COLORS[1], ms=7, mfc="none")[0],
            "cold": ax2.axhline(1.0, color=COLORS[0], ls="--", lw=1, label="T→0 (exact)"),
            "hot": ax2.axhline(1.0, color="grey", lw=1, label="T→∞ (random pick)"),
        }
        ax1.set(
            xlim=(0.8, 1300.0),
            ylim=(1e-4, 2.0),
            xscale="log",
            yscale="log",
            xlabel="candidates k",
            ylabel="test error E(k)",
        )
        ax2.set(
            xlim=(JUDGE_PANEL_TS[0], JUDGE_PANEL_TS[-1]),
            ylim=(0.0, 1.0),
            xscale="log",
            xlabel="temperature T",
            ylabel="test error E(T)",
        )
        ax1.legend(loc="lower left", fontsize=7)
        ax2.legend(loc="upper left", fontsize=7)
        return art

    def draw(a: dict[str, Any], r: Any, params: dict[str, Any]) -> None:
        ks = np.asarray(r["ks"])
        greedy, soft = np.asarray(r["greedy"]), np.asarray(r["soft_k"])
        a["greedy"].set_data(ks, greedy)
        a["soft"].set_data(np.asarray(r["ks_soft"]), soft)
        if bool(r["constant_ok"]) and params["angle_deg"] == 0.0:
            a["guide"].set_data(ks[3:], float(r["constant"]) / ks[3:] ** 2)
        else:
            a["guide"].set_data([], [])
        a["rand1"].set_ydata([float(r["random"])] * 2)
        floor = max(float(r["judge_floor"]), 1e-12)
        a["floor"].set_ydata([floor] * 2)
        lo = max(min(greedy.min(), soft.min(), floor), 1e-8)
        a["ax1"].set_xlim(0.8, ks[-1] * 1.25)
        a["ax1"].set_ylim(0.5 * lo, 2.0 * max(greedy.max(), soft.max(), float(r["random"])))
        best = int(ks[np.argmin(greedy)])
        a["ax1"].set_title(f"θ={params['angle_deg']:.0f}°, n/d={params['ratio']:.2g}: best k = {best}", fontsize=9)
        ts, soft_t = np.asarray(r["ts"]), np.asarray(r["soft_t"])
        a["soft_t"].set_data(ts, soft_t)
        a["marker"].set_data([params["temperature"]], [float(r["soft_at_t"])])
        a["cold"].set_ydata([float(r["greedy_at_k"])] * 2)
        a["hot"].set_ydata([float(r["random"])] * 2)
        hi = max(soft_t.max(), float(r["random"]), float(r["greedy_at_k"]))
        lo2 = min(soft_t.min(), float(r["greedy_at_k"]))
        a["ax2"].set_xlim(ts[0], ts[-1])
        a["ax2"].set_ylim(max(0.0, lo2 - 0.1 * (hi - lo2 + 1e-12)), hi + 0.1 * (hi - lo2 + 1e-12))
        t_star = float(ts[np.argmin(soft_t)])
        a["ax2"].set_title(f"k={params['k']}: best T ≈ {t_star:.2g}", fontsize=9)

    return Panel(
        name,
        partial(
            _judge_scaling_compute,
            sets=config.size("25.panel_sets", fast=JUDGE_PANEL_SETS, full=JUDGE_PANEL_SETS, gpu=16 * JUDGE_PANEL_SETS),
        ),
        {
            "angle_deg": FloatSlider(0.0, 90.0, 45.0, description="judge angle θ (deg)"),
            "ratio": FloatSlider(0.25, 8.0, 2.0, log=True, description="data per dim n/d"),
            "noise_std": FloatSlider(0.1, 1.0, 0.5, description="label noise σ"),
            "temperature": FloatSlider(1e-3, 30.0, 0.5, log=True, description="temperature T"),
            "k": IntSlider(1, JUDGE_PANEL_K_MAX, 16, description="k (right plot)"),
        },
        setup,
        draw,
        figsize=(9.5, 3.8),
        title="Selecting one of k predictive samples with a (mis)specified judge",
    )


def plot_error_vs_k(ax: Any, ks: Any, curves: dict[str, Any], *, guide: Any = None) -> None:
    """Static log-log plot of error curves against k (one line per entry of ``curves``)."""
    for i, (label, values) in enumerate(curves.items()):
        ax.plot(ks, values, "o-", ms=3, color=COLORS[i % len(COLORS)], label=label)
    if guide is not None:
        ax.plot(ks, guide, ":", color="k", label="C/k²")
    ax.set(xscale="log", yscale="log", xlabel="candidates k", ylabel="test error")
    ax.legend(fontsize=8)


#: Sizes of the CANON panel's training runs (kept small: three runs per slider move).
CANON_PANEL_UPDATES = 120
CANON_PANEL_PROMPTS = 32


def _canon_compute(
    key: Any,
    mu: Any,
    alpha: Any,
    learning_rate: Any,
    slope: Any,
    penalty: Any,
    group_size: int,
    *,
    num_prompts: int = CANON_PANEL_PROMPTS,
) -> dict[str, Any]:
    bandit = make_direction_flip_bandit(jax.random.fold_in(key, 7), 20, slope=slope)
    one = jnp.ones(())
    # Runs: Dr.GRPO (μ = 1/2, α = 1), CANON (μ, α), fixed length penalty — one compiled, vmapped call.
    mus = jnp.stack([0.5 * one, mu, 0.5 * one])
    alphas = jnp.stack([one, alpha, one])
    shapings = jnp.stack([0.0 * one, 0.0 * one, penalty])
    _, trace = train_canon_family(
        key,
        bandit,
        mus,
        alphas,
        shapings,
        num_updates=CANON_PANEL_UPDATES,
        num_prompts=num_prompts,
        group_size=group_size,
        learning_rate=learning_rate,
    )
    best = jnp.sum(bandit.level_probs * jnp.max(jax.nn.sigmoid(bandit.success_logits), axis=-1))
    return {"acc": trace.accuracy, "len_dr": trace.length[0], "len_canon": trace.length[1], "best": best}


def canon_panel(name: str = "32.canon") -> Panel:
    """Accuracy and per-difficulty length while training with Dr.GRPO, CANON and a fixed length penalty."""

    def setup(fig: Any) -> dict[str, Any]:
        ax1, ax2 = fig.subplots(1, 2)
        steps = np.arange(1, CANON_PANEL_UPDATES + 1)
        labels = ("Dr.GRPO", "CANON (μ, α)", "fixed length penalty")
        lines = [
            ax1.plot(steps, np.zeros_like(steps, float), color=COLORS[i], label=lab)[0] for i, lab in enumerate(labels)
        ]
        best = ax1.axhline(1.0, color="k", ls=":", lw=1, label="best possible")
        ax1.set(xlim=(0, CANON_PANEL_UPDATES), ylim=(0.4, 1.0), xlabel="update", ylabel="expected accuracy")
        ax1.legend(loc="lower right", fontsize=7)
        len_lines = {
            ("canon", 0): ax2.plot(steps, 0 * steps, color=COLORS[1], label="CANON, easy")[0],
            ("canon", 1): ax2.plot(steps, 0 * steps, color=COLORS[1], ls="--", label="CANON, hard")[0],
            ("dr", 0): ax2.plot(steps, 0 * steps, color=COLORS[0], label="Dr.GRPO, easy")[0],
            ("dr", 1): ax2.plot(steps, 0 * steps, color=COLORS[0], ls="--", label="Dr.GRPO, hard")[0],
        }
        ax2.axhline(0.0, color="grey", lw=0.8)
        ax2.set(xlim=(0, CANON_PANEL_UPDATES), ylim=(-1.0, 1.0), xlabel="update", ylabel="expected length (std.)")
        ax2.legend(loc="lower left", fontsize=7, ncol=2)
        return {"ax1": ax1, "ax2": ax2, "acc": lines, "best": best, "len": len_lines}

    def draw(a: dict[str, Any], r: Any, params: dict[str, Any]) -> None:
        acc = np.asarray(r["acc"])
        for line, curve in zip(a["acc"], acc, strict=True):
            line.set_ydata(curve)
        a["best"].set_ydata([float(r["best"])] * 2)
        for (which, level), line in a["len"].items():
            line.set_ydata(np.asarray(r[f"len_{which}"])[:, level])
        a["ax1"].set_title(
            f"final: Dr.GRPO {acc[0, -1]:.3f}, CANON {acc[1, -1]:.3f}, penalty {acc[2, -1]:.3f}", fontsize=9
        )
        a["ax2"].set_title("easy prompts reward short answers, hard ones long", fontsize=9)

    return Panel(
        name,
        partial(
            _canon_compute,
            num_prompts=config.size(
                "32.panel_prompts", fast=CANON_PANEL_PROMPTS, full=CANON_PANEL_PROMPTS, gpu=16 * CANON_PANEL_PROMPTS
            ),
        ),
        {
            "mu": FloatSlider(0.0, 1.0, 1.0, description="inter weight μ"),
            "alpha": FloatSlider(0.5, 2.0, 1.0, description="inter scale α"),
            "learning_rate": FloatSlider(0.1, 8.0, 1.0, log=True, description="learning rate η"),
            "slope": FloatSlider(0.0, 4.0, 2.0, description="length effect |κ|"),
            "penalty": FloatSlider(0.0, 1.0, 0.2, description="fixed length penalty w"),
            "group_size": IntSlider(4, 16, 8, buckets=(4, 8, 16), description="group size G"),
        },
        setup,
        draw,
        figsize=(9.5, 3.6),
        title="CANON: learn which direction of length pays, per prompt",
    )


#: The six candidates (true score laws over levels 1, 2, 3) of notebook 26.
SIMPLEX_CANDIDATES = (
    (0.60, 0.30, 0.10),
    (0.20, 0.60, 0.20),
    (0.45, 0.10, 0.45),
    (0.05, 0.75, 0.20),
    (0.30, 0.20, 0.50),
    (0.30, 0.10, 0.60),
)
_MOVES = {"middle → top": (1, 2), "bottom → middle": (0, 1), "top → middle": (2, 1)}


def ternary(p: Any) -> Any:
    """2-D coordinates of points on the 2-simplex ``(..., 3)``: level 1 at (0, 0), 2 at (1, 0), 3 at the apex."""
    p = jnp.asarray(p)
    return jnp.stack([p[..., 1] + 0.5 * p[..., 2], p[..., 2] * np.sqrt(3.0) / 2.0], axis=-1)


def _simplex_compute(key: Any, bias: Any, noise: Any, eps: Any, move: str) -> dict[str, Any]:
    del key  # deterministic
    pis = jnp.asarray(SIMPLEX_CANDIDATES)
    theta = discretized_judge(3, bias, noise)
    src, dst = _MOVES[move]
    theta2, pis2, valid = mixing_pair(theta, pis, eps, src, dst)
    return {
        "theta": ternary(theta),
        "theta2": ternary(theta2),
        "pis": ternary(pis),
        "pis2": ternary(pis2),
        "gamma": ternary(observed_scores(pis, theta)),
        "gamma2": ternary(pis2 @ theta2),
        "es": expected_score(pis),
        "es2": expected_score(pis2),
        "valid": valid,
        "min_entry": jnp.min(theta2),
    }


def simplex_panel(name: str = "26.simplex") -> Panel:
    """Two explanations of the same judge scores on the ternary simplex, and the rankings they imply."""

    def setup(fig: Any) -> dict[str, Any]:
        ax1, ax2 = fig.subplots(1, 2, width_ratios=(1.2, 1))
        corners = np.asarray([[0, 0], [1, 0], [0.5, np.sqrt(3) / 2], [0, 0]])
        ax1.plot(corners[:, 0], corners[:, 1], color="grey", lw=1)
        for (x, y), lab in zip(corners[:3], ("S=1", "S=2", "S=3"), strict=True):
            ax1.annotate(lab, (x, y), textcoords="offset points", xytext=(-8, -12 if y == 0 else 4), fontsize=8)
        art = {
            "ax1": ax1,
            "ax2": ax2,
            "judge": ax1.plot([], [], "-", color=COLORS[0], lw=1.5, label="judge rows θ")[0],
            "judge2": ax1.plot([], [], "--", color=COLORS[1], lw=1.5, label="alternative θ′")[0],
            "pis": ax1.plot([], [], "o", color=COLORS[0], ms=5, mfc="none", label="true π_k")[0],
            "pis2": ax1.plot([], [], "x", color=COLORS[1], ms=6, label="alternative π′_k")[0],
            "gamma": ax1.plot([], [], "s", color="k", ms=4, label="observed γ_k (both)")[0],
        }
        ax1.set(xlim=(-0.08, 1.08), ylim=(-0.1, 0.95), aspect="equal")
        ax1.axis("off")
        ax1.legend(loc="upper left", fontsize=7)
        x = np.arange(len(SIMPLEX_CANDIDATES))
        art["bars"] = ax2.bar(x - 0.2, np.ones(len(x)), 0.4, color=COLORS[0], label="E[S] under (θ, π)")
        art["bars2"] = ax2.bar(x + 0.2, np.ones(len(x)), 0.4, color=COLORS[1], label="E[S] under (θ′, π′)")
        ax2.set(ylim=(1.0, 3.0), xticks=x, xticklabels=[f"k={i + 1}" for i in x], ylabel="expected true score")
        ax2.legend(loc="upper left", fontsize=7)
        return art

    def draw(a: dict[str, Any], r: Any, params: dict[str, Any]) -> None:
        for key in ("theta", "theta2"):
            tri = np.asarray(r[key])
            a["judge" if key == "theta" else "judge2"].set_data(*np.vstack([tri, tri[:1]]).T)
        a["pis"].set_data(*np.asarray(r["pis"]).T)
        a["pis2"].set_data(*np.asarray(r["pis2"]).T)
        a["gamma"].set_data(*np.asarray(r["gamma"]).T)
        es, es2 = np.asarray(r["es"]), np.asarray(r["es2"])
        for bar, h in zip(a["bars"], es, strict=True):
            bar.set_height(h - 1.0)
            bar.set_y(1.0)
        for bar, h in zip(a["bars2"], es2, strict=True):
            bar.set_height(h - 1.0)
            bar.set_y(1.0)
        ok = "valid judge" if bool(r["valid"]) else f"INVALID judge (entry {float(r['min_entry']):.2f} < 0)"
        a["ax1"].set_title(f"same γ, two explanations ({ok})", fontsize=9)
        a["ax2"].set_title(f"top candidate: k={int(np.argmax(es)) + 1} vs k={int(np.argmax(es2)) + 1}", fontsize=9)

    return Panel(
        name,
        _simplex_compute,
        {
            "bias": FloatSlider(-0.8, 0.8, 0.3, description="judge leniency"),
            "noise": FloatSlider(0.2, 1.5, 0.8, description="judge noise"),
            "eps": FloatSlider(0.0, 0.6, 0.35, description="mixing ε"),
            "move": Choice(tuple(_MOVES), "middle → top", description="move mass"),
        },
        setup,
        draw,
        figsize=(9.5, 4.0),
        title="Judging on a simplex: what the judge's scores cannot tell apart",
    )
