"""Process reward models (PRMs): step labels from several sources, training, and step-level evaluation.

A PRM maps the evidence of every step of a solution to :math:`r_t \\in (0, 1)`, the probability that steps
:math:`0..t` are all correct. Its training labels can come from

* **Monte Carlo rollouts** (Math-Shepherd): the step is "good" when some of N completions from the prefix reach
  the answer (hard label) or with the fraction that do (soft label) — this measures the *completer's value*;
* **a judge** that names the first wrong step;
* **consensus**: keep a solution only when the MC and judge first-error locations agree (Zhang et al. 2025);
* **SCAN** soft labels: confidence-normalised MC scores near the predicted error (Ding et al. 2025).

Following the PRM800K/Math-Shepherd convention, labels stop at the first negative step (``mask``). The model
is a logistic regression (``hidden=0``) or a one-hidden-layer MLP on standardised step features, trained
full-batch with AdamW on a class-balanced binary cross-entropy with soft targets. Evaluation follows
ProcessBench: the predicted first error is the first step scored below 0.5, and F1 is the harmonic mean of the
accuracy on erroneous and on correct solutions. The bidirectional PRM lives in
:mod:`~priorscope.scaling.biprm`, SCAN's data sets and noise study in :mod:`~priorscope.scaling.scan`.

References:
    Zhang et al. (2025), The Lessons of Developing Process Reward Models in Mathematical Reasoning,
    arXiv:2501.07301. Zheng et al. (2024), ProcessBench, arXiv:2412.06559. Ding et al. (2025), SCAN,
    arXiv:2509.16548.
"""

from __future__ import annotations

from functools import partial
from typing import NamedTuple

import jax
import jax.numpy as jnp
import optax

from priorscope import _checks as _c
from priorscope._checks import check_choice, check_in_range, check_int, check_positive
from priorscope.scaling import env as _env

__all__ = [
    "PRMParams",
    "MCLabels",
    "mc_labels",
    "first_error_labels",
    "scan_labels",
    "init_prm",
    "prm_logits",
    "prm_scores",
    "train_prm",
    "predict_first_error",
    "processbench_f1",
    "aggregate_scores",
    "AGGREGATORS",
    "PRMData",
    "annotate",
    "label_study",
    "LABEL_SOURCES",
    "training_labels",
    "evaluate_prm",
]


AGGREGATORS = ("min", "product", "last")


class MCLabels(NamedTuple):
    """Monte Carlo step labels of a batch of solutions (leading shape (...,), T steps).

    Attributes:
        soft: (..., T) fraction of successful rollouts m_j.
        hard: (..., T) 1 if any rollout succeeded.
        mask: (..., T) steps up to and including the first hard-negative step.
        first_error: (...,) first step with no successful rollout (T if none).
    """

    soft: jax.Array
    hard: jax.Array
    mask: jax.Array
    first_error: jax.Array


def _first_true(x: jax.Array) -> jax.Array:
    num_steps = x.shape[-1]
    return jnp.where(x.any(-1), jnp.argmax(x, axis=-1), num_steps)


def mc_labels(counts: jax.Array, num_rollouts: int) -> MCLabels:
    """Math-Shepherd labels from rollout counts (..., T) out of ``num_rollouts``; see :class:`MCLabels`."""
    num_rollouts = check_int("num_rollouts", num_rollouts, min_value=1)
    counts = _c.check_in_range("counts", counts, 0, num_rollouts)
    soft = jnp.asarray(counts, float) / num_rollouts
    hard = (counts > 0).astype(float)
    first = _first_true(counts == 0)
    t = jnp.arange(counts.shape[-1])
    return MCLabels(soft, hard, (t <= first[..., None]).astype(float), first)


