"""Linear inverse problems: exact posterior vs brute force, weighted ensemble vs the exact posterior, bad inputs."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from scipy.stats import multivariate_normal

from priorscope.diffusion import gmm, inverse, schedules

SCHEDULE = schedules.VPLinear()


def _grid_posterior(prior, forward, y, sigma_y, lim=4.0, n=401):
    g = np.linspace(-lim, lim, n)
    pts = np.stack(np.meshgrid(g, g), -1).reshape(-1, 2)
    w, mu, cov = (np.asarray(a, dtype=np.float64) for a in (prior.weights, prior.means, prior.covs))
    dens = sum(wk * multivariate_normal(mk, ck).pdf(pts) for wk, mk, ck in zip(w, mu, cov, strict=True))
    lik = np.exp(-0.5 * np.sum((y[None] - pts @ np.asarray(forward).T) ** 2, axis=1) / sigma_y**2)
    p = dens * lik
    return pts, p / p.sum()


def test_exact_posterior_matches_brute_force_grid():
    prior, forward, y, sigma_y = inverse.ring_problem(0.7, 0.3)
    post = inverse.exact_posterior(prior, forward, y, sigma_y)
    pts, p = _grid_posterior(prior, forward, np.asarray(y), sigma_y)
    np.testing.assert_allclose(np.asarray(p @ pts), np.asarray(post.weights @ post.means), atol=1e-4)
    dens = np.exp(np.asarray(jax.vmap(lambda z: gmm.log_prob(post, z))(jnp.asarray(pts))))
    np.testing.assert_allclose(dens / dens.sum(), p, atol=1e-7)


def test_exact_posterior_single_gaussian_is_kalman_update():
    cov = np.array([[1.0, 0.3], [0.3, 0.5]])
    prior = gmm.GaussianMixture.create(jnp.ones(1), jnp.array([[0.5, -1.0]]), jnp.asarray(cov)[None])
    forward = np.array([[1.0, 2.0]])
    y, s = np.array([0.4]), 0.2
    post = inverse.exact_posterior(prior, jnp.asarray(forward), jnp.asarray(y), s)
    # information form: precision = C^-1 + A^T A / s^2
    prec = np.linalg.inv(cov) + forward.T @ forward / s**2
    mean = np.linalg.solve(prec, np.linalg.inv(cov) @ np.array([0.5, -1.0]) + forward.T @ y / s**2)
    np.testing.assert_allclose(np.asarray(post.means[0]), mean, atol=1e-8)
    np.testing.assert_allclose(np.asarray(post.covs[0]), np.linalg.inv(prec), atol=1e-8)


def test_tilt_becomes_the_log_likelihood_at_small_noise():
    prior, forward, y, sigma_y = inverse.ring_problem()
    h = inverse.likelihood_tilt(SCHEDULE, forward, y, sigma_y, 1.0)
    lap = inverse.likelihood_tilt_laplacian(SCHEDULE, forward, sigma_y, 1.0)
    x = jnp.array([0.3, -0.8])
    t = 1e-6
    const = inverse.log_likelihood(jnp.zeros(2), forward, y, sigma_y) - h(jnp.zeros(2), t)
    assert float(h(x, t) + const) == pytest.approx(float(inverse.log_likelihood(x, forward, y, sigma_y)), abs=1e-3)
    assert float(lap(x, 0.4)) == pytest.approx(float(jnp.trace(jax.hessian(h)(x, 0.4))), rel=1e-8)


def test_ensemble_matches_exact_posterior_and_dps_is_biased():
    prior, forward, y, sigma_y = inverse.ring_problem(0.7, 0.15)
    t_min = 1e-3
    ts = jnp.linspace(1.0, t_min, 201)
    post = inverse.exact_posterior(gmm.marginal(prior, SCHEDULE, t_min), forward, y, sigma_y)
    exact = inverse.component_mode_masses(post, prior.means)

    def run(key):
        k1, k2 = jax.random.split(key)
        ens = inverse.ensemble_sample(k1, prior, SCHEDULE, forward, y, sigma_y, ts, 1000)
        xd = inverse.dps_sample(k2, prior, SCHEDULE, forward, y, sigma_y, ts, 1000)
        e = inverse.mode_statistics(ens.state.particles, jnp.exp(ens.state.log_weights), prior.means, 2)
        d = inverse.mode_statistics(xd, jnp.full(1000, 1.0 / 1000), prior.means, 2)
        return e, d

    e, d = jax.jit(jax.vmap(run))(jax.random.split(jax.random.key(0), 4))
    tv_e = 0.5 * float(jnp.sum(jnp.abs(e["masses"].mean(0) - exact)))
    tv_d = 0.5 * float(jnp.sum(jnp.abs(d["masses"].mean(0) - exact)))
    assert tv_e < 0.06
    assert tv_d > tv_e
    # exact dominant-mode mean of x1: Kalman gain 0.2^2 / (0.2^2 + 0.15^2) times y (up to t_min)
    assert abs(float(e["mean"].mean()) - 0.448) < 0.03
    assert float(d["mean"].mean()) - 0.448 > 0.05


def test_bad_inputs():
    prior, forward, y, sigma_y = inverse.ring_problem()
    with pytest.raises(ValueError, match=r"forward must have shape \(m, 2\)"):
        inverse.exact_posterior(prior, jnp.ones((1, 3)), y, sigma_y)
    with pytest.raises(ValueError, match=r"y must have shape \(1,\)"):
        inverse.exact_posterior(prior, forward, jnp.ones(2), sigma_y)
    with pytest.raises(ValueError, match=r"ts must have shape"):
        inverse.ensemble_sample(jax.random.key(0), prior, SCHEDULE, forward, y, sigma_y, jnp.ones(1), 10)


def test_compare_over_seeds_statistics_and_weights_off():
    """Seed-mean TV and jackknife SE against a NumPy recomputation; weights off = the unweighted sampler's law."""
    prior, forward, y, _ = inverse.ring_problem()
    edges = jnp.linspace(-3, 3, 13)

    def run(weighted):
        return jax.jit(
            lambda k: inverse.compare_over_seeds(
                k, prior, forward, y, 0.15, 1.0, 64, 20, edges, num_seeds=3, weighted=weighted
            )
        )(jax.random.key(3))

    r = run(True)
    m_e, exact = np.asarray(r["masses_ensemble"], np.float64), np.asarray(r["masses_exact"], np.float64)
    assert m_e.shape == (3, 8) and r["ess_fraction"].shape == (3, 20)
    np.testing.assert_allclose(m_e.sum(1), 1.0, atol=1e-5)
    tv = lambda m: 0.5 * np.abs(m - exact).sum(-1)
    np.testing.assert_allclose(float(r["tv_ensemble"]), tv(m_e.mean(0)), atol=1e-6)
    np.testing.assert_allclose(np.asarray(r["tv_ensemble_seeds"]), tv(m_e), atol=1e-6)
    loo = np.array([tv(np.delete(m_e, s, 0).mean(0)) for s in range(3)])
    np.testing.assert_allclose(float(r["tv_ensemble_se"]), np.sqrt(2 / 3 * np.sum((loo - loo.mean()) ** 2)), atol=1e-6)
    cell = (6 / 12) ** 2
    np.testing.assert_allclose(float(jnp.sum(r["ensemble"])) * cell, 1.0, atol=1e-3)  # all mass inside [-3, 3]^2
    off = run(False)
    np.testing.assert_array_equal(np.asarray(off["ess_fraction"]), 1.0)
    for leaf in jax.tree_util.tree_leaves(off):
        assert np.all(np.isfinite(np.asarray(leaf)))
    with pytest.raises(ValueError, match="num_seeds must be an int >= 2"):
        inverse.compare_over_seeds(jax.random.key(0), prior, forward, y, 0.15, 1.0, 8, 4, edges, num_seeds=1)
