r"""Exact Gaussian-mixture marginals along an affine-Gaussian path.

If the data law is a Gaussian mixture :math:`p_0 = \sum_k w_k \mathcal N(\mu_k, \Sigma_k)` and
:math:`x_t = \alpha_t x_0 + \sigma_t\varepsilon`, every marginal is again a mixture,

.. math::

    p_t(x) = \sum_k w_k\, \mathcal N\big(x;\ \alpha_t\mu_k,\ C_k\big),\qquad
    C_k = \alpha_t^2\Sigma_k + \sigma_t^2 I,

so the score, the Tweedie denoiser, the noise prediction and the velocity are all closed form. With
responsibilities :math:`r_k(x) \propto w_k\mathcal N(x; \alpha_t\mu_k, C_k)` and whitened residuals
:math:`z_k = C_k^{-1}(x - \alpha_t\mu_k)`:

.. math::

    \nabla\log p_t = -\sum_k r_k z_k,\quad
    \hat x_0 = \mathbb E[x_0\mid x_t] = \sum_k r_k(\mu_k + \alpha_t\Sigma_k z_k),\quad
    \hat\varepsilon = \sigma_t\sum_k r_k z_k,\quad v = \dot\alpha_t\hat x_0 + \dot\sigma_t\hat\varepsilon.

Each is computed directly (no division by :math:`\alpha` or :math:`\sigma`), so it stays finite at the ends of
the path. Functions are written for ONE point ``x`` of shape ``(d,)`` and a scalar ``t``; use ``jax.vmap``
for a batch. Class-conditional mixtures (a subset of the components, for classifier-free guidance) come from
:func:`condition`, which keeps shapes fixed by masking weights.

References:
    Efron (2011), Tweedie's formula and selection bias (the posterior-mean identity).
    Lai et al. (2025), The principles of diffusion models, arXiv:2510.21890 (targets and velocity).
    Ho & Salimans (2022), Classifier-free diffusion guidance, arXiv:2207.12598.
"""

from __future__ import annotations

import dataclasses

import jax
import jax.numpy as jnp
import numpy as np

from priorscope._checks import check_finite, check_probabilities, check_shape, is_data
from priorscope._pytree import pytree_dataclass

__all__ = [
    "GaussianMixture",
    "ring",
    "condition",
    "log_prob",
    "sample",
    "marginal",
    "sample_marginal",
    "responsibilities",
    "log_prob_t",
    "score",
    "denoise",
    "eps_hat",
    "velocity",
    "predict",
    "denoiser",
    "assign_modes",
]


@pytree_dataclass
class GaussianMixture:
    r"""A Gaussian mixture in :math:`\mathbb R^d` as a frozen pytree.

    Attributes:
        weights: ``(K,)`` nonnegative mixture weights summing to one.
        means: ``(K, d)`` component means :math:`\mu_k`.
        covs: ``(K, d, d)`` symmetric positive-definite covariances :math:`\Sigma_k`.
    """

    weights: jax.Array
    means: jax.Array
    covs: jax.Array

    def __post_init__(self):
        """The raw constructor checks shapes and values too (``create`` also normalises and accepts stds)."""
        if not is_data(self.weights, self.means, self.covs):
            return  # JAX rebuilding the pytree with tracers or placeholders
        k = np.shape(self.weights)[0] if np.ndim(self.weights) == 1 else None
        check_shape("means", self.means, (k, None), what="(K, d) with K = len(weights)")
        d = np.shape(self.means)[1]
        check_shape("covs", self.covs, (k, d, d), what=f"(K, d, d) = ({k}, {d}, {d})")
        check_probabilities("weights", self.weights, atol=1e-4)
        check_finite("means", self.means)
        check_finite("covs", self.covs)

    @property
    def num_components(self) -> int:
        return self.means.shape[0]

    @property
    def dim(self) -> int:
        return self.means.shape[1]

    @classmethod
    def create(cls, weights, means, covs) -> GaussianMixture:
        """Validated constructor; weights are normalised.

        Args:
            weights: ``(K,)`` nonnegative, not all zero.
            means: ``(K, d)``.
            covs: ``(K, d, d)`` covariances, or ``(K,)`` isotropic standard deviations, or a scalar standard
                deviation shared by all components.
        """
        means = jnp.asarray(means, dtype=jnp.result_type(float))
        if means.ndim != 2:
            raise ValueError(f"means must have shape (K, d), got shape {means.shape}")
        k, d = means.shape
        weights = jnp.asarray(weights, dtype=means.dtype)
        if weights.shape != (k,):
            raise ValueError(f"weights must have shape ({k},) to match means, got shape {weights.shape}")
        w = np.asarray(weights)
        if np.any(w < 0) or not w.sum() > 0:
            raise ValueError(f"weights must be nonnegative with a positive sum, got {w}")
        covs = jnp.asarray(covs, dtype=means.dtype)
        if covs.ndim == 0:
            covs = jnp.full((k,), covs)
        if covs.ndim == 1:
            if covs.shape != (k,):
                raise ValueError(f"isotropic stds must have shape ({k},), got shape {covs.shape}")
            if np.any(np.asarray(covs) <= 0):
                raise ValueError(f"isotropic stds must be > 0, got {np.asarray(covs)}")
            covs = covs[:, None, None] ** 2 * jnp.eye(d, dtype=means.dtype)
        if covs.shape != (k, d, d):
            raise ValueError(f"covs must have shape ({k}, {d}, {d}), got shape {covs.shape}")
        if not np.all(np.isfinite(np.linalg.cholesky(np.asarray(covs, dtype=np.float64)))):
            raise ValueError("covs must be symmetric positive definite")
        return cls(weights / weights.sum(), means, covs)


