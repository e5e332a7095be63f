"""Log-weights and ESS against closed cases and float64 NumPy."""

import jax.numpy as jnp
import numpy as np
import pytest

from priorscope.particles import weights as W


def test_ess_equal_weights_is_n():
    assert float(W.ess(jnp.zeros(37))) == pytest.approx(37.0, rel=1e-5)


def test_ess_one_hot_is_one():
    lw = jnp.full((10,), -jnp.inf).at[3].set(0.0)
    assert float(W.ess(lw)) == pytest.approx(1.0, rel=1e-6)


@pytest.mark.parametrize("k", [1, 2, 5, 9])
def test_ess_k_equal_nonzero_is_k(k):
    lw = jnp.full((12,), -jnp.inf).at[:k].set(1.7)
    assert float(W.ess(lw)) == pytest.approx(k, rel=1e-5)


def test_ess_two_level_closed_form_and_shift_invariance():
    # a particles of weight 1 and b of weight r: ESS = (a + b r)^2 / (a + b r^2)
    a, b, r = 6, 4, 5.0
    lw = np.concatenate([np.zeros(a), np.full(b, np.log(r))])
    expected = (a + b * r) ** 2 / (a + b * r**2)
    assert float(W.ess(jnp.asarray(lw))) == pytest.approx(expected, rel=1e-5)
    # a shift of 1000 nats neither overflows nor changes the answer
    assert float(W.ess(jnp.asarray(lw + 1000.0))) == pytest.approx(expected, rel=1e-5)
    assert float(W.ess_fraction(jnp.asarray(lw))) == pytest.approx(expected / (a + b), rel=1e-5)


def test_normalize_and_log_mean_weight_match_numpy():
    rng = np.random.default_rng(0)
    lw = rng.normal(size=50) * 3.0 + 500.0
    w = np.exp(lw - lw.max())
    w /= w.sum()
    np.testing.assert_allclose(np.asarray(W.normalize(jnp.asarray(lw))), w, rtol=1e-4, atol=1e-7)
    log_norm, log_z = W.log_normalize(jnp.asarray(lw))
    np.testing.assert_allclose(float(log_z), np.log(np.sum(np.exp(lw - 500.0))) + 500.0, rtol=1e-6)
    expected_lmw = np.log(np.mean(np.exp(lw - 500.0))) + 500.0
    assert float(W.log_mean_weight(jnp.asarray(lw))) == pytest.approx(expected_lmw, rel=1e-6)


def test_weighted_mean_and_var_match_numpy():
    rng = np.random.default_rng(1)
    lw = rng.normal(size=40)
    x = rng.normal(size=(40, 3))
    w = np.exp(lw) / np.exp(lw).sum()
    mean = w @ x
    var = w @ (x - mean) ** 2
    np.testing.assert_allclose(np.asarray(W.weighted_mean(jnp.asarray(lw), jnp.asarray(x))), mean, rtol=1e-5)
    np.testing.assert_allclose(np.asarray(W.weighted_var(jnp.asarray(lw), jnp.asarray(x))), var, rtol=1e-4)


def test_bad_inputs():
    with pytest.raises(ValueError, match="log_weights must be one-dimensional"):
        W.ess(jnp.zeros((3, 2)))
    with pytest.raises(ValueError, match="at least 1 particle"):
        W.normalize(jnp.zeros((0,)))
    with pytest.raises(ValueError, match="values must have leading dimension 4"):
        W.weighted_mean(jnp.zeros(4), jnp.zeros((5, 2)))
