"""Bad input to priorscope.minds (notebooks 35 and 36).

The cases of the language-model half of the subpackage (notebooks 33 and 34) live in ``test_minds_lm.py`` when that
file exists; they are merged here so that ``test_coverage.py`` sees one table for the whole subpackage.
"""

import importlib.util

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from priorscope import minds

from ._cases import NAN, Case, ids, run

KEY = jax.random.key(0)
LAM = minds.sparse_precision(KEY, 6, 2)
COV = jnp.linalg.inv(LAM)
S = jax.random.multivariate_normal(KEY, jnp.zeros(6), COV, (64,))
FIT = minds.AttentionFit(
    jnp.zeros((6, 6)), jnp.zeros((6, 6), bool), jnp.zeros((6, 6)), jnp.zeros(6), jnp.zeros(6), jnp.zeros(1)
)
FIT5 = FIT._replace(weights=jnp.zeros((5, 5)))

CASES = [
    Case("sparse_precision", "num_vars", lambda: minds.sparse_precision(KEY, 1, 1)),
    Case("sparse_precision", "max_degree", lambda: minds.sparse_precision(KEY, 6, 6)),
    Case("sparse_precision", "density", lambda: minds.sparse_precision(KEY, 6, 2, density=0.0)),
    Case("sparse_precision", "coupling", lambda: minds.sparse_precision(KEY, 6, 2, coupling=-1.0)),
    Case("sparse_precision", "ridge", lambda: minds.sparse_precision(KEY, 6, 2, ridge=0.0)),
    Case("markov_blanket", "precision", lambda: minds.markov_blanket(jnp.zeros((3, 4)))),
    Case("markov_blanket", "tol", lambda: minds.markov_blanket(LAM, tol=-1.0)),
    Case("conditional_from_precision", "target", lambda: minds.conditional_from_precision(LAM, 6)),
    Case("conditional_from_precision", "precision", lambda: minds.conditional_from_precision(LAM.at[0, 0].set(NAN), 0)),
    Case("gaussian_conditional", "target", lambda: minds.gaussian_conditional(COV, 7, jnp.ones(6, bool))),
    Case("gaussian_conditional", "given", lambda: minds.gaussian_conditional(COV, 0, jnp.ones(5, bool))),
    Case("gaussian_conditional", "cov", lambda: minds.gaussian_conditional(jnp.ones(6), 0, jnp.ones(6, bool))),
    Case("subset_nll", "given", lambda: minds.subset_nll(COV, 0, jnp.ones(4, bool))),
    Case("best_subsets", "k", lambda: minds.best_subsets(COV, 6)),
    Case("best_subsets", "cov", lambda: minds.best_subsets(COV.at[1, 2].set(np.inf), 2)),
    Case("bottleneck_costs", "max_k", lambda: minds.bottleneck_costs(COV, 0)),
    Case("entangling_rotation", "angle", lambda: minds.entangling_rotation(KEY, 6, -0.5)),
    Case.jit("entangling_rotation", "angle", lambda: jax.jit(lambda a: minds.entangling_rotation(KEY, 6, a))(-0.5)),
    Case("entangling_rotation", "num_vars", lambda: minds.entangling_rotation(KEY, 1, 0.5)),
    Case("train_attention", "k", lambda: minds.train_attention(KEY, S, 0)),
    Case("train_attention", "samples", lambda: minds.train_attention(KEY, S[:, 0], 1)),
    Case("train_attention", "samples", lambda: minds.train_attention(KEY, S.at[0, 0].set(NAN), 1)),
    Case("train_attention", "batch_size", lambda: minds.train_attention(KEY, S, 2, batch_size=65)),
    Case(
        "train_attention", "learning_rate", lambda: minds.train_attention(KEY, S, 2, batch_size=32, learning_rate=0.0)
    ),
    Case("train_attention", "sparsity", lambda: minds.train_attention(KEY, S, 2, batch_size=32, sparsity=-0.1)),
    Case("readout_nll", "fit", lambda: minds.readout_nll(COV, FIT5)),
    Case("blanket_scores", "selected", lambda: minds.blanket_scores(jnp.zeros((6, 5), bool), jnp.zeros((6, 6), bool))),
]

