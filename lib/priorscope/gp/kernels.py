"""Covariance kernels as small immutable pytrees.

Every kernel is a frozen pytree dataclass (:func:`priorscope._pytree.pytree_dataclass`). Array
hyperparameters (lengthscale, variance, ...) are pytree leaves, so a kernel can be passed through ``jit``,
``grad`` and ``vmap`` and a slider value stays traced; integers that fix the computation (``depth``) are
static.

Each kernel implements :meth:`Kernel.evaluate` for ONE pair of points ``x1, x2`` of shape ``(d,)``;
:meth:`Kernel.__call__` vmaps it into a Gram matrix. ``k1 + k2`` and ``k1 * k2`` build :class:`Sum` and
:class:`Product` nodes.

References:
    Rasmussen and Williams (2006), *Gaussian Processes for Machine Learning*, ch. 4.
    Wilson and Adams (2013), "Gaussian process kernels for pattern discovery and extrapolation", ICML.
    Cho and Saul (2009), "Kernel methods for deep learning", NeurIPS (arc-cosine kernel).
    Williams (1997), "Computing with infinite networks", NeurIPS (erf kernel).
    Lee et al. (2018), "Deep neural networks as Gaussian processes", ICLR (depth recursion).
"""

from __future__ import annotations

import dataclasses

import jax
import jax.numpy as jnp

from priorscope._pytree import pytree_dataclass
from priorscope.gp._checks import as_inputs, check_nonnegative, check_positive, is_concrete

__all__ = [
    "Kernel",
    "RBF",
    "Matern12",
    "Matern32",
    "Matern52",
    "Periodic",
    "SpectralMixture",
    "ArcCosine",
    "ErfNNGP",
    "Sum",
    "Product",
    "Scaled",
]


def _safe_sqrt(x):
    """sqrt with a zero (not NaN) gradient at 0, for distances between coincident points."""
    pos = x > 0
    return jnp.where(pos, jnp.sqrt(jnp.where(pos, x, 1.0)), 0.0)


class Kernel:
    """Base class: subclasses implement :meth:`evaluate` for one pair of points.

    Subclasses list their hyperparameters' ranges in ``_ranges`` (field -> ``"positive"``, ``"positive_or_inf"``
    or ``"nonnegative"``) and the fields that may hold one value per input dimension in ``_per_dim``; the Gram
    matrix checks both (a per-dimension field of the wrong length would silently broadcast, and a traced value
    out of range would give NaN), traced values at run time.
    """

    _ranges: dict[str, str] = {}
    _per_dim: tuple[str, ...] = ()

    def _validated(self, d: int) -> Kernel:
        """This kernel after checking its hyperparameters against input dimension ``d`` (traced ones at run time)."""
        name = type(self).__name__
        for field in self._per_dim:
            shape = jnp.shape(getattr(self, field))
            if shape not in ((), (1,), (d,)):
                raise ValueError(
                    f"{name}'s {field} must be a scalar or have shape ({d},) (one per input dimension), "
                    f"got shape {shape}"
                )
        traced = {f: getattr(self, f) for f in self._ranges if not is_concrete(getattr(self, f))}
        if not traced:
            return self
        checked = {}
        for f, v in traced.items():
            kind = self._ranges[f]
            checked[f] = (
                check_nonnegative(f, v)
                if kind == "nonnegative"
                else check_positive(f, v, allow_inf=kind == "positive_or_inf")
            )
        return dataclasses.replace(self, **checked)  # type: ignore[type-var]

    def evaluate(self, x1: jax.Array, x2: jax.Array) -> jax.Array:
        """k(x1, x2) for two single points of shape ``(d,)``; returns a scalar."""
        raise NotImplementedError

    def __call__(self, X1, X2=None) -> jax.Array:
        """Gram matrix.

        Args:
            X1: inputs, shape ``(n, d)`` or ``(n,)`` (n scalar inputs).
            X2: inputs, shape ``(m, d)`` or ``(m,)``; defaults to ``X1``.

        Returns:
            ``K`` of shape ``(n, m)`` with ``K[i, j] = k(X1[i], X2[j])``.
        """
        X1 = as_inputs("X1", X1)
        X2 = X1 if X2 is None else as_inputs("X2", X2)
        if X1.shape[1] != X2.shape[1]:
            raise ValueError(f"X1 and X2 must have the same input dimension, got {X1.shape} and {X2.shape}")
        kernel = self._validated(X1.shape[1])
        row = jax.vmap(kernel.evaluate, in_axes=(None, 0))
        return jax.vmap(row, in_axes=(0, None))(X1, X2)

    def diag(self, X) -> jax.Array:
        """``k(x_i, x_i)`` for each row of ``X``; shape ``(n,)``."""
        X = as_inputs("X", X)
        return jax.vmap(self._validated(X.shape[1]).evaluate)(X, X)

    def __add__(self, other: Kernel) -> Sum:
        if not isinstance(other, Kernel):
            raise TypeError(f"can only add a Kernel to a Kernel, got {type(other).__name__}")
        return Sum(self, other)

    def __mul__(self, other: Kernel) -> Product:
        if not isinstance(other, Kernel):
            raise TypeError(
                f"can only multiply a Kernel by a Kernel, got {type(other).__name__}; "
                "scale a kernel through its variance instead"
            )
        return Product(self, other)


