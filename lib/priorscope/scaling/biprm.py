r"""Bidirectional PRM (BiPRM): a left-to-right and a right-to-left stream fused by a learned gate.

A left-to-right (L2R) process reward model scores step :math:`t` from steps :math:`\le t` only; BiPRM adds a
right-to-left stream that also sees what later steps reveal about step :math:`t` (a contradiction found two steps
later) and fuses the two with a gate. Both streams are :mod:`~priorscope.scaling.prm` models on the step features
of :func:`~priorscope.scaling.env.step_features`.

References:
    Zhang, Gao, Ren and Cao (2025), The Bidirectional Process Reward Model, arXiv:2508.01682.
"""

from __future__ import annotations

from functools import partial
from typing import NamedTuple

import jax
import jax.numpy as jnp
import optax

from priorscope import _checks as _c
from priorscope._checks import check_in_range, check_int, check_positive
from priorscope.scaling import env as _env
from priorscope.scaling.prm import (
    PRMParams,
    annotate,
    init_prm,
    predict_first_error,
    prm_scores,
    processbench_f1,
)

__all__ = [
    "stream_features",
    "BiPRMParams",
    "biprm_scores",
    "train_biprm",
    "gate_values",
    "direction_study",
]


_FWD = ("local", "prefix_max", "state", "answer", "position", "difficulty", "is_final", "check")
_BWD = ("local", "backref", "position", "difficulty")


def _check_step_features(features) -> None:
    """``features`` must end in the columns of :func:`~priorscope.scaling.env.step_features`."""
    want = len(_env.FEATURE_NAMES)
    if jnp.ndim(features) < 1 or jnp.shape(features)[-1] != want:
        raise ValueError(
            f"features must have shape (..., {want}) (the columns of step_features), got shape {jnp.shape(features)}"
        )


def stream_features(features: jax.Array) -> tuple[jax.Array, jax.Array]:
    """Split step features (..., T, F) into what each reading direction can see at step t.

    The left-to-right (L2R) stream sees steps ≤ t: local evidence and its running maximum, the off-track signal,
    the answer (at the last step), position, difficulty, and the "check" channel plus its running maximum (a
    contradiction noticed so far). The right-to-left (R2L) stream sees steps ≥ t, in particular ``backref``: what
    later steps reveal about step t.

    Returns:
        (fwd (..., T, 9), bwd (..., T, 4)).
    """
    if jnp.ndim(features) < 2:
        raise ValueError(f"features must have shape (..., T, F), got shape {jnp.shape(features)}")
    col = lambda name: features[..., _env.FEATURE_NAMES.index(name)]
    fwd = jnp.stack([col(n) for n in _FWD] + [jax.lax.cummax(col("check"), axis=features.ndim - 2)], axis=-1)
    bwd = jnp.stack([col(n) for n in _BWD], axis=-1)
    return fwd, bwd


class BiPRMParams(NamedTuple):
    """A BiPRM: two stream PRMs and the gate (each a :class:`PRMParams`; the gate reads both streams)."""

    fwd: PRMParams
    bwd: PRMParams
    gate: PRMParams


def biprm_scores(params: BiPRMParams, features: jax.Array, fixed_gate: jax.Array | None = None) -> jax.Array:
    """Fused step scores :math:`r_t = g_t r^{\\to}_t + (1 - g_t) r^{\\leftarrow}_t`; (..., T, F) → (..., T).

    The gate :math:`g_t = \\sigma(\\text{MLP}([h^{\\to}_t; h^{\\leftarrow}_t]))` is learned, or ``fixed_gate``.
    """
    if fixed_gate is not None:
        fixed_gate = _c.check_probability("fixed_gate", fixed_gate)
    _check_step_features(features)
    fwd, bwd = stream_features(features)
    r_f = prm_scores(params.fwd, fwd)
    r_b = prm_scores(params.bwd, bwd)
    g = prm_scores(params.gate, jnp.concatenate([fwd, bwd], axis=-1)) if fixed_gate is None else fixed_gate
    return g * r_f + (1 - g) * r_b


def _standardised(key, x, m, hidden):
    f = x.reshape(-1, x.shape[-1])
    w = m.reshape(-1)[:, None]
    tot = jnp.maximum(w.sum(), 1.0)
    mean = (f * w).sum(0) / tot
    std = jnp.sqrt((((f - mean) ** 2) * w).sum(0) / tot) + 1e-6
    return init_prm(key, x.shape[-1], hidden)._replace(mean=mean, std=std)


