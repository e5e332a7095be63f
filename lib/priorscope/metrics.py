"""Distances, scores and calibration: the yardsticks claim checks measure with.

All functions are pure JAX and jit-able; argument checks run only on concrete (non-traced) inputs. The heavier
ones (sliced W2, energy distance) are compiled once per input shape, so calling them eagerly in a loop is cheap.
"""

from __future__ import annotations

import functools

import jax
import jax.numpy as jnp
import numpy as np

from priorscope import _checks as _c
from priorscope._checks import check_int, check_ndim, check_positive, check_probabilities, is_concrete

__all__ = [
    "mean_se",
    "gaussian_nll",
    "coverage",
    "standardized_error",
    "sliced_w2",
    "energy_distance",
    "tv_distance",
    "kl_divergence",
    "mode_masses",
    "mode_mass_tv",
    "spearman",
    "kendall_tau",
]


def gaussian_nll(y: jax.Array, mean: jax.Array, std: jax.Array) -> jax.Array:
    r"""Average negative log-likelihood of ``y`` under independent normals.

    .. math:: \mathrm{NLL} = \frac1n \sum_i \tfrac12 \log(2\pi s_i^2) + \frac{(y_i - m_i)^2}{2 s_i^2}
    """
    std = check_positive("std", std)
    y, mean, std = jnp.broadcast_arrays(jnp.asarray(y), jnp.asarray(mean), jnp.asarray(std))
    return jnp.mean(0.5 * jnp.log(2 * jnp.pi * std**2) + 0.5 * ((y - mean) / std) ** 2)


def coverage(y: jax.Array, lower: jax.Array, upper: jax.Array) -> jax.Array:
    """Fraction of ``y`` inside ``[lower, upper]`` (the empirical coverage of an interval)."""
    _c.check_same_shape("lower", lower, "upper", upper)
    y = jnp.asarray(y)
    return jnp.mean((y >= lower) & (y <= upper))


def mean_se(values: object) -> tuple[float, float]:
    r"""Mean and standard error of the mean of ``values`` (all entries, e.g. one number per seed, or seed-paired
    differences): :math:`\bar v` and :math:`s/\sqrt n` with the ``ddof = 1`` sample standard deviation.

    Computed on the host in float64 (a summary for a claim, not part of a traced computation).

    Examples:
        >>> mean_se([1.0, 2.0, 3.0])
        (2.0, 0.5773502691896258)
    """
    v = np.ravel(np.asarray(values, dtype=np.float64))
    if v.size < 2 or not np.all(np.isfinite(v)):
        raise ValueError(f"values must hold at least 2 finite numbers, got {v.size} value(s): {v[:4]}")
    return float(v.mean()), float(v.std(ddof=1) / np.sqrt(v.size))


def standardized_error(estimate: jax.Array, truth: jax.Array, standard_error: jax.Array) -> jax.Array:
    """``(estimate − truth) / standard_error``: an error in units of its Monte Carlo standard error."""
    standard_error = check_positive("standard_error", standard_error)
    return (jnp.asarray(estimate) - truth) / standard_error


def _w2_squared_1d(a: jax.Array, b: jax.Array) -> jax.Array:
    """Exact squared W2 between two 1-D empirical measures (columns of ``a`` ``(n, k)`` and ``b`` ``(m, k)``).

    Both quantile functions are step functions; on the merged breakpoints ``i/n`` and ``j/m`` both are constant,
    so the integral of their squared difference is a finite sum.
    """
    n, m = a.shape[0], b.shape[0]
    a, b = jnp.sort(a, axis=0), jnp.sort(b, axis=0)
    t = jnp.sort(jnp.concatenate([jnp.arange(1, n + 1) / n, jnp.arange(1, m + 1) / m]))
    widths = jnp.diff(jnp.concatenate([jnp.zeros(1), t]))
    mid = t - widths / 2
    ia = jnp.clip(jnp.floor(mid * n).astype(int), 0, n - 1)
    ib = jnp.clip(jnp.floor(mid * m).astype(int), 0, m - 1)
    return jnp.sum(widths[:, None] * (a[ia] - b[ib]) ** 2, axis=0)


