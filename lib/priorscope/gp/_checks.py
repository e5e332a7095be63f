"""Boundary validation helpers of the GP modules (private): the shared checks of ``priorscope._checks`` plus
``as_inputs``.

Checks on concrete values (a Python number, a NumPy array, a committed JAX array) raise at once; under
``jit``/``vmap`` the value is a tracer and is checked at run time (``equinox.error_if``), see ``priorscope._checks``.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

from priorscope._checks import check_finite as check_finite
from priorscope._checks import check_nonnegative as check_nonnegative
from priorscope._checks import check_positive as check_positive
from priorscope._checks import is_concrete as is_concrete


def as_inputs(name: str, X) -> jax.Array:
    """Return inputs as a ``(n, d)`` array; a 1-D array of length n means n scalar inputs.

    Raises:
        ValueError: if ``X`` is empty, has more than 2 dimensions or contains NaN/inf.
    """
    X = jnp.asarray(X)
    if X.ndim == 1:
        X = X[:, None]
    if X.ndim != 2:
        raise ValueError(f"{name} must have shape (n,) or (n, d), got shape {X.shape}")
    if X.shape[0] == 0:
        raise ValueError(f"{name} must contain at least one point, got shape {X.shape}")
    return check_finite(name, X)
