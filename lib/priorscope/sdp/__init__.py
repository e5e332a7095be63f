"""Stochastic dynamic programming under model uncertainty: the fisheries example of notebook 06."""

from .dp import DPSolution, policy_iteration, simulate_policy, value_iteration
from .experiments import MODELS, Replicate, fisheries_replicate
from .fisheries import (
    AlleeParams,
    BayesLinearFit,
    allee_growth,
    bin_edges,
    fit_log_growth,
    gp_transition,
    lognormal_transition,
    normal_transition,
    observation_pairs,
    parametric_transition,
    simulate_unharvested,
)

__all__ = [
    "AlleeParams",
    "BayesLinearFit",
    "DPSolution",
    "MODELS",
    "Replicate",
    "allee_growth",
    "bin_edges",
    "fisheries_replicate",
    "fit_log_growth",
    "gp_transition",
    "lognormal_transition",
    "normal_transition",
    "observation_pairs",
    "parametric_transition",
    "policy_iteration",
    "simulate_policy",
    "simulate_unharvested",
    "value_iteration",
]
