"""Weighted particles: log-weights and ESS, resampling, SMC over Feynman–Kac models, tempered SMC."""

from priorscope.particles import resampling as resampling
from priorscope.particles import smc as smc
from priorscope.particles import tempering as tempering
from priorscope.particles import toy as toy
from priorscope.particles import weights as weights
from priorscope.particles.resampling import SCHEMES, multinomial, resample, stratified, systematic
from priorscope.particles.smc import SMCInfo, SMCState
from priorscope.particles.tempering import rwmh, tempered_smc
from priorscope.particles.toy import BumpLikelihoodToy, importance_experiment, make_bimodal_toy, smc_experiment
from priorscope.particles.weights import (
    ess,
    ess_fraction,
    log_ess,
    log_mean_weight,
    log_normalize,
    normalize,
    weighted_mean,
    weighted_var,
)

__all__ = [
    "resampling",
    "smc",
    "tempering",
    "toy",
    "weights",
    "SCHEMES",
    "multinomial",
    "resample",
    "stratified",
    "systematic",
    "SMCInfo",
    "SMCState",
    "rwmh",
    "tempered_smc",
    "BumpLikelihoodToy",
    "make_bimodal_toy",
    "importance_experiment",
    "smc_experiment",
    "ess",
    "ess_fraction",
    "log_ess",
    "log_mean_weight",
    "log_normalize",
    "normalize",
    "weighted_mean",
    "weighted_var",
]
