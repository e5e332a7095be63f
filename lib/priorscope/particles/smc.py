"""Sequential Monte Carlo over a Feynman–Kac model: reweight, resample when the ESS is low, move.

A Feynman–Kac model on a sequence of targets :math:`\\pi_0, \\pi_1, \\dots, \\pi_K` is given by a Markov move
:math:`M_k` and potentials :math:`G_k \\ge 0`; the targets are

.. math::

    \\pi_k(\\mathrm d x_{0:k}) \\propto \\pi_0(\\mathrm dx_0)\\prod_{j=1}^{k} G_{j}(x_{j-1})\\,
    M_j(x_{j-1}, \\mathrm dx_j).

One step of SMC multiplies each particle's weight by :math:`G`, resamples if the effective sample size
fell below ``ess_threshold · n`` (adaptive resampling), then moves every particle with :math:`M`. The running
product of the mean incremental weights, :math:`\\hat Z = \\prod_k \\sum_i w_i^{(k-1)} G_k(x_i)`, is an unbiased
estimate of the ratio of normalising constants (Del Moral 2004; Chopin and Papaspiliopoulos 2020, ch. 10).

The loop stays with the caller: :func:`init` builds an :class:`SMCState`, :func:`step` advances it one step and
returns an :class:`SMCInfo` of diagnostics, so a ``lax.scan``, a test or a panel can each drive it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp

from priorscope._checks import check_in_range
from priorscope.particles.resampling import SCHEMES
from priorscope.particles.weights import check_log_weights, ess, log_normalize

__all__ = ["SMCState", "SMCInfo", "init", "reweight", "resample_if_needed", "step"]

PyTree = Any


class SMCState(NamedTuple):
    """What the next SMC step needs.

    Attributes:
        particles: a pytree whose leaves have leading dimension ``n``.
        log_weights: normalised log-weights, shape ``(n,)`` (``logsumexp = 0``).
        log_evidence: running estimate of :math:`\\log Z_k/Z_0`, a scalar.
    """

    particles: PyTree
    log_weights: jax.Array
    log_evidence: jax.Array


class SMCInfo(NamedTuple):
    """Diagnostics of one step (not carried forward).

    Attributes:
        ess: effective sample size after reweighting and before resampling, a scalar in ``[1, n]``.
        resampled: whether this step resampled, a boolean scalar.
        ancestors: the ancestor of each particle, int32 ``(n,)`` (the identity when not resampled).
        log_evidence_increment: :math:`\\log \\sum_i w_i G(x_i)`, a scalar.
    """

    ess: jax.Array
    resampled: jax.Array
    ancestors: jax.Array
    log_evidence_increment: jax.Array


def _num_particles(particles: PyTree) -> int:
    leaves = jax.tree_util.tree_leaves(particles)
    if not leaves:
        raise ValueError("particles must be a non-empty pytree of arrays with a leading particle axis")
    sizes = {jnp.shape(leaf)[0] if jnp.ndim(leaf) else None for leaf in leaves}
    if None in sizes or len(sizes) != 1:
        raise ValueError(f"every leaf of particles must share one leading dimension n, got leading sizes {sizes}")
    return sizes.pop()


def init(particles: PyTree, log_weights: jax.Array | None = None) -> SMCState:
    """Start an SMC run from particles (equal weights unless ``log_weights`` is given).

    Args:
        particles: pytree with leading dimension ``n``, e.g. an array ``(n, d)``.
        log_weights: optional unnormalised initial log-weights ``(n,)`` (e.g. importance weights of the
            initial proposal); their log mean becomes the initial ``log_evidence``.

    Returns:
        An :class:`SMCState` with normalised log-weights.
    """
    n = _num_particles(particles)
    if log_weights is None:
        log_weights = jnp.zeros((n,))
    log_weights = check_log_weights(log_weights)
    if log_weights.shape[0] != n:
        raise ValueError(f"log_weights must have shape ({n},) to match particles, got {log_weights.shape}")
    log_w, log_z = log_normalize(log_weights)
    return SMCState(particles, log_w, log_z - jnp.log(n))


def reweight(state: SMCState, log_increments: jax.Array) -> tuple[SMCState, jax.Array]:
    """Multiply the weights by :math:`G_i = \\exp(\\text{log\\_increments}_i)` and renormalise.

    Returns:
        ``(state, log_evidence_increment)`` where the increment is :math:`\\log\\sum_i w_i G_i`.
    """
    log_w, log_z = log_normalize(state.log_weights + log_increments)
    return SMCState(state.particles, log_w, state.log_evidence + log_z), log_z


def resample_if_needed(
    key: jax.Array, state: SMCState, ess_threshold: jax.Array | float, scheme: str = "systematic"
) -> tuple[SMCState, jax.Array, jax.Array, jax.Array]:
    """Resample when :math:`\\mathrm{ESS} < \\text{ess\\_threshold}\\cdot n` (always when the threshold is >= 1).

    ``ess_threshold`` may be traced (a slider); the indices are computed either way and replaced by the identity
    when no resampling happens, so the function is jit-friendly without ``lax.cond``.

    Returns:
        ``(state, ancestors, resampled, ess)``.
    """
    if scheme not in SCHEMES:
        raise ValueError(f"scheme must be one of {tuple(SCHEMES)}, got {scheme!r}")
    ess_threshold = check_in_range("ess_threshold", ess_threshold, 0.0, 1.0)
    n = state.log_weights.shape[0]
    current_ess = ess(state.log_weights)
    resampled = (current_ess < ess_threshold * n) | (jnp.asarray(ess_threshold) >= 1.0)
    idx = SCHEMES[scheme](key, jnp.exp(state.log_weights), n)
    ancestors = jnp.where(resampled, idx, jnp.arange(n, dtype=idx.dtype))
    particles = jax.tree_util.tree_map(lambda leaf: leaf[ancestors], state.particles)
    log_w = jnp.where(resampled, jnp.full((n,), -jnp.log(n)), state.log_weights)
    return SMCState(particles, log_w, state.log_evidence), ancestors, resampled, current_ess


def step(
    key: jax.Array,
    state: SMCState,
    log_increment_fn: Callable[[PyTree], jax.Array],
    move_fn: Callable[[jax.Array, PyTree], PyTree],
    ess_threshold: jax.Array | float = 0.5,
    scheme: str = "systematic",
) -> tuple[SMCState, SMCInfo]:
    """One SMC step: reweight by :math:`G`, resample adaptively, move by :math:`M`.

    Args:
        key: a JAX PRNG key (split inside for resampling and the move).
        state: the current :class:`SMCState`.
        log_increment_fn: ``particles -> log G`` of shape ``(n,)``.
        move_fn: ``(key, particles) -> particles``, a Markov move (any kernel; for a plain SMC sampler one that
            leaves the current target invariant, for a Feynman–Kac corrector an SDE step).
        ess_threshold: resample when ESS < ``ess_threshold · n``; 0 never resamples, 1 always does (traced).
        scheme: one of ``"systematic"``, ``"stratified"``, ``"multinomial"``.

    Returns:
        ``(new_state, info)``.
    """
    key_resample, key_move = jax.random.split(key)
    state, log_z = reweight(state, log_increment_fn(state.particles))
    state, ancestors, resampled, current_ess = resample_if_needed(key_resample, state, ess_threshold, scheme)
    particles = move_fn(key_move, state.particles)
    return state._replace(particles=particles), SMCInfo(current_ess, resampled, ancestors, log_z)
