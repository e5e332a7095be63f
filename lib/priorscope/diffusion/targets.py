r"""Conversions among the four prediction targets: data, noise, score and velocity.

On the path :math:`x_t = \alpha_t x_0 + \sigma_t\varepsilon` the four targets are affine in one another, given
:math:`x` and :math:`t`:

.. math::

    \hat\varepsilon = -\sigma_t\, s,\qquad x = \alpha_t\hat x_0 + \sigma_t\hat\varepsilon,\qquad
    v = \dot\alpha_t\hat x_0 + \dot\sigma_t\hat\varepsilon = f_t x - \tfrac12 g_t^2 s,

with :math:`f = \dot\alpha/\alpha` and :math:`g^2 = 2\sigma\dot\sigma - 2f\sigma^2`. The hub used here is the
pair :math:`(\hat x_0, \hat\varepsilon)`; from :math:`v` it is recovered by solving the 2x2 system, whose
determinant :math:`\alpha\dot\sigma - \sigma\dot\alpha = -\alpha\sigma\,\dot\lambda` is positive whenever
the log-SNR decreases.

Reference: Lai et al. (2025), The principles of diffusion models, arXiv:2510.21890.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

__all__ = ["TARGETS", "coefficients", "x0_eps_from", "to_x0_eps", "convert", "to_velocity"]

TARGETS = ("x0", "eps", "score", "v")


def _check(name, target):
    if target not in TARGETS:
        raise ValueError(f"{name} must be one of {TARGETS}, got {target!r}")


def coefficients(schedule, t):
    r""":math:`(\alpha_t, \sigma_t, \dot\alpha_t, \dot\sigma_t)` from one forward-mode pass."""
    t = jnp.asarray(t, dtype=jnp.result_type(float))
    (a, s), (da, ds) = jax.jvp(lambda u: (schedule.alpha(u), schedule.sigma(u)), (t,), (jnp.ones_like(t),))
    return a, s, da, ds


def x0_eps_from(pred, target: str, x, a, s, da, ds):
    """:func:`to_x0_eps` with the schedule coefficients already evaluated (no argument checks)."""
    if target == "x0":
        return pred, (x - a * pred) / s
    if target == "eps":
        return (x - s * pred) / a, pred
    if target == "score":
        eps = -s * pred
        return (x - s * eps) / a, eps
    det = a * ds - s * da
    return (ds * x - s * pred) / det, (a * pred - da * x) / det


def to_x0_eps(pred, target: str, x, t, schedule):
    r"""Return :math:`(\hat x_0, \hat\varepsilon)` from a prediction of ``target`` at ``(x, t)``.

    Args:
        pred: prediction, same shape as ``x`` (``(d,)`` or ``(n, d)``).
        target: one of ``TARGETS``.
        x: the noisy point(s).
        t: time (scalar).
        schedule: a schedule from :mod:`priorscope.diffusion.schedules`.
    """
    _check("target", target)
    return x0_eps_from(pred, target, x, *coefficients(schedule, t))


def convert(pred, source: str, dest: str, x, t, schedule):
    """Convert a prediction of target ``source`` into the equivalent prediction of ``dest``."""
    _check("source", source)
    _check("dest", dest)
    if source == dest:
        return pred
    x0, eps = to_x0_eps(pred, source, x, t, schedule)
    if dest == "x0":
        return x0
    if dest == "eps":
        return eps
    if dest == "score":
        return -eps / schedule.sigma(t)
    return schedule.d_alpha(t) * x0 + schedule.d_sigma(t) * eps


def to_velocity(pred, target: str, x, t, schedule):
    """The probability-flow velocity implied by a prediction of ``target`` (shape of ``x``)."""
    return convert(pred, target, "v", x, t, schedule)
