"""A tiny transformer encoder in plain JAX: attention with an explicit mask, pre-norm blocks.

Shapes: a sequence is ``(L, d)`` (batch with ``jax.vmap``). A mask is a boolean ``(L, L)`` array whose entry
``[i, j]`` says whether position ``i`` may attend to position ``j``. Three masks cover the course:

- :func:`causal_mask` — ``j <= i``: an autoregressive language model (notebooks 33, 34);
- :func:`full_mask` — every pair: a bidirectional denoiser for masked diffusion (23, 24) or a set model;
- :func:`context_query_mask` — the prior-fitted network's mask (Müller et al., 2022): the first ``n_context``
  positions attend to each other, each query attends to the context and to itself only, so a query never sees
  another query and predictions for a batch of queries are independent given the context (14, 15, 16).

No positional encoding unless ``max_len`` is given to :func:`init_transformer`: without one the encoder is
permutation-equivariant over positions, which is what a set model over (x, y) context pairs needs.

Reference: Vaswani et al. (2017), "Attention is all you need"; pre-norm as in Xiong et al. (2020).
"""

from __future__ import annotations

import math
from typing import NamedTuple

import jax
import jax.numpy as jnp

from priorscope._checks import check_int, check_ndim, check_same_shape, check_shape, check_type

__all__ = [
    "TransformerParams",
    "attention",
    "causal_mask",
    "context_query_mask",
    "full_mask",
    "hidden_states",
    "init_transformer",
    "transformer",
]

_NEG = -1e30  # finite "minus infinity": a masked logit never wins a softmax and never makes NaN


class TransformerParams(NamedTuple):
    """Weights of :func:`transformer` (a pytree; ``num_heads`` is read from ``heads``' static shape)."""

    embed: jax.Array  # (vocab_size, d_model) for tokens or (d_in, d_model) for vectors
    embed_bias: jax.Array  # (d_model,)
    positions: jax.Array  # (max_len, d_model), or (0, d_model) when there is no positional encoding
    blocks: tuple[dict[str, jax.Array], ...]
    out_norm: jax.Array  # (2, d_model): scale and shift of the final layer norm
    readout: jax.Array  # (d_model, d_out)
    readout_bias: jax.Array  # (d_out,)
    heads: jax.Array  # (num_heads,) zeros; only its shape is used


def causal_mask(length: int) -> jax.Array:
    """Boolean ``(length, length)`` mask with ``[i, j] = j <= i`` (each position sees itself and the past)."""
    length = check_int("length", length, min_value=1)
    return jnp.tril(jnp.ones((length, length), dtype=bool))


def full_mask(length: int) -> jax.Array:
    """Boolean ``(length, length)`` mask of ones: every position attends to every position."""
    length = check_int("length", length, min_value=1)
    return jnp.ones((length, length), dtype=bool)


def context_query_mask(num_context: int, num_query: int) -> jax.Array:
    """The PFN mask over ``num_context`` context positions followed by ``num_query`` queries.

    Context positions attend to all context positions; a query attends to every context position and to itself,
    never to another query. With ``num_context = 0`` each query sees only itself (the prior predictive).
    """
    num_context = check_int("num_context", num_context, min_value=0)
    num_query = check_int("num_query", num_query, min_value=0)
    n = num_context + num_query
    if n == 0:
        raise ValueError("num_context + num_query must be >= 1, got 0 + 0")
    is_context = jnp.arange(n) < num_context
    return is_context[None, :] | jnp.eye(n, dtype=bool)


def _layer_norm(x: jax.Array, scale_shift: jax.Array) -> jax.Array:
    mean = x.mean(-1, keepdims=True)
    var = x.var(-1, keepdims=True)
    return (x - mean) * jax.lax.rsqrt(var + 1e-5) * (1.0 + scale_shift[0]) + scale_shift[1]


def attention(q: jax.Array, k: jax.Array, v: jax.Array, mask: jax.Array) -> jax.Array:
    """Scaled dot-product attention, ``softmax(q kᵀ / √d + log mask) v``, per head.

    Args:
        q, k, v: ``(H, L, d)`` queries, keys and values for ``H`` heads.
        mask: boolean ``(L, L)``; ``mask[i, j]`` allows query ``i`` to read key ``j``. Every row needs at least one
            ``True`` (a row of ``False`` would average nothing).

    Returns:
        ``(H, L, d)`` attended values.
    """
    check_ndim("q", q, 3)
    check_same_shape("q", q, "k", k)
    check_same_shape("q", q, "v", v)
    length = q.shape[1]
    check_shape("mask", mask, (length, length), what="(L, L) with L the sequence length of q")
    logits = jnp.einsum("hid,hjd->hij", q, k) / math.sqrt(q.shape[-1])
    logits = jnp.where(mask[None], logits, _NEG)
    return jnp.einsum("hij,hjd->hid", jax.nn.softmax(logits, axis=-1), v)


