"""Exact Gaussian-mixture marginals against scipy, autodiff, Monte Carlo and the target identities."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from scipy.stats import multivariate_normal

from priorscope.diffusion import Cosine, GaussianMixture, RectifiedFlow, VPLinear, gmm, targets

SCHEDULES = [VPLinear(), Cosine(), RectifiedFlow()]


def _mixture(d=2, k=3, seed=0):
    rng = np.random.default_rng(seed)
    means = rng.normal(size=(k, d)) * 1.5
    a = rng.normal(size=(k, d, d)) * 0.3
    covs = a @ np.swapaxes(a, 1, 2) + 0.05 * np.eye(d)
    return GaussianMixture.create(rng.uniform(0.5, 1.5, size=k), means, covs)


def _scipy_logpdf(weights, means, covs, x):
    dens = sum(w * multivariate_normal(m, c).pdf(x) for w, m, c in zip(weights, means, covs, strict=True))
    return np.log(dens)


@pytest.mark.parametrize("sched", SCHEDULES, ids=lambda s: s.name)
def test_log_prob_t_matches_scipy(sched):
    mix = _mixture(d=3)
    x = np.random.default_rng(1).normal(size=(5, 3))
    for t in [0.05, 0.5, 0.9]:
        a, s = float(sched.alpha(t)), float(sched.sigma(t))
        covs = a**2 * np.asarray(mix.covs) + s**2 * np.eye(3)
        ref = _scipy_logpdf(np.asarray(mix.weights), a * np.asarray(mix.means), covs, x)
        got = jax.vmap(lambda xi, t=t: gmm.log_prob_t(mix, sched, xi, t))(x)
        np.testing.assert_allclose(np.asarray(got), ref, rtol=1e-10)
    ref0 = _scipy_logpdf(np.asarray(mix.weights), np.asarray(mix.means), np.asarray(mix.covs), x)
    np.testing.assert_allclose(np.asarray(jax.vmap(lambda xi: gmm.log_prob(mix, xi))(x)), ref0, rtol=1e-10)


@pytest.mark.parametrize("sched", SCHEDULES, ids=lambda s: s.name)
def test_score_is_gradient_of_log_density(sched):
    mix = _mixture(d=2, k=4, seed=3)
    x = np.random.default_rng(2).normal(size=(6, 2)) * 2
    for t in [0.01, 0.3, 0.95]:
        auto = jax.vmap(jax.grad(lambda xi, t=t: gmm.log_prob_t(mix, sched, xi, t)))(x)
        closed = jax.vmap(lambda xi, t=t: gmm.score(mix, sched, xi, t))(x)
        np.testing.assert_allclose(np.asarray(closed), np.asarray(auto), rtol=1e-9, atol=1e-9)


def test_tweedie_denoiser_matches_monte_carlo_posterior_mean():
    """E[x0 | x_t] by self-normalised importance sampling over prior draws (independent of the formula)."""
    mix, sched, t = _mixture(d=2, k=3, seed=5), VPLinear(), 0.4
    x0 = gmm.sample(jax.random.key(0), mix, 400_000)
    a, s = sched.alpha(t), sched.sigma(t)
    x = jnp.array([0.3, -0.7])
    logw = -0.5 * jnp.sum((x - a * x0) ** 2, axis=1) / s**2
    w = jax.nn.softmax(logw)
    mc = w @ x0
    ess = 1.0 / jnp.sum(w**2)
    se = jnp.sqrt(w @ (x0 - mc) ** 2 / ess)
    got = gmm.denoise(mix, sched, x, t)
    assert ess > 1000
    assert np.all(np.abs(np.asarray(got - mc)) < 4 * np.asarray(se))


@pytest.mark.parametrize("sched", SCHEDULES, ids=lambda s: s.name)
def test_four_targets_give_one_velocity(sched):
    mix = _mixture(d=2, k=3, seed=7)
    rng = np.random.default_rng(4)
    for t in rng.uniform(0.02, 0.98, size=5):
        x = jnp.asarray(rng.normal(size=2) * 2)
        v_ref = gmm.velocity(mix, sched, x, t)
        for target in targets.TARGETS:
            pred = gmm.predict(mix, sched, x, t, target)
            v = targets.to_velocity(pred, target, x, t, sched)
            np.testing.assert_allclose(np.asarray(v), np.asarray(v_ref), rtol=1e-6, atol=1e-6)
        # and the round trips: target -> x0 -> target
        for src in targets.TARGETS:
            for dst in targets.TARGETS:
                pred = gmm.predict(mix, sched, x, t, src)
                got = targets.convert(pred, src, dst, x, t, sched)
                want = gmm.predict(mix, sched, x, t, dst)
                np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=1e-6, atol=1e-6)


def test_velocity_equals_sde_form():
    """v = f x - g^2/2 * score (the probability-flow ODE drift)."""
    mix, sched = _mixture(), VPLinear()
    x, t = jnp.array([0.4, 1.1]), 0.37
    lhs = gmm.velocity(mix, sched, x, t)
    rhs = sched.drift(t) * x - 0.5 * sched.diffusion_sq(t) * gmm.score(mix, sched, x, t)
    np.testing.assert_allclose(np.asarray(lhs), np.asarray(rhs), rtol=1e-10)


def test_sampling_moments_within_3se():
    mix = _mixture(d=2, k=3, seed=9)
    n = 200_000
    x = np.asarray(gmm.sample(jax.random.key(3), mix, n))
    w, m, c = (np.asarray(a) for a in (mix.weights, mix.means, mix.covs))
    mean = w @ m
    cov = sum(wk * (ck + np.outer(mk, mk)) for wk, mk, ck in zip(w, m, c, strict=True)) - np.outer(mean, mean)
    se = np.sqrt(np.diag(cov) / n)
    assert np.all(np.abs(x.mean(0) - mean) < 3 * se)
    sched, t = VPLinear(), 0.6
    xt = np.asarray(gmm.sample_marginal(jax.random.key(4), mix, sched, t, n))
    a, s = float(sched.alpha(t)), float(sched.sigma(t))
    var_t = a**2 * np.diag(cov) + s**2
    np.testing.assert_array_less(np.abs(xt.mean(0) - a * mean), 3 * np.sqrt(var_t / n))
    np.testing.assert_allclose(xt.var(0), var_t, rtol=0.02)


def test_conditioning_and_guidance():
    mix, sched = gmm.ring(8), VPLinear()
    mask = jnp.arange(8) < 2
    cond = gmm.condition(mix, mask)
    np.testing.assert_allclose(np.asarray(cond.weights), [0.5, 0.5, 0, 0, 0, 0, 0, 0])
    x, t = jnp.array([0.1, -0.2]), 0.5
    u, c = gmm.denoise(mix, sched, x, t), gmm.denoise(cond, sched, x, t)
    np.testing.assert_allclose(np.asarray(gmm.denoiser(mix, sched, cond_mask=mask, guidance=1.0)(x, t)), c)
    np.testing.assert_allclose(np.asarray(gmm.denoiser(mix, sched, cond_mask=mask, guidance=0.0)(x, t)), u)
    g3 = gmm.denoiser(mix, sched, cond_mask=mask, guidance=3.0)(x, t)
    np.testing.assert_allclose(np.asarray(g3), np.asarray(u + 3.0 * (c - u)), rtol=1e-12)
    # a conditioned mixture's score stays finite and its gradient is NaN-free
    g = jax.grad(lambda xi: gmm.log_prob_t(cond, sched, xi, t))(x)
    assert np.all(np.isfinite(np.asarray(g)))


def test_finite_at_path_ends():
    mix = gmm.ring(8)
    for sched in SCHEDULES:
        for t in [1e-4, 1.0]:
            for target in targets.TARGETS:
                out = gmm.predict(mix, sched, jnp.array([3.0, -1.0]), t, target)
                assert np.all(np.isfinite(np.asarray(out))), (sched.name, t, target)


def test_assign_modes_and_ring():
    mix = gmm.ring(4, radius=2.0, std=0.1)
    np.testing.assert_allclose(np.asarray(mix.means[1]), [0.0, 2.0], atol=1e-12)
    x = jnp.array([[2.1, 0.0], [0.0, -1.9], [-2.0, 0.1]])
    np.testing.assert_array_equal(np.asarray(gmm.assign_modes(mix, x)), [0, 3, 2])


def test_bad_input():
    with pytest.raises(ValueError, match=r"weights must have shape \(3,\)"):
        GaussianMixture.create(np.ones(2), np.zeros((3, 2)), 0.1)
    with pytest.raises(ValueError, match="weights must be nonnegative"):
        GaussianMixture.create([1.0, -1.0], np.zeros((2, 2)), 0.1)
    with pytest.raises(ValueError, match=r"covs must have shape \(2, 2, 2\)"):
        GaussianMixture.create([1.0, 1.0], np.zeros((2, 2)), np.ones((2, 3, 3)))
    with pytest.raises(ValueError, match="means must have shape"):
        GaussianMixture.create([1.0], np.zeros(2), 0.1)
    with pytest.raises(ValueError, match="isotropic stds must be > 0"):
        GaussianMixture.create([1.0, 1.0], np.zeros((2, 2)), [0.1, 0.0])
    with pytest.raises(ValueError, match=r"mask must have shape \(8,\)"):
        gmm.condition(gmm.ring(8), jnp.ones(3))
    with pytest.raises(ValueError, match="target must be one of"):
        gmm.predict(gmm.ring(8), VPLinear(), jnp.zeros(2), 0.5, "noise")
    with pytest.raises(ValueError, match="num_modes must be >= 1"):
        gmm.ring(0)
