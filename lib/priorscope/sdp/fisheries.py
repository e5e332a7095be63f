r"""Fisheries management by stochastic dynamic programming, with parametric and GP models of the stock.

The stock X_t is harvested, h_t, and what escapes, S_t = X_t − h_t, reproduces with multiplicative log-normal
noise (Reed, 1979):

.. math:: X_{t+1} = Z_t\, f(S_t), \qquad Z_t \sim \mathrm{LogNormal}(0, \sigma_g^2).

The "true" growth is a Ricker model with an Allee effect (a tipping point at C):

.. math:: f(s) = s \exp\big(r (1 - s/K)(s - C)/K\big),

with r = 2, K = 8, C = 5 and σ_g = 0.05 in Boettiger, Mangel and Munch (2015), read from their manuscript
source (``RickerAllee``, ``p <- c(2, 8, 5)``, ``sigma_g <- 0.05``; grid of 50 stock levels on [0, 15];
40 unharvested observations from X_0 = 5.5; 50-year policy simulations from X_0 = 10).

Every model is turned into a row-stochastic *transition matrix* on the stock grid, ``T[i, k] = P(X' ≈ x_k | S =
x_i)``, by binning its predictive distribution into grid cells; :mod:`priorscope.sdp.dp` then solves the
Bellman equation on the grid. Models:

* ``true``: the Allee model with the true parameters;
* ``ricker``: :math:`\log(X'/S) = r - (r/K) S + \varepsilon`, a linear regression, fitted by conjugate Bayesian
  least squares (flat prior), transitions averaged over posterior draws of (r, r/K, σ);
* ``allee``: the same with a quadratic in S, which is exactly the Allee form
  :math:`\log(X'/S) = \alpha + \beta S + \gamma S^2` reparametrised;
* ``gp``: a GP regression of X' on S with a pseudo-datum at (0, 0), hyperparameters marginalised over a grid
  weighted by the marginal likelihood, transitions :math:`\mathcal N(\mu(s), \sigma_f^2(s) + \sigma_n^2)` averaged
  over the grid.

Reference: Boettiger, Mangel, Munch (2015). Avoiding tipping points in fisheries management through Gaussian
process dynamic programming. Proc. R. Soc. B 282: 20141631. Code: github.com/cboettig/nonparametric-bayes.
"""

from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp
from jax.scipy.special import ndtr

from priorscope import _checks as _c
from priorscope._checks import check_int, check_positive
from priorscope.gp.kernels import RBF
from priorscope.gp.posterior import log_marginal_likelihood, posterior

__all__ = [
    "AlleeParams",
    "allee_growth",
    "simulate_unharvested",
    "observation_pairs",
    "bin_edges",
    "lognormal_transition",
    "normal_transition",
    "BayesLinearFit",
    "fit_log_growth",
    "parametric_transition",
    "gp_transition",
]


class AlleeParams(NamedTuple):
    """Parameters of the Ricker–Allee growth model (arrays or floats)."""

    r: jax.Array
    K: jax.Array
    C: jax.Array
    sigma_g: jax.Array


def allee_growth(s, params: AlleeParams) -> jax.Array:
    """Expected recruitment f(s) = s exp(r (1 − s/K)(s − C)/K) for escapement s ≥ 0 (any shape)."""
    s = _c.check_finite("s", s)
    if not isinstance(params, AlleeParams):
        raise TypeError(f"params must be an AlleeParams, got {type(params).__name__}")
    _c.check_positive("params.K", params.K)
    s = jnp.maximum(s, 0.0)
    return s * jnp.exp(params.r * (1.0 - s / params.K) * (s - params.C) / params.K)


def simulate_unharvested(key, params: AlleeParams, x0, num_obs: int) -> jax.Array:
    """A trajectory X_0 = x0, X_{t+1} = Z_t f(X_t) without harvest, shape ``(num_obs,)``."""
    num_obs = check_int("num_obs", num_obs, min_value=2)
    x0 = _c.check_nonnegative("x0", x0)
    z = jnp.exp(params.sigma_g * jax.random.normal(key, (num_obs - 1,)))

    def body(x, zt):
        nxt = zt * allee_growth(x, params)
        return nxt, nxt

    _, rest = jax.lax.scan(body, jnp.asarray(x0, dtype=z.dtype), z)
    return jnp.concatenate([jnp.asarray([x0], dtype=z.dtype), rest])


