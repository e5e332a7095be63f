"""One training loop for the course's small networks: an ``init``/``step`` state over optax, run in jitted chunks.

The loss is a pure function ``loss_fn(params, key) -> scalar`` that draws its own batch from the key: a prior-fitted
network samples fresh datasets from its prior, a language model picks random windows of a corpus closed over by the
function. :func:`train_step` is one AdamW step (the pair runs through :func:`priorscope.iterate.run_keys`, the
course's one init/step runner); :func:`fit` scans ``chunk`` steps inside one compiled call and shows
a progress bar between chunks, so a minutes-long training reports progress without paying a Python round trip per
step.

Schedule: linear warm-up to ``learning_rate`` over ``warmup`` steps, then cosine decay to 0 (as PFNs are trained).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
import optax

from priorscope import config, iterate
from priorscope._checks import check_float, check_int

__all__ = ["TrainState", "fit", "train_init", "train_step"]

LossFn = Callable[[Any, jax.Array], jax.Array]


class TrainState(NamedTuple):
    """Parameters, optimiser state and step count (a pytree)."""

    params: Any
    opt_state: Any
    step: jax.Array


def _optimizer(learning_rate: float, num_steps: int, warmup: int, weight_decay: float) -> optax.GradientTransformation:
    schedule = optax.warmup_cosine_decay_schedule(
        init_value=0.0,
        peak_value=learning_rate,
        warmup_steps=max(warmup, 1),
        decay_steps=max(num_steps, warmup + 1),
    )
    return optax.chain(optax.clip_by_global_norm(1.0), optax.adamw(schedule, weight_decay=weight_decay))


def train_init(params: Any, optimizer: optax.GradientTransformation) -> TrainState:
    """The state before the first step."""
    return TrainState(params=params, opt_state=optimizer.init(params), step=jnp.zeros((), jnp.int32))


def train_step(
    state: TrainState, key: jax.Array, loss_fn: LossFn, optimizer: optax.GradientTransformation
) -> tuple[TrainState, jax.Array]:
    """One optimiser step on ``loss_fn(params, key)``; returns the new state and the loss before the step."""
    loss, grads = jax.value_and_grad(loss_fn)(state.params, key)
    updates, opt_state = optimizer.update(grads, state.opt_state, state.params)
    params = optax.apply_updates(state.params, updates)
    return TrainState(params, opt_state, state.step + 1), loss


def fit(
    key: jax.Array,
    params: Any,
    loss_fn: LossFn,
    *,
    num_steps: int,
    learning_rate: float = 1e-3,
    warmup: int | None = None,
    weight_decay: float = 0.0,
    chunk: int = 100,
    desc: str = "training",
) -> tuple[Any, np.ndarray]:
    """Train ``params`` for ``num_steps`` AdamW steps on ``loss_fn``; returns the trained params and the losses.

    Args:
        key: PRNG key; step ``t`` uses ``fold_in(key, t)``, so a run is reproducible and independent of ``chunk``.
        params: initial parameters (any pytree).
        loss_fn: ``loss_fn(params, key) -> scalar``, pure and jit-compatible; draws its batch from ``key``.
        num_steps: number of optimiser steps (>= 1).
        learning_rate: peak learning rate (> 0).
        warmup: warm-up steps (default ``num_steps // 10``).
        weight_decay: AdamW decoupled weight decay (>= 0).
        chunk: steps per compiled call; a progress bar advances between chunks.
        desc: label of the progress bar.

    Returns:
        ``(params, losses)`` with ``losses`` a NumPy array of length ``num_steps``.
    """
    num_steps = check_int("num_steps", num_steps, min_value=1)
    learning_rate = check_float("learning_rate", learning_rate)
    if not learning_rate > 0:
        raise ValueError(f"learning_rate must be > 0, got {learning_rate}")
    warmup = num_steps // 10 if warmup is None else check_int("warmup", warmup, min_value=0)
    weight_decay = check_float("weight_decay", weight_decay)
    if weight_decay < 0:
        raise ValueError(f"weight_decay must be >= 0, got {weight_decay}")
    chunk = min(check_int("chunk", chunk, min_value=1), num_steps)
    optimizer = _optimizer(learning_rate, num_steps, warmup, weight_decay)

    algorithm = iterate.Iterative(
        init=lambda p: train_init(p, optimizer), step=lambda k, s: train_step(s, k, loss_fn, optimizer)
    )

    @jax.jit
    def run(state: TrainState, steps: jax.Array) -> tuple[TrainState, jax.Array]:
        keys = jax.vmap(lambda t: jax.random.fold_in(key, t))(steps)
        final, chunk_losses = iterate.run_keys(keys, algorithm, state)
        return final, chunk_losses

    state = algorithm.init(params)
    losses = []
    starts = range(0, num_steps, chunk)
    for start in config.progress(starts, total=len(starts), desc=desc):
        steps = jnp.arange(start, min(start + chunk, num_steps))  # a shorter last chunk compiles once more
        state, chunk_losses = run(state, steps)
        losses.append(np.asarray(chunk_losses))
    return state.params, np.concatenate(losses)[:num_steps]
