"""PRM labels (MC, first-error, SCAN), training against scikit-learn, and the ProcessBench metric by hand."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from priorscope.scaling import biprm as B
from priorscope.scaling import prm as P
from priorscope.scaling import scan as SC


def test_mc_labels_by_hand():
    counts = jnp.array([[8, 5, 0, 3], [8, 8, 8, 8]])
    lab = P.mc_labels(counts, 8)
    np.testing.assert_allclose(lab.soft, [[1, 5 / 8, 0, 3 / 8], [1, 1, 1, 1]])
    np.testing.assert_array_equal(lab.hard, [[1, 1, 0, 1], [1, 1, 1, 1]])
    np.testing.assert_array_equal(lab.mask, [[1, 1, 1, 0], [1, 1, 1, 1]])
    np.testing.assert_array_equal(lab.first_error, [2, 4])


def test_first_error_labels_by_hand():
    y, m = P.first_error_labels(jnp.array([1, 3]), 3)
    np.testing.assert_array_equal(y, [[1, 0, 0], [1, 1, 1]])
    np.testing.assert_array_equal(m, [[1, 1, 0], [1, 1, 1]])
    y2, m2 = P.first_error_labels(jnp.array([1, 3]), 3, label_after=True)
    np.testing.assert_array_equal(y2, [[1, 0, 0], [1, 1, 1]])
    np.testing.assert_array_equal(m2, [[1, 1, 1], [1, 1, 1]])
    with pytest.raises(TypeError, match="label_after must be a bool, got 1"):
        P.first_error_labels(jnp.array([1]), 3, label_after=1)


def test_scan_labels_by_hand():
    counts = jnp.array([[8, 6, 2, 0, 4], [8, 0, 0, 0, 8]])
    correct = jnp.array([False, True])
    y, m = P.scan_labels(counts, 8, jnp.array([0.5, 0.9]), correct, tolerance=2)
    # incorrect: t_pred = 3; steps 1, 2 soft = min(1, m/SC) = min(1, 0.75/0.5), 0.25/0.5
    np.testing.assert_allclose(y[0, :4], [1.0, 1.0, 0.5, 0.0])
    np.testing.assert_array_equal(m[0], [1, 1, 1, 1, 0])
    np.testing.assert_array_equal(y[1], 1.0)  # correct responses: all ones, no rollouts needed
    np.testing.assert_array_equal(m[1], 1.0)


def test_train_prm_matches_sklearn_logistic_regression():
    rng = np.random.default_rng(0)
    n, t, f = 600, 4, 3
    x = rng.normal(size=(n, t, f))
    w_true = np.array([1.5, -1.0, 0.5])
    y = (rng.uniform(size=(n, t)) < 1 / (1 + np.exp(-(x @ w_true + 0.3)))).astype(float)
    params, losses = P.train_prm(
        jax.random.key(0),
        jnp.asarray(x),
        jnp.asarray(y),
        jnp.ones((n, t)),
        num_iters=600,
        learning_rate=0.05,
        weight_decay=0.0,
        balance=False,
    )
    assert losses.shape == (600,) and float(losses[-1]) < float(losses[0])
    ref = LogisticRegression(C=1e6, max_iter=2000).fit(x.reshape(-1, f), y.reshape(-1))
    p_ref = ref.predict_proba(x.reshape(-1, f))[:, 1].reshape(n, t)
    p = np.asarray(P.prm_scores(params, jnp.asarray(x)))
    assert np.max(np.abs(p - p_ref)) < 0.01


def test_mlp_prm_fits_a_nonlinear_rule():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(800, 1, 2))
    y = (x[..., 0] * x[..., 1] > 0).astype(float)  # XOR-like: not linearly separable
    lin, _ = P.train_prm(jax.random.key(0), jnp.asarray(x), jnp.asarray(y), jnp.ones_like(y), num_iters=300)
    mlp, _ = P.train_prm(jax.random.key(0), jnp.asarray(x), jnp.asarray(y), jnp.ones_like(y), hidden=16, num_iters=800)
    acc = lambda p: float(np.mean((np.asarray(P.prm_scores(p, jnp.asarray(x))) > 0.5) == y))
    assert acc(lin) < 0.65 < 0.9 < acc(mlp)


def test_predict_first_error_and_processbench_f1_by_hand():
    scores = jnp.array([[0.9, 0.2, 0.8], [0.9, 0.9, 0.9], [0.4, 0.9, 0.9], [0.9, 0.9, 0.1]])
    pred = P.predict_first_error(scores)
    np.testing.assert_array_equal(pred, [1, 3, 0, 2])
    true = jnp.array([1, 3, 2, 3])
    out = P.processbench_f1(pred, true, 3)
    # erroneous: samples 0 (hit), 2 (miss) -> 0.5; correct: samples 1 (hit), 3 (miss) -> 0.5
    assert float(out["acc_error"]) == pytest.approx(0.5)
    assert float(out["acc_correct"]) == pytest.approx(0.5)
    assert float(out["f1"]) == pytest.approx(0.5)


def test_aggregate_scores():
    s = jnp.array([[0.9, 0.5, 0.8]])
    assert float(P.aggregate_scores(s, "min")[0]) == pytest.approx(0.5)
    assert float(P.aggregate_scores(s, "product")[0]) == pytest.approx(0.36)
    assert float(P.aggregate_scores(s, "last")[0]) == pytest.approx(0.8)


def test_bad_inputs():
    with pytest.raises(ValueError, match="num_rollouts must be >= 1"):
        P.mc_labels(jnp.zeros((2, 3)), 0)
    with pytest.raises(ValueError, match=r"targets must lie in \[0.0, 1.0\]"):
        P.train_prm(jax.random.key(0), jnp.zeros((2, 3, 1)), jnp.full((2, 3), 1.5), jnp.ones((2, 3)))
    with pytest.raises(ValueError, match="features must be"):
        P.train_prm(jax.random.key(0), jnp.zeros((2, 3)), jnp.zeros((2, 3)), jnp.ones((2, 3)))
    with pytest.raises(ValueError, match="num_iters must be >= 1"):
        P.train_prm(jax.random.key(0), jnp.zeros((2, 3, 1)), jnp.zeros((2, 3)), jnp.ones((2, 3)), num_iters=0)
    with pytest.raises(ValueError, match="how must be one of"):
        P.aggregate_scores(jnp.ones((1, 2)), "mean")
    with pytest.raises(ValueError, match=r"threshold must lie in \[0.0, 1.0\]"):
        P.predict_first_error(jnp.ones((1, 2)), 1.5)


def test_stream_features_respect_reading_direction():
    from priorscope.scaling import env as E

    x = jax.random.normal(jax.random.key(0), (5, 6, len(E.FEATURE_NAMES)))
    fwd, bwd = B.stream_features(x)
    assert fwd.shape == (5, 6, 9) and bwd.shape == (5, 6, 4)
    back = E.FEATURE_NAMES.index("backref")
    # the left-to-right stream never sees the right-to-left evidence
    x2 = x.at[..., back].set(100.0)
    np.testing.assert_array_equal(B.stream_features(x2)[0], fwd)
    # its running max of "check" only looks at earlier steps
    check = np.asarray(x[..., E.FEATURE_NAMES.index("check")])
    np.testing.assert_allclose(fwd[..., -1], np.maximum.accumulate(check, axis=1))


def test_biprm_fixed_gate_mixes_the_streams():
    from priorscope.scaling import env as E

    x = jax.random.normal(jax.random.key(1), (40, 5, len(E.FEATURE_NAMES)))
    y = (jax.random.uniform(jax.random.key(2), (40, 5)) < 0.6).astype(float)
    params, losses = B.train_biprm(jax.random.key(3), x, y, jnp.ones_like(y), num_iters=50)
    assert losses.shape == (50,) and float(losses[-1]) < float(losses[0])
    fwd, bwd = B.stream_features(x)
    r_f, r_b = P.prm_scores(params.fwd, fwd), P.prm_scores(params.bwd, bwd)
    np.testing.assert_allclose(B.biprm_scores(params, x, 0.25), 0.25 * r_f + 0.75 * r_b, rtol=1e-5)
    g = B.gate_values(params, x)
    np.testing.assert_allclose(B.biprm_scores(params, x), g * r_f + (1 - g) * r_b, rtol=1e-5)
    with pytest.raises(ValueError, match=r"fixed_gate must lie in \[0.0, 1.0\]"):
        B.train_biprm(jax.random.key(3), x, y, jnp.ones_like(y), fixed_gate=1.5)


def test_scan_dataset_counts_rollouts_and_filters():
    from priorscope.scaling import env as E

    ann = E.reasoning_env(6, skill=1.0, self_correct=0.05, lucky=0.05)
    sd = SC.scan_dataset(jax.random.key(4), ann, E.feature_spec(), num_problems=50, num_responses=4, num_rollouts=3)
    correct = np.asarray(sd.data.traj.correct).reshape(50, 4)
    sc = correct.mean(1)
    np.testing.assert_allclose(np.asarray(sd.self_confidence), np.repeat(sc, 4))
    # cost formula: N (T - 1) per response for vanilla; only incorrect responses of kept questions for SCAN
    assert int(sd.vanilla_rollouts) == 50 * 4 * 5 * 3
    assert int(sd.scan_rollouts) == int(((sc >= 0.75)[:, None] & ~correct).sum()) * 5 * 3
    y, m = sd.scan
    kept = np.repeat(sc >= 0.75, 4)
    assert np.all(np.asarray(m)[~kept] == 0)
    ok = kept & np.asarray(sd.data.traj.correct)
    assert np.all(np.asarray(y)[ok] == 1) and np.all(np.asarray(m)[ok] == 1)


def test_scan_labels_accept_a_traced_tolerance():
    counts = jnp.array([[8, 6, 2, 0, 4]])
    f = jax.jit(lambda d: P.scan_labels(counts, 8, jnp.array([0.5]), jnp.array([False]), d)[0])
    np.testing.assert_allclose(f(1)[0, :4], [1.0, 1.0, 0.5, 0.0])
    np.testing.assert_allclose(f(0)[0, :4], [1.0, 1.0, 1.0, 0.0])
    with pytest.raises(ValueError, match="tolerance must be >= 0"):
        P.scan_labels(counts, 8, jnp.array([0.5]), jnp.array([False]), -1)


def test_label_study_accepts_a_traced_rollout_count():
    """28's panel moves N as a traced value (no recompile); the count is checked at run time, not refused."""
    import jax

    import priorscope.scaling as sc

    def run(n):
        return sc.label_study(
            jax.random.key(0),
            num_problems=2,
            num_responses=2,
            num_rollouts=n,
            completer_skill=1.0,
            judge_hit=0.8,
            judge_false_alarm=0.1,
            self_correct=0.0,
            lucky=0.0,
            max_rollouts=4,
        )["kept"]

    traced = jax.jit(run)(jnp.asarray(3))
    assert np.isclose(float(traced), float(run(3)))
    with pytest.raises(Exception, match="num_rollouts"):
        jax.jit(run)(jnp.asarray(5)).block_until_ready()
