"""Exact posterior, evidence and samples vs scikit-learn and a direct float64 NumPy solve."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.gaussian_process import kernels as skk

from priorscope import gp

RNG = np.random.default_rng(0)
X = RNG.uniform(-2, 2, (15, 1))
Y = np.sin(3 * X[:, 0]) + 0.1 * RNG.standard_normal(15)
XS = np.linspace(-3, 3, 9)[:, None]
NOISE = 0.05

CASES = [
    (lambda: gp.RBF(0.7, 1.3), skk.ConstantKernel(1.3) * skk.RBF(0.7)),
    (lambda: gp.Matern12(0.7, 1.3), skk.ConstantKernel(1.3) * skk.Matern(0.7, nu=0.5)),
    (lambda: gp.Matern32(0.7, 1.3), skk.ConstantKernel(1.3) * skk.Matern(0.7, nu=1.5)),
    (lambda: gp.Matern52(0.7, 1.3), skk.ConstantKernel(1.3) * skk.Matern(0.7, nu=2.5)),
    (lambda: gp.Periodic(0.9, 1.3, 1.7), skk.ConstantKernel(1.3) * skk.ExpSineSquared(0.9, 1.7)),
]


@pytest.mark.parametrize("make,sk", CASES, ids=["rbf", "m12", "m32", "m52", "periodic"])
def test_posterior_and_lml_match_sklearn(make, sk):
    ref = GaussianProcessRegressor(sk, alpha=NOISE, optimizer=None).fit(X, Y)
    m_ref, c_ref = ref.predict(XS, return_cov=True)
    mean, cov = gp.posterior(make(), X, Y, NOISE, XS)
    np.testing.assert_allclose(mean, m_ref, atol=1e-10)
    np.testing.assert_allclose(cov, c_ref, atol=1e-10)
    _, var = gp.posterior(make(), X, Y, NOISE, XS, full_cov=False)
    np.testing.assert_allclose(var, np.diag(c_ref), atol=1e-10)
    lml = gp.log_marginal_likelihood(make(), X, Y, NOISE)
    np.testing.assert_allclose(lml, ref.log_marginal_likelihood_value_, rtol=1e-10)


def test_heteroscedastic_noise_vs_numpy_solve():
    noise_var = RNG.uniform(0.01, 0.2, 15)
    k = gp.Matern32(0.6, 0.9)
    K, Ks, Kss = (np.asarray(k(a, b)) for a, b in [(X, X), (XS, X), (XS, XS)])
    A = K + np.diag(noise_var)
    mean_ref = Ks @ np.linalg.solve(A, Y)
    cov_ref = Kss - Ks @ np.linalg.solve(A, Ks.T)
    sign, logdet = np.linalg.slogdet(A)
    lml_ref = -0.5 * Y @ np.linalg.solve(A, Y) - 0.5 * logdet - 7.5 * np.log(2 * np.pi)
    mean, cov = gp.posterior(k, X, Y, noise_var, XS)
    np.testing.assert_allclose(mean, mean_ref, atol=1e-10)
    np.testing.assert_allclose(cov, cov_ref, atol=1e-10)
    np.testing.assert_allclose(gp.log_marginal_likelihood(k, X, Y, noise_var), lml_ref, rtol=1e-10)


def test_1d_inputs_equal_column_inputs():
    m1, c1 = gp.posterior(gp.RBF(0.5), X[:, 0], Y, NOISE, XS[:, 0])
    m2, c2 = gp.posterior(gp.RBF(0.5), X, Y, NOISE, XS)
    np.testing.assert_allclose(m1, m2)
    np.testing.assert_allclose(c1, c2)


def test_posterior_samples_moments():
    k = gp.RBF(0.8)
    S = 20_000
    draws = np.asarray(gp.sample_posterior(jax.random.key(0), k, X, Y, NOISE, XS, S))
    assert draws.shape == (S, XS.shape[0])
    mean, cov = (np.asarray(a) for a in gp.posterior(k, X, Y, NOISE, XS))
    se = np.sqrt(np.diag(cov) / S)
    assert np.all(np.abs(draws.mean(0) - mean) < 4 * se + 1e-9)
    np.testing.assert_allclose(np.cov(draws.T), cov, atol=0.05 * np.diag(cov).max())


def test_prior_samples_moments_and_shape():
    k = gp.Matern52(0.5, 2.0)
    draws = np.asarray(gp.sample_prior(jax.random.key(1), k, XS, 20_000))
    assert draws.shape == (20_000, 9)
    np.testing.assert_allclose(np.cov(draws.T), k(XS), atol=0.1)


def test_jit_with_traced_hyperparameters():
    f = jax.jit(lambda ell, s2: gp.log_marginal_likelihood(gp.RBF(ell), X, Y, s2))
    np.testing.assert_allclose(f(0.7, NOISE), gp.log_marginal_likelihood(gp.RBF(0.7), X, Y, NOISE))
    g = jax.grad(lambda ell: gp.log_marginal_likelihood(gp.RBF(ell), X, Y, NOISE))(0.7)
    fd = (
        gp.log_marginal_likelihood(gp.RBF(0.7 + 1e-6), X, Y, NOISE)
        - gp.log_marginal_likelihood(gp.RBF(0.7 - 1e-6), X, Y, NOISE)
    ) / 2e-6
    np.testing.assert_allclose(g, fd, rtol=1e-6)


@pytest.mark.parametrize(
    "args,match",
    [
        ((X, Y[:5], NOISE, XS), "X and y must have the same number of points"),
        ((X, Y, -0.1, XS), "noise_var must be finite and > 0"),
        ((X, Y, 0.0, XS), "noise_var must be finite and > 0"),
        ((X, Y, np.ones(3), XS), r"noise_var must be a scalar or have shape \(15,\)"),
        ((np.zeros((0, 1)), np.zeros(0), NOISE, XS), "X must contain at least one point"),
        ((np.where(X > 1, np.nan, X), Y, NOISE, XS), "X must be finite"),
        ((X, np.where(Y > 0.5, np.nan, Y), NOISE, XS), "y must be finite"),
        ((X, Y, NOISE, np.ones((3, 2))), "X_test must have 1 input dimensions"),
        ((X, Y[:, None], NOISE, XS), r"y must have shape \(n,\)"),
    ],
)
def test_bad_input(args, match):
    with pytest.raises(ValueError, match=match):
        gp.posterior(gp.RBF(), *args)


def test_bad_kernel_and_num_samples():
    with pytest.raises(TypeError, match="kernel must be a priorscope.gp Kernel"):
        gp.log_marginal_likelihood(lambda a, b: 0.0, X, Y, NOISE)
    with pytest.raises(ValueError, match="num_samples must be >= 1"):
        gp.sample_prior(jax.random.key(0), gp.RBF(), XS, 0)
    assert jnp.isfinite(gp.log_marginal_likelihood(gp.RBF(), X, Y, NOISE))
