r"""Samplers for the probability-flow ODE and the ζ-family of reverse SDEs: solver objects behind one entry point.

A *model* is a function of ONE point and a time, ``model(x: (d,), t: scalar) -> (d,)``, that predicts one of
the four targets (``prediction="x0"`` by default: the denoiser :math:`\hat x_0(x, t)`; see
:mod:`priorscope.diffusion.targets`). :func:`sample` vmaps it over the rows of ``x_T`` and integrates from
``t_start`` down to ``t_end`` on a :func:`~priorscope.diffusion.schedules.time_grid` described by a
:class:`TimeGrid`; :func:`integrate` does the same on an explicit (possibly traced, padded) grid.

A solver is a small frozen object, :class:`Solver`, that carries its ``name``, its convergence ``order``, its
model evaluations per step (``evals_per_step``), whether it is ``stochastic``, and its ``init``/``step``
functions; :data:`SOLVERS` maps names to solvers and :func:`get_solver` looks one up (with a suggestion on a typo).
:func:`nfe` and :func:`step_orders` read the object, so a solver added to :data:`SOLVERS` is picked up by
:func:`sample`, :func:`integrate` and the test that loops over every solver (``tests/diffusion/test_solver_order.py``).

Registered solvers (``NFE`` = model evaluations):

* ``"euler"`` / ``"heun"``: explicit Euler and Heun (trapezoid) on :math:`\mathrm dx/\mathrm dt = v(x, t)`
  (orders 1 and 2; ``num_steps`` and ``2 num_steps`` NFE).
* ``"ddim"`` (= ``"dpm++1"``, and ``"dpm1"`` in the noise form): the first-order exponential integrator, exact for
  a constant :math:`\hat x_0`: :math:`x_t = \tfrac{\sigma_t}{\sigma_s}x_s - \alpha_t(e^{-h}-1)\hat x_0(x_s, s)`,
  :math:`h = \lambda_t - \lambda_s`.
* ``"dpm++2m"``, ``"dpm++3m"``: DPM-Solver++ multistep of order 2 and 3 in the data prediction
  :math:`\hat x_0` (Lu et al. 2022b, arXiv:2211.01095). With :math:`r = h_{i-1}/h_i`,
  :math:`D = (1 + \tfrac1{2r})\hat x_0^{(i-1)} - \tfrac1{2r}\hat x_0^{(i-2)}` replaces :math:`\hat x_0` in the
  DDIM step; the third order adds a second divided difference. Early steps use the orders that the history
  allows; with ``lower_order_final`` and fewer than 10 steps the final steps drop order (as the official
  code does). The third-order rule keeps the official code's coefficients, whose second-difference term is half
  its Taylor coefficient; measured against the closed-form flow of a Gaussian data law its global order is about
  2, not the nominal 3 (``tests/diffusion/test_solver_order.py``; with the term doubled the slope is about 3.9).
* ``"dpm2m"``, ``"dpm3m"``: the same multistep rules in the noise prediction :math:`\hat\varepsilon`
  (DPM-Solver, Lu et al. 2022a, arXiv:2206.00927), the exact dual under
  :math:`(\alpha, \sigma, \lambda, \hat x_0) \leftrightarrow (\sigma, \alpha, -\lambda, \hat\varepsilon)`.
* ``"euler_maruyama"``: the reverse-time SDE family that shares the marginals :math:`p_t`,

  .. math::

      \mathrm dx = \big[f_t x - \tfrac12(1 + \zeta^2) g_t^2 \nabla\log p_t(x)\big]\mathrm dt
      + \zeta g_t\, \mathrm d\bar W_t,

  from the probability-flow ODE (:math:`\zeta = 0`, where it is Euler's method in another parametrisation) to
  the reverse SDE of Song et al. (2021) (:math:`\zeta = 1`). Weak order 1. Needs ``key``.

Optional dynamic thresholding (Saharia et al. 2022), applied to :math:`\hat x_0` in the data-prediction
solvers: :math:`s = \max(\mathrm{quantile}_{p}|\hat x_0|, \text{threshold})`,
:math:`\hat x_0 \leftarrow \mathrm{clip}(\hat x_0, -s, s)\cdot \text{threshold}/s`.

References:
    Song, Meng, Ermon (2021), Denoising diffusion implicit models, arXiv:2010.02502.
    Lu, Zhou, Bao, Chen, Li, Zhu (2022a), DPM-Solver, arXiv:2206.00927.
    Lu, Zhou, Bao, Chen, Li, Zhu (2022b), DPM-Solver++, arXiv:2211.01095;
    code: https://github.com/LuChengTHU/dpm-solver.
    Karras et al. (2022), EDM, arXiv:2206.00364 (Heun).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from priorscope._checks import (
    check_bool,
    check_choice,
    check_finite,
    check_increasing,
    check_int,
    check_interval,
    check_nonnegative,
    check_positive,
    check_type,
    is_concrete,
)

from .schedules import time_grid
from .targets import TARGETS, coefficients, x0_eps_from

__all__ = [
    "Solver",
    "SOLVERS",
    "get_solver",
    "TimeGrid",
    "SolverOptions",
    "ModelFields",
    "StepInput",
    "sample",
    "integrate",
    "step_orders",
    "padded_grids",
    "nfe",
    "dynamic_threshold",
]


# --------------------------------------------------------------------------- what a step sees


class ModelFields(NamedTuple):
    r"""The model as a solver step sees it, built once by :func:`integrate` (batched over the rows of ``x``).

    Attributes:
        schedule: the :class:`~priorscope.diffusion.schedules.Schedule`.
        x0_eps: ``x0_eps(x, t, coef=None) -> (x0, eps)``: data and noise predictions at ``(n, d)`` points
            (after dynamic thresholding when it is on); ``coef`` optionally passes
            :func:`~priorscope.diffusion.targets.coefficients` already computed at ``t``.
        velocity: ``velocity(x, t) -> (n, d)``: the probability-flow ODE's right-hand side.
        zeta: the noise level :math:`\zeta \ge 0` of the stochastic solvers (may be traced).
    """

    schedule: Any
    x0_eps: Callable[..., Any]
    velocity: Callable[[Any, Any], Any]
    zeta: Any


class StepInput(NamedTuple):
    """One step's inputs, scanned over the grid: from ``t_s`` to ``t_t < t_s`` (equal for a padded no-op step)."""

    t_s: jax.Array
    t_t: jax.Array
    order: jax.Array  # this step's order (multistep solvers; one-step solvers ignore it)
    noise: jax.Array | None  # standard normal draws (n, d) for a stochastic solver, else None


