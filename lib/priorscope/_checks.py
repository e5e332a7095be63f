"""The validation vocabulary shared by every public function (private; see docs/architecture.md).

Every check takes the *caller's* argument name first, so a message always names the argument of the function the
user called, the allowed range and the value received::

    ValueError: lengthscale must be > 0, got -1.0

Concrete values (Python numbers, NumPy arrays, committed JAX arrays, JAX scalars) are checked in Python and raise
``ValueError``/``TypeError`` at once. Traced values (inside ``jit``/``vmap``/``grad``, e.g. a slider value or a
hyperparameter of a jitted sampler) are checked at run time with :func:`equinox.error_if`: the value checks return
their argument, and the caller uses the returned value so the check stays in the computation. A traced value out of
range then raises when the jitted call runs (under ``jax.jit`` an ``XlaRuntimeError``, a ``ValueError`` subclass,
whose message holds ``"<name> must ..."``; under ``equinox.filter_jit`` an ``EqxRuntimeError``) instead of
returning NaN or a stuck chain. The run-time check costs one fused comparison and a conditional callback.

Checks return the value they checked (as given when it is concrete), so a function reads::

    lengthscale = check_positive("lengthscale", lengthscale)
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable, Sequence
from typing import Any

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
from jax.core import Tracer

__all__ = [
    "is_concrete",
    "check_int",
    "check_bool",
    "check_float",
    "check_interval",
    "check_in_range",
    "check_positive",
    "check_nonnegative",
    "check_probability",
    "check_finite",
    "check_probabilities",
    "check_weights",
    "check_increasing",
    "check_choice",
    "check_ndim",
    "check_shape",
    "check_same_shape",
    "check_type",
]


def is_concrete(x: object) -> bool:
    """True unless ``x`` is (or contains) a JAX tracer: such values are checked in Python, tracers at run time."""
    return not any(isinstance(leaf, Tracer) for leaf in jax.tree_util.tree_leaves(x))


def _shown(arr: np.ndarray) -> object:
    """A short rendering of a bad value: the number itself, or the first entries of an array."""
    if arr.size == 1:
        return arr.reshape(()).item()
    return arr if arr.size <= 8 else np.concatenate([arr.ravel()[:8]]).tolist() + ["..."]


def _num(x: float) -> str:
    return f"{x:g}"


def _traced(name: str, value: Any, bad: jax.Array, requirement: str) -> Any:
    """``value`` with a run-time check: raise ``"<name> must <requirement>"`` when any entry of ``bad`` is True."""
    msg = f"{name} must {requirement} (a traced value, checked at run time, was not)"
    return eqx.error_if(value, jnp.any(bad), msg)


def _as_float_array(name: str, value: object) -> np.ndarray:
    if isinstance(value, str | bytes) or value is None:
        raise TypeError(f"{name} must be a real number or array, got {type(value).__name__} {value!r}")
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError):  # pragma: no cover - exotic objects
        raise TypeError(f"{name} must be a real number or array, got {type(value).__name__}") from None
    if arr.dtype == object or np.iscomplexobj(arr) or arr.dtype.kind in "USV":
        raise TypeError(f"{name} must be a real number or array, got {type(value).__name__} {value!r}")
    return arr.astype(float)


# ---------------------------------------------------------------------------------------------------------------
# Python-level types: counts, flags, plain floats, options


def check_int(name: str, value: object, *, min_value: int | None = None, max_value: int | None = None) -> int:
    """``value`` as an int in [min_value, max_value], else a TypeError/ValueError naming ``name``.

    Accepts Python and NumPy ints and concrete integer JAX scalars; refuses bools, floats (even ``3.0``) and tracers
    (a count fixes a shape, so it must be static).

    Examples:
        >>> check_int("num_samples", 3, min_value=1)
        3
        >>> check_int("num_samples", 0, min_value=1)
        Traceback (most recent call last):
        ...
        ValueError: num_samples must be >= 1, got 0
    """
    if (
        isinstance(value, jax.Array)
        and is_concrete(value)
        and value.ndim == 0
        and jnp.issubdtype(value.dtype, jnp.integer)
    ):
        value = int(value)
    if isinstance(value, bool | np.bool_) or not isinstance(value, int | np.integer):
        raise TypeError(f"{name} must be an int, got {type(value).__name__} {value!r}")
    value = int(value)
    if min_value is not None and value < min_value:
        raise ValueError(f"{name} must be >= {min_value}, got {value}")
    if max_value is not None and value > max_value:
        raise ValueError(f"{name} must be <= {max_value}, got {value}")
    return value


def check_bool(name: str, value: object) -> bool:
    """``value`` if it is really a bool (Python or NumPy), else a TypeError naming ``name``.

    Strings such as ``"false"`` and numbers such as ``0`` are refused: ``bool("false")`` is True.
    """
    if isinstance(value, jax.Array) and is_concrete(value) and value.shape == () and value.dtype == jnp.bool_:
        return bool(value)
    if not isinstance(value, bool | np.bool_):
        raise TypeError(f"{name} must be a bool (True or False), got {type(value).__name__} {value!r}")
    return bool(value)


def check_float(name: str, value: object) -> float:
    """``value`` as a finite Python float, else a TypeError/ValueError naming ``name``."""
    if isinstance(value, bool | np.bool_ | str | bytes) or value is None:
        raise TypeError(f"{name} must be a real number, got {type(value).__name__} {value!r}")
    try:
        out = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__} {value!r}") from None
    if not math.isfinite(out):
        raise ValueError(f"{name} must be finite, got {out}")
    return out


def check_choice[T](name: str, value: T, options: Iterable[T]) -> T:
    """``value`` if it is one of ``options``, else a ValueError listing them (with a "did you mean" suggestion).

    Examples:
        >>> check_choice("scheme", "systematc", ("systematic", "stratified"))
        Traceback (most recent call last):
        ...
        ValueError: scheme must be one of ('systematic', 'stratified'), got 'systematc' (did you mean 'systematic'?)
    """
    options = tuple(options)
    try:
        ok = value in options
    except TypeError:  # unhashable value against a dict's keys
        ok = False
    if not ok:
        hint = ""
        if isinstance(value, str):
            close = difflib.get_close_matches(value, [o for o in options if isinstance(o, str)], n=1, cutoff=0.6)
            if close:
                hint = f" (did you mean {close[0]!r}?)"
        raise ValueError(f"{name} must be one of {options}, got {value!r}{hint}")
    return value


def check_type[T](name: str, value: T, types: type | tuple[type, ...], what: str) -> T:
    """``value`` if it is an instance of ``types``, else a TypeError naming ``name`` and ``what`` was expected."""
    if not isinstance(value, types):
        raise TypeError(f"{name} must be {what}, got {type(value).__name__}")
    return value


# ---------------------------------------------------------------------------------------------------------------
# Values: checked in Python when concrete, at run time when traced


def check_interval[T](
    name: str,
    value: T,
    low: float = -math.inf,
    high: float = math.inf,
    *,
    low_open: bool = False,
    high_open: bool = False,
    allow_inf: bool = False,
) -> T:
    """``value`` if every entry is finite and lies in the interval, else a ValueError naming ``name``.

    The interval is ``[low, high]``, with ``low_open``/``high_open`` excluding an end; ``allow_inf`` admits an
    infinite end point that the interval contains. NaN never passes. A traced ``value`` is checked at run time.

    Examples:
        >>> check_interval("discount", 0.9, 0.0, 1.0, high_open=True)
        0.9
        >>> check_interval("discount", 1.0, 0.0, 1.0, high_open=True)
        Traceback (most recent call last):
        ...
        ValueError: discount must lie in [0.0, 1.0), got 1.0
    """
    lo_b, hi_b = ("(" if low_open else "["), (")" if high_open else "]")
    if low == -math.inf and high == math.inf:
        bound = ""
    elif high == math.inf:
        bound = f"{'>' if low_open else '>='} {_num(low)}"
    elif low == -math.inf:
        bound = f"{'<' if high_open else '<='} {_num(high)}"
    else:
        bound = ""
    if low != -math.inf and high != math.inf:  # the closed/open interval reads "lie in [low, high]"
        full = f"lie in {lo_b}{low}, {high}{hi_b}"
    elif allow_inf:
        full = f"be {bound} (inf allowed, not NaN)" if bound else "not be NaN"
    else:
        full = f"be finite and {bound}" if bound else "be finite"
    if not is_concrete(value):
        arr = jnp.asarray(value)
        bad = jnp.isnan(arr) if allow_inf else ~jnp.isfinite(arr)
        bad = bad | ((arr <= low) if low_open else (arr < low)) | ((arr >= high) if high_open else (arr > high))
        return _traced(name, value, bad, full)
    arr = _as_float_array(name, value)
    if arr.size == 0:
        raise ValueError(f"{name} must be non-empty, got an array of shape {arr.shape}")
    with np.errstate(invalid="ignore"):
        finite = ~np.isnan(arr) if allow_inf else np.isfinite(arr)
        inside = ((arr > low) if low_open else (arr >= low)) & ((arr < high) if high_open else (arr <= high))
    ok = finite & inside
    if not np.all(ok):
        bad = arr[~ok] if arr.ndim else arr
        where = "" if arr.size == 1 else f" ({int(np.size(bad))} of {arr.size} entries bad, e.g. {_shown(bad)})"
        shown = _shown(arr) if arr.size == 1 else f"an array of shape {arr.shape}{where}"
        raise ValueError(f"{name} must {full}, got {shown}")
    return value


def check_in_range[T](name: str, value: T, low: float, high: float) -> T:
    """``value`` if every entry is finite and in the closed interval ``[low, high]`` (see :func:`check_interval`)."""
    return check_interval(name, value, low, high)


def check_positive[T](name: str, value: T, *, allow_zero: bool = False, allow_inf: bool = False) -> T:
    """``value`` if it is non-empty with every entry > 0 (>= 0 with ``allow_zero``) and finite (``+inf`` allowed
    with ``allow_inf``), else a ValueError naming ``name``; traced values are checked at run time."""
    return check_interval(name, value, 0.0, math.inf, low_open=not allow_zero, allow_inf=allow_inf)


def check_nonnegative[T](name: str, value: T) -> T:
    """``value`` if every entry is finite and >= 0, else a ValueError naming ``name``."""
    return check_positive(name, value, allow_zero=True)


def check_probability[T](name: str, value: T) -> T:
    """``value`` if every entry is a probability in [0, 1], else a ValueError naming ``name``."""
    return check_interval(name, value, 0.0, 1.0)


def check_finite[T](name: str, value: T) -> T:
    """``value`` if it holds no NaN or ±inf, else a ValueError naming ``name`` with the number of bad entries."""
    if not is_concrete(value):
        return _traced(name, value, ~jnp.isfinite(jnp.asarray(value)), "be finite (no NaN or inf)")
    arr = _as_float_array(name, value)
    if not np.all(np.isfinite(arr)):
        bad = int(arr.size - np.count_nonzero(np.isfinite(arr)))
        raise ValueError(f"{name} must be finite, got {bad} NaN/inf entries (shape {arr.shape})")
    return value


def check_probabilities[T](name: str, p: T, *, atol: float = 1e-6) -> T:
    """``p`` if it is a probability vector (entries in [0, 1] summing to 1 along the last axis)."""
    if not is_concrete(p):
        arr = jnp.asarray(p)
        bad = ~jnp.isfinite(arr) | (arr < 0) | (arr > 1)
        bad = jnp.any(bad) | jnp.any(jnp.abs(arr.sum(-1) - 1) > atol)
        return _traced(name, p, bad, "be a probability vector (entries in [0, 1] summing to 1)")
    arr = np.asarray(check_in_range(name, _as_float_array(name, p), 0.0, 1.0))
    if not np.allclose(arr.sum(-1), 1.0, atol=atol):
        raise ValueError(f"{name} must sum to 1 along its last axis, got sums {np.unique(arr.sum(-1))[:3]}")
    return p


def check_weights[T](name: str, w: T) -> T:
    """``w`` if it is a non-empty vector of finite, non-negative weights with a positive sum (need not sum to 1)."""
    if not is_concrete(w):
        arr = jnp.asarray(w)
        bad = ~jnp.isfinite(arr) | (arr < 0)
        bad = jnp.any(bad) | ~(jnp.sum(arr) > 0)
        return _traced(name, w, bad, "be finite and >= 0 with a positive sum")
    arr = np.asarray(check_nonnegative(name, _as_float_array(name, w)))
    if not arr.sum() > 0:
        raise ValueError(f"{name} must have a positive sum, got all {arr.size} weights equal to 0")
    return w


def check_increasing[T](name: str, value: T, *, strict: bool = True, decreasing: bool = False) -> T:
    """``value`` if it is a finite 1-D sequence that increases (strictly unless ``strict=False``; ``decreasing``
    reverses the direction)."""
    word = ("strictly " if strict else "non-") + (
        ("decreasing" if strict else "increasing") if decreasing else ("increasing" if strict else "decreasing")
    )
    sign = -1.0 if decreasing else 1.0
    if not is_concrete(value):
        arr = jnp.asarray(value)
        step = sign * jnp.diff(arr)
        bad = jnp.any(~jnp.isfinite(arr)) | jnp.any((step <= 0) if strict else (step < 0))
        return _traced(name, value, bad, f"be finite and {word}")
    arr = np.asarray(check_finite(name, _as_float_array(name, value)))
    step = sign * np.diff(arr)
    bad = (step <= 0) if strict else (step < 0)
    if np.any(bad):
        i = int(np.argmax(bad))
        raise ValueError(f"{name} must be {word}, got {name}[{i}] = {arr[i]} then {name}[{i + 1}] = {arr[i + 1]}")
    return value


# ---------------------------------------------------------------------------------------------------------------
# Shapes (always static, so always checked in Python)


def check_ndim(name: str, value: object, ndim: int | Sequence[int]) -> None:
    """Raise a ValueError naming ``name`` unless ``value`` has ``ndim`` dimensions (one of them, if a sequence)."""
    allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
    got = np.ndim(value)  # type: ignore[arg-type]
    if got not in allowed:
        want = allowed[0] if len(allowed) == 1 else " or ".join(map(str, allowed))
        raise ValueError(f"{name} must have {want} dimension(s), got shape {np.shape(value)}")  # type: ignore[arg-type]


def check_shape(name: str, value: object, shape: Sequence[int | None], *, what: str | None = None) -> None:
    """Raise unless ``value``'s shape matches ``shape`` (``None`` matches any size); ``what`` names the dims."""
    got = tuple(np.shape(value))  # type: ignore[arg-type]
    want = tuple(shape)
    if len(got) != len(want) or any(w is not None and g != w for g, w in zip(got, want, strict=True)):
        shown = (
            what or "(" + ", ".join("n" if w is None else str(w) for w in want) + ("," if len(want) == 1 else "") + ")"
        )
        raise ValueError(f"{name} must have shape {shown}, got shape {got}")


