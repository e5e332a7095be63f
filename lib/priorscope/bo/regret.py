r"""Regret bookkeeping for a sequence of evaluations (maximisation).

For true values :math:`f(x_1), \dots, f(x_T)` of the evaluated points and the optimum :math:`f^\ast`:

.. math::
    r_t = f^\ast - f(x_t), \qquad R_T = \sum_{t \le T} r_t, \qquad
    s_t = f^\ast - \max_{i \le t} f(x_i),

the instantaneous, cumulative (Srinivas et al., 2010) and simple regret of the best point evaluated so far
(the usual BO benchmark metric; with noisy observations it uses the *true* values, an oracle quantity).
All functions work on the last axis, so a ``(seeds, T)`` array gives per-seed curves.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from priorscope._checks import check_finite, is_concrete

__all__ = ["instantaneous_regret", "cumulative_regret", "simple_regret"]


def _check(f_opt, f_values):
    f_values = jnp.asarray(f_values)
    if f_values.ndim < 1 or f_values.shape[-1] < 1:
        raise ValueError(f"f_values must have shape (..., T) with T >= 1, got shape {f_values.shape}")
    f_values = check_finite("f_values", f_values)
    f_opt = check_finite("f_opt", f_opt)
    f_opt = jnp.asarray(f_opt)
    if f_opt.ndim > f_values.ndim - 1 or f_opt.shape != f_values.shape[: f_opt.ndim]:
        raise ValueError(
            f"f_opt must be a scalar or have the leading shape of f_values {f_values.shape[:-1]}, got {f_opt.shape}"
        )
    f_opt_b = f_opt.reshape(f_opt.shape + (1,) * (f_values.ndim - f_opt.ndim))
    if is_concrete(f_values) and is_concrete(f_opt):
        excess = np.max(np.asarray(f_values) - np.asarray(f_opt_b))
        if excess > 1e-6 * (1.0 + float(np.max(np.abs(np.asarray(f_opt))))):
            raise ValueError(f"f_opt must be the maximum of f, but some f_values exceed it by {excess:.3g}")
    return f_opt_b, f_values


def instantaneous_regret(f_opt, f_values) -> jax.Array:
    """:math:`r_t = f^\\ast - f(x_t)`.

    Args:
        f_opt: optimum f*, scalar or shape ``(...)`` (the leading dims of ``f_values``).
        f_values: true values at the evaluated points, shape ``(..., T)``.

    Returns:
        Shape ``(..., T)``, ≥ 0.
    """
    f_opt, f_values = _check(f_opt, f_values)
    return f_opt - f_values


def cumulative_regret(f_opt, f_values) -> jax.Array:
    """:math:`R_t = \\sum_{i \\le t} (f^\\ast - f(x_i))`, shape ``(..., T)`` (non-decreasing)."""
    f_opt, f_values = _check(f_opt, f_values)
    return jnp.cumsum(f_opt - f_values, axis=-1)


def simple_regret(f_opt, f_values) -> jax.Array:
    """:math:`s_t = f^\\ast - \\max_{i \\le t} f(x_i)`, shape ``(..., T)`` (non-increasing)."""
    f_opt, f_values = _check(f_opt, f_values)
    return f_opt - jax.lax.cummax(f_values, axis=f_values.ndim - 1)
