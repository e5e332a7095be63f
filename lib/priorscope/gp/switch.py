"""A kernel chosen by a (traced) index: one compiled program serves every kernel family of a panel.

``Switch(index, (k0, k1, ...))`` is ``k_index``. The index is a pytree leaf, so it may be a traced int32 (a
dropdown passed to a jitted function as an array): changing it selects another branch of a ``lax.switch`` that
is already compiled, instead of tracing and compiling a new program. Only the chosen kernel is evaluated.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from priorscope._checks import is_concrete
from priorscope._pytree import pytree_dataclass
from priorscope.gp._checks import as_inputs
from priorscope.gp.kernels import Kernel

__all__ = ["Switch"]


@pytree_dataclass
class Switch(Kernel):
    """k(x, x') = kernels[index](x, x').

    Args:
        index: integer in ``[0, len(kernels))``; may be traced (out-of-range traced values are clipped, as
            ``lax.switch`` does; concrete ones raise).
        kernels: the candidate kernels (a tuple; their hyperparameters may be traced too).

    Example:
        >>> import jax, jax.numpy as jnp
        >>> from priorscope import gp
        >>> pick = jax.jit(lambda i, x: gp.Switch(i, (gp.RBF(1.0), gp.Matern12(1.0)))(x))
        >>> x = jnp.array([0.0, 1.0])
        >>> bool(jnp.allclose(pick(1, x), gp.Matern12(1.0)(x)))
        True
    """

    index: jax.Array
    kernels: tuple[Kernel, ...]

    def __post_init__(self):
        if not isinstance(self.kernels, tuple) or not self.kernels:
            raise ValueError(f"kernels must be a non-empty tuple of Kernels, got {self.kernels!r}")
        for k in self.kernels:
            if not isinstance(k, Kernel):
                raise TypeError(f"kernels must hold Kernels, got {type(k).__name__}")
        # value checks only on a concrete integer (pytree unflattening may hand over tracers or placeholders)
        if isinstance(self.index, int | float | np.number | np.ndarray | jax.Array) and is_concrete(self.index):
            idx = np.asarray(self.index)
            if not np.issubdtype(idx.dtype, np.integer) or idx.ndim != 0:
                raise TypeError(f"index must be a scalar integer, got {self.index!r}")
            if not 0 <= int(idx) < len(self.kernels):
                raise ValueError(f"index must lie in [0, {len(self.kernels) - 1}], got {int(idx)}")

    def _index(self) -> jax.Array:
        return jnp.asarray(self.index, jnp.int32)

    def evaluate(self, x1, x2):
        return jax.lax.switch(self._index(), [k.evaluate for k in self.kernels], x1, x2)

    def __call__(self, X1, X2=None) -> jax.Array:
        X1 = as_inputs("X1", X1)
        X2 = X1 if X2 is None else as_inputs("X2", X2)
        return jax.lax.switch(self._index(), [lambda a, b, k=k: k(a, b) for k in self.kernels], X1, X2)

    def diag(self, X) -> jax.Array:
        X = as_inputs("X", X)
        return jax.lax.switch(self._index(), [k.diag for k in self.kernels], X)
