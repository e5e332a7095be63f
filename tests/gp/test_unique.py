"""Unique-point posterior and evidence equal the full-history ones (Calandriello et al. 2022)."""

import numpy as np
import pytest

from priorscope import gp


def _history(seed=0):
    rng = np.random.default_rng(seed)
    cands = rng.uniform(-2, 2, (6, 2))
    idx = rng.integers(0, 6, 40)
    X = cands[idx]
    y = np.sin(X[:, 0]) * np.cos(X[:, 1]) + 0.3 * rng.standard_normal(40)
    return X, y


def test_unique_posterior_equals_full_history():
    X, y = _history()
    Xs = np.random.default_rng(1).uniform(-2, 2, (10, 2))
    k = gp.Matern52(0.8, 1.1)
    noise_var = 0.09
    Xu, counts, means, sq = gp.summarize_repeats(X, y)
    assert counts.sum() == 40 and len(Xu) <= 6
    m_full, c_full = gp.posterior(k, X, y, noise_var, Xs, jitter=0.0)
    m_u, c_u = gp.posterior_unique(k, Xu, counts, means, noise_var, Xs)
    np.testing.assert_allclose(m_u, m_full, atol=1e-8)
    np.testing.assert_allclose(c_u, c_full, atol=1e-8)
    lml_full = gp.log_marginal_likelihood(k, X, y, noise_var)
    lml_u = gp.log_marginal_likelihood_unique(k, Xu, counts, means, noise_var, sq)
    np.testing.assert_allclose(lml_u, lml_full, atol=1e-8)


def test_summarize_repeats_against_loops():
    X, y = _history(2)
    Xu, counts, means, sq = gp.summarize_repeats(X, y)
    for i, x in enumerate(Xu):
        sel = np.all(X == x, axis=1)
        assert counts[i] == sel.sum()
        np.testing.assert_allclose(means[i], y[sel].mean())
        np.testing.assert_allclose(sq[i], ((y[sel] - y[sel].mean()) ** 2).sum())


def test_unique_bad_input():
    Xu = np.zeros((3, 1))
    with pytest.raises(ValueError, match=r"counts must have shape \(3,\)"):
        gp.posterior_unique(gp.RBF(), Xu, np.ones(2), np.zeros(3), 0.1, Xu)
    with pytest.raises(ValueError, match="counts must be finite and > 0"):
        gp.posterior_unique(gp.RBF(), Xu, np.array([1, 0, 2]), np.zeros(3), 0.1, Xu)
    with pytest.raises(ValueError, match="noise_var must be finite and > 0"):
        gp.posterior_unique(gp.RBF(), Xu, np.ones(3), np.zeros(3), -1.0, Xu)
    with pytest.raises(ValueError, match="y_means must be finite"):
        gp.posterior_unique(gp.RBF(), Xu, np.ones(3), np.array([0, np.nan, 0]), 0.1, Xu)
