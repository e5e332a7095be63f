"""Bad input to the track-B modules of branch bnn_b: priorscope.bnn.{continual, martingale, neural_process,
universality, fewshot}. Every name in each module's ``__all__`` has a case or a justified exemption (checked below,
since ``priorscope.bnn.__all__`` belongs to the track's package ``__init__``)."""

import importlib

import jax
import jax.numpy as jnp
import pytest

from priorscope.bnn import continual as C
from priorscope.bnn import fewshot as FS
from priorscope.bnn import martingale as MP
from priorscope.bnn import neural_process as NP
from priorscope.bnn import universality as UN

from ._cases import NAN, Case, ids, run

KEY = jax.random.key(0)
PRIOR = C.GaussianPosterior(jnp.zeros(2), jnp.eye(2))
PHI, Y = jnp.ones((3, 2)), jnp.zeros(3)
STATE = C.prototype_init(3, 2, 1.0)
TRAIN = (jnp.zeros((2, 4, 2)), jnp.zeros((2, 4)))
YS = jnp.array([0.1, 0.5, -0.3])
TASKS = NP.NPTasks(jnp.zeros((2, 5)), jnp.zeros((2, 5)), jnp.zeros((2, 5)))
_MODEL = []


def _model():
    if not _MODEL:
        _MODEL.append(NP.init_neural_process(KEY, 4, 0))
    return _MODEL[0]


CASES = [
    # continual
    Case("blr_batch_posterior", "noise_std", lambda: C.blr_batch_posterior(PRIOR, PHI, Y, 0.0)),
    Case("blr_batch_posterior", "features", lambda: C.blr_batch_posterior(PRIOR, jnp.ones((0, 2)), jnp.zeros(0), 1.0)),
    Case("blr_batch_posterior", "prior", lambda: C.blr_batch_posterior((0, 1), PHI, Y, 1.0)),
    Case("blr_update", "features", lambda: C.blr_update(PRIOR, jnp.ones((3, 5)), Y, 1.0)),
    Case("blr_update", "noise_std", lambda: C.blr_update(PRIOR, PHI, Y, -1.0)),
    Case("blr_sequential_posteriors", "tasks", lambda: C.blr_sequential_posteriors(PRIOR, [], 1.0)),
    Case("polynomial_features", "degree", lambda: C.polynomial_features(jnp.ones(3), -1)),
    Case("predictive_mse", "features", lambda: C.predictive_mse(PRIOR, jnp.ones((3, 4)), Y)),
    Case("mlp_num_params", "hidden", lambda: C.mlp_num_params(2, 0)),
    Case("mlp_logits", "params", lambda: C.mlp_logits(jnp.zeros(5), jnp.ones((3, 2)), 4)),
    Case("fit_gaussian_density", "samples", lambda: C.fit_gaussian_density(jnp.array([[1.0, NAN], [0.0, 1.0]]))),
    Case("fit_gaussian_density", "jitter", lambda: C.fit_gaussian_density(jnp.ones((4, 2)), jitter=0.0)),
    Case("blob_tasks", "num_blobs", lambda: C.blob_tasks(KEY, 5, num_blobs=3)),
    Case("blob_tasks", "blob_std", lambda: C.blob_tasks(KEY, 5, blob_std=-0.1)),
    Case("prototype_init", "prior_std", lambda: C.prototype_init(3, 2, 0.0)),
    Case("prototype_update", "x", lambda: C.prototype_update(STATE, jnp.ones((0, 2)), jnp.zeros(0, int), 1.0)),
    Case("prototype_predict", "noise_std", lambda: C.prototype_predict(STATE, jnp.ones((2, 2)), 0.0)),
    Case("bayes_optimal_accuracy", "blob_std", lambda: C.bayes_optimal_accuracy(PHI, Y, PHI, 0.0)),
    Case("forgetting_curve", "imbalance", lambda: C.forgetting_curve(KEY, 1, 2, 3, imbalance=0.0)),
    Case("forgetting_curve", "num_tasks", lambda: C.forgetting_curve(KEY, 1, 0, 3)),
    Case.jit(
        "forgetting_curve", "noise_std", lambda: jax.jit(lambda s: C.forgetting_curve(KEY, 1, 2, 3, 1.0, s))(-1.0)
    ),
    Case(
        "sequential_bnn_experiment",
        "prior_std",
        lambda: C.sequential_bnn_experiment(KEY, TRAIN, TRAIN, hidden=2, prior_std=0.0, num_warmup=2, num_samples=2),
    ),
    Case(
        "sequential_bnn_experiment",
        "train",
        lambda: C.sequential_bnn_experiment(
            KEY, (jnp.zeros((2, 0, 2)), jnp.zeros((2, 0))), TRAIN, hidden=2, prior_std=1.0, num_warmup=2, num_samples=2
        ),
    ),
]

