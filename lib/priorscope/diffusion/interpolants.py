"""Stochastic interpolants between two Gaussian mixtures, with closed-form velocity and score.

A stochastic interpolant (Albergo, Boffi and Vanden-Eijnden 2023, arXiv:2303.08797) joins two laws
:math:`\\rho_0, \\rho_1` by

.. math::

    x_t = \\alpha(t)\\, x_0 + \\beta(t)\\, x_1 + \\gamma(t)\\, z,\\qquad x_0\\sim\\rho_0,\\ x_1\\sim\\rho_1,\\
    z\\sim\\mathcal N(0, I),

with :math:`\\alpha(0) = \\beta(1) = 1`, :math:`\\alpha(1) = \\beta(0) = \\gamma(0) = \\gamma(1) = 0`. Its density
:math:`\\rho_t` is transported by the velocity :math:`b(t, x) = \\mathbb E[\\dot\\alpha x_0 + \\dot\\beta x_1 +
\\dot\\gamma z\\mid x_t = x]`, and its score is :math:`s = \\nabla\\log\\rho_t = -\\mathbb E[z\\mid x_t = x]/\\gamma`.
The ODE :math:`\\dot X = b` and, for every :math:`\\varepsilon \\ge 0`, the forward SDE
:math:`\\mathrm dX = (b + \\varepsilon s)\\,\\mathrm dt + \\sqrt{2\\varepsilon}\\,\\mathrm dW` share the marginals
:math:`\\rho_t`.

For mixtures :math:`\\rho_0 = \\sum_i w_i\\mathcal N(\\mu_i, \\Sigma_i)` and :math:`\\rho_1 = \\sum_j
w'_j\\mathcal N(\\nu_j, \\Sigma'_j)`, each pair :math:`(i, j)` makes :math:`x_t` Gaussian with mean
:math:`m_{ij} = \\alpha\\mu_i + \\beta\\nu_j` and covariance :math:`C_{ij} = \\alpha^2\\Sigma_i + \\beta^2\\Sigma'_j +
\\gamma^2 I`, so :math:`\\rho_t` is a mixture of :math:`K_0K_1` Gaussians, and with responsibilities :math:`r_{ij}(x)`

.. math::

    s = -\\sum_{ij} r_{ij}\\, C_{ij}^{-1}(x - m_{ij}),\\qquad
    b = \\sum_{ij} r_{ij}\\big[\\dot m_{ij} + \\tfrac12 \\dot C_{ij}\\, C_{ij}^{-1}(x - m_{ij})\\big].

Only :math:`\\gamma^2` and its derivative enter, so :math:`b` stays finite where :math:`\\dot\\gamma` does not
(e.g. :math:`\\gamma = \\sqrt{a t(1-t)}` at the ends). The mixture density and score come from
:mod:`priorscope.diffusion.gmm`.
"""

from __future__ import annotations

import dataclasses

import jax
import jax.numpy as jnp
from jax.scipy.stats import norm

from priorscope import _checks as _c
from priorscope._pytree import pytree_dataclass
from priorscope.diffusion import gmm

__all__ = [
    "PATHS",
    "GAMMAS",
    "Interpolant",
    "marginal",
    "log_prob",
    "score",
    "velocity",
    "velocity_and_score",
    "simulate",
    "wasserstein1_1d",
    "epsilon_experiment",
]

PATHS = ("linear", "trig")
GAMMAS = ("brownian", "sin2", "zero")


@pytree_dataclass
class Interpolant:
    """Coefficients :math:`\\alpha, \\beta, \\gamma` of a stochastic interpolant.

    Attributes:
        amplitude: :math:`a \\ge 0` in :math:`\\gamma^2 = a\\,t(1-t)` (``"brownian"``) or
            :math:`\\gamma = a\\sin^2(\\pi t)` (``"sin2"``); traced.
        path: ``"linear"`` (:math:`\\alpha = 1-t, \\beta = t`) or ``"trig"``
            (:math:`\\alpha = \\cos\\frac{\\pi t}2, \\beta = \\sin\\frac{\\pi t}2`); static.
        gamma: ``"brownian"``, ``"sin2"`` or ``"zero"`` (a deterministic interpolant); static.
    """

    amplitude: jax.Array | float = 1.0
    path: str = dataclasses.field(default="linear", metadata={"static": True})
    gamma: str = dataclasses.field(default="brownian", metadata={"static": True})

    def __post_init__(self):
        _c.check_choice("path", self.path, PATHS)
        _c.check_choice("gamma", self.gamma, GAMMAS)
        if _c.is_data(self.amplitude):
            _c.check_nonnegative("amplitude", self.amplitude)

    def alpha(self, t):
        return 1.0 - t if self.path == "linear" else jnp.cos(0.5 * jnp.pi * t)

    def beta(self, t):
        return t if self.path == "linear" else jnp.sin(0.5 * jnp.pi * t)

    def gamma_sq(self, t):
        """:math:`\\gamma(t)^2`."""
        if self.gamma == "brownian":
            return self.amplitude * t * (1.0 - t)
        if self.gamma == "sin2":
            return (self.amplitude * jnp.sin(jnp.pi * t) ** 2) ** 2
        return jnp.zeros_like(jnp.asarray(t, dtype=jnp.result_type(float)))

    def derivatives(self, t):
        """:math:`(\\dot\\alpha, \\dot\\beta, \\tfrac{d}{dt}\\gamma^2)` at ``t`` by forward-mode autodiff."""
        t = jnp.asarray(t, dtype=jnp.result_type(float))
        one = jnp.ones_like(t)
        return (
            jax.jvp(self.alpha, (t,), (one,))[1],
            jax.jvp(self.beta, (t,), (one,))[1],
            jax.jvp(self.gamma_sq, (t,), (one,))[1],
        )


