"""Step-level search on a tree of candidate steps: step-level beam search and PUCT MCTS (AlphaMath).

At every step the policy proposes ``num_candidates`` next steps (:func:`expand_candidates`); greedy follows the
policy's favourite; SBS(B1, B2) keeps B1 beams and expands each into B2 candidates ranked by a value model
(:func:`step_beam_search`, AlphaMath's step-level beam search); PUCT MCTS (:func:`mcts`) learns step values from
final-answer rewards only, and :func:`tree_value_targets` turns its tree into training targets for the value model.

References:
    Chen et al. (2024), AlphaMath Almost Zero: Process Supervision without Process, arXiv:2405.03553.
"""

from __future__ import annotations

from functools import partial
from typing import NamedTuple

import jax
import jax.numpy as jnp

from priorscope import _checks as _c
from priorscope._checks import (
    check_choice,
    check_int,
    check_positive,
)
from priorscope.scaling.env import ReasoningEnv, step_error_prob
from priorscope.scaling.prm import PRMParams, prm_logits

__all__ = [
    "NODE_FEATURE_NAMES",
    "expand_candidates",
    "SCORERS",
    "step_beam_search",
    "Tree",
    "mcts",
    "tree_value_targets",
    "candidate_auc",
    "mcts_many",
    "beam_search_accuracy",
]


NODE_FEATURE_NAMES = ("evidence", "style", "depth", "difficulty")


def expand_candidates(
    key: jax.Array,
    env: ReasoningEnv,
    difficulty: jax.Array,
    on_track: jax.Array,
    depth: jax.Array,
    num_candidates: int,
    policy_signal: jax.Array,
    value_signal: jax.Array,
) -> tuple[jax.Array, jax.Array, jax.Array]:
    """The policy proposes ``num_candidates`` next steps from a node (step ``depth`` + 1 of T).

    From an on-track node each candidate is right with probability 1 − p(δ, s); from an off-track node it gets
    back on track with probability r. The policy's logit for a candidate is ``policy_signal``·(±1) + style, where
    the style ~ N(0, 1) is a trait the policy likes but that is unrelated to correctness (+ if the candidate is
    on track). A value model sees the child's node features :data:`NODE_FEATURE_NAMES`: the evidence
    ``value_signal``·(±1) + N(0, 1), the style, the new depth / T and δ.

    Returns:
        (on_track (K,), logits (K,), features (K, 4)) of the children.
    """
    num_candidates = _c.check_int("num_candidates", num_candidates, min_value=1)
    u = jax.random.uniform(key, (3, num_candidates))
    p = step_error_prob(difficulty, env.skill)
    on = jnp.where(on_track, u[0] >= p, u[0] < env.self_correct)
    sign = 2.0 * on - 1.0
    z = jax.scipy.special.ndtri(jnp.clip(u[1:], 1e-7, 1 - 1e-7))
    logits = policy_signal * sign + z[0]
    d = jnp.broadcast_to((depth + 1.0) / env.num_steps, (num_candidates,))
    delta = jnp.broadcast_to(difficulty, (num_candidates,))
    feats = jnp.stack([value_signal * sign + z[1], z[0], d, delta], axis=-1)
    return on, logits, feats


SCORERS = ("value", "policy")


def _value_logit(value_params: PRMParams, feats: jax.Array) -> jax.Array:
    return prm_logits(value_params, feats)


def step_beam_search(
    key: jax.Array,
    env: ReasoningEnv,
    difficulty: jax.Array,
    value_params: PRMParams,
    *,
    num_beams: int,
    num_candidates: int,
    policy_signal: jax.Array,
    value_signal: jax.Array,
    scorer: str = "value",
) -> jax.Array:
    """Step-level beam search SBS(B1, B2) on one problem; returns whether the final answer is right.

    At each of the T steps every one of the B1 beams proposes B2 candidates
    (:func:`expand_candidates`); all B1·B2 are ranked by the value model
    (``scorer="value"``) or by the policy's own logits (``scorer="policy"``) and the top B1 survive. The answer
    is that of the final beam with the best score. SBS(1, B2) with the policy scorer is greedy decoding: the
    policy's favourite of B2 proposals.
    """
    num_beams = check_int("num_beams", num_beams, min_value=1)
    num_candidates = check_int("num_candidates", num_candidates, min_value=1)
    check_choice("scorer", scorer, SCORERS)
    return _step_beam_search(
        key,
        env,
        difficulty,
        value_params,
        jnp.asarray(scorer == "value"),
        num_beams,
        num_candidates,
        policy_signal,
        value_signal,
    )


