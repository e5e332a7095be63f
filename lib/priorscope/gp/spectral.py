r"""GP solver for high-frequency PDEs with a spectral-mixture prior (after GP-HM; Fang et al. 2024).

The unknown solution u of the 1-D Poisson problem :math:`u'' = f` on [0, 1] with :math:`u(0) = g_0`,
:math:`u(1) = g_1` gets a GP prior with a spectral-mixture kernel (the kernel of GP-HM),

.. math::
    k(x, x') = \sum_{q=1}^{Q} w_q\, \varphi_q(\tau), \qquad
    \varphi_q(\tau) = \exp\!\big(-\tfrac{\tau^2}{2\ell_q^2}\big)\cos(2\pi \mu_q \tau), \qquad \tau = x - x'.

Derivatives of a GP are jointly Gaussian with it: Cov(u''(x), u(x')) = k⁽²⁾(τ) and Cov(u''(x), u''(x')) =
k⁽⁴⁾(τ). Observing the equation at the interior collocation points X_i and the boundary values at X_b gives a
Gaussian vector :math:`z = (f(X_i), g)` with covariance

.. math::
    \Theta = \begin{pmatrix} k^{(4)}(X_i, X_i) & k^{(2)}(X_i, X_b) \\ k^{(2)}(X_b, X_i) & k(X_b, X_b)\end{pmatrix},

so the solution is the posterior mean :math:`\hat u(x) = [k^{(2)}(x, X_i),\, k(x, X_b)]\,\Theta^{-1} z`, and the
kernel parameters maximise the evidence :math:`\log N(z; 0, \Theta)`. The weights are optimised in the log domain:
a flat prior on :math:`s_q = \log w_q` is the Jeffreys prior :math:`p(w_q) \propto 1/w_q`, under which the
optimiser can push the weights of useless components towards zero (a sparse learned spectrum).

Difference from the paper: GP-HM keeps the collocation values u as free parameters, with soft (Gaussian) boundary
and equation likelihoods, and optimises them jointly with the kernel by Adam for ~10⁵ steps. For a *linear* PDE
those values can be integrated out exactly, which is what we do (noise-free GP collocation in the style of Chen et
al. 2021). The kernel, its log-domain weights and the authors' initialisation (w_q = 1/Q, μ_q = linspace(0, 1, Q)
· freq_scale) are kept. The baseline ("GP-SE") is the same solver with a single RBF kernel.

References:
    Fang, Cooley, Long, Li, Kirby, Zhe (2024), "Solving high frequency and multi-scale PDEs with Gaussian
    processes", ICLR. arXiv:2311.04465.
    Chen, Hosseini, Owhadi, Stuart (2021), "Solving and learning nonlinear PDEs with Gaussian processes", J.
    Comput. Phys. 447.
"""

from __future__ import annotations

import functools
from typing import NamedTuple

import jax
import jax.numpy as jnp
import jax.scipy.linalg as jsl
import optax

from priorscope.gp._checks import check_positive

__all__ = [
    "KERNEL_KINDS",
    "PoissonProblem",
    "poisson_problem",
    "SpectralParams",
    "init_spectral_params",
    "stationary_derivatives",
    "collocation_gram",
    "neg_log_evidence",
    "solve_poisson",
    "fit_spectral_solver",
    "relative_l2",
    "SolverFit",
    "spectral_density",
    "FrequencyScan",
    "frequency_scan",
]

#: Solver kernels: GP-HM's spectral mixture, or the single-RBF baseline.
KERNEL_KINDS = ("spectral_mixture", "rbf")


class PoissonProblem(NamedTuple):
    """A 1-D Poisson problem u'' = f on [0, 1] with Dirichlet data, discretised on a collocation grid."""

    x_col: jax.Array  #: (N_c,) collocation grid on [0, 1]; the two ends are the boundary points
    f_col: jax.Array  #: (N_c,) source f = u'' at the collocation points
    bc_values: jax.Array  #: (2,) Dirichlet data u(0), u(1)
    x_test: jax.Array  #: (M,) test grid
    u_test: jax.Array  #: (M,) exact solution on the test grid


