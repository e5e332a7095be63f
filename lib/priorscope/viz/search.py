"""Panels of the search notebooks (27 AlphaMath tree search, 31 early rejection)."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from priorscope import config, metrics
from priorscope.scaling import early_rejection as _er
from priorscope.scaling import env as _env
from priorscope.scaling import tree_search as _tree
from priorscope.viz.controls import FloatSlider, IntSlider
from priorscope.viz.figure import Figure, density_image
from priorscope.viz.panel import Panel
from priorscope.viz.style import COLORS

__all__ = [
    "make_early_rejection_panel",
    "make_alphamath_panel",
]


def make_early_rejection_panel(name: str = "31.early_rejection") -> Panel:
    """Early rejection: partial vs full rewards, the drop-the-best risk against τ, and accuracy vs tokens."""
    num_problems = config.size("31.panel_problems", fast=400, full=1000, gpu=20000)
    num_tokens, num_steps, beam_width = 256, 4, 4
    taus = jnp.array([4, 8, 16, 32, 64, 128, 192, 256])
    extent = (-3.0, 3.0, -3.0, 3.0)

    def compute(key, tau, noise_std, late_fraction, num_beams):
        er, van = _er.er_experiment(
            key,
            tau,
            num_problems=num_problems,
            num_beams=num_beams,
            beam_width=beam_width,
            num_steps=num_steps,
            num_tokens=num_tokens,
            noise_std=noise_std,
            late_fraction=late_fraction,
            kappa=0.5,
        )
        partial, full = er.partial[:, 0].reshape(-1), er.full[:, 0].reshape(-1)  # first step, every candidate
        density = density_image(jnp.stack([partial, full], axis=-1), extent, bins=40)
        return {
            "density": density / jnp.maximum(jnp.max(density), 1e-12),
            "spearman": metrics.spearman(partial, full),
            "acc": jnp.stack([van.success.mean(), er.success.mean()]),
            "tokens": jnp.stack([van.tokens.mean(), er.tokens.mean()]),
            "dropped": er.dropped_best.mean(),
            "margin_risk": _er.drop_best_prob(jnp.asarray(0.5), taus, noise_std, num_beams, num_beams // beam_width),
        }

    def setup(fig: Figure) -> None:
        ax1, ax2, ax3 = fig.grid(1, 3, width_ratios=(1.1, 1.2, 0.8), row_height=290)
        ax1.image("density", extent=extent, cmap="Blues", vmin=0.0, vmax=1.0)
        ax1.line("diagonal", [-3, 3], [-3, 3], color="#808080", width=0.8)
        ax1.set(xlim=(-3, 3), ylim=(-3, 3), xlabel="partial reward (first τ tokens)", ylabel="full-step reward")
        ax2.line("risk", np.asarray(taus), np.ones(len(taus)), color=COLORS[1], marker=True, label="exact, margin 0.5")
        ax2.scatter("now", [64.0], [1.0], color=COLORS[0], size=8.0, alpha=1.0, label="simulated (random q), at τ")
        ax2.set(
            xlim=(0, 264),
            ylim=(1e-5, 1.5),
            yscale="log",
            xlabel="partial length τ (tokens)",
            ylabel="P(drop the best)",
            legend="lower left",
        )
        ax3.bars("vanilla", [0], [0.0], width=0.6, color=COLORS[0])
        ax3.bars("er", [1], [0.0], width=0.6, color=COLORS[2])
        ax3.set(
            xlim=(-0.6, 1.6),
            ylim=(0, 1),
            ylabel="expected accuracy",
            xticks=[0, 1],
            xticklabels=["vanilla", "early\nrejection"],
        )

    def draw(fig: Figure, r: Any, params: dict[str, Any]) -> None:
        fig["density"].set_data(np.asarray(r["density"]))
        fig.axes[0].set(title=f"Spearman ρ = {float(r['spearman']):.2f} at τ = {float(params['tau']):.0f}")
        fig["risk"].set_data(np.asarray(taus), np.maximum(np.asarray(r["margin_risk"]), 1e-6))
        fig["now"].set_data([float(params["tau"])], [max(float(r["dropped"]), 1e-6)])
        acc = np.asarray(r["acc"])
        fig["vanilla"].set_data([0], [acc[0]])
        fig["er"].set_data([1], [acc[1]])
        ratio = float(r["tokens"][0] / r["tokens"][1])
        fig.axes[2].set(title=f"{ratio:.2f}× fewer tokens")

    return Panel(
        name,
        compute,
        {
            "tau": FloatSlider(1.0, 256.0, 64.0, log=True, description="partial length τ"),
            "noise_std": FloatSlider(0.5, 8.0, 3.0, log=True, description="token noise σ"),
            "late_fraction": FloatSlider(0.0, 1.0, 0.0, description="late-reveal fraction"),
            "num_beams": IntSlider(8, 16, 16, buckets=(8, 16), description="candidates N"),
        },
        setup,
        draw,
        random=True,
        title="31 · Early rejection: score after τ tokens, complete only the survivors",
        caption="as τ grows the partial/full cloud tightens onto the diagonal, the simulated drop risk (dot) "
        "falls along the exact curve, and early rejection's accuracy meets vanilla's while its token saving shrinks.",
    )


def _tree_layout(tree: Any, num_steps: int) -> tuple[Any, Any]:
    """(x, y) of every created node: y = depth, x = its rank among the nodes of that depth, scaled to [0, 1]."""
    created = (tree.parent >= 0) | (jnp.arange(tree.parent.shape[0]) == 0)
    onehot = jax.nn.one_hot(tree.depth, num_steps + 1) * created[:, None]
    rank = (jnp.cumsum(onehot, axis=0) - 1.0) * onehot
    count = jnp.maximum(onehot.sum(0), 1.0)
    x = ((rank + 0.5) / count * onehot).sum(-1)
    return jnp.where(created, x, -1.0), tree.depth.astype(float)


#: Visit-count classes of the AlphaMath tree (fractions of √(visits / max visits)) and their marker sizes (px):
#: a scatter artist has one size, so each class is its own artist.
_VISIT_CLASSES = (0.25, 0.5, 0.75, 1.0)
_VISIT_SIZES = (4.0, 7.0, 10.0, 13.0)


def make_alphamath_panel(value_params: Any, name: str = "27.alphamath") -> Panel:
    """PUCT search on one problem: the tree (visits, on/off track) and the step values Q it assigns.

    Args:
        value_params: the value model trained in the notebook (a :class:`~priorscope.scaling.prm.PRMParams`).
    """
    num_steps, num_candidates = 6, 5
    env = _env.reasoning_env(num_steps, skill=1.0, self_correct=0.05, lucky=0.0)
    num_simulations_max = 40
    sig = {"policy_signal": 0.5, "value_signal": 1.0}
    bins = np.linspace(-1, 1, 21)

    def compute(key, c_puct, value_weight, difficulty, num_simulations):
        tree = _tree.mcts(
            key,
            env,
            difficulty,
            value_params,
            num_simulations=num_simulations_max,
            num_candidates=num_candidates,
            c_puct=c_puct,
            value_weight=value_weight,
            simulations_used=num_simulations,
            **sig,
        )
        x, y = _tree_layout(tree, num_steps)
        q = tree.value_sum / jnp.maximum(tree.visits, 1.0)
        return {"x": x, "y": y, "visits": tree.visits, "on": tree.on_track, "q": q}

    def setup(fig: Figure) -> None:
        ax1, ax2 = fig.grid(1, 2, width_ratios=(1.6, 1), row_height=300)
        # The tree grows left to right: x = step (depth), y = the node's place among the nodes of that depth.
        for track, color in (("on", COLORS[0]), ("off", COLORS[1])):
            for c, size in enumerate(_VISIT_SIZES):
                label = f"{track} track" if c == len(_VISIT_SIZES) - 1 else None
                ax1.scatter(f"{track}{c}", color=color, size=size, alpha=0.85, label=label)
        ax1.set(
            xlim=(-0.4, num_steps + 0.4), ylim=(-0.02, 1.3), xlabel="step", ylabel="nodes at this step", legend=None
        )
        ax2.stairs("q_on", np.zeros(20), bins, color=COLORS[0], fill=False, width=1.5, label="on track")
        ax2.stairs("q_off", np.zeros(20), bins, color=COLORS[1], fill=False, width=1.5, label="off track")
        ax2.set(
            xlim=(-1, 1),
            xlabel="MCTS step value Q",
            ylabel="nodes",
            title="Q from final-answer rewards",
            legend="upper left",
        )

    def draw(fig: Figure, r: Any, params: dict[str, Any]) -> None:
        x, y, visits, on, q = (np.asarray(r[k]) for k in ("x", "y", "visits", "on", "q"))
        on = on.astype(bool)
        shown = x >= 0
        scale = np.sqrt(visits / max(float(visits.max()), 1.0))
        cls = np.searchsorted(np.asarray(_VISIT_CLASSES), scale, side="left")
        for track, mask in (("on", on), ("off", ~on)):
            for c in range(len(_VISIT_SIZES)):
                pick = shown & mask & (cls == c)
                fig[f"{track}{c}"].set_data(y[pick], x[pick])
        fig.axes[0].set(
            title=f"PUCT tree: {int(visits[0])} simulations (size ∝ √visits)",
            legend="upper right" if on.any() else None,
        )
        seen = visits > 0
        seen[0] = False
        h_on, _ = np.histogram(q[seen & on], bins)
        h_off, _ = np.histogram(q[seen & ~on], bins)
        fig["q_on"].set_data(h_on, bins)
        fig["q_off"].set_data(h_off, bins)
        fig.axes[1].set(ylim=(0, max(1, h_on.max(), h_off.max()) * 1.25))

    return Panel(
        name,
        compute,
        {
            "c_puct": FloatSlider(0.1, 5.0, 1.5, log=True, description="c_puct"),
            "value_weight": FloatSlider(0.0, 1.0, 0.5, description="value weight λ"),
            "difficulty": FloatSlider(-2.0, 3.0, 0.5, description="difficulty δ"),
            "num_simulations": IntSlider(1, 40, 40, description="simulations (traced)"),
        },
        setup,
        draw,
        random=True,
        title="27 · AlphaMath: PUCT step values from final-answer rewards only",
        caption="the search spends its visits (big dots) on on-track steps, and their values Q sit to the right of "
        "the off-track ones — with no step labels, only final answers.",
    )
