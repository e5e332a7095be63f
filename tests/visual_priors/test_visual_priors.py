"""priorscope.minds.visual_priors against independent references (NumPy counts, the token transformer itself)."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from priorscope import nn
from priorscope.minds import visual_priors as vp
from priorscope.minds import visual_text as vt

KEY = jax.random.key(0)
T = vp.SCENE_TOKENS
CELLS = slice(1, 1 + vp.NUM_CELLS)


def test_text_answers_match_numpy_counts():
    toks, weights = vp.sample_text_batch(KEY, [0.5, 0.5, 0.0], 2000)
    toks, weights = np.asarray(toks), np.asarray(weights)
    op, x, y, ans = toks[:, 10], toks[:, 11], toks[:, 12], toks[:, 14]
    cells = toks[:, CELLS]
    counts = np.stack([(cells == c).sum(1) for c in range(vp.NUM_COLOURS)], 1)
    at, more, count = op == T["AT"], op == T["MORE"], op == T["COUNT"]
    assert at.sum() > 800 and more.sum() > 400 and count.sum() > 400
    np.testing.assert_array_equal(ans[at], cells[at, x[at] - T["@0"]])
    ca, cb = counts[more, x[more]], counts[more, y[more]]
    assert (ca != cb).all() and (x[more] != y[more]).all()  # ties are never asked
    np.testing.assert_array_equal(ans[more], np.where(ca > cb, T["yes"], T["no"]))
    np.testing.assert_array_equal(ans[count] - T["0"], counts[count, x[count]])
    np.testing.assert_array_equal(weights.sum(1), 1.0)  # reasoning and description: the answer only


def test_more_questions_are_balanced():
    toks, _ = vp.sample_text_batch(KEY, [1.0, 0.0, 0.0], 20_000)
    toks = np.asarray(toks)
    ans = toks[toks[:, 10] == T["MORE"], 14]
    p = np.mean(ans == T["yes"])
    assert abs(p - 0.5) < 4 * np.sqrt(0.25 / ans.size)  # exactly 1/2 by the (a, b) <-> (b, a) symmetry


def test_generic_text_follows_the_markov_chain():
    toks, weights = vp.sample_text_batch(KEY, [0.0, 0.0, 1.0], 4000)
    toks = np.asarray(toks)
    assert (toks[:, 0] == T["BOS"]).all() and (np.asarray(weights) == 1).all()
    probs = np.asarray(jax.nn.softmax(vt._markov_logits(), -1))
    first = np.bincount(toks[:, 1], minlength=len(T)) / toks.shape[0]
    assert np.abs(first - probs[T["BOS"]]).max() < 0.03


def test_vision_slots_equal_the_token_model_when_the_adapter_reads_colours_exactly():
    lm = jax.tree_util.tree_map(lambda a: a[0], vp.init_lms(KEY, np.arange(1), d_model=16, num_layers=2))
    weight = jnp.linalg.pinv(vp._encoder()) @ lm.embed[: vp.NUM_COLOURS]  # encoder vector -> colour embedding
    feats, question, answer, task = vp.sample_vision_batch(KEY, 3, noise_std=0.0)
    enc = np.asarray(vp._encoder())
    grid = np.argmin(((np.asarray(feats)[:, :, None] - enc) ** 2).sum(-1), -1)  # noiseless: the nearest colour
    assert np.allclose(np.asarray(feats), enc[grid])
    for i in range(feats.shape[0]):
        ours = vp._vision_logits(lm, weight, jnp.zeros(16), feats[i], question[i])
        toks = jnp.concatenate([jnp.array([T["BOS"]]), jnp.asarray(grid[i]), question[i]])
        ref = nn.transformer(lm, toks, nn.causal_mask(toks.shape[0]))[-1]
        np.testing.assert_allclose(ours, ref, atol=2e-4)


def test_random_lm_scores_chance():
    lms = vp.init_lms(KEY, np.arange(3), d_model=16, num_layers=1)
    zero = vp.AdapterFit(jnp.zeros((3, vp.FEATURE_DIM, 16)), jnp.zeros((3, 16)), np.zeros((3, 1)))
    perception, reasoning = vp.vqa_accuracy(KEY, lms, zero, 400)
    # the adapter erases the picture, so the answer ignores it: accuracy is a Binomial(400, chance) / 400
    assert np.all(np.abs(np.asarray(perception) - 0.25) < 4 * np.sqrt(0.25 * 0.75 / 400))
    assert np.all(np.abs(np.asarray(reasoning) - 0.5) < 4 * np.sqrt(0.25 / 400))


@pytest.fixture(scope="module")
def tiny():
    mix = np.array([[0.6, 0.2, 0.2], [0.0, 0.0, 1.0]])
    return vp.pretrain_lms(KEY, mix, num_seeds=1, num_steps=150, batch=16, d_model=16, num_layers=1)


def test_pretraining_loss_falls_and_seeds_pair(tiny):
    assert tiny.losses.shape == (2, 150)
    assert np.all(tiny.losses[:, -20:].mean(1) < 0.8 * tiny.losses[:, :20].mean(1))
    np.testing.assert_array_equal(tiny.seeds, [0, 0])


def test_adapter_loss_falls_and_grid_roundtrips(tiny, tmp_path):
    fit = vp.fit_adapters(KEY, tiny.params, num_pairs=64, num_steps=60, batch=16)
    assert fit.weight.shape == (2, vp.FEATURE_DIM, 16)
    assert np.all(fit.losses[:, -10:].mean(1) < fit.losses[:, :10].mean(1))
    grid = vp.MixtureGrid(
        tiny.mixtures, np.ones((2, 1)), np.zeros((2, 1)), np.ones(1), np.zeros(1), np.zeros((2, 1, 3)), {"a": 1.0}
    )
    vp.save_mixture_grid(tmp_path / "g.npz", grid)
    back = vp.load_mixture_grid(tmp_path / "g.npz")
    np.testing.assert_array_equal(back.mixtures, grid.mixtures)
    assert back.meta == {"a": 1.0}


def test_shipped_grid_loads():
    grid = vp.load_mixture_grid()
    m, s = grid.perception.shape
    assert grid.mixtures.shape == (m, 3) and grid.reasoning.shape == (m, s) and s >= 2
    np.testing.assert_allclose(grid.mixtures.sum(1), 1.0, atol=1e-6)