def _step_beam_search(
    key, env, difficulty, value_params, use_value, num_beams, num_candidates, policy_signal, value_signal, active=None
):
    """Beam search with ``num_beams`` slots of which the first ``active`` (traced; default all) are used."""
    num_steps = env.num_steps
    keys = jax.random.split(key, num_steps + 1)
    active = num_beams if active is None else active
    live = jnp.arange(num_beams) < active

    def step(carry, xs):
        on, _ = carry
        k, t = xs
        expand = lambda kk, o: expand_candidates(kk, env, difficulty, o, t, num_candidates, policy_signal, value_signal)
        c_on, logits, feats = jax.vmap(expand)(jax.random.split(k, num_beams), on)
        score = jnp.where(use_value, _value_logit(value_params, feats), logits)
        # idle slots propose nothing; at t = 0 every slot holds the root, so only slot 0 proposes
        proposes = live & ((t > 0) | (jnp.arange(num_beams) == 0)) if active is not num_beams else live
        score = jnp.where(proposes[:, None], score, -jnp.inf)
        top, idx = jax.lax.top_k(score.reshape(-1), num_beams)
        return (c_on.reshape(-1)[idx], top), None

    init = (jnp.ones(num_beams, bool), jnp.zeros(num_beams))
    (on, score), _ = jax.lax.scan(step, init, (keys[:num_steps], jnp.arange(num_steps)))
    final_on = on[jnp.argmax(jnp.where(live, score, -jnp.inf))]
    return final_on | (jax.random.uniform(keys[num_steps]) < env.lucky)


class Tree(NamedTuple):
    """A search tree stored in flat arrays of length 1 + num_simulations·K (node 0 is the root).

    Attributes:
        parent: (M,) parent index (−1 for the root).
        depth: (M,) number of steps written.
        on_track: (M,) the node's state.
        correct: (M,) final answer right (meaningful at depth T).
        prior: (M,) the policy's softmax probability among its siblings.
        visits: (M,) N(s).
        value_sum: (M,) W(s); Q(s) = W / N.
        child_start: (M,) index of the first of the node's K children (−1 if not expanded).
        features: (M, 4) value-model features of the node.
    """

    parent: jax.Array
    depth: jax.Array
    on_track: jax.Array
    correct: jax.Array
    prior: jax.Array
    visits: jax.Array
    value_sum: jax.Array
    child_start: jax.Array
    features: jax.Array


def _rollout(key, env, difficulty, on, depth, num_candidates, policy_signal, value_signal, temperature):
    """Complete a node by sampling the policy (softmax over K proposals per step); ±1 outcome reward."""
    keys = jax.random.split(key, env.num_steps + 1)

    def step(on, xs):
        k, t = xs
        k1, k2 = jax.random.split(k)
        c_on, logits, _ = expand_candidates(k1, env, difficulty, on, t, num_candidates, policy_signal, value_signal)
        pick = jax.random.categorical(k2, logits / temperature)
        return jnp.where(t >= depth, c_on[pick], on), None

    on, _ = jax.lax.scan(step, on, (keys[: env.num_steps], jnp.arange(env.num_steps)))
    correct = on | (jax.random.uniform(keys[-1]) < env.lucky)
    return jnp.where(correct, 1.0, -1.0)


