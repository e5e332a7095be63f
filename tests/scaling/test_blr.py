"""Conjugate Bayesian linear regression against float64 NumPy, NumPyro NUTS and its high-dimensional
limits."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from numpyro.infer import MCMC, NUTS

from priorscope.scaling import blr


@pytest.fixture(autouse=True)
def _x64():
    with jax.enable_x64(True):
        yield


def test_posterior_and_predictive_match_numpy():
    feats, y, _ = blr.teacher_student_data(jax.random.key(0), 30, 6, 0.4)
    post = blr.blr_posterior(feats, y, 0.4, prior_std=1.5)
    f, yy = np.asarray(feats), np.asarray(y)
    prec = np.eye(6) / 1.5**2 + f.T @ f / 0.16
    cov = np.linalg.inv(prec)
    np.testing.assert_allclose(np.asarray(post.cov), cov, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(np.asarray(post.mean), cov @ f.T @ yy / 0.16, rtol=1e-10)
    xt = np.random.default_rng(1).normal(size=(4, 6)) / np.sqrt(6)
    mean, var = blr.blr_predictive(post, jnp.asarray(xt), 0.4)
    np.testing.assert_allclose(np.asarray(mean), xt @ cov @ f.T @ yy / 0.16, rtol=1e-10)
    np.testing.assert_allclose(np.asarray(var), np.einsum("md,de,me->m", xt, cov, xt) + 0.16, rtol=1e-10)


def test_conjugate_posterior_matches_nuts():
    feats, y, _ = blr.teacher_student_data(jax.random.key(2), 25, 3, 0.5)
    post = blr.blr_posterior(feats, y, 0.5)
    mcmc = MCMC(NUTS(blr.blr_model), num_warmup=300, num_samples=2000, progress_bar=False)
    mcmc.run(jax.random.key(3), feats, y, noise_std=0.5)
    w = np.asarray(mcmc.get_samples()["w"])
    sd = np.sqrt(np.diag(np.asarray(post.cov)))
    # Means within 4 Monte Carlo SE (NUTS draws are nearly independent here; allow ESS >= 1000).
    assert np.all(np.abs(w.mean(0) - np.asarray(post.mean)) <= 4 * sd / np.sqrt(500))
    np.testing.assert_allclose(np.cov(w.T), np.asarray(post.cov), atol=0.1 * sd.max() ** 2)


@pytest.mark.parametrize("ratio", [0.5, 2.0])
def test_deterministic_equivalent_matches_finite_dimension(ratio):
    d, sigma = 300, 0.5
    v_eq, s2_eq = (float(x) for x in blr.deterministic_equivalent(ratio, sigma))
    vs, s2s = [], []
    for seed in range(4):
        feats, y, w = blr.teacher_student_data(jax.random.key(seed), int(ratio * d), d, sigma)
        post = blr.blr_posterior(feats, y, sigma)
        g = blr.empirical_geometry(post, w, w, sigma)
        vs.append(float(g.target_var))
        s2s.append(float(g.pred_var))
    assert np.mean(s2s) == pytest.approx(s2_eq, rel=0.01)
    # v = |w* - m|^2 / d fluctuates over teachers at d = 300: compare within 4 SE of the seed average.
    assert abs(np.mean(vs) - v_eq) <= 4 * np.std(vs, ddof=1) / np.sqrt(len(vs)) + 0.01


def test_judge_geometry_matches_finite_dimension():
    d, sigma, ratio, angle = 400, 0.5, 2.0, np.deg2rad(50)
    feats, y, w = blr.teacher_student_data(jax.random.key(5), int(ratio * d), d, sigma)
    post = blr.blr_posterior(feats, y, sigma)
    wr = blr.misspecified_judge(jax.random.key(6), w, angle)
    assert float(wr @ w / (w @ w)) == pytest.approx(np.cos(angle), abs=1e-10)
    emp = blr.empirical_geometry(post, w, wr, sigma)
    th = blr.judge_geometry(ratio, sigma, angle)
    scale = float(w @ w) / d  # the closed form assumes |w*|^2 / d = 1
    assert float(emp.judge_var) == pytest.approx(float(th.judge_var) * scale, rel=0.08)
    assert float(emp.cross) == pytest.approx(float(th.cross), abs=0.04)


def test_teacher_judge_geometry_is_the_teacher():
    g = blr.judge_geometry(2.0, 0.5, 0.0)
    assert float(g.judge_var) == pytest.approx(float(g.target_var), rel=1e-12)
    assert float(g.cross) == pytest.approx(float(g.target_var), rel=1e-12)


def test_bad_inputs():
    with pytest.raises(ValueError, match="noise_std must be finite and > 0"):
        blr.teacher_student_data(jax.random.key(0), 5, 2, 0.0)
    with pytest.raises(ValueError, match="num_train must be >= 1"):
        blr.teacher_student_data(jax.random.key(0), 0, 2, 0.1)
    with pytest.raises(ValueError, match="ratio must be finite and > 0"):
        blr.deterministic_equivalent(-1.0, 0.5)
    with pytest.raises(ValueError, match="features and y must have the same n"):
        blr.blr_posterior(jnp.zeros((3, 2)), jnp.zeros(4), 0.5)
    with pytest.raises(ValueError, match=r"angle must lie in \[0.0, 3.14"):
        blr.judge_geometry(1.0, 0.5, 4.0)