def _pairs(rho0: gmm.GaussianMixture, rho1: gmm.GaussianMixture):
    k0, k1 = rho0.num_components, rho1.num_components
    i, j = jnp.repeat(jnp.arange(k0), k1), jnp.tile(jnp.arange(k1), k0)
    return i, j


def marginal(interp: Interpolant, rho0: gmm.GaussianMixture, rho1: gmm.GaussianMixture, t) -> gmm.GaussianMixture:
    """:math:`\\rho_t` as a mixture of :math:`K_0K_1` Gaussians (weights :math:`w_iw'_j`)."""
    if rho0.dim != rho1.dim:
        raise ValueError(f"rho0 and rho1 must have the same dimension, got {rho0.dim} and {rho1.dim}")
    i, j = _pairs(rho0, rho1)
    a, b, g2 = interp.alpha(t), interp.beta(t), interp.gamma_sq(t)
    eye = jnp.eye(rho0.dim, dtype=rho0.means.dtype)
    covs = a**2 * rho0.covs[i] + b**2 * rho1.covs[j] + g2 * eye
    return gmm.GaussianMixture(rho0.weights[i] * rho1.weights[j], a * rho0.means[i] + b * rho1.means[j], covs)


class _Identity:
    """The trivial schedule :math:`\\alpha = 1, \\sigma = 0`: lets :mod:`gmm` evaluate a fixed mixture."""

    def alpha(self, t):
        return 1.0

    def sigma(self, t):
        return 0.0


def log_prob(interp: Interpolant, rho0, rho1, x, t):
    """:math:`\\log\\rho_t(x)` for one point ``x`` ``(d,)``; a scalar."""
    return gmm.log_prob(marginal(interp, rho0, rho1, t), x)


def score(interp: Interpolant, rho0, rho1, x, t):
    """:math:`s(t, x) = \\nabla\\log\\rho_t(x)`, shape ``(d,)``."""
    return gmm.score(marginal(interp, rho0, rho1, t), _Identity(), x, 0.0)


def velocity(interp: Interpolant, rho0, rho1, x, t):
    """The velocity :math:`b(t, x)` (formula in the module docstring), shape ``(d,)``."""
    return velocity_and_score(interp, rho0, rho1, x, t)[0]


def velocity_and_score(interp: Interpolant, rho0, rho1, x, t):
    """``(b, s)`` at one point, sharing the responsibilities and whitened residuals; each ``(d,)``."""
    mix = marginal(interp, rho0, rho1, t)
    i, j = _pairs(rho0, rho1)
    a, b = interp.alpha(t), interp.beta(t)
    da, db, dg2 = interp.derivatives(t)
    eye = jnp.eye(rho0.dim, dtype=rho0.means.dtype)
    m_dot = da * rho0.means[i] + db * rho1.means[j]
    c_dot = 2 * a * da * rho0.covs[i] + 2 * b * db * rho1.covs[j] + dg2 * eye
    r = gmm.responsibilities(mix, _Identity(), x, 0.0)
    z = jnp.einsum("kij,kj->ki", jnp.linalg.inv(mix.covs), x[None, :] - mix.means)
    return r @ (m_dot + 0.5 * jnp.einsum("kij,kj->ki", c_dot, z)), -r @ z


