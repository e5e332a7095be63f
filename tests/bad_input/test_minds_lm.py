"""Bad input to priorscope.minds.prior_influence (the toy language model of notebook 33) and its panel."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from priorscope.minds import prior_influence as pi
from priorscope.viz.minds_lm import make_prior_influence_panel

from ._cases import Case, ids, run

KEY = jax.random.key(0)
PRIOR = jnp.full(4, 0.25)
PARAMS = pi.nn.init_transformer(
    KEY, vocab_size=pi.vocab_size(3), d_model=8, num_heads=2, num_layers=2, d_out=pi.vocab_size(3), max_len=6
)
MODEL = pi.PriorLM(PARAMS, PRIOR, 3, np.zeros(1))
TOKS = pi.sample_task_batch(KEY, PRIOR, 3, 2)[0]

CASES = [
    Case("zipf_prior", "num_answers", lambda: pi.zipf_prior(KEY, 1, 1.0)),
    Case("zipf_prior", "exponent", lambda: pi.zipf_prior(KEY, 4, -1.0)),
    Case("answer_log_prior", "answers", lambda: pi.answer_log_prior(PRIOR, jnp.array([0.5]))),
    Case("sample_task_batch", "num_items", lambda: pi.sample_task_batch(KEY, PRIOR, 0, 2)),
    Case("sample_task_batch", "batch", lambda: pi.sample_task_batch(KEY, PRIOR, 3, 0)),
    Case("sample_task_batch", "prompt", lambda: pi.sample_task_batch(KEY, PRIOR, 3, 2, prompt="bos")),
    Case("stratified_split", "prior", lambda: pi.stratified_split(np.ones((2, 2)))),
    Case("train_prior_lm", "prior", lambda: pi.train_prior_lm(KEY, jnp.ones(3) / 3, num_items=3, num_steps=1)),
    Case("train_prior_lm", "p_text", lambda: pi.train_prior_lm(KEY, PRIOR, num_items=3, num_steps=1, p_text=1.5)),
    Case("train_prior_lm", "num_steps", lambda: pi.train_prior_lm(KEY, PRIOR, num_items=3, num_steps=0)),
    Case("answer_logits", "tokens", lambda: pi.answer_logits(PARAMS, TOKS[:, :-1], 3)),
    Case("count_accuracy", "model", lambda: pi.count_accuracy(KEY, PARAMS, 2)),
    Case("count_accuracy", "num_per_answer", lambda: pi.count_accuracy(KEY, MODEL, 0)),
    Case("count_accuracy", "correction", lambda: pi.count_accuracy(KEY, MODEL, 2, correction=float("nan"))),
    Case("hidden_states", "params", lambda: pi.hidden_states({"w": 1}, TOKS[0])),
    Case("ridge_r2", "ridge", lambda: pi.ridge_r2(np.ones((4, 2)), np.ones(4), np.ones((4, 2)), np.ones(4), -1.0)),
    Case("layer_probe_r2", "num_examples", lambda: pi.layer_probe_r2(KEY, MODEL, 2)),
    Case("layer_probe_r2", "model", lambda: pi.layer_probe_r2(KEY, PARAMS, 20)),
    Case("finetune_layer", "layer", lambda: pi.finetune_layer(KEY, MODEL, 3, [0, 1])),
    Case("finetune_layer", "answers", lambda: pi.finetune_layer(KEY, MODEL, 1, [0, 7])),
    Case("save_prior_lms", "models", lambda: pi.save_prior_lms("/tmp/never.npz", [])),
    Case("load_prior_lms", "finetuned", lambda: pi.load_prior_lms(finetuned="yes")),
    Case("default_checkpoint", "finetuned", lambda: pi.default_checkpoint(finetuned=1)),
    Case("token_string", "tokens", lambda: pi.token_string(np.array([0.5]))),
    Case("make_prior_influence_panel", "models", lambda: make_prior_influence_panel([])),
]

EXEMPT = {
    "PriorLM": "a container of a trained model, built by train_prior_lm or load_prior_lms",
    "TOKENS": "a constant table of token ids",
}


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_bad_input(case):
    run(case)
