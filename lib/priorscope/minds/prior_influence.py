"""The prior an autoregressive model carries into a deterministic task, on a world small enough to train on two cores.

Zhang, Veselovsky, McCoy and Griffiths (2025), *Identifying and Mitigating the Influence of the Prior Distribution in
Large Language Models* (arXiv:2504.12585), observe that on deterministic tasks (counting letters, forming acronyms)
a language model's errors follow the prior probability of the answer string, as if its output were

.. math::

    p(y \\mid x) \\;\\propto\\; p(\\text{evidence} \\mid y, x)\\, p_{\\text{prior}}(y)

("embers of autoregression"). Their three remedies are a prompt that tells the model to ignore the prior, locating
the layer whose hidden state linearly encodes :math:`\\log p_{\\text{prior}}(y)` with a ridge probe, and fine-tuning
that layer alone.

The toy world here keeps exactly those parts:

- **the task**: a prompt token, ``num_items`` tokens each ``a`` or ``b``, an ``=`` token, and the answer: the
  number of ``a`` tokens, one of ``num_items + 1`` answer tokens. The answer is a deterministic function of the input.
- **the prior**: a Zipf law :math:`p_{\\text{prior}}(y) \\propto r(y)^{-s}` over the answer tokens, where :math:`r` is
  a random ranking of the answers (so the prior is not the count's size). Training counts are drawn from this prior,
  and "free text" sequences (prompt ``TEXT`` followed by answer tokens drawn i.i.d. from the prior) teach it directly.
- **the control token**: a share of task sequences start with ``CTRL`` instead of ``BOS`` and have uniform counts,
  the toy analogue of the "do not rely on the prior" prompt.

Everything here is a pure function of explicit PRNG keys. The tiny causal transformer is :mod:`priorscope.nn`.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from priorscope import nn
from priorscope._checks import (
    check_bool,
    check_choice,
    check_finite,
    check_float,
    check_int,
    check_nonnegative,
    check_probability,
    check_type,
)

__all__ = [
    "PriorLM",
    "TOKENS",
    "answer_log_prior",
    "count_accuracy",
    "default_checkpoint",
    "finetune_layer",
    "hidden_states",
    "layer_probe_r2",
    "load_prior_lms",
    "answer_logits",
    "ridge_r2",
    "sample_task_batch",
    "save_prior_lms",
    "stratified_split",
    "token_string",
    "train_prior_lm",
    "zipf_prior",
]

#: Special token ids; answer ``k`` (``k`` items ``a``) is token ``ANSWER0 + k``.
TOKENS = {"a": 0, "b": 1, "=": 2, "BOS": 3, "CTRL": 4, "TEXT": 5, "ANSWER0": 6}
_A, _B, _EQ, _BOS, _CTRL, _TEXT, _ANS0 = (TOKENS[k] for k in ("a", "b", "=", "BOS", "CTRL", "TEXT", "ANSWER0"))


class PriorLM(NamedTuple):
    """A trained toy language model and the world it was trained in."""

    params: nn.TransformerParams
    prior: jax.Array  # (num_items + 1,) the answer prior p_prior(y)
    num_items: int
    losses: np.ndarray  # (num_steps,) training curve


def vocab_size(num_items: int) -> int:
    """Number of tokens: six specials plus ``num_items + 1`` answers."""
    return _ANS0 + num_items + 1


def zipf_prior(key: jax.Array, num_answers: int, exponent: float) -> jax.Array:
    """A Zipf prior over ``num_answers`` answers in a random rank order.

    .. math:: p(y) = r(y)^{-s} / \\sum_{k=1}^{K} k^{-s}

    with :math:`r` a uniformly random permutation of ``1..K`` drawn from ``key`` and :math:`s` = ``exponent``.

    Returns:
        ``(num_answers,)`` probabilities summing to one.
    """
    num_answers = check_int("num_answers", num_answers, min_value=2)
    exponent = check_nonnegative("exponent", check_float("exponent", exponent))
    ranks = jax.random.permutation(key, num_answers) + 1.0
    w = ranks ** (-exponent)
    return w / w.sum()


def answer_log_prior(prior: jax.Array, answers: jax.Array) -> jax.Array:
    """``log p_prior(y)`` of each answer (count) in ``answers`` (integers)."""
    answers = jnp.asarray(answers)
    if not jnp.issubdtype(answers.dtype, jnp.integer):
        raise TypeError(f"answers must be integer counts, got dtype {answers.dtype}")
    return jnp.log(jnp.asarray(prior))[answers]


def stratified_split(prior: jax.Array) -> tuple[np.ndarray, np.ndarray]:
    """Split the answers into a fine-tuning set A and a held-out set B, stratified by prior rank.

    Answers sorted by prior probability alternate A, B, A, B, ... so both sets span high- and low-prior answers.

    Returns:
        ``(set_a, set_b)``, sorted integer arrays of counts.
    """
    p = np.asarray(prior, float)
    if p.ndim != 1 or p.size < 2:
        raise ValueError(f"prior must be a 1-D law over >= 2 answers, got shape {p.shape}")
    order = np.argsort(-p, kind="stable")
    return np.sort(order[0::2]), np.sort(order[1::2])


def sample_task_batch(
    key: jax.Array,
    answer_probs: jax.Array,
    num_items: int,
    batch: int,
    *,
    prompt: str = "BOS",
) -> tuple[jax.Array, jax.Array]:
    """Task sequences ``[prompt, x_1..x_n, =, answer]`` whose counts are drawn from ``answer_probs``.

    Args:
        key: PRNG key.
        answer_probs: ``(num_items + 1,)`` law of the count (the prior, uniform, or uniform on a subset).
        num_items: ``n``, the number of ``a``/``b`` tokens.
        batch: number of sequences.
        prompt: ``"BOS"`` (plain prompt) or ``"CTRL"`` (the "ignore the prior" control token).

    Returns:
        ``tokens`` ``(batch, n + 3)`` and ``counts`` ``(batch,)``.
    """
    num_items = check_int("num_items", num_items, min_value=1)
    batch = check_int("batch", batch, min_value=1)
    prompt = check_choice("prompt", prompt, ("BOS", "CTRL"))
    return _task_batch(key, jnp.asarray(answer_probs), num_items, batch, TOKENS[prompt])


def token_string(tokens: jax.Array) -> str:
    """A readable rendering of one sequence, e.g. ``"BOS a b a = <2>"`` (answers in angle brackets)."""
    names = {v: k for k, v in TOKENS.items() if k != "ANSWER0"}
    if not np.issubdtype(np.asarray(tokens).dtype, np.integer):
        raise TypeError(f"tokens must be integer token ids, got dtype {np.asarray(tokens).dtype}")
    return " ".join(names.get(int(t), f"<{int(t) - _ANS0}>") for t in np.asarray(tokens).ravel())


def _task_batch(key, probs, num_items, batch, prompt_token):
    kc, kp = jax.random.split(key)
    counts = jax.random.choice(kc, num_items + 1, (batch,), p=probs)
    # place `count` a-tokens at random positions: rank of a uniform score below the count
    scores = jax.random.uniform(kp, (batch, num_items))
    order = jnp.argsort(jnp.argsort(scores, axis=1), axis=1)
    items = jnp.where(order < counts[:, None], _A, _B)
    prompt = jnp.broadcast_to(jnp.asarray(prompt_token), (batch,))
    tokens = jnp.concatenate(
        [prompt[:, None], items, jnp.full((batch, 1), _EQ), (_ANS0 + counts)[:, None]], axis=1
    ).astype(jnp.int32)
    return tokens, counts


def _text_batch(key, prior, num_items, batch):
    z = jax.random.choice(key, prior.shape[0], (batch, num_items + 2), p=prior)
    return jnp.concatenate([jnp.full((batch, 1), _TEXT), _ANS0 + z], axis=1).astype(jnp.int32)


def _logits(params, tokens):
    mask = nn.causal_mask(tokens.shape[1])
    return jax.vmap(lambda t: nn.transformer(params, t, mask))(tokens)


def _mixed_loss(params, key, prior, num_items, batch, p_text, p_ctrl):
    """Cross-entropy on the answer token of task sequences and on every next token of text sequences."""
    kt, kc, kx, km, kq = jax.random.split(key, 5)
    uniform = jnp.full(num_items + 1, 1.0 / (num_items + 1))
    plain, _ = _task_batch(kt, prior, num_items, batch, _BOS)
    ctrl, _ = _task_batch(kc, uniform, num_items, batch, _CTRL)
    text = _text_batch(kx, prior, num_items, batch)
    is_ctrl = jax.random.uniform(kq, (batch, 1)) < p_ctrl
    task = jnp.where(is_ctrl, ctrl, plain)
    is_text = jax.random.uniform(km, (batch, 1)) < p_text
    tokens = jnp.where(is_text, text, task)
    logp = jax.nn.log_softmax(_logits(params, tokens[:, :-1]), axis=-1)
    nll = -jnp.take_along_axis(logp, tokens[:, 1:, None], axis=-1)[..., 0]  # (batch, n + 2)
    answer_only = jnp.zeros(num_items + 2).at[-1].set(1.0)
    weights = jnp.where(is_text, 1.0, answer_only[None, :])
    return jnp.sum(nll * weights) / jnp.sum(weights)


def train_prior_lm(
    key: jax.Array,
    prior: jax.Array,
    *,
    num_items: int = 12,
    num_steps: int = 1500,
    batch: int = 64,
    d_model: int = 32,
    num_heads: int = 4,
    num_layers: int = 3,
    p_text: float = 0.3,
    p_ctrl: float = 0.2,
    learning_rate: float = 3e-3,
) -> PriorLM:
    """Train the toy causal language model on the mixture of task, control and free-text sequences.

    Args:
        key: PRNG key (initialisation and batches).
        prior: ``(num_items + 1,)`` answer prior (:func:`zipf_prior`).
        num_items, num_steps, batch, d_model, num_heads, num_layers: sizes.
        p_text: share of free-text sequences (answers i.i.d. from the prior).
        p_ctrl: share of task sequences with the ``CTRL`` prompt and uniform counts.
        learning_rate: AdamW peak learning rate.

    Returns:
        A :class:`PriorLM` with the training curve.
    """
    num_items = check_int("num_items", num_items, min_value=1)
    batch = check_int("batch", batch, min_value=1)
    p_text = check_probability("p_text", p_text)
    p_ctrl = check_probability("p_ctrl", p_ctrl)
    prior = jnp.asarray(prior)
    if prior.shape != (num_items + 1,):
        raise ValueError(f"prior must have shape ({num_items + 1},) = (num_items + 1,), got {prior.shape}")
    k_init, k_fit = jax.random.split(key)
    params = nn.init_transformer(
        k_init,
        vocab_size=vocab_size(num_items),
        d_model=d_model,
        num_heads=num_heads,
        num_layers=num_layers,
        d_out=vocab_size(num_items),
        max_len=num_items + 3,
    )

    def loss_fn(p, k):
        return _mixed_loss(p, k, prior, num_items, batch, p_text, p_ctrl)

    params, losses = nn.fit(
        k_fit, params, loss_fn, num_steps=num_steps, learning_rate=learning_rate, desc="toy LM", chunk=250
    )
    return PriorLM(params, prior, num_items, losses)


def answer_logits(params: nn.TransformerParams, tokens: jax.Array, num_items: int) -> jax.Array:
    """The model's logits over the ``num_items + 1`` answer tokens at the ``=`` position.

    Args:
        params: trained weights.
        tokens: ``(batch, num_items + 3)`` task sequences (the last token, the true answer, is not read).

    Returns:
        ``(batch, num_items + 1)`` logits.
    """
    num_items = check_int("num_items", num_items, min_value=1)
    tokens = jnp.asarray(tokens)
    if tokens.ndim != 2 or tokens.shape[1] != num_items + 3:
        raise ValueError(
            f"tokens must have shape (batch, num_items + 3) = (batch, {num_items + 3}), got {tokens.shape}"
        )
    return _logits(params, tokens[:, :-1])[:, -1, _ANS0 : _ANS0 + num_items + 1]


@partial(jax.jit, static_argnums=(3, 4, 5))
def _accuracy(key, params, prior, num_items, num_per_answer, prompt_token, correction):
    k = num_items + 1
    keys = jax.random.split(key, k)
    log_prior = jnp.log(prior)

    def one(kk, c):
        toks, _ = _task_batch(kk, jax.nn.one_hot(c, k), num_items, num_per_answer, prompt_token)
        logits = _logits(params, toks[:, :-1])[:, -1, _ANS0 : _ANS0 + k] - correction * log_prior
        return jnp.mean(jnp.argmax(logits, axis=-1) == c), jnp.mean(jax.nn.softmax(logits, axis=-1), axis=0)

    return jax.vmap(one)(keys, jnp.arange(k))


def count_accuracy(
    key: jax.Array, model: PriorLM, num_per_answer: int, *, prompt: str = "BOS", correction: float = 0.0
) -> tuple[jax.Array, jax.Array]:
    """Accuracy per true count on a balanced test set (``num_per_answer`` sequences for every count).

    The answer is the greedy choice among the answer tokens of the corrected logits
    :math:`\\ell(y) - c \\log p_{\\text{prior}}(y)`; ``correction`` :math:`c = 0` is the model as trained, and
    :math:`c = 1` divides the prior out of :math:`p(y \\mid x) \\propto p(x \\mid y) p_{\\text{prior}}(y)`
    (a decoding-time remedy, our addition; the paper's remedies are the prompt, the probe and fine-tuning).

    Args:
        key: PRNG key of the test set.
        model: a :class:`PriorLM`.
        num_per_answer: test sequences per count.
        prompt: ``"BOS"`` or ``"CTRL"``.
        correction: :math:`c` (traced; any real number).

    Returns:
        ``accuracy`` ``(num_items + 1,)`` per true count, and ``answer_probs`` ``(num_items + 1, num_items + 1)``: row
        ``c`` is the model's mean answer distribution when the true count is ``c``.
    """
    check_type("model", model, PriorLM, "a PriorLM from train_prior_lm or load_prior_lms")
    num_per_answer = check_int("num_per_answer", num_per_answer, min_value=1)
    prompt = check_choice("prompt", prompt, ("BOS", "CTRL"))
    correction = check_finite("correction", correction)
    return _accuracy(key, model.params, model.prior, model.num_items, num_per_answer, TOKENS[prompt], correction)


def hidden_states(params: nn.TransformerParams, tokens: jax.Array) -> jax.Array:
    """The residual stream of every layer for one sequence: the embedding (layer 0) and each block's output.

    Uses the blocks of :func:`priorscope.nn.transformer` itself (same weights, same order), so the last entry after
    the final layer norm equals ``transformer(params, tokens, causal_mask(L), features=True)``.

    Returns:
        ``(num_layers + 1, L, d_model)``.
    """
    tokens = jnp.asarray(tokens)
    return nn.hidden_states(params, tokens, nn.causal_mask(tokens.shape[0]))


def ridge_r2(
    features_train: jax.Array, y_train: jax.Array, features_test: jax.Array, y_test: jax.Array, ridge: float = 1e-2
) -> jax.Array:
    """Closed-form ridge regression with an intercept; the coefficient of determination on the test set.

    .. math::

        \\hat w = (X^\\top X + \\lambda I)^{-1} X^\\top (y - \\bar y), \\qquad
        R^2 = 1 - \\frac{\\sum (y - \\hat y)^2}{\\sum (y - \\bar y_{\\text{test}})^2}

    with :math:`X` the centred training features and :math:`\\lambda` = ``ridge``.
    """
    ridge = check_nonnegative("ridge", check_float("ridge", ridge))
    x = jnp.asarray(features_train, jnp.float32)
    y = jnp.asarray(y_train, jnp.float32)
    mx, my = x.mean(0), y.mean()
    xc = x - mx
    w = jnp.linalg.solve(xc.T @ xc + ridge * jnp.eye(x.shape[1]), xc.T @ (y - my))
    yt = jnp.asarray(y_test, jnp.float32)
    pred = (jnp.asarray(features_test, jnp.float32) - mx) @ w + my
    return 1.0 - jnp.sum((yt - pred) ** 2) / jnp.sum((yt - yt.mean()) ** 2)


def layer_probe_r2(
    key: jax.Array,
    model: PriorLM,
    num_examples: int,
    *,
    ridge: float = 1e-2,
    shuffle: bool = False,
) -> jax.Array:
    """Held-out R² of a ridge probe of ``log p_prior(y)`` on the hidden state at the ``=`` position, per layer.

    Test sequences have uniform counts (so the probe cannot lean on how often an answer is seen); half train the
    probe, half score it. ``shuffle=True`` permutes the labels first: the control a real probe must beat.

    Returns:
        ``(num_layers + 1,)`` R² values (layer 0 is the embedding).
    """
    check_type("model", model, PriorLM, "a PriorLM from train_prior_lm or load_prior_lms")
    num_examples = check_int("num_examples", num_examples, min_value=8)
    n = model.num_items
    kd, ks = jax.random.split(key)
    toks, counts = _task_batch(kd, jnp.full(n + 1, 1.0 / (n + 1)), n, num_examples, _BOS)
    y = answer_log_prior(model.prior, counts)
    if shuffle:
        y = jax.random.permutation(ks, y)
    h = jax.vmap(lambda t: hidden_states(model.params, t[:-1])[:, -1])(toks)  # (N, layers + 1, d)
    half = num_examples // 2
    return jnp.stack([ridge_r2(h[:half, i], y[:half], h[half:, i], y[half:], ridge) for i in range(h.shape[1])])


def finetune_layer(
    key: jax.Array,
    model: PriorLM,
    layer: int,
    answers: Sequence[int],
    *,
    num_steps: int = 300,
    batch: int = 64,
    learning_rate: float = 1e-3,
) -> PriorLM:
    """Fine-tune one transformer block (1-based ``layer``), all other weights frozen, on plain-prompt tasks whose
    counts are uniform over ``answers`` (the stratified set A; the rest is held out).

    Returns:
        The fine-tuned :class:`PriorLM` (its ``losses`` are the fine-tuning curve).
    """
    check_type("model", model, PriorLM, "a PriorLM from train_prior_lm or load_prior_lms")
    num_layers = len(model.params.blocks)
    layer = check_int("layer", layer, min_value=1, max_value=num_layers)
    n = model.num_items
    ans = np.asarray(answers, dtype=int)
    if ans.ndim != 1 or ans.size == 0 or ans.min() < 0 or ans.max() > n:
        raise ValueError(f"answers must be a non-empty list of counts in [0, {n}], got {ans.tolist()}")
    probs = jnp.zeros(n + 1).at[ans].set(1.0)
    probs = probs / probs.sum()
    base = model.params

    def with_block(block):
        blocks = tuple(block if i == layer - 1 else b for i, b in enumerate(base.blocks))
        return base._replace(blocks=blocks)

    def loss_fn(block, k):
        toks, _ = _task_batch(k, probs, n, batch, _BOS)
        logp = jax.nn.log_softmax(_logits(with_block(block), toks[:, :-1])[:, -1], axis=-1)
        return -jnp.mean(jnp.take_along_axis(logp, toks[:, -1:], axis=-1))

    block, losses = nn.fit(
        key,
        base.blocks[layer - 1],
        loss_fn,
        num_steps=num_steps,
        learning_rate=learning_rate,
        desc=f"fine-tune layer {layer}",
        chunk=100,
    )
    return PriorLM(with_block(block), model.prior, n, losses)


# --- checkpoints ------------------------------------------------------------------------------------------------------

_SIZES = ("num_items", "d_model", "num_heads", "num_layers")


def default_checkpoint(*, finetuned: bool = False) -> Path:
    """Where the shipped checkpoints live in the project checkout: ``data/minds_lm/prior_influence.npz`` (one model
    per seed) or, with ``finetuned=True``, ``prior_influence_finetuned.npz`` (per seed, each layer fine-tuned)."""
    name = "prior_influence_finetuned.npz" if check_bool("finetuned", finetuned) else "prior_influence.npz"
    return Path(__file__).resolve().parents[3] / "data" / "minds_lm" / name


def save_prior_lms(path: str | Path, models: Sequence[PriorLM], **meta: float) -> None:
    """Save several trained models of the same sizes (one per seed) to one ``.npz``."""
    if not models:
        raise ValueError("models must hold at least one PriorLM, got an empty sequence")
    first = models[0].params
    sizes = {
        "num_items": models[0].num_items,
        "d_model": first.embed.shape[1],
        "num_heads": first.heads.shape[0],
        "num_layers": len(first.blocks),
    }
    arrays: dict[str, np.ndarray] = {k: np.asarray(v) for k, v in sizes.items()}
    arrays.update({k: np.asarray(v) for k, v in meta.items()})
    for s, m in enumerate(models):
        for i, leaf in enumerate(jax.tree_util.tree_leaves(m.params)):
            arrays[f"m{s}_p{i}"] = np.asarray(leaf, np.float32)
        arrays[f"m{s}_prior"] = np.asarray(m.prior, np.float64)
        arrays[f"m{s}_losses"] = np.asarray(m.losses, np.float32)
    arrays["num_models"] = np.asarray(len(models))
    np.savez_compressed(path, **arrays)  # pyright: ignore[reportArgumentType]


def load_prior_lms(
    path: str | Path | None = None, *, finetuned: bool = False
) -> tuple[list[PriorLM], dict[str, float]]:
    """Load the models saved by :func:`save_prior_lms` (default: :func:`default_checkpoint` with ``finetuned``).

    Returns:
        ``(models, meta)`` with ``meta`` the scalars saved alongside (seed, exponent, steps, ...).
    """
    path = default_checkpoint(finetuned=finetuned) if path is None else Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no checkpoint at {path}; make it with `python tools/train_minds_lm.py`")
    with np.load(path) as z:
        data = {k: z[k] for k in z.files}
    sizes = {k: int(data[k]) for k in _SIZES}
    n = sizes["num_items"]
    template = nn.init_transformer(
        jax.random.key(0),
        vocab_size=vocab_size(n),
        d_model=sizes["d_model"],
        num_heads=sizes["num_heads"],
        num_layers=sizes["num_layers"],
        d_out=vocab_size(n),
        max_len=n + 3,
    )
    leaves, treedef = jax.tree_util.tree_flatten(template)
    models = []
    for s in range(int(data["num_models"])):
        params = jax.tree_util.tree_unflatten(treedef, [jnp.asarray(data[f"m{s}_p{i}"]) for i in range(len(leaves))])
        models.append(PriorLM(params, jnp.asarray(data[f"m{s}_prior"]), n, data[f"m{s}_losses"]))
    meta = {k: float(v) for k, v in data.items() if v.ndim == 0 and k not in (*_SIZES, "num_models")}
    return models, meta
