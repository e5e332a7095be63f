r"""Group advantages for RL on reasoning (GRPO, Dr.GRPO, CANON) and a direction-flip bandit to train with.

A prompt gets G sampled responses with rewards :math:`r_1, \dots, r_G`; a *group advantage* turns them into
per-response weights for the policy gradient :math:`\sum_i A_i \nabla \log \pi(o_i)`.

* **GRPO** (Shao et al. 2024): :math:`A_i = (r_i - \bar r) / (\mathrm{std}(r) + \epsilon)`.
* **Dr.GRPO** (Liu et al. 2025): :math:`A_i = (r_i - \bar r) / L_{\max}` (no std; a constant length
  normaliser).
* **CANON** (Chen et al., "Conditional Advantage Estimation for Reinforcement Learning in Large Reasoning
  Models", ICLR 2026; official code ``biuboomc/CANON``,
  ``compute_dr_length_on_mean_group_outcome_advantage``):
  split the group at the median of a metric (length or entropy) into a high half H and a low half L. With
  :math:`\mu` weighting the inter-group term and :math:`\alpha` scaling it,

  .. math::

      A_i = \frac{1}{L_{\max}} \begin{cases}
        \mu(\alpha r_i - \bar r_L) + (1 - \mu)(r_i - \bar r_H), & i \in H,\\
        \mu(r_i - \alpha \bar r_H) + (1 - \mu)(r_i - \bar r_L), & i \in L.
      \end{cases}

  The first term compares a response with the *other* half (inter-group: which direction of the metric pays),
  the second with its own half (intra-group: which response is best among those sharing the trend). With an
  even
  G, :math:`\mu = 1/2` and :math:`\alpha = 1`, CANON is exactly Dr.GRPO, since
  :math:`\tfrac12(r - \bar r_L) + \tfrac12(r - \bar r_H) = r - \bar r`. The inter-group advantages of H sum to
  :math:`|H|(\bar r_H - \bar r_L)`.

The split follows the official code: sort by the metric (stable), the first :math:`\lfloor G/2 \rfloor` are L.
"""

from __future__ import annotations

from dataclasses import field
from functools import partial
from typing import NamedTuple

import jax
import jax.numpy as jnp

from priorscope import _checks as _c
from priorscope._checks import check_choice, check_in_range, check_int, check_positive, is_concrete
from priorscope._pytree import pytree_dataclass

__all__ = [
    "grpo_advantages",
    "dr_grpo_advantages",
    "canon_split",
    "canon_components",
    "canon_advantages",
    "length_shaped_advantages",
    "DirectionFlipBandit",
    "make_direction_flip_bandit",
    "bandit_accuracy",
    "TrainTrace",
    "train_bandit",
    "train_canon_family",
    "ESTIMATORS",
]

ESTIMATORS = ("grpo", "dr_grpo", "canon", "canon_random", "length_penalty")


def _check_group(rewards: jax.Array, metric: jax.Array | None = None) -> None:
    if rewards.ndim != 1 or rewards.shape[0] < 2:
        raise ValueError(f"rewards must be one group of shape (G,) with G >= 2, got shape {rewards.shape}")
    if metric is not None and metric.shape != rewards.shape:
        raise ValueError(f"metric must have the shape of rewards {rewards.shape}, got {metric.shape}")


def grpo_advantages(rewards: jax.Array, eps: float = 1e-6) -> jax.Array:
    r"""GRPO: :math:`(r_i - \bar r)/(\mathrm{std}(r) + \epsilon)` for one group ``(G,)`` (population std)."""
    rewards = jnp.asarray(rewards)
    _check_group(rewards)
    eps = check_positive("eps", eps)
    return (rewards - rewards.mean()) / (rewards.std() + eps)


def dr_grpo_advantages(rewards: jax.Array, max_len: float = 1.0) -> jax.Array:
    r"""Dr.GRPO: :math:`(r_i - \bar r)/L_{\max}` for one group ``(G,)``."""
    rewards = jnp.asarray(rewards)
    _check_group(rewards)
    max_len = check_positive("max_len", max_len)
    return (rewards - rewards.mean()) / max_len


def canon_split(metric: jax.Array) -> jax.Array:
    """Boolean mask ``(G,)`` of the high-metric half H (ranks ``>= G // 2`` after a stable sort)."""
    metric = _c.check_finite("metric", metric)
    metric = jnp.asarray(metric)
    ranks = jnp.argsort(jnp.argsort(metric, stable=True), stable=True)
    return ranks >= metric.shape[0] // 2


