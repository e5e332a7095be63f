r"""Stochastic dynamic programming on a stock grid: value iteration and forward simulation of a policy.

With stock grid :math:`x_1 = 0 < \dots < x_n`, harvest grid equal to the stock grid, escapement
:math:`s = \max(x - h, 0)` (which lands on the grid) and a transition matrix ``T[s, x']``, the Bellman equation is

.. math:: V(x) = \max_h \Big[\min(x, h) + \gamma \sum_{x'} T(s(x, h), x')\, V(x')\Big],

solved by value iteration until the sup-norm change is below ``tol`` (a γ-contraction, so it converges).

Reference: Mangel and Clark (1988), *Dynamic Modeling in Behavioral Ecology*; Boettiger, Mangel, Munch (2015).
"""

from __future__ import annotations

import warnings
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from priorscope._checks import (
    check_increasing,
    check_int,
    check_interval,
    check_positive,
    check_probabilities,
    is_concrete,
)
from priorscope.sdp.fisheries import AlleeParams, allee_growth

__all__ = ["DPSolution", "value_iteration", "policy_iteration", "simulate_policy"]


class DPSolution(NamedTuple):
    """Result of :func:`value_iteration`.

    Attributes:
        value: V on the grid, shape ``(n,)``.
        policy: index of the optimal harvest for each stock index, shape ``(n,)`` (int32).
        escapement: optimal escapement max(x − h, 0) per stock level, shape ``(n,)``.
        num_iter: iterations used; last_change: final sup-norm change.
    """

    value: jax.Array
    policy: jax.Array
    escapement: jax.Array
    num_iter: jax.Array
    last_change: jax.Array


def _q_values(V, T, grid, discount):
    n = grid.shape[0]
    ev = T @ V  # expected next value per escapement index, (n,)
    i = jnp.arange(n)[:, None]
    j = jnp.arange(n)[None, :]
    s_idx = jnp.maximum(i - j, 0)  # uniform grid: x_i − h_j = x_{i−j}
    profit = jnp.minimum(grid[:, None], grid[None, :])
    return profit + discount * ev[s_idx]


def _check_problem(T, grid, discount):
    """T a row-stochastic matrix, grid finite and increasing from 0, discount in (0, 1) (traced at run time)."""
    T = check_probabilities("T", T, atol=1e-4)
    grid = check_increasing("grid", grid)
    if is_concrete(grid) and float(np.asarray(grid)[0]) != 0.0:
        raise ValueError(f"grid must start at 0, got grid[0] = {float(np.asarray(grid)[0])}")
    # a discount >= 1 makes the infinite-horizon value diverge (NaN after many iterations)
    discount = check_interval("discount", discount, 0.0, 1.0, low_open=True, high_open=True)
    return T, grid, discount


def value_iteration(T, grid, discount, *, tol: float = 1e-6, max_iter: int = 10_000) -> DPSolution:
    """Infinite-horizon value iteration for the harvest problem.

    Args:
        T: transition matrix from escapement to next stock, shape ``(n, n)`` (rows sum to 1).
        grid: uniform stock grid starting at 0, shape ``(n,)`` (also the harvest grid).
        discount: γ in (0, 1) (traced).
        tol: stop when max |V_new − V| < tol.
        max_iter: iteration cap (static).

    Returns:
        :class:`DPSolution`.
    """
    T, grid = jnp.asarray(T), jnp.asarray(grid)
    n = grid.shape[0]
    if T.shape != (n, n):
        raise ValueError(f"T must have shape (n, n) = {(n, n)} to match grid, got {T.shape}")
    T, grid, discount = _check_problem(T, grid, discount)
    tol = check_positive("tol", tol)
    max_iter = check_int("max_iter", max_iter, min_value=1)

    def cond(c):
        _, k, change = c
        return (change >= tol) & (k < max_iter)

    def body(c):
        V, k, _ = c
        V_new = jnp.max(_q_values(V, T, grid, discount), axis=1)
        return V_new, k + 1, jnp.max(jnp.abs(V_new - V))

    V0 = jnp.zeros((n,), T.dtype)
    V, k, change = jax.lax.while_loop(cond, body, (V0, jnp.asarray(0), jnp.asarray(jnp.inf, T.dtype)))
    policy = jnp.argmax(_q_values(V, T, grid, discount), axis=1).astype(jnp.int32)
    escapement = jnp.maximum(grid - grid[policy], 0.0)
    if is_concrete((k, change)) and not float(change) < float(tol):
        warnings.warn(
            f"value_iteration did not converge in max_iter={max_iter} iterations (last change {float(change):.3g} "
            f">= tol={float(tol):.3g}); raise max_iter or use policy_iteration",
            RuntimeWarning,
            stacklevel=2,
        )
    return DPSolution(V, policy, escapement, k, change)


