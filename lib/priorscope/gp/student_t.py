r"""Student-t processes as inverse-gamma scale mixtures of a Gaussian process (notebook 07).

Put an inverse-gamma prior on the output scale of a GP (for a network: on the variance of its last layer):

.. math:: \sigma^2 \sim \mathrm{IG}(a, b), \qquad f \mid \sigma^2 \sim \mathcal{GP}(0, \sigma^2 k),
   \qquad y_i = f(x_i) + \epsilon_i,\ \epsilon_i \mid \sigma^2 \sim \mathcal N(0, \sigma^2 \varepsilon).

Integrating σ² out gives a multivariate Student-t with :math:`\nu = 2a` degrees of freedom and scale matrix
:math:`(b/a)\tilde K`, :math:`\tilde K = K + \varepsilon I` (the noise is scaled with the kernel, so the mixture
stays conjugate). Conditioning an MVT on ``n`` observations gives again an MVT with

.. math:: \nu' = 2a + n,\quad m_* = K_{*n}\tilde K^{-1}y,\quad
   S_* = \frac{2b + y^\top \tilde K^{-1} y}{2a + n}\,\big(\tilde K_{**} - K_{*n}\tilde K^{-1}K_{n*}\big).

As :math:`a = b \to \infty` the scale concentrates at σ² = 1 and the predictive tends to the GP's.

References:
    Lee, Yun, Yang, Lee (2022), "Scale Mixtures of Neural Network Gaussian Processes", ICLR,
    https://arxiv.org/abs/2107.01408 (official code: github.com/yuneg11/Scale-Mixtures-of-NNGP; its regression
    script adds the noise outside the (b/a) scaling, we scale it with the kernel).
    Shah, Wilson, Ghahramani (2014), "Student-t processes as alternatives to Gaussian processes", AISTATS.
"""

from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp
import jax.scipy.linalg as jsl
from jax.scipy.special import gammaln

from priorscope.gp._checks import as_inputs, check_nonnegative, check_positive
from priorscope.gp.kernels import Kernel

__all__ = [
    "StudentTPredictive",
    "student_t_log_marginal_likelihood",
    "student_t_predictive",
    "student_t_logpdf",
    "fit_student_t",
]


class StudentTPredictive(NamedTuple):
    """Marginal predictive Student-t at each test input.

    Attributes:
        mean: location m_*, shape ``(m,)``.
        scale: scale s_* (not the standard deviation), shape ``(m,)``; the variance is s²·ν/(ν − 2) for ν > 2.
        df: degrees of freedom ν' = 2a + n (a scalar).
    """

    mean: jax.Array
    scale: jax.Array
    df: jax.Array


def _check(kernel, X, y, noise_var, a, b):
    if not isinstance(kernel, Kernel):
        raise TypeError(f"kernel must be a priorscope.gp Kernel, got {type(kernel).__name__}")
    X = as_inputs("X", X)
    y = jnp.asarray(y)
    if y.ndim != 1 or y.shape[0] != X.shape[0]:
        raise ValueError(f"y must have shape ({X.shape[0]},) like X's rows, got shape {y.shape}")
    noise_var = check_positive("noise_var", noise_var)
    a = check_positive("a", a)
    b = check_positive("b", b)
    return X, y, noise_var, a, b


def student_t_logpdf(x, df, loc, scale) -> jax.Array:
    """Log density of the univariate Student-t ``t_df(loc, scale)`` (elementwise).

    Args:
        x: points, any shape.
        df: degrees of freedom ν > 0.
        loc: location, broadcasting with ``x``.
        scale: scale s > 0, broadcasting with ``x``.
    """
    df = check_positive("df", df)
    scale = check_positive("scale", scale)
    z = (jnp.asarray(x) - loc) / scale
    return (
        gammaln((df + 1) / 2)
        - gammaln(df / 2)
        - 0.5 * jnp.log(df * jnp.pi)
        - jnp.log(scale)
        - (df + 1) / 2 * jnp.log1p(z**2 / df)
    )