def mcts(
    key: jax.Array,
    env: ReasoningEnv,
    difficulty: jax.Array,
    value_params: PRMParams,
    *,
    num_simulations: int,
    num_candidates: int,
    c_puct: jax.Array,
    value_weight: jax.Array,
    policy_signal: jax.Array,
    value_signal: jax.Array,
    temperature: jax.Array = 1.0,
    simulations_used: jax.Array | None = None,
) -> Tree:
    """PUCT Monte Carlo tree search over reasoning steps with final-answer rewards only (AlphaMath).

    Each simulation descends from the root by

    .. math:: a^* = \\arg\\max_a\\; Q(s, a) + c_{\\rm puct}\\, \\pi(a \\mid s)\\, \\frac{\\sqrt{N(s)}}{1 + N(s, a)},

    expands the leaf into K proposals, and evaluates it: ±1 at a finished solution, otherwise
    :math:`\\lambda (2 V_\\phi - 1) + (1 - \\lambda)\\, \\text{rollout}` with λ = ``value_weight`` (λ = 0: no value
    model yet, round 1). The value is averaged into every node on the path. Q of the visited nodes are the step
    values that train the value model (:func:`tree_value_targets`) — no step labels are used.

    ``num_simulations`` fixes the array sizes; ``simulations_used`` (traced, optional) runs only that many of
    them, so a slider on the number of simulations never recompiles.

    Returns:
        The final :class:`Tree`.
    """
    num_simulations = check_int("num_simulations", num_simulations, min_value=1)
    k = check_int("num_candidates", num_candidates, min_value=1)
    c_puct = check_positive("c_puct", c_puct)
    value_weight = _c.check_probability("value_weight", value_weight)
    size = 1 + num_simulations * k
    num_steps = env.num_steps
    zero = jnp.asarray(0.0)
    root_feat = jnp.stack([jnp.asarray(value_signal, float), zero, zero, jnp.asarray(difficulty, float)])
    tree = Tree(
        parent=jnp.full(size, -1),
        depth=jnp.zeros(size, jnp.int32),
        on_track=jnp.zeros(size, bool).at[0].set(True),
        correct=jnp.zeros(size, bool),
        prior=jnp.ones(size),
        visits=jnp.zeros(size),
        value_sum=jnp.zeros(size),
        child_start=jnp.full(size, -1),
        features=jnp.zeros((size, 4)).at[0].set(root_feat),
    )
    ar = jnp.arange(k)

    used = num_simulations if simulations_used is None else simulations_used

    def simulate(carry, xs):
        key, i = xs
        return jax.lax.cond(i < used, _simulate, lambda c, k: c, carry, key), None

    def _simulate(carry, key):
        tree, nxt = carry
        k_exp, k_luck, k_roll = jax.random.split(key, 3)

        def descend(node):
            idx = tree.child_start[node] + ar
            n = tree.visits[idx]
            q = jnp.where(n > 0, tree.value_sum[idx] / jnp.maximum(n, 1.0), 0.0)
            u = c_puct * tree.prior[idx] * jnp.sqrt(tree.visits[node]) / (1.0 + n)
            return idx[jnp.argmax(q + u)]

        leaf = jax.lax.while_loop(lambda n: tree.child_start[n] >= 0, descend, 0)
        terminal = tree.depth[leaf] >= num_steps
        on = tree.on_track[leaf]
        c_on, logits, feats = expand_candidates(
            k_exp, env, difficulty, on, tree.depth[leaf], k, policy_signal, value_signal
        )
        c_correct = c_on | (jax.random.uniform(k_luck, (k,)) < env.lucky)
        idx = nxt + ar
        put = lambda arr, new: arr.at[idx].set(jnp.where(terminal, arr[idx], new), mode="drop")
        tree = tree._replace(
            parent=put(tree.parent, jnp.full(k, leaf)),
            depth=put(tree.depth, jnp.full(k, tree.depth[leaf] + 1)),
            on_track=put(tree.on_track, c_on),
            correct=put(tree.correct, c_correct),
            prior=put(tree.prior, jax.nn.softmax(logits / temperature)),
            features=tree.features.at[idx].set(jnp.where(terminal, tree.features[idx], feats), mode="drop"),
            child_start=tree.child_start.at[leaf].set(jnp.where(terminal, -1, nxt)),
        )
        nxt = jnp.where(terminal, nxt, nxt + k)
        v_model = 2.0 * jax.nn.sigmoid(_value_logit(value_params, tree.features[leaf])) - 1.0
        roll = _rollout(k_roll, env, difficulty, on, tree.depth[leaf], k, policy_signal, value_signal, temperature)
        value = jnp.where(
            terminal,
            jnp.where(tree.correct[leaf], 1.0, -1.0),
            value_weight * v_model + (1.0 - value_weight) * roll,
        )

        def backup(c):
            node, visits, wsum = c
            return tree.parent[node], visits.at[node].add(1.0), wsum.at[node].add(value)

        _, visits, wsum = jax.lax.while_loop(lambda c: c[0] >= 0, backup, (leaf, tree.visits, tree.value_sum))
        return tree._replace(visits=visits, value_sum=wsum), nxt

    xs = (jax.random.split(key, num_simulations), jnp.arange(num_simulations))
    (tree, _), _ = jax.lax.scan(simulate, (tree, jnp.asarray(1)), xs)
    return tree


