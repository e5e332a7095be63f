r"""Candidates and judges on the probability simplex: identifiability, a Bayesian model, and a coverage harness.

After Vossler, Xia, Mai, Subbaswamy and Feng (2025), "LLMs Judging LLMs: A Simplex Perspective" (first titled
"Judging LLMs on a Simplex"), arXiv:2505.21972.

With M score levels :math:`1, \dots, M`, candidate k's *true* score law is :math:`\pi_k \in \Delta^{M-1}` and the
judge's confusion rows are :math:`\theta_m = P(\hat S = \cdot \mid S = m) \in \Delta^{M-1}`. The judge's
observed score law is the convex combination

.. math:: \gamma_k = \sum_m \pi_{k,m}\, \theta_m = \pi_k \Theta ,

and candidates are ranked by :math:`\mathbb E[S_k] = \sum_m m\, \pi_{k,m}`. Only :math:`\gamma` is observed.

* **M = 2**: :math:`\gamma_{k,2} = \theta_{1,2} + \pi_{k,2}(\theta_{2,2} - \theta_{1,2})` is increasing in
  :math:`\pi_{k,2}` for any better-than-chance judge, so the ranking is identified.
* **M >= 3**: for a row-stochastic :math:`A`, :math:`(\Theta', \pi') = (A^{-1}\Theta, \pi A)` reproduces every
  :math:`\gamma_k` exactly whenever :math:`A^{-1}\Theta` is still a valid judge, and the ranking by
  :math:`\mathbb E[S]` can flip: no amount of data decides between the two explanations.

The Bayesian answer puts a prior on the judge, :math:`\theta_m \sim \mathrm{Dirichlet}(\kappa[(1-\varepsilon)e_m
+ \varepsilon/M])`, and :math:`\pi_k \sim \mathrm{Dirichlet}(1)`, with judge-score counts
:math:`\sim \mathrm{Multinomial}(n_k, \gamma_k)`; its credible intervals carry the epistemic uncertainty about
the judge that a plug-in estimate ignores.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
import numpyro
import numpyro.distributions as dist

from priorscope import _checks as _c
from priorscope._checks import check_in_range, check_int, check_positive, check_probabilities

__all__ = [
    "observed_scores",
    "expected_score",
    "discretized_judge",
    "mixing_pair",
    "judge_prior_concentration",
    "simplex_judge_model",
    "simulate_counts",
    "plugin_intervals",
    "posterior_intervals",
    "CoverageResult",
    "coverage_experiment",
    "make_judge_sampler",
]


def observed_scores(pis: jax.Array, theta: jax.Array) -> jax.Array:
    r"""The judge's score laws :math:`\gamma = \pi\Theta`: ``pis (K, M)``, ``theta (M, M)`` → ``(K, M)``."""
    pis = check_probabilities("pis", pis)
    theta = check_probabilities("theta", theta)
    pis, theta = jnp.asarray(pis), jnp.asarray(theta)
    if theta.ndim != 2 or theta.shape[0] != theta.shape[1] or pis.shape[-1] != theta.shape[0]:
        raise ValueError(f"theta must be (M, M) with M = pis.shape[-1], got pis {pis.shape} and theta {theta.shape}")
    return pis @ theta


def expected_score(pis: jax.Array) -> jax.Array:
    r""":math:`\mathbb E[S] = \sum_m m\, \pi_m` with levels :math:`1..M`: ``(..., M)`` → ``(...)``."""
    pis = _c.check_probabilities("pis", pis)
    pis = jnp.asarray(pis)
    return pis @ jnp.arange(1, pis.shape[-1] + 1, dtype=pis.dtype)


