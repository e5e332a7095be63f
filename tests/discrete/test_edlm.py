"""EDLM's importance step: exact joint as k grows with the exact AR energy; k = 1 is MDLM; the sign matters."""

from functools import partial

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from priorscope import discrete as D

V, L, N_SAMPLES = 2, 4, 20_000
LAW = D.markov_chain_law(jnp.asarray([0.7, 0.3]), D.sticky_transition(V, 0.85), L)
DEN = partial(D.conditional_marginals, LAW)
AR = partial(D.log_prob, LAW)
START = jnp.full((L,), V)


def _tv(samples):
    return 0.5 * float(jnp.sum(jnp.abs(D.sample_frequencies(LAW, samples) - LAW.probs)))


def _edlm(num_steps, k, seed=0, sign=-1, low=0.0, high=1.0):
    f = jax.jit(jax.vmap(lambda key: D.sample_edlm(key, DEN, AR, START, V, num_steps, k, low, high, 1.0, sign).tokens))
    return f(jax.random.split(jax.random.key(seed), N_SAMPLES))


def test_large_k_with_the_exact_energy_samples_the_exact_joint():
    """One step, k = 512 candidates: self-normalised IS towards p_AR restores the joint (TV at the MC floor)."""
    assert _tv(_edlm(1, 512)) < 0.03


def test_k_one_is_mdlm():
    marg = np.asarray(DEN(START))
    product = np.prod(marg[np.arange(L), np.asarray(LAW.sequences)], axis=1)
    freq = np.asarray(D.sample_frequencies(LAW, _edlm(1, 1, seed=1)))
    assert 0.5 * np.abs(freq - product).sum() < 0.03


def test_error_falls_with_k_and_the_released_sign_is_worse():
    tv = {k: _tv(_edlm(1, k, seed=2)) for k in (1, 4, 32)}
    assert tv[1] > tv[4] > tv[32]
    assert _tv(_edlm(1, 4, seed=3, sign=1)) > tv[1]  # +E favours what the AR model finds unlikely


def test_outside_the_window_the_step_is_plain_mdlm():
    marg = np.asarray(DEN(START))
    product = np.prod(marg[np.arange(L), np.asarray(LAW.sequences)], axis=1)
    freq = np.asarray(D.sample_frequencies(LAW, _edlm(1, 32, seed=4, low=0.2, high=0.6)))  # t = 1 not in window
    assert 0.5 * np.abs(freq - product).sum() < 0.03


def test_weights_follow_the_sign():
    lw = D.importance_log_weights(jnp.log(jnp.asarray([0.5, 0.1])), jnp.log(jnp.asarray([0.25, 0.25])))
    np.testing.assert_allclose(np.exp(lw), [5 / 6, 1 / 6], rtol=1e-5)
    lw_plus = D.importance_log_weights(jnp.log(jnp.asarray([0.5, 0.1])), jnp.log(jnp.asarray([0.25, 0.25])), 1.0, 1)
    np.testing.assert_allclose(np.exp(lw_plus), [1 / 6, 5 / 6], rtol=1e-5)
    assert float(D.edlm_energy(jnp.log(0.5), jnp.log(0.25))) == pytest.approx(-np.log(2.0), abs=1e-6)
