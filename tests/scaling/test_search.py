"""Search invariants: best-of-N with an oracle is pass@N; τ = L is vanilla beam search; the drop risk is exact."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from scipy.stats import norm

from priorscope.scaling import early_rejection as ER
from priorscope.scaling import env as E
from priorscope.scaling import prm as P
from priorscope.scaling import search as S
from priorscope.scaling import tree_search as TS


@pytest.mark.parametrize("n", [1, 4])
def test_best_of_n_with_oracle_verifier_is_pass_at_n(n):
    reps, p = 20000, 0.3
    k1, k2 = jax.random.split(jax.random.key(0))
    correct = jax.random.uniform(k1, (reps, n)) < p
    scores = correct + 0.01 * jax.random.uniform(k2, (reps, n))  # the oracle ranks right answers first
    (chosen,) = S.best_of_n(scores, correct)
    exact = 1 - (1 - p) ** n
    assert float(S.pass_at_n(p, n)) == pytest.approx(exact, rel=1e-6)
    assert abs(float(chosen.mean()) - exact) <= 3 * np.sqrt(exact * (1 - exact) / reps)


def _er(tau, late=0.0, reps=300):
    return _er_batch(jax.random.split(jax.random.key(1), reps), tau, late)


@jax.jit
def _er_batch(keys, tau, late):
    run = lambda k: ER.er_beam_search(
        k, tau, num_beams=8, beam_width=4, num_steps=3, num_tokens=32, noise_std=2.0, late_fraction=late
    )
    return jax.vmap(run)(keys)


def test_full_length_partial_is_vanilla_beam_search():
    out = _er(32.0)
    assert out.partial.shape == (300, 3, 8) and out.success.shape == (300,)
    assert not bool(out.dropped_best.any())  # ranking by the full reward never drops its best
    np.testing.assert_allclose(out.partial, out.full, atol=1e-5)
    assert float(out.tokens[0]) == 3 * 8 * 32


def test_token_cost_formula_counts_tokens():
    # N = 8 candidates write τ = 4 tokens each, N / M = 2 survivors write the remaining 28, over 3 steps
    assert float(ER.er_token_cost(8, 4, 3, 32, 4)) == 3 * (8 * 4 + 2 * 28)
    assert float(_er(4.0, reps=2).tokens[0]) == 3 * (8 * 4 + 2 * 28)


def test_early_rejection_drops_the_best_less_often_with_longer_partials():
    drops = [float(_er(t).dropped_best.mean()) for t in (1.0, 4.0, 16.0)]
    assert drops[0] > drops[1] > drops[2]


@pytest.mark.parametrize("keep", [1, 3])
def test_drop_best_prob_matches_monte_carlo(keep):
    n, margin, tau, sigma, reps = 6, 0.5, 9.0, 1.5, 200000
    rng = np.random.default_rng(0)
    partial = rng.normal(size=(reps, n)) * sigma / np.sqrt(tau)
    partial[:, 0] += margin
    dropped = (partial[:, 1:] > partial[:, :1]).sum(1) >= keep
    exact = float(ER.drop_best_prob(margin, tau, sigma, n, keep))
    assert abs(dropped.mean() - exact) <= 3 * np.sqrt(exact * (1 - exact) / reps)


def test_drop_best_prob_keep1_closed_form_and_exponential_bound():
    # with one other candidate the risk is P(N(0, 2σ²/τ) > Δ) = Φ̄(Δ √τ / (σ √2))
    taus = jnp.array([1.0, 10.0, 100.0])
    got = ER.drop_best_prob(0.4, taus, 1.0, 2, 1)
    np.testing.assert_allclose(got, norm.sf(0.4 * np.sqrt(np.asarray(taus)) / np.sqrt(2)), rtol=1e-4)
    big = ER.drop_best_prob(0.4, taus, 1.0, 10, 1)
    assert np.all(np.asarray(big) <= 9 * np.exp(-np.asarray(taus) * 0.16 / 4) + 1e-7)


def test_bad_inputs():
    with pytest.raises(ValueError, match="n must be finite and > 0"):
        S.pass_at_n(0.5, 0)
    with pytest.raises(ValueError, match=r"p must lie in \[0.0, 1.0\]"):
        S.pass_at_n(1.5, 3)
    with pytest.raises(ValueError, match="keep must be <= 3"):
        ER.drop_best_prob(0.5, 4.0, 1.0, 4, 4)
    with pytest.raises(ValueError, match="noise_std must be finite and > 0"):
        ER.drop_best_prob(0.5, 4.0, 0.0, 4, 1)


# ---------------------------------------------------------------- step-level search on the candidate tree

TREE_ENV = E.reasoning_env(5, skill=1.0, self_correct=0.1, lucky=0.0)
SIG = dict(policy_signal=0.5, value_signal=1.0)


def _value_params():
    params = P.init_prm(jax.random.key(0), 4, 0)
    w = jnp.array([[1.0], [0.0], [0.0], [0.0]])  # score = evidence
    return params._replace(layers=((w, jnp.zeros(1)),))


@pytest.mark.parametrize("scorer", ["policy", "value"])
def test_beam_width_one_is_greedy(scorer):
    """SBS(1, K) picks, at each step, the best-scored of the K proposals of the single beam."""
    vp = _value_params()
    search = jax.jit(
        lambda k: TS.step_beam_search(k, TREE_ENV, 0.3, vp, num_beams=1, num_candidates=4, scorer=scorer, **SIG)
    )
    for seed in range(3):
        key = jax.random.key(seed)
        got = search(key)
        keys = jax.random.split(key, TREE_ENV.num_steps + 1)
        on = True
        for t in range(TREE_ENV.num_steps):
            k = jax.random.split(keys[t], 1)[0]
            c_on, logits, feats = TS.expand_candidates(k, TREE_ENV, 0.3, on, t, 4, **SIG)
            score = logits if scorer == "policy" else feats[:, 0]
            on = bool(c_on[int(np.argmax(np.asarray(score)))])
        assert bool(got) == on


def test_value_guided_beam_search_beats_greedy():
    vp = _value_params()
    d = jax.random.normal(jax.random.key(1), (400,))
    acc = lambda scorer: float(
        TS.beam_search_accuracy(jax.random.key(2), TREE_ENV, d, vp, num_beams=1, num_candidates=4, scorer=scorer, **SIG)
    )
    assert acc("policy") + 0.05 < acc("value")


def test_mcts_tree_invariants():
    vp = _value_params()
    sims, k = 30, 3
    tree = TS.mcts(
        jax.random.key(3),
        TREE_ENV,
        0.0,
        vp,
        num_simulations=sims,
        num_candidates=k,
        c_puct=1.5,
        value_weight=0.0,
        **SIG,
    )
    visits = np.asarray(tree.visits)
    start = np.asarray(tree.child_start)
    assert visits[0] == sims
    for node in np.flatnonzero(start >= 0):  # an expanded node was a leaf once, then passed visits down
        assert visits[node] == 1 + visits[start[node] : start[node] + k].sum()
        assert np.all(np.asarray(tree.parent)[start[node] : start[node] + k] == node)
        np.testing.assert_allclose(np.asarray(tree.prior)[start[node] : start[node] + k].sum(), 1.0, rtol=1e-5)
    q = np.asarray(tree.value_sum)[visits > 0] / visits[visits > 0]
    assert np.all(np.abs(q) <= 1 + 1e-6)
    f, y, m = TS.tree_value_targets(tree)
    assert f.shape == (1 + sims * k, 4) and float(m[0]) == 0.0
    assert np.all((np.asarray(y) >= 0) & (np.asarray(y) <= 1))


def test_mcts_values_are_one_when_no_step_can_fail():
    easy = E.reasoning_env(4, skill=30.0)  # p = sigmoid(δ − 30) ≈ 0: every path succeeds
    tree = TS.mcts(
        jax.random.key(4),
        easy,
        0.0,
        _value_params(),
        num_simulations=12,
        num_candidates=3,
        c_puct=1.0,
        value_weight=0.0,
        **SIG,
    )
    visits = np.asarray(tree.visits)
    np.testing.assert_allclose(np.asarray(tree.value_sum)[visits > 0] / visits[visits > 0], 1.0)


def test_candidate_auc_matches_sklearn():
    from sklearn.metrics import roc_auc_score

    vp = _value_params()
    d = jax.random.normal(jax.random.key(5), (300,))
    auc = np.asarray(TS.candidate_auc(jax.random.key(6), TREE_ENV, d, vp, num_candidates=4, **SIG))

    # reference: regenerate the same candidates and score them with sklearn
    def one(k, dd):
        keys = jax.random.split(k, TREE_ENV.num_steps)

        def step(on, xs):
            kk, t = xs
            k1, k2 = jax.random.split(kk)
            c_on, logits, feats = TS.expand_candidates(k1, TREE_ENV, dd, on, t, 4, **SIG)
            return c_on[jax.random.categorical(k2, logits)], (c_on, feats[:, 0])

        return jax.lax.scan(step, jnp.asarray(True), (keys, jnp.arange(TREE_ENV.num_steps)))[1]

    on, score = jax.vmap(one)(jax.random.split(jax.random.key(6), 300), d)
    for t in range(TREE_ENV.num_steps):
        ref = roc_auc_score(np.asarray(on[:, t]).ravel(), np.asarray(score[:, t]).ravel())
        assert auc[t] == pytest.approx(ref, abs=1e-4)


def test_tree_search_bad_inputs():
    vp = _value_params()
    with pytest.raises(ValueError, match="num_beams must be >= 1"):
        TS.step_beam_search(jax.random.key(0), TREE_ENV, 0.0, vp, num_beams=0, num_candidates=3, **SIG)
    with pytest.raises(ValueError, match="scorer must be one of"):
        TS.step_beam_search(jax.random.key(0), TREE_ENV, 0.0, vp, num_beams=1, num_candidates=3, scorer="x", **SIG)
    with pytest.raises(ValueError, match="num_simulations must be >= 1"):
        TS.mcts(
            jax.random.key(0),
            TREE_ENV,
            0.0,
            vp,
            num_simulations=0,
            num_candidates=3,
            c_puct=1.0,
            value_weight=0.0,
            **SIG,
        )


def test_slot_beam_search_with_one_active_slot_is_greedy():
    """In slot mode (max_beams = 3) with one active slot, only slot 0 proposes: greedy over its proposals."""
    vp = _value_params()
    for seed in range(2):
        key = jax.random.key(seed)
        got = TS._step_beam_search(key, TREE_ENV, 0.3, vp, jnp.asarray(False), 3, 4, 0.5, 1.0, jnp.asarray(1))
        keys = jax.random.split(key, TREE_ENV.num_steps + 1)
        on = True
        for t in range(TREE_ENV.num_steps):
            k = jax.random.split(keys[t], 3)[0]
            c_on, logits, _ = TS.expand_candidates(k, TREE_ENV, 0.3, on, t, 4, **SIG)
            on = bool(c_on[int(np.argmax(np.asarray(logits)))])
        assert bool(got) == on
    with pytest.raises(ValueError, match="max_beams must be <= 4"):
        TS.beam_search_accuracy(key, TREE_ENV, jnp.zeros(2), vp, num_beams=1, num_candidates=4, max_beams=5, **SIG)
