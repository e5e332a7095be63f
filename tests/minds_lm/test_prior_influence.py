"""priorscope.minds.prior_influence against independent references (scikit-learn, scipy, the transformer itself)."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from sklearn.linear_model import Ridge
from sklearn.metrics import r2_score

from priorscope.minds import prior_influence as pi

KEY = jax.random.key(0)


@pytest.fixture(scope="module")
def tiny():
    prior = pi.zipf_prior(jax.random.key(1), 5, 1.2)
    return pi.train_prior_lm(KEY, prior, num_items=4, num_steps=150, batch=32, d_model=16, num_layers=2)


def test_zipf_prior_is_a_permuted_zipf_law():
    p = np.asarray(pi.zipf_prior(KEY, 7, 1.5))
    ref = np.arange(1, 8) ** -1.5
    np.testing.assert_allclose(np.sort(p)[::-1], ref / ref.sum(), rtol=1e-6)


def test_task_batch_answer_is_the_count_of_a():
    toks, counts = pi.sample_task_batch(KEY, jnp.full(7, 1 / 7), 6, 200, prompt="CTRL")
    toks = np.asarray(toks)
    assert (toks[:, 0] == pi.TOKENS["CTRL"]).all() and (toks[:, -2] == pi.TOKENS["="]).all()
    np.testing.assert_array_equal((toks[:, 1:-2] == pi.TOKENS["a"]).sum(1), np.asarray(counts))
    np.testing.assert_array_equal(toks[:, -1] - pi.TOKENS["ANSWER0"], np.asarray(counts))


def test_ridge_r2_matches_scikit_learn():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 5))
    y = x @ rng.normal(size=5) + 0.5 * rng.normal(size=200)
    ours = float(pi.ridge_r2(x[:100], y[:100], x[100:], y[100:], ridge=0.3))
    ref = r2_score(y[100:], Ridge(alpha=0.3).fit(x[:100], y[:100]).predict(x[100:]))
    assert ours == pytest.approx(ref, abs=1e-4)


def test_stratified_split_partitions_and_alternates():
    prior = np.array([0.05, 0.4, 0.1, 0.3, 0.15])
    a, b = pi.stratified_split(prior)
    np.testing.assert_array_equal(np.sort(np.concatenate([a, b])), np.arange(5))
    np.testing.assert_array_equal(a, [0, 1, 4])  # prior ranks 1, 3, 5: answers 1, 4, 0


def test_loss_falls_and_hidden_states_match_the_transformer(tiny):
    assert tiny.losses[-20:].mean() < 0.7 * tiny.losses[:20].mean()
    toks, _ = pi.sample_task_batch(KEY, jnp.full(5, 0.2), 4, 1)
    t = toks[0, :-1]
    states = pi.hidden_states(tiny.params, t)
    assert states.shape == (3, t.shape[0], 16)
    embedded = tiny.params.embed[t] + tiny.params.embed_bias + tiny.params.positions[: t.shape[0]]
    np.testing.assert_allclose(states[0], embedded, atol=1e-6)  # layer 0 is the embedding


def test_finetune_changes_only_its_layer_and_checkpoints_round_trip(tiny, tmp_path):
    ft = pi.finetune_layer(KEY, tiny, 2, [0, 2, 4], num_steps=5, batch=8)
    assert all(
        np.array_equal(a, b)
        for a, b in zip(jax.tree.leaves(ft.params.blocks[0]), jax.tree.leaves(tiny.params.blocks[0]), strict=True)
    )
    assert not np.allclose(ft.params.blocks[1]["w1"], tiny.params.blocks[1]["w1"])
    pi.save_prior_lms(tmp_path / "m.npz", [tiny, ft], seed=3)
    models, meta = pi.load_prior_lms(tmp_path / "m.npz")
    assert meta["seed"] == 3 and len(models) == 2
    for a, b in zip(jax.tree.leaves(models[1].params), jax.tree.leaves(ft.params), strict=True):
        np.testing.assert_array_equal(a, b)


def test_count_accuracy_with_a_uniform_prior_ignores_the_correction(tiny):
    flat = tiny._replace(prior=jnp.full(5, 0.2))
    a0, p0 = pi.count_accuracy(KEY, flat, 8, correction=0.0)
    a1, p1 = pi.count_accuracy(KEY, flat, 8, correction=1.0)
    np.testing.assert_allclose(a0, a1)
    np.testing.assert_allclose(p0.sum(1), 1.0, rtol=1e-5)
