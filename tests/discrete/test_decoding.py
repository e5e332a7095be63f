"""Confident decoding: the step budget at tau = 1, parallelism at low tau, exactness of random one-per-step."""

from functools import partial

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from priorscope import discrete as D

V, L = 2, 4
LAW = D.markov_chain_law(jnp.asarray([0.7, 0.3]), D.sticky_transition(V, 0.85), L)
DEN = partial(D.conditional_marginals, LAW)
START = jnp.full((L,), V)
WORLD = D.caption_world()


@pytest.mark.parametrize("confidence", D.CONFIDENCES)
@pytest.mark.parametrize("num_steps", [1, 2, 3, 4])
def test_threshold_one_uses_exactly_the_budget(confidence, num_steps):
    keys = jax.random.split(jax.random.key(0), 64)
    out = jax.vmap(lambda k: D.confident_decode(k, DEN, START, V, num_steps, 1.0, confidence, temperature=1.0))(keys)
    assert np.all(np.asarray(out.num_iterations) == num_steps)
    assert np.all(np.asarray(out.tokens) < V)


def test_threshold_one_on_the_caption_world_with_budget_equal_to_length():
    law = WORLD.law
    z = jnp.concatenate([WORLD.conditions[3], jnp.full((8,), law.vocab_size)])
    out = D.confident_decode(jax.random.key(1), partial(D.conditional_marginals, law), z, law.vocab_size, 8, 1.0)
    assert int(out.num_iterations) == 8
    assert sorted(np.asarray(out.unmask_step[3:]).tolist()) == list(range(8))  # one token per step
    assert bool(D.support_contains(law, out.tokens))


def test_threshold_zero_unmasks_everything_at_once():
    out = D.confident_decode(jax.random.key(2), DEN, START, V, 4, 0.0)
    assert int(out.num_iterations) == 1


def test_random_one_per_step_decoding_samples_the_exact_law():
    keys = jax.random.split(jax.random.key(3), 20_000)
    f = jax.jit(jax.vmap(lambda k: D.confident_decode(k, DEN, START, V, L, 1.0, fallback="random", temperature=1.0)))
    freq = D.sample_frequencies(LAW, f(keys).tokens)
    assert 0.5 * float(jnp.sum(jnp.abs(freq - LAW.probs))) < 0.03


def test_confidence_kinds():
    probs = jnp.asarray([[0.7, 0.2, 0.1], [1 / 3, 1 / 3, 1 / 3]])
    chosen = jnp.asarray([1, 0])
    np.testing.assert_allclose(D.confidence_scores(probs, chosen, "max_prob"), [0.2, 1 / 3], rtol=1e-6)
    np.testing.assert_allclose(D.confidence_scores(probs, chosen, "margin"), [0.5, 0.0], atol=1e-6)
    ent = -(0.7 * np.log(0.7) + 0.2 * np.log(0.2) + 0.1 * np.log(0.1))
    np.testing.assert_allclose(D.confidence_scores(probs, chosen, "entropy"), [1 - ent / np.log(3), 0.0], atol=1e-6)


def test_one_parallel_step_validity_matches_the_factorised_mass():
    """tau = 0 at temperature 1 fills every position at once: validity = the exact product-of-marginals mass."""
    law = WORLD.law
    z = jnp.concatenate([WORLD.conditions[5], jnp.full((8,), law.vocab_size)])
    exact = float(D.factorised_support_mass(law, z))
    assert 0.0 < exact < 0.5
    den = partial(D.conditional_marginals, law)
    keys = jax.random.split(jax.random.key(5), 20_000)
    out = jax.jit(jax.vmap(lambda k: D.confident_decode(k, den, z, law.vocab_size, 8, 0.0, temperature=1.0)))(keys)
    valid = np.asarray(jax.vmap(lambda t: D.support_contains(law, t))(out.tokens))
    assert abs(valid.mean() - exact) < 4 * np.sqrt(exact * (1 - exact) / valid.size)
    # the structure prior (a template pre-filled) makes the factorised step exact: every caption valid
    z2 = jnp.concatenate([WORLD.conditions[5], WORLD.structure[1]])
    assert float(D.factorised_support_mass(law, z2)) == pytest.approx(1.0, abs=1e-6)
