r"""Martingale posteriors by predictive resampling, with exact anchors.

Instead of a prior and a likelihood, the martingale posterior (Fong, Holmes and Walker 2023) starts from a
*predictive* :math:`p(y_{m+1} \mid y_{1:m})`. Impute the missing future :math:`y_{n+1}, \dots, y_{n+N}` one draw at a
time, each from the predictive given everything so far, and record the statistic of interest (here the mean) of
the completed data; repeating gives draws of :math:`\theta_N`. When the predictive is *conditionally identically
distributed* the statistic is a martingale and :math:`\theta_N` converges as :math:`N \to \infty`.

Two exact anchors:

* **Normal predictive** :math:`N(\bar y_m, \sigma^2(1 + 1/m))` (the flat-prior Bayesian predictive for a normal mean
  with known :math:`\sigma`). Each imputed point moves the running mean by an independent normal increment of
  variance :math:`\sigma^2/(m(m+1))`, so :math:`\mathrm{Var}\,\theta_N = \sigma^2(1/n - 1/(n+N)) \to \sigma^2/n`: the
  flat-prior posterior :math:`N(\bar y_n, \sigma^2/n)`.
* **Pólya urn** (the empirical predictive: draw one of the points so far): the limit weights of the observed
  points are Dirichlet(1, …, 1), the Bayesian bootstrap, and the limit mean has variance
  :math:`\hat s^2/(n+1)` with :math:`\hat s^2 = \frac1n\sum_i (y_i - \bar y)^2`.

References:
    Fong, E., Holmes, C. and Walker, S. G. (2023). Martingale posterior distributions. JRSS B 85(5).
    https://arxiv.org/abs/2103.15671
    Lee, H., Yun, E., Nam, G., Fong, E. and Lee, J. (2023). Martingale Posterior Neural Processes. ICLR.
    https://arxiv.org/abs/2304.09431
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

from priorscope._checks import check_finite, check_int, check_ndim, check_positive

__all__ = [
    "normal_predictive_resampling",
    "normal_resampling_variance",
    "polya_urn_resampling",
    "bayesian_bootstrap_variance",
]


def _check_y(y: jax.Array) -> jax.Array:
    check_ndim("y", y, 1)
    if y.shape[0] == 0:
        raise ValueError("y must hold at least one observation (an empty context set), got 0")
    return check_finite("y", y)


def normal_predictive_resampling(
    key: jax.Array, y: jax.Array, noise_std: float | jax.Array, num_future: int, num_draws: int
) -> jax.Array:
    r"""Draws of the martingale posterior of a normal mean under the predictive :math:`N(\bar y_m, \sigma^2(1 + 1/m))`.

    Args:
        key: PRNG key.
        y: ``(n,)`` observed data, n >= 1.
        noise_std: :math:`\sigma > 0` (traced).
        num_future: N >= 1 imputed points per draw (static).
        num_draws: independent resampling paths (static), >= 1.

    Returns:
        ``(num_future, num_draws)``: the running mean :math:`\theta_m = \bar y_{n+m}` after each imputed point (the last
        row is :math:`\theta_N`).
    """
    y = _check_y(y)
    noise_std = check_positive("noise_std", noise_std)
    num_future = check_int("num_future", num_future, min_value=1)
    num_draws = check_int("num_draws", num_draws, min_value=1)
    n = y.shape[0]
    z = jax.random.normal(key, (num_future, num_draws), dtype=jnp.result_type(y.dtype, float))

    def step(mean, inp):
        m, zi = inp
        new = mean + noise_std * jnp.sqrt(1.0 + 1.0 / m) * zi  # one draw from the predictive given m points
        mean = mean + (new - mean) / (m + 1.0)
        return mean, mean

    ms = n + jnp.arange(num_future, dtype=z.dtype)
    _, path = jax.lax.scan(step, jnp.full((num_draws,), jnp.mean(y)), (ms, z))
    return path


def normal_resampling_variance(num_obs: int, num_future: int | jax.Array, noise_std: float | jax.Array) -> jax.Array:
    r"""Exact :math:`\mathrm{Var}\,\theta_N = \sigma^2\,(1/n - 1/(n + N))` of :func:`normal_predictive_resampling`."""
    num_obs = check_int("num_obs", num_obs, min_value=1)
    noise_std = check_positive("noise_std", noise_std)
    num_future = check_positive("num_future", num_future, allow_inf=True)
    return noise_std**2 * (1.0 / num_obs - 1.0 / (num_obs + jnp.asarray(num_future, float)))


def polya_urn_resampling(key: jax.Array, y: jax.Array, num_future: int, num_draws: int) -> jax.Array:
    """Martingale posterior of the mean under the empirical predictive (Pólya urn: copy a uniformly drawn point).

    Args:
        key: PRNG key.
        y: ``(n,)`` observed data, n >= 1.
        num_future: N >= 1 imputed points per draw (static).
        num_draws: resampling paths, >= 1 (static).

    Returns:
        ``(num_draws,)`` means of the completed data :math:`y_{1:n+N}`.
    """
    y = _check_y(y)
    num_future = check_int("num_future", num_future, min_value=1)
    num_draws = check_int("num_draws", num_draws, min_value=1)
    n = y.shape[0]
    # Track the counts of each original point: copying "a point so far" copies one of the originals, chosen with
    # probability proportional to its current count.
    u = jax.random.uniform(key, (num_future, num_draws))

    def step(counts, inp):
        total, ui = inp
        cdf = jnp.cumsum(counts, axis=1)
        idx = jnp.sum(cdf <= (ui * total)[:, None], axis=1)
        counts = counts + jax.nn.one_hot(jnp.minimum(idx, n - 1), n, dtype=counts.dtype)
        return counts, None

    totals = n + jnp.arange(num_future, dtype=u.dtype)
    counts, _ = jax.lax.scan(step, jnp.ones((num_draws, n), u.dtype), (totals, u))
    return counts @ y / (n + num_future)


def bayesian_bootstrap_variance(y: jax.Array, num_future: int | float | jax.Array = float("inf")) -> jax.Array:
    r"""Exact variance of :func:`polya_urn_resampling`'s draws: :math:`\hat s^2\,N/((n+1)(n+N))`.

    The completed counts are :math:`1 + \mathrm{DirMult}(N; 1, \dots, 1)`; as :math:`N \to \infty` (the default)
    this is :math:`\hat s^2/(n+1)`, the variance of the Bayesian bootstrap mean :math:`\sum_i w_i y_i`,
    :math:`w \sim \mathrm{Dirichlet}(1, \dots, 1)`, with :math:`\hat s^2 = \frac1n\sum_i (y_i - \bar y)^2`.
    """
    y = _check_y(y)
    num_future = check_positive("num_future", num_future, allow_inf=True)
    n = y.shape[0]
    s2 = jnp.mean((y - y.mean()) ** 2)
    frac = jnp.where(jnp.isinf(num_future), 1.0, num_future / (n + jnp.where(jnp.isinf(num_future), 0.0, num_future)))
    return s2 * frac / (n + 1)
