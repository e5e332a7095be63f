"""A simulated multi-step reasoning environment whose ground truth is known.

LLM reasoning cannot run on a laptop CPU, but the claims of the process-supervision papers (AlphaMath, the Qwen
"lessons" paper, SCAN, BiPRM, early rejection) are claims about *where the first wrong step is* and about how
well a label source or a reward model finds it. Those claims can be taught exactly in a world where the first
wrong step is known. This module is that world.

A problem has a difficulty :math:`\\delta`. A policy of skill :math:`s` writes :math:`T` steps. While it is *on
track* each step is wrong with probability

.. math:: p(\\delta, s) = \\sigma(\\delta - s),

after which the chain is *off track*; an off-track chain self-corrects with probability :math:`r` per step. The
final answer is right when the chain ends on track, or — "lucky compensation" — with probability :math:`\\rho`
when it ends off track. The ground-truth first-error index :math:`\\tau^*` is the first step where an error is
made (:math:`T` when there is none); a trajectory with no error always has the right answer.

The same two-state Markov chain drives a *completer* (the annotator of Math-Shepherd-style Monte Carlo labels)
of its own skill :math:`c`, so the success probability of a rollout from any prefix has a closed form
(:func:`completion_success_prob`), and a simulated *judge* flags each correct step with false-alarm rate
:math:`f_J` and each wrong step with hit rate :math:`a_J` (:func:`judge_first_error`). :func:`step_features`
gives every step the noisy evidence a process reward model (PRM) reads. The token-level stream used for partial rewards
lives in :mod:`~priorscope.scaling.early_rejection`, the tree of candidate steps in
:mod:`~priorscope.scaling.tree_search`.

References:
    Wang et al. (2024), Math-Shepherd, arXiv:2312.08935 (MC step labels).
    Zhang et al. (2025), The Lessons of Developing Process Reward Models in Mathematical Reasoning,
    arXiv:2501.07301.
"""

from __future__ import annotations

from dataclasses import field
from typing import NamedTuple

import jax
import jax.numpy as jnp

from priorscope import _checks as _c
from priorscope._checks import (
    check_finite,
    check_in_range,
    check_int,
    check_positive,
    check_probability,
    is_data,
)
from priorscope._pytree import pytree_dataclass

__all__ = [
    "ReasoningEnv",
    "reasoning_env",
    "Trajectory",
    "FeatureSpec",
    "feature_spec",
    "FEATURE_NAMES",
    "step_error_prob",
    "sample_difficulties",
    "sample_trajectory",
    "sample_trajectories",
    "first_error_pmf",
    "completion_success_prob",
    "prefix_success_probs",
    "mc_rollout_counts",
    "judge_first_error",
    "judge_first_error_pmf",
    "step_features",
]


@pytree_dataclass
class ReasoningEnv:
    """A T-step policy on the two-state (on/off track) chain; build it with :func:`reasoning_env`.

    Attributes:
        num_steps: T, the number of steps (static: it fixes shapes).
        skill: s, the policy's skill; the per-step error probability is sigmoid(δ − s).
        self_correct: r, the probability that an off-track chain returns on track at the next step.
        lucky: ρ, the probability that an off-track chain still writes the right final answer.
    """

    num_steps: int = field(metadata=dict(static=True))
    skill: jax.Array
    self_correct: jax.Array
    lucky: jax.Array

    def __post_init__(self):
        # the raw constructor validates too (the factory also converts); JAX's rebuilds with tracers are skipped
        check_int("num_steps", self.num_steps, min_value=1)
        if is_data(self.skill, self.self_correct, self.lucky):
            check_finite("skill", self.skill)
            check_probability("self_correct", self.self_correct)
            check_probability("lucky", self.lucky)


