"""Stochastic dynamic programming under model uncertainty: the fisheries example of notebook 06."""

from priorscope.sdp.dp import DPSolution as DPSolution
from priorscope.sdp.dp import policy_iteration as policy_iteration
from priorscope.sdp.dp import simulate_policy as simulate_policy
from priorscope.sdp.dp import value_iteration as value_iteration
from priorscope.sdp.experiments import MODELS as MODELS
from priorscope.sdp.experiments import Replicate as Replicate
from priorscope.sdp.experiments import fisheries_replicate as fisheries_replicate
from priorscope.sdp.fisheries import AlleeParams as AlleeParams
from priorscope.sdp.fisheries import BayesLinearFit as BayesLinearFit
from priorscope.sdp.fisheries import allee_growth as allee_growth
from priorscope.sdp.fisheries import bin_edges as bin_edges
from priorscope.sdp.fisheries import fit_log_growth as fit_log_growth
from priorscope.sdp.fisheries import gp_transition as gp_transition
from priorscope.sdp.fisheries import lognormal_transition as lognormal_transition
from priorscope.sdp.fisheries import normal_transition as normal_transition
from priorscope.sdp.fisheries import observation_pairs as observation_pairs
from priorscope.sdp.fisheries import parametric_transition as parametric_transition
from priorscope.sdp.fisheries import simulate_unharvested as simulate_unharvested

__all__ = [
    "DPSolution",
    "policy_iteration",
    "simulate_policy",
    "value_iteration",
    "AlleeParams",
    "BayesLinearFit",
    "allee_growth",
    "bin_edges",
    "fit_log_growth",
    "gp_transition",
    "lognormal_transition",
    "normal_transition",
    "observation_pairs",
    "parametric_transition",
    "simulate_unharvested",
    "MODELS",
    "Replicate",
    "fisheries_replicate",
]
