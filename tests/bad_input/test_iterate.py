"""Bad input to priorscope.iterate (the init/step protocol and its runner)."""

import jax
import jax.numpy as jnp
import pytest

from priorscope import iterate

from ._cases import Case, ids, run

KEY = jax.random.key(0)
WALK = iterate.Iterative(init=lambda x0: jnp.asarray(x0), step=lambda k, x: (x + jax.random.normal(k), x))

CASES = [
    Case("run", "num_steps", lambda: iterate.run(KEY, WALK, 0.0, 0)),
    Case("run", "num_steps", lambda: iterate.run(KEY, WALK, 0.0, 2.0)),
    Case("run", "algorithm", lambda: iterate.run(KEY, WALK.step, 0.0, 2)),
    Case("run", "return_trajectory", lambda: iterate.run(KEY, WALK, 0.0, 2, return_trajectory="yes")),
    Case("run_keys", "keys", lambda: iterate.run_keys(jax.random.split(KEY, 0), WALK, 0.0)),
    Case("run_keys", "algorithm", lambda: iterate.run_keys(jax.random.split(KEY, 2), (WALK.init, WALK.step), 0.0)),
    Case("Iterative", "algorithm", lambda: iterate.run(KEY, iterate.Iterative(None, None), 0.0, 2), "step"),
]

EXEMPT: dict[str, str] = {}


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_bad_input(case):
    run(case)
