r"""Deep kernel machines: the objective of the Bayesian representation-learning limit, over Cholesky factors.

Layer ℓ = 1..L holds the Gram matrix :math:`G_\ell` (P×P) of a hidden layer's pre-activations. With the ReLU
arc-cosine map :math:`\mathcal K(G)_{ij} = \sigma_b^2 + \frac{\sigma_w^2}{2\pi}\sqrt{G_{ii}G_{jj}}\,(\sin\theta_{ij}
+ (\pi - \theta_{ij})\cos\theta_{ij})`, :math:`\cos\theta_{ij} = G_{ij}/\sqrt{G_{ii}G_{jj}}`, the objective is

.. math:: \mathcal L(G_1..G_L) = \log\mathcal N\big(y;\ 0,\ \mathcal K(G_L) + \sigma^2 I\big)
   - \sum_{\ell=1}^{L} \nu_\ell\,\mathrm{KL}\big(\mathcal N(0, G_\ell)\,\Vert\,\mathcal N(0, K_\ell)\big),

with :math:`K_1 = \sigma_b^2 + \sigma_w^2 XX^\top/d` and :math:`K_\ell = \mathcal K(G_{\ell-1})`;
:math:`\mathrm{KL} = \tfrac12[\mathrm{tr}(K^{-1}G) - P + \log|K| - \log|G|]`. As ν → ∞ the KLs force
:math:`G_\ell = K_\ell`: the NNGP chain, whose output covariance :math:`\mathcal K(G_L)` is
:class:`priorscope.gp.ArcCosine` with ``depth = L``. Each :math:`G_\ell = L_\ell L_\ell^\top` is optimised over a
lower-triangular factor with a log-parameterised diagonal (optax Adam). (Our convention: Grams of pre-activations;
the paper writes the same recursion over post-kernel Grams.)

References:
    Yang, Robeyns, Milsom, Anson, Schoots, Aitchison (2023), "A theory of representation learning gives a deep
    generalisation of kernel methods", ICML, https://arxiv.org/abs/2108.13097.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import optax

from priorscope._checks import check_int, check_positive

__all__ = ["arccos_gram", "nngp_grams", "dkm_objective", "DKMFit", "fit_dkm"]


def arccos_gram(G: Any, weight_variance: Any = 2.0, bias_variance: Any = 0.0) -> jax.Array:
    """The ReLU arc-cosine map 𝒦(G) of a ``(P, P)`` Gram matrix (formula in the module docstring)."""
    G = jnp.asarray(G)
    d = jnp.sqrt(jnp.clip(jnp.diag(G), 1e-30))
    c = jnp.clip(G / (d[:, None] * d[None, :]), -1.0, 1.0)
    u = 1.0 - c**2
    pos = u > 1e-30
    s = jnp.where(pos, jnp.sqrt(jnp.where(pos, u, 1.0)), 0.0)  # zero (not NaN) gradient on the diagonal
    theta = jnp.arctan2(s, c)
    return bias_variance + weight_variance / (2 * jnp.pi) * d[:, None] * d[None, :] * (s + (jnp.pi - theta) * c)


def _input_gram(X, weight_variance, bias_variance):
    X = jnp.asarray(X)
    X = X[:, None] if X.ndim == 1 else X
    return bias_variance + weight_variance * X @ X.T / X.shape[1]


def nngp_grams(X: Any, depth: int, weight_variance: Any = 2.0, bias_variance: Any = 0.0) -> list[jax.Array]:
    """The ν → ∞ solution: ``[G_1, ..., G_L, 𝒦(G_L)]`` with G_1 = K_1 and G_ℓ = 𝒦(G_{ℓ−1}); each ``(P, P)``."""
    depth = check_int("depth", depth, min_value=1)
    G = _input_gram(X, weight_variance, bias_variance)
    out = [G]
    for _ in range(depth):
        G = arccos_gram(G, weight_variance, bias_variance)
        out.append(G)
    return out


def _kl(G, K):
    P = G.shape[0]
    LK = jnp.linalg.cholesky(K)
    LG = jnp.linalg.cholesky(G)
    A = jax.scipy.linalg.solve_triangular(LK, LG, lower=True)
    return 0.5 * (jnp.sum(A**2) - P + 2 * jnp.sum(jnp.log(jnp.diag(LK))) - 2 * jnp.sum(jnp.log(jnp.diag(LG))))


def _gram(factor, jitter):
    L = jnp.tril(factor, -1) + jnp.diag(jnp.exp(jnp.diag(factor)))
    return L @ L.T + jitter * jnp.eye(factor.shape[0], dtype=factor.dtype)


def _factor(G):
    L = jnp.linalg.cholesky(G)
    return jnp.tril(L, -1) + jnp.diag(jnp.log(jnp.diag(L)))


def dkm_objective(
    factors: list[Any], X: Any, y: Any, nu: Any, noise_var: Any, weight_variance: Any = 2.0, bias_variance: Any = 0.0
) -> tuple[jax.Array, jax.Array]:
    """DKM objective 𝓛 and its log-likelihood term, at Grams given by Cholesky-style factors.

    Args:
        factors: L arrays ``(P, P)``; G_ℓ = L_ℓ L_ℓᵀ with L_ℓ = tril(f, −1) + diag(exp(diag f)).
        X: inputs ``(P, d)`` or ``(P,)``.
        y: targets ``(P,)``.
        nu: ν > 0, a scalar or one per layer.
        noise_var: σ² > 0.
        weight_variance, bias_variance: σ_w² > 0, σ_b² ≥ 0 of the arc-cosine map.

    Returns:
        ``(objective, log_likelihood)``, scalars.
    """
    nu = check_positive("nu", nu)
    noise_var = check_positive("noise_var", noise_var)
    nus = jnp.broadcast_to(jnp.asarray(nu), (len(factors),))
    K = _input_gram(X, weight_variance, bias_variance)
    P = K.shape[0]
    total_kl = 0.0
    for l, f in enumerate(factors):
        G = _gram(f, 1e-9)
        total_kl += nus[l] * _kl(G, K + 1e-9 * jnp.eye(P, dtype=K.dtype))
        K = arccos_gram(G, weight_variance, bias_variance)
    C = K + noise_var * jnp.eye(P, dtype=K.dtype)
    Lc = jnp.linalg.cholesky(C)
    v = jax.scipy.linalg.solve_triangular(Lc, jnp.asarray(y), lower=True)
    loglik = -0.5 * jnp.dot(v, v) - jnp.sum(jnp.log(jnp.diag(Lc))) - 0.5 * P * jnp.log(2 * jnp.pi)
    return loglik - total_kl, loglik


class DKMFit(NamedTuple):
    """Result of :func:`fit_dkm`.

    Attributes:
        grams: fitted ``[G_1, ..., G_L]``, each ``(P, P)``.
        objective: 𝓛 per Adam step, shape ``(num_steps,)``.
        log_likelihood: the log-likelihood term per step, shape ``(num_steps,)``.
    """

    grams: list[jax.Array]
    objective: jax.Array
    log_likelihood: jax.Array


def fit_dkm(
    X: Any,
    y: Any,
    depth: int,
    nu: Any,
    noise_var: Any,
    *,
    weight_variance: Any = 2.0,
    bias_variance: Any = 0.0,
    init_grams: list[Any] | None = None,
    num_steps: int = 1000,
    learning_rate: float = 1e-2,
) -> DKMFit:
    """Maximise the DKM objective over the layer Grams with Adam, starting from the NNGP chain (a feasible point).

    Args:
        X: inputs ``(P, d)`` or ``(P,)``.
        y: targets ``(P,)``.
        depth: number of hidden layers L ≥ 1 (static).
        nu: ν > 0 (scalar or per layer).
        noise_var: σ² > 0.
        weight_variance, bias_variance: the arc-cosine map's σ_w², σ_b².
        init_grams: optional starting Grams (default: the NNGP chain of :func:`nngp_grams`).
        num_steps: Adam steps ≥ 1 (static).
        learning_rate: Adam step size > 0.

    Returns:
        :class:`DKMFit`.
    """
    depth = check_int("depth", depth, min_value=1)
    num_steps = check_int("num_steps", num_steps, min_value=1)
    learning_rate = check_positive("learning_rate", learning_rate)
    start = nngp_grams(X, depth, weight_variance, bias_variance)[:depth] if init_grams is None else init_grams
    if len(start) != depth:
        raise ValueError(f"init_grams must hold depth = {depth} Gram matrices, got {len(start)}")
    factors = [_factor(jnp.asarray(G)) for G in start]
    opt = optax.adam(learning_rate)

    def loss(fs):
        obj, ll = dkm_objective(fs, X, y, nu, noise_var, weight_variance, bias_variance)
        return -obj, ll

    def step(carry, _):
        fs, s = carry
        (neg, ll), g = jax.value_and_grad(loss, has_aux=True)(fs)
        upd, s = opt.update(g, s, fs)
        return (optax.apply_updates(fs, upd), s), (-neg, ll)

    (fitted, _), (objs, lls) = jax.lax.scan(step, (factors, opt.init(factors)), None, length=num_steps)
    return DKMFit([_gram(jnp.asarray(f), 1e-9) for f in list(fitted)], objs, lls)  # pyright: ignore[reportArgumentType]
