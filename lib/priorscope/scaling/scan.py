"""SCAN: self-confidence filtering and soft labels for process reward models.

Monte Carlo step labels are noisy where the completer is unsure. SCAN keeps the solutions the policy is confident
about and turns MC scores near the predicted first error into soft labels (:func:`~priorscope.scaling.prm.scan_labels`);
this module builds such data sets in the simulated environment and measures how robust a PRM trained on them is to
label noise.

References:
    Ding, Shi, Li, Liang, Tu and Zhang (2025), SCAN: Self-Denoising Monte Carlo Annotation for Robust Process
    Reward Learning, arXiv:2509.16548.
"""

from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp

from priorscope import _checks as _c
from priorscope._checks import check_in_range, check_int
from priorscope.scaling import env as _env
from priorscope.scaling.prm import PRMData, annotate, mc_labels, scan_labels

__all__ = [
    "ScanData",
    "scan_dataset",
    "scan_noise_study",
]


class ScanData(NamedTuple):
    """Vanilla-MC and SCAN training sets built from one annotator's own responses.

    Attributes:
        data: the annotated responses (:class:`PRMData`, num_responses per question).
        self_confidence: (n·k,) SC(q) of each response's question: the annotator's accuracy on it.
        kept: (n·k,) the question passes the SC threshold.
        vanilla: (targets, mask) hard MC labels on every response.
        scan: (targets, mask) SCAN labels (all-one for correct responses, soft near t_pred), zero mask if not kept.
        vanilla_rollouts: () completions vanilla MC generates: every non-final prefix of every response.
        scan_rollouts: () completions SCAN generates: non-final prefixes of incorrect responses of kept questions.
        label_noise: (2,) label-noise ratio of (vanilla, SCAN): fraction of labelled responses whose label-implied first
            error differs from the true one.
    """

    data: PRMData
    self_confidence: jax.Array
    kept: jax.Array
    vanilla: tuple[jax.Array, jax.Array]
    scan: tuple[jax.Array, jax.Array]
    vanilla_rollouts: jax.Array
    scan_rollouts: jax.Array
    label_noise: jax.Array


def scan_dataset(
    key: jax.Array,
    annotator: _env.ReasoningEnv,
    spec: _env.FeatureSpec,
    *,
    num_problems: int,
    num_responses: int,
    num_rollouts: int,
    threshold: jax.Array = 0.75,
    tolerance: int = 2,
    soft: bool = True,
    balance_responses: bool = False,
    difficulty_mean: jax.Array = 0.0,
    active_rollouts: jax.Array | None = None,
) -> ScanData:
    """Build vanilla-MC and SCAN training sets from an annotator's own responses (Ding et al. 2025).

    The annotator (skill ``annotator.skill``) answers every question ``num_responses`` times; its accuracy there
    is its self-confidence SC(q). Vanilla MC rolls out every prefix of every response (hard labels). SCAN keeps
    questions with SC ≥ ``threshold``, labels correct responses all-one without rollouts, and rolls out only the
    incorrect ones, with soft labels min(1, m_j / SC) on the ``tolerance`` steps before the first zero-score step
    (``soft=False`` gives hard labels there). ``balance_responses=True`` weights correct and incorrect responses
    to equal totals, as the official ``dataset/SCAN-Base/process.py`` does by subsampling.
    """
    num_rollouts = check_int("num_rollouts", num_rollouts, min_value=1)
    threshold = check_in_range("threshold", threshold, 0.0, 1.0)
    data = annotate(
        key,
        annotator,
        spec,
        num_problems=num_problems,
        num_responses=num_responses,
        num_rollouts=num_rollouts,
        completer_skill=annotator.skill,
        judge_hit=1.0,
        judge_false_alarm=0.0,
        difficulty_mean=difficulty_mean,
        active_rollouts=active_rollouts,
    )
    n_used = num_rollouts if active_rollouts is None else active_rollouts
    num_steps = annotator.num_steps
    correct = data.traj.correct
    sc = jnp.repeat(correct.reshape(num_problems, num_responses).mean(-1), num_responses)
    kept = sc >= threshold
    mc = mc_labels(data.counts, num_rollouts)
    vanilla = (mc.hard, mc.mask)
    y, m = scan_labels(data.counts, n_used, sc, correct, tolerance)
    if not soft:
        y = jnp.round(y)
    weight = kept.astype(float)
    if balance_responses:  # the official process.py subsamples to equal numbers; here by weights
        n_cor = jnp.sum(kept & correct)
        n_inc = jnp.sum(kept & ~correct)
        ratio = jnp.where(correct, n_inc / jnp.maximum(n_cor, 1), n_cor / jnp.maximum(n_inc, 1))
        weight = weight * jnp.minimum(1.0, ratio)
    m = m * weight[:, None]
    prefixes = num_steps - 1
    vanilla_cost = jnp.asarray(correct.shape[0] * prefixes) * n_used
    scan_cost = jnp.sum(kept & ~correct) * prefixes * n_used
    true_first = data.traj.first_error
    scan_first = jnp.where(correct, num_steps, mc.first_error)
    label_noise = jnp.stack(
        [
            jnp.mean(mc.first_error != true_first),
            jnp.sum((scan_first != true_first) & kept) / jnp.maximum(kept.sum(), 1),
        ]
    )
    return ScanData(data, sc, kept, vanilla, (y, m), vanilla_cost, scan_cost, label_noise)


