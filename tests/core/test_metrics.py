import jax
import jax.numpy as jnp
import numpy as np
import pytest
import scipy.stats

from priorscope import metrics


def test_gaussian_nll_matches_scipy():
    rng = np.random.default_rng(0)
    y, m, s = rng.normal(size=50), rng.normal(size=50), rng.uniform(0.5, 2, size=50)
    expected = -np.mean(scipy.stats.norm.logpdf(y, m, s))
    assert np.isclose(float(metrics.gaussian_nll(y, m, s)), expected, rtol=1e-5)


def test_gaussian_nll_rejects_nonpositive_std():
    with pytest.raises(ValueError, match="std must be finite and > 0"):
        metrics.gaussian_nll(jnp.zeros(2), jnp.zeros(2), jnp.array([1.0, 0.0]))


def test_coverage_counts_inside():
    assert float(metrics.coverage(jnp.array([0.0, 1.0, 2.0, 3.0]), 0.5, 2.5)) == 0.5


def test_sliced_w2_of_a_shift_is_the_shift_norm_in_expectation():
    # W2 between N(0, I) samples and the same samples shifted by c: each projection shifts by theta.c, so
    # SW2^2 = E[(theta.c)^2] = |c|^2 / d exactly (for identical, shifted samples).
    x = jax.random.normal(jax.random.key(0), (2000, 2))
    c = jnp.array([3.0, 4.0])
    sw = metrics.sliced_w2(jax.random.key(1), x, x + c, num_projections=4000)
    assert np.isclose(float(sw), 5.0 / np.sqrt(2), rtol=0.03)


def test_sliced_w2_matches_scipy_in_one_dimension():
    rng = np.random.default_rng(1)
    a, b = rng.normal(size=(300, 1)), rng.normal(1.0, 2.0, size=(300, 1))
    # in 1-D the only direction is ±1: SW2 = W2, computed from sorted samples
    w2 = np.sqrt(np.mean((np.sort(a[:, 0]) - np.sort(b[:, 0])) ** 2))
    assert np.isclose(float(metrics.sliced_w2(jax.random.key(0), a, b, 8)), w2, rtol=1e-4)


def test_energy_distance_matches_scipy_in_one_dimension():
    rng = np.random.default_rng(2)
    a, b = rng.normal(size=200), rng.normal(0.5, 1.0, size=300)
    expected = scipy.stats.energy_distance(a, b) ** 2  # scipy returns the square root
    assert np.isclose(float(metrics.energy_distance(a[:, None], b[:, None])), expected, rtol=1e-4)


def test_tv_and_kl_on_enumerated_space():
    p, q = jnp.array([0.5, 0.5, 0.0]), jnp.array([0.25, 0.25, 0.5])
    assert np.isclose(float(metrics.tv_distance(p, q)), 0.5)
    assert np.isclose(float(metrics.kl_divergence(p, q)), np.log(2.0))
    assert np.isinf(float(metrics.kl_divergence(q, p)))


@pytest.mark.parametrize("bad", [jnp.array([0.5, 0.6]), jnp.array([-0.1, 1.1])])
def test_probability_vectors_are_validated(bad):
    with pytest.raises(ValueError, match="p must"):
        metrics.tv_distance(bad, jnp.array([0.5, 0.5]))


def test_mode_masses_and_tv():
    centers = jnp.array([[-1.0, 0.0], [1.0, 0.0]])
    x = jnp.array([[-1.1, 0.0], [-0.9, 0.1], [1.2, 0.0], [-1.0, 0.0]])
    assert np.allclose(metrics.mode_masses(x, centers), [0.75, 0.25])
    assert np.isclose(float(metrics.mode_mass_tv(x, centers, jnp.array([0.5, 0.5]))), 0.25)
    with pytest.raises(ValueError, match="same dimension"):
        metrics.mode_masses(x, jnp.zeros((2, 3)))


def test_sliced_w2_handles_unequal_sizes_exactly_in_one_dimension():
    # {0, 1} vs {0, 0.5, 1}: quantile functions differ by 0.5 on a third of (0, 1)... computed by hand:
    # F^-1 = 0 on (0, 1/2], 1 on (1/2, 1]; G^-1 = 0 on (0, 1/3], 0.5 on (1/3, 2/3], 1 on (2/3, 1]
    # squared gap 0.25 on (1/3, 2/3) -> W2^2 = 0.25/3
    sw = metrics.sliced_w2(jax.random.key(0), jnp.array([[0.0], [1.0]]), jnp.array([[0.0], [0.5], [1.0]]), 4)
    assert np.isclose(float(sw), np.sqrt(0.25 / 3), rtol=1e-6)


def test_spearman_matches_scipy():
    rng = np.random.default_rng(2)
    x = rng.normal(size=400)
    y = np.exp(x) + rng.normal(scale=0.5, size=400)  # monotone signal + noise: Spearman differs from Pearson
    expected = scipy.stats.spearmanr(x, y).statistic
    assert np.isclose(float(metrics.spearman(x, y)), expected, atol=1e-6)
    assert np.isclose(float(jax.jit(metrics.spearman)(x, -y)), -expected, atol=1e-6)


def test_spearman_rejects_mismatched_lengths():
    with pytest.raises(ValueError, match="same length n >= 2"):
        metrics.spearman(jnp.zeros(3), jnp.zeros(4))


def test_kendall_tau_matches_scipy():
    rng = np.random.default_rng(3)
    for n in (2, 6, 17):
        a, b = rng.normal(size=n), rng.normal(size=n)
        want = scipy.stats.kendalltau(a, b).statistic
        assert np.isclose(float(metrics.kendall_tau(jnp.asarray(a), jnp.asarray(b))), want, atol=1e-6)
    x = jnp.arange(5.0)
    assert float(metrics.kendall_tau(x, x)) == 1.0
    assert float(metrics.kendall_tau(x, -x)) == -1.0
    batch = jnp.stack([x, -x])
    np.testing.assert_allclose(np.asarray(metrics.kendall_tau(batch, jnp.stack([x, x]))), [1.0, -1.0])
    with pytest.raises(ValueError, match="same shape"):
        metrics.kendall_tau(jnp.ones(3), jnp.ones(4))
    with pytest.raises(ValueError, match="at least 2 items"):
        metrics.kendall_tau(jnp.ones(1), jnp.ones(1))


def test_mean_se_matches_scipy_sem():
    values = np.random.default_rng(4).normal(size=(5, 3))
    mean, se = metrics.mean_se(values)
    assert np.isclose(mean, values.mean()) and np.isclose(se, scipy.stats.sem(values.ravel()))


def test_spearman_averages_tied_ranks_as_scipy():
    rng = np.random.default_rng(1)
    x, y = rng.integers(0, 4, 30).astype(float), rng.normal(size=30)
    expected = scipy.stats.spearmanr(x, y).statistic
    assert np.isclose(float(metrics.spearman(x, y)), expected, atol=1e-6)
