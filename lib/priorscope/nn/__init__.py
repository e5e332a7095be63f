"""Tiny neural networks shared by the amortized-inference, discrete-diffusion and language-model notebooks.

One implementation of attention and one training loop, in plain JAX (the code is what tutorial t06 teaches):

- :mod:`priorscope.nn.transformer` — multi-head attention with an explicit boolean mask, pre-norm encoder blocks,
  token or vector inputs, optional learned positions; masks for causal language models, bidirectional (masked
  diffusion) models and prior-fitted networks (context ↔ context, query → context).
- :mod:`priorscope.nn.train` — an ``init``/``step`` training state over optax (AdamW, warm-up + cosine schedule) and
  :func:`fit`, which runs the steps in jitted chunks with a progress bar.
"""

from .train import TrainState, fit, train_init, train_step
from .transformer import (
    TransformerParams,
    attention,
    causal_mask,
    context_query_mask,
    full_mask,
    hidden_states,
    init_transformer,
    transformer,
)

__all__ = [
    "TrainState",
    "TransformerParams",
    "attention",
    "causal_mask",
    "context_query_mask",
    "fit",
    "full_mask",
    "hidden_states",
    "init_transformer",
    "train_init",
    "train_step",
    "transformer",
]