@dataclass(frozen=True)
class Solver:
    r"""A solver: what it is (name, order, cost, stochastic or not) and how it steps.

    The state a solver carries from step to step is a tuple whose first entry is the position ``x`` ``(n, d)``
    (multistep solvers add their history). ``init(fields, x_T, t0)`` builds it; ``step(fields, carry, inp)``
    advances it by one :class:`StepInput`; a zero-length step (``inp.t_t == inp.t_s``, grid padding) must leave it
    unchanged, so grids with different step counts can share one compilation.

    Attributes:
        name: the registry key.
        order: nominal order of convergence (weak order for a stochastic solver).
        evals_per_step: model evaluations per step (``nfe = evals_per_step * num_steps``).
        stochastic: draws noise (then :func:`integrate` needs a ``key``).
        multistep: uses a per-step order from :func:`step_orders` (warm-up and final-step lowering).
        log_snr: works in log-SNR, so needs a finite :math:`\lambda(t_{start})`.
        init: ``init(fields, x_T, t0) -> carry``.
        step: ``step(fields, carry, inp) -> carry``.
        description: one line for tables and docs.
    """

    name: str
    order: int
    evals_per_step: int
    stochastic: bool
    multistep: bool
    log_snr: bool
    init: Callable[[ModelFields, Any, Any], tuple]
    step: Callable[[ModelFields, tuple, StepInput], tuple]
    description: str = ""

    def __post_init__(self):
        check_type("name", self.name, str, "a str")
        check_int("order", self.order, min_value=1)
        check_int("evals_per_step", self.evals_per_step, min_value=1)
        for flag in ("stochastic", "multistep", "log_snr"):
            check_bool(flag, getattr(self, flag))
        for fn in ("init", "step"):
            if not callable(getattr(self, fn)):
                raise TypeError(f"{fn} must be callable, got {type(getattr(self, fn)).__name__}")