def reasoning_env(num_steps: int, *, skill: float = 0.0, self_correct: float = 0.0, lucky: float = 0.0):
    """Build a :class:`ReasoningEnv`, checking every argument.

    Args:
        num_steps: T ≥ 1.
        skill: s (any real; larger is better).
        self_correct: r in [0, 1].
        lucky: ρ in [0, 1].

    Returns:
        The environment (a frozen pytree; ``skill``, ``self_correct``, ``lucky`` are traced leaves).
    """
    num_steps = check_int("num_steps", num_steps, min_value=1)
    self_correct = check_in_range("self_correct", self_correct, 0.0, 1.0)
    lucky = check_in_range("lucky", lucky, 0.0, 1.0)
    return ReasoningEnv(
        num_steps, jnp.asarray(skill, float), jnp.asarray(self_correct, float), jnp.asarray(lucky, float)
    )


class Trajectory(NamedTuple):
    """One sampled chain of T steps (leading batch axes when vmapped).

    Attributes:
        errors: (T,) bool, an error is *made* at step t (only possible while on track).
        on_track: (T,) bool, the chain is on track after step t.
        first_error: () int, τ*, the first step with an error; T when there is none.
        correct: () bool, the final answer is right.
    """

    errors: jax.Array
    on_track: jax.Array
    first_error: jax.Array
    correct: jax.Array


def step_error_prob(difficulty: jax.Array, skill: jax.Array) -> jax.Array:
    """p(δ, s) = sigmoid(δ − s), the per-step error probability of an on-track chain (broadcasts)."""
    difficulty = _c.check_finite("difficulty", difficulty)
    skill = _c.check_finite("skill", skill)
    return jax.nn.sigmoid(jnp.asarray(difficulty) - jnp.asarray(skill))


def sample_difficulties(key: jax.Array, num_problems: int, *, mean: float = 0.0, scale: float = 1.0) -> jax.Array:
    """δ ~ N(mean, scale²) for ``num_problems`` problems; returns (num_problems,)."""
    num_problems = check_int("num_problems", num_problems, min_value=1)
    scale = check_positive("scale", scale)
    return mean + scale * jax.random.normal(key, (num_problems,))


def _chain(key, num_steps, err_prob, self_correct, lucky, start_on):
    """Simulate the two-state chain for ``num_steps`` steps from ``start_on``; (errors, on_track, correct)."""
    u = jax.random.uniform(key, (num_steps + 1,))  # one draw per step, and one for the lucky answer

    def step(on, u_t):
        err = on & (u_t < err_prob)
        back = (~on) & (u_t < self_correct)
        new_on = jnp.where(on, ~err, back)
        return new_on, (err, new_on)

    last, (errors, on_track) = jax.lax.scan(step, jnp.asarray(start_on, bool), u[:num_steps])
    correct = last | (u[num_steps] < lucky)
    return errors, on_track, correct


def sample_trajectory(key: jax.Array, env: ReasoningEnv, difficulty: jax.Array) -> Trajectory:
    """Sample one chain of ``env.num_steps`` steps on a problem of difficulty δ (a scalar).

    Returns:
        A :class:`Trajectory` with (T,) step arrays and scalar ``first_error``/``correct``.
    """
    if not isinstance(env, ReasoningEnv):
        raise TypeError(f"env must be a ReasoningEnv (see reasoning_env), got {type(env).__name__}")
    difficulty = _c.check_finite("difficulty", difficulty)
    p = step_error_prob(difficulty, env.skill)
    errors, on_track, correct = _chain(key, env.num_steps, p, env.self_correct, env.lucky, True)
    first = jnp.where(errors.any(), jnp.argmax(errors), env.num_steps)
    return Trajectory(errors, on_track, first, correct)


def sample_trajectories(key: jax.Array, env: ReasoningEnv, difficulties: jax.Array, num_samples: int) -> Trajectory:
    """``num_samples`` independent chains per problem; leaves have leading shape (n_problems, num_samples)."""
    num_samples = check_int("num_samples", num_samples, min_value=1)
    n = jnp.shape(difficulties)[0]
    keys = jax.random.split(key, (n, num_samples))
    per_problem = jax.vmap(sample_trajectory, in_axes=(0, None, None))
    return jax.vmap(per_problem, in_axes=(0, None, 0))(keys, env, jnp.asarray(difficulties))


