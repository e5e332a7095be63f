"""Experiment drivers of the diffusion notebooks: the computations behind their panels and claims (t04, 17, 19).

Pure JAX, no plotting: each function returns arrays (images already binned, fields already on grids) that
:mod:`priorscope.viz.diffusion` draws in place. Sizes (particles, grid resolution, maximum steps) are static
Python ints; every slider value is traced.
"""

from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp

from priorscope import metrics

from . import gmm
from .langevin import langevin
from .schedules import time_grid
from .solvers import SolverOptions, integrate, step_orders

__all__ = [
    "LIM",
    "grid_points",
    "density_image",
    "histogram_image",
    "field_on_grid",
    "NoisingView",
    "noising_view",
    "LangevinView",
    "langevin_view",
    "PathView",
    "path_view",
    "SolverView",
    "solver_view",
    "COMPARED_SOLVERS",
    "SOLVER_GRIDS",
    "SolverErrors",
    "solver_errors",
    "ode_reference",
]

#: half-width of the square window all 2-D diffusion figures use
LIM = 3.2


def grid_points(lim: float, res: int):
    """Cell centres of a ``res x res`` grid on ``[-lim, lim]^2``: ``(res * res, 2)``, rows run over y."""
    c = (jnp.arange(res) + 0.5) / res * 2 * lim - lim
    xx, yy = jnp.meshgrid(c, c)
    return jnp.stack([xx.ravel(), yy.ravel()], axis=1)


def density_image(mix, schedule, t, lim: float = LIM, res: int = 64):
    """:math:`p_t` on a grid, shape ``(res, res)`` with rows = y (ready for ``imshow(origin="lower")``)."""
    pts = grid_points(lim, res)
    logp = jax.vmap(lambda x: gmm.log_prob_t(mix, schedule, x, t))(pts)
    return jnp.exp(logp).reshape(res, res)


def histogram_image(x, lim: float = LIM, res: int = 64):
    """Normalised 2-D histogram (a density) of points ``x`` ``(n, 2)``; ``(res, res)`` with rows = y."""
    bounds = jnp.array([[-lim, lim], [-lim, lim]])
    h, _, _ = jnp.histogram2d(x[:, 0], x[:, 1], bins=res, range=bounds)  # pyright: ignore[reportArgumentType]
    cell = (2 * lim / res) ** 2
    return h.T / (x.shape[0] * cell)


def field_on_grid(fn, lim: float = LIM, res: int = 13):
    """A vector field ``fn(x: (2,)) -> (2,)`` on a coarse grid: points and vectors, each ``(res*res, 2)``."""
    pts = grid_points(lim, res)
    return pts, jax.vmap(fn)(pts)


class NoisingView(NamedTuple):
    """Forward noising at time t: the exact density, the exact score field, exact samples."""

    density: jax.Array  # (res, res)
    points: jax.Array  # (q*q, 2)
    score: jax.Array  # (q*q, 2)
    alpha: jax.Array
    sigma: jax.Array


def noising_view(mix, schedule, t, lim: float = LIM, res: int = 64, quiver: int = 13) -> NoisingView:
    """Density image and score field of :math:`p_t`."""
    pts, s = field_on_grid(lambda x: gmm.score(mix, schedule, x, t), lim, quiver)
    return NoisingView(density_image(mix, schedule, t, lim, res), pts, s, schedule.alpha(t), schedule.sigma(t))


class LangevinView(NamedTuple):
    """Plain Langevin on :math:`p_t` next to the exact density."""

    density: jax.Array  # (res, res) exact p_t
    hist: jax.Array  # (res, res) Langevin particles
    masses: jax.Array  # (K,) mode masses of the particles
    target: jax.Array  # (K,) true mode weights
    tv: jax.Array  # mode-mass TV
    step: jax.Array  # the step size used