def observation_pairs(trajectory, *, pseudo_zero: bool = True) -> tuple[jax.Array, jax.Array]:
    """Pairs (X_t, X_{t+1}) from a trajectory, optionally with the pseudo-datum (0, 0) first.

    Returns:
        ``(s, x_next)``, each of shape ``(T - 1 + pseudo_zero,)``.
    """
    if jnp.ndim(trajectory) != 1 or jnp.shape(trajectory)[0] < 2:
        raise ValueError(f"trajectory must have shape (n,) with n >= 2, got shape {jnp.shape(trajectory)}")
    trajectory = _c.check_finite("trajectory", trajectory)
    traj = jnp.asarray(trajectory)
    s, nxt = traj[:-1], traj[1:]
    if pseudo_zero:
        zero = jnp.zeros((1,), traj.dtype)
        s, nxt = jnp.concatenate([zero, s]), jnp.concatenate([zero, nxt])
    return s, nxt


def bin_edges(grid) -> jax.Array:
    """Cell edges for a sorted grid: midpoints, with −inf and +inf at the ends; shape ``(n + 1,)``."""
    grid = _c.check_increasing("grid", grid)
    grid = jnp.asarray(grid)
    mids = 0.5 * (grid[1:] + grid[:-1])
    return jnp.concatenate([jnp.array([-jnp.inf]), mids, jnp.array([jnp.inf])])


def _binned(cdf_at_edges) -> jax.Array:
    masses = jnp.diff(cdf_at_edges, axis=-1)
    masses = jnp.clip(masses, 0.0)
    return masses / jnp.sum(masses, axis=-1, keepdims=True)


def lognormal_transition(means, sigma, grid) -> jax.Array:
    """Rows ``P(X' in cell k)`` for X' = Z·m, Z ~ LogNormal(0, σ²), one row per mean; m = 0 puts all mass at 0.

    Args:
        means: expected recruitment m ≥ 0 per escapement level, shape ``(n_s,)``.
        sigma: log-scale sd σ > 0 (scalar or ``(n_s,)``).
        grid: stock grid, sorted, shape ``(n,)`` with grid[0] = 0.

    Returns:
        Row-stochastic matrix of shape ``(n_s, n)``.
    """
    sigma = _c.check_positive("sigma", sigma)
    grid = _c.check_increasing("grid", grid)
    means = jnp.asarray(means)
    edges = bin_edges(grid)
    pos = means > 0
    safe_m = jnp.where(pos, means, 1.0)
    sigma = jnp.broadcast_to(jnp.asarray(sigma), means.shape)
    log_e = jnp.log(jnp.clip(edges, 1e-300, None))
    z = (log_e[None, :] - jnp.log(safe_m)[:, None]) / sigma[:, None]
    cdf = jnp.where(edges[None, :] <= 0, 0.0, ndtr(z))
    cdf = cdf.at[:, -1].set(1.0)
    rows = _binned(cdf)
    extinct = jnp.zeros_like(rows).at[:, 0].set(1.0)
    return jnp.where(pos[:, None], rows, extinct)


def normal_transition(means, sds, grid) -> jax.Array:
    """Rows ``P(X' in cell k)`` for X' ~ N(m, sd²); mass below the first cell counts as collapse (cell 0).

    Args:
        means: shape ``(n_s,)``; sds: shape ``(n_s,)`` (> 0); grid: shape ``(n,)``.

    Returns:
        Row-stochastic matrix of shape ``(n_s, n)``.
    """
    sds = _c.check_positive("sds", sds)
    grid = _c.check_increasing("grid", grid)
    edges = bin_edges(grid)
    z = (edges[None, :] - jnp.asarray(means)[:, None]) / jnp.asarray(sds)[:, None]
    return _binned(ndtr(z))


class BayesLinearFit(NamedTuple):
    """Conjugate Bayesian linear regression of log growth on powers of S (flat prior on coefficients, 1/σ² prior).

    Attributes:
        coef: posterior mean of the coefficients (= least squares), shape ``(p,)``.
        cov_unscaled: (AᵀA)⁻¹, shape ``(p, p)``; the coefficient covariance is σ² times this.
        s2: residual variance estimate; dof: residual degrees of freedom (n − p).
    """

    coef: jax.Array
    cov_unscaled: jax.Array
    s2: jax.Array
    dof: jax.Array


def _design(s, degree: int) -> jax.Array:
    return jnp.stack([s**k for k in range(degree + 1)], axis=-1)