def first_error_pmf(err_prob: jax.Array, num_steps: int) -> jax.Array:
    """Closed form of the law of τ*: P(τ* = t) = (1 − p)^t p for t < T and P(τ* = T) = (1 − p)^T.

    Self-correction and luck do not change it: τ* only depends on the steps before the first error.

    Returns:
        (T + 1,) probabilities.
    """
    num_steps = check_int("num_steps", num_steps, min_value=1)
    t = jnp.arange(num_steps + 1)
    p = jnp.asarray(check_probability("err_prob", err_prob))
    return jnp.where(t < num_steps, (1 - p) ** t * p, (1 - p) ** num_steps)


def completion_success_prob(
    on_track: jax.Array, steps_left: jax.Array, err_prob: jax.Array, self_correct: jax.Array, lucky: jax.Array
) -> jax.Array:
    """Exact success probability of a completion from a prefix, on the two-state chain.

    With :math:`a_k` = P(on track after k more steps), :math:`a_{k+1} = r + (1 - p - r) a_k`, so

    .. math:: a_k = a_\\infty + (a_0 - a_\\infty)(1 - p - r)^k,\\quad a_\\infty = r / (p + r),

    and the answer is right with probability :math:`a_k + \\rho (1 - a_k)` (all arguments broadcast).

    Args:
        on_track: a_0 ∈ {0, 1} (bool or float), the state at the end of the prefix.
        steps_left: k ≥ 0, the number of steps the completer still writes.
        err_prob: p, the completer's per-step error probability.
        self_correct: r.
        lucky: ρ.
    """
    steps_left = _c.check_nonnegative("steps_left", steps_left)
    err_prob = _c.check_probability("err_prob", err_prob)
    self_correct = _c.check_probability("self_correct", self_correct)
    lucky = _c.check_probability("lucky", lucky)
    a0 = jnp.asarray(on_track, float)
    p, r = jnp.asarray(err_prob, float), jnp.asarray(self_correct, float)
    denom = p + r
    a_inf = jnp.where(denom > 0, r / jnp.where(denom > 0, denom, 1.0), a0)
    ak = a_inf + (a0 - a_inf) * (1 - p - r) ** jnp.asarray(steps_left, float)
    return ak + jnp.asarray(lucky, float) * (1 - ak)


def prefix_success_probs(
    traj: Trajectory, difficulty: jax.Array, completer_skill: jax.Array, self_correct: jax.Array, lucky: jax.Array
) -> jax.Array:
    """Exact expectation of the MC label of every prefix of one trajectory (the completer's value).

    The prefix through step j (j < T − 1) is completed by a completer of skill c for T − 1 − j more steps; the
    last prefix is the whole solution, whose value is its own correctness. Returns (T,).
    """
    completer_skill = _c.check_finite("completer_skill", completer_skill)
    self_correct = _c.check_probability("self_correct", self_correct)
    lucky = _c.check_probability("lucky", lucky)
    num_steps = traj.on_track.shape[-1]
    j = jnp.arange(num_steps)
    p_c = step_error_prob(difficulty, completer_skill)
    v = completion_success_prob(traj.on_track, num_steps - 1 - j, p_c, self_correct, lucky)
    return jnp.where(j == num_steps - 1, traj.correct.astype(float), v)


