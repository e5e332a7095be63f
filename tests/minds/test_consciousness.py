"""The sparse Gaussian world of notebook 35 against float64 NumPy (inverse, Schur complement) and enumeration."""

import itertools

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from priorscope.minds import consciousness as cp


@pytest.fixture(autouse=True)
def _x64():
    with jax.enable_x64(True):
        yield


def _world(seed=0, n=8, d=3, **kw):
    lam = np.asarray(cp.sparse_precision(jax.random.key(seed), n, d, **kw))
    return lam, np.linalg.inv(lam)


def test_precision_is_sparse_symmetric_positive_definite():
    lam, _ = _world(n=12, d=3)
    np.testing.assert_array_equal(lam, lam.T)
    assert np.linalg.eigvalsh(lam).min() > 0
    degree = (np.abs(lam) > 0).sum(1) - 1
    assert degree.max() <= 3 and degree.min() >= 1
    half = np.asarray(cp.sparse_precision(jax.random.key(0), 12, 3, density=0.5))
    assert (np.abs(half) > 0).sum() < (np.abs(lam) > 0).sum()


def test_conditional_matches_numpy_schur_complement():
    lam, cov = _world(seed=1)
    rng = np.random.default_rng(0)
    for _ in range(10):
        j = int(rng.integers(8))
        given = rng.random(8) < 0.5
        given[j] = False
        s = np.flatnonzero(given)
        coef, var = cp.gaussian_conditional(jnp.asarray(cov), j, jnp.asarray(given))
        ref_coef = np.zeros(8)
        if len(s):
            ref_coef[s] = np.linalg.solve(cov[np.ix_(s, s)], cov[s, j])
        ref_var = cov[j, j] - ref_coef[s] @ cov[s, j]
        np.testing.assert_allclose(np.asarray(coef), ref_coef, atol=1e-10)
        np.testing.assert_allclose(float(var), ref_var, rtol=1e-10)


def test_full_conditional_from_precision_matches_covariance():
    lam, cov = _world(seed=2)
    for j in range(8):
        coef, var = cp.conditional_from_precision(jnp.asarray(lam), j)
        given = np.ones(8, bool)
        coef2, var2 = cp.gaussian_conditional(jnp.asarray(cov), j, jnp.asarray(given))
        np.testing.assert_allclose(np.asarray(coef), np.asarray(coef2), atol=1e-10)
        np.testing.assert_allclose(float(var), float(var2), rtol=1e-10)
        np.testing.assert_allclose(float(var), 1.0 / lam[j, j], rtol=1e-12)


def test_markov_blanket_is_recovered_by_enumeration():
    """On an enumerable graph the blanket is both sufficient and the best set of its size."""
    lam, cov = _world(seed=3, n=7, d=2)
    mb = np.asarray(cp.markov_blanket(jnp.asarray(lam)))
    full_nll = 0.5 * np.log(2 * np.pi * np.e / np.diag(lam))
    for j in range(7):
        nll_mb = float(cp.subset_nll(jnp.asarray(cov), j, jnp.asarray(mb[j])))
        np.testing.assert_allclose(nll_mb, full_nll[j], atol=1e-10)
        size = int(mb[j].sum())
        others = [i for i in range(7) if i != j]
        scores = {}
        for c in itertools.combinations(others, size):
            m = np.zeros(7, bool)
            m[list(c)] = True
            scores[c] = float(cp.subset_nll(jnp.asarray(cov), j, jnp.asarray(m)))
        best = min(scores, key=scores.get)
        assert set(best) == set(np.flatnonzero(mb[j]))
        second = sorted(scores.values())[1] if len(scores) > 1 else np.inf
        assert second > scores[best] + 1e-6  # unique: dropping a neighbour loses information
    masks, nll = cp.best_subsets(jnp.asarray(cov), 2)
    costs, masks2 = cp.bottleneck_costs(jnp.asarray(cov), 2)
    np.testing.assert_allclose(np.asarray(costs[1]), np.asarray(nll) - full_nll, atol=1e-10)
    np.testing.assert_array_equal(np.asarray(masks2[1]), np.asarray(masks))
    np.testing.assert_allclose(np.asarray(costs[1]), 0.0, atol=1e-10)  # max degree 2: free at k = 2


def test_rotation_is_orthogonal_and_densifies_the_graph():
    r = np.asarray(cp.entangling_rotation(jax.random.key(0), 8, 1.2))
    np.testing.assert_allclose(r @ r.T, np.eye(8), atol=1e-10)
    np.testing.assert_allclose(np.asarray(cp.entangling_rotation(jax.random.key(0), 8, 0.0)), np.eye(8), atol=1e-12)
    lam, _ = _world(seed=4, n=8, d=2)
    lam_h = r @ lam @ r.T
    assert (np.abs(lam_h) > 1e-6).sum() > (np.abs(lam) > 0).sum()


def test_readout_nll_matches_monte_carlo():
    lam, cov = _world(seed=5, n=6, d=2)
    rng = np.random.default_rng(1)
    w = rng.normal(size=(6, 6)) * 0.3 * (1 - np.eye(6))
    fit = cp.AttentionFit(
        jnp.zeros((6, 6)),
        jnp.asarray(w != 0),
        jnp.asarray(w),
        jnp.asarray(rng.normal(size=6) * 0.1),
        jnp.asarray(rng.normal(size=6) * 0.2),
        jnp.zeros(1),
    )
    exact = np.asarray(cp.readout_nll(jnp.asarray(cov), fit))
    s = rng.multivariate_normal(np.zeros(6), cov, size=400_000)
    mu = s @ w.T + np.asarray(fit.bias)
    v = np.exp(np.asarray(fit.log_var))
    mc = (0.5 * (np.log(2 * np.pi * v) + (s - mu) ** 2 / v)).mean(0)
    np.testing.assert_allclose(exact, mc, atol=0.01)


def test_trained_attention_finds_blankets_and_the_exact_nll():
    with jax.enable_x64(False):
        lam = cp.sparse_precision(jax.random.key(1), 8, 2)
        cov = jnp.linalg.inv(lam)
        s = jax.random.multivariate_normal(jax.random.key(2), jnp.zeros(8), cov, (8000,))
        fit = cp.train_attention(jax.random.key(3), s, 2, num_steps=600, readout_steps=200, batch_size=256)
        prec, rec = cp.blanket_scores(fit.selected, cp.markov_blanket(lam))
        gap = cp.readout_nll(cov, fit) - 0.5 * jnp.log(2 * jnp.pi * jnp.e / jnp.diag(lam))
        assert float(prec) >= 0.9 and float(rec) >= 0.9
        assert float(gap.mean()) < 0.03
        assert float(fit.losses[:50].mean()) > float(fit.losses[-200:].mean())
