"""Enumerable laws against brute-force enumeration in plain Python/NumPy."""

import itertools

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from priorscope import discrete as D

V, L = 3, 4


def _chain(seed):
    rng = np.random.default_rng(seed)
    init = rng.dirichlet(np.ones(V))
    trans = rng.dirichlet(0.5 * np.ones(V), size=V)
    return init, trans


def _brute_joint(init, trans):
    out = {}
    for seq in itertools.product(range(V), repeat=L):
        p = init[seq[0]]
        for a, b in zip(seq[:-1], seq[1:], strict=True):
            p *= trans[a, b]
        out[seq] = p
    return out


def test_markov_joint_matches_product_formula():
    init, trans = _chain(0)
    law = D.markov_chain_law(init, trans, L)
    brute = _brute_joint(init, trans)
    for seq, p in zip(np.asarray(law.sequences).tolist(), np.asarray(law.probs), strict=True):
        assert p == pytest.approx(brute[tuple(seq)], rel=1e-5)
        assert float(jnp.exp(D.log_prob(law, jnp.asarray(seq)))) == pytest.approx(brute[tuple(seq)], rel=1e-5)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_conditional_marginals_match_brute_force(seed):
    init, trans = _chain(seed)
    law = D.markov_chain_law(init, trans, L)
    brute = _brute_joint(init, trans)
    rng = np.random.default_rng(seed)
    for _ in range(5):
        z = rng.integers(0, V, size=L)
        z[rng.random(L) < 0.6] = V  # mask id
        got = np.asarray(D.conditional_marginals(law, jnp.asarray(z)))
        want = np.zeros((L, V))
        for seq, p in brute.items():
            if all(zi == V or zi == si for zi, si in zip(z, seq, strict=True)):
                for i, s in enumerate(seq):
                    want[i, s] += p
        want /= want.sum(axis=1, keepdims=True)
        np.testing.assert_allclose(got, want, atol=1e-5)


def test_table_law_agrees_with_dense_law():
    init, trans = _chain(4)
    dense = D.markov_chain_law(init, trans, L)
    perm = np.random.default_rng(0).permutation(V**L)
    table = D.table_law(np.asarray(dense.sequences)[perm], np.asarray(dense.probs)[perm], V)
    z = jnp.asarray([1, V, V, 0])
    np.testing.assert_allclose(D.conditional_marginals(table, z), D.conditional_marginals(dense, z), atol=1e-6)
    x = jnp.asarray([2, 1, 0, 0])
    assert float(D.log_prob(table, x)) == pytest.approx(float(D.log_prob(dense, x)), abs=1e-5)
    samples = jnp.asarray([[2, 1, 0, 0], [2, 1, 0, 0], [0, 0, 0, 0]])
    f_dense, f_table = D.sample_frequencies(dense, samples), D.sample_frequencies(table, samples)
    np.testing.assert_allclose(np.asarray(f_table), np.asarray(f_dense)[perm])


def test_support_and_captions():
    world = D.caption_world()
    law = world.law
    assert law.sequences.shape == (72, 11)
    assert float(law.probs.sum()) == pytest.approx(1.0)
    assert bool(D.support_contains(law, law.sequences[5]))
    bad = law.sequences[5].at[4].set(law.sequences[5][5])
    assert not bool(D.support_contains(law, bad))
    assert D.decode_words(law.sequences[0]).endswith("a small red square .")
    # given the image only, the template word at caption position 0 is mixed across templates
    z = jnp.concatenate([world.conditions[0], jnp.full((8,), law.vocab_size)])
    marg = np.asarray(D.conditional_marginals(law, z))
    assert marg[3].max() < 0.95
    # given the image and a full template (the structure prior), only the size word is uncertain
    z2 = jnp.concatenate([world.conditions[0], world.structure[0]])
    marg2 = np.asarray(D.conditional_marginals(law, z2))
    uncertain = [i for i in range(11) if marg2[i].max() < 0.999]
    assert uncertain == [3 + 4]


def test_conditionals_never_nan_off_support():
    law = D.caption_world().law
    z = jnp.full((11,), law.vocab_size).at[0].set(20)  # a word where an image token belongs: off the support
    assert bool(jnp.all(jnp.isfinite(D.conditional_marginals(law, z))))
    assert float(D.log_prob(law, jnp.zeros(11, jnp.int32))) == -np.inf
    assert jax.jit(lambda t: D.log_prob(law, t))(law.sequences[0]) > -np.inf
