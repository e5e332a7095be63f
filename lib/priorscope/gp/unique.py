r"""GP posterior from a few unique inputs evaluated many times (Calandriello et al. 2022).

If input :math:`x_i` is evaluated :math:`c_i` times with i.i.d. noise of variance σ², the sample mean
:math:`\bar y_i` is a sufficient statistic for :math:`f(x_i)`: it is one observation with noise variance
σ²/c_i. The posterior then costs O(k³) for k unique points instead of O(n³) for n = Σc_i evaluations and is
EXACTLY the full-history posterior. The evidence differs only by a term free of the kernel:

.. math::
    \log p(y) = \log N(\bar y;\, 0,\, K + \mathrm{diag}(\sigma^2/c))
        - \sum_i \Big[\frac{S_i}{2\sigma^2} + \frac{c_i - 1}{2}\log(2\pi\sigma^2) + \tfrac12 \log c_i\Big],

with :math:`S_i = \sum_j (y_{ij} - \bar y_i)^2`.

Reference: Calandriello, Carratino, Lazaric, Valko, Rosasco (2022), "Scaling Gaussian process optimization by
evaluating a few unique candidates multiple times", ICML. arXiv:2201.12909.
"""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from priorscope.gp._checks import as_inputs, check_finite, check_positive
from priorscope.gp.kernels import Kernel
from priorscope.gp.posterior import log_marginal_likelihood, posterior

__all__ = ["posterior_unique", "log_marginal_likelihood_unique", "summarize_repeats"]


def _check_unique(X_unique, counts, y_means, noise_var):
    X_unique = as_inputs("X_unique", X_unique)
    k = X_unique.shape[0]
    counts = jnp.asarray(counts)
    y_means = jnp.asarray(y_means)
    if counts.shape != (k,):
        raise ValueError(f"counts must have shape ({k},) like X_unique, got shape {counts.shape}")
    if y_means.shape != (k,):
        raise ValueError(f"y_means must have shape ({k},) like X_unique, got shape {y_means.shape}")
    counts = check_positive("counts", counts)
    y_means = check_finite("y_means", y_means)
    noise_var = jnp.asarray(noise_var)
    if noise_var.ndim not in (0, 1) or (noise_var.ndim == 1 and noise_var.shape[0] != k):
        raise ValueError(f"noise_var must be a scalar or have shape ({k},), got shape {noise_var.shape}")
    noise_var = check_positive("noise_var", noise_var)
    return X_unique, counts.astype(y_means.dtype), y_means, noise_var


def posterior_unique(kernel: Kernel, X_unique, counts, y_means, noise_var, X_test, *, full_cov: bool = True):
    """Posterior at ``X_test`` from per-candidate means: equals :func:`posterior` on the full history.

    Args:
        kernel: prior covariance.
        X_unique: the k distinct inputs, shape ``(k, d)`` or ``(k,)``.
        counts: evaluations per input c_i ≥ 1, shape ``(k,)``.
        y_means: mean observation per input, shape ``(k,)``.
        noise_var: per-evaluation noise variance σ² > 0 (scalar or ``(k,)``).
        X_test: test inputs, shape ``(m, d)`` or ``(m,)``.
        full_cov: return the ``(m, m)`` covariance (True) or the ``(m,)`` variances.

    Returns:
        ``(mean, cov)`` as in :func:`posterior`.
    """
    X_unique, counts, y_means, noise_var = _check_unique(X_unique, counts, y_means, noise_var)
    return posterior(kernel, X_unique, y_means, noise_var / counts, X_test, full_cov=full_cov)


def log_marginal_likelihood_unique(kernel: Kernel, X_unique, counts, y_means, noise_var, sq_dev):
    """Full-history log evidence computed from the unique-point summary.

    Args:
        kernel, X_unique, counts, y_means, noise_var: as in :func:`posterior_unique` (noise_var scalar or ``(k,)``).
        sq_dev: within-candidate sums of squared deviations S_i = Σ_j (y_ij − ȳ_i)², shape ``(k,)``.

    Returns:
        Scalar log p(y) of all Σc_i observations.
    """
    X_unique, counts, y_means, noise_var = _check_unique(X_unique, counts, y_means, noise_var)
    sq_dev = jnp.asarray(sq_dev)
    if sq_dev.shape != counts.shape:
        raise ValueError(f"sq_dev must have shape {counts.shape}, got shape {sq_dev.shape}")
    lml = log_marginal_likelihood(kernel, X_unique, y_means, noise_var / counts)
    noise_var = jnp.broadcast_to(noise_var, counts.shape)
    within = sq_dev / (2 * noise_var) + 0.5 * (counts - 1) * jnp.log(2 * jnp.pi * noise_var) + 0.5 * jnp.log(counts)
    return lml - jnp.sum(within)


def summarize_repeats(X, y):
    """Group a history of evaluations by distinct input (NumPy, not jittable).

    Args:
        X: inputs, shape ``(n, d)`` or ``(n,)``.
        y: observations, shape ``(n,)``.

    Returns:
        ``(X_unique (k, d), counts (k,), y_means (k,), sq_dev (k,))`` with rows of ``X_unique`` sorted
        lexicographically.
    """
    X = np.asarray(X, dtype=float)
    if X.ndim == 1:
        X = X[:, None]
    y = np.asarray(y, dtype=float)
    if X.ndim != 2 or y.shape != (X.shape[0],) or X.shape[0] == 0:
        raise ValueError(f"X must be (n, d) and y (n,) with n >= 1, got X {X.shape} and y {y.shape}")
    Xu, inverse, counts = np.unique(X, axis=0, return_inverse=True, return_counts=True)
    inverse = inverse.ravel()
    sums = np.bincount(inverse, weights=y, minlength=len(Xu))
    means = sums / counts
    sq_dev = np.bincount(inverse, weights=(y - means[inverse]) ** 2, minlength=len(Xu))
    return Xu, counts, means, sq_dev
