"""Panels for weighted particles: importance sampling, tempered SMC, Feynman–Kac correctors, inverse problems.

Each ``make_*_panel`` returns a :class:`~priorscope.viz.Panel` whose compute function calls the library
(:mod:`priorscope.particles`, :mod:`priorscope.diffusion.fkc`, :mod:`priorscope.diffusion.inverse`,
:mod:`priorscope.diffusion.interpolants`); setup/draw only create and update artists in place. Particle clouds are
drawn as weighted histograms (1-D) or density images (2-D), never as scatters.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from priorscope.particles import toy
from priorscope.viz.controls import Choice, FloatSlider, IntSlider, Toggle
from priorscope.viz.panel import Panel
from priorscope.viz.style import COLORS

__all__ = [
    "make_importance_panel",
    "make_tempered_smc_panel",
    "make_annealing_panel",
    "make_inverse_panel",
    "make_interpolant_panel",
]

_EDGES_1D = np.linspace(-5.0, 5.0, 81)


def _stairs(ax, edges, color, label):
    return ax.stairs(np.zeros(len(edges) - 1), edges, color=color, label=label, fill=False, lw=1.5)


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

    def compute(key, proposal_mean, proposal_scale, num_samples):
        return toy.importance_experiment(key, model, proposal_mean, proposal_scale, num_samples, edges)

    def setup(fig):
        ax1, ax2 = fig.subplots(1, 2)
        ax1.plot(grid, exact, color="k", lw=1.2, label="exact posterior")
        hist = _stairs(ax1, _EDGES_1D, COLORS[0], "weighted samples")
        (prop,) = ax1.plot(grid, np.zeros_like(grid), color=COLORS[1], ls="--", label="proposal")
        ax1.set(xlabel="x", ylabel="density", ylim=(0, 1.6 * exact.max()))
        ax1.legend(loc="upper right")
        ax1.set_title("log Ẑ = -0.000 (exact -0.000)")
        (lorenz,) = ax2.plot([], [], color=COLORS[2])
        ax2.set(xscale="log", xlabel="top-k particles", ylabel="share of total weight", ylim=(0, 1.02))
        return {"ax1": ax1, "ax2": ax2, "hist": hist, "prop": prop, "lorenz": lorenz}

    def draw(art, res, params):
        m, s = params["proposal_mean"], params["proposal_scale"]
        art["hist"].set_data(np.asarray(res["density"]))
        art["prop"].set_ydata(np.exp(-0.5 * ((grid - m) / s) ** 2) / (s * np.sqrt(2 * np.pi)))
        w = np.asarray(res["sorted_weights"])
        k = np.arange(1, w.size + 1)
        art["lorenz"].set_data(k, np.cumsum(w))
        art["ax2"].set_xlim(1, w.size)
        art["ax1"].set_title(f"log Ẑ = {float(res['log_z']):.3f} (exact {log_z_exact:.3f})")
        art["ax2"].set_title(f"ESS = {float(res['ess']):.0f} of {w.size}")

    controls = {
        "proposal_mean": FloatSlider(-3.0, 3.0, 0.0, description="proposal mean m"),
        "proposal_scale": FloatSlider(0.3, 6.0, 3.0, log=True, description="proposal scale s"),
        "num_samples": IntSlider(100, 10_000, 2000, buckets=(100, 500, 2000, 10_000), description="samples n"),
    }
    return Panel("t05.importance", compute, controls, setup, draw, seed=seed, title="Importance sampling")


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

    def setup(fig):
        ax1, ax2 = fig.subplots(1, 2)
        ax1.plot(grid, exact, color="k", lw=1.2, label="exact posterior")
        hist = _stairs(ax1, _EDGES_1D, COLORS[0], "SMC particles")
        ax1.set(xlabel="x", ylabel="density", ylim=(0, 1.6 * exact.max()))
        ax1.legend(loc="upper right")
        (ess_line,) = ax2.plot([], [], color=COLORS[2], label="ESS / n")
        (res_marks,) = ax2.plot([], [], "v", color=COLORS[1], label="resampled")
        thr = ax2.axhline(0.5, color="0.5", ls=":", lw=1)
        ax2.set(xlabel="tempering step k", ylabel="ESS / n", ylim=(0, 1.05))
        ax2.legend(loc="lower left")
        ax1.set_title("log Ẑ -0.00 (exact -0.00), P(x<0) 0.000 (0.000)")
        ax2.set_title("0 resampling steps")
        return {"ax1": ax1, "ax2": ax2, "hist": hist, "ess": ess_line, "res": res_marks, "thr": thr}

    def draw(art, res, params):
        art["hist"].set_data(np.asarray(res["density"]))
        ess = np.asarray(res["ess_fraction"])
        k = np.arange(1, ess.size + 1)
        art["ess"].set_data(k, ess)
        resampled = np.asarray(res["resampled"])
        art["res"].set_data(k[resampled], ess[resampled])
        art["thr"].set_ydata([params["ess_threshold"]] * 2)
        art["ax2"].set_xlim(0.5, ess.size + 0.5)
        art["ax1"].set_title(
            f"log Ẑ {float(res['log_z']):.2f} (exact {log_z_exact:.2f}), "
            f"P(x<0) {float(res['left_mass']):.3f} ({left_exact:.3f})"
        )
        art["ax2"].set_title(f"{int(resampled.sum())} resampling steps")

    controls = {
        "num_temperatures": IntSlider(2, 64, 16, buckets=(2, 16, 64), description="temperatures K"),
        "num_particles": IntSlider(200, 1000, 1000, buckets=(200, 1000), description="particles n"),
        "num_mcmc_steps": IntSlider(0, 10, 4, description="MCMC steps"),
        "ess_threshold": FloatSlider(0.0, 1.0, 0.5, description="ESS threshold"),
        "scheme": Choice(("systematic", "stratified", "multinomial"), "systematic", description="resampling"),
    }
    return Panel("t05.tempered_smc", compute, controls, setup, draw, seed=seed, title="Tempered SMC")


# --------------------------------------------------------------------------- 20: Feynman–Kac correctors
def make_annealing_panel(mix=None, schedule=None, *, num_steps: int = 150, seed: int = 0) -> Panel:
    """FKC annealing :math:`q^\\beta` of a 1-D mixture: β, weights on/off, ESS threshold, particles.

    Left: weighted histogram of the final particles against the grid truth of :math:`q_{t_{min}}^\\beta`; right:
    the ESS trace over the reverse-time steps with resampling marks.
    """
    from priorscope.diffusion import fkc, gmm, schedules

    mix = gmm.GaussianMixture.create(jnp.array([0.7, 0.3]), jnp.array([[-2.0], [2.0]]), 0.3) if mix is None else mix
    schedule = schedules.VPLinear() if schedule is None else schedule
    edges_np = np.linspace(-4.0, 4.0, 81)
    edges = jnp.asarray(edges_np)

    def compute(key, beta, ess_threshold, weighted, num_particles):
        return fkc.annealing_experiment(
            key, mix, schedule, beta, num_particles, num_steps, edges, weighted=weighted, ess_threshold=ess_threshold
        )

    def setup(fig):
        ax1, ax2 = fig.subplots(1, 2)
        truth = ax1.stairs(np.zeros(80), edges_np, color="k", lw=1.2, label="target $q^\\beta$ (grid)")
        hist = _stairs(ax1, edges_np, COLORS[0], "particles")
        ax1.set(xlabel="x", ylabel="density", ylim=(0, 2.5))
        ax1.legend(loc="upper right")
        ax1.set_title("left-mode var 0.0000 (target 0.0000)")
        (ess_line,) = ax2.plot([], [], color=COLORS[2], label="ESS / n")
        (res_marks,) = ax2.plot([], [], "|", color=COLORS[1], ms=8, label="resampled")
        thr = ax2.axhline(0.5, color="0.5", ls=":", lw=1)
        ax2.set(xlabel="reverse-time step", ylabel="ESS / n", ylim=(0, 1.05), xlim=(0, num_steps))
        ax2.legend(loc="lower left")
        ax2.set_title("left-mode mass 0.000 (target 0.000)")
        return {"ax1": ax1, "ax2": ax2, "hist": hist, "truth": truth, "ess": ess_line, "res": res_marks, "thr": thr}

    def draw(art, res, params):
        art["hist"].set_data(np.asarray(res["density"]))
        truth = np.asarray(res["truth"])
        art["truth"].set_data(truth)
        art["ax1"].set_ylim(0, 1.25 * max(truth.max(), 1e-3))
        ess = np.asarray(res["ess_fraction"])
        k = np.arange(1, ess.size + 1)
        art["ess"].set_data(k, ess)
        resampled = np.asarray(res["resampled"])
        art["res"].set_data(k[resampled], ess[resampled])
        art["thr"].set_ydata([params["ess_threshold"]] * 2)
        art["ax1"].set_title(f"left-mode var {float(res['left_var']):.4f} (target {float(res['left_var_true']):.4f})")
        art["ax2"].set_title(
            f"left-mode mass {float(res['left_mass']):.3f} (target {float(res['left_mass_true']):.3f})"
        )

    controls = {
        "beta": FloatSlider(0.5, 4.0, 2.0, description="β (inverse temperature)"),
        "ess_threshold": FloatSlider(0.0, 1.0, 0.5, description="ESS threshold"),
        "weighted": Toggle(True, description="FKC weights"),
        "num_particles": IntSlider(500, 2000, 1000, buckets=(1000, 2000), description="particles n"),
    }
    return Panel("20.annealing", compute, controls, setup, draw, seed=seed, title="Annealing a diffusion model")


# --------------------------------------------------------------------------- 21: inverse problems
def make_inverse_panel(*, num_steps: int = 60, seed: int = 0) -> Panel:
    """Posterior sampling on the ring prior: exact posterior, weighted ensemble and DPS as density images.

    Knobs: observation y, noise σ_y, tilt strength c, ensemble weights on/off, particles.
    """
    from priorscope.diffusion import inverse

    edges_np = np.linspace(-3.0, 3.0, 61)
    edges = jnp.asarray(edges_np)
    extent = (-3.0, 3.0, -3.0, 3.0)
    prior, forward, _, _ = inverse.ring_problem()

    def compute(key, y, sigma_y, tilt_strength, weighted, num_particles):
        return inverse.compare_experiment(
            key, prior, forward, y[None], sigma_y, tilt_strength, num_particles, num_steps, edges, weighted=weighted
        )

    def setup(fig):
        axes = fig.subplots(1, 3, sharey=True)
        images, vlines = [], []
        for ax, name in zip(axes, ("exact posterior", "weighted ensemble", "DPS-style"), strict=True):
            images.append(ax.imshow(np.zeros((60, 60)), origin="lower", extent=extent, vmin=0, vmax=1))
            vlines.append(ax.axvline(0.7, color="w", ls=":", lw=1))
            ax.set(xlabel="$x_1$ (observed)", title=name)
            ax.grid(False)
        axes[0].set_ylabel("$x_2$")
        axes[1].set_title("weighted ensemble, TV 0.000")
        axes[2].set_title("DPS-style, TV 0.000")
        return {"axes": axes, "images": images, "vlines": vlines}

    def draw(art, res, params):
        exact = np.asarray(res["exact"])
        vmax = float(exact.max()) or 1.0
        for img, key in zip(art["images"], ("exact", "ensemble", "dps"), strict=True):
            img.set_data(np.asarray(res[key]))
            img.set_clim(0, vmax)
        for line in art["vlines"]:
            line.set_xdata([params["y"]] * 2)
        art["axes"][1].set_title(f"weighted ensemble, TV {float(res['tv_ensemble']):.3f}")
        art["axes"][2].set_title(f"DPS-style, TV {float(res['tv_dps']):.3f}")

    controls = {
        "y": FloatSlider(-2.5, 2.5, 0.7, description="observation y"),
        "sigma_y": FloatSlider(0.05, 1.0, 0.15, log=True, description="noise σ_y"),
        "tilt_strength": FloatSlider(0.1, 10.0, 1.0, log=True, description="tilt strength c"),
        "weighted": Toggle(True, description="ensemble weights"),
        "num_particles": IntSlider(500, 2000, 500, buckets=(500, 2000), description="particles n"),
    }
    return Panel(
        "21.inverse", compute, controls, setup, draw, seed=seed, title="Diffusion prior, linear inverse problem"
    )


# --------------------------------------------------------------------------- 18: stochastic interpolants
def make_interpolant_panel(*, num_samples: int = 1000, num_steps: int = 100, seed: int = 0) -> Panel:
    """ODE vs SDE for a Gaussian → bimodal interpolant, with a perturbed velocity :math:`b + \\delta\\sin 3x`.

    Knobs: noise ε of the SDE, drift error δ, γ amplitude, path and γ family. Left: endpoint histograms of the
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

    def setup(fig):
        ax = fig.subplots(1, 1)
        ax.plot(grid, target, color="k", lw=1.2, label="target $\\rho_1$")
        ode = _stairs(ax, edges_np, COLORS[1], "ODE (ε = 0)")
        sde = _stairs(ax, edges_np, COLORS[0], "SDE")
        ax.set(xlabel="x", ylabel="density", ylim=(0, 1.3 * target.max()))
        ax.legend(loc="upper center")
        ax.set_title("W1 to target: ODE 0.000, SDE (ε = 0.00) 0.000")
        return {"ax": ax, "ode": ode, "sde": sde}

    def draw(art, res, params):
        dens = np.asarray(res["density"])
        w1 = np.asarray(res["w1"])
        art["ode"].set_data(dens[0])
        art["sde"].set_data(dens[1])
        art["ax"].set_title(f"W1 to target: ODE {w1[0]:.3f}, SDE (ε = {params['epsilon']:.2f}) {w1[1]:.3f}")

    controls = {
        "epsilon": FloatSlider(0.0, 2.0, 1.0, description="SDE noise ε"),
        "drift_error": FloatSlider(0.0, 1.0, 0.5, description="drift error δ"),
        "amplitude": FloatSlider(0.0, 3.0, 1.0, description="γ amplitude a"),
        "path": Choice(("linear", "trig"), "linear", description="α, β"),
        "gamma": Choice(("brownian", "sin2", "zero"), "brownian", description="γ"),
    }
    return Panel("18.interpolant", compute, controls, setup, draw, seed=seed, title="ODE vs SDE with a wrong drift")
