"""Panels of the language-model notebooks of track G (33 prior influence)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from priorscope.minds import prior_influence as pi
from priorscope.viz.controls import Choice, FloatSlider, IntSlider, Toggle
from priorscope.viz.figure import Figure
from priorscope.viz.panel import Panel
from priorscope.viz.style import COLORS

__all__ = ["make_prior_influence_panel"]

_PER_ANSWER = 16


def make_prior_influence_panel(models: Sequence[pi.PriorLM], name: str = "33.prior_influence") -> Panel:
    """Accuracy per answer against its log-prior, and the answer distribution for one true count.

    Knobs: which trained model (seed), the control token, a decoding-time prior correction
    :math:`\\ell(y) - c \\log p_{\\text{prior}}(y)`, and the true count whose answer distribution is drawn.

    Args:
        models: trained :class:`~priorscope.minds.prior_influence.PriorLM` of the same sizes and prior
            (e.g. ``load_prior_lms()[0]``).
    """
    models = list(models)
    if not models or not all(isinstance(m, pi.PriorLM) for m in models):
        raise TypeError("models must be a non-empty sequence of PriorLM (e.g. load_prior_lms()[0])")
    n = models[0].num_items
    stacked = jax.tree_util.tree_map(lambda *a: jnp.stack(a), *[m.params for m in models])
    prior = models[0].prior
    log_prior = np.log(np.asarray(prior))
    order = np.argsort(log_prior)
    options = tuple(f"seed {i}" for i in range(len(models)))

    def compute(key: Any, model: Any, control: bool, correction: Any, true_count: Any) -> Any:
        params = jax.tree_util.tree_map(lambda a: a[model], stacked)
        model_at = pi.PriorLM(params, prior, n, models[0].losses)  # the public entry point checks the traced correction
        prompt = "CTRL" if control else "BOS"
        acc, probs = pi.count_accuracy(key, model_at, _PER_ANSWER, prompt=prompt, correction=correction)
        return {"acc": acc, "dist": probs[true_count]}

    def setup(fig: Figure) -> None:
        top, bottom = fig.grid(2, 1, row_height=230)
        top.scatter("acc", color=COLORS[1], size=8.0, alpha=0.9, label="accuracy of one answer")
        top.scatter("pick", color="#000000", size=12.0, alpha=1.0, label="the chosen true count")
        top.set(xlabel="log prior of the answer, log p(y)", ylabel="accuracy", ylim=(-0.05, 1.05), legend="lower right")
        bottom.bars("dist", np.arange(n + 1), np.zeros(n + 1), color=COLORS[0], label="model's answer distribution")
        bottom.line(
            "prior",
            np.arange(n + 1),
            np.asarray(prior),
            color=COLORS[2],
            dash="--",
            marker=True,
            label="answer prior p(y)",
        )
        bottom.vline("truth", 0.0, dash=":")
        bottom.set(
            xlabel="answer y (a count)",
            ylabel="probability",
            ylim=(0, 1.05),
            xlim=(-0.6, n + 0.6),
            legend="upper right",
        )

    def draw(fig: Figure, r: Any, params: dict[str, Any]) -> None:
        acc = np.asarray(r["acc"])
        c = int(params["true_count"])
        fig["acc"].set_data(log_prior[order], acc[order])
        fig["pick"].set_data(log_prior[c : c + 1], acc[c : c + 1])
        fig["dist"].set_data(np.arange(n + 1), np.asarray(r["dist"]))
        fig["truth"].set_data([c])
        low = acc[order[: (n + 1) // 2]].mean()
        high = acc[order[(n + 1) // 2 :]].mean()
        fig.axes[0].set(title=f"mean accuracy: low-prior half {low:.2f}, high-prior half {high:.2f}")
        fig.axes[1].set(title=f"true count {c}: mass on it {float(np.asarray(r['dist'])[c]):.2f}")

    return Panel(
        name,
        compute,
        {
            "model": Choice(options, options[0], traced=True, description="model"),
            "control": Toggle(False, description="control token"),
            "correction": FloatSlider(0.0, 1.5, 0.0, description="prior correction c"),
            "true_count": IntSlider(0, n, int(order[0]), description="true count"),
        },
        setup,
        draw,
        random=True,
        title="33 · Errors that follow the prior",
        caption="without the control token the misses sit at low log-prior (left); the control token or a "
        "correction c near 1 lifts them; the bars show where a miss goes (usually to a higher-prior neighbour).",
    )
