"""Panels and static plots for the Bayesian-optimisation notebooks (01, 02).

The compute functions live in :mod:`priorscope.bo`; this module only wires them to sliders and draws.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from priorscope import bo, gp
from priorscope.viz.controls import Choice, FloatSlider, IntSlider
from priorscope.viz.panel import Panel
from priorscope.viz.style import COLORS

__all__ = [
    "PANEL_ACQUISITIONS",
    "bo_step_compute",
    "make_bo_step_panel",
    "switching_compute",
    "make_switching_panel",
    "plot_posterior",
    "surrogate_step_compute",
    "make_surrogate_panel",
    "fisheries_compute",
    "make_fisheries_panel",
]

PANEL_ACQUISITIONS = ("ei", "kg", "mes", "ucb", "noisy_ei")


# ---------------------------------------------------------------------------------------------------------- 01
def _bo_frozen_after(key, problem, kernel, noise_var, acquisition, steps, *, num_init, max_steps):
    """Run ``max_steps`` BO steps but keep the state after ``steps`` of them (``steps`` traced); panel output."""
    k_init, k_loop, k_acq = jax.random.split(key, 3)
    state = bo.init(k_init, problem, num_init)

    def body(s, inp):
        i, k = inp
        new, _ = bo.step(k, s, problem, kernel, noise_var, acquisition=acquisition, beta=2.0, num_samples=16)
        return jax.tree.map(lambda a, b: jnp.where(i < steps, a, b), new, s), None

    state, _ = jax.lax.scan(body, state, (jnp.arange(max_steps), jax.random.split(k_loop, max_steps)))
    mean, cov = bo.grid_posterior(kernel(problem.X), state.counts, state.sums, noise_var)
    scores = bo.acquisition_scores(k_acq, acquisition, mean, cov, state.counts, noise_var, 2.0, num_samples=16)
    lo, hi = jnp.min(scores), jnp.max(scores)
    return {
        "x": problem.X[:, 0],
        "f": problem.f,
        "mean": mean,
        "std": jnp.sqrt(jnp.clip(jnp.diag(cov), 0.0)),
        "acq": (scores - lo) / jnp.maximum(hi - lo, 1e-30),
        "counts": state.counts,
        "ybar": state.sums / jnp.maximum(state.counts, 1.0),
        "next": jnp.argmax(scores),
        "simple_regret": jnp.max(problem.f) - state.best_f,
    }


def bo_step_compute(key, acquisition, noise, lengthscale, steps, *, num_points=100, num_init=3, max_steps=10):
    """Run ``steps`` BO steps on the Forrester problem and return what the panel draws.

    ``steps`` is traced: the scan always runs ``max_steps`` steps and freezes the state after ``steps`` of them,
    so moving the "steps taken" slider never recompiles.

    Returns:
        dict with ``x (n,)``, ``f (n,)``, ``mean (n,)``, ``std (n,)``, ``acq (n,)`` (scaled to [0, 1]),
        ``counts (n,)``, ``ybar (n,)``, ``next (int)``, ``simple_regret`` (scalar).
    """
    problem = bo.forrester(num_points, noise_std=noise)
    kernel = gp.Matern52(lengthscale=lengthscale, variance=1.0)
    return _bo_frozen_after(key, problem, kernel, noise**2, acquisition, steps, num_init=num_init, max_steps=max_steps)


def surrogate_step_compute(
    key, surrogate, weight_variance, depth, steps, *, num_points=100, num_init=4, max_steps=12, noise=0.05
):
    """BO with EI on the Gramacy–Lee function using a GP (Matérn-5/2) or an infinite-width ReLU BNN (NNGP).

    The NNGP kernel (σ_w² = ``weight_variance``, σ_b² = 1.3, ``depth`` hidden layers) is rescaled to unit average
    prior variance on the grid, like the output scale of a GP kernel.
    """
    problem = bo.gramacy_lee(num_points, noise_std=noise)
    if surrogate == "gp":
        kernel = gp.Matern52(lengthscale=0.1, variance=1.0)
    else:
        base = gp.ArcCosine(weight_variance=weight_variance, bias_variance=1.3, depth=depth)
        kernel = bo.Scaled(base, 1.0 / jnp.mean(base.diag(problem.X)))
    return _bo_frozen_after(key, problem, kernel, noise**2, "ei", steps, num_init=num_init, max_steps=max_steps)


def _band_vertices(x, lo, hi):
    return np.concatenate([np.stack([x, lo], 1), np.stack([x[::-1], hi[::-1]], 1)])


def _bo_step_setup(fig):
    ax1, ax2 = fig.subplots(2, 1, sharex=True, height_ratios=(2.2, 1))
    x = np.linspace(0, 1, 10)
    (truth,) = ax1.plot(x, x, "k--", lw=1, label="true f")
    (mean,) = ax1.plot(x, x, color=COLORS[0], label="posterior mean")
    band = ax1.fill_between(x, x, x, color=COLORS[0], alpha=0.2, label="±2 sd")
    pts = ax1.scatter([], [], color=COLORS[1], zorder=3, s=22, label="observations (mean)")
    nxt1 = ax1.axvline(0.5, color=COLORS[2], lw=1.2)
    ax1.set_ylabel("f(x)")
    ax1.set_ylim(-3.5, 3.5)
    ax1.legend(loc="lower left", ncols=2, fontsize=8)
    (acq,) = ax2.plot(x, x, color=COLORS[2])
    nxt2 = ax2.axvline(0.5, color=COLORS[2], lw=1.2, ls=":")
    ax2.set_ylim(-0.05, 1.1)
    ax2.set_xlim(0, 1)
    ax2.set_xlabel("x")
    ax2.set_ylabel("acquisition\n(scaled)")
    return {
        "ax1": ax1,
        "truth": truth,
        "mean": mean,
        "band": band,
        "pts": pts,
        "nxt1": nxt1,
        "acq": acq,
        "nxt2": nxt2,
        "ax2": ax2,
    }


def _bo_step_draw(art, res, params):
    x, mean, std = np.asarray(res["x"]), np.asarray(res["mean"]), np.asarray(res["std"])
    art["truth"].set_data(x, np.asarray(res["f"]))
    art["mean"].set_data(x, mean)
    art["band"].set_verts([_band_vertices(x, mean - 2 * std, mean + 2 * std)])
    seen = np.asarray(res["counts"]) > 0
    art["pts"].set_offsets(np.stack([x[seen], np.asarray(res["ybar"])[seen]], 1))
    xn = float(x[int(res["next"])])
    art["nxt1"].set_xdata([xn, xn])
    art["nxt2"].set_xdata([xn, xn])
    art["acq"].set_data(x, np.asarray(res["acq"]))
    label = params.get("acquisition", params.get("surrogate", ""))
    art["ax1"].set_title(
        f"{label}: {int(seen.sum())} distinct points, simple regret "
        f"{float(res['simple_regret']):.3f}; next x = {xn:.3f}"
    )


def make_bo_step_panel(name: str = "01.bo_step") -> Panel:
    """Notebook 01's panel: acquisition, noise, lengthscale and a "steps taken" slider on the Forrester problem."""
    return Panel(
        name,
        bo_step_compute,
        {
            "acquisition": Choice(PANEL_ACQUISITIONS, "ei"),
            "noise": FloatSlider(0.01, 0.5, 0.05, log=True, description="noise sd"),
            "lengthscale": FloatSlider(0.03, 0.5, 0.12, log=True),
            "steps": IntSlider(0, 10, 2, description="steps taken"),
        },
        _bo_step_setup,
        _bo_step_draw,
        seed=0,
        figsize=(9, 5),
        title="One BO step at a time (Forrester function, Matérn-5/2 GP)",
    )


