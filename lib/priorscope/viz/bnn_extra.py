"""Panels of track B, part 2: martingale posteriors (10), the universality lens (11), NIW few-shot (12) and
sequential Bayes for continual learning (13)."""

from __future__ import annotations

from typing import Any

import jax.numpy as jnp
import numpy as np

from priorscope.bnn.continual import forgetting_curve
from priorscope.viz.controls import FloatSlider, IntSlider
from priorscope.viz.figure import Figure
from priorscope.viz.panel import Panel
from priorscope.viz.style import COLORS

__all__ = ["forgetting_panel"]

_TASKS = 4


def _forgetting_compute(key: Any, degree: int, imbalance: Any, noise_std: Any, after_task: Any) -> dict[str, Any]:
    fc = forgetting_curve(key, degree, _TASKS, 20, imbalance, noise_std, 3.0)
    t = jnp.clip(after_task - 1, 0, _TASKS - 1)
    return {
        "x_grid": fc.x_grid,
        "truth": fc.truth,
        "mean": fc.mean[t],
        "lo": fc.mean[t] - 2 * fc.sd[t],
        "hi": fc.mean[t] + 2 * fc.sd[t],
        "x": fc.x,
        "y": fc.y,
        "mse_now": fc.mse[t],
        "mse_first": jnp.diagonal(fc.mse),
    }


def forgetting_panel(name: str = "13.forgetting") -> Panel:
    """Exact sequential Bayesian regression with a polynomial model on four tasks along sin(x): fit and forgetting."""

    def setup(fig: Figure) -> None:
        top, bottom = fig.grid(2, 1, row_height=230)
        top.band("band", color=COLORS[1], alpha=0.2, label="posterior predictive ±2 sd")
        top.line("truth", color="#000000", dash="--", label="truth sin(x)")
        for s in range(_TASKS):
            top.scatter(f"task{s}", color=COLORS[s % len(COLORS)], size=4.0, label=f"task {s + 1}")
        top.line("mean", color=COLORS[1], width=2.0, label="posterior mean")
        top.set(xlabel="x", ylabel="y", xlim=(0, 2 * np.pi), ylim=(-2.5, 2.5), legend="lower left", legend_ncol=3)
        bottom.bars("first", color=COLORS[0], width=0.35, label="just after learning the task")
        bottom.bars("now", color=COLORS[3], width=0.35, label="after the selected task")
        bottom.set(
            xlabel="task",
            ylabel="MSE vs truth",
            yscale="log",
            ylim=(1e-5, 3.0),
            xlim=(0.4, 4.6),
            legend="upper left",
            xticks=list(range(1, _TASKS + 1)),
        )

    def draw(fig: Figure, r: Any, params: dict[str, Any]) -> None:
        fig["band"].set_data(r["x_grid"], r["lo"], r["hi"])
        fig["truth"].set_data(r["x_grid"], r["truth"])
        fig["mean"].set_data(r["x_grid"], r["mean"])
        shown = int(params["after_task"])
        for s in range(_TASKS):
            xs, ys = (r["x"][s], r["y"][s]) if s < shown else (np.zeros(0), np.zeros(0))
            fig[f"task{s}"].set_data(xs, ys)
        idx = np.arange(1, _TASKS + 1)
        fig["first"].set_data(idx - 0.18, np.maximum(r["mse_first"], 1e-5))
        now = np.where(idx <= shown, np.maximum(r["mse_now"], 1e-5), 1e-5)
        fig["now"].set_data(idx + 0.18, now)
        fig.axes[0].set(title=f"degree {params['degree']}, after task {shown}: exact posterior")
        fig.axes[1].set(title=f"task-1 error grew {float(r['mse_now'][0] / max(r['mse_first'][0], 1e-12)):.1f}×")

    return Panel(
        name,
        _forgetting_compute,
        {
            "degree": IntSlider(1, 7, 1, buckets=(1, 2, 3, 5, 7), description="polynomial degree"),
            "imbalance": FloatSlider(1.0, 20.0, 1.0, log=True, description="later tasks' weight r"),
            "noise_std": FloatSlider(0.05, 0.5, 0.1, description="noise σ"),
            "after_task": IntSlider(1, _TASKS, _TASKS, description="after task"),
        },
        setup,
        draw,
        random=True,
        title="13 · Forgetting with exact inference",
        caption="with degree 1 the exact posterior tilts towards later tasks and task 1's error grows; "
        "with degree 5–7 the model can fit everything and nothing is forgotten",
    )
