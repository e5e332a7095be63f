r"""Exact GP regression: posterior, log marginal likelihood, prior and posterior samples.

Model (zero prior mean): :math:`f \sim \mathcal{GP}(0, k)`, :math:`y_i = f(x_i) + \varepsilon_i`,
:math:`\varepsilon_i \sim N(0, \sigma_i^2)`. With :math:`K = k(X, X)`,
:math:`\Sigma = \mathrm{diag}(\sigma^2)` and :math:`L L^\top = K + \Sigma`,

.. math::
    m(X_*) = K_{*X}(K + \Sigma)^{-1} y, \qquad
    C(X_*) = K_{**} - K_{*X}(K + \Sigma)^{-1}K_{X*},

.. math::
    \log p(y \mid X) = -\tfrac12 y^\top (K + \Sigma)^{-1} y - \textstyle\sum_i \log L_{ii}
        - \tfrac n2 \log 2\pi.

``noise_var`` is the noise VARIANCE σ² (scalar, or shape ``(n,)`` for heteroscedastic noise).

Reference: Rasmussen and Williams (2006), *Gaussian Processes for Machine Learning*, Algorithm 2.1.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import jax.scipy.linalg as jsl

from priorscope._checks import check_int, check_nonnegative
from priorscope.gp._checks import as_inputs, check_finite, check_positive
from priorscope.gp.kernels import Kernel

__all__ = [
    "posterior",
    "log_marginal_likelihood",
    "sample_prior",
    "sample_posterior",
]


def _check_kernel(kernel) -> None:
    if not isinstance(kernel, Kernel):
        raise TypeError(f"kernel must be a priorscope.gp Kernel, got {type(kernel).__name__}")


def _check_data(X, y, noise_var):
    X = as_inputs("X", X)
    y = jnp.asarray(y)
    if y.ndim != 1:
        raise ValueError(f"y must have shape (n,), got shape {y.shape}")
    if y.shape[0] != X.shape[0]:
        raise ValueError(f"X and y must have the same number of points, got X {X.shape} and y {y.shape}")
    y = check_finite("y", y)
    noise_var = jnp.asarray(noise_var)
    if noise_var.ndim not in (0, 1) or (noise_var.ndim == 1 and noise_var.shape[0] != X.shape[0]):
        raise ValueError(f"noise_var must be a scalar or have shape ({X.shape[0]},), got shape {noise_var.shape}")
    noise_var = check_positive("noise_var", noise_var)
    return X, y, noise_var


def _cho(kernel, X, noise_var, jitter):
    jitter = check_nonnegative("jitter", jitter)
    K = kernel(X, X)
    n = X.shape[0]
    A = K + jnp.diag(jnp.broadcast_to(noise_var, (n,)) + jitter)
    return jsl.cholesky(A, lower=True)


def posterior(kernel: Kernel, X, y, noise_var, X_test, *, full_cov: bool = True, jitter: float = 0.0):
    """Posterior of the latent f at ``X_test`` given noisy observations ``y`` at ``X``.

    Args:
        kernel: prior covariance.
        X: training inputs, shape ``(n, d)`` or ``(n,)``.
        y: observations, shape ``(n,)``.
        noise_var: noise variance σ² > 0, scalar or shape ``(n,)``.
        X_test: test inputs, shape ``(m, d)`` or ``(m,)``.
        full_cov: if True return the ``(m, m)`` covariance, else the ``(m,)`` variances (cheaper).
        jitter: extra diagonal added to ``K + Σ`` for conditioning.

    Returns:
        ``(mean, cov)``: mean of shape ``(m,)`` and covariance ``(m, m)`` (or variances ``(m,)``).

    Raises:
        ValueError: on mismatched shapes, empty data, NaN inputs or non-positive noise.
    """
    _check_kernel(kernel)
    X, y, noise_var = _check_data(X, y, noise_var)
    X_test = as_inputs("X_test", X_test)
    if X_test.shape[1] != X.shape[1]:
        raise ValueError(f"X_test must have {X.shape[1]} input dimensions like X, got shape {X_test.shape}")
    L = _cho(kernel, X, noise_var, jitter)
    alpha = jsl.cho_solve((L, True), y)
    Ks = kernel(X_test, X)
    mean = Ks @ alpha
    V = jsl.solve_triangular(L, Ks.T, lower=True)
    if full_cov:
        cov = kernel(X_test, X_test) - V.T @ V
        return mean, cov
    var = kernel.diag(X_test) - jnp.sum(V**2, axis=0)
    return mean, var


def log_marginal_likelihood(kernel: Kernel, X, y, noise_var, *, jitter: float = 0.0) -> jax.Array:
    """Log evidence log p(y | X, kernel, noise_var) of the zero-mean GP (scalar).

    Args:
        kernel: prior covariance.
        X: inputs, shape ``(n, d)`` or ``(n,)``.
        y: observations, shape ``(n,)``.
        noise_var: noise variance σ² > 0, scalar or shape ``(n,)``.
        jitter: extra diagonal for conditioning.
    """
    _check_kernel(kernel)
    X, y, noise_var = _check_data(X, y, noise_var)
    L = _cho(kernel, X, noise_var, jitter)
    a = jsl.solve_triangular(L, y, lower=True)
    n = y.shape[0]
    return -0.5 * jnp.dot(a, a) - jnp.sum(jnp.log(jnp.diag(L))) - 0.5 * n * jnp.log(2 * jnp.pi)


def _check_num_samples(num_samples):
    check_int("num_samples", num_samples, min_value=1)


def mvn_samples(key, mean, cov, num_samples, jitter=None):
    """Draws from N(mean, cov) via a Cholesky factor of ``cov + jitter · max(diag cov) · I``.

    The covariance of a smooth process on a fine grid is numerically singular, so a relative jitter is added
    (default 1e-8 in float64, 1e-5 in float32); it perturbs each draw by noise of relative size √jitter.
    """
    m = mean.shape[0]
    if jitter is None:
        jitter = 1e-8 if mean.dtype == jnp.float64 else 1e-5
    jitter = check_nonnegative("jitter", jitter)
    scale = jnp.maximum(jnp.max(jnp.abs(jnp.diag(cov))), 1e-30)
    L = jnp.linalg.cholesky(cov + jitter * scale * jnp.eye(m, dtype=cov.dtype))
    z = jax.random.normal(key, (num_samples, m), dtype=mean.dtype)
    return mean + z @ L.T


def sample_prior(key: jax.Array, kernel: Kernel, X, num_samples: int, *, jitter: float | None = None) -> jax.Array:
    """Joint draws of f(X) from the zero-mean GP prior.

    Args:
        key: PRNG key.
        kernel: prior covariance.
        X: inputs, shape ``(m, d)`` or ``(m,)``.
        num_samples: number of draws S (static).
        jitter: relative diagonal jitter (times the max variance); None: 1e-8 (float64) or 1e-5 (float32).

    Returns:
        Samples of shape ``(S, m)``.
    """
    _check_kernel(kernel)
    _check_num_samples(num_samples)
    X = as_inputs("X", X)
    K = kernel(X, X)
    return mvn_samples(key, jnp.zeros(X.shape[0], K.dtype), K, num_samples, jitter)


def sample_posterior(
    key: jax.Array, kernel: Kernel, X, y, noise_var, X_test, num_samples: int, *, jitter: float | None = None
) -> jax.Array:
    """Joint draws of the latent f(X_test) from the GP posterior.

    Args:
        key: PRNG key.
        kernel, X, y, noise_var, X_test: as in :func:`posterior`.
        num_samples: number of draws S (static).
        jitter: relative diagonal jitter for the posterior covariance; None: 1e-8 (float64), 1e-5 (float32).

    Returns:
        Samples of shape ``(S, m)``.
    """
    _check_num_samples(num_samples)
    mean, cov = posterior(kernel, X, y, noise_var, X_test)
    return mvn_samples(key, mean, cov, num_samples, jitter)
