r"""Stochastic-gradient MCMC (SGHMC, SGLD) for flat parameter vectors, through blackjax.

The target is :math:`\log p(\theta) + \frac{N}{B}\sum_{i\in\text{batch}} \log p(y_i \mid \theta, x_i)`; blackjax's
``grad_estimator`` builds the minibatch gradient, :func:`blackjax.sghmc` / :func:`blackjax.sgld` the kernels. The
loop (burn-in, thinning, minibatch draws) runs in one ``lax.scan``.

References:
    Chen, Fox, Guestrin (2014), "Stochastic gradient Hamiltonian Monte Carlo", ICML.
    Welling, Teh (2011), "Bayesian learning via stochastic gradient Langevin dynamics", ICML.
    Cabezas et al. (2024), "BlackJAX: composable Bayesian inference in JAX", https://arxiv.org/abs/2402.10797.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import blackjax
import jax
import jax.numpy as jnp

from priorscope._checks import check_choice, check_int, check_positive

__all__ = ["sgmcmc_sample"]


def sgmcmc_sample(
    key: jax.Array,
    logprior_fn: Callable[[jax.Array], jax.Array],
    loglikelihood_fn: Callable[[jax.Array, Any], jax.Array],
    position: Any,
    data: tuple[Any, ...],
    *,
    step_size: float,
    num_samples: int,
    num_burnin: int,
    thin: int = 1,
    batch_size: int | None = None,
    method: str = "sghmc",
    num_integration_steps: int = 10,
    alpha: float = 0.01,
) -> jax.Array:
    """Run one SG-MCMC chain and return its thinned draws.

    Args:
        key: PRNG key.
        logprior_fn: ``θ -> log p(θ)``.
        loglikelihood_fn: ``(θ, (x_i, y_i)) -> log p(y_i | θ, x_i)`` for ONE data point (blackjax vmaps it).
        position: initial θ, shape ``(P,)``.
        data: tuple of arrays with a leading axis of N data points.
        step_size: integrator step size > 0.
        num_samples: kept draws ≥ 1 (static).
        num_burnin: discarded steps ≥ 0 (static).
        thin: steps between kept draws ≥ 1 (static).
        batch_size: minibatch size B (static); None means full batch.
        method: ``"sghmc"`` or ``"sgld"``.
        num_integration_steps: SGHMC leapfrog steps per transition (≥ 1).
        alpha: SGHMC friction in (0, ∞).

    Returns:
        Draws of shape ``(num_samples, P)``.
    """
    method = check_choice("method", method, ("sghmc", "sgld"))
    num_samples = check_int("num_samples", num_samples, min_value=1)
    num_burnin = check_int("num_burnin", num_burnin, min_value=0)
    thin = check_int("thin", thin, min_value=1)
    num_integration_steps = check_int("num_integration_steps", num_integration_steps, min_value=1)
    step_size = check_positive("step_size", step_size)
    alpha = check_positive("alpha", alpha)
    leaves = jax.tree_util.tree_leaves(data)
    if not leaves:
        raise ValueError("data must hold at least one array of data points")
    n = leaves[0].shape[0]
    if n == 0:
        raise ValueError("data must hold at least one data point, got 0")
    batch = n if batch_size is None else check_int("batch_size", batch_size, min_value=1, max_value=n)
    grad_fn = blackjax.sgmcmc.gradients.grad_estimator(logprior_fn, loglikelihood_fn, n)
    if method == "sghmc":
        algo = blackjax.sghmc(grad_fn, num_integration_steps, alpha=alpha)
    else:
        algo = blackjax.sgld(grad_fn)
    theta = jnp.asarray(position)

    def one(state, k):
        k_batch, k_step = jax.random.split(k)
        if batch == n:
            minibatch = data
        else:
            idx = jax.random.choice(k_batch, n, (batch,), replace=False)
            minibatch = jax.tree.map(lambda a: a[idx], data)
        return algo.step(k_step, state, minibatch, step_size), None  # pyright: ignore[reportCallIssue]

    def kept(state, k):
        state, _ = jax.lax.scan(one, state, jax.random.split(k, thin))
        return state, state

    k_burn, k_keep = jax.random.split(key)
    state = algo.init(theta)  # pyright: ignore[reportCallIssue]
    if num_burnin:
        state, _ = jax.lax.scan(one, state, jax.random.split(k_burn, num_burnin))
    _, draws = jax.lax.scan(kept, state, jax.random.split(k_keep, num_samples))
    return draws
