"""Test problems on finite grids for the BO notebooks (maximisation)."""

from __future__ import annotations

import jax
import jax.numpy as jnp

from priorscope._checks import check_int, check_positive
from priorscope.bo.loop import GridProblem
from priorscope.gp.kernels import Kernel

__all__ = ["forrester", "gramacy_lee", "gp_sample_problem", "branin_problem"]


def forrester(num_points: int, noise_std=0.0) -> GridProblem:
    r"""The negated, standardised Forrester function on a uniform grid of [0, 1].

    .. math:: f(x) = -(6x - 2)^2 \sin(12x - 4),

    (Forrester, Sóbester, Keane 2008, *Engineering design via surrogate modelling*), shifted and scaled to mean 0
    and standard deviation 1 over the grid. It has a global maximum near x ≈ 0.757 and a local one near 0.14.

    Args:
        num_points: grid size n ≥ 2 (static).
        noise_std: observation noise standard deviation ≥ 0 (in standardised units).

    Returns:
        A :class:`GridProblem` with ``X`` of shape ``(n, 1)``.
    """
    num_points = check_int("num_points", num_points, min_value=2)
    noise_std = check_positive("noise_std", noise_std, allow_zero=True)
    x = jnp.linspace(0.0, 1.0, num_points)
    f = -((6 * x - 2) ** 2) * jnp.sin(12 * x - 4)
    f = (f - f.mean()) / f.std()
    return GridProblem(x[:, None], f, jnp.asarray(noise_std, f.dtype))


def gramacy_lee(num_points: int, noise_std=0.0) -> GridProblem:
    r"""The negated, standardised Gramacy–Lee function, a non-stationary 1-D test problem, on [0, 1].

    .. math:: g(u) = \frac{\sin(10\pi u)}{2u} + (u - 1)^4, \qquad u = 0.5 + 2x \in [0.5, 2.5]

    (Gramacy and Lee, 2012): fast oscillations on the left, a smooth trend on the right.
    """
    num_points = check_int("num_points", num_points, min_value=2)
    noise_std = check_positive("noise_std", noise_std, allow_zero=True)
    x = jnp.linspace(0.0, 1.0, num_points)
    u = 0.5 + 2.0 * x
    f = -(jnp.sin(10 * jnp.pi * u) / (2 * u) + (u - 1) ** 4)
    f = (f - f.mean()) / f.std()
    return GridProblem(x[:, None], f, jnp.asarray(noise_std, f.dtype))


def gp_sample_problem(key, kernel: Kernel, X, noise_std=0.0, *, jitter: float = 1e-6) -> GridProblem:
    """A problem whose objective is one draw from the GP prior on the grid ``X`` (the well-specified case).

    Args:
        key: PRNG key.
        kernel: GP prior covariance.
        X: the grid, shape ``(n, d)``.
        noise_std: observation noise standard deviation ≥ 0.
        jitter: relative diagonal jitter for the Cholesky factor.

    Returns:
        A :class:`GridProblem`.
    """
    noise_std = check_positive("noise_std", noise_std, allow_zero=True)
    X = jnp.asarray(X)
    if X.ndim != 2:
        raise ValueError(f"X must have shape (n, d), got {X.shape}")
    K = kernel(X)
    L = jnp.linalg.cholesky(K + jitter * jnp.max(jnp.diag(K)) * jnp.eye(X.shape[0], dtype=K.dtype))
    f = L @ jax.random.normal(key, (X.shape[0],), dtype=K.dtype)
    return GridProblem(X, f, jnp.asarray(noise_std, f.dtype))


def branin_problem(num_per_axis: int, noise_std=0.0) -> GridProblem:
    r"""The Branin function on a ``num_per_axis``² grid of [0, 1]², negated and standardised (maximise).

    .. math:: b(u, v) = (v - \tfrac{5.1}{4\pi^2}u^2 + \tfrac5\pi u - 6)^2 + 10(1 - \tfrac1{8\pi})\cos u + 10,

    with u = 15 x_1 − 5 and v = 15 x_2 (Dixon and Szegő, 1978); three global minima.

    Returns:
        A :class:`~priorscope.bo.GridProblem` with X of shape ``(num_per_axis², 2)``.
    """
    m = check_int("num_per_axis", num_per_axis, min_value=2)
    noise_std = check_positive("noise_std", noise_std, allow_zero=True)
    g = jnp.linspace(0.0, 1.0, m)
    x1, x2 = jnp.meshgrid(g, g, indexing="ij")
    X = jnp.stack([x1.ravel(), x2.ravel()], axis=1)
    u, v = 15 * X[:, 0] - 5, 15 * X[:, 1]
    b = (v - 5.1 / (4 * jnp.pi**2) * u**2 + 5 / jnp.pi * u - 6) ** 2 + 10 * (1 - 1 / (8 * jnp.pi)) * jnp.cos(u) + 10
    f = -(b - b.mean()) / b.std()
    return GridProblem(X, f, jnp.asarray(noise_std, f.dtype))
