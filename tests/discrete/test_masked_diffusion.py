"""The masked-diffusion sampler and loss against the exact law of a small Markov chain."""

from functools import partial

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from priorscope import discrete as D

V, L, N_SAMPLES = 2, 4, 20_000
LAW = D.markov_chain_law(jnp.asarray([0.7, 0.3]), D.sticky_transition(V, 0.85), L)
DEN = partial(D.conditional_marginals, LAW)
START = jnp.full((L,), V)


def _tv(samples):
    return 0.5 * float(jnp.sum(jnp.abs(D.sample_frequencies(LAW, samples) - LAW.probs)))


def _mdlm(num_steps, seed=0, schedule="linear"):
    f = jax.jit(jax.vmap(lambda k: D.sample_masked_diffusion(k, DEN, START, V, num_steps, schedule).tokens))
    return f(jax.random.split(jax.random.key(seed), N_SAMPLES))


def test_remaining_masked_counts():
    np.testing.assert_array_equal(D.remaining_masked(6, 6), [6, 5, 4, 3, 2, 1, 0])
    np.testing.assert_array_equal(D.remaining_masked(6, 2), [6, 3, 0])
    rem = np.asarray(D.remaining_masked(10, 4, "cosine"))
    assert rem[0] == 10 and rem[-1] == 0 and np.all(np.diff(rem) <= 0)


def test_one_token_per_step_reproduces_the_exact_law():
    """steps = L with the exact conditionals: every step is an exact chain-rule factor, so KL -> 0 (TV at MC floor)."""
    assert _tv(_mdlm(L)) < 0.03


def test_one_step_samples_the_product_of_marginals():
    """One step unmasks every position independently: the law is the product of the first-order marginals."""
    samples = _mdlm(1, seed=1)
    marg = np.asarray(DEN(START))
    seqs = np.asarray(LAW.sequences)
    product = np.prod(marg[np.arange(L), seqs], axis=1)
    freq = np.asarray(D.sample_frequencies(LAW, samples))
    assert 0.5 * np.abs(freq - product).sum() < 0.03
    assert 0.5 * np.abs(product - np.asarray(LAW.probs)).sum() > 0.2  # and that is far from the chain


def test_error_falls_with_steps():
    tvs = [_tv(_mdlm(n, seed=2 + n)) for n in (1, 2, L)]
    assert tvs[0] > tvs[1] > tvs[2]


def test_unmask_step_records_each_position_once():
    out = D.sample_masked_diffusion(jax.random.key(3), DEN, START, V, L)
    assert sorted(np.asarray(out.unmask_step).tolist()) == list(range(L))
    given = START.at[0].set(1)
    out2 = D.sample_masked_diffusion(jax.random.key(3), DEN, given, V, 2)
    assert int(out2.unmask_step[0]) == -1 and int(out2.tokens[0]) == 1


@pytest.mark.parametrize("schedule", D.SCHEDULES)
def test_loss_with_exact_conditionals_is_the_negative_log_likelihood(schedule):
    """The MDLM bound is tight for the exact conditionals: E[loss] = -log p(x) (within 4 Monte Carlo SE)."""
    x = jnp.asarray([0, 0, 1, 1])
    log_probs = lambda z: jnp.log(jnp.maximum(DEN(z), 1e-30))  # noqa: E731
    losses = jax.jit(jax.vmap(lambda k: D.masked_diffusion_loss(k, log_probs, x, V, schedule)))(
        jax.random.split(jax.random.key(4), 40_000)
    )
    mean, se = float(losses.mean()), float(losses.std() / np.sqrt(losses.size))
    assert abs(mean + float(D.log_prob(LAW, x))) < 4 * se + 1e-3


@pytest.mark.parametrize("num_steps", [1, 2, 3])
def test_exact_sampler_law_matches_sampling(num_steps):
    """The enumerated sampler law (float64, no sampling) against Monte Carlo frequencies of the JAX sampler."""
    q = D.exact_sampler_law(LAW, num_steps)
    assert q.sum() == pytest.approx(1.0)
    freq = np.asarray(D.sample_frequencies(LAW, _mdlm(num_steps, seed=10 + num_steps)))
    assert 0.5 * np.abs(freq - q).sum() < 0.03


def test_exact_sampler_law_is_exact_with_one_position_per_step():
    law = D.markov_chain_law(jnp.asarray([0.2, 0.3, 0.5]), D.sticky_transition(3, 0.7), 5)
    np.testing.assert_allclose(D.exact_sampler_law(law, 5), np.asarray(law.probs), atol=1e-6)
    kl = [float(np.sum(law.probs * np.log(law.probs / D.exact_sampler_law(law, n)))) for n in (1, 2, 3, 5)]
    assert kl[0] > kl[1] > kl[2] > kl[3] and abs(kl[3]) < 1e-5
