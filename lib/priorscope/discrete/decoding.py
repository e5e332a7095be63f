"""Confident (threshold) parallel decoding for masked diffusion, as in Dimple's "dim" pipeline.

At each of at most ``N`` steps the denoiser gives per-position laws for the masked positions; a value
:math:`\\hat x_i` is drawn for each (greedy at ``temperature = 0``) with a confidence :math:`c_i`:

- ``"max_prob"``: :math:`c_i = \\mu(\\hat x_i \\mid z)`, the probability of the chosen token under the untempered law
  (Dimple's ``use_original_confidence``);
- ``"margin"``: top-1 minus top-2 probability;
- ``"entropy"``: :math:`1 - H(\\mu_i)/\\log V`. Dimple uses the raw negative entropy :math:`-H \\le 0`, which no
  positive threshold can pass; we normalise it to [0, 1] so that one threshold works for all three (our choice).

Every masked position with :math:`c_i > \\tau` is unmasked at once. If none passes, the step falls back to the
schedule: with :math:`t = M/M_0` the masked fraction and the linear grid :math:`t_k = 1 - k/N`, it unmasks
:math:`n = \\lfloor M (1 - s/t) \\rfloor` positions at the first grid time :math:`s = t_k` (``k > j`` and
:math:`t_k < t`) that gives :math:`n \\ge 1`, choosing the ``n`` most confident positions (``fallback="confidence"``)
or ``n`` random ones (``"random"``, Dimple's ``alg="origin"``). The last step (``j = N - 1``) unmasks everything,
and decoding stops as soon as nothing is masked. With :math:`\\tau \\ge 1` no confidence passes, so decoding uses
exactly the step budget ``N`` (for ``N <= M_0``).

Reference: Yu, Ma, Wang (2025), "Dimple: Discrete Diffusion Multimodal Large Language Model with Parallel
Decoding", arXiv:2505.16990 (rule read in ``generation_utils.py`` of the official repository yu-rp/Dimple).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import jax
import jax.numpy as jnp

from priorscope._checks import check_choice, check_int, check_interval, check_ndim, check_nonnegative

__all__ = ["CONFIDENCES", "FALLBACKS", "DecodeResult", "confidence_scores", "confident_decode"]

CONFIDENCES = ("max_prob", "margin", "entropy")
FALLBACKS = ("confidence", "random")

Denoiser = Callable[[jax.Array], jax.Array]


class DecodeResult(NamedTuple):
    """Output of :func:`confident_decode`.

    Attributes:
        tokens: ``(L,)`` the decoded sequence.
        unmask_step: ``(L,)`` the step at which each position was unmasked (``-1`` if given unmasked).
        num_iterations: scalar int, the number of denoiser calls used.
    """

    tokens: jax.Array
    unmask_step: jax.Array
    num_iterations: jax.Array


def _scores(probs: jax.Array, chosen: jax.Array, kind: str) -> jax.Array:
    if kind == "max_prob":
        return jnp.take_along_axis(probs, chosen[:, None], axis=-1)[:, 0]
    if kind == "margin":
        top2 = jax.lax.top_k(probs, 2)[0]
        return top2[:, 0] - top2[:, 1]
    ent = -jnp.sum(jnp.where(probs > 0, probs * jnp.log(jnp.where(probs > 0, probs, 1.0)), 0.0), axis=-1)
    return 1.0 - ent / jnp.log(probs.shape[-1])


def confidence_scores(probs: jax.Array, chosen: jax.Array, confidence: str = "max_prob") -> jax.Array:
    """``(L,)`` confidence of each position's chosen token (see the module docstring for the three kinds).

    Args:
        probs: ``(L, V)`` per-position probabilities.
        chosen: ``(L,)`` chosen token ids.
        confidence: one of :data:`CONFIDENCES`.
    """
    confidence = check_choice("confidence", confidence, CONFIDENCES)
    check_ndim("probs", probs, 2)
    check_ndim("chosen", chosen, 1)
    return _scores(jnp.asarray(probs), jnp.asarray(chosen, dtype=jnp.int32), confidence)


def _fallback_count(num_masked: jax.Array, total: jax.Array, j: jax.Array, num_steps: int) -> jax.Array:
    t = num_masked / jnp.maximum(total, 1)
    ks = jnp.arange(num_steps + 1)
    grid = 1.0 - ks / num_steps
    n = jnp.where(ks == num_steps, num_masked, jnp.floor(num_masked * (1.0 - grid / t) + 1e-9).astype(jnp.int32))
    ok = (ks > j) & (grid < t - 1e-12) & (n >= 1)
    first = jnp.argmax(ok)
    return jnp.where(jnp.any(ok), n[first], num_masked)


def confident_decode(
    key: jax.Array,
    denoiser: Denoiser,
    tokens: jax.Array,
    vocab_size: int,
    num_steps: int,
    threshold: float | jax.Array,
    confidence: str = "max_prob",
    fallback: str = "confidence",
    temperature: float | jax.Array = 0.0,
) -> DecodeResult:
    """Decode one sequence with threshold-based parallel unmasking (``jax.vmap`` over keys/prompts for many).

    Args:
        key: PRNG key (token draws at ``temperature > 0``, random fallback positions).
        denoiser: ``tokens (L,) -> (L, V)`` per-position probabilities.
        tokens: ``(L,)`` the start: prompt / structure-prior tokens unmasked, the rest ``V`` (masked).
        vocab_size: ``V``.
        num_steps: the step budget ``N``.
        threshold: :math:`\\tau \\ge 0`; ``1`` (or more) turns the threshold off and uses the whole budget.
        confidence: one of :data:`CONFIDENCES`.
        fallback: one of :data:`FALLBACKS`.
        temperature: ``>= 0``; tokens are drawn from :math:`\\mathrm{softmax}(\\log\\mu / T)`, greedy at 0.

    Returns:
        :class:`DecodeResult`.
    """
    vocab_size = check_int("vocab_size", vocab_size, min_value=2)
    num_steps = check_int("num_steps", num_steps, min_value=1)
    confidence = check_choice("confidence", confidence, CONFIDENCES)
    fallback = check_choice("fallback", fallback, FALLBACKS)
    threshold = check_interval("threshold", threshold, 0.0, jnp.inf)
    temperature = check_nonnegative("temperature", temperature)
    check_ndim("tokens", tokens, 1)
    tokens = jnp.asarray(tokens, dtype=jnp.int32)
    total = jnp.sum(tokens == vocab_size)

    def body(carry, j):
        toks, when, iters = carry
        k_tok, k_pos = jax.random.split(jax.random.fold_in(key, j))
        masked = toks == vocab_size
        active = jnp.any(masked)
        probs = denoiser(toks)
        logp = jnp.log(jnp.maximum(probs, 1e-30))
        gumbel = jax.random.gumbel(k_tok, probs.shape)
        chosen = jnp.argmax(logp + temperature * gumbel, axis=-1).astype(jnp.int32)
        conf = _scores(probs, chosen, confidence)
        last = j == num_steps - 1
        passing = masked & ((conf > threshold) | last)
        num_masked = jnp.sum(masked)
        n = _fallback_count(num_masked, total, j, num_steps)
        order_score = conf if fallback == "confidence" else jax.random.uniform(k_pos, conf.shape)
        score = jnp.where(masked, order_score, -jnp.inf)
        rank = jnp.argsort(jnp.argsort(-score))
        by_schedule = masked & (rank < n)
        unmask = jnp.where(jnp.any(passing), passing, by_schedule) & active
        toks = jnp.where(unmask, chosen, toks)
        return (toks, jnp.where(unmask, j, when), iters + active.astype(jnp.int32)), None

    init = (tokens, jnp.full(tokens.shape, -1, jnp.int32), jnp.zeros((), jnp.int32))
    (out, when, iters), _ = jax.lax.scan(body, init, jnp.arange(num_steps))
    return DecodeResult(out, when, iters)
