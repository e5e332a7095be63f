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
from priorscope.scaling.selection_theory import best_of_k_curve, best_of_k_error, random_pick_error
from priorscope.viz.controls import Choice, FloatSlider, IntSlider
from priorscope.viz.figure import Figure
from priorscope.viz.panel import Panel
from priorscope.viz.style import COLORS

__all__ = [
    "make_judge_scaling_panel",
    "make_canon_panel",
    "make_simplex_panel",
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
    greedy = best_of_k_curve(ks, geometry, num_points=8, judge_points=6, num_nodes=8)
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
    at_k = best_of_k_error(k.astype(dtype), geometry, num_points=8, judge_points=6, num_nodes=8)
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


def make_judge_scaling_panel(name: str = "25.judge_scaling") -> Panel:
    """Error of the selected candidate vs k (exact best-of-k, Monte Carlo softmax) and vs temperature."""
    sets = config.size("25.panel_sets", fast=JUDGE_PANEL_SETS, full=JUDGE_PANEL_SETS, gpu=16 * JUDGE_PANEL_SETS)

    def setup(fig: Figure) -> None:
        ax1, ax2 = fig.grid(1, 2, row_height=320)
        ax1.line("greedy", color=COLORS[0], marker=True, label="best-of-k (T→0, exact)")
        ax1.line("soft", color=COLORS[1], dash="--", marker=True, label=f"softmax at T (MC, {sets} tests)")
        ax1.line("guide", color="#000000", dash=":", label="teacher's C/k²")
        ax1.hline("rand1", 1.0, color="#808080", dash="-", label="k = 1")
        ax1.hline("floor", 1.0, color=COLORS[2], dash="-.", label="judge's own error (k→∞)")
        ax1.set(xscale="log", yscale="log", xlabel="candidates k", ylabel="test error E(k)", legend="lower left")
        ax2.line("soft_t", color=COLORS[1], marker=True, label="softmax (MC)")
        ax2.scatter("marker", color=COLORS[1], size=9.0, alpha=1.0, label="at the chosen T")
        ax2.hline("cold", 1.0, color=COLORS[0], dash="--", label="T→0 (exact)")
        ax2.hline("hot", 1.0, color="#808080", dash="-", label="T→∞ (random pick)")
        ax2.set(
            xlim=(JUDGE_PANEL_TS[0], JUDGE_PANEL_TS[-1]),
            xscale="log",
            xlabel="temperature T",
            ylabel="test error E(T)",
            legend="upper left",
        )

    def draw(fig: Figure, r: Any, params: dict[str, Any]) -> None:
        ks = np.asarray(r["ks"])
        greedy, soft = np.asarray(r["greedy"]), np.asarray(r["soft_k"])
        fig["greedy"].set_data(ks, greedy)
        fig["soft"].set_data(np.asarray(r["ks_soft"]), soft)
        if bool(r["constant_ok"]) and params["angle_deg"] == 0.0:
            fig["guide"].set_data(ks[3:], float(r["constant"]) / ks[3:] ** 2)
        else:
            fig["guide"].set_data([], [])
        fig["rand1"].set_data([float(r["random"])])
        floor = max(float(r["judge_floor"]), 1e-12)
        fig["floor"].set_data([floor])
        lo = max(min(greedy.min(), soft.min(), floor), 1e-8)
        hi = 2.0 * max(greedy.max(), soft.max(), float(r["random"]))
        best = int(ks[np.argmin(greedy)])
        fig.axes[0].set(
            xlim=(0.8, ks[-1] * 1.25),
            ylim=(0.5 * lo * (2.0 * lo / hi) ** 0.9, hi),  # the lower ~half (log scale) holds the legend
            title=f"θ={params['angle_deg']:.0f}°, n/d={params['ratio']:.2g}: best k = {best}",
        )
        ts, soft_t = np.asarray(r["ts"]), np.asarray(r["soft_t"])
        fig["soft_t"].set_data(ts, soft_t)
        fig["marker"].set_data([params["temperature"]], [float(r["soft_at_t"])])
        fig["cold"].set_data([float(r["greedy_at_k"])])
        fig["hot"].set_data([float(r["random"])])
        hi = max(soft_t.max(), float(r["random"]), float(r["greedy_at_k"]))
        lo2 = min(soft_t.min(), float(r["greedy_at_k"]))
        pad = hi - lo2 + 1e-12
        t_star = float(ts[np.argmin(soft_t)])
        fig.axes[1].set(
            ylim=(max(0.0, lo2 - 0.1 * pad), hi + 0.45 * pad),  # headroom for the legend
            title=f"k={params['k']}: best T ≈ {t_star:.2g}",
        )

    return Panel(
        name,
        partial(_judge_scaling_compute, sets=sets),
        {
            "angle_deg": FloatSlider(0.0, 90.0, 45.0, description="judge angle θ (deg)"),
            "ratio": FloatSlider(0.25, 8.0, 2.0, log=True, description="data per dim n/d"),
            "noise_std": FloatSlider(0.1, 1.0, 0.5, description="label noise σ"),
            "temperature": FloatSlider(1e-3, 30.0, 0.5, log=True, description="temperature T"),
            "k": IntSlider(1, JUDGE_PANEL_K_MAX, 16, description="k (right plot)"),
        },
        setup,
        draw,
        random=True,
        title="25 · Selecting one of k predictive samples with a (mis)specified judge",
        caption="with a misaligned judge (θ > 0) the best-of-k error first falls, then rises towards the judge's own "
        "error as k grows; on the right, an intermediate temperature beats both greedy (T→0) and random picking.",
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


def make_canon_panel(name: str = "32.canon") -> Panel:
    """Accuracy and per-difficulty length while training with Dr.GRPO, CANON and a fixed length penalty."""
    steps = np.arange(1, CANON_PANEL_UPDATES + 1)
    runs = (("dr", "Dr.GRPO"), ("canon", "CANON (μ, α)"), ("penalty", "fixed length penalty"))

    def setup(fig: Figure) -> None:
        ax1, ax2 = fig.grid(1, 2, row_height=320)
        for i, (run, label) in enumerate(runs):
            ax1.line(f"acc_{run}", color=COLORS[i], label=label)
        ax1.hline("best", 1.0, color="#000000", dash=":", label="best possible")
        ax1.set(
            xlim=(0, CANON_PANEL_UPDATES),
            ylim=(0.3, 1.0),
            xlabel="update",
            ylabel="expected accuracy",
            legend="lower right",
        )
        ax2.hline("zero", 0.0, color="#808080", dash="-", width=0.8)
        for run, color, label in (("canon", COLORS[1], "CANON"), ("dr", COLORS[0], "Dr.GRPO")):
            ax2.line(f"len_{run}_easy", color=color, label=f"{label}, easy")
            ax2.line(f"len_{run}_hard", color=color, dash="--", label=f"{label}, hard")
        ax2.set(
            xlim=(0, CANON_PANEL_UPDATES),
            ylim=(-1.0, 1.0),
            xlabel="update",
            ylabel="expected length (std.)",
            title="easy prompts reward short answers, hard ones long",
            legend="lower left",
        )

    def draw(fig: Figure, r: Any, params: dict[str, Any]) -> None:
        acc = np.asarray(r["acc"])
        for (run, _), curve in zip(runs, acc, strict=True):
            fig[f"acc_{run}"].set_data(steps, curve)
        fig["best"].set_data([float(r["best"])])
        for run in ("canon", "dr"):
            length = np.asarray(r[f"len_{run}"])
            fig[f"len_{run}_easy"].set_data(steps, length[:, 0])
            fig[f"len_{run}_hard"].set_data(steps, length[:, 1])
        fig.axes[0].set(title=f"final: Dr.GRPO {acc[0, -1]:.3f}, CANON {acc[1, -1]:.3f}, penalty {acc[2, -1]:.3f}")

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
        random=True,
        title="32 · CANON: learn which direction of length pays, per prompt",
        caption="at the defaults CANON (μ = 1) moves easy prompts shorter and hard ones longer, faster than "
        "Dr.GRPO, and ends with the highest accuracy; the fixed length penalty ends lowest.",
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


def _simplex_compute(key: Any, bias: Any, noise_std: Any, eps: Any, move: str) -> dict[str, Any]:
    del key  # deterministic
    pis = jnp.asarray(SIMPLEX_CANDIDATES)
    theta = discretized_judge(3, bias, noise_std)
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


#: Half-size of the simplex panel's crosses and squares, in simplex coordinates.
_MARKER_HALF = 0.02


def make_simplex_panel(name: str = "26.simplex") -> Panel:
    """Two explanations of the same judge scores on the ternary simplex, and the rankings they imply."""
    corners = np.asarray([[0, 0], [1, 0], [0.5, np.sqrt(3) / 2], [0, 0]])
    x = np.arange(len(SIMPLEX_CANDIDATES))

    def setup(fig: Figure) -> None:
        ax1, ax2 = fig.grid(1, 2, width_ratios=(1.25, 1), row_height=380)
        ax1.line("simplex", corners[:, 0], corners[:, 1], color="#808080", width=1.0)
        for (cx, cy), lab, align in zip(corners[:3], ("S=1", "S=2", "S=3"), ("right", "left", "center"), strict=True):
            ax1.text(
                f"corner{lab[-1]}", lab, cx, cy - 0.03 if cy == 0 else cy + 0.07, coords="data", size=9, align=align
            )
        ax1.line("judge", color=COLORS[0], width=1.5, label="judge rows θ")
        ax1.line("judge2", color=COLORS[1], width=1.5, dash="--", label="alternative θ′")
        ax1.scatter("pis", color=COLORS[0], size=7.0, alpha=1.0, label="true π_k")
        # Crosses and squares as marker shapes: two short strokes per cross, a filled band per square.
        for i in x:
            ax1.line(f"pis2_a{i}", color=COLORS[1], width=1.5, label="alternative π′_k" if i == 0 else None)
            ax1.line(f"pis2_b{i}", color=COLORS[1], width=1.5)
        for i in x:
            label = dict(label="observed γ_k (both)") if i == 0 else {}
            ax1.band(f"gamma{i}", color="#000000", alpha=1.0, **label)
        ax1.set(xlim=(-0.45, 1.1), ylim=(-0.1, 1.02), xticks=[], legend="upper left")
        ax2.bars("es", x - 0.2, np.ones(len(x)), width=0.4, color=COLORS[0], label="E[S] under (θ, π)")
        ax2.bars("es2", x + 0.2, np.ones(len(x)), width=0.4, color=COLORS[1], label="E[S] under (θ′, π′)")
        # Bars start at 0 and the axis at 1 (the lowest score), so each bar shows E[S] above the minimum.
        ax2.set(
            xlim=(-0.6, len(x) - 0.4),
            ylim=(1.0, 3.4),
            xticks=x,
            xticklabels=[f"k={i + 1}" for i in x],
            ylabel="expected true score",
            legend="upper left",
        )

    def draw(fig: Figure, r: Any, params: dict[str, Any]) -> None:
        for key in ("theta", "theta2"):
            tri = np.asarray(r[key])
            fig["judge" if key == "theta" else "judge2"].set_data(*np.vstack([tri, tri[:1]]).T)
        fig["pis"].set_data(*np.asarray(r["pis"]).T)
        h = _MARKER_HALF
        for i, (px, py) in enumerate(np.asarray(r["pis2"])):
            fig[f"pis2_a{i}"].set_data([px - h, px + h], [py - h, py + h])
            fig[f"pis2_b{i}"].set_data([px - h, px + h], [py + h, py - h])
        for i, (gx, gy) in enumerate(np.asarray(r["gamma"])):
            fig[f"gamma{i}"].set_data([gx - 0.7 * h, gx + 0.7 * h], [gy - 0.7 * h] * 2, [gy + 0.7 * h] * 2)
        es, es2 = np.asarray(r["es"]), np.asarray(r["es2"])
        fig["es"].set_data(x - 0.2, es)
        fig["es2"].set_data(x + 0.2, es2)
        ok = "valid judge" if bool(r["valid"]) else f"INVALID judge (entry {float(r['min_entry']):.2f} < 0)"
        fig.axes[0].set(title=f"same γ, two explanations ({ok})")
        fig.axes[1].set(title=f"top candidate: k={int(np.argmax(es)) + 1} vs k={int(np.argmax(es2)) + 1}")

    return Panel(
        name,
        _simplex_compute,
        {
            "bias": FloatSlider(-0.8, 0.8, 0.3, description="judge leniency"),
            "noise_std": FloatSlider(0.2, 1.5, 0.8, description="judge noise"),
            "eps": FloatSlider(0.0, 0.6, 0.35, description="mixing ε"),
            "move": Choice(tuple(_MOVES), "middle → top", description="move mass"),
        },
        setup,
        draw,
        title="26 · Judging on a simplex: what the judge's scores cannot tell apart",
        caption="the black squares (what we observe) never move while the alternative judge (dashed) and "
        "candidates (crosses) do, until the judge leaves the simplex; the winner on the right can change.",
    )