def first_error_labels(
    first_error: jax.Array, num_steps: int, *, label_after: bool = False
) -> tuple[jax.Array, jax.Array]:
    """Labels from a first-error location τ (T = none): 1 before τ, 0 at τ, and after τ masked (default).

    Masking the steps after τ (as in PRM800K) means a PRM never trains on evidence that appears only there. With
    ``label_after=True`` every step from τ on is labelled 0 and kept ("a prefix that contains an error is wrong"),
    so evidence that shows up later, e.g. a failed consistency check, is part of training.

    Args:
        first_error: (...,) first wrong step τ, or T for none.
        num_steps: T.
        label_after: keep the steps after τ, labelled 0, instead of masking them (static).

    Returns:
        (labels, mask), each (..., T).
    """
    num_steps = check_int("num_steps", num_steps, min_value=1)
    if not isinstance(label_after, bool):
        raise TypeError(f"label_after must be a bool, got {label_after!r}")
    t = jnp.arange(num_steps)
    fe = jnp.asarray(first_error)[..., None]
    mask = jnp.ones(fe.shape[:-1] + (num_steps,)) if label_after else (t <= fe).astype(float)
    return (t < fe).astype(float), mask


def scan_labels(
    counts: jax.Array, num_rollouts: int, self_confidence: jax.Array, correct: jax.Array, tolerance: int = 2
) -> tuple[jax.Array, jax.Array]:
    """SCAN's denoised labels for one batch of solutions (``self_confidence`` in [0, 1], ``counts`` in [0, N]).

    Correct solutions get all-one labels (no rollouts needed). For an incorrect one, t_pred is the first step
    whose MC score m_j is 0; labels are 1 before t_pred and 0 at t_pred (masked after), and the ``tolerance``
    steps just before t_pred get the soft label min(1, m_j / SC(q)).

    Args:
        counts: (..., T) rollout successes.
        num_rollouts: N (an int, or a traced integer array).
        self_confidence: (...,) SC(q), the annotator's own accuracy on the question (in (0, 1]).
        correct: (...,) bool, the solution's final answer is right.
        tolerance: d ≥ 0 (an int, or a traced integer array).

    Returns:
        (targets, mask), each (..., T).
    """
    self_confidence = _c.check_probability("self_confidence", self_confidence)
    if not hasattr(tolerance, "shape"):  # a Python int: check it (arrays may be traced slider values)
        tolerance = check_int("tolerance", tolerance, min_value=0)
    if not hasattr(num_rollouts, "shape"):
        num_rollouts = check_int("num_rollouts", num_rollouts, min_value=1)
    soft = jnp.asarray(counts, float) / num_rollouts
    num_steps = counts.shape[-1]
    t = jnp.arange(num_steps)
    tp = _first_true(counts == 0)[..., None]
    sc = jnp.maximum(jnp.asarray(self_confidence, float)[..., None], 1e-6)
    near = (t < tp) & (t >= tp - tolerance)
    target = jnp.where(near, jnp.minimum(1.0, soft / sc), (t < tp).astype(float))
    mask = (t <= tp).astype(float)
    ok = jnp.asarray(correct, bool)[..., None]
    return jnp.where(ok, 1.0, target), jnp.where(ok, 1.0, mask)


class PRMParams(NamedTuple):
    """Parameters of a PRM: feature standardisation and the layers.

    Attributes:
        mean: (F,) feature means.
        std: (F,) feature standard deviations.
        layers: tuple of (W, b) pairs; one pair is logistic regression, two a one-hidden-layer MLP.
    """

    mean: jax.Array
    std: jax.Array
    layers: tuple


def init_prm(key: jax.Array, num_features: int, hidden: int = 0) -> PRMParams:
    """Small random weights; ``hidden=0`` gives logistic regression, ``hidden>0`` a tanh MLP."""
    num_features = check_int("num_features", num_features, min_value=1)
    hidden = check_int("hidden", hidden, min_value=0)
    k1, k2 = jax.random.split(key)
    if hidden == 0:
        layers = ((0.01 * jax.random.normal(k1, (num_features, 1)), jnp.zeros(1)),)
    else:
        w1 = jax.random.normal(k1, (num_features, hidden)) / jnp.sqrt(num_features)
        w2 = 0.01 * jax.random.normal(k2, (hidden, 1))
        layers = ((w1, jnp.zeros(hidden)), (w2, jnp.zeros(1)))
    return PRMParams(jnp.zeros(num_features), jnp.ones(num_features), layers)


def _check_features(params, features) -> None:
    """``features`` must end in the number of features ``params`` was built for."""
    want = jnp.shape(params.mean)[-1]
    if jnp.ndim(features) < 1 or jnp.shape(features)[-1] != want:
        raise ValueError(f"features must have shape (..., {want}) to match params, got shape {jnp.shape(features)}")