class _Stationary(Kernel):
    """k depends on the scaled squared distance r² = Σ_d ((x1_d − x2_d) / ℓ_d)²."""

    lengthscale: jax.Array
    variance: jax.Array
    _ranges = {"lengthscale": "positive_or_inf", "variance": "positive"}
    _per_dim = ("lengthscale",)

    def __post_init__(self):
        check_positive("lengthscale", self.lengthscale, allow_inf=True)
        check_positive("variance", self.variance)

    def _r2(self, x1, x2):
        return jnp.sum(((x1 - x2) / self.lengthscale) ** 2)

    def evaluate(self, x1, x2):
        return self.variance * self.profile(self._r2(x1, x2))

    def profile(self, r2):  # pragma: no cover - abstract
        raise NotImplementedError


@pytree_dataclass
class RBF(_Stationary):
    r"""Squared-exponential kernel.

    .. math:: k(x, x') = \sigma^2 \exp\!\big(-\tfrac12 \textstyle\sum_d (x_d - x'_d)^2 / \ell_d^2\big)

    Args:
        lengthscale: ℓ > 0, scalar or shape ``(d,)`` (ARD); ``inf`` switches a dimension off.
        variance: σ² > 0, scalar.
    """

    lengthscale: jax.Array = 1.0
    variance: jax.Array = 1.0

    def profile(self, r2):
        return jnp.exp(-0.5 * r2)


@pytree_dataclass
class Matern12(_Stationary):
    r"""Matérn-1/2 (exponential, Ornstein–Uhlenbeck) kernel: :math:`k = \sigma^2 e^{-r}`, r = ‖x − x'‖/ℓ.

    Args:
        lengthscale: ℓ > 0, scalar or shape ``(d,)``.
        variance: σ² > 0.
    """

    lengthscale: jax.Array = 1.0
    variance: jax.Array = 1.0

    def profile(self, r2):
        return jnp.exp(-_safe_sqrt(r2))


@pytree_dataclass
class Matern32(_Stationary):
    r"""Matérn-3/2 kernel: :math:`k = \sigma^2 (1 + \sqrt3 r) e^{-\sqrt3 r}`, r = ‖x − x'‖/ℓ.

    Args:
        lengthscale: ℓ > 0, scalar or shape ``(d,)``.
        variance: σ² > 0.
    """

    lengthscale: jax.Array = 1.0
    variance: jax.Array = 1.0

    def profile(self, r2):
        s = jnp.sqrt(3.0) * _safe_sqrt(r2)
        return (1.0 + s) * jnp.exp(-s)


@pytree_dataclass
class Matern52(_Stationary):
    r"""Matérn-5/2 kernel: :math:`k = \sigma^2 (1 + \sqrt5 r + \tfrac53 r^2) e^{-\sqrt5 r}`.

    Args:
        lengthscale: ℓ > 0, scalar or shape ``(d,)``.
        variance: σ² > 0.
    """

    lengthscale: jax.Array = 1.0
    variance: jax.Array = 1.0

    def profile(self, r2):
        s = jnp.sqrt(5.0) * _safe_sqrt(r2)
        return (1.0 + s + s**2 / 3.0) * jnp.exp(-s)


