"""Bad input to priorscope.bnn (networks, priors, function draws)."""

import jax
import jax.numpy as jnp
import pytest

from priorscope import bnn

from ._cases import Case, ids, run

KEY = jax.random.key(0)
X = jnp.linspace(-1.0, 1.0, 4)
P = bnn.init_mlp(KEY, (1, 3, 1))

CASES = [
    Case("init_mlp", "layer_sizes", lambda: bnn.init_mlp(KEY, (1, 0, 1))),
    Case("init_mlp", "layer_sizes", lambda: bnn.init_mlp(KEY, (1,))),
    Case("init_mlp", "weight_variance", lambda: bnn.init_mlp(KEY, (1, 3, 1), -1.0)),
    Case("init_mlp", "weight_variance", lambda: bnn.init_mlp(KEY, (1, 3, 1), jnp.ones(5))),
    Case("init_mlp", "bias_variance", lambda: bnn.init_mlp(KEY, (1, 3, 1), 1.0, -0.1)),
    Case("mlp_apply", "activation", lambda: bnn.mlp_apply(P, X, "rellu")),
    Case("mlp_apply", "x", lambda: bnn.mlp_apply(P, jnp.ones((4, 2)))),
    Case("log_prior", "bias_variance", lambda: bnn.log_prior(P, 1.0, 0.0)),
    Case("sample_functions", "num_samples", lambda: bnn.sample_functions(KEY, X, (1, 3, 1), 0)),
    Case("sample_functions", "layer_sizes", lambda: bnn.sample_functions(KEY, X, (1, 3, 2), 4)),
    Case.jit(
        "sample_functions",
        "weight_variance",
        lambda: jax.jit(lambda s: bnn.sample_functions(KEY, X, (1, 3, 1), 4, s))(-1.0),
    ),
    Case(
        "sample_scale_mixture_functions",
        "a",
        lambda: bnn.sample_scale_mixture_functions(KEY, X, (1, 3, 1), 4, -1.0, 1.0),
    ),
    Case(
        "sample_scale_mixture_functions",
        "b",
        lambda: bnn.sample_scale_mixture_functions(KEY, X, (1, 3, 1), 4, 1.0, 0.0),
    ),
]

EXEMPT = {
    "ACTIVATIONS": "a constant table of nonlinearities, not a function",
    "flatten": "ravel_pytree of any pytree of arrays; every input is valid",
}


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_bad_input(case):
    run(case)