def langevin_view(
    key, mix, schedule, t, step_scale, num_steps, *, num_particles: int, max_steps: int,
    lim: float = LIM, res: int = 64,
) -> LangevinView:  # fmt: skip
    r"""Run plain ULA on :math:`p_t` from uniform initial points on the window.

    The step is :math:`\varepsilon = c\,v_{min}(t)` with
    :math:`v_{min} = \min_k(\alpha_t^2 s_k^2) + \sigma_t^2` the smallest component variance at time :math:`t`
    (ULA on a Gaussian of variance :math:`v` is stable for :math:`\varepsilon < 2v`), so ``step_scale``
    :math:`c` means the same thing at every :math:`t`.
    """
    x0 = jax.random.uniform(key, (num_particles, mix.dim), minval=-lim, maxval=lim)
    comp_var = jnp.min(jnp.linalg.eigvalsh(mix.covs))
    v_min = schedule.alpha(t) ** 2 * comp_var + schedule.sigma(t) ** 2
    step = step_scale * v_min
    k2 = jax.random.fold_in(key, 1)
    x = langevin(k2, lambda xi: gmm.score(mix, schedule, xi, t), x0, step, num_steps, max_steps=max_steps)
    target = mix.weights
    masses = metrics.mode_masses(x, schedule.alpha(t) * mix.means)
    return LangevinView(
        density_image(mix, schedule, t, lim, res),
        histogram_image(x, lim, res),
        masses,
        target,
        metrics.tv_distance(masses, target),
        step,
    )


class PathView(NamedTuple):
    """One path seen three ways: density + velocity at t, particle trajectories, endpoint histogram."""

    density: jax.Array  # (res, res) p_t
    points: jax.Array  # (q*q, 2)
    velocity: jax.Array  # (q*q, 2)
    trajectories: jax.Array  # (max_steps + 1, m, 2) a few particles' paths
    hist: jax.Array  # (res, res) endpoints of all particles
    tv: jax.Array  # endpoint mode-mass TV
    modes: jax.Array  # (m,) final mode of each plotted trajectory


def path_view(
    key, mix, schedule, t, zeta, num_steps, *, num_particles: int, max_steps: int, num_traj: int = 24,
    lim: float = LIM, res: int = 64, quiver: int = 13, t_start: float = 0.98, t_end: float = 1e-3,
) -> PathView:  # fmt: skip
    r"""Exact-score sampling with the :math:`\zeta`-SDE (Euler–Maruyama) from exact draws of :math:`p_{t_0}`.

    The grid is uniform in log-SNR from ``t_start`` (default 0.98: the SDE drift of the rectified-flow path
    blows up at :math:`t = 1`) to ``t_end``; ``num_steps`` may be traced (padded to ``max_steps``).
    """
    k1, k2 = jax.random.split(key)
    x_T = gmm.sample_marginal(k1, mix, schedule, t_start, num_particles)
    ts = time_grid(schedule, num_steps, kind="logsnr", t_start=t_start, t_end=t_end, max_steps=max_steps)
    traj = integrate(
        gmm.denoiser(mix, schedule), x_T, schedule, ts, "euler_maruyama", options=SolverOptions(zeta=zeta), key=k2,
        return_trajectory=True,
    )  # fmt: skip
    end = traj[-1]
    pts, v = field_on_grid(lambda x: gmm.velocity(mix, schedule, x, t), lim, quiver)
    masses = metrics.mode_masses(end, mix.means)
    return PathView(
        density_image(mix, schedule, t, lim, res),
        pts,
        v,
        traj[:, :num_traj],
        histogram_image(end, lim, res),
        metrics.tv_distance(masses, mix.weights),
        gmm.assign_modes(mix, end[:num_traj]),
    )


#: the time grids a traced ``grid`` index of :func:`solver_view` selects from
SOLVER_GRIDS = ("logsnr", "uniform")

#: the solvers compared side by side in notebook 19: (label, name in :data:`~priorscope.diffusion.solvers.SOLVERS`)
COMPARED_SOLVERS = (("DDIM", "ddim"), ("DPM-Solver-2M (noise)", "dpm2m"), ("DPM-Solver++(2M)", "dpm++2m"))


class SolverView(NamedTuple):
    """Endpoints of several solvers from the same x_T next to a fine reference, with their errors."""

    reference: jax.Array  # (n, 2)
    endpoints: jax.Array  # (S, n, 2)
    errors: jax.Array  # (S,) mean ||x_N - x_ref||
    hist_ref: jax.Array  # (res, res)


