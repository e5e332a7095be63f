r"""Choosing one of k candidates: best-of-k, softmax at a temperature, and votes.

A policy proposes k i.i.d. candidates :math:`\hat y_1, \dots, \hat y_k` and a judge scores them with rewards
:math:`R_i`. Three selection rules are used across track F:

* **best-of-k** (the :math:`T \to 0` limit, handled explicitly as an argmax, never as a tiny temperature):
  :math:`i^\star = \arg\max_i R_i`;
* **softmax at temperature** :math:`T > 0`: :math:`P(i) = e^{R_i/T} / \sum_j e^{R_j/T}`;
* **majority / weighted vote** over discrete answers.

Temperature convention (chosen once for the whole suite): ``temperature`` must be > 0; the argmax rule is its own
function (:func:`best_of_k_index`) or, in the theory functions, the separate flag ``greedy=True``. A temperature of
0 is rejected with a ``ValueError`` rather than silently turned into an argmax. The exact error of the selected
candidate lives in :mod:`~priorscope.scaling.selection_theory`.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

from priorscope import _checks as _c
from priorscope._checks import (
    check_in_range,
    check_int,
    check_interval,
    check_positive,
    is_concrete,
)

__all__ = [
    "best_of_k_index",
    "softmax_selection_probs",
    "softmax_select",
    "majority_vote",
    "weighted_vote",
    "best_of_k_success",
]


# ----------------------------------------------------------------------------------------------------
# Selection rules on a vector of rewards
# ----------------------------------------------------------------------------------------------------


def best_of_k_index(rewards: jax.Array) -> jax.Array:
    """Index of the best candidate (the :math:`T \\to 0` rule), ties to the lowest index.

    Args:
        rewards: ``(..., k)`` judge rewards.

    Returns:
        ``(...)`` int32 indices of the argmax along the last axis.
    """
    rewards = jnp.asarray(rewards)
    if rewards.ndim < 1 or rewards.shape[-1] < 1:
        raise ValueError(f"rewards must have a last axis of length k >= 1, got shape {rewards.shape}")
    return jnp.argmax(rewards, axis=-1)


def softmax_selection_probs(rewards: jax.Array, temperature: jax.Array) -> jax.Array:
    r"""Selection probabilities :math:`P(i) = e^{R_i/T} / \sum_j e^{R_j/T}` along the last axis.

    Args:
        rewards: ``(..., k)`` rewards.
        temperature: scalar :math:`T > 0` (traced is fine). Use :func:`best_of_k_index` for :math:`T \to 0`.

    Returns:
        ``(..., k)`` probabilities summing to 1.
    """
    temperature = check_positive("temperature", temperature)
    rewards = jnp.asarray(rewards)
    if rewards.ndim < 1 or rewards.shape[-1] < 1:
        raise ValueError(f"rewards must have a last axis of length k >= 1, got shape {rewards.shape}")
    return jax.nn.softmax(rewards / temperature, axis=-1)


def softmax_select(key: jax.Array, rewards: jax.Array, temperature: jax.Array) -> jax.Array:
    """Sample one index per row from the softmax at ``temperature`` (> 0).

    Args:
        key: PRNG key.
        rewards: ``(..., k)`` rewards.
        temperature: scalar :math:`T > 0`.

    Returns:
        ``(...)`` sampled indices.
    """
    temperature = _c.check_positive("temperature", temperature)
    probs = softmax_selection_probs(rewards, temperature)
    return jax.random.categorical(key, jnp.log(probs), axis=-1)


def weighted_vote(answers: jax.Array, weights: jax.Array, num_classes: int) -> jax.Array:
    """The answer with the largest total weight (ties to the lowest class id).

    Args:
        answers: ``(..., k)`` integer answers in ``[0, num_classes)``.
        weights: ``(..., k)`` non-negative weights (e.g. judge scores).
        num_classes: number of distinct answers (static).

    Returns:
        ``(...)`` winning answers.
    """
    num_classes = check_int("num_classes", num_classes, min_value=1)
    weights = check_positive("weights", weights, allow_zero=True)
    answers = jnp.asarray(answers)
    if is_concrete(answers) and answers.size and (int(answers.min()) < 0 or int(answers.max()) >= num_classes):
        raise ValueError(f"answers must lie in [0, {num_classes - 1}], got range [{answers.min()}, {answers.max()}]")
    one_hot = jax.nn.one_hot(answers, num_classes)
    totals = jnp.sum(one_hot * jnp.asarray(weights)[..., None], axis=-2)
    return jnp.argmax(totals, axis=-1)


def majority_vote(answers: jax.Array, num_classes: int) -> jax.Array:
    """The most frequent answer (ties to the lowest class id): :func:`weighted_vote` with unit weights."""
    num_classes = _c.check_int("num_classes", num_classes, min_value=1)
    answers = _c.check_interval("answers", answers, 0, num_classes - 1)
    answers = jnp.asarray(answers)
    return weighted_vote(answers, jnp.ones(answers.shape), num_classes)


def best_of_k_success(p: jax.Array, k: jax.Array) -> jax.Array:
    r"""Probability that at least one of k i.i.d. attempts succeeds (pass@k): :math:`1 - (1 - p)^k`.

    Args:
        p: per-attempt success probability in [0, 1].
        k: number of attempts, >= 1.
    """
    p = check_in_range("p", p, 0.0, 1.0)
    k = check_interval("k", k, 1.0)
    return -jnp.expm1(k * jnp.log1p(-jnp.asarray(p)))
