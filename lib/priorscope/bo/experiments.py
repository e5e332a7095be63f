"""Seed-averaged comparisons of acquisitions on GP-sample problems (what notebooks 01 and 03 plot and check)."""

from __future__ import annotations

from collections.abc import Sequence

import jax
import jax.numpy as jnp

from priorscope._checks import check_int
from priorscope.bo.loop import ACQUISITIONS, run
from priorscope.bo.problems import gp_sample_problem
from priorscope.gp.kernels import Kernel

__all__ = ["regret_study", "fixed_problem_study"]


def regret_study(
    key,
    kernel: Kernel,
    X,
    acquisitions: Sequence[str],
    *,
    num_seeds: int,
    num_init: int,
    num_steps: int,
    noise_std=0.0,
    noise_var=1e-6,
    beta=2.0,
) -> dict[str, jax.Array]:
    """Simple-regret curves of several acquisitions on the same ``num_seeds`` GP-sample problems.

    Seed s draws one objective from the GP prior (``kernel`` on grid ``X``) and one initial design; every
    acquisition sees the same objective, the same initial design and the same noise keys (common random numbers),
    so differences between acquisitions are not differences between problems.

    Args:
        key: PRNG key.
        kernel: prior of the objective AND of the surrogate (the well-specified case).
        X: the grid, shape ``(n, d)``.
        acquisitions: names from :data:`priorscope.bo.ACQUISITIONS`.
        num_seeds, num_init, num_steps: sizes (static).
        noise_std: true observation noise sd; noise_var: the surrogate's noise variance λ.
        beta: UCB weight.

    Returns:
        ``{name: simple regret of shape (num_seeds, num_steps)}``.
    """
    num_seeds = check_int("num_seeds", num_seeds, min_value=1)
    for name in acquisitions:
        if name not in ACQUISITIONS:
            raise ValueError(f"acquisitions must be names from {ACQUISITIONS}, got {name!r}")
    X = jnp.asarray(X)
    keys = jax.random.split(key, num_seeds)

    def one(k, acquisition):
        k_prob, k_run = jax.random.split(k)
        problem = gp_sample_problem(k_prob, kernel, X, noise_std=noise_std)
        _, info = run(
            k_run,
            problem,
            kernel,
            noise_var,
            num_init=num_init,
            num_steps=num_steps,
            acquisition=acquisition,
            beta=beta,
        )
        return info.simple_regret

    return {name: jax.jit(jax.vmap(lambda k, a=name: one(k, a)))(keys) for name in acquisitions}


def fixed_problem_study(
    key,
    problem,
    kernel: Kernel,
    acquisition: str,
    *,
    num_seeds: int,
    num_init: int,
    num_steps: int,
    noise_var=1e-6,
    beta=2.0,
) -> jax.Array:
    """Simple-regret curves of one surrogate/acquisition on ONE problem over random initial designs and noise.

    Args:
        key: PRNG key (seed s uses the s-th split, so two calls with the same key share initial designs).
        problem: a :class:`~priorscope.bo.GridProblem`.
        kernel: the surrogate's prior covariance.
        acquisition: a name from :data:`priorscope.bo.ACQUISITIONS`.
        num_seeds, num_init, num_steps: sizes (static).
        noise_var: surrogate noise variance λ; beta: UCB weight.

    Returns:
        Simple regret, shape ``(num_seeds, num_steps)``.
    """
    num_seeds = check_int("num_seeds", num_seeds, min_value=1)
    if acquisition not in ACQUISITIONS:
        raise ValueError(f"acquisition must be one of {ACQUISITIONS}, got {acquisition!r}")
    keys = jax.random.split(key, num_seeds)

    def one(k):
        _, info = run(
            k, problem, kernel, noise_var, num_init=num_init, num_steps=num_steps, acquisition=acquisition, beta=beta
        )
        return info.simple_regret

    return jax.jit(jax.vmap(one))(keys)
