r"""Priors as batch samplers for prior-fitted networks, and their exact (or MCMC) reference posteriors.

- GP regression in 1-D: ``x ~ U[0, 1]``, ``f ~ GP(0, σ² RBF(ℓ))``, ``y = f + N(0, noise_var)``, with fixed
  hyperparameters (the exact posterior predictive is closed form) or with a hyperprior on ``ℓ`` and ``σ²`` (the
  reference marginalises them with NUTS).
- The LC-PFN learning-curve prior (Adriaensen et al., 2023): a weighted sum of the pow3, ilog2 and janoschek basis
  curves plus Gaussian noise, with the official code's parameter ranges and its rejection rule (a curve whose last
  value does not exceed its first, or that leaves [0, 1], is redrawn; checked against automl/lcpfn, see
  notebook 15).
- GMM priors with a linear-Gaussian observation (Whittle et al., 2025): ``x ~ Σ_k w_k N(μ_k, Σ_k)``,
  ``z = H x + N(0, R)``; see :mod:`priorscope.amortized.gmm` for the exact posterior.

Every sampler is pure: key in, arrays out; shapes ``(batch, num_points)``.
"""

from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpyro
import numpyro.distributions as dist

from priorscope import gp
from priorscope._checks import check_int, check_ndim, check_positive, check_same_shape

__all__ = [
    "GPHyperprior",
    "gp_exact_log_pred",
    "gp_hyper_model",
    "gp_mixture_log_pred",
    "lc_basis_curves",
    "lc_is_valid",
    "lc_mean_curves",
    "sample_gmm_tasks",
    "sample_gp_batch",
    "sample_lc_curves",
]


class GPHyperprior(NamedTuple):
    """Log-normal hyperpriors: ``log ℓ ~ N(log_ls_mean, log_ls_sd²)``, ``log σ² ~ N(log_var_mean, log_var_sd²)``."""

    log_ls_mean: float = -1.2  # median lengthscale e^-1.2 ≈ 0.30
    log_ls_sd: float = 0.5
    log_var_mean: float = 0.0
    log_var_sd: float = 0.3


def _rbf_cov(x, lengthscale, variance, noise_var):
    d2 = (x[:, None] - x[None, :]) ** 2
    return variance * jnp.exp(-0.5 * d2 / lengthscale**2) + (noise_var + 1e-6) * jnp.eye(x.shape[0])


def sample_gp_batch(
    key: jax.Array,
    batch: int,
    num_points: int,
    *,
    lengthscale=0.25,
    variance=1.0,
    noise_var=0.01,
    hyperprior: GPHyperprior | None = None,
) -> tuple[jax.Array, jax.Array]:
    """``batch`` datasets of ``num_points`` noisy GP draws on ``x ~ U[0, 1]``; returns ``(x, y)``, each ``(B, T)``.

    With ``hyperprior`` each dataset first draws its own lengthscale and variance (``lengthscale``/``variance``
    are then ignored).
    """
    batch = check_int("batch", batch, min_value=1)
    num_points = check_int("num_points", num_points, min_value=1)
    lengthscale = check_positive("lengthscale", lengthscale)
    variance = check_positive("variance", variance)
    noise_var = check_positive("noise_var", noise_var)
    kx, kf, kh = jax.random.split(key, 3)
    x = jax.random.uniform(kx, (batch, num_points))
    if hyperprior is None:
        ls = jnp.full(batch, lengthscale)
        var = jnp.full(batch, variance)
    else:
        k1, k2 = jax.random.split(kh)
        ls = jnp.exp(hyperprior.log_ls_mean + hyperprior.log_ls_sd * jax.random.normal(k1, (batch,)))
        var = jnp.exp(hyperprior.log_var_mean + hyperprior.log_var_sd * jax.random.normal(k2, (batch,)))
    chol = jax.vmap(lambda xi, li, vi: jnp.linalg.cholesky(_rbf_cov(xi, li, vi, noise_var)))(x, ls, var)
    y = jnp.einsum("bij,bj->bi", chol, jax.random.normal(kf, (batch, num_points)))
    return x, y


def gp_exact_log_pred(x_ctx, y_ctx, x_qry, y_qry, *, lengthscale=0.25, variance=1.0, noise_var=0.01) -> jax.Array:
    """Exact posterior-predictive log density ``log p(y_q | x_q, D)`` of the GP, one value per query, ``(Q,)``.

    With no context (``x_ctx`` of length 0) it is the prior predictive ``N(0, σ² + noise_var)``.
    """
    x_ctx, y_ctx, x_qry, y_qry = (jnp.asarray(a, dtype=float) for a in (x_ctx, y_ctx, x_qry, y_qry))
    check_ndim("x_ctx", x_ctx, 1)
    check_same_shape("x_ctx", x_ctx, "y_ctx", y_ctx)
    check_ndim("x_qry", x_qry, 1)
    check_same_shape("x_qry", x_qry, "y_qry", y_qry)
    noise_var = check_positive("noise_var", noise_var)
    if x_ctx.shape[0] == 0:
        return jax.scipy.stats.norm.logpdf(y_qry, 0.0, jnp.sqrt(variance + noise_var))
    kernel = gp.RBF(lengthscale=jnp.asarray(lengthscale), variance=jnp.asarray(variance))
    mean, var = gp.posterior(kernel, x_ctx, y_ctx, noise_var, x_qry, full_cov=False)
    return jax.scipy.stats.norm.logpdf(y_qry, mean, jnp.sqrt(jnp.maximum(var, 0.0) + noise_var))


