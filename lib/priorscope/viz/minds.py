"""Panels of track G's notebooks 35 (the consciousness prior) and 36 (PV-RNN)."""

from __future__ import annotations

from typing import Any

import jax.numpy as jnp
import numpy as np

from priorscope import config
from priorscope.minds import consciousness as _cp
from priorscope.minds import pvrnn as _pv
from priorscope.viz.controls import Choice, FloatSlider, IntSlider
from priorscope.viz.figure import Figure
from priorscope.viz.panel import Panel
from priorscope.viz.style import COLORS

__all__ = ["make_bottleneck_panel", "make_meta_prior_panel"]


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


def make_meta_prior_panel(name: str = "36.meta_prior", sweep: dict[str, np.ndarray] | None = None) -> Panel:
    """Explore the precomputed meta-prior sweep of PV-RNN (``tools/train_pvrnn.py``): free generations, the prior's
    standard deviation, KL and reconstruction against w, and error regression against open-loop prediction."""
    sw = _pv.load_pvrnn_sweep() if sweep is None else sweep
    ws = np.asarray(sw["meta_priors"], float)
    labels = tuple(f"{w:g}" for w in ws)
    arrays = {k: jnp.asarray(sw[k]) for k in ("ex_gen", "ex_sd", "ex_ol")}
    first = int(np.argmax(np.isfinite(sw["ex_er"][0])))  # the error-regression window: no prediction before it
    arrays["ex_er"] = jnp.asarray(sw["ex_er"][:, first:])
    t_gen = np.arange(sw["ex_gen"].shape[-1])
    t_test = np.arange(sw["ex_test"].shape[-1])
    logw = np.log10(ws)
    kl, rec = sw["kl"].mean(0), sw["rec"].mean(0)
    er, ol = sw["er_mse"].mean(0), sw["ol_mse"].mean(0)

    def compute(key, meta_prior):  # noqa: ARG001 - replays precomputed results, the key is unused
        return {k: v[meta_prior] for k, v in arrays.items()}

    def setup(fig: Figure) -> None:
        a1, a2, a3, a4 = fig.grid(2, 2, row_height=220)
        for i in range(3):
            a1.line(f"gen{i}", t_gen, np.zeros_like(t_gen), color=COLORS[i], width=1.2)
        a1.set(xlabel="step t", ylabel="x̂", ylim=(-1.6, 1.6), title="free generation (z from the prior)")
        a2.line("sd", t_gen, np.zeros_like(t_gen), color=COLORS[3], label="σ_prior of z₁, run 1")
        a2.set(
            xlabel="step t",
            ylabel="prior std",
            ylim=(0, None),
            legend="upper right",
            title="how random the model thinks the next step is",
        )
        a3.line("kl", logw, kl, color=COLORS[0], marker=True, label="KL per step")
        a3.line("rec", logw, rec * 10, color=COLORS[1], marker=True, dash="--", label="10 × squared error per step")
        a3.line("er", logw, er * 10, color=COLORS[2], marker=True, dash=":", label="10 × ER one-step test MSE")
        a3.vline("w", [float(logw[0])], dash=":")
        a3.set(
            xlabel="log₁₀ w (meta-prior)",
            ylabel="per step (log scale)",
            yscale="log",
            legend="upper right",
            title=f"sweep means over {sw['kl'].shape[0]} seeds",
        )
        a4.line("test", t_test, sw["ex_test"], color="#555555", label="observed")
        a4.line("ol", t_test, np.zeros_like(t_test), color=COLORS[1], dash="--", label="open loop")
        a4.line("erp", t_test, np.zeros_like(t_test), color=COLORS[2], label="error regression")
        a4.set(
            xlabel="step t",
            ylabel="x",
            ylim=(-1.8, 2.2),
            legend="upper right",
            legend_ncol=3,
            title="online one-step prediction",
        )

    def draw(fig: Figure, r: Any, params: dict[str, Any]) -> None:
        i = labels.index(params["meta_prior"])
        for j in range(3):
            fig[f"gen{j}"].set_data(t_gen, np.asarray(r["ex_gen"])[j])
        fig["sd"].set_data(t_gen, np.asarray(r["ex_sd"]))
        fig["w"].set_data([float(logw[i])])
        fig["erp"].set_data(t_test[first:], np.asarray(r["ex_er"]))
        fig["ol"].set_data(t_test, np.asarray(r["ex_ol"]))
        fig.axes[3].set(title=f"one-step MSE: ER {er[i]:.3f}, open loop {ol[i]:.3f}")

    return Panel(
        name,
        compute,
        {"meta_prior": Choice(labels, labels[2], description="meta-prior w", traced=True)},
        setup,
        draw,
        title="36 · PV-RNN: the meta-prior w",
        caption="raise w: the KL per step falls and the reconstruction error rises; error regression tracks the "
        "observed sequence where the open-loop prediction drifts out of phase.",
    )