def canon_components(rewards: jax.Array, metric: jax.Array, alpha: jax.Array = 1.0) -> tuple[jax.Array, jax.Array]:
    """Inter- and intra-group advantages ``(G,)`` each (before mixing by μ and dividing by L_max)."""
    rewards, metric = jnp.asarray(rewards), jnp.asarray(metric)
    _check_group(rewards, metric)
    high = canon_split(metric)
    n_high = jnp.sum(high)
    mean_h = jnp.sum(jnp.where(high, rewards, 0.0)) / n_high
    mean_l = jnp.sum(jnp.where(high, 0.0, rewards)) / (rewards.shape[0] - n_high)
    inter = jnp.where(high, alpha * rewards - mean_l, rewards - alpha * mean_h)
    intra = jnp.where(high, rewards - mean_h, rewards - mean_l)
    return inter, intra


def canon_advantages(
    rewards: jax.Array, metric: jax.Array, mu: jax.Array, alpha: jax.Array = 1.0, max_len: float = 1.0
) -> jax.Array:
    r"""CANON advantages ``(G,)``: :math:`(\mu A^{\rm inter} + (1 - \mu) A^{\rm intra}) / L_{\max}`.

    Args:
        rewards: ``(G,)`` rewards of one group, G >= 2.
        metric: ``(G,)`` the conditioning metric (response length, entropy, ...).
        mu: inter-group weight :math:`\mu \in [0, 1]` (traced is fine); 1/2 with ``alpha=1`` is Dr.GRPO.
        alpha: inter-group scale :math:`\alpha > 0`.
        max_len: constant normaliser :math:`L_{\max} > 0`.
    """
    mu = check_in_range("mu", mu, 0.0, 1.0)
    alpha = check_positive("alpha", alpha)
    max_len = check_positive("max_len", max_len)
    inter, intra = canon_components(rewards, metric, alpha)
    return (mu * inter + (1.0 - mu) * intra) / max_len


def length_shaped_advantages(rewards: jax.Array, metric: jax.Array, weight: jax.Array) -> jax.Array:
    r"""Dr.GRPO plus a *fixed-direction* metric penalty: :math:`r_i - \bar r - w\,(m_i - \bar m)`.

    The hand-coded baseline CANON is compared with: it always prefers a low metric (e.g. short answers),
    whatever
    the prompt.
    """
    rewards, metric = jnp.asarray(rewards), jnp.asarray(metric)
    _check_group(rewards, metric)
    return rewards - rewards.mean() - weight * (metric - metric.mean())


# ----------------------------------------------------------------------------------------------------
# A bandit whose helpful direction of the metric flips with difficulty
# ----------------------------------------------------------------------------------------------------


@pytree_dataclass
class DirectionFlipBandit:
    r"""A "reasoning" bandit: prompts of B difficulty levels, S strategies with a latent length.

    Strategy j has length :math:`\ell_j` (standardised) and, on a prompt of level b, success probability
    :math:`p_{bj} = \sigma(c_b + \kappa_b \ell_j + q_j)`, with a slope :math:`\kappa_b` that is negative on
    easy
    prompts (long answers over-think) and positive on hard ones (they need the length).

    Attributes:
        lengths: ``(S,)`` standardised lengths :math:`\ell_j`.
        success_logits: ``(B, S)`` logits of :math:`p_{bj}`.
        level_probs: ``(B,)`` how often each level is drawn.
    """

    lengths: jax.Array
    success_logits: jax.Array
    level_probs: jax.Array
    num_levels: int = field(metadata=dict(static=True), default=2)

    def __post_init__(self):
        if _c.is_data(self.lengths, self.success_logits, self.level_probs):
            _c.check_finite("lengths", self.lengths)
            _c.check_finite("success_logits", self.success_logits)
            _c.check_probabilities("level_probs", self.level_probs)


def make_direction_flip_bandit(
    key: jax.Array,
    num_strategies: int = 20,
    *,
    slope: float = 2.0,
    easy_offset: float = 1.0,
    hard_offset: float = -1.0,
    quality_noise: float = 0.3,
) -> DirectionFlipBandit:
    """Two levels: easy (slope ``-slope``, offset ``easy_offset``) and hard (slope ``+slope``), drawn
    equally."""
    num_strategies = check_int("num_strategies", num_strategies, min_value=2)
    quality_noise = check_positive("quality_noise", quality_noise, allow_zero=True)
    lengths = jnp.linspace(-1.0, 1.0, num_strategies)
    quality = quality_noise * jax.random.normal(key, (num_strategies,))
    offsets = jnp.asarray([easy_offset, hard_offset])[:, None]
    slopes = jnp.asarray([-slope, slope])[:, None]
    logits = offsets + slopes * lengths[None, :] + quality[None, :]
    return DirectionFlipBandit(lengths, logits, jnp.asarray([0.5, 0.5]), 2)