DATA = minds.fsm_sine_data(KEY, 2, 12)
PV = minds.init_pvrnn(KEY, 1, 4, 2)
A = jnp.zeros((12, 2, 2))
EPS = jnp.zeros((12, 2))
POST = jnp.ones(12, bool)
CASES += [
    Case("gaussian_kl", "mu_p", lambda: minds.gaussian_kl(jnp.zeros(2), jnp.zeros(2), jnp.zeros(3), jnp.zeros(2))),
    Case("fsm_sine_data", "num_seqs", lambda: minds.fsm_sine_data(KEY, 0, 10)),
    Case("fsm_sine_data", "length", lambda: minds.fsm_sine_data(KEY, 2, 1)),
    Case("fsm_sine_data", "periods", lambda: minds.fsm_sine_data(KEY, 2, 10, periods=(8, 1))),
    Case("fsm_sine_data", "switch_prob", lambda: minds.fsm_sine_data(KEY, 2, 10, switch_prob=1.5)),
    Case("fsm_sine_data", "noise_std", lambda: minds.fsm_sine_data(KEY, 2, 10, noise_std=-0.1)),
    Case("init_pvrnn", "d_dim", lambda: minds.init_pvrnn(KEY, 1, 0, 2)),
    Case("pvrnn_run", "tau", lambda: minds.pvrnn_run(PV, A, EPS, POST, 0.5)),
    Case("pvrnn_run", "eps", lambda: minds.pvrnn_run(PV, A, EPS[:5], POST, 2.0)),
    Case("pvrnn_run", "adaptive", lambda: minds.pvrnn_run(PV, A[0], EPS, POST, 2.0)),
    Case("train_pvrnn", "meta_priors", lambda: minds.train_pvrnn(KEY, DATA, jnp.asarray([-1.0]), num_steps=1)),
    Case("train_pvrnn", "meta_priors", lambda: minds.train_pvrnn(KEY, DATA, 0.1, num_steps=1)),
    Case("train_pvrnn", "data", lambda: minds.train_pvrnn(KEY, DATA[0], jnp.asarray([0.1]), num_steps=1)),
    Case("train_pvrnn", "tau", lambda: minds.train_pvrnn(KEY, DATA, jnp.asarray([0.1]), tau=0.0, num_steps=1)),
    Case("train_pvrnn", "num_steps", lambda: minds.train_pvrnn(KEY, DATA, jnp.asarray([0.1]), num_steps=0)),
    Case("generate", "length", lambda: minds.generate(KEY, PV, 0, 2, 2.0)),
    Case("generate", "tau", lambda: minds.generate(KEY, PV, 5, 2, 0.0)),
    Case("open_loop_prediction", "length", lambda: minds.open_loop_prediction(PV, 0, 2.0)),
    Case("error_regression", "window", lambda: minds.error_regression(PV, DATA[0], 0.1, 2.0, window=12)),
    Case("error_regression", "meta_prior", lambda: minds.error_regression(PV, DATA[0], -0.1, 2.0)),
    Case("error_regression", "x", lambda: minds.error_regression(PV, DATA[0].at[3, 0].set(NAN), 0.1, 2.0)),
    Case("error_regression", "num_iters", lambda: minds.error_regression(PV, DATA[0], 0.1, 2.0, num_iters=0)),
    Case("load_pvrnn_sweep", "path", lambda: minds.load_pvrnn_sweep("/nonexistent/sweep.npz")),
]

EXEMPT = {
    "AttentionFit": "a NamedTuple of results, built and returned by train_attention",
    "PVRNNParams": "a NamedTuple of weights, built by init_pvrnn and train_pvrnn",
    "PVRNNRun": "a NamedTuple of results returned by pvrnn_run and generate",
    "TrainedPVRNN": "a NamedTuple of results returned by train_pvrnn",
}

if importlib.util.find_spec(f"{__package__}.test_minds_lm") is not None:  # the notebooks 33/34 half
    _lm = importlib.import_module(f"{__package__}.test_minds_lm")
    CASES = CASES + [c for c in _lm.CASES if c not in CASES]
    EXEMPT = {**_lm.EXEMPT, **EXEMPT}


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_bad_input(case):
    run(case)
