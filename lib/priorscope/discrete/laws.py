"""Enumerable sequence laws: a finite support of token sequences with their probabilities.

A :class:`SequenceLaw` lists every sequence of positive probability, so every quantity a masked-diffusion sampler
needs is exact: the joint :math:`p(x)`, and for any partially unmasked sequence :math:`z` the per-position
conditional marginals

.. math::

    p(x_i = v \\mid z) = \\frac{\\sum_{x \\sim z} p(x)\\,[x_i = v]}{\\sum_{x \\sim z} p(x)},

where :math:`x \\sim z` means that :math:`x` agrees with :math:`z` on every unmasked position. A sequence of
length ``L`` holds token ids in ``[0, V)``; the id ``V`` (:func:`mask_id`) marks a masked position.

A Markov chain over ``V`` tokens of length ``L`` (:func:`markov_chain_law`) enumerates all ``V**L`` sequences in
lexicographic order, so the probability of a sequence is a table look-up; any other law (e.g. the captions of
notebook 23, :mod:`priorscope.discrete.captions`) matches a sequence against its support.
"""

from __future__ import annotations

import itertools
from dataclasses import field

import jax
import jax.numpy as jnp
import numpy as np

from priorscope._checks import check_int, check_ndim, check_probabilities, check_shape, is_data
from priorscope._pytree import pytree_dataclass

__all__ = [
    "SequenceLaw",
    "all_sequences",
    "conditional_marginals",
    "factorised_support_mass",
    "log_prob",
    "markov_chain_law",
    "mask_id",
    "sample_frequencies",
    "sticky_transition",
    "support_contains",
    "table_law",
]

#: Sizes above this are refused: the support is held in memory and scanned at every denoiser call.
MAX_SUPPORT = 200_000


@pytree_dataclass
class SequenceLaw:
    """A law over token sequences given by its support.

    Attributes:
        sequences: ``(N, L)`` int32, the support (no mask ids).
        probs: ``(N,)`` probabilities summing to one.
        vocab_size: ``V`` (static); token ids lie in ``[0, V)`` and ``V`` is the mask id.
        dense: static; True when ``sequences`` is all ``V**L`` sequences in lexicographic order.
    """

    sequences: jax.Array
    probs: jax.Array
    vocab_size: int = field(default=2, metadata=dict(static=True))
    dense: bool = field(default=False, metadata=dict(static=True))

    def __post_init__(self) -> None:
        if not is_data(self.sequences, self.probs):
            return
        check_ndim("sequences", self.sequences, 2)
        check_shape("probs", self.probs, (np.shape(self.sequences)[0],))
        check_int("vocab_size", self.vocab_size, min_value=2)
        seq = np.asarray(self.sequences)
        if seq.size and (seq.min() < 0 or seq.max() >= self.vocab_size):
            raise ValueError(
                f"sequences must hold token ids in [0, {self.vocab_size - 1}] (vocab_size = {self.vocab_size}), "
                f"got values in [{seq.min()}, {seq.max()}]"
            )
        check_probabilities("probs", self.probs)

    @property
    def length(self) -> int:
        """The sequence length ``L``."""
        return int(np.shape(self.sequences)[1])


def mask_id(vocab_size: int) -> int:
    """The id of the mask token for a vocabulary of ``vocab_size`` tokens: ``vocab_size`` itself."""
    return check_int("vocab_size", vocab_size, min_value=2)


def all_sequences(vocab_size: int, length: int) -> jax.Array:
    """Every sequence of ``length`` tokens over ``vocab_size`` ids, ``(V**L, L)``, in lexicographic order."""
    vocab_size = check_int("vocab_size", vocab_size, min_value=2)
    length = check_int("length", length, min_value=1)
    if vocab_size**length > MAX_SUPPORT:
        raise ValueError(
            f"vocab_size**length must be <= {MAX_SUPPORT} to enumerate, got {vocab_size}**{length} = "
            f"{vocab_size**length}"
        )
    grid = np.asarray(list(itertools.product(range(vocab_size), repeat=length)), dtype=np.int32)
    return jnp.asarray(grid)


