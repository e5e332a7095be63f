"""One shape for iterative algorithms: an ``init``/``step`` pair and one ``lax.scan`` runner.

An iterative algorithm (a BO loop, an SMC sampler, an optimiser) is two pure functions, in the style of blackjax's
``SamplingAlgorithm``:

- ``init(...) -> state``: builds the first state (any pytree: a NamedTuple of arrays);
- ``step(key, state) -> (state, info)``: one iteration; ``info`` is a pytree of diagnostics that is not carried.

Everything else the step needs (the problem, the model, hyperparameters) is closed over when the pair is built, so
one :func:`run` drives every algorithm: it splits ``key`` into one key per step and scans ``step`` over them,
returning the final state and the infos stacked along a leading axis of length ``num_steps``. A run is pure, so it
jits, and ``vmap`` over keys runs many seeds at once.

Example:
    >>> import jax, jax.numpy as jnp
    >>> from priorscope import iterate
    >>> walk = iterate.Iterative(
    ...     init=lambda x0: jnp.asarray(x0),
    ...     step=lambda key, x: (x + jax.random.normal(key), x),
    ... )
    >>> state, infos = iterate.run(jax.random.key(0), walk, walk.init(0.0), 5)
    >>> infos.shape
    (5,)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal, NamedTuple, overload

import jax
import jax.numpy as jnp

from priorscope._checks import check_int

__all__ = ["Iterative", "run", "run_keys"]

State = Any
Info = Any


class Iterative(NamedTuple):
    """An iterative algorithm as a pair of pure functions.

    Attributes:
        init: ``init(...) -> state``; its arguments are the algorithm's own (a key, a problem, particles, ...).
        step: ``step(key, state) -> (state, info)``, pure and jit-compatible; ``state`` keeps its pytree
            structure, shapes and dtypes from step to step (``lax.scan`` requires it).
    """

    init: Callable[..., State]
    step: Callable[[jax.Array, State], tuple[State, Info]]


def _check_algorithm(algorithm) -> Callable[[jax.Array, State], tuple[State, Info]]:
    if isinstance(algorithm, Iterative):
        if not callable(algorithm.step):
            raise TypeError(f"algorithm.step must be a callable step(key, state), got {type(algorithm.step).__name__}")
        return algorithm.step
    raise TypeError(f"algorithm must be an iterate.Iterative(init, step), got {type(algorithm).__name__}")


def _check_flag(return_trajectory) -> None:
    if not isinstance(return_trajectory, bool):
        raise TypeError(f"return_trajectory must be a bool, got {return_trajectory!r}")


@overload
def run_keys(
    keys: jax.Array, algorithm: Iterative, state: State, *, return_trajectory: Literal[False] = False
) -> tuple[State, Info]: ...
@overload
def run_keys(
    keys: jax.Array, algorithm: Iterative, state: State, *, return_trajectory: Literal[True]
) -> tuple[State, Info, State]: ...
def run_keys(
    keys: jax.Array, algorithm: Iterative, state: State, *, return_trajectory: bool = False
) -> tuple[State, Info] | tuple[State, Info, State]:
    """Scan ``algorithm.step`` over the given per-step keys (one step per leading entry of ``keys``).

    Use it when the keys follow another schedule than :func:`run`'s split, e.g. ``fold_in(key, t)`` so that a run
    cut into chunks gives the same steps as one long run.

    Args:
        keys: PRNG keys, shape ``(num_steps,)`` (new-style) or ``(num_steps, 2)`` (raw uint32).
        algorithm: the :class:`Iterative` pair.
        state: the state to start from (e.g. ``algorithm.init(...)``).
        return_trajectory: also return every state after each step, stacked (static).

    Returns:
        ``(final_state, infos)`` or, with ``return_trajectory``, ``(final_state, infos, states)``.
    """
    step = _check_algorithm(algorithm)
    _check_flag(return_trajectory)
    if jnp.ndim(keys) < 1 or jnp.shape(keys)[0] < 1:
        raise ValueError(f"keys must hold at least one key along its leading axis, got shape {jnp.shape(keys)}")

    if return_trajectory:

        def body(s, k):
            new, info = step(k, s)
            return new, (info, new)

        state, (infos, states) = jax.lax.scan(body, state, keys)
        return state, infos, states
    return jax.lax.scan(lambda s, k: step(k, s), state, keys)


@overload
def run(
    key: jax.Array, algorithm: Iterative, state: State, num_steps: int, *, return_trajectory: Literal[False] = False
) -> tuple[State, Info]: ...
@overload
def run(
    key: jax.Array, algorithm: Iterative, state: State, num_steps: int, *, return_trajectory: Literal[True]
) -> tuple[State, Info, State]: ...
def run(
    key: jax.Array, algorithm: Iterative, state: State, num_steps: int, *, return_trajectory: bool = False
) -> tuple[State, Info] | tuple[State, Info, State]:
    """Run ``num_steps`` steps of ``algorithm`` from ``state`` in one ``lax.scan``; step t uses the t-th key of
    ``jax.random.split(key, num_steps)``.

    Args:
        key: PRNG key.
        algorithm: the :class:`Iterative` pair.
        state: the state to start from (e.g. ``algorithm.init(...)``).
        num_steps: number of steps, >= 1 (static).
        return_trajectory: also return every state after each step, stacked (static).

    Returns:
        ``(final_state, infos)`` with every info leaf stacked to leading shape ``(num_steps,)``; with
        ``return_trajectory`` also the states after each step, ``(final_state, infos, states)``.

    Raises:
        TypeError: ``algorithm`` is not an :class:`Iterative`.
        ValueError: ``num_steps`` is not an int >= 1.
    """
    _check_algorithm(algorithm)
    _check_flag(return_trajectory)
    num_steps = check_int("num_steps", num_steps, min_value=1)
    keys = jax.random.split(key, num_steps)
    if return_trajectory:
        return run_keys(keys, algorithm, state, return_trajectory=True)
    return run_keys(keys, algorithm, state, return_trajectory=return_trajectory)
