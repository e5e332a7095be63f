"""Track F: selection, judges and inference-time scaling on tractable models.

* :mod:`~priorscope.scaling.selection`: best-of-k, softmax-at-temperature selection, votes, exact best-of-k
error;
* :mod:`~priorscope.scaling.blr`: conjugate Bayesian linear regression (the policy of the judge-scaling
model);
* :mod:`~priorscope.scaling.judges`: candidates and judges on the simplex, NumPyro model, coverage harness;
* :mod:`~priorscope.scaling.advantages`: group advantages (GRPO, Dr.GRPO, CANON) and a direction-flip bandit.
"""

from priorscope.scaling.advantages import ESTIMATORS as ESTIMATORS
from priorscope.scaling.advantages import DirectionFlipBandit as DirectionFlipBandit
from priorscope.scaling.advantages import TrainTrace as TrainTrace
from priorscope.scaling.advantages import bandit_accuracy as bandit_accuracy
from priorscope.scaling.advantages import canon_advantages as canon_advantages
from priorscope.scaling.advantages import canon_components as canon_components
from priorscope.scaling.advantages import canon_split as canon_split
from priorscope.scaling.advantages import dr_grpo_advantages as dr_grpo_advantages
from priorscope.scaling.advantages import grpo_advantages as grpo_advantages
from priorscope.scaling.advantages import length_shaped_advantages as length_shaped_advantages
from priorscope.scaling.advantages import make_direction_flip_bandit as make_direction_flip_bandit
from priorscope.scaling.advantages import train_bandit as train_bandit
from priorscope.scaling.advantages import train_canon_family as train_canon_family
from priorscope.scaling.blr import BLRPosterior as BLRPosterior
from priorscope.scaling.blr import blr_model as blr_model
from priorscope.scaling.blr import blr_posterior as blr_posterior
from priorscope.scaling.blr import blr_predictive as blr_predictive
from priorscope.scaling.blr import deterministic_equivalent as deterministic_equivalent
from priorscope.scaling.blr import empirical_geometry as empirical_geometry
from priorscope.scaling.blr import judge_geometry as judge_geometry
from priorscope.scaling.blr import misspecified_judge as misspecified_judge
from priorscope.scaling.blr import simulate_selection_errors as simulate_selection_errors
from priorscope.scaling.blr import teacher_student_data as teacher_student_data
from priorscope.scaling.judges import CoverageResult as CoverageResult
from priorscope.scaling.judges import coverage_experiment as coverage_experiment
from priorscope.scaling.judges import discretized_judge as discretized_judge
from priorscope.scaling.judges import expected_score as expected_score
from priorscope.scaling.judges import judge_prior_concentration as judge_prior_concentration
from priorscope.scaling.judges import make_judge_sampler as make_judge_sampler
from priorscope.scaling.judges import mixing_pair as mixing_pair
from priorscope.scaling.judges import observed_scores as observed_scores
from priorscope.scaling.judges import plugin_intervals as plugin_intervals
from priorscope.scaling.judges import posterior_intervals as posterior_intervals
from priorscope.scaling.judges import simplex_judge_model as simplex_judge_model
from priorscope.scaling.judges import simulate_counts as simulate_counts
from priorscope.scaling.selection import SelectionGeometry as SelectionGeometry
from priorscope.scaling.selection import best_of_k_constant as best_of_k_constant
from priorscope.scaling.selection import best_of_k_curve as best_of_k_curve
from priorscope.scaling.selection import best_of_k_error as best_of_k_error
from priorscope.scaling.selection import best_of_k_error_point as best_of_k_error_point
from priorscope.scaling.selection import best_of_k_index as best_of_k_index
from priorscope.scaling.selection import best_of_k_success as best_of_k_success
from priorscope.scaling.selection import majority_vote as majority_vote
from priorscope.scaling.selection import random_pick_error as random_pick_error
from priorscope.scaling.selection import softmax_select as softmax_select
from priorscope.scaling.selection import softmax_selection_error_mc as softmax_selection_error_mc
from priorscope.scaling.selection import softmax_selection_probs as softmax_selection_probs
from priorscope.scaling.selection import weighted_vote as weighted_vote

__all__ = [
    "CoverageResult",
    "coverage_experiment",
    "discretized_judge",
    "expected_score",
    "judge_prior_concentration",
    "make_judge_sampler",
    "mixing_pair",
    "observed_scores",
    "plugin_intervals",
    "posterior_intervals",
    "simplex_judge_model",
    "simulate_counts",
    "ESTIMATORS",
    "DirectionFlipBandit",
    "TrainTrace",
    "bandit_accuracy",
    "canon_advantages",
    "canon_components",
    "canon_split",
    "dr_grpo_advantages",
    "grpo_advantages",
    "length_shaped_advantages",
    "make_direction_flip_bandit",
    "train_bandit",
    "train_canon_family",
    "BLRPosterior",
    "SelectionGeometry",
    "best_of_k_constant",
    "best_of_k_curve",
    "best_of_k_error",
    "best_of_k_error_point",
    "best_of_k_index",
    "best_of_k_success",
    "blr_model",
    "blr_posterior",
    "blr_predictive",
    "deterministic_equivalent",
    "empirical_geometry",
    "judge_geometry",
    "majority_vote",
    "misspecified_judge",
    "random_pick_error",
    "simulate_selection_errors",
    "softmax_select",
    "softmax_selection_error_mc",
    "softmax_selection_probs",
    "teacher_student_data",
    "weighted_vote",
]
