"""The one way to declare a frozen pytree: :func:`pytree_dataclass`.

A kernel, schedule, mixture, environment or spec that travels through ``jit``/``vmap`` is a frozen dataclass
registered with :func:`jax.tree_util.register_dataclass`. Array fields are leaves (traced, so a slider can move
them); a field that fixes shapes or picks code paths (a size, a depth, a flag) is static, declared with
``dataclasses.field(metadata=dict(static=True))`` (a default goes in the same ``field`` call)::

    @pytree_dataclass
    class Spec:
        scale: jax.Array
        depth: int = field(default=1, metadata=dict(static=True))

Plain result records (what a function returns, never passed back into a jitted function as a configuration)
are ``NamedTuple`` s; learned modules with parameters are ``equinox.Module`` s.
"""

from __future__ import annotations

import dataclasses
from typing import dataclass_transform

import jax

__all__ = ["pytree_dataclass"]


@dataclass_transform(frozen_default=True, field_specifiers=(dataclasses.field,))
def pytree_dataclass[C: type](cls: C) -> C:
    """Make ``cls`` a frozen dataclass registered as a pytree; fields with ``metadata=dict(static=True)`` are static."""
    return jax.tree_util.register_dataclass(dataclasses.dataclass(frozen=True)(cls))
