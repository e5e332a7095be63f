"""Resampling schemes are unbiased (E[N_i] = m w_i, Monte Carlo within 3 SE) and have their exact bounds."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from priorscope.particles import resampling as R

WEIGHTS = np.array([0.02, 0.31, 0.005, 0.125, 0.2, 0.04, 0.3])
WEIGHTS = WEIGHTS / WEIGHTS.sum()
REPS = 4000


def _counts(scheme, m, reps=REPS, seed=0):
    keys = jax.random.split(jax.random.key(seed), reps)
    idx = jax.vmap(lambda k: R.resample(k, jnp.asarray(WEIGHTS), m, scheme))(keys)
    return np.asarray(jax.vmap(lambda i: jnp.bincount(i, length=WEIGHTS.size))(idx))


@pytest.mark.parametrize("scheme", sorted(R.SCHEMES))
@pytest.mark.parametrize("m", [7, 20])
def test_unbiased_counts_within_3se(scheme, m):
    counts = _counts(scheme, m)
    assert counts.shape == (REPS, WEIGHTS.size)
    assert np.all(counts.sum(axis=1) == m)
    mean = counts.mean(axis=0)
    se = counts.std(axis=0, ddof=1) / np.sqrt(REPS)
    # systematic/stratified counts of a weight with m w_i an integer have zero variance: floor the SE
    se = np.maximum(se, 1e-3)
    assert np.all(np.abs(mean - m * WEIGHTS) <= 3 * se + 1e-9), (scheme, mean, m * WEIGHTS, se)


def test_multinomial_variance_is_binomial():
    m = 20
    counts = _counts("multinomial", m, seed=1)
    var = counts.var(axis=0, ddof=1)
    expected = m * WEIGHTS * (1 - WEIGHTS)
    # the sample variance of REPS draws has relative SE about sqrt(2/REPS) ~ 2%; allow 15%
    np.testing.assert_allclose(var, expected, rtol=0.15, atol=0.01)


def test_systematic_counts_are_floor_or_ceil():
    for m in (5, 13, 64):
        counts = _counts("systematic", m, reps=300, seed=m)
        lo, hi = np.floor(m * WEIGHTS), np.ceil(m * WEIGHTS)
        assert np.all((counts >= lo - 1e-9) & (counts <= hi + 1e-9)), m


def test_stratified_counts_within_two_of_expectation():
    m = 50
    counts = _counts("stratified", m, reps=300, seed=3)
    assert np.all(np.abs(counts - m * WEIGHTS) < 2.0)


def test_lower_variance_than_multinomial():
    m = 20
    var_mult = _counts("multinomial", m, seed=4).var(axis=0).sum()
    for scheme in ("systematic", "stratified"):
        assert _counts(scheme, m, seed=4).var(axis=0).sum() < var_mult


def test_unnormalised_and_zero_weights():
    idx = R.systematic(jax.random.key(0), jnp.array([0.0, 3.0, 0.0, 1.0]), 8)
    counts = np.bincount(np.asarray(idx), minlength=4)
    np.testing.assert_array_equal(counts, [0, 6, 0, 2])
    assert idx.dtype == jnp.int32 and idx.shape == (8,)


def test_bad_inputs():
    w = jnp.ones(4) / 4
    with pytest.raises(ValueError, match="scheme must be one of"):
        R.resample(jax.random.key(0), w, 4, "residual")
    with pytest.raises(ValueError, match="num_samples must be >= 1, got 0"):
        R.systematic(jax.random.key(0), w, 0)
    with pytest.raises(TypeError, match="num_samples must be an int"):
        R.multinomial(jax.random.key(0), w, 4.0)
    with pytest.raises(ValueError, match=r"weights must have shape \(n,\)"):
        R.stratified(jax.random.key(0), jnp.ones((2, 2)), 4)