def fit_log_growth(s, x_next, degree: int) -> BayesLinearFit:
    """Fit log(X'/S) = Σ_k c_k S^k (degree 1: Ricker; degree 2: Allee) by least squares (jittable).

    Pairs with S = 0 or X' = 0 (such as the pseudo-datum) get weight 0.

    Args:
        s: escapements, shape ``(m,)``.
        x_next: next stock, shape ``(m,)``.
        degree: 1 or 2 (static).

    Returns:
        :class:`BayesLinearFit` (posterior mean = least squares; ``dof`` = positive pairs − (degree + 1)).
    """
    if degree not in (1, 2):
        raise ValueError(f"degree must be 1 (Ricker) or 2 (Allee), got {degree!r}")
    _c.check_same_shape("s", s, "x_next", x_next)
    s, x_next = jnp.asarray(s), jnp.asarray(x_next)
    keep = (s > 0) & (x_next > 0)
    w = keep.astype(s.dtype)
    target = jnp.where(keep, jnp.log(jnp.where(keep, x_next, 1.0) / jnp.where(keep, s, 1.0)), 0.0)
    A = _design(s, degree) * w[:, None]
    gram = A.T @ A
    coef = jnp.linalg.solve(gram, A.T @ target)
    resid = (target - A @ coef) * w
    dof = jnp.sum(w) - (degree + 1)
    return BayesLinearFit(coef, jnp.linalg.inv(gram), resid @ resid / dof, dof)


def parametric_transition(key, fit: BayesLinearFit, grid, num_draws: int) -> jax.Array:
    """Transition matrix averaged over posterior draws of a :class:`BayesLinearFit` (parameter uncertainty).

    σ² ~ scaled-inv-χ²(dof, s²), coefficients | σ² ~ N(coef, σ² (AᵀA)⁻¹); each draw gives a log-normal transition
    with mean S·exp(Σ c_k S^k) and log-sd σ.

    Returns:
        Row-stochastic ``(n, n)`` matrix (rows: escapement on the grid).
    """
    num_draws = check_int("num_draws", num_draws, min_value=1)
    grid = jnp.asarray(grid)
    degree = fit.coef.shape[0] - 1
    k_s, k_c = jax.random.split(key)
    chi2 = 2.0 * jax.random.gamma(k_s, fit.dof / 2.0, (num_draws,))
    sigma2 = fit.dof * fit.s2 / chi2
    L = jnp.linalg.cholesky(fit.cov_unscaled)
    coefs = fit.coef + jnp.sqrt(sigma2)[:, None] * (jax.random.normal(k_c, (num_draws, degree + 1)) @ L.T)
    design = _design(grid, degree)

    def one(c, s2):
        log_growth = jnp.clip(design @ c, -50.0, 50.0)
        return lognormal_transition(grid * jnp.exp(log_growth), jnp.sqrt(s2), grid)

    return jnp.mean(jax.vmap(one)(coefs, sigma2), axis=0)


def gp_transition(s, x_next, grid, lengthscales, variances, noises) -> tuple[jax.Array, dict]:
    """GP transition matrix, marginalised over a grid of hyperparameters weighted by the marginal likelihood.

    Args:
        s, x_next: training pairs (include the pseudo-datum), shape ``(m,)``.
        grid: stock grid, shape ``(n,)``.
        lengthscales, variances, noises: 1-D arrays of candidate RBF lengthscales, signal variances and noise
            variances; every combination is one hyperparameter setting (flat prior over the grid).

    Returns:
        ``(T (n, n), info)`` where info holds the posterior weights ``(L, V, N)`` and the weighted predictive
        mean and sd on the grid.
    """
    for name, v in (("lengthscales", lengthscales), ("variances", variances), ("noises", noises)):
        check_positive(name, v)
    ls, vs, ns = jnp.meshgrid(jnp.asarray(lengthscales), jnp.asarray(variances), jnp.asarray(noises), indexing="ij")
    flat = jnp.stack([ls.ravel(), vs.ravel(), ns.ravel()], axis=1)
    s, x_next, grid = jnp.asarray(s), jnp.asarray(x_next), jnp.asarray(grid)

    def one(h):
        kern = RBF(lengthscale=h[0], variance=h[1])
        lml = log_marginal_likelihood(kern, s[:, None], x_next, h[2], jitter=1e-8)
        mean, var = posterior(kern, s[:, None], x_next, h[2], grid[:, None], full_cov=False, jitter=1e-8)
        sd = jnp.sqrt(jnp.clip(var, 0.0) + h[2])
        return lml, mean, sd, normal_transition(mean, sd, grid)

    lml, means, sds, Ts = jax.vmap(one)(flat)
    w = jax.nn.softmax(lml)
    T = jnp.einsum("g,gij->ij", w, Ts)
    info = {
        "weights": w.reshape(ls.shape),
        "mean": w @ means,
        "sd": jnp.sqrt(w @ (sds**2 + means**2) - (w @ means) ** 2),
    }
    return T, info