# --------------------------------------------------------------------------- the steps


def dynamic_threshold(x0, threshold=1.0, ratio=0.995):
    r"""Dynamic thresholding of a batch of data predictions ``x0`` ``(n, d)`` (per row).

    :math:`s = \max(q_{ratio}(|x_0|), \text{threshold})`, then :math:`x_0 \leftarrow
    \mathrm{clip}(x_0, -s, s)\,\text{threshold}/s`: rows already within ``threshold`` are unchanged.
    """
    s = jnp.quantile(jnp.abs(x0), ratio, axis=-1, keepdims=True)
    s = jnp.maximum(s, threshold)
    return jnp.clip(x0, -s, s) * (threshold / s)


def _phis(h):
    phi1 = jnp.expm1(-h)
    phi2 = phi1 / h + 1.0
    phi3 = phi2 / h - 0.5
    return phi1, phi2, phi3


def _multistep_update(x, m0, m1, m2, h, h0, h1, a_t, s_ratio, order):
    """One data-form multistep update of order 1, 2 or 3 (traced ``order``); see the module docstring."""
    phi1, phi2, phi3 = _phis(h)
    x1 = s_ratio * x - a_t * phi1 * m0
    r0 = jnp.where(order >= 2, h0 / h, 1.0)
    d1_0 = (m0 - m1) / r0
    x2 = x1 - 0.5 * a_t * phi1 * d1_0
    r1 = jnp.where(order >= 3, h1 / h, 1.0)
    d1_1 = (m1 - m2) / r1
    d1 = d1_0 + (r0 / (r0 + r1)) * (d1_0 - d1_1)
    d2 = (d1_0 - d1_1) / (r0 + r1)
    x3 = x1 + a_t * phi2 * d1 - a_t * phi3 * d2
    return jnp.where(order == 1, x1, jnp.where(order == 2, x2, x3))


def _one_step_init(fields, x_T, t0):
    return (x_T,)


def _euler_step(fields, carry, inp):
    (x,) = carry
    return (x + (inp.t_t - inp.t_s) * fields.velocity(x, inp.t_s),)


def _heun_step(fields, carry, inp):
    (x,) = carry
    dt = inp.t_t - inp.t_s
    v1 = fields.velocity(x, inp.t_s)
    x_euler = x + dt * v1
    return (x + 0.5 * dt * (v1 + fields.velocity(x_euler, inp.t_t)),)


def _euler_maruyama_step(fields, carry, inp):
    (x,) = carry
    dt = inp.t_t - inp.t_s
    a, s, da, ds = coef = coefficients(fields.schedule, inp.t_s)
    _, eps = fields.x0_eps(x, inp.t_s, coef)
    score = -eps / s
    f = da / a
    g2 = 2.0 * s * ds - 2.0 * f * s**2
    drift = f * x - 0.5 * (1.0 + fields.zeta**2) * g2 * score
    return (x + dt * drift + fields.zeta * jnp.sqrt(g2 * (-dt)) * inp.noise,)


def _duals(schedule, form):
    """``(alpha, sigma, lambda)`` of the data form, or their duals ``(sigma, alpha, -lambda)`` of the noise form."""
    if form == "data":
        return schedule.alpha, schedule.sigma, schedule.log_snr
    return schedule.sigma, schedule.alpha, lambda t: -schedule.log_snr(t)


