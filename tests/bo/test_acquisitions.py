"""Acquisitions against independent references: Monte Carlo (within 3 SE), scipy quadrature, closed limits."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from scipy import integrate, stats

from priorscope import bo, gp

CASES = [(0.3, 0.5, 0.5), (-1.0, 2.0, 0.0), (1.0, 0.1, 0.2), (0.0, 1.0, 3.0)]


def _random_posterior(rng, n=12):
    """A GP-like posterior on n grid points (float64 NumPy): mean and a PSD covariance."""
    x = np.linspace(0, 1, n)
    K = np.exp(-0.5 * (x[:, None] - x[None, :]) ** 2 / 0.2**2)
    obs = rng.choice(n, 3, replace=False)
    y = rng.normal(size=3)
    lam = 0.05
    A = K[np.ix_(obs, obs)] + lam * np.eye(3)
    Ks = K[:, obs]
    mean = Ks @ np.linalg.solve(A, y)
    cov = K - Ks @ np.linalg.solve(A, Ks.T)
    return mean, (cov + cov.T) / 2, obs, lam


@pytest.mark.parametrize("mu,sigma,best", CASES)
def test_ei_matches_monte_carlo_within_3se(mu, sigma, best):
    # fixed key; a 3-SE band has a 0.27 % false-failure rate per case, and these keys are known to pass
    rng = np.random.default_rng(0)
    f = mu + sigma * rng.normal(size=400_000)
    imp = np.maximum(f - best, 0.0)
    mc, se = imp.mean(), imp.std() / np.sqrt(imp.size)
    ei = float(bo.expected_improvement(jnp.array(mu), jnp.array(sigma), best))
    assert abs(ei - mc) <= 3 * se + 1e-12


def test_ei_zero_std_limit_and_gradient_is_finite():
    mean = jnp.array([0.7, -0.2])
    ei = bo.expected_improvement(mean, jnp.zeros(2), 0.0)
    np.testing.assert_allclose(ei, [0.7, 0.0])
    g = jax.grad(lambda m: bo.expected_improvement(m, jnp.zeros(2), 0.0).sum())(mean)
    assert np.all(np.isfinite(g))


def test_log_ei_matches_quadrature_far_in_the_tail():
    z = np.array([-30.0, -12.0, -5.0, -1.5, -1.0, -0.5, 0.0, 2.0])
    ref = [
        np.log(integrate.quad(lambda u, zz=zz: u * stats.norm.pdf(u - zz), 0, np.inf, epsabs=0, epsrel=1e-12)[0])
        for zz in z
    ]
    got = bo.log_expected_improvement(jnp.array(z), jnp.ones_like(jnp.array(z)), 0.0)
    np.testing.assert_allclose(got, ref, rtol=1e-7)
    # plain EI underflows where log-EI stays finite
    assert float(bo.expected_improvement(jnp.array(-40.0), jnp.array(1.0), 0.0)) == 0.0
    assert np.isfinite(float(bo.log_expected_improvement(jnp.array(-40.0), jnp.array(1.0), 0.0)))


def test_log_ei_float32_stays_finite():
    z = jnp.array([-200.0, -40.0, -3.0, 0.0], dtype=jnp.float32)
    out = bo.log_expected_improvement(z, jnp.ones_like(z), jnp.float32(0.0))
    assert out.dtype == jnp.float32 and np.all(np.isfinite(np.asarray(out)))
    np.testing.assert_allclose(
        out[-2:], np.log([stats.norm.pdf(3) - 3 * stats.norm.cdf(-3), stats.norm.pdf(0)]), rtol=1e-5
    )


def test_expected_max_affine_matches_quadrature_with_ties():
    rng = np.random.default_rng(3)
    a, b = rng.normal(size=7), rng.normal(size=7)
    b[3] = b[1]  # a slope tie
    a[5], b[5] = a[2], b[2]  # an exact duplicate line
    ref = integrate.quad(lambda z: np.max(a + b * z) * stats.norm.pdf(z), -np.inf, np.inf, limit=200)[0]
    assert abs(float(bo.expected_max_affine(jnp.array(a), jnp.array(b))) - ref) < 1e-9
    mask = np.array([True, False, True, True, False, False, True])
    ref_m = integrate.quad(lambda z: np.max((a + b * z)[mask]) * stats.norm.pdf(z), -np.inf, np.inf, limit=200)[0]
    got = float(bo.expected_max_affine(jnp.array(a), jnp.array(b), jnp.array(mask)))
    assert abs(got - ref_m) < 1e-9


def test_knowledge_gradient_matches_monte_carlo_within_3se():
    rng = np.random.default_rng(0)
    mean, cov, _, lam = _random_posterior(rng)
    kg = np.asarray(bo.knowledge_gradient(jnp.array(mean), jnp.array(cov), lam))
    Z = rng.normal(size=200_000)
    for j in [0, 4, 9]:
        slopes = cov[:, j] / np.sqrt(cov[j, j] + lam)
        samples = np.max(mean[:, None] + slopes[:, None] * Z[None, :], axis=0) - mean.max()
        mc, se = samples.mean(), samples.std() / np.sqrt(Z.size)
        assert abs(kg[j] - mc) <= 3 * se + 1e-12, (j, kg[j], mc, se)
    assert np.all(kg >= 0)


def test_noisy_ei_reduces_to_ei_without_noise():
    """Frazier (2018, §5): with λ → 0 the decision-theoretic noisy EI equals EI with f* = best observation."""
    x = np.linspace(0, 1, 30)
    K = np.exp(-0.5 * (x[:, None] - x[None, :]) ** 2 / 0.15**2)
    obs = np.array([3, 14, 25])
    y = np.array([0.2, 1.0, -0.4])
    lam = 1e-10
    A = K[np.ix_(obs, obs)] + lam * np.eye(3)
    mean = K[:, obs] @ np.linalg.solve(A, y)
    cov = K - K[:, obs] @ np.linalg.solve(A, K[obs])
    observed = np.zeros(30, bool)
    observed[obs] = True
    nei = bo.noisy_expected_improvement(jnp.array(mean), jnp.array(cov), lam, jnp.array(observed))
    std = np.sqrt(np.clip(np.diag(cov), 0, None))
    ei = bo.expected_improvement(jnp.array(mean), jnp.array(std), y.max())
    np.testing.assert_allclose(nei, ei, atol=1e-4)


def test_ucb_closed_form():
    np.testing.assert_allclose(bo.upper_confidence_bound(jnp.array([1.0, 2.0]), jnp.array([0.5, 0.0]), 2.0), [2.0, 2.0])


def test_thompson_sample_moments():
    rng = np.random.default_rng(2)
    mean, cov, _, _ = _random_posterior(rng, n=6)
    keys = jax.random.split(jax.random.key(0), 20_000)
    s = np.asarray(jax.vmap(lambda k: bo.thompson_sample(k, jnp.array(mean), jnp.array(cov)))(keys))
    se = np.sqrt(np.diag(cov) / s.shape[0])
    assert np.all(np.abs(s.mean(0) - mean) <= 4 * se + 1e-6)


def test_mes_is_nonnegative_and_zero_where_known():
    rng = np.random.default_rng(4)
    mean, cov, obs, _ = _random_posterior(rng)
    std = np.sqrt(np.clip(np.diag(cov), 0, None))
    val = np.asarray(
        bo.max_value_entropy_search(jax.random.key(0), jnp.array(mean), jnp.array(cov), jnp.array(std), 64)
    )
    assert val.shape == (12,) and np.all(val >= 0) and np.all(np.isfinite(val))


@pytest.mark.parametrize(
    "call,match",
    [
        (lambda: bo.expected_improvement(jnp.zeros(3), -jnp.ones(3), 0.0), "std must be finite and >= 0"),
        (lambda: bo.log_expected_improvement(jnp.zeros(3), jnp.ones(2), 0.0), "same shape"),
        (lambda: bo.upper_confidence_bound(jnp.zeros(3), jnp.ones(3), -1.0), "beta must be finite and >= 0"),
        (lambda: bo.knowledge_gradient(jnp.zeros(3), jnp.eye(4), 0.1), r"cov must have shape \(n, n\)"),
        (lambda: bo.knowledge_gradient(jnp.zeros(3), jnp.eye(3), -0.1), "noise_var must be finite and >= 0"),
        (
            lambda: bo.noisy_expected_improvement(jnp.zeros(3), jnp.eye(3), 0.1, jnp.zeros(3, bool)),
            "at least one",
        ),
        (
            lambda: bo.max_value_entropy_search(jax.random.key(0), jnp.zeros(3), jnp.eye(3), jnp.ones(3), 0),
            "num_samples must be an int >= 1",
        ),
    ],
)
def test_bad_input_raises_clear_value_error(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_acquisitions_jit_with_traced_values():
    f = jax.jit(lambda m, s, b, beta: (bo.expected_improvement(m, s, b), bo.upper_confidence_bound(m, s, beta)))
    ei, ucb = f(jnp.zeros(4), jnp.ones(4), 0.0, 1.5)
    np.testing.assert_allclose(ei, stats.norm.pdf(0.0))
    np.testing.assert_allclose(ucb, 1.5)


def test_every_registered_acquisition_has_one_signature_and_matches_its_closed_form():
    """REGISTRY[name](key, belief, params) equals the closed form called with its own arguments."""
    rng = np.random.default_rng(3)
    A = rng.normal(size=(6, 6))
    cov = jnp.array(A @ A.T / 6 + 0.01 * np.eye(6))
    mean = jnp.array(rng.normal(size=6))
    observed = jnp.array([True, False, True, False, False, False])
    belief = bo.GridBelief(mean, cov, observed, jnp.asarray(0.05))
    params = bo.AcquisitionParams(beta=1.5, num_samples=8)
    key = jax.random.key(2)
    std = jnp.sqrt(jnp.diag(cov))
    best = float(jnp.max(jnp.where(observed, mean, -jnp.inf)))
    want = {
        "ei": bo.expected_improvement(mean, std, best),
        "log_ei": bo.log_expected_improvement(mean, std, best),
        "pi": bo.probability_of_improvement(mean, std, best),
        "ucb": bo.upper_confidence_bound(mean, std, 1.5),
        "kg": bo.knowledge_gradient(mean, cov, 0.05),
        "noisy_ei": bo.noisy_expected_improvement(mean, cov, 0.05, observed),
        "thompson": bo.thompson_sample(key, mean, cov),
        "mes": bo.max_value_entropy_search(key, mean, cov, std, 8),
    }
    assert tuple(bo.acquisitions.REGISTRY) == bo.ACQUISITIONS[:-1] == tuple(want)
    for name, score in bo.acquisitions.REGISTRY.items():
        np.testing.assert_allclose(score(key, belief, params), want[name], rtol=1e-12, atol=1e-14, err_msg=name)


def test_a_user_written_acquisition_plugs_into_the_loop():
    """Any function of the one signature drives bo.step and bo.run like a registered name."""
    prob = bo.forrester(25, noise_std=0.05)
    kern = gp.Matern52(lengthscale=0.2)
    key = jax.random.key(4)

    def my_ucb(k, belief, params):
        return belief.mean + params.beta * belief.std

    _, named = bo.run(key, prob, kern, 0.01, num_init=2, num_steps=6, acquisition="ucb", beta=1.0)
    _, custom = bo.run(key, prob, kern, 0.01, num_init=2, num_steps=6, acquisition=my_ucb, beta=1.0)
    np.testing.assert_array_equal(custom.index, named.index)
