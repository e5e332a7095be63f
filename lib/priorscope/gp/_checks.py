"""Boundary validation helpers shared by the GP modules (private).

Checks on values run only when the value is concrete (a Python number, a NumPy array or a committed JAX
array); under ``jit``/``vmap`` the value is a tracer and the check is skipped, so slider values stay traced.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np


def is_concrete(value) -> bool:
    """True when ``value`` is a number or array whose entries can be read now (not a tracer)."""
    if isinstance(value, jax.core.Tracer):
        return False
    return isinstance(value, (int, float, np.ndarray, np.generic, jax.Array)) and not isinstance(value, bool)


def check_positive(name: str, value, *, allow_inf: bool = False) -> None:
    """Raise ``ValueError`` if a concrete ``value`` has an entry that is not finite and > 0 (or +inf)."""
    if not is_concrete(value):
        return
    arr = np.asarray(value, dtype=float)
    if arr.size == 0:
        raise ValueError(f"{name} must be non-empty, got an array of shape {arr.shape}")
    if allow_inf and not np.any(np.isnan(arr)) and np.all(arr > 0):
        return
    if not np.all(np.isfinite(arr)) or not np.all(arr > 0):
        raise ValueError(f"{name} must be finite and > 0, got {arr if arr.size <= 8 else arr.ravel()[:8]}")


def check_nonnegative(name: str, value) -> None:
    """Raise ``ValueError`` if a concrete ``value`` has an entry that is not finite and >= 0."""
    if not is_concrete(value):
        return
    arr = np.asarray(value, dtype=float)
    if not np.all(np.isfinite(arr)) or not np.all(arr >= 0):
        raise ValueError(f"{name} must be finite and >= 0, got {arr if arr.size <= 8 else arr.ravel()[:8]}")


def check_finite(name: str, value) -> None:
    """Raise ``ValueError`` if a concrete array contains NaN or infinity."""
    if not is_concrete(value):
        return
    arr = np.asarray(value)
    if not np.all(np.isfinite(arr)):
        bad = int(np.size(arr) - np.count_nonzero(np.isfinite(arr)))
        raise ValueError(f"{name} must be finite, got {bad} NaN/inf entries (shape {arr.shape})")


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
    check_finite(name, X)
    return X
