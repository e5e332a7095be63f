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

EXEMPT = {"AttentionFit": "a NamedTuple of results, built and returned by train_attention"}

if importlib.util.find_spec(f"{__package__}.test_minds_lm") is not None:  # the notebooks 33/34 half
    _lm = importlib.import_module(f"{__package__}.test_minds_lm")
    CASES = CASES + [c for c in _lm.CASES if c not in CASES]
    EXEMPT = {**_lm.EXEMPT, **EXEMPT}


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_bad_input(case):
    run(case)
