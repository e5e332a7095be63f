"""Bayesian building blocks for the foundations tutorials: conjugate closed forms and small NumPyro models."""

from priorscope.bayes.conjugate import NormalPosterior as NormalPosterior
from priorscope.bayes.conjugate import beta_binomial_posterior as beta_binomial_posterior
from priorscope.bayes.conjugate import normal_mean_prior_predictive as normal_mean_prior_predictive
from priorscope.bayes.conjugate import normal_normal_posterior as normal_normal_posterior
from priorscope.bayes.models import EIGHT_SCHOOLS as EIGHT_SCHOOLS
from priorscope.bayes.models import eight_schools_noncentered as eight_schools_noncentered
from priorscope.bayes.models import normal_mean_model as normal_mean_model

__all__ = [
    "NormalPosterior",
    "normal_normal_posterior",
    "normal_mean_prior_predictive",
    "beta_binomial_posterior",
    "normal_mean_model",
    "eight_schools_noncentered",
    "EIGHT_SCHOOLS",
]
from priorscope.bayes.experiments import BetaBinomialGrid as BetaBinomialGrid  # noqa: E402
from priorscope.bayes.experiments import NormalMeanExperiment as NormalMeanExperiment  # noqa: E402
from priorscope.bayes.experiments import beta_binomial_grid as beta_binomial_grid  # noqa: E402
from priorscope.bayes.experiments import normal_mean_experiment as normal_mean_experiment  # noqa: E402
from priorscope.bayes.hierarchical import EightSchoolsMoments as EightSchoolsMoments  # noqa: E402
from priorscope.bayes.hierarchical import eight_schools_exact_moments as eight_schools_exact_moments  # noqa: E402

__all__ += [
    "BetaBinomialGrid",
    "NormalMeanExperiment",
    "beta_binomial_grid",
    "normal_mean_experiment",
    "EightSchoolsMoments",
    "eight_schools_exact_moments",
]
from priorscope.bayes.random_features import RandomFunction as RandomFunction  # noqa: E402
from priorscope.bayes.random_features import random_fourier_function as random_fourier_function  # noqa: E402

__all__ += ["RandomFunction", "random_fourier_function"]