def discretized_judge(num_levels: int, bias: jax.Array, noise_std: jax.Array) -> jax.Array:
    r"""A judge whose score for true level m is a discretised Gaussian centred at :math:`m + \text{bias}`.

    :math:`\theta_{m,j} \propto \exp(-(j - m - b)^2 / 2\sigma^2)`; ``bias > 0`` is a lenient judge.

    Args:
        num_levels: M >= 2 (static).
        bias: b, in score levels (traced is fine).
        noise_std: :math:`\sigma > 0`.

    Returns:
        ``(M, M)`` row-stochastic confusion matrix.
    """
    num_levels = check_int("num_levels", num_levels, min_value=2)
    noise_std = check_positive("noise_std", noise_std)
    lv = jnp.arange(num_levels, dtype=jnp.result_type(float))
    logits = -((lv[None, :] - lv[:, None] - bias) ** 2) / (2.0 * noise_std**2)
    return jax.nn.softmax(logits, axis=-1)


def mixing_pair(
    theta: jax.Array, pis: jax.Array, eps: jax.Array, source: int, target: int
) -> tuple[jax.Array, jax.Array, jax.Array]:
    r"""Another explanation of the same data: :math:`(\Theta', \pi') = (A^{-1}\Theta, \pi A)`.

    :math:`A` is the identity except that row ``source`` moves a fraction :math:`\varepsilon` of its mass to
    ``target``: :math:`A_{ss} = 1 - \varepsilon`, :math:`A_{st} = \varepsilon`. Then :math:`\pi'\Theta' =
    \pi\Theta` exactly, :math:`\pi'` stays on the simplex, and
    :math:`\theta'_s = (\theta_s - \varepsilon\theta_t)/(1 - \varepsilon)` is a valid judge row when non-negative.

    Args:
        theta: ``(M, M)`` judge.
        pis: ``(K, M)`` candidates.
        eps: :math:`\varepsilon \in [0, 1)` (traced is fine).
        source, target: distinct level indices in ``[0, M)`` (static).

    Returns:
        ``(theta' (M, M), pis' (K, M), valid)`` with ``valid`` true when every entry of ``theta'`` is >= 0.
    """
    theta, pis = jnp.asarray(theta), jnp.asarray(pis)
    m = theta.shape[0]
    source = check_int("source", source, min_value=0, max_value=m - 1)
    target = check_int("target", target, min_value=0, max_value=m - 1)
    if source == target:
        raise ValueError(f"source and target must differ, got {source} and {target}")
    eps = check_in_range("eps", eps, 0.0, 0.999)
    row = (theta[source] - eps * theta[target]) / (1.0 - eps)
    theta2 = theta.at[source].set(row)
    moved = eps * pis[:, source]
    pis2 = pis.at[:, source].add(-moved).at[:, target].add(moved)
    return theta2, pis2, jnp.all(theta2 >= -1e-12)


def judge_prior_concentration(num_levels: int, kappa: jax.Array, eps: jax.Array) -> jax.Array:
    r"""Dirichlet concentrations ``(M, M)`` of the judge prior: row m is :math:`\kappa[(1-\varepsilon)e_m +
    \varepsilon/M]`.

    ``kappa`` is how strongly we believe the judge is accurate; ``eps`` in (0, 1] spreads mass off the diagonal.
    """
    num_levels = check_int("num_levels", num_levels, min_value=2)
    kappa = check_positive("kappa", kappa)
    eps = check_in_range("eps", eps, 1e-6, 1.0)
    eye = jnp.eye(num_levels)
    return kappa * ((1.0 - eps) * eye + eps / num_levels)


