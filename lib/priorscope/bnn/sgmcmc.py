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

__all__ = ["sgmcmc_sample", "bnn_posterior_functions", "predictive_nll"]


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


def bnn_posterior_functions(
    key: jax.Array,
    x: Any,
    y: Any,
    x_test: Any,
    layer_sizes: Any,
    weight_variance: Any,
    bias_variance: Any,
    noise_var: float,
    *,
    activation: str = "tanh",
    step_size: float = 1e-3,
    num_samples: int = 40,
    num_burnin: int = 1000,
    thin: int = 20,
    num_chains: int = 2,
    num_integration_steps: int = 5,
) -> jax.Array:
    r"""Posterior function draws of a BNN with Gaussian likelihood N(y | f_θ(x), noise_var), sampled by SGHMC.

    The prior is :func:`priorscope.bnn.mlp.log_prior` with the given per-layer variances; chains start from
    independent prior draws and run full-batch (the toys here are small).

    Args:
        key: PRNG key.
        x, y: training inputs ``(n,)`` and targets ``(n,)``.
        x_test: test inputs ``(m,)``.
        layer_sizes: ``(1, n_1, ..., n_L, 1)``.
        weight_variance, bias_variance: per-layer prior variances (> 0).
        noise_var: observation noise variance > 0.
        activation, step_size, num_samples, num_burnin, thin, num_integration_steps: see :func:`sgmcmc_sample`.
        num_chains: independent chains ≥ 1 (vmapped).

    Returns:
        Function values at ``x_test`` of shape ``(num_chains * num_samples, m)``.
    """
    from priorscope.bnn.mlp import flatten, init_mlp, log_prior, mlp_apply

    noise_var = check_positive("noise_var", noise_var)
    num_chains = check_int("num_chains", num_chains, min_value=1)
    xs, ys, xt = jnp.asarray(x), jnp.asarray(y), jnp.asarray(x_test)
    if ys.shape != xs.shape[:1]:
        raise ValueError(f"y must have shape ({xs.shape[0]},) like x, got {ys.shape}")
    _, unflatten = flatten(init_mlp(key, layer_sizes, weight_variance, bias_variance))

    def lp(theta):
        return log_prior(unflatten(theta), weight_variance, bias_variance)

    def ll(theta, d):
        f = mlp_apply(unflatten(theta), d[0][None], activation)[0, 0]
        return -0.5 * (d[1] - f) ** 2 / noise_var - 0.5 * jnp.log(2 * jnp.pi * noise_var)

    def chain(k):
        k0, k1 = jax.random.split(k)
        theta0, _ = flatten(init_mlp(k0, layer_sizes, weight_variance, bias_variance))
        draws = sgmcmc_sample(
            k1,
            lp,
            ll,
            theta0,
            (xs, ys),
            step_size=step_size,
            num_samples=num_samples,
            num_burnin=num_burnin,
            thin=thin,
            num_integration_steps=num_integration_steps,
        )
        return jax.vmap(lambda t: mlp_apply(unflatten(t), xt, activation)[:, 0])(draws)

    f = jax.vmap(chain)(jax.random.split(key, num_chains))
    return f.reshape(-1, xt.shape[0])


def predictive_nll(function_draws: Any, y_test: Any, noise_var: float) -> jax.Array:
    r"""Mean NLL of ``y_test`` under the Monte Carlo predictive :math:`\frac1S\sum_s \mathcal N(y; f_s(x), \sigma^2)`.

    Args:
        function_draws: ``(S, m)`` function values at the test inputs.
        y_test: ``(m,)`` targets.
        noise_var: σ² > 0.
    """
    f, yt = jnp.asarray(function_draws), jnp.asarray(y_test)
    if f.ndim != 2 or f.shape[1:] != yt.shape:
        raise ValueError(f"function_draws must have shape (S, {yt.shape[0]}), got {f.shape}")
    noise_var = check_positive("noise_var", noise_var)
    logp = -0.5 * (yt - f) ** 2 / noise_var - 0.5 * jnp.log(2 * jnp.pi * noise_var)
    return -jnp.mean(jax.scipy.special.logsumexp(logp, axis=0) - jnp.log(f.shape[0]))