def simulate(
    key: jax.Array,
    interp: Interpolant,
    rho0: gmm.GaussianMixture,
    rho1: gmm.GaussianMixture,
    x0: jax.Array,
    num_steps: int,
    *,
    epsilon: jax.Array | float = 0.0,
    drift_error: jax.Array | float = 0.0,
    score_error: jax.Array | float = 0.0,
    t_min: float = 1e-3,
    t_max: float = 1.0 - 1e-3,
) -> jax.Array:
    """Push samples of :math:`\\rho_0` to :math:`t_{max}` with the ODE (``epsilon = 0``) or the forward SDE.

    Euler–Maruyama on ``num_steps`` uniform steps of :math:`\\mathrm dX = (\\hat b + \\varepsilon \\hat s)\\,\\mathrm dt
    + \\sqrt{2\\varepsilon}\\,\\mathrm dW`, where :math:`\\hat b = b + \\delta \\sin(3x)` and
    :math:`\\hat s = s + \\delta_s \\cos(3x)` carry simulated learning errors of amplitudes :math:`\\delta` =
    ``drift_error`` and :math:`\\delta_s` = ``score_error`` (``score_error = 0``: the exact score). With
    ``epsilon = 0`` the deterministic steps use Heun's method (second order) and the score is not used.

    Args:
        key: a JAX PRNG key.
        interp: the :class:`Interpolant`.
        rho0, rho1: endpoint mixtures.
        x0: initial points ``(n, d)`` (draws from :math:`\\rho_0`).
        num_steps: number of steps (static).
        epsilon: noise level :math:`\\varepsilon \\ge 0` (traced).
        drift_error: amplitude :math:`\\delta` of the velocity perturbation (traced).
        score_error: amplitude :math:`\\delta_s` of the score perturbation (traced).
        t_min, t_max: integration interval (the SDE avoids the endpoints where :math:`\\gamma = 0`).

    Returns:
        Points at ``t_max``, shape ``(n, d)``.
    """
    if isinstance(num_steps, bool) or not isinstance(num_steps, int) or num_steps < 1:
        raise ValueError(f"num_steps must be an int >= 1, got {num_steps!r}")
    x0 = jnp.asarray(x0)
    if x0.ndim != 2 or x0.shape[1] != rho0.dim:
        raise ValueError(f"x0 must have shape (n, {rho0.dim}), got {x0.shape}")
    fields = jax.vmap(lambda x, t: velocity_and_score(interp, rho0, rho1, x, t), in_axes=(0, None))
    ts = jnp.linspace(t_min, t_max, num_steps + 1)
    is_ode = jnp.asarray(epsilon) == 0.0

    def drift(x, t):
        b, s = fields(x, t)
        return b + drift_error * jnp.sin(3.0 * x) + epsilon * (s + score_error * jnp.cos(3.0 * x))

    def body(x, inputs):
        k, t, t_next = inputs
        dt = t_next - t
        d0 = drift(x, t)
        euler = x + d0 * dt

        def heun(_):
            return x + 0.5 * (d0 + drift(euler, t_next)) * dt

        def maruyama(_):
            return euler + jnp.sqrt(2.0 * epsilon * dt) * jax.random.normal(k, x.shape, x.dtype)

        return jax.lax.cond(is_ode, heun, maruyama, None), None

    keys = jax.random.split(key, num_steps)
    x, _ = jax.lax.scan(body, x0, (keys, ts[:-1], ts[1:]))
    return x


def wasserstein1_1d(samples: jax.Array, mix: gmm.GaussianMixture, grid: jax.Array) -> jax.Array:
    """:math:`W_1 = \\int |F_n(x) - F(x)|\\,\\mathrm dx` between 1-D samples ``(n,)`` and a 1-D mixture, on ``grid``."""
    if mix.dim != 1:
        raise ValueError(f"wasserstein1_1d needs a one-dimensional mixture, got dim={mix.dim}")
    xs = jnp.sort(samples)
    emp = jnp.searchsorted(xs, grid, side="right") / xs.shape[0]
    exact = jnp.sum(mix.weights * norm.cdf(grid[:, None], mix.means[:, 0], jnp.sqrt(mix.covs[:, 0, 0])), axis=1)
    return jnp.trapezoid(jnp.abs(emp - exact), grid)


def epsilon_experiment(
    key: jax.Array,
    interp: Interpolant,
    rho0: gmm.GaussianMixture,
    rho1: gmm.GaussianMixture,
    epsilons: jax.Array,
    num_samples: int,
    num_steps: int,
    *,
    drift_error: jax.Array | float = 0.0,
    score_error: jax.Array | float = 0.0,
    edges: jax.Array | None = None,
) -> dict[str, jax.Array]:
    """W1 to :math:`\\rho_1` of the ODE/SDE endpoint for each noise level in ``epsilons`` (1-D endpoints).

    All noise levels share the same initial points (common random numbers). ``drift_error`` and ``score_error``
    perturb the velocity and the score as in :func:`simulate`.

    Returns:
        dict with ``w1`` ``(E,)`` and, when ``edges`` ``(B + 1,)`` is given, ``density`` ``(E, B)``: histograms
        of the endpoints.
    """
    k0, k1 = jax.random.split(key)
    x0 = gmm.sample(k0, rho0, num_samples)
    target = marginal(interp, rho0, rho1, 1.0 - 1e-3)
    lo = jnp.min(target.means) - 6.0 * jnp.sqrt(jnp.max(target.covs))
    hi = jnp.max(target.means) + 6.0 * jnp.sqrt(jnp.max(target.covs))
    grid = jnp.linspace(lo, hi, 2001)

    def one(eps):
        x1 = simulate(
            k1, interp, rho0, rho1, x0, num_steps, epsilon=eps, drift_error=drift_error, score_error=score_error
        )
        out = {"w1": wasserstein1_1d(x1[:, 0], target, grid)}
        if edges is not None:
            counts, _ = jnp.histogram(x1[:, 0], bins=edges)
            out["density"] = counts / (num_samples * jnp.diff(edges))
        return out

    return jax.lax.map(one, jnp.asarray(epsilons))
