r"""Noise schedules for affine-Gaussian corruption paths, and time grids.

Every schedule describes one path

.. math::

    x_t = \alpha(t)\, x_0 + \sigma(t)\, \varepsilon, \qquad \varepsilon \sim \mathcal N(0, I),
    \qquad t \in (0, 1],

through its signal scale :math:`\alpha(t)`, its noise scale :math:`\sigma(t)`, the half log signal-to-noise
ratio :math:`\lambda(t) = \log(\alpha/\sigma)` and the inverse map :math:`t(\lambda)`. Derivatives
(:math:`\dot\alpha, \dot\sigma`), the SDE drift :math:`f = \dot\alpha/\alpha` and the squared diffusion
:math:`g^2 = 2\sigma\dot\sigma - 2 f \sigma^2` come from one shared implementation (forward-mode autodiff).

Schedules are frozen dataclasses registered as pytrees: their float hyperparameters are leaves, so a schedule
can be passed into ``jax.jit`` and its hyperparameters can be traced slider values.

References:
    Song et al. (2021), Score-based generative modeling through SDEs, arXiv:2011.13456 (VP-linear).
    Kingma et al. (2021), Variational diffusion models, arXiv:2107.00630 (cosine in log-SNR form).
    Karras et al. (2022), Elucidating the design space of diffusion models (EDM), arXiv:2206.00364.
    Liu et al. (2022), Flow straight and fast (rectified flow), arXiv:2209.03003.
    Lu et al. (2022), DPM-Solver++, arXiv:2211.01095 (log-SNR time grids).
"""

from __future__ import annotations

import numbers

import jax
import jax.numpy as jnp
import numpy as np

from priorscope._checks import check_choice, check_interval, check_positive, is_concrete
from priorscope._pytree import pytree_dataclass

__all__ = [
    "Schedule",
    "VPLinear",
    "Cosine",
    "EDM",
    "RectifiedFlow",
    "Switch",
    "get_schedule",
    "time_grid",
    "GRID_KINDS",
]

GRID_KINDS = ("uniform", "logsnr", "quadratic", "edm")


def _check_number(name, value, *, low=None, high=None, low_inclusive=False):
    """Validate a concrete hyperparameter (Python/NumPy number or JAX scalar); traced values are checked where used."""
    if is_concrete(value):
        check_interval(
            name,
            value,
            -np.inf if low is None else low,
            np.inf if high is None else high,
            low_open=low is not None and not low_inclusive,
        )


class Schedule:
    """Shared behaviour of every schedule: derivatives, SDE coefficients, log-SNR.

    Subclasses implement ``alpha(t)``, ``sigma(t)``, ``log_snr(t)`` and ``t_from_log_snr(lam)`` for a scalar
    or array ``t`` (elementwise).
    """

    name = "schedule"

    def alpha(self, t):  # pragma: no cover - abstract
        raise NotImplementedError

    def sigma(self, t):  # pragma: no cover - abstract
        raise NotImplementedError

    def log_snr(self, t):
        r"""Half log signal-to-noise ratio :math:`\lambda(t) = \log\alpha(t) - \log\sigma(t)`."""
        return jnp.log(self.alpha(t)) - jnp.log(self.sigma(t))

    def t_from_log_snr(self, lam):  # pragma: no cover - abstract
        raise NotImplementedError

    def d_alpha(self, t):
        r""":math:`\dot\alpha(t)`, elementwise, by forward-mode autodiff."""
        t = jnp.asarray(t, dtype=jnp.result_type(float))
        return jax.jvp(self.alpha, (t,), (jnp.ones_like(t),))[1]

    def d_sigma(self, t):
        r""":math:`\dot\sigma(t)`, elementwise, by forward-mode autodiff."""
        t = jnp.asarray(t, dtype=jnp.result_type(float))
        return jax.jvp(self.sigma, (t,), (jnp.ones_like(t),))[1]

    def drift(self, t):
        r"""Linear drift coefficient :math:`f(t) = \dot\alpha/\alpha` of the forward SDE."""
        return self.d_alpha(t) / self.alpha(t)

    def diffusion_sq(self, t):
        r"""Squared diffusion :math:`g^2(t) = 2\sigma\dot\sigma - 2 f \sigma^2` of the forward SDE."""
        s = self.sigma(t)
        return 2.0 * s * self.d_sigma(t) - 2.0 * self.drift(t) * s**2