def init_transformer(
    key: jax.Array,
    *,
    d_in: int | None = None,
    vocab_size: int | None = None,
    d_model: int = 64,
    num_heads: int = 4,
    num_layers: int = 2,
    d_ff: int | None = None,
    d_out: int = 1,
    max_len: int | None = None,
) -> TransformerParams:
    """Random weights for :func:`transformer` (scaled Gaussian initialisation, residual branches down-weighted).

    Give exactly one of ``d_in`` (vector inputs, a linear embedding) or ``vocab_size`` (integer tokens, an
    embedding table). ``max_len`` adds learned positional embeddings (language models); leave it ``None`` for a
    set model. ``d_ff`` defaults to ``4 * d_model``.
    """
    if (d_in is None) == (vocab_size is None):
        raise ValueError(f"give exactly one of d_in (vector inputs) or vocab_size (tokens), got {d_in=}, {vocab_size=}")
    d_model = check_int("d_model", d_model, min_value=1)
    num_heads = check_int("num_heads", num_heads, min_value=1)
    if d_model % num_heads:
        raise ValueError(f"d_model must be a multiple of num_heads, got d_model={d_model}, num_heads={num_heads}")
    num_layers = check_int("num_layers", num_layers, min_value=0)
    d_ff = 4 * d_model if d_ff is None else check_int("d_ff", d_ff, min_value=1)
    d_out = check_int("d_out", d_out, min_value=1)
    n_in = (
        check_int("d_in", d_in, min_value=1) if d_in is not None else check_int("vocab_size", vocab_size, min_value=2)
    )
    n_pos = 0 if max_len is None else check_int("max_len", max_len, min_value=1)
    keys = jax.random.split(key, 3 + num_layers)
    normal = jax.random.normal
    embed_scale = 1.0 if vocab_size is not None else 1.0 / math.sqrt(n_in)
    resid = 1.0 / math.sqrt(2.0 * max(num_layers, 1))
    blocks = []
    for layer in range(num_layers):
        kq, kk, kv, ko, k1, k2 = jax.random.split(keys[3 + layer], 6)
        w = 1.0 / math.sqrt(d_model)
        blocks.append(
            {
                "norm1": jnp.zeros((2, d_model)),
                "wq": normal(kq, (d_model, d_model)) * w,
                "wk": normal(kk, (d_model, d_model)) * w,
                "wv": normal(kv, (d_model, d_model)) * w,
                "wo": normal(ko, (d_model, d_model)) * w * resid,
                "norm2": jnp.zeros((2, d_model)),
                "w1": normal(k1, (d_model, d_ff)) * w,
                "b1": jnp.zeros(d_ff),
                "w2": normal(k2, (d_ff, d_model)) * resid / math.sqrt(d_ff),
                "b2": jnp.zeros(d_model),
            }
        )
    return TransformerParams(
        embed=normal(keys[0], (n_in, d_model)) * embed_scale,
        embed_bias=jnp.zeros(d_model),
        positions=normal(keys[1], (n_pos, d_model)) * 0.02,
        blocks=tuple(blocks),
        out_norm=jnp.zeros((2, d_model)),
        readout=normal(keys[2], (d_model, d_out)) / math.sqrt(d_model),
        readout_bias=jnp.zeros(d_out),
        heads=jnp.zeros(num_heads),
    )


def _block(block: dict[str, jax.Array], h: jax.Array, mask: jax.Array, num_heads: int) -> jax.Array:
    length, d_model = h.shape
    x = _layer_norm(h, block["norm1"])

    def split(w: jax.Array) -> jax.Array:
        return (x @ w).reshape(length, num_heads, d_model // num_heads).transpose(1, 0, 2)

    att = attention(split(block["wq"]), split(block["wk"]), split(block["wv"]), mask)
    h = h + att.transpose(1, 0, 2).reshape(length, d_model) @ block["wo"]
    x = _layer_norm(h, block["norm2"])
    return h + jax.nn.gelu(x @ block["w1"] + block["b1"]) @ block["w2"] + block["b2"]


def hidden_states(params: TransformerParams, inputs: jax.Array, mask: jax.Array) -> jax.Array:
    """The residual stream after the embedding (layer 0) and after each block, for one sequence.

    Args:
        params: from :func:`init_transformer`.
        inputs: ``(L,)`` integer tokens or ``(L, d_in)`` vectors.
        mask: boolean ``(L, L)`` attention mask.

    Returns:
        ``(num_layers + 1, L, d_model)``; the last entry, layer-normed, is ``transformer(..., features=True)``.
        Linear probes of what each layer encodes read these (notebook 33).
    """
    check_type("params", params, TransformerParams, "TransformerParams from init_transformer")
    inputs = jnp.asarray(inputs)
    if jnp.issubdtype(inputs.dtype, jnp.integer):  # tokens index the embedding table
        check_ndim("inputs", inputs, 1)
        h = params.embed[inputs] + params.embed_bias
    else:
        check_ndim("inputs", inputs, 2)
        check_shape("inputs", inputs, (None, params.embed.shape[0]), what="(L, d_in)")
        h = inputs @ params.embed + params.embed_bias
    length = h.shape[0]
    check_shape("mask", mask, (length, length), what="(L, L) with L the sequence length")
    if params.positions.shape[0]:
        if length > params.positions.shape[0]:
            raise ValueError(f"inputs has length {length}, longer than max_len={params.positions.shape[0]}")
        h = h + params.positions[:length]
    mask = jnp.asarray(mask, dtype=bool)
    num_heads = params.heads.shape[0]
    states = [h]
    for block in params.blocks:
        h = _block(block, h, mask, num_heads)
        states.append(h)
    return jnp.stack(states)


def transformer(params: TransformerParams, inputs: jax.Array, mask: jax.Array, *, features: bool = False) -> jax.Array:
    """Run the encoder on one sequence.

    Args:
        params: from :func:`init_transformer`.
        inputs: ``(L,)`` integer tokens (token model) or ``(L, d_in)`` vectors (vector model).
        mask: boolean ``(L, L)`` attention mask (see :func:`causal_mask`, :func:`full_mask`,
            :func:`context_query_mask`).
        features: return the final normalised hidden states ``(L, d_model)`` instead of the readout.

    Returns:
        ``(L, d_out)`` outputs (logits for a token model), or ``(L, d_model)`` features.
    """
    h = _layer_norm(hidden_states(params, inputs, mask)[-1], params.out_norm)
    return h if features else h @ params.readout + params.readout_bias
