"""Panels of track B part 1: scale mixtures of NNGPs (07), good functional priors (08), deep kernel machines (09)."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from priorscope import gp
from priorscope.bnn.dkm import fit_dkm, nngp_grams
from priorscope.bnn.mlp import sample_functions
from priorscope.bnn.wasserstein import gaussian_w2
from priorscope.viz.controls import FloatSlider, IntSlider
from priorscope.viz.figure import Figure
from priorscope.viz.panel import Panel
from priorscope.viz.style import COLORS

__all__ = ["make_scale_mixture_panel", "toy_sine_data", "make_functional_prior_panel", "dkm_toy_data", "make_dkm_panel"]


def toy_sine_data(key: jax.Array, num_points: int, noise_std: float = 0.1) -> tuple[jax.Array, jax.Array]:
    """The toy of notebook 07: x ~ U[−1, 1], y = sin 3x + N(0, noise_std²); arrays of shape ``(num_points,)``."""
    k1, k2 = jax.random.split(key)
    x = jax.random.uniform(k1, (num_points,), minval=-1.0, maxval=1.0)
    return x, jnp.sin(3 * x) + noise_std * jax.random.normal(k2, (num_points,))


_GRID = np.linspace(-1.5, 3.0, 181)
_DENS = np.linspace(-8.0, 8.0, 161)


def _compute(key: Any, a: Any, b: Any, noise_var: Any, depth: int, *, x: Any, y: Any) -> dict[str, Any]:
    del key
    kernel = gp.ArcCosine(jnp.asarray(2.0), jnp.asarray(0.1), depth=depth)
    grid = jnp.asarray(_GRID)
    mean, var = gp.posterior(kernel, x, y, noise_var, grid, full_cov=False)
    sd = jnp.sqrt(var + noise_var)
    pred = gp.student_t_predictive(kernel, x, y, noise_var, grid, a, b)
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


def make_scale_mixture_panel(name: str = "07.scale_mixture", num_points: int = 30) -> Panel:
    """Student-t process vs NNGP: predictive bands on the sine toy, and the prior marginal's tails at x = 1."""
    x, y = toy_sine_data(jax.random.key(7), num_points)
    x, y = np.asarray(x), np.asarray(y)

    def compute(key: Any, a: Any, b: Any, noise_var: Any, depth: int) -> dict[str, Any]:
        return _compute(key, a, b, noise_var, depth, x=x, y=y)

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
            "noise_var": FloatSlider(1e-3, 0.1, 0.01, log=True, description="noise ε"),
            "depth": IntSlider(1, 3, 2, buckets=(1, 2, 3), description="hidden layers"),
        },
        setup,
        draw,
        title="07 · Student-t process vs NNGP",
        caption="small a gives heavy prior tails and a predictive whose width depends on how surprising the data "
        "were; a = b → ∞ collapses onto the NNGP.",
    )


_FP_GRID = np.linspace(-6.0, 6.0, 101)
_FP_HELD = np.linspace(-5.85, 5.85, 30)
_FP_SIZES = (1, 32, 32, 1)


def _fp_compute(key: Any, hidden_weight_var: Any, first_bias_var: Any, lengthscale: Any) -> dict[str, Any]:
    k_show, k_cov, k_gp = jax.random.split(key, 3)
    dtype = jnp.result_type(float)
    sw = jnp.stack([jnp.asarray(1.0, dtype), hidden_weight_var, hidden_weight_var]).astype(dtype)
    sb = jnp.stack([first_bias_var, jnp.asarray(0.1, dtype), jnp.asarray(0.1, dtype)]).astype(dtype)
    grid = jnp.asarray(_FP_GRID, dtype)
    f_show = sample_functions(k_show, grid, _FP_SIZES, 8, sw, sb, "tanh")
    held = jnp.asarray(_FP_HELD, dtype)
    f_cov = sample_functions(k_cov, held, _FP_SIZES, 256, sw, sb, "tanh")
    kernel = gp.RBF(lengthscale, jnp.asarray(1.0, dtype))
    K = kernel(held)
    w2 = gaussian_w2(jnp.mean(f_cov, 0), jnp.cov(f_cov.T), jnp.zeros_like(held), K)
    Kg = kernel(grid) + 1e-6 * jnp.eye(grid.shape[0], dtype=dtype)
    g_show = jax.random.normal(k_gp, (8, grid.shape[0]), dtype) @ jnp.linalg.cholesky(Kg).T
    return {"grid": grid, "bnn": f_show, "gp": g_show, "w2": w2}


