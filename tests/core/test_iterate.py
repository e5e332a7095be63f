"""The init/step runner against plain Python loops, and the course's existing init/step pairs run through it."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import optax

from priorscope import iterate, nn
from priorscope.particles import smc


def _walk() -> iterate.Iterative:
    def step(key, state):
        x, n = state
        x = 0.9 * x + jax.random.normal(key, x.shape)
        return (x, n + 1), jnp.sum(x**2)

    return iterate.Iterative(init=lambda d: (jnp.zeros((d,)), jnp.asarray(0)), step=step)


def test_run_equals_a_python_loop_over_split_keys():
    algo = _walk()
    key = jax.random.key(3)
    state, infos, states = iterate.run(key, algo, algo.init(4), 6, return_trajectory=True)
    s, ref_infos, ref_states = algo.init(4), [], []
    for k in jax.random.split(key, 6):
        s, info = algo.step(k, s)
        ref_infos.append(info)
        ref_states.append(s[0])
    np.testing.assert_allclose(infos, np.stack(ref_infos), rtol=1e-6)
    np.testing.assert_allclose(states[0], np.stack(ref_states), rtol=1e-6)
    np.testing.assert_allclose(state[0], s[0], rtol=1e-6)
    assert int(state[1]) == 6 and states[1].tolist() == [1, 2, 3, 4, 5, 6]
    # without the trajectory: the same final state and infos
    state2, infos2 = iterate.run(key, algo, algo.init(4), 6)
    np.testing.assert_array_equal(infos2, infos)


def test_run_keys_in_chunks_equals_one_run():
    """fold_in keys make a run cut into chunks identical to one long run (what nn.fit relies on)."""
    algo = _walk()
    key = jax.random.key(0)
    keys = jax.vmap(lambda t: jax.random.fold_in(key, t))(jnp.arange(10))
    whole, infos = iterate.run_keys(keys, algo, algo.init(2))
    part, infos_a = iterate.run_keys(keys[:4], algo, algo.init(2))
    part, infos_b = iterate.run_keys(keys[4:], algo, part)
    np.testing.assert_array_equal(whole[0], part[0])
    np.testing.assert_array_equal(infos, np.concatenate([infos_a, infos_b]))


def test_nn_train_step_runs_through_the_runner_and_matches_fit():
    """nn's train_init/train_step fit the protocol: with fit's keys the runner reproduces nn.fit's losses."""
    target = jnp.array([1.0, -2.0])

    def loss_fn(params, key):
        noise = 0.01 * jax.random.normal(key, (2,))
        return jnp.sum((params - target + noise) ** 2)

    key = jax.random.key(1)
    params, losses = nn.fit(key, jnp.zeros(2), loss_fn, num_steps=20, learning_rate=0.1, warmup=2, chunk=7)
    schedule = optax.warmup_cosine_decay_schedule(0.0, 0.1, warmup_steps=2, decay_steps=20)
    optimizer = optax.chain(optax.clip_by_global_norm(1.0), optax.adamw(schedule, weight_decay=0.0))
    algo = iterate.Iterative(
        init=lambda p: nn.train_init(p, optimizer),
        step=lambda k, s: nn.train_step(s, k, loss_fn, optimizer),
    )
    keys = jax.vmap(lambda t: jax.random.fold_in(key, t))(jnp.arange(20))
    state, run_losses = iterate.run_keys(keys, algo, algo.init(jnp.zeros(2)))
    np.testing.assert_allclose(run_losses, losses, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(state.params, params, rtol=1e-5, atol=1e-7)


def test_smc_step_runs_through_the_runner():
    """particles.smc's init/step pair: with a flat potential and an identity move the weights stay uniform."""
    n = 16
    algo = iterate.Iterative(
        init=smc.init,
        step=lambda k, s: smc.step(k, s, lambda x: jnp.zeros((n,)), lambda k2, x: x, ess_threshold=0.5),
    )
    particles = jax.random.normal(jax.random.key(0), (n, 2))
    state, info = iterate.run(jax.random.key(1), algo, algo.init(particles), 5)
    np.testing.assert_allclose(info.ess, n * np.ones(5), rtol=1e-5)
    assert not np.any(np.asarray(info.resampled))
    np.testing.assert_allclose(state.particles, particles)
    np.testing.assert_allclose(state.log_evidence, 0.0, atol=1e-6)
