"""Track F: selection, judges and inference-time scaling on tractable models.

* :mod:`~priorscope.scaling.selection`: best-of-k, softmax-at-temperature selection, votes;
* :mod:`~priorscope.scaling.selection_theory`: the exact best-of-k error of Gaussian candidates under a judge;
* :mod:`~priorscope.scaling.blr`: conjugate Bayesian linear regression (the policy of the judge-scaling model);
* :mod:`~priorscope.scaling.judges`: candidates and judges on the simplex, NumPyro model, coverage harness;
* :mod:`~priorscope.scaling.advantages`: group advantages (GRPO, Dr.GRPO, CANON) and a direction-flip bandit;
* :mod:`~priorscope.scaling.env`: a simulated reasoning environment with a known first-error index;
* :mod:`~priorscope.scaling.prm`: process reward models and their labels (MC, judge, consensus, SCAN soft labels);
* :mod:`~priorscope.scaling.biprm`: the bidirectional PRM (two reading directions fused by a gate);
* :mod:`~priorscope.scaling.scan`: SCAN data sets and its label-noise study;
* :mod:`~priorscope.scaling.search`: best-of-N over finished solutions;
* :mod:`~priorscope.scaling.tree_search`: step-level beam search and PUCT MCTS on a tree of candidate steps;
* :mod:`~priorscope.scaling.early_rejection`: token-level partial rewards and early rejection in beam search.
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
from priorscope.scaling.biprm import BiPRMParams as BiPRMParams
from priorscope.scaling.biprm import biprm_scores as biprm_scores
from priorscope.scaling.biprm import direction_study as direction_study
from priorscope.scaling.biprm import gate_values as gate_values
from priorscope.scaling.biprm import stream_features as stream_features
from priorscope.scaling.biprm import train_biprm as train_biprm
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
from priorscope.scaling.early_rejection import ERResult as ERResult
from priorscope.scaling.early_rejection import drop_best_prob as drop_best_prob
from priorscope.scaling.early_rejection import drop_best_rate as drop_best_rate
from priorscope.scaling.early_rejection import er_beam_search as er_beam_search
from priorscope.scaling.early_rejection import er_experiment as er_experiment
from priorscope.scaling.early_rejection import er_token_cost as er_token_cost
from priorscope.scaling.early_rejection import partial_and_full_rewards as partial_and_full_rewards
from priorscope.scaling.early_rejection import partial_means as partial_means
from priorscope.scaling.early_rejection import token_signals as token_signals
from priorscope.scaling.env import FEATURE_NAMES as FEATURE_NAMES
from priorscope.scaling.env import FeatureSpec as FeatureSpec
from priorscope.scaling.env import ReasoningEnv as ReasoningEnv
from priorscope.scaling.env import Trajectory as Trajectory
from priorscope.scaling.env import completion_success_prob as completion_success_prob
from priorscope.scaling.env import feature_spec as feature_spec
from priorscope.scaling.env import first_error_pmf as first_error_pmf
from priorscope.scaling.env import judge_first_error as judge_first_error
from priorscope.scaling.env import judge_first_error_pmf as judge_first_error_pmf
from priorscope.scaling.env import mc_rollout_counts as mc_rollout_counts
from priorscope.scaling.env import prefix_success_probs as prefix_success_probs
from priorscope.scaling.env import reasoning_env as reasoning_env
from priorscope.scaling.env import sample_difficulties as sample_difficulties
from priorscope.scaling.env import sample_trajectories as sample_trajectories
from priorscope.scaling.env import sample_trajectory as sample_trajectory
from priorscope.scaling.env import step_error_prob as step_error_prob
from priorscope.scaling.env import step_features as step_features
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
from priorscope.scaling.prm import AGGREGATORS as AGGREGATORS
from priorscope.scaling.prm import LABEL_SOURCES as LABEL_SOURCES
from priorscope.scaling.prm import MCLabels as MCLabels
from priorscope.scaling.prm import PRMData as PRMData
from priorscope.scaling.prm import PRMParams as PRMParams
from priorscope.scaling.prm import aggregate_scores as aggregate_scores
from priorscope.scaling.prm import annotate as annotate
from priorscope.scaling.prm import evaluate_prm as evaluate_prm
from priorscope.scaling.prm import first_error_labels as first_error_labels
from priorscope.scaling.prm import init_prm as init_prm
from priorscope.scaling.prm import label_study as label_study
from priorscope.scaling.prm import mc_labels as mc_labels
from priorscope.scaling.prm import predict_first_error as predict_first_error
from priorscope.scaling.prm import prm_logits as prm_logits
from priorscope.scaling.prm import prm_scores as prm_scores
from priorscope.scaling.prm import processbench_f1 as processbench_f1
from priorscope.scaling.prm import scan_labels as scan_labels
from priorscope.scaling.prm import train_prm as train_prm
from priorscope.scaling.prm import training_labels as training_labels
from priorscope.scaling.scan import ScanData as ScanData
from priorscope.scaling.scan import scan_dataset as scan_dataset
from priorscope.scaling.scan import scan_noise_study as scan_noise_study
from priorscope.scaling.search import best_of_n as best_of_n
from priorscope.scaling.search import pass_at_n as pass_at_n
from priorscope.scaling.selection import best_of_k_index as best_of_k_index
from priorscope.scaling.selection import best_of_k_success as best_of_k_success
from priorscope.scaling.selection import majority_vote as majority_vote
from priorscope.scaling.selection import softmax_select as softmax_select
from priorscope.scaling.selection import softmax_selection_probs as softmax_selection_probs
from priorscope.scaling.selection import weighted_vote as weighted_vote
from priorscope.scaling.selection_theory import SelectionGeometry as SelectionGeometry
from priorscope.scaling.selection_theory import best_of_k_constant as best_of_k_constant
from priorscope.scaling.selection_theory import best_of_k_curve as best_of_k_curve
from priorscope.scaling.selection_theory import best_of_k_error as best_of_k_error
from priorscope.scaling.selection_theory import best_of_k_error_point as best_of_k_error_point
from priorscope.scaling.selection_theory import random_pick_error as random_pick_error
from priorscope.scaling.selection_theory import softmax_selection_error_mc as softmax_selection_error_mc
from priorscope.scaling.tree_search import NODE_FEATURE_NAMES as NODE_FEATURE_NAMES
from priorscope.scaling.tree_search import SCORERS as SCORERS
from priorscope.scaling.tree_search import Tree as Tree
from priorscope.scaling.tree_search import beam_search_accuracy as beam_search_accuracy
from priorscope.scaling.tree_search import candidate_auc as candidate_auc
from priorscope.scaling.tree_search import expand_candidates as expand_candidates
from priorscope.scaling.tree_search import mcts as mcts
from priorscope.scaling.tree_search import mcts_many as mcts_many
from priorscope.scaling.tree_search import step_beam_search as step_beam_search
from priorscope.scaling.tree_search import tree_value_targets as tree_value_targets

__all__ = [
    "FEATURE_NAMES",
    "FeatureSpec",
    "NODE_FEATURE_NAMES",
    "ReasoningEnv",
    "Trajectory",
    "completion_success_prob",
    "expand_candidates",
    "feature_spec",
    "first_error_pmf",
    "judge_first_error",
    "judge_first_error_pmf",
    "mc_rollout_counts",
    "partial_and_full_rewards",
    "partial_means",
    "prefix_success_probs",
    "reasoning_env",
    "sample_difficulties",
    "sample_trajectories",
    "sample_trajectory",
    "step_error_prob",
    "step_features",
    "token_signals",
    "AGGREGATORS",
    "BiPRMParams",
    "LABEL_SOURCES",
    "MCLabels",
    "PRMData",
    "PRMParams",
    "ScanData",
    "aggregate_scores",
    "annotate",
    "biprm_scores",
    "direction_study",
    "evaluate_prm",
    "first_error_labels",
    "gate_values",
    "init_prm",
    "label_study",
    "mc_labels",
    "predict_first_error",
    "prm_logits",
    "prm_scores",
    "processbench_f1",
    "scan_dataset",
    "scan_labels",
    "scan_noise_study",
    "stream_features",
    "train_biprm",
    "train_prm",
    "training_labels",
    "ERResult",
    "SCORERS",
    "Tree",
    "beam_search_accuracy",
    "best_of_n",
    "candidate_auc",
    "drop_best_prob",
    "drop_best_rate",
    "er_beam_search",
    "er_experiment",
    "er_token_cost",
    "mcts",
    "mcts_many",
    "pass_at_n",
    "step_beam_search",
    "tree_value_targets",
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
