"""Panels of track G's notebooks 35 (the consciousness prior) and 36 (PV-RNN)."""

from __future__ import annotations

from typing import Any

import jax.numpy as jnp
import numpy as np

from priorscope import config
from priorscope.minds import consciousness as _cp
from priorscope.viz.controls import Choice, FloatSlider, IntSlider
from priorscope.viz.figure import Figure
from priorscope.viz.panel import Panel
from priorscope.viz.style import COLORS

__all__ = ["make_bottleneck_panel"]


def make_bottleneck_panel(name: str = "35.bottleneck", num_vars: int = 12, max_degree: int = 3) -> Panel:
    """Exact k-element attention in a sparse Gaussian world, disentangled vs entangled (rotation angle θ).

    Everything is closed form: for the chosen graph density and rotation, the panel shows the partial
    correlations of the representation, the best k-element attention set of every target (by enumeration) and
    the bottleneck cost (best k-set NLL minus the full-conditional NLL) against k.
    """
    densities = ("0.4", "0.7", "1.0")
    max_k = 4
    ks = np.arange(1, max_k + 1)
    worlds = {
        d: jnp.linalg.inv(_cp.sparse_precision(config.key(0), num_vars, max_degree, density=float(d)))
        for d in densities
    }
    base_cost = {d: np.asarray(_cp.bottleneck_costs(c, max_k)[0].mean(axis=1)) for d, c in worlds.items()}
    gen_key = config.key(1)
    n = num_vars

    def compute(key, angle, k, density):  # noqa: ARG001 - closed form, the key is unused
        rot = _cp.entangling_rotation(gen_key, n, angle)
        cov = rot @ worlds[density] @ rot.T
        lam = jnp.linalg.inv(cov)
        d = jnp.sqrt(jnp.diag(lam))
        pcorr = jnp.abs(lam / d[:, None] / d[None, :]) * (1 - jnp.eye(n))
        costs, masks = _cp.bottleneck_costs(cov, max_k)
        return dict(pcorr=pcorr, masks=masks[k - 1].astype(jnp.float32), cost=costs.mean(axis=1))

    def setup(fig: Figure) -> None:
        a1, a2, a3 = fig.grid(1, 3, row_height=280)
        ext = (-0.5, n - 0.5, -0.5, n - 0.5)
        a1.image("pcorr", extent=ext, cmap="magma", vmin=0.0, vmax=0.6)
        a1.set(xlabel="element i", ylabel="target j", title="|partial correlation|")
        a2.image("masks", extent=ext, cmap="Greys", vmin=0.0, vmax=1.0)
        a2.set(xlabel="attended element i", ylabel="target j", title="best k-element attention")
        a3.line("cost0", ks, np.zeros(len(ks)), color=COLORS[0], marker=True, label="true factors (θ = 0)")
        a3.line("cost", ks, np.zeros(len(ks)), color=COLORS[1], marker=True, dash="--", label="this basis")
        a3.vline("k", [3.0], dash=":")
        a3.set(
            xlabel="bottleneck size k",
            ylabel="cost (nats / target)",
            ylim=(0, None),
            legend="upper right",
            title="bottleneck cost",
        )

    def draw(fig: Figure, r: Any, params: dict[str, Any]) -> None:
        fig["pcorr"].set_data(np.asarray(r["pcorr"]))
        fig["masks"].set_data(np.asarray(r["masks"]))
        fig["cost0"].set_data(ks, base_cost[params["density"]])
        fig["cost"].set_data(ks, np.asarray(r["cost"]))
        fig["k"].set_data([float(params["k"])])
        fig.axes[2].set(title=f"bottleneck cost, θ = {float(params['angle']):.2f}")

    return Panel(
        name,
        compute,
        {
            "angle": FloatSlider(0.0, 1.6, 0.0, description="entangling angle θ"),
            "k": IntSlider(1, max_k, 3, description="bottleneck k"),
            "density": Choice(densities, "1.0", description="graph density"),
        },
        setup,
        draw,
        title="35 · A k-element bottleneck in a sparse world",
        caption="at θ = 0 the partial correlations are sparse and k = max degree costs nothing; rotate the basis "
        "and the graph turns dense, so every k pays a cost.",
    )