def simplex_judge_model(counts: jax.Array, concentration: jax.Array) -> None:
    """NumPyro model: judge rows ~ Dirichlet(concentration), candidates ~ Dirichlet(1), counts ~ Multinomial.

    The multinomial likelihood enters as ``numpyro.factor`` of :math:`\\sum_{k,j} c_{kj}\\log\\gamma_{kj}`: the
    multinomial coefficient does not depend on the parameters, and leaving it out makes the sampler compile several
    times faster.

    Args:
        counts: ``(K, M)`` judge-score counts per candidate.
        concentration: ``(M, M)`` Dirichlet concentrations of the judge rows.
    """
    concentration = _c.check_positive("concentration", concentration)
    num_candidates, num_levels = counts.shape
    with numpyro.plate("level", num_levels):
        theta = numpyro.sample("theta", dist.Dirichlet(concentration))
    with numpyro.plate("candidate", num_candidates):
        pi = numpyro.sample("pi", dist.Dirichlet(jnp.ones(num_levels)))
    gamma = jnp.clip(pi @ theta, 1e-12, 1.0)
    numpyro.factor("counts", jnp.sum(counts * jnp.log(gamma)))


def simulate_counts(key: jax.Array, pis: jax.Array, theta: jax.Array, num_items: int) -> jax.Array:
    """Judge-score counts ``(K, M)``: ``num_items`` answers per candidate, true score ~ π_k, judged by θ."""
    num_items = check_int("num_items", num_items, min_value=1)
    gamma = observed_scores(pis, theta)
    draws = jax.random.categorical(key, jnp.log(gamma)[:, None, :], shape=(gamma.shape[0], num_items))
    return jax.nn.one_hot(draws, gamma.shape[1]).sum(1)


def plugin_intervals(counts: jax.Array, level: float = 0.9) -> tuple[jax.Array, jax.Array, jax.Array]:
    r"""The judge-only estimate of :math:`\mathbb E[S_k]` (mean judge score) and its normal-approximation interval.

    This treats the judge as perfect: it accounts for sampling noise only (aleatoric uncertainty).

    Returns:
        ``(estimate, lower, upper)``, each ``(K,)``.
    """
    level = check_in_range("level", level, 1e-6, 1.0 - 1e-6)
    counts = jnp.asarray(counts)
    n = counts.sum(-1)
    gamma = counts / n[:, None]
    lv = jnp.arange(1, counts.shape[-1] + 1, dtype=gamma.dtype)
    mean = gamma @ lv
    sd = jnp.sqrt(jnp.maximum(gamma @ lv**2 - mean**2, 0.0) / n)
    z = jax.scipy.stats.norm.ppf(0.5 + 0.5 * level)
    return mean, mean - z * sd, mean + z * sd


def posterior_intervals(pi_draws: jax.Array, level: float = 0.9) -> tuple[jax.Array, jax.Array, jax.Array]:
    r"""Posterior mean and equal-tailed credible interval of :math:`\mathbb E[S_k]` from draws ``(S, K, M)``."""
    level = check_in_range("level", level, 1e-6, 1.0 - 1e-6)
    es = expected_score(pi_draws)
    q = jnp.quantile(es, jnp.asarray([0.5 - 0.5 * level, 0.5 + 0.5 * level]), axis=0)
    return es.mean(0), q[0], q[1]


def make_judge_sampler(
    num_candidates: int, num_levels: int, *, num_warmup: int, num_samples: int, num_chains: int = 1
) -> Any:
    """A jitted NUTS ``run(key, counts, concentration)`` for :func:`simplex_judge_model`.

    Sizes (including ``num_chains``, vmapped chains from independent starts) are fixed here; the data and the prior
    are traced, so the sampler can be re-run on new data sets without compiling again. Draws come back as
    ``(num_chains, num_samples, ...)``.
    """
    from priorscope.inference import make_nuts

    num_candidates = _c.check_int("num_candidates", num_candidates, min_value=1)
    num_levels = _c.check_int("num_levels", num_levels, min_value=2)

    example = (jnp.ones((num_candidates, num_levels)), jnp.ones((num_levels, num_levels)))
    return make_nuts(
        simplex_judge_model, example, num_warmup=num_warmup, num_samples=num_samples, num_chains=num_chains
    )


