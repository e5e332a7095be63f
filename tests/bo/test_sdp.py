"""Stochastic dynamic programming for notebook 06, against scipy, numpy least squares and brute-force loops."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from scipy import stats

from priorscope import sdp

PARAMS = sdp.AlleeParams(2.0, 8.0, 5.0, 0.05)
GRID = np.linspace(0.0, 15.0, 31)  # numpy: becomes float64 inside the x64 fixture


def _edges(grid):
    g = np.asarray(grid)
    return np.concatenate([[-np.inf], 0.5 * (g[1:] + g[:-1]), [np.inf]])


def test_lognormal_transition_matches_scipy_binning():
    means = jnp.array([0.0, 0.7, 4.0, 9.5])
    T = np.asarray(sdp.lognormal_transition(means, 0.2, GRID))
    np.testing.assert_allclose(T.sum(1), 1.0)
    assert T[0, 0] == 1.0  # no fish, no fish
    e = _edges(GRID)
    for i, m in enumerate(np.asarray(means)[1:], start=1):
        cdf = stats.lognorm(s=0.2, scale=m).cdf(np.clip(e, 0, None))
        cdf[-1] = 1.0
        np.testing.assert_allclose(T[i], np.diff(cdf) / np.diff(cdf).sum(), atol=1e-12)


def test_normal_transition_matches_scipy_binning():
    T = np.asarray(sdp.normal_transition(jnp.array([-1.0, 3.0, 14.0]), jnp.array([0.5, 1.0, 2.0]), GRID))
    e = _edges(GRID)
    for i, (m, s) in enumerate([(-1.0, 0.5), (3.0, 1.0), (14.0, 2.0)]):
        np.testing.assert_allclose(T[i], np.diff(stats.norm(m, s).cdf(e)), atol=1e-12)


def test_fit_log_growth_is_least_squares_and_ignores_the_pseudo_datum():
    rng = np.random.default_rng(0)
    s = rng.uniform(4, 9, size=30)
    y = s * np.exp(0.5 - 0.07 * s + 0.03 * rng.normal(size=30))
    s_all, y_all = np.concatenate([[0.0], s]), np.concatenate([[0.0], y])
    fit = sdp.fit_log_growth(jnp.asarray(s_all), jnp.asarray(y_all), 1)
    A = np.stack([np.ones_like(s), s], 1)
    ref, *_ = np.linalg.lstsq(A, np.log(y / s), rcond=None)
    np.testing.assert_allclose(fit.coef, ref, rtol=1e-10)
    assert float(fit.dof) == 28.0
    resid = np.log(y / s) - A @ ref
    np.testing.assert_allclose(float(fit.s2), resid @ resid / 28, rtol=1e-10)


def test_allee_quadratic_fit_recovers_true_curve_without_noise():
    s = jnp.linspace(1.0, 12.0, 20)
    y = sdp.allee_growth(s, PARAMS)
    fit = sdp.fit_log_growth(s, y, 2)
    r, K, C = 2.0, 8.0, 5.0  # log(y/s) = r(1 - s/K)(s - C)/K = -rC/K + r(K + C)/K² s - r/K² s²
    np.testing.assert_allclose(fit.coef, [-r * C / K, r * (K + C) / K**2, -r / K**2], atol=1e-10)


def _brute_value_iteration(T, grid, gamma, tol=1e-6):
    T, g = np.asarray(T), np.asarray(grid)
    n = len(g)
    V = np.zeros(n)
    while True:
        Q = np.empty((n, n))
        for i in range(n):
            for j in range(n):
                s = max(i - j, 0)
                Q[i, j] = min(g[i], g[j]) + gamma * T[s] @ V
        V_new = Q.max(1)
        if np.max(np.abs(V_new - V)) < tol:
            return V_new, Q.argmax(1)
        V = V_new


def test_value_iteration_matches_brute_force_and_policy_iteration():
    grid = jnp.linspace(0.0, 15.0, 16)
    T = sdp.lognormal_transition(sdp.allee_growth(grid, PARAMS), 0.1, grid)
    sol = sdp.value_iteration(T, grid, 0.9)
    V_ref, pol_ref = _brute_value_iteration(T, grid, 0.9)
    np.testing.assert_allclose(sol.value, V_ref, atol=1e-8)
    np.testing.assert_array_equal(sol.policy, pol_ref)
    assert float(sol.last_change) < 1e-6
    pi = sdp.policy_iteration(T, grid, 0.9)
    np.testing.assert_array_equal(pi.policy, sol.policy)
    np.testing.assert_allclose(pi.value, sol.value, atol=1e-4)


def test_simulate_policy_matches_a_python_loop():
    grid = GRID
    policy = jnp.asarray(np.minimum(np.arange(31), 3), dtype=jnp.int32)  # harvest up to grid[3]
    key = jax.random.key(0)
    catch, stock = sdp.simulate_policy(key, policy, grid, PARAMS, 10.0, 12, 3)
    z = np.exp(0.05 * np.asarray(jax.random.normal(key, (3, 12))))
    g = np.asarray(grid)
    for r in range(3):
        x = 10.0
        for t in range(12):
            h = g[int(policy[np.argmin(np.abs(g - x))])]
            assert abs(float(catch[r, t]) - min(x, h)) < 1e-12
            s = max(x - h, 0.0)
            x = z[r, t] * s * np.exp(2.0 * (1 - s / 8.0) * (s - 5.0) / 8.0)
            assert abs(float(stock[r, t + 1]) - x) < 1e-9


def test_gp_transition_is_stochastic_and_weights_normalised():
    traj = sdp.simulate_unharvested(jax.random.key(1), PARAMS, 5.5, 20)
    s, x = sdp.observation_pairs(traj)
    assert s.shape == (20,) and float(s[0]) == 0.0 and float(x[0]) == 0.0
    T, info = sdp.gp_transition(s, x, GRID, jnp.array([1.0, 5.0]), jnp.array([4.0, 16.0]), jnp.array([0.05, 0.5]))
    np.testing.assert_allclose(np.asarray(T).sum(1), 1.0)
    assert info["weights"].shape == (2, 2, 2)
    np.testing.assert_allclose(float(info["weights"].sum()), 1.0)


def test_replicate_runs_and_true_policy_is_best_on_average():
    rep = jax.jit(
        lambda k: sdp.fisheries_replicate(
            k, PARAMS, GRID, 0.95, num_obs=20, num_reps=10, num_param_draws=20, solver="policy"
        )
    )(jax.random.key(3))
    assert rep.catch.shape == (4, 10) and rep.stock.shape == (4, 10, 51)
    assert np.all(np.asarray(rep.catch.mean(1)) <= float(rep.catch[0].mean()) * 1.05)


@pytest.mark.parametrize(
    "call,match",
    [
        (lambda: sdp.fit_log_growth(jnp.ones(5), jnp.ones(5), 3), "degree must be 1"),
        (lambda: sdp.value_iteration(jnp.eye(3), jnp.linspace(0, 1, 4), 0.9), r"T must have shape \(n, n\)"),
        (lambda: sdp.value_iteration(jnp.eye(4), jnp.linspace(0, 1, 4), -0.9), r"discount must lie in \(0.0, 1.0\)"),
        (lambda: sdp.simulate_unharvested(jax.random.key(0), PARAMS, 5.5, 1), "num_obs must be >= 2"),
        (
            lambda: sdp.fisheries_replicate(jax.random.key(0), PARAMS, GRID, 0.9, solver="newton"),
            "solver must be 'value' or 'policy'",
        ),
    ],
)
def test_sdp_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def _exhaustive_policy_search(T, grid, gamma):
    """Brute force without Bellman updates: evaluate EVERY stationary harvest policy exactly (a linear solve each)
    and keep the best. Harvesting h_j > x_i is the same as h_i (escapement 0), so the policies are the n!
    choices j(i) <= i."""
    import itertools

    T, g = np.asarray(T), np.asarray(grid)
    n = len(g)
    best_v, best_pol = None, None
    for pol in itertools.product(*(range(i + 1) for i in range(n))):
        pol = np.asarray(pol)
        s_idx = np.arange(n) - pol
        v = np.linalg.solve(np.eye(n) - gamma * T[s_idx], np.minimum(g, g[pol]))
        if best_v is None or np.all(v >= best_v - 1e-12) and np.any(v > best_v + 1e-12):
            best_v, best_pol = v, pol
    return best_v, best_pol


@pytest.mark.parametrize("kind", ["allee", "random"])
def test_value_iteration_matches_exhaustive_policy_search_on_a_tiny_grid(kind):
    grid = jnp.linspace(0.0, 6.0, 7)  # 7! = 5040 policies
    if kind == "allee":
        T = np.asarray(
            sdp.lognormal_transition(sdp.allee_growth(grid, sdp.AlleeParams(2.0, 4.0, 2.0, 0.05)), 0.3, grid)
        )
    else:
        T = np.random.default_rng(0).dirichlet(np.ones(7) * 0.5, size=7)
    for gamma in (0.5, 0.9):
        v_ref, pol_ref = _exhaustive_policy_search(T, grid, gamma)
        sol = sdp.value_iteration(jnp.asarray(T), grid, gamma, tol=1e-12)
        np.testing.assert_allclose(np.asarray(sol.value), v_ref, rtol=1e-9, atol=1e-9)
        esc_ref = np.asarray(grid)[np.arange(7) - pol_ref]
        np.testing.assert_allclose(np.asarray(sol.escapement), esc_ref, atol=1e-12)