def make_surrogate_panel(name: str = "03.surrogates") -> Panel:
    """Notebook 03's panel: GP vs infinite-width BNN surrogate, NNGP weight variance and depth, BO steps."""
    return Panel(
        name,
        surrogate_step_compute,
        {
            "surrogate": Choice(("gp", "nngp"), "nngp"),
            "weight_variance": FloatSlider(1.0, 20.0, 10.0, description="NNGP σ_w²"),
            "depth": IntSlider(1, 3, 3, buckets=(1, 2, 3), description="NNGP depth"),
            "steps": IntSlider(0, 12, 4, description="steps taken"),
        },
        _bo_step_setup,
        _bo_step_draw,
        seed=0,
        figsize=(9, 5),
        title="EI with a GP or an infinite-width BNN surrogate (Gramacy–Lee function)",
    )


def plot_posterior(ax, x, mean, std, *, X_obs=None, y_obs=None, truth=None, color=COLORS[0]):
    """Static plot of a 1-D GP posterior (mean ± 2 sd), optional observations and true function."""
    x, mean, std = np.asarray(x), np.asarray(mean), np.asarray(std)
    if truth is not None:
        ax.plot(x, np.asarray(truth), "k--", lw=1, label="true f")
    ax.plot(x, mean, color=color, label="posterior mean")
    ax.fill_between(x, mean - 2 * std, mean + 2 * std, color=color, alpha=0.2, label="±2 sd")
    if X_obs is not None:
        ax.scatter(np.asarray(X_obs), np.asarray(y_obs), color=COLORS[1], zorder=3, s=22, label="observations")
    ax.set_xlabel("x")
    ax.set_ylabel("f(x)")
    return ax


