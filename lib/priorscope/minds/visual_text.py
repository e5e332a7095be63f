"""The text and the scene of notebook 34's toy world: tokens, the three kinds of pre-training text, the grids.

A scene is a 3 × 3 grid of cells, each one of four colours. Every text sequence is ``BOS``, nine colour words, a
question of three tokens, ``=`` and the answer:

- *reasoning* text: ``MORE a b`` (``yes`` iff colour ``a`` occurs more often than ``b``; pairs with equal counts
  are never asked) or ``COUNT a _`` (the number of ``a``);
- *description* text: ``AT @p _`` (the colour written at position ``p``);
- *generic* text: a fixed random Markov chain over the whole vocabulary.

:mod:`priorscope.minds.visual_priors` pre-trains language models on mixtures of these and reads seen grids through
an adapter.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from priorscope._checks import check_int, check_probabilities

__all__ = ["COLOURS", "SCENE_TOKENS", "sample_text_batch", "sequence_string"]

NUM_CELLS = 9
NUM_COLOURS = 4
MARKOV_SEED = 340  # the fixed random transition matrix of generic text
COLOURS = ("red", "green", "blue", "gold")
_NAMES = (
    *COLOURS,
    *(f"@{i}" for i in range(NUM_CELLS)),
    *(str(n) for n in range(NUM_CELLS + 1)),
    "yes",
    "no",
    "BOS",
    "AT",
    "MORE",
    "COUNT",
    "_",
    "=",
)
#: token name -> id
SCENE_TOKENS = {name: i for i, name in enumerate(_NAMES)}
_V = len(_NAMES)
_POS0, _NUM0 = SCENE_TOKENS["@0"], SCENE_TOKENS["0"]
_YES, _NO, _BOS, _AT, _MORE, _COUNT, _BLANK, _EQ = (
    SCENE_TOKENS[k] for k in ("yes", "no", "BOS", "AT", "MORE", "COUNT", "_", "=")
)
_LEN = NUM_CELLS + 6  # BOS, cells, op, x, y, =, answer

# --- text ---------------------------------------------------------------------------------------------------------


def _grid(key, batch):
    return jax.random.randint(key, (batch, NUM_CELLS), 0, NUM_COLOURS)


def _sequences(grid, op, x, y, answer):
    b = grid.shape[0]
    head = jnp.full((b, 1), _BOS)
    tail = jnp.stack([jnp.full(b, op), x, y, jnp.full(b, _EQ), answer], axis=1)
    return jnp.concatenate([head, grid, tail], axis=1).astype(jnp.int32)


def _at(key, grid):
    p = jax.random.randint(key, (grid.shape[0],), 0, NUM_CELLS)
    colour = jnp.take_along_axis(grid, p[:, None], axis=1)[:, 0]
    return _sequences(grid, _AT, _POS0 + p, jnp.full_like(p, _BLANK), colour)


def _counts(grid):
    return jnp.sum(jax.nn.one_hot(grid, NUM_COLOURS, dtype=jnp.int32), axis=1)  # (B, K)


def _more(key, grid):
    """An ordered pair (a, b) uniform among those with different counts; answer yes iff count a > count b."""
    c = _counts(grid)
    valid = (c[:, :, None] != c[:, None, :]) & ~jnp.eye(NUM_COLOURS, dtype=bool)  # never empty: 9 cells, 4 colours
    score = jnp.where(valid, jax.random.uniform(key, valid.shape), -1.0).reshape(grid.shape[0], -1)
    pick = jnp.argmax(score, axis=1)
    a, b = pick // NUM_COLOURS, pick % NUM_COLOURS
    more = jnp.take_along_axis(c, a[:, None], 1)[:, 0] > jnp.take_along_axis(c, b[:, None], 1)[:, 0]
    return _sequences(grid, _MORE, a, b, jnp.where(more, _YES, _NO))


def _count(key, grid):
    a = jax.random.randint(key, (grid.shape[0],), 0, NUM_COLOURS)
    n = jnp.take_along_axis(_counts(grid), a[:, None], 1)[:, 0]
    return _sequences(grid, _COUNT, a, jnp.full_like(a, _BLANK), _NUM0 + n)


def _markov_logits():
    return 2.5 * jax.random.normal(jax.random.key(MARKOV_SEED), (_V, _V))


def _generic(key, batch):
    logits = _markov_logits()

    def step(tok, k):
        nxt = jax.random.categorical(k, logits[tok])
        return nxt, nxt

    keys = jax.random.split(key, _LEN - 1)
    _, rest = jax.lax.scan(step, jnp.full(batch, _BOS), keys)
    return jnp.concatenate([jnp.full((batch, 1), _BOS), rest.T], axis=1).astype(jnp.int32)


def _text(key, mixture, batch):
    kg, ka, km, kc, kw, ks, kr = jax.random.split(key, 7)
    grid = _grid(kg, batch)
    reasoning = jnp.where(jax.random.bernoulli(kr, 0.5, (batch, 1)), _more(km, grid), _count(kc, grid))
    source = jax.random.choice(ks, 3, (batch,), p=mixture)
    tokens = jnp.where(
        (source == 0)[:, None], reasoning, jnp.where((source == 1)[:, None], _at(ka, grid), _generic(kw, batch))
    )
    answer_only = jnp.zeros(_LEN - 1).at[-1].set(1.0)
    weights = jnp.where((source == 2)[:, None], 1.0, answer_only[None, :])
    return tokens, weights


def sample_text_batch(key: jax.Array, mixture: jax.Array, batch: int) -> tuple[jax.Array, jax.Array]:
    """Pre-training sequences from the mixture ``(r, v, w)`` of reasoning, description and generic text.

    Returns:
        ``tokens`` ``(batch, 15)`` and the loss ``weights`` ``(batch, 14)`` of each next-token target: the answer
        only for reasoning and description text (their lists of colour words are random), every token for generic
        text.
    """
    batch = check_int("batch", batch, min_value=1)
    checked = _check_mixture("mixture", mixture)
    return _text(key, jnp.asarray(checked, jnp.float32), batch)


def sequence_string(tokens: jax.Array) -> str:
    """A readable rendering of one sequence, e.g. ``"BOS red gold ... MORE red blue _ = yes"``."""
    arr = np.asarray(tokens)
    if not np.issubdtype(arr.dtype, np.integer):
        raise TypeError(f"tokens must be integer token ids, got dtype {arr.dtype}")
    if arr.size and (arr.min() < 0 or arr.max() >= _V):
        raise ValueError(f"tokens must be ids in [0, {_V - 1}], got values in [{arr.min()}, {arr.max()}]")
    return " ".join(_NAMES[int(t)] for t in arr.ravel())


def _check_mixture(name, mixture):
    arr = np.asarray(mixture, dtype=float)
    if arr.shape[-1:] != (3,):
        raise ValueError(f"{name} must hold 3 shares (reasoning, description, generic), got shape {arr.shape}")
    return np.asarray(check_probabilities(name, arr, atol=1e-4))
