"""Amortized Bayesian inference with small transformers (notebooks 14, 15, 16; tutorial t06).

- :mod:`~priorscope.amortized.bar` — the Riemann ("bar") output distribution with half-normal tails;
- :mod:`~priorscope.amortized.priors` — priors as batch samplers (GP with and without hyperpriors, the LC-PFN
  learning-curve prior, GMM priors with linear-Gaussian observations) and their reference posteriors;
- :mod:`~priorscope.amortized.pfn` — the prior-fitted network, its prior-data loss and predictions;
- :mod:`~priorscope.amortized.lcpfn` — LC-PFN learning-curve extrapolation: the curve model for NUTS, the PFN's
  per-epoch predictive, tail log-likelihoods, early stopping, and real learning curves from scikit-learn's digits;
- :mod:`~priorscope.amortized.gmm` — distribution transformers on GMM tokens and the exact Kalman-mixture posterior;
- :mod:`~priorscope.amortized.checkpoints` — the shipped checkpoints' ``.npz`` format.

Attention, masks and the training loop come from :mod:`priorscope.nn`.
"""

from .bar import bar_borders, bar_cdf, bar_log_prob, bar_mean, bar_quantile
from .checkpoints import DATA_DIR, file_sha256, load_checkpoint, save_checkpoint
from .gmm import (
    dt_loss,
    dt_posterior,
    gmm_kl_mc,
    gmm_log_prob,
    gmm_sample,
    init_dt,
    kalman_gmm_posterior,
)
from .lcpfn import (
    LC_SITES,
    digits_learning_curves,
    lc_draws_log_pred,
    lc_model,
    lc_predictive_samples,
    lc_tail_mean,
    lcpfn_improve_probability,
    lcpfn_inputs,
    lcpfn_log_pred,
    lcpfn_logits,
    make_lc_nuts,
)
from .pfn import init_pfn, make_pfn_loss, pfn_logits, pfn_nll
from .priors import (
    GPHyperprior,
    gp_exact_log_pred,
    gp_hyper_model,
    gp_mixture_log_pred,
    lc_basis_curves,
    lc_is_valid,
    lc_mean_curves,
    sample_gmm_tasks,
    sample_gp_batch,
    sample_lc_curves,
)

__all__ = [
    "DATA_DIR",
    "GPHyperprior",
    "LC_SITES",
    "bar_borders",
    "bar_cdf",
    "bar_log_prob",
    "bar_mean",
    "bar_quantile",
    "digits_learning_curves",
    "dt_loss",
    "dt_posterior",
    "file_sha256",
    "gmm_kl_mc",
    "gmm_log_prob",
    "gmm_sample",
    "gp_exact_log_pred",
    "gp_hyper_model",
    "gp_mixture_log_pred",
    "init_dt",
    "init_pfn",
    "kalman_gmm_posterior",
    "lc_basis_curves",
    "lc_draws_log_pred",
    "lc_is_valid",
    "lc_mean_curves",
    "lc_model",
    "lc_predictive_samples",
    "lc_tail_mean",
    "lcpfn_improve_probability",
    "lcpfn_inputs",
    "lcpfn_log_pred",
    "lcpfn_logits",
    "load_checkpoint",
    "make_lc_nuts",
    "make_pfn_loss",
    "pfn_logits",
    "pfn_nll",
    "sample_gmm_tasks",
    "sample_gp_batch",
    "sample_lc_curves",
    "save_checkpoint",
]