# ---------------------------------------------------------------------------------------------------------- 02
def switching_compute(key, switch_c, noise, beta, horizon, *, num_points=60, lengthscale=0.1, num_init=2):
    """GP-UCB and the rarely-switching variant on one GP-sample problem; returns their curves.

    ``horizon`` is static (an IntSlider with buckets).
    """
    kernel = gp.RBF(lengthscale=lengthscale, variance=1.0)
    X = jnp.linspace(0.0, 1.0, num_points)[:, None]
    k_prob, k_run = jax.random.split(key)
    problem = bo.gp_sample_problem(k_prob, kernel, X, noise_std=noise)
    noise_var = noise**2
    out = {}
    for rule in ("always", "variance"):
        state, info = bo.switching_run(
            k_run, problem, kernel, noise_var, beta, switch_c, num_init=num_init, num_steps=horizon, rule=rule
        )
        out[rule] = {
            "cum_regret": jnp.cumsum(info.bo.regret),
            "unique": info.bo.num_unique,
            "switches": jnp.cumsum(info.switched.astype(jnp.int32)),
        }
    return out


def _switching_setup(fig):
    ax1, ax2 = fig.subplots(1, 2)
    t = np.arange(1, 11)
    lines = {}
    for rule, color, label in (("always", COLORS[0], "GP-UCB"), ("variance", COLORS[1], "rarely switching")):
        (lines[rule, "reg"],) = ax1.plot(t, t, color=color, label=label)
        (lines[rule, "uniq"],) = ax2.plot(t, t, color=color, label=f"{label}: unique points")
    ax1.set_xlabel("evaluations t")
    ax1.set_ylabel("cumulative regret $R_t$")
    ax1.legend()
    ax2.set_xlabel("evaluations t")
    ax2.set_ylabel("distinct points evaluated")
    ax2.legend()
    return {"ax1": ax1, "ax2": ax2, "lines": lines}


def _switching_draw(art, res, params):
    for rule in ("always", "variance"):
        reg = np.asarray(res[rule]["cum_regret"])
        t = np.arange(1, reg.size + 1)
        art["lines"][rule, "reg"].set_data(t, reg)
        art["lines"][rule, "uniq"].set_data(t, np.asarray(res[rule]["unique"]))
    T = reg.size
    top = max(float(np.max(res["always"]["cum_regret"])), float(np.max(res["variance"]["cum_regret"])), 1e-3)
    art["ax1"].set_xlim(0, T)
    art["ax1"].set_ylim(0, 1.05 * top)
    art["ax2"].set_xlim(0, T)
    art["ax2"].set_ylim(0, 1.05 * float(np.max(res["always"]["unique"])) + 1)
    sw_a = int(np.asarray(res["always"]["switches"])[-1])
    sw_v = int(np.asarray(res["variance"]["switches"])[-1])
    art["ax1"].set_title(f"posterior refits: GP-UCB {sw_a}, rarely switching {sw_v}")


def make_switching_panel(name: str = "02.switching") -> Panel:
    """Notebook 02's panel: switching constant C, noise, β and horizon T → regret and unique points vs t."""
    return Panel(
        name,
        switching_compute,
        {
            "switch_c": FloatSlider(1.0, 8.0, 2.0, description="switching constant C"),
            "noise": FloatSlider(0.02, 1.0, 0.1, log=True, description="noise sd"),
            "beta": FloatSlider(0.0, 4.0, 2.0, description="β"),
            "horizon": IntSlider(40, 120, 80, buckets=(40, 80, 120), description="horizon T"),
        },
        _switching_setup,
        _switching_draw,
        seed=0,
        figsize=(9, 3.5),
        title="GP-UCB vs rarely-switching GP-UCB (one GP-sample problem on 60 arms)",
    )


# ---------------------------------------------------------------------------------------------------------- 06
def fisheries_compute(key, allee_c, sigma_g, discount, num_obs, *, num_points=50, num_reps=20):
    """One replicate of the fisheries experiment at the panel's knobs (``num_obs`` static)."""
    from priorscope import sdp

    params = sdp.AlleeParams(jnp.asarray(2.0), jnp.asarray(8.0), allee_c, sigma_g)
    grid = jnp.linspace(0.0, 15.0, num_points)
    rep = sdp.fisheries_replicate(
        key,
        params,
        grid,
        discount,
        num_obs=num_obs,
        x_obs0=allee_c + 0.5,
        num_reps=num_reps,
        num_param_draws=50,
        lengthscales=(2.0, 4.0, 8.0, 16.0, 32.0),
        variances=(4.0, 16.0, 64.0),
        noises=(0.02, 0.1, 0.5),
        solver="policy",
    )
    return {
        "grid": grid,
        "true_mean": sdp.allee_growth(grid, params),
        "obs": rep.observations,
        "gp_mean": rep.gp_mean,
        "gp_sd": rep.gp_sd,
        "ricker_mean": rep.ricker_mean,
        "escapement": rep.escapement,
        "ratio": jnp.mean(rep.catch / jnp.maximum(rep.catch[:1], 1e-12), axis=1),
        "crash": jnp.mean(rep.final_stock < allee_c, axis=1),
        "mean_stock": jnp.mean(rep.stock, axis=1),
    }