CASES += [
    # martingale
    Case("normal_predictive_resampling", "y", lambda: MP.normal_predictive_resampling(KEY, jnp.zeros(0), 1.0, 5, 5)),
    Case("normal_predictive_resampling", "noise_std", lambda: MP.normal_predictive_resampling(KEY, YS, 0.0, 5, 5)),
    Case("normal_predictive_resampling", "num_future", lambda: MP.normal_predictive_resampling(KEY, YS, 1.0, 0, 5)),
    Case("normal_resampling_variance", "num_obs", lambda: MP.normal_resampling_variance(0, 5, 1.0)),
    Case("normal_resampling_variance", "noise_std", lambda: MP.normal_resampling_variance(3, 5, -1.0)),
    Case("polya_urn_resampling", "y", lambda: MP.polya_urn_resampling(KEY, jnp.array([1.0, NAN]), 5, 5)),
    Case("polya_urn_resampling", "num_draws", lambda: MP.polya_urn_resampling(KEY, YS, 5, 0)),
    Case("bayesian_bootstrap_variance", "y", lambda: MP.bayesian_bootstrap_variance(jnp.zeros(0))),
    Case("bayesian_bootstrap_variance", "num_future", lambda: MP.bayesian_bootstrap_variance(YS, 0.0)),
    # neural processes
    Case("sample_gp_tasks", "min_context", lambda: NP.sample_gp_tasks(KEY, 2, 10, 0, 3)),
    Case("sample_gp_tasks", "max_context", lambda: NP.sample_gp_tasks(KEY, 2, 10, 2, 10)),
    Case("sample_gp_tasks", "lengthscale", lambda: NP.sample_gp_tasks(KEY, 2, 10, 1, 3, lengthscale=0.0)),
    Case("gp_oracle_nll", "noise_std", lambda: NP.gp_oracle_nll(TASKS, 0.4, 1.0, 0.0)),
    Case("init_neural_process", "num_pseudo", lambda: NP.init_neural_process(KEY, 8, -1)),
    Case("init_neural_process", "dim", lambda: NP.init_neural_process(KEY, 0, 0)),
    Case("np_predict", "tasks.mask", lambda: NP.np_predict(_model(), KEY, TASKS, 2), match="context"),
    Case("np_marginal_nll", "num_samples", lambda: NP.np_marginal_nll(_model(), KEY, TASKS, 0)),
    Case(
        "train_neural_process",
        "learning_rate",
        lambda: NP.train_neural_process(
            KEY, _model(), num_steps=1, batch=2, num_points=5, max_context=2, learning_rate=0.0
        ),
    ),
]

TH, LW = UN.grid_hypotheses(10)
CASES += [
    # universality
    Case("grid_hypotheses", "num", lambda: UN.grid_hypotheses(1)),
    Case("simple_plus_grid_prior", "num", lambda: UN.simple_plus_grid_prior(11, 0.5)),
    Case("simple_plus_grid_prior", "simple_mass", lambda: UN.simple_plus_grid_prior(10, 1.0)),
    Case("mixture_regret", "theta_star", lambda: UN.mixture_regret(10, 1.0, TH, LW)),
    Case("mixture_regret", "n", lambda: UN.mixture_regret(0, 0.5, TH, LW)),
    Case("mixture_regret", "thetas", lambda: UN.mixture_regret(10, 0.5, TH.at[0].set(0.0), LW)),
    Case("beta_mixture_regret", "theta_star", lambda: UN.beta_mixture_regret(10, -0.1)),
    Case("weight_of_ball", "eps", lambda: UN.weight_of_ball(0.5, TH, LW, jnp.array([-0.1]))),
    Case("weight_bound", "log_weights", lambda: UN.weight_bound(10, 0.5, TH, LW[:3], jnp.array([0.1]))),
]

