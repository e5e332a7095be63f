r"""Samplers for the probability-flow ODE and the ζ-family of reverse SDEs, behind one entry point.

A *model* is a function of ONE point and a time, ``model(x: (d,), t: scalar) -> (d,)``, that predicts one of
the four targets (``prediction="x0"`` by default: the denoiser :math:`\hat x_0(x, t)`; see
:mod:`priorscope.diffusion.targets`). :func:`sample` vmaps it over the rows of ``x_T`` and integrates from
``t_start`` down to ``t_end`` on a :func:`~priorscope.diffusion.schedules.time_grid`.

Solvers (``NFE`` = model evaluations):

* ``"euler"`` / ``"heun"``: explicit Euler and Heun (trapezoid) on :math:`\mathrm dx/\mathrm dt = v(x, t)`
  (orders 1 and 2; ``steps`` and ``2 steps`` NFE).
* ``"ddim"`` (= ``"dpm++1"`` = ``"dpm1"``): the first-order exponential integrator, exact for a constant
  :math:`\hat x_0`: :math:`x_t = \tfrac{\sigma_t}{\sigma_s}x_s - \alpha_t(e^{-h}-1)\hat x_0(x_s, s)`,
  :math:`h = \lambda_t - \lambda_s`.
* ``"dpm++2m"``, ``"dpm++3m"``: DPM-Solver++ multistep of order 2 and 3 in the data prediction
  :math:`\hat x_0` (Lu et al. 2022b, arXiv:2211.01095). With :math:`r = h_{i-1}/h_i`,
  :math:`D = (1 + \tfrac1{2r})\hat x_0^{(i-1)} - \tfrac1{2r}\hat x_0^{(i-2)}` replaces :math:`\hat x_0` in the
  DDIM step; the third order adds a second divided difference. Early steps use the orders that the history
  allows; with ``lower_order_final`` and fewer than 10 steps the final steps drop order (as the official
  code does).
* ``"dpm2m"``, ``"dpm3m"``: the same multistep rules in the noise prediction :math:`\hat\varepsilon`
  (DPM-Solver, Lu et al. 2022a, arXiv:2206.00927), the exact dual under
  :math:`(\alpha, \sigma, \lambda, \hat x_0) \leftrightarrow (\sigma, \alpha, -\lambda, \hat\varepsilon)`.
* ``"euler_maruyama"``: the reverse-time SDE family that shares the marginals :math:`p_t`,

  .. math::

      \mathrm dx = \big[f_t x - \tfrac12(1 + \zeta^2) g_t^2 \nabla\log p_t(x)\big]\mathrm dt
      + \zeta g_t\, \mathrm d\bar W_t,

  from the probability-flow ODE (:math:`\zeta = 0`) to the reverse SDE of Song et al. (2021)
  (:math:`\zeta = 1`). Needs ``key``.

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

import jax
import jax.numpy as jnp
import numpy as np

from priorscope._checks import (
    check_finite,
    check_increasing,
    check_interval,
    check_nonnegative,
    check_positive,
    is_concrete,
)

from .schedules import GRID_KINDS, time_grid
from .targets import TARGETS, coefficients, x0_eps_from

__all__ = [
    "SOLVERS",
    "sample",
    "integrate",
    "step_orders",
    "padded_grids",
    "nfe",
    "order_of",
    "dynamic_threshold",
]

_MULTISTEP = {
    "ddim": ("data", 1),
    "dpm++1": ("data", 1),
    "dpm++2m": ("data", 2),
    "dpm++3m": ("data", 3),
    "dpm1": ("noise", 1),
    "dpm2m": ("noise", 2),
    "dpm3m": ("noise", 3),
}
SOLVERS = ("euler", "heun", *_MULTISTEP, "euler_maruyama")


def order_of(solver: str) -> int:
    """Nominal convergence order of a deterministic ``solver`` (Euler–Maruyama: 1 for ζ=0)."""
    _check_solver(solver)
    if solver in _MULTISTEP:
        return _MULTISTEP[solver][1]
    return 2 if solver == "heun" else 1


def nfe(solver: str, steps: int) -> int:
    """Number of model evaluations used by ``sample(..., solver=solver, steps=steps)``."""
    _check_solver(solver)
    return 2 * steps if solver == "heun" else steps


def _check_solver(solver):
    if solver not in SOLVERS:
        raise ValueError(f"solver must be one of {SOLVERS}, got {solver!r}")


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


def step_orders(solver: str, steps, *, lower_order_final: bool = True, max_steps=None):
    """Per-step orders of a multistep solver, shape ``(steps,)`` (or ``(max_steps,)``, padded with 1).

    Orders warm up from 1 while the history fills; with ``lower_order_final`` and ``steps < 10`` the final
    steps drop order, as in the official DPM-Solver code. ``steps`` may be traced when ``max_steps`` is given.
    """
    order = order_of(solver)
    length = int(steps) if max_steps is None else max_steps
    k = jnp.arange(1, length + 1)
    orders = jnp.minimum(order, k)
    if lower_order_final:
        orders = jnp.where(steps < 10, jnp.minimum(orders, steps + 1 - k), orders)
    return jnp.where(k <= steps, jnp.maximum(orders, 1), 1).astype(jnp.int32)


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
    *,
    solver: str = "dpm++2m",
    steps: int = 20,
    prediction: str = "x0",
    grid: str = "logsnr",
    t_start=1.0,
    t_end=1e-3,
    lower_order_final: bool = True,
    threshold=None,
    threshold_ratio: float = 0.995,
    zeta=0.0,
    key=None,
    return_trajectory: bool = False,
    max_steps=None,
):
    r"""Integrate from ``x_T`` at ``t_start`` to ``t_end`` with one of ``SOLVERS`` (the one entry point).

    Args:
        model: ``model(x: (d,), t: scalar) -> (d,)``, a prediction of target ``prediction``.
        x_T: ``(n, d)`` starting points at ``t_start``.
        schedule: a :class:`~priorscope.diffusion.schedules.Schedule`.
        solver: one of ``SOLVERS``.
        steps: number of steps :math:`N \ge 1` (static unless ``max_steps`` is given).
        prediction: what ``model`` predicts, one of ``("x0", "eps", "score", "v")``.
        grid: time-grid kind, one of ``("uniform", "logsnr", "quadratic", "edm")``.
        t_start: initial time in (0, 1]; log-SNR solvers need a finite :math:`\lambda(t_{start})`.
        t_end: final time in (0, t_start).
        lower_order_final: multistep solvers drop order on the last steps when ``steps < 10``.
        threshold: ``None`` (off) or the floor :math:`s_{min} > 0` of dynamic thresholding of
            :math:`\hat x_0`.
        threshold_ratio: quantile level of dynamic thresholding.
        zeta: :math:`\zeta \ge 0` of ``"euler_maruyama"`` (may be traced).
        key: PRNG key, required by ``"euler_maruyama"``.
        return_trajectory: also return every grid point.
        max_steps: optional static grid length; then ``steps`` may be a traced value (a slider) and the grid
            is padded with zero-length steps, so changing ``steps`` never recompiles.

    Returns:
        ``(n, d)`` samples at ``t_end``, or ``(steps + 1, n, d)`` (``(max_steps + 1, n, d)``) when
        ``return_trajectory``.

    Raises:
        ValueError: unknown solver, prediction or grid; ``steps < 1``; times outside (0, 1]; ``x_T`` not 2-D;
            a model whose output shape differs from its input's; a missing ``key`` for Euler–Maruyama.
    """
    _check_solver(solver)
    if grid not in GRID_KINDS:
        raise ValueError(f"grid must be one of {GRID_KINDS}, got {grid!r}")
    ts = time_grid(schedule, steps, kind=grid, t_start=t_start, t_end=t_end, max_steps=max_steps)
    orders = None
    if solver in _MULTISTEP:
        orders = step_orders(solver, steps, lower_order_final=lower_order_final, max_steps=max_steps)
    return integrate(
        model, x_T, schedule, ts, solver=solver, orders=orders, prediction=prediction, threshold=threshold,
        threshold_ratio=threshold_ratio, zeta=zeta, key=key, return_trajectory=return_trajectory,
    )  # fmt: skip


def padded_grids(schedule, steps_list, solver: str, *, grid="logsnr", t_start=1.0, t_end=1e-3, lower_order_final=True):
    """Grids for several step counts padded to one length, so ONE compiled :func:`integrate` serves them all.

    A grid with ``N`` steps is padded to ``M = max(steps_list)`` steps by repeating ``t_end``;
    :func:`integrate` treats a zero-length step as a no-op. Use with ``jax.vmap`` over the returned arrays.

    Returns:
        ``(ts, orders)`` of shapes ``(S, M + 1)`` and ``(S, M)`` (orders are 1 where a solver has none).
    """
    steps_list = [int(n) for n in steps_list]
    if not steps_list or min(steps_list) < 1:
        raise ValueError(f"steps_list must hold ints >= 1, got {steps_list}")
    m = max(steps_list)
    ts = [time_grid(schedule, n, kind=grid, t_start=t_start, t_end=t_end, max_steps=m) for n in steps_list]
    if solver in _MULTISTEP:
        orders = [step_orders(solver, n, lower_order_final=lower_order_final, max_steps=m) for n in steps_list]
    else:
        orders = [jnp.ones((m,), dtype=jnp.int32) for _ in steps_list]
    return jnp.stack(ts), jnp.stack(orders)


def integrate(
    model,
    x_T,
    schedule,
    ts,
    *,
    solver: str = "dpm++2m",
    orders=None,
    prediction: str = "x0",
    threshold=None,
    threshold_ratio: float = 0.995,
    zeta=0.0,
    key=None,
    return_trajectory: bool = False,
):
    r"""Integrate along an explicit, possibly traced, decreasing time grid ``ts`` ``(M + 1,)``.

    The grid may end with repeated values (padding); those zero-length steps leave the state unchanged, so
    grids with different step counts can share one compilation (see :func:`padded_grids`). ``orders``
    ``(M,)`` gives the order of each multistep step (default: :func:`step_orders` without final-step
    lowering). Other arguments are as in :func:`sample`.

    Returns:
        ``(n, d)`` at ``ts[-1]``, or the ``(M + 1, n, d)`` trajectory when ``return_trajectory``.
    """
    _check_solver(solver)
    if prediction not in TARGETS:
        raise ValueError(f"prediction must be one of {TARGETS}, got {prediction!r}")
    x_T = jnp.asarray(x_T)
    if x_T.ndim != 2:
        raise ValueError(f"x_T must have shape (n, d), got shape {x_T.shape}")
    if threshold is not None:
        threshold = check_positive("threshold", threshold)
    zeta = check_nonnegative("zeta", zeta)
    threshold_ratio = check_interval("threshold_ratio", threshold_ratio, 0.0, 1.0, low_open=True)
    if solver == "euler_maruyama" and key is None:
        raise ValueError("solver 'euler_maruyama' needs a PRNG key: pass key=jax.random.key(seed)")
    dtype = x_T.dtype if jnp.issubdtype(x_T.dtype, jnp.floating) else jnp.result_type(float)
    x_T = check_finite("x_T", x_T.astype(dtype))
    _check_model(model, x_T)
    ts = jnp.asarray(ts, dtype=dtype)
    if ts.ndim != 1 or ts.shape[0] < 2:
        raise ValueError(f"ts must have shape (M + 1,) with M >= 1, got shape {ts.shape}")
    # a NaN step would be skipped silently; times run from t_start down to t_end inside (0, 1]
    ts = check_interval("ts", ts, 0.0, 1.0, low_open=True)
    ts = check_increasing("ts", ts, strict=False, decreasing=True)
    steps = ts.shape[0] - 1
    batched = jax.vmap(model, in_axes=(0, None))

    def x0_eps(x, t, coef=None):
        a, s, da, ds = coefficients(schedule, t) if coef is None else coef
        x0, eps = x0_eps_from(batched(x, t), prediction, x, a, s, da, ds)
        if threshold is not None:
            x0 = dynamic_threshold(x0, threshold, threshold_ratio)
            eps = (x - a * x0) / s
        return x0, eps

    def vel(x, t):
        a, s, da, ds = coef = coefficients(schedule, t)
        x0, eps = x0_eps(x, t, coef)
        return da * x0 + ds * eps

    if solver in _MULTISTEP:
        lam_start = schedule.log_snr(ts[0])
        if is_concrete(lam_start) and not np.isfinite(np.asarray(lam_start)):
            raise ValueError(
                f"solver {solver!r} works in log-SNR and needs a finite lambda(t_start); "
                f"got lambda({float(ts[0])}) = {float(lam_start)} (use t_start < 1 for this schedule)"
            )
        kind, order = _MULTISTEP[solver]
        if orders is None:
            orders = jnp.minimum(order, jnp.arange(1, steps + 1))
        orders = jnp.asarray(orders)
        if orders.shape != (steps,):
            raise ValueError(f"orders must have shape ({steps},) to match ts, got shape {orders.shape}")
        if kind == "data":
            a_of, s_of, lam_of = schedule.alpha, schedule.sigma, schedule.log_snr
        else:
            a_of, s_of = schedule.sigma, schedule.alpha
            lam_of = lambda t: -schedule.log_snr(t)

        def body(carry, inp):
            x, m1, m2, lam1, lam2 = carry
            t_s, t_t, o = inp
            x0, eps = x0_eps(x, t_s)
            m0 = x0 if kind == "data" else eps
            lam_s, lam_t = lam_of(t_s), lam_of(t_t)
            h = lam_t - lam_s
            live = t_t < t_s
            h_safe = jnp.where(live, h, 1.0)
            x_new = _multistep_update(
                x, m0, m1, m2, h_safe, lam_s - lam1, lam1 - lam2, a_of(t_t), s_of(t_t) / s_of(t_s), o
            )
            new = (x_new, m0, m1, lam_s, lam1)
            carry = jax.tree_util.tree_map(lambda n, c: jnp.where(live, n, c), new, carry)
            return carry, carry[0]

        zeros = jnp.zeros_like(x_T)
        lam0 = lam_of(ts[0])
        _, xs = jax.lax.scan(body, (x_T, zeros, zeros, lam0, lam0), (ts[:-1], ts[1:], orders))
    elif solver in ("euler", "heun"):

        def body(x, inp):
            t_s, t_t = inp
            dt = t_t - t_s
            v1 = vel(x, t_s)
            x_new = x + dt * v1
            if solver == "heun":
                x_new = x + 0.5 * dt * (v1 + vel(x_new, t_t))
            return x_new, x_new

        _, xs = jax.lax.scan(body, x_T, (ts[:-1], ts[1:]))
    else:
        noise = jax.random.normal(key, (steps, *x_T.shape), dtype=dtype)

        def body(x, inp):
            t_s, t_t, z = inp
            dt = t_t - t_s
            a, s, da, ds = coef = coefficients(schedule, t_s)
            _, eps = x0_eps(x, t_s, coef)
            score = -eps / s
            f = da / a
            g2 = 2.0 * s * ds - 2.0 * f * s**2
            drift = f * x - 0.5 * (1.0 + zeta**2) * g2 * score
            x_new = x + dt * drift + zeta * jnp.sqrt(g2 * (-dt)) * z
            return x_new, x_new

        _, xs = jax.lax.scan(body, x_T, (ts[:-1], ts[1:], noise))

    if return_trajectory:
        return jnp.concatenate([x_T[None], xs], axis=0)
    return xs[-1]