def _multistep(form):
    """``init`` and ``step`` of the multistep exponential integrator in the ``"data"`` or ``"noise"`` form."""

    def init(fields, x_T, t0):
        zeros = jnp.zeros_like(x_T)
        lam0 = _duals(fields.schedule, form)[2](t0)
        return (x_T, zeros, zeros, lam0, lam0)

    def step(fields, carry, inp):
        a_of, s_of, lam_of = _duals(fields.schedule, form)
        x, m1, m2, lam1, lam2 = carry
        x0, eps = fields.x0_eps(x, inp.t_s)
        m0 = x0 if form == "data" else eps
        lam_s, lam_t = lam_of(inp.t_s), lam_of(inp.t_t)
        live = inp.t_t < inp.t_s
        h_safe = jnp.where(live, lam_t - lam_s, 1.0)
        x_new = _multistep_update(
            x, m0, m1, m2, h_safe, lam_s - lam1, lam1 - lam2, a_of(inp.t_t), s_of(inp.t_t) / s_of(inp.t_s), inp.order
        )
        new = (x_new, m0, m1, lam_s, lam1)
        return jax.tree_util.tree_map(lambda n, c: jnp.where(live, n, c), new, carry)

    return init, step


_DATA = _multistep("data")
_NOISE = _multistep("noise")


def _one_step(name, order, evals_per_step, step, description, *, stochastic=False):
    return Solver(
        name, order, evals_per_step, stochastic=stochastic, multistep=False, log_snr=False, init=_one_step_init,
        step=step, description=description,
    )  # fmt: skip


def _exponential(name, form, order, description):
    init, step = _DATA if form == "data" else _NOISE
    return Solver(
        name, order, 1, stochastic=False, multistep=True, log_snr=True, init=init, step=step, description=description
    )


#: every solver :func:`sample` and :func:`integrate` accept, by name; add a :class:`Solver` here to register one
SOLVERS: dict[str, Solver] = {
    s.name: s
    for s in (
        _one_step("euler", 1, 1, _euler_step, "explicit Euler on the ODE velocity"),
        _one_step("heun", 2, 2, _heun_step, "Heun (trapezoid) on the ODE velocity"),
        _exponential("ddim", "data", 1, "DDIM: first-order exponential integrator in the data prediction"),
        _exponential("dpm++1", "data", 1, "DPM-Solver++(1), the same rule as DDIM"),
        _exponential("dpm++2m", "data", 2, "DPM-Solver++(2M): second-order multistep, data prediction"),
        _exponential("dpm++3m", "data", 3, "DPM-Solver++(3M): third-order multistep, data prediction"),
        _exponential("dpm1", "noise", 1, "DPM-Solver-1: first-order exponential integrator, noise prediction"),
        _exponential("dpm2m", "noise", 2, "DPM-Solver-2M: second-order multistep, noise prediction"),
        _exponential("dpm3m", "noise", 3, "DPM-Solver-3M: third-order multistep, noise prediction"),
        _one_step(
            "euler_maruyama",
            1,
            1,
            _euler_maruyama_step,
            "Euler–Maruyama on the zeta-family of reverse SDEs (weak order 1; zeta = 0: the probability-flow ODE)",
            stochastic=True,
        ),  # fmt: skip
    )
}


def get_solver(solver: str | Solver) -> Solver:
    """The :class:`Solver` called ``solver`` in :data:`SOLVERS` (a :class:`Solver` is returned as it is).

    Raises ValueError (with a "did you mean" suggestion) for an unknown name and TypeError for anything else.

    Examples:
        >>> get_solver("dpm++2m").order
        2
        >>> get_solver("dpm++2")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        ValueError: solver must be one of ('euler', 'heun', ...), got 'dpm++2' (did you mean 'dpm++2m'?)
    """
    if isinstance(solver, Solver):
        return solver
    check_type("solver", solver, str, "a solver name or a Solver")
    return SOLVERS[check_choice("solver", solver, tuple(SOLVERS))]


# --------------------------------------------------------------------------- grids, options, bookkeeping


