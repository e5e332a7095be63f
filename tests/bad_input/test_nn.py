"""Bad input to priorscope.nn (masks, the transformer, the training loop)."""

import jax
import jax.numpy as jnp
import pytest

from priorscope import nn

from ._cases import Case, ids, run

KEY = jax.random.key(0)
VEC = nn.init_transformer(KEY, d_in=2, d_model=8, num_heads=2, num_layers=1)
TOK = nn.init_transformer(KEY, vocab_size=4, d_model=8, num_heads=2, num_layers=1, max_len=3)
Q = jnp.ones((2, 3, 4))


def _loss(p, key):
    return jnp.sum(p**2)


CASES = [
    Case("causal_mask", "length", lambda: nn.causal_mask(0)),
    Case("full_mask", "length", lambda: nn.full_mask(2.0)),
    Case("context_query_mask", "num_context", lambda: nn.context_query_mask(-1, 2)),
    Case("context_query_mask", "num_query", lambda: nn.context_query_mask(2, -1)),
    Case("init_transformer", "d_model", lambda: nn.init_transformer(KEY, d_in=2, d_model=0)),
    Case("init_transformer", "num_heads", lambda: nn.init_transformer(KEY, d_in=2, d_model=8, num_heads=3)),
    Case("init_transformer", "vocab_size", lambda: nn.init_transformer(KEY, vocab_size=1)),
    Case("init_transformer", "d_in", lambda: nn.init_transformer(KEY)),
    Case("transformer", "params", lambda: nn.transformer({"w": 1}, jnp.ones((3, 2)), nn.full_mask(3))),
    Case("transformer", "inputs", lambda: nn.transformer(VEC, jnp.ones((3, 5)), nn.full_mask(3))),
    Case("transformer", "mask", lambda: nn.transformer(VEC, jnp.ones((3, 2)), nn.full_mask(4))),
    Case("transformer", "max_len", lambda: nn.transformer(TOK, jnp.array([0, 1, 2, 3]), nn.causal_mask(4))),
    Case("hidden_states", "inputs", lambda: nn.hidden_states(VEC, jnp.ones((3,)), nn.full_mask(3))),
    Case("attention", "mask", lambda: nn.attention(Q, Q, Q, nn.full_mask(2))),
    Case("fit", "num_steps", lambda: nn.fit(KEY, jnp.ones(2), _loss, num_steps=0)),
    Case("fit", "learning_rate", lambda: nn.fit(KEY, jnp.ones(2), _loss, num_steps=2, learning_rate=-1.0)),
    Case("fit", "weight_decay", lambda: nn.fit(KEY, jnp.ones(2), _loss, num_steps=2, weight_decay=-1.0)),
]

EXEMPT = {
    "TrainState": "a state container built by train_init",
    "TransformerParams": "a weights container built by init_transformer",
    "train_init": "takes any pytree and an optax optimizer, nothing to range-check",
    "train_step": "the inner step of fit, which checks its arguments",
}


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_bad_input(case):
    run(case)
