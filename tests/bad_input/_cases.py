"""The table format of the bad-input suite: each case starts from a valid call and perturbs one argument.

A case names the public function it covers (``target``), the argument it perturbs (``arg``) and a thunk that makes
the call; it passes when the call raises ``ValueError``/``TypeError`` whose message matches ``match`` (by default the
argument's name). ``classify`` sorts what a call did into the probe classes of issue 11: a clear error, an unclear
error (another exception, or a message that does not name the argument), a silent NaN/inf, or a silent result.
"""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

import equinox as eqx
import jax
import numpy as np
import pytest

# What a failed run-time check raises: under jax.jit a JaxRuntimeError whose message holds "<arg> must ...",
# under equinox.filter_jit an EquinoxRuntimeError.
TRACED_ERRORS = (ValueError, TypeError, jax.errors.JaxRuntimeError, eqx.EquinoxRuntimeError)


@dataclass(frozen=True)
class Case:
    target: str
    arg: str
    call: Callable[[], object] = field(repr=False)
    match: str | None = None
    exc: type[BaseException] | tuple[type[BaseException], ...] = (ValueError, TypeError)

    @staticmethod
    def jit(target: str, arg: str, call: Callable[[], object], match: str | None = None) -> Case:
        """A case whose bad value is traced (under ``jax.jit``): the run-time check raises when the call runs."""
        return Case(target, arg, call, match, exc=TRACED_ERRORS)

    @property
    def pattern(self) -> str:
        return self.match if self.match is not None else re.escape(self.arg)

    @property
    def id(self) -> str:
        return f"{self.target}:{self.arg}"


def _leaves_finite(out: object) -> bool:
    for leaf in jax.tree_util.tree_leaves(out):
        try:
            arr = np.asarray(leaf)
        except Exception:  # noqa: BLE001 - keys, callables
            continue
        if arr.dtype.kind in "fc" and not np.all(np.isfinite(arr)):
            return False
    return True


def run(case: Case) -> None:
    """Assert the case raises a clear error naming its argument."""
    with pytest.raises(case.exc, match=case.pattern):
        jax.block_until_ready(case.call())


def classify(case: Case) -> str:
    """``clear``, ``unclear``, ``nan`` or ``silent``: what a call did with the bad argument."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = jax.block_until_ready(case.call())
    except case.exc as e:
        return "clear" if re.search(case.pattern, str(e)) else "unclear"
    except TRACED_ERRORS as e:
        return "clear" if re.search(case.pattern, str(e)) else "unclear"
    except Exception:  # noqa: BLE001 - anything else is unclear by definition
        return "unclear"
    return "silent" if _leaves_finite(out) else "nan"


def ids(cases: list[Case]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for c in cases:
        n = seen.get(c.id, 0)
        seen[c.id] = n + 1
        out.append(c.id if n == 0 else f"{c.id}#{n}")
    return out


NAN = math.nan