def gp_hyper_model(x, y, noise_var=0.01, hyperprior: GPHyperprior | None = None):
    """NumPyro model of the hyperprior GP: log-normal ``ℓ``, ``σ²``; ``y ~ N(0, σ² K_ℓ + noise I)``."""
    hyperprior = GPHyperprior() if hyperprior is None else hyperprior
    check_ndim("x", x, 1)
    check_same_shape("x", x, "y", y)
    ls = numpyro.sample("lengthscale", dist.LogNormal(hyperprior.log_ls_mean, hyperprior.log_ls_sd))
    var = numpyro.sample("variance", dist.LogNormal(hyperprior.log_var_mean, hyperprior.log_var_sd))
    cov = _rbf_cov(x, ls, var, noise_var)
    numpyro.sample("y", dist.MultivariateNormal(jnp.zeros(x.shape[0]), covariance_matrix=cov), obs=y)


def gp_mixture_log_pred(lengthscales, variances, x_ctx, y_ctx, x_qry, y_qry, *, noise_var=0.01) -> jax.Array:
    """Posterior-predictive log density averaged over hyperparameter draws (e.g. NUTS samples), ``(Q,)``.

    ``log (1/S) Σ_s N(y_q; m_s(x_q), v_s(x_q) + noise_var)`` with ``m_s``, ``v_s`` the GP posterior under draw ``s``.
    """
    lengthscales = jnp.ravel(jnp.asarray(lengthscales, dtype=float))
    variances = jnp.ravel(jnp.asarray(variances, dtype=float))
    check_same_shape("lengthscales", lengthscales, "variances", variances)
    one = jax.vmap(
        lambda ls, v: gp_exact_log_pred(x_ctx, y_ctx, x_qry, y_qry, lengthscale=ls, variance=v, noise_var=noise_var)
    )(lengthscales, variances)
    return jax.scipy.special.logsumexp(one, axis=0) - jnp.log(lengthscales.shape[0])


# ---------------------------------------------------------------- learning curves (LC-PFN)


_LC_KEYS = ("pow3_c", "pow3_a", "pow3_alpha", "ilog2_c", "ilog2_a", "jan_alpha", "jan_beta", "jan_kappa", "jan_delta")


def lc_basis_curves(t, params) -> jax.Array:
    """The three basis curves at epochs ``t`` for a dict of parameters (arrays broadcast against ``t[..., None]``).

    pow3 ``c − a t^{−α}``; ilog2 ``c − a / log(t + 1)``; janoschek ``α − (α − β) exp(−κ t^δ)``. Returns
    ``(..., T, 3)``.
    """
    t = jnp.asarray(t, dtype=float)
    missing = sorted(set(_LC_KEYS) - set(params))
    if missing:
        raise ValueError(f"params must hold the basis-curve parameters {_LC_KEYS}, missing {missing}")
    p = {k: jnp.asarray(params[k])[..., None] for k in _LC_KEYS}
    pow3 = p["pow3_c"] - p["pow3_a"] * t ** (-p["pow3_alpha"])
    ilog2 = p["ilog2_c"] - p["ilog2_a"] / jnp.log(t + 1.0)
    jan = p["jan_alpha"] - (p["jan_alpha"] - p["jan_beta"]) * jnp.exp(-p["jan_kappa"] * t ** p["jan_delta"])
    return jnp.stack([pow3, ilog2, jan], axis=-1)


def _lc_params(key, shape):
    ks = jax.random.split(key, 12)
    u = jax.random.uniform
    n = jax.random.normal
    return {
        "w": u(ks[0], shape + (3,)),
        "pow3_c": u(ks[1], shape, minval=0.0, maxval=1.25),
        "pow3_a": u(ks[2], shape, minval=-0.6, maxval=0.6),
        "pow3_alpha": jnp.exp(2.0 * n(ks[3], shape)),
        "ilog2_c": u(ks[4], shape, minval=0.0, maxval=1.0),
        "ilog2_a": u(ks[5], shape, minval=-0.5, maxval=0.5),
        "jan_alpha": u(ks[6], shape, minval=0.0, maxval=1.0),
        "jan_beta": u(ks[7], shape, minval=0.0, maxval=2.0),
        "jan_kappa": jnp.exp(-2.0 + n(ks[8], shape)),
        "jan_delta": jnp.exp(0.5 * n(ks[9], shape)),
        "log_sigma": -4.0 + n(ks[10], shape),
    }


def lc_mean_curves(t, params) -> jax.Array:
    """Noise-free curves ``Σ_k w_k f_k(t; θ_k)`` for a parameter dict with weights ``w (..., 3)``; ``(..., T)``."""
    if "w" not in params:
        raise ValueError("params must hold the basis-curve weights 'w' (shape (..., 3)) and the curve parameters")
    basis = lc_basis_curves(t, {k: v for k, v in params.items() if k != "w"})
    return jnp.sum(jnp.asarray(params["w"])[..., None, :] * basis, axis=-1)