def mc_rollout_counts(
    key: jax.Array,
    traj: Trajectory,
    difficulty: jax.Array,
    completer_skill: jax.Array,
    self_correct: jax.Array,
    lucky: jax.Array,
    num_rollouts: int,
    active_rollouts: jax.Array | None = None,
) -> jax.Array:
    """Math-Shepherd Monte Carlo annotation of one trajectory: successes out of N rollouts per prefix.

    Every prefix j < T − 1 is completed ``num_rollouts`` times by simulating the completer's chain; the final
    prefix is the finished solution, so its count is N·1[correct]. E[count_j / N] equals
    :func:`prefix_success_probs`.

    Args:
        active_rollouts: optional traced N' ≤ ``num_rollouts``: count only the first N' rollouts (lets a slider
            change N without recompiling).

    Returns:
        (T,) int counts in [0, N] (in [0, N'] with ``active_rollouts``).
    """
    num_rollouts = _c.check_int("num_rollouts", num_rollouts, min_value=1)
    if active_rollouts is not None:
        active_rollouts = _c.check_in_range("active_rollouts", active_rollouts, 0, num_rollouts)
    completer_skill = _c.check_finite("completer_skill", completer_skill)
    self_correct = _c.check_probability("self_correct", self_correct)
    lucky = _c.check_probability("lucky", lucky)
    num_steps = traj.on_track.shape[-1]
    p_c = step_error_prob(difficulty, completer_skill)
    u = jax.random.uniform(key, (num_steps + 1, num_steps, num_rollouts))  # (time, prefix, rollout)
    steps_left = num_steps - 1 - jnp.arange(num_steps)
    j = jnp.arange(num_steps)

    def step(on, xs):
        u_t, t = xs
        new_on = jnp.where(on, u_t >= p_c, u_t < self_correct)
        return jnp.where((t < steps_left)[:, None], new_on, on), None

    start = jnp.broadcast_to(traj.on_track[:, None], (num_steps, num_rollouts))
    last, _ = jax.lax.scan(step, start, (u[:num_steps], jnp.arange(num_steps)))
    sim = last | (u[num_steps] < lucky)
    n_used = num_rollouts if active_rollouts is None else jnp.clip(active_rollouts, 1, num_rollouts)
    counts = jnp.sum(sim & (jnp.arange(num_rollouts) < n_used), axis=-1)
    return jnp.where(j == num_steps - 1, n_used * traj.correct.astype(counts.dtype), counts)


def judge_first_error(
    key: jax.Array, first_error: jax.Array, num_steps: int, hit_rate: jax.Array, false_alarm: jax.Array
) -> jax.Array:
    """A simulated LLM judge's answer to "which step is the first wrong one?" (T for "none").

    The judge reads the steps in order; it flags a correct step (t < τ*) with probability f_J and a wrong step
    (t ≥ τ*) with probability a_J, and reports the first flag. Scalar ``first_error``; vmap for batches.
    """
    num_steps = _c.check_int("num_steps", num_steps, min_value=1)
    hit_rate = _c.check_probability("hit_rate", hit_rate)
    false_alarm = _c.check_probability("false_alarm", false_alarm)
    t = jnp.arange(num_steps)
    prob = jnp.where(t < first_error, false_alarm, hit_rate)
    flags = jax.random.uniform(key, (num_steps,)) < prob
    return jnp.where(flags.any(), jnp.argmax(flags), num_steps)


def judge_first_error_pmf(first_error: int, num_steps: int, hit_rate: float, false_alarm: float) -> jax.Array:
    """Closed-form law of :func:`judge_first_error` for a given τ*; returns (T + 1,) probabilities."""
    num_steps = _c.check_int("num_steps", num_steps, min_value=1)
    first_error = _c.check_int("first_error", first_error, min_value=0, max_value=num_steps)
    hit_rate = _c.check_probability("hit_rate", hit_rate)
    false_alarm = _c.check_probability("false_alarm", false_alarm)
    t = jnp.arange(num_steps + 1)
    f, a = jnp.asarray(false_alarm, float), jnp.asarray(hit_rate, float)
    before = (1 - f) ** t * f
    after = (1 - f) ** first_error * (1 - a) ** (t - first_error) * a
    none = (1 - f) ** jnp.minimum(first_error, num_steps) * (1 - a) ** (num_steps - jnp.minimum(first_error, num_steps))
    return jnp.where(t == num_steps, none, jnp.where(t < first_error, before, after))


