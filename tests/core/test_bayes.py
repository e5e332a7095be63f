"""Foundations compute: conjugate closed forms, eight schools by quadrature, jitted NUTS, random features."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import scipy.integrate
import scipy.stats

from priorscope.bayes import (
    EIGHT_SCHOOLS,
    beta_binomial_grid,
    beta_binomial_posterior,
    eight_schools_exact_moments,
    normal_mean_experiment,
    normal_mean_model,
    normal_normal_posterior,
    random_fourier_function,
)
from priorscope.inference import make_nuts
from priorscope.timing import time_calls


@pytest.fixture(autouse=True)
def _x64():
    jax.config.update("jax_enable_x64", True)
    yield
    jax.config.update("jax_enable_x64", False)


def test_normal_normal_matches_numerical_integration():
    y = np.array([0.3, 1.2, 0.8, 2.0])
    post = normal_normal_posterior(jnp.asarray(y), 0.5, 2.0, 1.5)

    def unnorm(mu):
        return scipy.stats.norm.pdf(mu, 0.5, 2.0) * np.prod(scipy.stats.norm.pdf(y, mu, 1.5))

    z = scipy.integrate.quad(unnorm, -20, 20)[0]
    mean = scipy.integrate.quad(lambda m: m * unnorm(m), -20, 20)[0] / z
    var = scipy.integrate.quad(lambda m: (m - mean) ** 2 * unnorm(m), -20, 20)[0] / z
    assert np.isclose(float(post.mean), mean, rtol=1e-8)
    assert np.isclose(float(post.scale), np.sqrt(var), rtol=1e-7)


def test_normal_normal_with_no_data_is_the_prior():
    post = normal_normal_posterior(jnp.zeros(0), 1.0, 3.0, 1.0)
    assert float(post.mean) == 1.0 and np.isclose(float(post.scale), 3.0)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(prior_scale=-1.0), "prior_scale must be finite and > 0"),
        (dict(noise_scale=0.0), "noise_scale must be finite and > 0"),
        (dict(y=jnp.ones((2, 2))), "y must have 1 dimension"),
        (dict(y=jnp.array([1.0, jnp.nan])), "y must be finite"),
    ],
)
def test_normal_normal_rejects_bad_input(kwargs, match):
    args = dict(y=jnp.ones(3), prior_mean=0.0, prior_scale=1.0, noise_scale=1.0) | kwargs
    with pytest.raises(ValueError, match=match):
        normal_normal_posterior(**args)


def test_beta_binomial_closed_form_and_validation():
    assert beta_binomial_posterior(3, 10, 1.0, 2.0) == (4.0, 9.0)
    with pytest.raises(ValueError, match="0 <= successes <= trials"):
        beta_binomial_posterior(11, 10, 1.0, 1.0)
    with pytest.raises(ValueError, match="alpha must be finite and > 0"):
        beta_binomial_posterior(1, 10, 0.0, 1.0)


@pytest.mark.parametrize("alpha, beta, k, n", [(0.5, 0.5, 0, 3), (1.0, 1.0, 7, 10), (20.0, 2.0, 60, 200)])
def test_beta_binomial_grid_matches_closed_form(alpha, beta, k, n):
    g = beta_binomial_grid(alpha, beta, float(k), float(n))
    assert abs(float(g.posterior_mean - g.grid_posterior_mean)) < 1e-10
    assert np.isclose(float(g.posterior_mean), scipy.stats.beta(alpha + k, beta + n - k).mean())


def test_eight_schools_quadrature_matches_a_brute_force_2d_grid():
    y, sigma = np.array(EIGHT_SCHOOLS["y"]), np.array(EIGHT_SCHOOLS["sigma"])
    exact = eight_schools_exact_moments(jnp.asarray(y), jnp.asarray(sigma))
    # independent reference: p(mu, tau | y) on a 2-D grid with theta integrated out (y_j ~ N(mu, sigma_j^2+tau^2))
    u = np.linspace(0, np.pi / 2, 4001)[1:-1]
    tau = 5 * np.tan(u)  # half-Cauchy(5) is uniform in u
    mu = np.linspace(-40, 50, 1801)
    v = sigma[None, None, :] ** 2 + tau[:, None, None] ** 2
    logp = scipy.stats.norm.logpdf(mu, 0, 5)[None, :] + np.sum(
        scipy.stats.norm.logpdf(y[None, None, :], mu[None, :, None], np.sqrt(v)), axis=-1
    )
    w = np.exp(logp - logp.max())
    w /= w.sum()
    assert np.isclose(float(exact.mu_mean), np.sum(w * mu[None, :]), atol=2e-3)
    assert np.isclose(float(exact.tau_mean), np.sum(w * tau[:, None]), rtol=2e-3)


def test_eight_schools_rejects_mismatched_shapes():
    with pytest.raises(ValueError, match="same shape"):
        eight_schools_exact_moments(jnp.ones(8), jnp.ones(7))


def test_jitted_nuts_matches_the_conjugate_posterior_within_mcse():
    y = jnp.linspace(-0.5, 2.5, 12)
    run = make_nuts(normal_mean_model, (y, 0.0, 1.0, 1.0), num_warmup=500, num_samples=2000, num_chains=4)
    res = run(jax.random.key(7), y, jnp.asarray(0.0), jnp.asarray(2.0), jnp.asarray(1.0))
    exact = normal_normal_posterior(y, 0.0, 2.0, 1.0)
    draws = np.asarray(res.samples["mu"])
    assert draws.shape == (4, 2000)
    # conservative MCSE: NUTS on a 1-D Gaussian is nearly independent; allow ESS down to N/4
    mcse = float(exact.scale) / np.sqrt(draws.size / 4)
    assert abs(draws.mean() - float(exact.mean)) < 4 * mcse
    assert not np.any(np.asarray(res.diverging))


def test_jitted_nuts_reruns_without_recompiling():
    y = jnp.ones(5)
    run = make_nuts(normal_mean_model, (y, 0.0, 1.0, 1.0), num_warmup=50, num_samples=50)
    times = time_calls(run, [(jax.random.key(0), y, 0.0, s, 1.0) for s in (1.0, 2.0, 3.0, 4.0)])
    assert times.cached_median < times.first / 10


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(num_warmup=0), ValueError, "num_warmup must be >= 1, got 0"),
        (dict(num_samples=10.5), TypeError, "num_samples must be an int"),
        (dict(num_chains=0), ValueError, "num_chains must be >= 1"),
        (dict(target_accept_prob=1.5), ValueError, r"target_accept_prob must lie in \(0, 1\)"),
    ],
)
def test_make_nuts_rejects_bad_settings(kwargs, error, match):
    settings = dict(num_warmup=10, num_samples=10) | kwargs
    with pytest.raises(error, match=match):
        make_nuts(normal_mean_model, (jnp.ones(3), 0.0, 1.0, 1.0), **settings)


def test_normal_mean_experiment_masks_data_and_matches_closed_form():
    res = jax.jit(normal_mean_experiment, static_argnames="num_samples")(jax.random.key(1), 2.0, 7, num_samples=300)
    exact = normal_normal_posterior(res.y[:7], 0.0, 2.0, 1.0)
    assert np.isclose(float(res.exact_mean), float(exact.mean)) and np.isclose(float(res.exact_sd), float(exact.scale))
    assert res.trace.shape == (300,)


def test_random_features_gradient_and_covariance():
    x = jnp.linspace(-2, 2, 5)
    r = random_fourier_function(jax.random.key(0), x, 0.8, 64)
    assert np.allclose(r.grad_autodiff, r.grad_exact, atol=1e-12)
    # covariance of f(0), f(d) over many draws tends to exp(-d^2 / 2 l^2)
    draws = jax.vmap(lambda k: random_fourier_function(k, jnp.array([0.0, 0.8]), 0.8, 256).f)(
        jax.random.split(jax.random.key(1), 4000)
    )
    cov = float(jnp.mean(draws[:, 0] * draws[:, 1]))
    assert abs(cov - np.exp(-0.5)) < 0.05


def test_prior_predictive_of_the_mean_matches_simulation():
    """Closed form N(mu0, tau^2 + sigma^2/n) vs a plain NumPy simulation (4 standard errors)."""
    from priorscope.bayes import normal_mean_prior_predictive

    mu0, tau, sigma, n, draws = 0.5, 2.0, 1.5, 7, 200_000
    rng = np.random.default_rng(0)
    ybar = rng.normal(mu0, tau, draws) + rng.normal(0.0, sigma, (draws, n)).mean(axis=1)
    pp = normal_mean_prior_predictive(mu0, tau, sigma, n)
    var = float(pp.scale) ** 2
    assert abs(ybar.mean() - float(pp.mean)) <= 4 * np.sqrt(var / draws)
    assert abs(ybar.var(ddof=1) - var) <= 4 * var * np.sqrt(2 / (draws - 1))


def test_normal_mean_model_prior_predictive_draws_y():
    """y=None leaves y unobserved: Predictive draws it (a placeholder array would be returned unchanged)."""
    from numpyro.infer import Predictive

    from priorscope.bayes import normal_mean_prior_predictive

    n, draws = 5, 4000
    out = Predictive(normal_mean_model, num_samples=draws)(jax.random.key(1), None, 0.0, 2.0, 1.0, num_data=n)
    assert out["y"].shape == (draws, n)
    ybar = np.asarray(out["y"]).mean(axis=1)
    var = float(normal_mean_prior_predictive(0.0, 2.0, 1.0, n).scale) ** 2
    assert abs(ybar.var(ddof=1) - var) <= 4 * var * np.sqrt(2 / (draws - 1))
    conditioned = Predictive(normal_mean_model, num_samples=3)(jax.random.key(1), jnp.zeros(n), 0.0, 2.0, 1.0)
    assert float(jnp.abs(conditioned["y"]).max()) == 0.0  # the bug this API guards against


@pytest.mark.parametrize("num_data", [None, 0, -1, 2.5, True])
def test_prior_predictive_rejects_bad_num_data(num_data):
    from priorscope.bayes import normal_mean_prior_predictive

    with pytest.raises(ValueError, match="num_data must be an integer >= 1"):
        normal_mean_model(None, 0.0, 1.0, 1.0, num_data=num_data)
    with pytest.raises(ValueError, match="num_data must be an integer >= 1"):
        normal_mean_prior_predictive(0.0, 1.0, 1.0, num_data)
