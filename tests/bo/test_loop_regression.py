"""The BO loops give the same numbers as before they moved onto the shared init/step runner.

``data/loop_reference.npz`` was written by this file (``python tests/bo/test_loop_regression.py``, float64) at the
commit before the refactor (the loops then ran their own ``lax.scan``); every output of ``bo.run`` for each
acquisition, of ``bo.switching_run`` for both rules, of the traced-index (``choices``) step and of
``bo.regret_study`` must match it to 1e-10 (integer outputs exactly).
"""

from __future__ import annotations

import sys
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from priorscope import bo, gp

REFERENCE = Path(__file__).parent / "data" / "loop_reference.npz"


def _flatten(prefix: str, tree, out: dict) -> None:
    leaves = jax.tree_util.tree_leaves_with_path(tree)
    for path, leaf in leaves:
        out[prefix + jax.tree_util.keystr(path)] = np.asarray(leaf)


def reference_outputs() -> dict[str, np.ndarray]:
    """Every output the regression test pins, as a flat name -> array dict."""
    out: dict[str, np.ndarray] = {}
    prob = bo.forrester(30, noise_std=0.1)
    kern = gp.Matern52(lengthscale=0.15, variance=1.0)
    key = jax.random.key(7)
    for name in bo.ACQUISITIONS:
        state, info = bo.run(key, prob, kern, 0.01, num_init=3, num_steps=5, acquisition=name, num_samples=8)
        _flatten(f"run/{name}/state", state, out)
        _flatten(f"run/{name}/info", info, out)
    jitted = jax.jit(jax.vmap(lambda k: bo.run(k, prob, kern, 0.01, num_init=2, num_steps=6, acquisition="ucb")))
    _flatten("run/jit_vmap", jitted(jax.random.split(key, 3)), out)
    for rule in ("variance", "always"):
        state, info = bo.switching_run(key, prob, kern, 0.04, 2.0, 4.0, num_init=2, num_steps=12, rule=rule)
        _flatten(f"switching/{rule}/state", state, out)
        _flatten(f"switching/{rule}/info", info, out)
    choices = ("ei", "kg", "ucb")
    state = bo.init(key, prob, 3)
    for i in range(len(choices)):
        new, info = jax.jit(
            lambda k, s, idx: bo.step(k, s, prob, kern, 0.01, acquisition=idx, num_samples=8, choices=choices)
        )(key, state, jnp.asarray(i))
        _flatten(f"choices/{i}/state", new, out)
        _flatten(f"choices/{i}/info", info, out)
    studies = bo.regret_study(
        key, kern, prob.X, ("ei", "random"), num_seeds=2, num_init=2, num_steps=4, noise_std=0.1, noise_var=0.01
    )
    for name, regret in studies.items():
        out[f"regret_study/{name}"] = np.asarray(regret)
    return out


def test_loops_reproduce_the_pre_refactor_outputs():
    want = np.load(REFERENCE)
    got = reference_outputs()
    assert sorted(got) == sorted(want.files)
    for name in want.files:
        if np.issubdtype(want[name].dtype, np.integer) or want[name].dtype == bool:
            np.testing.assert_array_equal(got[name], want[name], err_msg=name)
        else:
            np.testing.assert_allclose(got[name], want[name], rtol=0, atol=1e-10, err_msg=name)


if __name__ == "__main__":
    if "--write" not in sys.argv:
        pytest.main([__file__, "-q", "-p", "no:randomly"])
    else:
        jax.config.update("jax_enable_x64", True)
        REFERENCE.parent.mkdir(exist_ok=True)
        np.savez(REFERENCE, **reference_outputs())
        print("wrote", REFERENCE)
