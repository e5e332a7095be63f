"""SMC state machine and tempered SMC against closed-form evidences and posteriors."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jax.scipy.stats import norm

from priorscope.particles import smc, tempering, toy


def test_init_normalises_and_records_log_mean_weight():
    lw = jnp.log(jnp.array([1.0, 3.0]))
    state = smc.init(jnp.zeros((2, 1)), lw)
    np.testing.assert_allclose(np.exp(np.asarray(state.log_weights)), [0.25, 0.75], rtol=1e-6)
    assert float(state.log_evidence) == pytest.approx(np.log(2.0), rel=1e-6)


def test_importance_sampling_evidence_is_unbiased():
    # proposal N(0, 1), target gamma(x) = 2 N(x; 1, 0.8^2): Z = 2
    def run(key):
        x = jax.random.normal(key, (200, 1))
        state = smc.init(x)
        g = lambda p: jnp.log(2.0) + norm.logpdf(p[:, 0], 1.0, 0.8) - norm.logpdf(p[:, 0])
        state, info = smc.step(key, state, g, lambda _, p: p, ess_threshold=0.0)
        return jnp.exp(state.log_evidence), info

    z, info = jax.vmap(run)(jax.random.split(jax.random.key(0), 400))
    z = np.asarray(z)
    assert abs(z.mean() - 2.0) <= 3 * z.std(ddof=1) / np.sqrt(z.size)
    assert not np.any(np.asarray(info.resampled))


def test_threshold_zero_never_and_one_always_resamples():
    state = smc.init(jnp.arange(6.0)[:, None], jnp.array([0.0, 0.0, 0.0, 0.0, 0.0, 3.0]))
    never, anc0, res0, _ = smc.resample_if_needed(jax.random.key(1), state, 0.0)
    assert not bool(res0)
    np.testing.assert_array_equal(np.asarray(anc0), np.arange(6))
    always, _, res1, _ = smc.resample_if_needed(jax.random.key(1), state, 1.0)
    assert bool(res1)
    np.testing.assert_allclose(np.asarray(always.log_weights), np.full(6, -np.log(6)), rtol=1e-6)


def test_threshold_is_traced_without_recompiling():
    state = smc.init(jnp.arange(6.0)[:, None], jnp.linspace(0, 3, 6))
    f = jax.jit(lambda th: smc.resample_if_needed(jax.random.key(1), state, th)[2])
    f(0.1)
    n_before = f._cache_size()
    f(0.9)
    assert f._cache_size() == n_before


def test_pytree_particles_are_resampled_together():
    state = smc.init({"a": jnp.arange(4.0), "b": jnp.arange(4.0) * 10}, jnp.array([-50.0, -50.0, 0.0, -50.0]))
    new, _, _, _ = smc.resample_if_needed(jax.random.key(0), state, 1.0)
    np.testing.assert_array_equal(np.asarray(new.particles["a"]), [2, 2, 2, 2])
    np.testing.assert_array_equal(np.asarray(new.particles["b"]), [20, 20, 20, 20])


def test_tempered_smc_matches_exact_evidence_and_mode_mass():
    model = toy.make_bimodal_toy()
    betas = jnp.linspace(0.0, 1.0, 16) ** 2

    def run(key):
        x0 = model.prior_scale * jax.random.normal(jax.random.fold_in(key, 1), (1000, 1))
        state, infos, rates = tempering.tempered_smc(
            key, x0, model.log_prior, model.log_likelihood, betas, num_mcmc_steps=4
        )
        left = jnp.sum(jnp.exp(state.log_weights) * (state.particles[:, 0] < 0))
        return jnp.exp(state.log_evidence - model.log_evidence()), left, rates

    ratio, left, rates = jax.jit(jax.vmap(run))(jax.random.split(jax.random.key(2), 12))
    ratio, left = np.asarray(ratio), np.asarray(left)
    # Z-hat is unbiased: mean ratio within 3 SE of 1 (and SE small enough to mean something)
    se = ratio.std(ddof=1) / np.sqrt(ratio.size)
    assert se < 0.05
    assert abs(ratio.mean() - 1.0) <= 3 * se
    exact_left = float(model.posterior_weights()[0])
    assert abs(left.mean() - exact_left) <= max(3 * left.std(ddof=1) / np.sqrt(left.size), 0.01)
    assert np.all((np.asarray(rates) > 0.05) & (np.asarray(rates) < 0.95))


def test_toy_closed_form_against_quadrature():
    model = toy.make_bimodal_toy(prior_scale=2.0, separation=1.5, scale=0.5, left_weight=0.3)
    x = np.linspace(-12, 12, 200_001)
    dens = np.exp(
        np.asarray(jax.vmap(lambda z: model.log_prior(z[None]) + model.log_likelihood(z[None]))(jnp.asarray(x)))
    )
    z = np.trapezoid(dens, x)
    assert float(model.log_evidence()) == pytest.approx(np.log(z), abs=1e-4)
    assert float(model.posterior_mean()) == pytest.approx(np.trapezoid(x * dens, x) / z, abs=1e-4)
    post = np.exp(np.asarray(model.posterior_logpdf(jnp.asarray(x))))
    np.testing.assert_allclose(post, dens / z, atol=1e-4)


def test_bad_inputs():
    with pytest.raises(ValueError, match="must share one leading dimension"):
        smc.init({"a": jnp.zeros(3), "b": jnp.zeros(4)})
    with pytest.raises(ValueError, match=r"log_weights must have shape \(3,\)"):
        smc.init(jnp.zeros((3, 1)), jnp.zeros(4))
    with pytest.raises(ValueError, match="scheme must be one of"):
        smc.resample_if_needed(jax.random.key(0), smc.init(jnp.zeros((3, 1))), 0.5, scheme="best")
    model = toy.make_bimodal_toy()
    with pytest.raises(ValueError, match=r"particles must have shape \(n, d\)"):
        tempering.tempered_smc(jax.random.key(0), jnp.zeros(5), model.log_prior, model.log_likelihood, jnp.ones(3))
    with pytest.raises(ValueError, match=r"betas must have shape \(K \+ 1,\)"):
        tempering.tempered_smc(jax.random.key(0), jnp.zeros((5, 1)), model.log_prior, model.log_likelihood, jnp.ones(1))
    with pytest.raises(ValueError, match="num_mcmc_steps must be >= 0, got -1"):
        tempering.tempered_smc(
            jax.random.key(0), jnp.zeros((5, 1)), model.log_prior, model.log_likelihood, jnp.ones(3), num_mcmc_steps=-1
        )
    with pytest.raises(ValueError, match=r"left_weight must lie in \(0, 1\), got 1.5"):
        toy.make_bimodal_toy(left_weight=1.5)


def test_rwmh_leaves_gaussian_invariant_and_traced_steps():
    # start exactly at N(0, 1); after traced-count Metropolis steps the law is unchanged (mean, var within 3 SE)
    x = jax.random.normal(jax.random.key(5), (20_000, 1))
    run = jax.jit(lambda k, n: tempering.rwmh(k, x, lambda z: -0.5 * jnp.sum(z**2), 1.0, n))
    moved, rate = run(jax.random.key(6), 5)
    m = np.asarray(moved[:, 0])
    assert abs(m.mean()) <= 3 / np.sqrt(m.size)
    assert abs(m.var() - 1.0) <= 3 * np.sqrt(2 / m.size)
    assert 0.4 < float(rate) < 0.9
    same, rate0 = run(jax.random.key(6), 0)
    np.testing.assert_array_equal(np.asarray(same), np.asarray(x))
    assert float(rate0) == 1.0