def tree_value_targets(tree: Tree) -> tuple[jax.Array, jax.Array, jax.Array]:
    """Training data for the value model from a search tree: (features (M, 4), target (M,), mask (M,)).

    The target of a visited non-root node is (Q + 1)/2 ∈ [0, 1] with Q = W/N, its MCTS step value.
    """
    if not isinstance(tree, Tree):
        raise TypeError(f"tree must be a Tree (returned by mcts), got {type(tree).__name__}")
    visited = (tree.visits > 0) & (jnp.arange(tree.visits.shape[-1]) > 0)
    q = tree.value_sum / jnp.maximum(tree.visits, 1.0)
    return tree.features, jnp.clip((q + 1.0) / 2.0, 0.0, 1.0), visited.astype(float)


def candidate_auc(
    key: jax.Array,
    env: ReasoningEnv,
    difficulties: jax.Array,
    value_params: PRMParams,
    *,
    num_candidates: int,
    policy_signal: jax.Array,
    value_signal: jax.Array,
) -> jax.Array:
    """How well a value model ranks on-track candidates above off-track ones, at each step of policy samples.

    For every problem the policy writes a solution by sampling one of K proposals per step; at each step t the
    K proposals are scored by the value model. Returns (T,) AUCs (the probability that a random on-track
    proposal outscores a random off-track one at step t, ties counting ½), pooled over problems.
    """
    num_candidates = _c.check_int("num_candidates", num_candidates, min_value=1)
    num_steps = env.num_steps

    def one(k, d):
        keys = jax.random.split(k, num_steps)

        def step(on, xs):
            kk, t = xs
            k1, k2 = jax.random.split(kk)
            c_on, logits, feats = expand_candidates(k1, env, d, on, t, num_candidates, policy_signal, value_signal)
            pick = jax.random.categorical(k2, logits)
            return c_on[pick], (c_on, _value_logit(value_params, feats))

        _, (c_on, score) = jax.lax.scan(step, jnp.asarray(True), (keys, jnp.arange(num_steps)))
        return c_on, score

    on, score = jax.vmap(one)(jax.random.split(key, difficulties.shape[0]), difficulties)
    on = jnp.moveaxis(on, 1, 0).reshape(num_steps, -1)
    score = jnp.moveaxis(score, 1, 0).reshape(num_steps, -1)

    def auc(pos, s):
        order = jnp.argsort(s)
        ranks = jnp.empty_like(s).at[order].set(jnp.arange(1, s.shape[0] + 1, dtype=s.dtype))
        n_pos = pos.sum()
        n_neg = pos.shape[0] - n_pos
        return (jnp.sum(jnp.where(pos, ranks, 0.0)) - n_pos * (n_pos + 1) / 2) / jnp.maximum(n_pos * n_neg, 1)

    return jax.vmap(auc)(on, score)


