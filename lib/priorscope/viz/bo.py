"""Panels and static plots for the Bayesian-optimisation notebooks (01, 02, 03).

The compute functions live in :mod:`priorscope.bo`; this module only wires them to
sliders and declares what the browser draws (:class:`~priorscope.viz.figure.Figure`). Categorical knobs are traced
indices into a ``lax.switch`` (the acquisition of 01, the surrogate and depth of 03) and the horizon of 02 is a
traced length, so moving them never recompiles (06's fisheries panel lives in :mod:`priorscope.viz.sdp`).
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from priorscope import bo, gp
from priorscope.viz.controls import Choice, FloatSlider, IntSlider
from priorscope.viz.figure import Figure
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
    "surrogate_kernel",
]


PANEL_ACQUISITIONS = ("ei", "kg", "mes", "ucb", "noisy_ei", "thompson")
_SURROGATES = ("gp", "nngp")
_BLACK, _GREY = "#000000", "#808080"


# ---------------------------------------------------------------------------------------------------------- 01
def _bo_frozen_after(key, problem, kernel, noise_var, acquisition, num_steps, *, num_init, max_steps, choices=None):
    """Run ``max_steps`` BO steps but keep the state after ``num_steps`` of them (``num_steps`` traced); panel output.

    ``acquisition`` is a name, or with ``choices`` a (traced) index into them (see :func:`priorscope.bo.step`).
    """
    k_init, k_loop, k_acq = jax.random.split(key, 3)
    state = bo.init(k_init, problem, num_init)
    gram = kernel(problem.X)

    def body(s, inp):
        i, k = inp
        new, _ = bo.step(
            k, s, problem, kernel, noise_var, acquisition=acquisition, beta=2.0, num_samples=16, choices=choices
        )
        return jax.tree.map(lambda a, b: jnp.where(i < num_steps, a, b), new, s), None

    state, _ = jax.lax.scan(body, state, (jnp.arange(max_steps), jax.random.split(k_loop, max_steps)))
    mean, cov = bo.grid_posterior(gram, state.counts, state.sums, noise_var)
    scores = bo.acquisition_scores(
        k_acq, acquisition, mean, cov, state.counts, noise_var, 2.0, num_samples=16, choices=choices
    )
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


def bo_step_compute(key, acquisition, noise_std, lengthscale, num_steps, *, num_points=100, num_init=3, max_steps=10):
    """Run ``num_steps`` BO steps on the Forrester problem and return what the panel draws.

    ``num_steps`` is traced: the scan always runs ``max_steps`` steps and freezes the state after ``num_steps`` of them,
    so moving the "steps taken" slider never recompiles. ``acquisition`` is a name from
    :data:`PANEL_ACQUISITIONS` or a (traced) integer index into it: the panel passes the index, so switching
    acquisitions runs the branch already compiled by ``lax.switch`` instead of compiling a new program.

    Returns:
        dict with ``x (n,)``, ``f (n,)``, ``mean (n,)``, ``std (n,)``, ``acq (n,)`` (scaled to [0, 1]),
        ``counts (n,)``, ``ybar (n,)``, ``next (int)``, ``simple_regret`` (scalar).
    """
    if isinstance(acquisition, str):
        acquisition = PANEL_ACQUISITIONS.index(acquisition) if acquisition in PANEL_ACQUISITIONS else acquisition
        if isinstance(acquisition, str):
            raise ValueError(f"acquisition must be one of {PANEL_ACQUISITIONS}, got {acquisition!r}")
    problem = bo.forrester(num_points, noise_std=noise_std)
    kernel = gp.Matern52(lengthscale=lengthscale, variance=1.0)
    return _bo_frozen_after(
        key,
        problem,
        kernel,
        noise_std**2,
        acquisition,
        num_steps,
        num_init=num_init,
        max_steps=max_steps,
        choices=PANEL_ACQUISITIONS,
    )


def surrogate_kernel(surrogate, weight_variance, depth, X, *, max_depth: int = 3) -> gp.Kernel:
    """The surrogate of notebook 03's panel: a Matérn-5/2 GP (ℓ = 0.1) or the infinite-width ReLU BNN (NNGP).

    ``surrogate`` (0 = GP, 1 = NNGP, or the names ``"gp"``/``"nngp"``) and ``depth`` (1…``max_depth``) may be
    traced: the kernel is a :class:`priorscope.gp.Switch` over the GP and the NNGP of each depth. The NNGP kernel
    (σ_w² = ``weight_variance``, σ_b² = 1.3) is rescaled to unit average prior variance on ``X``, like the output
    scale of a GP kernel.
    """
    if isinstance(surrogate, str):
        if surrogate not in _SURROGATES:
            raise ValueError(f"surrogate must be one of {_SURROGATES}, got {surrogate!r}")
        surrogate = _SURROGATES.index(surrogate)
    kernels: list[gp.Kernel] = [gp.Matern52(lengthscale=jnp.asarray(0.1), variance=jnp.asarray(1.0))]
    for d in range(1, max_depth + 1):
        base = gp.ArcCosine(weight_variance=weight_variance, bias_variance=1.3, depth=d)
        kernels.append(gp.Scaled(base, 1.0 / jnp.mean(base.diag(X))))
    index = jnp.where(jnp.asarray(surrogate) == 0, 0, jnp.clip(jnp.asarray(depth), 1, max_depth))
    return gp.Switch(index, tuple(kernels))


def surrogate_step_compute(
    key, surrogate, weight_variance, depth, num_steps, *, num_points=100, num_init=4, max_steps=12, noise_std=0.05
):
    """BO with EI on the Gramacy–Lee function using a GP (Matérn-5/2) or an infinite-width ReLU BNN (NNGP).

    ``surrogate`` and ``depth`` may be traced (see :func:`surrogate_kernel`), so neither recompiles.
    """
    problem = bo.gramacy_lee(num_points, noise_std=noise_std)
    kernel = surrogate_kernel(surrogate, weight_variance, depth, problem.X)
    return _bo_frozen_after(key, problem, kernel, noise_std**2, "ei", num_steps, num_init=num_init, max_steps=max_steps)


def _bo_step_setup(fig: Figure) -> None:
    top, bottom = fig.grid(2, 1, row_height=215)
    top.band("band", color=COLORS[0], alpha=0.2, label="±2 sd")
    top.line("truth", color=_BLACK, dash="--", width=1.0, label="true f")
    top.line("mean", color=COLORS[0], width=1.8, label="posterior mean")
    top.scatter("pts", color=COLORS[1], size=6.0, alpha=1.0, label="observations (mean)")
    top.vline("nxt1", 0.5, color=COLORS[2], dash="-", width=1.2)
    top.set(xlim=(0, 1), ylim=(-3.5, 5.5), ylabel="f(x)", legend="upper left")
    bottom.line("acq", color=COLORS[2], width=1.5)
    bottom.vline("nxt2", 0.5, color=COLORS[2], dash=":", width=1.2)
    bottom.set(xlim=(0, 1), ylim=(-0.05, 1.1), xlabel="x", ylabel="acquisition (scaled)")


def _bo_step_draw(fig: Figure, res: Any, params: dict[str, Any]) -> None:
    x, mean, std = np.asarray(res["x"]), np.asarray(res["mean"]), np.asarray(res["std"])
    fig["truth"].set_data(x, res["f"])
    fig["mean"].set_data(x, mean)
    fig["band"].set_data(x, mean - 2 * std, mean + 2 * std)
    seen = np.asarray(res["counts"]) > 0
    fig["pts"].set_data(x[seen], np.asarray(res["ybar"])[seen])
    xn = float(x[int(res["next"])])
    fig["nxt1"].set_data([xn])
    fig["nxt2"].set_data([xn])
    fig["acq"].set_data(x, res["acq"])
    if "acquisition" in params:
        label = params["acquisition"]
    else:
        label = "GP" if params["surrogate"] == "gp" else f"NNGP depth {params['depth']}"
    fig.axes[0].set(
        title=f"{label}: {int(seen.sum())} distinct points, simple regret "
        f"{float(res['simple_regret']):.3f}; next x = {xn:.3f}"
    )


def make_bo_step_panel(name: str = "01.bo_step") -> Panel:
    """Notebook 01's panel: acquisition, noise, lengthscale and a "steps taken" slider on the Forrester problem."""
    return Panel(
        name,
        bo_step_compute,
        {
            "acquisition": Choice(PANEL_ACQUISITIONS, "ei", traced=True),
            "noise_std": FloatSlider(0.01, 0.5, 0.05, log=True, description="noise sd"),
            "lengthscale": FloatSlider(0.03, 0.5, 0.12, log=True),
            "num_steps": IntSlider(0, 10, 2, description="steps taken"),
        },
        _bo_step_setup,
        _bo_step_draw,
        seed=0,
        random=True,
        title="01 · One BO step at a time (Forrester function, Matérn-5/2 GP)",
        caption="each step evaluates the argmax of the acquisition (bottom, green line); the band shrinks where "
        "points were evaluated and the simple regret falls.",
    )


