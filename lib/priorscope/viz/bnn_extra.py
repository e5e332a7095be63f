"""Panels of track B, part 2: martingale posteriors (10), the universality lens (11), NIW few-shot (12) and
sequential Bayes for continual learning (13)."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from priorscope.bnn.continual import forgetting_curve
from priorscope.bnn.fewshot import sample_episodes, task_features
from priorscope.bnn.martingale import normal_predictive_resampling, normal_resampling_variance
from priorscope.bnn.universality import mixture_regret, simple_plus_grid_prior, weight_bound, weight_of_ball
from priorscope.viz.controls import FloatSlider, IntSlider
from priorscope.viz.figure import Figure
from priorscope.viz.panel import Panel
from priorscope.viz.style import COLORS

__all__ = [
    "make_fewshot_panel",
    "fewshot_truth",
    "make_forgetting_panel",
    "make_martingale_panel",
    "make_universality_panel",
]

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


def make_forgetting_panel(name: str = "13.forgetting") -> Panel:
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


_MP_DRAWS = 2000
_MP_PATHS = 6


def _martingale_compute(key: Any, num_obs: int, num_future: int, noise_std: Any, true_mean: Any) -> dict[str, Any]:
    k_y, k_r = jax.random.split(key)
    y = true_mean + noise_std * jax.random.normal(k_y, (num_obs,))
    path = normal_predictive_resampling(k_r, y, noise_std, num_future, _MP_DRAWS)
    theta = path[-1]
    ybar = jnp.mean(y)
    sd_post = noise_std / jnp.sqrt(num_obs)
    edges = ybar + sd_post * jnp.linspace(-4.0, 4.0, 41)
    hist, _ = jnp.histogram(theta, bins=edges, density=True)
    grid = ybar + sd_post * jnp.linspace(-4.0, 4.0, 200)
    dens = jnp.exp(-0.5 * ((grid - ybar) / sd_post) ** 2) / (jnp.sqrt(2 * jnp.pi) * sd_post)
    return {
        "steps": num_obs + jnp.arange(0, num_future + 1),
        "paths": jnp.concatenate([jnp.full((_MP_PATHS, 1), ybar), path[:, :_MP_PATHS].T], axis=1),
        "edges": edges,
        "hist": hist,
        "grid": grid,
        "dens": dens,
        "ybar": ybar,
        "var_ratio": jnp.var(theta) / sd_post**2,
        "exact_ratio": normal_resampling_variance(num_obs, num_future, noise_std) / sd_post**2,
    }


def make_martingale_panel(name: str = "10.predictive_resampling") -> Panel:
    """Predictive resampling of a normal mean: paths of the running mean and the histogram of θ_N vs N(ȳ, σ²/n)."""

    def setup(fig: Figure) -> None:
        top, bottom = fig.grid(2, 1, row_height=220)
        for j in range(_MP_PATHS):
            top.line(f"path{j}", color=COLORS[j % len(COLORS)], width=1.2)
        top.hline("ybar", 0.0, dash="--", label="observed mean ȳ")
        top.set(
            xlabel="number of points m (observed + imputed)",
            ylabel="running mean θ_m",
            xscale="log",
            legend="upper right",
        )
        bottom.stairs("hist", color=COLORS[0], fill=True, label="θ_N over 2000 resampling paths")
        bottom.line("dens", color="#000000", width=2.0, label="flat-prior posterior N(ȳ, σ²/n)")
        bottom.set(xlabel="θ", ylabel="density", legend="upper right")

    def draw(fig: Figure, r: Any, params: dict[str, Any]) -> None:
        for j in range(_MP_PATHS):
            fig[f"path{j}"].set_data(r["steps"], r["paths"][j])
        fig["ybar"].set_data([float(r["ybar"])])
        fig["hist"].set_data(r["hist"], r["edges"])
        fig["dens"].set_data(r["grid"], r["dens"])
        fig.axes[0].set(title=f"n = {params['num_obs']}, N = {params['num_future']} imputed points per path")
        fig.axes[1].set(title=f"Var θ_N / (σ²/n) = {float(r['var_ratio']):.3f} (exact {float(r['exact_ratio']):.3f})")

    return Panel(
        name,
        _martingale_compute,
        {
            "num_obs": IntSlider(2, 100, 10, buckets=(2, 5, 10, 20, 50, 100), description="observed n"),
            "num_future": IntSlider(10, 2000, 500, buckets=(10, 100, 500, 2000), description="imputed N"),
            "noise_std": FloatSlider(0.2, 3.0, 1.0, description="noise σ"),
            "true_mean": FloatSlider(-2.0, 2.0, 0.0, description="true mean"),
        },
        setup,
        draw,
        random=True,
        title="10 · Predictive resampling",
        caption="each path imputes future data from the predictive and settles; the spread of where the paths "
        "end is the flat-prior posterior once N ≫ n",
    )


_U_NS = (5, 10, 20, 50, 100, 200)
_U_EPS = (0.0, *np.logspace(-5, 0, 60).tolist())


def _universality_compute(key: Any, log10_m: int, theta_star: Any, simple_mass: Any) -> dict[str, Any]:
    del key
    thetas, log_w = simple_plus_grid_prior(10**log10_m, simple_mass)
    eps = jnp.asarray(_U_EPS)
    regret = jnp.stack([mixture_regret(n, theta_star, thetas, log_w) for n in _U_NS])
    bound = jnp.stack([weight_bound(n, theta_star, thetas, log_w, eps)[0] for n in _U_NS])
    log_ball = weight_of_ball(theta_star, thetas, log_w, eps[1:])
    return {"ns": jnp.asarray(_U_NS, float), "regret": regret, "bound": bound, "eps": eps[1:], "ball": -log_ball}


def make_universality_panel(name: str = "11.regret") -> Panel:
    """Exact mixture regret over a grid of Bernoulli hypotheses vs the weight bound, as class size and prior vary."""

    def setup(fig: Figure) -> None:
        left, right = fig.grid(1, 2, row_height=300)
        left.line("regret", color=COLORS[0], width=2.0, marker=True, label="exact regret R_n")
        left.line("bound", color=COLORS[1], dash="--", label="min_ε −log W(A_ε) + nε")
        left.hline("logm", 0.0, dash=":", label="log M (class size)")
        left.set(xlabel="sequence length n", ylabel="nats", xscale="log", ylim=(0, None), legend="upper left")
        right.line("ball", color=COLORS[2], width=2.0, label="−log W(A_ε)")
        right.set(xlabel="KL radius ε", ylabel="−log prior weight", xscale="log", legend="upper right")

    def draw(fig: Figure, r: Any, params: dict[str, Any]) -> None:
        fig["regret"].set_data(r["ns"], r["regret"])
        fig["bound"].set_data(r["ns"], r["bound"])
        fig["logm"].set_data([params["log10_m"] * np.log(10.0)])
        fig["ball"].set_data(r["eps"], r["ball"])
        fig.axes[0].set(title=f"M = 10^{params['log10_m']}, θ* = {params['theta_star']:.2f}")
        fig.axes[1].set(title="weight of the KL ball around θ*")

    return Panel(
        name,
        _universality_compute,
        {
            "log10_m": IntSlider(1, 4, 3, buckets=(1, 2, 3, 4), description="log₁₀ class size M"),
            "theta_star": FloatSlider(0.05, 0.95, 0.5, description="true θ*"),
            "simple_mass": FloatSlider(0.0, 0.9, 0.0, description="prior mass on θ = 1/2"),
        },
        setup,
        draw,
        title="11 · Regret of a Bayesian mixture",
        caption="the regret stays far below log M as the class grows; prior mass on the truth (θ* = 1/2 with a "
        "large 'simple' mass) makes it small and flat in n",
    )


#: the task family of notebook 12: true prior mean and a rank-2 (+ small ridge) covariance
FEWSHOT_MU = (1.0, -0.5, 0.8, 0.2)
FEWSHOT_U = ((1.0, 0.0), (0.5, 0.6), (-0.3, 0.4), (0.2, -0.5))


def fewshot_truth() -> tuple[jax.Array, jax.Array]:
    """The true (μ*, Σ*) of notebook 12's task family."""
    u = jnp.asarray(FEWSHOT_U)
    return jnp.asarray(FEWSHOT_MU), u @ u.T + 0.02 * jnp.eye(4)


