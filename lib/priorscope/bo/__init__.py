"""Bayesian optimisation on finite candidate grids.

Acquisitions (EI, log-EI, PI, UCB, exact knowledge gradient, Frazier's noisy EI, Thompson sampling, max-value
entropy search; the loop calls each the same way, ``score(key, belief, params)``, through
``bo.acquisitions.REGISTRY``), the BO loop as an ``init``/``step`` pair run by :func:`priorscope.iterate.run` with
regret bookkeeping, the rarely-switching GP-UCB of Calandriello et al. (2022), test problems, and the
neural-network surrogates of notebook 03.
"""

from priorscope.bo.acquisitions import AcquisitionParams as AcquisitionParams
from priorscope.bo.acquisitions import GridBelief as GridBelief
from priorscope.bo.acquisitions import expected_improvement as expected_improvement
from priorscope.bo.acquisitions import expected_max_affine as expected_max_affine
from priorscope.bo.acquisitions import knowledge_gradient as knowledge_gradient
from priorscope.bo.acquisitions import log_expected_improvement as log_expected_improvement
from priorscope.bo.acquisitions import max_value_entropy_search as max_value_entropy_search
from priorscope.bo.acquisitions import noisy_expected_improvement as noisy_expected_improvement
from priorscope.bo.acquisitions import probability_of_improvement as probability_of_improvement
from priorscope.bo.acquisitions import thompson_sample as thompson_sample
from priorscope.bo.acquisitions import upper_confidence_bound as upper_confidence_bound
from priorscope.bo.experiments import fixed_problem_study as fixed_problem_study
from priorscope.bo.experiments import regret_study as regret_study
from priorscope.bo.loop import ACQUISITIONS as ACQUISITIONS
from priorscope.bo.loop import BOInfo as BOInfo
from priorscope.bo.loop import BOState as BOState
from priorscope.bo.loop import GridProblem as GridProblem
from priorscope.bo.loop import acquisition_scores as acquisition_scores
from priorscope.bo.loop import grid_bo as grid_bo
from priorscope.bo.loop import grid_posterior as grid_posterior
from priorscope.bo.loop import init as init
from priorscope.bo.loop import run as run
from priorscope.bo.loop import step as step
from priorscope.bo.problems import branin_problem as branin_problem
from priorscope.bo.problems import forrester as forrester
from priorscope.bo.problems import gp_sample_problem as gp_sample_problem
from priorscope.bo.problems import gramacy_lee as gramacy_lee
from priorscope.bo.regret import cumulative_regret as cumulative_regret
from priorscope.bo.regret import instantaneous_regret as instantaneous_regret
from priorscope.bo.regret import simple_regret as simple_regret
from priorscope.bo.surrogates import ensemble_predict as ensemble_predict
from priorscope.bo.surrogates import fit_ensemble as fit_ensemble
from priorscope.bo.surrogates import hmc_bnn_predict as hmc_bnn_predict
from priorscope.bo.surrogates import mlp_apply as mlp_apply
from priorscope.bo.surrogates import relu_net_outputs as relu_net_outputs
from priorscope.bo.switching import SwitchInfo as SwitchInfo
from priorscope.bo.switching import SwitchState as SwitchState
from priorscope.bo.switching import batch_size as batch_size
from priorscope.bo.switching import switching_bo as switching_bo
from priorscope.bo.switching import switching_init as switching_init
from priorscope.bo.switching import switching_run as switching_run
from priorscope.bo.switching import switching_step as switching_step

__all__ = [
    "AcquisitionParams",
    "GridBelief",
    "expected_improvement",
    "expected_max_affine",
    "knowledge_gradient",
    "log_expected_improvement",
    "max_value_entropy_search",
    "noisy_expected_improvement",
    "probability_of_improvement",
    "thompson_sample",
    "upper_confidence_bound",
    "ACQUISITIONS",
    "BOInfo",
    "BOState",
    "GridProblem",
    "acquisition_scores",
    "grid_bo",
    "grid_posterior",
    "init",
    "run",
    "step",
    "forrester",
    "gp_sample_problem",
    "gramacy_lee",
    "cumulative_regret",
    "instantaneous_regret",
    "simple_regret",
    "fixed_problem_study",
    "regret_study",
    "branin_problem",
    "ensemble_predict",
    "fit_ensemble",
    "hmc_bnn_predict",
    "mlp_apply",
    "relu_net_outputs",
    "SwitchInfo",
    "SwitchState",
    "batch_size",
    "switching_bo",
    "switching_init",
    "switching_run",
    "switching_step",
]