def student_t_log_marginal_likelihood(kernel: Kernel, X, y, noise_var, a, b, *, jitter: float = 0.0) -> jax.Array:
    r"""Log evidence of the Student-t process: log MVT(y; ν = 2a, 0, (b/a)(K + εI)).

    .. math:: \log p(y) = \log\Gamma(a + n/2) - \log\Gamma(a) - \tfrac n2\log(2\pi b) - \tfrac12\log|\tilde K|
       - (a + n/2)\log\Big(1 + \frac{y^\top\tilde K^{-1}y}{2b}\Big)

    Args:
        kernel: the base (e.g. NNGP) kernel k.
        X: inputs, shape ``(n, d)`` or ``(n,)``.
        y: targets, shape ``(n,)``.
        noise_var: ε > 0, the noise variance relative to σ² (scalar).
        a: inverse-gamma shape a > 0.
        b: inverse-gamma scale b > 0.
        jitter: extra diagonal ≥ 0.

    Returns:
        The scalar log evidence.
    """
    X, y, noise_var, a, b = _check(kernel, X, y, noise_var, a, b)
    jitter = check_nonnegative("jitter", jitter)
    n = y.shape[0]
    L = jsl.cholesky(kernel(X) + (noise_var + jitter) * jnp.eye(n), lower=True)
    v = jsl.solve_triangular(L, y, lower=True)
    q = jnp.dot(v, v)
    return (
        gammaln(a + n / 2)
        - gammaln(a)
        - 0.5 * n * jnp.log(2 * jnp.pi * b)
        - jnp.sum(jnp.log(jnp.diag(L)))
        - (a + n / 2) * jnp.log1p(q / (2 * b))
    )


def student_t_predictive(
    kernel: Kernel, X, y, noise_var, X_test, a, b, *, include_noise: bool = True, jitter: float = 0.0
) -> StudentTPredictive:
    """Marginal Student-t predictive at ``X_test`` (formula in the module docstring).

    Args:
        kernel: the base kernel k.
        X: training inputs, shape ``(n, d)`` or ``(n,)``.
        y: training targets, shape ``(n,)``.
        noise_var: ε > 0 (scalar).
        X_test: test inputs, shape ``(m, d)`` or ``(m,)``.
        a: inverse-gamma shape a > 0.
        b: inverse-gamma scale b > 0.
        include_noise: predict a noisy target y_* (adds ε to the test diagonal) rather than the latent f_*.
        jitter: extra diagonal ≥ 0.

    Returns:
        :class:`StudentTPredictive` with ``mean`` and ``scale`` of shape ``(m,)`` and ``df`` = 2a + n.
    """
    X, y, noise_var, a, b = _check(kernel, X, y, noise_var, a, b)
    X_test = as_inputs("X_test", X_test)
    if X_test.shape[1] != X.shape[1]:
        raise ValueError(f"X_test must have {X.shape[1]} input dimensions like X, got shape {X_test.shape}")
    jitter = check_nonnegative("jitter", jitter)
    n = y.shape[0]
    L = jsl.cholesky(kernel(X) + (noise_var + jitter) * jnp.eye(n), lower=True)
    v = jsl.solve_triangular(L, y, lower=True)
    q = jnp.dot(v, v)
    Ks = kernel(X_test, X)
    mean = Ks @ jsl.cho_solve((L, True), y)
    V = jsl.solve_triangular(L, Ks.T, lower=True)
    var = kernel.diag(X_test) - jnp.sum(V**2, axis=0) + (noise_var if include_noise else 0.0)
    factor = (2 * b + q) / (2 * a + n)
    return StudentTPredictive(mean, jnp.sqrt(jnp.maximum(factor * var, 0.0)), 2 * a + n)


def fit_student_t(build, params0, X, y, *, num_steps: int = 500, learning_rate: float = 0.05):
    """Fit hyperparameters (kernel, ε, a, b) by maximising :func:`student_t_log_marginal_likelihood` with Adam.

    Args:
        build: maps unconstrained ``params`` to ``(kernel, noise_var, a, b)``.
        params0: initial unconstrained parameters (any pytree of arrays).
        X: inputs, shape ``(n, d)`` or ``(n,)``.
        y: targets, shape ``(n,)``.
        num_steps: Adam steps (static, ≥ 1).
        learning_rate: Adam step size > 0.

    Returns:
        :class:`priorscope.gp.FitResult` (final parameters, negative log evidence per step).
    """
    import optax

    from priorscope._checks import check_int
    from priorscope.gp.fit import FitResult

    num_steps = check_int("num_steps", num_steps, min_value=1)
    learning_rate = check_positive("learning_rate", learning_rate)
    X = as_inputs("X", X)
    opt = optax.adam(learning_rate)

    def loss(p):
        kernel, noise_var, a, b = build(p)
        return -student_t_log_marginal_likelihood(kernel, X, y, noise_var, a, b, jitter=1e-8)

    def step(carry, _):
        p, s = carry
        value, g = jax.value_and_grad(loss)(p)
        updates, s = opt.update(g, s, p)
        return (optax.apply_updates(p, updates), s), value

    (params, _), losses = jax.lax.scan(step, (params0, opt.init(params0)), None, length=num_steps)
    return FitResult(params, losses)
