r"""Conjugate Bayesian linear regression: the tractable "policy" of the LLM-as-a-judge model.

Teacher–student setting of Halder and Pehlevan (2025), "Demystifying LLM-as-a-Judge: Analytically Tractable
Model
for Inference-Time Scaling", arXiv:2512.19905:

.. math::

    y = \phi^\top w^\star + \xi, \quad \phi = x/\sqrt d,\ x \sim N(0, I_d),\ \xi \sim N(0, \sigma^2),
    \quad w \sim N(0, \tau^2 I_d).

The posterior is Gaussian with precision :math:`\Lambda = I/\tau^2 + \Phi^\top\Phi/\sigma^2` and mean
:math:`m = \Lambda^{-1}\Phi^\top y/\sigma^2`; the posterior predictive at :math:`\phi` is
:math:`N(\phi^\top m,\ \phi^\top\Lambda^{-1}\phi + \sigma^2)`. Inference-time samples are draws from this
predictive.

With :math:`\tau = 1` (the teacher drawn from the prior) and :math:`n/d \to \alpha`, the test error of the
posterior mean :math:`v` and the predictive variance :math:`s^2` have deterministic equivalents from the
Marchenko–Pastur law (derived for this suite): :math:`v = \sigma^2 g`, :math:`s^2 = v + \sigma^2`, where
:math:`g > 0` solves :math:`\sigma^2 g^2 + (\sigma^2 + \alpha - 1) g - 1 = 0`.
"""

from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpyro
import numpyro.distributions as dist

from priorscope import _checks as _c
from priorscope._checks import check_in_range, check_int, check_ndim, check_positive
from priorscope.scaling.selection_theory import SelectionGeometry

__all__ = [
    "BLRPosterior",
    "teacher_student_data",
    "blr_posterior",
    "blr_predictive",
    "blr_model",
    "deterministic_equivalent",
    "misspecified_judge",
    "judge_geometry",
    "empirical_geometry",
    "simulate_selection_errors",
]


class BLRPosterior(NamedTuple):
    """Gaussian posterior over weights.

    Attributes:
        mean: ``(d,)`` posterior mean :math:`m`.
        cov: ``(d, d)`` posterior covariance :math:`\\Lambda^{-1}`.
    """

    mean: jax.Array
    cov: jax.Array


def teacher_student_data(
    key: jax.Array, num_train: int, dim: int, noise_std: float
) -> tuple[jax.Array, jax.Array, jax.Array]:
    """Draw a teacher :math:`w^\\star \\sim N(0, I_d)` and ``num_train`` noisy examples.

    Args:
        key: PRNG key.
        num_train: n >= 1.
        dim: d >= 1.
        noise_std: :math:`\\sigma > 0`.

    Returns:
        ``(features (n, d), y (n,), w_star (d,))`` with features :math:`x/\\sqrt d`.
    """
    num_train = check_int("num_train", num_train, min_value=1)
    dim = check_int("dim", dim, min_value=1)
    noise_std = check_positive("noise_std", noise_std)
    k_w, k_x, k_e = jax.random.split(key, 3)
    w_star = jax.random.normal(k_w, (dim,))
    features = jax.random.normal(k_x, (num_train, dim)) / jnp.sqrt(dim)
    y = features @ w_star + noise_std * jax.random.normal(k_e, (num_train,))
    return features, y, w_star


def blr_posterior(features: jax.Array, y: jax.Array, noise_std: float, prior_std: float = 1.0) -> BLRPosterior:
    r"""Closed-form posterior :math:`N(m, \Lambda^{-1})` of the weights.

    Args:
        features: ``(n, d)`` design :math:`\Phi`.
        y: ``(n,)`` targets.
        noise_std: :math:`\sigma > 0`.
        prior_std: :math:`\tau > 0`.

    Returns:
        :class:`BLRPosterior` with ``mean (d,)`` and ``cov (d, d)``.
    """
    check_ndim("features", features, 2)
    check_ndim("y", y, 1)
    if features.shape[0] != y.shape[0]:
        raise ValueError(f"features and y must have the same n, got {features.shape[0]} and {y.shape[0]}")
    noise_std = check_positive("noise_std", noise_std)
    prior_std = check_positive("prior_std", prior_std)
    d = features.shape[1]
    precision = jnp.eye(d) / prior_std**2 + features.T @ features / noise_std**2
    chol = jnp.linalg.cholesky(precision)
    cov = jax.scipy.linalg.cho_solve((chol, True), jnp.eye(d))
    mean = jax.scipy.linalg.cho_solve((chol, True), features.T @ y / noise_std**2)
    return BLRPosterior(mean, 0.5 * (cov + cov.T))