def sliced_w2(key: jax.Array, x: jax.Array, y: jax.Array, num_projections: int = 128) -> jax.Array:
    r"""Sliced 2-Wasserstein distance between two point clouds.

    .. math::
        \mathrm{SW}_2(x, y) = \Big(\mathbb E_{\theta \sim U(S^{d-1})}
        W_2^2(\theta^\top x, \theta^\top y)\Big)^{1/2}

    Each one-dimensional :math:`W_2` is exact (quantile functions compared on merged breakpoints), so ``x`` and
    ``y`` may have different sizes.

    Args:
        key: PRNG key for the random directions.
        x: samples, shape ``(n, d)``.
        y: samples, shape ``(m, d)``.
        num_projections: number of random directions.

    Returns:
        A scalar.
    """
    check_ndim("x", x, 2)
    check_ndim("y", y, 2)
    if x.shape[1] != y.shape[1]:
        raise ValueError(f"x and y must have the same dimension, got {x.shape[1]} and {y.shape[1]}")
    num_projections = check_int("num_projections", num_projections, min_value=1)
    return _sliced_w2(key, jnp.asarray(x), jnp.asarray(y), num_projections)


@functools.partial(jax.jit, static_argnums=3)
def _sliced_w2(key: jax.Array, x: jax.Array, y: jax.Array, num_projections: int) -> jax.Array:
    theta = jax.random.normal(key, (x.shape[1], num_projections))
    theta = theta / jnp.linalg.norm(theta, axis=0, keepdims=True)
    return jnp.sqrt(jnp.mean(_w2_squared_1d(x @ theta, y @ theta)))


def energy_distance(x: jax.Array, y: jax.Array) -> jax.Array:
    r"""Energy distance (V-statistic) between samples ``x`` ``(n, d)`` and ``y`` ``(m, d)``.

    .. math:: D^2 = 2\,\mathbb E\|X - Y\| - \mathbb E\|X - X'\| - \mathbb E\|Y - Y'\|
    """
    check_ndim("x", x, 2)
    check_ndim("y", y, 2)
    x, y = _c.check_finite("x", x), _c.check_finite("y", y)
    return _energy_distance(jnp.asarray(x), jnp.asarray(y))


@jax.jit
def _energy_distance(x: jax.Array, y: jax.Array) -> jax.Array:
    def mean_dist(a: jax.Array, b: jax.Array) -> jax.Array:
        diff = a[:, None, :] - b[None, :, :]
        return jnp.mean(jnp.sqrt(jnp.sum(diff**2, -1) + 1e-30))

    return 2 * mean_dist(x, y) - mean_dist(x, x) - mean_dist(y, y)


def tv_distance(p: jax.Array, q: jax.Array) -> jax.Array:
    r"""Total-variation distance :math:`\tfrac12 \sum_i |p_i - q_i|` between probability vectors (last axis)."""
    p = check_probabilities("p", p)
    q = check_probabilities("q", q)
    return 0.5 * jnp.sum(jnp.abs(jnp.asarray(p) - jnp.asarray(q)), axis=-1)


def kendall_tau(a: jax.Array, b: jax.Array) -> jax.Array:
    r"""Kendall's rank correlation :math:`\tau = (n_c - n_d) / \binom n2` between two rankings (last axis).

    :math:`n_c` and :math:`n_d` count the concordant and discordant pairs; a pair tied in either ranking counts as
    neither (this is Kendall's :math:`\tau_a`, equal to scipy's :math:`\tau_b` when there are no ties).
    1 means the same order, −1 the reverse.

    Args:
        a, b: scores ``(..., n)`` with the same shape, n >= 2 (higher = ranked higher).

    Returns:
        ``(...)`` in [−1, 1].
    """
    a, b = jnp.asarray(a), jnp.asarray(b)
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape, got {a.shape} and {b.shape}")
    if a.ndim < 1 or a.shape[-1] < 2:
        raise ValueError(f"kendall_tau needs at least 2 items on the last axis, got shape {a.shape}")
    n = a.shape[-1]
    da = jnp.sign(a[..., :, None] - a[..., None, :])
    db = jnp.sign(b[..., :, None] - b[..., None, :])
    return jnp.sum(da * db, axis=(-2, -1)) / (n * (n - 1))


