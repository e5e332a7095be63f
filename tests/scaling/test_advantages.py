"""Group advantages (GRPO, Dr.GRPO, CANON) against hand-written NumPy, and the bandit's exact accuracy."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from priorscope.scaling import advantages as adv


@pytest.fixture(autouse=True)
def _x64():
    with jax.enable_x64(True):
        yield


def _canon_numpy(r, m, mu, alpha, max_len):
    """Loop transcription of the CANON rule (stable sort by the metric, first G//2 are the low half)."""
    order = np.argsort(m, kind="stable")
    high = np.zeros(len(r), bool)
    high[order[len(r) // 2 :]] = True
    mh, ml = r[high].mean(), r[~high].mean()
    out = np.empty(len(r))
    for i in range(len(r)):
        if high[i]:
            out[i] = mu * (alpha * r[i] - ml) + (1 - mu) * (r[i] - mh)
        else:
            out[i] = mu * (r[i] - alpha * mh) + (1 - mu) * (r[i] - ml)
    return out / max_len


@pytest.mark.parametrize("g", [2, 5, 8, 16])
def test_canon_matches_loop_reference(g):
    rng = np.random.default_rng(g)
    for _ in range(20):
        r = rng.integers(0, 2, g).astype(float)
        m = rng.integers(0, 4, g).astype(float)  # ties exercise the stable split
        mu, alpha, max_len = rng.uniform(), rng.uniform(0.5, 2), rng.uniform(1, 10)
        got = np.asarray(adv.canon_advantages(r, m, mu, alpha, max_len))
        np.testing.assert_allclose(got, _canon_numpy(r, m, mu, alpha, max_len), atol=1e-12)


@pytest.mark.parametrize("g", [2, 4, 8, 32])
def test_canon_at_one_half_is_dr_grpo_exactly(g):
    rng = np.random.default_rng(0)
    for _ in range(50):
        r, m = rng.normal(size=g), rng.normal(size=g)
        np.testing.assert_allclose(
            np.asarray(adv.canon_advantages(r, m, 0.5, 1.0, 3.0)),
            np.asarray(adv.dr_grpo_advantages(r, 3.0)),
            atol=1e-12,
        )


def test_inter_group_sum_identity():
    rng = np.random.default_rng(1)
    for g in (4, 6, 9):
        r, m = rng.normal(size=g), rng.normal(size=g)
        inter, _ = adv.canon_components(r, m)
        high = np.asarray(adv.canon_split(m))
        assert float(np.sum(np.asarray(inter)[high])) == pytest.approx(
            high.sum() * (r[high].mean() - r[~high].mean()), abs=1e-12
        )


def test_grpo_and_dr_grpo_against_numpy():
    r = np.array([1.0, 0.0, 0.0, 1.0, 1.0])
    np.testing.assert_allclose(np.asarray(adv.grpo_advantages(r)), (r - r.mean()) / (r.std() + 1e-6))
    np.testing.assert_allclose(np.asarray(adv.dr_grpo_advantages(r, 2.0)), (r - r.mean()) / 2.0)


def test_bandit_accuracy_is_exact_and_training_improves_it():
    b = adv.make_direction_flip_bandit(jax.random.key(0), 6)
    logits = jnp.asarray(np.random.default_rng(0).normal(size=(2, 6)))
    acc, lengths = adv.bandit_accuracy(b, logits)
    pi = np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)
    p = 1 / (1 + np.exp(-np.asarray(b.success_logits)))
    assert float(acc) == pytest.approx(0.5 * np.sum(pi * p), rel=1e-12)
    np.testing.assert_allclose(np.asarray(lengths), pi @ np.asarray(b.lengths), rtol=1e-12)
    _, trace = adv.train_bandit(
        jax.random.key(1), b, "canon", num_updates=50, num_prompts=16, group_size=4, mu=0.8, learning_rate=2.0
    )
    assert trace.accuracy.shape == (50,) and trace.length.shape == (50, 2)
    assert float(trace.accuracy[-1]) > float(adv.bandit_accuracy(b, jnp.zeros((2, 6)))[0]) + 0.05


def test_bad_inputs():
    with pytest.raises(ValueError, match=r"mu must lie in \[0.0, 1.0\]"):
        adv.canon_advantages(jnp.zeros(4), jnp.zeros(4), 1.5)
    with pytest.raises(ValueError, match="G >= 2"):
        adv.dr_grpo_advantages(jnp.zeros(1))
    with pytest.raises(ValueError, match="metric must have the shape of rewards"):
        adv.canon_components(jnp.zeros(4), jnp.zeros(3))
    with pytest.raises(ValueError, match="alpha must be finite and > 0"):
        adv.canon_advantages(jnp.zeros(4), jnp.zeros(4), 0.5, alpha=0.0)
    b = adv.make_direction_flip_bandit(jax.random.key(0), 4)
    with pytest.raises(ValueError, match="estimator must be one of"):
        adv.train_bandit(jax.random.key(0), b, "ppo", num_updates=2, num_prompts=2, group_size=2)
    with pytest.raises(ValueError, match="group_size must be >= 2"):
        adv.train_bandit(jax.random.key(0), b, "canon", num_updates=2, num_prompts=2, group_size=1)


@pytest.mark.parametrize("estimator", sorted(adv._ESTIMATOR_SPECS))
def test_training_loop_specification_equals_the_standalone_estimator(estimator):
    # The training loop does not call the public estimators: it looks its estimator up in _ESTIMATOR_SPECS and
    # evaluates _advantages. Both must define the same advantage as the standalone function of the same name.
    rng = np.random.default_rng(7)
    mu, alpha, shaping = 0.3, 1.7, 0.05
    for _ in range(5):
        r = (rng.uniform(size=8) < 0.5).astype(float)
        r[0], r[1] = 1.0, 0.0  # a non-degenerate group
        length = rng.uniform(1.0, 10.0, size=8)
        random_metric = rng.uniform(size=8)
        rule, normalize, random_split, mu_, alpha_, shaping_ = adv._ESTIMATOR_SPECS[estimator]
        split = random_metric if random_split > 0 else length
        got = adv._advantages(
            rule,
            jnp.asarray(r),
            jnp.asarray(split),
            jnp.asarray(length),
            mu if mu_ is None else mu_,
            alpha if alpha_ is None else alpha_,
            shaping if shaping_ is None else shaping_,
            normalize,
        )
        if estimator == "grpo":
            want = adv.grpo_advantages(r)
        elif estimator == "dr_grpo":
            want = adv.dr_grpo_advantages(r, 1.0)
        elif estimator == "canon":
            want = adv.canon_advantages(r, length, mu, alpha, 1.0)
        elif estimator == "canon_random":
            want = adv.canon_advantages(r, random_metric, mu, alpha, 1.0)
        else:
            want = adv.length_shaped_advantages(r, length, shaping)
        np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=1e-12, atol=1e-12)
