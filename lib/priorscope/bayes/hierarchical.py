"""Exact posterior moments of the eight-schools model by one-dimensional quadrature (a reference for NUTS).

Integrating the school effects and the grand mean out analytically leaves a one-dimensional posterior for the
between-school scale :math:`\\tau`:

.. math::
    y_j \\mid \\mu, \\tau \\sim \\mathcal N(\\mu, \\sigma_j^2 + \\tau^2), \\qquad \\mu \\sim \\mathcal N(0, s_\\mu^2),

so :math:`p(\\tau \\mid y) \\propto p(\\tau)\\, p(y \\mid \\tau)` with a closed-form Gaussian marginal likelihood.
With :math:`\\tau = s\\tan u` a half-Cauchy(s) prior becomes uniform in :math:`u \\in (0, \\pi/2)`, and the
trapezoid rule on a fine grid of :math:`u` gives the moments to many digits.
"""

from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from priorscope._checks import check_int, check_ndim, check_positive

__all__ = ["EightSchoolsMoments", "eight_schools_exact_moments"]


class EightSchoolsMoments(NamedTuple):
    """Posterior moments of the eight-schools model."""

    mu_mean: jax.Array
    mu_sd: jax.Array
    tau_mean: jax.Array
    tau_sd: jax.Array


def _log_marginal(tau: jax.Array, y: jax.Array, sigma: jax.Array, mu_scale: float) -> tuple[jax.Array, ...]:
    v = sigma**2 + tau**2
    precision = 1.0 / mu_scale**2 + jnp.sum(1.0 / v)
    b = jnp.sum(y / v)
    log_l = (
        -0.5 * jnp.log(2 * jnp.pi * mu_scale**2)
        + 0.5 * jnp.log(2 * jnp.pi / precision)
        - 0.5 * jnp.sum(jnp.log(2 * jnp.pi * v))
        - 0.5 * jnp.sum(y**2 / v)
        + 0.5 * b**2 / precision
    )
    mu_mean = b / precision
    mu_var = 1.0 / precision
    return log_l, mu_mean, mu_var


def eight_schools_exact_moments(
    y: jax.Array, sigma: jax.Array, tau_scale: float = 5.0, mu_scale: float = 5.0, num_points: int = 200_001
) -> EightSchoolsMoments:
    r"""Posterior mean and sd of :math:`\mu` and :math:`\tau` in the non-centred eight-schools model.

    Prior: :math:`\mu \sim \mathcal N(0, s_\mu^2)`, :math:`\tau \sim \mathrm{HalfCauchy}(s_\tau)` (as in
    :func:`priorscope.bayes.eight_schools_noncentered`). Use float64 for many-digit accuracy.

    Args:
        y: school estimates, shape ``(J,)``.
        sigma: their standard errors, shape ``(J,)``, > 0.
        tau_scale: half-Cauchy scale :math:`s_\tau > 0`.
        mu_scale: prior sd :math:`s_\mu > 0` of the grand mean.
        num_points: quadrature points in :math:`u`, >= 1001.
    """
    check_ndim("y", y, 1)
    check_ndim("sigma", sigma, 1)
    if np.shape(y) != np.shape(sigma):
        raise ValueError(f"y and sigma must have the same shape, got {np.shape(y)} and {np.shape(sigma)}")
    sigma = check_positive("sigma", sigma)
    tau_scale = check_positive("tau_scale", tau_scale)
    mu_scale = check_positive("mu_scale", mu_scale)
    num_points = check_int("num_points", num_points, min_value=1001)
    y, sigma = jnp.asarray(y), jnp.asarray(sigma)
    u = jnp.linspace(0.0, jnp.pi / 2, num_points)[1:-1]
    tau = tau_scale * jnp.tan(u)
    log_l, m, v = jax.vmap(lambda t: _log_marginal(t, y, sigma, mu_scale))(tau)
    w = jnp.exp(log_l - jnp.max(log_l))
    w = w / jnp.trapezoid(w, u)

    def expect(f: jax.Array) -> jax.Array:
        return jnp.trapezoid(w * f, u)

    mu_mean = expect(m)
    mu_sd = jnp.sqrt(expect(v + m**2) - mu_mean**2)
    tau_mean = expect(tau)
    tau_sd = jnp.sqrt(expect(tau**2) - tau_mean**2)
    return EightSchoolsMoments(mu_mean, mu_sd, tau_mean, tau_sd)