def check_same_shape(name_a: str, a: object, name_b: str, b: object, *, axis: int | None = None) -> None:
    """Raise unless ``a`` and ``b`` have the same shape (or the same size along ``axis``), naming both."""
    sa, sb = tuple(np.shape(a)), tuple(np.shape(b))  # type: ignore[arg-type]
    if axis is None:
        if sa != sb:
            raise ValueError(f"{name_a} and {name_b} must have the same shape, got {sa} and {sb}")
        return
    if len(sa) <= abs(axis) - (axis < 0) or len(sb) <= abs(axis) - (axis < 0) or sa[axis] != sb[axis]:
        raise ValueError(f"{name_a} and {name_b} must have the same size along axis {axis}, got shapes {sa} and {sb}")


def is_data(*values: object) -> bool:
    """True when constructor fields hold user data worth validating in ``__post_init__``.

    JAX rebuilds registered dataclasses with placeholders (``None``, sentinel objects, tracers, integer axis specs
    for ``vmap``); those are skipped, so raw constructors validate what a user passes without breaking
    ``jit``/``vmap``/``tree_map``. Traced values are checked by the functions that use them.
    """
    plain_ints = True
    for v in values:
        if v is None or isinstance(v, Tracer):
            return False
        if isinstance(v, bool | int):
            continue
        if not isinstance(v, float | np.ndarray | np.generic | jax.Array | list | tuple):
            return False
        if not is_concrete(v):
            return False
        plain_ints = False
    return not plain_ints
