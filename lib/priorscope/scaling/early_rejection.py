"""Early rejection with partial rewards: score candidates after their first τ tokens, complete only the best.

In a beam search whose steps are written token by token, a reward model can score every candidate after its first
τ tokens and discard the rest before paying for their completion. This module holds the token-level reward stream of
one step (:func:`token_signals`, drawn exactly in O(1) by :func:`partial_and_full_rewards`), the token-level beam
search (:func:`er_beam_search`), and the risk of dropping the best candidate (:func:`drop_best_prob`, checked
against simulation by :func:`drop_best_rate`).

References:
    Cheshmi et al. (2025), Accelerating LLM Reasoning via Early Rejection with Partial Reward Modeling,
    arXiv:2508.01969.
"""

from __future__ import annotations

from functools import partial
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from priorscope import _checks as _c
from priorscope._checks import (
    check_finite,
    check_in_range,
    check_int,
    check_positive,
    check_probability,
)

__all__ = [
    "token_signals",
    "partial_means",
    "partial_and_full_rewards",
    "er_beam_search",
    "ERResult",
    "er_token_cost",
    "drop_best_prob",
    "er_experiment",
    "drop_best_rate",
]


def token_signals(
    key: jax.Array, quality: jax.Array, num_tokens: int, noise_std: jax.Array, late: jax.Array
) -> jax.Array:
    """Token-level reward stream of one step of latent quality q (early rejection with partial rewards).

    Token i emits :math:`q\\,m_i + \\eta_i` with :math:`\\eta_i \\sim N(0, \\sigma^2)`; :math:`m_i = 1` for an
    ordinary step and, for a *late-reveal* step (``late`` true), :math:`m_i = 0` except on the last eighth of the
    tokens, where it is 8 so that the full-step mean is the same q. Returns (num_tokens,).
    """
    num_tokens = _c.check_int("num_tokens", num_tokens, min_value=1)
    noise_std = _c.check_positive("noise_std", noise_std)
    i = jnp.arange(num_tokens)
    tail = max(num_tokens // 8, 1)
    reveal = jnp.where(i >= num_tokens - tail, num_tokens / tail, 0.0)
    mult = jnp.where(late, reveal, 1.0)
    return quality * mult + noise_std * jax.random.normal(key, (num_tokens,))


def partial_means(tokens: jax.Array, taus: jax.Array) -> jax.Array:
    """Partial reward after τ tokens: the mean of the first τ token signals, for each τ in ``taus``.

    Args:
        tokens: (..., L) token signals.
        taus: (k,) ints in [1, L].

    Returns:
        (..., k) running means.
    """
    taus = _c.check_in_range("taus", taus, 1, jnp.shape(tokens)[-1])
    csum = jnp.cumsum(tokens, axis=-1)
    taus = jnp.asarray(taus)
    return jnp.take(csum, taus - 1, axis=-1) / taus


def partial_and_full_rewards(
    key: jax.Array, quality: jax.Array, num_tokens: int, tau: jax.Array, noise_std: jax.Array, late: jax.Array
) -> tuple[jax.Array, jax.Array]:
    r"""(mean of the first τ tokens, mean of all L tokens) of one :func:`token_signals` stream, in O(1).

    The pair has exactly the law it has under :func:`token_signals`: the signal part is deterministic and the
    noise sums form a Brownian path, so the full noise sum :math:`W_L = \sigma\sqrt L z_1` is drawn first and
    :math:`W_\tau \mid W_L \sim N(\tfrac{\tau}{L} W_L, \sigma^2 \tfrac{\tau (L - \tau)}{L})` (a Brownian
    bridge). Drawing the full sum first keeps the full reward identical across τ for one key (common random
    numbers when comparing partial lengths). ``tau`` may be traced (an int or float in [1, L]); ``quality`` and
    ``late`` may be arrays of one shape (one stream each).
    """
    num_tokens = _c.check_int("num_tokens", num_tokens, min_value=1)
    tau = _c.check_in_range("tau", tau, 1, num_tokens)
    noise_std = _c.check_positive("noise_std", noise_std)
    z = jax.random.normal(key, (2,) + jnp.shape(quality))
    return _bridge_rewards(z[0], z[1], quality, num_tokens, tau, noise_std, late)


def _bridge_rewards(z_full, z_bridge, quality, num_tokens, tau, noise_std, late):
    """Partial and full means from two standard normals (elementwise; see :func:`partial_and_full_rewards`)."""
    tail = max(num_tokens // 8, 1)
    mult = num_tokens / tail
    tau = jnp.asarray(tau, float)
    revealed = jnp.where(late, mult * jnp.maximum(0.0, tau - (num_tokens - tail)), tau)
    w_full = noise_std * jnp.sqrt(num_tokens) * z_full
    bridge_sd = noise_std * jnp.sqrt(jnp.maximum(tau * (num_tokens - tau) / num_tokens, 0.0))
    w_tau = tau / num_tokens * w_full + bridge_sd * z_bridge
    partial = (quality * revealed + w_tau) / tau
    full = (quality * num_tokens + w_full) / num_tokens
    return partial, full


class ERResult(NamedTuple):
    """One problem's beam search with (or without) early rejection.

    Attributes:
        success: () probability that the chosen solution's answer is right, sigmoid(κ Σ_s q_s / √S).
        dropped_best: (S,) the candidate with the best full-step reward was rejected at step s.
        partial: (S, N) partial rewards (mean of the first τ tokens) of every candidate.
        full: (S, N) full-step rewards (mean of all L tokens).
        tokens: () tokens generated (the FLOPs proxy).
    """

    success: jax.Array
    dropped_best: jax.Array
    partial: jax.Array
    full: jax.Array
    tokens: jax.Array


def er_token_cost(num_beams: int, beam_width: int, num_steps: int, num_tokens: int, tau: jax.Array) -> jax.Array:
    """Tokens generated by early rejection: S·(N·τ + (N/M)·(L − τ)); τ = L gives vanilla beam search S·N·L."""
    num_beams, beam_width, num_steps, num_tokens = _check_er_sizes(num_beams, beam_width, num_steps, num_tokens)
    tau = _c.check_in_range("tau", tau, 1, num_tokens)
    keep = num_beams // beam_width
    tau = jnp.asarray(tau, float)
    return num_steps * (num_beams * tau + keep * (num_tokens - tau))


def _check_beams(num_beams, beam_width, num_steps, num_tokens):
    num_beams = check_int("num_beams", num_beams, min_value=1)
    beam_width = check_int("beam_width", beam_width, min_value=1)
    check_int("num_steps", num_steps, min_value=1)
    check_int("num_tokens", num_tokens, min_value=1)
    if num_beams % beam_width:
        raise ValueError(f"num_beams must be a multiple of beam_width, got {num_beams} and {beam_width}")


def _check_er_sizes(num_beams, beam_width, num_steps, num_tokens):
    num_beams = check_int("num_beams", num_beams, min_value=1)
    beam_width = check_int("beam_width", beam_width, min_value=1)
    if num_beams % beam_width:
        raise ValueError(f"num_beams must be a multiple of beam_width={beam_width}, got {num_beams}")
    num_steps = check_int("num_steps", num_steps, min_value=1)
    num_tokens = check_int("num_tokens", num_tokens, min_value=1)
    return num_beams, beam_width, num_steps, num_tokens


def er_beam_search(
    key: jax.Array,
    tau: jax.Array,
    *,
    num_beams: int,
    beam_width: int,
    num_steps: int,
    num_tokens: int,
    noise_std: jax.Array,
    late_fraction: jax.Array,
    kappa: jax.Array = 1.0,
) -> ERResult:
    """PRM-guided beam search where each step's candidates are ranked after their first τ tokens.

    At each of S steps the K = N/M surviving beams each propose M candidate steps of latent quality
    :math:`q \\sim N(0, 1)`, written as L tokens (:func:`token_signals`; a fraction
    ``late_fraction`` of steps reveal their quality only in their last tokens). All N candidates are scored on
    their first τ tokens (drawn exactly by :func:`partial_and_full_rewards`); the top
    K are completed and kept. τ = L is vanilla beam search. The final answer is
    the surviving beam with the best last full-step reward; it is right with probability
    :math:`\\sigma(\\kappa \\sum_s q_s / \\sqrt S)`.

    Args:
        key: PRNG key.
        tau: partial length τ in [1, L] (traced; a slider).
        num_beams: N (static), a multiple of ``beam_width``.
        beam_width: M (static).
        num_steps: S (static).
        num_tokens: L (static).
        noise_std: token noise σ > 0.
        late_fraction: fraction of late-reveal steps in [0, 1].
        kappa: κ, how strongly step quality drives answer correctness.

    Returns:
        An :class:`ERResult`.
    """
    num_beams, beam_width, num_steps, num_tokens = _check_er_sizes(num_beams, beam_width, num_steps, num_tokens)
    # tau outside [1, L] used to be clipped silently; a traced slider value is checked at run time
    tau = check_in_range("tau", tau, 1.0, float(num_tokens))
    noise_std = check_positive("noise_std", noise_std)
    late_fraction = check_probability("late_fraction", late_fraction)
    kappa = check_finite("kappa", kappa)
    keep = num_beams // beam_width
    tau_i = jnp.clip(jnp.round(jnp.asarray(tau)).astype(jnp.int32), 1, num_tokens)

    def step(carry, k):
        cumq, last_full = carry
        z = jax.random.normal(k, (4, num_beams))  # quality, late flag, two noise draws: one PRNG call
        q = z[0]
        late = jax.scipy.special.ndtr(z[1]) < late_fraction
        part, full = _bridge_rewards(z[2], z[3], q, num_tokens, tau_i, noise_std, late)
        parent = jnp.repeat(jnp.arange(keep), beam_width)
        _, kept = jax.lax.top_k(part, keep)
        best = jnp.argmax(full)
        dropped = ~jnp.any(kept == best)
        new_cumq = cumq[parent][kept] + q[kept]
        return (new_cumq, full[kept]), (dropped, part, full)

    init = (jnp.zeros(keep), jnp.zeros(keep))
    (cumq, last_full), (dropped, part, full) = jax.lax.scan(step, init, jax.random.split(key, num_steps))
    chosen = cumq[jnp.argmax(last_full)]
    success = jax.nn.sigmoid(kappa * chosen / jnp.sqrt(num_steps))
    tokens = er_token_cost(num_beams, beam_width, num_steps, num_tokens, tau_i)
    return ERResult(success, dropped, part, full, tokens)


def drop_best_prob(
    margin: jax.Array, tau: jax.Array, noise_std: jax.Array, num_candidates: int, keep: int
) -> jax.Array:
    """Exact risk that early rejection drops the best candidate when it leads the others by a fixed margin.

    One candidate has quality Δ and the other n − 1 have quality 0; each is ranked by the mean of τ tokens with
    noise σ, so its partial reward is quality + (σ/√τ)·z. The best one is dropped when at least ``keep`` of the
    others beat it:

    .. math:: P = \\int \\varphi(z)\\, P\\big(\\mathrm{Bin}(n - 1, \\bar\\Phi(\\Delta\\sqrt\\tau/\\sigma + z)) \\ge
       K\\big)\\, dz \\;\\le\\; (n - 1)\\, e^{-\\tau \\Delta^2 / (4 \\sigma^2)}\\ (K = 1),

    which decays exponentially in τ — the paper's theorem in its simplest setting. Evaluated by 64-point
    Gauss–Hermite quadrature (tau broadcasts).
    """
    num_candidates = check_int("num_candidates", num_candidates, min_value=2)
    keep = check_int("keep", keep, min_value=1, max_value=num_candidates - 1)
    noise_std = check_positive("noise_std", noise_std)
    x, w = np.polynomial.hermite_e.hermegauss(64)
    x, w = jnp.asarray(x), jnp.asarray(w / np.sqrt(2 * np.pi))
    shift = jnp.asarray(margin) * jnp.sqrt(jnp.asarray(tau, float)) / jnp.asarray(noise_std)
    pb = jax.scipy.stats.norm.sf(shift[..., None] + x)  # P(one other beats the best | z)
    n = num_candidates - 1
    j = jnp.arange(keep, n + 1, dtype=float)  # at least `keep` of the n others beat the best
    gl = jax.scipy.special.gammaln
    logc = gl(n + 1.0) - gl(j + 1.0) - gl(n - j + 1.0)
    p = pb[..., None]
    pmf = jnp.exp(logc + jax.scipy.special.xlogy(j, p) + jax.scipy.special.xlog1py(n - j, -p))
    tail = pmf.sum(-1)
    return jnp.clip((tail * w).sum(-1), 0.0, 1.0)


@partial(jax.jit, static_argnames=("num_problems", "num_beams", "beam_width", "num_steps", "num_tokens"))
def _er_experiment(
    key, tau, noise_std, late_fraction, kappa, *, num_problems, num_beams, beam_width, num_steps, num_tokens
):
    def run(k, t):
        return er_beam_search(
            k,
            t,
            num_beams=num_beams,
            beam_width=beam_width,
            num_steps=num_steps,
            num_tokens=num_tokens,
            noise_std=noise_std,
            late_fraction=late_fraction,
            kappa=kappa,
        )

    keys = jax.random.split(key, num_problems)
    # Early rejection (τ) and vanilla (τ = L) as one batch over the two lengths: one compiled scan, not two.
    both = jax.vmap(jax.vmap(run, in_axes=(0, None)), in_axes=(None, 0))(
        keys, jnp.stack([jnp.asarray(tau, float), jnp.asarray(num_tokens, float)])
    )
    return jax.tree_util.tree_map(lambda a: a[0], both), jax.tree_util.tree_map(lambda a: a[1], both)


def er_experiment(
    key: jax.Array,
    tau: jax.Array,
    *,
    num_problems: int,
    num_beams: int,
    beam_width: int,
    num_steps: int,
    num_tokens: int,
    noise_std: jax.Array,
    late_fraction: jax.Array,
    kappa: jax.Array = 1.0,
) -> tuple[ERResult, ERResult]:
    """Early rejection at τ and vanilla beam search (τ = L) on the same ``num_problems`` problems.

    Both runs use the same keys, so they see the same candidates and the same full-step rewards (common random
    numbers): their accuracy difference is due to early rejection alone. Jitted; sizes are static.

    Returns:
        (early_rejection, vanilla), each an :class:`ERResult` with a leading (num_problems,) axis.
    """
    check_int("num_problems", num_problems, min_value=1)
    _check_beams(num_beams, beam_width, num_steps, num_tokens)
    noise_std = check_positive("noise_std", noise_std)
    return _er_experiment(
        key,
        tau,
        noise_std,
        late_fraction,
        kappa,
        num_problems=num_problems,
        num_beams=num_beams,
        beam_width=beam_width,
        num_steps=num_steps,
        num_tokens=num_tokens,
    )


def drop_best_rate(
    key: jax.Array,
    margin: jax.Array,
    tau: jax.Array,
    noise_std: jax.Array,
    num_candidates: int,
    keep: int,
    *,
    num_tokens: int,
    num_reps: int,
) -> jax.Array:
    """Monte Carlo counterpart of :func:`drop_best_prob` on simulated token streams.

    Each of ``num_reps`` rounds writes ``num_candidates`` steps (one of quality Δ = ``margin``, the rest 0) as
    ``num_tokens``-token streams, ranks them by their first-τ-token means and records whether the best one
    misses the top ``keep``. Returns the fraction of rounds where it did.
    """
    num_candidates = check_int("num_candidates", num_candidates, min_value=2)
    keep = check_int("keep", keep, min_value=1, max_value=num_candidates - 1)
    num_reps = check_int("num_reps", num_reps, min_value=1)
    noise_std = check_positive("noise_std", noise_std)
    quality = jnp.zeros(num_candidates).at[0].set(margin)

    def one(k):
        part, _ = partial_and_full_rewards(k, quality, num_tokens, tau, noise_std, False)
        return jnp.sum(part[1:] > part[0]) >= keep

    return jnp.mean(jax.vmap(one)(jax.random.split(key, num_reps)))
