"""Panels of the foundations tutorials (t00 Beta–binomial, t01 random functions, t02 NUTS vs exact)."""

from __future__ import annotations

from typing import Any

import jax.numpy as jnp

from priorscope.bayes import beta_binomial_grid, normal_mean_experiment, random_fourier_function
from priorscope.viz.controls import FloatSlider, IntSlider
from priorscope.viz.panel import Panel
from priorscope.viz.style import COLORS

__all__ = ["beta_binomial_panel", "random_function_panel", "normal_mean_panel"]


def _beta_binomial_compute(key: Any, alpha: Any, beta: Any, trials: Any, success_rate: Any) -> Any:
    successes = jnp.round(success_rate * trials)
    return beta_binomial_grid(alpha, beta, successes, trials.astype(float))


def beta_binomial_panel(name: str = "t00.beta_binomial") -> Panel:
    """Prior pseudo-counts and data → prior, likelihood and posterior of a success probability."""

    def setup(fig: Any) -> dict[str, Any]:
        ax = fig.add_subplot()
        lines = {
            "prior": ax.plot([], [], "--", color=COLORS[0], label="prior Beta(α, β)")[0],
            "lik": ax.plot([], [], ":", color=COLORS[2], label="likelihood (scaled)")[0],
            "post": ax.plot([], [], color=COLORS[1], lw=2, label="posterior (closed form)")[0],
            "grid": ax.plot([], [], ".", color="k", ms=2, markevery=40, label="posterior (grid)")[0],
        }
        ax.set(xlim=(0, 1), xlabel="success probability p", ylabel="density")
        ax.legend(loc="upper left")
        return {"ax": ax, **lines}

    def draw(a: dict[str, Any], r: Any, params: dict[str, Any]) -> None:
        peak = float(jnp.max(r.posterior_pdf))
        a["prior"].set_data(r.p, r.prior_pdf)
        a["lik"].set_data(r.p, r.likelihood * peak)
        a["post"].set_data(r.p, r.posterior_pdf)
        a["grid"].set_data(r.p, r.grid_posterior_pdf)
        a["ax"].set_ylim(0, 1.1 * max(peak, float(jnp.max(jnp.minimum(r.prior_pdf, 3 * peak)))))
        a["ax"].set_title(f"posterior mean {float(r.posterior_mean):.3f} (grid {float(r.grid_posterior_mean):.3f})")

    return Panel(
        name,
        _beta_binomial_compute,
        {
            "alpha": FloatSlider(0.5, 20.0, 2.0, log=True, description="prior α"),
            "beta": FloatSlider(0.5, 20.0, 2.0, log=True, description="prior β"),
            "trials": IntSlider(0, 200, 20, description="trials n"),
            "success_rate": FloatSlider(0.0, 1.0, 0.7, description="observed success rate"),
        },
        setup,
        draw,
        title="Beta–binomial: prior × likelihood → posterior",
    )


def random_function_panel(name: str = "t01.random_function") -> Panel:
    """A random function (traced lengthscale, bucketed feature count) and its gradient by ``jax.grad``."""

    def compute(key: Any, lengthscale: Any, num_features: int) -> Any:
        return random_fourier_function(key, jnp.linspace(-5.0, 5.0, 400), lengthscale, num_features)

    def setup(fig: Any) -> dict[str, Any]:
        ax1, ax2 = fig.subplots(1, 2, sharex=True)
        f = ax1.plot([], [], color=COLORS[0])[0]
        g_auto = ax2.plot([], [], color=COLORS[1], lw=3, alpha=0.5, label="jax.grad")[0]
        g_exact = ax2.plot([], [], "--", color="k", lw=1, label="by hand")[0]
        ax1.set(xlim=(-5, 5), xlabel="x", ylabel="f(x)", title="f ~ GP(0, RBF(ℓ)) via random features")
        ax2.set(xlabel="x", ylabel="f′(x)", title="derivative")
        ax2.legend(loc="upper right")
        return {"ax1": ax1, "ax2": ax2, "f": f, "g_auto": g_auto, "g_exact": g_exact}

    def draw(a: dict[str, Any], r: Any, params: dict[str, Any]) -> None:
        a["f"].set_data(r.x, r.f)
        a["g_auto"].set_data(r.x, r.grad_autodiff)
        a["g_exact"].set_data(r.x, r.grad_exact)
        a["ax1"].set_ylim(-3.5, 3.5)
        bound = 1.1 * float(jnp.max(jnp.abs(r.grad_exact))) + 1e-6
        a["ax2"].set_ylim(-bound, bound)

    return Panel(
        name,
        compute,
        {
            "lengthscale": FloatSlider(0.1, 5.0, 1.0, log=True, description="lengthscale ℓ (traced)"),
            "num_features": IntSlider(8, 1024, 256, buckets=(8, 32, 128, 256, 1024), description="features D (static)"),
        },
        setup,
        draw,
        title="jit + vmap + grad behind a slider",
    )


