"""Closed-form posteriors: the ground truth that sampler output is checked against."""

from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp

from priorscope._checks import check_finite, check_ndim, check_positive, is_concrete

__all__ = ["NormalPosterior", "normal_normal_posterior", "normal_mean_prior_predictive", "beta_binomial_posterior"]


class NormalPosterior(NamedTuple):
    """A normal posterior ``N(mean, scale²)``."""

    mean: jax.Array
    scale: jax.Array


def normal_normal_posterior(
    y: jax.Array, prior_mean: jax.Array, prior_scale: jax.Array, noise_scale: jax.Array
) -> NormalPosterior:
    r"""Posterior of the mean :math:`\mu` of normal data with known noise under a normal prior.

    Model: :math:`\mu \sim \mathcal N(\mu_0, \tau^2)`, :math:`y_i \mid \mu \sim \mathcal N(\mu, \sigma^2)`,
    :math:`i = 1..n`. Then

    .. math::
        \mu \mid y \sim \mathcal N\!\Big(\frac{\mu_0/\tau^2 + \sum_i y_i/\sigma^2}{1/\tau^2 + n/\sigma^2},\;
        \frac{1}{1/\tau^2 + n/\sigma^2}\Big).

    Args:
        y: observations, shape ``(n,)`` (``n`` may be 0: the posterior is the prior).
        prior_mean: :math:`\mu_0`.
        prior_scale: :math:`\tau > 0`.
        noise_scale: :math:`\sigma > 0`.

    Returns:
        :class:`NormalPosterior` with scalar ``mean`` and ``scale``.
    """
    check_ndim("y", y, 1)
    y = check_finite("y", y)
    prior_scale = check_positive("prior_scale", prior_scale)
    noise_scale = check_positive("noise_scale", noise_scale)
    y = jnp.asarray(y)
    precision = 1.0 / prior_scale**2 + y.shape[0] / noise_scale**2
    mean = (prior_mean / prior_scale**2 + jnp.sum(y) / noise_scale**2) / precision
    return NormalPosterior(mean, 1.0 / jnp.sqrt(precision))


def normal_mean_prior_predictive(
    prior_mean: jax.Array, prior_scale: jax.Array, noise_scale: jax.Array, num_data: int
) -> NormalPosterior:
    r"""Prior predictive distribution of the sample mean :math:`\bar y` in the normal-mean model.

    With :math:`\mu \sim \mathcal N(\mu_0, \tau^2)` and :math:`y_i \mid \mu \sim \mathcal N(\mu, \sigma^2)`,
    :math:`\bar y = \mu + \bar\varepsilon` is a sum of independent normals, so

    .. math::
        \bar y \sim \mathcal N\!\big(\mu_0,\; \tau^2 + \sigma^2/n\big).

    Args:
        prior_mean: :math:`\mu_0`.
        prior_scale: :math:`\tau > 0`.
        noise_scale: :math:`\sigma > 0`.
        num_data: :math:`n \ge 1`.

    Returns:
        :class:`NormalPosterior` (a normal ``N(mean, scale²)``) of :math:`\bar y`.
    """
    check_positive("prior_scale", prior_scale)
    check_positive("noise_scale", noise_scale)
    if isinstance(num_data, bool) or not isinstance(num_data, int) or num_data < 1:
        raise ValueError(f"num_data must be an integer >= 1, got {num_data!r}")
    var = jnp.asarray(prior_scale) ** 2 + jnp.asarray(noise_scale) ** 2 / num_data
    return NormalPosterior(jnp.asarray(prior_mean, dtype=var.dtype), jnp.sqrt(var))


def beta_binomial_posterior(
    successes: jax.Array, trials: jax.Array, alpha: jax.Array, beta: jax.Array
) -> tuple[jax.Array, jax.Array]:
    r"""Beta posterior of a success probability: :math:`\mathrm{Beta}(\alpha + k, \beta + n - k)`.

    Args:
        successes: :math:`k`, with ``0 <= k <= n``.
        trials: :math:`n >= 0`.
        alpha, beta: prior pseudo-counts, > 0.

    Returns:
        The posterior ``(alpha', beta')``.
    """
    alpha = check_positive("alpha", alpha)
    beta = check_positive("beta", beta)
    if is_concrete((successes, trials)):
        k, n = jnp.asarray(successes), jnp.asarray(trials)
        if bool(jnp.any(n < 0)) or bool(jnp.any((k < 0) | (k > n))):
            raise ValueError(f"need 0 <= successes <= trials, got successes={k}, trials={n}")
    return alpha + successes, beta + trials - successes
