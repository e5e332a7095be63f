"""Simplex judges: identifiability (M = 2 vs 3), the NumPyro model's density, and the interval helpers."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from numpyro.infer.util import log_density
from scipy import stats
from scipy.special import gammaln

from priorscope.scaling import judges as J


@pytest.fixture(autouse=True)
def _x64():
    with jax.enable_x64(True):
        yield


def test_observed_scores_and_expected_score():
    rng = np.random.default_rng(0)
    pis = rng.dirichlet(np.ones(4), size=5)
    theta = rng.dirichlet(np.ones(4), size=4)
    np.testing.assert_allclose(np.asarray(J.observed_scores(pis, theta)), pis @ theta, rtol=1e-12)
    np.testing.assert_allclose(np.asarray(J.expected_score(pis)), pis @ np.arange(1, 5), rtol=1e-12)


def test_two_levels_rank_is_identified_for_any_monotone_judge():
    rng = np.random.default_rng(1)
    for _ in range(100):
        a, b = np.sort(rng.uniform(size=2))  # P(high score | low) < P(high score | high)
        theta = np.array([[1 - a, a], [1 - b, b]])
        pis = rng.dirichlet(np.ones(2), size=6)
        gamma = np.asarray(J.observed_scores(pis, theta))
        np.testing.assert_array_equal(np.argsort(gamma[:, 1]), np.argsort(np.asarray(J.expected_score(pis))))


def test_three_levels_admit_an_exact_alternative_with_another_winner():
    theta = np.array([[0.7, 0.2, 0.1], [0.2, 0.6, 0.2], [0.1, 0.2, 0.7]])
    pis = np.array([[0.45, 0.0, 0.55], [0.0, 1.0, 0.0]])
    theta2, pis2, valid = J.mixing_pair(theta, pis, 0.2, source=1, target=2)
    assert bool(valid)
    np.testing.assert_allclose(np.asarray(theta2).sum(1), 1.0, atol=1e-15)
    np.testing.assert_allclose(np.asarray(pis2).sum(1), 1.0, atol=1e-15)
    g1, g2 = J.observed_scores(pis, theta), J.observed_scores(pis2, theta2)
    assert float(jnp.max(jnp.abs(g1 - g2))) < 1e-12
    assert int(jnp.argmax(J.expected_score(pis))) == 0 and int(jnp.argmax(J.expected_score(pis2))) == 1


def test_discretized_judge_is_stochastic_and_lenient():
    theta = np.asarray(J.discretized_judge(4, 0.5, 0.7))
    np.testing.assert_allclose(theta.sum(1), 1.0, atol=1e-12)
    mean_score = theta @ np.arange(4)
    assert np.all(mean_score[:-1] > np.arange(3))  # a lenient judge scores above the truth (below the top)


def test_model_log_density_matches_scipy():
    rng = np.random.default_rng(2)
    counts = rng.integers(0, 20, size=(3, 3)).astype(float)
    conc = np.asarray(J.judge_prior_concentration(3, 5.0, 0.3))
    theta = rng.dirichlet(np.ones(3), size=3)
    pis = rng.dirichlet(np.ones(3), size=3)
    lp, _ = log_density(
        J.simplex_judge_model,
        (jnp.asarray(counts), jnp.asarray(conc)),
        {},
        {"theta": jnp.asarray(theta), "pi": jnp.asarray(pis)},
    )
    ref = sum(stats.dirichlet.logpdf(theta[m], conc[m]) for m in range(3))
    ref += sum(stats.dirichlet.logpdf(pis[k], np.ones(3)) for k in range(3))
    ref += sum(stats.multinomial.logpmf(counts[k], counts[k].sum(), pis[k] @ theta) for k in range(3))
    # The model leaves out the (parameter-free) multinomial coefficients.
    ref -= sum(gammaln(counts[k].sum() + 1) - gammaln(counts[k] + 1).sum() for k in range(3))
    assert float(lp) == pytest.approx(ref, rel=1e-10)


def test_interval_helpers_against_numpy():
    counts = np.array([[10.0, 30.0, 60.0], [50.0, 25.0, 25.0]])
    mean, lo, hi = J.plugin_intervals(counts, 0.9)
    g = counts / counts.sum(1, keepdims=True)
    m = g @ np.arange(1, 4)
    sd = np.sqrt((g @ np.arange(1, 4) ** 2 - m**2) / 100)
    np.testing.assert_allclose(np.asarray(mean), m)
    np.testing.assert_allclose(np.asarray(hi - lo), 2 * stats.norm.ppf(0.95) * sd, rtol=1e-10)
    draws = np.random.default_rng(3).dirichlet(np.ones(3), size=(400, 2))
    pm, plo, phi = J.posterior_intervals(draws, 0.8)
    es = draws @ np.arange(1, 4)
    np.testing.assert_allclose(np.asarray(plo), np.quantile(es, 0.1, axis=0), rtol=1e-10)
    np.testing.assert_allclose(np.asarray(phi), np.quantile(es, 0.9, axis=0), rtol=1e-10)


def test_simulated_counts_follow_gamma():
    pis = jnp.asarray([[0.2, 0.3, 0.5]])
    theta = J.discretized_judge(3, 0.3, 0.6)
    counts = np.asarray(J.simulate_counts(jax.random.key(0), pis, theta, 50_000))[0]
    gamma = np.asarray(J.observed_scores(pis, theta))[0]
    assert np.all(np.abs(counts / 50_000 - gamma) <= 4 * np.sqrt(gamma * (1 - gamma) / 50_000))


def test_bad_inputs():
    with pytest.raises(ValueError, match=r"pis must lie in \[0.0, 1.0\]"):
        J.observed_scores(jnp.asarray([[1.2, -0.2]]), jnp.eye(2))
    with pytest.raises(ValueError, match="theta must sum to 1"):
        J.observed_scores(jnp.asarray([[0.5, 0.5]]), jnp.ones((2, 2)))
    with pytest.raises(ValueError, match="source and target must differ"):
        J.mixing_pair(jnp.eye(3), jnp.ones((1, 3)) / 3, 0.1, 1, 1)
    with pytest.raises(ValueError, match=r"eps must lie in \[0.0, 0.999\]"):
        J.mixing_pair(jnp.eye(3), jnp.ones((1, 3)) / 3, 1.0, 0, 1)
    with pytest.raises(ValueError, match="kappa must be finite and > 0"):
        J.judge_prior_concentration(3, 0.0, 0.3)
    with pytest.raises(ValueError, match="num_levels must be >= 2"):
        J.discretized_judge(1, 0.0, 1.0)


def test_coverage_experiment_pools_chains_and_reports_rank_agreement():
    pis = jnp.asarray([[0.6, 0.3, 0.1], [0.2, 0.5, 0.3], [0.1, 0.2, 0.7]])
    theta = J.discretized_judge(3, 0.3, 0.8)
    sampler = J.make_judge_sampler(3, 3, num_warmup=60, num_samples=60, num_chains=2)
    key = jax.random.key(5)
    res = J.coverage_experiment(key, sampler, pis, theta, J.judge_prior_concentration(3, 5.0, 0.3),
                                num_items=100, num_datasets=2)  # fmt: skip
    truth = np.asarray(J.expected_score(pis))
    taus = []
    for key_d in jax.random.split(key, 2):  # the plug-in ranking, redone by hand with scipy
        counts = J.simulate_counts(jax.random.split(key_d)[0], pis, theta, 100)
        taus.append(stats.kendalltau(np.asarray(J.plugin_intervals(counts)[0]), truth).statistic)
    assert res.plugin_tau == pytest.approx(np.mean(taus), abs=1e-6)
    assert -1.0 <= res.bayes_tau <= 1.0
    assert np.isfinite(res.max_rhat) and res.max_rhat > 0.9
    assert res.min_ess > 0
