"""Shared fixtures of the diffusion tests."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from scipy.integrate import solve_ivp

from priorscope.diffusion import VPLinear, gmm


@pytest.fixture(scope="session")
def ring_reference():
    """An 8-mode ring mixture under VP-linear, 8 starting points at t = 1 and their probability-flow ODE endpoints
    at t = 1e-3 from an independent high-accuracy solve (scipy DOP853, rtol 1e-10), all in float64."""
    with jax.enable_x64(True):
        mix, sched = gmm.ring(8, radius=2.0, std=0.3), VPLinear()
        x_T = jax.random.normal(jax.random.key(0), (8, 2), dtype=jnp.float64)
        vf = jax.jit(lambda x, t: jax.vmap(lambda xi: gmm.velocity(mix, sched, xi, t))(x))
        sol = solve_ivp(
            lambda t, y: np.asarray(vf(y.reshape(-1, 2), t)).ravel(),
            (1.0, 1e-3),
            np.asarray(x_T).ravel(),
            method="DOP853",
            rtol=1e-10,
            atol=1e-12,
        )
        assert sol.success
        return mix, sched, x_T, sol.y[:, -1].reshape(-1, 2)
