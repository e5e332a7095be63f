"""Panels for weighted particles: importance sampling and tempered SMC (tutorial t05).

Each ``make_*_panel`` returns a :class:`~priorscope.viz.Panel` whose compute function calls
:mod:`priorscope.particles`; ``setup`` declares the artists of a :class:`~priorscope.viz.figure.Figure` and ``draw``
updates their data. Particle clouds travel as weighted histograms, never as scatters. The diffusion panels that use
particles live in :mod:`priorscope.viz.diffusion_smc` (20, 21) and :mod:`priorscope.viz.interpolants` (18).
"""

from __future__ import annotations

from typing import Any

import jax.numpy as jnp
import numpy as np

from priorscope.particles import toy
from priorscope.viz.controls import Choice, FloatSlider, IntSlider
from priorscope.viz.figure import Figure
from priorscope.viz.panel import Panel
from priorscope.viz.style import COLORS

__all__ = [
    "make_importance_panel",
    "make_tempered_smc_panel",
]


_EDGES_1D = np.linspace(-5.0, 5.0, 81)


def _log_ranks(n: int, num: int = 200) -> np.ndarray:
    """About ``num`` log-spaced ranks 1 … n (a Lorenz curve needs no more points than a plot has pixels)."""
    return np.unique(np.round(np.logspace(0, np.log10(n), num)).astype(np.int64))


# --------------------------------------------------------------------------- t05: importance sampling
def make_importance_panel(model: toy.BumpLikelihoodToy | None = None, *, seed: int = 0) -> Panel:
    """Importance sampling of the bimodal toy posterior from a Gaussian proposal :math:`\\mathcal N(m, s^2)`.

    Knobs: proposal mean and scale, number of samples. Left: weighted histogram against the exact posterior and
    the proposal; right: the sorted normalised weights (how much mass the top particles hold).
    """
    model = toy.make_bimodal_toy() if model is None else model
    edges = jnp.asarray(_EDGES_1D)
    grid = np.linspace(-5, 5, 400)
    exact = np.exp(np.asarray(model.posterior_logpdf(jnp.asarray(grid))))
    log_z_exact = float(model.log_evidence())

    def compute(key: Any, proposal_mean: Any, proposal_scale: Any, num_samples: int) -> Any:
        res = toy.importance_experiment(key, model, proposal_mean, proposal_scale, num_samples, edges)
        ranks = _log_ranks(num_samples)
        share = jnp.cumsum(res.pop("sorted_weights"))[ranks - 1]
        return {**res, "top_k": jnp.asarray(ranks, jnp.float32), "share": share}

    def setup(fig: Figure) -> None:
        ax1, ax2 = fig.grid(1, 2, row_height=290)
        ax1.line("exact", grid, exact, color="#000000", width=1.2, label="exact posterior")
        ax1.stairs("hist", np.zeros(len(_EDGES_1D) - 1), _EDGES_1D, color=COLORS[0], fill=False, width=1.5,
                   label="weighted samples")  # fmt: skip
        ax1.line("proposal", color=COLORS[1], dash="--", label="proposal")
        ax1.set(xlabel="x", ylabel="density", xlim=(-5, 5), ylim=(0, 1.6 * exact.max()), legend="upper right")
        ax2.line("lorenz", color=COLORS[2], width=1.5)
        ax2.set(xscale="log", xlabel="top-k particles", ylabel="share of total weight", ylim=(0, 1.02))

    def draw(fig: Figure, res: Any, params: dict[str, Any]) -> None:
        m, s = params["proposal_mean"], params["proposal_scale"]
        n = int(params["num_samples"])
        fig["hist"].set_data(res["density"], _EDGES_1D)
        fig["proposal"].set_data(grid, np.exp(-0.5 * ((grid - m) / s) ** 2) / (s * np.sqrt(2 * np.pi)))
        fig["lorenz"].set_data(res["top_k"], res["share"])
        fig.axes[0].set(title=f"log Ẑ = {float(res['log_z']):.3f} (exact {log_z_exact:.3f})")
        fig.axes[1].set(xlim=(1, n), title=f"ESS = {float(res['ess']):.0f} of {n}")

    controls = {
        "proposal_mean": FloatSlider(-3.0, 3.0, 0.0, description="proposal mean m"),
        "proposal_scale": FloatSlider(0.3, 6.0, 3.0, log=True, description="proposal scale s"),
        "num_samples": IntSlider(100, 10_000, 2000, buckets=(100, 500, 2000, 10_000), description="samples n"),
    }
    return Panel(
        "t05.importance", compute, controls, setup, draw, seed=seed, random=True,
        title="t05 · Importance sampling from a Gaussian proposal",
        caption="a wide proposal covering both modes keeps the ESS high and the weighted histogram on the exact "
        "posterior; a narrow or off-centre one hands most weight to a few particles (curve jumps to 1).",
    )  # fmt: skip