def prm_logits(params: PRMParams, features: jax.Array) -> jax.Array:
    """Logits of the PRM; ``features`` (..., T, F) → (..., T)."""
    _check_features(params, features)
    h = (features - params.mean) / params.std
    for i, (w, b) in enumerate(params.layers):
        h = h @ w + b
        if i < len(params.layers) - 1:
            h = jnp.tanh(h)
    return h[..., 0]


def prm_scores(params: PRMParams, features: jax.Array) -> jax.Array:
    """Step scores r_t = sigmoid(logit) in (0, 1); (..., T, F) → (..., T)."""
    _check_features(params, features)
    return jax.nn.sigmoid(prm_logits(params, features))


@partial(jax.jit, static_argnames=("hidden", "num_iters"))
def _train(key, features, targets, mask, learning_rate, weight_decay, balance, hidden, num_iters):
    f = features.reshape(-1, features.shape[-1])
    y = targets.reshape(-1)
    m = mask.reshape(-1)
    tot = jnp.maximum(m.sum(), 1.0)
    mean = (f * m[:, None]).sum(0) / tot
    std = jnp.sqrt((((f - mean) ** 2) * m[:, None]).sum(0) / tot) + 1e-6
    params = init_prm(key, f.shape[-1], hidden)._replace(mean=mean, std=std)
    pos = jnp.clip((y * m).sum() / tot, 1e-3, 1 - 1e-3)
    w_pos = jnp.where(balance, 0.5 / pos, 1.0)
    w_neg = jnp.where(balance, 0.5 / (1 - pos), 1.0)
    weights = m * (y * w_pos + (1 - y) * w_neg) / tot
    opt = optax.adamw(learning_rate, weight_decay=weight_decay)

    def loss_fn(layers):
        logits = prm_logits(params._replace(layers=layers), f[:, None, :])[:, 0]
        return (weights * optax.sigmoid_binary_cross_entropy(logits, y)).sum()

    def step(carry, _):
        layers, state = carry
        loss, g = jax.value_and_grad(loss_fn)(layers)
        upd, state = opt.update(g, state, layers)
        return (optax.apply_updates(layers, upd), state), loss

    (layers, _), losses = jax.lax.scan(step, (params.layers, opt.init(params.layers)), None, length=num_iters)
    return params._replace(layers=layers), losses


def train_prm(
    key: jax.Array,
    features: jax.Array,
    targets: jax.Array,
    mask: jax.Array,
    *,
    hidden: int = 0,
    num_iters: int = 300,
    learning_rate: float = 0.05,
    weight_decay: float = 1e-4,
    balance: bool = True,
) -> tuple[PRMParams, jax.Array]:
    """Fit a PRM by full-batch AdamW on the masked, class-balanced BCE with (soft) targets.

    .. math:: \\mathcal{L} = -\\sum_{n,t} m_{nt} w_{nt}\\,[y_{nt} \\log r_{nt} + (1 - y_{nt}) \\log(1 - r_{nt})]

    Args:
        key: PRNG key (initial weights).
        features: (n, T, F) step features.
        targets: (n, T) labels in [0, 1].
        mask: (n, T) 1 where the label is used.
        hidden: 0 for logistic regression, else the MLP width.
        num_iters: optimiser steps (≥ 1).
        learning_rate: > 0.
        weight_decay: ≥ 0.
        balance: weight positives and negatives to equal total mass.

    Returns:
        (params, losses) with losses of shape (num_iters,).
    """
    hidden = check_int("hidden", hidden, min_value=0)
    num_iters = check_int("num_iters", num_iters, min_value=1)
    learning_rate = check_positive("learning_rate", learning_rate)
    weight_decay = check_positive("weight_decay", weight_decay, allow_zero=True)
    targets = check_in_range("targets", targets, 0.0, 1.0)
    if features.ndim != 3 or features.shape[:2] != targets.shape or targets.shape != mask.shape:
        raise ValueError(
            f"features must be (n, T, F) and targets/mask (n, T), got {features.shape}, {targets.shape}, {mask.shape}"
        )
    return _train(key, features, targets, mask, learning_rate, weight_decay, balance, hidden, num_iters)


