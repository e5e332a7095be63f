"""A one-dimensional Bayesian toy with exact answers, for testing importance sampling and SMC.

Prior :math:`p(x) = \\mathcal N(x; 0, s_0^2)`; likelihood a sum of Gaussian bumps,
:math:`L(x) = \\sum_k c_k \\mathcal N(x; \\mu_k, s_k^2)`. Each product of Gaussians is Gaussian, so

.. math::

    Z = \\sum_k c_k\\, \\mathcal N(\\mu_k; 0, s_0^2 + s_k^2), \\qquad
    p(x \\mid \\text{data}) = \\sum_k \\pi_k\\, \\mathcal N(x; m_k, v_k),

with :math:`v_k = (s_0^{-2} + s_k^{-2})^{-1}`, :math:`m_k = v_k \\mu_k / s_k^2` and
:math:`\\pi_k \\propto c_k \\mathcal N(\\mu_k; 0, s_0^2 + s_k^2)`. A well-separated, unequal pair of bumps gives a
bimodal posterior whose mode masses, moments and evidence are all known in closed form.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
from jax.scipy.special import logsumexp
from jax.scipy.stats import norm

from priorscope._checks import (
    check_finite,
    check_increasing,
    check_int,
    check_interval,
    check_positive,
    check_same_shape,
    is_data,
)
from priorscope._pytree import pytree_dataclass

__all__ = ["BumpLikelihoodToy", "make_bimodal_toy", "importance_experiment", "smc_experiment"]


@pytree_dataclass
class BumpLikelihoodToy:
    """Gaussian prior times a sum of Gaussian bumps (one dimension; points have shape ``(1,)``).

    Attributes:
        prior_scale: :math:`s_0`, scalar.
        centers: :math:`\\mu_k`, shape ``(K,)``.
        scales: :math:`s_k`, shape ``(K,)``.
        amplitudes: :math:`c_k > 0`, shape ``(K,)``.
    """

    prior_scale: jax.Array
    centers: jax.Array
    scales: jax.Array
    amplitudes: jax.Array

    def __post_init__(self):
        if is_data(self.prior_scale, self.centers, self.scales, self.amplitudes):
            check_positive("prior_scale", self.prior_scale)
            check_finite("centers", self.centers)
            check_positive("scales", self.scales)
            check_positive("amplitudes", self.amplitudes)
            check_same_shape("centers", self.centers, "scales", self.scales)
            check_same_shape("centers", self.centers, "amplitudes", self.amplitudes)

    def log_prior(self, x: jax.Array) -> jax.Array:
        """:math:`\\log p(x)` for one point ``(1,)``."""
        return norm.logpdf(x[0], 0.0, self.prior_scale)

    def log_likelihood(self, x: jax.Array) -> jax.Array:
        """:math:`\\log L(x)` for one point ``(1,)``."""
        return logsumexp(jnp.log(self.amplitudes) + norm.logpdf(x[0], self.centers, self.scales))

    def log_evidence(self) -> jax.Array:
        """Exact :math:`\\log Z`."""
        return logsumexp(self._log_component_mass())

    def _log_component_mass(self) -> jax.Array:
        total = jnp.sqrt(self.prior_scale**2 + self.scales**2)
        return jnp.log(self.amplitudes) + norm.logpdf(self.centers, 0.0, total)

    def posterior_weights(self) -> jax.Array:
        """:math:`\\pi_k`, shape ``(K,)``."""
        return jax.nn.softmax(self._log_component_mass())

    def posterior_variances(self) -> jax.Array:
        """:math:`v_k`, shape ``(K,)``."""
        return 1.0 / (1.0 / self.prior_scale**2 + 1.0 / self.scales**2)

    def posterior_means(self) -> jax.Array:
        """:math:`m_k`, shape ``(K,)``."""
        return self.posterior_variances() * self.centers / self.scales**2

    def posterior_mean(self) -> jax.Array:
        """Exact posterior mean (scalar)."""
        return jnp.sum(self.posterior_weights() * self.posterior_means())

    def posterior_logpdf(self, x: jax.Array) -> jax.Array:
        """Exact posterior log-density at scalar points ``x`` of any shape."""
        x = jnp.asarray(x)[..., None]
        comp = norm.logpdf(x, self.posterior_means(), jnp.sqrt(self.posterior_variances()))
        return logsumexp(jnp.log(self.posterior_weights()) + comp, axis=-1)


def make_bimodal_toy(
    prior_scale: float = 3.0, separation: float = 2.5, scale: float = 0.4, left_weight: float = 0.75
) -> BumpLikelihoodToy:
    """Two bumps at ``±separation`` with width ``scale``; ``left_weight`` of the amplitude on the left.

    Raises:
        ValueError: for a non-positive scale or a ``left_weight`` outside (0, 1).
    """
    prior_scale = check_positive("prior_scale", prior_scale)
    separation = check_finite("separation", separation)
    scale = check_positive("scale", scale)
    check_interval("left_weight", left_weight, 0, 1, low_open=True, high_open=True)
    return BumpLikelihoodToy(
        prior_scale=jnp.asarray(prior_scale),
        centers=jnp.asarray([-separation, separation]),
        scales=jnp.asarray([scale, scale]),
        amplitudes=jnp.asarray([left_weight, 1.0 - left_weight]),
    )


def _weighted_density(x: jax.Array, log_weights: jax.Array, edges: jax.Array) -> jax.Array:
    w = jnp.exp(log_weights - logsumexp(log_weights))
    counts, _ = jnp.histogram(x, bins=edges, weights=w)
    return counts / jnp.diff(edges)


def importance_experiment(
    key: jax.Array,
    model: BumpLikelihoodToy,
    proposal_mean: jax.Array | float,
    proposal_scale: jax.Array | float,
    num_samples: int,
    edges: jax.Array,
) -> dict[str, jax.Array]:
    """Self-normalised importance sampling of the toy posterior from :math:`\\mathcal N(m, s^2)`.

    Weights :math:`\\tilde w_i = p(x_i)L(x_i)/\\mathcal N(x_i; m, s^2)`; :math:`\\frac1n\\sum_i\\tilde w_i` estimates
    :math:`Z`.

    Args:
        key: a JAX PRNG key.
        model: the toy.
        proposal_mean, proposal_scale: :math:`m` and :math:`s > 0` (traced).
        num_samples: ``n`` (static).
        edges: histogram bin edges ``(B + 1,)``.

    Returns:
        dict with ``density`` ``(B,)`` (weighted histogram), ``ess``, ``log_z`` (estimate), ``left_mass``
        (weighted share of :math:`x < 0`), ``sorted_weights`` ``(n,)`` (normalised, descending).
    """
    num_samples = check_int("num_samples", num_samples, min_value=1)
    proposal_mean = check_finite("proposal_mean", proposal_mean)
    proposal_scale = check_positive("proposal_scale", proposal_scale)
    edges = check_increasing("edges", edges)
    x = proposal_mean + proposal_scale * jax.random.normal(key, (num_samples,))
    pts = x[:, None]
    log_gamma = jax.vmap(model.log_prior)(pts) + jax.vmap(model.log_likelihood)(pts)
    log_w = log_gamma - norm.logpdf(x, proposal_mean, proposal_scale)
    w = jnp.exp(log_w - logsumexp(log_w))
    return {
        "density": _weighted_density(x, log_w, edges),
        "ess": 1.0 / jnp.sum(w**2),
        "log_z": logsumexp(log_w) - jnp.log(num_samples),
        "left_mass": jnp.sum(w * (x < 0)),
        "sorted_weights": -jnp.sort(-w),
    }


def smc_experiment(
    key: jax.Array,
    model: BumpLikelihoodToy,
    num_temperatures: int,
    num_particles: int,
    num_mcmc_steps: int | jax.Array,
    ess_threshold: jax.Array | float,
    edges: jax.Array,
    scheme: str = "systematic",
) -> dict[str, jax.Array]:
    """Tempered SMC on the toy with :math:`\\beta_k = (k/K)^2` (dense steps where the likelihood first bites).

    Returns:
        dict with ``density`` ``(B,)``, ``ess_fraction`` ``(K,)`` (before each resampling decision),
        ``resampled`` ``(K,)``, ``log_z``, ``left_mass`` and ``acceptance`` ``(K,)``.
    """
    from priorscope.particles.tempering import tempered_smc

    num_temperatures = check_int("num_temperatures", num_temperatures, min_value=1)
    num_particles = check_int("num_particles", num_particles, min_value=1)
    edges = check_increasing("edges", edges)
    k_init, k_run = jax.random.split(key)
    x0 = model.prior_scale * jax.random.normal(k_init, (num_particles, 1))
    betas = jnp.linspace(0.0, 1.0, num_temperatures + 1) ** 2
    state, infos, rates = tempered_smc(
        k_run,
        x0,
        model.log_prior,
        model.log_likelihood,
        betas,
        num_mcmc_steps=num_mcmc_steps,
        ess_threshold=ess_threshold,
        scheme=scheme,
    )
    x = state.particles[:, 0]
    w = jnp.exp(state.log_weights)
    return {
        "density": _weighted_density(x, state.log_weights, edges),
        "ess_fraction": infos.ess / num_particles,
        "resampled": infos.resampled,
        "log_z": state.log_evidence,
        "left_mass": jnp.sum(w * (x < 0)),
        "acceptance": rates,
    }
