"""Panel of notebook 34 (visual priors from text): the precomputed mixture grid, explored one mixture at a time."""

from __future__ import annotations

from typing import Any

import jax.numpy as jnp
import numpy as np

from priorscope.minds import visual_priors as vp
from priorscope.viz.controls import Choice
from priorscope.viz.figure import Figure
from priorscope.viz.panel import Panel
from priorscope.viz.style import COLORS

__all__ = ["make_visual_priors_panel"]


def make_visual_priors_panel(grid: vp.MixtureGrid | None = None, name: str = "34.visual_priors") -> Panel:
    """Perception and reasoning accuracy of a frozen toy LM + linear adapter, for one pre-training mixture.

    Knobs: the share of reasoning text ``r`` and of description text ``v`` (generic text fills the rest), among the
    values of the shipped grid. Plots: the two accuracies for the chosen mixture (bars = seed mean, dots = seeds)
    against chance and the never-pre-trained baseline; the pre-training loss; both accuracies along ``r`` at the
    chosen ``v``, and along ``v`` at the chosen ``r``.

    Args:
        grid: a :class:`~priorscope.minds.visual_priors.MixtureGrid` (default: the shipped one,
            ``load_mixture_grid()``), whose mixtures form a full ``r × v`` product.
    """
    if grid is None:
        grid = vp.load_mixture_grid()
    if not isinstance(grid, vp.MixtureGrid):
        raise TypeError(f"grid must be a MixtureGrid (e.g. load_mixture_grid()), got {type(grid).__name__}")
    r_vals, v_vals = np.unique(grid.mixtures[:, 0]), np.unique(grid.mixtures[:, 1])
    nr, nv, ns = len(r_vals), len(v_vals), grid.perception.shape[1]
    if len(grid.mixtures) != nr * nv:
        raise ValueError(f"grid must hold a full r x v product of mixtures, got {len(grid.mixtures)} mixtures")
    order = np.lexsort((grid.mixtures[:, 1], grid.mixtures[:, 0]))  # r major, v minor
    perc = jnp.asarray(grid.perception[order].reshape(nr, nv, ns), jnp.float32)
    reas = jnp.asarray(grid.reasoning[order].reshape(nr, nv, ns), jnp.float32)
    loss = jnp.asarray(grid.lm_loss[order].reshape(nr, nv, ns, -1), jnp.float32)
    window = int(grid.meta.get("window", 1))
    steps = window * (np.arange(loss.shape[-1]) + 0.5)
    base = (float(np.mean(grid.baseline_perception)), float(np.mean(grid.baseline_reasoning)))
    chance = (1.0 / vp.NUM_COLOURS, 0.5)
    r_opts = tuple(f"{r:.2f}" for r in r_vals)
    v_opts = tuple(f"{v:.2f}" for v in v_vals)

    def compute(key: Any, r: Any, v: Any) -> Any:
        return {
            "perc": perc[r, v],
            "reas": reas[r, v],
            "loss": loss[r, v],
            "along_r": jnp.stack([perc[:, v].mean(-1), reas[:, v].mean(-1)]),
            "along_v": jnp.stack([perc[r].mean(-1), reas[r].mean(-1)]),
        }

    def setup(fig: Figure) -> None:
        bars, curve, along_r, along_v = fig.grid(2, 2, row_height=230)
        bars.bars("mean", [0.0, 1.0], [0.0, 0.0], width=0.5, color=COLORS[0], label="seed mean")
        bars.scatter("seeds", color="#000000", size=7.0, label="one seed")
        bars.line("chance_p", [-0.35, 0.35], [chance[0]] * 2, color=COLORS[3], dash=":", label="chance")
        bars.line("chance_r", [0.65, 1.35], [chance[1]] * 2, color=COLORS[3], dash=":")
        bars.line("base_p", [-0.35, 0.35], [base[0]] * 2, color=COLORS[2], dash="--", label="random frozen LM")
        bars.line("base_r", [0.65, 1.35], [base[1]] * 2, color=COLORS[2], dash="--")
        bars.set(
            ylabel="accuracy",
            ylim=(0, 1.35),
            yticks=[0.0, 0.25, 0.5, 0.75, 1.0],
            xlim=(-0.6, 1.6),
            xticks=[0.0, 1.0],
            xticklabels=["perception", "reasoning"],
            legend="upper center",
            legend_ncol=2,
        )
        for s in range(ns):
            curve.line(f"loss{s}", color=COLORS[s % len(COLORS)], label=f"seed {s}")
        curve.set(xlabel="pre-training step", ylabel="cross-entropy (nats)", legend="upper right")
        for ax, tag, xs, what in (
            (along_r, "r", r_vals, "reasoning share r"),
            (along_v, "v", v_vals, "description share v"),
        ):
            ax.line(f"{tag}_perc", xs, np.zeros(len(xs)), color=COLORS[0], marker=True, label="perception")
            ax.line(f"{tag}_reas", xs, np.zeros(len(xs)), color=COLORS[1], marker=True, label="reasoning")
            ax.vline(f"{tag}_pick", float(xs[0]), dash=":")
            ax.set(xlabel=what, ylabel="accuracy (seed mean)", ylim=(0, 1.05), legend="lower right")

    def draw(fig: Figure, res: Any, params: dict[str, Any]) -> None:
        p, q = np.asarray(res["perc"]), np.asarray(res["reas"])
        fig["mean"].set_data([0.0, 1.0], [p.mean(), q.mean()])
        fig["seeds"].set_data(np.r_[np.zeros(ns), np.ones(ns)], np.r_[p, q])
        curves = np.asarray(res["loss"])
        for s in range(ns):
            fig[f"loss{s}"].set_data(steps, curves[s])
        ri, vi = r_opts.index(params["r"]), v_opts.index(params["v"])
        w = 1.0 - r_vals[ri] - v_vals[vi]
        fig.axes[0].set(title=f"mixture r={r_vals[ri]:.2f}, v={v_vals[vi]:.2f}, generic w={w:.2f}")
        fig.axes[1].set(title="pre-training loss of this mixture")
        for tag, xs, k, i in (("r", r_vals, "along_r", ri), ("v", v_vals, "along_v", vi)):
            a = np.asarray(res[k])
            fig[f"{tag}_perc"].set_data(xs, a[0])
            fig[f"{tag}_reas"].set_data(xs, a[1])
            fig[f"{tag}_pick"].set_data([float(xs[i])])
        fig.axes[2].set(title=f"along r, at v = {v_vals[vi]:.2f}")
        fig.axes[3].set(title=f"along v, at r = {r_vals[ri]:.2f}")

    return Panel(
        name,
        compute,
        {
            "r": Choice(r_opts, r_opts[-1], traced=True, description="reasoning share r"),
            "v": Choice(v_opts, v_opts[0], traced=True, description="description share v"),
        },
        setup,
        draw,
        title="34 · Which text builds which visual prior",
        caption="reasoning accuracy climbs with the reasoning share r (lower left); perception follows the "
        "description share v more than r (lower right); dashed lines: the adapter on a never-trained LM.",
    )
