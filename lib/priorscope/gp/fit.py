r"""Type-II maximum likelihood (MAP-II) for GP hyperparameters with optax.

Maximises :math:`\log p(y \mid X, \theta) + \log p(\theta)` over unconstrained parameters θ (e.g. log
lengthscale, log noise) with Adam, running the loop inside one ``lax.scan``.

Reference: Rasmussen and Williams (2006), §5.4.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import jax
import jax.numpy as jnp
import optax

from priorscope.gp._checks import as_inputs
from priorscope.gp.kernels import Kernel
from priorscope.gp.posterior import log_marginal_likelihood

__all__ = ["FitResult", "fit_map", "lml_grid"]


class FitResult(NamedTuple):
    """Result of :func:`fit_map`.

    Attributes:
        params: the fitted unconstrained parameters (same pytree structure as ``params0``).
        losses: negative log posterior (up to a constant) at each step, shape ``(num_steps,)``.
    """

    params: object
    losses: jax.Array


def fit_map(
    build: Callable[[object], tuple[Kernel, jax.Array]],
    params0,
    X,
    y,
    *,
    num_steps: int = 500,
    learning_rate: float = 0.05,
    log_prior: Callable[[object], jax.Array] | None = None,
) -> FitResult:
    """Fit hyperparameters by maximising the (penalised) log marginal likelihood.

    Args:
        build: maps unconstrained ``params`` to ``(kernel, noise_variance)``, e.g.
            ``lambda p: (RBF(jnp.exp(p["log_ell"]), jnp.exp(p["log_var"])), jnp.exp(p["log_noise"]))``.
        params0: initial unconstrained parameters (any pytree of arrays).
        X: inputs, shape ``(n, d)`` or ``(n,)``.
        y: observations, shape ``(n,)``.
        num_steps: Adam steps (static, >= 1).
        learning_rate: Adam step size (> 0).
        log_prior: optional log prior density of ``params`` (MAP-II); None means maximum likelihood.

    Returns:
        :class:`FitResult` with the final parameters and the loss trace.
    """
    if not isinstance(num_steps, int) or num_steps < 1:
        raise ValueError(f"num_steps must be an int >= 1, got {num_steps!r}")
    if not learning_rate > 0:
        raise ValueError(f"learning_rate must be > 0, got {learning_rate}")
    X = as_inputs("X", X)
    y = jnp.asarray(y)
    if y.shape != (X.shape[0],):
        raise ValueError(f"y must have shape ({X.shape[0]},) like X, got shape {y.shape}")
    kernel0, noise0 = build(params0)
    log_marginal_likelihood(kernel0, X, y, noise0)  # validates shapes and the initial values

    def loss(p):
        kernel, noise_var = build(p)
        val = -log_marginal_likelihood(kernel, X, y, noise_var)
        if log_prior is not None:
            val = val - log_prior(p)
        return val

    opt = optax.adam(learning_rate)

    def step(carry, _):
        p, s = carry
        val, g = jax.value_and_grad(loss)(p)
        upd, s = opt.update(g, s, p)
        return (optax.apply_updates(p, upd), s), val

    @jax.jit
    def run(p0):
        (p, _), losses = jax.lax.scan(step, (p0, opt.init(p0)), None, length=num_steps)
        return p, losses

    params, losses = run(params0)
    return FitResult(params, losses)


def lml_grid(make_kernel: Callable[[jax.Array], Kernel], values, X, y, noise_var) -> jax.Array:
    """Log marginal likelihood over a 1-D grid of one hyperparameter (vmapped).

    Args:
        make_kernel: maps one (traced) scalar hyperparameter value to a kernel.
        values: hyperparameter values, shape ``(g,)``.
        X, y, noise_var: as in :func:`~priorscope.gp.log_marginal_likelihood`.

    Returns:
        LML at each value, shape ``(g,)``.
    """
    X = as_inputs("X", X)
    return jax.vmap(lambda v: log_marginal_likelihood(make_kernel(v), X, y, noise_var))(jnp.asarray(values))