def predict_first_error(scores: jax.Array, threshold: float = 0.5) -> jax.Array:
    """First step scored below ``threshold`` (T when none): (..., T) → (...,)."""
    threshold = check_in_range("threshold", threshold, 0.0, 1.0)
    return _first_true(scores < threshold)


def processbench_f1(pred_first: jax.Array, true_first: jax.Array, num_steps: int) -> dict[str, jax.Array]:
    """ProcessBench step-level metric.

    Accuracy on erroneous solutions (τ* < T) is the fraction whose first error is located exactly; accuracy on
    correct solutions (τ* = T) the fraction predicted error-free; F1 is their harmonic mean.

    Returns:
        dict with ``acc_error``, ``acc_correct`` and ``f1`` (scalars).
    """
    _c.check_same_shape("pred_first", pred_first, "true_first", true_first)
    num_steps = _c.check_int("num_steps", num_steps, min_value=1)
    has_err = true_first < num_steps
    hit = pred_first == true_first
    acc_e = jnp.sum(hit & has_err) / jnp.maximum(has_err.sum(), 1)
    acc_c = jnp.sum(hit & ~has_err) / jnp.maximum((~has_err).sum(), 1)
    f1 = 2 * acc_e * acc_c / jnp.maximum(acc_e + acc_c, 1e-12)
    return {"acc_error": acc_e, "acc_correct": acc_c, "f1": f1}


def aggregate_scores(scores: jax.Array, how: str = "min") -> jax.Array:
    """Solution score from step scores (..., T) → (...,): ``min``, ``product`` or ``last``."""
    check_choice("how", how, AGGREGATORS)
    if how == "min":
        return scores.min(-1)
    if how == "product":
        return jnp.exp(jnp.log(jnp.clip(scores, 1e-12, 1.0)).sum(-1))
    return scores[..., -1]


class PRMData(NamedTuple):
    """A PRM data set: n problems × k responses, flattened to n·k solutions of T steps.

    Attributes:
        difficulty: (n·k,) δ of each solution's problem.
        traj: :class:`~priorscope.scaling.env.Trajectory` with leading shape (n·k,).
        features: (n·k, T, F) step features.
        counts: (n·k, T) MC rollout successes out of ``num_rollouts``.
        judge_first: (n·k,) the judge's first-error location (T = none).
        num_rollouts: N (static).
    """

    difficulty: jax.Array
    traj: _env.Trajectory
    features: jax.Array
    counts: jax.Array
    judge_first: jax.Array
    num_rollouts: int


def annotate(
    key: jax.Array,
    env: _env.ReasoningEnv,
    spec: _env.FeatureSpec,
    *,
    num_problems: int,
    num_responses: int,
    num_rollouts: int,
    completer_skill: jax.Array,
    judge_hit: jax.Array,
    judge_false_alarm: jax.Array,
    difficulty_mean: jax.Array = 0.0,
    active_rollouts: jax.Array | None = None,
) -> PRMData:
    """Sample problems and responses, then annotate every step three ways (ground truth, MC, judge).

    The completer shares the policy's self-correction and luck rates; ``completer_skill`` sets its error rate.
    ``active_rollouts`` (traced, optional) uses only the first N' of the ``num_rollouts`` simulated rollouts.
    Returns a :class:`PRMData` (all arrays flattened over problems × responses). Jitted; sizes are static.
    """
    num_problems = check_int("num_problems", num_problems, min_value=1)
    num_responses = check_int("num_responses", num_responses, min_value=1)
    num_rollouts = check_int("num_rollouts", num_rollouts, min_value=1)
    judge_hit = check_in_range("judge_hit", judge_hit, 0.0, 1.0)
    judge_false_alarm = check_in_range("judge_false_alarm", judge_false_alarm, 0.0, 1.0)
    active = num_rollouts if active_rollouts is None else active_rollouts
    arrays = _annotate(
        key,
        env,
        spec,
        completer_skill,
        judge_hit,
        judge_false_alarm,
        difficulty_mean,
        active,
        num_problems=num_problems,
        num_responses=num_responses,
        num_rollouts=num_rollouts,
    )
    return PRMData(*arrays, num_rollouts)


