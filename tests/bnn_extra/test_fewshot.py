"""NIW pieces against scipy and brute force; the oracle predictive against direct NumPy conditioning."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from scipy import stats

from priorscope.bnn import fewshot as F


@pytest.fixture(autouse=True)
def _x64():
    with jax.enable_x64(True):
        yield


def _p():
    return F.NIW(
        jnp.array([0.5, -1.0, 0.0]),
        jnp.asarray(2.0),
        jnp.array([[2.0, 0.3, 0.0], [0.3, 1.0, 0.1], [0.0, 0.1, 1.5]]),
        jnp.asarray(7.0),
    )


def test_niw_logpdf_matches_scipy():
    P = _p()
    mu, sig = np.array([0.2, -0.7, 0.4]), np.array([[0.5, 0.1, 0.0], [0.1, 0.4, 0.05], [0.0, 0.05, 0.3]])
    ref = stats.invwishart(df=7.0, scale=np.asarray(P.psi)).logpdf(sig) + stats.multivariate_normal(
        np.asarray(P.m), sig / 2.0
    ).logpdf(mu)
    assert abs(float(F.niw_logpdf(P, jnp.asarray(mu), jnp.asarray(sig))) - ref) < 1e-9


def test_niw_posterior_obeys_bayes_rule_by_brute_force():
    P = _p()
    thetas = jax.random.normal(jax.random.key(0), (6, 3)) + 1.0
    post = F.niw_posterior(P, thetas)
    rng = np.random.default_rng(1)
    diffs = []
    for _ in range(5):  # log post − log prior − log lik must be the same constant at every (μ, Σ)
        a = rng.normal(size=(3, 3))
        sig, mu = a @ a.T + 0.5 * np.eye(3), rng.normal(size=3)
        loglik = stats.multivariate_normal(mu, sig).logpdf(np.asarray(thetas)).sum()
        diffs.append(float(F.niw_logpdf(post, mu, sig) - F.niw_logpdf(P, mu, sig)) - loglik)
    assert np.ptp(diffs) < 1e-8


def test_niw_kl_matches_monte_carlo():
    P = _p()
    q = F.NIW(jnp.array([0.0, -0.5, 0.3]), jnp.asarray(5.0), 3.0 * jnp.eye(3), jnp.asarray(12.0))
    sigs = stats.invwishart(df=12.0, scale=3.0 * np.eye(3)).rvs(4000, random_state=0)
    rng = np.random.default_rng(0)
    mus = np.stack([rng.multivariate_normal(np.asarray(q.m), s / 5.0) for s in sigs])
    lq = jax.vmap(lambda m, s: F.niw_logpdf(q, m, s))(jnp.asarray(mus), jnp.asarray(sigs))
    lp = jax.vmap(lambda m, s: F.niw_logpdf(P, m, s))(jnp.asarray(mus), jnp.asarray(sigs))
    mc = np.asarray(lq - lp)
    assert abs(float(F.niw_kl(q, P)) - mc.mean()) < 4 * mc.std() / np.sqrt(len(mc))
    assert abs(float(F.niw_kl(P, P))) < 1e-10


def test_oracle_nll_matches_numpy_conditioning():
    mu, cov = jnp.array([1.0, 0.0, 0.5, -0.2]), jnp.diag(jnp.array([1.0, 0.5, 0.3, 0.2]))
    x, y, _ = F.sample_episodes(jax.random.key(0), 3, 9, mu, cov, 0.3)
    got = F.gaussian_prior_query_nll(mu, cov, (x[:, :4], y[:, :4]), (x[:, 4:], y[:, 4:]), 0.3)
    for e in range(3):
        ps, pq = np.asarray(F.task_features(x[e, :4])), np.asarray(F.task_features(x[e, 4:]))
        c = np.asarray(cov)
        kss = ps @ c @ ps.T + 0.09 * np.eye(4)
        kqs = pq @ c @ ps.T
        mean = pq @ np.asarray(mu) + kqs @ np.linalg.solve(kss, np.asarray(y[e, :4]) - ps @ np.asarray(mu))
        var = np.diag(pq @ c @ pq.T - kqs @ np.linalg.solve(kss, kqs.T)) + 0.09
        ref = -stats.norm(mean, np.sqrt(var)).logpdf(np.asarray(y[e, 4:])).mean()
        assert abs(float(got[e]) - ref) < 1e-9


def test_train_niw_objective_falls_and_moves_towards_the_truth():
    mu, cov = jnp.array([1.0, -0.5, 0.8, 0.2]), 0.3 * jnp.eye(4)
    x, y, _ = F.sample_episodes(jax.random.key(0), 300, 5, mu, cov, 0.3)
    hyper = F.NIW(jnp.zeros(4), jnp.asarray(1.0), 6.0 * jnp.eye(4), jnp.asarray(6.0))
    q, curve = F.train_niw(jax.random.key(1), (x, y), hyper, noise_std=0.3, num_steps=300, learning_rate=0.1)
    assert float(curve[-1]) < float(curve[0]) - 1.0
    assert float(jnp.linalg.norm(q.m - mu)) < 0.2
