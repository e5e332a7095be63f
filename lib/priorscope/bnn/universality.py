r"""The universality lens: regret of a Bayesian mixture over Bernoulli hypotheses, by exact enumeration.

A mixture learner over a class :math:`\{p_\theta\}` with prior weights :math:`w(\theta)` assigns
:math:`q(x^n) = \sum_\theta w(\theta) p_\theta(x^n)`. Its expected regret against the truth :math:`\theta^\star` is
:math:`R_n = \mathbb E_{\theta^\star}[\log p_{\theta^\star}(x^n) - \log q(x^n)]`. Restricting the sum to the
set :math:`A_\varepsilon = \{\theta : D(p_{\theta^\star} \| p_\theta) \le \varepsilon\}` (per-symbol KL) and applying
Jensen's inequality to the normalised restricted mixture gives, for every :math:`\varepsilon \ge 0`,

.. math::
    R_n \le -\log W(A_\varepsilon) + n\varepsilon, \qquad W(A_\varepsilon) = \sum_{\theta \in A_\varepsilon} w(\theta).

The bound depends on the *weight* of the hypotheses near the truth, not on how many hypotheses there are. For
Bernoulli sequences :math:`\log p_\theta(x^n)` depends only on the count k of ones, so :math:`R_n` is an exact sum
over :math:`k = 0, \dots, n` with binomial weights; the mixture over M hypotheses is a chunked log-sum-exp.

References:
    Feder, M., Urbanke, R. and Fogel, Y. (2025). The Universality Lens: Why Even Highly Over-Parametrized Models
    Learn Well. https://arxiv.org/abs/2506.07661
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
from jax.scipy.special import betaln, gammaln

from priorscope._checks import check_int, check_interval, check_ndim, check_positive

__all__ = [
    "bernoulli_kl",
    "beta_mixture_regret",
    "grid_hypotheses",
    "mixture_regret",
    "simple_plus_grid_prior",
    "weight_bound",
    "weight_of_ball",
]

_CHUNK = 4096


def grid_hypotheses(num: int) -> tuple[jax.Array, jax.Array]:
    r"""The class :math:`\theta_j = j/M`, :math:`j = 1, \dots, M-1`, with uniform log-weights :math:`-\log(M-1)`.

    Args:
        num: M >= 2 (the class has M − 1 members; it contains 1/2 and 1/10 when 10 divides M).

    Returns:
        ``(thetas (M−1,), log_weights (M−1,))``.
    """
    num = check_int("num", num, min_value=2)
    thetas = jnp.arange(1, num) / num
    return thetas, jnp.full(thetas.shape, -jnp.log(num - 1.0))


def simple_plus_grid_prior(num: int, simple_mass: float) -> tuple[jax.Array, jax.Array]:
    """The grid of :func:`grid_hypotheses` with prior mass ``simple_mass`` on the fair coin θ = 1/2 (the "simple"
    hypothesis) and the rest spread uniformly over all grid points (M even)."""
    num = check_int("num", num, min_value=2)
    if num % 2:
        raise ValueError(f"num must be even so that 1/2 is on the grid, got {num}")
    simple_mass = check_interval("simple_mass", simple_mass, 0.0, 1.0, high_open=True)
    thetas, _ = grid_hypotheses(num)
    w = jnp.full(thetas.shape, (1.0 - simple_mass) / (num - 1.0))
    w = w.at[num // 2 - 1].add(simple_mass)
    return thetas, jnp.log(w)


def bernoulli_kl(p: float | jax.Array, q: float | jax.Array) -> jax.Array:
    r""":math:`D(\mathrm{Bern}(p) \| \mathrm{Bern}(q)) = p\log\frac pq + (1-p)\log\frac{1-p}{1-q}` (0 log 0 = 0)."""
    p, q = jnp.asarray(p, float), jnp.asarray(q, float)
    t1 = jnp.where(p > 0, p * (jnp.log(jnp.where(p > 0, p, 1.0)) - jnp.log(q)), 0.0)
    t2 = jnp.where(p < 1, (1 - p) * (jnp.log(jnp.where(p < 1, 1 - p, 1.0)) - jnp.log1p(-q)), 0.0)
    return t1 + t2


def _check_class(thetas: jax.Array, log_weights: jax.Array) -> None:
    check_ndim("thetas", thetas, 1)
    check_ndim("log_weights", log_weights, 1)
    if thetas.shape != log_weights.shape:
        raise ValueError(f"thetas and log_weights must have the same shape, got {thetas.shape} and {log_weights.shape}")
    check_interval("thetas", thetas, 0.0, 1.0, low_open=True, high_open=True)


def _log_binom_pmf(n: int, p: float | jax.Array) -> jax.Array:
    k = jnp.arange(n + 1.0)
    logc = gammaln(n + 1.0) - gammaln(k + 1) - gammaln(n - k + 1)
    return logc + k * jnp.log(p) + (n - k) * jnp.log1p(-p)


def _log_mixture(n: int, thetas: jax.Array, log_weights: jax.Array) -> jax.Array:
    """log q(x^n) for a sequence with k ones, k = 0..n: a log-sum-exp over the class, in chunks of hypotheses."""
    m = thetas.shape[0]
    pad = (-m) % _CHUNK
    th = jnp.concatenate([thetas, jnp.full((pad,), 0.5)]).reshape(-1, _CHUNK)
    lw = jnp.concatenate([log_weights, jnp.full((pad,), -jnp.inf)]).reshape(-1, _CHUNK)
    k = jnp.arange(n + 1.0)[:, None]

    def body(acc, chunk):
        t, w = chunk
        ll = w[None, :] + k * jnp.log(t)[None, :] + (n - k) * jnp.log1p(-t)[None, :]
        return jnp.logaddexp(acc, jax.nn.logsumexp(ll, axis=1)), None

    acc, _ = jax.lax.scan(body, jnp.full((n + 1,), -jnp.inf), (th, lw))
    return acc


def mixture_regret(n: int, theta_star: float, thetas: jax.Array, log_weights: jax.Array) -> jax.Array:
    r"""Exact expected regret :math:`R_n = \sum_k \binom nk \theta^{\star k}(1-\theta^\star)^{n-k}\,
    [\log p_{\theta^\star}(k) - \log q(k)]` of the mixture (per sequence, in nats).

    Args:
        n: sequence length >= 1 (static).
        theta_star: the true success probability in (0, 1).
        thetas: ``(M,)`` hypotheses in (0, 1).
        log_weights: ``(M,)`` log prior weights (they should sum to 1 in probability; not renormalised).
    """
    n = check_int("n", n, min_value=1)
    theta_star = check_interval("theta_star", theta_star, 0.0, 1.0, low_open=True, high_open=True)
    _check_class(thetas, log_weights)
    k = jnp.arange(n + 1.0)
    log_pstar = k * jnp.log(theta_star) + (n - k) * jnp.log1p(-theta_star)
    return jnp.sum(jnp.exp(_log_binom_pmf(n, theta_star)) * (log_pstar - _log_mixture(n, thetas, log_weights)))


def beta_mixture_regret(n: int, theta_star: float) -> jax.Array:
    r"""The same regret for the uniform prior on [0, 1] (the :math:`M \to \infty` limit of the grid):
    :math:`\log q(k) = \log B(k+1, n-k+1)`."""
    n = check_int("n", n, min_value=1)
    theta_star = check_interval("theta_star", theta_star, 0.0, 1.0, low_open=True, high_open=True)
    k = jnp.arange(n + 1.0)
    log_pstar = k * jnp.log(theta_star) + (n - k) * jnp.log1p(-theta_star)
    return jnp.sum(jnp.exp(_log_binom_pmf(n, theta_star)) * (log_pstar - betaln(k + 1, n - k + 1)))


def weight_of_ball(theta_star: float, thetas: jax.Array, log_weights: jax.Array, eps: jax.Array) -> jax.Array:
    r""":math:`\log W(A_\varepsilon)` for each ``eps (E,)``: the log prior mass of
    :math:`\{\theta: D(\theta^\star\|\theta) \le \varepsilon\}`."""
    theta_star = check_interval("theta_star", theta_star, 0.0, 1.0, low_open=True, high_open=True)
    _check_class(thetas, log_weights)
    eps = jnp.atleast_1d(check_positive("eps", eps, allow_zero=True))
    kl = bernoulli_kl(theta_star, thetas)
    return jax.vmap(lambda e: jax.nn.logsumexp(jnp.where(kl <= e, log_weights, -jnp.inf)))(eps)


def weight_bound(
    n: int, theta_star: float, thetas: jax.Array, log_weights: jax.Array, eps: jax.Array
) -> tuple[jax.Array, jax.Array]:
    r""":math:`\min_\varepsilon [-\log W(A_\varepsilon) + n\varepsilon]` over the grid ``eps (E,)``, and the
    minimiser."""
    n = check_int("n", n, min_value=1)
    vals = -weight_of_ball(theta_star, thetas, log_weights, eps) + n * jnp.atleast_1d(eps)
    i = jnp.argmin(vals)
    return vals[i], jnp.atleast_1d(eps)[i]