def mcts_many(
    key: jax.Array,
    env: ReasoningEnv,
    difficulties: jax.Array,
    value_params: PRMParams,
    *,
    num_simulations: int,
    num_candidates: int,
    c_puct: jax.Array,
    value_weight: jax.Array,
    policy_signal: jax.Array,
    value_signal: jax.Array,
) -> Tree:
    """:func:`mcts` on every problem of ``difficulties`` (n,) (jitted, vmapped); tree leaves get a leading n."""
    check_int("num_simulations", num_simulations, min_value=1)
    check_int("num_candidates", num_candidates, min_value=1)
    c_puct = check_positive("c_puct", c_puct)
    value_weight = _c.check_probability("value_weight", value_weight)
    return _mcts_many(
        key,
        env,
        jnp.asarray(difficulties),
        value_params,
        c_puct,
        value_weight,
        policy_signal,
        value_signal,
        num_simulations=num_simulations,
        num_candidates=num_candidates,
    )


@partial(jax.jit, static_argnames=("num_simulations", "num_candidates"))
def _mcts_many(
    key,
    env,
    difficulties,
    value_params,
    c_puct,
    value_weight,
    policy_signal,
    value_signal,
    *,
    num_simulations,
    num_candidates,
):
    def one(k, d):
        return mcts(
            k,
            env,
            d,
            value_params,
            num_simulations=num_simulations,
            num_candidates=num_candidates,
            c_puct=c_puct,
            value_weight=value_weight,
            policy_signal=policy_signal,
            value_signal=value_signal,
        )

    return jax.vmap(one)(jax.random.split(key, difficulties.shape[0]), difficulties)


def beam_search_accuracy(
    key: jax.Array,
    env: ReasoningEnv,
    difficulties: jax.Array,
    value_params: PRMParams,
    *,
    num_beams: int,
    num_candidates: int,
    policy_signal: jax.Array,
    value_signal: jax.Array,
    scorer: str = "value",
    max_beams: int | None = None,
) -> jax.Array:
    """Mean accuracy of :func:`step_beam_search` over the problems of ``difficulties`` (n,) (jitted).

    With ``max_beams`` the search runs in ``max_beams`` slots of which ``num_beams`` are used, so every beam width
    up to ``max_beams`` (and both scorers) share one compilation. At the first step only one slot proposes (all
    slots hold the root), so SBS(B1, B2) then ranks B2 proposals; with ``max_beams=None`` the B1 copies of the root
    each propose B2.
    """
    num_beams = check_int("num_beams", num_beams, min_value=1)
    check_int("num_candidates", num_candidates, min_value=1)
    check_choice("scorer", scorer, SCORERS)
    if max_beams is not None:
        max_beams = check_int("max_beams", max_beams, min_value=num_beams, max_value=num_candidates)
        return _beam_many_slots(
            key,
            env,
            jnp.asarray(difficulties),
            value_params,
            policy_signal,
            value_signal,
            jnp.asarray(scorer == "value"),
            jnp.asarray(num_beams),
            num_beams=max_beams,
            num_candidates=num_candidates,
        )
    return _beam_many(
        key,
        env,
        jnp.asarray(difficulties),
        value_params,
        policy_signal,
        value_signal,
        jnp.asarray(scorer == "value"),
        num_beams=num_beams,
        num_candidates=num_candidates,
    )


@partial(jax.jit, static_argnames=("num_beams", "num_candidates"))
def _beam_many(
    key, env, difficulties, value_params, policy_signal, value_signal, use_value, *, num_beams, num_candidates
):
    def one(k, d):
        return _step_beam_search(
            k, env, d, value_params, use_value, num_beams, num_candidates, policy_signal, value_signal
        )

    return jnp.mean(jax.vmap(one)(jax.random.split(key, difficulties.shape[0]), difficulties))


@partial(jax.jit, static_argnames=("num_beams", "num_candidates"))
def _beam_many_slots(
    key, env, difficulties, value_params, policy_signal, value_signal, use_value, active, *, num_beams, num_candidates
):
    def one(k, d):
        return _step_beam_search(
            k, env, d, value_params, use_value, num_beams, num_candidates, policy_signal, value_signal, active
        )

    return jnp.mean(jax.vmap(one)(jax.random.split(key, difficulties.shape[0]), difficulties))