@partial(jax.jit, static_argnames=("num_problems", "num_responses", "num_rollouts"))
def _annotate(
    key,
    env,
    spec,
    completer_skill,
    judge_hit,
    judge_fa,
    difficulty_mean,
    active,
    *,
    num_problems,
    num_responses,
    num_rollouts,
):
    kd, kt, kf, km, kj = jax.random.split(key, 5)
    n = num_problems * num_responses
    d = difficulty_mean + jax.random.normal(kd, (num_problems,))
    traj = _env.sample_trajectories(kt, env, d, num_responses)
    traj = jax.tree_util.tree_map(lambda x: x.reshape((n,) + x.shape[2:]), traj)
    dd = jnp.repeat(d, num_responses)
    feats = jax.vmap(_env.step_features, in_axes=(0, 0, 0, None))(jax.random.split(kf, n), traj, dd, spec)
    counts = jax.vmap(_env.mc_rollout_counts, in_axes=(0, 0, 0, None, None, None, None, None))(
        jax.random.split(km, n), traj, dd, completer_skill, env.self_correct, env.lucky, num_rollouts, active
    )
    judge = jax.vmap(_env.judge_first_error, in_axes=(0, 0, None, None, None))(
        jax.random.split(kj, n), traj.first_error, env.num_steps, judge_hit, judge_fa
    )
    return dd, traj, feats, counts, judge


def label_study(
    key: jax.Array,
    *,
    num_problems: int,
    num_responses: int,
    num_rollouts: int,
    completer_skill: jax.Array,
    judge_hit: jax.Array,
    judge_false_alarm: jax.Array,
    self_correct: jax.Array,
    lucky: jax.Array,
    num_steps: int = 8,
    skill: jax.Array = 2.0,
    max_rollouts: int = 32,
) -> dict[str, jax.Array]:
    """How well each label source finds the first error, and what an MC-value verifier does to best-of-N.

    Annotates ``num_problems`` × ``num_responses`` solutions (:func:`annotate`) and reports

    * ``loc_acc``: (3,) exact first-error location accuracy of MC-hard labels, the judge, and consensus (on the
      solutions consensus keeps); ``kept``: the fraction consensus keeps;
    * ``under``/``over``: the fraction of truly correct steps whose MC hard label is 0 (the completer failed from
      a good prefix) and of first-error steps whose MC label is 1 (self-correction or luck rescued it);
    * ``bon``: (2,) best-of-N outcome and process accuracy when the verifier is the *exact* completer value of
      each prefix (what an MC-trained PRM converges to), aggregated by each of :data:`AGGREGATORS` (shape
      (3, 2)); ``policy``: (2,) the same for a single sample;
    * ``argmin_hist``: (T,) where that verifier puts its minimum on erroneous solutions; ``first_hist``: (T,)
      where the true first error is.

    ``num_rollouts`` may be traced (it counts the first N of ``max_rollouts`` simulated rollouts), so a slider on
    N never recompiles.
    """
    max_rollouts = check_int("max_rollouts", max_rollouts, min_value=1)
    if _c.is_concrete(num_rollouts):
        num_rollouts = check_int("num_rollouts", num_rollouts, min_value=1, max_value=max_rollouts)
    else:  # a traced count (a slider): checked at run time, never clipped
        num_rollouts = check_in_range("num_rollouts", num_rollouts, 1, max_rollouts)
    env = _env.reasoning_env(num_steps, skill=skill, self_correct=self_correct, lucky=lucky)
    spec = _env.feature_spec()
    data = annotate(
        key,
        env,
        spec,
        num_problems=num_problems,
        num_responses=num_responses,
        num_rollouts=max_rollouts,
        completer_skill=completer_skill,
        judge_hit=judge_hit,
        judge_false_alarm=judge_false_alarm,
        active_rollouts=num_rollouts,
    )
    true_first = data.traj.first_error
    mc = mc_labels(data.counts, max_rollouts)
    agree = mc.first_error == data.judge_first
    kept = agree.mean()
    loc = jnp.stack(
        [
            (mc.first_error == true_first).mean(),
            (data.judge_first == true_first).mean(),
            jnp.sum(agree & (data.judge_first == true_first)) / jnp.maximum(agree.sum(), 1),
        ]
    )
    t = jnp.arange(num_steps)
    good = t < true_first[:, None]
    at_err = t == true_first[:, None]
    under = jnp.sum(good & (mc.hard == 0)) / jnp.maximum(good.sum(), 1)
    over = jnp.sum(at_err & (mc.hard == 1)) / jnp.maximum(at_err.sum(), 1)
    value = jax.vmap(_env.prefix_success_probs, in_axes=(0, 0, None, None, None))(
        data.traj, data.difficulty, completer_skill, env.self_correct, env.lucky
    )
    outcome = data.traj.correct.reshape(num_problems, num_responses)
    process = (true_first == num_steps).reshape(num_problems, num_responses)

    def bon_for(how):
        idx = jnp.argmax(aggregate_scores(value, how).reshape(num_problems, num_responses), axis=-1)[:, None]
        pick = lambda a: jnp.take_along_axis(a, idx, axis=-1)[:, 0].mean()
        return jnp.stack([pick(outcome), pick(process)])

    bon = jnp.stack([bon_for(how) for how in AGGREGATORS])
    policy = jnp.stack([outcome.mean(), process.mean()])
    wrong = true_first < num_steps
    argmin = jnp.argmin(value, axis=-1)
    argmin_hist = jnp.sum(jax.nn.one_hot(argmin, num_steps) * wrong[:, None], 0) / jnp.maximum(wrong.sum(), 1)
    first_hist = jnp.sum(jax.nn.one_hot(true_first, num_steps) * wrong[:, None], 0) / jnp.maximum(wrong.sum(), 1)
    return {
        "loc_acc": loc,
        "kept": kept,
        "under": under,
        "over": over,
        "bon": bon,
        "policy": policy,
        "argmin_hist": argmin_hist,
        "first_hist": first_hist,
    }


