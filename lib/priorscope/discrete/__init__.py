"""Discrete diffusion language models on worlds small enough to enumerate (notebooks 23 and 24).

- :mod:`priorscope.discrete.laws` — enumerable sequence laws (Markov chains, explicit tables) with exact joint
  probabilities and exact conditional marginals given any partial unmasking;
- :mod:`priorscope.discrete.masked_diffusion` — unmasking schedules, the MDLM loss and the ancestral sampler;
- :mod:`priorscope.discrete.decoding` — Dimple's confident (threshold) parallel decoding with its schedule fallback;
- :mod:`priorscope.discrete.edlm` — EDLM's energy-corrected step by parallel importance sampling;
- :mod:`priorscope.discrete.captions` — the toy captioning world of notebook 23.

Token ids lie in ``[0, V)``; the id ``V`` marks a masked position (:func:`mask_id`).
"""

from .captions import CAPTION_WORDS, CaptionWorld, caption_world, decode_words
from .decoding import CONFIDENCES, FALLBACKS, DecodeResult, confidence_scores, confident_decode
from .edlm import edlm_energy, importance_log_weights, sample_edlm
from .laws import (
    SequenceLaw,
    all_sequences,
    conditional_marginals,
    factorised_support_mass,
    log_prob,
    markov_chain_law,
    mask_id,
    sample_frequencies,
    sticky_transition,
    support_contains,
    table_law,
)
from .masked_diffusion import (
    SCHEDULES,
    MaskedSample,
    alpha,
    exact_sampler_law,
    masked_diffusion_loss,
    remaining_masked,
    sample_masked_diffusion,
)

__all__ = [
    "CAPTION_WORDS",
    "CONFIDENCES",
    "CaptionWorld",
    "DecodeResult",
    "FALLBACKS",
    "MaskedSample",
    "SCHEDULES",
    "SequenceLaw",
    "all_sequences",
    "alpha",
    "caption_world",
    "conditional_marginals",
    "confidence_scores",
    "confident_decode",
    "decode_words",
    "edlm_energy",
    "exact_sampler_law",
    "factorised_support_mass",
    "importance_log_weights",
    "log_prob",
    "markov_chain_law",
    "mask_id",
    "masked_diffusion_loss",
    "remaining_masked",
    "sample_edlm",
    "sample_frequencies",
    "sample_masked_diffusion",
    "sticky_transition",
    "support_contains",
    "table_law",
]
