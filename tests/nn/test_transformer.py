"""The tiny transformer: mask semantics, equivariance, causality, and a loss that falls."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from priorscope import nn


def _vector_model(key, d_in=3, **kw):
    return nn.init_transformer(key, d_in=d_in, d_model=16, num_heads=2, num_layers=2, d_out=2, **kw)


def test_masks():
    np.testing.assert_array_equal(nn.causal_mask(3), np.tril(np.ones((3, 3), bool)))
    assert bool(nn.full_mask(4).all())
    m = np.asarray(nn.context_query_mask(2, 3))
    expected = np.array(
        [
            [1, 1, 0, 0, 0],
            [1, 1, 0, 0, 0],
            [1, 1, 1, 0, 0],
            [1, 1, 0, 1, 0],
            [1, 1, 0, 0, 1],
        ],
        bool,
    )
    np.testing.assert_array_equal(m, expected)


def test_attention_matches_a_loop_over_heads_and_rows():
    kq, kk, kv = jax.random.split(jax.random.key(0), 3)
    q, k, v = (jax.random.normal(x, (2, 4, 3)) for x in (kq, kk, kv))
    mask = nn.causal_mask(4)
    out = np.asarray(nn.attention(q, k, v, mask))
    for h in range(2):
        for i in range(4):
            logits = np.asarray(q[h, i] @ k[h, : i + 1].T) / np.sqrt(3)
            w = np.exp(logits - logits.max())
            w /= w.sum()
            np.testing.assert_allclose(out[h, i], w @ np.asarray(v[h, : i + 1]), rtol=1e-5, atol=1e-6)


def test_a_query_never_sees_another_query():
    params = _vector_model(jax.random.key(1))
    x = jax.random.normal(jax.random.key(2), (7, 3))
    mask = nn.context_query_mask(4, 3)
    out = nn.transformer(params, x, mask)
    x2 = x.at[5:].set(100.0 * jax.random.normal(jax.random.key(3), (2, 3)))  # change the other queries
    out2 = nn.transformer(params, x2, mask)
    np.testing.assert_allclose(out[:5], out2[:5], rtol=1e-5, atol=1e-5)  # context and query 4 unchanged
    assert not np.allclose(out[5:], out2[5:])


def test_permutation_equivariance_over_context_without_positions():
    params = _vector_model(jax.random.key(4))
    x = jax.random.normal(jax.random.key(5), (6, 3))
    mask = nn.context_query_mask(4, 2)
    perm = jnp.array([2, 0, 3, 1, 4, 5])
    out = nn.transformer(params, x, mask)
    out_perm = nn.transformer(params, x[perm], mask)
    np.testing.assert_allclose(out_perm, out[perm], rtol=1e-5, atol=1e-5)


def test_causal_token_model_ignores_the_future():
    params = nn.init_transformer(jax.random.key(6), vocab_size=5, d_model=8, num_heads=2, num_layers=2, max_len=6)
    a = jnp.array([1, 2, 3, 4, 0, 1])
    b = a.at[4:].set(jnp.array([3, 3]))
    mask = nn.causal_mask(6)
    np.testing.assert_allclose(nn.transformer(params, a, mask)[:4], nn.transformer(params, b, mask)[:4], atol=1e-5)


def test_fit_lowers_the_loss_and_is_reproducible():
    params = _vector_model(jax.random.key(7), d_in=1)
    mask = nn.full_mask(8)

    def loss_fn(p, key):  # learn y = 2x on random sets
        x = jax.random.normal(key, (4, 8, 1))
        pred = jax.vmap(lambda xi: nn.transformer(p, xi, mask))(x)[..., :1]
        return jnp.mean((pred - 2.0 * x) ** 2)

    trained, losses = nn.fit(jax.random.key(8), params, loss_fn, num_steps=150, learning_rate=3e-3, chunk=64)
    assert losses.shape == (150,)
    assert losses[-20:].mean() < 0.2 * losses[:5].mean()
    _, again = nn.fit(jax.random.key(8), params, loss_fn, num_steps=150, learning_rate=3e-3, chunk=50)
    np.testing.assert_allclose(again, losses, rtol=1e-4)


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: nn.causal_mask(0), "length must be"),
        (lambda: nn.context_query_mask(0, 0), "num_context \\+ num_query"),
        (lambda: nn.init_transformer(jax.random.key(0), d_in=2, vocab_size=3), "exactly one of d_in"),
        (lambda: nn.init_transformer(jax.random.key(0), d_in=2, d_model=6, num_heads=4), "multiple of num_heads"),
    ],
)
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()