def bandit_accuracy(bandit: DirectionFlipBandit, policy_logits: jax.Array) -> tuple[jax.Array, jax.Array]:
    """Exact expected accuracy (scalar) and expected length per level ``(B,)`` of a softmax policy ``(B, S)``.

    Exact sums over strategies, so learning curves carry no evaluation noise.
    """
    if jnp.shape(policy_logits)[-1:] != jnp.shape(bandit.lengths):
        raise ValueError(
            f"policy_logits must have shape (..., {jnp.shape(bandit.lengths)[0]}) (one per strategy), "
            f"got {jnp.shape(policy_logits)}"
        )
    probs = jax.nn.softmax(policy_logits, axis=-1)
    acc = jnp.sum(bandit.level_probs * jnp.sum(probs * jax.nn.sigmoid(bandit.success_logits), axis=-1))
    return acc, probs @ bandit.lengths


class TrainTrace(NamedTuple):
    """Per-update diagnostics of :func:`train_bandit`.

    Attributes:
        accuracy: ``(num_updates,)`` exact expected accuracy after each update.
        length: ``(num_updates, B)`` expected length per difficulty level after each update.
    """

    accuracy: jax.Array
    length: jax.Array


def _advantages(rule: str, rewards, split_metric, length, mu, alpha, shaping, normalize):
    """One group's advantages: "plain" (r - mean) or "canon"; optional std scaling (GRPO); length shaping."""
    if rule == "canon":
        inter, intra = canon_components(rewards, split_metric, alpha)
        adv = mu * inter + (1.0 - mu) * intra
    else:
        adv = rewards - rewards.mean()
    adv = jnp.where(normalize > 0, adv / (rewards.std() + 1e-6), adv)
    return adv - shaping * (length - length.mean())


#: estimator -> (rule, normalize by std, random split, mu, alpha, shaping); None means "use the argument".
_ESTIMATOR_SPECS = {
    "grpo": ("plain", 1.0, 0.0, 0.5, 1.0, 0.0),
    "dr_grpo": ("plain", 0.0, 0.0, 0.5, 1.0, 0.0),
    "canon": ("canon", 0.0, 0.0, None, None, 0.0),
    "canon_random": ("canon", 0.0, 1.0, None, None, 0.0),
    "length_penalty": ("plain", 0.0, 0.0, 0.5, 1.0, None),
}


def train_bandit(
    key: jax.Array,
    bandit: DirectionFlipBandit,
    estimator: str,
    *,
    num_updates: int,
    num_prompts: int,
    group_size: int,
    learning_rate: jax.Array = 0.5,
    mu: jax.Array = 0.5,
    alpha: jax.Array = 1.0,
    shaping: jax.Array = 0.2,
) -> tuple[jax.Array, TrainTrace]:
    r"""REINFORCE with group advantages on the bandit, from the uniform policy.

    Each update draws ``num_prompts`` prompts (levels), ``group_size`` strategies per prompt from the policy
    :math:`\pi_b = \mathrm{softmax}(\theta_b)`, Bernoulli rewards, group advantages by ``estimator``, and
    takes the
    step :math:`\theta \leftarrow \theta + \eta \frac{1}{N G}\sum A_i \nabla_\theta \log \pi(j_i)`.

    Args:
        key: PRNG key.
        bandit: the :class:`DirectionFlipBandit`.
        estimator: one of :data:`ESTIMATORS` (static); ``"canon_random"`` is CANON with a random split (the
            control showing that the metric, not the reweighting, carries the signal).
        num_updates, num_prompts, group_size: sizes (static; group_size >= 2).
        learning_rate: step size η > 0 (traced).
        mu, alpha: CANON's inter weight and scale (traced).
        shaping: weight of the fixed length penalty for ``"length_penalty"`` (traced).

    Returns:
        ``(policy_logits (B, S), TrainTrace)``.
    """
    check_choice("estimator", estimator, ESTIMATORS)
    num_updates = check_int("num_updates", num_updates, min_value=1)
    num_prompts = check_int("num_prompts", num_prompts, min_value=1)
    group_size = check_int("group_size", group_size, min_value=2)
    learning_rate = check_positive("learning_rate", learning_rate)
    mu = check_in_range("mu", mu, 0.0, 1.0)
    alpha = check_positive("alpha", alpha)
    if is_concrete(shaping):
        shaping = check_in_range("shaping", shaping, 0.0, 100.0)
    rule, normalize, random_split, mu_, alpha_, shaping_ = _ESTIMATOR_SPECS[estimator]
    f = jnp.result_type(float)
    return _train(
        key,
        bandit,
        num_updates,
        num_prompts,
        group_size,
        rule,
        jnp.asarray(learning_rate, f),
        jnp.asarray(mu if mu_ is None else mu_, f),
        jnp.asarray(alpha if alpha_ is None else alpha_, f),
        jnp.asarray(shaping if shaping_ is None else shaping_, f),
        jnp.asarray(normalize, f),
        jnp.asarray(random_split, f),
    )


