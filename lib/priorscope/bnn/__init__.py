"""Bayesian neural networks: functional MLPs with Gaussian weight priors, function-space sampling and distances,
SG-MCMC posteriors and deep kernel machines (track B, notebooks 07-13).

Submodules: :mod:`priorscope.bnn.mlp` (networks, priors, function draws), :mod:`priorscope.bnn.wasserstein`
(Bures-W2, critic W1, Wasserstein prior matching), :mod:`priorscope.bnn.sgmcmc` (SGHMC/SGLD via blackjax),
:mod:`priorscope.bnn.dkm` (deep kernel machines); and, used through their module names in notebooks 10-13,
:mod:`~priorscope.bnn.martingale` (predictive resampling), :mod:`~priorscope.bnn.neural_process` (CNP / MPNP),
:mod:`~priorscope.bnn.universality` (mixture regret bounds), :mod:`~priorscope.bnn.fewshot` (NIW few-shot) and
:mod:`~priorscope.bnn.continual` (sequential Bayes and forgetting).
"""

from priorscope.bnn import continual as continual
from priorscope.bnn import fewshot as fewshot
from priorscope.bnn import martingale as martingale
from priorscope.bnn import neural_process as neural_process
from priorscope.bnn import universality as universality
from priorscope.bnn.dkm import DKMFit as DKMFit
from priorscope.bnn.dkm import arccos_gram as arccos_gram
from priorscope.bnn.dkm import dkm_objective as dkm_objective
from priorscope.bnn.dkm import fit_dkm as fit_dkm
from priorscope.bnn.dkm import nngp_grams as nngp_grams
from priorscope.bnn.mlp import ACTIVATIONS as ACTIVATIONS
from priorscope.bnn.mlp import flatten as flatten
from priorscope.bnn.mlp import init_mlp as init_mlp
from priorscope.bnn.mlp import log_prior as log_prior
from priorscope.bnn.mlp import mlp_apply as mlp_apply
from priorscope.bnn.mlp import sample_functions as sample_functions
from priorscope.bnn.mlp import sample_scale_mixture_functions as sample_scale_mixture_functions
from priorscope.bnn.sgmcmc import sgmcmc_sample as sgmcmc_sample
from priorscope.bnn.wasserstein import WassersteinFit as WassersteinFit
from priorscope.bnn.wasserstein import critic_w1 as critic_w1
from priorscope.bnn.wasserstein import fit_prior_wasserstein as fit_prior_wasserstein
from priorscope.bnn.wasserstein import gaussian_w2 as gaussian_w2

__all__ = [
    "ACTIVATIONS",
    "init_mlp",
    "mlp_apply",
    "flatten",
    "log_prior",
    "sample_functions",
    "sample_scale_mixture_functions",
    "gaussian_w2",
    "critic_w1",
    "WassersteinFit",
    "fit_prior_wasserstein",
    "sgmcmc_sample",
    "arccos_gram",
    "nngp_grams",
    "dkm_objective",
    "DKMFit",
    "fit_dkm",
]
