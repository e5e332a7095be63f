"""Best-of-N over finished solutions, the simplest inference-time search.

Score N finished solutions, keep the best (:func:`best_of_n`; :func:`priorscope.scaling.selection.best_of_k_index`
does the argmax). With an oracle verifier its success rate is pass@N, :math:`1 - (1 - p)^N` (:func:`pass_at_n`).
Step-level search on a tree of candidates lives in :mod:`~priorscope.scaling.tree_search`, early rejection with
partial rewards in :mod:`~priorscope.scaling.early_rejection`.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

from priorscope import _checks as _c
from priorscope.scaling.selection import best_of_k_index, best_of_k_success

__all__ = [
    "best_of_n",
    "pass_at_n",
]


def pass_at_n(p: jax.Array, n: jax.Array) -> jax.Array:
    """pass@N = 1 − (1 − p)^N: best-of-N success with an oracle verifier (F1's ``best_of_k_success``)."""
    p = _c.check_probability("p", p)
    n = _c.check_positive("n", n)
    return best_of_k_success(p, n)


def best_of_n(scores: jax.Array, *values: jax.Array) -> tuple[jax.Array, ...]:
    """Pick the highest-scoring of N solutions per problem and return the chosen entries of ``values``.

    Args:
        scores: (..., N) verifier scores.
        *values: arrays of shape (..., N) (e.g. outcome and process correctness).

    Returns:
        One (...,) array per entry of ``values``.
    """
    for i, v in enumerate(values):
        if jnp.shape(v)[: jnp.ndim(scores)] != jnp.shape(scores):
            raise ValueError(
                f"values[{i}] must have the shape of scores {jnp.shape(scores)} in front, got {jnp.shape(v)}"
            )
    idx = best_of_k_index(scores)
    return tuple(jnp.take_along_axis(jnp.asarray(v), idx[..., None], axis=-1)[..., 0] for v in values)
