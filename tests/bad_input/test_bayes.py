"""Bad input to priorscope.bayes."""

import jax
import jax.numpy as jnp
import pytest

from priorscope import bayes

from ._cases import NAN, Case, ids, run

KEY = jax.random.key(0)
Y = jnp.array([0.2, 1.1, 0.4])
ES = bayes.EIGHT_SCHOOLS

CASES = [
    Case("normal_normal_posterior", "prior_scale", lambda: bayes.normal_normal_posterior(Y, 0.0, -1.0, 1.0)),
    Case("normal_normal_posterior", "y", lambda: bayes.normal_normal_posterior(Y.at[1].set(NAN), 0.0, 1.0, 1.0)),
    Case.jit(
        "normal_normal_posterior",
        "noise_scale",
        lambda: jax.jit(lambda s: bayes.normal_normal_posterior(Y, 0.0, 1.0, s))(-1.0),
    ),
    Case("NormalPosterior", "noise_scale", lambda: bayes.normal_normal_posterior(Y, 0.0, 1.0, 0.0)),
    Case("beta_binomial_posterior", "successes", lambda: bayes.beta_binomial_posterior(7, 5, 1.0, 1.0)),
    Case("beta_binomial_posterior", "alpha", lambda: bayes.beta_binomial_posterior(3, 5, -1.0, 1.0)),
    Case("beta_binomial_grid", "num_points", lambda: bayes.beta_binomial_grid(1.0, 1.0, 3, 5, num_points=1)),
    Case("beta_binomial_grid", "trials", lambda: bayes.beta_binomial_grid(1.0, 1.0, 3, -5)),
    Case("BetaBinomialGrid", "beta", lambda: bayes.beta_binomial_grid(1.0, 0.0, 3, 5)),
    Case("normal_mean_model", "prior_scale", lambda: bayes.normal_mean_model(Y, 0.0, -1.0, 1.0)),
    Case("eight_schools_noncentered", "sigma", lambda: bayes.eight_schools_noncentered(-jnp.ones(8))),
    Case("normal_mean_experiment", "num_samples", lambda: bayes.normal_mean_experiment(KEY, 1.0, 10, 0)),
    Case("normal_mean_experiment", "prior_scale", lambda: bayes.normal_mean_experiment(KEY, -1.0, 10, 20, max_data=20)),
    Case("normal_mean_experiment", "num_data", lambda: bayes.normal_mean_experiment(KEY, 1.0, 30, 20, max_data=20)),
    Case(
        "NormalMeanExperiment",
        "noise_scale",
        lambda: bayes.normal_mean_experiment(KEY, 1.0, 10, 20, max_data=20, noise_scale=0.0),
    ),
    Case(
        "eight_schools_exact_moments",
        "sigma",
        lambda: bayes.eight_schools_exact_moments(ES["y"], -jnp.asarray(ES["sigma"])),
    ),
    Case(
        "eight_schools_exact_moments",
        "num_points",
        lambda: bayes.eight_schools_exact_moments(ES["y"], ES["sigma"], num_points=1),
    ),
    Case(
        "EightSchoolsMoments",
        "tau_scale",
        lambda: bayes.eight_schools_exact_moments(ES["y"], ES["sigma"], tau_scale=0.0),
    ),
    Case(
        "random_fourier_function",
        "lengthscale",
        lambda: bayes.random_fourier_function(KEY, jnp.linspace(0, 1, 5), -1.0, 16),
    ),
    Case(
        "random_fourier_function",
        "num_features",
        lambda: bayes.random_fourier_function(KEY, jnp.linspace(0, 1, 5), 1.0, 0),
    ),
    Case("RandomFunction", "x", lambda: bayes.random_fourier_function(KEY, jnp.array([0.0, NAN]), 1.0, 4)),
    Case("normal_mean_prior_predictive", "prior_scale", lambda: bayes.normal_mean_prior_predictive(0.0, -1.0, 1.0, 5)),
    Case("normal_mean_prior_predictive", "num_data", lambda: bayes.normal_mean_prior_predictive(0.0, 1.0, 1.0, 0)),
]

EXEMPT = {"EIGHT_SCHOOLS": "a constant (the data set)"}


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_bad_input(case):
    run(case)