@pytree_dataclass
class VPLinear(Schedule):
    r"""Variance-preserving schedule with a linear :math:`\beta(t)` (Song et al. 2021; DPM-Solver default).

    .. math::

        \log\alpha(t) = -\tfrac14 t^2 (\beta_1 - \beta_0) - \tfrac12 t \beta_0,\qquad
        \sigma(t) = \sqrt{1 - \alpha(t)^2}.

    The inverse of :math:`\lambda` is closed form: with :math:`L = \log(1 + e^{-2\lambda})`,
    :math:`t = 2L / (\beta_0 + \sqrt{\beta_0^2 + 2(\beta_1-\beta_0)L})`.

    Args:
        beta_min: :math:`\beta_0 > 0`, default 0.1.
        beta_max: :math:`\beta_1 > \beta_0`, default 20.
    """

    beta_min: float = 0.1
    beta_max: float = 20.0
    name = "vp"

    def __post_init__(self):
        _check_number("beta_min", self.beta_min, low=0.0)
        _check_number("beta_max", self.beta_max, low=0.0)
        if is_concrete((self.beta_min, self.beta_max)) and all(np.ndim(v) == 0 for v in (self.beta_min, self.beta_max)):
            if self.beta_max <= self.beta_min:
                raise ValueError(f"beta_max must be > beta_min={self.beta_min}, got {self.beta_max}")

    def log_alpha(self, t):
        return -0.25 * t**2 * (self.beta_max - self.beta_min) - 0.5 * t * self.beta_min

    def alpha(self, t):
        return jnp.exp(self.log_alpha(t))

    def sigma(self, t):
        return jnp.sqrt(-jnp.expm1(2.0 * self.log_alpha(t)))

    def log_snr(self, t):
        la = self.log_alpha(t)
        return la - 0.5 * jnp.log(-jnp.expm1(2.0 * la))

    def t_from_log_snr(self, lam):
        big_l = jnp.logaddexp(0.0, -2.0 * lam)
        db = self.beta_max - self.beta_min
        return 2.0 * big_l / (self.beta_min + jnp.sqrt(self.beta_min**2 + 2.0 * db * big_l))


@pytree_dataclass
class Cosine(Schedule):
    r"""Cosine schedule written in log-SNR form (Nichol & Dhariwal 2021; Kingma et al. 2021).

    .. math::

        \lambda(t) = -\log\tan(a t + b),\quad \alpha^2 = \operatorname{sigmoid}(2\lambda),\quad
        \sigma^2 = \operatorname{sigmoid}(-2\lambda),

    with :math:`b = \arctan e^{-\lambda_{max}}` and :math:`a = \arctan e^{-\lambda_{min}} - b`, so that
    :math:`\lambda(0) = \lambda_{max}` and :math:`\lambda(1) = \lambda_{min}`. Without truncation
    (:math:`\lambda_{min}\to-\infty, \lambda_{max}\to\infty`) this is exactly
    :math:`\alpha = \cos(\pi t/2), \sigma = \sin(\pi t/2)`; the truncation keeps :math:`\lambda(1)` finite.

    Args:
        logsnr_min: :math:`\lambda_{min}` (half log-SNR at t=1), default -5.
        logsnr_max: :math:`\lambda_{max} > \lambda_{min}` (at t=0), default 10.
    """

    logsnr_min: float = -5.0
    logsnr_max: float = 10.0
    name = "cosine"

    def __post_init__(self):
        _check_number("logsnr_min", self.logsnr_min)
        _check_number("logsnr_max", self.logsnr_max)
        if is_concrete((self.logsnr_min, self.logsnr_max)) and all(
            np.ndim(v) == 0 for v in (self.logsnr_min, self.logsnr_max)
        ):
            if self.logsnr_max <= self.logsnr_min:
                raise ValueError(f"logsnr_max must be > logsnr_min={self.logsnr_min}, got {self.logsnr_max}")

    def _ab(self):
        b = jnp.arctan(jnp.exp(-jnp.asarray(self.logsnr_max, dtype=jnp.result_type(float))))
        a = jnp.arctan(jnp.exp(-jnp.asarray(self.logsnr_min, dtype=jnp.result_type(float)))) - b
        return a, b

    def log_snr(self, t):
        a, b = self._ab()
        return -jnp.log(jnp.tan(a * t + b))

    def alpha(self, t):
        return jnp.sqrt(jax.nn.sigmoid(2.0 * self.log_snr(t)))

    def sigma(self, t):
        return jnp.sqrt(jax.nn.sigmoid(-2.0 * self.log_snr(t)))

    def t_from_log_snr(self, lam):
        a, b = self._ab()
        return (jnp.arctan(jnp.exp(-lam)) - b) / a


