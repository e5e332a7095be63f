"""Small end-to-end GP experiments behind the t03 tutorial (panel compute and claim checks).

Everything here is pure and jittable: sizes are static Python ints, hyperparameters are traced.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import jax
import jax.numpy as jnp

from priorscope.gp.kernels import RBF, Kernel, Matern12, Matern32, Matern52, Periodic
from priorscope.gp.posterior import log_marginal_likelihood, mvn_samples, posterior
from priorscope.gp.switch import Switch

__all__ = [
    "KERNEL_FAMILIES",
    "make_kernel",
    "toy_function",
    "RegressionDemo",
    "regression_demo",
    "LengthscaleRecovery",
    "lengthscale_recovery",
]

#: Kernel families selectable by name (the t03 panel's "kernel" choice).
KERNEL_FAMILIES = ("RBF", "Matérn-1/2", "Matérn-3/2", "Matérn-5/2", "periodic")


def make_kernel(name: str, lengthscale, variance=1.0, period=2.0 * math.pi / 3.0) -> Kernel:
    """A kernel of family ``name`` (one of :data:`KERNEL_FAMILIES`); the periodic one has period 2π/3 (as sin 3x).

    ``name`` may also be an integer index into :data:`KERNEL_FAMILIES`, possibly traced: the result is then a
    :class:`~priorscope.gp.Switch` over all families, so changing the family never recompiles.
    """
    if not isinstance(name, str):
        families = tuple(make_kernel(n, lengthscale, variance, period) for n in KERNEL_FAMILIES)
        return Switch(name, families)
    if name == "RBF":
        return RBF(lengthscale, variance)
    if name == "Matérn-1/2":
        return Matern12(lengthscale, variance)
    if name == "Matérn-3/2":
        return Matern32(lengthscale, variance)
    if name == "Matérn-5/2":
        return Matern52(lengthscale, variance)
    if name == "periodic":
        return Periodic(lengthscale, variance, period)
    raise ValueError(f"kernel name must be one of {KERNEL_FAMILIES}, got {name!r}")


def toy_function(x: jax.Array) -> jax.Array:
    """The tutorial's ground-truth function f(x) = sin(3x) + 0.3 x on [-3, 3]; shape as ``x``."""
    return jnp.sin(3.0 * x) + 0.3 * x


class RegressionDemo(NamedTuple):
    """Output of :func:`regression_demo` (n data points, m test points, g grid values, S samples)."""

    x: jax.Array  #: (n,) training inputs
    y: jax.Array  #: (n,) noisy observations
    x_test: jax.Array  #: (m,) test grid
    f_test: jax.Array  #: (m,) true function on the test grid
    mean: jax.Array  #: (m,) posterior mean
    sd: jax.Array  #: (m,) posterior standard deviation of f
    samples: jax.Array  #: (S, m) posterior function draws
    ell_grid: jax.Array  #: (g,) lengthscales of the evidence landscape
    lml: jax.Array  #: (g,) log marginal likelihood at each grid lengthscale
    lml_current: jax.Array  #: () log marginal likelihood at the chosen lengthscale
    ell_best: jax.Array  #: () the grid lengthscale of highest evidence


_IGNORED_NOISE = 1e12  # noise variance that removes a padded observation from the fit