@partial(jax.jit, static_argnames=("num_iters", "gate_hidden"))
def _train_biprm(key, features, targets, mask, learning_rate, fixed_gate, use_fixed, num_iters, gate_hidden):
    fwd, bwd = stream_features(features)
    k1, k2, k3 = jax.random.split(key, 3)
    params = BiPRMParams(
        _standardised(k1, fwd, mask, 0),
        _standardised(k2, bwd, mask, 0),
        _standardised(k3, jnp.concatenate([fwd, bwd], -1), mask, gate_hidden),
    )
    pos = jnp.clip((targets * mask).sum() / jnp.maximum(mask.sum(), 1.0), 1e-3, 1 - 1e-3)
    weights = mask * (targets * 0.5 / pos + (1 - targets) * 0.5 / (1 - pos)) / jnp.maximum(mask.sum(), 1.0)
    opt = optax.adam(learning_rate)
    layers0 = jax.tree_util.tree_map(lambda p: p.layers, params, is_leaf=lambda x: isinstance(x, PRMParams))

    def with_layers(layers):
        return BiPRMParams(*(p._replace(layers=lay) for p, lay in zip(params, layers, strict=True)))

    def loss_fn(layers):
        r = biprm_scores(with_layers(layers), features, None)
        r = jnp.where(use_fixed, biprm_scores(with_layers(layers), features, fixed_gate), r)
        r = jnp.clip(r, 1e-6, 1 - 1e-6)
        return -(weights * (targets * jnp.log(r) + (1 - targets) * jnp.log1p(-r))).sum()

    def step(carry, _):
        layers, state = carry
        loss, g = jax.value_and_grad(loss_fn)(layers)
        upd, state = opt.update(g, state, layers)
        return (optax.apply_updates(layers, upd), state), loss

    (layers, _), losses = jax.lax.scan(step, (layers0, opt.init(layers0)), None, length=num_iters)
    return with_layers(layers), losses


def train_biprm(
    key: jax.Array,
    features: jax.Array,
    targets: jax.Array,
    mask: jax.Array,
    *,
    num_iters: int = 400,
    learning_rate: float = 0.05,
    gate_hidden: int = 0,
    fixed_gate: float | None = None,
) -> tuple[BiPRMParams, jax.Array]:
    """Fit a BiPRM end to end (both streams and the gate) on the masked, class-balanced BCE of the fused score.

    Args:
        key: PRNG key.
        features: (n, T, F) step features (:func:`priorscope.scaling.env.step_features`).
        targets: (n, T) labels in [0, 1].
        mask: (n, T).
        num_iters: Adam steps (≥ 1).
        learning_rate: > 0.
        gate_hidden: width of the gate MLP (0 for a logistic gate).
        fixed_gate: use this constant gate in [0, 1] instead of learning one (the paper's ablation uses 0.5).

    Returns:
        (params, losses (num_iters,)).

    References:
        Zhang, Gao, Ren, Cao (2025), The Bidirectional Process Reward Model, arXiv:2508.01682.
    """
    num_iters = check_int("num_iters", num_iters, min_value=1)
    gate_hidden = check_int("gate_hidden", gate_hidden, min_value=0)
    learning_rate = check_positive("learning_rate", learning_rate)
    targets = check_in_range("targets", targets, 0.0, 1.0)
    if fixed_gate is not None:
        fixed_gate = check_in_range("fixed_gate", fixed_gate, 0.0, 1.0)
    gate = jnp.asarray(0.5 if fixed_gate is None else fixed_gate, float)
    return _train_biprm(
        key, features, targets, mask, learning_rate, gate, jnp.asarray(fixed_gate is not None), num_iters, gate_hidden
    )


def gate_values(params: BiPRMParams, features: jax.Array) -> jax.Array:
    """The BiPRM gate g_t (weight of the left-to-right stream) at every step; (..., T, F) → (..., T)."""
    _check_step_features(features)
    fwd, bwd = stream_features(features)
    return prm_scores(params.gate, jnp.concatenate([fwd, bwd], axis=-1))


def direction_study(
    key: jax.Array,
    l2r: PRMParams,
    biprm: BiPRMParams,
    *,
    late_fraction: jax.Array,
    lag: int,
    num_problems: int,
    num_steps: int = 8,
) -> dict[str, jax.Array]:
    """Evaluate a left-to-right PRM and a BiPRM on fresh solutions whose late-detectable fraction is f.

    Returns ``f1`` (2,) ProcessBench F1 of (L2R, BiPRM); ``offset`` (2, 2·T + 1) histograms of predicted minus
    true first-error index on erroneous solutions (offsets −T..T); ``gate`` (T,) mean BiPRM gate per position.
    """
    late_fraction = _c.check_probability("late_fraction", late_fraction)
    env = _env.reasoning_env(num_steps, skill=2.0)
    spec = _env.feature_spec(state_signal=0.0, late_fraction=late_fraction, lag=lag)
    data = annotate(
        key,
        env,
        spec,
        num_problems=num_problems,
        num_responses=8,
        num_rollouts=1,
        completer_skill=0.0,
        judge_hit=1.0,
        judge_false_alarm=0.0,
    )
    true_first = data.traj.first_error
    fwd, _ = stream_features(data.features)
    preds = [predict_first_error(prm_scores(l2r, fwd)), predict_first_error(biprm_scores(biprm, data.features))]
    f1 = jnp.stack([processbench_f1(p, true_first, num_steps)["f1"] for p in preds])
    wrong = true_first < num_steps
    offset = jnp.stack(
        [
            jnp.sum(jax.nn.one_hot(p - true_first + num_steps, 2 * num_steps + 1) * wrong[:, None], 0)
            / jnp.maximum(wrong.sum(), 1)
            for p in preds
        ]
    )
    gate = gate_values(biprm, data.features).mean(0)
    return {"f1": f1, "offset": offset, "gate": gate}
