"""Tempered SMC: from a prior to a posterior through :math:`p(x)L(x)^{\\beta_k}`, with random-walk moves.

The targets :math:`\\pi_k(x) \\propto p(x) L(x)^{\\beta_k}` with :math:`0 = \\beta_0 < \\dots < \\beta_K = 1` form a
Feynman–Kac model with potentials :math:`G_k(x) = L(x)^{\\beta_k - \\beta_{k-1}}`; after reweighting (and
resampling when the ESS is low), a few random-walk Metropolis steps that leave :math:`\\pi_k` invariant
rejuvenate the particles. The product of mean incremental weights estimates the evidence
:math:`Z = \\int p(x) L(x)\\,\\mathrm dx` without bias (Neal 2001; Del Moral, Doucet and Jasra 2006).
"""

from __future__ import annotations

from collections.abc import Callable

import jax
import jax.numpy as jnp
import numpy as np

from priorscope import _checks as _c
from priorscope._checks import check_choice, check_in_range, check_increasing, check_int, check_positive, is_concrete
from priorscope.particles import smc
from priorscope.particles.resampling import SCHEMES
from priorscope.particles.weights import weighted_var

__all__ = ["rwmh", "tempered_smc"]


LogDensity = Callable[[jax.Array], jax.Array]


def rwmh(
    key: jax.Array,
    particles: jax.Array,
    log_target_fn: LogDensity,
    scale: jax.Array,
    num_steps: int | jax.Array,
) -> tuple[jax.Array, jax.Array]:
    """Random-walk Metropolis moves applied to every particle independently.

    Args:
        key: a JAX PRNG key.
        particles: shape ``(n, d)``.
        log_target_fn: log-density of one point ``(d,) -> ()`` (vmapped here).
        scale: proposal standard deviation, scalar or ``(d,)`` (traced).
        num_steps: number of Metropolis steps, ``>= 0``; may be traced (a slider), since the loop is a
            ``fori_loop`` whose length does not fix any shape.

    Returns:
        ``(particles, acceptance_rate)``: moved particles ``(n, d)`` and the mean acceptance rate (scalar; 1 when
        ``num_steps`` is 0).
    """
    scale = _c.check_positive("scale", scale)
    if isinstance(num_steps, int):
        _c.check_int("num_steps", num_steps, min_value=0)
    else:
        num_steps = _c.check_nonnegative("num_steps", num_steps)
    log_target = jax.vmap(log_target_fn)

    def one(i, carry):
        x, lp, accepted = carry
        k_prop, k_acc = jax.random.split(jax.random.fold_in(key, i))
        prop = x + scale * jax.random.normal(k_prop, x.shape, x.dtype)
        lp_prop = log_target(prop)
        accept = jnp.log(jax.random.uniform(k_acc, lp.shape, x.dtype)) < lp_prop - lp
        x = jnp.where(accept[:, None], prop, x)
        lp = jnp.where(accept, lp_prop, lp)
        return x, lp, accepted + jnp.mean(accept)

    init = (particles, log_target(particles), jnp.zeros((), particles.dtype))
    particles, _, accepted = jax.lax.fori_loop(0, num_steps, one, init)
    rate = jnp.where(num_steps > 0, accepted / jnp.maximum(num_steps, 1), 1.0)
    return particles, rate


def tempered_smc(
    key: jax.Array,
    particles: jax.Array,
    log_prior_fn: LogDensity,
    log_likelihood_fn: LogDensity,
    betas: jax.Array,
    *,
    num_mcmc_steps: int | jax.Array = 5,
    proposal_scale: jax.Array | float = 1.0,
    ess_threshold: jax.Array | float = 0.5,
    scheme: str = "systematic",
) -> tuple[smc.SMCState, smc.SMCInfo, jax.Array]:
    """Run tempered SMC along the inverse temperatures ``betas``.

    The random-walk scale adapts to the particle cloud: ``proposal_scale`` times the weighted standard deviation
    of the particles in each dimension (a common, cheap rule; 2.38/sqrt(d) is optimal for Gaussian targets).

    Args:
        key: a JAX PRNG key.
        particles: draws from the prior :math:`p`, shape ``(n, d)``.
        log_prior_fn: :math:`\\log p` of one point ``(d,) -> ()``.
        log_likelihood_fn: :math:`\\log L` of one point ``(d,) -> ()``.
        betas: increasing inverse temperatures, shape ``(K + 1,)``, from 0 to 1.
        num_mcmc_steps: Metropolis steps per temperature (may be traced).
        proposal_scale: multiplier of the adaptive proposal scale (traced).
        ess_threshold: resample when ESS < ``ess_threshold · n`` (traced).
        scheme: resampling scheme.

    Returns:
        ``(state, infos, acceptance)``: the final :class:`~priorscope.particles.smc.SMCState` (its
        ``log_evidence`` estimates :math:`\\log Z`), the per-step :class:`~priorscope.particles.smc.SMCInfo`
        stacked along a leading axis of length ``K``, and acceptance rates ``(K,)``.
    """
    particles = jnp.asarray(particles)
    betas = jnp.asarray(betas)
    if particles.ndim != 2:
        raise ValueError(f"particles must have shape (n, d), got {particles.shape}")
    if betas.ndim != 1 or betas.shape[0] < 2:
        raise ValueError(f"betas must have shape (K + 1,) with K >= 1, got {betas.shape}")
    if not callable(log_prior_fn) or not callable(log_likelihood_fn):
        raise TypeError("log_prior_fn and log_likelihood_fn must be functions of one point (d,) -> ()")
    if isinstance(num_mcmc_steps, int | bool):
        check_int("num_mcmc_steps", num_mcmc_steps, min_value=0)
    else:
        num_mcmc_steps = check_in_range("num_mcmc_steps", num_mcmc_steps, 0, 10**9)
    # temperatures run from 0 (the prior) up to 1 (the posterior); decreasing ones give a meaningless log Z
    betas = check_increasing("betas", check_in_range("betas", betas, 0.0, 1.0))
    if is_concrete(betas) and not (np.asarray(betas)[0] == 0.0 and np.asarray(betas)[-1] == 1.0):
        raise ValueError(f"betas must start at 0 and end at 1, got betas[0] = {betas[0]} and betas[-1] = {betas[-1]}")
    proposal_scale = check_positive("proposal_scale", proposal_scale)
    ess_threshold = check_in_range("ess_threshold", ess_threshold, 0.0, 1.0)
    check_choice("scheme", scheme, SCHEMES)
    log_lik = jax.vmap(log_likelihood_fn)

    def body(state, inputs):
        k, beta_prev, beta = inputs

        def move(k_move, x, log_w):
            scale = proposal_scale * jnp.sqrt(weighted_var(log_w, x) + 1e-12)
            target = lambda z: log_prior_fn(z) + beta * log_likelihood_fn(z)
            return rwmh(k_move, x, target, scale, num_mcmc_steps)

        k_step, k_move = jax.random.split(k)
        state, info = smc.step(
            k_step,
            state,
            lambda x: (beta - beta_prev) * log_lik(x),
            lambda _, x: x,
            ess_threshold,
            scheme,
        )
        x, rate = move(k_move, state.particles, state.log_weights)
        return state._replace(particles=x), (info, rate)

    keys = jax.random.split(key, betas.shape[0] - 1)
    state, (infos, rates) = jax.lax.scan(body, smc.init(particles), (keys, betas[:-1], betas[1:]))
    return state, infos, rates
