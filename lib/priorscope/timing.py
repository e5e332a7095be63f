"""Wall-clock timing of jitted functions: compile once, then cached calls (used by t01 and the benchmarks)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, NamedTuple

import jax
import numpy as np

from priorscope._checks import check_int

__all__ = ["CallTimes", "time_calls"]


class CallTimes(NamedTuple):
    """Seconds for the first call (trace + compile + run) and the median of later calls."""

    first: float
    cached_median: float
    cached: tuple[float, ...]


def time_calls(fn: Callable[..., Any], args_list: list[tuple[Any, ...]], repeats: int = 1) -> CallTimes:
    """Time ``fn`` on each argument tuple in turn, blocking on the result.

    The first tuple pays for tracing and compilation; the later ones show whether ``fn`` recompiles (seconds)
    or re-runs compiled code (microseconds to milliseconds).

    Args:
        fn: usually a ``jax.jit``-wrapped function.
        args_list: at least two argument tuples.
        repeats: calls per later tuple (the median is reported).
    """
    if len(args_list) < 2:
        raise ValueError(f"args_list needs at least 2 argument tuples, got {len(args_list)}")
    repeats = check_int("repeats", repeats, min_value=1)
    start = time.perf_counter()
    jax.block_until_ready(fn(*args_list[0]))
    first = time.perf_counter() - start
    later = []
    for args in args_list[1:]:
        for _ in range(repeats):
            start = time.perf_counter()
            jax.block_until_ready(fn(*args))
            later.append(time.perf_counter() - start)
    return CallTimes(first, float(np.median(later)), tuple(later))