def poisson_problem(num_col: int, frequency=8.0, low_amplitude=0.1, *, num_test: int = 400) -> PoissonProblem:
    """u(x) = sin(2π·frequency·x) + low_amplitude·sin(2πx) on [0, 1]; f = u'' by automatic differentiation.

    Args:
        num_col: number of collocation points N_c ≥ 4, endpoints included (static).
        frequency: the high frequency μ* (cycles per unit length).
        low_amplitude: amplitude of the low-frequency (1 cycle) component.
        num_test: size of the test grid (static).
    """
    if not isinstance(num_col, int) or num_col < 4:
        raise ValueError(f"num_col must be an int >= 4, got {num_col!r}")

    def u(x):
        return jnp.sin(2 * jnp.pi * frequency * x) + low_amplitude * jnp.sin(2 * jnp.pi * x)

    x_col = jnp.linspace(0.0, 1.0, num_col)
    f_col = jax.vmap(jax.grad(jax.grad(u)))(x_col)
    x_test = jnp.linspace(0.0, 1.0, num_test)
    return PoissonProblem(x_col, f_col, jnp.stack([u(x_col[0]), u(x_col[-1])]), x_test, jax.vmap(u)(x_test))


class SpectralParams(NamedTuple):
    """Unconstrained kernel parameters of the solver (Q components)."""

    log_w: jax.Array  #: (Q,) log weights (flat prior here = Jeffreys prior on w)
    log_ell: jax.Array  #: (Q,) log envelope lengthscales ℓ_q
    freq: jax.Array  #: (Q,) frequencies μ_q in cycles per unit length (ignored by the RBF baseline)


def init_spectral_params(num_components: int, freq_scale=20.0, lengthscale=0.1) -> SpectralParams:
    """The authors' initialisation: w_q = 1/Q, μ_q = linspace(0, 1, Q)·freq_scale, a common lengthscale.

    Args:
        num_components: Q ≥ 1 (static).
        freq_scale: largest initial frequency; should exceed the solution's highest frequency.
        lengthscale: initial envelope lengthscale ℓ of every component.
    """
    if not isinstance(num_components, int) or num_components < 1:
        raise ValueError(f"num_components must be an int >= 1, got {num_components!r}")
    freq_scale = check_positive("freq_scale", freq_scale)
    lengthscale = check_positive("lengthscale", lengthscale)
    Q = num_components
    return SpectralParams(
        log_w=jnp.full((Q,), -jnp.log(float(Q))),
        log_ell=jnp.full((Q,), jnp.log(lengthscale)),
        freq=jnp.linspace(0.0, 1.0, Q) * freq_scale,
    )


def stationary_derivatives(params: SpectralParams, tau: jax.Array, kind: str) -> tuple[jax.Array, ...]:
    r"""k(τ), k⁽²⁾(τ) and k⁽⁴⁾(τ) in closed form, elementwise over ``tau`` (any shape).

    Each component is :math:`w\,\mathrm{Re}\,e^{p(\tau)}` with :math:`p = -a\tau^2 + ib\tau`, a = 1/(2ℓ²),
    b = 2πμ. With h = p' = −2aτ + ib: :math:`(e^p)'' = (h^2 - 2a)e^p` and
    :math:`(e^p)'''' = (h^4 - 12ah^2 + 12a^2)e^p`. The RBF baseline is the case b = 0 with one component.
    """
    if kind == "spectral_mixture":
        w, ell, mu = jnp.exp(params.log_w), jnp.exp(params.log_ell), params.freq
    elif kind == "rbf":
        w, ell, mu = jnp.exp(params.log_w[:1]), jnp.exp(params.log_ell[:1]), jnp.zeros(1)
    else:
        raise ValueError(f"kind must be one of {KERNEL_KINDS}, got {kind!r}")
    t = tau[..., None]
    a = 1.0 / (2.0 * ell**2)
    h = -2.0 * a * t + 1j * (2.0 * jnp.pi * mu)
    g = jnp.exp(-a * t**2 + 1j * (2.0 * jnp.pi * mu) * t)
    k0 = jnp.sum(w * jnp.real(g), -1)
    k2 = jnp.sum(w * jnp.real((h**2 - 2.0 * a) * g), -1)
    k4 = jnp.sum(w * jnp.real((h**4 - 12.0 * a * h**2 + 12.0 * a**2) * g), -1)
    return k0, k2, k4


def collocation_gram(params: SpectralParams, x_col: jax.Array, kind: str, *, jitter=1e-10) -> jax.Array:
    """Θ: covariance of z = (u''(interior points), u(endpoints)); shape ``(N_c, N_c)``.

    A nugget ``jitter`` × (mean diagonal of each block) keeps the Cholesky factor finite.
    """
    xi, xb = x_col[1:-1], x_col[jnp.array([0, -1])]
    _, _, k4 = stationary_derivatives(params, xi[:, None] - xi[None, :], kind)
    _, k2, _ = stationary_derivatives(params, xi[:, None] - xb[None, :], kind)
    k0, _, _ = stationary_derivatives(params, xb[:, None] - xb[None, :], kind)
    k4 = k4 + jitter * jnp.mean(jnp.diag(k4)) * jnp.eye(k4.shape[0])
    k0 = k0 + jitter * jnp.mean(jnp.diag(k0)) * jnp.eye(2)
    return jnp.block([[k4, k2], [k2.T, k0]])


