"""Pure compute behind the foundations tutorials' panels (jit-able; sizes are static arguments)."""

from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp
import jax.scipy.stats as jstats

from priorscope.bayes.conjugate import normal_normal_posterior
from priorscope.bayes.models import normal_mean_model
from priorscope.inference.nuts import make_nuts

__all__ = ["NormalMeanExperiment", "normal_mean_experiment", "BetaBinomialGrid", "beta_binomial_grid"]


class NormalMeanExperiment(NamedTuple):
    """NUTS vs the exact posterior of a normal mean (all arrays)."""

    y: jax.Array  # (n,) simulated data
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
    num_data: int,
    num_samples: int,
    *,
    true_mean: float = 1.0,
    prior_mean: float = 0.0,
    noise_scale: float = 1.0,
    num_chains: int = 2,
    num_bins: int = 40,
) -> NormalMeanExperiment:
    r"""Simulate ``num_data`` points from :math:`\mathcal N(\mu^\star, \sigma^2)`, sample the posterior of
    :math:`\mu` with NUTS (``num_samples`` warm-up + ``num_samples`` draws per chain) and return it next to the
    closed-form posterior of :func:`priorscope.bayes.normal_normal_posterior`.

    ``prior_scale`` is traced; ``num_data`` and ``num_samples`` fix shapes (static under jit).
    """
    k_data, k_mcmc = jax.random.split(key)
    y = true_mean + noise_scale * jax.random.normal(k_data, (num_data,))
    run = make_nuts(
        normal_mean_model,
        (jnp.zeros(num_data), 0.0, 1.0, 1.0),
        num_warmup=num_samples,
        num_samples=num_samples,
        num_chains=num_chains,
    )
    draws = run(k_mcmc, y, jnp.asarray(prior_mean), prior_scale, jnp.asarray(noise_scale)).samples["mu"]
    exact = normal_normal_posterior(y, prior_mean, prior_scale, noise_scale)
    lo, hi = exact.mean - 5 * exact.scale, exact.mean + 5 * exact.scale
    grid = jnp.linspace(lo, hi, 200)
    edges = jnp.linspace(lo, hi, num_bins + 1)
    counts, _ = jnp.histogram(draws.ravel(), bins=edges)
    density = counts / (draws.size * (edges[1] - edges[0]))
    return NormalMeanExperiment(
        y=y,
        grid=grid,
        exact_pdf=jstats.norm.pdf(grid, exact.mean, exact.scale),
        prior_pdf=jstats.norm.pdf(grid, prior_mean, prior_scale),
        edges=edges,
        nuts_density=density,
        trace=draws[0],
        exact_mean=exact.mean,
        exact_sd=exact.scale,
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
    of ``trials``, computed in closed form and, independently, by normalising prior × likelihood on a grid."""
    p = jnp.linspace(0.0, 1.0, num_points + 2)[1:-1]
    log_prior = jstats.beta.logpdf(p, alpha, beta)
    log_lik = successes * jnp.log(p) + (trials - successes) * jnp.log1p(-p)
    log_post = log_prior + log_lik
    unnorm = jnp.exp(log_post - jnp.max(log_post))
    grid_post = unnorm / jnp.trapezoid(unnorm, p)
    a_post, b_post = alpha + successes, beta + trials - successes
    return BetaBinomialGrid(
        p=p,
        prior_pdf=jnp.exp(log_prior),
        likelihood=jnp.exp(log_lik - jnp.max(log_lik)),
        posterior_pdf=jnp.exp(jstats.beta.logpdf(p, a_post, b_post)),
        grid_posterior_pdf=grid_post,
        posterior_mean=a_post / (a_post + b_post),
        grid_posterior_mean=jnp.trapezoid(p * grid_post, p),
    )
