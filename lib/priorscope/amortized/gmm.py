r"""Distribution transformers in 1-D: GMM prior tokens in, GMM posterior tokens out, and the exact reference.

Exact posterior of a GMM prior under a linear-Gaussian observation ``z = H x + N(0, R)`` — a Kalman update per
component (Whittle et al., 2025, their closed-form reference):

.. math::
    S_k = H Σ_k Hᵀ + R,\quad K_k = Σ_k Hᵀ S_k^{-1},\quad μ'_k = μ_k + K_k (z − H μ_k),\quad
    Σ'_k = (I − K_k H) Σ_k,\quad w'_k ∝ w_k\, N(z; H μ_k, S_k).

The model (:func:`dt_posterior`) reads one token per prior component, ``(log w_k, μ_k, log σ_k)``, plus one token
for the observation ``z``, all attending to each other (a set: no positions, so it is permutation-equivariant over
components). Each component token's output is a correction added to the prior token ("prior + correction"), read
as ``(log w'_k, μ'_k, log σ'_k)``. Training maximises ``log q(x | prior, z)`` for ``x`` drawn with ``z`` from the
prior (the amortised forward KL).

Reference: Whittle, Ziomek, Rawling, Osborne (2025), "Distribution Transformers", arXiv:2502.02463.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
from jax.scipy.special import logsumexp

from priorscope import nn
from priorscope._checks import check_int, check_ndim, check_same_shape, check_type

__all__ = [
    "dt_loss",
    "dt_posterior",
    "gmm_kl_mc",
    "gmm_log_prob",
    "gmm_sample",
    "init_dt",
    "kalman_gmm_posterior",
]


def kalman_gmm_posterior(weights, means, covs, z, H, R):
    """Exact posterior of ``x ~ Σ_k w_k N(μ_k, Σ_k)`` given ``z = H x + N(0, R)``.

    Args:
        weights: ``(K,)``; means: ``(K, D)``; covs: ``(K, D, D)``; z: ``(M,)``; H: ``(M, D)``; R: ``(M, M)``.

    Returns:
        ``(weights', means', covs')`` with the same shapes.
    """
    weights, means, covs = jnp.asarray(weights, float), jnp.asarray(means, float), jnp.asarray(covs, float)
    z, H, R = jnp.asarray(z, float), jnp.asarray(H, float), jnp.asarray(R, float)
    check_ndim("weights", weights, 1)
    check_ndim("means", means, 2)
    check_ndim("covs", covs, 3)
    check_ndim("H", H, 2)
    if means.shape[0] != weights.shape[0] or covs.shape != (means.shape[0], means.shape[1], means.shape[1]):
        raise ValueError(
            f"means must be (K, D) and covs (K, D, D) with K = len(weights), got {means.shape}, {covs.shape}"
        )
    if H.shape[1] != means.shape[1] or z.shape != (H.shape[0],) or R.shape != (H.shape[0], H.shape[0]):
        raise ValueError(f"H must be (M, D), z (M,), R (M, M); got H {H.shape}, z {z.shape}, R {R.shape}")

    def one(mu, cov):
        S = H @ cov @ H.T + R
        gain = jnp.linalg.solve(S, H @ cov).T  # Σ Hᵀ S⁻¹ (S symmetric)
        resid = z - H @ mu
        new_mu = mu + gain @ resid
        new_cov = cov - gain @ H @ cov
        logn = jax.scipy.stats.multivariate_normal.logpdf(z, H @ mu, S)
        return new_mu, 0.5 * (new_cov + new_cov.T), logn

    new_mu, new_cov, logn = jax.vmap(one)(means, covs)
    logw = jnp.log(weights) + logn
    return jnp.exp(logw - logsumexp(logw)), new_mu, new_cov


def gmm_log_prob(weights, means, variances, x) -> jax.Array:
    """Log density of a 1-D GMM: parameters ``(..., K)``, ``x`` broadcast against ``(...)``; returns ``(...)``."""
    weights, means, variances = (jnp.asarray(a, float) for a in (weights, means, variances))
    check_same_shape("weights", weights, "means", means)
    check_same_shape("weights", weights, "variances", variances)
    x = jnp.asarray(x, float)[..., None]
    comp = jax.scipy.stats.norm.logpdf(x, means, jnp.sqrt(variances))
    return logsumexp(jnp.log(weights) + comp, axis=-1)


def gmm_sample(key, weights, means, variances, num_samples: int) -> jax.Array:
    """``num_samples`` draws from one 1-D GMM (parameters ``(K,)``); returns ``(num_samples,)``."""
    num_samples = check_int("num_samples", num_samples, min_value=1)
    weights, means, variances = (jnp.asarray(a, float) for a in (weights, means, variances))
    check_ndim("weights", weights, 1)
    check_same_shape("weights", weights, "means", means)
    check_same_shape("weights", weights, "variances", variances)
    kc, kn = jax.random.split(key)
    comp = jax.random.categorical(kc, jnp.log(weights), shape=(num_samples,))
    return means[comp] + jnp.sqrt(variances[comp]) * jax.random.normal(kn, (num_samples,))


def gmm_kl_mc(
    key: jax.Array,
    q: tuple[jax.Array, jax.Array, jax.Array],
    p: tuple[jax.Array, jax.Array, jax.Array],
    num_samples: int = 10_000,
) -> jax.Array:
    """Monte Carlo ``KL(q ‖ p) ≈ mean_i [log q(x_i) − log p(x_i)]``, ``x_i ~ q``; ``q``, ``p`` are
    ``(weights, means, variances)`` triples of one 1-D GMM each."""
    x = gmm_sample(key, *q, num_samples)
    return jnp.mean(gmm_log_prob(*q, x) - gmm_log_prob(*p, x))


def init_dt(key: jax.Array, *, d_model: int = 32, num_heads: int = 4, num_layers: int = 2, d_ff: int = 128):
    """Weights of the distribution transformer (a :class:`priorscope.nn.TransformerParams`, 4 inputs, 3 outputs).

    Input features per token: ``(log w, μ, log σ, is_observation)``; an observation token carries ``z`` in the
    ``μ`` slot. The readout starts at zero, so the untrained model returns the prior.
    """
    params = nn.init_transformer(
        key, d_in=4, d_model=d_model, num_heads=num_heads, num_layers=num_layers, d_ff=d_ff, d_out=3
    )
    return params._replace(readout=jnp.zeros_like(params.readout))


def dt_posterior(params, weights, means, variances, z):
    """The model's posterior GMM for one prior ``(K,)`` triple and one observation ``z`` (scalar).

    Returns ``(weights', means', variances')``, each ``(K,)``.
    """
    check_type("params", params, nn.TransformerParams, "TransformerParams from init_dt")
    weights, means, variances = (jnp.asarray(a, float) for a in (weights, means, variances))
    check_ndim("weights", weights, 1)
    check_same_shape("weights", weights, "means", means)
    check_same_shape("weights", weights, "variances", variances)
    logw, logs = jnp.log(weights), 0.5 * jnp.log(variances)
    k = weights.shape[0]
    comp = jnp.stack([logw, means, logs, jnp.zeros(k)], axis=-1)
    obs = jnp.stack([jnp.zeros(()), jnp.asarray(z, float), jnp.zeros(()), jnp.ones(())])[None]
    out = nn.transformer(params, jnp.concatenate([comp, obs]), nn.full_mask(k + 1))[:k]
    new_logw = jax.nn.log_softmax(logw + out[:, 0])
    new_logs = jnp.clip(logs + out[:, 2], -7.0, 7.0)
    return jnp.exp(new_logw), means + out[:, 1], jnp.exp(2.0 * new_logs)


def dt_loss(params, weights, means, variances, x, z) -> jax.Array:
    """Mean ``−log q(x | prior, z)`` over a batch (parameters ``(B, K)``, ``x``, ``z`` ``(B,)``)."""
    q = jax.vmap(lambda w, m, v, zz: dt_posterior(params, w, m, v, zz))(weights, means, variances, z)
    return -jnp.mean(gmm_log_prob(*q, x))