class CoverageResult(NamedTuple):
    """Coverage of :math:`\\mathbb E[S_k]` over simulated data sets.

    Attributes:
        bayes_coverage, plugin_coverage: fraction of (data set, candidate) pairs whose interval holds the truth.
        bayes_width, plugin_width: mean interval widths.
        bayes_top1, plugin_top1: fraction of data sets whose top candidate (by the point estimate) is right.
        divergences: mean fraction of divergent NUTS transitions.
        bayes_tau, plugin_tau: mean Kendall τ between the point estimates' ranking and the true ranking.
        max_rhat: largest split R-hat of any candidate's :math:`\\mathbb E[S_k]` over all data sets (NaN with one
            chain).
        min_ess: smallest effective sample size of any :math:`\\mathbb E[S_k]` over all data sets (all chains).
    """

    bayes_coverage: float
    plugin_coverage: float
    bayes_width: float
    plugin_width: float
    bayes_top1: float
    plugin_top1: float
    divergences: float
    bayes_tau: float = float("nan")
    plugin_tau: float = float("nan")
    max_rhat: float = float("nan")
    min_ess: float = float("nan")


def coverage_experiment(
    key: jax.Array,
    sampler: Any,
    pis: jax.Array,
    theta_true: jax.Array,
    concentration: jax.Array,
    *,
    num_items: int,
    num_datasets: int,
    level: float = 0.9,
) -> CoverageResult:
    """Simulate ``num_datasets`` data sets from ``(pis, theta_true)``; compare Bayesian and plug-in intervals.

    Args:
        key: PRNG key.
        sampler: from :func:`make_judge_sampler` (matching K and M).
        pis: ``(K, M)`` true candidate laws.
        theta_true: ``(M, M)`` the true judge (e.g. a biased one).
        concentration: ``(M, M)`` the analyst's judge prior.
        num_items: answers per candidate per data set.
        num_datasets: simulated data sets (the compiled sampler is re-run on each; no recompilation).
        level: interval level.
    """
    from numpyro.diagnostics import effective_sample_size, split_gelman_rubin

    from priorscope.metrics import kendall_tau

    num_datasets = check_int("num_datasets", num_datasets, min_value=1)
    level = _c.check_interval("level", level, 0.0, 1.0, low_open=True, high_open=True)
    truth = expected_score(jnp.asarray(pis))
    top = int(np.argmax(np.asarray(truth)))
    rows, rhats, esss = [], [], []
    for key_d in jax.random.split(key, num_datasets):  # one compiled sampler, re-run per data set
        k_data, k_mcmc = jax.random.split(key_d)
        counts = simulate_counts(k_data, pis, theta_true, num_items)
        res = sampler(k_mcmc, counts, concentration)
        draws = res.samples["pi"]  # (chains, samples, K, M)
        b_mean, b_lo, b_hi = posterior_intervals(draws.reshape((-1,) + draws.shape[2:]), level)
        p_mean, p_lo, p_hi = plugin_intervals(counts, level)
        es = np.asarray(expected_score(draws), dtype=float)  # (chains, samples, K)
        if es.shape[0] > 1:
            rhats.append(np.max(split_gelman_rubin(es)))
        esss.append(np.min(effective_sample_size(es)))
        rows.append(
            [
                jnp.mean((b_lo <= truth) & (truth <= b_hi)),
                jnp.mean((p_lo <= truth) & (truth <= p_hi)),
                jnp.mean(b_hi - b_lo),
                jnp.mean(p_hi - p_lo),
                jnp.argmax(b_mean) == top,
                jnp.argmax(p_mean) == top,
                jnp.mean(res.diverging),
                kendall_tau(b_mean, truth),
                kendall_tau(p_mean, truth),
            ]
        )
    means = [float(x) for x in np.asarray(rows, dtype=float).mean(0)]
    max_rhat = float(np.max(rhats)) if rhats else float("nan")
    return CoverageResult(*means, max_rhat=max_rhat, min_ess=float(np.min(esss)))
