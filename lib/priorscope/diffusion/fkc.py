"""Feynman–Kac correctors: sample annealed, product and tilted diffusion targets with weighted SDE particles.

Let the forward SDE :math:`\\mathrm dx = f(t)\\,x\\,\\mathrm dt + g(t)\\,\\mathrm dW` have marginals :math:`q_t` and
run time backwards, :math:`\\tau = 1 - t`. The reverse-time marginals obey
:math:`\\partial_\\tau q = \\nabla\\cdot(f x\\, q) - \\tfrac{g^2}2 \\Delta q`. A path of unnormalised targets
:math:`\\tilde p_\\tau` that is *not* the marginal path of any simple SDE can still be written as

.. math::

    \\partial_\\tau \\tilde p = -\\nabla\\cdot(\\tilde p\\, v) + \\tfrac{g^2}{2}\\Delta\\tilde p + G\\,\\tilde p,

transport by a drift :math:`v`, diffusion, and a *reaction* term :math:`G`. Simulating
:math:`\\mathrm dx = v\\,\\mathrm d\\tau + g\\,\\mathrm dW` while accumulating
:math:`\\mathrm d\\log w = G\\,\\mathrm d\\tau`
(and resampling when the ESS drops) gives weighted particles whose weighted law is :math:`p_\\tau`, exactly as the
number of particles grows (Skreta et al. 2025, Feynman–Kac Correctors in Diffusion, arXiv:2503.02819). With
:math:`s = \\nabla\\log q_t` and :math:`d` the dimension, matching terms gives:

* **annealing**, :math:`\\tilde p = q^\\beta`: :math:`v = -f x + \\beta g^2 s`,
  :math:`G = (\\beta - 1)\\,[\\,d f + \\tfrac{\\beta g^2}{2}\\lVert s\\rVert^2\\,]`;
* **product of experts**, :math:`\\tilde p = q^1 q^2` (same forward SDE): :math:`v = -f x + g^2 (s^1 + s^2)`,
  :math:`G = d f + g^2 \\langle s^1, s^2\\rangle`;
* **analytic tilt**, :math:`\\tilde p = q\\, e^{h}`: :math:`v = -f x + g^2 (s + \\nabla h)`,
  :math:`G = \\partial_\\tau h - f x\\cdot\\nabla h + \\tfrac{g^2}{2}(\\Delta h + 2 s\\cdot\\nabla h +
  \\lVert\\nabla h\\rVert^2)` (used by :mod:`priorscope.diffusion.inverse`).

Terms of :math:`G` that do not depend on :math:`x` (like :math:`d f`) cancel when weights are normalised; they
are kept so that the log-evidence is right. Without the weights (``weighted=False``) the same drift gives the
"naive" sampler, e.g. a score simply multiplied by :math:`\\beta`, which does not target :math:`q^\\beta`.

Each field is written for one point ``x`` of shape ``(d,)`` and a scalar time ``t`` (forward time).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import jax
import jax.numpy as jnp

from priorscope import _checks as _c
from priorscope.diffusion import gmm
from priorscope.particles import smc

__all__ = [
    "FKFields",
    "annealed",
    "product",
    "tilted",
    "fkc_sample",
    "FKCResult",
    "grid_target",
    "annealing_experiment",
]

Field = Callable[[jax.Array, jax.Array], jax.Array]


class FKFields(NamedTuple):
    """The three ingredients of a Feynman–Kac corrector, each for one point ``x (d,)`` at forward time ``t``.

    Attributes:
        drift: reverse-time drift :math:`v(x, t)`, returns ``(d,)`` (the SDE is
            :math:`\\mathrm dx = v\\,\\mathrm d\\tau + g\\,\\mathrm dW`).
        log_rate: the reaction term :math:`G(x, t)` (a scalar): :math:`\\mathrm d\\log w = G\\,\\mathrm d\\tau`.
        log_target: unnormalised :math:`\\log\\tilde p` at ``(x, t)``: sets the initial importance weights and
            gives the grid ground truth.
    """

    drift: Field
    log_rate: Field
    log_target: Field


def annealed(mix: gmm.GaussianMixture, schedule, beta: jax.Array | float) -> FKFields:
    """Fields of the annealed path :math:`\\tilde p_t = q_t^\\beta` (``beta`` may be traced)."""
    beta = _c.check_positive("beta", beta)

    def drift(x, t):
        return -schedule.drift(t) * x + beta * schedule.diffusion_sq(t) * gmm.score(mix, schedule, x, t)

    def log_rate(x, t):
        s = gmm.score(mix, schedule, x, t)
        g2 = schedule.diffusion_sq(t)
        return (beta - 1.0) * (x.shape[0] * schedule.drift(t) + 0.5 * beta * g2 * jnp.sum(s**2))

    def log_target(x, t):
        return beta * gmm.log_prob_t(mix, schedule, x, t)

    return FKFields(drift, log_rate, log_target)


def product(mix1: gmm.GaussianMixture, mix2: gmm.GaussianMixture, schedule) -> FKFields:
    """Fields of the product path :math:`\\tilde p_t = q^1_t\\, q^2_t` (both noised by the same schedule)."""
    if mix1.dim != mix2.dim:
        raise ValueError(f"mix1 and mix2 must have the same dimension, got {mix1.dim} and {mix2.dim}")

    def drift(x, t):
        s = gmm.score(mix1, schedule, x, t) + gmm.score(mix2, schedule, x, t)
        return -schedule.drift(t) * x + schedule.diffusion_sq(t) * s

    def log_rate(x, t):
        s1, s2 = gmm.score(mix1, schedule, x, t), gmm.score(mix2, schedule, x, t)
        return x.shape[0] * schedule.drift(t) + schedule.diffusion_sq(t) * jnp.dot(s1, s2)

    def log_target(x, t):
        return gmm.log_prob_t(mix1, schedule, x, t) + gmm.log_prob_t(mix2, schedule, x, t)

    return FKFields(drift, log_rate, log_target)


def tilted(mix: gmm.GaussianMixture, schedule, log_tilt: Field, log_tilt_laplacian: Field | None = None) -> FKFields:
    """Fields of :math:`\\tilde p_t = q_t\\, e^{h_t}` for a smooth tilt ``log_tilt(x, t) = h_t(x)``.

    The derivatives of :math:`h` (:math:`\\nabla h`, :math:`\\Delta h`, :math:`\\partial_t h`) come from autodiff,
    so any differentiable tilt works; :math:`\\partial_\\tau h = -\\partial_t h`. Pass ``log_tilt_laplacian``
    (``(x, t) -> Δh``) to skip the Hessian when :math:`\\Delta h` is known in closed form.
    """
    if not callable(log_tilt):
        raise TypeError(f"log_tilt must be a function (x, t) -> (), got {type(log_tilt).__name__}")

    def grad_h(x, t):
        return jax.grad(log_tilt)(x, t)

    def drift(x, t):
        s = gmm.score(mix, schedule, x, t)
        return -schedule.drift(t) * x + schedule.diffusion_sq(t) * (s + grad_h(x, t))

    def log_rate(x, t):
        s = gmm.score(mix, schedule, x, t)
        gh = grad_h(x, t)
        lap_h = jnp.trace(jax.hessian(log_tilt)(x, t)) if log_tilt_laplacian is None else log_tilt_laplacian(x, t)
        dh_dt = jax.grad(log_tilt, argnums=1)(x, t)
        g2 = schedule.diffusion_sq(t)
        return -dh_dt - schedule.drift(t) * jnp.dot(x, gh) + 0.5 * g2 * (lap_h + 2.0 * jnp.dot(s, gh) + jnp.sum(gh**2))

    def log_target(x, t):
        return gmm.log_prob_t(mix, schedule, x, t) + log_tilt(x, t)

    return FKFields(drift, log_rate, log_target)


class FKCResult(NamedTuple):
    """Output of :func:`fkc_sample`.

    Attributes:
        state: final :class:`~priorscope.particles.smc.SMCState` (particles ``(n, d)``, normalised log-weights).
        ess: ESS before each resampling decision, ``(K,)``.
        resampled: whether each step resampled, ``(K,)``.
        trajectory: particle positions at each grid time, ``(K + 1, n, d)`` when ``return_trajectory``, else
            ``(1, n, d)`` holding the initial particles.
    """

    state: smc.SMCState
    ess: jax.Array
    resampled: jax.Array
    trajectory: jax.Array


def fkc_sample(
    key: jax.Array,
    fields: FKFields,
    schedule,
    ts: jax.Array,
    num_particles: int,
    dim: int,
    *,
    weighted: bool = True,
    ess_threshold: jax.Array | float = 0.5,
    scheme: str = "systematic",
    init_scale: jax.Array | float = 1.0,
    return_trajectory: bool = False,
) -> FKCResult:
    """Run a Feynman–Kac corrector with Euler–Maruyama steps along the decreasing time grid ``ts``.

    Particles start from :math:`\\mathcal N(0, \\text{init\\_scale}^2 I)` with importance weights
    :math:`\\tilde p_{t_0}(x) / \\mathcal N(x; 0, \\text{init\\_scale}^2 I)` (exact start). Step :math:`k`
    reweights by :math:`G(x, t_k)\\,\\Delta\\tau_k`, resamples when ESS < ``ess_threshold · n``, then moves
    :math:`x \\leftarrow x + v(x, t_k)\\Delta\\tau_k + g(t_k)\\sqrt{\\Delta\\tau_k}\\,\\xi`.

    Args:
        key: a JAX PRNG key.
        fields: the :class:`FKFields` of the target path.
        schedule: the forward noise schedule (gives :math:`g^2`).
        ts: decreasing forward times :math:`t_0 > \\dots > t_K`, shape ``(K + 1,)``.
        num_particles: ``n`` (static).
        dim: ``d`` (static).
        weighted: False runs the same SDE with no weights and no resampling (the naive sampler; static).
        ess_threshold: adaptive-resampling threshold in [0, 1] (traced).
        scheme: resampling scheme.
        init_scale: standard deviation of the Gaussian initial proposal (traced).
        return_trajectory: store every intermediate position (static).

    Returns:
        An :class:`FKCResult`.
    """
    ts = jnp.asarray(ts)
    if ts.ndim != 1 or ts.shape[0] < 2:
        raise ValueError(f"ts must have shape (K + 1,) with K >= 1, got shape {ts.shape}")
    ess_threshold = _c.check_in_range("ess_threshold", ess_threshold, 0.0, 1.0)
    for name, value in (("num_particles", num_particles), ("dim", dim)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be an int >= 1, got {value!r}")
    drift = jax.vmap(fields.drift, in_axes=(0, None))
    log_rate = jax.vmap(fields.log_rate, in_axes=(0, None))
    log_target = jax.vmap(fields.log_target, in_axes=(0, None))

    k_init, k_run = jax.random.split(key)
    x0 = init_scale * jax.random.normal(k_init, (num_particles, dim))
    if weighted:
        log_q0 = -0.5 * jnp.sum((x0 / init_scale) ** 2, axis=1) - dim * jnp.log(init_scale)
        state = smc.init(x0, log_target(x0, ts[0]) - log_q0)
    else:
        state = smc.init(x0)

    def body(state, inputs):
        k, t, t_next = inputs
        dtau = t - t_next
        k_step, k_noise = jax.random.split(k)

        def move(k_move, x):
            noise = jax.random.normal(k_move, x.shape, x.dtype)
            return x + drift(x, t) * dtau + jnp.sqrt(schedule.diffusion_sq(t) * dtau) * noise

        if weighted:
            state, info = smc.step(k_step, state, lambda x: log_rate(x, t) * dtau, move, ess_threshold, scheme)
            ess_k, res_k = info.ess, info.resampled
        else:
            state = state._replace(particles=move(k_noise, state.particles))
            ess_k, res_k = jnp.asarray(float(num_particles)), jnp.asarray(False)
        out = state.particles if return_trajectory else None
        return state, (ess_k, res_k, out)

    keys = jax.random.split(k_run, ts.shape[0] - 1)
    state, (ess, resampled, traj) = jax.lax.scan(body, state, (keys, ts[:-1], ts[1:]))
    trajectory = jnp.concatenate([x0[None], traj]) if return_trajectory else x0[None]
    return FKCResult(state, ess, resampled, trajectory)


def grid_target(fields: FKFields, t: jax.Array | float, points: jax.Array) -> jax.Array:
    """Normalised target weights of grid ``points`` ``(m, d)`` at time ``t``: the grid ground truth, ``(m,)``."""
    return jax.nn.softmax(jax.vmap(fields.log_target, in_axes=(0, None))(points, t))


def annealing_experiment(
    key: jax.Array,
    mix: gmm.GaussianMixture,
    schedule,
    beta: jax.Array | float,
    num_particles: int,
    num_steps: int,
    edges: jax.Array,
    *,
    weighted: bool = True,
    ess_threshold: jax.Array | float = 0.5,
    t_min: float = 1e-3,
) -> dict[str, jax.Array]:
    """Sample :math:`q_{t_{min}}^\\beta` for a 1-D mixture with (or without) FKC weights; compare to the grid truth.

    The sampler starts from :math:`\\mathcal N(0, 1/\\beta)` (importance-corrected to :math:`q_1^\\beta`) and takes
    ``num_steps`` uniform Euler–Maruyama steps from :math:`t = 1` to ``t_min``.

    Args:
        key: a JAX PRNG key.
        mix: a one-dimensional :class:`~priorscope.diffusion.gmm.GaussianMixture`.
        schedule: the noise schedule.
        beta: inverse temperature :math:`\\beta > 0` (traced).
        num_particles, num_steps: sizes (static).
        edges: histogram edges ``(B + 1,)``.
        weighted: use the FKC weights (static).
        ess_threshold: resampling threshold (traced).
        t_min: final time.

    Returns:
        dict with ``density`` ``(B,)`` (weighted histogram of the particles), ``truth`` ``(B,)`` (exact density of
        :math:`q_{t_{min}}^\\beta` averaged over each bin), ``ess_fraction`` ``(num_steps,)``, ``resampled``
        ``(num_steps,)``, ``left_mass``, ``left_var`` (variance within :math:`x < 0`) and their exact values
        ``left_mass_true``, ``left_var_true``.
    """
    if mix.dim != 1:
        raise ValueError(f"annealing_experiment needs a one-dimensional mixture, got dim={mix.dim}")
    fields = annealed(mix, schedule, beta)
    ts = jnp.linspace(1.0, t_min, num_steps + 1)
    res = fkc_sample(
        key,
        fields,
        schedule,
        ts,
        num_particles,
        1,
        weighted=weighted,
        ess_threshold=ess_threshold,
        init_scale=1.0 / jnp.sqrt(beta),
    )
    x, w = res.state.particles[:, 0], jnp.exp(res.state.log_weights)
    counts, _ = jnp.histogram(x, bins=edges, weights=w)
    widths = jnp.diff(edges)
    fine = jnp.linspace(edges[0], edges[-1], 8 * (edges.shape[0] - 1) + 1)
    fine_mid = 0.5 * (fine[1:] + fine[:-1])
    p = grid_target(fields, ts[-1], fine_mid[:, None])
    truth, _ = jnp.histogram(fine_mid, bins=edges, weights=p)

    def left_stats(xs, ws):
        m = jnp.sum(ws * (xs < 0))
        mu = jnp.sum(ws * (xs < 0) * xs) / m
        return m, jnp.sum(ws * (xs < 0) * (xs - mu) ** 2) / m

    left_mass, left_var = left_stats(x, w)
    left_mass_true, left_var_true = left_stats(fine_mid, p)
    return {
        "density": counts / widths,
        "truth": truth / widths,
        "ess_fraction": res.ess / num_particles,
        "resampled": res.resampled,
        "left_mass": left_mass,
        "left_var": left_var,
        "left_mass_true": left_mass_true,
        "left_var_true": left_var_true,
    }
