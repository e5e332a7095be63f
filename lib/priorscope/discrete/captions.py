"""A toy "captioning" world for confident decoding (notebook 23): an enumerable law over (image, caption).

An "image" is three condition tokens (colour, shape, count). Its caption is written in one of three templates,
chosen with probabilities ``template_probs``, with a free size word (``small``/``big``, equally likely) that does
not depend on the image::

    A:  a photo of  <num> <size> <colour> <shape> .
    B:  there <is|are> <num> <size> <colour> <shape> . <end>
    C:  <num> <size> <colour> <shape> in the picture .

``<num>`` is ``a``/``two``, the shape is plural for two objects and ``is``/``are`` agrees with it. The sequence is
the 3 condition tokens followed by 8 caption tokens; every (image, template, size) has positive probability, so
the support holds 12 x 3 x 2 = 72 sequences and every conditional marginal is exact. The words of a template sit
at different positions in different templates, so before the template is decided the per-position marginals mix
templates: unmasking several uncertain positions at once can splice two templates into an invalid caption, the
failure that confident decoding avoids by waiting until a position is sure.
"""

from __future__ import annotations

import itertools
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from priorscope._checks import check_probabilities, check_shape
from priorscope.discrete.laws import SequenceLaw, table_law

__all__ = ["CAPTION_WORDS", "CaptionWorld", "caption_world", "decode_words"]

CAPTION_WORDS = (
    "<img:red>",
    "<img:green>",
    "<img:blue>",
    "<img:square>",
    "<img:circle>",
    "<img:one>",
    "<img:two>",
    "a",
    "two",
    "red",
    "green",
    "blue",
    "square",
    "squares",
    "circle",
    "circles",
    "small",
    "big",
    "photo",
    "of",
    "there",
    "is",
    "are",
    "in",
    "the",
    "picture",
    ".",
    "<end>",
)
_ID = {w: i for i, w in enumerate(CAPTION_WORDS)}
_TEMPLATES = (
    ("a", "photo", "of", "NUM", "SIZE", "COL", "SHP", "."),
    ("there", "BE", "NUM", "SIZE", "COL", "SHP", ".", "<end>"),
    ("NUM", "SIZE", "COL", "SHP", "in", "the", "picture", "."),
)
NUM_CONDITION = 3
CAPTION_LENGTH = 8


class CaptionWorld(NamedTuple):
    """The caption world.

    Attributes:
        law: the :class:`~priorscope.discrete.SequenceLaw` over 11-token sequences (3 condition + 8 caption).
        conditions: ``(12, 3)`` the condition tokens of every image.
        structure: ``(3, 8)`` the template words of each template at their positions, the mask id elsewhere (the
            "structure prior" a user can pre-fill).
        template_probs: ``(3,)``.
    """

    law: SequenceLaw
    conditions: jax.Array
    structure: jax.Array
    template_probs: jax.Array


def caption_world(template_probs: object = (0.4, 0.35, 0.25)) -> CaptionWorld:
    """Build the caption world with the given template probabilities (three positive numbers summing to one)."""
    check_shape("template_probs", template_probs, (3,))
    tp = np.asarray(check_probabilities("template_probs", np.asarray(template_probs, dtype=float)))
    if np.any(tp <= 0):
        raise ValueError(f"template_probs must all be > 0, got {tp.tolist()}")
    vocab = len(CAPTION_WORDS)
    seqs, probs, conds = [], [], []
    for colour, shape, count in itertools.product(("red", "green", "blue"), ("square", "circle"), ("one", "two")):
        cond = [_ID[f"<img:{colour}>"], _ID[f"<img:{shape}>"], _ID[f"<img:{count}>"]]
        conds.append(cond)
        fill = {
            "NUM": "a" if count == "one" else "two",
            "COL": colour,
            "SHP": shape if count == "one" else shape + "s",
            "BE": "is" if count == "one" else "are",
        }
        for t, template in enumerate(_TEMPLATES):
            for size in ("small", "big"):
                words = [size if w == "SIZE" else fill.get(w, w) for w in template]
                seqs.append(cond + [_ID[w] for w in words])
                probs.append(tp[t] * 0.5 / 12.0)
    structure = np.full((3, CAPTION_LENGTH), vocab, dtype=np.int32)
    for t, template in enumerate(_TEMPLATES):
        for i, w in enumerate(template):
            if w in _ID:
                structure[t, i] = _ID[w]
    law = table_law(np.asarray(seqs), np.asarray(probs), vocab)
    return CaptionWorld(law, jnp.asarray(conds, dtype=jnp.int32), jnp.asarray(structure), jnp.asarray(tp))


def decode_words(tokens: object) -> str:
    """The tokens of one sequence as words (``_`` for a masked position)."""
    ids = np.asarray(tokens).ravel().tolist()
    return " ".join(CAPTION_WORDS[i] if 0 <= i < len(CAPTION_WORDS) else "_" for i in ids)