def solver_view(
    key, mix, schedule, cond_mask, guidance, num_steps, *, num_particles: int, max_steps: int,
    grid: str | jax.Array = "logsnr", ref_steps: int = 500, lim: float = LIM, res: int = 64, t_end: float = 1e-3,
) -> SolverView:  # fmt: skip
    """DDIM vs DPM-Solver-2M vs DPM-Solver++(2M) with classifier-free guidance at weight ``guidance``.

    ``grid`` is a time-grid kind (a static string), or a traced int index into :data:`SOLVER_GRIDS`, so one
    compilation serves every grid (a panel's choice then never recompiles).
    """
    model = gmm.denoiser(mix, schedule, cond_mask=cond_mask, guidance=guidance)
    x_T = jax.random.normal(key, (num_particles, mix.dim))
    ts_ref = time_grid(schedule, ref_steps, kind="logsnr", t_end=t_end)
    ref = integrate(model, x_T, schedule, ts_ref, "dpm++3m")
    if isinstance(grid, str):
        ts = time_grid(schedule, num_steps, kind=grid, t_end=t_end, max_steps=max_steps)
    else:
        grids = [time_grid(schedule, num_steps, kind=k, t_end=t_end, max_steps=max_steps) for k in SOLVER_GRIDS]
        ts = jnp.stack(grids)[grid]
    outs = []
    for _, name in COMPARED_SOLVERS:
        orders = step_orders(name, num_steps, max_steps=max_steps)
        outs.append(integrate(model, x_T, schedule, ts, name, orders=orders))
    ends = jnp.stack(outs)
    errs = jnp.mean(jnp.linalg.norm(ends - ref[None], axis=-1), axis=-1)
    return SolverView(ref, ends, errs, histogram_image(ref, lim, res))


class SolverErrors(NamedTuple):
    """Mean endpoint error against a fine reference, per solver and step count."""

    steps_list: tuple  # (S,) step counts
    ddim: jax.Array  # (S,)
    dpm2m: jax.Array  # (S,) noise-prediction multistep
    dpmpp2m: jax.Array  # (S,) data-prediction multistep (DPM-Solver++)
    reference_gap: jax.Array  # mean ||ref(ref_steps) - ref(ref_steps / 2)||: the reference's own accuracy


