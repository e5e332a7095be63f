"""Panel for the stochastic-interpolants notebook (18).

:func:`make_interpolant_panel` returns a :class:`~priorscope.viz.Panel` whose compute function calls
:mod:`priorscope.diffusion.interpolants`; ``setup`` declares the artists of a :class:`~priorscope.viz.figure.Figure`
and ``draw`` updates their data.
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from priorscope.viz.controls import Choice, FloatSlider
from priorscope.viz.figure import Figure
from priorscope.viz.panel import Panel
from priorscope.viz.style import COLORS

__all__ = [
    "make_interpolant_panel",
]


def make_interpolant_panel(*, num_samples: int = 1000, num_steps: int = 100, seed: int = 0) -> Panel:
    """ODE vs SDE for a Gaussian → bimodal interpolant, with a perturbed velocity :math:`b + \\delta\\sin 3x`.

    Knobs: noise ε of the SDE, drift error δ, γ amplitude, path and γ family. Endpoint histograms of the
    ODE and of the SDE at the chosen ε against :math:`\\rho_1`; the title gives both W1 distances.
    """
    from priorscope.diffusion import gmm
    from priorscope.diffusion import interpolants as si

    rho0 = gmm.GaussianMixture.create(jnp.ones(1), jnp.zeros((1, 1)), 1.0)
    rho1 = gmm.GaussianMixture.create(jnp.array([0.5, 0.5]), jnp.array([[-2.0], [2.0]]), 0.2)
    edges_np = np.linspace(-4.0, 4.0, 81)
    edges = jnp.asarray(edges_np)
    grid = np.linspace(-4.0, 4.0, 400)
    target = np.exp(np.asarray(jax.vmap(lambda x: gmm.log_prob(rho1, x))(jnp.asarray(grid)[:, None])))

    def compute(key, epsilon, drift_error, amplitude, path, gamma):
        interp = si.Interpolant(amplitude, path, gamma)
        eps = jnp.stack([jnp.zeros_like(epsilon), epsilon])
        return si.epsilon_experiment(
            key, interp, rho0, rho1, eps, num_samples, num_steps, drift_error=drift_error, edges=edges
        )

    def setup(fig: Figure) -> None:
        (ax,) = fig.grid(1, 1, row_height=300)
        ax.line("target", grid, target, color="#000000", width=1.2, label="target ρ₁")
        ax.stairs("ode", np.zeros(80), edges_np, color=COLORS[1], fill=False, width=1.5, label="ODE (ε = 0)")
        ax.stairs("sde", np.zeros(80), edges_np, color=COLORS[0], fill=False, width=1.5, label="SDE")
        ax.set(xlabel="x", ylabel="density", xlim=(-4, 4), ylim=(0, 1.6 * target.max()), legend="upper left")

    def draw(fig: Figure, res: Any, params: dict[str, Any]) -> None:
        dens = np.asarray(res["density"])
        w1 = np.asarray(res["w1"])
        fig["ode"].set_data(dens[0], edges_np)
        fig["sde"].set_data(dens[1], edges_np)
        fig.axes[0].set(title=f"W1 to target: ODE {w1[0]:.3f}, SDE (ε = {params['epsilon']:.2f}) {w1[1]:.3f}")

    controls = {
        "epsilon": FloatSlider(0.0, 2.0, 1.0, description="SDE noise ε"),
        "drift_error": FloatSlider(0.0, 1.0, 0.5, description="drift error δ"),
        "amplitude": FloatSlider(0.0, 3.0, 1.0, description="γ amplitude a"),
        "path": Choice(("linear", "trig"), "linear", description="α, β"),
        "gamma": Choice(("brownian", "sin2", "zero"), "brownian", description="γ"),
    }
    return Panel(
        "18.interpolant", compute, controls, setup, draw, seed=seed, random=True,
        title="18 · ODE vs SDE with a wrong drift",
        caption="with δ = 0 both histograms land on the target; with a drift error the ODE's stays displaced while "
        "the SDE's noise pulls it back toward ρ₁ (smaller W1 at large ε).",
    )  # fmt: skip
