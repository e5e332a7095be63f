"""Random functions from a Gaussian-process prior via random Fourier features (Rahimi & Recht, 2007)."""

from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp

from priorscope import _checks as _c

__all__ = ["RandomFunction", "random_fourier_function"]


class RandomFunction(NamedTuple):
    """Values and derivatives of one random function on a grid."""

    x: jax.Array  # (n,)
    f: jax.Array  # (n,) function values
    grad_autodiff: jax.Array  # (n,) jax.grad, vmapped over x
    grad_exact: jax.Array  # (n,) the derivative written out by hand


def random_fourier_function(key: jax.Array, x: jax.Array, lengthscale: jax.Array, num_features: int) -> RandomFunction:
    r"""A draw from (an approximation of) the RBF-kernel GP prior, and its derivative two ways.

    .. math::
        f(x) = \sqrt{2/D}\sum_{i=1}^D w_i \cos(\omega_i x/\ell + b_i),\quad
        w_i \sim \mathcal N(0,1),\ \omega_i \sim \mathcal N(0,1),\ b_i \sim U(0, 2\pi),

    whose covariance tends to :math:`\exp(-(x-x')^2/2\ell^2)` as :math:`D \to \infty`.

    Args:
        key: PRNG key.
        x: inputs, shape ``(n,)``.
        lengthscale: :math:`\ell > 0` (traced).
        num_features: :math:`D` (static: it fixes shapes).
    """
    num_features = _c.check_int("num_features", num_features, min_value=1)
    lengthscale = _c.check_positive("lengthscale", lengthscale)
    x = _c.check_finite("x", x)
    kw, ko, kb = jax.random.split(key, 3)
    w = jax.random.normal(kw, (num_features,))
    omega = jax.random.normal(ko, (num_features,))
    b = jax.random.uniform(kb, (num_features,), minval=0.0, maxval=2 * jnp.pi)
    scale = jnp.sqrt(2.0 / num_features)

    def f(xi: jax.Array) -> jax.Array:
        return scale * jnp.sum(w * jnp.cos(omega * xi / lengthscale + b))

    def df_exact(xi: jax.Array) -> jax.Array:
        return -scale * jnp.sum(w * omega / lengthscale * jnp.sin(omega * xi / lengthscale + b))

    return RandomFunction(x, jax.vmap(f)(x), jax.vmap(jax.grad(f))(x), jax.vmap(df_exact)(x))
