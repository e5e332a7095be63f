r"""Prior-fitted networks (PFNs): a set transformer trained on prior samples to output the posterior predictive.

A dataset of ``T`` points is split at a random position ``n``: the first ``n`` are the context ``D``, the rest are
queries. Context tokens embed ``(x, y, 1)``, query tokens ``(x, 0, 0)`` (the last feature tells them apart; this is
the paper's ``W_x x + W_y y`` embedding with a learned flag). No positional encodings; the mask
(:func:`priorscope.nn.context_query_mask`) lets context attend to context and each query to the context and
itself only, so predictions are permutation-invariant over context points and independent across queries. The
output is a bar distribution (:mod:`priorscope.amortized.bar`) over ``y``. The loss,

.. math:: ℓ(θ) = \mathbb{E}_{D,(x,y) \sim p}\,[−\log q_θ(y \mid x, D)] = \mathbb{E}\,\mathrm{KL}(p(\cdot\mid x,D)
    \,\|\, q_θ) + \text{const},

is minimised by the exact posterior predictive, which is why training on prior samples alone does Bayesian
inference.

Reference: Müller, Hollmann, Pineda, Grabocka, Hutter (2022), "Transformers Can Do Bayesian Inference", ICLR.
"""

from __future__ import annotations

from collections.abc import Callable

import jax
import jax.numpy as jnp

from priorscope import nn
from priorscope._checks import check_int, check_ndim, check_same_shape, check_type, is_concrete
from priorscope.amortized.bar import bar_log_prob

__all__ = ["init_pfn", "make_pfn_loss", "pfn_logits", "pfn_nll"]


def init_pfn(
    key: jax.Array,
    *,
    num_buckets: int = 100,
    d_model: int = 64,
    num_heads: int = 4,
    num_layers: int = 2,
    d_ff: int | None = None,
) -> nn.TransformerParams:
    """Weights of a 1-D-input PFN with ``num_buckets`` bar-distribution logits per query."""
    num_buckets = check_int("num_buckets", num_buckets, min_value=3)
    return nn.init_transformer(
        key, d_in=3, d_model=d_model, num_heads=num_heads, num_layers=num_layers, d_ff=d_ff, d_out=num_buckets
    )


def _check_num_context(name, value, upper):
    """``value`` itself when traced; a concrete value must be an int in ``[0, upper]``."""
    if not is_concrete(value):
        return value
    return check_int(name, value, min_value=0, max_value=upper)


def _tokens(x, y, num_context):
    is_ctx = (jnp.arange(x.shape[0]) < num_context).astype(x.dtype)
    return jnp.stack([x, y * is_ctx, is_ctx], axis=-1), is_ctx.astype(bool)


def _forward(params, x, y, num_context):
    tokens, is_ctx = _tokens(x, y, num_context)
    mask = is_ctx[None, :] | jnp.eye(x.shape[0], dtype=bool)  # nn.context_query_mask with a traced split
    return nn.transformer(params, tokens, mask)


def pfn_logits(params, x_ctx, y_ctx, x_qry, num_context=None) -> jax.Array:
    """Bar-distribution logits ``(Q, K)`` for queries ``x_qry (Q,)`` given the context ``(x_ctx, y_ctx)`` ``(n,)``.

    ``num_context`` (may be traced, e.g. a slider) keeps only the first ``num_context`` context points; the others
    are then ignored exactly (they become masked-out positions), which lets one compiled function serve every
    context size.
    """
    check_type("params", params, nn.TransformerParams, "TransformerParams from init_pfn")
    x_ctx, y_ctx, x_qry = (jnp.asarray(a, float) for a in (x_ctx, y_ctx, x_qry))
    check_ndim("x_ctx", x_ctx, 1)
    check_same_shape("x_ctx", x_ctx, "y_ctx", y_ctx)
    check_ndim("x_qry", x_qry, 1)
    n = x_ctx.shape[0]
    if num_context is None:
        x = jnp.concatenate([x_ctx, x_qry])
        y = jnp.concatenate([y_ctx, jnp.zeros_like(x_qry)])
        return _forward(params, x, y, n)[n:]
    num_context = _check_num_context("num_context", num_context, n)
    # put the queries first among the non-context positions: context = the first num_context of x_ctx
    x = jnp.concatenate([x_ctx, x_qry])
    y = jnp.concatenate([y_ctx, jnp.zeros_like(x_qry)])
    is_ctx = jnp.arange(x.shape[0]) < num_context
    tokens = jnp.stack([x, y * is_ctx, is_ctx.astype(x.dtype)], axis=-1)
    mask = is_ctx[None, :] | jnp.eye(x.shape[0], dtype=bool)
    return nn.transformer(params, tokens, mask)[n:]


def pfn_nll(params, borders, x_ctx, y_ctx, x_qry, y_qry) -> jax.Array:
    """Per-query negative log predictive density ``−log q(y_q | x_q, D)``, shape ``(Q,)``."""
    y_qry = jnp.asarray(y_qry, float)
    check_same_shape("x_qry", jnp.asarray(x_qry), "y_qry", y_qry)
    return -bar_log_prob(pfn_logits(params, x_ctx, y_ctx, x_qry), borders, y_qry)


def make_pfn_loss(
    sample_batch: Callable[[jax.Array], tuple[jax.Array, jax.Array]],
    borders,
    *,
    min_context: int = 0,
    max_context: int,
) -> Callable[[nn.TransformerParams, jax.Array], jax.Array]:
    """``loss_fn(params, key)`` for :func:`priorscope.nn.fit`: the prior-data NLL on a fresh batch.

    ``sample_batch(key) -> (x, y)`` draws ``(B, T)`` datasets from the prior; the split ``n ~ U{min_context …
    max_context}`` is drawn once per batch (as in the paper); the loss averages ``−log q`` over all queries.
    """
    min_context = check_int("min_context", min_context, min_value=0)
    max_context = check_int("max_context", max_context, min_value=min_context)
    borders = jnp.asarray(borders)

    def loss_fn(params, key):
        kb, kn = jax.random.split(key)
        x, y = sample_batch(kb)
        if max_context >= x.shape[1]:
            raise ValueError(f"max_context must be < the number of points per dataset {x.shape[1]}, got {max_context}")
        n = jax.random.randint(kn, (), min_context, max_context + 1)
        logits = jax.vmap(lambda xi, yi: _forward(params, xi, yi, n))(x, y)
        nll = -bar_log_prob(logits, borders, y)
        is_qry = jnp.arange(x.shape[1]) >= n
        return jnp.sum(nll * is_qry) / (x.shape[0] * jnp.sum(is_qry))

    return loss_fn
