"""Importance weights in log space: normalisation, effective sample size, self-normalised estimates.

Particle methods carry unnormalised log-weights :math:`\\log \\tilde w_i`. Everything here works in log space
(``logsumexp``), so weights that differ by hundreds of nats neither overflow nor underflow:

.. math::

    w_i = \\frac{\\exp(\\log \\tilde w_i)}{\\sum_j \\exp(\\log \\tilde w_j)}, \\qquad
    \\mathrm{ESS} = \\frac{1}{\\sum_i w_i^2} = \\frac{(\\sum_i \\tilde w_i)^2}{\\sum_i \\tilde w_i^2}.

The ESS runs from 1 (one particle holds all the weight) to :math:`N` (equal weights) (Kong, Liu and Wong 1994;
see Chopin and Papaspiliopoulos 2020, *An Introduction to Sequential Monte Carlo*, ch. 8).
"""

from __future__ import annotations

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
from jax.scipy.special import logsumexp

from priorscope._checks import is_concrete

__all__ = [
    "check_log_weights",
    "log_normalize",
    "normalize",
    "ess",
    "log_ess",
    "ess_fraction",
    "log_mean_weight",
    "weighted_mean",
    "weighted_var",
]


def check_log_weights(log_weights: jax.Array, name: str = "log_weights") -> jax.Array:
    """Validate the shape of a log-weight vector at a public boundary.

    Args:
        log_weights: array of shape ``(n,)`` with ``n >= 1``.
        name: the argument name used in the error message.

    Returns:
        ``log_weights`` as a JAX array.

    Raises:
        ValueError: if the array is not one-dimensional or is empty.
    """
    log_weights = jnp.asarray(log_weights)
    if log_weights.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional with shape (n,), got shape {log_weights.shape}")
    if log_weights.shape[0] < 1:
        raise ValueError(f"{name} must hold at least 1 particle, got shape {log_weights.shape}")
    # NaN or +inf log-weights, or all weights zero (every entry -inf), give NaN or meaningless results
    if is_concrete(log_weights):
        lw = np.asarray(log_weights, dtype=float)
        if np.any(np.isnan(lw) | (lw == np.inf)) or np.all(lw == -np.inf):
            raise ValueError(
                f"{name} must be < +inf and not NaN, with at least one > -inf, got {lw if lw.size <= 8 else lw[:8]}"
            )
        return log_weights
    bad = jnp.any(jnp.isnan(log_weights) | (log_weights == jnp.inf)) | jnp.all(log_weights == -jnp.inf)
    return eqx.error_if(
        log_weights, bad, f"{name} must be < +inf and not NaN, with at least one > -inf (a traced value was not)"
    )


def log_normalize(log_weights: jax.Array) -> tuple[jax.Array, jax.Array]:
    """Normalised log-weights and the log of the normaliser.

    Args:
        log_weights: unnormalised log-weights, shape ``(n,)``.

    Returns:
        ``(log_w, log_z)``: ``log_w`` of shape ``(n,)`` with ``logsumexp(log_w) = 0``, and the scalar
        ``log_z = logsumexp(log_weights)``.
    """
    log_weights = check_log_weights(log_weights)
    log_z = logsumexp(log_weights)
    return log_weights - log_z, log_z


def normalize(log_weights: jax.Array) -> jax.Array:
    """Normalised weights :math:`w_i`, shape ``(n,)``, summing to one."""
    log_w, _ = log_normalize(log_weights)
    return jnp.exp(log_w)


def log_ess(log_weights: jax.Array) -> jax.Array:
    """Log of the effective sample size: :math:`2\\,\\mathrm{lse}(\\log\\tilde w) - \\mathrm{lse}(2\\log\\tilde w)`."""
    log_weights = check_log_weights(log_weights)
    shifted = log_weights - jax.lax.stop_gradient(jnp.max(log_weights))  # keeps float32 precise at any offset
    return 2.0 * logsumexp(shifted) - logsumexp(2.0 * shifted)


def ess(log_weights: jax.Array) -> jax.Array:
    """Effective sample size :math:`1/\\sum_i w_i^2`, a scalar in ``[1, n]``.

    Examples:
        >>> import jax.numpy as jnp
        >>> float(ess(jnp.zeros(8)))
        8.0
    """
    return jnp.exp(log_ess(log_weights))


def ess_fraction(log_weights: jax.Array) -> jax.Array:
    """ESS divided by the number of particles, a scalar in ``[1/n, 1]``."""
    log_weights = check_log_weights(log_weights)
    return ess(log_weights) / log_weights.shape[0]


def log_mean_weight(log_weights: jax.Array) -> jax.Array:
    """:math:`\\log \\frac1n\\sum_i \\tilde w_i`: the importance-sampling estimate of a log normalising constant.

    With :math:`\\tilde w_i = \\gamma(x_i)/q(x_i)` and :math:`x_i \\sim q`, the mean weight is an unbiased estimate
    of :math:`Z = \\int \\gamma`; its log is biased low by about :math:`\\mathrm{Var}/2`.
    """
    log_weights = check_log_weights(log_weights)
    return logsumexp(log_weights) - jnp.log(log_weights.shape[0])


def weighted_mean(log_weights: jax.Array, values: jax.Array) -> jax.Array:
    """Self-normalised importance-sampling estimate :math:`\\sum_i w_i f(x_i)`.

    Args:
        log_weights: unnormalised log-weights, shape ``(n,)``.
        values: :math:`f(x_i)`, shape ``(n, ...)``.

    Returns:
        The weighted mean over the first axis, shape ``values.shape[1:]``.
    """
    w = normalize(log_weights)
    values = jnp.asarray(values)
    if values.shape[:1] != w.shape:
        raise ValueError(f"values must have leading dimension {w.shape[0]} (one per weight), got shape {values.shape}")
    return jnp.tensordot(w, values, axes=1)


def weighted_var(log_weights: jax.Array, values: jax.Array) -> jax.Array:
    """Self-normalised weighted variance :math:`\\sum_i w_i (f_i - \\bar f)^2`, per entry of ``values.shape[1:]``."""
    mean = weighted_mean(log_weights, values)
    return weighted_mean(log_weights, (jnp.asarray(values) - mean) ** 2)