@pytree_dataclass
class Periodic(Kernel):
    r"""Periodic (exp-sine-squared) kernel, MacKay (1998).

    .. math::
        k(x, x') = \sigma^2 \exp\!\Big(-\frac{2}{\ell^2} \sum_d \sin^2\!\big(\pi (x_d - x'_d)/p\big)\Big)

    In one dimension this equals scikit-learn's ``ExpSineSquared(length_scale=ℓ, periodicity=p)``.

    Args:
        lengthscale: ℓ > 0.
        variance: σ² > 0.
        period: p > 0.
    """

    lengthscale: jax.Array = 1.0
    variance: jax.Array = 1.0
    period: jax.Array = 1.0
    _ranges = {"lengthscale": "positive", "variance": "positive", "period": "positive"}

    def __post_init__(self):
        check_positive("lengthscale", self.lengthscale)
        check_positive("variance", self.variance)
        check_positive("period", self.period)

    def evaluate(self, x1, x2):
        s = jnp.sin(jnp.pi * (x1 - x2) / self.period)
        return self.variance * jnp.exp(-2.0 * jnp.sum(s**2) / self.lengthscale**2)


@pytree_dataclass
class SpectralMixture(Kernel):
    r"""Spectral-mixture kernel (Wilson and Adams 2013): a Gaussian mixture spectral density.

    .. math::
        k(\tau) = \sum_{q=1}^{Q} w_q \exp\!\big(-\|\tau\|^2 / (2\ell_q^2)\big) \cos(2\pi\, \mu_q \cdot \tau),
        \qquad \tau = x - x'

    Component q puts spectral mass ``w_q`` at frequencies ±μ_q (cycles per unit of x) with spectral standard
    deviation 1/(2πℓ_q). Fang et al. (2024, GP-HM) use this form for high-frequency PDE solutions.

    Args:
        weights: w_q ≥ 0, shape ``(Q,)``.
        frequencies: μ_q, shape ``(Q,)`` for 1-D inputs or ``(Q, d)``.
        lengthscales: ℓ_q > 0, shape ``(Q,)``.
    """

    weights: jax.Array
    frequencies: jax.Array
    lengthscales: jax.Array
    _ranges = {"weights": "nonnegative", "lengthscales": "positive"}

    def __post_init__(self):
        check_nonnegative("weights", self.weights)
        check_positive("lengthscales", self.lengthscales)

    def evaluate(self, x1, x2):
        tau = x1 - x2
        mu = jnp.reshape(self.frequencies, (jnp.shape(self.weights)[0], -1))
        phase = 2.0 * jnp.pi * jnp.sum(mu * tau, axis=-1)
        env = jnp.exp(-0.5 * jnp.sum(tau**2) / self.lengthscales**2)
        return jnp.sum(self.weights * env * jnp.cos(phase))


def _cos_angle(k12, k11, k22):
    return jnp.clip(k12 / jnp.sqrt(k11 * k22), -1.0, 1.0)


@pytree_dataclass
class ArcCosine(Kernel):
    r"""NNGP kernel of a deep ReLU network (arc-cosine recursion; Cho and Saul 2009, Lee et al. 2018).

    Network: :math:`h^1 = \sigma_w W^1 x/\sqrt{d} + \sigma_b b^1`, :math:`h^{l+1} = \sigma_w W^{l+1}
    \mathrm{relu}(h^l)/\sqrt{n_l} + \sigma_b b^{l+1}` with standard-normal W, b. As widths → ∞ the output
    is a GP with :math:`K^0 = \sigma_b^2 + \sigma_w^2 x\cdot x'/d` and

    .. math:: K^{l} = \sigma_b^2 + \frac{\sigma_w^2}{2\pi}\sqrt{K^{l-1}_{xx}K^{l-1}_{x'x'}}
       \big(\sin\theta + (\pi - \theta)\cos\theta\big),\quad \theta = \arccos\frac{K^{l-1}_{xx'}}
       {\sqrt{K^{l-1}_{xx}K^{l-1}_{x'x'}}}

    applied ``depth`` times (the number of hidden layers).

    Args:
        weight_variance: σ_w² > 0.
        bias_variance: σ_b² ≥ 0.
        depth: number of hidden ReLU layers L ≥ 1 (static).
    """

    weight_variance: jax.Array = 2.0
    bias_variance: jax.Array = 0.0
    depth: int = dataclasses.field(default=1, metadata=dict(static=True))
    _ranges = {"weight_variance": "positive", "bias_variance": "nonnegative"}

    def __post_init__(self):
        check_positive("weight_variance", self.weight_variance)
        check_nonnegative("bias_variance", self.bias_variance)
        if not isinstance(self.depth, int) or self.depth < 1:
            raise ValueError(f"depth must be an int >= 1, got {self.depth!r}")

    def evaluate(self, x1, x2):
        sw, sb = self.weight_variance, self.bias_variance
        d = x1.shape[0]
        k11 = sb + sw * jnp.dot(x1, x1) / d
        k22 = sb + sw * jnp.dot(x2, x2) / d
        k12 = sb + sw * jnp.dot(x1, x2) / d
        for _ in range(self.depth):
            c = _cos_angle(k12, k11, k22)
            sin = _safe_sqrt(1.0 - c**2)
            theta = jnp.arctan2(sin, c)
            k12 = sb + sw / (2 * jnp.pi) * jnp.sqrt(k11 * k22) * (sin + (jnp.pi - theta) * c)
            k11 = sb + sw * k11 / 2.0
            k22 = sb + sw * k22 / 2.0
        return k12


