"""Panels of track B part 1: scale mixtures of NNGPs (07)."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from priorscope import gp
from priorscope.viz.controls import FloatSlider, IntSlider
from priorscope.viz.figure import Figure
from priorscope.viz.panel import Panel
from priorscope.viz.style import COLORS

__all__ = ["scale_mixture_panel", "toy_sine_data"]


def toy_sine_data(key: jax.Array, num_points: int, noise_std: float = 0.1) -> tuple[jax.Array, jax.Array]:
    """The toy of notebook 07: x ~ U[−1, 1], y = sin 3x + N(0, noise_std²); arrays of shape ``(num_points,)``."""
    k1, k2 = jax.random.split(key)
    x = jax.random.uniform(k1, (num_points,), minval=-1.0, maxval=1.0)
    return x, jnp.sin(3 * x) + noise_std * jax.random.normal(k2, (num_points,))


_GRID = np.linspace(-1.5, 3.0, 181)
_DENS = np.linspace(-8.0, 8.0, 161)


def _compute(key: Any, a: Any, b: Any, noise: Any, depth: int, *, x: Any, y: Any) -> dict[str, Any]:
    del key
    kernel = gp.ArcCosine(jnp.asarray(2.0), jnp.asarray(0.1), depth=depth)
    grid = jnp.asarray(_GRID)
    mean, var = gp.posterior(kernel, x, y, noise, grid, full_cov=False)
    sd = jnp.sqrt(var + noise)
    pred = gp.student_t_predictive(kernel, x, y, noise, grid, a, b)
    t_sd = pred.scale * jnp.sqrt(pred.df / jnp.maximum(pred.df - 2.0, 1e-6))
    kxx = kernel(jnp.asarray([[1.0]]))[0, 0]
    dens = jnp.asarray(_DENS)
    log_t = gp.student_t_logpdf(dens, 2.0 * a, 0.0, jnp.sqrt(b / a * kxx))
    log_g = jax.scipy.stats.norm.logpdf(dens, 0.0, jnp.sqrt(kxx))
    return {
        "grid": grid,
        "gp_lo": mean - 2 * sd,
        "gp_hi": mean + 2 * sd,
        "t_mean": pred.mean,
        "t_lo": pred.mean - 2 * t_sd,
        "t_hi": pred.mean + 2 * t_sd,
        "dens": dens,
        "pdf_t": jnp.exp(log_t),
        "pdf_g": jnp.exp(log_g),
        "ratio": t_sd[-1] / sd[-1],
    }


def scale_mixture_panel(name: str = "07.scale_mixture", num_points: int = 30) -> Panel:
    """Student-t process vs NNGP: predictive bands on the sine toy, and the prior marginal's tails at x = 1."""
    x, y = toy_sine_data(jax.random.key(7), num_points)
    x, y = np.asarray(x), np.asarray(y)

    def compute(key: Any, a: Any, b: Any, noise: Any, depth: int) -> dict[str, Any]:
        return _compute(key, a, b, noise, depth, x=x, y=y)

    def setup(fig: Figure) -> None:
        ax1, ax2 = fig.grid(2, 1, row_height=260)
        ax1.band("gp_band", color=COLORS[0], alpha=0.25, label="NNGP ±2 sd")
        ax1.band("t_band", color=COLORS[1], alpha=0.25, label="t-process ±2 sd")
        ax1.line("t_mean", color=COLORS[1], label="predictive mean")
        ax1.scatter("data", x, y, color="#000000", size=5.0, label="data")
        ax1.vline("edge", [1.0], color="#808080", dash=":")
        ax1.set(xlabel="input x", ylabel="output y", xlim=(-1.5, 3.0), ylim=(-4.0, 4.0), legend="lower left")
        ax2.line("pdf_g", color=COLORS[0], label="Gaussian N(0, K_xx)")
        ax2.line("pdf_t", color=COLORS[1], label="Student-t t_2a(0, (b/a) K_xx)")
        ax2.set(
            xlabel="prior f(1)", ylabel="density (log scale)", yscale="log", ylim=(1e-8, 1.0), legend="lower center"
        )

    def draw(fig: Figure, r: dict[str, Any], params: dict[str, Any]) -> None:
        grid = np.asarray(r["grid"])
        fig["gp_band"].set_data(grid, np.asarray(r["gp_lo"]), np.asarray(r["gp_hi"]))
        fig["t_band"].set_data(grid, np.asarray(r["t_lo"]), np.asarray(r["t_hi"]))
        fig["t_mean"].set_data(grid, np.asarray(r["t_mean"]))
        dens = np.asarray(r["dens"])
        fig["pdf_g"].set_data(dens, np.maximum(np.asarray(r["pdf_g"]), 1e-12))
        fig["pdf_t"].set_data(dens, np.maximum(np.asarray(r["pdf_t"]), 1e-12))
        fig.axes[0].set(title=f"a={params['a']:.3g}, b={params['b']:.3g}: t/NNGP sd at x=3 is {float(r['ratio']):.2f}")
        fig.axes[1].set(title=f"prior tails at x = 1 (ν = 2a = {2 * params['a']:.3g})")

    return Panel(
        name,
        compute,
        {
            "a": FloatSlider(0.3, 1e4, 1.5, log=True, description="IG shape a"),
            "b": FloatSlider(0.1, 1e4, 1.5, log=True, description="IG scale b"),
            "noise": FloatSlider(1e-3, 0.1, 0.01, log=True, description="noise ε"),
            "depth": IntSlider(1, 3, 2, buckets=(1, 2, 3), description="hidden layers"),
        },
        setup,
        draw,
        title="07 · Student-t process vs NNGP",
        caption="small a gives heavy prior tails and a predictive whose width depends on how surprising the data "
        "were; a = b → ∞ collapses onto the NNGP.",
    )
