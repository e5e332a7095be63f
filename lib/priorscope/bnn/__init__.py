"""Bayesian neural networks: functional MLPs with Gaussian weight priors, function-space sampling and distances,
SG-MCMC posteriors and deep kernel machines (track B, notebooks 07-13).

Submodules: :mod:`priorscope.bnn.mlp` (networks, priors, function draws).
"""

from priorscope.bnn.mlp import ACTIVATIONS as ACTIVATIONS
from priorscope.bnn.mlp import flatten as flatten
from priorscope.bnn.mlp import init_mlp as init_mlp
from priorscope.bnn.mlp import log_prior as log_prior
from priorscope.bnn.mlp import mlp_apply as mlp_apply
from priorscope.bnn.mlp import sample_functions as sample_functions
from priorscope.bnn.mlp import sample_scale_mixture_functions as sample_scale_mixture_functions

__all__ = [
    "ACTIVATIONS",
    "init_mlp",
    "mlp_apply",
    "flatten",
    "log_prior",
    "sample_functions",
    "sample_scale_mixture_functions",
]