def _solver_errors(x_T, mix, schedule, cond_mask, guidance, steps_list, grid, ref_steps, t_end, x_ref):
    model = gmm.denoiser(mix, schedule, cond_mask=cond_mask, guidance=guidance)

    def ref(n):
        return integrate(model, x_T, schedule, time_grid(schedule, n, t_end=t_end), "dpm++3m")

    fine = ref(ref_steps)
    if x_ref is None:  # self-convergence: the fine solve against itself at half the steps
        x_ref = fine
        gap = jnp.mean(jnp.linalg.norm(fine - ref(ref_steps // 2), axis=-1))
    else:  # an independent reference: the fine multistep solve against it
        gap = jnp.mean(jnp.linalg.norm(fine - x_ref, axis=-1))
    m = max(steps_list)
    ts = jnp.stack([time_grid(schedule, n, kind=grid, t_end=t_end, max_steps=m) for n in steps_list])
    o2 = jnp.stack([step_orders("dpm++2m", n, max_steps=m) for n in steps_list])
    o1 = jnp.ones_like(o2)

    def err(x):
        return jnp.mean(jnp.linalg.norm(x - x_ref, axis=-1), axis=-1)

    # DDIM is the data-prediction multistep rule at order 1: one compiled body serves DDIM and ++(2M)
    data = jax.vmap(lambda t, o: integrate(model, x_T, schedule, t, "dpm++2m", orders=o))
    noise = jax.vmap(lambda t, o: integrate(model, x_T, schedule, t, "dpm2m", orders=o))
    e_data = err(data(jnp.concatenate([ts, ts]), jnp.concatenate([o1, o2])))
    s = len(steps_list)
    return e_data[:s], err(noise(ts, o2)), e_data[s:], gap


_solver_errors_jit = jax.jit(_solver_errors, static_argnames=("steps_list", "grid", "ref_steps", "t_end"))


def solver_errors(
    x_T, mix, schedule, cond_mask, guidance, steps_list, *, grid="logsnr", ref_steps=1000, t_end=1e-3, x_ref=None
) -> SolverErrors:
    """Endpoint errors of DDIM, DPM-Solver-2M (noise) and DPM-Solver++(2M) from the same ``x_T`` ``(n, d)``.

    The errors are measured against ``x_ref`` ``(n, d)`` when given (use :func:`ode_reference`, an independent
    adaptive solve); ``reference_gap`` is then the mean distance of DPM-Solver++(3M) with ``ref_steps`` steps
    from it. Without ``x_ref`` the reference is that DPM-Solver++(3M) solve itself and ``reference_gap`` its
    distance to the same solver at half the steps (self-convergence, which cannot reveal a bias shared by the
    solver family). Guidance is classifier-free with weight ``guidance`` toward the components in ``cond_mask``
    (``guidance=0`` is the unconditional model); it is traced, so every weight reuses one compilation.
    """
    steps_list = tuple(int(n) for n in steps_list)
    if not steps_list or min(steps_list) < 1:
        raise ValueError(f"steps_list must hold ints >= 1, got {steps_list}")
    if ref_steps < 2 * max(steps_list):
        raise ValueError(f"ref_steps must be >= 2 * max(steps_list) = {2 * max(steps_list)}, got {ref_steps}")
    if x_ref is not None and jnp.shape(x_ref) != jnp.shape(x_T):
        raise ValueError(f"x_ref must have the shape of x_T {jnp.shape(x_T)}, got {jnp.shape(x_ref)}")
    x_ref = None if x_ref is None else jnp.asarray(x_ref, jnp.asarray(x_T).dtype)
    out = _solver_errors_jit(
        x_T, mix, schedule, jnp.asarray(cond_mask), guidance, steps_list, grid, ref_steps, t_end, x_ref
    )
    return SolverErrors(steps_list, *out)


def ode_reference(x_T, mix, schedule, *, cond_mask=None, guidance=0.0, t_end=1e-3, rtol=1e-10, atol=1e-12):
    r"""Probability-flow ODE endpoints from ``x_T`` ``(n, d)`` by an independent adaptive solver.

    Integrates :math:`\dot x = \dot\alpha_t \tilde x_0 + \dot\sigma_t (x - \alpha_t \tilde x_0)/\sigma_t` (the
    velocity of the, optionally guided, exact mixture denoiser :math:`\tilde x_0`) from :math:`t = 1` to
    ``t_end`` with SciPy's 8th-order Dormand–Prince rule (DOP853) at tolerances ``rtol``/``atol``: no code shared
    with the library's exponential-integrator solvers beyond the denoiser itself. Use float64. Not jittable (a
    host-side reference, for claims and tests).

    Returns:
        NumPy array ``(n, d)``.
    """
    import numpy as np
    from scipy.integrate import solve_ivp

    model = gmm.denoiser(mix, schedule, cond_mask=cond_mask, guidance=guidance)
    x_T = np.asarray(x_T, dtype=np.float64)

    def v_one(x, t):
        x0 = model(x, t)
        eps = (x - schedule.alpha(t) * x0) / schedule.sigma(t)
        return schedule.d_alpha(t) * x0 + schedule.d_sigma(t) * eps

    vf = jax.jit(jax.vmap(v_one, in_axes=(0, None)))
    sol = solve_ivp(
        lambda t, y: np.asarray(vf(jnp.asarray(y.reshape(x_T.shape)), jnp.asarray(t)), dtype=np.float64).ravel(),
        (1.0, float(t_end)),
        x_T.ravel(),
        method="DOP853",
        rtol=rtol,
        atol=atol,
    )
    if not sol.success:
        raise RuntimeError(f"DOP853 reference failed: {sol.message}")
    return sol.y[:, -1].reshape(x_T.shape)