# --------------------------------------------------------------------------- t05: tempered SMC
def make_tempered_smc_panel(model: toy.BumpLikelihoodToy | None = None, *, seed: int = 0) -> Panel:
    """Tempered SMC on the bimodal toy: number of temperatures, particles, MCMC steps, ESS threshold, scheme."""
    model = toy.make_bimodal_toy() if model is None else model
    edges = jnp.asarray(_EDGES_1D)
    grid = np.linspace(-5, 5, 400)
    exact = np.exp(np.asarray(model.posterior_logpdf(jnp.asarray(grid))))
    log_z_exact = float(model.log_evidence())
    left_exact = float(model.posterior_weights()[0])

    def compute(key, num_temperatures, num_particles, num_mcmc_steps, ess_threshold, scheme):
        return toy.smc_experiment(
            key, model, num_temperatures, num_particles, num_mcmc_steps, ess_threshold, edges, scheme
        )

    def setup(fig: Figure) -> None:
        ax1, ax2 = fig.grid(1, 2, row_height=290)
        ax1.line("exact", grid, exact, color="#000000", width=1.2, label="exact posterior")
        ax1.stairs("hist", np.zeros(len(_EDGES_1D) - 1), _EDGES_1D, color=COLORS[0], fill=False, width=1.5,
                   label="SMC particles")  # fmt: skip
        ax1.set(xlabel="x", ylabel="density", xlim=(-5, 5), ylim=(0, 1.6 * exact.max()), legend="upper right")
        ax2.hline("threshold", 0.5, color="#808080", dash=":", label="threshold")
        ax2.line("ess", color=COLORS[2], width=1.5, label="ESS / n")
        ax2.scatter("resampled", color=COLORS[1], size=6.0, alpha=1.0, label="resampled")
        ax2.set(xlabel="tempering step k", ylabel="ESS / n", ylim=(0, 1.05), legend="lower left")

    def draw(fig: Figure, res: Any, params: dict[str, Any]) -> None:
        fig["hist"].set_data(res["density"], _EDGES_1D)
        ess = np.asarray(res["ess_fraction"])
        k = np.arange(1, ess.size + 1, dtype=float)
        resampled = np.asarray(res["resampled"], dtype=bool)
        fig["ess"].set_data(k, ess)
        fig["resampled"].set_data(k[resampled], ess[resampled])
        fig["threshold"].set_data([params["ess_threshold"]])
        fig.axes[0].set(
            title=f"log Ẑ {float(res['log_z']):.2f} (exact {log_z_exact:.2f}), "
            f"P(x<0) {float(res['left_mass']):.3f} ({left_exact:.3f})"
        )
        fig.axes[1].set(xlim=(0.5, ess.size + 0.5), title=f"{int(resampled.sum())} resampling steps")

    controls = {
        "num_temperatures": IntSlider(2, 64, 16, buckets=(2, 16, 64), description="temperatures K"),
        "num_particles": IntSlider(200, 1000, 1000, buckets=(200, 1000), description="particles n"),
        "num_mcmc_steps": IntSlider(0, 10, 4, description="MCMC steps"),
        "ess_threshold": FloatSlider(0.0, 1.0, 0.5, description="ESS threshold"),
        "scheme": Choice(("systematic", "stratified", "multinomial"), "systematic", description="resampling"),
    }
    return Panel(
        "t05.tempered_smc", compute, controls, setup, draw, seed=seed, random=True,
        title="t05 · Tempered SMC on the bimodal posterior",
        caption="with enough temperatures and MCMC steps the histogram matches the exact posterior and log Ẑ and "
        "P(x<0) their exact values; the ESS trace dips and jumps back to 1 at each resampling.",
    )  # fmt: skip
