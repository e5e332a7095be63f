"""The score-distillation toy: its isotropic prior against the general mixture code, renders, and the SDS fit."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from priorscope.diffusion import GaussianMixture, VPLinear, gmm, sds


def test_prior_eps_matches_the_general_mixture():
    modes = sds.true_views()
    for w in (jnp.array([0.5, 0.1, 0.4, 0.0]), jnp.full(4, 0.25)):
        covs = jnp.broadcast_to(sds.MODE_STD**2 * jnp.eye(sds.NB), (4, sds.NB, sds.NB))
        mix = GaussianMixture(w, modes, covs)
        x = jax.random.normal(jax.random.key(0), (sds.NB,))
        for t in (0.05, 0.5, 0.95):
            want = gmm.eps_hat(mix, VPLinear(), x, t)
            np.testing.assert_allclose(np.asarray(sds.prior_eps(x, t, w)), np.asarray(want), rtol=1e-8, atol=1e-9)


def test_renders_see_the_near_side():
    views = np.asarray(sds.true_views())
    head = np.exp(-0.5 * np.asarray(sds.PIXELS) ** 2 / sds.HEAD_WIDTH**2)
    centre = sds.NB // 2
    assert views[0, centre] > head[centre] + 0.5  # the front camera sees the nose
    np.testing.assert_allclose(views[2], head, atol=0.05)  # the back camera barely does
    np.testing.assert_allclose(views[1], views[3][::-1], atol=0.2)  # side views are near mirror images


def test_the_true_object_is_a_fixed_point_without_guidance():
    """Without leakage or guidance (cfg = 1) the true object is a fixed point of SDS: it stays put."""
    theta = {"P": jnp.array([[1.0, 0.0]]), "logm": jnp.zeros(1)}
    fit = sds.sds_fit(jax.random.key(1), theta, 0.0, 1.0, theta, 0.0, 100)
    assert float(sds.view_error(fit)) < 0.02
    np.testing.assert_array_equal(np.asarray(sds.nearest_views(fit)), [0, 1, 2, 3])


def test_bad_input():
    theta = sds.init_object(jax.random.key(0))
    with pytest.raises(ValueError, match="num_steps must be >= 1, got 0"):
        sds.sds_fit(jax.random.key(0), theta, 0.5, 7.5, theta, 0.0, 0)
    with pytest.raises(ValueError, match="num_views must be >= 1, got 0"):
        sds.reconstruct(jax.random.key(0), theta, 0, 10)


def test_run_toy_reports_the_prior_alone():
    """``err_prior``/``janus_prior`` are those of the reconstruction itself, before any SDS refinement."""
    key = jax.random.key(4)
    res = sds.run_toy(key, 0.5, 7.5, 1.0, num_steps=5, recon_steps=20)
    k_init, _, k_rec = jax.random.split(key, 3)
    prior = sds.reconstruct(k_rec, sds.init_object(k_init), 4, 20)
    np.testing.assert_allclose(float(res.err_prior), float(sds.view_error(prior)), rtol=1e-6)
    np.testing.assert_allclose(np.asarray(res.prior["P"]), np.asarray(prior["P"]), rtol=1e-6)
    assert bool(res.janus_prior) == bool(sds.nearest_views(prior)[2] == 0)
