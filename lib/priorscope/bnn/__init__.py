"""Bayesian neural networks: functional MLPs with Gaussian weight priors, function-space sampling and distances,
SG-MCMC posteriors and deep kernel machines (track B, notebooks 07-13).

Submodules: :mod:`priorscope.bnn.mlp` (networks, priors, function draws), :mod:`priorscope.bnn.wasserstein`
(Bures-W2, critic W1, Wasserstein prior matching), :mod:`priorscope.bnn.sgmcmc` (SGHMC/SGLD via blackjax),
:mod:`priorscope.bnn.dkm` (deep kernel machines); and, used through their module names in notebooks 10-13,
:mod:`~priorscope.bnn.martingale` (predictive resampling), :mod:`~priorscope.bnn.neural_process` (CNP / MPNP),
:mod:`~priorscope.bnn.universality` (mixture regret bounds), :mod:`~priorscope.bnn.fewshot` (NIW few-shot) and
:mod:`~priorscope.bnn.continual` (sequential Bayes and forgetting).
"""

from . import continual, fewshot, martingale, neural_process, universality
from .dkm import DKMFit, arccos_gram, dkm_objective, fit_dkm, nngp_grams
from .mlp import ACTIVATIONS, flatten, init_mlp, log_prior, mlp_apply, sample_functions, sample_scale_mixture_functions
from .sgmcmc import sgmcmc_sample
from .wasserstein import WassersteinFit, critic_w1, fit_prior_wasserstein, gaussian_w2

__all__ = [
    "ACTIVATIONS",
    "DKMFit",
    "WassersteinFit",
    "arccos_gram",
    "continual",
    "critic_w1",
    "dkm_objective",
    "fewshot",
    "fit_dkm",
    "fit_prior_wasserstein",
    "flatten",
    "gaussian_w2",
    "init_mlp",
    "log_prior",
    "martingale",
    "mlp_apply",
    "neural_process",
    "nngp_grams",
    "sample_functions",
    "sample_scale_mixture_functions",
    "sgmcmc_sample",
    "universality",
]