def ring(num_modes: int = 8, radius: float = 2.0, std: float = 0.1, weights=None) -> GaussianMixture:
    """``num_modes`` isotropic 2-D Gaussians evenly spaced on a circle (the standard diffusion toy).

    Args:
        num_modes: K >= 1.
        radius: circle radius > 0.
        std: component standard deviation > 0.
        weights: optional ``(K,)`` weights (default uniform).
    """
    if num_modes < 1:
        raise ValueError(f"num_modes must be >= 1, got {num_modes}")
    if radius <= 0 or std <= 0:
        raise ValueError(f"radius and std must be > 0, got radius={radius}, std={std}")
    angles = 2 * np.pi * np.arange(num_modes) / num_modes
    means = radius * np.stack([np.cos(angles), np.sin(angles)], axis=1)
    if weights is None:
        weights = np.ones(num_modes)
    return GaussianMixture.create(weights, means, std)


def condition(mix: GaussianMixture, mask) -> GaussianMixture:
    """Restrict a mixture to the components where ``mask`` is nonzero (same shapes, renormalised weights).

    Args:
        mix: the mixture.
        mask: ``(K,)`` booleans or nonnegative floats (a float mask reweights components).
    """
    mask = jnp.asarray(mask, dtype=mix.weights.dtype)
    if mask.shape != mix.weights.shape:
        raise ValueError(f"mask must have shape {mix.weights.shape}, got shape {mask.shape}")
    w = mix.weights * mask
    return dataclasses.replace(mix, weights=w / jnp.sum(w))


def _component_terms(mix: GaussianMixture, x, mean_scale, noise_sd):
    """Log densities ``(K,)`` and whitened residuals ``(K, d)`` of N(mean_scale*mu_k, a^2 Sigma_k + s^2 I).

    The Cholesky factors and precisions depend on ``t`` only, so under ``vmap`` over points they are computed
    once; the per-point work is a batched matrix-vector product.
    """
    d = mix.dim
    eye = jnp.eye(d, dtype=mix.covs.dtype)
    cov = mean_scale**2 * mix.covs + noise_sd**2 * eye
    chol = jnp.linalg.cholesky(cov)
    prec = jax.vmap(lambda c: jax.scipy.linalg.cho_solve((c, True), eye))(chol)
    resid = x[None, :] - mean_scale * mix.means
    z = jnp.einsum("kij,kj->ki", prec, resid)
    logdet = 2.0 * jnp.sum(jnp.log(jnp.diagonal(chol, axis1=-2, axis2=-1)), axis=-1)
    logn = -0.5 * jnp.sum(resid * z, axis=-1) - 0.5 * logdet - 0.5 * d * jnp.log(2 * jnp.pi)
    return logn, z


def _log_weights(mix):
    # weights may contain exact zeros (conditioned mixtures); keep them at -inf without NaN gradients
    w = mix.weights
    return jnp.where(w > 0, jnp.log(jnp.where(w > 0, w, 1.0)), -jnp.inf)


def log_prob(mix: GaussianMixture, x):
    r""":math:`\log p_0(x)` for one point ``x`` of shape ``(d,)``; returns a scalar."""
    logn, _ = _component_terms(mix, x, 1.0, 0.0)
    return jax.scipy.special.logsumexp(_log_weights(mix) + logn)


def sample(key, mix: GaussianMixture, num_samples: int):
    """Draw ``num_samples`` points from the mixture; returns ``(num_samples, d)``."""
    k1, k2 = jax.random.split(key)
    comp = jax.random.categorical(k1, _log_weights(mix), shape=(num_samples,))
    chol = jnp.linalg.cholesky(mix.covs)
    z = jax.random.normal(k2, (num_samples, mix.dim), dtype=mix.means.dtype)
    return mix.means[comp] + jnp.einsum("nij,nj->ni", chol[comp], z)


def marginal(mix: GaussianMixture, schedule, t) -> GaussianMixture:
    r"""The time-``t`` marginal: means :math:`\alpha_t\mu_k`, covs :math:`\alpha_t^2\Sigma_k+\sigma_t^2I`."""
    a, s = schedule.alpha(t), schedule.sigma(t)
    covs = a**2 * mix.covs + s**2 * jnp.eye(mix.dim, dtype=mix.covs.dtype)
    return GaussianMixture(mix.weights, a * mix.means, covs)