def scan_noise_study(
    key: jax.Array,
    *,
    annotator_skill: jax.Array,
    self_correct: jax.Array,
    threshold: jax.Array,
    num_rollouts: jax.Array,
    num_problems: int,
    num_responses: int = 8,
    max_rollouts: int = 16,
    num_steps: int = 8,
    lucky: jax.Array = 0.05,
    difficulty_mean: jax.Array = -1.0,
) -> dict[str, jax.Array]:
    """Where MC label noise comes from, and what self-confidence filtering removes (for the SCAN panel).

    Returns ``sc_levels`` (k + 1,) the possible SC values j/k; ``under``/``over`` (k + 1,) the fraction of
    responses at each SC level whose MC first error is earlier (under-estimation) or later (over-estimation)
    than the true one; ``share`` (k + 1,) the fraction of responses at each level; ``label_noise`` (2,) vanilla and
    SCAN noise ratios at ``threshold``; ``cost`` () SCAN's rollouts as a fraction of vanilla's; and
    ``kept`` () the fraction of questions kept. ``threshold`` and ``num_rollouts`` may be traced.
    """
    threshold = _c.check_probability("threshold", threshold)
    env = _env.reasoning_env(num_steps, skill=annotator_skill, self_correct=self_correct, lucky=lucky)
    sd = scan_dataset(
        key,
        env,
        _env.feature_spec(),
        num_problems=num_problems,
        num_responses=num_responses,
        num_rollouts=max_rollouts,
        threshold=threshold,
        difficulty_mean=difficulty_mean,
        active_rollouts=num_rollouts,
    )
    mc_first = mc_labels(sd.data.counts, max_rollouts).first_error
    true_first = sd.data.traj.first_error
    level = jnp.round(sd.self_confidence * num_responses).astype(jnp.int32)
    onehot = jax.nn.one_hot(level, num_responses + 1)
    count = jnp.maximum(onehot.sum(0), 1.0)
    under = ((mc_first < true_first)[:, None] * onehot).sum(0) / count
    over = ((mc_first > true_first)[:, None] * onehot).sum(0) / count
    return {
        "sc_levels": jnp.arange(num_responses + 1) / num_responses,
        "under": under,
        "over": over,
        "share": onehot.mean(0),
        "label_noise": sd.label_noise,
        "cost": sd.scan_rollouts / sd.vanilla_rollouts,
        "kept": sd.kept.mean(),
    }