def lc_is_valid(mean) -> jax.Array:
    """The LC-PFN rejection rule on noise-free curves ``(..., T)``: inside ``[0, 1]`` and ``y_T > y_1`` (NaN fails)."""
    mean = jnp.asarray(mean)
    if mean.ndim < 1 or mean.shape[-1] < 2:
        raise ValueError(f"mean must have a last axis of at least 2 epochs, got shape {mean.shape}")
    return jnp.all((mean >= 0.0) & (mean <= 1.0), axis=-1) & (mean[..., -1] > mean[..., 0])


def sample_lc_curves(key: jax.Array, batch: int, num_epochs: int, *, tries: int = 64) -> tuple[jax.Array, dict]:
    """``batch`` noisy learning curves ``y_1 … y_T`` from the LC-PFN prior; returns ``(y (B, T), params)``.

    ``y_t = Σ_k w_k f_k(t; θ_k) + ε_t`` with ``w_k ~ U(0, 1)`` (not normalised), ``ε_t ~ N(0, σ²)``,
    ``log σ ~ N(−4, 1)``. Rejection, as in the official code: a draw (weights, curve parameters and ``σ`` together)
    whose noise-free curve leaves ``[0, 1]`` or does not end above where it starts is discarded and redrawn. Each
    round proposes ``tries`` candidates per curve and keeps the first valid one; rounds repeat until every curve has
    one (about 21 % of draws are valid, so one round of 64 almost always suffices), so no invalid curve is ever
    returned.
    """
    batch = check_int("batch", batch, min_value=1)
    num_epochs = check_int("num_epochs", num_epochs, min_value=2)
    tries = check_int("tries", tries, min_value=1)
    kp, ke = jax.random.split(key)
    t = jnp.arange(1, num_epochs + 1, dtype=float)
    take = jax.vmap(lambda a, i: a[i])

    def propose(k):
        cand = _lc_params(k, (batch, tries))
        ok = lc_is_valid(lc_mean_curves(t, cand))  # (B, tries)
        pick = jnp.argmax(ok, axis=-1)
        return {n: take(v, pick) for n, v in cand.items()}, ok.any(-1)

    def cond(state):
        return ~jnp.all(state[2])

    def body(state):
        rnd, params, done = state
        new, ok = propose(jax.random.fold_in(kp, rnd))
        fill = ~done & ok
        params = {n: jnp.where(fill.reshape((-1,) + (1,) * (v.ndim - 1)), new[n], v) for n, v in params.items()}
        return rnd + 1, params, done | fill

    first, done = propose(kp)
    _, params, _ = jax.lax.while_loop(cond, body, (jnp.asarray(1), first, done))
    mean = lc_mean_curves(t, params)
    y = mean + jnp.exp(params["log_sigma"])[:, None] * jax.random.normal(ke, mean.shape)
    return y, params


# ---------------------------------------------------------------- GMM priors (distribution transformers)


def sample_gmm_tasks(
    key: jax.Array, batch: int, num_components: int, *, obs_noise=1.0, min_variance=0.05
) -> tuple[jax.Array, jax.Array, jax.Array, jax.Array, jax.Array]:
    """1-D GMM priors from the meta-prior and one latent and observation each.

    Meta-prior: ``w ~ Dir(1/K)``, ``μ_k ~ N(0, 1)``, covariance ``σ²_k ~ Wishart(2, 1)`` (= χ²₂ in 1-D), floored at
    ``min_variance`` (our toy-scale change: the reference adds 1e-6, which lets near-point-mass components through
    and makes a small model's training noisy); then ``x ~ GMM(w, μ, σ²)`` and ``z = x + N(0, obs_noise)``.

    Returns:
        ``(weights (B, K), means (B, K), variances (B, K), x (B,), z (B,))``.
    """
    batch = check_int("batch", batch, min_value=1)
    num_components = check_int("num_components", num_components, min_value=1)
    obs_noise = check_positive("obs_noise", obs_noise)
    kw, km, kl, kc, kx, kz = jax.random.split(key, 6)
    w = jax.random.dirichlet(kw, jnp.full(num_components, 1.0 / num_components), (batch,))
    w = jnp.clip(w, 1e-6)
    w = w / w.sum(-1, keepdims=True)
    mu = jax.random.normal(km, (batch, num_components))
    min_variance = check_positive("min_variance", min_variance)
    var = jnp.maximum(2.0 * jax.random.gamma(kl, 1.0, (batch, num_components)), min_variance)
    comp = jax.random.categorical(kc, jnp.log(w))
    pick = jnp.take_along_axis
    x = pick(mu, comp[:, None], 1)[:, 0] + jnp.sqrt(pick(var, comp[:, None], 1)[:, 0]) * jax.random.normal(kx, (batch,))
    z = x + jnp.sqrt(obs_noise) * jax.random.normal(kz, (batch,))
    return w, mu, var, x, z