def train_canon_family(
    key: jax.Array,
    bandit: DirectionFlipBandit,
    mu: jax.Array,
    alpha: jax.Array,
    shaping: jax.Array,
    *,
    num_updates: int,
    num_prompts: int,
    group_size: int,
    learning_rate: jax.Array = 0.5,
    normalize: jax.Array | None = None,
    random_split: jax.Array | None = None,
) -> tuple[jax.Array, TrainTrace]:
    r"""Train R runs at once, each with its own mix of inter, intra and length-penalty advantages.

    Run r uses :math:`A = \mu_r A^{\rm inter} + (1 - \mu_r) A^{\rm intra} - w_r(\ell - \bar\ell)`, divided by
    the group's std when ``normalize[r]`` and with a random split when ``random_split[r]``. One compilation covers
    Dr.GRPO (:math:`\mu = 1/2, \alpha = 1`), GRPO (the same, normalised), CANON, its random-split control and the
    fixed length penalty (:math:`w > 0`). All runs share ``key`` (common random numbers). Needs an even
    ``group_size``, so that :math:`\mu = 1/2` is exactly Dr.GRPO.

    Args:
        key: PRNG key.
        bandit: the :class:`DirectionFlipBandit`.
        mu, alpha, shaping: ``(R,)`` per-run parameters.
        num_updates, num_prompts, group_size: sizes (static).
        learning_rate: step size (traced, shared).
        normalize, random_split: ``(R,)`` booleans (default all False).

    Returns:
        ``(policy_logits (R, B, S), TrainTrace with leading axis R)``.
    """
    group_size = check_int("group_size", group_size, min_value=2)
    if group_size % 2:
        raise ValueError(f"group_size must be even for train_canon_family, got {group_size}")
    num_updates = check_int("num_updates", num_updates, min_value=1)
    num_prompts = check_int("num_prompts", num_prompts, min_value=1)
    mu = check_in_range("mu", mu, 0.0, 1.0)
    alpha = check_positive("alpha", alpha)
    learning_rate = check_positive("learning_rate", learning_rate)
    f = jnp.result_type(float)
    mu, alpha, shaping = (jnp.asarray(x, f) for x in (mu, alpha, shaping))
    if not mu.shape == alpha.shape == shaping.shape or mu.ndim != 1:
        raise ValueError(
            f"mu, alpha, shaping must share one shape (R,), got {mu.shape}, {alpha.shape}, {shaping.shape}"
        )
    flags = [jnp.zeros(mu.shape, f) if x is None else jnp.asarray(x, f) for x in (normalize, random_split)]
    if any(x.shape != mu.shape for x in flags):
        raise ValueError(f"normalize and random_split must have shape {mu.shape}")
    run = partial(_train, key, bandit, num_updates, num_prompts, group_size, "canon", jnp.asarray(learning_rate, f))
    return jax.vmap(run)(mu, alpha, shaping, *flags)


@partial(jax.jit, static_argnums=(2, 3, 4, 5))
def _train(
    key, bandit, num_updates, num_prompts, group_size, rule, learning_rate, mu, alpha, shaping, normalize, random_split
):
    num_levels, num_strategies = bandit.success_logits.shape

    def step(theta, key):
        k_lvl, k_act, k_rew, k_split = jax.random.split(key, 4)
        levels = jax.random.choice(k_lvl, num_levels, (num_prompts,), p=bandit.level_probs)
        actions = jax.random.categorical(k_act, theta[levels][:, None, :], shape=(num_prompts, group_size))
        p = jax.nn.sigmoid(bandit.success_logits[levels[:, None], actions])
        rewards = (jax.random.uniform(k_rew, p.shape) < p).astype(theta.dtype)
        length = bandit.lengths[actions]
        # The control splits each group at random instead of by the metric.
        split = jnp.where(random_split > 0, jax.random.uniform(k_split, length.shape), length)
        adv = jax.vmap(lambda r, m, ln: _advantages(rule, r, m, ln, mu, alpha, shaping, normalize))(
            rewards, split, length
        )
        # grad of sum_i A_i log pi(a_i): (onehot(a_i) - pi) per response, accumulated into its level's row.
        pi = jax.nn.softmax(theta[levels], axis=-1)  # (N, S)
        onehot = jax.nn.one_hot(actions, num_strategies)  # (N, G, S)
        g_rows = jnp.sum(adv[..., None] * (onehot - pi[:, None, :]), axis=1)  # (N, S)
        grad = jnp.zeros_like(theta).at[levels].add(g_rows) / (num_prompts * group_size)
        theta = theta + learning_rate * grad
        acc, length = bandit_accuracy(bandit, theta)
        return theta, (acc, length)

    theta0 = jnp.zeros((num_levels, num_strategies))
    theta, (acc, length) = jax.lax.scan(step, theta0, jax.random.split(key, num_updates))
    return theta, TrainTrace(acc, length)