def kl_divergence(p: jax.Array, q: jax.Array) -> jax.Array:
    r"""KL divergence :math:`\sum_i p_i \log(p_i / q_i)` on an enumerated space (0 log 0 = 0; +inf if q_i = 0 < p_i)."""
    p = check_probabilities("p", p)
    q = check_probabilities("q", q)
    p, q = jnp.asarray(p), jnp.asarray(q)
    terms = jnp.where(p > 0, p * (jnp.log(jnp.where(p > 0, p, 1.0)) - jnp.log(q)), 0.0)
    return jnp.sum(terms, axis=-1)


def mode_masses(x: jax.Array, centers: jax.Array, weights: jax.Array | None = None) -> jax.Array:
    """Fraction of (weighted) samples ``x`` ``(n, d)`` nearest to each of ``centers`` ``(k, d)``; shape ``(k,)``."""
    check_ndim("x", x, 2)
    check_ndim("centers", centers, 2)
    if x.shape[1] != centers.shape[1]:
        raise ValueError(f"x and centers must have the same dimension, got {x.shape[1]} and {centers.shape[1]}")
    if weights is None:
        weights = jnp.full(x.shape[0], 1.0 / x.shape[0])
    elif is_concrete(weights):
        weights = check_positive("weights", weights, allow_zero=True)
    nearest = jnp.argmin(jnp.sum((x[:, None, :] - centers[None]) ** 2, -1), axis=1)
    masses = jnp.zeros(centers.shape[0]).at[nearest].add(weights)
    return masses / jnp.sum(masses)


def mode_mass_tv(
    x: jax.Array, centers: jax.Array, target_masses: jax.Array, weights: jax.Array | None = None
) -> jax.Array:
    """TV distance between the samples' mode masses (nearest-center assignment) and ``target_masses``."""
    target_masses = _c.check_probabilities("target_masses", target_masses)
    return tv_distance(mode_masses(x, centers, weights), target_masses)


def _average_ranks(v: jax.Array) -> jax.Array:
    """0-based ranks with ties sharing their average rank: #{v_j < v_i} + (#{v_j = v_i} - 1) / 2."""
    v = v.astype(jnp.result_type(float))
    below = jnp.sum(v[None, :] < v[:, None], axis=1)
    equal = jnp.sum(v[None, :] == v[:, None], axis=1)
    return below + (equal - 1) / 2.0


def spearman(x: jax.Array, y: jax.Array) -> jax.Array:
    r"""Spearman rank correlation of two samples ``x`` and ``y`` of shape ``(n,)``: the Pearson correlation of
    their ranks,

    .. math:: \rho_S = \frac{\sum_i (R_i - \bar R)(S_i - \bar S)}
        {\sqrt{\sum_i (R_i - \bar R)^2 \sum_i (S_i - \bar S)^2}},

    with :math:`R_i` the rank of :math:`x_i` among ``x`` and :math:`S_i` that of :math:`y_i` among ``y``; tied
    values share their average rank (as :func:`scipy.stats.spearmanr`), so accuracies that tie at 1.0 are fair
    game. NaN when either sample is constant. Jittable; :math:`O(n^2)` memory, meant for small samples.

    Args:
        x, y: samples of equal length ``n >= 2``.

    Returns:
        A scalar in [-1, 1].
    """
    check_ndim("x", x, 1)
    check_ndim("y", y, 1)
    x, y = jnp.asarray(x), jnp.asarray(y)
    if x.shape != y.shape or x.shape[0] < 2:
        raise ValueError(f"x and y must have the same length n >= 2, got shapes {x.shape} and {y.shape}")
    rx, ry = _average_ranks(x), _average_ranks(y)
    rx, ry = rx - jnp.mean(rx), ry - jnp.mean(ry)
    return jnp.sum(rx * ry) / jnp.sqrt(jnp.sum(rx**2) * jnp.sum(ry**2))
