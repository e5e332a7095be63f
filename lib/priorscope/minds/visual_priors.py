"""Visual priors learned from text alone, on a toy world small enough to pre-train a grid of language models on CPU.

Han et al. (2025), *Learning to See Before Seeing: Demystifying LLM Visual Priors from Language Pre-training*
(arXiv:2509.26625), pre-train language models on text mixtures, then attach a vision encoder through a small
adapter and ask which text built which visual ability. Their finding: a *reasoning* prior grows with
reasoning-centric text (code, maths) and transfers to visual reasoning, while a *perception* prior comes more
diffusely from broad text.

The toy world keeps the pipeline (text pre-training → frozen LM → trained adapter → visual questions):

- **the scene**: a 3 × 3 grid of cells, each one of four colours.
- **the text** (all sequences ``BOS, 9 symbols, op, x, y, =, answer``): *reasoning* text asks ``MORE a b`` (does
  colour ``a`` occur more often than ``b``? answer ``yes``/``no``) or ``COUNT a _`` (how many ``a``? answer a number)
  about a written list of colour words; *description* text asks ``AT @p _`` (which colour is written at position
  ``p``?); *generic* text is a Markov chain over the whole vocabulary. A mixture ``(r, v, w)`` sets their shares.
- **the eye**: a fixed "vision encoder" maps each cell's colour to a random feature vector plus Gaussian noise;
  a linear **adapter** (trained, the language model frozen) maps each cell's features into the LM's embedding
  space, in the slots where the text had colour words.
- **the probes**: *perception* asks ``AT @p _`` about the seen grid (chance exactly 1/4), *reasoning* asks
  ``MORE a b`` (pairs with equal counts are never asked, so yes and no are equally likely: chance exactly 1/2).

Everything is a pure function of explicit PRNG keys. Many models train at once under ``jax.vmap`` (one model per
mixture and seed); the transformer and its training step are :mod:`priorscope.nn`.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
import optax

from priorscope import config, nn
from priorscope._checks import check_float, check_int, check_nonnegative, check_type
from priorscope.minds.visual_text import (
    _BOS,
    _LEN,
    _NO,
    _V,
    _YES,
    COLOURS,
    NUM_CELLS,
    NUM_COLOURS,
    SCENE_TOKENS,
    _at,
    _check_mixture,
    _grid,
    _more,
    _text,
    sample_text_batch,
    sequence_string,
)

FEATURE_DIM = 8
ENCODER_SEED = 34  # the fixed random "vision encoder" (colour -> feature vector)

__all__ = [
    "COLOURS",
    "SCENE_TOKENS",
    "AdapterFit",
    "MixtureGrid",
    "PretrainedLMs",
    "default_mixture_grid",
    "fit_adapters",
    "init_lms",
    "load_mixture_grid",
    "pretrain_lms",
    "sample_text_batch",
    "sample_vision_batch",
    "save_mixture_grid",
    "sequence_string",
    "vqa_accuracy",
]


class PretrainedLMs(NamedTuple):
    """Language models pre-trained together: leading axis = model (``mixture index * num_seeds + seed``)."""

    params: nn.TransformerParams  # stacked over models
    mixtures: np.ndarray  # (num_models, 3) shares of reasoning, description, generic text
    seeds: np.ndarray  # (num_models,)
    losses: np.ndarray  # (num_models, num_steps)


class AdapterFit(NamedTuple):
    """Linear adapters (one per frozen LM): ``cell embedding = features @ weight + bias``."""

    weight: jax.Array  # (num_models, FEATURE_DIM, d_model)
    bias: jax.Array  # (num_models, d_model)
    losses: np.ndarray  # (num_models, num_steps)


class MixtureGrid(NamedTuple):
    """The precomputed sweep of ``tools/train_visual_priors.py``: accuracies per mixture and seed."""

    mixtures: np.ndarray  # (M, 3)
    perception: np.ndarray  # (M, S) accuracy on the perception probe
    reasoning: np.ndarray  # (M, S) accuracy on the reasoning probe
    baseline_perception: np.ndarray  # (S,) the same adapter on a random (never pre-trained) frozen LM
    baseline_reasoning: np.ndarray  # (S,)
    lm_loss: np.ndarray  # (M, S, W) pre-training loss in windows
    meta: dict[str, float]


def _loss(params, key, mixture, batch):
    tokens, weights = _text(key, mixture, batch)
    logits = jax.vmap(lambda t: nn.transformer(params, t, nn.causal_mask(_LEN - 1)))(tokens[:, :-1])
    nll = -jnp.take_along_axis(jax.nn.log_softmax(logits, -1), tokens[:, 1:, None], -1)[..., 0]
    return jnp.mean(jnp.sum(nll * weights, 1) / jnp.sum(weights, 1))  # every sequence counts once


# --- many models at once ------------------------------------------------------------------------------------------


def _optimizer(learning_rate, num_steps):
    schedule = optax.warmup_cosine_decay_schedule(0.0, learning_rate, max(num_steps // 10, 1), max(num_steps, 2))
    return optax.chain(optax.clip_by_global_norm(1.0), optax.adamw(schedule, weight_decay=0.0))


def _fit_many(keys, params, extras, loss_fn, num_steps, learning_rate, desc, chunk=100):
    """Train one set of parameters per model, independently, under ``vmap`` (clipping and Adam per model)."""
    opt = _optimizer(learning_rate, num_steps)
    state = jax.vmap(lambda p: nn.train_init(p, opt))(params)

    @jax.jit
    def run(state, steps):
        def body(s, t):
            def one(st, extra, k):
                return nn.train_step(st, jax.random.fold_in(k, t), lambda p, kk: loss_fn(p, kk, extra), opt)

            return jax.vmap(one)(s, extras, keys)

        return jax.lax.scan(body, state, steps)

    losses = []
    starts = range(0, num_steps, chunk)
    for start in config.progress(starts, total=len(starts), desc=desc):
        state, chunk_losses = run(state, jnp.arange(start, min(start + chunk, num_steps)))
        losses.append(np.asarray(chunk_losses))
    return state.params, np.concatenate(losses).T


def init_lms(
    key: jax.Array, seeds: np.ndarray, *, d_model: int = 32, num_heads: int = 4, num_layers: int = 2
) -> nn.TransformerParams:
    """Random (never trained) language models, one per entry of ``seeds`` (equal seeds, equal weights), stacked."""
    seeds = np.asarray(seeds)
    if seeds.ndim != 1 or seeds.size == 0 or not np.issubdtype(seeds.dtype, np.integer):
        raise ValueError(f"seeds must be a non-empty 1-D array of integers, got {seeds!r}")
    keys = jnp.stack([jax.random.fold_in(key, int(s)) for s in seeds])
    return jax.vmap(
        lambda k: nn.init_transformer(
            k, vocab_size=_V, d_model=d_model, num_heads=num_heads, num_layers=num_layers, d_out=_V, max_len=_LEN - 1
        )
    )(keys)


def pretrain_lms(
    key: jax.Array,
    mixtures: np.ndarray,
    *,
    num_seeds: int = 1,
    num_steps: int = 1500,
    batch: int = 64,
    d_model: int = 32,
    num_heads: int = 4,
    num_layers: int = 2,
    learning_rate: float = 3e-3,
) -> PretrainedLMs:
    """Pre-train one tiny causal LM per mixture and seed, all at once (``vmap``), by next-token cross-entropy.

    Seed ``s`` fixes the initial weights and the random stream for every mixture alike, so mixtures are compared on
    paired runs.

    Args:
        key: PRNG key (initialisation and batches).
        mixtures: ``(M, 3)`` shares ``(r, v, w)`` of reasoning, description and generic text, each row summing to 1.
        num_seeds: seeds per mixture.
        num_steps, batch, d_model, num_heads, num_layers: sizes; learning_rate: AdamW peak.

    Returns:
        :class:`PretrainedLMs` with ``M * num_seeds`` models.
    """
    mixtures = _check_mixture("mixtures", mixtures)
    if mixtures.ndim != 2:
        raise ValueError(f"mixtures must be an (M, 3) array of shares, got shape {mixtures.shape}")
    num_seeds = check_int("num_seeds", num_seeds, min_value=1)
    num_steps = check_int("num_steps", num_steps, min_value=1)
    batch = check_int("batch", batch, min_value=1)
    learning_rate = check_float("learning_rate", learning_rate)
    seeds = np.tile(np.arange(num_seeds), len(mixtures))
    mix = np.repeat(mixtures, num_seeds, axis=0)
    params = init_lms(key, seeds, d_model=d_model, num_heads=num_heads, num_layers=num_layers)
    keys = jnp.stack([jax.random.fold_in(key, 1000 + int(s)) for s in seeds])
    params, losses = _fit_many(
        keys,
        params,
        jnp.asarray(mix, jnp.float32),
        lambda p, k, m: _loss(p, k, m, batch),
        num_steps,
        learning_rate,
        "pre-training",
    )
    return PretrainedLMs(params, mix, seeds, losses)


# --- the eye and the adapter --------------------------------------------------------------------------------------


class _Vision(NamedTuple):
    features: jax.Array  # (N, 9, FEATURE_DIM)
    question: jax.Array  # (N, 4) op, x, y, =
    answer: jax.Array  # (N,) token id
    task: jax.Array  # (N,) 0 perception, 1 reasoning


def _encoder():
    return jax.random.normal(jax.random.key(ENCODER_SEED), (NUM_COLOURS, FEATURE_DIM))


def _vision(key, num_per_task, noise_std):
    kg, ka, km, kn = jax.random.split(key, 4)
    grid = _grid(kg, 2 * num_per_task)
    seqs = jnp.concatenate([_at(ka, grid[:num_per_task]), _more(km, grid[num_per_task:])])
    feats = _encoder()[grid] + noise_std * jax.random.normal(kn, (*grid.shape, FEATURE_DIM))
    task = jnp.repeat(jnp.arange(2), num_per_task)
    return _Vision(feats, seqs[:, NUM_CELLS + 1 : NUM_CELLS + 5], seqs[:, -1], task)


def sample_vision_batch(
    key: jax.Array, num_per_task: int, *, noise_std: float = 0.5
) -> tuple[jax.Array, jax.Array, jax.Array, jax.Array]:
    """Seen grids and questions: ``num_per_task`` perception questions, then as many reasoning questions.

    Returns:
        ``features`` ``(N, 9, 8)`` (encoder output: the colour's fixed random vector plus ``noise_std`` times a standard
        normal draw), ``question`` ``(N, 4)`` tokens ``op, x, y, =``, ``answer`` ``(N,)`` token ids and ``task``
        ``(N,)`` (0 perception, 1 reasoning), with ``N = 2 * num_per_task``.
    """
    num_per_task = check_int("num_per_task", num_per_task, min_value=1)
    noise_std = check_nonnegative("noise_std", check_float("noise_std", noise_std))
    return tuple(_vision(key, num_per_task, noise_std))  # type: ignore[return-value]


def _allowed():
    colours = jnp.zeros(_V, bool).at[:NUM_COLOURS].set(True)
    yes_no = jnp.zeros(_V, bool).at[jnp.array([_YES, _NO])].set(True)
    return jnp.stack([colours, yes_no])  # (2, V): the answers each task may give


def _vision_logits(lm, weight, bias, feats, question):
    d = lm.embed.shape[1]
    slots = jnp.concatenate([jnp.zeros((1, d)), feats @ weight + bias, jnp.zeros((4, d))])
    toks = jnp.concatenate([jnp.array([_BOS]), jnp.zeros(NUM_CELLS, jnp.int32), question])
    is_token = (jnp.arange(_LEN - 1) == 0) | (jnp.arange(_LEN - 1) > NUM_CELLS)  # BOS and the question
    onehot = jax.nn.one_hot(toks, _V) * is_token[:, None]
    ext = lm._replace(embed=jnp.concatenate([lm.embed, jnp.eye(d)]))  # [one-hot | slot] @ [embed ; I]
    return nn.transformer(ext, jnp.concatenate([onehot, slots], 1), nn.causal_mask(_LEN - 1))[-1]


def _answer_logp(lm, weight, bias, data):
    logits = jax.vmap(lambda f, q: _vision_logits(lm, weight, bias, f, q))(data.features, data.question)
    logits = jnp.where(_allowed()[data.task], logits, -1e30)
    return jax.nn.log_softmax(logits, -1)


def fit_adapters(
    key: jax.Array,
    lms: nn.TransformerParams,
    *,
    num_pairs: int = 512,
    num_steps: int = 300,
    batch: int = 64,
    noise_std: float = 0.5,
    learning_rate: float = 1e-2,
) -> AdapterFit:
    """Train one linear adapter per frozen LM on the same ``num_pairs`` (seen grid, question, answer) examples.

    Half the pairs are perception questions, half reasoning; each step draws a minibatch from them. Only the
    adapter moves; the loss is the cross-entropy of the answer among the answers allowed for its task.

    Args:
        key: PRNG key (the training pairs, initialisation, minibatches).
        lms: stacked LM weights (``PretrainedLMs.params`` or :func:`init_lms`).
        num_pairs, num_steps, batch: sizes; noise_std: encoder noise; learning_rate: AdamW peak.
    """
    check_type("lms", lms, nn.TransformerParams, "stacked TransformerParams (PretrainedLMs.params or init_lms)")
    if lms.embed.ndim != 3:
        raise ValueError(f"lms must be stacked over models (embed of shape (M, V, d)), got {lms.embed.shape}")
    num_pairs = check_int("num_pairs", num_pairs, min_value=2)
    num_steps = check_int("num_steps", num_steps, min_value=1)
    batch = check_int("batch", batch, min_value=1)
    noise_std = check_nonnegative("noise_std", check_float("noise_std", noise_std))
    num_models, d = lms.embed.shape[0], lms.embed.shape[2]
    kd, ki, kf = jax.random.split(key, 3)
    pool = _vision(kd, num_pairs // 2, noise_std)
    adapters = {
        "weight": jax.random.normal(ki, (num_models, FEATURE_DIM, d)) / np.sqrt(FEATURE_DIM),
        "bias": jnp.zeros((num_models, d)),
    }

    def loss_fn(a, k, lm):
        idx = jax.random.randint(k, (batch,), 0, pool.answer.shape[0])
        data = jax.tree_util.tree_map(lambda x: x[idx], pool)
        logp = _answer_logp(lm, a["weight"], a["bias"], data)
        return -jnp.mean(jnp.take_along_axis(logp, data.answer[:, None], 1))

    keys = jax.random.split(kf, num_models)
    trained, losses = _fit_many(keys, adapters, lms, loss_fn, num_steps, learning_rate, "adapters")
    return AdapterFit(trained["weight"], trained["bias"], losses)


def vqa_accuracy(
    key: jax.Array, lms: nn.TransformerParams, adapters: AdapterFit, num_per_task: int, *, noise_std: float = 0.5
) -> tuple[jax.Array, jax.Array]:
    """Accuracy of every (frozen LM, adapter) pair on fresh seen grids: ``(perception, reasoning)``, each ``(M,)``.

    The answer is the argmax of the LM's next-token logits among the answers allowed for the task (the four colours,
    or yes / no), so a model that ignores the picture scores exactly the chance level 1/4 or 1/2 in expectation.
    """
    check_type("adapters", adapters, AdapterFit, "an AdapterFit from fit_adapters")
    check_type("lms", lms, nn.TransformerParams, "stacked TransformerParams (PretrainedLMs.params or init_lms)")
    num_per_task = check_int("num_per_task", num_per_task, min_value=1)
    noise_std = check_nonnegative("noise_std", check_float("noise_std", noise_std))
    data = _vision(key, num_per_task, noise_std)

    @jax.jit
    def one(lm, w, b):
        hit = jnp.argmax(_answer_logp(lm, w, b, data), -1) == data.answer
        return hit[:num_per_task].mean(), hit[num_per_task:].mean()

    return jax.lax.map(lambda a: one(*a), (lms, adapters.weight, adapters.bias))


# --- the shipped sweep --------------------------------------------------------------------------------------------


def default_mixture_grid() -> Path:
    """``data/visual_priors/mixture_grid.npz`` in the project checkout (made by ``tools/train_visual_priors.py``)."""
    return Path(__file__).resolve().parents[3] / "data" / "visual_priors" / "mixture_grid.npz"


def save_mixture_grid(path: str | Path, grid: MixtureGrid) -> None:
    """Write a :class:`MixtureGrid` to one ``.npz`` (scalars of ``meta`` alongside)."""
    check_type("grid", grid, MixtureGrid, "a MixtureGrid")
    arrays = {k: np.asarray(v) for k, v in grid._asdict().items() if k != "meta"}
    arrays.update({f"meta_{k}": np.asarray(v) for k, v in grid.meta.items()})
    np.savez_compressed(path, **arrays)  # pyright: ignore[reportArgumentType]


def load_mixture_grid(path: str | Path | None = None) -> MixtureGrid:
    """Load the sweep saved by :func:`save_mixture_grid` (default: :func:`default_mixture_grid`)."""
    path = default_mixture_grid() if path is None else Path(path)
    if not path.exists():
        raise ValueError(f"path must name the file made by tools/train_visual_priors.py, got {str(path)!r} (missing)")
    with np.load(path) as z:
        data = {k: z[k] for k in z.files}
    meta = {k[5:]: float(v) for k, v in data.items() if k.startswith("meta_")}
    return MixtureGrid(**{k: data[k] for k in MixtureGrid._fields if k != "meta"}, meta=meta)