@pytree_dataclass
class EDM(Schedule):
    r"""Variance-exploding EDM path (Karras et al. 2022) on the unit interval.

    .. math::

        \alpha(t) = 1,\qquad \sigma(t) = \sigma_{max}\, t,\qquad \lambda = -\log(\sigma_{max} t).

    EDM's own time is :math:`\sigma`; here :math:`t = \sigma/\sigma_{max}`. Karras' :math:`\rho`-spaced noise
    levels are the ``"edm"`` kind of :func:`time_grid`, which works for every schedule.

    Args:
        sigma_max: :math:`\sigma_{max} > 0`, default 80.
    """

    sigma_max: float = 80.0
    name = "edm"

    def __post_init__(self):
        _check_number("sigma_max", self.sigma_max, low=0.0)

    def alpha(self, t):
        return jnp.ones_like(jnp.asarray(t, dtype=jnp.result_type(float)))

    def sigma(self, t):
        return self.sigma_max * t

    def log_snr(self, t):
        return -jnp.log(self.sigma_max * t)

    def t_from_log_snr(self, lam):
        return jnp.exp(-lam) / self.sigma_max


@pytree_dataclass
class RectifiedFlow(Schedule):
    r"""Rectified-flow / linear interpolant path (Liu et al. 2022): :math:`\alpha = 1 - t,\ \sigma = t`.

    :math:`\lambda = \log((1-t)/t)` and :math:`t = \operatorname{sigmoid}(-\lambda)`. At :math:`t = 1` the
    log-SNR is :math:`-\infty`, so log-SNR solvers must start at ``t_start < 1``.
    """

    name = "rf"

    def alpha(self, t):
        return 1.0 - t

    def sigma(self, t):
        return jnp.asarray(t, dtype=jnp.result_type(float))

    def log_snr(self, t):
        return jnp.log1p(-t) - jnp.log(t)

    def t_from_log_snr(self, lam):
        return jax.nn.sigmoid(-lam)


@pytree_dataclass
class Switch(Schedule):
    """One of several schedules, picked by a (possibly traced) integer ``index``.

    Every method evaluates all the candidate schedules (scalar work) and selects one, so a panel can switch
    paths with a traced slider value instead of recompiling for each path.

    Args:
        index: integer in ``[0, len(options))`` (may be traced).
        options: tuple of schedules.
    """

    index: int = 0
    options: tuple = ()
    name = "switch"

    def __post_init__(self):
        if not isinstance(self.options, tuple) or not self.options:
            raise ValueError(f"options must be a non-empty tuple of schedules, got {self.options!r}")
        if isinstance(self.index, numbers.Integral) and not 0 <= self.index < len(self.options):
            raise ValueError(f"index must lie in [0, {len(self.options) - 1}], got {self.index}")

    def _pick(self, method, t):
        vals = jnp.stack([jnp.asarray(getattr(o, method)(t), dtype=jnp.result_type(float)) for o in self.options])
        return vals[self.index]

    def alpha(self, t):
        return self._pick("alpha", t)

    def sigma(self, t):
        return self._pick("sigma", t)

    def log_snr(self, t):
        return self._pick("log_snr", t)

    def t_from_log_snr(self, lam):
        return self._pick("t_from_log_snr", lam)


_SCHEDULES = {"vp": VPLinear, "cosine": Cosine, "edm": EDM, "rf": RectifiedFlow}


def get_schedule(name: str) -> Schedule:
    """Return the default schedule called ``name`` (one of ``"vp"``, ``"cosine"``, ``"edm"``, ``"rf"``)."""
    check_choice("name", name, sorted(_SCHEDULES))
    return _SCHEDULES[name]()


def _check_t(name, t):
    """``t`` after checking it lies in (0, 1] (a concrete JAX scalar like a number, a traced one at run time)."""
    return check_interval(name, t, 0, 1, low_open=True)