LABEL_SOURCES = ("mc_hard", "mc_soft", "judge", "consensus", "truth")


def training_labels(data: PRMData, source: str) -> tuple[jax.Array, jax.Array]:
    """(targets, mask) of shape (n, T) for one label source in :data:`LABEL_SOURCES`.

    ``consensus`` uses the judge's labels on the solutions where the MC and judge first errors agree and masks
    the rest out; ``truth`` uses the ground-truth first error (an oracle, for reference).
    """
    check_choice("source", source, LABEL_SOURCES)
    num_steps = data.counts.shape[-1]
    if source in ("mc_hard", "mc_soft"):
        lab = mc_labels(data.counts, data.num_rollouts)
        return (lab.hard if source == "mc_hard" else lab.soft), lab.mask
    if source == "truth":
        return first_error_labels(data.traj.first_error, num_steps)
    y, m = first_error_labels(data.judge_first, num_steps)
    if source == "consensus":
        agree = mc_labels(data.counts, data.num_rollouts).first_error == data.judge_first
        m = m * agree[:, None]
    return y, m


def evaluate_prm(params: PRMParams, data: PRMData, num_responses: int, aggregator: str = "min") -> dict[str, jax.Array]:
    """Step-level (ProcessBench F1) and response-level (best-of-N) evaluation of a PRM on held-out data.

    ``data`` must hold ``num_responses`` consecutive responses per problem (as :func:`annotate` lays them out).
    Returns ``f1``, ``acc_error``, ``acc_correct``, ``bon_outcome`` (the chosen answer is right),
    ``bon_process`` (the chosen solution has no wrong step) and ``min_on_final`` (fraction of solutions whose
    lowest step score is on the last step).
    """
    _c.check_choice("aggregator", aggregator, AGGREGATORS)
    num_steps = data.counts.shape[-1]
    scores = prm_scores(params, data.features)
    out = processbench_f1(predict_first_error(scores), data.traj.first_error, num_steps)
    agg = aggregate_scores(scores, aggregator).reshape(-1, num_responses)
    idx = jnp.argmax(agg, axis=-1)[:, None]
    pick = lambda a: jnp.take_along_axis(a.reshape(-1, num_responses), idx, axis=-1).mean()
    out["bon_outcome"] = pick(data.traj.correct)
    out["bon_process"] = pick(data.traj.first_error == num_steps)
    out["min_on_final"] = jnp.mean(jnp.argmin(scores, axis=-1) == num_steps - 1)
    return out