def _band(mu: Any, cov: Any, xs: Any, ys: Any, grid: Any, noise_std: Any) -> tuple[Any, Any]:
    phi = task_features(xs)
    prec0 = jnp.linalg.inv(cov)
    v = jnp.linalg.inv(prec0 + phi.T @ phi / noise_std**2)
    mean = v @ (prec0 @ mu + phi.T @ ys / noise_std**2)
    g = task_features(grid)
    return g @ mean, jnp.sqrt(jnp.einsum("gd,de,ge->g", g, v, g) + noise_std**2)


def make_fewshot_panel(
    name: str = "12.few_shot", learned: tuple[Any, Any] | None = None, noise_std: float = 0.3
) -> Panel:
    """One episode: the K-shot Bayesian predictive under the true prior (oracle), a learned prior and N(0, s² I).

    Args:
        name: registry name.
        learned: optional ``(mu (4,), cov (4, 4))`` of a learned prior (defaults to none shown).
        noise_std: the task noise σ.
    """
    mu_star, cov_star = fewshot_truth()
    has_learned = learned is not None
    mu_l, cov_l = learned if learned is not None else (mu_star, cov_star)
    mu_l, cov_l = jnp.asarray(mu_l), jnp.asarray(cov_l)

    def compute(key: Any, shots: int, iso_scale: Any) -> dict[str, Any]:
        x, y, theta = sample_episodes(key, 1, shots, mu_star, cov_star, noise_std)
        grid = jnp.linspace(-5.0, 5.0, 150)
        o_m, o_s = _band(mu_star, cov_star, x[0], y[0], grid, noise_std)
        l_m, l_s = _band(mu_l, cov_l, x[0], y[0], grid, noise_std)
        i_m, i_s = _band(jnp.zeros(4), iso_scale**2 * jnp.eye(4), x[0], y[0], grid, noise_std)
        return {
            "grid": grid,
            "truth": task_features(grid) @ theta[0],
            "x": x[0],
            "y": y[0],
            "o": (o_m, o_s),
            "l": (l_m, l_s),
            "i": (i_m, i_s),
        }

    def setup(fig: Figure) -> None:
        (ax,) = fig.grid(1, 1, row_height=320)
        ax.band("o_band", color=COLORS[0], alpha=0.15, label="oracle prior ±2 sd")
        ax.line("o_mean", color=COLORS[0], width=2.0, label="oracle prior mean")
        if has_learned:
            ax.line("l_mean", color=COLORS[1], width=2.0, dash="--", label="learned NIW prior mean")
        ax.band("i_band", color=COLORS[3], alpha=0.12, label="N(0, s²I) prior ±2 sd")
        ax.line("i_mean", color=COLORS[3], width=1.5, dash=":", label="N(0, s²I) prior mean")
        ax.line("truth", color="#000000", width=1.0, label="this episode's function")
        ax.scatter("shots", color="#000000", size=8.0, label="K shots")
        ax.set(xlabel="x", ylabel="y", xlim=(-5, 5), ylim=(-6, 6), legend="lower right", legend_ncol=2)

    def draw(fig: Figure, r: Any, params: dict[str, Any]) -> None:
        g = r["grid"]
        fig["o_band"].set_data(g, r["o"][0] - 2 * r["o"][1], r["o"][0] + 2 * r["o"][1])
        fig["o_mean"].set_data(g, r["o"][0])
        if has_learned:
            fig["l_mean"].set_data(g, r["l"][0])
        fig["i_band"].set_data(g, r["i"][0] - 2 * r["i"][1], r["i"][0] + 2 * r["i"][1])
        fig["i_mean"].set_data(g, r["i"][0])
        fig["truth"].set_data(g, r["truth"])
        fig["shots"].set_data(r["x"], r["y"])
        fig.axes[0].set(title=f"{params['shots']}-shot predictive under three priors")

    return Panel(
        name,
        compute,
        {
            "shots": IntSlider(1, 20, 5, buckets=(1, 2, 3, 5, 10, 20), description="shots K"),
            "iso_scale": FloatSlider(0.1, 5.0, 1.0, log=True, description="isotropic prior scale s"),
        },
        setup,
        draw,
        random=True,
        title="12 · Few-shot prediction under a learned prior",
        caption="with few shots the oracle (and the learned) prior already knows the shape of the task family; "
        "the isotropic prior needs many more shots to get there",
    )
