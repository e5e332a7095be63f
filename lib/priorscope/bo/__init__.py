"""Bayesian optimisation on finite candidate grids.

Acquisitions (EI, log-EI, PI, UCB, exact knowledge gradient, Frazier's noisy EI, Thompson sampling, max-value
entropy search; the loop calls each the same way, ``score(key, belief, params)``, through
``bo.acquisitions.REGISTRY``), the BO loop as an ``init``/``step`` pair run by :func:`priorscope.iterate.run` with
regret bookkeeping, the rarely-switching GP-UCB of Calandriello et al. (2022), test problems, and the
neural-network surrogates of notebook 03.
"""

from .acquisitions import (
    AcquisitionParams,
    GridBelief,
    expected_improvement,
    expected_max_affine,
    knowledge_gradient,
    log_expected_improvement,
    max_value_entropy_search,
    noisy_expected_improvement,
    probability_of_improvement,
    thompson_sample,
    upper_confidence_bound,
)
from .experiments import fixed_problem_study, regret_study
from .loop import (
    ACQUISITIONS,
    BOInfo,
    BOState,
    GridProblem,
    acquisition_scores,
    grid_bo,
    grid_posterior,
    init,
    run,
    step,
)
from .problems import branin_problem, forrester, gp_sample_problem, gramacy_lee
from .regret import cumulative_regret, instantaneous_regret, simple_regret
from .surrogates import ensemble_predict, fit_ensemble, hmc_bnn_predict, mlp_apply, relu_net_outputs
from .switching import SwitchInfo, SwitchState, batch_size, switching_bo, switching_init, switching_run, switching_step

__all__ = [
    "ACQUISITIONS",
    "AcquisitionParams",
    "BOInfo",
    "BOState",
    "GridBelief",
    "GridProblem",
    "SwitchInfo",
    "SwitchState",
    "acquisition_scores",
    "batch_size",
    "branin_problem",
    "cumulative_regret",
    "ensemble_predict",
    "expected_improvement",
    "expected_max_affine",
    "fit_ensemble",
    "fixed_problem_study",
    "forrester",
    "gp_sample_problem",
    "gramacy_lee",
    "grid_bo",
    "grid_posterior",
    "hmc_bnn_predict",
    "init",
    "instantaneous_regret",
    "knowledge_gradient",
    "log_expected_improvement",
    "max_value_entropy_search",
    "mlp_apply",
    "noisy_expected_improvement",
    "probability_of_improvement",
    "regret_study",
    "relu_net_outputs",
    "run",
    "simple_regret",
    "step",
    "switching_bo",
    "switching_init",
    "switching_run",
    "switching_step",
    "thompson_sample",
    "upper_confidence_bound",
]