def make_surrogate_panel(name: str = "03.surrogates") -> Panel:
    """Notebook 03's panel: GP vs infinite-width BNN surrogate, NNGP weight variance and depth, BO steps."""
    return Panel(
        name,
        surrogate_step_compute,
        {
            "surrogate": Choice(_SURROGATES, "nngp", traced=True),
            "weight_variance": FloatSlider(1.0, 20.0, 10.0, description="NNGP σ_w²"),
            "depth": IntSlider(1, 3, 3, description="NNGP depth"),
            "num_steps": IntSlider(0, 12, 4, description="steps taken"),
        },
        _bo_step_setup,
        _bo_step_draw,
        seed=0,
        random=True,
        title="03 · EI with a GP or an infinite-width BNN surrogate (Gramacy–Lee function)",
        caption="in 1-D the NNGP band between observations is thin while the Matérn GP's opens up, so EI with the "
        "NNGP explores less; the green line marks where EI evaluates next.",
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
def switching_compute(
    key, switch_c, noise_std, beta, horizon, *, num_points=60, lengthscale=0.1, num_init=2, max_horizon=120
):
    """GP-UCB and the rarely-switching variant on one GP-sample problem; returns their curves.

    Both runs take ``max_horizon`` evaluations (static); ``horizon`` T ≤ ``max_horizon`` may be traced and only
    selects the refit counts after T evaluations (the curves of a shorter run are the first T entries), so moving
    it never recompiles.
    """
    kernel = gp.RBF(lengthscale=lengthscale, variance=1.0)
    X = jnp.linspace(0.0, 1.0, num_points)[:, None]
    k_prob, k_run = jax.random.split(key)
    problem = bo.gp_sample_problem(k_prob, kernel, X, noise_std=noise_std)
    noise_var = noise_std**2
    last = jnp.clip(jnp.asarray(horizon) - 1, 0, max_horizon - 1)
    out = {}
    for rule in ("always", "variance"):
        state, info = bo.switching_run(
            k_run, problem, kernel, noise_var, beta, switch_c, num_init=num_init, num_steps=max_horizon, rule=rule
        )
        switches = jnp.cumsum(info.switched.astype(jnp.int32))
        out[rule] = {
            "cum_regret": jnp.cumsum(info.bo.regret),
            "unique": info.bo.num_unique,
            "switches": switches,
            "refits_at_horizon": switches[last],
        }
    return out


_RULES = (("always", COLORS[0], "GP-UCB"), ("variance", COLORS[1], "rarely switching"))


def _switching_setup(fig: Figure) -> None:
    ax1, ax2 = fig.grid(1, 2, row_height=300)
    for rule, color, label in _RULES:
        ax1.line(f"reg_{rule}", color=color, width=1.8, label=label)
        ax2.line(f"uniq_{rule}", color=color, width=1.8, label=label)
    ax1.set(xlabel="evaluations t", ylabel="cumulative regret Rₜ", ylim=(0, None), legend="upper left")
    ax2.set(
        xlabel="evaluations t", ylabel="distinct points evaluated", ylim=(0, None), legend="upper left",
        title="distinct points evaluated",
    )  # fmt: skip


def _switching_draw(fig: Figure, res: Any, params: dict[str, Any]) -> None:
    T = int(params["horizon"])
    t = np.arange(1, T + 1)
    for rule, _, _ in _RULES:
        fig[f"reg_{rule}"].set_data(t, np.asarray(res[rule]["cum_regret"])[:T])
        fig[f"uniq_{rule}"].set_data(t, np.asarray(res[rule]["unique"])[:T])
    sw_a = int(res["always"]["refits_at_horizon"])
    sw_v = int(res["variance"]["refits_at_horizon"])
    fig.axes[0].set(xlim=(0, T), title=f"posterior refits: GP-UCB {sw_a}, rarely switching {sw_v}")
    fig.axes[1].set(xlim=(0, T))


def make_switching_panel(name: str = "02.switching") -> Panel:
    """Notebook 02's panel: switching constant C, noise, β and horizon T → regret and unique points vs t."""
    return Panel(
        name,
        switching_compute,
        {
            "switch_c": FloatSlider(1.0, 8.0, 2.0, description="switching constant C"),
            "noise_std": FloatSlider(0.02, 1.0, 0.1, log=True, description="noise sd"),
            "beta": FloatSlider(0.0, 4.0, 2.0, description="β"),
            "horizon": IntSlider(40, 120, 80, description="horizon T"),
        },
        _switching_setup,
        _switching_draw,
        seed=0,
        random=True,
        title="02 · GP-UCB vs rarely-switching GP-UCB (one GP-sample problem on 60 arms)",
        caption="the two regret curves stay close while the rarely-switching rule refits far less often (title); "
        "both evaluate only a few distinct points.",
    )