def regression_demo(
    key: jax.Array,
    kernel_name: str,
    lengthscale,
    noise_var,
    num_points,
    *,
    max_points: int = 64,
    data_noise_sd: float = 0.2,
    num_test: int = 150,
    num_grid: int = 60,
    num_samples: int = 3,
) -> RegressionDemo:
    """Fit a GP of the chosen family to noisy draws of :func:`toy_function` and scan the evidence.

    ``max_points`` inputs are always drawn; only the first ``num_points`` are used. The others get a noise
    variance of 1e12, which removes them from the posterior (to ~1e-12) and, after subtracting their constant
    ½ log(2π·1e12), from the evidence. So the data size is a traced value and never triggers a recompile.

    Args:
        key: PRNG key (inputs, observation noise and posterior draws).
        kernel_name: one of :data:`KERNEL_FAMILIES` (static), or an integer index into it (may be traced; see
            :func:`make_kernel`).
        lengthscale: ℓ of the model kernel (traced).
        noise_var: the model's noise variance σ² (traced; the data have noise sd ``data_noise_sd``).
        num_points: number n ≤ ``max_points`` of observations used (traced int).
        max_points: number of inputs drawn (static).
        data_noise_sd: standard deviation of the observation noise that generated the data.
        num_test, num_grid, num_samples: sizes of the test grid, evidence grid and posterior draws (static).

    Returns:
        :class:`RegressionDemo` (``x``, ``y`` hold all ``max_points`` draws; the first n are the data).
    """
    kx, ky, ks = jax.random.split(key, 3)
    x = jax.random.uniform(kx, (max_points,), minval=-3.0, maxval=3.0)
    y = toy_function(x) + data_noise_sd * jax.random.normal(ky, (max_points,))
    used = jnp.arange(max_points) < num_points
    noise_vec = jnp.where(used, noise_var, _IGNORED_NOISE)
    offset = 0.5 * jnp.sum(~used) * jnp.log(2 * jnp.pi * _IGNORED_NOISE)
    x_test = jnp.linspace(-3.5, 3.5, num_test)
    kernel = make_kernel(kernel_name, lengthscale)
    mean, cov = posterior(kernel, x, y, noise_vec, x_test)
    sd = jnp.sqrt(jnp.clip(jnp.diag(cov), 0.0, None))
    samples = mvn_samples(ks, mean, cov, num_samples)
    ell_grid = jnp.geomspace(0.05, 5.0, num_grid)

    def lml_at(ell):
        return log_marginal_likelihood(make_kernel(kernel_name, ell), x, y, noise_vec) + offset

    lml = jax.vmap(lml_at)(ell_grid)
    return RegressionDemo(
        x,
        y,
        x_test,
        toy_function(x_test),
        mean,
        sd,
        samples,
        ell_grid,
        lml,
        lml_at(lengthscale),
        ell_grid[jnp.argmax(lml)],
    )


class LengthscaleRecovery(NamedTuple):
    """Output of :func:`lengthscale_recovery` for R replicate data sets."""

    ell_hat: jax.Array  #: (R,) evidence-maximising lengthscale on the grid, per data set
    ell_grid: jax.Array  #: (g,) the grid
    lml: jax.Array  #: (R, g) evidence curves


def lengthscale_recovery(
    key: jax.Array,
    true_lengthscale,
    noise_var,
    num_points: int,
    num_replicates: int,
    *,
    num_grid: int = 200,
) -> LengthscaleRecovery:
    """Draw R data sets from GP(0, RBF(ℓ*)) + noise and maximise the evidence over ℓ on a log grid.

    Args:
        key: PRNG key.
        true_lengthscale: ℓ* of the generating RBF kernel (variance 1).
        noise_var: noise variance σ² (known to the model).
        num_points: n inputs per data set, uniform on [0, 10] (static).
        num_replicates: number R of independent data sets (static).
        num_grid: size of the lengthscale grid on [ℓ*/10, 10 ℓ*] (static).

    Returns:
        :class:`LengthscaleRecovery`.
    """
    ell_grid = true_lengthscale * jnp.geomspace(0.1, 10.0, num_grid)

    def one(k):
        kx, kf, kn = jax.random.split(k, 3)
        x = jax.random.uniform(kx, (num_points,), minval=0.0, maxval=10.0)
        f = mvn_samples(kf, jnp.zeros(num_points), RBF(true_lengthscale)(x), 1)[0]
        y = f + jnp.sqrt(noise_var) * jax.random.normal(kn, (num_points,))
        lml = jax.vmap(lambda ell: log_marginal_likelihood(RBF(ell), x, y, noise_var, jitter=1e-8))(ell_grid)
        return ell_grid[jnp.argmax(lml)], lml

    ell_hat, lml = jax.vmap(one)(jax.random.split(key, num_replicates))
    return LengthscaleRecovery(ell_hat, ell_grid, lml)