def _observations(problem: PoissonProblem) -> jax.Array:
    return jnp.concatenate([problem.f_col[1:-1], problem.bc_values])


def neg_log_evidence(params: SpectralParams, problem: PoissonProblem, kind: str) -> jax.Array:
    """−log N(z; 0, Θ) of the collocation observations (scalar)."""
    z = _observations(problem)
    L = jnp.linalg.cholesky(collocation_gram(params, problem.x_col, kind))
    a = jsl.solve_triangular(L, z, lower=True)
    return 0.5 * jnp.dot(a, a) + jnp.sum(jnp.log(jnp.diag(L))) + 0.5 * z.shape[0] * jnp.log(2 * jnp.pi)


@functools.partial(jax.jit, static_argnames=("kind",))
def solve_poisson(params: SpectralParams, problem: PoissonProblem, kind: str, x=None) -> jax.Array:
    """Posterior mean û(x) = [k⁽²⁾(x, X_i), k(x, X_b)] Θ⁻¹ z; ``x`` defaults to the test grid. Shape ``(M,)``."""
    x = problem.x_test if x is None else jnp.asarray(x)
    xc = problem.x_col
    xi, xb = xc[1:-1], xc[jnp.array([0, -1])]
    alpha = jnp.linalg.solve(collocation_gram(params, xc, kind), _observations(problem))
    _, k2, _ = stationary_derivatives(params, x[:, None] - xi[None, :], kind)
    k0, _, _ = stationary_derivatives(params, x[:, None] - xb[None, :], kind)
    return jnp.concatenate([k2, k0], axis=1) @ alpha


def relative_l2(pred: jax.Array, truth: jax.Array) -> jax.Array:
    """‖pred − truth‖₂ / ‖truth‖₂ (scalar)."""
    return jnp.linalg.norm(pred - truth) / jnp.linalg.norm(truth)


class SolverFit(NamedTuple):
    """Output of :func:`fit_spectral_solver` (S Adam steps, C checkpoints)."""

    params: SpectralParams  #: fitted kernel parameters
    losses: jax.Array  #: (S,) negative log evidence per step
    errors: jax.Array  #: (C,) relative L2 test error at evenly spaced checkpoints
    weights: jax.Array  #: (C, Q) mixture weights at the checkpoints
    freqs: jax.Array  #: (C, Q) frequencies at the checkpoints


