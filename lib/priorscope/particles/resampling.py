"""Resampling schemes: turn weighted particles into equally weighted ones.

Each scheme maps normalised weights :math:`w_1..w_n` to ancestor indices :math:`a_1..a_m` whose counts
:math:`N_i = \\#\\{j: a_j = i\\}` are unbiased, :math:`\\mathbb E[N_i] = m w_i`. They differ in variance:

* **multinomial**: :math:`a_j` i.i.d. from :math:`w` (the reference, largest variance);
* **stratified**: one uniform in each stratum, :math:`u_j = (j + U_j)/m`;
* **systematic**: one shared uniform, :math:`u_j = (j + U)/m`; then :math:`N_i \\in \\{\\lfloor m w_i\\rfloor,
  \\lceil m w_i \\rceil\\}` exactly, the smallest spread in practice.

Stratified and systematic invert the cumulative weights at the points :math:`u_j`
(Kitagawa 1996; Carpenter, Clifford and Fearnhead 1999; Douc, Cappé and Moulines 2005).
"""

from __future__ import annotations

from collections.abc import Callable

import jax
import jax.numpy as jnp

from priorscope._checks import check_choice, check_int, check_weights

__all__ = ["SCHEMES", "multinomial", "stratified", "systematic", "resample"]


def _check(weights: jax.Array, num_samples: int) -> jax.Array:
    weights = jnp.asarray(weights)
    if weights.ndim != 1 or weights.shape[0] < 1:
        raise ValueError(f"weights must have shape (n,) with n >= 1, got shape {weights.shape}")
    check_int("num_samples", num_samples, min_value=1)
    # NaN, negative or all-zero weights would give a confident but meaningless index list
    return check_weights("weights", weights)


def _invert_cdf(weights: jax.Array, points: jax.Array) -> jax.Array:
    """Indices i with cdf[i-1] <= u < cdf[i] for each point u in [0, 1)."""
    cdf = jnp.cumsum(weights / jnp.sum(weights))
    idx = jnp.searchsorted(cdf, points, side="right")
    return jnp.clip(idx, 0, weights.shape[0] - 1).astype(jnp.int32)


def multinomial(key: jax.Array, weights: jax.Array, num_samples: int) -> jax.Array:
    """Multinomial resampling: i.i.d. ancestors from the weights.

    Args:
        key: a JAX PRNG key.
        weights: non-negative weights, shape ``(n,)`` (need not sum to one).
        num_samples: ``m``, the number of indices to draw.

    Returns:
        Ancestor indices, int32 of shape ``(m,)``.
    """
    weights = _check(weights, num_samples)
    u = jax.random.uniform(key, (num_samples,), dtype=weights.dtype)
    return _invert_cdf(weights, u)


def stratified(key: jax.Array, weights: jax.Array, num_samples: int) -> jax.Array:
    """Stratified resampling: one uniform in each of the ``m`` strata :math:`[j/m, (j+1)/m)`.

    Args, Returns: as :func:`multinomial`.
    """
    weights = _check(weights, num_samples)
    u = jnp.arange(num_samples, dtype=weights.dtype) + jax.random.uniform(key, (num_samples,), dtype=weights.dtype)
    return _invert_cdf(weights, u / num_samples)


def systematic(key: jax.Array, weights: jax.Array, num_samples: int) -> jax.Array:
    """Systematic resampling: the grid :math:`(j + U)/m` with one shared uniform :math:`U`.

    Each count :math:`N_i` is :math:`\\lfloor m w_i \\rfloor` or :math:`\\lceil m w_i \\rceil`.

    Args, Returns: as :func:`multinomial`.
    """
    weights = _check(weights, num_samples)
    u = jnp.arange(num_samples, dtype=weights.dtype) + jax.random.uniform(key, (), dtype=weights.dtype)
    return _invert_cdf(weights, u / num_samples)


SCHEMES: dict[str, Callable[[jax.Array, jax.Array, int], jax.Array]] = {
    "systematic": systematic,
    "stratified": stratified,
    "multinomial": multinomial,
}


def resample(key: jax.Array, weights: jax.Array, num_samples: int, scheme: str = "systematic") -> jax.Array:
    """Ancestor indices from the named scheme (one of :data:`SCHEMES`).

    Args:
        key: a JAX PRNG key.
        weights: non-negative weights, shape ``(n,)``.
        num_samples: ``m``, the number of indices.
        scheme: ``"systematic"`` (default), ``"stratified"`` or ``"multinomial"``.

    Returns:
        int32 indices of shape ``(m,)``.
    """
    check_choice("scheme", scheme, SCHEMES)
    return SCHEMES[scheme](key, weights, num_samples)