def sample_marginal(key, mix: GaussianMixture, schedule, t, num_samples: int):
    """Exact draws from :math:`p_t` (by noising exact data draws); returns ``(num_samples, d)``."""
    k1, k2 = jax.random.split(key)
    x0 = sample(k1, mix, num_samples)
    eps = jax.random.normal(k2, x0.shape, dtype=x0.dtype)
    return schedule.alpha(t) * x0 + schedule.sigma(t) * eps


def responsibilities(mix: GaussianMixture, schedule, x, t):
    r"""Posterior component probabilities :math:`r_k(x) = P(k\mid x_t = x)`; shape ``(K,)``."""
    logn, _ = _component_terms(mix, x, schedule.alpha(t), schedule.sigma(t))
    return jax.nn.softmax(_log_weights(mix) + logn)


def log_prob_t(mix: GaussianMixture, schedule, x, t):
    r""":math:`\log p_t(x)` for one point ``x`` ``(d,)`` at time ``t``; returns a scalar."""
    logn, _ = _component_terms(mix, x, schedule.alpha(t), schedule.sigma(t))
    return jax.scipy.special.logsumexp(_log_weights(mix) + logn)


def _posterior_terms(mix, schedule, x, t):
    a, s = schedule.alpha(t), schedule.sigma(t)
    logn, z = _component_terms(mix, x, a, s)
    r = jax.nn.softmax(_log_weights(mix) + logn)
    return a, s, r, z


def score(mix: GaussianMixture, schedule, x, t):
    r""":math:`\nabla_x\log p_t(x) = -\sum_k r_k C_k^{-1}(x-\alpha_t\mu_k)`; shape ``(d,)``."""
    _, _, r, z = _posterior_terms(mix, schedule, x, t)
    return -r @ z


def denoise(mix: GaussianMixture, schedule, x, t):
    r"""Tweedie denoiser :math:`\hat x_0 = \mathbb E[x_0\mid x_t=x] = \sum_k r_k(\mu_k+\alpha_t\Sigma_k z_k)`.

    Returns shape ``(d,)``.
    """
    a, _, r, z = _posterior_terms(mix, schedule, x, t)
    post_means = mix.means + a * jnp.einsum("kij,kj->ki", mix.covs, z)
    return r @ post_means


def eps_hat(mix: GaussianMixture, schedule, x, t):
    r"""Noise prediction :math:`\hat\varepsilon = \mathbb E[\varepsilon\mid x_t=x] = -\sigma_t\nabla\log p_t`.

    Returns shape ``(d,)``.
    """
    _, s, r, z = _posterior_terms(mix, schedule, x, t)
    return s * (r @ z)


def velocity(mix: GaussianMixture, schedule, x, t):
    r"""Probability-flow velocity :math:`v = \dot\alpha_t\hat x_0 + \dot\sigma_t\hat\varepsilon`; ``(d,)``."""
    a, s, r, z = _posterior_terms(mix, schedule, x, t)
    x0 = r @ (mix.means + a * jnp.einsum("kij,kj->ki", mix.covs, z))
    eps = s * (r @ z)
    return schedule.d_alpha(t) * x0 + schedule.d_sigma(t) * eps


_TARGET_FNS = {"x0": denoise, "eps": eps_hat, "score": score, "v": velocity}


def predict(mix: GaussianMixture, schedule, x, t, target: str):
    """The exact prediction of one of the four targets ``"x0"``, ``"eps"``, ``"score"``, ``"v"``; ``(d,)``."""
    if target not in _TARGET_FNS:
        raise ValueError(f"target must be one of {sorted(_TARGET_FNS)}, got {target!r}")
    return _TARGET_FNS[target](mix, schedule, x, t)


def denoiser(mix: GaussianMixture, schedule, *, cond_mask=None, guidance=0.0):
    r"""An exact data-prediction model ``model(x, t) -> x0_hat`` for one point, optionally guided.

    With a condition mask, classifier-free guidance at weight :math:`w` combines the unconditional and the
    class-conditional predictions,

    .. math::

        \tilde x_0 = \hat x_0^{u} + w(\hat x_0^{c} - \hat x_0^{u}),

    which, because the targets are affine in each other with the same :math:`x`, is the same as guiding
    :math:`\hat\varepsilon` (Ho & Salimans 2022). ``w = 1`` is the exact conditional model; ``w = 0`` the
    unconditional one.

    Args:
        mix: data mixture.
        schedule: noise schedule.
        cond_mask: optional ``(K,)`` mask of the components that form the condition.
        guidance: weight :math:`w` (may be traced); used only with ``cond_mask``.

    Returns:
        A callable ``(x: (d,), t: scalar) -> (d,)``.
    """
    if cond_mask is None:
        return lambda x, t: denoise(mix, schedule, x, t)
    cond = condition(mix, cond_mask)

    def model(x, t):
        u = denoise(mix, schedule, x, t)
        c = denoise(cond, schedule, x, t)
        return u + guidance * (c - u)

    return model


def assign_modes(mix: GaussianMixture, x):
    """Index ``(n,)`` of the most responsible component under :math:`p_0` for each row of ``x`` ``(n, d)``."""

    def one(xi):
        logn, _ = _component_terms(mix, xi, 1.0, 0.0)
        return jnp.argmax(_log_weights(mix) + logn)

    return jax.vmap(one)(x)