def policy_iteration(T, grid, discount, *, max_iter: int = 100) -> DPSolution:
    """Howard's policy iteration: evaluate the policy exactly (a linear solve), improve greedily, repeat.

    Converges in a handful of iterations (the panel uses it); ``last_change`` is the sup-norm change of V in the
    last iteration (0 once the policy is stable).

    Args:
        T: transition matrix from escapement to next stock, shape ``(n, n)``.
        grid: uniform stock grid starting at 0, shape ``(n,)``.
        discount: γ in (0, 1).
        max_iter: iteration cap (static).
    """
    T, grid = jnp.asarray(T), jnp.asarray(grid)
    n = grid.shape[0]
    if T.shape != (n, n):
        raise ValueError(f"T must have shape (n, n) = {(n, n)} to match grid, got {T.shape}")
    T, grid, discount = _check_problem(T, grid, discount)
    max_iter = check_int("max_iter", max_iter, min_value=1)
    idx = jnp.arange(n)

    def evaluate(policy):
        s_idx = jnp.maximum(idx - policy, 0)
        reward = jnp.minimum(grid, grid[policy])
        return jnp.linalg.solve(jnp.eye(n, dtype=T.dtype) - discount * T[s_idx], reward)

    def cond(c):
        _, _, k, stable, _ = c
        return (~stable) & (k < max_iter)

    def body(c):
        policy, V, k, _, _ = c
        new_policy = jnp.argmax(_q_values(V, T, grid, discount), axis=1).astype(jnp.int32)
        V_new = evaluate(new_policy)
        return new_policy, V_new, k + 1, jnp.all(new_policy == policy), jnp.max(jnp.abs(V_new - V))

    policy0 = jnp.zeros((n,), jnp.int32)
    init = (policy0, evaluate(policy0), jnp.asarray(0), jnp.asarray(False), jnp.asarray(jnp.inf, T.dtype))
    policy, V, k, _, change = jax.lax.while_loop(cond, body, init)
    escapement = jnp.maximum(grid - grid[policy], 0.0)
    return DPSolution(V, policy, escapement, k, change)


def simulate_policy(key, policy, grid, params: AlleeParams, x0, num_years: int, num_reps: int):
    """Run a grid policy on the TRUE continuous-state dynamics.

    Each year the stock is snapped to the nearest grid point to read the harvest ``grid[policy[i]]``; the catch
    is min(x, h) and X' = Z f(max(x − h, 0)). The same key gives the same noise for every policy (common random
    numbers).

    Args:
        key: PRNG key.
        policy: harvest index per stock index, shape ``(n,)``.
        grid: stock grid, shape ``(n,)``.
        params: the true :class:`AlleeParams`.
        x0: initial stock.
        num_years, num_reps: sizes (static).

    Returns:
        ``(catch (num_reps, num_years), stock (num_reps, num_years + 1))``.
    """
    num_years = check_int("num_years", num_years, min_value=1)
    if jnp.shape(policy) != jnp.shape(grid):
        raise ValueError(
            f"policy must have the shape of grid {jnp.shape(grid)} (one action per stock), got {jnp.shape(policy)}"
        )
    num_reps = check_int("num_reps", num_reps, min_value=1)
    grid = jnp.asarray(grid)
    z = jnp.exp(params.sigma_g * jax.random.normal(key, (num_reps, num_years), dtype=grid.dtype))

    def one(zs):
        def body(x, zt):
            i = jnp.argmin(jnp.abs(grid - x))
            h = grid[policy[i]]
            catch = jnp.minimum(x, h)
            nxt = (zt * allee_growth(jnp.maximum(x - h, 0.0), params)).astype(grid.dtype)
            return nxt, (catch, nxt)

        _, (catch, stock) = jax.lax.scan(body, jnp.asarray(x0, grid.dtype), zs)
        return catch, jnp.concatenate([jnp.asarray([x0], grid.dtype), stock])

    return jax.vmap(one)(z)
