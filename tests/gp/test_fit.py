"""MAP-II fitting: Adam on the evidence reaches the optimum found by a dense grid search."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from priorscope import gp


def test_fit_map_reaches_grid_optimum():
    rng = np.random.default_rng(0)
    X = np.sort(rng.uniform(0, 5, 30))
    y = np.asarray(gp.sample_prior(jax.random.key(2), gp.RBF(0.6), X, 1))[0] + 0.1 * rng.standard_normal(30)
    noise_var = 0.01

    def build(p):
        return gp.RBF(jnp.exp(p["log_ell"])), noise_var

    res = gp.fit_map(build, {"log_ell": jnp.array(0.0)}, X, y, num_steps=300, learning_rate=0.05)
    assert res.losses.shape == (300,)
    grid = np.exp(np.linspace(np.log(0.1), np.log(3.0), 301))
    lml = np.asarray(gp.lml_grid(lambda ell: gp.RBF(ell), grid, X, y, noise_var))
    best = grid[np.argmax(lml)]
    np.testing.assert_allclose(np.exp(res.params["log_ell"]), best, rtol=2e-2)
    np.testing.assert_allclose(-res.losses[-1], lml.max(), atol=1e-3)


def test_fit_map_bad_input():
    build = lambda p: (gp.RBF(jnp.exp(p)), 0.1)
    with pytest.raises(ValueError, match="num_steps must be an int >= 1"):
        gp.fit_map(build, 0.0, np.ones(3), np.ones(3), num_steps=0)
    with pytest.raises(ValueError, match="learning_rate must be > 0"):
        gp.fit_map(build, 0.0, np.ones(3), np.ones(3), learning_rate=-1.0)
    with pytest.raises(ValueError, match=r"y must have shape \(3,\)"):
        gp.fit_map(build, 0.0, np.ones(3), np.ones(4))