class TimeGrid(NamedTuple):
    r"""A time grid for :func:`sample`: ``num_steps`` intervals of kind ``kind`` from ``t_start`` down to ``t_end``.

    Attributes:
        num_steps: number of steps :math:`N \ge 1` (static unless ``max_steps`` is given, then it may be traced:
            a slider).
        kind: one of ``("uniform", "logsnr", "quadratic", "edm")``
            (see :func:`~priorscope.diffusion.schedules.time_grid`).
        t_start: initial time in (0, 1]; log-SNR solvers need a finite :math:`\lambda(t_{start})`.
        t_end: final time in (0, t_start).
        max_steps: optional static grid length; the grid is padded with zero-length steps, so changing
            ``num_steps`` never recompiles.
    """

    num_steps: Any = 20
    kind: str = "logsnr"
    t_start: Any = 1.0
    t_end: Any = 1e-3
    max_steps: int | None = None

    def times(self, schedule):
        """The decreasing grid ``(num_steps + 1,)`` (``(max_steps + 1,)`` when padded) for ``schedule``."""
        return time_grid(
            schedule, self.num_steps, kind=self.kind, t_start=self.t_start, t_end=self.t_end, max_steps=self.max_steps
        )


class SolverOptions(NamedTuple):
    r"""The less-used knobs of :func:`sample` and :func:`integrate`, grouped.

    Attributes:
        lower_order_final: multistep solvers drop order on the last steps when ``num_steps < 10``.
        threshold: ``None`` (off) or the floor :math:`s_{min} > 0` of dynamic thresholding of :math:`\hat x_0`.
        threshold_ratio: quantile level of dynamic thresholding, in (0, 1].
        zeta: :math:`\zeta \ge 0` of the stochastic solvers (may be traced).
    """

    lower_order_final: bool = True
    threshold: Any = None
    threshold_ratio: float = 0.995
    zeta: Any = 0.0


def nfe(solver: str | Solver, num_steps: int) -> int:
    """Number of model evaluations used by ``sample(..., solver, TimeGrid(num_steps))``."""
    return get_solver(solver).evals_per_step * num_steps


def step_orders(solver: str | Solver, num_steps, *, lower_order_final: bool = True, max_steps=None):
    """Per-step orders of ``solver``, shape ``(num_steps,)`` (or ``(max_steps,)``, padded with 1).

    For a multistep solver the orders warm up from 1 while the history fills; with ``lower_order_final`` and
    ``num_steps < 10`` the final steps drop order, as in the official DPM-Solver code. A one-step solver has all
    ones (its steps do not read them). ``num_steps`` may be traced when ``max_steps`` is given.
    """
    solver = get_solver(solver)
    length = int(num_steps) if max_steps is None else max_steps
    k = jnp.arange(1, length + 1)
    if not solver.multistep:
        return jnp.ones((length,), dtype=jnp.int32)
    orders = jnp.minimum(solver.order, k)
    if lower_order_final:
        orders = jnp.where(num_steps < 10, jnp.minimum(orders, num_steps + 1 - k), orders)
    return jnp.where(k <= num_steps, jnp.maximum(orders, 1), 1).astype(jnp.int32)


def padded_grids(
    schedule, steps_list, solver: str | Solver, *, kind="logsnr", t_start=1.0, t_end=1e-3, lower_order_final=True
):
    """Grids for several step counts padded to one length, so ONE compiled :func:`integrate` serves them all.

    A grid with ``N`` steps is padded to ``M = max(steps_list)`` steps by repeating ``t_end``;
    :func:`integrate` treats a zero-length step as a no-op. Use with ``jax.vmap`` over the returned arrays.

    Returns:
        ``(ts, orders)`` of shapes ``(S, M + 1)`` and ``(S, M)`` (see :func:`step_orders`).
    """
    solver = get_solver(solver)
    steps_list = [int(n) for n in steps_list]
    if not steps_list or min(steps_list) < 1:
        raise ValueError(f"steps_list must hold ints >= 1, got {steps_list}")
    m = max(steps_list)
    ts = [time_grid(schedule, n, kind=kind, t_start=t_start, t_end=t_end, max_steps=m) for n in steps_list]
    orders = [step_orders(solver, n, lower_order_final=lower_order_final, max_steps=m) for n in steps_list]
    return jnp.stack(ts), jnp.stack(orders)


# --------------------------------------------------------------------------- the entry points


