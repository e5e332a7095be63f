"""One replicate of the Boettiger–Mangel–Munch experiment: data → models → policies → simulated catch."""

from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp

from priorscope._checks import check_int
from priorscope.sdp.dp import policy_iteration, simulate_policy, value_iteration
from priorscope.sdp.fisheries import (
    AlleeParams,
    allee_growth,
    fit_log_growth,
    gp_transition,
    lognormal_transition,
    observation_pairs,
    parametric_transition,
    simulate_unharvested,
)

__all__ = ["MODELS", "Replicate", "fisheries_replicate"]

MODELS = ("true", "gp", "allee", "ricker")


class Replicate(NamedTuple):
    """Outputs of :func:`fisheries_replicate`; per-model arrays are stacked in the order of :data:`MODELS`.

    Attributes:
        observations: the unharvested training trajectory, shape ``(num_obs,)``.
        escapement: optimal escapement per stock level, shape ``(4, n)``.
        catch: total catch per simulation, shape ``(4, num_reps)``.
        final_stock: stock after the last year, shape ``(4, num_reps)``.
        stock: trajectories, shape ``(4, num_reps, num_years + 1)``.
        gp_mean, gp_sd: the GP's predictive mean and sd of X' on the grid, shape ``(n,)``.
        ricker_mean: the fitted Ricker's expected recruitment on the grid, shape ``(n,)``.
        vi_change: last sup-norm change of value iteration per model, shape ``(4,)``.
    """

    observations: jax.Array
    escapement: jax.Array
    catch: jax.Array
    final_stock: jax.Array
    stock: jax.Array
    gp_mean: jax.Array
    gp_sd: jax.Array
    ricker_mean: jax.Array
    vi_change: jax.Array


def fisheries_replicate(
    key,
    params: AlleeParams,
    grid,
    discount,
    *,
    num_obs: int = 40,
    x_obs0=5.5,
    x_sim0=10.0,
    num_years: int = 50,
    num_reps: int = 100,
    num_param_draws: int = 200,
    lengthscales=(0.5, 1.0, 2.0, 3.0, 5.0, 8.0, 12.0, 20.0),
    variances=(1.0, 4.0, 16.0, 64.0),
    noises=(0.01, 0.05, 0.2, 1.0),
    solver: str = "value",
) -> Replicate:
    """Simulate training data, fit the four models, solve each SDP, and run each policy on the true dynamics.

    Every policy is simulated with the same noise (common random numbers), so ``catch[m] / catch[0]`` is the
    per-simulation ratio to the optimal (true-model) policy. Jittable; vmap over keys for data-set replicates.
    ``solver`` is ``"value"`` (value iteration to 1e-6) or ``"policy"`` (policy iteration; faster, same policy).
    """
    if solver not in ("value", "policy"):
        raise ValueError(f"solver must be 'value' or 'policy', got {solver!r}")
    num_obs = check_int("num_obs", num_obs, min_value=3)
    grid = jnp.asarray(grid)
    k_obs, k_r, k_a, k_sim = jax.random.split(key, 4)
    traj = simulate_unharvested(k_obs, params, x_obs0, num_obs)
    s, x_next = observation_pairs(traj)
    ricker = fit_log_growth(s, x_next, 1)
    T_gp, info = gp_transition(s, x_next, grid, jnp.asarray(lengthscales), jnp.asarray(variances), jnp.asarray(noises))
    transitions = {
        "true": lognormal_transition(allee_growth(grid, params), params.sigma_g, grid),
        "gp": T_gp,
        "allee": parametric_transition(k_a, fit_log_growth(s, x_next, 2), grid, num_param_draws),
        "ricker": parametric_transition(k_r, ricker, grid, num_param_draws),
    }
    solve = value_iteration if solver == "value" else policy_iteration
    stacked = jnp.stack([transitions[name] for name in MODELS])  # (4, n, n): one compiled solve for all models

    def solve_and_simulate(T):
        sol = solve(T, grid, discount)
        c, st = simulate_policy(k_sim, sol.policy, grid, params, x_sim0, num_years, num_reps)
        return sol.escapement, c.sum(axis=1), st, sol.last_change

    esc, catch, stock, change = jax.vmap(solve_and_simulate)(stacked)
    ricker_mean = grid * jnp.exp(ricker.coef[0] + ricker.coef[1] * grid)
    return Replicate(traj, esc, catch, stock[:, :, -1], stock, info["mean"], info["sd"], ricker_mean, change)