def sticky_transition(vocab_size: int, stay: float) -> jax.Array:
    """A ``(V, V)`` transition matrix that keeps the current token with probability ``stay``.

    The other ``V - 1`` tokens share ``1 - stay`` equally. ``stay`` near 1 gives long runs: strongly correlated
    neighbours, which is what a factorised denoiser gets wrong.
    """
    vocab_size = check_int("vocab_size", vocab_size, min_value=2)
    stay_arr = jnp.asarray(stay, dtype=float)
    if is_data(stay_arr) and not (0.0 <= float(stay_arr) <= 1.0):
        raise ValueError(f"stay must lie in [0.0, 1.0], got {float(stay_arr)}")
    off = (1.0 - stay_arr) / (vocab_size - 1)
    eye = jnp.eye(vocab_size)
    return stay_arr * eye + off * (1.0 - eye)


def markov_chain_law(initial: jax.Array, transition: jax.Array, length: int) -> SequenceLaw:
    """The law of a Markov chain :math:`p(x) = \\pi_0(x_1) \\prod_{i>1} P(x_{i-1}, x_i)`, fully enumerated.

    Args:
        initial: ``(V,)`` law of the first token.
        transition: ``(V, V)`` row-stochastic matrix, ``transition[a, b] = P(x_{i+1} = b | x_i = a)``.
        length: ``L``, with ``V**L <= 200_000``.

    Returns:
        A dense :class:`SequenceLaw` over all ``V**L`` sequences.
    """
    check_ndim("initial", initial, 1)
    initial = check_probabilities("initial", jnp.asarray(initial, dtype=float))
    vocab_size = int(initial.shape[0])
    check_shape("transition", transition, (vocab_size, vocab_size))
    transition = check_probabilities("transition", jnp.asarray(transition, dtype=float))
    seqs = all_sequences(vocab_size, length)
    logp = jnp.log(initial)[seqs[:, 0]]
    if seqs.shape[1] > 1:
        logp = logp + jnp.sum(jnp.log(transition)[seqs[:, :-1], seqs[:, 1:]], axis=1)
    probs = jnp.exp(logp)
    return SequenceLaw(seqs, probs / jnp.sum(probs), vocab_size=vocab_size, dense=True)


def table_law(sequences: object, probs: object, vocab_size: int) -> SequenceLaw:
    """A law from an explicit support (``(N, L)`` token ids) and its probabilities (renormalised if needed)."""
    vocab_size = check_int("vocab_size", vocab_size, min_value=2)
    seqs = np.asarray(sequences)
    check_ndim("sequences", seqs, 2)
    p = np.asarray(probs, dtype=float)
    check_shape("probs", p, (seqs.shape[0],))
    if np.any(p < 0) or not np.isfinite(p).all() or p.sum() <= 0:
        raise ValueError("probs must be finite, non-negative and sum to a positive number")
    return SequenceLaw(jnp.asarray(seqs, dtype=jnp.int32), jnp.asarray(p / p.sum()), vocab_size=vocab_size)


def _consistent(law: SequenceLaw, tokens: jax.Array) -> jax.Array:
    """``(N,)`` bool: which support sequences agree with ``tokens`` on its unmasked positions."""
    unmasked = tokens < law.vocab_size
    return jnp.all((law.sequences == tokens[None, :]) | ~unmasked[None, :], axis=1)


def _check_tokens(law: SequenceLaw, tokens: object) -> jax.Array:
    check_shape("tokens", tokens, (law.length,))
    return jnp.asarray(tokens, dtype=jnp.int32)