def time_grid(schedule: Schedule, num_steps, *, kind: str = "logsnr", t_start=1.0, t_end=1e-3, rho=7.0, max_steps=None):
    r"""A decreasing time grid :math:`t_0 = t_{start} > t_1 > \dots > t_N = t_{end}` with ``num_steps`` intervals.

    Kinds:
        ``"uniform"``: uniform in :math:`t`.
        ``"logsnr"``: uniform in :math:`\lambda(t)` (DPM-Solver's ``logSNR`` skip type).
        ``"quadratic"``: uniform in :math:`\sqrt t` (DPM-Solver's ``time_quadratic``).
        ``"edm"``: Karras et al. (2022) eq. 5 on the VE-equivalent noise level
        :math:`s = \sigma/\alpha = e^{-\lambda}`:
        :math:`s_i = (s_{max}^{1/\rho} + \tfrac iN (s_{min}^{1/\rho} - s_{max}^{1/\rho}))^\rho`.

    Args:
        schedule: a :class:`Schedule`.
        num_steps: number of intervals :math:`N \ge 1`: a Python int, or (with ``max_steps``) a traced int.
        kind: one of ``GRID_KINDS``.
        t_start: first time, in (0, 1].
        t_end: last time, in (0, t_start).
        rho: EDM exponent (``kind="edm"`` only), > 0.
        max_steps: optional static length ``M >= num_steps``: the grid is padded to ``M + 1`` entries by repeating
            ``t_end`` (zero-length steps, which the solvers skip), so ``num_steps`` can be a traced slider value.

    Returns:
        Array of shape ``(num_steps + 1,)``, or ``(max_steps + 1,)`` when ``max_steps`` is given.
    """
    traced = not is_concrete(num_steps)
    if not traced:
        if isinstance(num_steps, bool) or not isinstance(num_steps, numbers.Integral | np.integer):
            raise TypeError(f"num_steps must be an int, got {type(num_steps).__name__} {num_steps!r}")
        if num_steps < 1:
            raise ValueError(f"num_steps must be >= 1, got {num_steps}")
    if max_steps is not None:
        if isinstance(max_steps, bool) or not isinstance(max_steps, numbers.Integral):
            raise TypeError(f"max_steps must be a Python int, got {type(max_steps).__name__}")
        if not traced and max_steps < num_steps:
            raise ValueError(f"max_steps must be >= num_steps={num_steps}, got {max_steps}")
    elif traced:
        raise ValueError("a traced num_steps needs a static max_steps (the padded grid length)")
    check_choice("kind", kind, GRID_KINDS)
    t_start = _check_t("t_start", t_start)
    t_end = _check_t("t_end", t_end)
    if is_concrete((t_start, t_end)) and not np.asarray(t_end) < np.asarray(t_start):
        raise ValueError(f"t_end must be < t_start={float(np.asarray(t_start))}, got {float(np.asarray(t_end))}")
    rho = check_positive("rho", rho)
    dtype = jnp.result_type(float)
    length = int(num_steps) if max_steps is None else max_steps
    idx = jnp.arange(length + 1)
    taken = jnp.minimum(idx, num_steps)  # pyright: ignore[reportArgumentType]
    u = taken.astype(dtype) / jnp.asarray(num_steps, dtype=dtype)
    t_start = jnp.asarray(t_start, dtype=dtype)
    t_end = jnp.asarray(t_end, dtype=dtype)
    if kind == "uniform":
        grid = t_start + u * (t_end - t_start)
    elif kind == "quadratic":
        grid = (jnp.sqrt(t_start) + u * (jnp.sqrt(t_end) - jnp.sqrt(t_start))) ** 2
    elif kind == "logsnr":
        lam0, lam1 = schedule.log_snr(t_start), schedule.log_snr(t_end)
        grid = schedule.t_from_log_snr(lam0 + u * (lam1 - lam0))
    else:
        s_max = jnp.exp(-schedule.log_snr(t_start)) ** (1.0 / rho)
        s_min = jnp.exp(-schedule.log_snr(t_end)) ** (1.0 / rho)
        grid = schedule.t_from_log_snr(-rho * jnp.log(s_max + u * (s_min - s_max)))
    # pin the endpoints exactly (the inverse maps are exact only up to rounding)
    return jnp.where(idx == 0, t_start, jnp.where(idx >= num_steps, t_end, grid))
