"""Linear inverse problems with a diffusion prior: exact posterior, weighted ensemble, and a DPS-style baseline.

Observe :math:`y = A x_0 + \\sigma_y\\eta` with :math:`\\eta\\sim\\mathcal N(0, I)` and a Gaussian-mixture prior
(the "pretrained diffusion model", whose noised scores are exact). The posterior is again a mixture, in closed form:
per component, :math:`S_k = A\\Sigma_kA^\\top + \\sigma_y^2 I`, :math:`K_k = \\Sigma_kA^\\top S_k^{-1}`,

.. math::

    p(x\\mid y) = \\sum_k \\tilde w_k\\,
    \\mathcal N\\big(x;\\ \\mu_k + K_k(y - A\\mu_k),\\ \\Sigma_k - K_kA\\Sigma_k\\big),
    \\qquad \\tilde w_k \\propto w_k\\,\\mathcal N(y; A\\mu_k, S_k).

**Weighted ensemble** (in the spirit of Chen, Ren, Min, Ying and Izzo 2025, arXiv:2506.03979): follow the path
:math:`\\tilde p_t \\propto q_t(x)\\,e^{h_t(x)}` from noise to data with the Feynman–Kac corrector of
:mod:`priorscope.diffusion.fkc`, using the likelihood tilt

.. math::

    h_t(x) = -\\frac{\\lVert \\alpha_t y - A x\\rVert^2}{2(\\alpha_t^2\\sigma_y^2 + c\\,\\sigma_t^2)},

which is gentle at large noise and becomes :math:`\\log p(y\\mid x)` (up to a constant) as :math:`t\\to 0`; a final
reweighting by :math:`\\log p(y\\mid x) - h_{t_{min}}(x)` makes the target exactly :math:`q_{t_{min}}(x)p(y\\mid x)`.
Only the prior's scores are used; no Tweedie plug-in. The paper derives its own PDE (with a modified diffusion
term); this tilt is one valid instance of the same weighted-particle recipe, derived in the notebook.

**DPS-style baseline** (Chung et al. 2023, arXiv:2209.14687): replace :math:`\\log p(y\\mid x_t)` by
:math:`\\log p(y\\mid \\hat x_0(x_t))` with the Tweedie denoiser :math:`\\hat x_0`, and add its gradient
(through the exact Jacobian of :math:`\\hat x_0`) to the score in the reverse SDE. No weights: the heuristic is
biased wherever :math:`p(x_0\\mid x_t)` is not concentrated.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
from jax.scipy.special import logsumexp

from priorscope import _checks as _c
from priorscope.diffusion import fkc, gmm
from priorscope.particles import smc

__all__ = [
    "check_problem",
    "exact_posterior",
    "likelihood_tilt",
    "likelihood_tilt_laplacian",
    "log_likelihood",
    "ensemble_sample",
    "dps_sample",
    "ring_problem",
    "mode_statistics",
    "compare_experiment",
    "compare_over_seeds",
    "component_mode_masses",
]


def check_problem(mix: gmm.GaussianMixture, forward: jax.Array, y: jax.Array) -> tuple[jax.Array, jax.Array]:
    """Validate shapes: ``forward`` :math:`A` is ``(m, d)`` and ``y`` is ``(m,)`` for a ``d``-dimensional prior."""
    forward, y = jnp.asarray(forward), jnp.asarray(y)
    if forward.ndim != 2 or forward.shape[1] != mix.dim:
        raise ValueError(f"forward must have shape (m, {mix.dim}) for a {mix.dim}-D prior, got {forward.shape}")
    if y.shape != (forward.shape[0],):
        raise ValueError(f"y must have shape ({forward.shape[0]},) to match forward, got {y.shape}")
    return forward, y


def log_likelihood(x: jax.Array, forward: jax.Array, y: jax.Array, sigma_y: jax.Array | float) -> jax.Array:
    """:math:`\\log\\mathcal N(y; Ax, \\sigma_y^2 I)` for one point ``x`` ``(d,)``; a scalar."""
    r = y - forward @ x
    m = y.shape[0]
    return -0.5 * jnp.sum(r**2) / sigma_y**2 - m * jnp.log(sigma_y) - 0.5 * m * jnp.log(2 * jnp.pi)


def exact_posterior(
    mix: gmm.GaussianMixture, forward: jax.Array, y: jax.Array, sigma_y: jax.Array | float
) -> gmm.GaussianMixture:
    """The exact posterior mixture :math:`p(x\\mid y)` for the prior ``mix`` (see the module docstring).

    Args:
        mix: prior mixture, ``K`` components in ``d`` dimensions.
        forward: :math:`A`, shape ``(m, d)``.
        y: observation, shape ``(m,)``.
        sigma_y: observation noise standard deviation :math:`> 0` (may be traced).

    Returns:
        A :class:`~priorscope.diffusion.gmm.GaussianMixture` with ``K`` components.
    """
    forward, y = check_problem(mix, forward, y)
    sigma_y = _c.check_positive("sigma_y", sigma_y)
    m = forward.shape[0]
    s = jnp.einsum("ij,kjl,ml->kim", forward, mix.covs, forward) + sigma_y**2 * jnp.eye(m)
    gain = jnp.einsum("kij,lj,klm->kim", mix.covs, forward, jnp.linalg.inv(s))
    resid = y[None] - mix.means @ forward.T
    means = mix.means + jnp.einsum("kim,km->ki", gain, resid)
    covs = mix.covs - jnp.einsum("kim,mj,kjl->kil", gain, forward, mix.covs)
    covs = 0.5 * (covs + jnp.swapaxes(covs, 1, 2))
    log_ev = jax.vmap(lambda r, sk: jax.scipy.stats.multivariate_normal.logpdf(r, jnp.zeros(m), sk))(resid, s)
    logw = jnp.log(mix.weights) + log_ev
    return gmm.GaussianMixture(jnp.exp(logw - logsumexp(logw)), means, covs)


def likelihood_tilt(schedule, forward: jax.Array, y: jax.Array, sigma_y, c):
    """The tilt :math:`h_t(x) = -\\lVert\\alpha_t y - Ax\\rVert^2 / (2(\\alpha_t^2\\sigma_y^2 + c\\sigma_t^2))`.

    Returns:
        ``h(x, t)`` for one point ``x`` ``(d,)`` and scalar ``t``.
    """

    def h(x, t):
        a, s = schedule.alpha(t), schedule.sigma(t)
        r = a * y - forward @ x
        return -0.5 * jnp.sum(r**2) / (a**2 * sigma_y**2 + c * s**2)

    return h


def likelihood_tilt_laplacian(schedule, forward: jax.Array, sigma_y, c):
    """:math:`\\Delta h_t = -\\lVert A\\rVert_F^2 / (\\alpha_t^2\\sigma_y^2 + c\\sigma_t^2)` (constant in ``x``)."""

    def lap(x, t):
        a, s = schedule.alpha(t), schedule.sigma(t)
        return -jnp.sum(forward**2) / (a**2 * sigma_y**2 + c * s**2)

    return lap


def ensemble_sample(
    key: jax.Array,
    mix: gmm.GaussianMixture,
    schedule,
    forward: jax.Array,
    y: jax.Array,
    sigma_y: jax.Array | float,
    ts: jax.Array,
    num_particles: int,
    *,
    tilt_strength: jax.Array | float = 1.0,
    weighted: bool = True,
    ess_threshold: jax.Array | float = 0.5,
    scheme: str = "systematic",
) -> fkc.FKCResult:
    """Weighted-ensemble posterior sampling: the FKC for :math:`q_t e^{h_t}`, then a final exact reweighting.

    Args:
        key: a JAX PRNG key.
        mix: the prior mixture (its noised scores play the pretrained model).
        schedule: forward noise schedule.
        forward: :math:`A`, ``(m, d)``.
        y: observation ``(m,)``.
        sigma_y: observation noise (traced).
        ts: decreasing times ``(K + 1,)`` from :math:`t_0` to :math:`t_{min}`.
        num_particles: ``n`` (static).
        tilt_strength: :math:`c \\ge 0` in :math:`h_t` (traced): larger is gentler early on.
        weighted: False drops the weights (the drift :math:`s + \\nabla h` alone; static).
        ess_threshold, scheme: adaptive resampling.

    Returns:
        An :class:`~priorscope.diffusion.fkc.FKCResult` whose final log-weights target
        :math:`q_{t_{min}}(x)\\,p(y\\mid x)` (uniform when ``weighted`` is False).
    """
    forward, y = check_problem(mix, forward, y)
    sigma_y = _c.check_positive("sigma_y", sigma_y)
    num_particles = _c.check_int("num_particles", num_particles, min_value=1)
    h = likelihood_tilt(schedule, forward, y, sigma_y, tilt_strength)
    fields = fkc.tilted(mix, schedule, h, likelihood_tilt_laplacian(schedule, forward, sigma_y, tilt_strength))
    res = fkc.fkc_sample(
        key,
        fields,
        schedule,
        ts,
        num_particles,
        mix.dim,
        weighted=weighted,
        ess_threshold=ess_threshold,
        scheme=scheme,
    )
    if not weighted:
        return res
    x = res.state.particles
    final = jax.vmap(lambda p: log_likelihood(p, forward, y, sigma_y) - h(p, ts[-1]))(x)
    state, _ = smc.reweight(res.state, final)
    return res._replace(state=state)


def dps_sample(
    key: jax.Array,
    mix: gmm.GaussianMixture,
    schedule,
    forward: jax.Array,
    y: jax.Array,
    sigma_y: jax.Array | float,
    ts: jax.Array,
    num_particles: int,
    *,
    guidance_scale: jax.Array | float = 1.0,
) -> jax.Array:
    """DPS-style posterior sampling: reverse SDE with score :math:`s + \\zeta\\nabla_x\\log p(y\\mid\\hat x_0(x))`.

    Args:
        key: a JAX PRNG key.
        mix, schedule, forward, y, sigma_y, ts, num_particles: as :func:`ensemble_sample`.
        guidance_scale: :math:`\\zeta` multiplying the plug-in likelihood gradient (traced; 1 is the plain
            Tweedie plug-in).

    Returns:
        Final particles ``(n, d)`` (equally weighted).
    """
    forward, y = check_problem(mix, forward, y)
    sigma_y = _c.check_positive("sigma_y", sigma_y)
    num_particles = _c.check_int("num_particles", num_particles, min_value=1)

    def guided_score(x, t):
        def plug_in(z):
            return log_likelihood(gmm.denoise(mix, schedule, z, t), forward, y, sigma_y)

        return gmm.score(mix, schedule, x, t) + guidance_scale * jax.grad(plug_in)(x)

    score = jax.vmap(guided_score, in_axes=(0, None))

    def body(x, inputs):
        k, t, t_next = inputs
        dt = t - t_next
        g2 = schedule.diffusion_sq(t)
        drift = -schedule.drift(t) * x + g2 * score(x, t)
        return x + drift * dt + jnp.sqrt(g2 * dt) * jax.random.normal(k, x.shape, x.dtype), None

    k0, k1 = jax.random.split(key)
    x0 = jax.random.normal(k0, (num_particles, mix.dim))
    x, _ = jax.lax.scan(body, x0, (jax.random.split(k1, ts.shape[0] - 1), ts[:-1], ts[1:]))
    return x


def ring_problem(y: float | jax.Array = 0.7, sigma_y: float | jax.Array = 0.15, symmetric: bool = False):
    """The notebook's toy: an 8-mode ring prior (radius 2, std 0.2), observing the first coordinate.

    Args:
        y: observed value of :math:`x_1`.
        sigma_y: observation noise.
        symmetric: equal mode weights (the easy case) instead of the unequal default
            ``(1, 1, 4, 1, 1, 1, 2, 1)/12``.

    Returns:
        ``(prior, forward, y, sigma_y)`` with ``forward = [[1, 0]]`` and ``y`` of shape ``(1,)``.
    """
    weights = np.ones(8) if symmetric else np.array([1.0, 1.0, 4.0, 1.0, 1.0, 1.0, 2.0, 1.0])
    prior = gmm.ring(8, 2.0, 0.2, weights=weights)
    return prior, jnp.array([[1.0, 0.0]]), jnp.reshape(jnp.asarray(y, dtype=prior.means.dtype), (1,)), sigma_y


def mode_statistics(x: jax.Array, weights: jax.Array, centers: jax.Array, mode: int) -> dict[str, jax.Array]:
    """Mode masses (nearest centre) and the weighted mean/variance of :math:`x_1` within one mode.

    Args:
        x: particles ``(n, d)``.
        weights: normalised weights ``(n,)``.
        centers: mode centres ``(K, d)``.
        mode: index of the mode whose moments are returned.

    Returns:
        dict with ``masses`` ``(K,)``, ``mean`` and ``var`` (of the first coordinate within ``mode``).
    """
    nearest = jnp.argmin(jnp.sum((x[:, None, :] - centers[None]) ** 2, -1), axis=1)
    masses = jnp.zeros(centers.shape[0]).at[nearest].add(weights)
    inside = weights * (nearest == mode)
    total = jnp.sum(inside)
    mean = jnp.sum(inside * x[:, 0]) / total
    var = jnp.sum(inside * (x[:, 0] - mean) ** 2) / total
    return {"masses": masses / jnp.sum(masses), "mean": mean, "var": var}


def compare_experiment(
    key: jax.Array,
    prior: gmm.GaussianMixture,
    forward: jax.Array,
    y: jax.Array,
    sigma_y: jax.Array | float,
    tilt_strength: jax.Array | float,
    num_particles: int,
    num_steps: int,
    edges: jax.Array,
    *,
    weighted: bool = True,
    schedule=None,
    t_min: float = 1e-3,
) -> dict[str, jax.Array]:
    """Ensemble vs DPS vs the exact posterior of a 2-D problem (e.g. :func:`ring_problem`), as density images.

    Build ``prior`` outside ``jax.jit`` (its constructor validates concrete values); ``y``, ``sigma_y`` and
    ``tilt_strength`` may be traced.

    Returns:
        dict with ``exact``, ``ensemble``, ``dps`` density images ``(B, B)`` (rows index :math:`x_2`),
        ``tv_ensemble``, ``tv_dps`` (mode-mass TV to the exact posterior, exact masses from its weights), and
        ``ess_fraction`` ``(num_steps,)`` of the ensemble.
    """
    from priorscope.diffusion.schedules import VPLinear

    schedule = VPLinear() if schedule is None else schedule
    forward, y = check_problem(prior, forward, y)
    ts = jnp.linspace(1.0, t_min, num_steps + 1)
    k1, k2 = jax.random.split(key)
    ens = ensemble_sample(
        k1, prior, schedule, forward, y, sigma_y, ts, num_particles, tilt_strength=tilt_strength, weighted=weighted
    )
    xd = dps_sample(k2, prior, schedule, forward, y, sigma_y, ts, num_particles)
    post = exact_posterior(gmm.marginal(prior, schedule, ts[-1]), forward, y, sigma_y)
    mids = 0.5 * (edges[1:] + edges[:-1])
    gx, gy = jnp.meshgrid(mids, mids)
    pts = jnp.stack([gx.ravel(), gy.ravel()], axis=1)
    dens = jnp.exp(jax.vmap(lambda p: gmm.log_prob(post, p))(pts)).reshape(gx.shape)
    area = jnp.diff(edges)[0] ** 2

    def image(x, w):
        h, _, _ = jnp.histogram2d(x[:, 0], x[:, 1], bins=(edges, edges), weights=w)
        return h.T / area

    w_ens = jnp.exp(ens.state.log_weights)
    w_dps = jnp.full((num_particles,), 1.0 / num_particles)
    exact_masses = component_mode_masses(post, prior.means)
    tv_e = 0.5 * jnp.sum(jnp.abs(mode_statistics(ens.state.particles, w_ens, prior.means, 0)["masses"] - exact_masses))
    tv_d = 0.5 * jnp.sum(jnp.abs(mode_statistics(xd, w_dps, prior.means, 0)["masses"] - exact_masses))
    return {
        "exact": dens,
        "ensemble": image(ens.state.particles, w_ens),
        "dps": image(xd, w_dps),
        "tv_ensemble": tv_e,
        "tv_dps": tv_d,
        "ess_fraction": ens.ess / num_particles,
    }


def component_mode_masses(post: gmm.GaussianMixture, centers: jax.Array) -> jax.Array:
    """Mode masses of a posterior mixture, attributing each component to the centre nearest its mean, ``(K,)``.

    A cheap, deterministic stand-in for nearest-centre masses of exact samples (accurate when components are
    narrow compared with the spacing of the centres).
    """
    nearest = jnp.argmin(jnp.sum((post.means[:, None, :] - centers[None]) ** 2, -1), axis=1)
    return jnp.zeros(centers.shape[0]).at[nearest].add(post.weights)


def compare_over_seeds(
    key: jax.Array,
    prior: gmm.GaussianMixture,
    forward: jax.Array,
    y: jax.Array,
    sigma_y: jax.Array | float,
    tilt_strength: jax.Array | float,
    num_particles: int,
    num_steps: int,
    edges: jax.Array,
    *,
    num_seeds: int,
    weighted: jax.Array | bool = True,
    schedule=None,
    t_min: float = 1e-3,
) -> dict[str, jax.Array]:
    """:func:`compare_experiment` repeated over ``num_seeds`` independent keys, with Monte Carlo spreads.

    The statistic is the one notebook 21's claims use: the TV between the exact mode masses and the *seed-mean*
    mode masses of each sampler (which averages the Monte Carlo noise out and leaves the bias). Its Monte Carlo
    standard error is the jackknife over seeds,
    :math:`\\sqrt{\\tfrac{S-1}{S}\\sum_s (T_{-s} - \\bar T_{-\\cdot})^2}` with :math:`T_{-s}` the TV of the mean
    masses without seed :math:`s`.

    Args:
        key: a JAX PRNG key, split into ``num_seeds`` keys.
        prior, forward, y, sigma_y, tilt_strength, num_particles, num_steps, edges, schedule, t_min: as
            :func:`compare_experiment`.
        num_seeds: :math:`S \\ge 2` independent runs of both samplers (static).
        weighted: the ensemble's weights on (True) or off; may be traced (off = no resampling and uniform final
            weights, which is the same sampler as ``ensemble_sample(..., weighted=False)``).

    Returns:
        dict with ``exact``, ``ensemble``, ``dps`` density images ``(B, B)`` (the samplers' averaged over seeds),
        ``masses_exact`` ``(K,)``, ``masses_ensemble`` and ``masses_dps`` ``(S, K)``, ``tv_ensemble`` and
        ``tv_dps`` (TV of the seed-mean masses), ``tv_ensemble_se`` and ``tv_dps_se`` (jackknife standard errors),
        ``tv_ensemble_seeds`` and ``tv_dps_seeds`` ``(S,)`` (each seed's own TV), and ``ess_fraction``
        ``(S, num_steps)`` (ones when the weights are off).
    """
    from priorscope.diffusion.schedules import VPLinear

    if isinstance(num_seeds, bool) or not isinstance(num_seeds, int) or num_seeds < 2:
        raise ValueError(f"num_seeds must be an int >= 2, got {num_seeds!r}")
    schedule = VPLinear() if schedule is None else schedule
    forward, y = check_problem(prior, forward, y)
    ts = jnp.linspace(1.0, t_min, num_steps + 1)
    weighted = jnp.asarray(weighted, dtype=bool)
    uniform = jnp.full((num_particles,), 1.0 / num_particles)
    mids = 0.5 * (edges[1:] + edges[:-1])
    area = jnp.diff(edges)[0] ** 2

    def image(x, w):
        h, _, _ = jnp.histogram2d(x[:, 0], x[:, 1], bins=(edges, edges), weights=w)
        return h.T / area

    def one(k):
        k1, k2 = jax.random.split(k)
        ens = ensemble_sample(
            k1, prior, schedule, forward, y, sigma_y, ts, num_particles, tilt_strength=tilt_strength,
            ess_threshold=jnp.where(weighted, 0.5, 0.0),
        )  # fmt: skip
        w_ens = jnp.where(weighted, jnp.exp(ens.state.log_weights), uniform)
        xd = dps_sample(k2, prior, schedule, forward, y, sigma_y, ts, num_particles)
        m_ens = mode_statistics(ens.state.particles, w_ens, prior.means, 0)["masses"]
        m_dps = mode_statistics(xd, uniform, prior.means, 0)["masses"]
        ess = jnp.where(weighted, ens.ess / num_particles, jnp.ones_like(ens.ess))
        return image(ens.state.particles, w_ens), image(xd, uniform), m_ens, m_dps, ess

    img_e, img_d, m_e, m_d, ess = jax.vmap(one)(jax.random.split(key, num_seeds))
    post = exact_posterior(gmm.marginal(prior, schedule, ts[-1]), forward, y, sigma_y)
    gx, gy = jnp.meshgrid(mids, mids)
    pts = jnp.stack([gx.ravel(), gy.ravel()], axis=1)
    dens = jnp.exp(jax.vmap(lambda p: gmm.log_prob(post, p))(pts)).reshape(gx.shape)
    exact_masses = component_mode_masses(post, prior.means)

    def tv(m):
        return 0.5 * jnp.sum(jnp.abs(m - exact_masses), axis=-1)

    def jackknife_se(m):
        s = m.shape[0]
        loo = (jnp.sum(m, axis=0)[None] - m) / (s - 1)
        t = tv(loo)
        return jnp.sqrt((s - 1) / s * jnp.sum((t - jnp.mean(t)) ** 2))

    return {
        "exact": dens,
        "ensemble": jnp.mean(img_e, axis=0),
        "dps": jnp.mean(img_d, axis=0),
        "masses_exact": exact_masses,
        "masses_ensemble": m_e,
        "masses_dps": m_d,
        "tv_ensemble": tv(jnp.mean(m_e, axis=0)),
        "tv_dps": tv(jnp.mean(m_d, axis=0)),
        "tv_ensemble_se": jackknife_se(m_e),
        "tv_dps_se": jackknife_se(m_d),
        "tv_ensemble_seeds": tv(m_e),
        "tv_dps_seeds": tv(m_d),
        "ess_fraction": ess,
    }