@functools.partial(jax.jit, static_argnames=("kind", "num_steps", "num_checkpoints"))
def fit_spectral_solver(
    params: SpectralParams,
    problem: PoissonProblem,
    kind: str,
    num_steps: int,
    *,
    learning_rate=1e-2,
    num_checkpoints: int = 1,
) -> SolverFit:
    """Maximise the collocation evidence over the kernel parameters with Adam (one ``lax.scan``).

    Args:
        params: initial parameters (:func:`init_spectral_params`).
        problem: the PDE (:func:`poisson_problem`).
        kind: ``"spectral_mixture"`` (GP-HM kernel) or ``"rbf"`` (GP-SE baseline), static.
        num_steps: Adam steps (static, divisible by ``num_checkpoints``).
        learning_rate: Adam step size (the paper uses 1e-2).
        num_checkpoints: number of evenly spaced snapshots of error, weights and frequencies (static).

    Returns:
        :class:`SolverFit`.
    """
    if not isinstance(num_steps, int) or num_steps < 1:
        raise ValueError(f"num_steps must be an int >= 1, got {num_steps!r}")
    if not isinstance(num_checkpoints, int) or num_checkpoints < 1 or num_steps % num_checkpoints:
        raise ValueError(
            f"num_checkpoints must be an int >= 1 that divides num_steps={num_steps}, got {num_checkpoints!r}"
        )
    if kind not in KERNEL_KINDS:
        raise ValueError(f"kind must be one of {KERNEL_KINDS}, got {kind!r}")
    opt = optax.adam(learning_rate)
    loss_fn = jax.value_and_grad(neg_log_evidence)

    def step(carry, _):
        p, s = carry
        loss, g = loss_fn(p, problem, kind)
        upd, s = opt.update(g, s, p)
        return (optax.apply_updates(p, upd), s), loss

    def block(carry, _):
        carry, losses = jax.lax.scan(step, carry, None, length=num_steps // num_checkpoints)
        p = carry[0]
        err = relative_l2(solve_poisson(p, problem, kind), problem.u_test)
        return carry, (losses, err, jnp.exp(p.log_w), p.freq)

    (p, _), (losses, errors, weights, freqs) = jax.lax.scan(
        block, (params, opt.init(params)), None, length=num_checkpoints
    )
    return SolverFit(p, losses.reshape(-1), errors, weights, freqs)


def spectral_density(params: SpectralParams, nu: jax.Array) -> jax.Array:
    r"""Spectral density S(ν) = Σ_q w_q/2 [N(ν; μ_q, s_q²) + N(ν; −μ_q, s_q²)], s_q = 1/(2πℓ_q); shape of ``nu``."""
    s = 1.0 / (2 * jnp.pi * jnp.exp(params.log_ell))
    w = jnp.exp(params.log_w)
    n = lambda m: jnp.exp(-0.5 * ((nu[..., None] - m) / s) ** 2) / (s * jnp.sqrt(2 * jnp.pi))
    return jnp.sum(0.5 * w * (n(params.freq) + n(-params.freq)), -1)


class FrequencyScan(NamedTuple):
    """Output of :func:`frequency_scan` (M test points, G scanned frequencies)."""

    x_test: jax.Array  #: (M,) test grid
    u_test: jax.Array  #: (M,) exact solution
    u_hat: jax.Array  #: (M,) GP solution with the chosen kernel
    error: jax.Array  #: () relative L2 error of ``u_hat``
    x_col: jax.Array  #: (N_c,) collocation points
    mu_grid: jax.Array  #: (G,) scanned kernel frequencies
    log_evidence: jax.Array  #: (G,) log evidence of the kernel with its first frequency set to each grid value


def frequency_scan(
    true_frequency, mu, lengthscale, num_col: int, kind: str | jax.Array, *, num_grid: int = 40, max_frequency=32.0
) -> FrequencyScan:
    """Two-component solver at kernel frequency ``mu``, plus its evidence and error over a grid of μ.

    The kernel has one component at (μ, ℓ) and one fixed broad component at frequency 0 (ℓ = 0.3) for the
    low-frequency part of the solution; both have weight 1. For ``kind="rbf"`` the solver uses one RBF of
    lengthscale ℓ (the scan still uses the spectral kernel).

    Args:
        true_frequency: μ* of the solution sin(2πμ*x) + 0.1 sin(2πx) (traced).
        mu: the kernel's frequency (traced; ignored for ``kind="rbf"``).
        lengthscale: the kernel's envelope lengthscale ℓ (traced).
        num_col: collocation points (static).
        kind: ``"spectral_mixture"`` or ``"rbf"`` (static), or an integer index into :data:`KERNEL_KINDS` (may
            be traced: the solver is then a ``lax.switch`` over both kinds, so changing it never recompiles).
        num_grid: number of scanned frequencies on [0, ``max_frequency``] (static).
    """
    if isinstance(kind, str) and kind not in KERNEL_KINDS:
        raise ValueError(f"kind must be one of {KERNEL_KINDS}, got {kind!r}")
    problem = poisson_problem(num_col, true_frequency)

    def params_at(m):
        # component 1: the slider's frequency; component 2: a fixed broad low-frequency component (μ = 0, ℓ = 0.3)
        ell = jnp.stack([jnp.asarray(lengthscale, float), jnp.asarray(0.3)])
        return SpectralParams(jnp.zeros(2), jnp.log(ell), jnp.stack([jnp.asarray(m, float), jnp.asarray(0.0)]))

    if isinstance(kind, str):
        u_hat = solve_poisson(params_at(mu), problem, kind)
    else:
        solvers = [functools.partial(solve_poisson, problem=problem, kind=k) for k in KERNEL_KINDS]
        u_hat = jax.lax.switch(jnp.asarray(kind, jnp.int32), solvers, params_at(mu))
    mu_grid = jnp.linspace(0.0, max_frequency, num_grid)

    def at(m):
        return -neg_log_evidence(params_at(m), problem, "spectral_mixture")

    log_ev = jax.lax.map(at, mu_grid)  # sequential: batched small LAPACK calls are slower on CPU
    return FrequencyScan(
        problem.x_test, problem.u_test, u_hat, relative_l2(u_hat, problem.u_test), problem.x_col, mu_grid, log_ev
    )