@pytree_dataclass
class FeatureSpec:
    """How loudly each step shows its own correctness to a PRM; build it with :func:`feature_spec`.

    Attributes:
        signal: mean shift of the local error evidence at the step where an error is made.
        state_signal: mean shift of the "something is inconsistent" evidence while off track.
        answer_signal: at the last step, the evidence that the final answer is right (±answer_signal).
        noise_std: standard deviation of every evidence channel.
        late_fraction: f, the fraction of errors whose evidence appears only ``lag`` steps later (BiPRM).
        lag: how many steps later a late-detectable error shows (static).
    """

    signal: jax.Array
    state_signal: jax.Array
    answer_signal: jax.Array
    noise_std: jax.Array
    late_fraction: jax.Array
    lag: int = field(default=2, metadata=dict(static=True))

    def __post_init__(self):
        check_int("lag", self.lag, min_value=1)
        if is_data(self.signal, self.state_signal, self.answer_signal, self.noise_std, self.late_fraction):
            for name in ("signal", "state_signal", "answer_signal"):
                check_finite(name, getattr(self, name))
            check_positive("noise_std", self.noise_std)
            check_probability("late_fraction", self.late_fraction)


def feature_spec(
    *,
    signal: float = 2.0,
    state_signal: float = 0.5,
    answer_signal: float = 2.0,
    noise_std: float = 1.0,
    late_fraction: float = 0.0,
    lag: int = 2,
) -> FeatureSpec:
    """Build a :class:`FeatureSpec`, checking ranges (noise > 0, late_fraction in [0, 1], lag ≥ 1)."""
    noise_std = check_positive("noise_std", noise_std)
    late_fraction = check_in_range("late_fraction", late_fraction, 0.0, 1.0)
    lag = check_int("lag", lag, min_value=1)
    f = lambda x: jnp.asarray(x, float)
    return FeatureSpec(f(signal), f(state_signal), f(answer_signal), f(noise_std), f(late_fraction), lag)


FEATURE_NAMES = (
    "local",  # evidence that this step makes an error (absent for late-detectable errors)
    "prefix_max",  # running max of "local" over steps ≤ t: what a left-to-right reader has seen so far
    "state",  # evidence that the chain is off track after step t
    "answer",  # last step only: evidence that the final answer is right
    "position",  # t / (T − 1)
    "difficulty",  # δ
    "is_final",  # 1 at the last step
    "check",  # a later consistency check fails here (it concerns the step `lag` earlier)
    "backref",  # evidence that later steps hold about this step: only a right-to-left reader sees it
)


def step_features(key: jax.Array, traj: Trajectory, difficulty: jax.Array, spec: FeatureSpec) -> jax.Array:
    """The per-step evidence a PRM reads for one trajectory; returns (T, len(FEATURE_NAMES)).

    The error made at τ* is *early-detectable* (its evidence sits at τ*) with probability 1 − f and
    *late-detectable* with probability f: then the "local" channel at τ* is pure noise, the "check" channel
    fires at τ* + lag (where a left-to-right reader first notices a contradiction), and the "backref" channel at
    τ* carries it (what a right-to-left reader learns about step τ* from later steps).
    """
    if not isinstance(spec, FeatureSpec):
        raise TypeError(f"spec must be a FeatureSpec (see feature_spec), got {type(spec).__name__}")
    num_steps = traj.on_track.shape[-1]
    t = jnp.arange(num_steps)
    z = jax.random.normal(key, (6, num_steps))
    late = jax.scipy.special.ndtr(z[5]) < spec.late_fraction  # an independent uniform from the sixth row
    err = traj.errors.astype(float)
    eps = spec.noise_std * z
    local = spec.signal * err * (1 - late) + eps[0]
    state = spec.state_signal * (1 - traj.on_track.astype(float)) + eps[1]
    is_final = (t == num_steps - 1).astype(float)
    answer = is_final * (spec.answer_signal * (2 * traj.correct.astype(float) - 1) + eps[2])
    late_err = err * late
    shifted = jnp.concatenate([jnp.zeros(spec.lag), late_err])[:num_steps]  # late error at i shows at i + lag
    check = spec.signal * shifted + eps[3]
    backref = spec.signal * late_err + eps[4]
    position = t / max(num_steps - 1, 1)
    diff = jnp.broadcast_to(jnp.asarray(difficulty, float), (num_steps,))
    cols = [local, jax.lax.cummax(local), state, answer, position, diff, is_final, check, backref]
    return jnp.stack(cols, axis=-1)
