r"""The Riemann ("bar") output distribution of prior-fitted networks, with half-normal tails.

A PFN predicts a distribution over a scalar ``y`` as ``K`` logits over buckets with borders
``b_0 < b_1 < … < b_K`` (placed at quantiles of the prior's ``y``). Inner buckets ``k = 1 … K−2`` carry a flat
density ``p_k / (b_{k+1} − b_k)``. The two edge buckets are replaced by half-normal tails so the support is the whole
real line: the left one is a half-normal pointing left from ``b_1`` and the right one points right from ``b_{K−1}``,
each with its scale chosen so that half of its mass lies inside the edge bucket's width
(scale = width / Φ⁻¹(0.75)). Every piece integrates to one, so the density integrates to ``Σ_k p_k = 1``.

Reference: Müller et al. (2022), "Transformers Can Do Bayesian Inference", ICLR (the "Riemann distribution");
the half-normal tails follow the maintained PFN code base (automl/PFNs), restated here, not copied.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
from jax.scipy.stats import norm

from priorscope._checks import check_increasing, check_int, check_ndim, check_shape

__all__ = ["bar_borders", "bar_cdf", "bar_log_prob", "bar_mean", "bar_quantile"]

_HALF_MEDIAN = 0.6744897501960817  # Φ⁻¹(0.75): the median of a unit half-normal


def bar_borders(samples, num_buckets: int) -> jax.Array:
    """Bucket borders at equally spaced quantiles of prior ``samples`` (any shape, flattened), shape ``(K+1,)``."""
    num_buckets = check_int("num_buckets", num_buckets, min_value=3)
    samples = jnp.ravel(jnp.asarray(samples, dtype=float))
    if samples.size < 2:
        raise ValueError(f"samples must hold at least 2 values, got {samples.size}")
    borders = jnp.quantile(samples, jnp.linspace(0.0, 1.0, num_buckets + 1))
    # ties (heavy atoms in the samples) would give empty buckets: enforce a minimum width
    step = (borders[-1] - borders[0]) * 1e-6 + 1e-9
    return borders[0] + jnp.concatenate([jnp.zeros(1), jnp.cumsum(jnp.maximum(jnp.diff(borders), step))])


def _tail_scales(borders):
    return (borders[1] - borders[0]) / _HALF_MEDIAN, (borders[-1] - borders[-2]) / _HALF_MEDIAN


def bar_log_prob(logits, borders, y) -> jax.Array:
    """Log density of ``y`` under the bar distribution (logits ``(..., K)``, borders ``(K+1,)``, y broadcast against
    ``logits.shape[:-1]``)."""
    borders = jnp.asarray(borders)
    logits = jnp.asarray(logits)
    check_ndim("borders", borders, 1)
    borders = check_increasing("borders", borders)
    check_shape(
        "logits",
        logits,
        (None,) * (logits.ndim - 1) + (borders.shape[0] - 1,),
        what="(..., K) with K = len(borders) - 1",
    )
    y = jnp.asarray(y, dtype=logits.dtype)
    num = borders.shape[0] - 1
    shape = jnp.broadcast_shapes(logits.shape[:-1], y.shape)
    logp = jnp.broadcast_to(jax.nn.log_softmax(logits, axis=-1), (*shape, num))
    y = jnp.broadcast_to(y, shape)
    widths = jnp.diff(borders)
    k = jnp.clip(jnp.searchsorted(borders, y, side="right") - 1, 0, num - 1)
    inner = jnp.take_along_axis(logp, k[..., None], axis=-1)[..., 0] - jnp.log(widths[k])
    s_left, s_right = _tail_scales(borders)
    log_half = jnp.log(2.0)
    left = logp[..., 0] + log_half + norm.logpdf(borders[1] - y, scale=s_left)
    right = logp[..., -1] + log_half + norm.logpdf(y - borders[-2], scale=s_right)
    return jnp.where(y < borders[1], left, jnp.where(y >= borders[-2], right, inner))


def bar_cdf(logits, borders, y) -> jax.Array:
    """CDF ``P(Y ≤ y)`` of the bar distribution (same shapes as :func:`bar_log_prob`)."""
    borders = jnp.asarray(borders)
    logits = jnp.asarray(logits)
    check_ndim("borders", borders, 1)
    check_shape(
        "logits",
        logits,
        (None,) * (logits.ndim - 1) + (borders.shape[0] - 1,),
        what="(..., K) with K = len(borders) - 1",
    )
    y = jnp.asarray(y, dtype=logits.dtype)
    p = jax.nn.softmax(logits, axis=-1)
    s_left, s_right = _tail_scales(borders)
    # inner buckets 1..K-2: linear ramps; tails: half-normal CDFs
    lo, hi = borders[1:-2], borders[2:-1]
    frac = jnp.clip((y[..., None] - lo) / (hi - lo), 0.0, 1.0)
    inner = jnp.sum(p[..., 1:-1] * frac, axis=-1)
    left = p[..., 0] * jnp.where(y < borders[1], 2.0 * norm.cdf((y - borders[1]) / s_left), 1.0)
    right = p[..., -1] * jnp.where(y > borders[-2], 2.0 * norm.cdf((y - borders[-2]) / s_right) - 1.0, 0.0)
    return left + inner + right


def bar_mean(logits, borders) -> jax.Array:
    """Mean of the bar distribution, shape ``logits.shape[:-1]``."""
    borders = jnp.asarray(borders)
    logits = jnp.asarray(logits)
    check_ndim("borders", borders, 1)
    check_shape(
        "logits",
        logits,
        (None,) * (logits.ndim - 1) + (borders.shape[0] - 1,),
        what="(..., K) with K = len(borders) - 1",
    )
    p = jax.nn.softmax(logits, axis=-1)
    s_left, s_right = _tail_scales(borders)
    mids = 0.5 * (borders[1:] + borders[:-1])
    shift = jnp.sqrt(2.0 / jnp.pi)
    mids = mids.at[0].set(borders[1] - s_left * shift).at[-1].set(borders[-2] + s_right * shift)
    return p @ mids


def bar_quantile(logits, borders, q, *, num_iter: int = 50) -> jax.Array:
    """The ``q``-quantile(s), by bisection on :func:`bar_cdf`; ``q`` broadcasts against ``logits.shape[:-1]``."""
    borders = jnp.asarray(borders)
    logits = jnp.asarray(logits)
    check_ndim("borders", borders, 1)
    num_iter = check_int("num_iter", num_iter, min_value=1)
    q = jnp.asarray(q, dtype=logits.dtype)
    span = borders[-1] - borders[0]
    shape = jnp.broadcast_shapes(logits.shape[:-1], q.shape)
    lo = jnp.full(shape, borders[0] - 5 * span)
    hi = jnp.full(shape, borders[-1] + 5 * span)

    def body(_, lohi):
        lo, hi = lohi
        mid = 0.5 * (lo + hi)
        below = bar_cdf(logits, borders, mid) < q
        return jnp.where(below, mid, lo), jnp.where(below, hi, mid)

    lo, hi = jax.lax.fori_loop(0, num_iter, body, (lo, hi))
    return 0.5 * (lo + hi)
