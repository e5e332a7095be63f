"""Argument checks shared by the public functions (static and concrete values only; never under a trace)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import jax
import numpy as np


def is_concrete(x: object) -> bool:
    """True unless ``x`` is (or contains) a JAX tracer: value checks only run on concrete inputs."""
    return not any(isinstance(leaf, jax.core.Tracer) for leaf in jax.tree_util.tree_leaves(x))


def _shown(arr: np.ndarray) -> np.ndarray:
    return arr if arr.size <= 8 else arr.ravel()[:8]


def check_int(name: str, value: object, *, min_value: int | None = None, max_value: int | None = None) -> int:
    """``value`` as an int in [min_value, max_value], else a TypeError/ValueError naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise TypeError(f"{name} must be an int, got {type(value).__name__} {value!r}")
    value = int(value)
    if min_value is not None and value < min_value:
        raise ValueError(f"{name} must be >= {min_value}, got {value}")
    if max_value is not None and value > max_value:
        raise ValueError(f"{name} must be <= {max_value}, got {value}")
    return value


def check_positive(name: str, value: object, *, allow_zero: bool = False, allow_inf: bool = False) -> None:
    """Raise a ValueError naming ``name`` unless a concrete ``value`` is non-empty with every entry > 0 (>= 0 with
    ``allow_zero``) and finite (``+inf`` allowed with ``allow_inf``)."""
    if not is_concrete(value):
        return
    arr = np.asarray(value, dtype=float)
    if arr.size == 0:
        raise ValueError(f"{name} must be non-empty, got an array of shape {arr.shape}")
    finite = ~np.isnan(arr) if allow_inf else np.isfinite(arr)
    positive = (arr >= 0) if allow_zero else (arr > 0)
    if not np.all(finite & positive):
        rng = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{name} must be finite and {rng}, got {_shown(arr)}")


def check_nonnegative(name: str, value: object) -> None:
    """Raise a ValueError naming ``name`` unless every entry of a concrete ``value`` is finite and >= 0."""
    check_positive(name, value, allow_zero=True)


def check_finite(name: str, value: object) -> None:
    """Raise a ValueError naming ``name`` if a concrete ``value`` holds NaN or ±inf."""
    if not is_concrete(value):
        return
    arr = np.asarray(value, dtype=float)
    if not np.all(np.isfinite(arr)):
        bad = int(arr.size - np.count_nonzero(np.isfinite(arr)))
        raise ValueError(f"{name} must be finite, got {bad} NaN/inf entries (shape {arr.shape})")


def check_in_range(name: str, value: object, low: float, high: float) -> None:
    """Raise a ValueError naming ``name`` unless every entry of a concrete ``value`` lies in [low, high]."""
    if not is_concrete(value):
        return
    arr = np.asarray(value, dtype=float)
    if np.any(~np.isfinite(arr) | (arr < low) | (arr > high)):
        raise ValueError(f"{name} must lie in [{low}, {high}], got {arr if arr.size == 1 else arr.min()}…")


def check_probabilities(name: str, p: object, *, atol: float = 1e-6) -> None:
    """Raise unless a concrete ``p`` is a probability vector (entries in [0, 1] summing to 1 on the last axis)."""
    if not is_concrete(p):
        return
    arr = np.asarray(p, dtype=float)
    check_in_range(name, arr, 0.0, 1.0)
    if not np.allclose(arr.sum(-1), 1.0, atol=atol):
        raise ValueError(f"{name} must sum to 1 along its last axis, got sums {np.unique(arr.sum(-1))[:3]}")


def check_choice(name: str, value: object, options: Sequence[str]) -> str:
    """``value`` if it is one of ``options``, else a ValueError listing them."""
    if value not in options:
        raise ValueError(f"{name} must be one of {tuple(options)}, got {value!r}")
    return value  # type: ignore[return-value]


def check_ndim(name: str, value: object, ndim: int) -> None:
    """Raise a ValueError naming ``name`` unless ``value`` has ``ndim`` dimensions."""
    got = np.ndim(value)
    if got != ndim:
        raise ValueError(f"{name} must have {ndim} dimension(s), got shape {np.shape(value)}")


def check_float(name: str, value: object) -> float:
    """``value`` as a finite Python float, else a TypeError/ValueError naming ``name``."""
    try:
        out = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__} {value!r}") from None
    if not math.isfinite(out):
        raise ValueError(f"{name} must be finite, got {out}")
    return out