def normal_mean_panel(name: str = "t02.nuts_vs_exact", num_chains: int = 2) -> Panel:
    """NUTS draws vs the exact conjugate posterior of a normal mean, re-sampled live by a jitted NUTS."""

    def compute(key: Any, prior_scale: Any, num_data: Any, num_samples: int) -> Any:
        return normal_mean_experiment(key, prior_scale, num_data, num_samples, num_chains=num_chains)

    def setup(fig: Any) -> dict[str, Any]:
        ax1, ax2 = fig.subplots(1, 2, width_ratios=(1.4, 1))
        hist = ax1.stairs(
            jnp.zeros(40), jnp.linspace(0, 1, 41), fill=True, alpha=0.35, color=COLORS[0], label="NUTS draws"
        )
        exact = ax1.plot([], [], color=COLORS[1], lw=2, label="exact posterior")[0]
        prior = ax1.plot([], [], "--", color="grey", label="prior")[0]
        truth = ax1.axvline(1.0, color="k", lw=1, ls=":", label="true μ")
        ax1.set(xlabel="μ", ylabel="density")
        ax1.legend(loc="upper left", fontsize=8)
        trace = ax2.plot([], [], lw=0.7, color=COLORS[0])[0]
        ax2.set(xlabel="draw", ylabel="μ", title="chain 1 trace")
        return {
            "ax1": ax1,
            "ax2": ax2,
            "hist": hist,
            "exact": exact,
            "prior": prior,
            "truth": truth,
            "trace": trace,
        }

    def draw(a: dict[str, Any], r: Any, params: dict[str, Any]) -> None:
        a["hist"].set_data(r.nuts_density, r.edges)
        a["exact"].set_data(r.grid, r.exact_pdf)
        a["prior"].set_data(r.grid, r.prior_pdf)
        a["ax1"].set_xlim(float(r.grid[0]), float(r.grid[-1]))
        a["ax1"].set_ylim(0, 1.25 * max(float(jnp.max(r.exact_pdf)), float(jnp.max(r.nuts_density))))
        a["ax1"].set_title(
            f"n={params['num_data']}: NUTS {float(r.nuts_mean):.3f}±{float(r.nuts_sd):.3f}, "
            f"exact {float(r.exact_mean):.3f}±{float(r.exact_sd):.3f}",
            fontsize=9,
        )
        a["trace"].set_data(jnp.arange(r.trace.shape[0]), r.trace)
        a["ax2"].set_xlim(0, r.trace.shape[0])
        lo, hi = float(jnp.min(r.trace)), float(jnp.max(r.trace))
        a["ax2"].set_ylim(lo - 0.05 * (hi - lo + 1e-9), hi + 0.05 * (hi - lo + 1e-9))

    return Panel(
        name,
        compute,
        {
            "prior_scale": FloatSlider(0.05, 20.0, 1.0, log=True, description="prior scale τ"),
            "num_data": IntSlider(0, 200, 10, description="data size n (traced)"),
            "num_samples": IntSlider(300, 1000, 300, buckets=(300, 1000), description="draws per chain"),
        },
        setup,
        draw,
        figsize=(9.5, 3.6),
        title="NUTS (jitted, re-run live) vs the exact conjugate posterior",
    )