def conditional_marginals(law: SequenceLaw, tokens: jax.Array) -> jax.Array:
    """Exact per-position marginals :math:`p(x_i = v \\mid z)` given a partially masked sequence ``z``.

    Args:
        law: the :class:`SequenceLaw`.
        tokens: ``(L,)`` ids in ``[0, V]`` (``V`` = masked).

    Returns:
        ``(L, V)`` probabilities; an unmasked position is a one-hot on its token. When no support sequence agrees
        with ``tokens`` the rows are uniform (the law has nothing to say), never NaN.
    """
    tokens = _check_tokens(law, tokens)
    w = jnp.where(_consistent(law, tokens), law.probs, 0.0)
    onehot = jax.nn.one_hot(law.sequences, law.vocab_size, dtype=w.dtype)  # (N, L, V)
    num = jnp.einsum("n,nlv->lv", w, onehot)
    total = jnp.sum(w)
    uniform = jnp.full_like(num, 1.0 / law.vocab_size)
    return jnp.where(total > 0, num / jnp.where(total > 0, total, 1.0), uniform)


def log_prob(law: SequenceLaw, tokens: jax.Array) -> jax.Array:
    """:math:`\\log p(x)` of a fully unmasked sequence (``-inf`` outside the support)."""
    tokens = _check_tokens(law, tokens)
    if law.dense:
        powers = law.vocab_size ** jnp.arange(law.length - 1, -1, -1)
        idx = jnp.sum(jnp.clip(tokens, 0, law.vocab_size - 1) * powers)
        p = jnp.where(jnp.all(tokens < law.vocab_size), law.probs[idx], 0.0)
    else:
        match = jnp.all(law.sequences == tokens[None, :], axis=1)
        p = jnp.sum(jnp.where(match, law.probs, 0.0))
    return jnp.where(p > 0, jnp.log(jnp.where(p > 0, p, 1.0)), -jnp.inf)


def support_contains(law: SequenceLaw, tokens: jax.Array) -> jax.Array:
    """Whether a fully unmasked sequence lies in the support (a *valid* sequence of the law)."""
    tokens = _check_tokens(law, tokens)
    return jnp.any(jnp.all(law.sequences == tokens[None, :], axis=1))


def sample_frequencies(law: SequenceLaw, samples: jax.Array) -> jax.Array:
    """Frequencies of ``samples`` (``(n, L)``) over the law's support, ``(N,)``, in the order of ``law.sequences``.

    Samples outside the support are not counted, so the entries sum to the fraction of valid samples.
    """
    check_ndim("samples", samples, 2)
    check_shape("samples", samples, (None, law.length))
    samples = jnp.asarray(samples, dtype=jnp.int32)
    n = samples.shape[0]
    if law.dense:
        powers = law.vocab_size ** jnp.arange(law.length - 1, -1, -1)
        idx = jnp.sum(jnp.clip(samples, 0, law.vocab_size - 1) * powers, axis=1)
        ok = jnp.all(samples < law.vocab_size, axis=1)
        counts = jnp.zeros(law.probs.shape[0]).at[idx].add(ok.astype(float))
    else:
        match = jnp.all(samples[:, None, :] == law.sequences[None, :, :], axis=2)  # (n, N)
        counts = jnp.sum(match, axis=0).astype(float)
    return counts / max(n, 1)


def factorised_support_mass(law: SequenceLaw, tokens: jax.Array) -> jax.Array:
    """Probability that filling every masked position of ``tokens`` at once, each independently from its exact
    conditional marginal, gives a sequence in the law's support.

    .. math:: \\sum_{x \\in \\mathrm{supp}(p),\\, x \\sim z}\\; \\prod_{i \\text{ masked}} p(x_i \\mid z)

    This is the exact validity rate of one fully parallel decoding step with sampling at temperature 1.
    """
    tokens = _check_tokens(law, tokens)
    marg = conditional_marginals(law, tokens)
    masked = tokens == law.vocab_size
    per_pos = jnp.take_along_axis(marg[None, :, :], law.sequences[:, :, None], axis=2)[:, :, 0]  # (N, L)
    terms = jnp.prod(jnp.where(masked[None, :], per_pos, 1.0), axis=1)
    return jnp.sum(jnp.where(_consistent(law, tokens), terms, 0.0))
