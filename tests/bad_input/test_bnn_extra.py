"""Bad input to the track-B modules of branch bnn_b: priorscope.bnn.{continual, martingale, neural_process,
universality, fewshot}. Every name in each module's ``__all__`` has a case or a justified exemption (checked below,
since ``priorscope.bnn.__all__`` belongs to the track's package ``__init__``)."""

import importlib

import jax
import jax.numpy as jnp
import pytest

from priorscope.bnn import continual as C

from ._cases import NAN, Case, ids, run

KEY = jax.random.key(0)
PRIOR = C.GaussianPosterior(jnp.zeros(2), jnp.eye(2))
PHI, Y = jnp.ones((3, 2)), jnp.zeros(3)
STATE = C.prototype_init(3, 2, 1.0)
TRAIN = (jnp.zeros((2, 4, 2)), jnp.zeros((2, 4)))

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

EXEMPT = {
    "GaussianPosterior": "a plain result container (mean, covariance)",
    "PrototypeState": "a plain result container of natural parameters",
    "SequentialBNNResult": "a plain result container of accuracies",
    "ForgettingCurve": "a plain result container returned by forgetting_curve",
    "sequential_bnn_model": "a NumPyro model run only through make_nuts, whose checks cover its arguments",
}

MODULES = ["continual"]


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_bad_input(case):
    run(case)


@pytest.mark.parametrize("module", MODULES)
def test_every_public_name_has_a_case(module):
    public = set(importlib.import_module(f"priorscope.bnn.{module}").__all__)
    missing = sorted(public - {c.target for c in CASES} - set(EXEMPT))
    assert not missing, f"priorscope.bnn.{module}: no bad-input case for {missing}"