def make_functional_prior_panel(name: str = "08.functional_prior") -> Panel:
    """Prior function draws of a tanh BNN (1-32-32-1) next to a GP's, with their Bures-W2 on a held-out grid."""

    def setup(fig: Figure) -> None:
        ax1, ax2 = fig.grid(2, 1, row_height=230)
        for i in range(8):
            ax1.line(f"gp{i}", color=COLORS[0], label="GP prior draws" if i == 0 else None)
            ax2.line(f"bnn{i}", color=COLORS[1], label="BNN prior draws" if i == 0 else None)
        ax1.set(xlabel="input x", ylabel="f(x)", xlim=(-6, 6), ylim=(-4, 4), legend="upper right")
        ax2.set(xlabel="input x", ylabel="f(x)", xlim=(-6, 6), ylim=(-4, 4), legend="upper right")

    def draw(fig: Figure, r: dict[str, Any], params: dict[str, Any]) -> None:
        grid = np.asarray(r["grid"])
        for i in range(8):
            fig[f"gp{i}"].set_data(grid, np.clip(np.asarray(r["gp"][i]), -4.5, 4.5))
            fig[f"bnn{i}"].set_data(grid, np.clip(np.asarray(r["bnn"][i]), -4.5, 4.5))
        fig.axes[0].set(title=f"target: RBF GP, lengthscale {params['lengthscale']:.2f}, variance 1")
        fig.axes[1].set(title=f"BNN prior: Bures-W2 to the GP on 30 held-out inputs = {float(r['w2']):.2f}")

    return Panel(
        name,
        _fp_compute,
        {
            "hidden_weight_var": FloatSlider(0.1, 64.0, 32.0, log=True, description="hidden σ_w² (× 1/fan-in)"),
            "first_bias_var": FloatSlider(0.01, 64.0, 1.0, log=True, description="first-layer σ_b²"),
            "lengthscale": FloatSlider(0.3, 3.0, 1.0, log=True, description="GP lengthscale"),
        },
        setup,
        draw,
        random=True,
        title="08 · Reshaping a BNN prior towards a GP",
        caption="large hidden weight variances saturate tanh into step-like functions; spreading the first-layer "
        "biases and shrinking the hidden variances brings the draws, and the W2 distance, close to the GP's.",
    )


def dkm_toy_data(key: jax.Array, num_points: int, num_features: int) -> tuple[jax.Array, jax.Array]:
    """Notebook 09's toy: x ~ N(0, I_d), y = sin(3 x·w) + N(0, 0.1²) with w ~ N(0, I/d); sorted by x·w.

    Returns ``X`` of shape ``(P, d)`` and ``y`` of shape ``(P,)``.
    """
    k1, k2, k3 = jax.random.split(key, 3)
    X = jax.random.normal(k1, (num_points, num_features))
    w = jax.random.normal(k2, (num_features,)) / jnp.sqrt(num_features)
    order = jnp.argsort(X @ w)
    X = X[order]
    return X, jnp.sin(3 * X @ w) + 0.1 * jax.random.normal(k3, (num_points,))


def make_dkm_panel(name: str = "09.dkm", num_points: int = 20, num_steps: int = 150) -> Panel:
    """Layer Gram matrices of a 2-layer deep kernel machine as log10 ν moves, next to the NNGP's."""
    X, y = dkm_toy_data(jax.random.key(9), num_points, num_points + 4)
    X, y = np.asarray(X), np.asarray(y)
    extent = (0.5, num_points + 0.5, 0.5, num_points + 0.5)

    def compute(key: Any, log10_nu: Any) -> dict[str, Any]:
        del key
        fit = fit_dkm(X, y, 2, 10.0**log10_nu, 0.05, num_steps=num_steps)
        ref = nngp_grams(X, 2)
        return {
            "g1": fit.grams[0],
            "g2": fit.grams[1],
            "k2": ref[1],
            "obj": fit.objective[-1],
            "ll": fit.log_likelihood[-1],
            "ll0": fit.log_likelihood[0],
        }

    def setup(fig: Figure) -> None:
        ax1, ax2, ax3 = fig.grid(1, 3, row_height=260)
        ax1.image("k2", extent=extent, cmap="viridis")
        ax1.set(title="NNGP G₂ (ν → ∞)", xlabel="point j", ylabel="point i")
        ax2.image("g1", extent=extent, cmap="viridis")
        ax2.set(title="DKM G₁", xlabel="point j")
        ax3.image("g2", extent=extent, cmap="viridis")
        ax3.set(title="DKM G₂", xlabel="point j")

    def draw(fig: Figure, r: dict[str, Any], params: dict[str, Any]) -> None:
        fig["k2"].set_data(np.asarray(r["k2"]))
        fig["g1"].set_data(np.asarray(r["g1"]))
        fig["g2"].set_data(np.asarray(r["g2"]))
        fig.axes[2].set(
            title=f"DKM G₂, ν = {10 ** params['log10_nu']:.2g}: train log-lik {float(r['ll']):.1f} "
            f"(NNGP {float(r['ll0']):.1f})"
        )

    return Panel(
        name,
        compute,
        {"log10_nu": FloatSlider(-1.0, 4.0, 0.0, description="log₁₀ ν")},
        setup,
        draw,
        title="09 · Deep kernel machine Grams as ν moves",
        caption="large ν pins each Gram to the NNGP prior; small ν lets the top layer's Gram adapt to the "
        "targets and raises the training likelihood.",
    )