def _check_dim(name: str, x, posterior) -> None:
    d = jnp.shape(posterior.mean)[-1]
    if jnp.ndim(x) < 1 or jnp.shape(x)[-1] != d:
        raise ValueError(f"{name} must have shape (..., {d}) to match the posterior's dimension, got {jnp.shape(x)}")


def blr_predictive(posterior: BLRPosterior, features: jax.Array, noise_std: float) -> tuple[jax.Array, jax.Array]:
    """Posterior predictive mean and variance (noise included) at ``features (m, d)``: two ``(m,)`` arrays."""
    noise_std = check_positive("noise_std", noise_std)
    _check_dim("features", features, posterior)
    mean = features @ posterior.mean
    var = jnp.einsum("md,de,me->m", features, posterior.cov, features) + noise_std**2
    return mean, var


def blr_model(features: jax.Array, y: jax.Array | None = None, *, noise_std: float, prior_std: float = 1.0) -> None:
    """The same model in NumPyro (used to cross-check the closed form with NUTS)."""
    noise_std = _c.check_positive("noise_std", noise_std)
    prior_std = _c.check_positive("prior_std", prior_std)
    d = features.shape[1]
    w = numpyro.sample("w", dist.Normal(0.0, prior_std).expand([d]).to_event(1))
    numpyro.sample("y", dist.Normal(features @ w, noise_std).to_event(1), obs=y)


def deterministic_equivalent(ratio: jax.Array, noise_std: jax.Array) -> tuple[jax.Array, jax.Array]:
    r"""High-dimensional limits of the posterior-mean error :math:`v` and predictive variance :math:`s^2`.

    With :math:`\tau = 1`, :math:`\alpha = n/d` and the Marchenko–Pastur resolvent :math:`g` solving
    :math:`\sigma^2 g^2 + (\sigma^2 + \alpha - 1) g - 1 = 0`: :math:`v = \sigma^2 g`, :math:`s^2 = v +
    \sigma^2`.

    Args:
        ratio: :math:`\alpha = n/d > 0` (traced is fine).
        noise_std: :math:`\sigma > 0`.

    Returns:
        ``(v, s2)`` scalars.
    """
    ratio = check_positive("ratio", ratio)
    noise_std = check_positive("noise_std", noise_std)
    s2n = noise_std**2
    bq = s2n + ratio - 1.0
    # Stable positive root of s2n g^2 + bq g - 1 = 0.
    g = 2.0 / (bq + jnp.sqrt(bq**2 + 4.0 * s2n))
    v = s2n * g
    return v, v + s2n


def misspecified_judge(key: jax.Array, w_star: jax.Array, angle: float) -> jax.Array:
    r"""A judge direction at ``angle`` (radians) from the teacher, of the same norm.

    :math:`w_R = \cos\theta\, w^\star + \sin\theta\, u` with :math:`u` a random direction orthogonal to
    :math:`w^\star` and :math:`|u| = |w^\star|`.
    """
    angle = check_in_range("angle", angle, 0.0, jnp.pi)
    u = jax.random.normal(key, w_star.shape)
    u = u - (u @ w_star) / (w_star @ w_star) * w_star
    u = u * jnp.linalg.norm(w_star) / jnp.linalg.norm(u)
    return jnp.cos(angle) * w_star + jnp.sin(angle) * u


