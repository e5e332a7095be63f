"""Weighted particles: log-weights and ESS, resampling, SMC over Feynman–Kac models, tempered SMC."""

from . import resampling, smc, tempering, toy, weights
from .resampling import SCHEMES, multinomial, resample, stratified, systematic
from .smc import SMCInfo, SMCState
from .tempering import rwmh, tempered_smc
from .toy import BumpLikelihoodToy, importance_experiment, make_bimodal_toy, smc_experiment
from .weights import ess, ess_fraction, log_ess, log_mean_weight, log_normalize, normalize, weighted_mean, weighted_var

__all__ = [
    "BumpLikelihoodToy",
    "SCHEMES",
    "SMCInfo",
    "SMCState",
    "ess",
    "ess_fraction",
    "importance_experiment",
    "log_ess",
    "log_mean_weight",
    "log_normalize",
    "make_bimodal_toy",
    "multinomial",
    "normalize",
    "resample",
    "resampling",
    "rwmh",
    "smc",
    "smc_experiment",
    "stratified",
    "systematic",
    "tempered_smc",
    "tempering",
    "toy",
    "weighted_mean",
    "weighted_var",
    "weights",
]
