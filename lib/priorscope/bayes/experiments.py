"""Pure compute behind the foundations tutorials' panels (jit-able; sizes are static arguments)."""

from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp
import jax.scipy.stats as jstats
import numpy as np

from priorscope import _checks as _c
from priorscope._checks import check_finite, check_in_range, check_int, check_positive
from priorscope.bayes.models import normal_mean_model
from priorscope.inference.nuts import make_nuts

__all__ = ["NormalMeanExperiment", "normal_mean_experiment", "BetaBinomialGrid", "beta_binomial_grid"]


class NormalMeanExperiment(NamedTuple):
    """NUTS vs the exact posterior of a normal mean (all arrays)."""

    y: jax.Array  # (max_data,) simulated data; the first num_data are observed
    grid: jax.Array  # (G,) evaluation grid around the exact posterior
    exact_pdf: jax.Array  # (G,)
    prior_pdf: jax.Array  # (G,)
    edges: jax.Array  # (B + 1,) histogram edges
    nuts_density: jax.Array  # (B,) histogram of NUTS draws (density)
    trace: jax.Array  # (num_samples,) chain 0
    exact_mean: jax.Array
    exact_sd: jax.Array
    nuts_mean: jax.Array
    nuts_sd: jax.Array


def normal_mean_experiment(
    key: jax.Array,
    prior_scale: jax.Array,
    num_data: jax.Array,
    num_samples: int,
    *,
    max_data: int = 200,
    true_mean: float = 1.0,
    prior_mean: float = 0.0,
    noise_scale: float = 1.0,
    num_chains: int = 2,
    num_bins: int = 40,
) -> NormalMeanExperiment:
    r"""Simulate ``num_data`` points from :math:`\mathcal N(\mu^\star, \sigma^2)`, sample the posterior of
    :math:`\mu` with NUTS (``num_samples`` warm-up + ``num_samples`` draws per chain) and return it next to the
    closed-form posterior of :func:`priorscope.bayes.normal_normal_posterior`.

    ``prior_scale`` and ``num_data`` (at most ``max_data``) are traced: the data array always has ``max_data``
    entries and a mask keeps the first ``num_data``. ``num_samples`` fixes shapes (static under jit).
    """
    # checked here so a message names this function's arguments, not make_nuts's (num_warmup)
    num_samples = check_int("num_samples", num_samples, min_value=1)
    max_data = check_int("max_data", max_data, min_value=1)
    num_chains = check_int("num_chains", num_chains, min_value=1)
    num_bins = check_int("num_bins", num_bins, min_value=1)
    true_mean = check_finite("true_mean", true_mean)
    prior_mean = check_finite("prior_mean", prior_mean)
    noise_scale = check_positive("noise_scale", noise_scale)
    prior_scale = check_positive("prior_scale", prior_scale)
    num_data = check_in_range("num_data", num_data, 0, max_data)
    k_data, k_mcmc = jax.random.split(key)
    y = true_mean + noise_scale * jax.random.normal(k_data, (max_data,))
    mask = jnp.arange(max_data) < num_data
    run = make_nuts(
        normal_mean_model,
        (jnp.zeros(max_data), 0.0, 1.0, 1.0, jnp.ones(max_data, bool)),
        num_warmup=num_samples,
        num_samples=num_samples,
        num_chains=num_chains,
    )
    draws = run(k_mcmc, y, jnp.asarray(prior_mean), prior_scale, jnp.asarray(noise_scale), mask).samples["mu"]
    # the closed form with masked data: sum and count of the kept points
    n = jnp.sum(mask)
    precision = 1.0 / prior_scale**2 + n / noise_scale**2
    exact_mean = (prior_mean / prior_scale**2 + jnp.sum(jnp.where(mask, y, 0.0)) / noise_scale**2) / precision
    exact_sd = 1.0 / jnp.sqrt(precision)
    lo, hi = exact_mean - 5 * exact_sd, exact_mean + 5 * exact_sd
    grid = jnp.linspace(lo, hi, 200)
    edges = jnp.linspace(lo, hi, num_bins + 1)
    counts, _ = jnp.histogram(draws.ravel(), bins=edges)
    density = counts / (draws.size * (edges[1] - edges[0]))
    return NormalMeanExperiment(
        y=y,
        grid=grid,
        exact_pdf=jstats.norm.pdf(grid, exact_mean, exact_sd),
        prior_pdf=jstats.norm.pdf(grid, prior_mean, prior_scale),
        edges=edges,
        nuts_density=density,
        trace=draws[0],
        exact_mean=exact_mean,
        exact_sd=exact_sd,
        nuts_mean=jnp.mean(draws),
        nuts_sd=jnp.std(draws),
    )