_FISH_LABELS = ("true model", "GP", "Bayesian Allee", "Bayesian Ricker")


def _fisheries_setup(fig):
    ax1, ax2, ax3 = fig.subplots(1, 3)
    x = np.linspace(0, 15, 10)
    art = {"ax1": ax1, "ax2": ax2, "ax3": ax3}
    (art["truth"],) = ax1.plot(x, x, "k--", lw=1, label="true f")
    (art["gp"],) = ax1.plot(x, x, color=COLORS[0], label="GP mean ± 2 sd")
    art["band"] = ax1.fill_between(x, x, x, color=COLORS[0], alpha=0.2)
    (art["ricker"],) = ax1.plot(x, x, color=COLORS[3], label="Ricker fit")
    art["obs"] = ax1.scatter([], [], s=10, color=COLORS[1], zorder=3, label="data")
    ax1.plot([0, 15], [0, 15], color="0.7", lw=0.8)
    ax1.set(xlim=(0, 15), ylim=(-1, 16), xlabel="escapement $S_t$", ylabel="$X_{t+1}$")
    ax1.legend(fontsize=7, loc="upper left")
    art["esc"] = []
    art["traj"] = []
    for m, (label, color) in enumerate(zip(_FISH_LABELS, (COLORS[7], COLORS[0], COLORS[2], COLORS[3]), strict=True)):
        (line,) = ax2.plot(x, x, color=color, label=label, lw=2 if m == 0 else 1.2)
        art["esc"].append(line)
        (tr,) = ax3.plot(np.arange(10), np.arange(10), color=color, label=label)
        art["traj"].append(tr)
    ax2.set(xlim=(0, 15), ylim=(-0.3, 15), xlabel="stock $x$", ylabel="optimal escapement")
    ax2.legend(fontsize=7)
    art["cline"] = ax3.axhline(5.0, color="0.5", ls=":", lw=1)
    ax3.set(xlabel="year", ylabel="mean stock", ylim=(0, 12))
    return art


def _fisheries_draw(art, res, params):
    grid = np.asarray(res["grid"])
    art["truth"].set_data(grid, np.asarray(res["true_mean"]))
    mean, sd = np.asarray(res["gp_mean"]), np.asarray(res["gp_sd"])
    art["gp"].set_data(grid, mean)
    art["band"].set_verts([_band_vertices(grid, mean - 2 * sd, mean + 2 * sd)])
    art["ricker"].set_data(grid, np.clip(np.asarray(res["ricker_mean"]), -1, 16))
    obs = np.asarray(res["obs"])
    art["obs"].set_offsets(np.stack([obs[:-1], obs[1:]], 1))
    esc, traj = np.asarray(res["escapement"]), np.asarray(res["mean_stock"])
    for m in range(4):
        art["esc"][m].set_data(grid, esc[m])
        art["traj"][m].set_data(np.arange(traj.shape[1]), traj[m])
    art["ax3"].set_xlim(0, traj.shape[1] - 1)
    art["cline"].set_ydata([float(params["allee_c"])] * 2)
    ratio, crash = np.asarray(res["ratio"]), np.asarray(res["crash"])
    art["ax2"].set_title(f"catch/optimal: GP {ratio[1]:.2f} · Allee {ratio[2]:.2f} · Ricker {ratio[3]:.2f}", fontsize=8)
    art["ax3"].set_title(f"ending below C: GP {crash[1]:.0%} · Ricker {crash[3]:.0%}", fontsize=8)


def make_fisheries_panel(name: str = "06.fisheries") -> Panel:
    """Notebook 06's panel: Allee threshold C, noise σ_g, discount and the length of the data record."""
    return Panel(
        name,
        fisheries_compute,
        {
            "allee_c": FloatSlider(2.0, 6.5, 5.0, description="tipping point C"),
            "sigma_g": FloatSlider(0.01, 0.2, 0.05, log=True, description="growth noise σ_g"),
            "discount": FloatSlider(0.9, 0.99, 0.99, description="discount γ"),
            "num_obs": IntSlider(15, 40, 40, buckets=(15, 40), description="years of data"),
        },
        _fisheries_setup,
        _fisheries_draw,
        seed=0,
        figsize=(10, 3.4),
        title="GP dynamic programming vs parametric models (Allee truth, r = 2, K = 8)",
    )
