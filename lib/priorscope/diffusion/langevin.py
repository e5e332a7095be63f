r"""Langevin dynamics with a score: plain (unadjusted) and annealed over the noise levels of a path.

The unadjusted Langevin algorithm (ULA) targets :math:`p` using only its score :math:`s = \nabla\log p`,

.. math::

    x_{k+1} = x_k + \varepsilon\, s(x_k) + \sqrt{2\varepsilon}\, z_k,\qquad z_k \sim \mathcal N(0, I).

It mixes well inside a mode but crosses the low-density gaps between modes exponentially slowly, so with a
finite budget the mode *weights* it reports are those of its initialisation's basins, not of :math:`p`.
Annealed Langevin (Song & Ermon 2019) runs a few ULA steps at each of a decreasing sequence of noise levels
:math:`t_0 > t_1 > \dots`: at high noise the modes overlap and mass moves freely, and each level warm-starts
the next. The step size at level :math:`t` is :math:`\varepsilon_t = c\,\sigma_t^2` (Song & Ermon's
:math:`\alpha_i \propto \sigma_i^2`).

References:
    Roberts & Tweedie (1996), Exponential convergence of Langevin distributions, Bernoulli 2(4).
    Song & Ermon (2019), Generative modeling by estimating gradients of the data distribution,
    arXiv:1907.05600.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

from priorscope._checks import check_int

__all__ = ["langevin", "annealed_langevin"]


def langevin(key, score_fn, x0, step_size, num_steps, *, max_steps=None):
    r"""Unadjusted Langevin: run :math:`x \leftarrow x + \varepsilon s(x) + \sqrt{2\varepsilon}z`.

    Args:
        key: PRNG key.
        score_fn: ``score_fn(x: (d,)) -> (d,)``, the score of the target (vmapped over particles here).
        x0: ``(n, d)`` initial particles.
        step_size: :math:`\varepsilon > 0` (may be traced).
        num_steps: a Python int, or a traced int when ``max_steps`` (static) is given: steps beyond
            ``num_steps`` are skipped, so a steps slider does not recompile.
        max_steps: optional static loop length.

    Returns:
        ``(n, d)`` particles after ``num_steps`` steps.
    """
    x0 = jnp.asarray(x0)
    if x0.ndim != 2:
        raise ValueError(f"x0 must have shape (n, d), got shape {x0.shape}")
    if max_steps is None:
        num_steps = check_int("num_steps", num_steps, min_value=0)
        length = num_steps
    else:
        length = check_int("max_steps", max_steps, min_value=0)
    score = jax.vmap(score_fn)
    keys = jax.random.split(key, max(length, 1))[:length]

    def body(x, inp):
        k, i = inp
        z = jax.random.normal(k, x.shape, dtype=x.dtype)
        x_new = x + step_size * score(x) + jnp.sqrt(2.0 * step_size) * z
        return jnp.where(i < num_steps, x_new, x), None

    x, _ = jax.lax.scan(body, x0, (keys, jnp.arange(length)))
    return x


def annealed_langevin(key, score_fn, x_T, schedule, ts, steps_per_level: int, step_scale):
    r"""Annealed Langevin over the levels ``ts`` (decreasing times) of a noise path.

    At each level :math:`t` run ``steps_per_level`` ULA steps on :math:`p_t` with step
    :math:`\varepsilon_t = c\,\sigma_t^2`.

    Args:
        key: PRNG key.
        score_fn: ``score_fn(x: (d,), t) -> (d,)``, the score of :math:`p_t`.
        x_T: ``(n, d)`` initial particles (e.g. exact draws from :math:`p_{t_0}`).
        schedule: the noise schedule (for :math:`\sigma_t`).
        ts: ``(L,)`` decreasing noise levels, e.g. a :func:`~priorscope.diffusion.schedules.time_grid`.
        steps_per_level: ULA steps at each level (>= 1).
        step_scale: :math:`c > 0` (may be traced).

    Returns:
        ``(n, d)`` particles at the last level.
    """
    x_T = jnp.asarray(x_T)
    if x_T.ndim != 2:
        raise ValueError(f"x_T must have shape (n, d), got shape {x_T.shape}")
    steps_per_level = check_int("steps_per_level", steps_per_level, min_value=1)
    ts = jnp.asarray(ts)
    keys = jax.random.split(key, ts.shape[0])

    def level(x, inp):
        k, t = inp
        eps = step_scale * schedule.sigma(t) ** 2
        return langevin(k, lambda xi: score_fn(xi, t), x, eps, steps_per_level), None

    x, _ = jax.lax.scan(level, x_T, (keys, ts))
    return x