def _check_model(model, x_T):
    dtype = x_T.dtype
    try:
        out = jax.eval_shape(model, jax.ShapeDtypeStruct(x_T.shape[1:], dtype), jax.ShapeDtypeStruct((), dtype))
        out_shape = getattr(out, "shape", None)
    except (TypeError, ValueError) as err:
        raise ValueError(
            f"model failed on one row of x_T with shape {x_T.shape[1:]} (dimension mismatch?): {err}"
        ) from None
    if out_shape != x_T.shape[1:]:
        raise ValueError(f"model output shape {out_shape} must match one row of x_T {x_T.shape[1:]}")


def sample(
    model,
    x_T,
    schedule,
    solver: str | Solver = "dpm++2m",
    grid: TimeGrid | int | None = None,
    *,
    prediction: str = "x0",
    options: SolverOptions | None = None,
    key=None,
    return_trajectory: bool = False,
):
    r"""Integrate from ``x_T`` at ``grid.t_start`` to ``grid.t_end`` with ``solver`` (the one entry point).

    Args:
        model: ``model(x: (d,), t: scalar) -> (d,)``, a prediction of target ``prediction``.
        x_T: ``(n, d)`` starting points at ``t_start``.
        schedule: a :class:`~priorscope.diffusion.schedules.Schedule`.
        solver: a :class:`Solver` or the name of one in :data:`SOLVERS`.
        grid: a :class:`TimeGrid`; an int ``N`` means ``TimeGrid(N)`` (``N`` log-SNR-uniform steps from 1 to 1e-3);
            ``None`` means ``TimeGrid()`` (20 such steps).
        prediction: what ``model`` predicts, one of ``("x0", "eps", "score", "v")``.
        options: a :class:`SolverOptions` (final-step order lowering, dynamic thresholding, ``zeta``); ``None``
            means the defaults.
        key: PRNG key, required by a stochastic solver.
        return_trajectory: also return every grid point.

    Returns:
        ``(n, d)`` samples at ``t_end``, or ``(num_steps + 1, n, d)`` (``(max_steps + 1, n, d)``) when
        ``return_trajectory``.

    Raises:
        ValueError: unknown solver, prediction or grid kind; ``num_steps < 1``; times outside (0, 1]; ``x_T`` not
            2-D; a model whose output shape differs from its input's; a missing ``key`` for a stochastic solver.

    Examples:
        >>> import jax
        >>> from priorscope.diffusion import VPLinear, gmm
        >>> mix = gmm.ring(4, radius=2.0, std=0.3)
        >>> x = sample(gmm.denoiser(mix, VPLinear()), jax.random.normal(jax.random.key(0), (3, 2)), VPLinear(),
        ...            "dpm++2m", TimeGrid(num_steps=10))
        >>> x.shape
        (3, 2)
    """
    solver = get_solver(solver)
    grid = TimeGrid() if grid is None else grid if isinstance(grid, TimeGrid) else TimeGrid(grid)
    ts = grid.times(schedule)
    options = _check_options(options)
    orders = step_orders(solver, grid.num_steps, lower_order_final=options.lower_order_final, max_steps=grid.max_steps)
    return integrate(
        model, x_T, schedule, ts, solver, orders=orders, prediction=prediction, options=options, key=key,
        return_trajectory=return_trajectory,
    )  # fmt: skip


def _check_options(options):
    if options is None:
        return SolverOptions()
    check_type("options", options, SolverOptions, "a SolverOptions")
    threshold = options.threshold
    if threshold is not None:
        threshold = check_positive("threshold", threshold)
    return SolverOptions(
        check_bool("lower_order_final", options.lower_order_final),
        threshold,
        check_interval("threshold_ratio", options.threshold_ratio, 0.0, 1.0, low_open=True),
        check_nonnegative("zeta", options.zeta),
    )