@pytree_dataclass
class ErfNNGP(Kernel):
    r"""NNGP kernel of a deep erf network (Williams 1997), same scaling as :class:`ArcCosine`.

    .. math:: K^{l} = \sigma_b^2 + \sigma_w^2 \frac{2}{\pi}\arcsin\frac{2K^{l-1}_{xx'}}
       {\sqrt{(1 + 2K^{l-1}_{xx})(1 + 2K^{l-1}_{x'x'})}}

    Args:
        weight_variance: σ_w² > 0.
        bias_variance: σ_b² ≥ 0.
        depth: number of hidden erf layers L ≥ 1 (static).
    """

    weight_variance: jax.Array = 1.0
    bias_variance: jax.Array = 0.0
    depth: int = dataclasses.field(default=1, metadata=dict(static=True))
    _ranges = {"weight_variance": "positive", "bias_variance": "nonnegative"}

    def __post_init__(self):
        check_positive("weight_variance", self.weight_variance)
        check_nonnegative("bias_variance", self.bias_variance)
        if not isinstance(self.depth, int) or self.depth < 1:
            raise ValueError(f"depth must be an int >= 1, got {self.depth!r}")

    def evaluate(self, x1, x2):
        sw, sb = self.weight_variance, self.bias_variance
        d = x1.shape[0]
        k11 = sb + sw * jnp.dot(x1, x1) / d
        k22 = sb + sw * jnp.dot(x2, x2) / d
        k12 = sb + sw * jnp.dot(x1, x2) / d
        for _ in range(self.depth):
            a = lambda u, v, w: jnp.arcsin(jnp.clip(2 * u / jnp.sqrt((1 + 2 * v) * (1 + 2 * w)), -1.0, 1.0))
            k12, k11, k22 = (
                sb + sw * 2 / jnp.pi * a(k12, k11, k22),
                sb + sw * 2 / jnp.pi * a(k11, k11, k11),
                sb + sw * 2 / jnp.pi * a(k22, k22, k22),
            )
        return k12


@pytree_dataclass
class Sum(Kernel):
    """k(x, x') = k1(x, x') + k2(x, x'); built by ``k1 + k2``."""

    k1: Kernel
    k2: Kernel

    def _validated(self, d: int) -> Kernel:
        return Sum(self.k1._validated(d), self.k2._validated(d))

    def evaluate(self, x1, x2):
        return self.k1.evaluate(x1, x2) + self.k2.evaluate(x1, x2)


@pytree_dataclass
class Product(Kernel):
    """k(x, x') = k1(x, x') · k2(x, x'); built by ``k1 * k2``."""

    k1: Kernel
    k2: Kernel

    def _validated(self, d: int) -> Kernel:
        return Product(self.k1._validated(d), self.k2._validated(d))

    def evaluate(self, x1, x2):
        return self.k1.evaluate(x1, x2) * self.k2.evaluate(x1, x2)


@pytree_dataclass
class Scaled(Kernel):
    """k(x, x') = scale · base(x, x'): an output scale for any kernel (scale > 0, traced)."""

    base: Kernel
    scale: jax.Array = 1.0
    _ranges = {"scale": "positive"}

    def __post_init__(self):
        check_positive("scale", self.scale)

    def _validated(self, d: int) -> Kernel:
        return Kernel._validated(Scaled(self.base._validated(d), self.scale), d)

    def evaluate(self, x1, x2):
        return self.scale * self.base.evaluate(x1, x2)
