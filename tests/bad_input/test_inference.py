"""Bad input to priorscope.inference (make_nuts and its traced run function)."""

import jax
import jax.numpy as jnp
import numpyro
import numpyro.distributions as dist
import pytest

from priorscope import inference

from ._cases import NAN, Case, ids, run


def model(y, scale):
    mu = numpyro.sample("mu", dist.Normal(0.0, scale))
    numpyro.sample("y", dist.Normal(mu, 1.0), obs=y)


ARGS = (jnp.zeros(3), jnp.asarray(1.0))
KEY = jax.random.key(0)
_RUN = []


def _run():
    if not _RUN:
        _RUN.append(inference.make_nuts(model, ARGS, num_warmup=20, num_samples=20))
    return _RUN[0]


CASES = [
    Case("make_nuts", "num_warmup", lambda: inference.make_nuts(model, ARGS, num_warmup=0, num_samples=10)),
    Case("make_nuts", "num_samples", lambda: inference.make_nuts(model, ARGS, num_warmup=10, num_samples=2.5)),
    Case(
        "make_nuts", "num_chains", lambda: inference.make_nuts(model, ARGS, num_warmup=10, num_samples=10, num_chains=0)
    ),
    Case(
        "make_nuts",
        "target_accept_prob",
        lambda: inference.make_nuts(model, ARGS, num_warmup=10, num_samples=10, target_accept_prob=1.2),
    ),
    Case("make_nuts", "example_args", lambda: inference.make_nuts(model, [1.0], num_warmup=10, num_samples=10)),
    Case("make_nuts", "model", lambda: inference.make_nuts(3, ARGS, num_warmup=10, num_samples=10)),
    Case(
        "make_nuts",
        "init_values",
        lambda: inference.make_nuts(model, ARGS, num_warmup=10, num_samples=10, init_values={"mu": 0.0}),
    ),
    # the run function's traced model arguments: NaN data, a non-positive prior scale
    Case.jit("make_nuts", "model argument 0", lambda: _run()(KEY, jnp.array([0.0, NAN, 1.0]), 1.0)),
    Case.jit("make_nuts", "non-finite log density", lambda: _run()(KEY, jnp.zeros(3), -1.0)),
    Case("make_nuts", "model argument", lambda: _run()(KEY, jnp.zeros(3))),
    Case("to_arviz", "result", lambda: inference.to_arviz({"mu": 1.0})),
]

EXEMPT = {"NUTSResult": "a result container returned by make_nuts's run function"}


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_bad_input(case):
    run(case)
