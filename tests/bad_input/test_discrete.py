"""Bad input to priorscope.discrete (laws, masked diffusion, confident decoding, EDLM)."""

from functools import partial

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from priorscope import discrete as D

from ._cases import Case, ids, run

KEY = jax.random.key(0)
LAW = D.markov_chain_law(jnp.asarray([0.5, 0.5]), D.sticky_transition(2, 0.8), 3)
DEN = partial(D.conditional_marginals, LAW)
AR = partial(D.log_prob, LAW)
Z = jnp.full((3,), 2)

CASES = [
    Case("all_sequences", "vocab_size", lambda: D.all_sequences(1, 3)),
    Case("all_sequences", "length", lambda: D.all_sequences(2, 0)),
    Case("all_sequences", "length", lambda: D.all_sequences(10, 9), match="vocab_size..length"),
    Case("sticky_transition", "stay", lambda: D.sticky_transition(3, 1.5)),
    Case("sticky_transition", "vocab_size", lambda: D.sticky_transition(1, 0.5)),
    Case("markov_chain_law", "initial", lambda: D.markov_chain_law(jnp.asarray([0.5, 0.6]), jnp.eye(2), 3)),
    Case("markov_chain_law", "transition", lambda: D.markov_chain_law(jnp.asarray([0.5, 0.5]), jnp.ones((2, 2)), 3)),
    Case("markov_chain_law", "length", lambda: D.markov_chain_law(jnp.asarray([0.5, 0.5]), jnp.eye(2), 0)),
    Case("table_law", "probs", lambda: D.table_law(np.zeros((2, 3), int), [0.5, -0.5], 2)),
    Case("table_law", "sequences", lambda: D.table_law(np.zeros(3, int), [1.0], 2)),
    Case("SequenceLaw", "sequences", lambda: D.SequenceLaw(jnp.full((1, 3), 5), jnp.ones(1), vocab_size=2)),
    Case("SequenceLaw", "probs", lambda: D.SequenceLaw(jnp.zeros((2, 3), int), jnp.ones(2), vocab_size=2)),
    Case("conditional_marginals", "tokens", lambda: D.conditional_marginals(LAW, jnp.zeros(4, int))),
    Case("factorised_support_mass", "tokens", lambda: D.factorised_support_mass(LAW, jnp.zeros(5, int))),
    Case("log_prob", "tokens", lambda: D.log_prob(LAW, jnp.zeros(2, int))),
    Case("support_contains", "tokens", lambda: D.support_contains(LAW, jnp.zeros((3, 1), int))),
    Case("sample_frequencies", "samples", lambda: D.sample_frequencies(LAW, jnp.zeros((4, 2), int))),
    Case("mask_id", "vocab_size", lambda: D.mask_id(1.5)),
    Case("alpha", "schedule", lambda: D.alpha(0.5, "cosin")),
    Case("remaining_masked", "num_steps", lambda: D.remaining_masked(4, 0)),
    Case("remaining_masked", "schedule", lambda: D.remaining_masked(4, 2, "loglinear")),
    Case("sample_masked_diffusion", "num_steps", lambda: D.sample_masked_diffusion(KEY, DEN, Z, 2, 0)),
    Case("sample_masked_diffusion", "vocab_size", lambda: D.sample_masked_diffusion(KEY, DEN, Z, 1, 2)),
    Case("sample_masked_diffusion", "tokens", lambda: D.sample_masked_diffusion(KEY, DEN, Z[None], 2, 2)),
    Case("masked_diffusion_loss", "schedule", lambda: D.masked_diffusion_loss(KEY, DEN, Z, 2, "cos")),
    Case("masked_diffusion_loss", "tokens", lambda: D.masked_diffusion_loss(KEY, DEN, Z[None], 2)),
    Case("exact_sampler_law", "law", lambda: D.exact_sampler_law(D.caption_world().law, 2)),
    Case("exact_sampler_law", "num_steps", lambda: D.exact_sampler_law(LAW, 0)),
    Case("exact_sampler_law", "law", lambda: D.exact_sampler_law("law", 2)),
    Case("confident_decode", "threshold", lambda: D.confident_decode(KEY, DEN, Z, 2, 3, -0.1)),
    Case("confident_decode", "confidence", lambda: D.confident_decode(KEY, DEN, Z, 2, 3, 0.9, "maxprob")),
    Case("confident_decode", "fallback", lambda: D.confident_decode(KEY, DEN, Z, 2, 3, 0.9, fallback="origin")),
    Case("confident_decode", "temperature", lambda: D.confident_decode(KEY, DEN, Z, 2, 3, 0.9, temperature=-1.0)),
    Case("confident_decode", "num_steps", lambda: D.confident_decode(KEY, DEN, Z, 2, 0, 0.9)),
    Case.jit(
        "confident_decode", "threshold", lambda: jax.jit(lambda t: D.confident_decode(KEY, DEN, Z, 2, 3, t))(jnp.nan)
    ),
    Case("confidence_scores", "confidence", lambda: D.confidence_scores(jnp.ones((3, 2)) / 2, Z * 0, "ent")),
    Case("confidence_scores", "probs", lambda: D.confidence_scores(jnp.ones(2) / 2, Z * 0)),
    Case("sample_edlm", "num_candidates", lambda: D.sample_edlm(KEY, DEN, AR, Z, 2, 2, 0)),
    Case("sample_edlm", "energy_sign", lambda: D.sample_edlm(KEY, DEN, AR, Z, 2, 2, 4, energy_sign=0)),
    Case("sample_edlm", "window_low", lambda: D.sample_edlm(KEY, DEN, AR, Z, 2, 2, 4, window_low=-0.1)),
    Case("sample_edlm", "window_high", lambda: D.sample_edlm(KEY, DEN, AR, Z, 2, 2, 4, window_high=1.5)),
    Case("sample_edlm", "temperature", lambda: D.sample_edlm(KEY, DEN, AR, Z, 2, 2, 4, temperature=0.0)),
    Case("importance_log_weights", "temperature", lambda: D.importance_log_weights(jnp.zeros(2), jnp.zeros(2), 0.0)),
    Case("importance_log_weights", "energy_sign", lambda: D.importance_log_weights(jnp.zeros(2), jnp.zeros(2), 1.0, 2)),
    Case("caption_world", "template_probs", lambda: D.caption_world((0.5, 0.5))),
    Case("caption_world", "template_probs", lambda: D.caption_world((0.5, 0.6, -0.1))),
]

EXEMPT = {
    "CAPTION_WORDS": "a constant tuple of words",
    "CONFIDENCES": "a constant tuple of names",
    "FALLBACKS": "a constant tuple of names",
    "SCHEDULES": "a constant tuple of names",
    "CaptionWorld": "a container built by caption_world",
    "DecodeResult": "an output container of confident_decode",
    "MaskedSample": "an output container of the samplers",
    "decode_words": "formats any ids, showing unknown ones as a blank",
    "edlm_energy": "a difference of two log-probabilities, any finite or infinite values are meaningful",
}


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_bad_input(case):
    run(case)
