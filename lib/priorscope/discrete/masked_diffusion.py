"""Masked (absorbing-state) diffusion over token sequences: schedules, the MDLM loss and the ancestral sampler.

Forward process: each token of a clean sequence :math:`x` is independently kept with probability
:math:`\\alpha_t` and replaced by the mask id otherwise, with :math:`\\alpha_0 = 1` and :math:`\\alpha_1 = 0`.
Reverse process: from a sequence :math:`z_t` with :math:`M` masked positions, a step from :math:`t` to
:math:`s < t` unmasks some of them, each drawn from the denoiser's per-position law :math:`\\mu_\\theta(x_i \\mid
z_t)`. Positions unmasked in the same step are drawn *independently*, which is exact only when one position is
unmasked per step; with fewer steps than positions the sampler ignores the correlations between the positions it
fills together (the error EDLM corrects, :mod:`priorscope.discrete.edlm`).

Schedules (``schedule=``): ``"linear"`` :math:`\\alpha_t = 1 - t` — the schedule MDLM calls "log-linear noise",
:math:`\\sigma(t) = -\\log(1 - t)`, :math:`\\alpha_t = e^{-\\sigma(t)}` — and ``"cosine"``
:math:`\\alpha_t = \\cos(\\pi t / 2)`. A step count is deterministic here: after step ``j`` of ``N`` the sampler
leaves :math:`\\mathrm{round}(M_0 (1 - \\alpha_{1 - (j+1)/N}))` positions masked (``M_0`` masked at the start) and
picks which ones uniformly at random, so with ``N = M_0`` steps and a linear schedule it unmasks exactly one
position per step.

A *denoiser* is any function ``tokens (L,) -> probs (L, V)``; with
:func:`priorscope.discrete.conditional_marginals` of an enumerable law it is exact.

References: Sahoo et al. (2024), "Simple and Effective Masked Diffusion Language Models" (MDLM),
arXiv:2406.07524; Shi et al. (2024), "Simplified and Generalized Masked Diffusion for Discrete Data",
arXiv:2406.04329.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from priorscope._checks import check_choice, check_int, check_ndim, check_type

if TYPE_CHECKING:
    from priorscope.discrete.laws import SequenceLaw

__all__ = [
    "SCHEDULES",
    "MaskedSample",
    "alpha",
    "exact_sampler_law",
    "masked_diffusion_loss",
    "remaining_masked",
    "sample_masked_diffusion",
]

SCHEDULES = ("linear", "cosine")

Denoiser = Callable[[jax.Array], jax.Array]


class MaskedSample(NamedTuple):
    """Output of a sampler.

    Attributes:
        tokens: ``(L,)`` the final sequence.
        unmask_step: ``(L,)`` the step (0-based) at which each position was unmasked; ``-1`` for positions that
            were given unmasked.
    """

    tokens: jax.Array
    unmask_step: jax.Array


def _alpha(t: jax.Array, schedule: str) -> jax.Array:
    if schedule == "linear":
        return 1.0 - t
    return jnp.cos(0.5 * jnp.pi * t)


def _alpha_rate(t: jax.Array, schedule: str) -> jax.Array:
    """:math:`-\\alpha'_t / (1 - \\alpha_t)`, the weight of the MDLM loss."""
    if schedule == "linear":
        return 1.0 / t
    half = 0.25 * jnp.pi * t  # 1 - cos(2h) = 2 sin(h)^2, stable for small t
    return 0.5 * jnp.pi * jnp.sin(2.0 * half) / (2.0 * jnp.sin(half) ** 2)


def alpha(t: jax.Array, schedule: str = "linear") -> jax.Array:
    """Probability :math:`\\alpha_t` that a token is still unmasked at time ``t`` in [0, 1]."""
    schedule = check_choice("schedule", schedule, SCHEDULES)
    return _alpha(jnp.asarray(t, dtype=float), schedule)


def remaining_masked(num_masked: jax.Array, num_steps: int, schedule: str = "linear") -> jax.Array:
    """``(num_steps + 1,)`` number of positions still masked before step 0, after step 0, ..., after the last step.

    .. math:: m_j = \\mathrm{round}\\big(M_0\\,(1 - \\alpha_{t_j})\\big), \\qquad t_j = 1 - j/N,

    so ``m_0 = M_0`` and ``m_N = 0``.
    """
    num_steps = check_int("num_steps", num_steps, min_value=1)
    schedule = check_choice("schedule", schedule, SCHEDULES)
    return _remaining(jnp.asarray(num_masked), num_steps, schedule)


def _remaining(num_masked: jax.Array, num_steps: int, schedule: str) -> jax.Array:
    t = 1.0 - jnp.arange(num_steps + 1) / num_steps
    return jnp.round(num_masked * (1.0 - _alpha(t, schedule))).astype(jnp.int32)


def _random_subset(key: jax.Array, eligible: jax.Array, count: jax.Array) -> jax.Array:
    """A uniformly random subset of ``count`` eligible positions, as a boolean mask."""
    score = jnp.where(eligible, jax.random.uniform(key, eligible.shape), -1.0)
    rank = jnp.argsort(jnp.argsort(-score))
    return eligible & (rank < count)


def _draw(key: jax.Array, probs: jax.Array) -> jax.Array:
    """One token per position from ``(L, V)`` probabilities."""
    return jax.random.categorical(key, jnp.log(jnp.maximum(probs, 1e-30)), axis=-1).astype(jnp.int32)


def _masked_step(
    key: jax.Array, denoiser: Denoiser, tokens: jax.Array, count: jax.Array, vocab_size: int
) -> tuple[jax.Array, jax.Array]:
    k_pos, k_tok = jax.random.split(key)
    masked = tokens == vocab_size
    chosen = _random_subset(k_pos, masked, count)
    values = _draw(k_tok, denoiser(tokens))
    return jnp.where(chosen, values, tokens), chosen


def sample_masked_diffusion(
    key: jax.Array,
    denoiser: Denoiser,
    tokens: jax.Array,
    vocab_size: int,
    num_steps: int,
    schedule: str = "linear",
) -> MaskedSample:
    """Ancestral masked-diffusion sampling (MDLM) of one sequence; ``jax.vmap`` over keys for many.

    Args:
        key: PRNG key.
        denoiser: ``tokens (L,) -> (L, V)`` per-position probabilities (the factorised reverse model).
        tokens: ``(L,)`` the start; ids in ``[0, V]`` with ``V`` = masked (all masked for unconditional sampling).
        vocab_size: ``V``.
        num_steps: ``N`` denoiser calls; ``N >= M_0`` with the linear schedule unmasks one position per step.
        schedule: one of :data:`SCHEDULES`.

    Returns:
        :class:`MaskedSample` with the final tokens and the step at which each position was unmasked.
    """
    vocab_size = check_int("vocab_size", vocab_size, min_value=2)
    num_steps = check_int("num_steps", num_steps, min_value=1)
    schedule = check_choice("schedule", schedule, SCHEDULES)
    check_ndim("tokens", tokens, 1)
    tokens = jnp.asarray(tokens, dtype=jnp.int32)
    remaining = _remaining(jnp.sum(tokens == vocab_size), num_steps, schedule)

    def body(carry, j):
        toks, when = carry
        count = jnp.sum(toks == vocab_size) - remaining[j + 1]
        toks, chosen = _masked_step(jax.random.fold_in(key, j), denoiser, toks, count, vocab_size)
        return (toks, jnp.where(chosen, j, when)), None

    init = (tokens, jnp.full(tokens.shape, -1, jnp.int32))
    (out, when), _ = jax.lax.scan(body, init, jnp.arange(num_steps))
    return MaskedSample(out, when)


def masked_diffusion_loss(
    key: jax.Array,
    log_probs_fn: Callable[[jax.Array], jax.Array],
    tokens: jax.Array,
    vocab_size: int,
    schedule: str = "linear",
) -> jax.Array:
    """One-sample Monte Carlo estimate of the MDLM negative ELBO of a clean sequence.

    .. math::

        \\mathcal L(x) = \\mathbb E_{t \\sim U(0,1)}\\, \\mathbb E_{z_t \\sim q(\\cdot \\mid x)}
        \\Big[\\frac{-\\alpha'_t}{1 - \\alpha_t}
        \\sum_{i:\\, z_{t,i} = \\mathrm{mask}} -\\log \\mu_\\theta(x_i \\mid z_t)\\Big]
        \\;\\ge\\; -\\log p_\\theta(x).

    With the linear schedule the weight is :math:`1/t`. With exact conditional marginals the bound is tight: its
    expectation equals :math:`-\\log p(x)` (every unmasking order is an exact chain rule).

    Args:
        key: PRNG key (draws ``t`` and the mask).
        log_probs_fn: ``tokens (L,) -> (L, V)`` log-probabilities of the denoiser.
        tokens: ``(L,)`` clean ids in ``[0, V)``.
        vocab_size: ``V``.
        schedule: one of :data:`SCHEDULES`.

    Returns:
        A scalar (average over keys for the loss).
    """
    vocab_size = check_int("vocab_size", vocab_size, min_value=2)
    schedule = check_choice("schedule", schedule, SCHEDULES)
    check_ndim("tokens", tokens, 1)
    tokens = jnp.asarray(tokens, dtype=jnp.int32)
    k_t, k_m = jax.random.split(key)
    t = jax.random.uniform(k_t, (), minval=1e-4, maxval=1.0)
    masked = jax.random.uniform(k_m, tokens.shape) > _alpha(t, schedule)
    z = jnp.where(masked, vocab_size, tokens)
    logp = log_probs_fn(z)
    nll = -jnp.take_along_axis(logp, tokens[:, None], axis=-1)[:, 0]
    return _alpha_rate(t, schedule) * jnp.sum(jnp.where(masked, nll, 0.0))


def _ordered_partitions(positions: tuple[int, ...], sizes: list[int]):
    if not sizes:
        yield ()
        return
    for first in itertools.combinations(positions, sizes[0]):
        rest = tuple(p for p in positions if p not in first)
        for tail in _ordered_partitions(rest, sizes[1:]):
            yield (first, *tail)


def exact_sampler_law(law: SequenceLaw, num_steps: int, schedule: str = "linear") -> np.ndarray:
    """The exact output law of :func:`sample_masked_diffusion` with the law's own conditional marginals.

    The sampler unmasks ``n_1, ..., n_N`` positions (deterministic counts, :func:`remaining_masked`) in uniformly
    random subsets :math:`S_1, \\dots, S_N`, each position of :math:`S_j` drawn independently from
    :math:`p(x_i \\mid x_{U_j})` with :math:`U_j = S_1 \\cup \\dots \\cup S_{j-1}`. Averaging over the
    :math:`L!/\\prod_j n_j!` ordered partitions (all equally likely),

    .. math:: q_N(x) = \\mathbb E_{S}\\prod_j \\prod_{i \\in S_j} \\frac{p(x_{U_j \\cup \\{i\\}})}{p(x_{U_j})},

    computed in float64 from the marginals :math:`p(x_A)` of every subset ``A`` of positions, without sampling.
    With one position per step every term is an exact chain rule and :math:`q_N = p`.

    Args:
        law: a dense :class:`~priorscope.discrete.SequenceLaw` (all ``V**L`` sequences, e.g. a Markov chain) with
            ``L <= 8``.
        num_steps: ``N``.
        schedule: one of :data:`SCHEDULES`.

    Returns:
        ``(V**L,)`` float64 probabilities in the order of ``law.sequences``.
    """
    from priorscope.discrete.laws import SequenceLaw

    check_type("law", law, SequenceLaw, "a SequenceLaw")
    if not law.dense:
        raise ValueError("law must be dense (all V**L sequences, as markov_chain_law builds), got a table law")
    num_steps = check_int("num_steps", num_steps, min_value=1)
    schedule = check_choice("schedule", schedule, SCHEDULES)
    length, vocab = law.length, law.vocab_size
    if length > 8:
        raise ValueError(f"law.length must be <= 8 for the exact sampler law, got {length}")
    joint = np.asarray(law.probs, dtype=np.float64).reshape((vocab,) * length)
    joint = joint / joint.sum()  # float32 probabilities sum to 1 only to ~1e-7
    log_marg = {}
    for subset in range(2**length):
        keep = [i for i in range(length) if subset >> i & 1]
        drop = tuple(i for i in range(length) if i not in keep)
        m = joint.sum(axis=drop, keepdims=True) if drop else joint
        with np.errstate(divide="ignore"):
            log_marg[subset] = np.broadcast_to(np.log(m), joint.shape).ravel()
    rem = np.asarray(_remaining(jnp.asarray(length), num_steps, schedule))
    sizes = [int(n) for n in rem[:-1] - rem[1:] if n > 0]
    total = np.zeros(vocab**length)
    count = 0
    for parts in _ordered_partitions(tuple(range(length)), sizes):
        logq = np.zeros(vocab**length)
        seen = 0
        for part in parts:
            for i in part:
                logq += log_marg[seen | (1 << i)] - log_marg[seen]
            for i in part:
                seen |= 1 << i
        total += np.exp(np.where(np.isfinite(logq), logq, -np.inf))
        count += 1
    return total / count