class BetaBinomialGrid(NamedTuple):
    """A Beta–binomial posterior two ways: closed form and brute-force grid normalisation."""

    p: jax.Array  # (G,) grid on (0, 1)
    prior_pdf: jax.Array  # (G,)
    likelihood: jax.Array  # (G,) scaled to peak 1
    posterior_pdf: jax.Array  # (G,) closed form Beta(alpha + k, beta + n - k)
    grid_posterior_pdf: jax.Array  # (G,) prior x likelihood normalised numerically
    posterior_mean: jax.Array  # closed form
    grid_posterior_mean: jax.Array  # numerical


def beta_binomial_grid(
    alpha: jax.Array, beta: jax.Array, successes: jax.Array, trials: jax.Array, num_points: int = 2001
) -> BetaBinomialGrid:
    r"""Posterior of a success probability under a :math:`\mathrm{Beta}(\alpha, \beta)` prior after ``successes``
    of ``trials``, computed in closed form and, independently, by normalising prior × likelihood numerically.

    The numerical integral uses :math:`p = \sin^2\theta`, which turns the integrable endpoint singularities of a
    Beta density with parameters :math:`\ge 1/2` into a bounded integrand, so the midpoint rule in
    :math:`\theta` stays accurate to about :math:`10^{-10}` (float64) for the whole slider range.
    The returned grid ``p`` is
    therefore denser near 0 and 1.
    """
    num_points = _c.check_int("num_points", num_points, min_value=2)
    alpha = _c.check_positive("alpha", alpha)
    beta = _c.check_positive("beta", beta)
    trials = _c.check_nonnegative("trials", trials)
    successes = _c.check_nonnegative("successes", successes)
    if _c.is_concrete((successes, trials)) and np.any(np.asarray(successes) > np.asarray(trials)):
        raise ValueError(f"successes must be <= trials, got successes {successes} and trials {trials}")
    h = (jnp.pi / 2) / num_points
    theta = (jnp.arange(num_points) + 0.5) * h  # midpoint rule: no endpoint evaluations
    p = jnp.sin(theta) ** 2
    log_prior = jstats.beta.logpdf(p, alpha, beta)
    log_lik = successes * jnp.log(p) + (trials - successes) * jnp.log1p(-p)
    log_jacobian = jnp.log(2 * jnp.sin(theta) * jnp.cos(theta))
    log_post = log_prior + log_lik
    unnorm = jnp.exp(log_post + log_jacobian - jnp.max(log_post + log_jacobian))
    z = jnp.sum(unnorm) * h
    a_post, b_post = alpha + successes, beta + trials - successes
    return BetaBinomialGrid(
        p=p,
        prior_pdf=jnp.exp(log_prior),
        likelihood=jnp.exp(log_lik - jnp.max(log_lik)),
        posterior_pdf=jnp.exp(jstats.beta.logpdf(p, a_post, b_post)),
        grid_posterior_pdf=unnorm / z / jnp.exp(log_jacobian),
        posterior_mean=a_post / (a_post + b_post),
        grid_posterior_mean=jnp.sum(p * unnorm) * h / z,
    )
