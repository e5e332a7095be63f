"""Bayesian building blocks for the foundations tutorials: conjugate closed forms and small NumPyro models."""

from .conjugate import NormalPosterior, beta_binomial_posterior, normal_mean_prior_predictive, normal_normal_posterior
from .experiments import BetaBinomialGrid, NormalMeanExperiment, beta_binomial_grid, normal_mean_experiment
from .hierarchical import EightSchoolsMoments, eight_schools_exact_moments
from .models import EIGHT_SCHOOLS, eight_schools_noncentered, normal_mean_model
from .random_features import RandomFunction, random_fourier_function

__all__ = [
    "BetaBinomialGrid",
    "EIGHT_SCHOOLS",
    "EightSchoolsMoments",
    "NormalMeanExperiment",
    "NormalPosterior",
    "RandomFunction",
    "beta_binomial_grid",
    "beta_binomial_posterior",
    "eight_schools_exact_moments",
    "eight_schools_noncentered",
    "normal_mean_experiment",
    "normal_mean_model",
    "normal_mean_prior_predictive",
    "normal_normal_posterior",
    "random_fourier_function",
]
