"""Predictive resampling against its exact variances; the NP pieces against an exact GP and a falling loss."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from scipy import stats

from priorscope.bnn import martingale as M
from priorscope.bnn import neural_process as N


@pytest.fixture(autouse=True)
def _x64():
    with jax.enable_x64(True):
        yield


Y = jnp.array([0.3, -1.2, 2.0, 0.5, 0.9, -0.1, 1.4, 0.0])


@pytest.mark.parametrize("num_future", [5, 50, 2000])
def test_normal_resampling_variance_matches_the_finite_n_formula(num_future):
    theta = M.normal_predictive_resampling(jax.random.key(0), Y, 1.5, num_future, 20_000)[-1]
    exact = float(M.normal_resampling_variance(8, num_future, 1.5))
    # sample variance of 20k normal draws: relative sd sqrt(2/20000) = 0.01; 4 sd
    assert abs(float(jnp.var(theta)) / exact - 1) < 0.04
    assert abs(float(jnp.mean(theta) - jnp.mean(Y))) < 4 * np.sqrt(exact / 20_000)


def test_predictive_resampling_variance_tends_to_sigma2_over_n():
    for n in (2, 10, 100):
        assert abs(float(M.normal_resampling_variance(n, 1e9, 0.7)) - 0.49 / n) < 1e-8
    theta = M.normal_predictive_resampling(jax.random.key(1), Y, 1.0, 4000, 20_000)[-1]
    assert abs(float(jnp.var(theta)) * 8 - 1) < 0.05  # σ²/n with N = 500 n


def test_polya_urn_matches_dirichlet_multinomial_and_bayesian_bootstrap():
    boot = M.polya_urn_resampling(jax.random.key(2), Y, 300, 20_000)
    exact = float(M.bayesian_bootstrap_variance(Y, 300))
    assert abs(float(jnp.var(boot)) / exact - 1) < 0.05
    # the limit against an independent Bayesian bootstrap with scipy's Dirichlet
    w = stats.dirichlet(np.ones(8)).rvs(200_000, random_state=0)
    assert abs(np.var(w @ np.asarray(Y)) / float(M.bayesian_bootstrap_variance(Y)) - 1) < 0.02


def test_gp_oracle_matches_numpy_conditioning():
    tasks = N.sample_gp_tasks(jax.random.key(0), 2, 12, 4, 4)
    got = N.gp_oracle_nll(tasks, 0.4, 1.0, 0.1)
    for b in range(2):
        x, y = np.asarray(tasks.x[b]), np.asarray(tasks.y[b])
        c, t = x[:4], x[4:]
        k = lambda a, bb: np.exp(-0.5 * (a[:, None] - bb[None]) ** 2 / 0.16)  # noqa: E731
        kcc = k(c, c) + 0.01 * np.eye(4)
        mean = k(t, c) @ np.linalg.solve(kcc, y[:4])
        var = 1.0 - np.sum(k(t, c) * np.linalg.solve(kcc, k(c, t)).T, 1) + 0.01
        ref = -stats.norm(mean, np.sqrt(var)).logpdf(y[4:]).mean()
        assert abs(float(got[b]) - ref) < 1e-4


def test_cnp_and_mpnp_losses_fall():
    for m_pseudo, k in ((0, 1), (4, 2)):
        model = N.init_neural_process(jax.random.key(0), 16, m_pseudo)
        _, losses = N.train_neural_process(
            jax.random.key(1),
            model,
            num_steps=150,
            batch=8,
            num_points=20,
            max_context=8,
            num_samples=k,
            learning_rate=3e-3,
        )
        assert float(losses[-30:].mean()) < float(losses[:10].mean()) - 0.1
