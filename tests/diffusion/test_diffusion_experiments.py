"""The notebook computations: shapes, finiteness, and agreement with direct solver calls."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from priorscope.diffusion import VPLinear, experiments, gmm, solvers


def test_solver_errors_match_direct_solves():
    mix, sched = gmm.ring(8, 2.0, 0.2), VPLinear()
    x_T = jax.random.normal(jax.random.key(0), (16, 2))
    mask = jnp.arange(8) < 2
    res = experiments.solver_errors(x_T, mix, sched, mask, 2.0, (4, 8), ref_steps=40)
    model = gmm.denoiser(mix, sched, cond_mask=mask, guidance=2.0)
    ref = solvers.sample(model, x_T, sched, "dpm++3m", 40)
    for name, errs in [("ddim", res.ddim), ("dpm++2m", res.dpmpp2m)]:
        x = solvers.sample(model, x_T, sched, name, 8)
        want = float(jnp.mean(jnp.linalg.norm(x - ref, axis=-1)))
        np.testing.assert_allclose(float(errs[1]), want, rtol=1e-9)
    assert float(res.reference_gap) < float(jnp.min(res.dpmpp2m))
    with pytest.raises(ValueError, match="ref_steps must be >= 2 \\* max"):
        experiments.solver_errors(x_T, mix, sched, mask, 0.0, (10, 20), ref_steps=30)


def test_langevin_view_is_finite_with_the_right_shapes():
    """(The other panel computes are swept at min/mid/max by the notebook tests.)"""
    mix, sched = gmm.ring(8), VPLinear()
    key = jax.random.key(1)
    lv = experiments.langevin_view(key, mix, sched, 1e-3, 1.5, 7, num_particles=50, max_steps=10, res=16)
    assert lv.hist.shape == (16, 16) and lv.masses.shape == (8,)
    np.testing.assert_allclose(float(jnp.sum(lv.hist)) * (2 * experiments.LIM / 16) ** 2, 1.0, atol=1e-6)
    for leaf in jax.tree_util.tree_leaves(lv):
        assert np.all(np.isfinite(np.asarray(leaf, dtype=float)))


def test_solver_view_traced_grid_index_matches_the_named_grid():
    mix, sched = gmm.ring(8, 2.0, 0.2), VPLinear()
    mask = jnp.arange(8) < 2
    kw = dict(num_particles=8, max_steps=12, ref_steps=24, res=8)
    by_index = jax.jit(lambda g: experiments.solver_view(jax.random.key(0), mix, sched, mask, 1.0, 6, grid=g, **kw))
    for i, name in enumerate(experiments.SOLVER_GRIDS):
        want = experiments.solver_view(jax.random.key(0), mix, sched, mask, 1.0, 6, grid=name, **kw)
        np.testing.assert_allclose(np.asarray(by_index(jnp.int32(i)).errors), np.asarray(want.errors), rtol=1e-6)
