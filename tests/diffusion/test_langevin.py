"""Langevin samplers against the closed-form stationary law of ULA on a Gaussian."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from priorscope.diffusion import GaussianMixture, VPLinear, gmm, time_grid
from priorscope.diffusion.langevin import annealed_langevin, langevin


def test_ula_stationary_variance_on_a_gaussian():
    """ULA on N(0, v) with step eps has stationary variance v / (1 - eps / (2 v)) (an AR(1) process)."""
    v, eps, n = 0.5, 0.2, 20_000
    x0 = jnp.zeros((n, 1))
    x = langevin(jax.random.key(0), lambda x: -x / v, x0, eps, 200)
    want = v / (1 - eps / (2 * v))
    se = want * np.sqrt(2 / n)
    assert abs(float(jnp.var(x)) - want) < 3.5 * se
    assert abs(float(jnp.mean(x))) < 3.5 * np.sqrt(want / n)


def test_traced_step_count_matches_static():
    score = lambda x: -x
    x0 = jnp.ones((5, 2))
    run = jax.jit(lambda k: langevin(jax.random.key(1), score, x0, 0.1, k, max_steps=10))
    np.testing.assert_allclose(np.asarray(run(10)), np.asarray(langevin(jax.random.key(1), score, x0, 0.1, 10)))
    np.testing.assert_array_equal(np.asarray(run(0)), np.asarray(x0))


def test_annealed_langevin_reaches_a_gaussian_target():
    mix = GaussianMixture.create([1.0], [[1.0, -1.0]], 0.3)
    sched, n = VPLinear(), 4000
    ts = time_grid(sched, 49, t_end=1e-3)
    x_T = gmm.sample_marginal(jax.random.key(2), mix, sched, 1.0, n)
    x = annealed_langevin(jax.random.key(3), lambda x, t: gmm.score(mix, sched, x, t), x_T, sched, ts, 50, 0.5)
    var = 0.09 + float(sched.sigma(1e-3)) ** 2
    np.testing.assert_allclose(np.asarray(x.mean(0)), [1.0, -1.0], atol=3.5 * np.sqrt(var / n))
    np.testing.assert_allclose(np.asarray(x.var(0)), var, rtol=3.5 * np.sqrt(2 / n))  # 3.5 SE of a variance


def test_bad_input():
    with pytest.raises(ValueError, match=r"x0 must have shape \(n, d\)"):
        langevin(jax.random.key(0), lambda x: -x, jnp.zeros(3), 0.1, 5)
    with pytest.raises(ValueError, match="num_steps must be >= 0, got -1"):
        langevin(jax.random.key(0), lambda x: -x, jnp.zeros((3, 1)), 0.1, -1)
    with pytest.raises(ValueError, match="steps_per_level must be >= 1, got 0"):
        annealed_langevin(jax.random.key(0), lambda x, t: -x, jnp.zeros((3, 1)), VPLinear(), jnp.ones(2), 0, 0.1)
