"""Acquisition functions for Bayesian optimisation (maximisation convention).

Every acquisition scores candidates from the surrogate's posterior. The one-point ones (EI, log-EI, UCB,
max-value entropy search) take the posterior mean and standard deviation at each candidate; the ones that look
one step ahead on a finite grid (knowledge gradient, noisy EI) take the joint posterior mean and covariance of
the grid, because a new observation at ``x`` moves the posterior mean everywhere.

Those closed forms keep their natural arguments. The BO loop calls them through :data:`REGISTRY`, where every
acquisition has ONE signature, ``score(key, belief, params) -> scores``: ``belief`` is a :class:`GridBelief` (the
grid posterior and which points were observed), ``params`` an :class:`AcquisitionParams` (UCB's β, MES's sample
count). A user-written function of that signature plugs into :func:`priorscope.bo.step` the same way.

References:
    Jones, Schonlau, Welch (1998). Efficient global optimization of expensive black-box functions. J. Glob. Opt.
    Frazier, Powell, Dayanik (2009). The knowledge-gradient policy for correlated normal beliefs. INFORMS J. Comp.
    Frazier (2018). A tutorial on Bayesian optimization. arXiv:1807.02811.
    Srinivas, Krause, Kakade, Seeger (2010). Gaussian process optimization in the bandit setting. ICML.
    Wang, Jegelka (2017). Max-value entropy search for efficient Bayesian optimization. ICML.
    Ament, Daulton, Eriksson, Balandat, Bakshy (2023). Unexpected improvements to expected improvement. NeurIPS.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from jax.scipy.special import erfcx, log_ndtr, ndtr

from priorscope import _checks as _c
from priorscope._checks import check_finite, check_nonnegative, check_positive, is_concrete

__all__ = [
    "expected_improvement",
    "log_expected_improvement",
    "upper_confidence_bound",
    "probability_of_improvement",
    "knowledge_gradient",
    "noisy_expected_improvement",
    "expected_max_affine",
    "max_value_entropy_search",
    "thompson_sample",
    "GridBelief",
    "AcquisitionParams",
    "REGISTRY",
]

_LOG_SQRT_2PI = 0.5 * math.log(2.0 * math.pi)
_SQRT_HALF_PI = math.sqrt(0.5 * math.pi)


def _check_mean_std(mean, std) -> tuple[jax.Array, jax.Array]:
    mean, std = jnp.asarray(mean), jnp.asarray(std)
    if mean.shape != std.shape:
        raise ValueError(f"mean and std must have the same shape, got {mean.shape} and {std.shape}")
    std = check_positive("std", std, allow_zero=True)
    return mean, std


def _check_mean_cov(mean, cov) -> tuple[jax.Array, jax.Array]:
    mean, cov = jnp.asarray(mean), jnp.asarray(cov)
    if mean.ndim != 1:
        raise ValueError(f"mean must have shape (n,), got {mean.shape}")
    if cov.shape != (mean.shape[0], mean.shape[0]):
        raise ValueError(f"cov must have shape (n, n) = {(mean.shape[0],) * 2} to match mean, got {cov.shape}")
    if is_concrete(cov) and np.any(np.diag(np.asarray(cov)) < 0):
        raise ValueError(f"cov must have a non-negative diagonal, got min {float(np.diag(np.asarray(cov)).min())}")
    return mean, cov


def _h(z: jax.Array) -> jax.Array:
    """h(z) = z Φ(z) + φ(z) = E[max(z + Z, 0)], the standardised expected improvement."""
    return z * ndtr(z) + jnp.exp(-0.5 * z**2 - _LOG_SQRT_2PI)


def _log_h(z: jax.Array) -> jax.Array:
    """log h(z), accurate for very negative z (no underflow to log 0).

    For z < -1 we write h(z) = φ(z) (1 − |z| Φ(z)/φ(z)) and use the scaled complementary error function,
    Φ(z)/φ(z) = √(π/2) erfcx(|z|/√2); far in the tail h(z) ≈ φ(z)/z², whose log we use directly.
    """
    log_phi = -0.5 * z**2 - _LOG_SQRT_2PI
    zneg = jnp.minimum(z, -1.0)
    a = -zneg
    mills = a * _SQRT_HALF_PI * erfcx(a / math.sqrt(2.0))  # = |z| Φ(z)/φ(z) in (0, 1)
    tail = log_phi + jnp.log1p(-mills)
    eps = jnp.finfo(jnp.result_type(float)).eps
    far = log_phi - 2.0 * jnp.log(a)  # asymptote: h(z) ~ φ(z)/z² as z → −∞
    tail = jnp.where(a > 1.0 / jnp.sqrt(eps), far, tail)
    zpos = jnp.maximum(z, -1.0)
    return jnp.where(z < -1.0, tail, jnp.log(_h(zpos)))


def expected_improvement(mean, std, best) -> jax.Array:
    r"""Expected improvement of a Gaussian belief over the incumbent value ``best``.

    .. math::
        \mathrm{EI}(x) = \mathbb{E}[\max(f(x) - f^\ast, 0)]
        = \Delta\,\Phi(\Delta/\sigma) + \sigma\,\varphi(\Delta/\sigma), \quad \Delta = \mu(x) - f^\ast,

    with the limit ``max(Δ, 0)`` where σ = 0 (no division by zero, finite gradients).

    Args:
        mean: posterior means μ(x), shape ``(...)``.
        std: posterior standard deviations σ(x) ≥ 0, same shape as ``mean``.
        best: incumbent f*, a scalar or an array broadcastable to ``mean``.

    Returns:
        EI, same shape as ``mean`` (≥ 0).

    Raises:
        ValueError: ``mean``/``std`` shapes differ, or a concrete ``std`` has a negative entry.

    References:
        Jones, Schonlau, Welch (1998); Frazier (2018), eq. (8), arXiv:1807.02811.
    """
    mean, std = _check_mean_std(mean, std)
    best = check_finite("best", best)
    delta = mean - best
    pos = std > 0
    safe_std = jnp.where(pos, std, 1.0)
    ei = safe_std * _h(delta / safe_std)
    return jnp.where(pos, ei, jnp.maximum(delta, 0.0))


def log_expected_improvement(mean, std, best) -> jax.Array:
    r"""``log EI``, computed without underflow far from the incumbent.

    .. math:: \log \mathrm{EI}(x) = \log \sigma + \log h(\Delta/\sigma), \qquad h(z) = z\Phi(z) + \varphi(z).

    Plain EI underflows to 0 once Δ/σ ≲ −38 in float64 (−13 in float32), which flattens the acquisition
    landscape; the log form stays finite and informative (Ament et al., 2023). Where σ = 0 it is
    ``log max(Δ, 0)`` (−inf when Δ ≤ 0).

    Args:
        mean: posterior means, shape ``(...)``.
        std: posterior standard deviations ≥ 0, same shape.
        best: incumbent f*, scalar or broadcastable.

    Returns:
        log EI, same shape as ``mean``.

    Raises:
        ValueError: as :func:`expected_improvement`.
    """
    mean, std = _check_mean_std(mean, std)
    best = check_finite("best", best)
    delta = mean - best
    pos = std > 0
    safe_std = jnp.where(pos, std, 1.0)
    out = jnp.log(safe_std) + _log_h(delta / safe_std)
    safe_delta = jnp.where(delta > 0, delta, 1.0)
    degenerate = jnp.where(delta > 0, jnp.log(safe_delta), -jnp.inf)
    return jnp.where(pos, out, degenerate)


def upper_confidence_bound(mean, std, beta) -> jax.Array:
    r"""Upper confidence bound :math:`\mu(x) + \beta\,\sigma(x)` (GP-UCB of Srinivas et al., 2010).

    Note that ``beta`` multiplies σ directly (Srinivas et al. write :math:`\beta_t^{1/2}`).

    Args:
        mean: posterior means, shape ``(...)``.
        std: posterior standard deviations ≥ 0, same shape.
        beta: exploration weight β ≥ 0 (scalar, may be traced).

    Returns:
        UCB, same shape as ``mean``.

    Raises:
        ValueError: shapes differ, or a concrete ``std`` or ``beta`` is negative.
    """
    mean, std = _check_mean_std(mean, std)
    beta = check_positive("beta", beta, allow_zero=True)
    return mean + beta * std


def probability_of_improvement(mean, std, best) -> jax.Array:
    r"""Probability of improvement :math:`\Phi((\mu(x) - f^\ast)/\sigma(x))` (Kushner, 1964).

    Where σ = 0 it is 1 if μ > f* and 0 otherwise.
    """
    mean, std = _check_mean_std(mean, std)
    best = check_finite("best", best)
    delta = mean - best
    pos = std > 0
    safe_std = jnp.where(pos, std, 1.0)
    return jnp.where(pos, ndtr(delta / safe_std), (delta > 0).astype(mean.dtype))


def expected_max_affine(a, b, mask=None) -> jax.Array:
    r"""Exact :math:`\mathbb{E}[\max_{i \in M} (a_i + b_i Z)]` for :math:`Z \sim \mathcal N(0, 1)`.

    The maximum of lines is piecewise linear and convex in z; line i is on top on an interval
    [lo_i, hi_i] cut out by every other line, so

    .. math::
        \mathbb{E}\max_i(a_i + b_i Z) = \sum_i a_i\,[\Phi(hi_i) - \Phi(lo_i)] + b_i\,[\varphi(lo_i) - \varphi(hi_i)].

    We find the intervals by brute force over pairs, O(n²) and fully vectorised (Frazier et al., 2009, use a sort
    and a scan; same answer). Ties in slope keep the line with the larger intercept (the lower index on a tie).

    Args:
        a: intercepts, shape ``(n,)``.
        b: slopes, shape ``(n,)``.
        mask: optional boolean ``(n,)``; only lines with ``mask[i]`` take part (at least one must).

    Returns:
        The expectation, a scalar.
    """
    _c.check_same_shape("a", a, "b", b)
    a, b = jnp.asarray(a), jnp.asarray(b)
    n = a.shape[0]
    if mask is None:
        mask = jnp.ones((n,), dtype=bool)
    ai, aj = a[:, None], a[None, :]
    d = b[None, :] - b[:, None]  # d[i, j] = b_j − b_i
    both = mask[:, None] & mask[None, :] & ~jnp.eye(n, dtype=bool)
    cross = (ai - aj) / jnp.where(d == 0, 1.0, d)  # z where line j meets line i
    hi = jnp.min(jnp.where(both & (d > 0), cross, jnp.inf), axis=1)
    lo = jnp.max(jnp.where(both & (d < 0), cross, -jnp.inf), axis=1)
    idx = jnp.arange(n)
    dominated = both & (d == 0) & ((aj > ai) | ((aj == ai) & (idx[None, :] < idx[:, None])))
    alive = mask & ~jnp.any(dominated, axis=1) & (lo < hi)
    # Φ(hi) − Φ(lo) computed on the side of zero where it does not cancel.
    flip = lo > 0
    mass = jnp.where(flip, ndtr(-lo) - ndtr(-hi), ndtr(hi) - ndtr(lo))
    phi = lambda z: jnp.where(jnp.isfinite(z), jnp.exp(-0.5 * jnp.where(jnp.isfinite(z), z, 0.0) ** 2), 0.0)
    dens = (phi(lo) - phi(hi)) / math.sqrt(2 * math.pi)
    terms = jnp.where(alive, a * mass + b * dens, 0.0)
    return jnp.sum(terms)


def knowledge_gradient(mean, cov, noise_var) -> jax.Array:
    r"""Knowledge gradient of every point of a finite grid (Frazier et al., 2009; Frazier, 2018, §4.2).

    .. math::
        \mathrm{KG}(x) = \mathbb{E}_n\big[\max_{x'} \mu_{n+1}(x')\big] - \max_{x'} \mu_n(x'),
        \qquad \mu_{n+1}(x') = \mu_n(x') + \tilde\sigma(x', x) Z,
        \quad \tilde\sigma(x', x) = \frac{\Sigma_n(x', x)}{\sqrt{\Sigma_n(x, x) + \lambda}},

    computed exactly with :func:`expected_max_affine` (no quadrature), O(n³) for the whole grid.

    Args:
        mean: posterior mean on the grid μ_n, shape ``(n,)``.
        cov: posterior covariance on the grid Σ_n, shape ``(n, n)``.
        noise_var: observation noise variance λ ≥ 0 (scalar, may be traced).

    Returns:
        KG at each grid point, shape ``(n,)`` (≥ 0).

    Raises:
        ValueError: shapes do not match, or ``noise_var`` < 0.
    """
    mean, cov = _check_mean_cov(mean, cov)
    noise_var = check_positive("noise_var", noise_var, allow_zero=True)
    base = jnp.max(mean)
    var = jnp.clip(jnp.diag(cov), 0.0)

    def one(j):
        denom = jnp.sqrt(var[j] + noise_var)
        slopes = cov[:, j] / jnp.where(denom > 0, denom, 1.0)
        slopes = jnp.where(denom > 0, slopes, 0.0)
        return expected_max_affine(mean - base, slopes)

    return jnp.maximum(jax.vmap(one)(jnp.arange(mean.shape[0])), 0.0)


def noisy_expected_improvement(mean, cov, noise_var, observed) -> jax.Array:
    r"""Frazier's decision-theoretic EI for noisy observations on a finite grid (Frazier, 2018, §5).

    It is the knowledge gradient restricted to the points already observed plus the candidate:

    .. math::
        \mathrm{EI}^{\text{noisy}}(x) = \mathbb{E}_n\big[\max_{x' \in A_n \cup \{x\}} \mu_{n+1}(x')\big]
        - \max_{x' \in A_n} \mu_n(x'),

    with A_n the observed set. As λ → 0 the posterior mean at observed points is frozen at the data and
    μ_{n+1}(x) = f(x), so it reduces to the ordinary :func:`expected_improvement` with f* = max of the data.

    Args:
        mean: posterior mean on the grid, shape ``(n,)``.
        cov: posterior covariance on the grid, shape ``(n, n)``.
        noise_var: observation noise variance λ ≥ 0.
        observed: boolean ``(n,)``, True at grid points observed at least once (at least one must be True).

    Returns:
        noisy EI at each grid point, shape ``(n,)`` (≥ 0).

    Raises:
        ValueError: shapes do not match, ``noise_var`` < 0, or a concrete ``observed`` has no True entry.
    """
    mean, cov = _check_mean_cov(mean, cov)
    noise_var = check_positive("noise_var", noise_var, allow_zero=True)
    observed = jnp.asarray(observed)
    if observed.shape != mean.shape:
        raise ValueError(f"observed must have shape {mean.shape} to match mean, got {observed.shape}")
    if is_concrete(observed) and not np.any(np.asarray(observed)):
        raise ValueError("observed must mark at least one observed grid point, got none")
    observed = observed.astype(bool)
    base = jnp.max(jnp.where(observed, mean, -jnp.inf))
    var = jnp.clip(jnp.diag(cov), 0.0)
    idx = jnp.arange(mean.shape[0])

    def one(j):
        denom = jnp.sqrt(var[j] + noise_var)
        slopes = jnp.where(denom > 0, cov[:, j] / jnp.where(denom > 0, denom, 1.0), 0.0)
        return expected_max_affine(mean - base, slopes, observed | (idx == j))

    return jnp.maximum(jax.vmap(one)(idx), 0.0)


def thompson_sample(key, mean, cov, *, jitter: float = 1e-6) -> jax.Array:
    r"""One joint posterior draw :math:`f \sim \mathcal N(\mu, \Sigma + \epsilon I)` on a grid (Thompson sampling
    picks its argmax).

    Args:
        key: PRNG key.
        mean: shape ``(n,)``.
        cov: shape ``(n, n)``.
        jitter: ε added to the diagonal, relative to the largest variance (keeps the Cholesky factor real).

    Returns:
        A sample, shape ``(n,)``.
    """
    mean, cov = _check_mean_cov(mean, cov)
    jitter = check_nonnegative("jitter", jitter)
    scale = jnp.max(jnp.abs(jnp.diag(cov))) + 1e-30
    chol = jnp.linalg.cholesky(cov + jitter * scale * jnp.eye(mean.shape[0], dtype=cov.dtype))
    return mean + chol @ jax.random.normal(key, mean.shape, dtype=mean.dtype)


def max_value_entropy_search(key, mean, cov, std, num_samples: int) -> jax.Array:
    r"""Max-value entropy search (Wang and Jegelka, 2017), a cheap member of the entropy-search family.

    Entropy search (Frazier, 2018, §4.3) values the information a point gives about the *location* x* of the
    maximum; MES values information about the maximum *value* f*, which has a closed form given samples
    :math:`f^\ast_s` of it (here: maxima of joint posterior draws on the grid):

    .. math::
        \alpha(x) = \frac{1}{S}\sum_s \Big[\frac{\gamma_s \varphi(\gamma_s)}{2\Phi(\gamma_s)} - \log\Phi(\gamma_s)\Big],
        \qquad \gamma_s = \frac{f^\ast_s - \mu(x)}{\sigma(x)}.

    Args:
        key: PRNG key for the max-value samples.
        mean: posterior mean on the grid, shape ``(n,)``.
        cov: posterior covariance on the grid, shape ``(n, n)``.
        std: standard deviation at the candidates (usually ``sqrt(diag(cov))``), shape ``(n,)``.
        num_samples: S ≥ 1 (static).

    Returns:
        MES at each grid point, shape ``(n,)`` (≥ 0; 0 where σ = 0).
    """
    if isinstance(num_samples, bool) or not isinstance(num_samples, int) or num_samples < 1:
        raise ValueError(f"num_samples must be an int >= 1, got {num_samples!r}")
    mean, cov = _check_mean_cov(mean, cov)
    mean, std = _check_mean_std(mean, std)
    keys = jax.random.split(key, num_samples)
    fmax = jax.vmap(lambda k: jnp.max(thompson_sample(k, mean, cov)))(keys)  # (S,)
    pos = std > 1e-12
    safe_std = jnp.where(pos, std, 1.0)
    gamma = (fmax[:, None] - mean[None, :]) / safe_std[None, :]
    log_cdf = log_ndtr(gamma)
    pdf_over_cdf = jnp.exp(-0.5 * gamma**2 - _LOG_SQRT_2PI - log_cdf)
    val = 0.5 * gamma * pdf_over_cdf - log_cdf
    return jnp.where(pos, jnp.maximum(jnp.mean(val, axis=0), 0.0), 0.0)


# ------------------------------------------------------------------------------- one signature for every acquisition
class GridBelief(NamedTuple):
    """What an acquisition reads: the GP posterior on a finite grid and where data were observed.

    Attributes:
        mean: posterior mean μ on the grid, shape ``(n,)``.
        cov: posterior covariance Σ on the grid, shape ``(n, n)``.
        observed: boolean ``(n,)``, True where the grid point was evaluated at least once.
        noise_var: observation noise variance λ (scalar).
    """

    mean: jax.Array
    cov: jax.Array
    observed: jax.Array
    noise_var: jax.Array

    @property
    def std(self) -> jax.Array:
        """Posterior standard deviation σ = sqrt(max(diag Σ, 0)), shape ``(n,)``."""
        return jnp.sqrt(jnp.clip(jnp.diag(self.cov), 0.0))

    @property
    def best(self) -> jax.Array:
        """The incumbent f*: the largest posterior mean among observed points (the best observation as λ → 0)."""
        return jnp.max(jnp.where(self.observed, self.mean, -jnp.inf))


class AcquisitionParams(NamedTuple):
    """Hyperparameters an acquisition may read (each reads only its own).

    Attributes:
        beta: UCB exploration weight β ≥ 0 (may be traced).
        num_samples: max-value samples of MES, an int ≥ 1 (static: it fixes a shape).
    """

    beta: float | jax.Array = 2.0
    num_samples: int = 32


AcquisitionFn = Callable[[jax.Array, GridBelief, AcquisitionParams], jax.Array]
"""``score(key, belief, params) -> scores`` of shape ``(n,)``, larger is better; ``key`` is used by the random ones."""


def _ei(key, belief: GridBelief, params: AcquisitionParams) -> jax.Array:
    return expected_improvement(belief.mean, belief.std, belief.best)


def _log_ei(key, belief: GridBelief, params: AcquisitionParams) -> jax.Array:
    return log_expected_improvement(belief.mean, belief.std, belief.best)


def _pi(key, belief: GridBelief, params: AcquisitionParams) -> jax.Array:
    return probability_of_improvement(belief.mean, belief.std, belief.best)


def _ucb(key, belief: GridBelief, params: AcquisitionParams) -> jax.Array:
    return upper_confidence_bound(belief.mean, belief.std, params.beta)


def _kg(key, belief: GridBelief, params: AcquisitionParams) -> jax.Array:
    return knowledge_gradient(belief.mean, belief.cov, belief.noise_var)


def _noisy_ei(key, belief: GridBelief, params: AcquisitionParams) -> jax.Array:
    return noisy_expected_improvement(belief.mean, belief.cov, belief.noise_var, belief.observed)


def _thompson(key, belief: GridBelief, params: AcquisitionParams) -> jax.Array:
    return thompson_sample(key, belief.mean, belief.cov)


def _mes(key, belief: GridBelief, params: AcquisitionParams) -> jax.Array:
    return max_value_entropy_search(key, belief.mean, belief.cov, belief.std, params.num_samples)


REGISTRY: dict[str, AcquisitionFn] = {
    "ei": _ei,
    "log_ei": _log_ei,
    "pi": _pi,
    "ucb": _ucb,
    "kg": _kg,
    "noisy_ei": _noisy_ei,
    "thompson": _thompson,
    "mes": _mes,
}
"""Every named acquisition, each a ``score(key, belief, params) -> scores`` (see :class:`GridBelief`)."""