def integrate(
    model,
    x_T,
    schedule,
    ts,
    solver: str | Solver = "dpm++2m",
    *,
    orders=None,
    prediction: str = "x0",
    options: SolverOptions | None = None,
    key=None,
    return_trajectory: bool = False,
):
    r"""Integrate along an explicit, possibly traced, decreasing time grid ``ts`` ``(M + 1,)``.

    The grid may end with repeated values (padding); those zero-length steps leave the state unchanged, so
    grids with different step counts can share one compilation (see :func:`padded_grids`). ``orders``
    ``(M,)`` gives the order of each multistep step (default: :func:`step_orders` without final-step
    lowering). Other arguments are as in :func:`sample` (``options.lower_order_final`` is not used here: the
    orders are given).

    Returns:
        ``(n, d)`` at ``ts[-1]``, or the ``(M + 1, n, d)`` trajectory when ``return_trajectory``.
    """
    solver = get_solver(solver)
    check_choice("prediction", prediction, TARGETS)
    x_T = jnp.asarray(x_T)
    if x_T.ndim != 2:
        raise ValueError(f"x_T must have shape (n, d), got shape {x_T.shape}")
    options = _check_options(options)
    threshold, threshold_ratio = options.threshold, options.threshold_ratio
    if solver.stochastic and key is None:
        raise ValueError(f"solver {solver.name!r} needs a PRNG key: pass key=jax.random.key(seed)")
    dtype = x_T.dtype if jnp.issubdtype(x_T.dtype, jnp.floating) else jnp.result_type(float)
    x_T = check_finite("x_T", x_T.astype(dtype))
    _check_model(model, x_T)
    ts = jnp.asarray(ts, dtype=dtype)
    if ts.ndim != 1 or ts.shape[0] < 2:
        raise ValueError(f"ts must have shape (M + 1,) with M >= 1, got shape {ts.shape}")
    # a NaN step would be skipped silently; times run from t_start down to t_end inside (0, 1]
    ts = check_interval("ts", ts, 0.0, 1.0, low_open=True)
    ts = check_increasing("ts", ts, strict=False, decreasing=True)
    num_steps = ts.shape[0] - 1
    if solver.log_snr:
        lam_start = schedule.log_snr(ts[0])
        if is_concrete(lam_start) and not np.isfinite(np.asarray(lam_start)):
            raise ValueError(
                f"solver {solver.name!r} works in log-SNR and needs a finite lambda(t_start); "
                f"got lambda({float(ts[0])}) = {float(lam_start)} (use t_start < 1 for this schedule)"
            )
    if orders is None:
        orders = jnp.minimum(solver.order, jnp.arange(1, num_steps + 1)) if solver.multistep else None
    if orders is None:
        orders = jnp.ones((num_steps,), dtype=jnp.int32)
    orders = jnp.asarray(orders)
    if orders.shape != (num_steps,):
        raise ValueError(f"orders must have shape ({num_steps},) to match ts, got shape {orders.shape}")
    batched = jax.vmap(model, in_axes=(0, None))

    def x0_eps(x, t, coef=None):
        a, s, da, ds = coefficients(schedule, t) if coef is None else coef
        x0, eps = x0_eps_from(batched(x, t), prediction, x, a, s, da, ds)
        if threshold is not None:
            x0 = dynamic_threshold(x0, threshold, threshold_ratio)
            eps = (x - a * x0) / s
        return x0, eps

    def velocity(x, t):
        a, s, da, ds = coef = coefficients(schedule, t)
        x0, eps = x0_eps(x, t, coef)
        return da * x0 + ds * eps

    # zeta in the state's dtype: a traced float64 zeta must not promote a float32 state (scan needs one carry type)
    fields = ModelFields(schedule, x0_eps, velocity, jnp.asarray(options.zeta, dtype))
    noise = None
    if solver.stochastic:
        assert key is not None  # checked above
        noise = jax.random.normal(key, (num_steps, *x_T.shape), dtype=dtype)

    def body(carry, inp):
        # the state keeps its dtype (a float64 schedule under x64 must not promote a float32 state)
        carry = jax.tree_util.tree_map(lambda new, old: new.astype(old.dtype), solver.step(fields, carry, inp), carry)
        return carry, carry[0]

    _, xs = jax.lax.scan(body, solver.init(fields, x_T, ts[0]), StepInput(ts[:-1], ts[1:], orders, noise))
    if return_trajectory:
        return jnp.concatenate([x_T[None], xs], axis=0)
    return xs[-1]
