"""Bad input to priorscope.sdp (dynamic programming and the fisheries model)."""

import warnings

import jax
import jax.numpy as jnp
import pytest

from priorscope import sdp

from ._cases import NAN, Case, ids, run

P = sdp.AlleeParams(2.0, 8.0, 5.0, 0.05)
GRID = jnp.linspace(0.0, 15.0, 16)
T = sdp.lognormal_transition(sdp.allee_growth(GRID, P), 0.2, GRID)
KEY = jax.random.key(0)
S = jnp.linspace(1.0, 10.0, 8)
XN = S * 1.1
POLICY = jnp.zeros(16, jnp.int32)


def _value_iteration_not_converged():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return sdp.value_iteration(T, GRID, 0.99, max_iter=3)


CASES = [
    Case("value_iteration", "discount", lambda: sdp.value_iteration(T, GRID, 1.5)),
    Case("value_iteration", "discount", lambda: sdp.value_iteration(T, GRID, 1.0)),
    Case.jit("value_iteration", "discount", lambda: jax.jit(lambda d: sdp.value_iteration(T, GRID, d))(1.5)),
    Case("value_iteration", "T", lambda: sdp.value_iteration(T * 2, GRID, 0.9)),
    Case("value_iteration", "max_iter", lambda: _value_iteration_not_converged(), exc=RuntimeWarning),
    Case("value_iteration", "tol", lambda: sdp.value_iteration(T, GRID, 0.9, tol=0.0)),
    Case("policy_iteration", "discount", lambda: sdp.policy_iteration(T, GRID, -0.5)),
    Case("policy_iteration", "grid", lambda: sdp.policy_iteration(T, GRID[::-1], 0.9)),
    Case("simulate_policy", "num_years", lambda: sdp.simulate_policy(KEY, POLICY, GRID, P, 5.0, 0, 3)),
    Case("simulate_policy", "policy", lambda: sdp.simulate_policy(KEY, POLICY[:3], GRID, P, 5.0, 4, 3)),
    Case("AlleeParams", "K", lambda: sdp.allee_growth(GRID, sdp.AlleeParams(2.0, -8.0, 5.0, 0.05))),
    Case("allee_growth", "s", lambda: sdp.allee_growth(jnp.array([1.0, NAN]), P)),
    Case("simulate_unharvested", "num_obs", lambda: sdp.simulate_unharvested(KEY, P, 5.0, 0)),
    Case("simulate_unharvested", "x0", lambda: sdp.simulate_unharvested(KEY, P, -5.0, 10)),
    Case("observation_pairs", "trajectory", lambda: sdp.observation_pairs(jnp.ones(1))),
    Case("bin_edges", "grid", lambda: sdp.bin_edges(GRID[::-1])),
    Case("lognormal_transition", "sigma", lambda: sdp.lognormal_transition(GRID, -0.2, GRID)),
    Case("normal_transition", "sds", lambda: sdp.normal_transition(GRID, -jnp.ones(16), GRID)),
    Case("fit_log_growth", "degree", lambda: sdp.fit_log_growth(S, XN, -1)),
    Case("fit_log_growth", "x_next", lambda: sdp.fit_log_growth(S, XN[:3], 1)),
    Case("BayesLinearFit", "num_draws", lambda: sdp.parametric_transition(KEY, sdp.fit_log_growth(S, XN, 1), GRID, 0)),
    Case(
        "parametric_transition",
        "grid",
        lambda: sdp.parametric_transition(KEY, sdp.fit_log_growth(S, XN, 1), GRID[::-1], 5),
    ),
    Case("gp_transition", "lengthscales", lambda: sdp.gp_transition(S, XN, GRID, [-1.0], [1.0], [0.1])),
    Case(
        "fisheries_replicate", "discount", lambda: sdp.fisheries_replicate(KEY, P, GRID, 1.5, num_reps=2, num_years=3)
    ),
    Case("fisheries_replicate", "num_obs", lambda: sdp.fisheries_replicate(KEY, P, GRID, 0.9, num_obs=0)),
    Case("Replicate", "num_reps", lambda: sdp.fisheries_replicate(KEY, P, GRID, 0.9, num_reps=0)),
    Case("DPSolution", "max_iter", lambda: sdp.policy_iteration(T, GRID, 0.9, max_iter=0)),
]

EXEMPT = {"MODELS": "a constant (the names of the transition models compared)"}


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_bad_input(case):
    with jax.enable_x64(True):
        run(case)