def judge_geometry(ratio: jax.Array, noise_std: jax.Array, angle: jax.Array) -> SelectionGeometry:
    r"""Deterministic-equivalent :class:`SelectionGeometry` for a judge at ``angle`` from the teacher.

    With :math:`b = (w^\star - m)\cdot\phi`, :math:`a = (w_R - m)\cdot\phi` and :math:`|w^\star|^2/d \to 1`
    (derived for this suite; the Bayes identity :math:`\mathbb E[w^{\star\top}(w^\star - m)] =
    \mathrm{tr}\,\Sigma`
    does the work):

    .. math::

        \mathrm{Var}(b) = v,\quad \mathrm{Cov}(a, b) = v\cos\theta,\quad
        \mathrm{Var}(a) = v + 2(1 - \cos\theta)(1 - v).

    Args:
        ratio: :math:`\alpha = n/d > 0`.
        noise_std: :math:`\sigma > 0`.
        angle: :math:`\theta \in [0, \pi]` radians (traced is fine).
    """
    check_in_range("angle", angle, 0.0, float(jnp.pi))
    v, s2 = deterministic_equivalent(ratio, noise_std)
    c = jnp.cos(angle)
    return SelectionGeometry(s2, v, v + 2.0 * (1.0 - c) * (1.0 - v), v * c)


def empirical_geometry(
    posterior: BLRPosterior, w_star: jax.Array, w_judge: jax.Array, noise_std: float
) -> SelectionGeometry:
    """The :class:`SelectionGeometry` of a finite-d posterior, averaged over isotropic test inputs.

    With :math:`\\phi = x/\\sqrt d`: :math:`s^2 = \\mathrm{tr}\\,\\Sigma/d + \\sigma^2`, :math:`v = |w^\\star
    - m|^2/d`,
    and likewise for the judge.
    """
    noise_std = check_positive("noise_std", noise_std)
    _check_dim("w_star", w_star, posterior)
    _check_dim("w_judge", w_judge, posterior)
    d = w_star.shape[0]
    eb, ea = w_star - posterior.mean, w_judge - posterior.mean
    return SelectionGeometry(jnp.trace(posterior.cov) / d + noise_std**2, eb @ eb / d, ea @ ea / d, ea @ eb / d)


def simulate_selection_errors(
    key: jax.Array,
    posterior: BLRPosterior,
    w_star: jax.Array,
    w_judge: jax.Array,
    noise_std: float,
    k: int,
    num_tests: int,
    *,
    temperature: float | None = None,
) -> jax.Array:
    r"""Brute-force check of the theory at finite d: squared errors of the selected candidate on fresh test
    inputs.

    For each test input :math:`x \sim N(0, I_d)` draw k candidates from the posterior predictive, score them
    with the
    judge :math:`R = -(\hat y - w_R\cdot\phi)^2` and select the argmax (``temperature=None``, the best-of-k
    rule)
    or sample from the softmax at ``temperature`` > 0.

    Args:
        key: PRNG key.
        posterior: the :class:`BLRPosterior`.
        w_star, w_judge: ``(d,)`` teacher and judge weights.
        noise_std: :math:`\sigma > 0` (the predictive includes it).
        k: candidates per test input (static int >= 1).
        num_tests: test inputs (static int >= 1).
        temperature: None for best-of-k, else :math:`T > 0`.

    Returns:
        ``(num_tests,)`` squared errors :math:`(\hat y_{\rm sel} - w^\star\cdot\phi)^2`.
    """
    from priorscope.scaling.selection import best_of_k_index, softmax_select

    k = check_int("k", k, min_value=1)
    num_tests = check_int("num_tests", num_tests, min_value=1)
    if temperature is not None:
        temperature = check_positive("temperature", temperature)
    d = w_star.shape[0]
    k_x, k_y, k_s = jax.random.split(key, 3)
    phi = jax.random.normal(k_x, (num_tests, d)) / jnp.sqrt(d)
    mean, var = blr_predictive(posterior, phi, noise_std)
    y = mean[:, None] + jnp.sqrt(var)[:, None] * jax.random.normal(k_y, (num_tests, k))
    rewards = -((y - (phi @ w_judge)[:, None]) ** 2)
    idx = best_of_k_index(rewards) if temperature is None else softmax_select(k_s, rewards, temperature)
    picked = jnp.take_along_axis(y, idx[:, None], axis=1)[:, 0]
    return (picked - phi @ w_star) ** 2