NIW0 = FS.NIW(jnp.zeros(4), jnp.asarray(1.0), jnp.eye(4), jnp.asarray(6.0))
NIW_BAD_NU = FS.NIW(jnp.zeros(4), jnp.asarray(1.0), jnp.eye(4), jnp.asarray(2.0))
NIW_BAD_L = FS.NIW(jnp.zeros(4), jnp.asarray(-1.0), jnp.eye(4), jnp.asarray(6.0))
EP = (jnp.zeros((3, 5)), jnp.zeros((3, 5)))
CASES += [
    # fewshot
    Case("sample_episodes", "noise_std", lambda: FS.sample_episodes(KEY, 3, 5, jnp.zeros(4), jnp.eye(4), 0.0)),
    Case("sample_episodes", "num_points", lambda: FS.sample_episodes(KEY, 3, 0, jnp.zeros(4), jnp.eye(4), 0.3)),
    Case(
        "gaussian_prior_query_nll",
        "support",
        lambda: FS.gaussian_prior_query_nll(jnp.zeros(4), jnp.eye(4), (jnp.zeros((2, 0)), jnp.zeros((2, 0))), EP, 0.3),
    ),
    Case(
        "gaussian_prior_query_nll",
        "noise_std",
        lambda: FS.gaussian_prior_query_nll(jnp.zeros(4), jnp.eye(4), EP, EP, -1.0),
    ),
    Case("niw_logpdf", "p.nu", lambda: FS.niw_logpdf(NIW_BAD_NU, jnp.zeros(4), jnp.eye(4))),
    Case("niw_posterior", "prior.l", lambda: FS.niw_posterior(NIW_BAD_L, jnp.zeros((3, 4)))),
    Case("niw_posterior", "thetas", lambda: FS.niw_posterior(NIW0, jnp.zeros((0, 4)))),
    Case("niw_kl", "q.nu", lambda: FS.niw_kl(NIW_BAD_NU, NIW0)),
    Case("niw_kl", "p", lambda: FS.niw_kl(NIW0, (1, 2))),
    Case("train_niw", "noise_std", lambda: FS.train_niw(KEY, EP, NIW0, noise_std=0.0, num_steps=1)),
    Case("train_niw", "num_steps", lambda: FS.train_niw(KEY, EP, NIW0, noise_std=0.3, num_steps=0)),
    Case("train_niw", "prior.nu", lambda: FS.train_niw(KEY, EP, NIW_BAD_NU, noise_std=0.3, num_steps=1)),
    Case("niw_mean_cov", "p.nu", lambda: FS.niw_mean_cov(FS.NIW(jnp.zeros(4), 1.0, jnp.eye(4), 4.5))),
]

EXEMPT = {
    "GaussianPosterior": "a plain result container (mean, covariance)",
    "PrototypeState": "a plain result container of natural parameters",
    "SequentialBNNResult": "a plain result container of accuracies",
    "ForgettingCurve": "a plain result container returned by forgetting_curve",
    "sequential_bnn_model": "a NumPyro model run only through make_nuts, whose checks cover its arguments",
    "NPTasks": "a plain container of task arrays",
    "NIW": "a plain container of NIW parameters; every function taking one checks it",
    "task_features": "an elementwise feature map defined for every real input",
    "bernoulli_kl": "an elementwise formula on arrays; out-of-range inputs give NaN/inf as in scipy.special.rel_entr",
    "NeuralProcess": "an equinox module built by init_neural_process, which checks its arguments",
}

MODULES = ["continual", "fewshot", "martingale", "neural_process", "universality"]


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_bad_input(case):
    run(case)


@pytest.mark.parametrize("module", MODULES)
def test_every_public_name_has_a_case(module):
    public = set(importlib.import_module(f"priorscope.bnn.{module}").__all__)
    missing = sorted(public - {c.target for c in CASES} - set(EXEMPT))
    assert not missing, f"priorscope.bnn.{module}: no bad-input case for {missing}"
